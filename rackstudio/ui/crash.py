"""What the app does with an exception nobody expected (a bug, or a plugin's): write a recovery
copy of every open design with unsaved changes, write a crash report (traceback, version,
platform), tell the user plainly where both are, and keep running.

Exceptions reach here from guarded slots (guard.REPORT), from Qt virtual overrides through
sys.excepthook, and from worker threads through threading.excepthook (relayed to the GUI thread
first: dialogs belong there). The same failure repeating (a paint that raises on every frame)
is written once, not once a frame.
"""
from __future__ import annotations

import contextlib
import faulthandler
import logging
import sys
import threading
import time
import traceback
from pathlib import Path

import PySide6
from PySide6.QtCore import QObject, Signal, qVersion
from PySide6.QtWidgets import QApplication

from rackstudio import recovery

log = logging.getLogger("rackstudio.ui")
REPEAT_WINDOW_S = 10.0
_recent: dict[tuple, float] = {}


def _signature(exc: BaseException) -> tuple:
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    return type(exc), (last.filename, last.lineno) if last else str(exc)


def main_windows() -> list:
    from rackstudio.ui.main_window import MainWindow

    app = QApplication.instance()
    # a closed window is hidden, its design saved or discarded: only the visible ones are open
    return [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()] if app else []


def keep_the_work(exc: BaseException) -> str | None:
    """Write the recovery copies and the report; the message for the user, or None when this
    same failure was just handled."""
    signature, now = _signature(exc), time.monotonic()
    if now - _recent.get(signature, -REPEAT_WINDOW_S) < REPEAT_WINDOW_S:
        _recent[signature] = now
        return None
    _recent[signature] = now
    copies: list[Path] = []
    problems: list[str] = []
    for window in main_windows():
        if window.undo_stack.isClean():
            continue
        try:
            copies.append(window.autosaver.write_now("crash"))
        except Exception as error:  # noqa: BLE001 - report what could not be kept, go on with the others
            problems.append(f"{window.windowTitle().replace('[*]', '')}: {error}")
    try:
        report = recovery.write_crash_report(exc, recovered=copies, problems=problems, context=_context())
    except OSError as error:
        log.error("crash report not written: %s", error)
        report = None
    lines = [f"RackStudio hit an unexpected error and did not finish what it was doing:\n{type(exc).__name__}: {exc}"]
    if copies:
        lines.append("A recovery copy of your unsaved work was written to:\n" + "\n".join(str(p) for p in copies))
    if problems:
        lines.append("These could not be copied:\n" + "\n".join(problems))
    lines.append(f"A crash report is in:\n{report}" if report else "The crash report could not be written.")
    lines.append("You can keep working. Saving under a new name (File ▸ Save As) is the safest next step.")
    return "\n\n".join(lines)


def native_crash_log() -> NativeCrashLog | None:
    """The app's native crash log, under its autosave session (None when the user data folder
    cannot be written: the app runs anyway, and autosave says why it fails)."""
    from rackstudio.ui import autosave

    try:
        return NativeCrashLog(autosave.session())
    except OSError as exc:
        log.warning("no autosave session: %s", exc)
        return None


class NativeCrashLog:
    """A crash of the interpreter itself (a segmentation fault in Qt or in a plugin's C extension)
    runs no Python handler: faulthandler writes the Python stacks to a file in the crash-reports
    folder instead. An empty file is removed at a normal exit; one with a stack is a report."""

    def __init__(self, session: recovery.Session, folder: Path | None = None):
        self.path: Path | None = None
        self._handle = None
        self._was_enabled = faulthandler.is_enabled()  # to stderr, as by `python -X faulthandler`
        folder = folder or recovery.crash_folder()
        _tidy(folder, session.folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.path = folder / f"crash-{session.id}-native.txt"
            self._handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - open for the app's life
            self._handle.write("\n".join(recovery.report_header(_context())) + "\n" + NATIVE_NOTE + "\n\n")
            self._handle.flush()
            faulthandler.enable(self._handle, all_threads=True)
        except OSError as exc:
            log.warning("native crash log not set up: %s", exc)
            self.path = None

    def close(self) -> None:
        if self._handle is None:
            return
        faulthandler.disable()
        if self._was_enabled and sys.__stderr__ is not None:
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                faulthandler.enable(sys.__stderr__)
        self._handle.close()
        self._handle = None
        with contextlib.suppress(OSError):
            self.path.unlink()  # no crash: nothing to report


def _tidy(folder: Path, sessions: Path) -> None:
    """Native logs holding no stack, of sessions no longer running, were killed rather than
    crashed: remove them."""
    for path in folder.glob("crash-*-native.txt") if folder.is_dir() else ():
        session_id = path.name.removeprefix("crash-").removesuffix("-native.txt")
        with contextlib.suppress(OSError):
            if not recovery.session_alive(session_id, sessions) and \
                    "Fatal Python error" not in path.read_text(encoding="utf-8", errors="replace"):
                path.unlink()


NATIVE_NOTE = ("The interpreter itself crashed, so no recovery copy could be written: the last autosave "
               "holds the unsaved work and is offered at the next start. The Python stacks at the crash:")


def _context() -> dict[str, str]:
    return {"Qt": qVersion(), "PySide6": PySide6.__version__}


class _ThreadRelay(QObject):
    raised = Signal(object)


_relay: _ThreadRelay | None = None


def install(report) -> callable:
    """Route uncaught exceptions (Qt overrides, worker threads) to `report.handle`; returns the
    function that puts the previous hooks back."""
    global _relay
    previous = sys.excepthook, threading.excepthook
    _relay = _ThreadRelay()
    _relay.raised.connect(report.handle)  # queued when emitted from another thread

    def on_uncaught(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous[0](kind, exc, tb)
            return
        report.handle(exc if exc is not None else kind())

    def on_thread(args) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        log.error("unexpected error in thread %s", getattr(args.thread, "name", "?"), exc_info=args.exc_value)
        _relay.raised.emit(args.exc_value)

    sys.excepthook, threading.excepthook = on_uncaught, on_thread

    def uninstall() -> None:
        sys.excepthook, threading.excepthook = previous

    return uninstall
