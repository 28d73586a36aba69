"""Qt-free. Errors a user sees: one line naming the file, the place in it and the problem."""
from __future__ import annotations

from pathlib import Path


class RackStudioError(Exception):
    """Base for errors that reach the user as a message, never a traceback."""


class LoadError(RackStudioError):
    """A file that cannot be loaded. `where` is a JSON path (`$.racks.rk-1.x_mm`) or `line L, column C`."""

    exit_code = 2

    def __init__(self, path: str | Path | None, where: str | None, what: str):
        self.path = str(path) if path is not None else "<memory>"
        self.where = where
        self.what = what
        super().__init__(self.message)

    @property
    def message(self) -> str:
        place = f" at {self.where}" if self.where else ""
        return f"{self.path}{place}: {self.what}"


class SaveError(RackStudioError):
    def __init__(self, path: str | Path, what: str):
        self.path = str(path)
        self.what = what
        super().__init__(f"{self.path}: could not save: {what}")


class UnloadableDesign(SaveError):
    """The model about to be saved breaks a rule loading enforces: the file would not open again,
    so it is not written (the file on disk is left as it was)."""

    def __init__(self, path: str | Path, where: str | None, what: str):
        self.where = where
        place = f"{where}: " if where else ""
        super().__init__(path, f"the design would not load again ({place}{what}); the file on disk is unchanged")
