"""Qt-free. The bill of materials: the racks by rack type (empty racks too); the devices, the
PDUs and the modules installed in devices' bays by manufacturer and part number with a count per
rack and a total; cables by kind, media, cable assembly and ordered length; the optics
(transceivers) by manufacturer and part number with their unit power, a count per rack and a
total. Written as CSV (one table, a Section column) or XLSX (one sheet each).

A cable's length is the one the cable schedule gives (the length stored on it, typed or
estimated, engineering.md 4.5), and it is ordered in the length its family is sold in
(`model.cable_length.purchasable_length_m`); a cable without one (an end on a feed or on floor
equipment) is listed as "unknown". Fixed-end cables (DAC, ACC, AEC, AOC) carry their own ends, so a
cable assembly named on a cable is listed with the cables, once per assembly (a splitter cable
once, not once per leg). A fibre (MMF/SMF) needs a transceiver in the cage at each end: the
transceivers are counted cage by cage by `model.optics.cage_plugs`, the count the rack figures,
`info` and the dashboard read (a twin-port transceiver serving two ports or two legs is one), and
a fibre's end whose transceiver is not chosen yet is listed as one still to choose.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rackstudio.checks.context import CheckContext
from rackstudio.model import interfaces, optics
from rackstudio.model.cable_length import purchasable_length_m
from rackstudio.model.design import Design, PortRef
from rackstudio.model.parts import Category
from rackstudio.reports.cable_schedule import CableRow, cable_rows, rack_id_of
from rackstudio.reports.csv_out import write_rows
from rackstudio.reports.metrics_series import natural_key
from rackstudio.reports.xlsx import write_xlsx

FLOOR = "(floor)"
UNKNOWN = "unknown"
TRANSCEIVER_MEDIA = ("mmf", "smf")
PDU_CATEGORIES = (Category.PDU, Category.POWER_SHELF)  # power distribution, listed apart


@dataclass
class RackLine:
    manufacturer: str
    model: str
    rack_type: str  # the rack type's slug
    u_height: int
    racks: list[str] = field(default_factory=list)  # rack names
    empty: int = 0  # racks of this type with no device

    @property
    def count(self) -> int:
        return len(self.racks)


@dataclass
class PartLine:
    manufacturer: str
    model: str
    part_number: str
    category: str
    per_rack: Counter = field(default_factory=Counter)  # rack name (or FLOOR) → count

    @property
    def total(self) -> int:
        return sum(self.per_rack.values())


@dataclass
class CableLine:
    kind: str
    media: str
    assembly: str  # the cable assembly's slug (model.optics), '' for a plain cable
    fibre: str  # a fibre's connector and shape ('MPO-12/APC straight'), '' otherwise
    length_m: float | None  # the ordered length; None: unknown
    count: int = 0
    estimated: int = 0  # how many lengths are estimates

    @property
    def total_m(self) -> float | None:
        return None if self.length_m is None else round(self.count * self.length_m, 2)

    @property
    def part(self) -> optics.OpticType | None:
        return optics.get(self.assembly)


@dataclass
class OpticLine:
    """One transceiver part (`slug`), or, with no slug, transceivers still to choose for fibre ends
    of one interface type. `unit_w` is the part's figure; `total_w` what the cages draw (a
    single-port optic on a splitter leg draws its half-lane figure)."""

    slug: str
    manufacturer: str
    item: str  # the model, or '400G OSFP MMF transceiver (not chosen)'
    part_number: str
    form: str  # the plug: OSFP, OSFP-RHS, QSFP-DD, ...
    media: str
    unit_w: float | None
    per_rack: Counter = field(default_factory=Counter)
    total_w: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.per_rack.values())


@dataclass
class Bom:
    racks: list[str]  # rack names, in column order
    rack_types: list[RackLine]
    devices: list[PartLine]
    pdus: list[PartLine]
    cables: list[CableLine]
    optics: list[OpticLine]
    modules: list[PartLine] = field(default_factory=list)  # installed in module bays (PSUs, NICs)

    @property
    def parts(self) -> list[PartLine]:
        """Devices and PDUs: every placed part."""
        return [*self.devices, *self.pdus]


def _rack_name(design: Design, device_id: str) -> str:
    rack = design.racks.get(rack_id_of(design, device_id) or "")
    return rack.name if rack is not None else FLOOR


def rack_columns(design: Design) -> list[str]:
    """Rack names ordered by row name then rack name, naturally (racks outside a row last)."""
    def key(rack):
        row = design.rows.get(rack.row or "")
        return (row is None, natural_key(row.name if row else ""), natural_key(rack.name), rack.id)
    return [r.name for r in sorted(design.racks.values(), key=key)]


def _rack_types(design: Design, order: list[str]) -> list[RackLine]:
    lines: dict[str, RackLine] = {}
    by_name = {name: i for i, name in enumerate(order)}
    for rack in sorted(design.racks.values(), key=lambda r: (by_name.get(r.name, 0), r.id)):
        rt = design.rack_type_of(rack)
        line = lines.get(rt.slug) or lines.setdefault(rt.slug, RackLine(rt.manufacturer, rt.model, rt.slug,
                                                                         rt.u_height))
        line.racks.append(rack.name)
        line.empty += not design.contents(rack.id)
    return sorted(lines.values(), key=lambda r: (r.manufacturer.lower(), r.model, r.rack_type))


def _parts(design: Design) -> tuple[list[PartLine], list[PartLine]]:
    lines: dict[tuple[str, str], PartLine] = {}
    for device in design.devices.values():
        part = design.part_of(device)
        number = part.part_number or ""
        key = (part.manufacturer, number or part.model)
        line = lines.get(key)
        if line is None:
            line = lines[key] = PartLine(part.manufacturer, part.model, number, str(part.category.value))
        line.per_rack[_rack_name(design, device.id)] += 1
    ordered = sorted(lines.values(), key=lambda p: (p.manufacturer.lower(), p.part_number or p.model, p.model))
    return ([p for p in ordered if p.category not in PDU_CATEGORIES],
            [p for p in ordered if p.category in PDU_CATEGORIES])


def _modules(design: Design) -> list[PartLine]:
    """The modules installed in devices' bays, by manufacturer and part number (else model), per rack."""
    lines: dict[tuple[str, str], PartLine] = {}
    for device in design.devices.values():
        for key in (device.modules or {}).values():
            module = design.module_types[key]
            number = module.part_number or ""
            line = lines.get((module.manufacturer, number or module.model))
            if line is None:
                line = lines[module.manufacturer, number or module.model] = PartLine(
                    module.manufacturer, module.model, number, "psu module" if module.is_psu else "module")
            line.per_rack[_rack_name(design, device.id)] += 1
    return sorted(lines.values(), key=lambda p: (p.manufacturer.lower(), p.part_number or p.model, p.model))


