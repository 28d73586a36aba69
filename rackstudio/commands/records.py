"""Qt-free. Commands on whole records: add, remove (with what depends on it), set a property,
design settings, and the embedded library definitions."""
from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from rackstudio.commands.base import LIBRARY, META, Command, Composite, Edit, Refused, put
from rackstudio.commands.fit import fit_device, fit_rack
from rackstudio.commands.names import follow_name, typed_name
from rackstudio.model import integrity
from rackstudio.model.cable_length import estimated
from rackstudio.model.design import Design
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.model.text import typed_problem


def embed_part(design: Design, part: PartType) -> tuple[PartType, list[Edit]]:
    """The design's own definition of a part, embedding the library's if the design has none.

    An embedded definition wins over the library's (a design opens the same everywhere);
    `UpdatePartType` is the explicit way to take a newer one.
    """
    own = design.part_types.get(part.slug)
    if own is not None:
        return own, []
    return part, [put("part_types", None, part)]


def embed_rack_type(design: Design, rack_type: RackType) -> tuple[RackType, list[Edit]]:
    own = design.rack_types.get(rack_type.slug)
    if own is not None:
        return own, []
    return rack_type, [put("rack_types", None, rack_type)]


def removal_edits(design: Design, obj_id: str, gone: set[str] | None = None) -> list[Edit]:
    """Edits that remove a record and everything that cannot exist without it, dependants first."""
    gone = set() if gone is None else gone
    if obj_id in gone:
        return []
    gone.add(obj_id)
    coll = design.kind_of(obj_id)
    if coll is None:
        raise Refused(f"there is no object {obj_id!r}")
    edits: list[Edit] = []
    for conn_id in sorted(design.connections_of(obj_id)):
        if conn_id not in gone:
            gone.add(conn_id)
            edits.append(put("connections", design.connections[conn_id], None))
    for child in sorted(design.contents(obj_id)):
        edits.extend(removal_edits(design, child, gone))
    if coll == "racks":
        for feed_id in sorted(design.feeds_dropped_to(obj_id)):
            feed = design.feeds[feed_id]
            edits.append(put("feeds", feed, feed.replace(rack=None)))
    if coll == "panels":
        users = sorted(f.name for f in design.feeds.values() if f.panel == obj_id)
        if users:
            raise Refused(f"panel {design.panels[obj_id].name} still serves feeds {', '.join(users)}")
    if coll == "upses":
        users = sorted(p.name for p in design.panels.values() if p.ups == obj_id)
        if users:
            raise Refused(f"UPS {design.upses[obj_id].name} still serves panels {', '.join(users)}")
    edits.append(put(coll, design.get(obj_id), None))
    return edits


class AddRecord(Command):
    """Add a hall, row, UPS, panel, feed, comment or waiver (racks and devices have their own)."""

    def __init__(self, collection: str, record: Any, text: str | None = None):
        super().__init__()
        self.collection, self.record = collection, record
        self.text = text or f"Add {collection[:-1]} {getattr(record, 'name', record.id)}"

    def plan(self, design: Design) -> list[Edit]:
        if design.kind_of(self.record.id) is not None:
            raise Refused(f"id {self.record.id!r} is already in use")
        return [put(self.collection, None, self.record)]


class RemoveRecord(Command):
    def __init__(self, obj_id: str, text: str | None = None):
        super().__init__()
        self.obj_id = obj_id
        self.text = text or f"Remove {obj_id}"

    def plan(self, design: Design) -> list[Edit]:
        return removal_edits(design, self.obj_id)


