"""4. Checks on L: the full run, and the incremental update after one edit (moving a cabled 1U
device into the free unit next to it; moving one end of a cable to a free port of the same
switch), 50 edits each, every edit undone after it is measured.

The figure is CheckEngine.update(changes) alone, wall time with the CPU time beside it (`cpu_ms`,
what benchmarks/baseline.json compares); the whole edit (command, graph update, check update) is
recorded beside it. A free unit is made (untimed) by removing the blanking panel next
to the device, as a user would before moving it.
"""
from __future__ import annotations

import random

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer, median, percentile

EDITS = 50


def _apply(doc, engine, command):
    """Apply as the Document does, then update the checks; returns (check Timer, whole edit s)."""
    with Timer() as whole:
        changes = command.apply(doc.design)
        doc.graph.apply(changes)
        with Timer() as check:
            engine.update(changes)
    return check, whole.wall


def _revert(doc, engine, command) -> None:
    changes = command.revert(doc.design)
    doc.graph.apply(changes)
    engine.update(changes)


def move_candidates(design, rng: random.Random) -> list[tuple[str, str, float]]:
    """(device, blanking panel, its position) pairs: a cabled 1U device with a blank right above
    or below it in the same rack."""
    pairs = []
    for rack_id in design.racks:
        by_pos = {}
        for dev_id in design.contents(rack_id):
            d = design.devices[dev_id]
            if d.position is not None:
                by_pos.setdefault(d.position, []).append(d)
        for pos, devices in by_pos.items():
            for d in devices:
                part = design.part_of(d)
                if part.u_height != 1 or part.rackstudio.category.value == "blank" or not design.connections_of(d.id):
                    continue
                for other in (pos + 1, pos - 1):
                    blanks = [b for b in by_pos.get(other, ()) if design.part_of(b).rackstudio.category.value == "blank"]
                    if len(by_pos.get(other, ())) == 1 and blanks:
                        pairs.append((d.id, blanks[0].id, other))
                        break
    rng.shuffle(pairs)
    return pairs


def reconnect_candidates(design, rng: random.Random) -> list[tuple[str, str]]:
    """(network cable, a free port of the same kind on the switch at its b end)."""
    out = []
    cables = [c for c in design.connections.values() if c.kind == "network"]
    rng.shuffle(cables)
    for c in cables:
        switch = design.devices.get(c.b.owner)
        if switch is None:
            continue
        ports = design.part_of(switch).interfaces
        used = next((i for i in ports if i.name == c.b.port), None)
        free = [i.name for i in ports if used is not None and i.type == used.type and i.mgmt_only == used.mgmt_only
                and design.port_connection("network", switch.id, i.name) is None]
        if free:
            out.append((c.id, rng.choice(free)))
        if len(out) >= EDITS:
            break
    return out


def main() -> None:
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.commands import Composite, Connect, Disconnect, MoveDevice, RemoveDevice
    from rackstudio.document import Document
    from rackstudio.io import project_file
    from rackstudio.model.design import PortRef

    run = Run("checks-L", "python -m benchmarks.bench_checks")
    print("4. checks on L", flush=True)
    doc = Document(project_file.load(design_file("L")).design)
    design = doc.design
    engine = CheckEngine(design, doc.graph, builtin_registry())
    fulls = []
    for _ in range(2):  # a second run only when the first is quick enough to afford it
        with Timer() as full:
            findings = engine.run_full()
        fulls.append(full)
        if full.wall > 5:
            break
    rng = random.Random(0)

    move_check, move_edit = [], []
    for dev_id, blank_id, position in move_candidates(design, rng)[:EDITS]:
        remove = RemoveDevice(blank_id)
        _apply(doc, engine, remove)
        move = MoveDevice(dev_id, position=position)
        check, whole = _apply(doc, engine, move)
        move_check.append(check)
        move_edit.append(whole)
        _revert(doc, engine, move)
        _revert(doc, engine, remove)

    re_check, re_edit = [], []
    for conn_id, port in reconnect_candidates(design, rng):
        c = design.connections[conn_id]
        command = Composite("Reconnect", [Disconnect(conn_id), Connect(
            c.kind, c.a, PortRef(owner=c.b.owner, port=port), media=c.media, length_m=c.length_m)])
        check, whole = _apply(doc, engine, command)
        re_check.append(check)
        re_edit.append(whole)
        _revert(doc, engine, command)

    still = engine.findings() == engine.run_full()
    full_s = min(f.wall for f in fulls)
    run.figure("check.full.L", full_s, cpu=round(min(f.cpu for f in fulls), 3), first_run=round(fulls[0].wall, 3),
               findings=len(findings))
    ms = 1000
    for name, timers, edits in (("move", move_check, move_edit), ("reconnect", re_check, re_edit)):
        checks, cpus = [t.wall for t in timers], [t.cpu for t in timers]
        run.figure(f"check.{name}.median", median(checks) * ms, cpu_ms=round(median(cpus) * ms, 3), edits=len(checks),
                   whole_edit_median_ms=round(median(edits) * ms, 2), max_ms=round(max(checks) * ms, 2))
        run.figure(f"check.{name}.p95", percentile(checks, 95) * ms, cpu_ms=round(percentile(cpus, 95) * ms, 3),
                   whole_edit_p95_ms=round(percentile(edits, 95) * ms, 2))
    run.figure("check.ratio", round(full_s / max(median(t.wall for t in move_check),
                                                 median(t.wall for t in re_check)), 1))
    run.note(f"{len(findings)} findings on L; after {len(move_check)} moves and {len(re_check)} reconnections, "
             f"each undone, the incremental findings {'equal' if still else 'DIFFER FROM'} a full run")
    run.note(f"whole edit (command + graph + checks) median: move {median(move_edit) * ms:.1f} ms, "
             f"reconnect {median(re_edit) * ms:.1f} ms")
    run.finish()


if __name__ == "__main__":
    main()
