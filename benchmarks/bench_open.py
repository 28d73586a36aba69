"""2 and 7. Open L and XL in the real main window (offscreen): load + validate, component graph,
window.set_document (the hall scene and the docks rebuild), first paint of the hall view; then,
for L, the live checks the window starts after that paint (a full check on a worker thread, its
engine adopted on the GUI thread when it ends), with the event loop idling as the app's does and
a 5 ms timer measuring how long the GUI thread could not run (the worst gap is the stall
figure); and the peak RSS with the design open (for L, checks included).
One design per process (`python -m benchmarks.bench_open L [--checks]`), so the RSS is that of
an app that opened this one file. The live checks are waited for only with --checks (the first of
the three L runs; the RSS figure comes from that run): at L they take most of a minute on the
2-core machine, at XL several minutes, so XL's RSS is without them.
"""
from __future__ import annotations

import sys

from benchmarks import gui
from benchmarks.designs import counts, design_file
from benchmarks.report import Run, Timer, median, peak_rss_mib, percentile, rss_mib


def checks_with_ticks(window) -> tuple[Timer, list[float]]:
    """Run the event loop as the app does (idle in `exec`) until the live checks have finished,
    with a 5 ms timer recording each gap between its ticks: a gap is how long the GUI thread could
    not run (a stall), whatever held it (the check's worker holding the GIL, adopting its results)."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    checks = window.live_checks
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    loop = QEventLoop()
    ticker, poll = QTimer(), QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    poll.setInterval(50)
    poll.timeout.connect(lambda: loop.quit() if not checks.running and checks.engine is not None else None)
    with Timer() as ran:
        ticker.start()
        poll.start()
        last[0] = time.perf_counter()
        loop.exec()
        ticker.stop()
        poll.stop()
    return ran, gaps


def main(size: str, checks: bool) -> None:
    from rackstudio.document import Document
    from rackstudio.io import project_file

    path = design_file(size)
    run = Run(f"open-{size}", f"python -m benchmarks.bench_open {size}")
    print(f"2. open {size} ({path.name}, {path.stat().st_size / 2**20:.0f} MiB)", flush=True)
    window = gui.main_window()
    rss_before = rss_mib()
    with Timer() as load:
        loaded = project_file.load(path)
    with Timer() as graph:
        document = Document(loaded.design, path)
    with Timer() as scene:
        window.set_document(document)
    with Timer() as paint:
        window.hall_view.viewport().repaint()
    total = load.wall + graph.wall + scene.wall + paint.wall
    run.figure(f"open.{size}", total, cpu=round(load.cpu + graph.cpu + scene.cpu + paint.cpu, 3))
    for key, t in (("load", load), ("graph", graph), ("scene", scene), ("paint", paint)):
        run.figure(f"open.{size}.{key}", t.wall, cpu=round(t.cpu, 3))
    if checks:
        ran, gaps = checks_with_ticks(window)
        run.figure(f"open.{size}.checks", ran.wall, cpu=round(ran.cpu, 3))
        worst = max(gaps)
        run.figure(f"open.{size}.stall", worst, ticks=len(gaps), p99_ms=round(percentile(gaps, 99), 1),
                   over_50ms=sum(g > 50 for g in gaps), median_ms=round(median(gaps), 1))
        run.note(f"GUI thread during the checks: {len(gaps)} ticks of a 5 ms timer, gap median "
                 f"{median(gaps):.1f} ms, p99 {percentile(gaps, 99):.1f} ms, worst {worst:.0f} ms, "
                 f"{sum(g > 50 for g in gaps)} over 50 ms")
    if checks or size != "L":
        run.figure(f"rss.{size}", round(peak_rss_mib()), current=round(rss_mib()), window_only=round(rss_before),
                   live_checks=checks)
    scene_items = len(window.hall_view.hall_scene.items())
    run.extra["design"] = {**counts(document.design), "hall_scene_items": scene_items,
                           "graph_nodes": document.graph.g.number_of_nodes(),
                           "graph_edges": document.graph.g.number_of_edges(),
                           "file_mib": round(path.stat().st_size / 2**20, 1)}
    run.note(f"{run.extra['design']}")
    run.finish()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "L", "--checks" in sys.argv)
