"""Qt-free. Power rules in normal operation: feed breakers, PDU banks and outlets, phases, PSU input
voltage, power shelves and busbars, rack budgets, inrush, missing figures (engineering.md 2.9).
Failure scenarios (PWR-005/006/010) are in `failover.py`. Loads are W from `power_flow`."""
from __future__ import annotations

from collections.abc import Iterator

from rackstudio.checks import power_candidates as candidates
from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.checks.formulas import Capacity, feed_capacity, warning_fraction
from rackstudio.checks.metrics import budget_warning, power_budget, rack_feeds
from rackstudio.checks.phrasing import Basis
from rackstudio.checks.power_flow import (
    consumers,
    feed_power_factor,
    feeds_above,
    flow,
    pdu_spec_of,
    suppliers,
    supply_voltage,
)
from rackstudio.checks.rule import Hit, Rule, Scope, Severity, rule
from rackstudio.checks.rules.cable_index import batched, devices_by_part, devices_passing
from rackstudio.checks.rules.power_tables import (
    devices_with,
    rack_devices_with,
    survivors,
)
from rackstudio.model.design import Feed
from rackstudio.model.parts import Category, PartType, PduSpec
from rackstudio.power import part_draw
from rackstudio.power.cords import INLET_RATING_A, OUTLET_RATING_A, mates
from rackstudio.power.electrical import PduLoad, imbalance_pct, pdu_load, phase_currents
from rackstudio.power.inlets import feed_mismatches, may_rate

RULES: list[Rule] = []

# PWR-015: a breaker's instantaneous trip as a multiple of its rating. IEC 60898-1 type C trips
# instantaneously between 5 and 10 × In; 5 is the conservative end (U: breaker curves are not in
# the model yet).


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def _loaded_feeds(ctx: CheckContext, fn) -> list[str]:
    """PWR-001's and PWR-002's candidates: the feeds loaded above the lower of their limit and
    their planning level (`_feed_loading` is asked of every feed either way: here in one loop, and
    the rules run on the few above)."""
    settings = ctx.settings
    found = []
    for feed_id in ctx.design.feeds:
        _, cap, load, used = _feed_loading(ctx, feed_id)
        if load and used > min(1.0, warning_fraction(settings, cap)):
            found.append(feed_id)
    return found


@rule("PWR-001", "Feed breaker over its continuous limit", Severity.ERROR, Scope.FEED, RULES,
      measure="load_w")
@batched(_loaded_feeds, "feeds")
def pwr001_feed_loading(ctx: CheckContext, feed_id: str) -> Iterator[Hit]:
    """b = Σ allocated W ÷ (PF × S), S = V × A or √3 × V_LL × A; error above 0.80 (1.00 for a
    100 %-rated breaker), NEC 210.20(A) [NEC-SE]. In NetBox mode: load ÷ available_power, which
    holds max_utilization (engineering.md 2.2, 2.7) — the derating is applied once."""
    feed, cap, load, used = _feed_loading(ctx, feed_id)
    if load and used > 1:
        yield Hit(f"{feed.name}: {cap.describe(load)}", (feed_id,), cap.figures(load))


@rule("PWR-002", "Feed breaker above the planning level", Severity.WARNING, Scope.FEED, RULES,
      measure="load_w")
@batched(_loaded_feeds, "feeds")
def pwr002_feed_warning(ctx: CheckContext, feed_id: str) -> Iterator[Hit]:
    """b > 0.60 of the limit's base (project default, U; = NetBox's amber band, 75 % of an 80 %
    available_power; 60 % of a 100 %-rated breaker's rating) while still within PWR-001's limit
    (engineering.md 2.9 [NB-UI])."""
    feed, cap, load, used = _feed_loading(ctx, feed_id)
    level = warning_fraction(ctx.settings, cap)
    if load and level < used <= 1:
        yield Hit(f"{feed.name}: {cap.describe(load, above=level)}", (feed_id,), cap.figures(load))


def _feed_loading(ctx: CheckContext, feed_id: str) -> tuple[Feed, Capacity, float, float]:
    """(feed, capacity, W it carries, utilisation) once per pass: PWR-001, 002 and 009 each ask
    it of every feed (7,840 at 1,000 racks)."""
    key = ("feed loading", feed_id)
    found = ctx.memo.get(key)
    if found is None:
        feed = ctx.design.feeds[feed_id]
        cap = feed_capacity(feed, ctx.settings)
        load = flow(ctx).demand(feed_id)
        found = ctx.memo[key] = (feed, cap, load, cap.utilisation(load))
    return found


