"""Autosave and recovery in the app (the files themselves: rackstudio.recovery).

Each main window autosaves its design N seconds (Edit ▸ Preferences, default 60) after the first
change since the last autosave, into its slot in the user data folder, never over the user's
file. Saving, discarding at a prompt, or closing the window removes the autosave. The design is
snapshot on the GUI thread (its records are immutable: 3 ms for 1,000 racks) and written on a
worker thread, so typing and dragging go on while it is written.

At start, the autosaves a crashed or killed session left behind are offered (`offer_recovery`):
recover, discard, or see what differs from the file first.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from rackstudio import recovery
from rackstudio.document import Document, snapshot
from rackstudio.errors import LoadError
from rackstudio.ui import prefs

if TYPE_CHECKING:
    from rackstudio.ui.main_window import MainWindow

log = logging.getLogger("rackstudio.ui")
_SESSION: recovery.Session | None = None


def session() -> recovery.Session:
    """This app's autosave session, opened (and its lock taken) on first use."""
    global _SESSION
    if _SESSION is None:
        _SESSION = recovery.Session().open()
    return _SESSION


def close_session() -> None:
    """A normal exit: the lock goes; autosaves still there (unsaved work) are offered next time."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.close()
        _SESSION = None


class Autosaver(QObject):
    """The autosave of one main window's design."""

    written = Signal(str)  # the autosave file
    failed = Signal(str)  # why it could not be written

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._slot: recovery.AutosaveSlot | None = None
        self._writers: list[threading.Thread] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.autosave)
        window.bridge.changed.connect(self._on_changed)
        window.bridge.replaced.connect(self._on_replaced)
        window.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.failed.connect(lambda why: window.show_status(f"Autosave failed: {why}"))

    @property
    def slot(self) -> recovery.AutosaveSlot:
        if self._slot is None:
            self._slot = session().slot()
        return self._slot

    @property
    def path(self) -> Path | None:
        """The autosave file, while there is one."""
        return self._slot.design_file if self._slot is not None and self._slot.exists else None

    def _unsaved(self) -> bool:
        return not self.window.undo_stack.isClean()

    def _on_changed(self, _changes) -> None:
        # the undo stack marks itself unclean only after the edit: the timeout looks again
        if self.timer.isActive():  # the common case while editing: no settings read per edit
            return
        seconds = prefs.autosave_seconds()
        if seconds:
            self.timer.start(seconds * 1000)

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:  # saved, or undone back to the saved state
            self.remove()

    def _on_replaced(self) -> None:
        self.remove()  # the previous design was saved or discarded at the prompt

    def _what(self) -> tuple[Path | None, str]:
        path = self.window.document.path
        return path, (path.name if path else "Untitled")

    def autosave(self) -> threading.Thread | None:
        """Write the design on a worker thread (None when there is nothing unsaved)."""
        if not self._unsaved():
            return None
        try:
            slot = self.slot
        except OSError as exc:  # the user data folder cannot be written: say so, keep editing
            self.failed.emit(str(exc))
            return None
        source, title = self._what()
        copy, sequence = snapshot(self.window.document.design), slot.next_sequence()
        thread = threading.Thread(target=self._write, args=(slot, copy, source, title, sequence),
                                  name="rackstudio-autosave", daemon=True)
        self._writers = [t for t in self._writers if t.is_alive()] + [thread]
        thread.start()
        return thread

    def _write(self, slot, design, source, title, sequence) -> None:
        try:
            if slot.write(design, source, title, sequence=sequence):
                self.written.emit(str(slot.design_file))
        except Exception as exc:  # a full or read-only disk: say so, keep editing
            log.warning("autosave failed", exc_info=exc)
            self.failed.emit(str(exc))

    def write_now(self, reason: str = "autosave") -> Path:
        """Write the design on this thread (the crash handler, a recovered design); raises on failure."""
        self.timer.stop()
        source, title = self._what()
        self.slot.write(self.window.document.design, source, title, reason=reason)
        return self.slot.design_file

    def wait(self, timeout: float = 30.0) -> None:
        """Let writes in flight finish (tests, and before the app exits)."""
        for thread in self._writers:
            thread.join(timeout)
        self._writers.clear()

    def remove(self) -> None:
        self.timer.stop()
        if self._slot is not None:
            self._slot.remove()


# --- recovery at start ---------------------------------------------------------------------------

def recover(window: MainWindow, autosave: recovery.Autosave) -> MainWindow | None:
    """Open an autosave as an unsaved design (Save writes to its original file): in `window` when
    it holds nothing, else in a new window. It is autosaved again at once, under this session,
    before the old autosave is removed, so a crash now still leaves it on disk."""
    try:
        loaded = autosave.load()
    except LoadError as exc:
        QMessageBox.warning(window, "Cannot recover design", exc.message)
        return None
    document = Document(loaded.design, autosave.source)
    target = window if _empty(window) else window.new_window()
    target.set_document(document)
    target.undo_stack.resetClean()  # not saved: the title shows it, closing asks
    target.autosaver.write_now(autosave.reason)
    autosave.discard()
    target.show_status(f"Recovered {autosave.title} from its {autosave.reason} copy; save to keep it")
    target.raise_()
    return target


def _empty(window: MainWindow) -> bool:
    design = window.document.design
    return window.undo_stack.isClean() and window.document.path is None and not (design.racks or design.devices)


def offer_recovery(window: MainWindow, found: list[recovery.Autosave] | None = None) -> list[MainWindow]:
    """Ask about each autosave a crashed or killed session left (none: nothing shown)."""
    from rackstudio.ui.dialogs.recovery import RecoveryDialog

    skipped: list[str] = []
    try:
        found = recovery.pending(problems=skipped) if found is None else found
    except OSError as exc:
        log.warning("autosaves not read: %s", exc)
        return []
    for problem in skipped:
        log.warning("autosave %s", problem)
    if not found:
        return []
    recovered: list[MainWindow] = []

    def on_recover(autosave: recovery.Autosave) -> bool:
        opened = recover(window, autosave)
        if opened is not None:
            recovered.append(opened)
        return opened is not None

    RecoveryDialog.ask(window, found, on_recover)
    return recovered
