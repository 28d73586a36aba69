"""User preferences in QSettings (INI format, user scope): recent files, window layout, autosave
interval, cable label pattern. Tests redirect the folder with QSettings.setPath."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from rackstudio.commands import Refused
from rackstudio.commands.labels import DEFAULT_PATTERN, pattern_problem

MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "RackStudio", "RackStudio")


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent(path: str | Path) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    s = settings()
    s.setValue("recent_files", files)
    s.sync()
    return files


def clear_recent() -> None:
    s = settings()
    s.setValue("recent_files", [])
    s.sync()


def label_pattern() -> str:
    value = str(settings().value("cable_label_pattern", DEFAULT_PATTERN) or DEFAULT_PATTERN)
    return DEFAULT_PATTERN if pattern_problem(value) else value


def set_label_pattern(pattern: str) -> None:
    problem = pattern_problem(pattern)
    if problem:
        raise Refused(problem)
    s = settings()
    s.setValue("cable_label_pattern", pattern)
    s.sync()


AUTOSAVE_DEFAULT_S = 60
AUTOSAVE_RANGE_S = (0, 3600)  # 0: off


def autosave_seconds() -> int:
    """Seconds of unsaved change before the design is autosaved (0: never)."""
    try:
        value = int(settings().value("autosave/seconds", AUTOSAVE_DEFAULT_S))
    except (TypeError, ValueError):
        return AUTOSAVE_DEFAULT_S
    low, high = AUTOSAVE_RANGE_S
    return min(max(value, low), high)


def set_autosave_seconds(seconds: int) -> None:
    low, high = AUTOSAVE_RANGE_S
    s = settings()
    s.setValue("autosave/seconds", min(max(int(seconds), low), high))
    s.sync()
