"""Qt-free. The series the dashboard and the design report plot, read from the checks' own
figures so a chart shows exactly what the rules compare: per rack (power by feed side against the
budget and the derated feed limit, heat to air and liquid against air-cooling capacity, units,
weight, power density), per three-phase feed and PDU (line currents against the derated
breaker), and per switch (ports in use).

`MetricsSeries.update(changes)` brings the series up to date after an edit and says which
racks, feeds/PDUs and switches changed: the checks' metrics cache re-computes only the racks an
edit touched (`checks.scope`), and this module only the phases and switches near them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rackstudio.changes import ChangeSet
from rackstudio.checks import CheckEngine, RackMetrics, RuleRegistry
from rackstudio.checks.context import CheckContext
from rackstudio.checks.formulas import feed_capacity
from rackstudio.checks.metrics import air_capacity, power_budget, rack_feeds
from rackstudio.checks.power_flow import flow, pdu_spec_of, upstream
from rackstudio.checks.rules.power import pdu_figures
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.model.parts import Category
from rackstudio.power.electrical import phase_currents

_DIGITS = re.compile(r"(\d+)")
# Collections whose records the rack figures never read: edits to them change no series.
_INERT = frozenset({"comments", "waivers"})


def natural_key(text: str) -> tuple:
    """'P2-A10' sorts after 'P2-A9' and before 'P10-A1'."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in _DIGITS.split(text))


@dataclass(frozen=True)
class RackPoint:
    """One rack's figures. W, kg, U, m²; capacities None when the design gives none."""

    rack: str
    name: str
    row: str  # row name, '' outside a row
    hall: str
    metrics: RackMetrics
    budget_w: float | None  # the rack's power budget (rack, else rack type), as PWR-014 reads it
    side_limit_w: dict[str, float]  # side → Σ derated continuous capacity of its feeds (PWR-001)
    air_capacity_w: float | None  # rack, else rack type air-cooling capacity, as COOL-001 reads it
    box: tuple[float, float, float, float]  # footprint in hall mm

    @property
    def power_w(self) -> float:
        return self.metrics.checked_w

    @property
    def area_m2(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0) / 1e6

    @property
    def density_kw_m2(self) -> float:
        return self.power_w / 1000 / self.area_m2 if self.area_m2 else 0.0


@dataclass(frozen=True)
class PhasePoint:
    """Line currents (A) of a three-phase feed or rack PDU and its continuous limit (A)."""

    id: str
    name: str
    kind: str  # feed or pdu
    currents_a: tuple[float, float, float]
    limit_a: float
    rating_a: float


@dataclass(frozen=True)
class PortPoint:
    switch: str
    name: str
    rack: str  # rack name, '' on the floor
    used: int
    total: int


@dataclass
class SeriesChange:
    """What an update changed (ids), or `full` when everything was recomputed."""

    full: bool = False
    racks: set[str] = field(default_factory=set)
    phases: set[str] = field(default_factory=set)
    switches: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.full or bool(self.racks or self.phases or self.switches)


# --- one object at a time ----------------------------------------------------------------------------

def rack_point(ctx: CheckContext, metrics: RackMetrics) -> RackPoint:
    design = ctx.design
    rack = design.racks[metrics.rack]
    budget = power_budget(design, rack)
    air = air_capacity(design, rack)
    limits: dict[str, float] = {}
    for feed_id in rack_feeds(ctx, rack.id):
        feed = design.feeds[feed_id]
        limits[feed.side] = limits.get(feed.side, 0.0) + feed_capacity(feed, ctx.settings).capacity_w
    row = design.rows.get(rack.row or "")
    return RackPoint(rack.id, rack.name, row.name if row else "", rack.hall, metrics,
                     budget.value if budget else None, limits, air.value if air else None,
                     geometry.rack_footprint(design, rack))


def feed_phases(ctx: CheckContext, feed_id: str) -> PhasePoint | None:
    """A three-phase AC feed's line currents from the outlet → leg map below it (PWR-008/009's figures)."""
    feed = ctx.design.feeds[feed_id]
    if feed.phase != "three-phase" or feed.supply != "ac":
        return None
    legs = flow(ctx).feed_leg_power(feed_id)
    currents = phase_currents(abs(feed.voltage_v), feed.power_factor, legs)
    limit = 1.0 if feed.breaker_100pct_rated else ctx.settings.derating
    return PhasePoint(feed_id, feed.name, "feed", currents, limit * feed.amperage_a, feed.amperage_a)