def _interface_type(design: Design, end: PortRef) -> str:
    device = design.devices.get(end.owner)
    if device is None:
        return ""
    for template in design.part_of(device).interfaces:
        if template.name == end.port:
            return template.type
    return ""


def _optic_item(interface_type: str, media: str) -> str:
    cls = interfaces.classify(interface_type)
    if cls is None:
        return f"{media.upper()} transceiver ({interface_type or 'unknown port'}, not chosen)"
    cage = f" {cls.cage}" if cls.cage else ""
    return f"{cls.speed_gbps:g}G{cage} {media.upper()} transceiver (not chosen)"


def optic_lines(design: Design) -> list[OpticLine]:
    """Transceivers cage by cage (`optics.cage_plugs`), by part; then the cages at fibre ends that
    no cable names a transceiver for, by interface type and media."""
    lines: dict[str, OpticLine] = {}
    unchosen: dict[tuple[str, str], set[tuple[str, str, str]]] = defaultdict(set)
    for device_id in sorted(design.devices):
        conns = design.connections_of(device_id)
        if not conns:
            continue
        plugs = optics.cage_plugs(design, device_id)
        rack = _rack_name(design, device_id)
        for plug in plugs.values():
            optic = optics.get(plug.slug)
            if optic is None or not optic.is_transceiver:
                continue  # a cable assembly's plug: the assembly is listed with the cables
            line = lines.get(optic.slug) or lines.setdefault(optic.slug, OpticLine(
                optic.slug, optic.manufacturer, optic.model, optic.part_number or "", optic.form, optic.media,
                optic.power_w))
            line.per_rack[rack] += 1
            line.total_w += plug.watts
        part = design.part_of(design.devices[device_id])
        for conn_id in sorted(conns):
            conn = design.connections[conn_id]
            if conn.kind != "network" or conn.media not in TRANSCEIVER_MEDIA:
                continue
            for side, end in (("a", conn.a), ("b", conn.b)):
                cage = optics.cage_of(part, end.port)
                if end.owner == device_id and conn.end(side) is None and cage not in plugs:
                    unchosen[_interface_type(design, end), conn.media].add((rack, device_id, cage))
    out = sorted(lines.values(), key=lambda o: (o.manufacturer.lower(), o.part_number or o.item, o.slug))
    for (itype, media), cages in sorted(unchosen.items()):
        out.append(OpticLine("", "", _optic_item(itype, media), "", "", media, None,
                             Counter(rack for rack, _, _ in cages)))
    return out


