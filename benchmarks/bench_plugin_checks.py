"""Plugin rules in the checks on L (1,000 racks): the full check with the built-in rules,
with no rules, and with only the example plugin's rule (rackstudio-ai-racks.no-air-above-35kw, scope rack),
and the incremental update after one device move with the plugin rule registered. The difference
between an engine with no rules and one with only the plugin rule is what running plugin code costs (the worker process, the snapshot, the batched call).

    python -m benchmarks.bench_plugin_checks
"""
from __future__ import annotations

import random

from benchmarks.bench_checks import _apply, _revert, move_candidates
from benchmarks.designs import design_file
from benchmarks.report import Timer, median

RULE = "rackstudio-ai-racks.no-air-above-35kw"
EDITS = 30


def _example_manager():
    from pathlib import Path

    import rackstudio_ai_racks

    from rackstudio.plugins import PluginManager, read_manifest

    package = Path(rackstudio_ai_racks.__file__).parent
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


def main() -> None:
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.checks.registry import RuleRegistry
    from rackstudio.commands import MoveDevice, RemoveDevice
    from rackstudio.document import Document
    from rackstudio.io import project_file

    doc = Document(project_file.load(design_file("L")).design)
    builtin_s, _ = _full(CheckEngine(doc.design, doc.graph, builtin_registry()), runs=1)
    base_s, _ = _full(CheckEngine(doc.design, doc.graph, RuleRegistry()))  # metrics and passes, no rule
    manager = _example_manager()
    registry = RuleRegistry()
    manager.register_rules(registry)
    engine = CheckEngine(doc.design, doc.graph, registry)
    with Timer() as first:
        engine.run_full()  # starts the worker and imports the rule
    plugin_s, found = _full(engine)
    hits = sum(1 for f in found if f.rule == RULE)
    moves = []
    for dev_id, blank_id, position in move_candidates(doc.design, random.Random(0))[:EDITS]:
        remove = RemoveDevice(blank_id)
        _apply(doc, engine, remove)
        move = MoveDevice(dev_id, position=position)
        check, _whole = _apply(doc, engine, move)
        moves.append(check)
        _revert(doc, engine, move)
        _revert(doc, engine, remove)
    print(f"L: {len(doc.design.racks)} racks, {len(doc.design.devices)} devices")
    print(f"full check, built-in rules (once):     {builtin_s:.3f} s")
    print(f"full check, no rules (best of 3):      {base_s:.3f} s")
    print(f"full check, example rule only (best of 3): {plugin_s:.3f} s ({hits} findings)")
    print(f"cost of the plugin rule per full check: {1000 * (plugin_s - base_s):.0f} ms "
          f"(first run, starting and importing: {first.wall:.3f} s)")
    print(f"incremental move with the plugin rule: median {1000 * median(moves):.2f} ms over {len(moves)} edits")
    print(f"failures: {[str(f) for f in manager.failures]}")


if __name__ == "__main__":
    main()
