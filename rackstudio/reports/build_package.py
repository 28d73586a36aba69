"""Qt-free. The build package of a rack design: what a factory needs to build one rack of it.

The rack design is materialised alone in a scratch design (`commands.rack_designs.scratch`) and
read like any rack: its bill of materials (manufacturer part numbers and quantities, the optics in
its internal cables' cages with their unit power, as the design's BOM counts them), its internal
cable schedule (label, ends with their breakout legs, connector types, media, length, the side it
runs on, the optic at each end and the fibre), its power and
coolant interfaces (what connects to the site: inlets with their connectors and ratings, manifold
ports with the flow they need), weight empty and loaded with the centre of gravity, and the checks
run on the rack as built (a rack alone, before feeds and coolant are connected on site). The PDF is
drawn by ui.build_export; CSV and XLSX hold the same tables.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rackstudio.checks import CheckEngine, builtin_registry
from rackstudio.checks.rule import Finding
from rackstudio.commands.rack_designs import scratch
from rackstudio.errors import RackStudioError
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design, Device, PortRef, RackDesign
from rackstudio.model.parts import Category, PartType
from rackstudio.model.units import UNIT_MM
from rackstudio.power.inlets import inlet_rating, pdu_inlet
from rackstudio.reports.bom import OpticLine, optic_lines
from rackstudio.reports.cable_schedule import fibre_text, optic_text
from rackstudio.reports.csv_out import write_rows
from rackstudio.reports.xlsx import write_xlsx

RACK = "rk"  # the scratch rack's id


class NoRackDesign(RackStudioError):
    exit_code = 64


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class BuildPackage:
    rd: RackDesign
    design: Design  # the scratch design: one rack holding the rack design
    tables: list[Table]
    weight_empty_kg: float
    weight_loaded_kg: float
    unknown_weight: list[str]  # devices whose part gives no weight
    cog_mm: float  # centre of gravity above the bottom of unit 1
    cog_fraction: float  # ... as a share of the rack's unit span
    findings: list[Finding]
    rules_run: list[str]

    def table(self, title: str) -> Table:
        return next(t for t in self.tables if t.title == title)


def find(design: Design, name: str) -> RackDesign:
    """The rack design called `name` (its name or its slug)."""
    for rd in design.rack_designs.values():
        if name in (rd.slug, rd.name):
            return rd
    known = ", ".join(sorted(rd.name for rd in design.rack_designs.values())) or "none"
    raise NoRackDesign(f"there is no rack design {name!r} (rack designs: {known})")


def build(design: Design, name: str) -> BuildPackage:
    rd = find(design, name)
    built = scratch(design, rd)
    engine = CheckEngine(built, ComponentGraph(built), builtin_registry())
    findings = engine.run_full()
    metrics = engine.rack_metrics(RACK)
    rt = built.rack_types[rd.rack_type]
    devices = sorted(built.devices.values(), key=_place_key)
    empty = rt.weight_kg
    cog, unknown = _centre_of_gravity(built, devices)
    optics = optic_lines(built)
    tables = [_bom(built, devices, optics), _sourcing(built, devices, optics), _cables(built),
              _power_interfaces(built, devices),
              _coolant_interfaces(built, devices, metrics.liquid_lpm, metrics.heat_liquid_w),
              _rules(engine, findings)]
    span = rt.u_height * rt.unit_mm
    return BuildPackage(rd, built, tables, empty, metrics.weight_kg, unknown, cog, cog / span if span else 0.0,
                        findings, engine.rules_run())


def _place_key(d: Device):
    return (d.position is None, -(d.position or 0), d.side or "", d.face, d.name)


def _name(design: Design, device_id: str) -> str:
    return design.devices[device_id].name


def _bom(design: Design, devices: list[Device], optics: list[OpticLine]) -> Table:
    """The rack, its devices by part, and the transceivers in its internal cables' cages (one per
    cage, `reports.bom.optic_lines`) with their unit power; a fibre end still without one is listed
    as to choose."""
    counts = Counter(d.part for d in devices)
    rack = design.racks[RACK]
    rt = design.rack_type_of(rack)
    table = Table("Bill of materials", ["Item", "Manufacturer", "Model", "Part number", "Library slug", "Category",
                                        "Quantity", "Unit weight kg", "Weight kg", "Unit power W"])
    table.rows.append(["rack", rt.manufacturer, rt.model, "", rt.slug, "rack", 1, rt.weight_kg, rt.weight_kg, None])
    for slug in sorted(counts, key=lambda s: (design.part_types[s].category.value, s)):
        part: PartType = design.part_types[slug]
        w = part.weight_kg
        table.rows.append(["device", part.manufacturer, part.model, part.part_number or "", slug, part.category.value,
                           counts[slug], w, None if w is None else round(w * counts[slug], 2), None])
    for o in optics:
        table.rows.append(["optic", o.manufacturer, o.item, o.part_number, o.slug, "transceiver", o.total, None, None,
                           o.unit_w])
    return table


UNKNOWN = "(not given)"


def _sourcing(design: Design, devices: list[Device], optics: list[OpticLine]) -> Table:
    """The devices and optics rolled up by supplier and by country of origin (the parts' `sourcing`;
    an optic carries none, so it counts under "(not given)"), with each group's share of the content
    by count and, for parts with a unit price (in one currency), its share of the priced content's
    value."""
    table = Table("Sourcing", ["By", "Name", "Quantity", "Share by count", "Value", "Share by value",
                               "Longest lead time weeks"])
    currencies = {s.currency for d in devices if (s := design.part_of(d).rackstudio.sourcing) and s.currency}
    fitted = sum(o.total for o in optics)
    for by in ("supplier", "country"):
        count: Counter = Counter()
        value: Counter = Counter()
        lead: dict[str, float] = {}
        for d in devices:
            s = design.part_of(d).rackstudio.sourcing
            key = (getattr(s, by) if s is not None else None) or UNKNOWN
            count[key] += 1
            if s is not None and s.unit_price is not None:
                value[key] += s.unit_price
            if s is not None and s.lead_time_weeks is not None:
                lead[key] = max(lead.get(key, 0.0), s.lead_time_weeks)
        if fitted:
            count[UNKNOWN] += fitted
        total, worth = sum(count.values()), sum(value.values())
        for key in sorted(count, key=lambda k: (-count[k], k)):
            share_value = f"{value[key] / worth:.0%}" if key in value and worth and len(currencies) <= 1 else ""
            table.rows.append([by, key, count[key], f"{count[key] / total:.0%}",
                               round(value[key], 2) if key in value else None, share_value, lead.get(key)])
    return table


def _connector(design: Design, owner: str, kind: str, port: str) -> str:
    part = design.part_of(design.devices[owner])
    if kind == "power":
        for p in (*part.power_ports, *part.power_outlets):
            if p.name == port:
                return p.type or ""
    elif kind == "network":
        for p in (*part.interfaces, *part.front_ports, *part.rear_ports):
            if p.name == port:
                return p.type or ""
    else:
        for p in part.rackstudio.cooling.coolant_ports:
            if p.name == port:
                return p.connector or p.role
    return ""


def cable_side(design: Design, a: str, b: str) -> str:
    """Where a cable between two devices of a rack runs: the side channel of a 0U end (left or
    right), else the face the ends mount on (front, rear, or 'front to rear')."""
    ends = [design.devices[x] for x in (a, b)]
    for d in ends:
        while d.parent is not None and d.parent in design.devices:
            d = design.devices[d.parent]
        if d.position is None and d.side is not None:
            return d.side
    faces = {d.face for d in ends}
    return faces.pop() if len(faces) == 1 else "front to rear"


def _port(end: PortRef) -> str:
    return end.port if end.leg is None else f"{end.port} leg {end.leg}"


def _cables(design: Design) -> Table:
    """The internal cable schedule: ends (a broken-out port's leg with its port), connectors, media,
    length, side, and the optic at each end with the fibre, as the design's cable schedule names them."""
    table = Table("Internal cables", ["Label", "Kind", "From", "From port", "From connector", "To", "To port",
                                      "To connector", "Media", "Length m", "Side", "From optic", "To optic", "Fibre"])
    for c in sorted(design.connections.values(), key=lambda c: (c.kind, c.label or "", c.id)):
        table.rows.append([c.label or c.id.split(".", 1)[-1], c.kind, _name(design, c.a.owner), _port(c.a),
                           _connector(design, c.a.owner, c.kind, c.a.port), _name(design, c.b.owner), _port(c.b),
                           _connector(design, c.b.owner, c.kind, c.b.port), c.media or "",
                           c.length_m, cable_side(design, c.a.owner, c.b.owner), optic_text(c.a_end),
                           optic_text(c.b_end), fibre_text(c)])
    return table


def _used(design: Design, kind: str) -> set[tuple[str, str]]:
    return {(e.owner, e.port) for c in design.connections.values() if c.kind == kind for e in (c.a, c.b)}


def _power_interfaces(design: Design, devices: list[Device]) -> Table:
    """Power inputs no internal cable feeds: what the site's feeds connect to."""
    used = _used(design, "power")
    table = Table("Power interfaces", ["Device", "Inlet", "Connector", "Rating"])
    for d in devices:
        part = design.part_of(d)
        for p in part.power_ports:
            if (d.id, p.name) in used:
                continue
            if part.category == Category.PDU:
                rating = _pdu_rating(design, d.id)
            elif part.rackstudio.shelf is not None:
                s = part.rackstudio.shelf
                rating = f"{s.psu_count} × {s.psu_rating_w:g} W PSUs ({s.redundancy}), {s.output_v:g} V out"
            else:
                rating = f"{p.maximum_draw:g} W maximum draw" if p.maximum_draw is not None else ""
            table.rows.append([d.name, p.name, p.type or "", rating])
    return table


def _pdu_rating(design: Design, device_id: str) -> str:
    """A PDU's inlet rating as the checks take it (`power.inlets.inlet_rating`: its figures, or its
    inlet type's), or its inlet type's voltage class when the current must come from the site's feed."""
    rating = inlet_rating(design, device_id)
    if rating is not None:
        s = rating.spec
        return f"{s.inlet_voltage_v:g} V {s.inlet_phase} {s.inlet_amperage_a:g} A"
    found = pdu_inlet(design.part_of(design.devices[device_id]))
    if found is None or found.class_v is None:
        return ""
    low, high = found.class_v
    return f"{found.phase} {low:g}-{high:g} V class; current from the site's feed"


def _coolant_interfaces(design: Design, devices: list[Device], lpm: float, liquid_w: float) -> Table:
    """Coolant ports no internal hose joins (the manifold's connections to the CDU), with the
    rack's heat to liquid and the flow it needs."""
    used = _used(design, "coolant")
    table = Table("Coolant interfaces", ["Device", "Port", "Role", "Connector", "Rack heat to liquid kW",
                                         "Rack coolant flow L/min"])
    for d in devices:
        for p in design.part_of(d).rackstudio.cooling.coolant_ports:
            if (d.id, p.name) not in used:
                table.rows.append([d.name, p.name, p.role, p.connector or "", round(liquid_w / 1000, 2), round(lpm, 1)])
    return table


def _rules(engine: CheckEngine, findings: list[Finding]) -> Table:
    by_rule = Counter(f.rule for f in findings)
    table = Table("Checks", ["Rule", "Result", "Findings"])
    for rule in sorted(engine.rules_run()):
        n = by_rule.get(rule, 0)
        worst = min((f.severity for f in findings if f.rule == rule), default=None, key=lambda s: s.rank)
        table.rows.append([rule, "pass" if not n else worst.value, n])
    return table


def _centre_of_gravity(design: Design, devices: list[Device]) -> tuple[float, list[str]]:
    """Height of the centre of gravity above the bottom of unit 1 (mm): each device's weight at the
    middle of the units it takes (a bay's child at its parent's; a 0U device and the empty rack at
    the middle of the unit span). Devices without a weight are left out and listed."""
    rack = design.racks[RACK]
    rt = design.rack_type_of(rack)
    unit = rt.unit_mm
    middle = rt.u_height * unit / 2
    moment, mass, unknown = rt.weight_kg * middle, rt.weight_kg, []
    for d in devices:
        w = design.part_of(d).weight_kg
        if w is None:
            unknown.append(d.name)
            continue
        home = d
        while home.parent is not None and home.parent in design.devices:
            home = design.devices[home.parent]
        if home.position is None:
            h = middle
        else:
            part = design.part_of(home)
            height = part.u_height * UNIT_MM[part.rackstudio.unit_system]
            h = (home.position - 1) * unit + height / 2
        moment += w * h
        mass += w
    return (moment / mass if mass else middle), unknown


def export(design: Design, name: str, path: str | Path) -> Path:
    """The build package's tables as CSV (one table, a Section column) or XLSX (a sheet each)."""
    path = Path(path)
    package = build(design, name)
    summary = summary_rows(package)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, [("Summary", [["Figure", "Value"], *summary]),
                                 *((t.title, [t.headers, *t.rows]) for t in package.tables)])
    rows: list[list] = [["Section", "Figure", "Value"], *(["Summary", *r] for r in summary)]
    for t in package.tables:
        rows.append(["Section", *t.headers])
        rows += [[t.title, *r] for r in t.rows]
    return write_rows(path, rows)


def summary_rows(package: BuildPackage) -> list[list]:
    rd = package.rd
    rt = package.design.rack_types[rd.rack_type]
    errors = sum(1 for f in package.findings if f.severity.value == "error")
    return [["Rack design", rd.name], ["Revision", rd.revision], ["Rack type", f"{rt.manufacturer} {rt.model}"],
            ["Devices", len(package.design.devices)], ["Internal cables", len(package.design.connections)],
            ["Weight empty kg", round(package.weight_empty_kg, 1)],
            ["Weight loaded kg", round(package.weight_loaded_kg, 1)],
            ["Devices without a weight", ", ".join(package.unknown_weight) or "none"],
            ["Centre of gravity above U1 mm", round(package.cog_mm)],
            ["Centre of gravity, share of unit span", f"{package.cog_fraction:.0%}"],
            ["Checks run", len(package.rules_run)], ["Findings", len(package.findings)], ["Errors", errors],
            ["Notes", rd.notes or ""]]


__all__ = ["BuildPackage", "NoRackDesign", "Table", "build", "cable_side", "export", "find", "summary_rows"]
