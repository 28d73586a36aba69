"""Qt-free. Per-rack figures the rules compare and every view shows: power allocated/max, the
A/B split, heat to air and to liquid, the airflow and coolant flow that heat needs, weight and
units used, the power of the optics in its cages (also inside each device's draw, rackstudio.power),
and what a rack's figures are compared with (its power budget, air-cooling capacity, weight
rating, feeds). Each figure is computed here once; rules, views, reports and the command
line read it (the app's engine's cache, or `OnDemandMetrics` when no engine is attached).

`MetricsCache` keeps one `RackMetrics` per rack and the heat-to-air totals per row and hall as
integer milliwatts, so an edit re-computes only the racks it touched and the row/hall totals
change by that rack's difference, exactly, in any order (the incremental run equals a full run).
"""
from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from rackstudio.checks import coolant, power_flow
from rackstudio.checks.context import PASS_THROUGH
from rackstudio.checks.formulas import (
    LIQUID_DELTA_T_K_DEFAULT,
    LIQUID_FLUID_DEFAULT,
    LIQUID_SUPPLY_C_DEFAULT,
    airflow_m3h,
    liquid_lpm,
    m3h_to_cfm,
)
from rackstudio.checks.phrasing import Basis
from rackstudio.model import geometry
from rackstudio.model.design import Design, Rack
from rackstudio.model.units import M3H_PER_CFM

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext
    from rackstudio.graph.component_graph import ComponentGraph


@dataclass(frozen=True)
class DeviceHeat:
    air_w: float
    liquid_w: float
    airflow_m3h: float  # declared CFM × 1.699, else from heat to air and the design ΔT


@dataclass(frozen=True)
class RackMetrics:
    """One rack's figures. W, kg, m³/h, CFM, L/min, rack units."""

    rack: str
    devices: int
    allocated_w: float
    max_w: float
    checked_w: float  # what the checks count: allocated, or max in worst-case mode
    unknown_power: tuple[str, ...]  # devices with no power figures, excluded from the sums
    side_a_w: float
    side_b_w: float
    unfed_w: float  # load with no live path to a feed yet
    heat_air_w: float
    heat_liquid_w: float
    airflow_m3h: float
    airflow_cfm: float
    liquid_lpm: float
    weight_kg: float  # empty rack + every device that gives a weight
    unknown_weight: tuple[str, ...]
    units_used: float
    units_total: int
    optics_w: float = 0.0  # every optic and active cable plug in the rack's cages (engineering.md 4.2)
    optics_in_figures_w: float = 0.0  # of which counted inside device figures that include optics
    optics_plugs: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["unknown_power"] = list(self.unknown_power)
        data["unknown_weight"] = list(self.unknown_weight)
        return data


# --- what a rack's figures are compared with ------------------------------------------------------

def power_budget(design: Design, rack: Rack) -> Basis | None:
    """The W a rack's load is compared with (PWR-014): the rack's own power budget, else its rack
    type's power capacity; None when neither is given."""
    return _own_else_type(design, rack, "power_budget_kw", "power_capacity_kw", "power budget")


def budget_warning(design: Design, rack: Rack) -> float:
    """The share of the power budget above which PWR-014 warns (and a power bar turns amber): the
    settings' share of a rack's own budget; none below a rack type's capacity, which a reference
    design fills by design (engineering.md 2.9)."""
    return design.settings.rack_budget_warning if rack.power_budget_kw else 1.0


def air_capacity(design: Design, rack: Rack) -> Basis | None:
    """The W of heat to air a rack can shed (COOL-001): the rack's own air-cooling capacity, else
    its rack type's."""
    return _own_else_type(design, rack, "air_cooling_capacity_kw", "air_cooling_capacity_kw", "air-cooling capacity")


def _own_else_type(design: Design, rack: Rack, own: str, of_type: str, what: str) -> Basis | None:
    """A rack's own kW figure `own`, else its rack type's `of_type`, as a Basis in W naming where
    it came from; None when neither is given."""
    if getattr(rack, own):
        return Basis(getattr(rack, own) * 1000, what, "set on the rack")
    rt = design.rack_type_of(rack)
    if getattr(rt, of_type):
        return Basis(getattr(rt, of_type) * 1000, what, f"rack type {rt.model}")
    return None


def air_density_limit(design: Design) -> Basis:
    """What an air-only rack's load is compared with (COOL-002): the site's air-density limit."""
    return Basis(design.settings.air_density_limit_kw * 1000, "air-density limit", "site setting")


