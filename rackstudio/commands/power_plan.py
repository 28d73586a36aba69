"""Qt-free. The power planner: PSU inlets of the selected devices (or of every device in the
selected racks) to PDU outlets or feeds, as ONE undo step, with a preview of what it will do.

It respects, in this order (engineering.md 2.5, 2.9, 2.10):
1. connector mating (`power.cords.mates`): a C20 inlet never lands on a C13 outlet;
2. the device's PSU redundancy: its PSUs split as evenly as A and B allow (N+N: half and half;
   5+1 on two sides: 3 and 3, so the smaller side is as strong as it can be), and the preview
   says whether losing a side is survived, throttled or fatal;
3. balance: each PSU goes where the worst bank (as a share of its breaker) and then the worst
   phase stay lowest; never above a derated limit (bank breaker × derating, outlet rating, PDU
   inlet phase × derating) when some plan stays within them (a bounded exhaustive search backs
   the greedy choice up). When no plan fits it says exactly why and changes nothing.

Figures are the checks' own: W per outlet as `checks.power_flow` computes it before the plan,
each planned PSU's share of its device's load (load ÷ live inputs, as the flow splits it), and
`power.electrical.pdu_load` for banks, legs and imbalance — so the preview equals what PWR-003,
PWR-004 and the dashboard report after applying. PSUs without a matching PDU outlet type (power
shelves' three-phase whips) go straight to the rack's feeds of their side, as before.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from rackstudio.commands.base import Composite, Refused
from rackstudio.commands.bulk import Labeler, Plan, rack_pdus
from rackstudio.commands.bulk import _by_place as by_place
from rackstudio.model.design import Design, PortRef
from rackstudio.model.geometry import devices_within, mounted_root
from rackstudio.model.parts import Category, PartType
from rackstudio.model.units import SQRT3
from rackstudio.power import PASS_THROUGH, device_draw, psu_rating_w
from rackstudio.power.cords import judged, mates, standard
from rackstudio.power.electrical import (
    PduLoad,
    is_delta,
    outlet_legs,
    pdu_load,
    pdu_outlet_voltage,
    phase_currents,
)
from rackstudio.power.inlets import pdu_spec

SIDES = ("A", "B")
SEARCH_NODES = 200_000  # the exhaustive search gives up after this many placements (bounded work)
_EPS = 1e-9


@dataclass(frozen=True)
class Link:
    """One planned cord: a PSU inlet to a PDU outlet (or to a feed, `outlet` empty)."""

    device: str
    inlet: str
    supplier: str
    outlet: str
    side: str
    watts: float
    amps: float
    cord: str


@dataclass(frozen=True)
class PduPreview:
    """A PDU's figures before and after the plan (the checks' figures after applying)."""

    pdu: str
    name: str
    side: str
    before: PduLoad
    after: PduLoad


@dataclass(frozen=True)
class DeviceVerdict:
    """How a device's PSUs split over the sides and what losing one side does to it."""

    device: str
    name: str
    policy: str
    per_side: dict[str, int]
    on_loss: dict[str, str]  # side lost -> "survived" | "throttled" | "fatal"
    text: str


@dataclass
class PowerPlan:
    links: list[Link]
    pdus: list[PduPreview]
    devices: list[DeviceVerdict]
    command: Composite
    notes: list[str] = field(default_factory=list)


class PowerState(Protocol):
    """The design's normal-operation power flow, as the checks compute it (`checks.power_flow.FlowState`)."""

    def live(self, node: str) -> bool: ...
    def outlet_w(self, pdu_id: str) -> dict[str, float]: ...
    def power_factor(self, pdu_id: str) -> float: ...
    def load_w(self, device_id: str) -> float: ...


class _Env:
    """The design and its flow, with the look-ups the planner makes."""

    def __init__(self, design: Design, state: PowerState):
        self.design, self.state, self.settings = design, state, design.settings
        self.feeds_by_rack: dict[str, list] = {}
        for feed in design.feeds.values():
            if feed.rack is not None:
                self.feeds_by_rack.setdefault(feed.rack, []).append(feed)

    def part(self, device_id: str) -> PartType:
        return self.design.part_of(self.design.devices[device_id])

    def load_w(self, device_id: str) -> float:
        return self.state.load_w(device_id)


