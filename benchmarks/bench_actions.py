"""Everyday actions in the window on L, once its checks are done: selecting a rack, Select All
and selecting nothing, renaming a rack, moving one 100 mm into its aisle, deleting a device,
pasting a copied rack, taking the optics out of a cable's ends, opening a rack's elevation,
turning the cable overlay on. Each is timed
from the call to the end of the events it sets off and a repaint of the hall view, and undone
after where it edits; the figure is the median of REPEATS (the first paste of a session reads
the design's ids once: its first repetition is the slowest), with the CPU time of the window's
thread beside it (`cpu_ms`). The target of each is a frame (16 ms).

    python -m benchmarks.bench_actions
"""
from __future__ import annotations

import time

from benchmarks import gui
from benchmarks.designs import design_file
from benchmarks.report import Run, median

REPEATS = 5


def main() -> None:
    from rackstudio.commands import MoveRack, SetEnds, SetProperty

    run = Run("actions-L", "python -m benchmarks.bench_actions")
    print("everyday actions in the window on L", flush=True)
    window, document = gui.window_checked(design_file("L"))
    design, act, engine = document.design, window.actions_by_id, window.live_checks.engine
    before = engine.findings()
    row = sorted(design.rows)[len(design.rows) // 2]
    rack = sorted(r for r in design.contents(row) if r in design.racks)[0]
    across = "y_mm" if len({design.racks[r].y_mm for r in design.contents(row) if r in design.racks}) == 1 else "x_mm"
    device = next(d for d in sorted(design.contents(rack)) if "blank" not in design.devices[d].part)
    cable = next(c for d in sorted(design.contents(rack)) for c in sorted(design.connections_of(d))
                 if design.connections[c].kind == "network" and design.connections[c].a_end)

    def timed(action, then=None) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.thread_time()
        action()
        window.hall_view.viewport().repaint()
        gui.settle()
        result = ((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)
        if then is not None:
            then()
            gui.settle()
        return result

    def moved() -> None:
        r = design.racks[rack]
        window.editor.execute(MoveRack(rack, r.x_mm + 100 * (across == "x_mm"), r.y_mm + 100 * (across == "y_mm")))

    def pasted() -> None:
        window.selection.set([rack])
        act["copy"].trigger()
        act["paste"].trigger()

    def select(ids):
        return lambda: window.selection.set(ids)

    undo = act["undo"].trigger
    actions = {
        "select_rack": (select([rack]), select([])),
        "select_all": (act["select_all"].trigger, select([])),
        "select_none": (select([]), act["select_all"].trigger),
        "rename_rack": (lambda: window.editor.execute(SetProperty(rack, "name", "Renamed")), undo),
        "move_rack": (moved, undo),
        "delete_device": (lambda: (window.selection.set([device]), act["delete"].trigger()), undo),
        "paste_rack": (pasted, undo),
        "unplug_optics": (lambda: window.editor.execute(SetEnds(cable, None, None)), undo),
        "open_elevation": (lambda: window.open_elevation(rack), act["close_elevations"].trigger),
        "cable_overlay": (act["cable_overlay"].trigger, act["cable_overlay"].trigger),
    }
    edits = document.edits
    for name, (action, then) in actions.items():
        if name == "select_none":
            act["select_all"].trigger()
            gui.settle()
        times = [timed(action, then) for _ in range(REPEATS)]
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        run.figure(f"actions.{name}.L", median(walls), cpu_ms=round(median(cpus), 3), first_ms=round(walls[0], 1),
                   worst_ms=round(max(walls), 1))
    window.selection.set([])
    gui.settle()
    applied = document.edits - edits
    same = engine.findings() == before and not document.modified
    run.note(f"{applied} edits applied and undone; the findings after them {'equal' if same else 'DIFFER FROM'} "
             f"those before ({len(before)}), the design {'unmodified' if not document.modified else 'MODIFIED'}")
    run.finish()


if __name__ == "__main__":
    main()