def weight_rating(design: Design, rack: Rack) -> Basis | None:
    """The static load rating a rack's weight is compared with (SPC-003)."""
    rt = design.rack_type_of(rack)
    if rt.max_weight_kg is None:
        return None
    return Basis(rt.max_weight_kg, "static load rating", f"rack type {rt.model}", unit="kg")


def rack_feeds(ctx: CheckContext, rack_id: str) -> list[str]:
    """Feeds dropped to a rack (`Feed.rack`) or feeding any device in it."""
    # one walk up from all of the rack's devices: the union of their `upstream` sets, without
    # building a set per device
    feeds = ctx.design.feeds
    above = power_flow.upstream_of(ctx, ctx.rack_devices(rack_id))
    return sorted(ctx.design.feeds_dropped_to(rack_id) | {u for u in above if u in feeds})


def used_units(design: Design, rack_id: str, devices: Iterable[str] | None = None) -> float:
    """Units with anything mounted in them, on either face: a unit counts once whichever faces (or
    half-width slots) use it, half units count half. 0U side-channel gear and children in bays use
    none. `devices`: only these of the rack's devices (a selection)."""
    rt = design.rack_type_of(design.racks[rack_id])
    steps: set[int] = set()
    heights: dict[str, float] = {}
    for dev_id in design.contents(rack_id) if devices is None else devices:
        device = design.devices.get(dev_id)
        if device is None or device.position is None or device.parent is not None:
            continue
        if device.part not in heights:
            heights[device.part] = geometry.height_in_rack(design.part_types[device.part], rt)
        start = round(device.position * 2)
        steps.update(range(start, start + round(heights[device.part] * 2)))
    return len(steps) / 2


# --- a rack's own figures ----------------------------------------------------------------------------

def device_heat(ctx: CheckContext, device_id: str) -> DeviceHeat:
    """Heat = checked power draw (1 W of IT power = 1 W of heat, engineering.md 2.1), split by the part's
    liquid fraction (engineering.md 3.6)."""
    found = ctx.heats.get(device_id)
    if found is None:
        found = ctx.heats[device_id] = _heat(ctx, ctx.load_w(device_id), coolant.liquid_fraction(ctx, device_id),
                                             ctx.part(device_id).rackstudio.cooling.airflow_cfm)
    return found


def _heat(ctx: CheckContext, watts: float, liquid_fraction: float, cfm: float | None) -> DeviceHeat:
    liquid = watts * liquid_fraction
    air = watts - liquid
    flow = cfm * M3H_PER_CFM if cfm is not None else airflow_m3h(air, ctx.settings.air_delta_t_k)
    return DeviceHeat(air, liquid, flow)


def side_split(ctx: CheckContext, device_id: str) -> dict[str, float]:
    """A device's checked load by feed side ('A', 'B', '' for none), over its live inputs: an equal
    share per live input, each split equally over the feeds above its live suppliers."""
    flow = power_flow.flow(ctx)
    demand = flow.own_w(device_id)
    live = flow.live_inputs(device_id)
    if not live:
        return {"": demand}
    out: dict[str, float] = {}
    groups = flow.inputs(device_id)
    above = flow.above
    for name in live:
        if above is None:
            sides = _sides_above(ctx, [u for u in groups[name] if flow.live(u)])
        else:  # a full pass's flow has the feeds above each node at hand
            group = groups[name]
            sides = _sides_in(ctx, above[group[0]] if len(group) == 1 else frozenset().union(
                *(above[u] for u in group if flow.live(u))))
        share = demand / len(live)
        if not sides:
            out[""] = out.get("", 0.0) + share
        for side in sides:
            out[side] = out.get(side, 0.0) + share / len(sides)
    return out


def _sides_above(ctx: CheckContext, suppliers: list[str]) -> list[str]:
    """The side of each feed at or above any of `suppliers`, in the feeds' order (remembered per
    supplier for the pass: a PDU's or a busbar's dozens of consumers ask the same)."""
    if len(suppliers) == 1:
        key = ("sides above", suppliers[0])
        found = ctx.memo.get(key)
        if found is None:
            found = ctx.memo[key] = _sides_of(ctx, suppliers)
        return found
    return _sides_of(ctx, suppliers)


_SIDES = "sides of feeds"