def pdu_figures(ctx: CheckContext, device_id: str) -> PduLoad | None:
    """A rack PDU's bank, outlet and phase figures in normal operation, or None for other devices
    (the power planner's preview reads the same)."""
    spec = pdu_spec_of(ctx, device_id)
    if spec is None:
        return None
    key = ("pdu_load", device_id)
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _pdu_load(ctx, ctx.part(device_id), flow(ctx).outlet_flows(device_id),
                                          feed_power_factor(ctx, device_id), spec)
    return found


def _pdu_load(ctx: CheckContext, part: PartType, outlet_w: dict[str, float], power_factor: float,
              spec: PduSpec) -> PduLoad:
    """`pdu_load` once per pass for each set of its inputs: the PDUs of a hall built from a few
    rack designs carry a few outlet loads (4 at 1,000 racks, for 1,232 PDUs). The same part and
    spec objects, and the outlet W in the same order, give the same figures to the bit."""
    key = ("pdu_load of", id(part), id(spec), power_factor, tuple(outlet_w.items()))
    found = ctx.memo.get(key)
    if found is None or found[0] is not part or found[1] is not spec:
        found = ctx.memo[key] = (part, spec, pdu_load(part, outlet_w, power_factor, ctx.settings.derating, spec))
    return found[2]


