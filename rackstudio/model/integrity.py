"""Qt-free. Load-time integrity of a design.

`dangling` lists what makes a file not a design (references to ids that do not exist, a device
with no or two placements, a port its part does not have, power shapes past `power_shape`'s limits):
loading refuses those. `warnings` lists what a user can repair in the app (overlapping units, a
device past its rack's top, overlapping footprints, a port with two cables): the design loads and
the checks report them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import compress, islice
from operator import eq, is_not

from rackstudio.model import geometry
from rackstudio.model.design import COLLECTIONS, CableOverride, Design
from rackstudio.model.modules import name_clashes
from rackstudio.model.text import CONTROL, visible

Problem = tuple[str, str]  # (JSON path, message)

# Power shapes no real design has, refused like the loader's size limits (RELIABILITY.md): past
# them a file is not a design, and the power checks' work grows with them (each PDU of a chain is
# a failure scenario that walks the rest of it).
MAX_CORDS_PER_INPUT = 64  # a real inlet takes one cord (CAB-015 flags a second)
MAX_POWER_CHAIN = 64  # devices in a chain below a feed; real designs daisy-chain one or two PDUs

# Every id a record holds of another record, in one place: collection → (field, the table it
# names a record of, what that record is called). The whole-design check (`dangling`), the
# one-record check of the commands (`record_problems`) and the check of what changed since the
# last save (`dangling_since`) all read it; a new kind of reference is one line here. A
# connection's ends name a device or a feed (`_connection_problems`, `END_OWNERS`).
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "rows": (("hall", "halls", "hall"),),
    "racks": (("rack_type", "rack_types", "rack type"), ("hall", "halls", "hall"), ("row", "rows", "row")),
    "devices": (("part", "part_types", "part type"), ("rack", "racks", "rack"), ("parent", "devices", "device"),
                ("hall", "halls", "hall")),
    "panels": (("ups", "upses", "UPS"),),
    "feeds": (("panel", "panels", "panel"), ("rack", "racks", "rack")),
}
END_OWNERS = ("devices", "feeds")
TABLES = ("part_types", "module_types", "rack_types", *COLLECTIONS)  # every id-keyed table of a design


def dangling(design: Design) -> Iterator[Problem]:
    for key, part in design.part_types.items():
        if key != part.slug:
            yield f"$.part_types.{key}.slug", f"key {key!r} differs from the part's slug {part.slug!r}"
    for key, mt in design.module_types.items():
        if key != mt.key:
            yield f"$.module_types.{key}", f"key {key!r} differs from the module type's key {mt.key!r}"
    for key, rt in design.rack_types.items():
        if key != rt.slug:
            yield f"$.rack_types.{key}.slug", f"key {key!r} differs from the rack type's slug {rt.slug!r}"
    for name in COLLECTIONS:
        for key, obj in getattr(design, name).items():
            if key != obj.id:
                yield f"$.{name}.{key}.id", f"key {key!r} differs from the id {obj.id!r}"
    # Every reference is tested inline and a path is built only for a problem: a 1,000-rack hall
    # has ~200,000 references (0.29 → 0.1 s, BENCHMARKS.md).
    for name in ("rows", "racks"):
        yield from _records_problems(design, name, getattr(design, name).values())
    devices = design.devices
    for d in devices.values():
        yield from _device_problems(design, d)
    yield from parent_cycles(devices)
    for name in ("panels", "feeds"):
        yield from _records_problems(design, name, getattr(design, name).values())
    yield from _connection_problems(design)
    yield from power_shape(design)
    yield from _rack_design_problems(design)


def _rack_design_problems(design: Design) -> Iterator[Problem]:
    """A rack design names its rack type and parts, its devices' bays and its connections' ends
    among its own devices; an instance names a rack design of its rack type, and parts for its
    overrides. (Whether the design fits its rack is a command's question, not a file's.)"""
    for slug, rd in design.rack_designs.items():
        base = f"$.rack_designs.{slug}"
        if slug != rd.slug:
            yield f"{base}.slug", f"key {slug!r} differs from the rack design's slug {rd.slug!r}"
        if _missing(rd.rack_type, design.rack_types):
            yield _ref(f"{base}.rack_type", rd.rack_type, "rack type")
        for key, d in rd.devices.items():
            if key != d.id:
                yield f"{base}.devices.{key}.id", f"key {key!r} differs from the id {d.id!r}"
            if _missing(d.part, design.part_types):
                yield _ref(f"{base}.devices.{key}.part", d.part, "part type")
            if d.parent is not None and d.parent not in rd.devices:
                yield f"{base}.devices.{key}.parent", f"refers to {d.parent!r}, which is not a device of the rack design"
            if d.rack is not None or d.hall is not None:
                yield f"{base}.devices.{key}", "a rack design's device is placed in the design's rack, not in a rack or hall"
        for key, c in rd.connections.items():
            if key != c.id:
                yield f"{base}.connections.{key}.id", f"key {key!r} differs from the id {c.id!r}"
            for end_name, end in (("a", c.a), ("b", c.b)):
                if end.owner not in rd.devices:
                    yield (f"{base}.connections.{key}.{end_name}.owner",
                           f"refers to {end.owner!r}, which is not a device of the rack design")
    for r in design.racks.values():
        yield from _instance_problems(design, r)


def _instance_problems(design: Design, r) -> Iterator[Problem]:
    """A rack that is an instance names a rack design of its own rack type, and its overrides
    name that design's devices (or, for its cables' optics, its cables) and parts in the design; a rack that is not has no overrides.
    The whole-file check and a command's one-record check (`record_problems`) both ask this."""
    if r.rack_design is None:
        if r.overrides:
            yield f"$.racks.{r.id}.overrides", "overrides belong to an instance of a rack design"
        return
    rd = design.rack_designs.get(r.rack_design)
    if rd is None:
        yield _ref(f"$.racks.{r.id}.rack_design", r.rack_design, "rack design")
        return
    if rd.rack_type != r.rack_type:
        yield f"$.racks.{r.id}.rack_type", f"an instance of {rd.name} is a {rd.rack_type}, not a {r.rack_type}"
    for key, o in (r.overrides or {}).items():
        if isinstance(o, CableOverride):
            if key not in rd.connections:
                yield f"$.racks.{r.id}.overrides.{key}", f"rack design {rd.name} has no cable {key!r}"
        elif key not in rd.devices:
            yield f"$.racks.{r.id}.overrides.{key}", f"rack design {rd.name} has no device {key!r}"
        elif o.part is not None and _missing(o.part, design.part_types):
            yield _ref(f"$.racks.{r.id}.overrides.{key}.part", o.part, "part type")


