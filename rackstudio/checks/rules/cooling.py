"""Qt-free. Cooling rules (engineering.md 3.8): heat to air against rack/row/hall air capacity, liquid
heat and flow against the CDUs on a coolant loop, CDU redundancy and temperatures, ASHRAE inlet
classes, airflow direction against the aisles, blanking, rear doors. Heat figures come from
`checks.metrics` (W; 1 W of IT power = 1 W of heat)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from rackstudio.checks import coolant
from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.checks.formulas import liquid_lpm
from rackstudio.checks.metrics import air_capacity, air_density_limit, device_heat, loop_fluid
from rackstudio.checks.phrasing import Basis
from rackstudio.checks.rule import Hit, Rule, RuleFn, Scope, Severity, rule
from rackstudio.checks.rules.cable_index import batched, device_kinds_firing, devices_by_part
from rackstudio.checks.rules.space import mounted
from rackstudio.model.geometry import FRONT_COVER
from rackstudio.model.parts import Category, PartType

RULES: list[Rule] = []

# COOL-007: coolant supply must stay this far above the room dew point (engineering.md 3.4 [RZ-CDU]).

# ASHRAE TC 9.9 2021 allowable inlet dry-bulb ranges, °C (engineering.md 3.2 [ASHRAE-CARD]; H1 [ATTOM]).
ASHRAE_ALLOWABLE = {"A1": (15.0, 32.0), "A2": (10.0, 35.0), "A3": (5.0, 40.0), "A4": (5.0, 45.0), "H1": (5.0, 25.0)}
ASHRAE_RECOMMENDED = {"H1": (18.0, 22.0)}
ASHRAE_RECOMMENDED_DEFAULT = (18.0, 27.0)


def _graded(ratio: float, warning: float) -> Severity | None:
    return Severity.ERROR if ratio > 1 else Severity.WARNING if ratio > warning else None


def _air_capacity(ctx: CheckContext, subject: str) -> tuple[str, Basis | None, float]:
    """(label, air-cooling capacity, heat to air W) of a rack, row or hall."""
    d, m = ctx.design, ctx.metrics
    if subject in d.racks:
        rack = d.racks[subject]
        return f"Rack {rack.name}", air_capacity(d, rack), m.rack(subject).heat_air_w
    if subject in d.rows:
        row = d.rows[subject]
        cap = row.air_cooling_capacity_kw
        return (f"Row {row.name}", Basis(cap * 1000, "air-cooling capacity", "set on the row") if cap else None,
                m.row_heat_air_w(subject))
    hall = d.halls[subject]
    if hall.air_cooling_capacity_kw:
        basis = Basis(hall.air_cooling_capacity_kw * 1000, "air-cooling capacity", "set on the hall")
    else:
        count, kw = m.hall_coolers(subject)
        basis = Basis(kw * 1000, "air-cooling capacity",
                      f"{count} CRAH and in-row cooler{'s' * (count != 1)}") if kw else None
    return f"Hall {hall.name}", basis, m.hall_heat_air_w(subject)


@rule("COOL-001", "Heat to air over the air-cooling capacity", Severity.ERROR,
      (Scope.RACK, Scope.ROW, Scope.HALL), RULES, measure="heat_air_w")
def cool001_air_capacity(ctx: CheckContext, subject: str) -> Iterator[Hit]:
    """Σ (1 − liquid_fraction) × P of a rack, row or hall against its air-cooling capacity (the
    record's air_cooling_capacity_kw; a hall without one sums its CRAH and in-row coolers): error
    above 100 %, warning above 80 % (U). engineering.md 3.6, 3.8."""
    label, cap, heat = _air_capacity(ctx, subject)
    if cap is None or not heat:
        return
    ratio = cap.ratio(heat)
    severity = _graded(ratio, ctx.settings.air_capacity_warning)
    if severity is not None:
        yield Hit(f"{label}: heat to air {cap.state(heat, above=ctx.settings.air_capacity_warning)}",
                  (subject,), {"heat_air_w": round(heat, 1), "capacity_w": cap.value, "ratio": round(ratio, 4)},
                  severity)


@rule("COOL-002", "Air-only rack above the air-density limit", Severity.WARNING, Scope.RACK, RULES,
      measure="load_w")
def cool002_air_density(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """An air-only rack drawing more than the site air-density limit (default 30 kW, U; 25-41 kW
    seen in practice, engineering.md 3.3 [FLASHGENIUS], [AIDCG-5.3])."""
    rack = ctx.design.racks[rack_id]
    if ctx.design.rack_type_of(rack).cooling_capability != "air-only":
        return
    load = ctx.metrics.rack(rack_id).checked_w
    limit = air_density_limit(ctx.design)
    if load > limit.value:
        yield Hit(f"Rack {rack.name}: air-only rack: {limit.state(load)}",
                  (rack_id,), {"load_w": round(load, 1), "limit_w": limit.value})


def _short_of_liquid(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """COOL-003's candidates: the devices needing liquid that are in an air-only rack or are not
    themselves on a loop with a CDU (one in a bay may be cooled by its chassis's loop: the rule
    says). Asking each of 12,000 devices' rack and served loop made the rule 48 ms at 1,000 racks."""
    design = ctx.design
    air_only: dict[str, bool] = {}
    for part, devices in devices_by_part(ctx):
        if not coolant.part_needs_liquid(part):
            continue
        for device in devices:
            fields = device.__dict__  # the record's own table, as cable_index._build reads them
            device_id = fields["id"]
            if not coolant.loop_of(ctx, device_id).cdus:
                yield device_id
                continue
            # ctx.rack_of, without its walk up the bays for a device in none
            rack_id = fields["rack"] if fields["parent"] is None else ctx.rack_of(device_id)
            if rack_id is None:
                continue
            found = air_only.get(rack_id)
            if found is None:
                found = air_only[rack_id] = design.rack_type_of(design.racks[rack_id]).cooling_capability == "air-only"
            if found:
                yield device_id


@rule("COOL-003", "Liquid-cooled device without liquid", Severity.ERROR, Scope.DEVICE, RULES,
      parts=coolant.part_needs_liquid)
@batched(_short_of_liquid, "devices")
def cool003_needs_liquid(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A device with a liquid share (cooling method liquid/hybrid/immersion or liquid_fraction > 0)
    in an air-only rack, or with no coolant path to a CDU (graph.queries.coolant_path). engineering.md 3.8."""
    if not coolant.needs_liquid(ctx, device_id):
        return
    name, share = ctx.name(device_id), coolant.liquid_fraction(ctx, device_id)
    what = f"{share * 100:.0f} % of its heat to liquid" if share else "liquid cooling"
    rack_id = ctx.rack_of(device_id)
    if rack_id is not None:
        rack = ctx.design.racks[rack_id]
        if ctx.design.rack_type_of(rack).cooling_capability == "air-only":
            yield Hit(f"{name} needs {what} but rack {rack.name} is air-only", (device_id, rack_id),
                      {"liquid_fraction": share}, aspect="rack")
    if not coolant.served_loop(ctx, device_id).cdus:
        yield Hit(f"{name} needs {what} but has no coolant path to a CDU", (device_id,),
                  {"liquid_fraction": share}, aspect="loop")


def _loop_load(ctx: CheckContext, cdu_id: str):
    """For the loop's first CDU only (one finding per loop): the loop, its CDU specs, the devices it
    cools and their liquid heat W. Once per pass: COOL-004/005/006/008 all read it."""
    return ctx.remember(("loop load", cdu_id), lambda: _work_out_loop_load(ctx, cdu_id))


def _work_out_loop_load(ctx: CheckContext, cdu_id: str):
    loop = coolant.loop_of(ctx, cdu_id)
    if not loop.cdus or loop.cdus[0] != cdu_id:
        return None
    # a device on the loop itself is served by it (the loop has a CDU): only bays' children are asked
    served = sorted(x for x in coolant.loop_devices(ctx, loop)
                    if coolant.loop_of(ctx, x) is loop or coolant.served_loop(ctx, x) == loop)
    heat = sum(device_heat(ctx, x).liquid_w for x in served)
    specs = {c: coolant.cdu_spec(ctx, c) for c in loop.cdus}
    return loop, specs, served, heat


def _loop_label(ctx: CheckContext, cdus: tuple[str, ...]) -> str:
    names = ", ".join(ctx.name(c) for c in cdus)
    return f"CDUs {names}" if len(cdus) > 1 else f"CDU {names}"


@rule("COOL-004", "CDU capacity exceeded", Severity.ERROR, Scope.CDU, RULES, measure="heat_liquid_w")
def cool004_cdu_capacity(ctx: CheckContext, cdu_id: str) -> Iterator[Hit]:
    """Σ heat to liquid of the devices on a coolant loop against the capacity of the loop's CDUs at
    their approach: error above 100 %, warning above 90 % (U). CDUs on one loop share its load.
    engineering.md 3.5, 3.7."""
    found = _loop_load(ctx, cdu_id)
    if found is None:
        return
    loop, specs, _, heat = found
    cap_w = sum(s.capacity_kw for s in specs.values()) * 1000
    if not heat:
        return
    cap = Basis(cap_w, "CDU capacity", f"{len(specs)} CDU{'s' * (len(specs) != 1)} at their approach")
    ratio = cap.ratio(heat)
    severity = _graded(ratio, ctx.settings.cdu_capacity_warning)
    if severity is not None:
        yield Hit(f"{_loop_label(ctx, loop.cdus)}: liquid heat "
                  f"{cap.state(heat, above=ctx.settings.cdu_capacity_warning)}", loop.cdus,
                  {"heat_liquid_w": round(heat, 1), "capacity_w": cap_w, "ratio": round(ratio, 4)}, severity)


@rule("COOL-005", "Coolant flow over the CDU's rated flow", Severity.ERROR, Scope.CDU, RULES,
      measure="flow_lpm")
def cool005_cdu_flow(ctx: CheckContext, cdu_id: str) -> Iterator[Hit]:
    """Required flow V̇ = 60,000 × Q ÷ (ρ × c_p × ΔT) with the loop's fluid, supply temperature and
    design ΔT (CoolProp table) against the CDUs' rated flow. engineering.md 3.4, worked example 6."""
    found = _loop_load(ctx, cdu_id)
    if found is None:
        return
    loop, specs, _, heat = found
    fluid, supply_c, dt_k = loop_fluid(ctx, loop)
    need = liquid_lpm(heat, fluid, supply_c, dt_k)
    rated = sum(s.flow_lpm for s in specs.values())
    if need > rated:
        yield Hit(f"{_loop_label(ctx, loop.cdus)}: {heat / 1000:.1f} kW needs {need:,.1f} L/min of {fluid} at "
                  f"{supply_c:g} °C, ΔT {dt_k:g} K; rated {rated:,.0f} L/min", loop.cdus,
                  {"heat_liquid_w": round(heat, 1), "flow_lpm": round(need, 2), "rated_lpm": rated})


@cache  # a handful of texts, asked for each device a loop cools (12,600 at 1,000 racks)
def _w_class(text: str | None) -> float | None:
    match = re.fullmatch(r"W(\d+)", (text or "").strip().upper())
    return float(match.group(1)) if match else None


@rule("COOL-006", "Coolant too warm for a device's W class", Severity.ERROR, Scope.CDU, RULES)
def cool006_w_class(ctx: CheckContext, cdu_id: str) -> Iterator[Hit]:
    """Loop supply temperature above the lowest ASHRAE W class (maximum facility-water °C) of the
    devices it cools. The facility-water + approach half of the rule needs facility water, which the
    model lacks. engineering.md 3.5 [COOLIT-NOTES], [LBNL-NOTE]."""
    found = _loop_load(ctx, cdu_id)
    if found is None:
        return
    loop, specs, served, _ = found
    classes = {x: _w_class(ctx.part(x).rackstudio.cooling.ashrae_w_class) for x in served}
    limits = [c for c in classes.values() if c is not None]
    if not limits:
        return
    lowest = min(limits)
    supply = max(s.supply_c for s in specs.values())
    if supply > lowest:
        too_warm = [x for x, c in classes.items() if c is not None and c < supply]
        yield Hit(f"{_loop_label(ctx, loop.cdus)}: supply {supply:g} °C is above W{lowest:g} of "
                  + ", ".join(ctx.name(x) for x in too_warm), loop.cdus,
                  {"supply_c": supply, "w_class_c": lowest, "devices": too_warm})


@rule("COOL-007", "Coolant below the dew point margin", Severity.ERROR, Scope.CDU, RULES)
def cool007_dew_point(ctx: CheckContext, cdu_id: str) -> Iterator[Hit]:
    """Loop supply temperature < room dew point + 2 °C: condensation (engineering.md 3.4 [RZ-CDU], 3.8)."""
    spec = coolant.cdu_spec(ctx, cdu_id)
    hall_id = ctx.hall_of(cdu_id)
    if spec is None or hall_id is None:
        return
    dew = ctx.design.halls[hall_id].dew_point_c
    if spec.supply_c < dew + ctx.settings.dew_point_margin_k:
        yield Hit(f"{ctx.name(cdu_id)}: supply {spec.supply_c:g} °C is within {ctx.settings.dew_point_margin_k:g} K of the "
                  f"room dew point {dew:g} °C", (cdu_id,), {"supply_c": spec.supply_c, "dew_point_c": dew})


def _pump_redundant(text: str) -> bool:
    text = text.replace(" ", "").upper()
    return text in ("2N", "N+N") or bool(re.fullmatch(r"N\+[1-9]\d*", text))


@rule("COOL-008", "CDU redundancy", Severity.WARNING, Scope.CDU, RULES, measure="heat_liquid_w")
def cool008_cdu_redundancy(ctx: CheckContext, cdu_id: str) -> Iterator[Hit]:
    """Losing one CDU of a loop (or a pump of a loop's only CDU, if it is not N+1) leaves less
    capacity than the load. engineering.md 3.7, 3.8."""
    found = _loop_load(ctx, cdu_id)
    if found is None:
        return
    loop, specs, _, heat = found
    if not heat:
        return
    if len(specs) == 1:
        spec = specs[cdu_id]
        if not _pump_redundant(spec.redundancy):
            yield Hit(f"{ctx.name(cdu_id)} is the only CDU on its loop and its pumps are {spec.redundancy} "
                      f"(no spare) for {heat / 1000:.1f} kW", loop.cdus,
                      {"heat_liquid_w": round(heat, 1), "redundancy": spec.redundancy})
        return
    largest = max(loop.cdus, key=lambda c: (specs[c].capacity_kw, c))
    left = sum(s.capacity_kw for c, s in specs.items() if c != largest) * 1000
    if left < heat:
        yield Hit(f"{_loop_label(ctx, loop.cdus)}: after loss of {ctx.name(largest)}, {left / 1000:g} kW left for "
                  f"{heat / 1000:.1f} kW", loop.cdus,
                  {"heat_liquid_w": round(heat, 1), "capacity_after_w": left, "failed": largest})


def _air_class(part: PartType) -> str:
    return (part.rackstudio.cooling.ashrae_air_class or "").strip().upper()


@rule("COOL-009", "Inlet temperature outside the ASHRAE class", Severity.ERROR, Scope.DEVICE, RULES,
      parts=lambda part: _air_class(part) in ASHRAE_ALLOWABLE)
def cool009_ashrae_class(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """The hall's supply air temperature outside the device's ASHRAE class: error outside the
    allowable range, warning outside the recommended 18-27 °C (H1 18-22 °C). engineering.md 3.2."""
    cls = _air_class(ctx.part(device_id))
    hall_id = ctx.hall_of(device_id)
    if cls not in ASHRAE_ALLOWABLE or hall_id is None:
        return
    temp = ctx.design.halls[hall_id].supply_air_c
    low, high = ASHRAE_ALLOWABLE[cls]
    rec_low, rec_high = ASHRAE_RECOMMENDED.get(cls, ASHRAE_RECOMMENDED_DEFAULT)
    figures = {"supply_air_c": temp, "allowable_c": [low, high], "recommended_c": [rec_low, rec_high]}
    if not low <= temp <= high:
        yield Hit(f"{ctx.name(device_id)} ({cls}): supply air {temp:g} °C outside the allowable {low:g}-{high:g} °C",
                  (device_id,), figures)
    elif not rec_low <= temp <= rec_high:
        yield Hit(f"{ctx.name(device_id)} ({cls}): supply air {temp:g} °C outside the recommended "
                  f"{rec_low:g}-{rec_high:g} °C", (device_id,), figures, Severity.WARNING)


_OPPOSITE = {"front": "rear", "rear": "front"}
_COMPASS = {"N": 0, "E": 1, "S": 2, "W": 3}


def cold_side(ctx: CheckContext, rack_id: str) -> str | None:
    """The side of a rack that faces the cold aisle: its row's cold_aisle, flipped when the rack
    faces the other way from its row; 'front' for a rack in no row; None when turned sideways."""
    rack = ctx.design.racks[rack_id]
    row = ctx.design.rows.get(rack.row) if rack.row else None
    if row is None:
        return "front"
    turn = (_COMPASS[rack.facing] - _COMPASS[row.facing]) % 4
    if turn == 0:
        return row.cold_aisle
    return _OPPOSITE[row.cold_aisle] if turn == 2 else None


def _intake_exhaust(airflow: str | None, face: str) -> tuple[str | None, str | None]:
    """Rack sides a device takes air in from and blows it out to, given the face it mounts on."""
    back = _OPPOSITE[face]
    return {"front-to-rear": (face, back), "rear-to-front": (back, face), "side-to-rear": (None, back),
            "rear-to-side": (back, None)}.get(airflow or "", (None, None))


def _has_airflow(part: PartType) -> bool:
    """A part whose airflow names the sides it takes air from or blows to (COOL-010 asks its devices)."""
    return _intake_exhaust(part.airflow, "front") != (None, None)


def _airflow_kinds_firing(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """COOL-010's candidates. What it finds on a mounted device depends on nothing but the part's
    airflow, the face it is mounted on and its rack's cold side (asked once per rack here): the
    rule asks one device of each kind, not 19,700 devices at 1,000 racks (32 ms)."""
    colds: dict[str, str | None] = {}

    def kind(fields: dict) -> tuple | None:
        rack_id = fields["rack"]
        if rack_id is None or fields["position"] is None:
            return None
        if rack_id not in colds:
            colds[rack_id] = cold_side(ctx, rack_id)
        return fields["face"], colds[rack_id]

    return device_kinds_firing(ctx, fn, _has_airflow, kind)


@rule("COOL-010", "Airflow against the aisles", Severity.ERROR, Scope.DEVICE, RULES, parts=_has_airflow)
@batched(_airflow_kinds_firing, "devices")
def cool010_airflow_direction(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A device that draws from the hot aisle or blows into the cold one, from its airflow, the face
    it is mounted on, the rack's facing and its row's cold-aisle side (engineering.md 3.3, 3.8)."""
    device = ctx.design.devices[device_id]
    if device.rack is None or device.position is None:
        return
    cold = cold_side(ctx, device.rack)
    intake, exhaust = _intake_exhaust(ctx.part(device_id).airflow, device.face)
    if cold is None or (intake in (None, cold) and exhaust != cold):
        return
    airflow = ctx.part(device_id).airflow
    problem = f"takes air from the hot {intake}" if intake not in (None, cold) else f"blows into the cold {exhaust}"
    yield Hit(f"{device.name} ({airflow}, mounted {device.face}) {problem} of rack "
              f"{ctx.design.racks[device.rack].name} (cold aisle at the {cold})", (device_id,),
              {"airflow": airflow, "face": device.face, "cold_side": cold})


@rule("COOL-011", "Open units without blanking panels", Severity.WARNING, Scope.RACK, RULES,
      measure="open_units", rack_internal=True)
def cool011_blanking(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Units open at the front of an air-cooled rack (air-only or hybrid) that holds unit-mounted
    gear: hot exhaust recirculates through them (engineering.md 3.3, 3.8)."""
    rack = ctx.design.racks[rack_id]
    rt = ctx.design.rack_type_of(rack)
    if rt.cooling_capability == "liquid-only":
        return
    spans = [m for m in mounted(ctx, rack_id) if m.stop > m.start]
    if not spans:
        return
    # a unit is two half-unit steps, each with a left and a right half (model.geometry.cells):
    # it is open unless both halves of both its steps are covered at the front. The steps are
    # bits of a mask (bit n: step n), not a table of steps: the rule took 25 ms of its own at
    # 1,000 racks
    at: dict[int, int] = {}  # what a span covers (Mounted.cover) → the steps it is covered at
    for m in spans:
        at[m.cover] = at.get(m.cover, 0) | ((1 << (m.stop - m.start)) - 1) << m.start
    shut = -1  # the steps both front halves are covered at
    for half in _FRONT_HALVES:
        steps = 0
        for cover, covered in at.items():
            if cover & half:
                steps |= covered
        shut &= steps
    units = ((1 << 2 * rt.u_height) - 1) << 2  # the steps 2u and 2u + 1 of units 1 to u_height
    if shut & units == units:
        return
    open_units = [u for u in range(1, rt.u_height + 1) if (shut >> 2 * u) & 3 != 3]
    if open_units:
        labels = [rt.unit_label(u) for u in open_units]
        yield Hit(f"Rack {rack.name}: {len(open_units)} open unit{'s' * (len(open_units) != 1)} without "
                  f"blanking panels ({_ranges(labels)})", (rack_id,), {"open_units": len(open_units)})


# the bits of FRONT_COVER one by one: the front left and the front right half of a step
_FRONT_HALVES = tuple(1 << n for n in range(FRONT_COVER.bit_length()) if FRONT_COVER >> n & 1)


def _ranges(labels: list[float]) -> str:
    runs: list[list[float]] = []
    for u in sorted(labels):
        if runs and u == runs[-1][1] + 1:
            runs[-1][1] = u
        else:
            runs.append([u, u])
    return ", ".join(f"U{a:g}" if a == b else f"U{a:g}-U{b:g}" for a, b in runs)


def _rdhx_cooler(part: PartType) -> bool:
    cooler = part.rackstudio.cooler
    return cooler is not None and cooler.kind == "rdhx"


def _with_rear_door(ctx: CheckContext, fn: RuleFn) -> list[str]:
    """COOL-012's candidates: the racks with a rear-door rating of their own, or every rack when
    any device is an RDHx cooler (asking 1,064 racks' devices for one took the rule 17 ms)."""
    design = ctx.design
    if any(_rdhx_cooler(part) for part, _ in devices_by_part(ctx)):
        return list(design.racks)
    return [rack_id for rack_id, rack in design.racks.items() if rack.rdhx_capacity_kw]


@rule("COOL-012", "Rear door over its rating", Severity.ERROR, Scope.RACK, RULES, measure="heat_air_w")
@batched(_with_rear_door, "racks")
def cool012_rdhx(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """A rack's heat to air over its rear-door heat exchanger rating (the rack's rdhx_capacity_kw
    plus any RDHx cooler mounted in it); passive doors ~35 kW, active ~60 kW (engineering.md 3.3 [YOBITEL])."""
    d = ctx.design
    rack = d.racks[rack_id]
    kw = rack.rdhx_capacity_kw or 0.0
    for x in ctx.rack_devices(rack_id):
        part = ctx.part(x)
        if _rdhx_cooler(part):
            kw += part.rackstudio.cooler.capacity_kw
    heat = ctx.metrics.rack(rack_id).heat_air_w
    if kw and heat > kw * 1000:
        door = Basis(kw * 1000, "rear-door rating", "rack's rdhx_capacity_kw and RDHx coolers in it")
        yield Hit(f"Rack {rack.name}: heat to air {door.state(heat)}", (rack_id,), {"heat_air_w": round(heat, 1), "capacity_w": kw * 1000})


# Passive parts, and infrastructure that passes power on (its losses are not modelled).
_NO_HEAT = PASS_THROUGH | {Category.BLANK, Category.CABLE_MANAGER, Category.PATCH_PANEL}


def _without_airflow(part: PartType) -> bool:
    """A part that gives off heat and has no airflow figure: COOL-013 asks its device's draw."""
    return part.category not in _NO_HEAT and part.rackstudio.cooling.airflow_cfm is None


def _unknown_draw_kinds(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """COOL-013's candidates. Whether a device's draw is known depends on nothing but its part and
    whether it has an allocation of its own (power.draw.device_draw: optics add watts, never
    figures): the rule asks one device of each kind, not 15,700 devices at 1,000 racks (18 ms)."""
    return device_kinds_firing(ctx, fn, _without_airflow, lambda fields: fields["allocated_w"] is None)


@rule("COOL-013", "Device without heat or airflow data", Severity.WARNING, Scope.DEVICE, RULES,
      parts=_without_airflow)
@batched(_unknown_draw_kinds, "devices")
def cool013_no_heat_data(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A powered device with no power figures (so no heat) and no airflow: left out of heat and
    airflow sums (engineering.md 3.8)."""
    part = ctx.part(device_id)
    if _without_airflow(part) and not ctx.draw(device_id).known:
        yield Hit(f"{ctx.name(device_id)} ({part.model}): no power or airflow figures; left out of heat sums",
                  (device_id,))