# --- the electrical state of one rack's PDUs while placing ---------------------------------------

@dataclass
class _Outlet:
    pdu: _Pdu
    name: str
    type: str | None
    bank: int | None
    leg: int | None
    order: int


class _Pdu:
    """A live PDU's W per outlet (before: the checks' flow) and its limits, updated as PSUs land."""

    def __init__(self, ctx: _Env, pdu_id: str, side: str, pf: float, outlet_w: dict[str, float]):
        self.id, self.side, self.pf = pdu_id, side, pf
        self.part: PartType = ctx.part(pdu_id)
        self.name = ctx.design.devices[pdu_id].name
        self.derating = ctx.settings.derating
        spec = pdu_spec(ctx.design, pdu_id)  # the checks' rating: the type's, or its inlet type's and feed's
        self.spec = spec
        self.volts = pdu_outlet_voltage(spec) if spec else 230.0
        self.outlet_w = outlet_w
        self.legs_of = outlet_legs(self.part)
        bank_of = {o: i for i, bank in enumerate(spec.banks if spec else ()) for o in bank.outlets}
        self.bank_limit = [b.breaker_a * self.derating for b in (spec.banks if spec else ())]
        self.bank_breaker = [b.breaker_a for b in (spec.banks if spec else ())]
        self.bank_a = [0.0] * len(self.bank_limit)
        self.leg_w = [0.0, 0.0, 0.0]
        for port, watts in outlet_w.items():
            self._add(port, bank_of.get(port), watts)
        self.ratings = spec.outlet_rating_a if spec else {}
        self.three_phase = spec is not None and spec.inlet_phase == "three-phase"
        self.phase_limit = spec.inlet_amperage_a * self.derating if spec else None
        self.wye = self.three_phase and not is_delta(spec.inlet_voltage_v)
        self.v_ln = spec.inlet_voltage_v / SQRT3 if spec else 0.0
        self.free = [_Outlet(self, o.name, o.type, bank_of.get(o.name), self.legs_of.get(o.name), n)
                     for n, o in enumerate(self.part.power_outlets)
                     if ctx.design.port_connection("power", pdu_id, o.name) is None]
        self.classes: dict[tuple, list[_Outlet]] = {}  # outlets alike: same bank, leg and type
        for outlet in self.free:
            self.classes.setdefault((outlet.bank, outlet.leg, outlet.type), []).append(outlet)

    def amps(self, watts: float) -> float:
        return watts / (self.volts * self.pf)

    def _add(self, port: str, bank: int | None, watts: float) -> None:
        if bank is not None:
            self.bank_a[bank] += self.amps(watts)
        leg = self.legs_of.get(port)
        for i in ((leg,) if leg is not None else (0, 1, 2)):
            self.leg_w[i] += watts if leg is not None else watts / 3

    def place(self, outlet: _Outlet, watts: float, sign: int = 1) -> None:
        self.outlet_w[outlet.name] = self.outlet_w.get(outlet.name, 0.0) + sign * watts
        self._add(outlet.name, outlet.bank, sign * watts)

    def reshare(self, port: str, watts: float) -> None:
        """An existing cord of a planned device now carries `watts` (exactly, as the flow will)."""
        self._add(port, self.bank_index(port), watts - self.outlet_w.get(port, 0.0))
        self.outlet_w[port] = watts

    def bank_index(self, port: str) -> int | None:
        return next((i for i, bank in enumerate(self.spec.banks if self.spec else ()) if port in bank.outlets), None)

    def phases(self) -> tuple[float, float, float]:
        return phase_currents(self.spec.inlet_voltage_v, self.pf, tuple(self.leg_w))

    def cost(self, outlet: _Outlet, watts: float) -> tuple[bool, float, float]:
        """(over a limit?, worst bank share after, worst phase share after) if `watts` went on `outlet`."""
        amps = self.amps(watts)
        over = False
        bank_share = 0.0
        if outlet.bank is not None:
            after = self.bank_a[outlet.bank] + amps
            over |= after > self.bank_limit[outlet.bank] + _EPS
            bank_share = after / self.bank_breaker[outlet.bank]
        rating = self.ratings.get(outlet.type or "")
        over |= rating is not None and amps > rating + _EPS
        phase_share = 0.0
        if self.three_phase:
            legs = list(self.leg_w)
            for i in ((outlet.leg,) if outlet.leg is not None else (0, 1, 2)):
                legs[i] += watts if outlet.leg is not None else watts / 3
            if self.wye:  # the same division phase_currents makes, on the heaviest leg only
                worst = max(legs) / (self.v_ln * self.pf)
            else:
                worst = max(phase_currents(self.spec.inlet_voltage_v, self.pf, (legs[0], legs[1], legs[2])))
            over |= worst > self.phase_limit + _EPS
            phase_share = worst / self.phase_limit
        return over, bank_share, phase_share


