"""The GUI's history: a QUndoStack of QtCommand adapters over core commands.

`UndoStack.execute(command)` tries the command on the design first (planning it, then
reverting): a Refused command is never pushed and its reason goes to the status bar. Once
pushed, redo/undo go through Document.apply_command/revert_command, so the graph and the
views update from the command's ChangeSet. Keyboard nudges merge through `merge_key`.
"""
from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QUndoCommand, QUndoStack

from rackstudio.commands import Command, Refused
from rackstudio.document import Document
from rackstudio.ui.guard import REPORT

_MERGE_IDS: dict[Hashable, int] = {}


def merge_id(key: Hashable | None) -> int:
    """A stable positive int per merge key for QUndoCommand.id() (-1: never merge)."""
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class QtCommand(QUndoCommand):
    def __init__(self, document: Document, command: Command):
        super().__init__(command.text)
        self.document = document
        self.command = command

    def redo(self) -> None:
        self.document.apply_command(self.command)
        self.setText(self.command.text)

    def undo(self) -> None:
        self.document.revert_command(self.command)

    def id(self) -> int:
        return merge_id(self.command.merge_key)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, QtCommand) or other.document is not self.document:
            return False
        merged = self.command.merge(other.command)
        if merged:
            self.setText(self.command.text)
        return merged


class UndoStack(QUndoStack):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document

    def set_document(self, document: Document) -> None:
        self.clear()
        self.document = document
        self.setClean()

    def check(self, command: Command) -> str | None:
        """Plan `command` against the design without keeping it: None if it would apply, else why not."""
        design = self.document.design
        try:
            command.apply(design)
        except Refused as exc:
            return str(exc)
        command.revert(design)
        return None

    def execute(self, command: Command) -> bool:
        """Push `command` if it applies; otherwise report why and change nothing."""
        reason = self.check(command)
        if reason is not None:
            REPORT.refused(Refused(reason))
            return False
        self.push(QtCommand(self.document, command))
        return True
