"""Qt-free. Making rack designs from racks: capture a rack's devices and internal cables as a
design (`from_rack`), materialise a design alone in a scratch design where it is checked and
edited (`scratch`, `rack_design_problem`), make a design from a rack and link it as its first
instance, link racks that hold a design's layout, and link every repeated layout of a design at
once (`link_layouts`: the generator's and the benchmark's way to turn a hall into instances).
"""
from __future__ import annotations

from collections.abc import Sequence

from rackstudio.commands.base import Command, Edit, Refused, put
from rackstudio.model import geometry, integrity
from rackstudio.model.base import MAX_ID_CHARS
from rackstudio.model.design import Design, Hall, Rack, RackDesign
from rackstudio.model.parts import PartType
from rackstudio.model.rack_designs import (
    RACK_TOKEN,
    depth,
    expected_connection,
    expected_device,
    instance_id,
    local_id,
)
from rackstudio.model.racks import RackType

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
            "id": mine, "label": label, "a": c.a.replace(owner=local[c.a.owner]),
            "b": c.b.replace(owner=local[c.b.owner])})
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


def refuse_problem(design: Design, rd: RackDesign, parts: dict[str, PartType] | None = None) -> None:
    problem = rack_design_problem(design, rd, parts=parts)
    if problem:
        raise Refused(problem)


def id_room(rack_id: str, rd: RackDesign) -> None:
    longest = max((len(k) for k in (*rd.devices, *rd.connections)), default=0)
    if len(rack_id) + 1 + longest > MAX_ID_CHARS:
        raise Refused(f"rack {rack_id}: the ids of its devices would pass {MAX_ID_CHARS} characters")


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
        refuse_problem(design, rd)
        edits = [put("rack_designs", None, rd)]
        if self.link:
            id_room(rack.id, rd)
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
        id_room(rack.id, rd)
        conn_local = {c: c for dev_id in local for c in design.connections_of(dev_id)
                      if design.connections[c].a.owner in local and design.connections[c].b.owner in local}
        self.text = f"Link {rack.name} to {rd.name}"
        return _relink(design, rack, rd, local, conn_local)


def layout_key(design: Design, rack_id: str) -> tuple:
    """What a rack holds, without ids: its rack type and every device's slot (`_slot`)."""
    return (design.racks[rack_id].rack_type,
            tuple(sorted(_slot(design.devices, design.devices[d]) for d in geometry.devices_within(design, rack_id))))


def link_layouts(design: Design, racks: Sequence[str] | None = None, least: int = 2) -> list[Command]:
    """Commands that turn every layout held by at least `least` of `racks` (default: all racks
    that are not instances) into a rack design made from its first rack (by id), the others
    linked to it. Run one after the other (each plans against the design the previous left)."""
    groups: dict[tuple, list[str]] = {}
    for rack_id in sorted(racks if racks is not None else design.racks):
        if design.racks[rack_id].rack_design is None and design.contents(rack_id):
            groups.setdefault(layout_key(design, rack_id), []).append(rack_id)
    commands: list[Command] = []
    taken = set(design.rack_designs)
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
        if len(members) < least:
            continue
        first = design.racks[members[0]]
        rt = design.rack_types[first.rack_type]
        name = f"{rt.model} as {first.name}"
        slug = _free_slug(f"{rt.slug}-{first.id}", taken)
        taken.add(slug)
        commands.append(MakeRackDesign(first.id, name, slug))
        commands += [LinkRack(r, slug) for r in members[1:]]
    return commands


def _free_slug(text: str, taken) -> str:
    base = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "rack-design"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


__all__ = ["LinkRack", "MakeRackDesign", "from_rack", "layout_key", "link_layouts", "rack_design_problem",
           "refuse_problem", "scratch"]