def _sides_in(ctx: CheckContext, found: frozenset[str]) -> list[str]:
    """`_sides_of` from the feeds at or above the live suppliers of an input (the union of their
    `power_flow.Flow.above`), once per set of feeds for the pass (the devices under the same PDUs
    share one)."""
    table = ctx.memo.get(_SIDES)
    if table is None:
        table = ctx.memo[_SIDES] = {}
    sides = table.get(found)
    if sides is None:
        feeds = ctx.design.feeds
        sides = table[found] = [feeds[f].side for f in sorted(found)]
    return sides


def _sides_of(ctx: CheckContext, suppliers: list[str]) -> list[str]:
    feeds = ctx.design.feeds
    return _sides_in(ctx, frozenset(f for u in suppliers for f in ({u} | power_flow.upstream(ctx, u)) if f in feeds))


def loop_fluid(ctx: CheckContext, loop: coolant.CoolantLoop) -> tuple[str, float, float]:
    """(fluid, supply °C, design ΔT K) of a loop: its first CDU's, else the defaults (U)."""
    for cdu in loop.cdus:
        spec = coolant.cdu_spec(ctx, cdu)
        if spec is not None:
            return spec.fluid, spec.supply_c, spec.design_dt_k
    return LIQUID_FLUID_DEFAULT, LIQUID_SUPPLY_C_DEFAULT, LIQUID_DELTA_T_K_DEFAULT


@dataclass(frozen=True)
class _PartFacts:
    """What a rack's figures read of a device's part, read once per part in a pass."""

    part: Any
    passes_through: bool
    includes_optics: bool
    liquid_fraction: float
    airflow_cfm: float | None
    weight_kg: float | None


def _part_facts(ctx: CheckContext, part, device_id: str) -> _PartFacts:
    key = ("part facts", id(part))
    found = ctx.memo.get(key)
    if found is None or found.part is not part:
        ext = part.rackstudio
        found = ctx.memo[key] = _PartFacts(part, part.category in PASS_THROUGH, ext.power.includes_optics,
                                           coolant.liquid_fraction(ctx, device_id), ext.cooling.airflow_cfm,
                                           part.weight_kg)
    return found


def compute_rack(ctx: CheckContext, rack_id: str) -> RackMetrics:
    design = ctx.design
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    devices = ctx.rack_devices(rack_id)
    allocated = max_w = checked = 0.0
    sides = {"A": 0.0, "B": 0.0, "": 0.0}
    air = liquid = m3h = 0.0
    weight = rt.weight_kg
    unknown_power, unknown_weight = [], []
    loop = None
    optics_w = optics_in_figures = 0.0
    plugs = 0
    heats = ctx.heats
    for dev_id in devices:
        part = design.part_of(design.devices[dev_id])
        facts = _part_facts(ctx, part, dev_id)
        draw = ctx.draw(dev_id)
        if design.connections_of(dev_id):
            cages = ctx.cage_optics(dev_id)
            watts = sum(w for w, _ in cages.values())
            plugs += len(cages)
            optics_w += watts
            if facts.includes_optics:
                optics_in_figures += watts
        load = ctx.load_w(dev_id)
        if not facts.passes_through:
            if not draw.known:
                unknown_power.append(dev_id)
            allocated += draw.allocated_w
            max_w += draw.max_w
            checked += load
            for side, watts in side_split(ctx, dev_id).items():
                sides[side] += watts
        heat = heats.get(dev_id)  # device_heat's, from what is at hand
        if heat is None:
            heat = heats[dev_id] = _heat(ctx, load, facts.liquid_fraction, facts.airflow_cfm)
        air += heat.air_w
        liquid += heat.liquid_w
        if heat.air_w or facts.airflow_cfm is not None:
            m3h += heat.airflow_m3h
        if heat.liquid_w and loop is None:
            served = coolant.served_loop(ctx, dev_id)
            if served.cdus:
                loop = served
        if facts.weight_kg is None:
            unknown_weight.append(dev_id)
        else:
            weight += facts.weight_kg
    fluid, supply_c, dt_k = loop_fluid(ctx, loop) if loop else (
        LIQUID_FLUID_DEFAULT, LIQUID_SUPPLY_C_DEFAULT, LIQUID_DELTA_T_K_DEFAULT)
    return RackMetrics(
        rack=rack_id, devices=len(devices), allocated_w=allocated, max_w=max_w, checked_w=checked,
        unknown_power=tuple(unknown_power), side_a_w=sides["A"], side_b_w=sides["B"], unfed_w=sides[""],
        heat_air_w=air, heat_liquid_w=liquid, airflow_m3h=m3h, airflow_cfm=m3h_to_cfm(m3h),
        liquid_lpm=liquid_lpm(liquid, fluid, supply_c, dt_k), weight_kg=weight,
        unknown_weight=tuple(unknown_weight), units_used=used_units(design, rack_id),
        units_total=rt.u_height, optics_w=optics_w, optics_in_figures_w=optics_in_figures, optics_plugs=plugs)


