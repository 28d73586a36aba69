"""Plugin rules in the checks on L (1,000 racks): what one check pass of the example plugin's
rule (rackstudio-ai-racks.no-air-above-35kw, scope rack) costs the host, timed around the rule
alone as the engine calls it (the full check's own time varies by seconds on a shared machine),
the first full check (which starts the plugin worker), and the incremental update after one
device move with the plugin rule registered.

    python -m benchmarks.bench_plugin_checks [DESIGN]
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from benchmarks.bench_checks import _apply, _revert, move_candidates
from benchmarks.designs import design_file
from benchmarks.report import ROOT, Run, Timer, median

RULE = "rackstudio-ai-racks.no-air-above-35kw"
EDITS = 30


def _example_manager():
    """The example plugin from this repository (`make bench` installs RackStudio alone)."""
    from rackstudio.plugins import PluginManager, read_manifest

    package = ROOT / "plugins" / "rackstudio-ai-racks" / "src" / "rackstudio_ai_racks"
    if str(package.parent) not in sys.path:  # its worker imports it from the host's path
        sys.path.insert(0, str(package.parent))
    manager = PluginManager()
    manager.register(read_manifest(package / "rackstudio-plugin.toml"), package)
    return manager


def _full(engine, runs: int = 3) -> tuple[float, list]:
    best, findings = None, []
    for _ in range(runs):
        with Timer() as t:
            findings = engine.run_full()
        best = t.wall if best is None else min(best, t.wall)
    return best, findings


def _rule_pass(engine, rule, subjects) -> float:
    """Wall time of one pass of the rule over its subjects, as the engine makes it: one batched
    call when the rule has one, else a call per subject."""
    batch = getattr(rule.fn, "batch", None)
    with Timer() as t:
        if batch is not None:
            batch(engine.ctx, subjects)
        else:
            for subject in subjects:
                rule.fn(engine.ctx, subject)
    return t.wall


def main() -> None:
    from rackstudio.checks import CheckEngine
    from rackstudio.checks.registry import RuleRegistry
    from rackstudio.checks.scope import subjects as subjects_of
    from rackstudio.commands import MoveDevice, RemoveDevice
    from rackstudio.document import Document
    from rackstudio.io import project_file

    path = Path(sys.argv[1]) if len(sys.argv) > 1 else design_file("L")  # or a design given
    doc = Document(project_file.load(path).design)
    manager = _example_manager()
    registry = RuleRegistry()
    manager.register_rules(registry)
    engine = CheckEngine(doc.design, doc.graph, registry)
    with Timer() as first:
        found = engine.run_full()  # starts the worker and imports the rule
    rule = registry.get(RULE)
    subjects = [s for scope in rule.scopes for s in subjects_of(engine.ctx, scope)]
    passes = sorted(_rule_pass(engine, rule, subjects) for _ in range(7))
    hits = sum(1 for f in found if f.rule == RULE)
    moves = []
    for dev_id, blank_id, position in move_candidates(doc.design, random.Random(0))[:EDITS]:
        remove = RemoveDevice(blank_id)
        _apply(doc, engine, remove)
        move = MoveDevice(dev_id, position=position)
        check, _whole = _apply(doc, engine, move)
        moves.append(check.wall)
        _revert(doc, engine, move)
        _revert(doc, engine, remove)
    run = Run("plugin-checks-L", "python -m benchmarks.bench_plugin_checks")
    run.figure("plugins.rule_pass.L", 1000 * median(passes), best_ms=round(1000 * passes[0], 1), passes=len(passes),
               subjects=len(subjects), findings=hits)
    run.figure("plugins.first_full.L", first.wall, cpu=round(first.cpu, 3))
    run.figure("plugins.move.median", 1000 * median(moves), edits=len(moves))
    run.note(f"{len(doc.design.racks)} racks, {len(doc.design.devices)} devices; plugin failures: "
             f"{[str(f) for f in manager.failures] or 'none'}")
    run.finish()


if __name__ == "__main__":
    main()
