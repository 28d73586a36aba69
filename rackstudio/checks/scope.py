"""Qt-free. Subjects of each scope, and which subjects an edit can affect.

`affected` maps a ChangeSet to the subjects whose rules must re-run. It reads the records as they
were before the edit (a snapshot the engine keeps; records are immutable, so the snapshot holds
references, not copies) and the design and graph as they are now:

- a device: itself and its children, its rack(s) old and new with their row and hall, its cables;
  unless only its placement (and name) changed, also its power neighbourhood and its coolant loop
  (and then its cables only for the rules that are not `placement_free`).
  A new name changes no figure, so no finding comes or goes; the engine re-runs the findings
  whose text or figures held the old name (`Dirty.renamed`) — a rule may name any object in
  what it says, but decides nothing by a name except of its own subject, rack or cables;
- a connection: itself, the cables sharing its ports, its end devices; for power (and network
  cables carrying optics, which draw from their devices unless a device's figure holds its optics:
  then only its rack) the power neighbourhood of both ends, for coolant the loops of both ends;
  a new length alone (a move re-estimates its device's cables) re-runs only the cable itself, and
  only for the rules that are not `placement_free` (the reach rules);
- a rack or row: itself, its devices and their cables, its row/hall/floor (a rack's new name
  alone: not its floor, whose findings naming it are re-run as a device's are);
- a feed, panel or UPS: its power neighbourhood;
- a hall, the settings or design fields: everything (rare edits; a full run).

The *power neighbourhood* of nodes N is everything fed from N (the nodes whose input changed)
and, for each of those, every feed and PDU above it: a feed's load, its failover scenarios and a
device's redundancy all read exactly that (rules/failover.py). Removed nodes are no longer in the
graph, but removing one also removes its cables, whose surviving ends carry the change upward.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from rackstudio.changes import ChangeSet
from rackstudio.checks import coolant, power_flow
from rackstudio.checks.context import CheckContext, descendants, rack_of_record
from rackstudio.checks.rule import Scope
from rackstudio.graph.component_graph import busbar_node
from rackstudio.model import optics
from rackstudio.model.design import Design, Device
from rackstudio.model.parts import Category, PartType

DESIGN_SUBJECT = "design"

# Device fields that only say where it is: moving a device changes no power or coolant figure.
PLACEMENT = frozenset({"rack", "position", "face", "side", "lateral", "parent", "bay", "hall",
                       "x_mm", "y_mm", "facing"})
# Device fields a move within a rack changes (and the name that follows its unit): of the rack's
# figures only the units used can change (metrics.MetricsCache.restack).
RESTACK = frozenset({"position", "face", "side", "lateral", "name"})
# Connection fields that only say how long it is: read by the cable's own rules (CAB-001/002 reach)
# and by no other subject's, so a new length re-runs just that cable.
LENGTH = frozenset({"length_m", "length_estimated"})


def subjects(ctx: CheckContext, scope: Scope) -> list[str]:
    d = ctx.design
    if scope is Scope.PART:
        return sorted(d.part_types)
    if scope is Scope.DEVICE:
        return sorted_ids(d.devices)
    if scope is Scope.RACK:
        return sorted(d.racks)
    if scope is Scope.ROW:
        return sorted(d.rows)
    if scope in (Scope.HALL, Scope.FLOOR):
        return sorted(d.halls)
    if scope is Scope.FEED:
        return sorted(d.feeds)
    if scope is Scope.CDU:
        return sorted(x for x in d.devices if coolant.is_cdu(ctx, x))
    if scope is Scope.CONNECTION:
        return sorted_ids(d.connections)
    return [DESIGN_SUBJECT]


def sorted_ids(table: dict[str, Any], slice_size: int = 50000) -> list[str]:
    """`sorted(table)`, its list built a slice at a time then sorted in place: at 5,000 racks,
    `sorted` over the 600,000 cables was one C call holding the GIL for 40-60 ms (a fresh list's
    pages, then the sort) while the window waited on a worker's full check. Ids are mostly in
    order already (a file's collections are sorted), which the sort only checks."""
    ids: list[str] = []
    it = iter(table)
    while len(ids) < len(table):
        ids.extend(islice(it, slice_size))
    ids.sort()
    return ids


class FullRunSubjects:
    """Each scope's subjects of a full run, listed once, and narrowed to what a rule can fire on
    (Rule.kinds, Rule.parts) from one index of the design: connections with their kind, devices
    with their part (a test of a part asked once per part, not once per device). Sorted, as
    `subjects` lists them."""

    def __init__(self, ctx: CheckContext):
        self.ctx = ctx
        self._lists: dict[tuple, list[str]] = {}
        self._devices: tuple[list[str], list[int], dict[int, PartType]] | None = None

    def of(self, scope: Scope, kinds: tuple[str, ...] = (),
           parts: Callable[[PartType], bool] | None = None) -> list[str]:
        kinds = kinds if scope is Scope.CONNECTION else ()
        parts = parts if scope in (Scope.DEVICE, Scope.CDU) else None
        key = (scope, kinds, parts)
        found = self._lists.get(key)
        if found is None:
            if kinds:
                table = self.ctx.design.connections
                found = [c for c in self.of(scope) if table[c].kind in kinds]
            elif parts is not None:
                found = [x for x in self.of(scope) if self._passing(parts, x)] if scope is Scope.CDU \
                    else self._devices_passing(parts)
            elif scope is Scope.CDU:
                found = self._devices_passing(coolant.is_cdu_part)
            else:
                found = subjects(self.ctx, scope)
            self._lists[key] = found
        return found

    def _passing(self, test: Callable[[PartType], bool], device_id: str) -> bool:
        return test(self.ctx.part(device_id))

    def _devices_passing(self, test: Callable[[PartType], bool]) -> list[str]:
        if self._devices is None:
            ids = subjects(self.ctx, Scope.DEVICE)
            part = self.ctx.part
            of = [part(x) for x in ids]
            self._devices = ids, [id(p) for p in of], {id(p): p for p in of}
        ids, keys, by_key = self._devices
        ok = {k for k, p in by_key.items() if test(p)}
        return [x for x, k in zip(ids, keys, strict=True) if k in ok]


_TABLES = {Scope.PART: "part_types", Scope.DEVICE: "devices", Scope.RACK: "racks", Scope.ROW: "rows",
           Scope.HALL: "halls", Scope.FLOOR: "halls", Scope.FEED: "feeds", Scope.CONNECTION: "connections"}


def exists(ctx: CheckContext, scope: Scope, subject: str) -> bool:
    table = _TABLES.get(scope)
    if table is not None:
        return subject in getattr(ctx.design, table)
    if scope is Scope.CDU:
        return coolant.is_cdu(ctx, subject)
    return subject == DESIGN_SUBJECT


@dataclass
class Dirty:
    """Subjects to re-run, by scope; `full` means re-run everything."""

    full: bool = False
    by_scope: dict[Scope, set[str]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # id → old name: findings naming it re-run
    # cables of a moved device and cables given a new length: re-run by the rules that are not
    # placement_free (rule.Rule.placement_free)
    placed: set[str] = field(default_factory=set)
    # racks whose devices only moved within them: of their figures only the units used can change,
    # and the placement_free rules do not re-run on them
    restacked: set[str] = field(default_factory=set)

    def add(self, scope: Scope, *ids: str | None) -> None:
        self.by_scope.setdefault(scope, set()).update(i for i in ids if i is not None)

    def of(self, scope: Scope) -> set[str]:
        return self.by_scope.get(scope, set())

    def for_rule(self, scope: Scope, placement_free: bool) -> set[str]:
        """The subjects of `scope` a rule re-runs (rule.Rule.placement_free)."""
        found = self.of(scope)
        if scope is Scope.CONNECTION and self.placed and not placement_free:
            return found | self.placed
        if scope is Scope.RACK and self.restacked and placement_free:
            return found - self.restacked
        return found


class Records(Mapping):
    """Records by id, one table per collection. A full check's snapshot of a 5,000-rack design
    merged into one table grew it to 800,000 entries, and each of that dict's resizes was a single
    C call holding the GIL for 50-100 ms: the window stalled while the check ran on its worker.
    A table per collection is copied in one call each, the largest (the cables) 12-40 ms."""

    __slots__ = ("tables",)

    def __init__(self, tables: dict[str, dict[str, Any]]):
        self.tables = tables  # devices and connections first: most lookups are theirs

    def get(self, key: str, default: Any = None) -> Any:
        for table in self.tables.values():
            found = table.get(key)
            if found is not None:
                return found
        return default

    def __getitem__(self, key: str) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return any(key in table for table in self.tables.values())

    def __iter__(self) -> Iterator[str]:
        for table in self.tables.values():
            yield from table

    def __len__(self) -> int:
        return sum(map(len, self.tables.values()))

    def put(self, coll: str, key: str, record: Any) -> None:
        for name, table in self.tables.items():  # an id is in one collection at a time
            if name == coll:
                table[key] = record
            else:
                table.pop(key, None)

    def drop(self, key: str) -> None:
        for table in self.tables.values():
            table.pop(key, None)

    def copy(self) -> Records:
        return Records({name: dict(table) for name, table in self.tables.items()})


class Snapshot:
    """The records as the engine last saw them: id → record, parts and rack types by slug."""

    records: Records
    parts: dict[str, PartType]
    rack_types: dict[str, Any]

    TRACKED = ("devices", "connections", "racks", "feeds", "rows", "halls", "upses", "panels")

    def __init__(self, records: Records, parts: dict[str, PartType], rack_types: dict[str, Any]):
        self.records, self.parts, self.rack_types = records, parts, rack_types

    @classmethod
    def of(cls, design: Design) -> Snapshot:
        records = Records({name: dict(getattr(design, name)) for name in cls.TRACKED})
        return cls(records, dict(design.part_types), dict(design.rack_types))

    def update(self, design: Design, changes: ChangeSet) -> None:
        for obj_id, coll in changes.touched().items():
            if coll in ("part_types", "rack_types"):
                table = design.part_types if coll == "part_types" else design.rack_types
                target = self.parts if coll == "part_types" else self.rack_types
                current = table.get(obj_id)
                if current is None:
                    target.pop(obj_id, None)
                else:
                    target[obj_id] = current
            elif coll in self.TRACKED:
                name = design.kind_of(obj_id)
                if name is None:
                    self.records.drop(obj_id)
                else:
                    self.records.put(name, obj_id, getattr(design, name)[obj_id])

    def devices(self) -> Mapping[str, Device]:
        return self.records.tables["devices"]  # a device's parent is a device

    def copy(self) -> Snapshot:
        """Its own tables (`update` changes them in place), the records shared."""
        return Snapshot(self.records.copy(), dict(self.parts), dict(self.rack_types))


class _Impact:
    def __init__(self, ctx: CheckContext, old: Snapshot):
        self.ctx, self.d, self.old = ctx, ctx.design, old
        self.dirty = Dirty()
        self.power_nodes: set[str] = set()
        self.coolant_nodes: set[str] = set()
        self.users: dict[str, dict[tuple[str, str], list[str]]] = {}

    # --- per collection ------------------------------------------------------------------------

    def device(self, dev_id: str, before: Device | None, after: Device | None) -> None:
        dirty = self.dirty
        family = {dev_id} | descendants(self.d, dev_id)  # a removed id is re-run to drop its findings
        dirty.add(Scope.DEVICE, *family)
        changed = _changed_fields(before, after) if before is not None and after is not None else None
        placement_only = changed is not None and changed <= PLACEMENT | {"name"} and bool(before.name)
        for x in family:
            if placement_only:
                dirty.placed.update(self.d.connections_of(x))
            else:
                dirty.add(Scope.CONNECTION, *self.d.connections_of(x))
        buses = set()
        for rec, devices, parts in ((before, self.old.devices(), self.old.parts),
                                    (after, self.d.devices, self.d.part_types)):
            if rec is None:
                continue
            rack = rack_of_record(rec, devices)
            if rack is not None:
                self._rack_home(rack)
            elif rec.hall is not None:
                dirty.add(Scope.HALL, rec.hall)
                dirty.add(Scope.FLOOR, rec.hall)
            part = parts.get(rec.part)
            if part is not None and part.category == Category.CDU:
                dirty.add(Scope.CDU, dev_id)
            if part is not None and rack is not None and _on_busbar(part):
                buses.add(busbar_node(rack))
        if placement_only and "name" in changed:
            dirty.renamed[dev_id] = before.name
        if not placement_only:
            self.power_nodes |= {dev_id} | buses
            self.coolant_nodes.add(dev_id)
        elif buses and rack_of_record(before, self.old.devices()) != rack_of_record(after, self.d.devices):
            self.power_nodes |= {dev_id} | buses

    def connection(self, conn_id: str, before: Any, after: Any) -> None:
        if before is not None and after is not None and _changed_fields(before, after) <= LENGTH:
            self.dirty.placed.add(conn_id)  # a device move re-estimates its cables: only their reach rules read it
            return
        self.dirty.add(Scope.CONNECTION, conn_id)
        # the optics' draw moves only when what is plugged where changes, not with a new length
        # (a device move re-estimates the lengths of all its cables)
        replugged = before is None or after is None or _plugged(before) != _plugged(after)
        for rec in (before, after):
            if rec is None:
                continue
            for end in (rec.a, rec.b):
                if end.owner in self.d.devices:
                    self.dirty.add(Scope.DEVICE, end.owner)
                self.dirty.add(Scope.CONNECTION, *self._port_users(end.owner).get((rec.kind, end.port), ()))
                if rec.kind == "power":
                    self.power_nodes.add(end.owner)
                elif replugged and optics.carries_optics(rec):  # optics draw from their device, unless its figure holds them
                    device = self.d.devices.get(end.owner)
                    if device is not None and self.d.part_of(device).rackstudio.power.includes_optics:
                        self.dirty.add(Scope.RACK, self.ctx.rack_of(end.owner))  # only its rack's optics total moves
                    else:
                        self.power_nodes.add(end.owner)
                elif rec.kind == "coolant":
                    self.coolant_nodes.add(end.owner)

    def rack(self, rack_id: str, before: Any, after: Any, retyped: bool = False) -> None:
        self.dirty.add(Scope.RACK, rack_id)
        if not retyped and before is not None and after is not None and _changed_fields(before, after) <= {"name"}:
            # a new name moves nothing: the floor's rules decide nothing by it, and the findings
            # that say it are re-run (`Dirty.renamed`; a rack renamed on L re-ran the whole
            # floor's overlaps and aisles, 40 ms); its devices bring in its row and hall
            self.dirty.renamed[rack_id] = before.name
        else:
            for rec in (before, after):
                if rec is not None:
                    self.dirty.add(Scope.ROW, rec.row)
                    self.dirty.add(Scope.HALL, rec.hall)
                    self.dirty.add(Scope.FLOOR, rec.hall)
        devices = descendants(self.d, rack_id)
        self._devices_and_cables(devices)
        if retyped or before is None or after is None or before.rack_type != after.rack_type:
            self.power_nodes |= devices | {busbar_node(rack_id)}

    def row(self, row_id: str, before: Any, after: Any) -> None:
        self.dirty.add(Scope.ROW, row_id)
        for rec in (before, after):
            if rec is not None:
                self.dirty.add(Scope.FLOOR, rec.hall)
        for rack_id in self.d.contents(row_id):
            if rack_id in self.d.racks:
                self.dirty.add(Scope.RACK, rack_id)
                self.dirty.add(Scope.DEVICE, *descendants(self.d, rack_id))

    def feed(self, feed_id: str, before: Any, after: Any) -> None:
        self.dirty.add(Scope.FEED, feed_id)
        for rec in (before, after):
            if rec is not None:
                self.dirty.add(Scope.RACK, rec.rack)
        self.power_nodes.add(feed_id)

    def panel_or_ups(self, obj_id: str, before: Any, after: Any) -> None:
        self.power_nodes.add(obj_id)
        for rec in (before, after):  # SPC-010 measures racks against panels
            hall = getattr(rec, "hall", None)
            if hall is not None:
                self.dirty.add(Scope.RACK, *hall_racks(self.d, hall))

    def _port_users(self, owner: str) -> dict[tuple[str, str], list[str]]:
        """(kind, port) → the connections on it at `owner`, once per owner for the ChangeSet (a
        move of a 64-port switch touches each of its cables, and each asked about all of them)."""
        found = self.users.get(owner)
        if found is None:
            found = self.users[owner] = {}
            for conn_id in self.d.connections_of(owner):
                c = self.d.connections[conn_id]
                for port in _ports_of(c, owner):
                    found.setdefault((c.kind, port), []).append(conn_id)
        return found

    # --- expansion -----------------------------------------------------------------------------

    def _rack_home(self, rack_id: str) -> None:
        self.dirty.add(Scope.RACK, rack_id)
        for rec in (self.old.records.get(rack_id), self.d.racks.get(rack_id)):
            if rec is not None:
                self.dirty.add(Scope.ROW, rec.row)
                self.dirty.add(Scope.HALL, rec.hall)

    def _devices_and_cables(self, devices: Iterable[str]) -> None:
        for x in devices:
            self.dirty.add(Scope.DEVICE, x)
            self.dirty.add(Scope.CONNECTION, *self.d.connections_of(x))
            if coolant.is_cdu(self.ctx, x):
                self.dirty.add(Scope.CDU, x)

    def expand(self, too_wide: Callable[[int], bool] | None = None) -> Dirty:
        """The changed records' subjects grown by power and coolant reach. `too_wide(devices)`:
        whether that many dirty devices already make the update cheaper as a full run; asked as
        the power walk adds them, which stops there (`Dirty(full=True)`): a rack-design edit on
        hundreds of instances reaches 18,000 devices at 1,000 racks, and a third of them decide."""
        ctx, d, dirty = self.ctx, self.d, self.dirty
        nodes = {n for n in self.power_nodes if n in ctx.graph.g}
        walk = list(nodes | power_flow.downstream(ctx, nodes))
        for start in range(0, len(walk), ASK_EVERY):
            if start and too_wide is not None and too_wide(len(dirty.of(Scope.DEVICE))):
                return Dirty(full=True)
            for x in walk[start:start + ASK_EVERY]:
                if x in d.devices:
                    dirty.add(Scope.DEVICE, x)
                    dirty.add(Scope.RACK, ctx.rack_of(x))
                for u in {x} | power_flow.upstream(ctx, x):
                    if u in d.feeds:
                        dirty.add(Scope.FEED, u)
                    elif u in d.devices and ctx.part(u).category == Category.PDU:
                        dirty.add(Scope.DEVICE, u)
        loops = {}  # each loop once: a rack-design edit touches hundreds of devices on a few loops
        for n in self.coolant_nodes:
            if n in ctx.graph.g:
                loop = coolant.loop_of(ctx, n)
                loops[id(loop)] = loop
        for loop in loops.values():
            for x in coolant.loop_devices(ctx, loop):
                dirty.add(Scope.DEVICE, x)
                dirty.add(Scope.RACK, ctx.rack_of(x))
            dirty.add(Scope.CDU, *loop.cdus)
        for rack_id in list(dirty.of(Scope.RACK)):  # a rack's heat feeds its row and hall totals
            self._rack_home(rack_id)
        dirty.add(Scope.DESIGN, DESIGN_SUBJECT)
        return dirty


ASK_EVERY = 1024  # power-walk steps between two asks of `too_wide` (_Impact.expand)


def affected(ctx: CheckContext, changes: ChangeSet, old: Snapshot,
             too_wide: Callable[[int], bool] | None = None) -> Dirty:
    """The subjects an applied ChangeSet can affect (see the module docstring); `too_wide`: see
    `_Impact.expand`."""
    if changes.settings or "halls" in changes.collections():
        return Dirty(full=True)
    impact = _Impact(ctx, old)
    d = ctx.design
    for obj_id, coll in sorted(changes.touched().items()):
        before = (old.parts if coll == "part_types" else old.rack_types if coll == "rack_types"
                  else old.records).get(obj_id)
        if coll == "part_types":
            impact.dirty.add(Scope.PART, obj_id)
            for dev in d.devices.values():  # a part edit re-puts its devices too; this covers the rest
                if dev.part == obj_id:
                    impact.device(dev.id, None, dev)
        elif coll == "rack_types":
            for rack in d.racks.values():
                if rack.rack_type == obj_id:
                    impact.rack(rack.id, rack, rack, retyped=True)
        elif coll == "devices":
            impact.device(obj_id, before, d.devices.get(obj_id))
        elif coll == "connections":
            impact.connection(obj_id, before, d.connections.get(obj_id))
        elif coll == "racks":
            impact.rack(obj_id, before, d.racks.get(obj_id))
        elif coll == "rows":
            impact.row(obj_id, before, d.rows.get(obj_id))
        elif coll == "feeds":
            impact.feed(obj_id, before, d.feeds.get(obj_id))
        elif coll in ("panels", "upses"):
            impact.panel_or_ups(obj_id, before, d.get(obj_id))
    dirty = impact.expand(too_wide)
    if dirty.full:
        return dirty
    dirty.restacked = _restacked(changes, old, d)
    return dirty


def _restacked(changes: ChangeSet, old: Snapshot, design: Design) -> set[str]:
    """The racks of an edit that only moves devices within their racks (and re-estimates their
    cables' lengths); none when it does anything else."""
    racks: set[str] = set()
    for obj_id, coll in changes.touched().items():
        before = old.records.get(obj_id)
        after = design.connections.get(obj_id) if coll == "connections" else design.devices.get(obj_id)
        if before is None or after is None or coll not in ("connections", "devices"):
            return set()
        if coll == "connections":
            if not _changed_fields(before, after) <= LENGTH:
                return set()
        elif (before.rack is None or before.rack != after.rack or before.parent is not None
              or after.parent is not None or not _changed_fields(before, after) <= RESTACK):
            return set()
        else:
            racks.add(before.rack)
    return racks


def hall_racks(design: Design, hall_id: str) -> list[str]:
    return sorted(r.id for r in design.racks.values() if r.hall == hall_id)


def _changed_fields(before: Any, after: Any) -> set[str]:
    return {name for name in type(before).model_fields if getattr(before, name) != getattr(after, name)}


def _on_busbar(part: PartType) -> bool:
    return part.category == Category.POWER_SHELF or part.rackstudio.power.source == "busbar"


def stale_cages(changes: ChangeSet, design: Design, old_records: dict[str, Any]) -> set[str] | None:
    """Devices whose kept cage optics (CheckContext.cages) an applied ChangeSet may change: the
    owners of both ends of a cable replugged, added or removed (as it was and is), a device added,
    removed or given another part or modules; None (all of them) when a part or module type changed."""
    stale: set[str] = set()
    for obj_id, coll in changes.touched().items():
        if coll in ("part_types", "module_types"):
            return None
        if coll == "connections":
            before, after = old_records.get(obj_id), design.connections.get(obj_id)
            if before is None or after is None or _plugged(before) != _plugged(after):
                stale |= {end.owner for rec in (before, after) if rec is not None for end in (rec.a, rec.b)}
        elif coll == "devices":
            before, after = old_records.get(obj_id), design.devices.get(obj_id)
            if before is None or after is None or (before.part, before.modules) != (after.part, after.modules):
                stale.add(obj_id)
    return stale


def _plugged(conn: Any) -> tuple:
    """What a cable's optics draw depends on (`optics.cage_optics`, `optics.end_power_w`): its
    kind, its ends and their legs, the optic or assembly at each end and its fibre."""
    return conn.kind, conn.a, conn.b, conn.a_end, conn.b_end, conn.fibre


def _ports_of(conn: Any, owner: str) -> set[str]:
    return {end.port for end in (conn.a, conn.b) if end.owner == owner}