@dataclass
class _Psu:
    device: str
    inlet: str
    type: str | None
    watts: float
    group: int  # index of its device in the rack's plan


@dataclass
class _Device:
    id: str
    total: int
    count: dict[str, int]  # PSUs on each side so far (existing + planned)
    free: int  # inlets still to place
    allowed: frozenset[int]  # final counts on side A that split the PSUs as evenly as possible

    def can_take(self, side: str) -> bool:
        a = self.count["A"] + (side == "A")
        b = self.count["B"] + (side == "B")
        left = self.free - 1
        return any(a <= x <= a + left and b <= self.total - x <= b + left for x in self.allowed)


def _even_splits(total: int, have_a: int, have_b: int, free: int) -> frozenset[int]:
    """Final PSU counts on side A, reachable from what is connected, whose weaker side is strongest."""
    reachable = [a for a in range(have_a, have_a + free + 1) if have_b <= total - a <= have_b + free]
    best = max((min(a, total - a) for a in reachable), default=0)
    return frozenset(a for a in reachable if min(a, total - a) == best)


# --- planning ----------------------------------------------------------------------------------

class _RackPlanner:
    def __init__(self, ctx: _Env, rack_id: str, device_ids: list[str], fed_now: dict[str, str]):
        self.ctx, self.design, self.rack_id = ctx, ctx.design, rack_id
        self.device_ids = device_ids
        self.fed_now = fed_now  # PDU id -> feed id its free inlet is planned onto
        self.pdus: list[_Pdu] = []
        self.links: list[Link] = []
        self.verdicts: list[DeviceVerdict] = []

    def pdu_states(self, pairs: dict[str, str]) -> list[_Pdu]:
        normal = self.ctx.state
        states = []
        for pdu_id, side in pairs.items():
            feed = self.fed_now.get(pdu_id)
            if not normal.live(pdu_id) and feed is None:
                continue
            pf = normal.power_factor(pdu_id) if feed is None else self.design.feeds[feed].power_factor
            states.append(_Pdu(self.ctx, pdu_id, side, pf, normal.outlet_w(pdu_id)))
        return states

    def share_w(self, device_id: str, connected_after: int, live_after: int) -> float:
        """W each live inlet carries after the plan: the flow's split (Flow.own_w, Flow.carried)."""
        load = self.ctx.load_w(device_id)
        single = self.ctx.part(device_id).rackstudio.power.single_feed_w
        if single is not None and live_after < connected_after:
            load = min(load, single)
        return load / live_after if live_after else 0.0


def _side_of_supplier(design: Design, owner: str, sides: dict[str, str]) -> str | None:
    if owner in sides:
        return sides[owner]
    feed = design.feeds.get(owner)
    return feed.side if feed is not None and feed.side in SIDES else None


def plan_power(design: Design, targets: Iterable[str], state: PowerState,
               labeler: Labeler | None = None) -> PowerPlan:
    """Plan every free PSU inlet of `targets` (device ids, or rack ids for all their devices).
    Raises Refused, naming the rack, side and shortfall, when no plan fits; nothing changes."""
    ctx = _Env(design, state)
    by_rack: dict[str, list[str]] = {}
    for target in targets:
        if target in design.racks:
            by_rack.setdefault(target, []).extend(devices_within(design, target))
        elif target in design.devices:
            root = mounted_root(design, target)
            rack = root.rack if root is not None else None
            if rack is not None:
                by_rack.setdefault(rack, []).append(target)
    if not by_rack:
        raise Refused("select devices in a rack, or racks, to plan their power")
    plan = Plan(design, labeler)
    result = PowerPlan([], [], [], Composite("Plan power", []))
    for rack_id in sorted(by_rack, key=lambda r: (design.racks[r].name, r)):
        _plan_rack(ctx, rack_id, list(dict.fromkeys(by_rack[rack_id])), plan, result)
    names = ", ".join(sorted({design.racks[r].name for r in by_rack}))
    result.command = plan.done(f"Plan power of {names}", f"every PSU in {names} is already connected")
    return result


