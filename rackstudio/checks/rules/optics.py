"""Qt-free. Rules over what is plugged into each end of a network cable (engineering.md 4.2, 4.8):
the plug against its cage and its lane rate (the optics' part of CAB-003 and CAB-004, whose rules
live in rules.cabling), a twin-port transceiver's two
fibres (CAB-005), breakouts against the port's modes and lanes (CAB-006), and the optics' power
against the switch's port-power budget (CAB-011). Optics come from model.optics."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import Hit, Rule, RuleFn, Scope, Severity, rule
from rackstudio.checks.rules.cable_index import batched, devices_by_part, network_index
from rackstudio.model import interfaces as ifc
from rackstudio.model import optics, port_roles
from rackstudio.model.design import Connection, PortRef

RULES: list[Rule] = []


def _end_label(ctx: CheckContext, end: PortRef) -> str:
    leg = f" leg {end.leg}" if end.leg is not None else ""
    return f"{ctx.name(end.owner)}:{end.port}{leg}" if end.port else ctx.name(end.owner)


def _label(ctx: CheckContext, conn: Connection) -> str:
    return f"Cable {conn.id} ({_end_label(ctx, conn.a)} - {_end_label(ctx, conn.b)})"


def _class(ctx: CheckContext, end: PortRef) -> ifc.InterfaceClass | None:
    found = port_roles.interface_of(ctx.design, end)
    return ifc.classify(found[1].type) if found else None


def _optical(ctx: CheckContext, conn_id: str) -> Connection | None:
    conn = ctx.design.connections[conn_id]
    return conn if optics.carries_optics(conn) else None


def cab003_optic_fit(ctx: CheckContext, conn_id: str, classes=None) -> Iterator[Hit]:
    """CAB-003 (run by cabling.cab003_cage): the plug at an end does not fit its cage: an OSFP plug in a QSFP cage, a QSFP112 optic in a
    switch's OSFP cage, a finned-top (IHS) plug in a flat-top (RHS) cage; or the two ends are not one
    link (a cable assembly at one end and something else at the other). engineering.md 4.2."""
    conn = _optical(ctx, conn_id)
    if conn is None:
        return
    for k, side in enumerate(("a", "b")):
        end, optic = getattr(conn, side), optics.get(conn.end(side))
        owner = ctx.design.devices.get(end.owner)
        if optic is None or owner is None:
            continue
        cls = classes[k] if classes is not None else _class(ctx, end)
        problem = optics.fit_problem(optic, ctx.design.part_of(owner), cls, optics.is_far_plug(ctx.design, conn, side))
        if problem:
            yield Hit(f"{_label(ctx, conn)}: {optic.name} at {_end_label(ctx, end)}: {problem}", (conn_id,),
                      {"optic": optic.slug}, aspect=f"{end.owner}:{end.port}")
    a, b = optics.get(conn.a_end), optics.get(conn.b_end)
    if a is not None and b is not None and (not a.is_transceiver or not b.is_transceiver) and a.slug != b.slug:
        yield Hit(f"{_label(ctx, conn)}: a cable assembly's two ends are one part; {a.name} and {b.name} "
                  "cannot make one link", (conn_id,), {"ends": [a.slug, b.slug]}, aspect="ends")


def cab004_optic_rate(ctx: CheckContext, conn_id: str, classes=None) -> Iterator[Hit]:
    """CAB-004 (run by cabling.cab004_lane_rate): an optic of another PAM4 generation than its port (a 200G-PAM4 XDR optic cannot fall back to
    NDR's 100G-PAM4), or transceivers at the two ends that cannot talk: different lane rates, or
    multimode against single-mode optics. engineering.md 4.2 [NV-LINKX-100G], [NV-LINKX-XDR]."""
    conn = _optical(ctx, conn_id)
    if conn is None:
        return
    for k, side in enumerate(("a", "b")):
        end, optic = getattr(conn, side), optics.get(conn.end(side))
        if optic is None:
            continue
        cls = classes[k] if classes is not None else _class(ctx, end)
        if optic is None or cls is None or cls.lane_class not in ifc.PAM4_CLASSES + (ifc.NRZ_25G,):
            continue
        if optic.lane_class != cls.lane_class:
            yield Hit(f"{_label(ctx, conn)}: {optic.name} runs {ifc.LANE_NAMES[optic.lane_class]}, port "
                      f"{_end_label(ctx, end)} is {ifc.LANE_NAMES[cls.lane_class]}", (conn_id,),
                      {"optic": optic.slug, "lane_classes": [optic.lane_class, cls.lane_class]},
                      aspect=f"{end.owner}:{end.port}")
    a, b = optics.get(conn.a_end), optics.get(conn.b_end)
    if a is None or b is None or not (a.is_transceiver and b.is_transceiver):
        return
    if a.lane_class != b.lane_class or a.media != b.media:
        what = (f"{ifc.LANE_NAMES[a.lane_class]} and {ifc.LANE_NAMES[b.lane_class]}" if a.lane_class != b.lane_class
                else f"{a.media.upper()} and {b.media.upper()} optics")
        yield Hit(f"{_label(ctx, conn)}: {a.name} and {b.name} cannot link ({what})", (conn_id,),
                  {"ends": [a.slug, b.slug]}, aspect="ends")


def _cage_links(ctx: CheckContext, device_id: str) -> dict[str, list[tuple[Connection, str]]]:
    """Cage → (connection, side at this device) of the network cables in it, in no set order (CAB-005
    sorts what it reports)."""
    part = ctx.part(device_id)
    out: dict[str, list[tuple[Connection, str]]] = {}
    connections = ctx.design.connections
    for conn_id in ctx.design.connections_of(device_id):
        conn = connections[conn_id]
        if conn.kind != "network":
            continue
        if conn.a.owner == device_id:
            out.setdefault(optics.cage_of(part, conn.a.port), []).append((conn, "a"))
        if conn.b.owner == device_id:
            out.setdefault(optics.cage_of(part, conn.b.port), []).append((conn, "b"))
    return out


def _mixed_cages(ctx: CheckContext, fn: RuleFn) -> Iterable[str]:
    """CAB-005's candidates: devices with a cage holding cables that name different plugs or fibres,
    or with a splitter fibre; every cabled device when two cables share a port."""
    index = network_index(ctx)
    if index.ports_once:
        return index.cage_suspects
    return (d for d in ctx.design.devices if ctx.design.connections_of(d))


@rule("CAB-005", "Twin-port transceiver with mixed fibres", Severity.ERROR, Scope.DEVICE, RULES)
@batched(_mixed_cages, "devices")
def cab005_twin_port(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Both fibres of a twin-port transceiver must be the same kind, straight or 1:2 splitter (the
    cage runs 2 x 400G or 4 x 200G, never one of each); one cage holds one transceiver; a CWDM (LC)
    optic takes no splitter. engineering.md 4.2 [NV-MMS4X00], [NV-LINKX-XDR]."""
    if not ctx.design.connections_of(device_id):
        return
    for cage, links in sorted(_cage_links(ctx, device_id).items()):
        if len(links) == 1:  # one cable in the cage (most): only a splitter fibre can be wrong
            conn, side = links[0]
            optic = optics.get(conn.end(side))
            if optic is None or not optic.is_transceiver or optic.splitter_fibres \
                    or optics.fibre_shape(conn, side) != "splitter":
                continue
        named = [(c, s, optics.get(c.end(s))) for c, s in links if c.end(s) is not None]
        if not named:
            continue
        slugs = sorted({o.slug for _, _, o in named})
        ids = tuple(sorted({c.id for c, _, _ in named}))
        if len(slugs) > 1:
            yield Hit(f"{ctx.name(device_id)} cage {cage}: one cage holds one transceiver, the cables name "
                      f"{', '.join(slugs)}", ids, {"optics": slugs}, aspect=cage)
            continue
        optic = named[0][2]
        if not optic.is_transceiver:
            continue
        shapes = sorted({optics.fibre_shape(c, s) or "straight" for c, s, _ in named})
        if optic.optical_ports > 1 and len(shapes) > 1:
            yield Hit(f"{ctx.name(device_id)} cage {cage}: {optic.name} has straight and splitter fibres; both "
                      "must be the same kind", (device_id, *ids), {"fibres": shapes, "optic": optic.slug},
                      aspect=cage)
        elif "splitter" in shapes and not optic.splitter_fibres:
            yield Hit(f"{ctx.name(device_id)} cage {cage}: {optic.name} takes no splitter fibre", (device_id, *ids),
                      {"fibres": shapes, "optic": optic.slug}, aspect=cage)


def _broken_out(ctx: CheckContext, fn: RuleFn) -> Iterable[str]:
    """CAB-006's candidates: devices with a network cable on a breakout leg."""
    return network_index(ctx).legged


@rule("CAB-006", "Breakout beyond the port's modes", Severity.ERROR, Scope.DEVICE, RULES)
@batched(_broken_out, "devices")
def cab006_breakout(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A port fanned out to more far ports than its breakout modes allow (SN5600: 1, 2 or 4 per cage;
    a port without modes takes no breakout), than its optic or splitter cable reaches, or to legs
    whose lanes add up to more than the port has (an 800G 100G-PAM4 port has 8). engineering.md 4.2
    [NV-SN5000], [NV-MMS4X00], [NV-LINKX-XDR]."""
    d = ctx.design
    if not d.connections_of(device_id):
        return
    connections = d.connections
    legged = [c for c in d.connections_of(device_id)  # a cable on a breakout leg of one of its ports
              if ((x := connections[c]).a.owner == device_id and x.a.leg is not None)
              or (x.b.owner == device_id and x.b.leg is not None)]
    if not legged:  # most devices break no port out: nothing to sort or look up
        return
    part = ctx.part(device_id)
    templates = {i.name: i for i in part.interfaces}
    by_port: dict[str, list[tuple[Connection, str]]] = {}
    for conn_id in sorted(legged):
        conn = connections[conn_id]
        if conn.kind != "network":
            continue
        for side in ("a", "b"):
            end = getattr(conn, side)
            if end.owner == device_id and end.leg is not None:
                by_port.setdefault(end.port, []).append((conn, side))
    for port, legs in sorted(by_port.items()):
        template = templates.get(port)
        cls = ifc.classify(template.type) if template else None
        modes = part.rackstudio.breakout_modes.get(template.type, ()) if template else ()
        ids = tuple(c.id for c, _ in legs)
        fan = max(len(legs), max(getattr(c, s).leg for c, s in legs))
        limit = max(modes, default=1)
        plug = optics.get(legs[0][0].end(legs[0][1]))
        reach = optics.fan_out(plug, legs[0][0].fibre, part.rackstudio.ports_per_cage) if plug else None
        lanes = [optics.leg_lanes(c, s, cls, _class(ctx, c.b if s == "a" else c.a)) for c, s in legs]
        own = optics.port_lanes(cls)
        if fan > limit:
            modes_text = ", ".join(map(str, modes)) if modes else "none"
            yield Hit(f"{ctx.name(device_id)} {port}: broken out to {fan} far ports; its breakout modes: "
                      f"{modes_text}", (device_id, *ids), {"fan_out": fan, "modes": list(modes)}, aspect=port)
        elif reach is not None and fan > reach:
            yield Hit(f"{ctx.name(device_id)} {port}: broken out to {fan} far ports; its "
                      f"{optics.get(legs[0][0].end(legs[0][1])).name} reaches {reach}", (device_id, *ids),
                      {"fan_out": fan, "optic_fan_out": reach}, aspect=port)
        elif own is not None and None not in lanes and sum(lanes) > own:
            yield Hit(f"{ctx.name(device_id)} {port}: its legs take {sum(lanes)} lanes "
                      f"({' + '.join(map(str, lanes))}), the port has {own}", (device_id, *ids),
                      {"lanes": sum(lanes), "port_lanes": own}, aspect=port)


def _port_powered(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """CAB-011's candidates: cabled devices whose part has a port-power budget."""
    attached = ctx.design.connections_of
    for part, devices in devices_by_part(ctx):
        if part.rackstudio.port_power_w is not None:
            yield from [device.id for device in devices if attached(device.id)]


@rule("CAB-011", "Optics over the port-power budget", Severity.WARNING, Scope.DEVICE, RULES, measure="optics_w")
@batched(_port_powered, "devices")
def cab011_port_power(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """An optic or active cable drawing more than the switch supplies to one cage (SN5600: 18 W per
    port with dual 3 kW PSUs), or the optics together over the cages' budget. engineering.md 4.2
    [NV-SN5000], [NV-CABLE-PORTPWR]."""
    budget = ctx.part(device_id).rackstudio.port_power_w
    if budget is None or not ctx.design.connections_of(device_id):
        return
    cages = ctx.cage_optics(device_id)
    over = sorted((cage, watts) for cage, (watts, _) in cages.items() if watts > budget)
    if not over:
        return
    total = sum(w for w, _ in cages.values())
    shown = ", ".join(f"{cage} {watts:g} W" for cage, watts in over[:4]) + (" …" if len(over) > 4 else "")
    yield Hit(f"{ctx.name(device_id)}: {len(over)} cage{'s' * (len(over) > 1)} over the {budget:g} W port-power "
              f"budget ({shown})", (device_id,),
              {"optics_w": round(max(w for _, w in over), 2), "budget_w": budget, "cages": [c for c, _ in over],
               "total_optics_w": round(total, 2)})