def pdu_phases(ctx: CheckContext, device_id: str) -> PhasePoint | None:
    """A three-phase rack PDU's inlet line currents: each outlet's W on its feed leg (outlets with no
    leg spread over the three), combined as for a feed."""
    load = pdu_figures(ctx, device_id)
    if load is None or load.phases_a is None:
        return None
    return PhasePoint(device_id, ctx.design.devices[device_id].name, "pdu", load.phases_a, load.phase_limit_a,
                      pdu_spec_of(ctx, device_id).inlet_amperage_a)


def switch_ports(design: Design, device_id: str, rack_of) -> PortPoint:
    device = design.devices[device_id]
    names = [i.name for i in design.part_of(device).interfaces]
    used = sum(1 for n in names if design.port_connection("network", device_id, n) is not None)
    rack = design.racks.get(rack_of(device_id) or "")
    return PortPoint(device_id, device.name, rack.name if rack else "", used, len(names))


# --- the series of a whole design ----------------------------------------------------------------------

class MetricsSeries:
    """The dashboard's data over one design. Pass the app's CheckEngine when there is one (its
    metrics are then computed once for the rules and the charts); otherwise a metrics-only
    engine (no rules) is made here.

    Rack points are brought up to date by `update`; phase currents and port use only when read
    (`phases`, `switches`): an edit marks the feeds, PDUs and switches it may have changed, and
    only a chart that shows them pays for them."""

    def __init__(self, design: Design, graph: ComponentGraph | None = None, engine: CheckEngine | None = None):
        self._own_engine = engine is None  # a shared engine is kept up to date by its owner
        if engine is None:
            engine = CheckEngine(design, graph if graph is not None else ComponentGraph(design), RuleRegistry())
        self.engine = engine
        self._settings_seen = design.settings
        self.racks: dict[str, RackPoint] = {}
        self._phases: dict[str, PhasePoint] = {}
        self._switches: dict[str, PortPoint] = {}
        self._stale_phases: set[str] = set()
        self._stale_switches: set[str] = set()
        self._ends: dict[str, tuple[str, str]] = {}  # connection → its two owners (a removed one's too)
        self._orders: dict[str, list[str]] = {}  # cached category orders, dropped when names or members change
        self.rebuild()

    @property
    def design(self) -> Design:
        return self.engine.design

    @property
    def ctx(self) -> CheckContext:
        return self.engine.ctx

    @property
    def phases(self) -> dict[str, PhasePoint]:
        """Line currents of every three-phase feed and PDU (computed now for those an edit marked)."""
        if self._stale_phases:
            stale, self._stale_phases = self._stale_phases, set()
            design = self.design
            for obj_id in stale:
                point = (feed_phases(self.ctx, obj_id) if obj_id in design.feeds else
                         pdu_phases(self.ctx, obj_id) if obj_id in design.devices else None)
                old = self._phases.pop(obj_id, None)
                if point is not None:
                    self._phases[obj_id] = point
                if (old is None) != (point is None) or (old and point and old.name != point.name):
                    self._orders.pop("phases", None)
        return self._phases

    @property
    def switches(self) -> dict[str, PortPoint]:
        """Ports in use per switch (computed now for the switches an edit marked)."""
        if self._stale_switches:
            stale, self._stale_switches = self._stale_switches, set()
            for dev_id in stale:
                old = self._switches.pop(dev_id, None)
                point = switch_ports(self.design, dev_id, self.ctx.rack_of) if self._is_switch(dev_id) else None
                if point is not None:
                    self._switches[dev_id] = point
                if (old is None) != (point is None) or (old and point and (old.name, old.rack) != (point.name, point.rack)):
                    self._orders.pop("switches", None)
        return self._switches

    def rack_order(self) -> list[str]:
        """Racks by hall, row and name (natural order: A2 before A10); racks outside a row last."""
        if "racks" not in self._orders:
            racks = self.racks
            self._orders["racks"] = sorted(racks, key=lambda r: (racks[r].hall, not racks[r].row,
                                                                 natural_key(racks[r].row), natural_key(racks[r].name), r))
        return self._orders["racks"]

    def phase_order(self) -> list[str]:
        phases = self.phases
        if "phases" not in self._orders:
            self._orders["phases"] = sorted(phases, key=lambda p: (phases[p].kind, natural_key(phases[p].name), p))
        return self._orders["phases"]

    def switch_order(self) -> list[str]:
        switches = self.switches
        if "switches" not in self._orders:
            self._orders["switches"] = sorted(switches, key=lambda s: (natural_key(switches[s].rack),
                                                                       natural_key(switches[s].name), s))
        return self._orders["switches"]

    # --- computing -------------------------------------------------------------------------------------

    def rebuild(self) -> None:
        if self._own_engine:
            self.engine.run_full()
        design = self.design
        self._settings_seen = design.settings
        self.racks = {r: rack_point(self.ctx, self.engine.rack_metrics(r)) for r in design.racks}
        self._phases, self._switches, self._orders = {}, {}, {}
        self._stale_phases = set(design.feeds) | set(self._pdus(design.devices))
        self._stale_switches = {d for d in design.devices if self._is_switch(d)}
        self._ends = {}
        for conn in design.connections.values():
            self._note_cable(conn.id)

    def update(self, changes: ChangeSet) -> SeriesChange:
        """Follow one applied edit (or several merged into one ChangeSet, applied in order)."""
        colls = changes.collections()
        design = self.design
        if not colls - _INERT and (not changes.settings or self._settings_seen is design.settings):
            return SeriesChange()  # comments, waivers, name, revision, reviews: no figure moves
        if self._own_engine:
            self.engine.update(changes)
        if changes.settings or "halls" in colls or "part_types" in colls or "rack_types" in colls:
            self.rebuild()
            return SeriesChange(full=True)
        result = SeriesChange()
        self._refresh_racks(changes, result)
        self._mark_stale(changes, result)
        return result

    def _refresh_racks(self, changes: ChangeSet, result: SeriesChange) -> None:
        """Racks whose metrics the engine re-computed (a new object), and racks the edit renamed,
        moved, added or removed."""
        design = self.design
        named = {i for i, c in changes.touched().items() if c == "racks"}
        for rack_id in [r for r in self.racks if r not in design.racks]:
            del self.racks[rack_id]
            result.racks.add(rack_id)
        if named:
            self._orders.pop("racks", None)
        for rack_id in design.racks:
            metrics = self.engine.rack_metrics(rack_id)
            old = self.racks.get(rack_id)
            if old is None or old.metrics is not metrics or rack_id in named:
                self.racks[rack_id] = rack_point(self.ctx, metrics)
                result.racks.add(rack_id)

    def _mark_stale(self, changes: ChangeSet, result: SeriesChange) -> None:
        """Mark the feeds and PDUs above what the edit touched (devices of re-computed racks, both
        ends of cables added, changed or removed) and the switches whose ports may have changed."""
        design, ctx = self.design, self.ctx
        touched = changes.touched()
        nodes: set[str] = {i for i, c in touched.items() if c == "feeds"}
        switches: set[str] = set()
        for rack_id in result.racks & set(design.racks):
            nodes.update(ctx.rack_devices(rack_id))
            nodes.update(design.feeds_dropped_to(rack_id))
        for obj_id, coll in touched.items():
            if coll == "connections":
                old = self._ends.pop(obj_id, ())
                self._note_cable(obj_id)
                for owner in {*old, *self._ends.get(obj_id, ())}:
                    nodes.add(owner)
                    switches.add(owner)
            elif coll == "devices":
                switches.add(obj_id)
                nodes.add(obj_id)
        alive = {n for n in nodes if n in design.devices or n in design.feeds}
        above = alive.union(*(upstream(ctx, n) for n in alive)) if alive else set()
        stale = {n for n in above if n in design.feeds} | set(self._pdus(above)) | {n for n in nodes if n in self._phases}
        switches.update(d for r in result.racks & set(design.racks) for d in ctx.rack_devices(r))
        switches = {s for s in switches if s in self._switches or self._is_switch(s)}
        self._stale_phases |= stale
        self._stale_switches |= switches
        result.phases |= stale
        result.switches |= switches

    def _pdus(self, devices: Iterable[str]) -> list[str]:
        design = self.design
        return [d for d in devices if d in design.devices and design.part_of(design.devices[d]).rackstudio.pdu]

    def _is_switch(self, device_id: str) -> bool:
        device = self.design.devices.get(device_id)
        return device is not None and self.design.part_of(device).category == Category.SWITCH

    def _note_cable(self, conn_id: str) -> None:
        conn = self.design.connections.get(conn_id)
        if conn is not None:
            self._ends[conn_id] = (conn.a.owner, conn.b.owner)