class SetProperty(Command):
    """Set one field of a record, validated by the model; placements go through the fit predicate."""

    def __init__(self, obj_id: str, field: str, value: Any, text: str | None = None):
        super().__init__()
        self.obj_id, self.field, self.value = obj_id, field, value
        self.text = text or f"Set {field}"

    def plan(self, design: Design) -> list[Edit]:
        coll = design.kind_of(self.obj_id)
        if coll is None:
            raise Refused(f"there is no object {self.obj_id!r}")
        if self.field == "id":
            raise Refused("an id cannot be changed")
        old = design.get(self.obj_id)
        if self.field not in type(old).model_fields:
            raise Refused(f"a {coll[:-1]} has no property {self.field!r}")
        problem = typed_problem(self.field, self.value)
        if problem:
            raise Refused(problem)
        try:
            new = old.replace(**{self.field: self.value})
        except ValidationError as exc:
            raise Refused(f"{self.field}: {exc.errors()[0]['msg']}") from None
        if coll == "connections" and self.field == "length_m":  # typed: no longer an estimate; cleared: estimated
            new = estimated(design, new) if self.value is None else new.replace(length_estimated=None)
        if coll == "devices":
            new = typed_name(old, follow_name(design, old, new))
            if self.field == "part" and new.part not in design.part_types:
                raise Refused(f"part type {new.part!r} is not in the design")
            fit = fit_device(design, new, design.part_of(new))
            if not fit:
                raise Refused(fit.reason)
        elif coll == "racks":
            fit = fit_rack(design, new)
            if not fit:
                raise Refused(fit.reason)
        problems = integrity.record_problems(design, coll, new)
        if problems:
            raise Refused(problems[0][1])
        return [put(coll, old, new)]


class SetDesignField(Command):
    """Design name, revision, site, check settings or the review records."""

    def __init__(self, field: str, value: Any, text: str | None = None):
        super().__init__()
        self.field, self.value = field, value
        self.text = text or f"Set design {field}"

    def plan(self, design: Design) -> list[Edit]:
        if self.field not in ("name", "revision", "site", "settings", "reviews"):
            raise Refused(f"{self.field!r} is not a design property a command may set")
        try:
            value = TypeAdapter(Design.model_fields[self.field].annotation).validate_python(self.value)
        except ValidationError as exc:
            raise Refused(f"{self.field}: {exc.errors()[0]['msg']}") from None
        return [Edit(META, self.field, getattr(design, self.field), value)]


class SetSetting(Command):
    """One check threshold (derating, imbalance %, slack, ...) saved in the design."""

    def __init__(self, field: str, value: Any):
        super().__init__()
        self.field, self.value = field, value
        self.text = f"Set {field.replace('_', ' ')}"

    def plan(self, design: Design) -> list[Edit]:
        try:
            new = design.settings.replace(**{self.field: self.value})
        except ValidationError as exc:
            raise Refused(f"{self.field}: {exc.errors()[0]['msg']}") from None
        return [Edit(META, "settings", design.settings, new)]


class UpdatePartType(Command):
    """Take a newer definition of an embedded part (from the library or a plugin), explicitly.

    Refused when a placed device would no longer fit or a cable uses a port the new definition
    drops; otherwise every device of that part follows the new definition and the ChangeSet
    names them.
    """

    def __init__(self, part: PartType):
        super().__init__()
        self.part = part
        self.text = f"Update part {part.model}"

    def plan(self, design: Design) -> list[Edit]:
        old = design.part_types.get(self.part.slug)
        if old is None:
            raise Refused(f"part {self.part.slug!r} is not used in the design")
        design.part_types[self.part.slug] = self.part
        try:
            for device in design.devices.values():
                if device.part == self.part.slug:
                    fit = fit_device(design, device, self.part)
                    if not fit:
                        raise Refused(f"{device.name} would no longer fit: {fit.reason}")
        finally:
            design.part_types[self.part.slug] = old
        users = sorted((d for d in design.devices.values() if d.part == self.part.slug), key=lambda d: d.id)
        for device in users:
            unplugged = integrity.ports_in_use(design, device, self.part)
            if unplugged:
                raise Refused(unplugged[0][1])
        # re-put each user so the graph and the checks see them changed
        return [put("part_types", old, self.part)] + [put("devices", d, d) for d in users]


def update_parts(parts: list[PartType]) -> Command | None:
    """One undo step that takes newer definitions of embedded parts (library drift: the user
    accepts the library's parts), None when there are none. Applying it raises Refused, changing
    nothing, when a placed device would no longer fit."""
    updates = [UpdatePartType(p) for p in parts]
    if not updates:
        return None
    if len(updates) == 1:
        return updates[0]
    return Composite(f"Update {len(updates)} parts from the library", updates)


__all__ = ["LIBRARY", "AddRecord", "RemoveRecord", "SetDesignField", "SetProperty", "SetSetting",
           "UpdatePartType", "embed_part", "embed_rack_type", "removal_edits", "update_parts"]