@rule("PWR-003", "PDU bank breaker overloaded", Severity.ERROR, Scope.DEVICE, RULES, measure="current_a")
@candidates.parts(may_rate)
def pwr003_pdu_banks(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Bank current = Σ outlet W ÷ (V_outlet × PF) against the bank breaker: error above 80 %
    (Geist [GEIST]), warning above 64 % (U). engineering.md 2.2, 2.9."""
    found = pdu_figures(ctx, device_id)
    if found is None:
        return
    device = ctx.design.devices[device_id]
    for bank in found.banks:
        ratio = bank.loading
        severity = (Severity.ERROR if ratio > ctx.settings.derating
                    else Severity.WARNING if ratio > ctx.settings.bank_warning else None)
        if severity is not None:
            limit = ctx.settings.derating if severity is Severity.ERROR else ctx.settings.bank_warning
            yield Hit(f"{device.name} bank {bank.name}: {bank.current_a:.1f} A at {found.volts:.0f} V on a "
                      f"{bank.breaker_a:g} A breaker ({_pct(ratio)}, limit {_pct(limit)})", (device_id,),
                      {"current_a": round(bank.current_a, 2), "breaker_a": bank.breaker_a,
                       "loading": round(ratio, 4), "limit": limit}, severity, aspect=bank.name)


@rule("PWR-004", "Outlet over its rating", Severity.ERROR, Scope.DEVICE, RULES, measure="current_a")
@candidates.parts(may_rate)
def pwr004_outlets(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Outlet current > the receptacle rating the PDU type gives for its outlet type (C13 10 A IEC /
    15 A UL, C19 16 A / 20 A are U: taken from the PDU type, never assumed). engineering.md 2.9."""
    found = pdu_figures(ctx, device_id)
    if found is None:
        return
    ratings = ctx.part(device_id).rackstudio.pdu.outlet_rating_a
    device = ctx.design.devices[device_id]
    for outlet in ctx.part(device_id).power_outlets:
        rating = ratings.get(outlet.type or "")
        amps = found.outlet_a.get(outlet.name, 0.0)
        if rating is not None and amps > rating:
            yield Hit(f"{device.name} outlet {outlet.name} ({outlet.type}): {amps:.1f} A > {rating:g} A",
                      (device_id,), {"current_a": round(amps, 2), "rating_a": rating}, aspect=outlet.name)


def _racks_if_sides_meet(ctx: CheckContext, fn) -> list[str]:
    """PWR-007's candidates: every rack when some panel or UPS has feeds of both sides, else none
    (a rack's A and B feeds can share a source only then). One look at each feed, where reading
    each rack's feeds walks its power tree (0.04 s at 1,000 racks)."""
    sides: dict[tuple[str, str], set[str]] = {}
    for feed in ctx.design.feeds.values():
        for level in ("panel", "UPS"):
            source = _source(ctx, feed.panel, level)
            if source is not None:
                sides.setdefault((level, source), set()).add(feed.side)
    return sorted(ctx.design.racks) if any({"A", "B"} <= found for found in sides.values()) else []


@rule("PWR-007", "A and B feeds share a panel or UPS", Severity.WARNING, Scope.RACK, RULES,
      placement_free=True)
@batched(_racks_if_sides_meet, "racks")
def pwr007_ab_common_source(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """A rack's A and B feeds come from the same panel or the same UPS: one failure takes both
    (2N needs independent paths, engineering.md 2.5 [NV-SP-GB200])."""
    d = ctx.design
    feeds = [d.feeds[f] for f in rack_feeds(ctx, rack_id)]
    for level in ("panel", "UPS"):
        shared = []
        for a in (f for f in feeds if f.side == "A"):
            for b in (f for f in feeds if f.side == "B"):
                src_a, src_b = _source(ctx, a.panel, level), _source(ctx, b.panel, level)
                if src_a is not None and src_a == src_b:
                    shared.append((a.id, b.id, src_a))
        if shared:
            text = "; ".join(f"{d.feeds[a].name} and {d.feeds[b].name} from {ctx.name(s)}" for a, b, s in shared)
            yield Hit(f"Rack {d.racks[rack_id].name}: A and B feeds share a {level}: {text}", (rack_id,),
                      {"shared": [list(x) for x in shared]}, aspect=level.lower())


def _source(ctx: CheckContext, panel_id: str | None, level: str) -> str | None:
    if panel_id is None:
        return None
    if level == "panel":
        return panel_id
    panel = ctx.design.panels.get(panel_id)
    return panel.ups if panel else None


def _phase_figures(ctx: CheckContext, feed_id: str):
    """(feed, line currents) of a three-phase AC feed that carries load, else None; once per pass
    (PWR-008 and PWR-009 read it)."""
    return ctx.remember(("phase figures", feed_id), lambda: _phase_currents(ctx, feed_id))


def _phase_currents(ctx: CheckContext, feed_id: str):
    feed = ctx.design.feeds[feed_id]
    if feed.phase != "three-phase" or feed.supply != "ac":
        return None
    legs = flow(ctx).feed_leg_power(feed_id)
    if not any(legs):
        return None
    return feed, phase_currents(abs(feed.voltage_v), feed.power_factor, legs)


def _has_legs(part: PartType) -> bool:
    return any(o.feed_leg for o in part.power_outlets)


def _balanced(ctx: CheckContext, feed_id: str) -> bool:
    """Whether no consumer of a feed names legs for its outlets (`feed_leg`): then
    `feed_leg_power` adds each one's W to the three legs alike, and they come out equal to the bit.
    Full passes only (`power_tables.devices_with`)."""
    legged = devices_with(ctx, _has_legs)
    return not any(v in legged for v, _ in consumers(ctx, feed_id))


def _three_phase_ac(ctx: CheckContext) -> list[str]:
    return [f.id for f in ctx.design.feeds.values() if f.phase == "three-phase" and f.supply == "ac"]


def _unbalanced_feeds(ctx: CheckContext, fn) -> list[str]:
    """PWR-008's candidates: the three-phase AC feeds that are not `_balanced` (equal legs give equal
    line currents, whose imbalance is 0: 6,608 of 7,840 feeds at 1,000 racks feed power shelves),
    once per pass (PWR-009 reads them too)."""
    return ctx.remember("PWR-008 candidates", lambda: [f for f in _three_phase_ac(ctx) if not _balanced(ctx, f)])


@rule("PWR-008", "Phase imbalance", Severity.WARNING, Scope.FEED, RULES, measure="imbalance_pct")
@batched(_unbalanced_feeds, "feeds")
def pwr008_phase_imbalance(ctx: CheckContext, feed_id: str) -> Iterator[Hit]:
    """ServerTech imbalance 100 × max|I − I_avg| ÷ I_avg from the outlet→leg map (208 V banks by the
    line-to-line formula): warning above 20 % [STECH-IMB], info above 10 % (U). engineering.md 2.4."""
    found = _phase_figures(ctx, feed_id)
    if found is None:
        return
    feed, currents = found
    imbalance = imbalance_pct(currents)
    s = ctx.settings
    severity = (Severity.WARNING if imbalance > s.imbalance_warning_pct
                else Severity.INFO if imbalance > s.imbalance_info_pct else None)
    if severity is not None:
        limit = s.imbalance_warning_pct if severity is Severity.WARNING else s.imbalance_info_pct
        yield Hit(f"{feed.name}: phase currents {' / '.join(f'{i:.1f}' for i in currents)} A, "
                  f"imbalance {imbalance:.0f} % (> {limit:g} %)", (feed_id,),
                  {"currents_a": [round(i, 2) for i in currents], "imbalance_pct": round(imbalance, 2),
                   "limit_pct": limit}, severity)


def _feeds_near_phase_limit(ctx: CheckContext, fn) -> list[str]:
    """PWR-009's candidates: the three-phase AC feeds but the `_balanced` ones within 1 - 1e-6 of
    PWR-001's limit (engineering mode). Equal legs carry a third of the feed's W each, so the
    heaviest line current is W ÷ (√3 × V × PF) (wye and delta alike) and stays under limit × A
    whenever W is under √3 × V × A × PF × limit, PWR-001's capacity; the margin covers the
    rounding of the two ways of summing. NetBox mode's capacity is another figure: all are run."""
    feeds = _three_phase_ac(ctx)
    if ctx.settings.netbox_compat:
        return feeds
    unbalanced = set(_unbalanced_feeds(ctx, fn))
    return [f for f in feeds if f in unbalanced or _feed_loading(ctx, f)[3] >= 1 - 1e-6]


@rule("PWR-009", "Heaviest phase over the breaker limit", Severity.ERROR, Scope.FEED, RULES)
@batched(_feeds_near_phase_limit, "feeds")
def pwr009_heaviest_phase(ctx: CheckContext, feed_id: str) -> Iterator[Hit]:
    """The heaviest line current > 80 % of the breaker while the feed total is within PWR-001:
    an average under 80 % can hide one phase above it (engineering.md 2.4 [CALCSPEC], worked example 3)."""
    found = _phase_figures(ctx, feed_id)
    if found is None:
        return
    feed, currents = found
    if _feed_loading(ctx, feed_id)[3] > 1:
        return  # PWR-001 already reports this feed
    limit = 1.0 if feed.breaker_100pct_rated else ctx.settings.derating
    heaviest = max(currents)
    if heaviest > limit * feed.amperage_a:
        leg = "ABC"[currents.index(heaviest)]
        breaker = Basis(feed.amperage_a, "breaker rating", f"average of the three phases {sum(currents) / 3:.1f} A",
                        unit="A")
        yield Hit(f"{feed.name}: phase {leg} carries {breaker.state(heaviest, above=limit, level='error')}",
                  (feed_id,),
                  {"currents_a": [round(i, 2) for i in currents], "breaker_a": feed.amperage_a, "limit": limit})


@rule("PWR-011", "PSU input voltage out of range", Severity.ERROR, Scope.DEVICE, RULES)
@candidates.parts(lambda part: _input_range(part) is not None)
def pwr011_input_voltage(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """The voltage an inlet sees (feed V, or V_LN for a 380-415 V wye supply, or the PDU's outlet
    voltage) outside the PSU's input range (e.g. 200-240 V DGX; 200-277 V L-N ORv3 shelves
    [OCP-ORV3-PWR]). engineering.md 2.9."""
    span = _input_range(ctx.part(device_id))
    if span is None:
        return
    low, high = span
    bad = []
    for supplier, attrs in suppliers(ctx, device_id):
        volts = supply_voltage(ctx, supplier) if attrs["kind"] == "power" else None
        if volts is not None and not low <= volts <= high:
            bad.append((attrs.get("consumer_port") or supplier, volts))
    if bad:
        text = ", ".join(f"{port} {v:.0f} V" for port, v in bad)
        yield Hit(f"{ctx.name(device_id)}: {text} outside the input range {low:g}-{high:g} V", (device_id,),
                  {"inlets": [port for port, _ in bad], "voltages_v": [round(v, 1) for _, v in bad],
                   "range_v": [low, high]})


def _input_range(part: PartType) -> tuple[float, float] | None:
    """The input voltage range of a part's PSUs (a shelf's, or the power figures')."""
    ext = part.rackstudio
    return ext.shelf.input_range_v if ext.shelf is not None else ext.power.psu_input_v


def _busbar(ctx: CheckContext, rack_id: str):
    """(rack, busbar spec, W the busbar-fed devices in the rack draw) — whether or not the shelves
    are fed yet: the busbar must carry it either way. Once per pass (PWR-012 and PWR-013 read it)."""
    return ctx.remember(("busbar load", rack_id), lambda: _busbar_load(ctx, rack_id))


def _busbar_load(ctx: CheckContext, rack_id: str):
    rack = ctx.design.racks[rack_id]
    spec = ctx.design.rack_type_of(rack).busbar
    if spec is None:
        return None
    load = sum(ctx.load_w(x) for x in rack_devices_with(ctx, rack_id, _on_busbar))
    return rack, spec, load


def _on_busbar(part: PartType) -> bool:
    return part.rackstudio.power.source == "busbar"


def _is_shelf(part: PartType) -> bool:
    return part.category == Category.POWER_SHELF and part.rackstudio.shelf is not None


@rule("PWR-012", "Power shelves cannot carry the busbar load", Severity.ERROR, Scope.RACK, RULES,
      measure="load_w", placement_free=True)
def pwr012_power_shelves(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Σ busbar load > usable shelf capacity (N × PSU rating per shelf under its N+M policy), error;
    margin after the loss of one AC feed < 10 % (U), warning. The rack-level policy (N+N across
    feeds) is not in the model, so the margin is reported rather than assumed (engineering.md 1.1, 2.5)."""
    found = _busbar(ctx, rack_id)
    if found is None:
        return
    rack, _, load = found
    if not load:
        return
    shelves = rack_devices_with(ctx, rack_id, _is_shelf)
    normal = flow(ctx)
    connected = [s for s in shelves if normal.inputs(s)]
    counted = [s for s in connected if normal.live(s)] if connected else shelves
    usable_w = {s: ctx.part(s).rackstudio.shelf.usable_w for s in shelves}

    def usable(names) -> float:
        return sum(usable_w[s] for s in names)

    total = usable(counted)
    figures = {"load_w": round(load, 1), "usable_w": round(total, 1), "shelves": len(counted)}
    if load > total:
        yield Hit(f"Rack {rack.name} busbar: {load / 1000:.1f} kW on {len(counted)} shelves with "
                  f"{total / 1000:.1f} kW usable", (rack_id,), figures, aspect="capacity")
        return
    feeds = sorted({f for s in connected for f in feeds_above(ctx, s)})
    worst = None
    alive_after = survivors(ctx, connected)
    for feed_id in feeds:
        after = usable(alive_after(feed_id))
        if worst is None or after < worst[1]:
            worst = (feed_id, after)
    margin_limit = ctx.settings.shelf_margin_warning
    if worst is not None:
        feed_id, after = worst
        margin = (after - load) / load
        if margin < margin_limit:
            yield Hit(f"Rack {rack.name} busbar: {load / 1000:.1f} kW; after loss of "
                      f"{ctx.design.feeds[feed_id].name} {after / 1000:.1f} kW usable ({margin * 100:+.0f} % "
                      f"margin, warning below {_pct(margin_limit)})", (rack_id,),
                      {**figures, "failed": feed_id, "usable_after_w": round(after, 1),
                       "margin": round(margin, 4)}, Severity.WARNING, aspect="margin")
    elif (total - load) / load < margin_limit:
        yield Hit(f"Rack {rack.name} busbar: {load / 1000:.1f} kW on {total / 1000:.1f} kW usable "
                  f"({(total - load) / load * 100:+.0f} % margin)", (rack_id,), figures, Severity.WARNING,
                  aspect="margin")


@rule("PWR-013", "Busbar current over its rating", Severity.ERROR, Scope.RACK, RULES, measure="current_a",
      placement_free=True)
def pwr013_busbar_current(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """I = P ÷ V_bus against the busbar rating (× sections, assuming an even split: which trays sit
    on which section is not in the model). engineering.md 2.1, worked example 7: 142 kW ÷ 50 V = 2,840 A."""
    found = _busbar(ctx, rack_id)
    if found is None:
        return
    rack, spec, load = found
    amps = load / spec.voltage_v
    rating = spec.rating_a * spec.sections
    if amps > rating:
        busbar = Basis(rating, "busbar rating", f"{load / 1000:.1f} kW ÷ {spec.voltage_v:g} V; "
                       f"{spec.sections} × {spec.rating_a:,.0f} A", unit="A")
        yield Hit(f"Rack {rack.name} busbar: {busbar.state(amps)}", (rack_id,),
                  {"load_w": round(load, 1), "voltage_v": spec.voltage_v, "current_a": round(amps, 1),
                   "rating_a": rating})


@rule("PWR-014", "Rack over its power budget", Severity.ERROR, Scope.RACK, RULES, measure="load_w",
      placement_free=True)
def pwr014_rack_budget(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Σ allocated W of a rack > its budget (the rack's power_budget_kw, else the rack type's
    power_capacity_kw): error. Above 90 % (U) of the rack's own budget, warning: a budget is a
    planner's allocation with headroom to keep. The rack type's capacity is an equipment rating
    that a reference design fills by design (an NVL72 rack at its 120 kW), so against it only the
    error applies. engineering.md 2.9."""
    rack = ctx.design.racks[rack_id]
    budget = power_budget(ctx.design, rack)
    if budget is None:
        return
    load = ctx.metrics.rack(rack_id).checked_w
    ratio = budget.ratio(load)
    warn_above = budget_warning(ctx.design, rack)
    if ratio > warn_above:
        severity = Severity.ERROR if ratio > 1 else Severity.WARNING
        yield Hit(f"Rack {rack.name}: {budget.state(load, above=warn_above)}",
                  (rack_id,), {"load_w": round(load, 1), "budget_w": budget.value, "ratio": round(ratio, 4)},
                  severity)


def _inrush_below(ctx: CheckContext, node: str, outlets: tuple[str, ...] | None = None) -> float:
    """Σ inrush A of PSU inlets fed from `node` (optionally only through some outlets), stopping at
    PDUs that sequence their outlets."""
    return sum(amps if pdu is None else _pdu_inrush(ctx, pdu) for pdu, amps in _inrush_inputs(ctx, node, outlets))


def _inrush_inputs(ctx: CheckContext, node: str, outlets: tuple[str, ...] | None = None
                   ) -> Iterator[tuple[str | None, float]]:
    """(None, A) for each PSU inlet fed from `node` that declares inrush, (PDU, 0) for each PDU
    fed from it that does not sequence its outlets (its own inrush is all below it)."""
    for v, attrs in consumers(ctx, node):
        if attrs["kind"] != "power" or (outlets is not None and attrs.get("supplier_port") not in outlets):
            continue
        ext = ctx.part(v).rackstudio if v in ctx.design.devices else None
        if ext is None:
            continue
        if ext.pdu is not None:
            if ext.pdu.sequencing_delay_ms is None:
                yield v, 0.0
        elif ext.power.inrush_a:
            yield None, ext.power.inrush_a


def _pdu_inrush(ctx: CheckContext, top: str) -> float:
    """Σ inrush below an unsequenced PDU, remembered per PDU for the pass: each PDU's banks and
    every feed above it ask, and a daisy chain asked once per link was N² (and recursed past
    Python's limit). An explicit post-order walk; a PDU met again on its own path (a loop that
    loading refuses) adds nothing."""
    memo = ctx.memo
    key = ("PWR-015 inrush", top)
    if key in memo:
        return memo[key]
    stack: list[tuple[str, bool]] = [(top, False)]
    open_: set[str] = set()
    while stack:
        node, done = stack.pop()
        if done:
            memo[("PWR-015 inrush", node)] = sum(
                amps if pdu is None else memo.get(("PWR-015 inrush", pdu), 0.0)
                for pdu, amps in _inrush_inputs(ctx, node))
            open_.discard(node)
            continue
        if node in open_ or ("PWR-015 inrush", node) in memo:
            continue
        open_.add(node)
        stack.append((node, True))
        stack.extend((pdu, False) for pdu, _ in _inrush_inputs(ctx, node)
                     if pdu is not None and pdu not in open_ and ("PWR-015 inrush", pdu) not in memo)
    return memo[key]


def _unsequenced(part: PartType) -> bool:
    return part.rackstudio.pdu is not None and part.rackstudio.pdu.sequencing_delay_ms is None


def _inrush_candidates(ctx: CheckContext, fn) -> list[str]:
    """PWR-015's candidates: every feed and each PDU that does not sequence its outlets, and none
    when no device's part declares inrush: then every sum is 0 A, and a trip never is (the
    settings' multiple and every rating are above 0). A hall whose parts give no inrush figure
    skips 9,072 sums at 1,000 racks."""
    if not any(part.rackstudio.power.inrush_a for part, _ in devices_by_part(ctx)):
        return []
    return sorted(ctx.design.feeds) + devices_passing(ctx, _unsequenced)


@rule("PWR-015", "Inrush may trip a breaker", Severity.WARNING, (Scope.FEED, Scope.DEVICE), RULES,
      measure="inrush_a")
@batched(_inrush_candidates, "devices")
def pwr015_inrush(ctx: CheckContext, subject: str) -> Iterator[Hit]:
    """Σ declared PSU inrush on one breaker (a feed, or a PDU bank) > its instantaneous trip
    (settings.inrush_trip_multiple × rating, U) with no outlet sequencing delay on the PDU. Fires only for
    parts that declare inrush_a. engineering.md 2.6 [STECH-INRUSH], 2.9."""
    d = ctx.design
    if subject in d.feeds:
        feed = d.feeds[subject]
        amps = _inrush_below(ctx, subject)
        trip = ctx.settings.inrush_trip_multiple * feed.amperage_a
        if amps > trip:
            yield Hit(f"{feed.name}: {amps:.0f} A of PSU inrush on a {feed.amperage_a:g} A breaker "
                      f"(instantaneous trip ≈ {trip:.0f} A)", (subject,), {"inrush_a": amps, "trip_a": trip})
        return
    spec = ctx.part(subject).rackstudio.pdu
    if spec is None or spec.sequencing_delay_ms is not None:
        return
    for bank in spec.banks:
        amps = _inrush_below(ctx, subject, bank.outlets)
        trip = ctx.settings.inrush_trip_multiple * bank.breaker_a
        if amps > trip:
            yield Hit(f"{d.devices[subject].name} bank {bank.name}: {amps:.0f} A of PSU inrush on a "
                      f"{bank.breaker_a:g} A breaker (instantaneous trip ≈ {trip:.0f} A) and no outlet "
                      "sequencing", (subject,), {"inrush_a": amps, "trip_a": trip}, aspect=bank.name)


@rule("PWR-016", "Device without power figures", Severity.WARNING, Scope.DEVICE, RULES)
@candidates.parts(lambda part: part.category not in PASS_THROUGH and (not part_draw(part).known or part_draw(part).derived))
def pwr016_unknown_draw(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A consumer with no allocated and no max W: it is left out of every sum (engineering.md 2.9);
    draw fallbacks are rackstudio.power.device_draw's. A powered device with ports or bays but no
    power inlet (its PSUs are module bays with nothing installed) is one. A draw derived from the
    PSUs' maximum_draw and the redundancy (no allocated_draw) is stated as info. PDUs, shelves and
    UPSes pass power on and are not consumers."""
    if ctx.part(device_id).category in PASS_THROUGH:
        return
    draw = ctx.draw(device_id)
    part = ctx.part(device_id)
    if not draw.known:
        if draw.basis == "no power inlet" and part.module_bays:
            yield Hit(f"{ctx.name(device_id)} ({part.model}): no power figures and no PSU module installed; "
                      "left out of power and heat sums", (device_id,), {"module_bays": len(part.module_bays)})
            return
        yield Hit(f"{ctx.name(device_id)} ({part.model}): no power figures; left out of power and heat sums",
                  (device_id,))
    elif draw.derived:
        yield Hit(f"{ctx.name(device_id)} ({part.model}): draw {draw.max_w:,.0f} W derived, not stated "
                  f"({draw.basis[9:]}, no allocated_draw; engineering.md 2.6)", (device_id,),
                  {"derived_w": draw.max_w}, Severity.INFO, aspect="derived")


def _cords_not_mating(ctx: CheckContext, fn) -> Iterator[str]:
    """PWR-018's candidates: the cords whose inlet and outlet types do not mate, judged once per
    (inlet part, port, outlet part, outlet) (20,000 cords at 1,000 racks, a few dozen pairs)."""
    devices, part = ctx.design.devices, ctx.part
    judged: dict[tuple, bool] = {}
    for conn in ctx.design.connections.values():
        a, b = conn.a, conn.b
        if conn.kind != "power" or a.owner not in devices or b.owner not in devices:
            continue
        inlet_part, outlet_part = part(a.owner), part(b.owner)
        key = (id(inlet_part), a.port, id(outlet_part), b.port)
        bad = judged.get(key)
        if bad is None:
            bad = judged[key] = _cord(inlet_part, a.port, outlet_part, b.port) is not None
        if bad:
            yield conn.id


def _cord(inlet_part: PartType, inlet_name: str, outlet_part: PartType, outlet_name: str):
    """(inlet, outlet, why they do not mate) of a cord whose ends do not mate, else None."""
    inlet = next((p for p in inlet_part.power_ports if p.name == inlet_name), None)
    outlet = next((o for o in outlet_part.power_outlets if o.name == outlet_name), None)
    if inlet is None or outlet is None:
        return None
    ok, reason = mates(inlet.type, outlet.type)
    return None if ok else (inlet, outlet, reason)


@rule("PWR-018", "PSU inlet and PDU outlet do not mate", Severity.ERROR, Scope.CONNECTION, RULES,
      rack_internal=True, placement_free=True, kinds=("power",))
@batched(_cords_not_mating, "connections")
def pwr018_cord_mating(ctx: CheckContext, conn_id: str) -> Iterator[Hit]:
    """A power cord from a PSU inlet to a PDU outlet rated below it (a 16 A C20 inlet on a 10 A
    C13 outlet); the legal cross-cords (C14 on C19 with a C13–C20 cord) are not findings, and types
    outside IEC 60320 are not judged. engineering.md 2.10 [IEC60320]."""
    conn = ctx.design.connections.get(conn_id)
    if conn is None or conn.kind != "power" or conn.a.owner not in ctx.design.devices \
            or conn.b.owner not in ctx.design.devices:
        return
    found = _cord(ctx.part(conn.a.owner), conn.a.port, ctx.part(conn.b.owner), conn.b.port)
    if found is not None:
        inlet, outlet, reason = found
        yield Hit(f"{ctx.name(conn.a.owner)} {inlet.name} on {ctx.name(conn.b.owner)} {outlet.name}: {reason}",
                  (conn_id, conn.a.owner, conn.b.owner),
                  {"inlet_type": inlet.type, "outlet_type": outlet.type,
                   "inlet_a": INLET_RATING_A.get(_iec(inlet.type)), "outlet_a": OUTLET_RATING_A.get(_iec(outlet.type))})


def _iec(type_name: str | None) -> int | None:
    text = (type_name or "").strip().lower().removeprefix("iec-60320-c")
    return int(text) if text.isdigit() else None


@rule("PWR-019", "Device not powered as its PSU policy needs", Severity.ERROR, Scope.DEVICE, RULES,
      until_cabled=True)
@candidates.parts(lambda part: part.category not in PASS_THROUGH and part.rackstudio.power.source == "ac"
               and bool(part.power_ports) and part.is_powered)
def pwr019_unpowered(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """An AC-powered device (not a PDU, shelf or UPS) with no PSU connected: error. Fewer PSUs
    connected than the N of its N+M policy needs to carry its load: warning when it runs throttled
    (`throttles_on_feed_loss` or a declared `single_feed_W`), else error. engineering.md 2.5, 2.9."""
    part = ctx.part(device_id)
    power = part.rackstudio.power
    if part.category in PASS_THROUGH or power.source != "ac" or not part.power_ports or not part.is_powered:
        return
    design = ctx.design
    connected = [p.name for p in part.power_ports if design.port_connection("power", device_id, p.name)]
    total = len(part.power_ports)
    figures = {"connected": len(connected), "psus": total}
    if not connected:
        yield Hit(f"{ctx.name(device_id)}: none of its {total} PSU{'s' * (total != 1)} is connected", (device_id,),
                  figures)
        return
    policy = power.psu_redundancy
    if policy is not None and len(connected) < min(policy.n, total):
        throttles = power.throttles_on_feed_loss or power.single_feed_w is not None
        yield Hit(f"{ctx.name(device_id)}: {len(connected)} of {total} PSUs connected; its {policy} policy needs "
                  f"{policy.n} to carry its load" + (" (it runs throttled)" if throttles else ""), (device_id,),
                  {**figures, "needed": policy.n, "policy": str(policy)},
                  Severity.WARNING if throttles else Severity.ERROR, aspect="policy")


@rule("PWR-020", "PDU or power shelf without a feed", Severity.ERROR, Scope.DEVICE, RULES, until_cabled=True)
@candidates.parts(lambda part: part.category in (Category.PDU, Category.POWER_SHELF) and bool(part.power_ports))
def pwr020_no_feed(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A rack PDU or power shelf with an inlet and no feed above it (directly or through another
    PDU): everything plugged into it is dark. engineering.md 2.8, 2.9."""
    part = ctx.part(device_id)
    if part.category not in (Category.PDU, Category.POWER_SHELF) or not part.power_ports:
        return
    if not feeds_above(ctx, device_id):
        fed = len(consumers(ctx, device_id))
        yield Hit(f"{ctx.name(device_id)}: no feed (its {'inlet is' if len(part.power_ports) == 1 else 'inlets are'} "
                  f"not connected to one){f'; the {fed} cord(s) plugged into it carry no power' if fed else ''}",
                  (device_id,), {"inlets": [p.name for p in part.power_ports], "consumers": fed})


@rule("PWR-021", "PDU inlet does not match its feed", Severity.ERROR, Scope.DEVICE, RULES)
@candidates.parts(lambda part: part.category == Category.PDU)
def pwr021_inlet_on_feed(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A rack PDU's inlet and the feed cabled to it disagree (`power.inlets.feed_mismatches`): a
    single-phase inlet on a three-phase feed or the reverse, a feed voltage outside the inlet type's
    class, a breaker above the inlet's current (error: it does not protect the inlet and its cord)
    or below it (warning: the PDU's rating cannot be used). engineering.md 2.10 [IEC60309], [NEMA-WD6]."""
    if ctx.part(device_id).category != Category.PDU:
        return
    for found in feed_mismatches(ctx.design, device_id):
        yield Hit(f"{ctx.name(device_id)}: {found.text}", (device_id,), found.figures,
                  Severity.WARNING if found.severity == "warning" else None, aspect=found.aspect)
