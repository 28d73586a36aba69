"""Qt-free. Cabling rules (engineering.md 4.8): reach against the cable family, cages and lane rates at
both ends, XDR media, bend radius behind a device, the NVL72 NVLink spine, required ports,
ports with more than one cable, and ports whose roles (data, management) do not match. Lengths are the connection's own, else estimated (§4.5, m)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import Hit, Rule, RuleFn, Scope, Severity, rule
from rackstudio.checks.rules import optics as optics_rules
from rackstudio.checks.rules.cable_index import (
    batched,
    devices_by_part,
    devices_keyed,
    kinds_firing,
    longer_than,
    network_ends,
    network_index,
)
from rackstudio.model import cable_length, optics, port_roles
from rackstudio.model import interfaces as ifc
from rackstudio.model.design import Connection, PortRef
from rackstudio.model.parts import Category, PartType

RULES: list[Rule] = []

# CAB-010: a connector's length behind the port (U, not in the model yet); 0 makes the check fire
# only when it is certain.


def _end_label(ctx: CheckContext, end: PortRef) -> str:
    return f"{ctx.name(end.owner)}:{end.port}" if end.port else ctx.name(end.owner)


def _label(ctx: CheckContext, conn: Connection) -> str:
    return f"Cable {conn.id} ({_end_label(ctx, conn.a)} - {_end_label(ctx, conn.b)})"


def _part_interface(ctx: CheckContext, end: PortRef):
    """(part, interface template) of a device's network interface, or None: what
    `port_roles.interface_of` answers, read from a per-pass (part, port) → interface table."""
    device = ctx.design.devices.get(end.owner)
    if device is None:
        return None
    if device.modules:  # its ports include its modules' (a NIC in a bay): the fitted part's table
        part = ctx.part(device.id)
        fitted = ctx.memo.get(("fitted interfaces", device.id))
        if fitted is None or fitted[0] is not part:
            fitted = ctx.memo["fitted interfaces", device.id] = (part, _interface_table(part))
        return fitted[1].get(end.port)
    found = ctx.memo.get(("interfaces", device.part))
    if found is None:
        part = ctx.design.part_types.get(device.part)
        found = ctx.memo["interfaces", device.part] = {} if part is None else _interface_table(part)
    return found.get(end.port)


def _interface_table(part) -> dict[str, tuple]:
    table: dict[str, tuple] = {}
    for template in part.interfaces:
        table.setdefault(template.name, (part, template))  # the first of a repeated name, as interface_of
    return table


def _interface(ctx: CheckContext, end: PortRef):
    found = _part_interface(ctx, end)
    return found[1] if found else None


def _classes(ctx: CheckContext, conn: Connection) -> list[ifc.InterfaceClass | None]:
    """The interface classes of a connection's two ends, once per connection per pass (five
    rules ask)."""
    key = ("classes", conn.id)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = [ifc.classify(t.type) if (t := _interface(ctx, end)) else None
                                 for end in (conn.a, conn.b)]
    return found


def _network(ctx: CheckContext, conn_id: str) -> Connection | None:
    conn = ctx.design.connections[conn_id]
    return conn if conn.kind == "network" else None


def estimate_length_m(ctx: CheckContext, conn: Connection) -> float | None:
    """The §4.5 estimate for a connection (model.cable_length, the one place it is computed)."""
    return cable_length.estimate_length_m(ctx.design, conn.a, conn.b)


def _length(ctx: CheckContext, conn: Connection) -> tuple[float | None, str]:
    if conn.length_m is not None:
        return conn.length_m, " (estimated)" if conn.length_estimated else ""
    return estimate_length_m(ctx, conn), " (estimated)"


def _link_class(classes: list[ifc.InterfaceClass | None]) -> str | None:
    return ifc.link_lane_class(classes)


def _xdr_media(lane: str | None, media: str | None) -> bool:
    return lane == ifc.PAM4_200G and (media or "").lower() in ("dac", "aoc", "mmf")


def _reach(ctx: CheckContext, conn: Connection) -> tuple[str | None, float, str] | None:
    """(the link's lane class, reach in m, what reaches: the family or the optic) of a network cable;
    None when no reach applies (unknown, or XDR media: CAB-007)."""
    lane = _link_class(_classes(ctx, conn))
    reach = ifc.reach_m(lane, conn.media)
    if reach is None or _xdr_media(lane, conn.media):  # XDR media: CAB-007
        return None
    media = (conn.media or "").upper()
    named = [o for o in (optics.get(conn.a_end), optics.get(conn.b_end)) if o is not None]
    if named and reach:  # the optics or cable assembly plugged in: their own reach (engineering.md 4.1)
        reach = min(o.reach_m for o in named)
        media = min(named, key=lambda o: o.reach_m).name
    return lane, reach, media


def _past_reach(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """CAB-001's candidates: the cables of a kind with no reach at its lane rate, and those with no
    length or one over their kind's reach (the reach is the same for a kind: lane, media, optics)."""
    index = network_index(ctx)
    for key, same in index.groups.items():
        found = _reach(ctx, same[0])
        if found is None:
            continue
        reach = found[1]
        yield from [c.id for c in same] if reach == 0 else longer_than(index, key, reach)


@rule("CAB-001", "Cable longer than its media reaches", Severity.ERROR, Scope.CONNECTION, RULES,
      measure="length_m", rack_internal=True)
@batched(_past_reach, "connections")
def cab001_reach(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """Length (the cable's, else the §4.5 estimate) > the reach of its family at the link's lane
    rate, or the family is not offered at that rate (AOC at 100G-PAM4). engineering.md 4.1 table."""
    conn = _network(ctx, conn_id)
    if conn is None:
        return
    found = _reach(ctx, conn)
    if found is None:
        return
    lane, reach, media = found
    if reach == 0:
        yield Hit(f"{_label(ctx, conn)}: {media} is not offered at {ifc.LANE_NAMES[lane]}", (conn_id,),
                  {"media": conn.media, "lane_class": lane, "reach_m": 0})
        return
    length, how = _length(ctx, conn)
    if length is not None and length > reach:
        yield Hit(f"{_label(ctx, conn)}: {media} {length:.1f} m{how} > {reach:g} m reach at {ifc.LANE_NAMES[lane]}",
                  (conn_id,), {"length_m": round(length, 2), "estimated": bool(how), "reach_m": reach,
                               "media": conn.media, "lane_class": lane})


def _near_reach(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """CAB-002's candidates: DACs with no length or one over the margin of their kind's reach."""
    margin = ctx.settings.dac_margin
    index = network_index(ctx)
    for key, same in index.groups.items():
        conn = same[0]
        if (conn.media or "").lower() != "dac":
            continue
        reach = ifc.reach_m(_link_class(_classes(ctx, conn)), conn.media)
        if reach:
            yield from longer_than(index, key, margin * reach)


@rule("CAB-002", "DAC close to its reach", Severity.WARNING, Scope.CONNECTION, RULES, measure="length_m", rack_internal=True)
@batched(_near_reach, "connections")
def cab002_dac_margin(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """A DAC whose length is over 80 % (U) of its reach but within it: little margin for routing.
    engineering.md 4.1, 4.8."""
    conn = _network(ctx, conn_id)
    if conn is None or (conn.media or "").lower() != "dac":
        return
    lane = _link_class(_classes(ctx, conn))
    reach = ifc.reach_m(lane, conn.media)
    length, how = _length(ctx, conn)
    if not reach or length is None:
        return
    margin = ctx.settings.dac_margin
    if margin * reach < length <= reach:
        yield Hit(f"{_label(ctx, conn)}: DAC {length:.1f} m{how} is {length / reach * 100:.0f} % of its {reach:g} m reach "
                  f"(warning above {margin * 100:.0f} %)", (conn_id,),
                  {"length_m": round(length, 2), "estimated": bool(how), "reach_m": reach, "margin": margin})


@rule("CAB-003", "Cable family does not fit the cage", Severity.ERROR, Scope.CONNECTION, RULES,
      rack_internal=True, placement_free=True)
@batched(kinds_firing, "connections")
def cab003_cage(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """A cable family that cannot plug into an end's cage: twisted pair into QSFP/OSFP cages, DAC,
    AOC or fibre into an RJ45 jack (engineering.md 4.2); and the optic or cable assembly named at an
    end against its cage (rules.optics: an OSFP plug in a QSFP cage, IHS against RHS)."""
    conn = _network(ctx, conn_id)
    media = (conn.media or "").lower() if conn else ""
    if not media:
        yield from optics_rules.cab003_optic_fit(ctx, conn_id, _classes(ctx, conn) if conn else None)
        return
    for end, cls in zip((conn.a, conn.b), _classes(ctx, conn), strict=True):
        cage = cls.cage if cls else None
        if cage is None:
            continue
        if (media == "cat6" and cage in ifc.NO_COPPER_RJ45) or (media in ifc.FIXED_END_MEDIA + ifc.OPTICAL_MEDIA
                                                                and cage == "RJ45"):
            yield Hit(f"{_label(ctx, conn)}: {media.upper()} does not fit the {cage} port {_end_label(ctx, end)}",
                      (conn_id,), {"media": media, "cage": cage}, aspect=end.owner + ":" + end.port)
    yield from optics_rules.cab003_optic_fit(ctx, conn_id, _classes(ctx, conn) if conn else None)


@rule("CAB-004", "Lane rate mismatch", Severity.ERROR, Scope.CONNECTION, RULES,
      rack_internal=True, placement_free=True)
@batched(kinds_firing, "connections")
def cab004_lane_rate(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """Ends of different PAM4 generations (50G HDR ↔ 100G NDR ↔ 200G XDR) cannot link without a
    special splitter cable; 200G-PAM4 optics cannot downshift (engineering.md 4.2 [NV-LINKX-100G],
    [NV-LINKX-XDR]); and the optics named at the ends against their ports and each other (rules.optics).
    A port-to-port mismatch through a legitimate converting cable still needs a waiver."""
    conn = _network(ctx, conn_id)
    if conn is None:
        return
    classes = _classes(ctx, conn)
    lanes = [c.lane_class if c else None for c in classes]
    if all(x in ifc.PAM4_CLASSES for x in lanes) and lanes[0] != lanes[1]:
        yield Hit(f"{_label(ctx, conn)}: {ifc.LANE_NAMES[lanes[0]]} at {_end_label(ctx, conn.a)} and "
                  f"{ifc.LANE_NAMES[lanes[1]]} at {_end_label(ctx, conn.b)} need a compatible splitter cable",
                  (conn_id,), {"lane_classes": lanes})
    yield from optics_rules.cab004_optic_rate(ctx, conn_id, classes)


@rule("CAB-007", "XDR link on DAC, AOC or multimode", Severity.ERROR, Scope.CONNECTION, RULES,
      rack_internal=True, placement_free=True)
@batched(kinds_firing, "connections")
def cab007_xdr_media(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """XDR (200G-PAM4) has no passive copper, no AOC and no multimode: LACC/AEC copper or
    single-mode optics only (engineering.md 4.1 [NV-LINKX-XDR])."""
    conn = _network(ctx, conn_id)
    if conn is None:
        return
    lane = _link_class(_classes(ctx, conn))
    if _xdr_media(lane, conn.media):
        yield Hit(f"{_label(ctx, conn)}: {conn.media.upper()} is not offered for XDR (200G-PAM4)", (conn_id,),
                  {"media": conn.media, "lane_class": lane})


def _tight_behind(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """CAB-010's candidates: cabled devices in a rack with less clearance behind than the largest
    bend radius of any cable family needs."""
    design, settings = ctx.design, ctx.settings
    bound = max(*ifc.BEND_RADIUS_MM.values(), *ifc.BEND_RADIUS_IB_MM.values()) + settings.connector_length_mm
    behind: dict[str, float] = {}  # rack → its outer depth less the front setback
    for part, devices in devices_by_part(ctx):
        depth = part.rackstudio.depth_mm
        if depth is None:
            continue
        for device in devices:
            if device.rack is None or device.position is None or not design.connections_of(device.id):
                continue
            room = behind.get(device.rack)
            if room is None:
                rt = design.rack_type_of(design.racks[device.rack])
                room = behind[device.rack] = rt.outer_depth_mm - settings.front_setback_mm
            if room - depth < bound:
                yield device.id


@rule("CAB-010", "Bend radius behind a device", Severity.WARNING, Scope.DEVICE, RULES)
@batched(_tight_behind, "devices")
def cab010_bend_radius(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Rear clearance (rack depth − front setback − device depth) < the largest bend radius of its
    cables + connector length (engineering.md 4.4, 5.5; setback and connector length are U, 0 here)."""
    device = ctx.design.devices[device_id]
    depth = ctx.part(device_id).rackstudio.depth_mm
    if device.rack is None or device.position is None or depth is None:
        return
    rt = ctx.design.rack_type_of(ctx.design.racks[device.rack])
    clearance = rt.outer_depth_mm - ctx.settings.front_setback_mm - depth
    needs = []
    for conn_id in sorted(ctx.design.connections_of(device_id)):
        conn = ctx.design.connections[conn_id]
        if conn.kind != "network":
            continue
        end = conn.a if conn.a.owner == device_id else conn.b
        template = _interface(ctx, end)
        infiniband = bool(template and template.type.startswith("infiniband"))
        radius = ifc.bend_radius_mm(conn.media, infiniband)
        if radius is not None:
            needs.append((radius + ctx.settings.connector_length_mm, conn_id))
    if not needs:
        return
    need, worst = max(needs)
    if clearance < need:
        yield Hit(f"{device.name}: {clearance:.0f} mm behind the device, its cables need {need:.0f} mm to bend "
                  f"({ctx.design.connections[worst].media})", (device_id,),
                  {"clearance_mm": round(clearance, 1), "bend_radius_mm": need, "connection": worst})


def _nvlink_role(part: PartType) -> str | None:
    """'compute' for busbar-fed servers, 'switch' for busbar-fed switches whose only interfaces are
    management ports (how the device-type library models NVLink switch trays [DTL-NVL5SW])."""
    if part.rackstudio.power.source not in ("busbar", "none"):
        return None
    if part.category == Category.SERVER and part.rackstudio.power.source == "busbar":
        return "compute"
    if part.category == Category.SWITCH and all(i.mgmt_only for i in part.interfaces):
        return "switch"
    return None


@rule("CAB-012", "NVLink spine tray count", Severity.ERROR, Scope.RACK, RULES, rack_internal=True)
def cab012_nvlink_spine(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """An NVL72-class rack (rack type with an NVLink spine) must hold exactly its compute and NVLink
    switch trays (18 + 9 for NVL72 [NV-GB200UG]). Slot positions are not in the model; trays are
    told apart by _nvlink_role. engineering.md 4.3."""
    rack = ctx.design.racks[rack_id]
    spine = ctx.design.rack_type_of(rack).nvlink
    if spine is None:
        return
    parts = [ctx.part(x) for x in ctx.rack_devices(rack_id)]
    role = {id(part): _nvlink_role(part) for part in {id(p): p for p in parts}.values()}  # a rack holds a few parts
    roles = [role[id(part)] for part in parts]
    compute, switch = roles.count("compute"), roles.count("switch")
    if (compute, switch) != (spine.compute_trays, spine.switch_trays):
        yield Hit(f"Rack {rack.name}: {compute} compute and {switch} NVLink switch trays; its spine needs "
                  f"{spine.compute_trays} + {spine.switch_trays}", (rack_id,),
                  {"compute_trays": compute, "switch_trays": switch,
                   "needed": [spine.compute_trays, spine.switch_trays]})


def _required_open(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """CAB-014's candidates: devices with a required port no connection of any kind holds in the
    design's port index (whose every entry is a port some connection uses). When no port holds two
    cables, a part whose every required port holds as many network cable ends as it has devices
    has each of them cabled, and its devices are passed over: looking up their 40,000 ports in the
    index of 250,000 took 30 ms at 1,000 racks."""
    used = ctx.design.index.port_use
    ends = network_ends(ctx) if network_index(ctx).ports_once else {}
    for key, part, devices in devices_keyed(ctx):
        required = part.rackstudio.required_ports
        if all(ends.get((key, port)) == len(devices) for port in required):  # none required: none open
            continue
        for owner in (device.id for device in devices):
            for port in required:
                if (("network", owner, port) not in used and ("power", owner, port) not in used
                        and ("coolant", owner, port) not in used):
                    yield owner
                    break


@rule("CAB-014", "Required port not connected", Severity.WARNING, Scope.DEVICE, RULES, until_cabled=True)
@batched(_required_open, "devices")
def cab014_required_ports(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A port the part lists in required_ports (e.g. each GPU NIC to its rail leaf) has no
    connection. engineering.md 4.8."""
    required = ctx.part(device_id).rackstudio.required_ports
    if not required:
        return
    used = set()
    for conn_id in ctx.design.connections_of(device_id):
        conn = ctx.design.connections[conn_id]
        used |= {end.port for end in (conn.a, conn.b) if end.owner == device_id}
    missing = [p for p in required if p not in used]
    if missing:
        yield Hit(f"{ctx.name(device_id)}: required port{'s' * (len(missing) > 1)} {', '.join(missing)} not connected",
                  (device_id,), {"missing": missing})


def _first_user(ctx: CheckContext, owner: str, kind: str, port: str) -> str | None:
    """The lowest id of the `kind` connections on a port of `owner`, or None. A full pass reads it
    from one table over every connection of the design; an update builds the owners it asks about."""
    if ctx.full_pass:
        table = ctx.memo.get("first port users")
        if table is None:
            table = ctx.memo["first port users"] = _first_users(ctx.design.connections, ctx.design.connections)
        return table.get((owner, kind, port))
    key = ("first port users", owner)
    table = ctx.memo.get(key)
    if table is None:
        table = ctx.memo[key] = _first_users(ctx.design.connections, ctx.design.connections_of(owner), owner)
    return table.get((owner, kind, port))


def _first_users(connections, ids, owner: str | None = None) -> dict[tuple[str, str, str], str]:
    """(owner, kind, port) → the lowest id on it among connections `ids`, for the ends at `owner`
    (None: at any owner)."""
    first: dict[tuple[str, str, str], str] = {}
    for conn_id in ids:  # not sorted: one sort of every connection id holds the GIL for ≈ 40 ms
        conn = connections[conn_id]
        for end in (conn.a, conn.b):
            if owner is None or end.owner == owner:
                key = (end.owner, conn.kind, end.port)
                held = first.get(key)
                if held is None or conn_id < held:
                    first[key] = conn_id
    return first

def _legged(ctx: CheckContext, conn_id: str, end) -> bool:
    """Whether connection `conn_id` takes a breakout leg of `end`'s port."""
    c = ctx.design.connections[conn_id]
    return any(e.owner == end.owner and e.port == end.port and e.leg is not None for e in (c.a, c.b))


def _leg_clash(ctx: CheckContext, end, conn_id: str, kind: str) -> str | None:
    """On a broken-out port: the lowest-id other connection this end cannot share the port with (a
    whole-port cable, or the same leg), or None; distinct legs share a port (engineering.md 4.2)."""
    for other in sorted(ctx.design.connections_of(end.owner)):
        if other >= conn_id:
            break
        c = ctx.design.connections[other]
        if c.kind != kind:
            continue
        for e in (c.a, c.b):
            if e.owner == end.owner and e.port == end.port and (e.leg is None or end.leg is None or e.leg == end.leg):
                return other
    return None


def _sharing(ctx: CheckContext, fn: RuleFn) -> Iterable[str]:
    """CAB-015's candidates: none when no two connections of a kind share a port, else all."""
    return () if network_index(ctx).ports_once else ctx.design.connections


@rule("CAB-015", "Port with more than one connection", Severity.ERROR, Scope.CONNECTION, RULES,
      placement_free=True)
@batched(_sharing, "connections")
def cab015_port_shared(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """Both ends of a connection must be free: a port already used by another connection (a file
    can hold this; the editor refuses it). The connection with the lowest id keeps the port; feeds
    supply many inlets. Not in engineering.md's catalogue: model/integrity.warnings' port check as a rule."""
    d = ctx.design
    conn = d.connections[conn_id]
    for end in (conn.a, conn.b):
        if conn.kind == "power" and end.owner in d.feeds:
            continue
        first = _first_user(ctx, end.owner, conn.kind, end.port)
        if first is not None and first != conn_id and (end.leg is not None or _legged(ctx, first, end)):
            first = _leg_clash(ctx, end, conn_id, conn.kind)  # breakout legs share a port
        if first is not None and first != conn_id:
            yield Hit(f"{_end_label(ctx, end)} already has connection {first}; {conn_id} cannot use it too",
                      (conn_id, first), {"port": end.port}, aspect=end.owner + ":" + end.port)


@rule("CAB-016", "Data and management ports cabled together", Severity.WARNING, Scope.CONNECTION, RULES,
      rack_internal=True, placement_free=True)
@batched(kinds_firing, "connections")
def cab016_port_roles(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """A data port cabled to a management port (a 400G NIC into a switch's mgmt0, a BMC into a
    leaf's 800G port), or two devices' own management ports cabled together (a BMC into a
    switch's mgmt0): management and BMC ports go to a management switch's access ports. Roles come
    from the interface type, speed and mgmt_only flag (model.port_roles). engineering.md 4.8."""
    conn = _network(ctx, conn_id)
    if conn is None:
        return
    ends = [_part_interface(ctx, end) for end in (conn.a, conn.b)]
    if ends[0] is None or ends[1] is None:
        return
    key = ("role problem", ends[0][0].slug, conn.a.port, ends[1][0].slug, conn.b.port)
    problem = ctx.memo.get(key, ())
    if problem == ():  # the same for every cable between the same two ports of two parts
        problem = ctx.memo[key] = port_roles.role_problem(*ends[0], *ends[1])
    if problem:
        roles = [port_roles.port_role(*end) for end in ends]
        yield Hit(f"{_label(ctx, conn)}: {problem}", (conn_id,),
                  {"roles": roles, "ports": [_end_label(ctx, conn.a), _end_label(ctx, conn.b)]})
