"""Qt-free. Figures the views show: a rack's fill, power and weight, and the totals of a selection
(units, power in W, weight in kg). Nothing is summed here from the devices: every figure is the
checks' own (`checks.metrics`), so a header, a bar, a slide and a finding cannot disagree."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rackstudio.checks.context import CheckContext
from rackstudio.checks.metrics import (
    RackMetrics,
    air_capacity,
    air_density_limit,
    budget_warning,
    plus_unknown,
    power_budget,
    totals,
    used_units,
    weight_rating,
)
from rackstudio.checks.phrasing import Basis
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.model.review import CheckSettings


def power_basis(worst_case: bool) -> str:
    """Which draw a rack's power figure counts: what the checks count in this mode (engineering.md 2.6)."""
    return "max (worst case)" if worst_case else "allocated"


@dataclass(frozen=True)
class Bar:
    """One bar of a rack on the floor plan: how full (0..), and "ok", "warning", "error" or
    "unknown" (no capacity to compare with), and what it says."""

    ratio: float
    level: str
    text: str


def _level(ratio: float | None, warning: float) -> str:
    if ratio is None:
        return "unknown"
    return "error" if ratio > 1 else "warning" if ratio > warning else "ok"


@dataclass(frozen=True)
class RackSummary:
    """One rack as the views show it: the checks' metrics and what they are compared with."""

    metrics: RackMetrics
    budget: Basis | None
    rating: Basis | None  # the weight rating
    air: Basis | None  # the air-cooling capacity
    air_only: bool
    air_density: Basis  # what an air-only rack's load is compared with
    settings: CheckSettings
    budget_warning: float = 1.0  # the share of the budget above which PWR-014 warns

    @property
    def worst_case(self) -> bool:
        return self.settings.worst_case

    @property
    def used_u(self) -> float:
        return self.metrics.units_used

    @property
    def total_u(self) -> int:
        return self.metrics.units_total

    @property
    def power_w(self) -> float:
        """The W the checks count: allocated, or max in worst-case mode."""
        return self.metrics.checked_w

    @property
    def budget_w(self) -> float | None:
        return self.budget.value if self.budget else None

    @property
    def weight_kg(self) -> float:
        return self.metrics.weight_kg

    @property
    def max_weight_kg(self) -> float | None:
        return self.rating.value if self.rating else None

    @property
    def fill(self) -> float:
        return self.used_u / self.total_u if self.total_u else 0.0

    @property
    def power_share(self) -> float | None:
        return self.budget.ratio(self.power_w) if self.budget else None

    @property
    def basis(self) -> str:
        return power_basis(self.worst_case)

    def power_short(self) -> str:
        """'14.3/30.0 kW allocated' (load/budget), for headers and labels with little room."""
        budget = f"/{self.budget.value / 1000:.1f}" if self.budget else ""
        unknown = " + ?" if self.metrics.unknown_power else ""
        return f"{self.power_w / 1000:.1f}{unknown}{budget} kW {self.basis}"

    def power_text(self) -> str:
        """'14.3 kW allocated of the 30.0 kW power budget (48 %; set on the rack)', and ' + unknown
        (1 device)' when some devices' power is unknown."""
        unknown = plus_unknown(len(self.metrics.unknown_power))
        if self.budget is None:
            return f"{self.power_w / 1000:.1f} kW {self.basis}{unknown}; no power budget given"
        return self.budget.state(self.power_w, load_is=self.basis) + unknown

    def weight_text(self) -> str:
        return (f"{self.weight_kg:,.0f} kg" if self.rating is None
                else f"{self.weight_kg:,.0f} of {self.rating.value:,.0f} kg")

    def heat_text(self) -> str:
        """'12.0 kW heat to air of the 30.0 kW air-cooling capacity (40 %; set on the rack)', or
        for an air-only rack without one its load against the air-density limit (COOL-002)."""
        m = self.metrics
        if self.air is not None:
            return "heat to air " + self.air.state(m.heat_air_w)
        if self.air_only:
            return f"air-only rack: {self.air_density.state(self.power_w, load_is=self.basis)}"
        return (f"{m.heat_air_w / 1000:.1f} kW heat to air, {m.heat_liquid_w / 1000:.1f} kW to liquid "
                "(no air-cooling capacity given)")

    def bars(self) -> tuple[Bar, Bar]:
        """(power, cooling) bars: the load the checks count against the budget (amber above the
        rack-budget warning share, PWR-014), heat to air against the air-cooling capacity (amber
        above the air-capacity warning share, COOL-001), or for an air-only rack without one the
        load against the air-density limit (COOL-002)."""
        s = self.settings
        if self.budget is not None:
            ratio = self.budget.ratio(self.power_w)
            power = Bar(ratio, _level(ratio, self.budget_warning), self.power_text())
        else:
            power = Bar(0.0, "unknown", self.power_text())
        if self.air is not None:
            ratio = self.air.ratio(self.metrics.heat_air_w)
            cooling = Bar(ratio, _level(ratio, s.air_capacity_warning), self.heat_text())
        elif self.air_only:
            ratio = self.air_density.ratio(self.power_w)
            cooling = Bar(ratio, "warning" if ratio > 1 else "ok", self.heat_text())
        else:
            cooling = Bar(0.0, "unknown", self.heat_text())
        return power, cooling


