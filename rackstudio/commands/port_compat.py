"""Qt-free. Whether two ports can be joined by one new cable, and which free ports a port could go
to, best first: the answer the elevation's port drag and the Connect… dialog both show.

It only combines what other modules decide: connector mating is `rackstudio.power.cords`
(engineering.md §2.10), network roles, speeds and cages `rackstudio.model.port_roles`, bank and
leg currents the checks' figures (`checks.rules.power.pdu_figures`, handed in as `loads`); here is
what is free, what is near, and in which order to offer it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rackstudio.model import interfaces as ifc
from rackstudio.model import optics, port_roles
from rackstudio.model.cable_length import estimate_length_m
from rackstudio.model.design import Design, PortRef
from rackstudio.model.parts import Category
from rackstudio.power.cords import mates
from rackstudio.power.electrical import PduLoad, outlet_legs

KINDS = ("power", "network", "coolant")
LEG_NAMES = "ABC"


@dataclass(frozen=True)
class PortInfo:
    """What a port is: its connection kind, its role (power: inlet, outlet or feed; otherwise
    end) and its type (connector or interface type, as NetBox names it)."""

    kind: str
    role: str
    type: str | None


def port_info(design: Design, ref: PortRef) -> PortInfo | None:
    """The port `ref` names, or None when its owner or port does not exist."""
    if ref.owner in design.feeds:
        return PortInfo("power", "feed", None) if ref.port == "" else None
    device = design.devices.get(ref.owner)
    if device is None or device.part not in design.part_types:
        return None
    part = design.part_of(device)
    for p in part.power_ports:
        if p.name == ref.port:
            return PortInfo("power", "inlet", p.type)
    for o in part.power_outlets:
        if o.name == ref.port:
            return PortInfo("power", "outlet", o.type)
    for c in part.rackstudio.cooling.coolant_ports:
        if c.name == ref.port:
            return PortInfo("coolant", c.role, c.connector)
    for i in part.interfaces:
        if i.name == ref.port:
            return PortInfo("network", "end", i.type)
    for role, templates in (("console", part.console_ports), ("console-server", part.console_server_ports),
                            ("patch", (*part.front_ports, *part.rear_ports))):
        for t in templates:
            if t.name == ref.port:
                return PortInfo("network", role, getattr(t, "type", None))
    return None


def _name(design: Design, ref: PortRef) -> str:
    obj = design.get(ref.owner)
    name = getattr(obj, "name", ref.owner)
    return f"{name} {ref.port}".strip() if ref.port else f"feed {name}"


def in_use(design: Design, kind: str, ref: PortRef) -> str | None:
    """The connection already on the port (or on the breakout leg `ref` names), or None (a feed
    takes any number of inlets; a broken-out port takes more cables on its other legs)."""
    if kind == "power" and ref.owner in design.feeds:
        return None
    if kind == "network":
        used = optics.port_legs(design, ref.owner, ref.port)
        if not used or optics.leg_problem(design, ref) is None:
            return None
        return next((c for c, leg in used if ref.leg is None or leg is None or leg == ref.leg), used[0][0])
    return design.port_connection(kind, ref.owner, ref.port)


def next_leg(design: Design, ref: PortRef) -> PortRef:
    """`ref` on the next free breakout leg when its port is already broken out and its part's
    breakout modes allow one more far port (engineering.md 4.2); else `ref` unchanged."""
    used = optics.port_legs(design, ref.owner, ref.port)
    device = design.devices.get(ref.owner)
    if ref.leg is not None or not used or device is None or any(leg is None for _, leg in used):
        return ref
    part = design.part_of(device)
    template = next((i for i in part.interfaces if i.name == ref.port), None)
    fan = max(part.rackstudio.breakout_modes.get(template.type, ()), default=1) if template else 1
    plug = optics.cage_plug(design, ref)
    if plug is not None:  # the splitter cable or transceiver in the cage reaches no more far ports
        fibre = design.connections[used[0][0]].fibre
        fan = min(fan, optics.fan_out(plug, fibre, part.rackstudio.ports_per_cage))
    free = [leg for leg in range(1, fan + 1) if leg not in {x for _, x in used}]
    return ref.replace(leg=free[0]) if free else ref


def link_defaults(design: Design, a: PortRef, b: PortRef):
    """The planned link between two network ports (commands.network_plan.cable_for): its family,
    length, and the optics or cable assembly at each end with its fibre."""
    from rackstudio.commands.network_plan import cable_for

    return cable_for(design, a, b)


def compatible(design: Design, a: PortRef, b: PortRef) -> tuple[bool, str]:
    """Whether one new cable can join port `a` to port `b`: (True, what the link is) or (False,
    why not, in one line). Both must exist, be free, be of one kind on two devices; power joins a
    consumer's inlet to an outlet whose connector takes its cord, or to a feed; network joins
    ports whose roles, speeds and cages meet; coolant joins supply to supply, return to return."""
    ia, ib = port_info(design, a), port_info(design, b)
    if ia is None or ib is None:
        return False, f"there is no port {_name(design, a if ia is None else b)}"
    if (a.owner, a.port) == (b.owner, b.port):
        return False, "a port cannot connect to itself"
    if ia.kind != ib.kind:
        return False, f"{_name(design, b)} is a {ib.kind} port, {_name(design, a)} a {ia.kind} port"
    if a.owner == b.owner:
        return False, f"both ports are on {_name(design, PortRef(owner=a.owner))}"
    for ref in (b, a):
        used = in_use(design, ia.kind, ref)
        if used is not None:
            conn = design.connections[used]
            far = conn.b if (conn.a.owner, conn.a.port) == (ref.owner, ref.port) else conn.a
            leg = f" leg {ref.leg}" if ref.leg is not None else ""
            return False, f"{_name(design, ref)}{leg} is in use (to {_name(design, far)})"
    if ia.kind == "power":
        return _power(design, (a, ia), (b, ib))
    if ia.kind == "network":
        consoles = {"console", "console-server"}
        if (ia.role in consoles) != (ib.role in consoles) and "patch" not in (ia.role, ib.role):
            console = a if ia.role in consoles else b
            return False, f"{_name(design, console)} is a console port: it takes a console cable, not a network link"
        if ia.role == ib.role == "console":
            return False, "both are console ports: one end must be a console server's port"
        ok, why = port_roles.link_check(design, a, b)
        return ok, why or "a network link"
    if "pair" not in (ia.role, ib.role) and ia.role != ib.role:
        return False, f"{_name(design, a)} is a {ia.role} port, {_name(design, b)} a {ib.role} port"
    return True, "a coolant line"


def _power(design: Design, a: tuple[PortRef, PortInfo], b: tuple[PortRef, PortInfo]) -> tuple[bool, str]:
    ia, ib = a[1], b[1]
    roles = {ia.role, ib.role}
    if roles == {"inlet"}:
        return False, "both are power inlets: one end must be an outlet or a feed"
    if "inlet" not in roles:
        return False, "neither is a power inlet: an outlet or a feed supplies an inlet"
    inlet, supplier = (a, b) if ia.role == "inlet" else (b, a)
    if supplier[1].role == "feed":
        return True, f"straight from {_name(design, supplier[0])}"
    return mates(inlet[1].type, supplier[1].type)


def consumer_first(design: Design, a: PortRef, b: PortRef) -> tuple[PortRef, PortRef]:
    """The ends of a power connection in the model's order: the consumer's inlet is `a`."""
    ib = port_info(design, b)
    return (b, a) if ib is not None and ib.kind == "power" and ib.role == "inlet" else (a, b)


def cable_defaults(design: Design, a: PortRef, b: PortRef) -> tuple[str | None, float | None]:
    """(cable family, length m) for a new cable: the length estimated from both ends' places
    (engineering.md §4.5), and for network the family that length needs at the port's lane rate
    (DAC within its margin, then active copper, then optics, engineering.md §4.1)."""
    length = estimate_length_m(design, a, b)
    info = port_info(design, a)
    if info is None or info.kind != "network":
        return None, length
    cls = ifc.classify(info.type) or ifc.classify((port_info(design, b) or info).type)
    return ifc.choose_media(cls.lane_class if cls else None, length, design.settings.dac_margin), length


# --- the free ports a port could go to, best first ----------------------------------------------

@dataclass(frozen=True)
class Target:
    """A port the chosen one could be cabled to: whether it can, why (or why not), and where it
    ranks (lower first)."""

    ref: PortRef
    ok: bool
    reason: str
    rank: tuple


LoadsOf = Callable[[str], PduLoad | None]


def _ports_of(design: Design, owner: str, kind: str) -> list[str]:
    if owner in design.feeds:
        return [""] if kind == "power" else []
    return list(design.part_of(design.devices[owner]).port_names(kind))


def _rack_of(design: Design, owner: str) -> str | None:
    obj = design.get(owner)
    while obj is not None and getattr(obj, "parent", None):
        obj = design.devices.get(obj.parent)
    return getattr(obj, "rack", None) if obj is not None else None


def targets(design: Design, source: PortRef, loads: LoadsOf | None = None,
            owners: Iterable[str] | None = None) -> list[Target]:
    """Every port of `owners` (default: every device and feed) that is not `source`'s own, with
    the verdict of `compatible`, best first: compatible before not; then near (the same rack)
    before far; then the usual far end for the port (a PDU outlet for a PSU, a leaf's data port
    for a data NIC, a management switch's access port for a BMC); for power, the PDU holding
    fewest of this device's PSUs (A/B), then its least-loaded leg and bank."""
    info = port_info(design, source)
    if info is None:
        return []
    loads = loads or (lambda _d: None)
    here = _rack_of(design, source.owner)
    source_role = port_roles.role_of(design, source) if info.kind == "network" else None
    mine = _psus_per_supplier(design, source.owner) if info.kind == "power" else {}
    pool = owners if owners is not None else [*design.devices, *design.feeds]
    out: list[Target] = []
    for owner in pool:
        if owner == source.owner:
            continue
        ports = _ports_of(design, owner, info.kind)
        if not ports:
            continue
        near = _rack_of(design, owner) == here and here is not None
        usual = _usual(design, info, source_role, source.owner, owner)
        figures = loads(owner) if info.kind == "power" and info.role == "inlet" and owner in design.devices else None
        legs = outlet_legs(design.part_of(design.devices[owner])) if figures is not None else {}
        banks = _bank_of(design, owner) if figures is not None else {}
        for order, port in enumerate(ports):
            ref = PortRef(owner=owner, port=port)
            if info.kind == "network":
                ref = next_leg(design, ref)
            ok, why = compatible(design, source, ref)
            load = _load_rank(figures, legs, banks, port)
            rank = (not ok, not near, usual, _other_side(design, source.owner, owner), mine.get(owner, 0), *load,
                    _name(design, PortRef(owner=owner)), order)
            out.append(Target(ref, ok, why, rank))
    out.sort(key=lambda t: t.rank)
    return out


_USUAL_FAR = {"power": (Category.PDU, Category.POWER_SHELF), "network": (Category.SWITCH, Category.PATCH_PANEL),
              "coolant": (Category.MANIFOLD, Category.CDU)}


def nearby_owners(design: Design, source: PortRef, kind: str) -> list[str]:
    """The devices and feeds worth offering for `source`'s far end: every device in its rack, the
    devices of the usual far-end categories in its hall, and (power) the feeds. Bounded by the
    hall, so a dialog on a 1,000-rack design does not judge every port of every device."""
    here = _rack_of(design, source.owner)
    rack = design.racks.get(here or "")
    device = design.devices.get(source.owner)
    hall = rack.hall if rack is not None else (device.hall if device is not None else None)
    same = set(design.contents(here)) if here is not None else set()
    for dev_id in list(same):
        same |= design.contents(dev_id)  # children in bays
    usual = _USUAL_FAR.get(kind, ())
    out = []
    for dev_id, dev in design.devices.items():
        if dev_id in same:
            out.append(dev_id)
            continue
        where = design.racks.get(_rack_of(design, dev_id) or "")
        dev_hall = where.hall if where is not None else dev.hall
        if (hall is None or dev_hall == hall) and design.part_of(dev).category in usual:
            out.append(dev_id)
    if kind == "power":
        out += list(design.feeds)
    return out


def best(design: Design, source: PortRef, loads: LoadsOf | None = None) -> Target | None:
    """The compatible free port `source` should go to, or None when there is none."""
    here = _rack_of(design, source.owner)
    near = [o for o in (*design.contents(here), *sorted(design.feeds_dropped_to(here)))
            if o in design.devices or o in design.feeds] if here is not None else []
    for owners in (near, None):  # the same rack first: a whole hall is only walked when needed
        found = targets(design, source, loads, owners)
        if found and found[0].ok:
            return found[0]
    return None


def _other_side(design: Design, source: str, owner: str) -> int:
    """1 when a PDU's inlet would go to a feed of the other side (a left-hand PDU is side A, a
    right-hand one side B, as the power planner pairs them), else 0."""
    feed = design.feeds.get(owner)
    device = design.devices.get(source)
    if feed is None or device is None or device.side is None:
        return 0
    return int(feed.side != {"left": "A", "right": "B"}[device.side])


def _psus_per_supplier(design: Design, device_id: str) -> dict[str, int]:
    """How many of the device's inlets each supplier (PDU or feed) already feeds."""
    counts: dict[str, int] = {}
    for conn_id in design.connections_of(device_id):
        conn = design.connections[conn_id]
        if conn.kind == "power" and conn.a.owner == device_id:
            counts[conn.b.owner] = counts.get(conn.b.owner, 0) + 1
    return counts


def _usual(design: Design, info: PortInfo, role: str | None, source: str, owner: str) -> int:
    """0 for what usually takes the other end of this port, 1 for the rest."""
    supplies = (Category.PDU, Category.POWER_SHELF)
    if info.kind == "power":
        if info.role != "inlet":
            return 0
        if owner in design.feeds:  # a PDU's inlet goes to a feed, a PSU to a PDU
            return 0 if design.part_of(design.devices[source]).category in supplies else 1
        return 0 if design.part_of(design.devices[owner]).category in supplies else 1
    device = design.devices.get(owner)
    category = design.part_of(device).category if device is not None else None
    if info.kind == "coolant":
        return 0 if category in (Category.MANIFOLD, Category.CDU) else 1
    if category not in (Category.SWITCH, Category.PATCH_PANEL):
        return 1
    if role in ("bmc", "mgmt"):
        return 0 if port_roles.management_access_ports(design.part_of(device)) else 1
    return 0


def _bank_of(design: Design, pdu_id: str) -> dict[str, str]:
    spec = design.part_of(design.devices[pdu_id]).rackstudio.pdu
    return {o: bank.name for bank in (spec.banks if spec else ()) for o in bank.outlets}


def _load_rank(figures: PduLoad | None, legs: dict[str, int], banks: dict[str, str], port: str) -> tuple:
    """(leg current, bank current) the outlet would join: the least loaded first."""
    if figures is None:
        return (0.0, 0.0)
    leg = legs.get(port)
    leg_a = figures.phases_a[leg] if figures.phases_a is not None and leg is not None else 0.0
    bank = banks.get(port)
    bank_a = next((b.current_a for b in figures.banks if b.name == bank), 0.0)
    return (round(leg_a, 1), round(bank_a, 1))


@dataclass(frozen=True)
class OutletGroup:
    """One bank of a rack PDU's outlets: its leg, breaker and present current of its limit."""

    name: str
    outlets: tuple[str, ...]
    leg: str | None = None
    breaker_a: float | None = None
    current_a: float | None = None
    limit_a: float | None = None

    @property
    def figures(self) -> str:
        parts = [f"leg {self.leg}" if self.leg else "", f"{self.breaker_a:g} A breaker" if self.breaker_a else "",
                 f"{self.current_a:.1f} of {self.limit_a:g} A" if self.current_a is not None else ""]
        return " · ".join(p for p in parts if p)

    @property
    def title(self) -> str:
        return " · ".join(p for p in (self.name, self.figures) if p)


def outlet_groups(design: Design, pdu_id: str, loads: LoadsOf | None = None) -> list[OutletGroup]:
    """A PDU's outlets grouped by bank (the rest last), each with its leg, breaker and present
    current against the derated limit (the checks' figures)."""
    part = design.part_of(design.devices[pdu_id])
    spec = part.rackstudio.pdu
    figures = loads(pdu_id) if loads is not None else None
    legs = outlet_legs(part)
    groups: list[OutletGroup] = []
    seen: set[str] = set()
    for bank in (spec.banks if spec else ()):
        on = {legs.get(o) for o in bank.outlets} - {None}
        current = next((b for b in figures.banks if b.name == bank.name), None) if figures else None
        groups.append(OutletGroup(bank.name, tuple(bank.outlets), LEG_NAMES[next(iter(on))] if len(on) == 1 else None,
                                  bank.breaker_a, current.current_a if current else None,
                                  current.limit_a if current else None))
        seen.update(bank.outlets)
    rest = tuple(o.name for o in part.power_outlets if o.name not in seen)
    if rest:
        groups.append(OutletGroup("Other outlets", rest))
    return groups


__all__ = ["KINDS", "LEG_NAMES", "LoadsOf", "PortInfo", "Target", "best", "cable_defaults", "compatible", "consumer_first", "in_use",
           "link_defaults", "next_leg",
           "OutletGroup", "nearby_owners", "outlet_groups", "port_info", "targets"]
