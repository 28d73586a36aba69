"""Qt-free. A Document is one open design with its component graph and its edit history.

Every command goes through `execute` (or, in the GUI, through the QUndoStack that calls
`apply_command`/`revert_command`); the graph updates incrementally from the command's
ChangeSet and `changed` tells listeners (checks, views) what changed.
"""
from __future__ import annotations

from pathlib import Path

from rackstudio.changes import ChangeSet
from rackstudio.commands.base import Command
from rackstudio.events import Signal
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model.design import Design


class Document:
    def __init__(self, design: Design | None = None, path: str | Path | None = None):
        self.design = design if design is not None else Design()
        self.path = Path(path) if path is not None else None
        self.graph = ComponentGraph(self.design)
        self.changed: Signal[ChangeSet] = Signal()
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._clean_index: int | None = 0

    @classmethod
    def open(cls, path: str | Path) -> tuple[Document, list[tuple[str, str]]]:
        loaded = project_file.load(path)
        return cls(loaded.design, path), loaded.warnings

    # --- the GUI's undo stack drives these two -------------------------------------------------

    def apply_command(self, command: Command) -> ChangeSet:
        changes = command.apply(self.design)
        self.graph.apply(changes)
        self.changed.emit(changes)
        return changes

    def revert_command(self, command: Command) -> ChangeSet:
        changes = command.revert(self.design)
        self.graph.apply(changes)
        self.changed.emit(changes)
        return changes

    # --- headless history (command line, tests) ------------------------------------------------

    def execute(self, command: Command) -> ChangeSet:
        """Apply a command and record it; Refused propagates and nothing changes."""
        top = len(self._undo)
        changes = self.apply_command(command)
        if self._clean_index is not None and self._clean_index > top:
            self._clean_index = None  # the saved state was on the redo branch we just dropped
        if self._undo and self._undo[-1].merge(command):
            if self._clean_index == top:
                self._clean_index = None
        else:
            self._undo.append(command)
        self._redo.clear()
        return changes

    def undo(self) -> ChangeSet | None:
        if not self._undo:
            return None
        command = self._undo.pop()
        self._redo.append(command)
        return self.revert_command(command)

    def redo(self) -> ChangeSet | None:
        if not self._redo:
            return None
        command = self._redo.pop()
        self._undo.append(command)
        return self.apply_command(command)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def modified(self) -> bool:
        return self._clean_index != len(self._undo)

    def save(self, path: str | Path | None = None) -> None:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name to save to")
        project_file.save(self.design, target)
        self.path = target
        self._clean_index = len(self._undo)
