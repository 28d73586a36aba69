"""Qt-free. The bill of materials: the racks by rack type (empty racks too); the devices, the
PDUs and the modules installed in devices' bays by manufacturer and part number with a count per
rack and a total; cables by kind, media and
ordered length; transceivers (optics) by interface and media with a count per rack. Written as CSV
(one table, a Section column) or XLSX (one sheet each).

A cable's length is the one the cable schedule gives (the length stored on it, typed or
estimated, engineering.md 4.5), and it is ordered in the length its family is sold in
(`model.cable_length.purchasable_length_m`); a cable without one (an end on a feed or on floor
equipment) is listed as "unknown". Fixed-end cables (DAC, ACC, AEC, AOC) carry their own ends;
a fibre (MMF/SMF) needs a transceiver at each end.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rackstudio.checks.context import CheckContext
from rackstudio.model import interfaces
from rackstudio.model.cable_length import purchasable_length_m
from rackstudio.model.design import Design, PortRef
from rackstudio.model.parts import Category
from rackstudio.reports.cable_schedule import cable_rows, rack_id_of
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
    length_m: float | None  # the ordered length; None: unknown
    count: int = 0
    estimated: int = 0  # how many lengths are estimates

    @property
    def total_m(self) -> float | None:
        return None if self.length_m is None else round(self.count * self.length_m, 2)


@dataclass
class OpticLine:
    item: str  # '400G OSFP transceiver'
    interface: str  # NetBox interface type
    media: str
    per_rack: Counter = field(default_factory=Counter)

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
        return f"{media.upper()} transceiver ({interface_type or 'unknown port'})"
    cage = f" {cls.cage}" if cls.cage else ""
    return f"{cls.speed_gbps:g}G{cage} {media.upper()} transceiver"


def build(design: Design, ctx: CheckContext | None = None) -> Bom:
    """The BOM of a design. `ctx` (the checks' context) supplies length estimates."""
    cables: dict[tuple[str, str, float | None], CableLine] = {}
    optics: dict[tuple[str, str], OpticLine] = {}
    for row in cable_rows(design, ctx):
        ordered = None if row.length_m is None else purchasable_length_m(row.media, row.length_m)
        key = (row.kind, row.media or "", ordered)
        line = cables.get(key) or cables.setdefault(key, CableLine(*key))
        line.count += 1
        line.estimated += row.estimated
        if row.media in TRANSCEIVER_MEDIA:
            conn = design.connections[row.conn_id]
            for end in (conn.a, conn.b):
                itype = _interface_type(design, end)
                okey = (itype, row.media)
                optic = optics.get(okey) or optics.setdefault(okey, OpticLine(_optic_item(itype, row.media), *okey))
                optic.per_rack[_rack_name(design, end.owner)] += 1
    order = rack_columns(design)
    devices, pdus = _parts(design)
    return Bom(order, _rack_types(design, order), devices, pdus,
               sorted(cables.values(), key=lambda c: (c.kind, c.media, c.length_m is None, c.length_m or 0)),
               sorted(optics.values(), key=lambda o: (o.item, o.interface)), _modules(design))


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


def cables_table(bom: Bom) -> list[list]:
    rows: list[list] = [["Kind", "Media", "Length (m)", "Count", "Total length (m)", "Estimated lengths"]]
    for c in bom.cables:
        rows.append([c.kind, c.media, _length_text(c), c.count, "" if c.total_m is None else c.total_m,
                     c.estimated])
    return rows


def optics_table(bom: Bom) -> list[list]:
    cols = _columns(bom, bom.optics)
    rows: list[list] = [["Item", "Interface", "Media", *cols, "Total"]]
    for o in bom.optics:
        rows.append([o.item, o.interface, o.media, *(o.per_rack.get(c, 0) for c in cols), o.total])
    return rows


def csv_rows(bom: Bom) -> list[list]:
    """One table for CSV: Section (rack, device, pdu, cable, optic), Manufacturer, Item, Part number
    (a rack's type), Category/Media, Length (m), the rack columns, Total, Total length (m)."""
    cols = _columns(bom, [*bom.parts, *bom.modules, *bom.optics])
    rows: list[list] = [["Section", "Manufacturer", "Item", "Part number", "Category/Media", "Length (m)", *cols,
                         "Total", "Total length (m)"]]
    for r in bom.rack_types:
        rows.append(["rack", r.manufacturer, r.model, r.rack_type, "rack", "", *([""] * len(cols)), r.count, ""])
    for section, lines in (("device", bom.devices), ("pdu", bom.pdus), ("module", bom.modules)):
        for p in lines:
            rows.append([section, p.manufacturer, p.model, p.part_number, p.category, "",
                         *(p.per_rack.get(c, 0) for c in cols), p.total, ""])
    for c in bom.cables:
        rows.append(["cable", "", f"{c.kind} cable", "", c.media, _length_text(c), *([""] * len(cols)), c.count,
                     "" if c.total_m is None else c.total_m])
    for o in bom.optics:
        rows.append(["optic", "", o.item, "", o.media, "", *(o.per_rack.get(c, 0) for c in cols), o.total, ""])
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