def _rack_sides(ctx: _Env, rack_id: str) -> dict[str, str]:
    """PDU id -> side for the rack's PDUs: the A/B pair first (feed side, else left/right, else
    name order), then any others by the side of their feed."""
    design = ctx.design
    sides: dict[str, str] = {}
    pair = rack_pdus(design, rack_id)
    if pair is not None:
        sides = {pair[0].id: "A", pair[1].id: "B"}
    for dev in devices_within(design, rack_id):
        if dev not in sides and ctx.part(dev).category == Category.PDU:
            for supplier in _suppliers_of(design, dev):
                feed = design.feeds.get(supplier)
                if feed is not None and feed.side in SIDES:
                    sides[dev] = feed.side
    return sides


def _suppliers_of(design: Design, device_id: str) -> list[str]:
    part = design.part_of(design.devices[device_id])
    found = []
    for inlet in part.power_ports:
        conn_id = design.port_connection("power", device_id, inlet.name)
        if conn_id is not None:
            found.append(design.connections[conn_id].b.owner)
    return found


def _plan_rack(ctx: _Env, rack_id: str, device_ids: list[str], plan: Plan, result: PowerPlan) -> None:
    design = ctx.design
    rack = design.racks[rack_id]
    sides = _rack_sides(ctx, rack_id)
    dropped = ctx.feeds_by_rack.get(rack_id, [])
    feeds = {s: sorted((f for f in dropped if f.side == s), key=lambda f: (-f.amperage_a, f.name, f.id)) for s in SIDES}
    feed_count = {f.id: sum(1 for c in design.connections_of(f.id) if design.connections[c].kind == "power")
                  for f in dropped}

    def next_feed(side: str) -> str | None:
        """The side's feed with the fewest inlets per ampere (big feeds first, spread evenly)."""
        if not feeds[side]:
            return None
        best = min(feeds[side], key=lambda f: (feed_count[f.id] / f.amperage_a, -f.amperage_a, f.name, f.id))
        feed_count[best.id] += 1
        return best.id

    fed_now: dict[str, str] = {}
    for pdu_id, side in sides.items():
        for inlet in ctx.part(pdu_id).power_ports:
            if design.port_connection("power", pdu_id, inlet.name) is None:
                feed = next_feed(side)
                if feed is not None:
                    plan.connect("power", PortRef(owner=pdu_id, port=inlet.name), PortRef(owner=feed, port=""))
                    result.links.append(Link(pdu_id, inlet.name, feed, "", side, 0.0, 0.0, "PDU inlet to its feed"))
                    fed_now[pdu_id] = feed
    planner = _RackPlanner(ctx, rack_id, device_ids, fed_now)
    pdus = planner.pdu_states(sides)
    dead = [design.devices[p].name for p in sides if p not in {s.id for s in pdus}]
    if dead:
        result.notes.append(f"{', '.join(dead)} in {rack.name}: no feed, so no PSU is planned onto it")
    before = {p.id: pdu_load(p.part, dict(p.outlet_w), p.pf, p.derating, p.spec) for p in pdus if p.spec}
    live_sides = {p.side for p in pdus}

    psus: list[_Psu] = []
    devices: list[_Device] = []
    for dev_id in by_place(design, device_ids):
        part = ctx.part(dev_id)
        if dev_id in sides or part.category == Category.PDU or not part.power_ports:
            continue
        free = [p for p in part.power_ports if design.port_connection("power", dev_id, p.name) is None]
        if not free:
            continue
        count = {"A": 0, "B": 0}
        live_existing = 0
        existing_outlets: list[tuple[_Pdu, str]] = []
        normal = ctx.state
        for supplier_port in (design.connections[c] for c in
                              (design.port_connection("power", dev_id, p.name) for p in part.power_ports) if c):
            owner = supplier_port.b.owner
            side = _side_of_supplier(design, owner, sides)
            if side is not None:
                count[side] += 1
            state = next((p for p in pdus if p.id == owner), None)
            if normal.live(owner) or state is not None:
                live_existing += 1
            if state is not None:
                existing_outlets.append((state, supplier_port.b.port))
        total = len(part.power_ports)
        to_pdu = [p for p in free if sides and (judged(p.type, "iec-60320-c13") or p.type is None)
                  and part.category not in PASS_THROUGH]
        to_feed = [p for p in free if p not in to_pdu]
        watts = planner.share_w(dev_id, total, live_existing + len(free))
        for state, port in existing_outlets:  # the device's existing cords now carry the new share
            state.reshare(port, watts)
        allowed = _even_splits(total, count["A"], count["B"], len(free))
        device = _Device(dev_id, total, count, len(free), allowed)
        devices.append(device)
        group = len(devices) - 1
        for inlet in to_feed:
            side = next((s for s in SIDES if device.can_take(s) and feeds[s]), None)
            if side is None:
                raise Refused(f"{design.devices[dev_id].name} {inlet.name} ({inlet.type or 'no type'}) in "
                              f"{rack.name}: no PDU outlet can take it and the rack has no free feed on the side "
                              "its redundancy needs")
            feed = next_feed(side)
            device.count[side] += 1
            device.free -= 1
            plan.connect("power", PortRef(owner=dev_id, port=inlet.name), PortRef(owner=feed, port=""))
            result.links.append(Link(dev_id, inlet.name, feed, "", side, watts, 0.0, "feed whip"))
        psus.extend(_Psu(dev_id, p.name, p.type, watts, group) for p in to_pdu)
    if psus:
        missing = [s for s in SIDES if s not in live_sides]
        if missing and (not live_sides or any(d.total > 1 for d in devices)):
            raise Refused(f"{rack.name}: no live PDU on side {' or '.join(missing)} (connect a PDU there to a "
                          "feed of that side first)")
        placement = _place(pdus, psus, devices, design, rack.name)
        for psu, outlet in zip(psus, placement, strict=True):
            pdu = outlet.pdu
            pdu.place(outlet, psu.watts)
            devices[psu.group].count[pdu.side] += 1
            ok, reason = mates(psu.type, outlet.type)
            plan.connect("power", PortRef(owner=psu.device, port=psu.inlet), PortRef(owner=pdu.id, port=outlet.name))
            result.links.append(Link(psu.device, psu.inlet, pdu.id, outlet.name, pdu.side, psu.watts,
                                     pdu.amps(psu.watts), reason))
    for pdu in pdus:
        if pdu.spec is not None:
            after = pdu_load(pdu.part, pdu.outlet_w, pdu.pf, pdu.derating, pdu.spec)
            result.pdus.append(PduPreview(pdu.id, pdu.name, pdu.side, before[pdu.id], after))
    for device in devices:
        result.devices.append(_verdict(ctx, device))