def _piece_key(design: Design, conn, kit: optics.OpticType | None) -> tuple | None:
    """What several legs of one physical cable share, or None for a cable of its own: a splitter
    cable assembly's wide-end cage; a 1:2 splitter fibre's wide port and the pair of legs it serves."""
    if kit is not None and kit.breakout > 1:
        wide = conn.b if optics.is_far_plug(design, conn, "a") else conn.a
        device = design.devices.get(wide.owner)
        return kit.slug, wide.owner, optics.cage_of(design.part_of(device), wide.port) if device else wide.port
    if kit is None and conn.fibre == "splitter":
        wide = conn.a if conn.a.leg is not None else conn.b
        if wide.leg is not None:
            return "fibre", wide.owner, wide.port, (wide.leg - 1) // 2
    return None


def _cable_pieces(design: Design, rows: list[CableRow]) -> list[tuple[CableRow, str, float | None, bool]]:
    """(row, cable assembly slug, length, estimated) per physical cable: a splitter cable assembly
    or a 1:2 splitter fibre is one piece for the legs it serves, as long as its longest leg."""
    pieces: list[tuple[CableRow, str, float | None, bool]] = []
    shared: dict[tuple, int] = {}
    for row in rows:
        conn = design.connections[row.conn_id]
        kit = next((o for o in (optics.get(conn.a_end), optics.get(conn.b_end))
                    if conn.kind == "network" and o is not None and not o.is_transceiver), None)
        slug = kit.slug if kit else ""
        key = _piece_key(design, conn, kit) if conn.kind == "network" else None
        if key is None or key not in shared:
            if key is not None:
                shared[key] = len(pieces)
            pieces.append((row, slug, row.length_m, row.estimated))
            continue
        first, _, length, estimated = pieces[shared[key]]
        longest = None if length is None or row.length_m is None else max(length, row.length_m)
        pieces[shared[key]] = (first, slug, longest, estimated or row.estimated)
    return pieces


def build(design: Design, ctx: CheckContext | None = None) -> Bom:
    """The BOM of a design. `ctx` (the checks' context) supplies length estimates."""
    cables: dict[tuple[str, str, str, str, float | None], CableLine] = {}
    for row, assembly, length, estimated in _cable_pieces(design, cable_rows(design, ctx)):
        ordered = None if length is None else purchasable_length_m(row.media, length)
        key = (row.kind, row.media or "", assembly, row.fibre, ordered)
        line = cables.get(key) or cables.setdefault(key, CableLine(*key))
        line.count += 1
        line.estimated += estimated
    order = rack_columns(design)
    devices, pdus = _parts(design)
    return Bom(order, _rack_types(design, order), devices, pdus,
               sorted(cables.values(), key=lambda c: (c.kind, c.media, c.assembly, c.fibre, c.length_m is None,
                                                      c.length_m or 0)),
               optic_lines(design), _modules(design))


# --- tables ------------------------------------------------------------------------------------------

def _columns(bom: Bom, lines) -> list[str]:
    """Rack columns that hold any of `lines`, in order, then the floor if used."""
    used = set().union(*(line.per_rack for line in lines)) if lines else set()
    cols = [r for r in bom.racks if r in used]
    return cols + ([FLOOR] if FLOOR in used else [])


def racks_table(bom: Bom) -> list[list]:
    rows: list[list] = [["Manufacturer", "Model", "Rack type", "U", "Count", "Empty", "Racks"]]
    for r in bom.rack_types:
        rows.append([r.manufacturer, r.model, r.rack_type, r.u_height, r.count, r.empty, ", ".join(r.racks)])
    return rows


def parts_table(bom: Bom, lines: list[PartLine]) -> list[list]:
    """Devices or PDUs with a count per rack (the racks that hold any) and a total."""
    cols = _columns(bom, lines)
    rows: list[list] = [["Manufacturer", "Model", "Part number", "Category", *cols, "Total"]]
    for p in lines:
        rows.append([p.manufacturer, p.model, p.part_number, p.category, *(p.per_rack.get(c, 0) for c in cols),
                     p.total])
    return rows


