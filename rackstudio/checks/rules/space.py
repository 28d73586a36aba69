"""Qt-free. Space and structure rules (engineering.md 5.7): unit collisions and footprint overlaps,
depth and rails, rack weight and centre of gravity, floor and tile loads, aisles, row length,
clearances, unit systems. Lengths in mm, masses in kg, floor loads in kg/m²."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from rackstudio.checks.context import CheckContext, descendants
from rackstudio.checks.metrics import weight_rating
from rackstudio.checks.rule import Hit, Measure, Rule, Scope, Severity, rule
from rackstudio.checks.rules.cable_index import Candidates, batched
from rackstudio.model import geometry
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.model.units import UNIT_MM

RULES: list[Rule] = []

# Floor-tile load shares: IBM site-planning rules, not project choices:
TILE_SHARE_STATIC = 1 / 3  # SPC-007: a tile takes ⅓ of a rack's weight, ½ while rolling [IBM-FLOOR]
TILE_SHARE_ROLLING = 1 / 2

_NORMAL = {"N": (0, -1), "S": (0, 1), "E": (1, 0), "W": (-1, 0)}


OVERLAPS_LISTED = 500  # pairs per rack or hall floor; past that one finding says there are more


def _listed(pairs: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str] | None]:
    """The first OVERLAPS_LISTED pairs, then None if there are more. A file with a thousand
    devices in one spot would otherwise make half a million findings (12 s and 1.5 GB to check;
    3,000 would not fit in memory): the search stops instead."""
    for n, pair in enumerate(pairs):
        if n == OVERLAPS_LISTED:
            yield None
            return
        yield pair


@rule("SPC-001", "Unit collision or device outside its rack", Severity.ERROR, (Scope.RACK, Scope.FLOOR), RULES, rack_internal=True)
def spc001_collisions(ctx: CheckContext, subject: str) -> Iterator[Hit]:
    """Two devices claiming the same unit on one face (or either face for full-depth gear), a device
    past its rack's units (model.geometry, model.integrity.warnings); on a hall floor, rack and
    floor-equipment footprints that overlap. engineering.md 5.6."""
    d = ctx.design
    if subject in d.halls:
        hall = d.halls[subject].name
        for pair in _listed(geometry.floor_overlaps(d, subject)):
            if pair is None:
                yield Hit(f"more than {OVERLAPS_LISTED} overlaps on the floor of {hall}: the first {OVERLAPS_LISTED} "
                          "are listed; fix those and check again", (subject,), aspect="floor-more")
                break
            a, b = pair
            yield Hit(f"{ctx.name(a)} and {ctx.name(b)} overlap on the floor of {hall}", (a, b), aspect="floor")
        return
    rack = d.racks[subject]
    rt = d.rack_type_of(rack)
    spans = mounted(ctx, subject)
    for m in spans:
        device, height = m.device, m.height
        if device.position < 1 or device.position + height - 1 > rt.u_height:
            yield Hit(f"{device.name} at U{device.position:g} ({height:g}U) is outside rack {rack.name} "
                      f"(U1-U{rt.u_height})", (m.device_id,), {"position": device.position, "height_u": height,
                                                             "rack_units": rt.u_height}, aspect="outside")
    for pair in _listed(iter(geometry.overlaps(d, subject, spans))):
        if pair is None:
            yield Hit(f"more than {OVERLAPS_LISTED} overlaps in rack {rack.name}: the first {OVERLAPS_LISTED} are "
                      "listed; fix those and check again", (subject,), aspect="more")
            break
        a, b = pair
        yield Hit(f"{d.devices[a].name} and {d.devices[b].name} overlap in rack {rack.name}", (a, b))


@rule("SPC-002", "Device deeper than its rack or rails", Severity.ERROR, Scope.DEVICE, RULES, rack_internal=True,
      parts=lambda part: part.rackstudio.depth_mm is not None or part.rackstudio.rail_range_mm is not None)
def spc002_depth(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Device depth + front setback > the rack's depth; or the rail kit's range excludes the rack's
    mounting depth. engineering.md 5.5 (DGX 897.1 mm [NV-H100UG]; QM9700 660 mm [RK-3287])."""
    device = ctx.design.devices[device_id]
    if device.rack is None or device.position is None:
        return
    ext = ctx.part(device_id).rackstudio
    rack = ctx.design.racks[device.rack]
    rt = ctx.design.rack_type_of(rack)
    usable = rt.outer_depth_mm - ctx.settings.front_setback_mm
    if ext.depth_mm is not None and ext.depth_mm > usable:
        yield Hit(f"{device.name}: {ext.depth_mm:g} mm deep in rack {rack.name} with {usable:g} mm of depth",
                  (device_id,), {"depth_mm": ext.depth_mm, "usable_mm": usable}, aspect="depth")
    if ext.rail_range_mm is not None:
        low, high = ext.rail_range_mm
        if not low <= rt.mounting_depth_mm <= high:
            yield Hit(f"{device.name}: rails fit {low:g}-{high:g} mm, rack {rack.name} mounts at "
                      f"{rt.mounting_depth_mm:g} mm", (device_id,),
                      {"rail_range_mm": [low, high], "mounting_depth_mm": rt.mounting_depth_mm}, aspect="rails")


