"""Qt-free. What an edit changed: ids added, removed and changed, each with its collection.

Commands return a ChangeSet; the component graph, the checks and the views update from it alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Collection(StrEnum):
    """The collection a record lives in: the design's id-keyed tables (`model.design.COLLECTIONS`)
    and the slug-keyed library tables. A str, so it compares equal to the table's name."""

    HALLS = "halls"
    ROWS = "rows"
    RACKS = "racks"
    DEVICES = "devices"
    UPSES = "upses"
    PANELS = "panels"
    FEEDS = "feeds"
    CONNECTIONS = "connections"
    COMMENTS = "comments"
    WAIVERS = "waivers"
    PART_TYPES = "part_types"
    MODULE_TYPES = "module_types"
    RACK_TYPES = "rack_types"
    RACK_DESIGNS = "rack_designs"


@dataclass
class ChangeSet:
    added: dict[str, Collection] = field(default_factory=dict)  # id -> its collection
    removed: dict[str, Collection] = field(default_factory=dict)
    changed: dict[str, Collection] = field(default_factory=dict)
    settings: bool = False  # design-wide settings or metadata changed

    def add(self, obj_id: str, collection: Collection) -> None:
        if self.removed.pop(obj_id, None) is not None:
            self.changed[obj_id] = collection
        else:
            self.added[obj_id] = collection

    def remove(self, obj_id: str, collection: Collection) -> None:
        if self.added.pop(obj_id, None) is not None:
            return
        self.changed.pop(obj_id, None)
        self.removed[obj_id] = collection

    def change(self, obj_id: str, collection: Collection) -> None:
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

    def touched(self) -> dict[str, Collection]:
        """Every id touched (added, removed or changed), with its collection."""
        return {**self.removed, **self.added, **self.changed}

    def collections(self) -> set[Collection]:
        """Every collection with an id touched."""
        return {*self.removed.values(), *self.added.values(), *self.changed.values()}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.settings)
