"""The Document's plain-callback `changed` as a Qt signal, and the one place that knows which
Document is open: views connect here once and survive New/Open."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from rackstudio.changes import ChangeSet
from rackstudio.document import Document


class DocumentBridge(QObject):
    changed = Signal(object)  # ChangeSet
    replaced = Signal()  # a different Document is open: rebuild everything

    def __init__(self, document: Document | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document if document is not None else Document()
        self.document.changed.connect(self._forward)

    @property
    def design(self):
        return self.document.design

    def set_document(self, document: Document) -> None:
        old = self.document
        old.changed.disconnect(self._forward)
        self.document = document
        document.changed.connect(self._forward)
        self.replaced.emit()
        if old is not document:
            old.close()

    def _forward(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)