def _unknown(count: int) -> str:
    return f"; {count} device{'s' * (count != 1)} without a weight" if count else ""


@rule("SPC-003", "Rack over its static load rating", Severity.ERROR, Scope.RACK, RULES, measure="weight_kg", rack_internal=True)
def spc003_rack_weight(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Σ weight (empty rack + devices; liquid and cables are not modelled) > the rack's static rating
    (max_weight_kg): error; above 90 % (U), warning. engineering.md 5.2, 5.6."""
    rack = ctx.design.racks[rack_id]
    rating = weight_rating(ctx.design, rack)
    m = ctx.metrics.rack(rack_id)
    if rating is None:
        return
    ratio = rating.ratio(m.weight_kg)
    if ratio > ctx.settings.weight_warning:
        yield Hit(f"Rack {rack.name}: {rating.state(m.weight_kg, above=ctx.settings.weight_warning)}"
                  + _unknown(len(m.unknown_weight)), (rack_id,),
                  {"weight_kg": round(m.weight_kg, 1), "rating_kg": rating.value, "ratio": round(ratio, 4)},
                  Severity.ERROR if ratio > 1 else Severity.WARNING)


@rule("SPC-004", "Integrated rack over its rolling rating", Severity.ERROR, Scope.RACK, RULES,
      measure="weight_kg", rack_internal=True)
def spc004_rolling_load(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """A rack that ships integrated (moved loaded) weighs more than its rolling rating
    (engineering.md 5.2: static vs rolling)."""
    rack = ctx.design.racks[rack_id]
    rt = ctx.design.rack_type_of(rack)
    weight = ctx.metrics.rack(rack_id).weight_kg
    if rt.ships_integrated and rt.rolling_load_kg is not None and weight > rt.rolling_load_kg:
        yield Hit(f"Rack {rack.name} ships integrated: {weight:,.0f} kg on a {rt.rolling_load_kg:,.0f} kg rolling "
                  "rating", (rack_id,), {"weight_kg": round(weight, 1), "rolling_kg": rt.rolling_load_kg})


def mounted(ctx: CheckContext, rack_id: str) -> list[geometry.Mounted]:
    """The rack's unit-mounted devices as spans (geometry.mounted), once per pass for the rack's
    rules that read them (SPC-001, SPC-005, COOL-011)."""
    return ctx.remember(("mounted", rack_id), lambda: geometry.mounted(ctx.design, rack_id))


def _mounted(ctx: CheckContext, rack_id: str) -> list[tuple[str, float, float]]:
    """(device, kg with its children, centre height mm) of each unit-mounted device with a weight."""
    d = ctx.design
    unit_mm = d.rack_type_of(d.racks[rack_id]).unit_mm
    out = []
    for m in mounted(ctx, rack_id):
        dev_id = m.device_id
        if d.contents(dev_id):
            kg = sum(w for x in (dev_id, *sorted(descendants(d, dev_id))) if (w := ctx.part(x).weight_kg))
        else:
            kg = m.part.weight_kg or 0
        if kg:
            out.append((dev_id, kg, (m.device.position - 1 + m.height / 2) * unit_mm))
    return out


@rule("SPC-005", "Top-heavy rack", Severity.WARNING, Scope.RACK, RULES, rack_internal=True)
def spc005_centre_of_gravity(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Centre of gravity of the mounted devices (Σ m·h ÷ Σ m) above 50 % of the rack height (U), or
    the heaviest device in the upper half with a lighter one below it and none as heavy in the
    lower half. engineering.md 5.6, 5.7."""
    rack = ctx.design.racks[rack_id]
    rt = ctx.design.rack_type_of(rack)
    mounted = _mounted(ctx, rack_id)
    total = sum(kg for _, kg, _ in mounted)
    if not total:
        return
    height = rt.u_height * rt.unit_mm
    cog = sum(kg * h for _, kg, h in mounted) / total
    if cog > ctx.settings.cog_limit * height:
        yield Hit(f"Rack {rack.name}: centre of gravity at {cog:,.0f} mm, above {ctx.settings.cog_limit * 100:.0f} % of its "
                  f"{height:,.0f} mm", (rack_id,), {"cog_mm": round(cog, 1), "height_mm": height}, aspect="cog")
    heavy, kg, h = max(mounted, key=lambda x: (x[1], x[0]))
    lighter_below = [x for x, w, hh in mounted if w < kg and hh < h]
    # as heavy a device in the lower half too: the weight is spread (an NVL72's compute trays around
    # its switch trays, the vendor's fixed layout), and the centre of gravity above says the rest
    heavy_low = any(w >= kg and hh <= height / 2 for _, w, hh in mounted)
    if h > height / 2 and lighter_below and not heavy_low:
        yield Hit(f"Rack {rack.name}: the heaviest device {ctx.name(heavy)} ({kg:,.0f} kg) sits in the upper half "
                  f"above lighter ones", (rack_id, heavy), {"weight_kg": kg, "centre_mm": round(h, 1)},
                  aspect="heaviest")


def _footprint_m2(ctx: CheckContext, rack_id: str) -> tuple[float, float]:
    rt = ctx.design.rack_type_of(ctx.design.racks[rack_id])
    return rt.outer_width_mm / 1000, rt.outer_depth_mm / 1000


@rule("SPC-006", "Floor load over the floor rating", Severity.ERROR, Scope.RACK, RULES, measure="load_kg_m2", rack_internal=True)
def spc006_floor_load(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """Rack weight ÷ footprint > the hall's floor rating (kg/m²); the load spread over the footprint
    plus half of a cold aisle front and rear is given too. Worked example 8: 1,360 kg on
    0.6 × 1.2 m = 1,889 kg/m², 944 kg/m² with the aisle share [IBM-FLOOR], [HP-RP7400]."""
    rack = ctx.design.racks[rack_id]
    rating = ctx.design.halls[rack.hall].floor_rating_kg_m2
    if rating is None:
        return
    weight = ctx.metrics.rack(rack_id).weight_kg
    w, dp = _footprint_m2(ctx, rack_id)
    load = weight / (w * dp)
    spread = weight / (w * (dp + ctx.settings.cold_aisle_min_mm / 1000))
    if load > rating:
        yield Hit(f"Rack {rack.name}: {weight:,.0f} kg on {w:.2f} × {dp:.2f} m = {load:,.0f} kg/m² > {rating:,.0f} "
                  f"kg/m² floor rating ({spread:,.0f} kg/m² with half the aisles)", (rack_id,),
                  {"weight_kg": round(weight, 1), "load_kg_m2": round(load, 1), "rating_kg_m2": rating,
                   "with_aisle_kg_m2": round(spread, 1)})


@rule("SPC-007", "Tile point load", Severity.ERROR, Scope.RACK, RULES, measure="tile_load_kg", rack_internal=True)
def spc007_tile_load(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """The load one tile takes — ⅓ of the rack weight standing, ½ while rolling for a rack that ships
    integrated [IBM-FLOOR] — above the hall's tile point-load rating (engineering.md 5.3)."""
    rack = ctx.design.racks[rack_id]
    rating = ctx.design.halls[rack.hall].tile_point_load_kg
    if rating is None:
        return
    rt = ctx.design.rack_type_of(rack)
    share = TILE_SHARE_ROLLING if rt.ships_integrated else TILE_SHARE_STATIC
    weight = ctx.metrics.rack(rack_id).weight_kg
    if weight * share > rating:
        how = "rolling" if rt.ships_integrated else "standing"
        yield Hit(f"Rack {rack.name}: {weight * share:,.0f} kg on one tile ({how}, {share:.2f} of {weight:,.0f} kg) > "
                  f"{rating:,.0f} kg tile rating", (rack_id,),
                  {"tile_load_kg": round(weight * share, 1), "rating_kg": rating})


def _row_box(ctx: CheckContext, row_id: str) -> tuple[float, float, float, float] | None:
    boxes = [geometry.rack_footprint(ctx.design, ctx.design.racks[r])
             for r in sorted(ctx.design.contents(row_id)) if r in ctx.design.racks]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _aisles(ctx: CheckContext, hall_id: str) -> Iterator[tuple[str, str, str, float]]:
    """(row, row, 'front'|'rear', gap mm) for each pair of rows whose fronts (or rears) face each
    other across an aisle with nothing between them."""
    rows = [(r.id, r, box) for r in sorted(ctx.design.rows.values(), key=lambda r: r.id)
            if r.hall == hall_id and (box := _row_box(ctx, r.id)) is not None]
    for i, (ida, ra, ba) in enumerate(rows):
        for idb, rb, bb in rows[i + 1:]:
            na, nb = _NORMAL[ra.facing], _NORMAL[rb.facing]
            if na != tuple(-x for x in nb):
                continue
            axis = 0 if na[0] else 1
            lo, hi = (ba, bb) if ba[axis] <= bb[axis] else (bb, ba)
            other = 1 - axis
            if min(lo[other + 2], hi[other + 2]) <= max(lo[other], hi[other]):
                continue  # no overlap across the aisle
            gap = hi[axis] - lo[axis + 2]
            if gap <= 0 or _between(rows, lo, hi, axis, {ida, idb}):
                continue
            lo_faces_plus = (na if lo is ba else nb)[axis] > 0
            yield ida, idb, "front" if lo_faces_plus else "rear", gap


def _between(rows, lo, hi, axis: int, skip: set[str]) -> bool:
    other = 1 - axis
    for row_id, _, box in rows:
        if row_id in skip:
            continue
        if box[axis] >= lo[axis + 2] and box[axis + 2] <= hi[axis] and \
                min(box[other + 2], hi[other + 2]) > max(box[other], hi[other]):
            return True
    return False


@rule("SPC-008", "Cold aisle too narrow", Severity.ERROR, Scope.FLOOR, RULES,
      measure=Measure("width_mm", higher_is_worse=False))
def spc008_aisle_width(ctx: CheckContext, hall_id: str) -> Iterator[Hit]:
    """The aisle between two rows whose cold sides face each other is narrower than the minimum
    (1.2 m, TIA-942 as quoted [PDV], [RISA]; a setting). Overhead clearance needs a ceiling height,
    which the model lacks. engineering.md 5.4."""
    minimum = ctx.settings.cold_aisle_min_mm
    for a, b, sides, gap in _aisles(ctx, hall_id):
        ra, rb = ctx.design.rows[a], ctx.design.rows[b]
        if sides in (ra.cold_aisle, rb.cold_aisle) and gap < minimum:
            yield Hit(f"Cold aisle between rows {ra.name} and {rb.name}: {gap / 1000:.2f} m < {minimum / 1000:.2f} m",
                      (a, b), {"width_mm": round(gap, 1), "minimum_mm": minimum})


@rule("SPC-009", "Row too long", Severity.WARNING, Scope.ROW, RULES, measure="racks")
def spc009_row_length(ctx: CheckContext, row_id: str) -> Iterator[Hit]:
    """More than 20 racks in a row ([RISA]; a setting). Dead-end aisles (≤ 10 racks) need exits in
    the model and are not checked. engineering.md 5.4."""
    count = sum(1 for r in ctx.design.contents(row_id) if r in ctx.design.racks)
    limit = ctx.settings.max_row_racks
    if count > limit:
        yield Hit(f"Row {ctx.design.rows[row_id].name}: {count} racks (at most {limit})", (row_id,),
                  {"racks": count, "limit": limit})


def _distance_to_box(x: float, y: float, box: tuple[float, float, float, float]) -> float:
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return (dx * dx + dy * dy) ** 0.5


@rule("SPC-010", "Clearance to a panel or wall", Severity.ERROR, Scope.RACK, RULES,
      measure=Measure("clearance_mm", higher_is_worse=False))
def spc010_clearances(ctx: CheckContext, rack_id: str) -> Iterator[Hit]:
    """A rack within 914 mm of an electrical panel (NFPA 70 110.26 [RF-NEC]; panels are points in
    the model, so any side counts): error. Its front or rear within 1.2 m of the hall wall [NL]:
    warning. engineering.md 5.4."""
    d = ctx.design
    rack = d.racks[rack_id]
    hall = d.halls[rack.hall]
    box = geometry.rack_footprint(d, rack)
    for panel in sorted(d.panels.values(), key=lambda p: p.id):
        if panel.hall != rack.hall or panel.x_mm is None or panel.y_mm is None:
            continue
        gap = _distance_to_box(panel.x_mm, panel.y_mm, box)
        if gap < ctx.settings.panel_clearance_mm:
            yield Hit(f"Rack {rack.name} is {gap:,.0f} mm from panel {panel.name} (needs {ctx.settings.panel_clearance_mm:g} mm)",
                      (rack_id, panel.id), {"clearance_mm": round(gap, 1), "minimum_mm": ctx.settings.panel_clearance_mm},
                      aspect="panel")
    nx, ny = _NORMAL[rack.facing]
    walls = {(1, 0): hall.width_mm - box[2], (-1, 0): box[0], (0, 1): hall.depth_mm - box[3], (0, -1): box[1]}
    for side, normal in (("front", (nx, ny)), ("rear", (-nx, -ny))):
        gap = walls[normal]
        if gap < ctx.settings.wall_clearance_mm:
            yield Hit(f"Rack {rack.name}: its {side} is {gap:,.0f} mm from the wall of {hall.name} "
                      f"(needs {ctx.settings.wall_clearance_mm:g} mm)", (rack_id,),
                      {"clearance_mm": round(gap, 1), "minimum_mm": ctx.settings.wall_clearance_mm}, Severity.WARNING, aspect=side)


def _mounted_where(differ: Callable[[PartType, RackType], bool]) -> Candidates:
    """The devices mounted in a rack whose part and rack type `differ` (SPC-011, SPC-012), each
    pair of a part and a rack type asked once: a full run's candidates (cable_index.batched)."""

    def candidates(ctx: CheckContext, fn: object) -> Iterator[str]:
        d = ctx.design
        asked: dict[tuple[int, str], bool] = {}
        for device_id, device in d.devices.items():
            if device.rack is None or device.position is None:
                continue
            part, rack_type = ctx.part(device_id), d.racks[device.rack].rack_type
            key = (id(part), rack_type)
            found = asked.get(key)
            if found is None:
                found = asked[key] = differ(part, d.rack_types[rack_type])
            if found:
                yield device_id

    return candidates


def _other_width(part: PartType, rt: RackType) -> bool:
    return part.u_height != 0 and part.rackstudio.width_class != rt.width_class


@rule("SPC-011", "Width class mismatch", Severity.ERROR, Scope.DEVICE, RULES, rack_internal=True)
@batched(_mounted_where(_other_width), "devices")
def spc011_width_class(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """21-inch Open Rack gear in a 19-inch rack, or 19-inch EIA gear in a 21-inch ORv3 bay (adapters
    needed). engineering.md 1.5, 5.1 [WIKI-OR]."""
    device = ctx.design.devices[device_id]
    part = ctx.part(device_id)
    if device.rack is None or device.position is None:
        return
    rack = ctx.design.racks[device.rack]
    rt = ctx.design.rack_type_of(rack)
    if _other_width(part, rt):
        yield Hit(f"{device.name} is {part.rackstudio.width_class} gear in {rt.width_class} rack {rack.name}",
                  (device_id,), {"device_width": part.rackstudio.width_class, "rack_width": rt.width_class})


def _other_units(part: PartType, rt: RackType) -> bool:
    return part.u_height >= 1 and part.rackstudio.unit_system != rt.unit_system


@rule("SPC-012", "Space lost to unit-system conversion", Severity.INFO, Scope.DEVICE, RULES, rack_internal=True)
@batched(_mounted_where(_other_units), "devices")
def spc012_unit_conversion(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A device of one unit system in a rack of the other takes whole units of the rack's system:
    ceil(n × 48 ÷ 44.45) U for OU gear in EIA racks (worked example 9: 1 OU → 2U, 40.9 mm lost)."""
    device = ctx.design.devices[device_id]
    part = ctx.part(device_id)
    if device.rack is None or device.position is None:
        return
    rt = ctx.design.rack_type_of(ctx.design.racks[device.rack])
    if not _other_units(part, rt):
        return
    system = part.rackstudio.unit_system
    units = geometry.height_in_rack(part, rt)
    lost = units * rt.unit_mm - part.u_height * UNIT_MM[system]
    yield Hit(f"{device.name}: {part.u_height:g} {system.value.upper()} ({part.u_height * UNIT_MM[system]:.1f} mm) "
              f"takes {units:g} {rt.unit_system.value.upper()} here, {lost:.1f} mm lost", (device_id,),
              {"units": units, "lost_mm": round(lost, 1)})