def _records_problems(design: Design, collection: str, records) -> Iterator[Problem]:
    """The references of rows, racks, panels or feeds (`REFERENCES`) that name nothing, and a rack
    in a row of another hall."""
    refs = [(field, getattr(design, table), what) for field, table, what in REFERENCES[collection]]
    rows = design.rows
    for obj in records:
        for field, table, what in refs:
            value = getattr(obj, field)
            if value is not None and value not in table:
                yield _ref(f"$.{collection}.{obj.id}.{field}", value, what)
        if collection == "racks" and obj.row in rows and rows[obj.row].hall != obj.hall:
            yield f"$.racks.{obj.id}.row", f"row {obj.row!r} is in another hall than the rack"


class Baseline:
    """A design's tables as they were when the design last met the load rules (it loaded, or it
    was verified and saved): the same record objects, by id. Records are immutable, so a record
    that is still the same object needs no second look, however it was edited since (a command,
    a plugin, a bug): `changes` finds the others by identity, which needs no change log."""

    __slots__ = ("design", "tables")

    def __init__(self, design: Design):
        self.design = design
        self.tables = {name: dict(getattr(design, name)) for name in TABLES}

    def changes(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """(records added or replaced since, records removed since), each by table name; tables
        with none are left out. One pass over the ids (≈ 10 ms for 1,000 racks)."""
        new, gone = {}, {}
        for name in TABLES:
            now, then = getattr(self.design, name), self.tables[name]
            fresh = _fresh(now, then)
            if fresh:
                new[name] = fresh
            if len(now) != len(then) + sum(1 for k in fresh if k not in then):
                gone[name] = {k: then[k] for k in then.keys() - now.keys()}
        return new, gone


def _fresh(now: dict, then: dict) -> dict:
    """The records of `now` that are not the same objects in `then`. A table edited by replacing
    and adding records keeps its ids in order, with the new ones after: then the records are
    compared a column at a time (C loops), else id by id."""
    if len(now) >= len(then) and all(map(eq, now, then)):
        fresh = {k: now[k] for k in compress(now, map(is_not, now.values(), then.values()))}
        fresh.update(islice(now.items(), len(then), None))
        return fresh
    get = then.get
    return {k: v for k, v in now.items() if get(k) is not v}


def dangling_since(baseline: Baseline, new: dict[str, dict], gone: dict[str, dict]) -> Iterator[Problem]:
    """`dangling` for a design that met it at `baseline`, looking only at what `changes` found:
    the new and replaced records themselves, the records naming a removed one (found by a scan of
    the referring fields, not by the design's indexes, which edits made behind the commands' back
    do not keep), the cables of a device whose part changed, the racks of a row that moved hall;
    the parent walk and the power shapes again when what they read changed. A change of the part
    or rack types is not handled here: the caller checks the whole design then."""
    design = baseline.design
    for name, records in new.items():
        for key, obj in records.items():
            if key != obj.id:
                yield f"$.{name}.{key}.id", f"key {key!r} differs from the id {obj.id!r}"
    affected: dict[str, dict] = {name: dict(records) for name, records in new.items()}
    for name, refs in REFERENCES.items():
        for field, table, _what in refs:
            if table in gone:
                removed = gone[table].keys()
                affected.setdefault(name, {}).update(
                    (obj.id, obj) for obj in getattr(design, name).values() if getattr(obj, field) in removed)
    then = baseline.tables
    rows = new.get("rows", {})
    if rows:
        affected.setdefault("racks", {}).update((r.id, r) for r in design.racks.values() if r.row in rows)
    before = then["devices"]
    new_parts = {k for k, d in new.get("devices", {}).items()
                 if k in before and (before[k].part != d.part or before[k].modules != d.modules)}
    owners = new_parts.union(*(gone[t].keys() for t in END_OWNERS if t in gone))
    cables = dict(new.get("connections", {}))
    if owners:
        cables.update((c.id, c) for c in design.connections.values() if c.a.owner in owners or c.b.owner in owners)
    for name in ("rows", "racks"):
        yield from _records_problems(design, name, affected.get(name, {}).values())
    for d in affected.get("devices", {}).values():
        yield from _device_problems(design, d)
    if any(d.parent is not None for d in affected.get("devices", {}).values()):
        yield from parent_cycles(design.devices)
    for name in ("panels", "feeds"):
        yield from _records_problems(design, name, affected.get(name, {}).values())
    yield from _connection_problems(design, cables.values())
    # the power shapes read power cables and which ends are devices: redo them when either changed
    added = any(k not in then[t] for t in END_OWNERS for k in new.get(t, ()))
    if "connections" in new or added or any(t in gone for t in END_OWNERS):
        yield from power_shape(design)
    yield from _rack_design_problems(design)  # a few ms: rack designs are not among the tables tracked


def record_problems(design: Design, collection: str, obj) -> list[Problem]:
    """What would make one record (about to be written by a command) not part of a design:
    the same rules `dangling` applies to a whole file, for one record."""
    if collection == "devices":
        problems = list(_device_problems(design, obj))
        if obj.parent is not None and obj.parent != obj.id and parent_cycle_with(design, obj.id, obj.parent):
            problems.append((f"$.devices.{obj.id}.parent",
                             f"{obj.name} cannot sit in a bay of a device that sits (at some depth) in its own bays"))
        old = design.devices.get(obj.id)
        if old is not None and (old.part != obj.part or old.modules != obj.modules) and not problems:
            problems += ports_in_use(design, obj, design.part_of(obj))
        return problems
    problems = list(_records_problems(design, collection, (obj,))) if collection in REFERENCES else []
    if collection == "racks":
        problems += _instance_problems(design, obj)
    if collection == "connections":
        problems += _connection_problems(design, (obj,))
        if obj.kind == "power":
            problems += _power_edit_problems(design, obj)
    return problems


def power_shape(design: Design) -> Iterator[Problem]:
    """The first power input with more than MAX_CORDS_PER_INPUT cords into it, and the first
    device more than MAX_POWER_CHAIN devices deep below a feed: one pass over the power cables
    (longest chains in topological order; devices in a loop of power are left to the checks)."""
    devices = design.devices
    power = [c for c in design.connections.values() if c.kind == "power"]
    cords = Counter((c.a.owner, c.a.port) for c in power)
    if cords and max(cords.values()) > MAX_CORDS_PER_INPUT:
        for c in sorted(power, key=lambda c: c.id):
            n = cords[(c.a.owner, c.a.port)]
            if n > MAX_CORDS_PER_INPUT:
                yield (f"$.connections.{c.id}.a", f"{n} power cords into {_owner_name(design, c.a.owner)} "
                                                  f"{c.a.port}, more than {MAX_CORDS_PER_INPUT}")
                break
    below: dict[str, list[str]] = {}
    above: Counter[str] = Counter()
    for c in power:
        if c.a.owner in devices and c.b.owner in devices:
            below.setdefault(c.b.owner, []).append(c.a.owner)
            above[c.a.owner] += 1
    depth = {d: 1 for d in below if not above[d]}
    ready = sorted(depth)
    while ready:
        u = ready.pop()
        for v in below.get(u, ()):
            depth[v] = max(depth.get(v, 0), depth[u] + 1)
            above[v] -= 1
            if not above[v]:
                if depth[v] > MAX_POWER_CHAIN:
                    yield f"$.devices.{v}", _too_deep(devices[v].name, depth[v], "sits")
                    return
                ready.append(v)


def _too_deep(name: str, depth: int, verb: str) -> str:
    return f"{name} {verb} {depth} devices deep in a chain of power below a feed, more than {MAX_POWER_CHAIN}"


def _owner_name(design: Design, owner: str) -> str:
    return design.devices[owner].name if owner in design.devices else owner


def _power_edit_problems(design: Design, conn) -> list[Problem]:
    """`power_shape` for one new or changed power cable, with walks bounded by the limits."""
    problems = []
    cords = 1 + sum(1 for cid in design.connections_of(conn.a.owner) if cid != conn.id
                    and (c := design.connections[cid]).kind == "power" and (c.a.owner, c.a.port) == (conn.a.owner,
                                                                                                     conn.a.port))
    if cords > MAX_CORDS_PER_INPUT:
        problems.append((f"$.connections.{conn.id}.a", f"{cords} power cords into "
                         f"{_owner_name(design, conn.a.owner)} {conn.a.port}, more than {MAX_CORDS_PER_INPUT}"))
    if conn.a.owner in design.devices and conn.b.owner in design.devices:
        depth = _chain(design, conn.b.owner, conn.id, up=True) + _chain(design, conn.a.owner, conn.id, up=False)
        if depth > MAX_POWER_CHAIN:
            problems.append((f"$.connections.{conn.id}",
                             _too_deep(design.devices[conn.a.owner].name, depth, "would sit")))
    return problems


def _chain(design: Design, start: str, skip: str, up: bool) -> int:
    """Devices in the longest power chain from `start` (included) up to a feed or down to the
    last consumer, ignoring cable `skip`; counted one level at a time, so at most
    MAX_POWER_CHAIN + 1 levels (a loop of power cannot make it walk forever)."""
    level, n = {start}, 0
    while level and n <= MAX_POWER_CHAIN:
        n += 1
        nxt = set()
        for d in level:
            for cid in design.connections_of(d):
                c = design.connections[cid]
                if cid == skip or c.kind != "power":
                    continue
                here, there = (c.a.owner, c.b.owner) if up else (c.b.owner, c.a.owner)
                if here == d and there in design.devices:
                    nxt.add(there)
        level = nxt
    return n


def ports_in_use(design: Design, device, part) -> list[Problem]:
    """The cables of `device` whose ports `part` does not have: changing the device to that part
    (or the part to that definition) would leave them plugged into nothing."""
    problems = []
    for conn_id in sorted(design.connections_of(device.id)):
        c = design.connections[conn_id]
        for end_name, end in (("a", c.a), ("b", c.b)):
            if end.owner == device.id and not part.has_port(c.kind, end.port):
                problems.append((f"$.connections.{c.id}.{end_name}.port",
                                 f"cable {c.label or c.id} uses {c.kind} port {end.port!r} of {device.name}, "
                                 f"which {part.manufacturer} {part.model} does not have: disconnect it first"))
    return problems


def parent_cycles(devices: dict) -> Iterator[Problem]:
    """Devices that sit in each other's bays (A in B and B in A, or A → B → C → A) or nest deeper
    than `geometry.MAX_BAY_DEPTH`: such a device never reaches a rack or a floor, and a walk up
    its parents would never end. Each device is visited once (a walk stops at a device an
    earlier walk finished), so a 100,000-device design costs one pass."""
    depth: dict[str, int] = {}  # finished devices: how many parents above each (-1: in or under a cycle)
    too_deep = False
    for start, device in devices.items():
        if device.parent is None or start in depth:
            continue  # most devices: no parent, nothing to walk
        walk: list[str] = []
        on_walk: set[str] = set()
        while device is not None and device.id not in depth and device.id not in on_walk:
            walk.append(device.id)
            on_walk.add(device.id)
            device = devices.get(device.parent) if device.parent is not None else None
        if device is not None and device.id in on_walk:
            cycle = walk[walk.index(device.id):]
            depth.update(dict.fromkeys(walk, -1))  # reported once, here
            if len(cycle) > 1:  # a device in its own bay is reported by _device_problems
                first = min(cycle)
                yield f"$.devices.{first}.parent", (f"devices {_names(devices, cycle)} sit in each other's bays "
                                                    "(a cycle): each must end in a rack or on a hall floor")
            continue
        if device is not None and depth[device.id] < 0:
            depth.update(dict.fromkeys(walk, -1))
            continue
        above = depth[device.id] + 1 if device is not None else 0
        for x in reversed(walk):
            depth[x] = above
            above += 1
        if depth[walk[0]] > geometry.MAX_BAY_DEPTH and not too_deep:
            too_deep = True
            yield (f"$.devices.{walk[0]}.parent",
                   f"device {devices[walk[0]].name!r} is nested {depth[walk[0]]} bays deep, more than "
                   f"{geometry.MAX_BAY_DEPTH}")


def _names(devices: dict, ids: list[str], most: int = 4) -> str:
    named = [f"{devices[x].name!r} ({x})" for x in ids[:most]]
    return ", ".join(named) + (f" and {len(ids) - most} more" if len(ids) > most else "")


def parent_cycle_with(design: Design, device_id: str, parent: str | None) -> bool:
    """Whether putting `device_id` in a bay of `parent` would make it its own ancestor."""
    seen = 0
    while parent is not None and seen <= geometry.MAX_BAY_DEPTH + 1:
        if parent == device_id:
            return True
        above = design.devices.get(parent)
        parent = above.parent if above is not None else None
        seen += 1
    return parent is not None  # deeper than any design may nest: treat as a cycle


def _missing(value: str | None, collection: dict) -> bool:
    return value is not None and value not in collection


def _ref(path: str, value: str, what: str) -> Problem:
    return path, f"refers to {what} {value!r}, which is not in the design"


def _module_problems(design: Design, d) -> Iterator[Problem]:
    """Modules in bays the part does not have, module types the design does not embed, and
    components two modules would both create (NetBox refuses such an install)."""
    part = design.part_types.get(d.part)
    bays = {b.name for b in part.module_bays} if part is not None else set()
    for bay, key in sorted(d.modules.items()):
        if key not in design.module_types:
            yield _ref(f"$.devices.{d.id}.modules.{bay}", key, "module type")
        elif part is not None and bay not in bays:
            yield f"$.devices.{d.id}.modules.{bay}", f"{part.manufacturer} {part.model} has no module bay {bay!r}"
    if part is not None and all(k in design.module_types for k in d.modules.values()) and \
            all(bay in bays for bay in d.modules):
        clashes = name_clashes(part, {bay: design.module_types[k] for bay, k in d.modules.items()})
        if clashes:
            yield f"$.devices.{d.id}.modules", f"installed modules would create {clashes[0]!r} twice"


def _device_problems(design: Design, d) -> Iterator[Problem]:
    if d.modules:
        yield from _module_problems(design, d)
    rack, parent, hall = d.rack, d.parent, d.hall
    if d.part in design.part_types and (rack is None or rack in design.racks) \
            and (parent is None or parent in design.devices) and (hall is None or hall in design.halls) \
            and parent != d.id and (rack is None) + (parent is None) + (hall is None) == 2:
        if rack is not None:
            ok = d.position is not None or d.side is not None
        else:
            ok = d.bay is not None if parent is not None else d.x_mm is not None and d.y_mm is not None
        if ok:
            return  # the common case: one home, every reference found
    base = f"$.devices.{d.id}"
    for field, table, what in REFERENCES["devices"]:
        value = getattr(d, field)
        if _missing(value, getattr(design, table)):
            yield _ref(f"{base}.{field}", value, what)
    homes = [x for x in (rack, parent, hall) if x is not None]
    if len(homes) != 1:
        yield base, "a device must be in exactly one of a rack, a parent's bay, or a hall floor"
    elif rack is not None and d.position is None and d.side is None:
        yield base, "a device in a rack needs a position (units) or a side channel (0U)"
    elif parent is not None and d.bay is None:
        yield f"{base}.bay", "a child device needs the bay it sits in"
    elif hall is not None and (d.x_mm is None or d.y_mm is None):
        yield base, "floor equipment needs x_mm and y_mm"
    if parent == d.id:
        yield f"{base}.parent", "a device cannot sit in itself"


def _connection_problems(design: Design, connections=None) -> Iterator[Problem]:
    """Each end names a device with that port (a feed, for power), and optics are known and on
    network cables. Written for 123,000 connections: each end looked at inline, the part's ports
    by (part, kind, port) once, the optics by a lookup of the known slugs."""
    from rackstudio.model.optics import BUILTIN as known_optics

    feeds, devices, part_types = design.feeds, design.devices, design.part_types
    ports: dict[tuple[str, str, str], bool] = {}  # (part, kind, port) → the part has it
    for c in design.connections.values() if connections is None else connections:
        kind = c.kind
        for end in (c.a, c.b):
            owner = end.owner
            if kind == "power" and owner in feeds:
                continue
            device = devices.get(owner)
            if device is None:
                yield (f"$.connections.{c.id}.{'a' if end is c.a else 'b'}.owner",
                       f"refers to {owner!r}, which is not a device or feed in the design")
                continue
            if device.modules:  # the part with its modules' ports: not shared with the part's other devices
                found = _fitted_has_port(design, device, kind, end.port)
            else:
                key = (device.part, kind, end.port)
                found = ports.get(key)
                if found is None:
                    part = part_types.get(device.part)
                    found = ports[key] = part is None or part.has_port(kind, end.port)
            if not found:
                yield (f"$.connections.{c.id}.{'a' if end is c.a else 'b'}.port",
                       f"device {device.name!r} ({device.part}) has no {kind} port named {end.port!r}")
        a_end, b_end = c.a_end, c.b_end
        plugged = a_end is not None or b_end is not None or c.fibre is not None or c.a.leg or c.b.leg
        if plugged and (kind != "network" or (a_end is not None and a_end not in known_optics)
                        or (b_end is not None and b_end not in known_optics)):
            yield from _optics_problems(c)


def _optics_problems(c) -> Iterator[Problem]:
    """Optics, fibres and breakout legs belong to network cables, and an optic must be one RackStudio knows."""
    from rackstudio.model import optics

    if c.kind != "network":
        yield f"$.connections.{c.id}", f"a {c.kind} connection carries no optics, fibre or breakout leg"
        return
    for key in ("a_end", "b_end"):
        slug = getattr(c, key)
        if slug is not None and optics.get(slug) is None:
            yield f"$.connections.{c.id}.{key}", f"unknown optic or cable assembly {slug!r}"


def _fitted_has_port(design: Design, device, kind: str, port: str) -> bool:
    if device.part not in design.part_types or any(k not in design.module_types for k in device.modules.values()):
        return True  # the dangling reference is reported on its own
    return design.part_of(device).has_port(kind, port)


def warnings(design: Design, fresh_index: bool = False) -> Iterator[Problem]:
    """Repairable problems, in a stable order. `fresh_index`: the design's indexes were built from
    its tables just now (a design just validated), so `_shared_ports` may read them."""
    devices = design.devices
    heights: dict[tuple[str, str], float] = {}  # (part, rack type) → units: a few dozen pairs
    for rack_id in sorted(design.racks):
        rack = design.racks[rack_id]
        rt = design.rack_type_of(rack)
        spans = []
        for dev_id in sorted(design.contents(rack_id)):
            d = devices[dev_id]
            if d.position is None:
                continue
            key = (d.part, rack.rack_type)
            height = heights.get(key) if not d.modules else None
            if height is None:  # a device with modules asks its own fitted part
                height = geometry.height_in_rack(design.part_of(d), rt)
                if not d.modules:
                    heights[key] = height
            if d.position < 1 or d.position + height - 1 > rt.u_height:
                yield (f"$.devices.{dev_id}.position",
                       f"{d.name} at U{d.position:g} ({height:g}U) is outside rack {rack.name} (1..{rt.u_height})")
            start = round(d.position * 2)
            spans.append((start, start + round(height * 2)))
        # devices can share a cell only if their half-unit spans meet: most racks skip the cell walk
        if _spans_meet(spans):
            for a, b in geometry.overlaps(design, rack_id):
                yield (f"$.devices.{b}.position",
                       f"{design.devices[a].name} and {design.devices[b].name} overlap in rack {rack.name}")
    for hall_id in sorted(design.halls):
        for a, b in geometry.floor_overlaps(design, hall_id):
            yield f"$.{design.kind_of(b)}.{b}", f"{design.get(a).name} and {design.get(b).name} overlap on the floor"
    yield from _shared_ports(design, fresh_index)


def control_characters(design: Design) -> Iterator[Problem]:
    """Names and labels holding control characters (an escape sequence, a bell): the design loads,
    every output shows them as escapes (`\x1b`), and renaming repairs it."""
    for name in COLLECTIONS:
        for key, obj in getattr(design, name).items():
            for field in ("name", "label"):
                text = getattr(obj, field, None)
                if isinstance(text, str) and CONTROL.search(text):
                    yield (f"$.{name}.{key}.{field}",
                           f"the {field} holds control characters ({_shown(text)}); rename it")


def _shown(text: str, limit: int = 80) -> str:
    text = visible(text).replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ports_used_once(design: Design) -> bool:
    """Whether every end `_shared_ports` looks at is on a port of its own, read from a freshly built
    index instead of a set of 250,000 (kind, owner, port) ends (0.19 s at 1,000 racks): the index
    holds one entry per distinct port of every end but a power end with no port name, so it has
    as many entries as those ends exactly when no two share a port. Those ends include all the
    ends looked at here when every power end with no port name is a feed's (as loading requires)."""
    connections, feeds = design.connections, design.feeds
    unnamed = 0
    for c in connections.values():
        if c.kind == "power":
            for end in (c.a, c.b):
                if not end.port:
                    if end.owner not in feeds:
                        return False
                    unnamed += 1
    return len(design.index.port_use) == 2 * len(connections) - unnamed


def _spans_meet(spans: list[tuple[int, int]]) -> bool:
    """Whether two [start, stop) spans overlap (half-unit steps, as geometry.cells counts them)."""
    reach = None
    for start, stop in sorted(spans):
        if reach is not None and start < reach:
            return True
        reach = stop if reach is None else max(reach, stop)
    return False


def _shared_ports(design: Design, fresh_index: bool = False) -> Iterator[Problem]:
    """A port with two cables: the later connection id is the one reported."""
    feeds = design.feeds
    if fresh_index and _ports_used_once(design):
        return
    ends: set[tuple[str, str, str]] = set()
    total = 0
    for c in design.connections.values():
        for end in (c.a, c.b):
            if not (c.kind == "power" and end.owner in feeds):
                ends.add((c.kind, end.owner, end.port))
                total += 1
    if len(ends) == total:
        return  # every port used once: nothing to report, no need to sort 100,000 ids
    seen: dict[tuple[str, str, str], list[tuple[str, int | None]]] = {}
    for conn_id in sorted(design.connections):
        c = design.connections[conn_id]
        for end in (c.a, c.b):
            if c.kind == "power" and end.owner in feeds:
                continue
            users = seen.setdefault((c.kind, end.owner, end.port), [])
            clash = next((cid for cid, leg in users if leg is None or end.leg is None or leg == end.leg), None)
            if clash is not None:  # breakout legs share a port; a whole port or a repeated leg does not
                yield f"$.connections.{conn_id}", f"port {end.port} of {design.get(end.owner).name} already has connection {clash}"
            users.append((conn_id, end.leg))
