"""Saying what the window is doing before it holds the event loop for a while (an impact preview
of a rack-design edit on hundreds of instances: 4-5 s at 1,000 racks): a wait cursor and a
status-bar message, painted before the work starts and taken back after it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@contextmanager
def busy(window, message: str) -> Iterator[None]:
    window.show_status(message)
    window.statusBar().repaint()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        if window.statusBar().currentMessage() == message:  # not what the work said since
            window.statusBar().clearMessage()
