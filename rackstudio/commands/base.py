"""Qt-free. The command protocol: every change to a design is a command with apply and revert.

A command plans its edits on the first `apply` (so constructing one has no side effects and
costs nothing — the drag preview builds many), records old and new records, and `revert`
puts the old ones back exactly. When a first apply moves a device or rack, the estimated
lengths of its cables follow in the same step. `apply` and `revert` return the ChangeSet the graph, the
checks and the views update from.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from rackstudio.changes import ChangeSet, Collection
from rackstudio.commands import floor_index
from rackstudio.errors import RackStudioError
from rackstudio.model.cable_length import relengthed
from rackstudio.model.design import Design
from rackstudio.model.geometry import devices_within
from rackstudio.model.rack_designs import SEP, Departure, departures
from rackstudio.model.text import typed_problem

LIBRARY = (Collection.PART_TYPES, Collection.MODULE_TYPES, Collection.RACK_TYPES,
           Collection.RACK_DESIGNS)  # keyed by slug / key
META = "$"  # design-level fields (name, revision, settings, site, reviews)


class Refused(RackStudioError):
    """The command would create a problem the editor does not allow; nothing changed."""


@dataclass(frozen=True)
class Edit:
    collection: str  # a Collection, or META
    key: str
    old: Any
    new: Any


def _write(design: Design, collection: str, key: str, value: Any, changes: ChangeSet) -> None:
    if collection == META:
        setattr(design, key, value)
        changes.settings = True
        return
    collection = Collection(collection)  # a misspelt collection fails here, not in a listener
    _store(design, collection, key, value, changes)
    floor_index.note(design, collection, key, value)


def _store(design: Design, collection: Collection, key: str, value: Any, changes: ChangeSet) -> None:
    if collection in LIBRARY:
        table = getattr(design, collection)
        existed = key in table
        if value is None:
            table.pop(key, None)
            changes.remove(key, collection)
        else:
            table[key] = value
            (changes.change if existed else changes.add)(key, collection)
        return
    if value is None:
        design.delete(key)
        changes.remove(key, collection)
    else:
        old = design.put(collection, value)
        (changes.add if old is None else changes.change)(key, collection)


def _refuse_control(edit: Edit) -> None:
    """Every path a name or label enters by (add, place, paste, relabel, rename) refuses control
    characters; a field that already held them (a loaded design) may be kept while other fields change."""
    if edit.new is None or edit.collection in LIBRARY:
        return
    if edit.collection != META and not isinstance(edit.new, BaseModel):
        return
    if edit.collection == META:
        fields = {edit.key: (edit.new, edit.old)}
    else:
        fields = {name: (value, getattr(edit.old, name, None)) for name, value in edit.new}
    for name, (value, was) in fields.items():
        problem = None if value == was else typed_problem(name, value)
        if problem:
            raise Refused(problem)


def _cable_lengths(design: Design, changes: ChangeSet) -> list[Edit]:
    """The estimated lengths of the cables whose ends moved (a device or rack changed), brought up
    to date in the same step, so undo puts them back with the move."""
    owners: set[str] = set()
    for obj_id, collection in changes.changed.items():
        if collection == Collection.DEVICES and obj_id in design.devices:
            owners.add(obj_id)
            owners.update(devices_within(design, obj_id))
        elif collection == Collection.RACKS and obj_id in design.racks:
            owners.update(devices_within(design, obj_id))
    if not owners:
        return []
    return [Edit(Collection.CONNECTIONS, old.id, old, new) for old, new in relengthed(design, sorted(owners))]


def _instance_overrides(design: Design, changes: ChangeSet) -> list[Edit]:
    """An edit of a rack-design instance's device or cable by hand (moved within its rack, another
    part, removed, other optics) recorded on the rack as an override in the same step, so a design
    edit, a reload or a reset keeps or undoes it knowingly (model.rack_designs.departures)."""
    ids = [i for i, c in changes.touched().items() if c in (Collection.DEVICES, Collection.CONNECTIONS) and SEP in i]
    if not ids or not design.rack_designs:
        return []
    return [Edit(Collection.RACKS, old.id, old, new) for old, new in departures(design, ids)]


class Command:
    """Base class. Subclasses implement `plan(design) -> list[Edit]` (raise Refused to refuse)."""

    text: str = "Edit"
    merge_key: Hashable | None = None

    def __init__(self) -> None:
        self._edits: list[Edit] | None = None

    def plan(self, design: Design) -> list[Edit]:
        raise NotImplementedError

    def apply(self, design: Design) -> ChangeSet:
        first = self._edits is None
        if first:
            edits = list(self.plan(design))
            for e in edits:
                _refuse_control(e)
            self._edits = edits
        changes = ChangeSet()
        for e in self._edits:
            _write(design, e.collection, e.key, e.new, changes)
        if first:  # what the planned edits imply, written in the same step
            for implied in (_cable_lengths, _instance_overrides):
                try:
                    follow = implied(design, changes)
                except Departure as exc:  # a hand edit an instance cannot record: nothing stays written
                    self.revert(design)
                    self._edits = None
                    raise Refused(str(exc)) from None
                for e in follow:
                    _write(design, e.collection, e.key, e.new, changes)
                self._edits.extend(follow)
        return changes

    def revert(self, design: Design) -> ChangeSet:
        changes = ChangeSet()
        for e in reversed(self._edits or []):
            _write(design, e.collection, e.key, e.old, changes)
        return changes

    def merge(self, other: Command) -> bool:
        """Fold a following command with the same merge_key into this one (keyboard nudges)."""
        if self.merge_key is None or other.merge_key != self.merge_key or self._edits is None:
            return False
        if other._edits is None:
            return False
        first = {(e.collection, e.key): e for e in self._edits}
        merged = list(self._edits)
        for e in other._edits:
            prev = first.get((e.collection, e.key))
            if prev is None:
                return False
            merged[merged.index(prev)] = Edit(e.collection, e.key, prev.old, e.new)
        self._edits = merged
        return True


class Composite(Command):
    """Many commands as one undo step (delete selection, bulk cabling, a row of racks)."""

    def __init__(self, text: str, children: Sequence[Command]):
        super().__init__()
        self.text = text
        self.children = list(children)

    def apply(self, design: Design) -> ChangeSet:
        changes = ChangeSet()
        done: list[Command] = []
        try:
            for child in self.children:
                changes.merge(child.apply(design))
                done.append(child)
        except Exception:
            for child in reversed(done):
                child.revert(design)
            raise
        return changes

    def revert(self, design: Design) -> ChangeSet:
        changes = ChangeSet()
        for child in reversed(self.children):
            changes.merge(child.revert(design))
        return changes


def put(collection: str, old: Any, new: Any) -> Edit:
    key = (new if new is not None else old)
    key = key.key if collection == Collection.MODULE_TYPES else key.slug if collection in LIBRARY else key.id
    return Edit(collection, key, old, new)