@dataclass(frozen=True)
class RackTotals:
    """The sum of several racks' figures (a row, a hall, a selection, the design): the one place
    rack figures are added up."""

    racks: int = 0
    allocated_w: float = 0.0
    max_w: float = 0.0
    checked_w: float = 0.0
    heat_air_w: float = 0.0
    heat_liquid_w: float = 0.0
    weight_kg: float = 0.0
    units_used: float = 0.0
    units_total: int = 0
    unknown_power: int = 0  # devices whose power is unknown: not in the W above
    optics_w: float = 0.0
    optics_in_figures_w: float = 0.0
    optics_plugs: int = 0


def totals(metrics: Iterable[RackMetrics]) -> RackTotals:
    out = RackTotals()
    for m in metrics:
        out = RackTotals(out.racks + 1, out.allocated_w + m.allocated_w, out.max_w + m.max_w,
                         out.checked_w + m.checked_w, out.heat_air_w + m.heat_air_w,
                         out.heat_liquid_w + m.heat_liquid_w, out.weight_kg + m.weight_kg,
                         out.units_used + m.units_used, out.units_total + m.units_total,
                         out.unknown_power + len(m.unknown_power),
                         out.optics_w + m.optics_w, out.optics_in_figures_w + m.optics_in_figures_w,
                         out.optics_plugs + m.optics_plugs)
    return out


def plus_unknown(devices: int) -> str:
    """What a power figure adds when some devices' power is unknown (PWR-016): ' + unknown (2
    devices)'. A sum that leaves them out is a lower bound, and must never read as the whole."""
    if not devices:
        return ""
    return f" + unknown ({devices} device{'s' * (devices != 1)})"


@dataclass(frozen=True)
class FloorLoad:
    """Consumers standing on the floor (CDUs, in-row coolers): their draw is in no rack's figures."""

    devices: int
    allocated_w: float
    max_w: float
    checked_w: float


def hall_coolers(design: Design, hall_id: str) -> tuple[int, float]:
    """(count, kW) of the CRAH and in-row coolers standing on a hall's floor: what a hall without
    its own air-cooling capacity sheds (COOL-001)."""
    coolers = [design.part_of(design.devices[x]).rackstudio.cooler for x in sorted(design.contents(hall_id))
               if x in design.devices]
    coolers = [c for c in coolers if c is not None and c.kind in ("crah", "in-row")]
    return len(coolers), sum(c.capacity_kw for c in coolers)


def changes_floor(changes, design: Design, old_records) -> bool:
    """Whether an applied ChangeSet can change what stands on a hall's floor: a device that
    stands (or stood) there, or a part type."""
    for obj_id, coll in changes.touched().items():
        if coll == "part_types":
            return True
        if coll == "devices":
            for rec in (old_records.get(obj_id), design.devices.get(obj_id)):
                if rec is not None and rec.rack is None and rec.parent is None:
                    return True
    return False


def floor_load(ctx: CheckContext) -> FloorLoad:
    found = [d for d in sorted(ctx.design.devices) if ctx.rack_of(d) is None and ctx.hall_of(d) is not None
             and ctx.part(d).category not in PASS_THROUGH]
    return FloorLoad(len(found), sum(ctx.draw(d).allocated_w for d in found),
                     sum(ctx.draw(d).max_w for d in found), sum(ctx.load_w(d) for d in found))


class OnDemandMetrics:
    """RackMetrics of a design with no check engine attached (an export, a view before the first
    check run): a rack is computed when first asked, by the same `compute_rack` the engine uses,
    and everything is forgotten after an edit."""

    def __init__(self, design: Design, graph: ComponentGraph):
        from rackstudio.checks.context import CheckContext

        self.ctx = CheckContext(design, graph)
        self._racks: dict[str, RackMetrics] = {}

    def rack_metrics(self, rack_id: str) -> RackMetrics:
        found = self._racks.get(rack_id)
        if found is None:
            found = self._racks[rack_id] = compute_rack(self.ctx, rack_id)
        return found

    def forget(self) -> None:
        self._racks.clear()
        self.ctx.new_pass()
        self.ctx.loops.clear()
        self.ctx.cages.clear()


