"""A wide edit of L in the real main window (offscreen), as a user makes it: once the live checks of
the opened design are done, the racks of the hall's far quarter (x and y past the median: 266
racks of L, 40,000 records with their devices and cables) are selected and deleted with the Delete
action. Measured: how long the window's thread is held by it (command, graph, checks, views and a
repaint of the hall); the full check it leaves to the worker, until its results are taken, with
a 5 ms timer recording the worst gap of the window's thread meanwhile; then its undo and redo (the
window's time). The findings are compared with a fresh full run after each.
"""
from __future__ import annotations

from benchmarks import gui
from benchmarks.bench_open import checks_with_ticks
from benchmarks.designs import design_file
from benchmarks.report import Run, Timer, median, percentile


def main() -> None:
    from rackstudio.checks import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph

    run = Run("wide-edit-L", "python -m benchmarks.bench_wide_edit")
    print("a wide edit of L in the window", flush=True)
    window, document = gui.window_checked(design_file("L"))
    design = document.design
    engine = window.live_checks.engine
    before = engine.findings()
    xs = sorted(r.x_mm for r in design.racks.values())
    ys = sorted(r.y_mm for r in design.racks.values())
    pod = [r.id for r in design.racks.values() if r.x_mm >= xs[len(xs) // 2] and r.y_mm >= ys[len(ys) // 2]]
    window.selection.set(pod)
    gui.settle()

    def held(action) -> Timer:
        with Timer() as t:
            action()
            window.hall_view.viewport().repaint()
        return t

    deleted = held(window.actions_by_id["delete"].trigger)
    deferred = window.live_checks.deferred
    ran, gaps = checks_with_ticks(window)
    after = engine.findings()
    fresh = CheckEngine(design, ComponentGraph(design)).run_full()
    undo = held(window.undo_stack.undo)
    undone_same = engine.findings() == before and not window.live_checks.running
    redo = held(window.undo_stack.redo)
    redone_same = engine.findings() == after and not window.live_checks.running

    run.figure("wide_edit.delete.L", deleted.wall, cpu=round(deleted.cpu, 3), racks=len(pod),
               deferred=deferred)
    run.figure("wide_edit.checks.L", ran.wall, cpu=round(ran.cpu, 3))
    worst = max(gaps)
    run.figure("wide_edit.stall.L", worst, ticks=len(gaps), p99_ms=round(percentile(gaps, 99), 1),
               over_50ms=sum(g > 50 for g in gaps), median_ms=round(median(gaps), 1))
    run.figure("wide_edit.undo.L", undo.wall, cpu=round(undo.cpu, 3))
    run.figure("wide_edit.redo.L", redo.wall, cpu=round(redo.cpu, 3))
    run.note(f"deleted {len(pod)} racks; the full check {'went to the worker' if deferred else 'ran on the window thread'}; "
             f"its findings {'equal' if after == fresh else 'DIFFER FROM'} a fresh full run's ({len(after)}); "
             f"after the undo they {'equal' if undone_same else 'DIFFER FROM'} those before, after the redo "
             f"{'those after' if redone_same else 'NOT THOSE AFTER'}, with no check running")
    run.finish()


if __name__ == "__main__":
    main()
