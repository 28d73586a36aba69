"""Qt-free. Commands on rack designs and their instances: place an instance, edit a design (every
instance follows in the same undo step), override one device of one instance or reset it, detach
an instance, swap instances to another design, add and remove designs. Making a design from a
rack and linking racks to it are in `commands.rack_design_capture` (re-exported here).

Each regenerates instances through `sync_edits`, which writes only the records that differ from
what the design (with the instance's overrides) says they are (model.rack_designs).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rackstudio.commands.base import Command, Edit, Refused, put
from rackstudio.commands.connections import ends_problem
from rackstudio.commands.rack_design_capture import (
    LinkRack,
    MakeRackDesign,
    from_rack,
    id_room,
    link_layouts,
    rack_design_problem,
    refuse_problem,
    scratch,
)
from rackstudio.commands.racks import AddRack
from rackstudio.commands.records import embed_part, removal_edits
from rackstudio.model.design import CableOverride, Design, Device, DeviceOverride, Rack, RackDesign
from rackstudio.model.parts import PartType
from rackstudio.model.rack_designs import (
    RACK_TOKEN,
    Conflict,
    changed_ids,
    conflicts,
    depth,
    describe,
    ends_of,
    expected_connection,
    expected_device,
    has_port,
    instance_id,
    instances,
    keep_estimate,
    place_of,
    with_overrides,
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
        locals_ = set(locals_) | {k for k in overrides if any(k in rd.devices for rd in tables)}
        for rd in tables:
            conn_locals.update(c.id for c in rd.connections.values() if c.a.owner in overrides or c.b.owner in overrides)
            conn_locals.update(k for k in overrides if k in rd.connections)
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
        after = keep_estimate(expected_connection(design, rack, new, local, part_map) if new is not None else None,
                              present)
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


def _embed(design: Design, rd: RackDesign, parts: Iterable[PartType]) -> list[Edit]:
    edits = []
    needed = {d.part for d in rd.devices.values()}
    for part in parts:
        if part.slug in needed:
            edits.extend(embed_part(design, part)[1])
    return edits


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
        id_room(rack.id, rd)
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
        refuse_problem(design, self.rd, {p.slug: p for p in self.parts})
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
                kept = {k: n for k, v in (rack.overrides or {}).items()
                        if k in (self.rd.connections if isinstance(v, CableOverride) else self.rd.devices)
                        and (n := normal(self.rd, k, v)) is not None}
                after = rack if kept == (rack.overrides or {}) else with_overrides(rack, kept)
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
    """Leave one design device's slot empty in one instance, put a different part there or hold it
    in another place, give one of the design's network cables other optics in this rack, or
    (override None) reset it to the design."""

    def __init__(self, rack_id: str, local: str, override: DeviceOverride | CableOverride | None,
                 part: PartType | None = None):
        super().__init__()
        self.rack_id, self.local, self.override, self.part = rack_id, local, override, part
        self.text = "Reset to rack design" if override is None else "Override rack design"

    def plan(self, design: Design) -> list[Edit]:
        rack = design.racks.get(self.rack_id)
        if rack is None or rack.rack_design not in design.rack_designs:
            raise Refused(f"{rack.name if rack else self.rack_id} is not an instance of a rack design")
        rd = design.rack_designs[rack.rack_design]
        cable = isinstance(self.override, CableOverride) or (self.override is None and self.local in rd.connections)
        if cable:
            conn = rd.connections.get(self.local)
            if conn is None:
                raise Refused(f"rack design {rd.name} has no cable {self.local!r}")
            if self.override is not None:
                problem = ends_problem(conn.kind, self.override.a_end, self.override.b_end, self.override.fibre)
                if problem:
                    raise Refused(problem)
        elif self.local not in rd.devices:
            raise Refused(f"rack design {rd.name} has no device {self.local!r}")
        edits = []
        if isinstance(self.override, DeviceOverride) and self.override.part is not None:
            if self.part is None and self.override.part not in design.part_types:
                raise Refused(f"part type {self.override.part!r} is not in the design")
            if self.part is not None:
                edits = embed_part(design, self.part)[1]
        overrides = dict(rack.overrides or {})
        wanted = None if self.override is None else normal(rd, self.local, self.override)
        if wanted is None:
            overrides.pop(self.local, None)
        else:
            overrides[self.local] = wanted
        after = with_overrides(rack, overrides)
        name = f"cable {rd.connections[self.local].label or self.local}".replace(RACK_TOKEN, rack.name) if cable \
            else f"{rack.name}-{rd.devices[self.local].name}"
        self.text = (f"Reset {name} to the rack design" if self.override is None else
                     f"Give {name} {describe(self.override)}" if cable else
                     f"Leave {name} empty" if self.override.empty else f"{name}: {describe(self.override)}")
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


def normal(rd: RackDesign, local: str, override: DeviceOverride | CableOverride) -> DeviceOverride | CableOverride | None:
    """The override without what the design already says (None: nothing left), so an instance's
    overrides are exactly its departures, whichever way they were made."""
    if isinstance(override, CableOverride):
        return None if ends_of(rd.connections[local]) == override else override
    src = rd.devices[local]
    if override.empty:
        return override
    part = override.part if override.part != src.part else None
    place = override.place if override.place is not None and src.parent is None and override.place != place_of(src) \
        else None
    return DeviceOverride(part=part, place=place) if part is not None or place is not None else None


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
            id_room(rack.id, new)
            mine = sync_edits(design, after, old, new)
            carried = carried_cables(design, after, old, new, mine)
            self.conflicts += [c for c in conflicts(design, old, new, [rack_id]) if c.local not in carried]
            edits += [put("racks", rack, after), *mine, *carried.values()]
        self.text = f"Swap {len(self.rack_ids)} racks to {new.name}"
        return edits


def slot_key(d: Device) -> tuple:
    """Where a top-level design device sits, whatever it is: units, face, side channel, half."""
    return (d.position, d.face, d.side, d.lateral)


def slot_map(old: RackDesign, new: RackDesign) -> dict[str, str]:
    """Old design device → the new design's device in the same place, for devices only one of the
    two has and places no other device of its design shares (a swap carries their cables)."""
    def by_slot(rd: RackDesign, keep) -> dict[tuple, str]:
        seen: dict[tuple, list[str]] = {}
        for k, d in rd.devices.items():
            if d.parent is None and keep(k):
                seen.setdefault(slot_key(d), []).append(k)
        return {slot: ks[0] for slot, ks in seen.items() if len(ks) == 1}
    olds = by_slot(old, lambda k: k not in new.devices)
    news = by_slot(new, lambda k: k not in old.devices)
    return {k: news[slot] for slot, k in olds.items() if slot in news}


def carried_cables(design: Design, rack: Rack, old: RackDesign, new: RackDesign,
                   edits: Sequence[Edit]) -> dict[str, Edit]:
    """External cables `edits` (a swap's) remove with a device, put back on the new design's device
    in the same place when it has the same port (a feed's whip stays on the shelf in U1, the CDU's
    hoses on the manifold): connection id → the edit adding it."""
    moved = {instance_id(rack.id, o): instance_id(rack.id, n) for o, n in slot_map(old, new).items()}
    if not moved:
        return {}
    internal = {instance_id(rack.id, c) for rd in (old, new) for c in rd.connections}
    written = {e.key: e.new for e in edits if e.collection == "devices" and e.new is not None}
    removed = {e.key for e in edits if e.collection == "devices" and e.new is None}
    used = {(e.new.kind, end.owner, end.port) for e in edits if e.collection == "connections" and e.new is not None
            for end in (e.new.a, e.new.b)}
    out: dict[str, Edit] = {}
    for e in edits:
        conn = e.old
        if e.collection != "connections" or e.new is not None or e.key in internal:
            continue
        ends = [end.replace(owner=moved[end.owner]) if end.owner in moved else end
                for end in (conn.a, conn.b)]
        if ends == [conn.a, conn.b]:
            continue
        fits = all(end.owner not in written or (
            has_port(design, written[end.owner], conn.kind, end.port)
            and (conn.kind == "power" and not end.port or (conn.kind, end.owner, end.port) not in used))
            for end in ends)
        if fits and not any(end.owner in removed and end.owner not in written for end in ends):
            used.update((conn.kind, end.owner, end.port) for end in ends)
            out[conn.id] = put("connections", None, conn.model_copy(update={"a": ends[0], "b": ends[1]}))
    return out


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
           "RemoveRackDesign", "SetOverride", "SwapGeneration", "Touched", "carried_cables", "from_rack", "place_instances",
           "link_layouts", "rack_design_problem", "scratch", "slot_map", "sync_edits", "touched"]
