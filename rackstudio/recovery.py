"""Qt-free. Autosaves and crash reports, so that a crash, a kill or a power cut costs at most
the last autosave interval of work.

Everything lives in the user data folder, never beside the user's file:

    autosave/<session>-<slot>.rackstudio   the design, written atomically like any save
    autosave/<session>-<slot>.json         what it is a copy of (source file, time, title, reason)
    autosave/<session>.lock                locked by the running app for its whole life
    crash-reports/crash-<time>-<pid>.txt   traceback, version, platform, recovery copies

The lock is how a starting app tells a crashed session from one still running: the operating
system releases a dead process's lock (SIGKILL and power loss included), so the autosaves of a
session whose lock can be taken are orphans to offer for recovery; a running app's are left
alone. An autosave is offered when it is newer than its file (or the design was never saved);
one older than its file was overtaken by a later save and is removed.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import stat
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from rackstudio import paths
from rackstudio._version import __version__
from rackstudio.errors import LoadError
from rackstudio.io import project_file
from rackstudio.model.design import Design

SUFFIX = project_file.SUFFIX
META_MAX_BYTES = 64 * 1024  # our own small file; anything bigger is not ours


def autosave_folder() -> Path:
    return paths.user_data() / "autosave"


def crash_folder() -> Path:
    return paths.user_data() / "crash-reports"


# --- the session lock ---------------------------------------------------------------------------

def _try_lock(handle: IO[bytes]) -> bool:
    """Take an exclusive lock without waiting; False when another process holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _held_by_a_live_process(lock_file: Path) -> bool:
    try:
        handle = open(lock_file, "r+b")  # noqa: SIM115 - closed below, lock released with it
    except OSError:
        return False  # no lock file (a normal exit removes it): nobody holds it
    try:
        return not _try_lock(handle)
    finally:
        handle.close()


# --- autosaves ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Autosave:
    """One autosaved design found on disk."""

    design_file: Path
    source: Path | None  # the user's file it is a copy of; None for a design never saved
    saved_at: float  # seconds since the epoch
    title: str
    reason: str  # "autosave" or "crash"

    @property
    def meta_file(self) -> Path:
        return self.design_file.with_suffix(".json")

    @property
    def source_mtime(self) -> float | None:
        if self.source is None:
            return None
        try:
            return self.source.stat().st_mtime
        except OSError:
            return None

    def newer_than_source(self) -> bool:
        mtime = self.source_mtime
        return mtime is None or self.saved_at > mtime

    def describe(self) -> str:
        """One line for the recovery list: what, which file, when."""
        when = datetime.fromtimestamp(self.saved_at).strftime("%Y-%m-%d %H:%M:%S")
        kind = "recovery copy written at a crash" if self.reason == "crash" else "autosave"
        where = str(self.source) if self.source else "never saved"
        if self.source is not None and self.source_mtime is None:
            where += " (the file is gone)"
        return f"{self.title} — {where} — {kind}, {when}"

    def load(self) -> project_file.Loaded:
        return project_file.load(self.design_file)

    def differences(self) -> str:
        """What the autosave holds that the file does not, as the diff report's text."""
        from rackstudio.reports.diff import diff_designs, to_text

        autosaved = self.load().design
        if self.source is None:
            return "This design was never saved: everything in it is only in the autosave."
        try:
            on_disk = project_file.load(self.source).design
        except LoadError as exc:
            return f"The file cannot be read, so everything is only in the autosave ({exc.message})."
        return to_text(diff_designs(on_disk, autosaved))

    def discard(self) -> None:
        for path in (self.design_file, self.meta_file):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class AutosaveSlot:
    """Where one open design is autosaved. Writes may come from a worker thread; a write older
    than the last one written (by its sequence number) is dropped, so a slow autosave never
    overwrites a later recovery copy."""

    def __init__(self, session: Session, name: str):
        self.session = session
        self.design_file = session.folder / f"{session.id}-{name}{SUFFIX}"
        self._lock = threading.Lock()
        self._written = -1
        self._sequence = 0

    @property
    def meta_file(self) -> Path:
        return self.design_file.with_suffix(".json")

    def next_sequence(self) -> int:
        with self._lock:
            self._sequence += 1
            return self._sequence

    def write(self, design: Design, source: Path | None, title: str, *, reason: str = "autosave",
              sequence: int | None = None) -> bool:
        """Write the design, then its description; False when a later write got there first.
        Raises SaveError (the folder is full or read-only) like any save."""
        if sequence is None:
            sequence = self.next_sequence()
        with self._lock:
            if sequence <= self._written:
                return False
            self.session.folder.mkdir(parents=True, exist_ok=True)
            project_file.save(design, self.design_file, backup=False, verify_first=False)
            meta = {"source": str(source.resolve()) if source else None, "saved_at": time.time(),
                    "title": title, "reason": reason, "session": self.session.id, "version": __version__}
            _write_text(self.meta_file, json.dumps(meta, indent=1) + "\n")
            self._written = sequence
            return True

    @property
    def exists(self) -> bool:
        return self.design_file.exists()

    def remove(self) -> None:
        with self._lock:
            self._written = self._sequence  # anything still in flight is older: drop it
            for path in (self.design_file, self.meta_file):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


