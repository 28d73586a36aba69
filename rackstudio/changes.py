"""Qt-free. What an edit changed: ids added, removed and changed, each with its collection.

Commands return a ChangeSet; the component graph, the checks and the views update from it alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChangeSet:
    added: dict[str, str] = field(default_factory=dict)  # id -> collection ("racks", "devices", ...)
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    settings: bool = False  # design-wide settings or metadata changed

    def add(self, obj_id: str, collection: str) -> None:
        if self.removed.pop(obj_id, None) is not None:
            self.changed[obj_id] = collection
        else:
            self.added[obj_id] = collection

    def remove(self, obj_id: str, collection: str) -> None:
        if self.added.pop(obj_id, None) is not None:
            return
        self.changed.pop(obj_id, None)
        self.removed[obj_id] = collection

    def change(self, obj_id: str, collection: str) -> None:
        if obj_id not in self.added:
            self.changed[obj_id] = collection

    def merge(self, other: ChangeSet) -> ChangeSet:
        for obj_id, coll in other.removed.items():
            self.remove(obj_id, coll)
        for obj_id, coll in other.added.items():
            self.add(obj_id, coll)
        for obj_id, coll in other.changed.items():
            self.change(obj_id, coll)
        self.settings = self.settings or other.settings
        return self

    def ids(self) -> set[str]:
        return set(self.added) | set(self.removed) | set(self.changed)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.settings)
