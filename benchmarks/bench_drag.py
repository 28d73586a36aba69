"""5. Frame times while dragging, through the real widgets offscreen, with L open in the main
window: a cabled switch dragged up and down its rack elevation, a rack dragged across the hall
view (zoomed to fit: every rack of the hall on screen; and zoomed ×4 on one pod), and the hall's
zoom-to-fit.

Beside wall times, each figure records the process's CPU time (`cpu_*`): on a shared machine a
frame can wait for a core. A frame is one QTest mouse move delivered to the viewport (the view's drag handler: fit
predicate, item moves, ghost), the queued events it leaves (scene index and update requests),
and a full synchronous repaint of the viewport (viewport().repaint()). A full repaint is the
worst case: Qt would often repaint only the exposed region. The drop (release: one command, the
views and docks updating) is recorded beside the frames and undone.
"""
from __future__ import annotations

import time

from benchmarks import gui
from benchmarks.designs import design_file
from benchmarks.report import Run, Timer, median, percentile

STEPS = 60


def _frames(view, points, release_at=None):
    """Press at points[0], move through points[1:], release; per-frame ms and the drop ms."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    gui.settle(1)
    frames, handler, paint, cpu = [], [], [], []
    for p in points[1:]:
        c0 = time.process_time()
        t0 = time.perf_counter()
        QTest.mouseMove(viewport, p)
        t1 = time.perf_counter()
        gui.settle(1)
        viewport.repaint()
        t2 = time.perf_counter()
        cpu.append((time.process_time() - c0) * 1000)
        frames.append((t2 - t0) * 1000)
        handler.append((t1 - t0) * 1000)
        paint.append((t2 - t1) * 1000)
    with Timer() as drop:
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           release_at if release_at is not None else points[-1])
        gui.settle(1)
        viewport.repaint()
    return frames, handler, paint, cpu, drop.wall * 1000


def _record(run: Run, key: str, frames, handler, paint, cpu, drop, zoom: float = 1.0, p95_only: bool = False) -> None:
    detail = {"zoom_vs_fit": round(zoom, 2), "frames": len(frames), "cpu_median_ms": round(median(cpu), 2),
              "cpu_p95_ms": round(percentile(cpu, 95), 2), "handler_median_ms": round(median(handler), 2),
              "paint_median_ms": round(median(paint), 2), "handler_p95_ms": round(percentile(handler, 95), 2),
              "paint_p95_ms": round(percentile(paint, 95), 2), "max_ms": round(max(frames), 2),
              "drop_ms": round(drop, 1)}
    if not p95_only:
        run.figure(f"{key}.median", median(frames), **detail)
    run.figure(f"{key}.p95", percentile(frames, 95), **detail)
    run.note(f"{key}: CPU per frame median {detail['cpu_median_ms']} ms / p95 {detail['cpu_p95_ms']} ms, "
             f"handler median {detail['handler_median_ms']} ms / p95 {detail['handler_p95_ms']} ms, "
             f"paint median {detail['paint_median_ms']} ms / p95 {detail['paint_p95_ms']} ms, drop {drop:.0f} ms")


def hall_drag(window, rack_id: str, zoom: float):
    from PySide6.QtCore import QPointF

    view = window.hall_view
    window.show_hall()
    view.zoom_fit()
    fit_scale = view.transform().m11()
    item = view.hall_scene.objects[rack_id]
    centre = item.pos() + QPointF(item.size[0] / 2, item.size[1] / 2)
    while view.transform().m11() < zoom * fit_scale * 0.99:  # the toolbar's zoom in (it stops auto-fit)
        view.zoom_in()
    view.centerOn(centre)
    gui.settle()
    view.viewport().repaint()
    start = view.mapFromScene(centre)
    # across the pod and back up: 8 tiles east, 3 tiles south, in STEPS moves
    end = view.mapFromScene(centre + QPointF(8 * 600, 3 * 600))
    points = [start + (end - start) * (i / STEPS) for i in range(STEPS + 1)]
    before = window.undo_stack.count()
    result = _frames(view, points, release_at=start)
    while window.undo_stack.count() > before:
        window.undo_stack.undo()
    run_scale = view.transform().m11() / fit_scale
    view.zoom_fit()
    return (*result, run_scale)


def elevation_drag(window, device_id: str):
    from PySide6.QtCore import QRectF

    design = window.editor.design
    device = design.devices[device_id]
    window.open_elevation(device.rack)
    window.show_racks()
    view = window.elevation_view
    gui.settle()
    view.viewport().repaint()
    block = view.elevations.blocks[device.rack]
    centre = QRectF(*block.span_rect(device.face, device.position, 1)).center()
    top = QRectF(*block.span_rect(device.face, min(device.position + 20, 47), 1)).center()
    start, far = view.mapFromScene(centre), view.mapFromScene(top)
    half = STEPS // 2
    points = [start + (far - start) * (i / half) for i in range(half + 1)]
    points += [far + (start - far) * (i / half) for i in range(1, half + 1)]
    before = window.undo_stack.count()
    result = _frames(view, points, release_at=start)
    while window.undo_stack.count() > before:
        window.undo_stack.undo()
    return (*result, 1.0)


def main() -> None:
    from rackstudio.document import Document

    run = Run("drag-L", "python -m benchmarks.bench_drag")
    print("5. drag frames on L", flush=True)
    window = gui.main_window()
    window.set_document(Document.open(design_file("L"))[0])
    gui.wait_for_checks(window)  # the live checks run once after opening; drops then update them
    design = window.editor.design

    # a rack in the middle of the hall; the first pod's network rack and one of its leaf switches
    racks = sorted(design.racks.values(), key=lambda r: (r.y_mm, r.x_mm))
    middle = racks[len(racks) // 2].id
    leaf = next(d.id for d in sorted(design.devices.values(), key=lambda d: d.id)
                if d.rack and design.part_of(d).slug == "nvidia-quantum-2-qm9700" and d.position is not None)

    view = window.hall_view
    window.show_hall()
    zooms, zoom_cpu = [], []
    for _ in range(5):  # from zoomed in (a new scale: every item's cached pixmap is redrawn) to fit
        for _ in range(4):
            view.zoom_in()
        view.viewport().repaint()
        gui.settle()
        with Timer() as t:
            view.zoom_fit()
            view.viewport().repaint()
        zooms.append(t.wall * 1000)
        zoom_cpu.append(t.cpu * 1000)
    run.figure("zoom_fit.L", median(zooms), runs=[round(z, 1) for z in zooms], cpu_median_ms=round(median(zoom_cpu), 1))

    _record(run, "drag.hall", *hall_drag(window, middle, 1))
    _record(run, "drag.hall_zoomed", *hall_drag(window, middle, 4), p95_only=True)
    _record(run, "drag.elevation", *elevation_drag(window, leaf))
    run.finish()


if __name__ == "__main__":
    main()