def _candidates(pdus: list[_Pdu], psu: _Psu, device: _Device, taken: set[tuple[str, str]]):
    """Free, mating outlets on a side the device's split still allows, best first: no limit
    exceeded, lowest worst bank, lowest worst phase, a standard cord before a cross-cord, the side
    with fewer of the device's PSUs (PSU1 → A, PSU2 → B, ...), then the PDU's own outlet order.
    Outlets alike (same PDU, bank, leg and type) cost the same: only the first free one is offered."""
    found = []
    for pdu in pdus:
        if not device.can_take(pdu.side):
            continue
        for (_, _, outlet_type), outlets in pdu.classes.items():
            outlet = next((o for o in outlets if (pdu.id, o.name) not in taken), None)
            if outlet is None or not mates(psu.type, outlet_type)[0]:
                continue
            over, bank, phase = pdu.cost(outlet, psu.watts)
            cross = judged(psu.type, outlet_type) and not standard(psu.type, outlet_type)
            found.append(((over, round(bank, 9), round(phase, 9), cross, device.count[pdu.side], pdu.side,
                           outlet.order), outlet))
    found.sort(key=lambda x: x[0])
    return found


def _place(pdus: list[_Pdu], psus: list[_Psu], devices: list[_Device], design: Design, rack: str) -> list[_Outlet]:
    """Greedy, most constrained and heaviest first; if it breaks a limit, an exhaustive search
    (bounded) for a plan that does not; if none, Refused naming the shortfall."""
    order = sorted(range(len(psus)), key=lambda i: (_fits(pdus, psus[i]), -psus[i].watts, psus[i].group, i))
    saved = [(list(p.bank_a), list(p.leg_w), dict(p.outlet_w)) for p in pdus]
    counts = [dict(d.count) for d in devices]
    frees = [d.free for d in devices]

    def reset() -> None:
        for p, (bank_a, leg_w, outlet_w) in zip(pdus, saved, strict=True):
            p.bank_a, p.leg_w, p.outlet_w = list(bank_a), list(leg_w), dict(outlet_w)
        for d, c, f in zip(devices, counts, frees, strict=True):
            d.count, d.free = dict(c), f

    chosen: dict[int, _Outlet] = {}
    taken: set[tuple[str, str]] = set()
    over, stuck = False, None
    for i in order:
        psu, device = psus[i], devices[psus[i].group]
        options = _candidates(pdus, psu, device, taken)
        if not options:
            stuck = psu
            break
        key, outlet = options[0]
        over |= key[0]
        _take(outlet, psu, device, taken, chosen, i)
    if over or stuck is not None:
        reset()
        found, exhausted = _search(pdus, psus, devices, order)
        reset()
        if found is None and stuck is not None:
            raise Refused(_shortage(pdus, psus, stuck, design, rack))
        if found is None:
            raise Refused(_overload(pdus, psus, rack, exhausted))
        chosen = found
    reset()
    return [chosen[i] for i in range(len(psus))]


