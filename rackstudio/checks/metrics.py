"""Qt-free. Per-rack figures the rules compare and the dashboard plots: power allocated/max, the
A/B split, heat to air and to liquid, the airflow and coolant flow that heat needs, weight and
units used. Each figure is computed here once; rules read it from the cache.

`MetricsCache` keeps one `RackMetrics` per rack and the heat-to-air totals per row and hall as
integer milliwatts, so an edit re-computes only the racks it touched and the row/hall totals
change by that rack's difference, exactly, in any order (the incremental run equals a full run).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

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
from rackstudio.model import geometry
from rackstudio.model.units import M3H_PER_CFM

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext


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

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["unknown_power"] = list(self.unknown_power)
        data["unknown_weight"] = list(self.unknown_weight)
        return data


def device_heat(ctx: CheckContext, device_id: str) -> DeviceHeat:
    """Heat = checked power draw (1 W of IT power = 1 W of heat, engineering.md 2.1), split by the part's
    liquid fraction (engineering.md 3.6)."""
    def compute() -> DeviceHeat:
        watts = ctx.load_w(device_id)
        liquid = watts * coolant.liquid_fraction(ctx, device_id)
        air = watts - liquid
        cfm = ctx.part(device_id).rackstudio.cooling.airflow_cfm
        flow = cfm * M3H_PER_CFM if cfm is not None else airflow_m3h(air, ctx.settings.air_delta_t_k)
        return DeviceHeat(air, liquid, flow)
    return ctx.remember(("heat", device_id), compute)


def side_split(ctx: CheckContext, device_id: str) -> dict[str, float]:
    """A device's checked load by feed side ('A', 'B', '' for none), over its live inputs."""
    flow = power_flow.flow(ctx)
    demand = flow.own_w(device_id)
    live = flow.live_inputs(device_id)
    if not live:
        return {"": demand}
    out: dict[str, float] = {}
    groups = flow.inputs(device_id)
    for name in live:
        feeds = sorted({f for u in groups[name] if flow.live(u)
                        for f in ({u} | power_flow.upstream(ctx, u)) if f in ctx.design.feeds})
        share = demand / len(live)
        if not feeds:
            out[""] = out.get("", 0.0) + share
        for f in feeds:
            side = ctx.design.feeds[f].side
            out[side] = out.get(side, 0.0) + share / len(feeds)
    return out


def loop_fluid(ctx: CheckContext, loop: coolant.CoolantLoop) -> tuple[str, float, float]:
    """(fluid, supply °C, design ΔT K) of a loop: its first CDU's, else the defaults (U)."""
    for cdu in loop.cdus:
        spec = coolant.cdu_spec(ctx, cdu)
        if spec is not None:
            return spec.fluid, spec.supply_c, spec.design_dt_k
    return LIQUID_FLUID_DEFAULT, LIQUID_SUPPLY_C_DEFAULT, LIQUID_DELTA_T_K_DEFAULT


def compute_rack(ctx: CheckContext, rack_id: str) -> RackMetrics:
    design = ctx.design
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    devices = ctx.rack_devices(rack_id)
    allocated = max_w = checked = 0.0
    sides = {"A": 0.0, "B": 0.0, "": 0.0}
    air = liquid = m3h = 0.0
    weight = rt.weight_kg
    units = 0.0
    unknown_power, unknown_weight = [], []
    loop = None
    for dev_id in devices:
        device = design.devices[dev_id]
        part = design.part_of(device)
        draw = ctx.draw(dev_id)
        if part.category not in PASS_THROUGH:
            if not draw.known:
                unknown_power.append(dev_id)
            allocated += draw.allocated_w
            max_w += draw.max_w
            checked += ctx.load_w(dev_id)
            for side, watts in side_split(ctx, dev_id).items():
                sides[side] += watts
        heat = device_heat(ctx, dev_id)
        air += heat.air_w
        liquid += heat.liquid_w
        if heat.air_w or part.rackstudio.cooling.airflow_cfm is not None:
            m3h += heat.airflow_m3h
        if heat.liquid_w and loop is None and coolant.served_loop(ctx, dev_id).cdus:
            loop = coolant.served_loop(ctx, dev_id)
        if part.weight_kg is None:
            unknown_weight.append(dev_id)
        else:
            weight += part.weight_kg
        if device.position is not None and device.parent is None:
            units += geometry.height_in_rack(part, rt)
    fluid, supply_c, dt_k = loop_fluid(ctx, loop) if loop else (
        LIQUID_FLUID_DEFAULT, LIQUID_SUPPLY_C_DEFAULT, LIQUID_DELTA_T_K_DEFAULT)
    return RackMetrics(
        rack=rack_id, devices=len(devices), allocated_w=allocated, max_w=max_w, checked_w=checked,
        unknown_power=tuple(unknown_power), side_a_w=sides["A"], side_b_w=sides["B"], unfed_w=sides[""],
        heat_air_w=air, heat_liquid_w=liquid, airflow_m3h=m3h, airflow_cfm=m3h_to_cfm(m3h),
        liquid_lpm=liquid_lpm(liquid, fluid, supply_c, dt_k), weight_kg=weight,
        unknown_weight=tuple(unknown_weight), units_used=units, units_total=rt.u_height)


def _mw(watts: float) -> int:
    return round(watts * 1000)


class MetricsCache:
    """RackMetrics for every rack, with exact row and hall heat-to-air totals."""

    def __init__(self, ctx: CheckContext):
        self.ctx = ctx
        self._racks: dict[str, RackMetrics] = {}
        self._home: dict[str, tuple[str | None, str]] = {}
        self._row_air_mw: Counter[str] = Counter()
        self._hall_air_mw: Counter[str] = Counter()

    def rebuild(self) -> None:
        self._racks.clear()
        self._home.clear()
        self._row_air_mw.clear()
        self._hall_air_mw.clear()
        for rack_id in sorted(self.ctx.design.racks):
            self._add(rack_id)

    def refresh(self, rack_ids) -> None:
        """Re-compute the racks an edit touched (removed racks drop out of the totals)."""
        for rack_id in sorted(rack_ids):
            self._drop(rack_id)
            if rack_id in self.ctx.design.racks:
                self._add(rack_id)

    def rack(self, rack_id: str) -> RackMetrics:
        if rack_id not in self._racks:
            self._add(rack_id)
        return self._racks[rack_id]

    def row_heat_air_w(self, row_id: str) -> float:
        return self._row_air_mw[row_id] / 1000

    def hall_heat_air_w(self, hall_id: str) -> float:
        return self._hall_air_mw[hall_id] / 1000

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
