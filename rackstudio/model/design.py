"""Qt-free. The design: site, halls, rows, racks, devices, power and cooling infrastructure,
connections, comments and waivers. Collections are flat dicts keyed by stable id, with
references by id (NetBox-like), so commands touch one record and a file diffs line by line.

Only commands change a design (`rackstudio.commands`). The indexes kept here (what a rack
holds, which cable uses a port) are derived on load and maintained by `put`/`delete`.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from rackstudio.model.base import Mutable, Record
from rackstudio.model.modules import ModuleType, fitted
from rackstudio.model.parts import PartType, half_units
from rackstudio.model.racks import RackType
from rackstudio.model.review import CheckSettings, Comment, ReviewRecord, Waiver

FORMAT_VERSION = 9

Facing = Literal["N", "E", "S", "W"]
Face = Literal["front", "rear"]
ConnectionKind = Literal["power", "network", "coolant"]


class Site(Record):
    name: str = "Site"
    altitude_m: float = 0.0


class Hall(Record):
    """A data hall with a raised-floor (or slab) grid. Loads in kg/m² and kg."""

    id: str
    name: str
    width_mm: float = Field(gt=0)
    depth_mm: float = Field(gt=0)
    tile_mm: float = Field(default=600, gt=0)
    floor_rating_kg_m2: float | None = Field(default=None, gt=0)
    tile_point_load_kg: float | None = Field(default=None, gt=0)
    supply_air_c: float = 24.0
    dew_point_c: float = 12.0
    air_cooling_capacity_kw: float | None = Field(default=None, gt=0)


class Row(Record):
    """A row of racks. `facing` is the compass side the rack fronts look towards (the cold aisle)."""

    id: str
    name: str
    hall: str
    facing: Facing = "S"
    cold_aisle: Literal["front", "rear"] = "front"
    power_capacity_kw: float | None = Field(default=None, gt=0)
    air_cooling_capacity_kw: float | None = Field(default=None, gt=0)


class OverridePlace(Record):
    """Where one instance holds a design device instead of the design's place (moved by hand in
    its elevation): the whole place, so a reset or a design edit never half-applies it."""

    position: float | None = Field(default=None, ge=0)
    face: Face = "front"
    side: Literal["left", "right"] | None = None
    lateral: Literal["left", "right"] | None = None

    @field_validator("position")
    @classmethod
    def _half_units(cls, v):
        return v if v is None else half_units(v, "position")

    @model_validator(mode="after")
    def _somewhere(self):
        if (self.position is None) == (self.side is None):
            raise ValueError("a place names a unit (position) or a side channel (side), not both or neither")
        return self


class DeviceOverride(Record):
    """One instance's departure from its rack design for one of the design's devices: the slot
    left empty (with anything in its bays), or a different part and/or another place in the rack."""

    empty: Literal[True] | None = None
    part: str | None = None
    place: OverridePlace | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        if (self.empty is None) == (self.part is None and self.place is None):
            raise ValueError("an override either leaves the slot empty or names a part or a place, not both or neither")
        return self


class CableOverride(Record):
    """One instance's departure for one of its design's internal network cables: the optic or
    cable assembly at each end and the fibre (model.optics slugs), all three as this rack has them."""

    a_end: str | None = None
    b_end: str | None = None
    fibre: Literal["straight", "splitter"] | None = None


# A rack's overrides by the design's id: a device's, or an internal cable's (ids are unique across a
# design's devices and connections). Tried in this order; unknown keys are refused, so each fits one.
Override = Annotated[DeviceOverride | CableOverride, Field(union_mode="left_to_right")]


class Rack(Record):
    """A placed rack. (x_mm, y_mm) is the footprint's north-west corner in hall coordinates.

    `rack_design` makes it an instance of a rack design: its devices and internal connections
    are the design's, materialised with ids `<rack id>.<design's id>` (model.rack_designs), apart
    from the `overrides` keyed by the design's device or internal cable id."""

    id: str
    name: str
    rack_type: str
    hall: str
    row: str | None = None
    x_mm: float
    y_mm: float
    facing: Facing = "S"
    power_budget_kw: float | None = Field(default=None, gt=0)
    air_cooling_capacity_kw: float | None = Field(default=None, gt=0)
    rdhx_capacity_kw: float | None = Field(default=None, gt=0)
    description: str | None = None
    rack_design: str | None = Field(default=None, description="slug of the rack design this rack is an instance of")
    overrides: dict[str, Override] | None = None

    @field_validator("overrides")
    @classmethod
    def _sorted_overrides(cls, value):
        """Kept sorted (a file diffs line by line); none is None, not {}."""
        return {k: value[k] for k in sorted(value)} if value else None


class Device(Record):
    """A placed device. Exactly one placement: in a rack (`rack`), in a parent's bay (`parent`),
    or standing on the floor (`hall`, for CDUs and in-row coolers).

    In a rack, `position` is the lowest internal unit (1 = bottom, 0.5 steps) and `face` the side
    it mounts on; `position` None with `side` set is a 0U side-mounted device (vertical PDU,
    manifold), mounted at the rear unless `face` says front; `lateral` places a half-width device
    in the left or right half. `name_generated` marks a name RackStudio made from the place (it
    follows the device when it moves); a name a user typed is kept.
    """

    id: str
    name: str
    part: str
    rack: str | None = None
    position: float | None = Field(default=None, ge=0)
    face: Face = "front"
    side: Literal["left", "right"] | None = None
    lateral: Literal["left", "right"] | None = None
    parent: str | None = None
    bay: str | None = None
    hall: str | None = None
    x_mm: float | None = None
    y_mm: float | None = None
    facing: Facing = "S"
    allocated_w: float | None = Field(default=None, ge=0, description="overrides the part's allocation")
    asset_tag: str | None = None
    description: str | None = None
    name_generated: bool | None = Field(default=None, description="True: the name follows the place")
    modules: dict[str, str] | None = Field(default=None, description="module bay name → module type id")

    @model_validator(mode="before")
    @classmethod
    def _side_devices_at_the_rear(cls, data):
        """A 0U side-mounted device placed without a face hangs at the rear (where vertical PDUs go)."""
        if isinstance(data, dict) and data.get("side") is not None and data.get("position") is None \
                and "face" not in data:
            return {**data, "face": "rear"}
        return data

    @field_validator("position")
    @classmethod
    def _half_units(cls, v):
        return v if v is None else half_units(v, "position")

    @property
    def placement(self) -> Literal["rack", "bay", "floor"]:
        if self.parent is not None:
            return "bay"
        if self.hall is not None:
            return "floor"
        return "rack"


class Ups(Record):
    id: str
    name: str
    capacity_kw: float = Field(gt=0)
    side: Literal["A", "B"] | None = None


class Panel(Record):
    """A distribution panel (PDU/RPP) fed from a UPS path."""

    id: str
    name: str
    ups: str | None = None
    side: Literal["A", "B"] | None = None
    hall: str | None = None
    x_mm: float | None = None
    y_mm: float | None = None


class Feed(Record):
    """A power feed (a breaker on a panel) as in NetBox: V, A, phase, max utilization %."""

    id: str
    name: str
    panel: str | None = None
    side: Literal["A", "B"] = "A"
    supply: Literal["ac", "dc"] = "ac"
    phase: Literal["single-phase", "three-phase"] = "three-phase"
    voltage_v: float = Field(default=415, description="line-to-line for three-phase")
    amperage_a: float = Field(default=32, ge=1)
    max_utilization: float = Field(default=80, ge=1, le=100, description="NetBox max_utilization, %")
    breaker_100pct_rated: bool = False
    power_factor: float = Field(default=1.0, gt=0, le=1)
    rack: str | None = Field(default=None, description="the rack this feed is dropped to, if any")


@dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid", allow_inf_nan=False))
class PortRef:
    """One end of a connection: an owner (device or feed id) and a port name on it. `leg` is the
    breakout leg a network link takes of a port fanned out to several far ports (1-based; None: the
    whole port), by a splitter cable or a twin-port transceiver's two fibres (engineering.md 4.2).

    A validated frozen dataclass rather than a model: a design holds two per connection (246,000
    at 1,000 racks), and a model's own dict and set of given fields made each five times the size
    and slower to load. `replace` and `model_copy` change one, validated, as they do a record."""

    owner: str
    port: str = ""
    leg: Annotated[int | None, Strict()] = Field(default=None, ge=1, le=8)

    def replace(self, **changes) -> PortRef:
        """A validated copy with some fields changed, as `Record.replace`."""
        return dataclasses.replace(self, **changes)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> PortRef:
        """The end with some fields changed, as a record's `model_copy` gives (validated here)."""
        return dataclasses.replace(self, **(update or {}))


class Connection(Record):
    """A power, network or coolant connection. For power, `a` is the consumer (PSU inlet)
    and `b` the supplier (PDU outlet or feed)."""

    id: str
    kind: ConnectionKind
    a: PortRef
    b: PortRef
    media: str | None = Field(default=None, description="cable family: dac, acc, aec, aoc, mmf, smf, cat6, power")
    length_m: float | None = Field(default=None, gt=0)
    length_estimated: Literal[True] | None = Field(
        default=None, description="true: length_m is RackStudio's estimate from the ends' places (engineering.md "
                                  "4.5), kept up to date as they move; absent: the length was typed")
    label: str | None = None
    a_end: str | None = Field(default=None, description="network: the optic or cable assembly plugged in at a "
                                                          "(model.optics slug)")
    b_end: str | None = Field(default=None, description="network: the optic or cable assembly plugged in at b")
    fibre: Literal["straight", "splitter"] | None = Field(
        default=None, description="network, between transceivers: a straight fibre or one leg of a 1:2 splitter")

    def end(self, side: str) -> str | None:
        """The optic or cable assembly at end 'a' or 'b'."""
        return self.a_end if side == "a" else self.b_end


class RackDesign(Record):
    """A rack designed once and placed many times: a rack type, its devices (placed in a rack
    with no id, `rack` left empty; bays by the design's own device ids), its internal
    connections, and its own revision and notes. Instances follow it (model.rack_designs)."""

    slug: str = Field(pattern=r"^[-a-z0-9_]+$")
    name: str
    rack_type: str
    revision: str = "A"
    notes: str | None = None
    devices: dict[str, Device] = Field(default_factory=dict)
    connections: dict[str, Connection] = Field(default_factory=dict)

    @field_serializer("devices", "connections")
    def _sorted(self, value: dict[str, Any]) -> dict[str, Any]:
        return {k: value[k] for k in sorted(value)}


class Indexes:
    """Derived lookups of a design. Kept in one plain object: pydantic's private-attribute
    access costs ~2.4 µs, so hot methods reach it through `__pydantic_private__` directly."""

    __slots__ = ("where", "contents", "port_use", "attached", "shared_ports", "next_id", "fitted", "drops", "lent",
                 "ids_read")

    def __init__(self, where=None, contents=None, port_use=None, attached=None, shared_ports=None, drops=None):
        self.where: dict[str, str] = where if where is not None else {}
        self.contents: dict[str, set[str]] = contents if contents is not None else defaultdict(set)
        self.port_use: dict[tuple[str, str, str], str] = port_use if port_use is not None else {}
        self.attached: dict[str, set[str]] = attached if attached is not None else defaultdict(set)
        # a port more than one connection uses (a breakout's legs; or two cables on one port, which
        # the checks report) → the ones after port_use's, in order: when port_use's goes, the next
        # takes its place, so the ports in use are the ones a fresh reindex finds
        self.shared_ports: dict[tuple[str, str, str], list[str]] = shared_ports if shared_ports is not None else {}
        self.next_id: dict[str, int] = {}
        self.ids_read = False  # `next_id` holds every prefix the ids in `where` had when first asked
        # device id → (part, module types, the part with their components): `Design.part_of`'s cache
        self.fitted: dict[str, tuple[PartType, tuple, PartType]] = {}
        # rack id → the feeds dropped to it (`Feed.rack`): a pod's racks removed, or a PSU's nearest
        # outlet looked for, scanned every feed of the design (8,000 at 1,000 racks) once per rack
        self.drops: dict[str, set[str]] = drops if drops is not None else defaultdict(set)
        # table name → how many readers on other threads share the design's current table
        # (`Design.lend`): the design copies such a table before it next writes it
        self.lent: dict[str, int] = {}


_EMPTY: frozenset = frozenset()

COLLECTIONS = ("halls", "rows", "racks", "devices", "upses", "panels", "feeds", "connections",
               "comments", "waivers")


def _read_ids(ix: Indexes) -> None:
    """`next_id` for every prefix at once, the first time any is asked: for a prefix P, one more
    than the largest N of the ids `P-...-N`. Read prefix by prefix, the first paste of a rack at
    5,000 racks scanned the 830,000 ids once for its devices' prefix and once for the rack's
    (1.7 s); read once, every prefix costs one pass."""
    largest: dict[str, int] = {}
    for key in ix.where:
        head, dash, tail = key.rpartition("-")
        if not dash or not tail.isdigit():
            continue
        n = int(tail)
        if largest.get(head, 0) < n:
            largest[head] = n
        at = head.find("-")
        while at != -1:  # the shorter prefixes of an id with more dashes (`rk-1.dv-3`: `rk` too)
            prefix = head[:at]
            if largest.get(prefix, 0) < n:
                largest[prefix] = n
            at = head.find("-", at + 1)
    for prefix, n in largest.items():
        ix.next_id.setdefault(prefix, n + 1)
    ix.ids_read = True


class Design(Mutable):
    """A self-contained design: it embeds every part and rack type it uses."""

    format_version: int = FORMAT_VERSION
    name: str = "Untitled design"
    revision: str = "A"
    site: Site = Field(default_factory=Site)
    settings: CheckSettings = Field(default_factory=CheckSettings)
    part_types: dict[str, PartType] = Field(default_factory=dict)
    module_types: dict[str, ModuleType] = Field(default_factory=dict)
    rack_types: dict[str, RackType] = Field(default_factory=dict)
    rack_designs: dict[str, RackDesign] = Field(default_factory=dict)
    halls: dict[str, Hall] = Field(default_factory=dict)
    rows: dict[str, Row] = Field(default_factory=dict)
    racks: dict[str, Rack] = Field(default_factory=dict)
    devices: dict[str, Device] = Field(default_factory=dict)
    upses: dict[str, Ups] = Field(default_factory=dict)
    panels: dict[str, Panel] = Field(default_factory=dict)
    feeds: dict[str, Feed] = Field(default_factory=dict)
    connections: dict[str, Connection] = Field(default_factory=dict)
    comments: dict[str, Comment] = Field(default_factory=dict)
    waivers: dict[str, Waiver] = Field(default_factory=dict)
    reviews: list[ReviewRecord] = Field(default_factory=list)

    _ix: Indexes = PrivateAttr(default_factory=lambda: Indexes())

    @field_serializer("part_types", "module_types", "rack_types", "rack_designs", *COLLECTIONS)
    def _sorted(self, value: dict[str, Any]) -> dict[str, Any]:
        return {k: value[k] for k in sorted(value)}

    def model_post_init(self, __context: Any) -> None:
        self.reindex()

    # --- indexes ---------------------------------------------------------------------------

    def reindex(self, ids: Indexes | None = None) -> None:
        """Rebuild the derived indexes from the collections (after loading).

        With `ids` (the id table and port index the design this one is a snapshot of lent it,
        `lend`), those are taken as they are: a check job's worker does not build them again
        (0.15 s of a 0.3 s reindex at 1,000 racks).
        Written with local names on purpose: private-attribute access on a pydantic model costs
        microseconds, and a 1,000-rack hall has over 100,000 records."""
        where: dict[str, str] = {} if ids is None else ids.where
        contents: dict[str, set[str]] = defaultdict(set)
        port_use: dict[tuple[str, str, str], str] = {}
        attached: dict[str, set[str]] = defaultdict(set)
        shared: dict[tuple[str, str, str], list[str]] = {}
        drops: dict[str, set[str]] = defaultdict(set)
        for name in COLLECTIONS:
            table = getattr(self, name)
            for key in table if ids is None else ():
                where[key] = name
            if name == "devices":
                for obj in table.values():
                    contents[obj.parent or obj.rack or obj.hall].add(obj.id)
            elif name == "racks":
                for obj in table.values():
                    contents[obj.row or obj.hall].add(obj.id)
            elif name == "rows":
                for obj in table.values():
                    contents[obj.hall].add(obj.id)
            elif name == "feeds":
                for obj in table.values():
                    if obj.rack is not None:
                        drops[obj.rack].add(obj.id)
            elif name == "connections" and ids is not None:
                port_use, shared = ids.port_use, ids.shared_ports
                for obj in table.values():
                    attached[obj.a.owner].add(obj.id)
                    attached[obj.b.owner].add(obj.id)
            elif name == "connections":
                first_use = port_use.setdefault
                for obj in table.values():  # 123,000 at 1,000 racks: the two ends written out
                    key, kind, a, b = obj.id, obj.kind, obj.a, obj.b
                    a_owner, b_owner = a.owner, b.owner
                    # a feed may supply many inlets: a power end without a port is no port's use
                    if (kind != "power" or a.port) and first_use((kind, a_owner, a.port), key) is not key:
                        shared.setdefault((kind, a_owner, a.port), []).append(key)
                    if (kind != "power" or b.port) and first_use((kind, b_owner, b.port), key) is not key:
                        shared.setdefault((kind, b_owner, b.port), []).append(key)
                    attached[a_owner].add(key)
                    attached[b_owner].add(key)
        self._ix = Indexes(where, contents, port_use, attached, shared, drops)

    def _container(self, name: str, obj: Any) -> str | None:
        if name == "devices":
            return obj.parent or obj.rack or obj.hall
        if name == "racks":
            return obj.row or obj.hall
        if name == "rows":
            return obj.hall
        return None

    @property
    def index(self) -> Indexes:
        return self.__pydantic_private__["_ix"]

    def _index(self, name: str, obj: Any) -> None:
        ix = self.index
        ix.where[obj.id] = name
        parent = self._container(name, obj)
        if parent is not None:
            ix.contents[parent].add(obj.id)
        if name == "feeds" and obj.rack is not None:
            ix.drops[obj.rack].add(obj.id)
        if name == "connections":
            for end in (obj.a, obj.b):
                if obj.kind != "power" or end.port:  # a feed may supply many inlets
                    key = (obj.kind, end.owner, end.port)
                    if ix.port_use.setdefault(key, obj.id) != obj.id:
                        ix.shared_ports.setdefault(key, []).append(obj.id)
                ix.attached[end.owner].add(obj.id)

    def _unindex(self, name: str, obj: Any) -> None:
        ix = self.index
        ix.where.pop(obj.id, None)
        parent = self._container(name, obj)
        if parent is not None:
            ix.contents[parent].discard(obj.id)
        if name == "feeds" and obj.rack is not None:
            ix.drops[obj.rack].discard(obj.id)
        if name == "connections":
            for end in (obj.a, obj.b):
                attached = ix.attached[end.owner]
                attached.discard(obj.id)
                key = (obj.kind, end.owner, end.port)
                others = ix.shared_ports.get(key)
                if ix.port_use.get(key) == obj.id:
                    if others:  # the next connection on that port takes its place, as a reindex would
                        ix.port_use[key] = others.pop(0)
                    else:
                        del ix.port_use[key]
                elif others and obj.id in others:
                    others.remove(obj.id)
                if others == []:
                    del ix.shared_ports[key]

    # --- lending the big tables to a reader on another thread -----------------------------------

    _LENT_IDS = ("where", "port_use", "shared_ports")

    def lend(self) -> dict[str, Any]:
        """The collections and the id and port tables, as they are, for a snapshot read on another
        thread (a check job's): shared, not copied. Until `give_back`, this design copies a lent
        table before it first writes it (copy on write), so the reader's tables never change under
        it. Copying them all when the job starts held the window 80-220 ms at 5,000 racks (the
        port index alone has a million entries); now an edit made while the job runs pays for the
        tables it writes, and a job with no edit meanwhile costs nothing."""
        ix = self.index
        tables: dict[str, Any] = {name: getattr(self, name) for name in COLLECTIONS}
        tables.update((name, getattr(ix, name)) for name in self._LENT_IDS)
        for name in tables:
            ix.lent[name] = ix.lent.get(name, 0) + 1
        return tables

    def give_back(self, tables: dict[str, Any]) -> None:
        """The reader of `lend`'s tables is done: a table this design still has stops being lent
        once no reader shares it (one it copied meanwhile is the reader's alone)."""
        ix = self.index
        for name, table in tables.items():
            current = getattr(ix, name) if name in self._LENT_IDS else getattr(self, name)
            if current is table and name in ix.lent:
                ix.lent[name] -= 1
                if not ix.lent[name]:
                    del ix.lent[name]

    def _own(self, ix: Indexes, name: str) -> None:
        """Before writing collection `name` and the id tables: copy those still lent (`lend`)."""
        lent = ix.lent
        if lent.pop(name, None):
            self.__dict__[name] = dict(self.__dict__[name])
        if lent.pop("where", None):
            ix.where = dict(ix.where)
        if name == "connections":
            if lent.pop("port_use", None):
                ix.port_use = dict(ix.port_use)
            if lent.pop("shared_ports", None):
                ix.shared_ports = {key: list(others) for key, others in ix.shared_ports.items()}

    # --- the only mutators (used by commands) --------------------------------------------------

    def put(self, name: str, obj: Any) -> Any:
        """Insert or replace a record in collection `name`; returns the record it replaced."""
        ix = self.index
        if ix.lent:
            self._own(ix, name)
        coll = getattr(self, name)
        old = coll.get(obj.id)
        where = ix.where
        if old is not None:
            self._unindex(name, old)
        elif obj.id in where:
            raise ValueError(f"id {obj.id!r} is already used by a {where[obj.id][:-1]}")
        coll[obj.id] = obj
        self._index(name, obj)
        return old

    def delete(self, obj_id: str) -> tuple[str, Any]:
        ix = self.index
        name = ix.where[obj_id]
        if ix.lent:
            self._own(ix, name)
        obj = getattr(self, name).pop(obj_id)
        self._unindex(name, obj)
        return name, obj

    # --- lookups -------------------------------------------------------------------------------

    def kind_of(self, obj_id: str) -> str | None:
        """The collection an id lives in ('racks', 'devices', ...), or None."""
        return self.index.where.get(obj_id)

    def get(self, obj_id: str) -> Any:
        name = self.index.where.get(obj_id)
        return None if name is None else getattr(self, name)[obj_id]

    def contents(self, container_id: str) -> set[str]:
        """Ids directly inside a hall, row, rack or parent device."""
        return self.index.contents.get(container_id, _EMPTY)

    def connections_of(self, owner_id: str) -> set[str]:
        return self.index.attached.get(owner_id, _EMPTY)

    def feeds_dropped_to(self, rack_id: str | None) -> set[str]:
        """Ids of the feeds dropped to a rack (`Feed.rack`)."""
        return self.index.drops.get(rack_id, _EMPTY)

    def port_connection(self, kind: str, owner: str, port: str) -> str | None:
        return self.index.port_use.get((kind, owner, port))

    def part_of(self, device: Device) -> PartType:
        """The device's part; with modules installed, the part with their components added
        (`modules.fitted`), remembered until the part, a module type or the bays change."""
        if not device.modules:
            return self.part_types[device.part]
        part = self.part_types[device.part]
        mods = tuple((bay, self.module_types[key]) for bay, key in sorted(device.modules.items()))
        cache = self.index.fitted
        found = cache.get(device.id)
        if found is not None and found[0] is part and len(found[1]) == len(mods) and all(
                a[0] == b[0] and a[1] is b[1] for a, b in zip(found[1], mods, strict=True)):
            return found[2]
        merged = fitted(part, dict(mods))
        cache[device.id] = (part, mods, merged)
        return merged

    def rack_type_of(self, rack: Rack) -> RackType:
        return self.rack_types[rack.rack_type]

    def new_id(self, prefix: str) -> str:
        """A fresh id `prefix-N`, never reused within this session (undo keeps old ids valid)."""
        ix = self.index
        n = ix.next_id.get(prefix)
        if n is None and not ix.ids_read:
            _read_ids(ix)
            n = ix.next_id.get(prefix)
        if n is None:
            n = 1
        while f"{prefix}-{n}" in ix.where:
            n += 1
        ix.next_id[prefix] = n + 1
        return f"{prefix}-{n}"