def _take(outlet: _Outlet, psu: _Psu, device: _Device, taken: set, chosen: dict, i: int) -> None:
    outlet.pdu.place(outlet, psu.watts)
    device.count[outlet.pdu.side] += 1
    device.free -= 1
    taken.add((outlet.pdu.id, outlet.name))
    chosen[i] = outlet


def _untake(outlet: _Outlet, psu: _Psu, device: _Device, taken: set, chosen: dict, i: int) -> None:
    outlet.pdu.place(outlet, psu.watts, -1)
    device.count[outlet.pdu.side] -= 1
    device.free += 1
    taken.discard((outlet.pdu.id, outlet.name))
    del chosen[i]


def _search(pdus, psus, devices, order) -> tuple[dict[int, _Outlet] | None, bool]:
    """Depth-first over outlets within the limits, best first; outlets that are alike (same PDU,
    bank, leg and type) are tried once. Gives up after SEARCH_NODES placements."""
    chosen: dict[int, _Outlet] = {}
    taken: set[tuple[str, str]] = set()
    budget = [SEARCH_NODES]

    def go(k: int) -> bool:
        if k == len(order):
            return True
        i = order[k]
        psu, device = psus[i], devices[psus[i].group]
        for key, outlet in _candidates(pdus, psu, device, taken):
            if key[0]:
                break
            budget[0] -= 1
            if budget[0] < 0:
                return False
            _take(outlet, psu, device, taken, chosen, i)
            if go(k + 1):
                return True
            _untake(outlet, psu, device, taken, chosen, i)
        return False

    return (dict(chosen) if go(0) else None), budget[0] < 0


def _fits(pdus: list[_Pdu], psu: _Psu) -> int:
    return sum(len(outlets) for p in pdus for (_, _, kind), outlets in p.classes.items() if mates(psu.type, kind)[0])


def _shortage(pdus: list[_Pdu], psus: list[_Psu], psu: _Psu, design: Design, rack: str) -> str:
    """Why a PSU found no outlet: how many inlets of its type there are and what each side offers."""
    kind = (psu.type or "untyped").replace("iec-60320-", "").upper()
    same = sum(1 for p in psus if p.type == psu.type)
    free = {s: sum(1 for p in pdus if p.side == s for o in p.free if mates(psu.type, o.type)[0]) for s in SIDES}
    have = "; ".join(f"side {s} has {free[s]} free outlet{'s' * (free[s] != 1)} that take it" for s in SIDES)
    return (f"{rack}: no outlet left for {design.devices[psu.device].name} {psu.inlet}: {same} {kind} inlet"
            f"{'s' * (same != 1)} to place, split over A and B; {have}")


