"""Qt-free. Commands on rack designs and their instances: make a design from a rack, place an
instance, edit a design (every instance follows in the same undo step), override one device of
one instance or reset it, detach an instance, swap instances to another design.

Each regenerates instances through `sync_edits`, which writes only the records that differ from
what the design (with the instance's overrides) says they are (model.rack_designs).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rackstudio.commands.base import Command, Edit, Refused, put
from rackstudio.commands.racks import AddRack
from rackstudio.commands.records import embed_part, removal_edits
from rackstudio.model import geometry, integrity
from rackstudio.model.base import MAX_ID_CHARS
from rackstudio.model.design import Design, Device, DeviceOverride, Hall, Rack, RackDesign
from rackstudio.model.parts import PartType
from rackstudio.model.rack_designs import (
    RACK_TOKEN,
    Conflict,
    changed_ids,
    conflicts,
    depth,
    expected_connection,
    expected_device,
    has_port,
    instance_id,
    instances,
    local_id,
)
from rackstudio.model.racks import RackType


@dataclass(frozen=True)
class Touched:
    """The design ids an edit of a rack design can change in an instance (None: all of them)."""

    devices: frozenset[str] | None
    connections: frozenset[str] | None


EVERYTHING = Touched(None, None)


def touched(old: RackDesign, new: RackDesign) -> Touched:
    """Devices and connections that differ, and the internal connections of a changed device
    (a new part may lack a port)."""
    devs = changed_ids(old.devices, new.devices)
    conns = changed_ids(old.connections, new.connections)
    for rd in (old, new):
        conns.update(c.id for c in rd.connections.values() if c.a.owner in devs or c.b.owner in devs)
    return Touched(frozenset(devs), frozenset(conns))


def sync_edits(design: Design, rack: Rack, old: RackDesign | None, new: RackDesign | None,
               which: Touched = EVERYTHING) -> list[Edit]:
    """Edits that make instance `rack` (its record as it will be) hold what `new` with its
    overrides says, for the design ids in `which` (all of `old` and `new` by default): records
    that differ are replaced, missing ones added, ones the design no longer has removed with
    their external cables (and any external cable whose port a new part lacks)."""
    tables = [rd for rd in (old, new) if rd is not None]
    locals_ = which.devices if which.devices is not None else {k for rd in tables for k in rd.devices}
    conn_locals = set(which.connections if which.connections is not None else
                      {k for rd in tables for k in rd.connections})
    overrides = rack.overrides or {}
    if which.devices is not None:
        locals_ = set(locals_) | set(overrides)
        for rd in tables:
            conn_locals.update(c.id for c in rd.connections.values() if c.a.owner in overrides or c.b.owner in overrides)
    gone: set[str] = set()
    removals: list[Edit] = []
    writes: list[tuple[int, Edit]] = []
    planned: dict[str, Device | None] = {}  # instance device id → its record after this edit
    for local in sorted(locals_):
        dev_id = instance_id(rack.id, local)
        present = design.devices.get(dev_id)
        after = expected_device(design, rack, new, local, present) if new is not None else None
        planned[dev_id] = after
        if after is None:
            if present is not None:
                removals.extend(removal_edits(design, dev_id, gone))
            continue
        if present == after:
            continue
        writes.append((depth(new, local), put("devices", present, after)))
        if present is not None and (present.part, present.modules) != (after.part, after.modules) \
                and after.part in design.part_types:
            internal = {instance_id(rack.id, c) for rd in tables for c in rd.connections}
            for conn_id in sorted(design.connections_of(dev_id)):
                conn = design.connections[conn_id]
                port = next(e.port for e in (conn.a, conn.b) if e.owner == dev_id)
                if conn_id not in internal and conn_id not in gone and not has_port(design, after, conn.kind, port):
                    gone.add(conn_id)
                    removals.append(put("connections", conn, None))

    def device_after(owner: str) -> Device | None:
        if owner in planned:
            return planned[owner]
        return None if owner in gone else design.devices.get(owner)

    conn_writes: list[Edit] = []
    part_map = _Lookup(device_after)
    for local in sorted(conn_locals):
        conn_id = instance_id(rack.id, local)
        present = None if conn_id in gone else design.connections.get(conn_id)
        after = expected_connection(design, rack, new, local, part_map) if new is not None else None
        if after is None and present is not None:
            gone.add(conn_id)
            removals.insert(0, put("connections", present, None))
        elif after is not None and after != present:
            conn_writes.append(put("connections", present, after))
    writes.sort(key=lambda w: (w[0], w[1].key))
    return [*removals, *(w for _, w in writes), *conn_writes]


class _Lookup(dict):
    """`expected_connection` reads devices with `.get`; this answers from the edit being planned."""

    def __init__(self, lookup):
        super().__init__()
        self._lookup = lookup

    def get(self, key, default=None):
        found = self._lookup(key)
        return default if found is None else found


# --- making and checking a rack design ---------------------------------------------------------------

def from_rack(design: Design, rack_id: str, slug: str, name: str, revision: str = "A",
              notes: str | None = None) -> RackDesign:
    """A rack design holding what rack `rack_id` holds: its devices (names without the rack's
    name, asset tags left to instances) and the connections between them (the rack's name in a
    cable label becomes `{rack}`, each instance's name)."""
    return _capture(design, rack_id, slug, name, revision, notes)[0]


def _capture(design: Design, rack_id: str, slug: str, name: str, revision: str,
             notes: str | None) -> tuple[RackDesign, dict[str, str], dict[str, str]]:
    """`from_rack`, with the design id each device and internal connection got. A record that
    already carries this rack's instance prefix keeps the rest as its design id."""
    rack = design.racks.get(rack_id)
    if rack is None:
        raise Refused(f"there is no rack {rack_id!r}")
    ids = list(geometry.devices_within(design, rack_id))
    local = _locals(rack_id, ids)
    devices = {}
    prefix = rack.name + "-"
    for dev_id in ids:
        d = design.devices[dev_id]
        shown = d.name[len(prefix):] if d.name.startswith(prefix) and len(d.name) > len(prefix) else d.name
        devices[local[dev_id]] = d.model_copy(update={
            "id": local[dev_id], "name": shown, "rack": None, "parent": local.get(d.parent) if d.parent else None,
            "asset_tag": None, "name_generated": None})
    conn_ids = sorted(c for c in {c for dev_id in ids for c in design.connections_of(dev_id)}
                      if design.connections[c].a.owner in local and design.connections[c].b.owner in local)
    conn_local = _locals(rack_id, conn_ids)
    connections = {}
    for conn_id in conn_ids:
        c = design.connections[conn_id]
        mine = conn_local[conn_id]
        label = c.label.replace(rack.name, RACK_TOKEN) if c.label and rack.name else c.label
        connections[mine] = c.model_copy(update={
            "id": mine, "label": label, "a": c.a.model_copy(update={"owner": local[c.a.owner]}),
            "b": c.b.model_copy(update={"owner": local[c.b.owner]})})
    try:
        rd = RackDesign(slug=slug, name=name, rack_type=rack.rack_type, revision=revision, notes=notes,
                        devices=devices, connections=connections)
    except ValueError as exc:
        raise Refused(f"rack design {name}: {exc}") from None
    return rd, local, conn_local


def _locals(rack_id: str, ids: Sequence[str]) -> dict[str, str]:
    """A design id for each record id: the part after this rack's instance prefix if it has one,
    else the id itself (made unique with a suffix)."""
    out = {i: mine for i in ids if (mine := local_id(rack_id, i)) is not None}
    taken = set(out.values())
    for i in ids:
        if i in out:
            continue
        mine, n = i, 1
        while mine in taken:
            mine, n = f"{i}-{n}", n + 1
        taken.add(mine)
        out[i] = mine
    return out


def scratch(design: Design, rd: RackDesign, rack_type: RackType | None = None,
            parts: dict[str, PartType] | None = None) -> Design:
    """A design holding one rack `rk` that is `rd` materialised: where a rack design is checked
    and edited with the usual elevation editor."""
    rt = rack_type or design.rack_types.get(rd.rack_type)
    if rt is None:
        raise Refused(f"rack design {rd.name}: there is no rack type {rd.rack_type!r}")
    part_types = {**design.part_types, **(parts or {})}
    used = {d.part: part_types[d.part] for d in rd.devices.values() if d.part in part_types}
    missing = sorted({d.part for d in rd.devices.values()} - set(used))
    if missing:
        raise Refused(f"rack design {rd.name}: part type {missing[0]!r} is not in the design")
    width = rt.outer_width_mm * 4
    depth_mm = rt.outer_depth_mm * 4
    hall = Hall(id="hall", name="Rack design", width_mm=width, depth_mm=depth_mm)
    rack = Rack(id="rk", name=rd.name, rack_type=rt.slug, hall="hall", x_mm=rt.outer_width_mm,
                y_mm=rt.outer_depth_mm)
    modules = {k: design.module_types[k] for d in rd.devices.values() for k in (d.modules or {}).values()
               if k in design.module_types}
    out = Design(name=rd.name, revision=rd.revision, part_types=used, module_types=modules, rack_types={rt.slug: rt},
                 halls={"hall": hall}, racks={"rk": rack})
    for local in sorted(rd.devices, key=lambda k: (depth(rd, k), k)):
        out.put("devices", expected_device(out, rack, rd, local))
    for local in sorted(rd.connections):
        conn = expected_connection(out, rack, rd, local, out.devices)
        if conn is None:
            c = rd.connections[local]
            raise Refused(f"rack design {rd.name}: connection {local} names a device or port the design lacks "
                          f"({c.a.owner}:{c.a.port} – {c.b.owner}:{c.b.port})")
        out.put("connections", conn)
    return out


def rack_design_problem(design: Design, rd: RackDesign, rack_type: RackType | None = None,
                        parts: dict[str, PartType] | None = None) -> str | None:
    """Why `rd` is not a rack design that can be placed (refs, fit, overlaps, ports), or None."""
    try:
        for dev in rd.devices.values():
            if dev.rack is not None or dev.hall is not None:
                return f"rack design {rd.name}: device {dev.name} is placed outside the design"
            if dev.parent is not None and dev.parent not in rd.devices:
                return f"rack design {rd.name}: device {dev.name} sits in {dev.parent!r}, which it lacks"
        for dev in rd.devices.values():
            if dev.parent is None:
                dev_ok = dev.position is not None or dev.side is not None
                if not dev_ok:
                    return f"rack design {rd.name}: device {dev.name} has no place in the rack"
        trial = scratch(design, rd, rack_type, parts)
    except Refused as exc:
        return str(exc)
    except RecursionError:
        return f"rack design {rd.name}: devices sit in each other's bays"
    for _, what in integrity.dangling(trial):
        return f"rack design {rd.name}: {what}"
    for _, what in integrity.warnings(trial):
        return f"rack design {rd.name}: {what}"
    return None


def _refuse_problem(design: Design, rd: RackDesign, parts: dict[str, PartType] | None = None) -> None:
    problem = rack_design_problem(design, rd, parts=parts)
    if problem:
        raise Refused(problem)


def _embed(design: Design, rd: RackDesign, parts: Iterable[PartType]) -> list[Edit]:
    edits = []
    needed = {d.part for d in rd.devices.values()}
    for part in parts:
        if part.slug in needed:
            edits.extend(embed_part(design, part)[1])
    return edits


def _id_room(rack_id: str, rd: RackDesign) -> None:
    longest = max((len(k) for k in (*rd.devices, *rd.connections)), default=0)
    if len(rack_id) + 1 + longest > MAX_ID_CHARS:
        raise Refused(f"rack {rack_id}: the ids of its devices would pass {MAX_ID_CHARS} characters")


# --- commands ----------------------------------------------------------------------------------------

class AddRackDesign(Command):
    """Add a rack design (from the parts folder, a plugin or another design) with the part and
    rack types it uses."""

    def __init__(self, rd: RackDesign, rack_type: RackType | None = None, parts: Sequence[PartType] = ()):
        super().__init__()
        self.rd, self.rack_type, self.parts = rd, rack_type, list(parts)
        self.text = f"Add rack design {rd.name}"

    def plan(self, design: Design) -> list[Edit]:
        if self.rd.slug in design.rack_designs:
            raise Refused(f"there is already a rack design {self.rd.slug!r}")
        edits = []
        if self.rd.rack_type not in design.rack_types:
            if self.rack_type is None or self.rack_type.slug != self.rd.rack_type:
                raise Refused(f"rack design {self.rd.name}: there is no rack type {self.rd.rack_type!r}")
            edits.append(put("rack_types", None, self.rack_type))
        problem = rack_design_problem(design, self.rd, self.rack_type if edits else None, {p.slug: p for p in self.parts})
        if problem:
            raise Refused(problem)
        return [*edits, *_embed(design, self.rd, self.parts), put("rack_designs", None, self.rd)]


class MakeRackDesign(Command):
    """Make a rack design from a rack; with `link` the rack becomes its first instance: its devices
    and internal cables take instance ids, external cables, comments and waivers follow them."""

    def __init__(self, rack_id: str, name: str, slug: str, revision: str = "A", notes: str | None = None,
                 link: bool = True):
        super().__init__()
        self.rack_id, self.name, self.slug, self.revision, self.notes, self.link = rack_id, name, slug, revision, notes, link
        self.text = f"Make rack design {name}"

    def plan(self, design: Design) -> list[Edit]:
        if self.slug in design.rack_designs:
            raise Refused(f"there is already a rack design {self.slug!r}")
        rack = design.racks.get(self.rack_id)
        if rack is None:
            raise Refused(f"there is no rack {self.rack_id!r}")
        if rack.rack_design is not None:
            raise Refused(f"rack {rack.name} is already an instance of {design.rack_designs[rack.rack_design].name}")
        rd, local, conn_local = _capture(design, self.rack_id, self.slug, self.name, self.revision, self.notes)
        _refuse_problem(design, rd)
        edits = [put("rack_designs", None, rd)]
        if self.link:
            _id_room(rack.id, rd)
            edits += _relink(design, rack, rd, local, conn_local)
        return edits


def _relink(design: Design, rack: Rack, rd: RackDesign, local: dict[str, str],
            conn_local: dict[str, str]) -> list[Edit]:
    """Turn `rack` into an instance of `rd` made from it: every record naming one of its devices
    is rewritten with the device's instance id."""
    ids = list(local)
    renamed = {dev_id: instance_id(rack.id, local[dev_id]) for dev_id in ids}
    original = {mine: dev_id for dev_id, mine in local.items()}
    conns = sorted({c for d in ids for c in design.connections_of(d)})
    edits = [put("connections", design.connections[c], None) for c in conns]
    edits += [put("devices", design.devices[d], None) for d in reversed(ids)]
    linked = rack.replace(rack_design=rd.slug)
    edits.append(put("racks", rack, linked))
    for mine in sorted(rd.devices, key=lambda k: (depth(rd, k), k)):
        edits.append(put("devices", None, expected_device(design, linked, rd, mine, design.devices[original[mine]])))
    after = {renamed[d]: design.devices[d].model_copy(update={"id": renamed[d]}) for d in ids}
    internal = {mine: expected_connection(design, linked, rd, mine, after) for mine in rd.connections}
    for conn_id in conns:
        c = design.connections[conn_id]
        if conn_id in conn_local:
            continue  # an internal cable: the design's own takes its place
        ends = [e.model_copy(update={"owner": renamed.get(e.owner, e.owner)}) for e in (c.a, c.b)]
        edits.append(put("connections", None, c.model_copy(update={"a": ends[0], "b": ends[1]})))
    edits += [put("connections", None, conn) for conn in internal.values() if conn is not None]
    for comment in sorted(design.comments.values(), key=lambda c: c.id):
        if comment.target in renamed:
            edits.append(put("comments", comment, comment.replace(target=renamed[comment.target])))
    for waiver in sorted(design.waivers.values(), key=lambda w: w.id):
        rule, _, objects = waiver.finding.partition(":")
        parts_ = objects.split("+")
        if any(p in renamed for p in parts_):
            key = rule + ":" + "+".join(renamed.get(p, p) for p in parts_)
            edits.append(put("waivers", waiver, waiver.replace(finding=key)))
    return edits


def _slot(design_devices, d) -> tuple:
    """Where a device sits, in terms that do not name its id: part, units, face, side, lateral,
    and the slot of the device whose bay holds it (bounded by the table's size)."""
    key: tuple = ()
    seen = 0
    while d is not None and seen <= len(design_devices):
        key += (d.part, d.position, d.face, d.side, d.lateral, d.bay)
        d, seen = design_devices.get(d.parent) if d.parent is not None else None, seen + 1
    return key


class LinkRack(Command):
    """Make an ordinary rack that holds a rack design's layout (the same parts in the same places)
    an instance of it: its devices take instance ids, the internal cables become the design's, its
    external cables, comments and waivers follow. A rack holding anything else is refused."""

    def __init__(self, rack_id: str, slug: str):
        super().__init__()
        self.rack_id, self.slug = rack_id, slug
        self.text = "Link rack to rack design"

    def plan(self, design: Design) -> list[Edit]:
        rd = design.rack_designs.get(self.slug)
        rack = design.racks.get(self.rack_id)
        if rd is None or rack is None:
            raise Refused(f"there is no {'rack design' if rd is None else 'rack'} "
                          f"{self.slug if rd is None else self.rack_id!r}")
        if rack.rack_design is not None:
            raise Refused(f"rack {rack.name} is already an instance of {design.rack_designs[rack.rack_design].name}")
        if rack.rack_type != rd.rack_type:
            raise Refused(f"rack {rack.name} is a {rack.rack_type}; {rd.name} is a {rd.rack_type}")
        wanted: dict[tuple, list[str]] = {}
        for k in sorted(rd.devices, reverse=True):  # devices sharing a slot (a side channel) pair up in id order
            wanted.setdefault(_slot(rd.devices, rd.devices[k]), []).append(k)
        local: dict[str, str] = {}
        for dev_id in geometry.devices_within(design, rack.id):  # parents before children
            d = design.devices[dev_id]
            mine = wanted.get(_slot(design.devices, d))
            if not mine:
                raise Refused(f"rack {rack.name} holds {d.name} ({d.part}) where {rd.name} has nothing like it")
            local[dev_id] = mine.pop()
        left = sorted(k for ks in wanted.values() for k in ks)
        if left:
            missing = rd.devices[left[0]]
            raise Refused(f"rack {rack.name} lacks {missing.name} ({missing.part}) of {rd.name}")
        _id_room(rack.id, rd)
        conn_local = {c: c for dev_id in local for c in design.connections_of(dev_id)
                      if design.connections[c].a.owner in local and design.connections[c].b.owner in local}
        self.text = f"Link {rack.name} to {rd.name}"
        return _relink(design, rack, rd, local, conn_local)


class PlaceRackInstance(Command):
    """Place an instance of a rack design on the floor (a new rack holding the design)."""

    def __init__(self, slug: str, hall: str, x_mm: float, y_mm: float, facing: str = "S",
                 name: str | None = None, row: str | None = None, rack_id: str | None = None):
        super().__init__()
        self.slug, self.hall, self.x_mm, self.y_mm, self.facing = slug, hall, x_mm, y_mm, facing
        self.name, self.row, self.rack_id = name, row, rack_id
        self.text = "Place rack design"

    def plan(self, design: Design) -> list[Edit]:
        rd = design.rack_designs.get(self.slug)
        if rd is None:
            raise Refused(f"there is no rack design {self.slug!r}")
        rt = design.rack_types[rd.rack_type]
        add = AddRack(rt, self.hall, self.x_mm, self.y_mm, self.facing, self.name, self.row,
                      self.rack_id or design.new_id("rk"))
        edits = add.plan(design)
        rack = edits[-1].new.replace(rack_design=rd.slug)
        _id_room(rack.id, rd)
        edits[-1] = put("racks", None, rack)
        self.text = f"Place {rd.name} as {rack.name}"
        return [*edits, *sync_edits(design, rack, None, rd)]


def place_instances(slug: str, spots: Sequence[tuple[str, float, float, str, str | None, str | None]]) -> Command:
    """Many instances in one undo step: spots of (hall, x, y, facing, name, row)."""
    from rackstudio.commands.base import Composite

    return Composite(f"Place {len(spots)} racks", [PlaceRackInstance(slug, h, x, y, f, n, r) for h, x, y, f, n, r in spots])


class EditRackDesign(Command):
    """Replace a rack design with its edited version; every instance follows in this one step.
    Overrides of devices the design no longer has are dropped (listed in `conflicts`)."""

    def __init__(self, rd: RackDesign, parts: Sequence[PartType] = (), text: str | None = None):
        super().__init__()
        self.rd, self.parts = rd, list(parts)
        self.text = text or f"Edit rack design {rd.name}"
        self.conflicts: list[Conflict] = []
        self.instances: list[str] = []

    def plan(self, design: Design) -> list[Edit]:
        old = design.rack_designs.get(self.rd.slug)
        if old is None:
            raise Refused(f"there is no rack design {self.rd.slug!r}")
        if self.rd.rack_type != old.rack_type:
            raise Refused(f"rack design {old.name}: an edit keeps the rack type ({old.rack_type})")
        embeds = _embed(design, self.rd, self.parts)
        _refuse_problem(design, self.rd, {p.slug: p for p in self.parts})
        for e in embeds:  # the instances' devices need their parts in the design before they are written
            design.part_types.setdefault(e.key, e.new)
        try:
            which = touched(old, self.rd)
            racks = instances(design, old.slug)
            self.conflicts = conflicts(design, old, self.rd, racks)
            edits = [*embeds, put("rack_designs", old, self.rd)]
            changed = []
            for rack_id in racks:
                rack = design.racks[rack_id]
                kept = {k: v for k, v in (rack.overrides or {}).items() if k in self.rd.devices}
                after = rack if kept == (rack.overrides or {}) else rack.model_copy(update={"overrides": kept or None})
                mine = sync_edits(design, after, old, self.rd, which)
                if after is not rack:
                    mine.insert(0, put("racks", rack, after))
                if mine:
                    changed.append(rack_id)
                edits += mine
        finally:
            for e in embeds:
                design.part_types.pop(e.key, None)
        self.instances = changed
        return edits


class SetOverride(Command):
    """Leave one design device's slot empty in one instance, put a different part there, or
    (override None) reset it to the design."""

    def __init__(self, rack_id: str, local: str, override: DeviceOverride | None, part: PartType | None = None):
        super().__init__()
        self.rack_id, self.local, self.override, self.part = rack_id, local, override, part
        self.text = "Reset to rack design" if override is None else "Override rack design"

    def plan(self, design: Design) -> list[Edit]:
        rack = design.racks.get(self.rack_id)
        if rack is None or rack.rack_design not in design.rack_designs:
            raise Refused(f"{rack.name if rack else self.rack_id} is not an instance of a rack design")
        rd = design.rack_designs[rack.rack_design]
        if self.local not in rd.devices:
            raise Refused(f"rack design {rd.name} has no device {self.local!r}")
        edits = []
        if self.override is not None and self.override.part is not None:
            if self.part is None and self.override.part not in design.part_types:
                raise Refused(f"part type {self.override.part!r} is not in the design")
            if self.part is not None:
                edits = embed_part(design, self.part)[1]
        overrides = dict(rack.overrides or {})
        if self.override is None:
            overrides.pop(self.local, None)
        else:
            overrides[self.local] = self.override
        after = rack.model_copy(update={"overrides": overrides or None})
        name = rd.devices[self.local].name
        self.text = (f"Reset {rack.name}-{name} to the rack design" if self.override is None else
                     f"Leave {rack.name}-{name} empty" if self.override.empty else
                     f"Put {self.override.part} in {rack.name}-{name}")
        for e in edits:
            design.part_types.setdefault(e.key, e.new)
        try:
            sync = sync_edits(design, after, rd, rd)
            for e in sync:
                if e.collection == "devices" and e.new is not None and e.key == instance_id(rack.id, self.local):
                    from rackstudio.commands.fit import fit_device

                    fit = fit_device(design, e.new, design.part_types[e.new.part])
                    if not fit:
                        raise Refused(fit.reason)
        finally:
            for e in edits:
                design.part_types.pop(e.key, None)
        return [*edits, put("racks", rack, after), *sync]


class DetachInstance(Command):
    """Turn instances into ordinary racks: their devices and cables stay as they are."""

    def __init__(self, rack_ids: Sequence[str]):
        super().__init__()
        self.rack_ids = list(rack_ids)
        self.text = "Detach from rack design"

    def plan(self, design: Design) -> list[Edit]:
        edits = []
        for rack_id in self.rack_ids:
            rack = design.racks.get(rack_id)
            if rack is None or rack.rack_design is None:
                raise Refused(f"{rack.name if rack else rack_id} is not an instance of a rack design")
            edits.append(put("racks", rack, rack.model_copy(update={"rack_design": None, "overrides": None})))
        if len(self.rack_ids) == 1:
            self.text = f"Detach {design.racks[self.rack_ids[0]].name} from its rack design"
        return edits


class SwapGeneration(Command):
    """Make instances of one rack design instances of another (a newer generation) in one step;
    their overrides are dropped and external cables to devices the new design lacks go with them
    (listed in `conflicts` first)."""

    def __init__(self, rack_ids: Sequence[str], slug: str):
        super().__init__()
        self.rack_ids, self.slug = list(rack_ids), slug
        self.text = "Swap generation"
        self.conflicts: list[Conflict] = []
        self.instances = list(rack_ids)

    def plan(self, design: Design) -> list[Edit]:
        new = design.rack_designs.get(self.slug)
        if new is None:
            raise Refused(f"there is no rack design {self.slug!r}")
        from rackstudio.commands.fit import fit_rack

        edits: list[Edit] = []
        self.conflicts = []
        for rack_id in self.rack_ids:
            rack = design.racks.get(rack_id)
            if rack is None or rack.rack_design not in design.rack_designs:
                raise Refused(f"{rack.name if rack else rack_id} is not an instance of a rack design")
            old = design.rack_designs[rack.rack_design]
            if old.slug == new.slug:
                continue
            after = rack.model_copy(update={"rack_design": new.slug, "overrides": None, "rack_type": new.rack_type})
            fit = fit_rack(design, after)
            if not fit:
                raise Refused(f"rack {rack.name}: {fit.reason}")
            _id_room(rack.id, new)
            self.conflicts += conflicts(design, old, new, [rack_id])
            edits += [put("racks", rack, after), *sync_edits(design, after, old, new)]
        self.text = f"Swap {len(self.rack_ids)} racks to {new.name}"
        return edits


class RemoveRackDesign(Command):
    def __init__(self, slug: str):
        super().__init__()
        self.slug = slug
        self.text = "Remove rack design"

    def plan(self, design: Design) -> list[Edit]:
        rd = design.rack_designs.get(self.slug)
        if rd is None:
            raise Refused(f"there is no rack design {self.slug!r}")
        users = instances(design, self.slug)
        if users:
            raise Refused(f"rack design {rd.name} has {len(users)} instances; detach or remove them first")
        self.text = f"Remove rack design {rd.name}"
        return [put("rack_designs", rd, None)]


__all__ = ["AddRackDesign", "DetachInstance", "EditRackDesign", "LinkRack", "MakeRackDesign", "PlaceRackInstance",
           "RemoveRackDesign", "SetOverride", "SwapGeneration", "Touched", "from_rack", "place_instances",
           "rack_design_problem", "scratch", "sync_edits", "touched"]
