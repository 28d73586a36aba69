"""The real main window, offscreen, for the GUI benchmarks: a QApplication on the offscreen
platform with the user's settings and caches kept out (report.isolate_user_dirs)."""
from __future__ import annotations

import os

from benchmarks.report import isolate_user_dirs

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
isolate_user_dirs()

from PySide6.QtWidgets import QApplication  # noqa: E402

APP = QApplication.instance() or QApplication(["rackstudio-bench"])
APP.setApplicationName("RackStudio")
APP.setOrganizationName("RackStudio")


def settle(rounds: int = 3) -> None:
    """Let queued events (scene updates, deferred layout, paints) run."""
    for _ in range(rounds):
        APP.processEvents()


def main_window(library=None):
    """A shown 1400 × 880 main window over an empty design, as the app starts."""
    from rackstudio.ui.main_window import MainWindow

    window = MainWindow(library=library)
    window.resize(1400, 880)
    window.show()
    settle()
    return window


def window_checked(path):
    """The main window with the design at `path` opened as File ▸ Open does, painted, and its
    live checks done (run on the worker with the event loop idling, as in the app)."""
    from benchmarks.bench_open import checks_with_ticks
    from rackstudio.document import Document

    window = main_window()
    document, _ = Document.open(path)
    window.set_document(document)
    window.hall_view.viewport().repaint()
    checks_with_ticks(window)
    settle()
    return window, document


def wait_for_checks(window, timeout_s: float = 600) -> float:
    """Let the app's live checks (ui.live_checks, run on the GUI thread after the first paint)
    finish; returns the seconds it took (the window does not respond meanwhile)."""
    import time

    checks = window.live_checks
    start = time.perf_counter()
    settle(1)
    while (checks.running or checks.engine is None) and time.perf_counter() - start < timeout_s:
        settle(1)
    return time.perf_counter() - start