def _mw(watts: float) -> int:
    return round(watts * 1000)


class MetricsCache:
    """RackMetrics for every rack, with exact row and hall heat-to-air totals."""

    def __init__(self, ctx: CheckContext):
        # the context holds this cache (`ctx.metrics`): a strong reference back would make the two a
        # cycle, which the collector must find, and never does once a full run has frozen them
        # (`memory.gc_paused`): a dropped engine would keep its design and graph for ever
        self._ctx = weakref.ref(ctx)
        self._racks: dict[str, RackMetrics] = {}
        self._home: dict[str, tuple[str | None, str]] = {}
        self._row_air_mw: Counter[str] = Counter()
        self._hall_air_mw: Counter[str] = Counter()
        self._coolers: dict[str, tuple[int, float]] = {}  # kept until the floor changes (changes_floor)

    @property
    def ctx(self) -> CheckContext:
        return self._ctx()

    def rebuild(self) -> None:
        self._coolers.clear()
        self._racks.clear()
        self._home.clear()
        self._row_air_mw.clear()
        self._hall_air_mw.clear()
        for rack_id in sorted(self.ctx.design.racks):
            self._add(rack_id)

    def tables(self) -> tuple[dict, ...]:
        """The tables `rebuild` clears and refills (CheckEngine keeps and restores them, as
        `CheckContext.kept_tables`)."""
        return self._racks, self._home, self._row_air_mw, self._hall_air_mw, self._coolers

    def refresh(self, rack_ids) -> None:
        """Re-compute the racks an edit touched (removed racks drop out of the totals)."""
        for rack_id in sorted(rack_ids):
            self._drop(rack_id)
            if rack_id in self.ctx.design.racks:
                self._add(rack_id)

    def restack(self, rack_ids) -> None:
        """After devices only moved within these racks: their units used counted again, every other
        figure (draw, heat, weight, optics: nothing reads a device's unit) kept."""
        for rack_id in rack_ids:
            kept = self._racks.get(rack_id)
            if kept is None:
                self._add(rack_id)
            else:
                self._racks[rack_id] = replace(kept, units_used=used_units(self.ctx.design, rack_id))

    def rack(self, rack_id: str) -> RackMetrics:
        if rack_id not in self._racks:
            self._add(rack_id)
        return self._racks[rack_id]

    def row_heat_air_w(self, row_id: str) -> float:
        return self._row_air_mw[row_id] / 1000

    def hall_heat_air_w(self, hall_id: str) -> float:
        return self._hall_air_mw[hall_id] / 1000

    def hall_coolers(self, hall_id: str) -> tuple[int, float]:
        """`hall_coolers` of a hall, summed again only after an edit on a floor (every edit in a
        rack re-checks its hall, and a hall of L has a thousand floor units to look through)."""
        found = self._coolers.get(hall_id)
        if found is None:
            found = self._coolers[hall_id] = hall_coolers(self.ctx.design, hall_id)
        return found

    def floor_changed(self) -> None:
        self._coolers.clear()

    def _add(self, rack_id: str) -> None:
        metrics = compute_rack(self.ctx, rack_id)
        rack = self.ctx.design.racks[rack_id]
        self._racks[rack_id] = metrics
        self._home[rack_id] = (rack.row, rack.hall)
        if rack.row is not None:
            self._row_air_mw[rack.row] += _mw(metrics.heat_air_w)
        self._hall_air_mw[rack.hall] += _mw(metrics.heat_air_w)

    def _drop(self, rack_id: str) -> None:
        metrics = self._racks.pop(rack_id, None)
        if metrics is None:
            return
        row, hall = self._home.pop(rack_id)
        if row is not None:
            self._row_air_mw[row] -= _mw(metrics.heat_air_w)
        self._hall_air_mw[hall] -= _mw(metrics.heat_air_w)


class MetricsSource(Protocol):
    """Anything that gives a rack's figures: the check engine, `OnDemandMetrics`, a Document."""

    def rack_metrics(self, rack_id: str) -> RackMetrics: ...