def rack_summary(design: Design, metrics: RackMetrics) -> RackSummary:
    rack = design.racks[metrics.rack]
    return RackSummary(metrics, power_budget(design, rack), weight_rating(design, rack), air_capacity(design, rack),
                       design.rack_type_of(rack).cooling_capability == "air-only", air_density_limit(design),
                       design.settings, budget_warning(design, rack))


@dataclass(frozen=True)
class Totals:
    count: int = 0
    units: float = 0.0
    power_w: float = 0.0
    weight_kg: float = 0.0
    basis: str = "allocated"

    def text(self) -> str:
        if not self.count:
            return "Nothing selected"
        # thousands grouped, as the rack headers and the Inspector write weights (a hall's Select
        # All read "51072 U · 72382.8 kW · 862036 kg")
        return (f"{self.count:,} selected · {self.units:,g} U · {self.power_w / 1000:,.1f} kW {self.basis} · "
                f"{self.weight_kg:,.0f} kg")


FIGURES_PENDING = "figures when the checks end"  # what a view shows before the first check's figures


def selection_totals(ctx: CheckContext, metrics, ids: Iterable[str]) -> Totals:
    """Totals over racks and devices; a rack counts its metrics (everything in it, a unit once),
    a device outside the selected racks its own units, load as the checks count it, and weight
    (children included). `metrics(rack_id)` gives a rack's RackMetrics."""
    design = ctx.design
    ids = [i for i in ids if design.kind_of(i) is not None]
    racks = sorted({i for i in ids if design.kind_of(i) == "racks"})
    summed = totals(metrics(r) for r in racks)
    devices: set[str] = set()
    for obj_id in ids:
        if design.kind_of(obj_id) == "devices" and ctx.rack_of(obj_id) not in racks:
            devices.add(obj_id)
            devices.update(geometry.devices_within(design, obj_id))
    by_rack: dict[str, set[str]] = {}
    for dev_id in devices:
        rack_id = design.devices[dev_id].rack
        if rack_id is not None:
            by_rack.setdefault(rack_id, set()).add(dev_id)
    units = summed.units_used + sum(used_units(design, r, mounted) for r, mounted in by_rack.items())
    power = summed.checked_w + sum(ctx.load_w(d) for d in devices)
    weight = summed.weight_kg + sum(design.part_of(design.devices[d]).weight_kg or 0.0 for d in devices)
    return Totals(len(ids), units, power, weight, power_basis(design.settings.worst_case))


__all__ = ["FIGURES_PENDING", "Bar", "RackSummary", "Totals", "power_basis", "rack_summary", "selection_totals"]


def optics_text(metrics: Iterable[RackMetrics]) -> str:
    """The optics in some racks' cages (a hall's): their power, how many plugs, and how much of it
    the devices' draw gained (the rest is inside figures that already count their optics,
    engineering.md 4.2). `info` and the dashboard say it in these words."""
    t = totals(metrics)
    added = t.optics_w - t.optics_in_figures_w
    return (f"{t.optics_w / 1000:.2f} kW in {t.optics_plugs:,} cages ({added / 1000:.2f} kW added to device draw, "
            f"{t.optics_in_figures_w / 1000:.2f} kW already in device figures)")
