"""The GUI entry point, called by `rackstudio [FILE] [--screenshot OUT.png --view ...]`.

Steps (orange-canvas Main.run style): set up the application, create the main window, open
the file (a load error is a clear message and the app keeps an empty design), then run — or,
with --screenshot, render once, save the PNG and exit.
"""
from __future__ import annotations

import logging
import os
import sys

from rackstudio.errors import LoadError


def _headless() -> bool:
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux")


def main(args) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and _headless():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rackstudio.ui.guard import REPORT
    from rackstudio.ui.main_window import MainWindow

    logging.basicConfig(level=logging.WARNING, format="rackstudio: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("RackStudio")
    app.setOrganizationName("RackStudio")
    previous_hook = sys.excepthook
    sys.excepthook = lambda kind, exc, tb: REPORT.handle(exc)
    try:
        window = MainWindow()
        path = getattr(args, "file", None)
        if screenshot:
            from rackstudio.ui.screenshot import take_screenshot

            if path:
                try:
                    window.set_document(_load(path))
                except LoadError as exc:
                    print(f"rackstudio: {exc.message}", file=sys.stderr)
                    return exc.exit_code
            try:
                return take_screenshot(window, screenshot, getattr(args, "view", "hall") or "hall")
            finally:
                window.hide()
                window.deleteLater()
        window.show()
        if path:
            QTimer.singleShot(0, lambda: window.open_path(path, ask=False))
        return app.exec()
    finally:
        sys.excepthook = previous_hook


def _load(path):
    from rackstudio.document import Document

    document, _warnings = Document.open(path)
    return document