def _overload(pdus: list[_Pdu], psus: list[_Psu], rack: str, exhausted: bool) -> str:
    parts = []
    for side in SIDES:
        side_pdus = [p for p in pdus if p.side == side]
        if not side_pdus:
            continue
        limit = sum(sum(p.bank_limit) for p in side_pdus)
        present = sum(sum(p.bank_a) for p in side_pdus)
        parts.append(f"side {side} banks carry {present:.1f} A now and may carry {limit:.1f} A (breakers × "
                     f"{side_pdus[0].derating:.2f})")
    load = sum(p.watts for p in psus)
    how = f"no plan found in {SEARCH_NODES:,} tries" if exhausted else "no plan exists"
    return (f"{rack}: {len(psus)} PSUs drawing {load / 1000:.1f} kW: {how} without a bank, outlet or phase over "
            f"its derated limit; " + "; ".join(parts))


def _verdict(ctx: _Env, device: _Device) -> DeviceVerdict:
    """Survived / throttled / fatal on the loss of each side (PWR-010's arithmetic)."""
    part = ctx.part(device.id)
    power = part.rackstudio.power
    policy = power.psu_redundancy
    rating = psu_rating_w(part)
    max_w = device_draw(ctx.design, ctx.design.devices[device.id]).max_w
    throttles = power.throttles_on_feed_loss or power.single_feed_w is not None
    on_loss = {}
    for lost in SIDES:
        left = device.count["B" if lost == "A" else "A"]
        if rating and max_w:
            enough = left * rating >= max_w
        else:
            enough = left >= (policy.n if policy is not None else 1)
        on_loss[lost] = "survived" if left and enough else "throttled" if left and throttles else "fatal"
    name = ctx.design.devices[device.id].name
    split = " + ".join(f"{device.count[s]} on {s}" for s in SIDES)
    words = "; ".join(f"loss of {s}: {on_loss[s]}" for s in SIDES)
    return DeviceVerdict(device.id, name, str(policy) if policy else f"{device.total} PSUs",
                         dict(device.count), on_loss, f"{name}: {split} ({words})")


# --- the preview's rows (text the dialog shows; the figures are PduPreview's) ----------------------

def link_rows(design: Design, plan: PowerPlan) -> list[tuple[str, ...]]:
    """(device, PSU, supplier, outlet, side, A, cord) per planned cord."""
    rows = []
    for link in plan.links:
        supplier = design.get(link.supplier)
        rows.append((design.devices[link.device].name, link.inlet, supplier.name if supplier else link.supplier,
                     link.outlet or "—", link.side, f"{link.amps:.1f} A" if link.outlet else "—", link.cord))
    return rows


def load_rows(design: Design, plan: PowerPlan) -> list[tuple[str, ...]]:
    """(PDU, bank or leg, before, after, limit) per bank and per inlet phase, then the imbalance."""
    rows = []
    for row in plan.pdus:
        for was, now in zip(row.before.banks, row.after.banks, strict=True):
            rows.append((row.name, f"{now.name}", f"{was.current_a:.1f} A", f"{now.current_a:.1f} A",
                         f"{now.limit_a:.1f} A ({now.breaker_a:g} A breaker)"))
        if row.after.phases_a is not None:
            for leg, was, now in zip("ABC", row.before.phases_a, row.after.phases_a, strict=True):
                rows.append((row.name, f"leg {leg}", f"{was:.1f} A", f"{now:.1f} A", f"{row.after.phase_limit_a:.1f} A"))
            rows.append((row.name, "imbalance", f"{row.before.imbalance_pct:.0f} %", f"{row.after.imbalance_pct:.0f} %",
                         f"warning above {design.settings.imbalance_warning_pct:g} %"))
    return rows


__all__ = ["DeviceVerdict", "Link", "PduPreview", "PowerPlan", "PowerState", "SEARCH_NODES", "link_rows", "load_rows",
           "plan_power"]
