"""The editor's one selection (ids of racks, devices, connections...), shared by the hall view,
the elevations, the inspector, the cable list and the status bar."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class SelectionModel(QObject):
    changed = Signal(object)  # the source object that set it (a scene, a dock) or None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ids: list[str] = []

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def set(self, ids, source: object | None = None) -> None:
        ids = list(dict.fromkeys(ids))
        if ids == self._ids:
            return
        self._ids = ids
        self.changed.emit(source)

    def prune(self, existing) -> None:
        """Drop ids that no longer exist (after an undo removed them)."""
        kept = [i for i in self._ids if existing(i)]
        if kept != self._ids:
            self.set(kept)
