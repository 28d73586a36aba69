"""Check results reused across rack-design instances (checks.reuse), on LD (L made from rack
designs: every rack an instance of one of 5 designs): the full check with reuse off and on, and
one edit of the GB200 NVL72 rack design (a compute tray's allocated power, as
bench_rack_designs does) applied to all of them as the app does (command, graph, incremental
checks), with reuse on and, after undoing it, with reuse off (and once more without the full-run
tables a wide update uses, as the engine did before). The findings must be the same every way
(the run says so); CPU times are the figures baseline.json compares.
"""
from __future__ import annotations

import gc
import json

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer


def _edit(design, slug):
    """The rack design `slug` with one compute tray's allocated power changed (revision B)."""
    rd = design.rack_designs[slug]
    tray = next(k for k, d in sorted(rd.devices.items()) if design.part_types[d.part].category.value == "server")
    return rd.model_copy(update={"revision": "B", "devices": {
        **rd.devices, tray: rd.devices[tray].model_copy(update={"allocated_w": 4000.0})}})


def _text(findings) -> str:
    return json.dumps([f.to_json() for f in findings])


def main() -> None:
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.checks import engine as engine_module
    from rackstudio.commands.rack_designs import EditRackDesign
    from rackstudio.graph.component_graph import ComponentGraph
    from rackstudio.io import project_file
    from rackstudio.model.rack_designs import instances

    run = Run("reuse-LD", "python -m benchmarks.bench_reuse")
    print("check results reused across rack-design instances, on LD", flush=True)
    design = project_file.load(design_file("LD")).design
    graph = ComponentGraph(design)
    full: dict[bool, list] = {False: [], True: []}
    found = {}
    engine = None
    for reuse in (False, True, False, True):  # alternated, the best of two each: the machine is shared
        engine = None  # the last engine's results and memo freed first
        gc.collect()
        engine = CheckEngine(design, graph, builtin_registry(), reuse=reuse)
        with Timer() as t:
            found[reuse] = _text(engine.run_full())
        full[reuse].append(t)
    copied = engine.reused["copied"]  # by the last full run, with reuse
    counts = {slug: len(instances(design, slug)) for slug in design.rack_designs}
    # the NVL72 design (its rack type has an NVLink spine), the one with the most instances else
    slug = max(counts, key=lambda s: (design.rack_types[design.rack_designs[s].rack_type].nvlink is not None,
                                      counts[s]))
    edited = _edit(design, slug)
    edit, apply_cmd, after = {}, {}, {}
    wide = engine_module.WIDE_UPDATE
    # the engine of the last full run (reuse on) first; then fresh ones without reuse, the second
    # also without the wide update's full-run tables (the engine before reuse)
    for way in ("on", "off", "narrow"):
        if way != "on":
            engine = None
            gc.collect()
            engine = CheckEngine(design, graph, builtin_registry(), reuse=False)
            engine.run_full()
        engine_module.WIDE_UPDATE = wide if way != "narrow" else 10 ** 12
        command = EditRackDesign(edited)
        with Timer() as whole:
            with Timer() as cmd:
                changes = command.apply(design)
            graph.apply(changes)
            engine.update(changes)
        edit[way], apply_cmd[way] = whole, cmd
        after[way] = _text(engine.findings())
        back = command.revert(design)
        graph.apply(back)
        engine.update(back)
    engine_module.WIDE_UPDATE = wide
    same_full = found[True] == found[False]
    same_edit = after["on"] == after["off"] == after["narrow"]
    instances_n = counts[slug]
    for reuse, key in ((False, "reuse.full.L.off"), (True, "reuse.full.L.on")):
        best = min(full[reuse], key=lambda t: t.cpu)
        run.figure(key, best.wall, cpu=round(best.cpu, 3), cpus=[round(t.cpu, 3) for t in full[reuse]],
                   **({"same_findings": same_full, "copied": copied} if reuse else {}))
    run.figure("reuse.edit.L.off", edit["off"].wall, cpu=round(edit["off"].cpu, 3), instances=instances_n,
               command_cpu=round(apply_cmd["off"].cpu, 3), narrow_wall=round(edit["narrow"].wall, 3),
               narrow_cpu=round(edit["narrow"].cpu, 3))
    run.figure("reuse.edit.L.on", edit["on"].wall, cpu=round(edit["on"].cpu, 3), instances=instances_n,
               command_cpu=round(apply_cmd["on"].cpu, 3), same_findings=same_edit)
    run.note(f"the edit without reuse and without the wide update's full-run tables (the engine before): "
             f"{edit['narrow'].wall:.2f} s, CPU {edit['narrow'].cpu:.2f} s")
    run.note(f"LD: {len(design.racks)} racks, {sum(counts.values())} instances of {len(counts)} rack designs; the "
             f"edit of {design.rack_designs[slug].name} changes {instances_n} instances")
    run.note(f"full-check findings with reuse on and off {'identical' if same_full else 'DIFFER'}; after the edit "
             f"{'identical' if same_edit else 'DIFFER'}")
    run.finish()


if __name__ == "__main__":
    main()
