"""The GUI's history: a QUndoStack of QtCommand adapters over core commands.

`UndoStack.execute(command)` applies the command through the document and pushes it once it has
applied: a Refused command changes nothing, is never pushed, and its reason goes to the status
bar. Redo/undo go through Document.apply_command/revert_command, so the graph and the views
update from the command's ChangeSet. Keyboard nudges merge through `merge_key`.
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
    def __init__(self, document: Document, command: Command, applied: bool = False):
        super().__init__(command.text)
        self.document = document
        self.command = command
        self._applied = applied  # the push's redo() finds it applied already (`UndoStack.execute`)

    def redo(self) -> None:
        if self._applied:
            self._applied = False
        else:
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

    def execute(self, command: Command) -> bool:
        """Apply `command` and push it; if it is refused, report why and change nothing. Applied
        once: trying it first and applying it again on the push made deleting a pod of 266 racks
        of L write its 40,000 records three times."""
        try:
            self.document.apply_command(command)
        except Refused as exc:
            REPORT.refused(exc)
            return False
        self.push(QtCommand(self.document, command, applied=True))
        return True