class Session:
    """One running app's autosaves, behind a lock held until `close`."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or autosave_folder()
        self.id = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._handle: IO[bytes] | None = None
        self._slots = 0

    @property
    def lock_file(self) -> Path:
        return self.folder / f"{self.id}.lock"

    def open(self) -> Session:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_file, "a+b")  # noqa: SIM115 - held for the session's life
        if not _try_lock(handle):
            handle.close()
            raise OSError(f"{self.lock_file}: already locked")
        self._handle = handle
        return self

    def slot(self) -> AutosaveSlot:
        self._slots += 1
        return AutosaveSlot(self, str(self._slots))

    def close(self) -> None:
        """A normal exit: release the lock and remove the lock file (autosaves left behind, if
        any, are offered at the next start)."""
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.lock_file.unlink()
        self._handle.close()
        self._handle = None


def session_alive(session_id: str, folder: Path | None = None) -> bool:
    """Whether the app that opened this session is still running (it holds the session's lock)."""
    return _held_by_a_live_process((folder or autosave_folder()) / f"{session_id}.lock")


def _read_meta(meta_file: Path) -> dict:
    try:
        if meta_file.stat().st_size > META_MAX_BYTES:
            return {}
        data = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _autosave(design_file: Path) -> Autosave | None:
    """The autosave at `design_file`, or None when it vanished. Raises ValueError for an entry
    that is not one (a folder or a link named like one)."""
    meta = _read_meta(design_file.with_suffix(".json"))
    try:
        info = design_file.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file (a folder, link or device named like an autosave)")
    source = meta.get("source")
    saved_at = meta.get("saved_at")
    title = meta.get("title")
    reason = meta.get("reason")
    return Autosave(
        design_file=design_file,
        source=Path(source) if isinstance(source, str) and source and "\0" not in source else None,
        saved_at=float(saved_at) if _a_time(saved_at) else info.st_mtime,
        title=title if isinstance(title, str) and title else design_file.stem,
        reason=reason if reason in ("autosave", "crash") else "autosave")


def _a_time(value) -> bool:
    """A saved_at the metadata may hold: a number a date can be made of (not NaN, 1e400 or -1e300)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        datetime.fromtimestamp(value)
    except (OverflowError, OSError, ValueError):
        return False
    return True


def _session_of(design_file: Path) -> str:
    return design_file.stem.rsplit("-", 1)[0]


def pending(folder: Path | None = None, problems: list[str] | None = None) -> list[Autosave]:
    """The autosaves of sessions that ended without cleaning up (a crash, a kill), newest first,
    that are newer than their files. Those older than their files are removed, and so are the
    lock files of dead sessions with nothing left to offer. An entry that is not an autosave
    (a folder named like one, unreadable metadata) is skipped and described in `problems`, one
    line each: one bad entry never hides the good ones."""
    folder = folder or autosave_folder()
    if not folder.is_dir():
        return []
    alive: dict[str, bool] = {}
    found: list[Autosave] = []
    for design_file in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            session = _session_of(design_file)
            if session not in alive:
                alive[session] = _held_by_a_live_process(folder / f"{session}.lock")
            if alive[session]:
                continue
            autosave = _autosave(design_file)
            if autosave is None:
                continue
            if autosave.newer_than_source():
                found.append(autosave)
            else:
                autosave.discard()
        except (OSError, ValueError, OverflowError) as exc:
            if problems is not None:
                problems.append(f"{design_file}: skipped: {exc}")
    for lock_file in folder.glob("*.lock"):
        session = lock_file.stem
        if not any(_session_of(a.design_file) == session for a in found) and \
                not alive.get(session, _held_by_a_live_process(lock_file)):
            with contextlib.suppress(OSError):
                lock_file.unlink()
    return sorted(found, key=lambda a: a.saved_at, reverse=True)


# --- crash reports ------------------------------------------------------------------------------

def report_header(context: dict[str, str] | None = None) -> list[str]:
    """Time, versions and platform: the first lines of every crash report."""
    lines = [
        "RackStudio crash report",
        f"time: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"RackStudio: {__version__}{' (standalone build)' if getattr(sys, 'frozen', False) else ''}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
    ]
    return lines + [f"{key}: {value}" for key, value in (context or {}).items()] + [""]


def crash_report_text(exc: BaseException, *, recovered: list[Path] = (), problems: list[str] = (),
                      context: dict[str, str] | None = None) -> str:
    lines = report_header(context)
    if recovered:
        lines.append("Recovery copies of the open designs (offered at the next start if not saved before):")
        lines += [f"  {path}" for path in recovered]
    else:
        lines.append("No design had unsaved changes, so no recovery copy was needed.")
    lines += [f"  not written: {problem}" for problem in problems]
    lines += ["", "Traceback:", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()]
    return "\n".join(lines) + "\n"


def write_crash_report(exc: BaseException, *, recovered: list[Path] = (), problems: list[str] = (),
                       context: dict[str, str] | None = None, folder: Path | None = None) -> Path:
    """Write the report and return its path; raises OSError when the folder cannot be written."""
    folder = folder or crash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    _write_text(path, crash_report_text(exc, recovered=recovered, problems=problems, context=context))
    return path


def crash_reports(folder: Path | None = None) -> list[Path]:
    folder = folder or crash_folder()
    return sorted(folder.glob("crash-*.txt")) if folder.is_dir() else []


def _write_text(path: Path, text: str) -> None:
    """Small files are written whole or not at all, like designs."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