def _length_text(c: CableLine) -> float | str:
    return UNKNOWN if c.length_m is None else c.length_m


def _cable_part(c: CableLine) -> tuple[str, str, str, float | str]:
    """(manufacturer, item, part number, unit W per wide end) of a cable line."""
    kit = c.part
    if kit is None:
        return "", f"{c.fibre} fibre" if c.fibre else f"{c.kind} cable", "", ""
    return kit.manufacturer, kit.model, kit.part_number or "", kit.power_w


def cables_table(bom: Bom) -> list[list]:
    rows: list[list] = [["Kind", "Media", "Manufacturer", "Item", "Part number", "Unit power (W)", "Length (m)",
                         "Count", "Total length (m)", "Estimated lengths"]]
    for c in bom.cables:
        rows.append([c.kind, c.media, *_cable_part(c), _length_text(c), c.count,
                     "" if c.total_m is None else c.total_m, c.estimated])
    return rows


def _unit_w(o: OpticLine) -> float | str:
    return "" if o.unit_w is None else o.unit_w


def _total_w(o: OpticLine) -> float | str:
    return "" if o.unit_w is None else round(o.total_w, 2)


def optics_table(bom: Bom) -> list[list]:
    """Transceivers by manufacturer and part number: unit power, a count per rack, the total and
    the W they draw (the figure `info` states for the hall)."""
    cols = _columns(bom, bom.optics)
    rows: list[list] = [["Manufacturer", "Item", "Part number", "Form", "Media", "Unit power (W)", *cols, "Total",
                         "Total power (W)"]]
    for o in bom.optics:
        rows.append([o.manufacturer, o.item, o.part_number, o.form, o.media, _unit_w(o),
                     *(o.per_rack.get(c, 0) for c in cols), o.total, _total_w(o)])
    return rows


def csv_rows(bom: Bom) -> list[list]:
    """One table for CSV: Section (rack, device, pdu, module, cable, optic), Manufacturer, Item,
    Part number (a rack's type), Category/Media, Length (m), the rack columns, Total, Total length
    (m), Unit power (W) and Total power (W) (optics; a cable assembly's W per wide end)."""
    cols = _columns(bom, [*bom.parts, *bom.modules, *bom.optics])
    rows: list[list] = [["Section", "Manufacturer", "Item", "Part number", "Category/Media", "Length (m)", *cols,
                         "Total", "Total length (m)", "Unit power (W)", "Total power (W)"]]
    blank = [""] * len(cols)
    for r in bom.rack_types:
        rows.append(["rack", r.manufacturer, r.model, r.rack_type, "rack", "", *blank, r.count, "", "", ""])
    for section, lines in (("device", bom.devices), ("pdu", bom.pdus), ("module", bom.modules)):
        for p in lines:
            rows.append([section, p.manufacturer, p.model, p.part_number, p.category, "",
                         *(p.per_rack.get(c, 0) for c in cols), p.total, "", "", ""])
    for c in bom.cables:
        maker, item, number, unit_w = _cable_part(c)
        rows.append(["cable", maker, item, number, c.media, _length_text(c), *blank, c.count,
                     "" if c.total_m is None else c.total_m, unit_w, ""])
    for o in bom.optics:
        rows.append(["optic", o.manufacturer, o.item, o.part_number, o.media, "",
                     *(o.per_rack.get(c, 0) for c in cols), o.total, "", _unit_w(o), _total_w(o)])
    return rows


def write_csv(bom: Bom, path: str | Path) -> Path:
    return write_rows(path, csv_rows(bom))


def write_bom_xlsx(bom: Bom, path: str | Path) -> Path:
    return write_xlsx(path, [("Racks", racks_table(bom)), ("Devices", parts_table(bom, bom.devices)),
                             ("PDUs", parts_table(bom, bom.pdus)), ("Modules", parts_table(bom, bom.modules)),
                             ("Cables", cables_table(bom)),
                             ("Optics", optics_table(bom))])


def export(design: Design, path: str | Path, ctx: CheckContext | None = None) -> Path:
    """Write the BOM as CSV or XLSX, by the file's suffix."""
    bom = build(design, ctx)
    if Path(path).suffix.lower() == ".xlsx":
        return write_bom_xlsx(bom, path)
    return write_csv(bom, path)


def by_category(bom: Bom) -> dict[str, int]:
    """Device count per category (for the report's summary)."""
    counts: dict[str, int] = defaultdict(int)
    for p in bom.parts:
        counts[p.category] += p.total
    return dict(sorted(counts.items()))
