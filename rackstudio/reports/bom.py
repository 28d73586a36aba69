"""Qt-free. The bill of materials: parts by manufacturer and part number with a count per rack
and a total; cables by kind, media and length bucket; transceivers (optics) by interface and media
with a count per rack. Written as CSV (one table, a Section column) or XLSX (one sheet each).

Cable lengths are the typed length, else the checks' estimate (as in the cable schedule), rounded
up to the next length a cable is sold in. Fixed-end cables (DAC, ACC, AEC, AOC) carry their own
ends; a fibre (MMF/SMF) needs a transceiver at each end.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rackstudio.checks.context import CheckContext
from rackstudio.model import interfaces
from rackstudio.model.design import Design, PortRef
from rackstudio.reports.cable_schedule import cable_rows, rack_id_of
from rackstudio.reports.metrics_series import natural_key
from rackstudio.reports.xlsx import write_xlsx

# Lengths cables are commonly sold in, m (vendor catalogues list 0.5-3 m copper and 1-100 m optical).
STOCK_LENGTHS_M = (0.5, 1, 1.5, 2, 2.5, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100)
FLOOR = "(floor)"
UNKNOWN = "unknown"
TRANSCEIVER_MEDIA = ("mmf", "smf")


def length_bucket(length_m: float | None) -> str:
    """'≤ 3 m': the shortest stock length that covers `length_m`; '> 100 m'; 'unknown'."""
    if length_m is None:
        return UNKNOWN
    for stock in STOCK_LENGTHS_M:
        if length_m <= stock + 1e-9:
            return f"≤ {stock:g} m"
    return f"> {STOCK_LENGTHS_M[-1]:g} m"


def _bucket_order(bucket: str) -> float:
    if bucket == UNKNOWN:
        return float("inf")
    number = float(bucket.split()[1])
    return number + (0.5 if bucket.startswith(">") else 0)


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
    bucket: str
    count: int = 0
    total_m: float = 0.0
    estimated: int = 0  # how many lengths are estimates


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
    parts: list[PartLine]
    cables: list[CableLine]
    optics: list[OpticLine]


def _rack_name(design: Design, device_id: str) -> str:
    rack = design.racks.get(rack_id_of(design, device_id) or "")
    return rack.name if rack is not None else FLOOR


def rack_columns(design: Design) -> list[str]:
    """Rack names ordered by row name then rack name, naturally (racks outside a row last)."""
    def key(rack):
        row = design.rows.get(rack.row or "")
        return (row is None, natural_key(row.name if row else ""), natural_key(rack.name), rack.id)
    return [r.name for r in sorted(design.racks.values(), key=key)]


def _parts(design: Design) -> list[PartLine]:
    lines: dict[tuple[str, str], PartLine] = {}
    for device in design.devices.values():
        part = design.part_of(device)
        number = part.part_number or ""
        key = (part.manufacturer, number or part.model)
        line = lines.get(key)
        if line is None:
            line = lines[key] = PartLine(part.manufacturer, part.model, number, str(part.category.value))
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
    cables: dict[tuple[str, str, str], CableLine] = {}
    optics: dict[tuple[str, str], OpticLine] = {}
    for row in cable_rows(design, ctx):
        bucket = length_bucket(row.length_m)
        key = (row.kind, row.media or "", bucket)
        line = cables.get(key) or cables.setdefault(key, CableLine(*key))
        line.count += 1
        line.total_m += row.length_m or 0.0
        line.estimated += row.estimated
        if row.media in TRANSCEIVER_MEDIA:
            conn = design.connections[row.conn_id]
            for end in (conn.a, conn.b):
                itype = _interface_type(design, end)
                okey = (itype, row.media)
                optic = optics.get(okey) or optics.setdefault(okey, OpticLine(_optic_item(itype, row.media), *okey))
                optic.per_rack[_rack_name(design, end.owner)] += 1
    return Bom(rack_columns(design), _parts(design),
               sorted(cables.values(), key=lambda c: (c.kind, c.media, _bucket_order(c.bucket))),
               sorted(optics.values(), key=lambda o: (o.item, o.interface)))


# --- tables ------------------------------------------------------------------------------------------

def _columns(bom: Bom, lines) -> list[str]:
    """Rack columns that hold any of `lines`, in order, then the floor if used."""
    used = set().union(*(line.per_rack for line in lines)) if lines else set()
    cols = [r for r in bom.racks if r in used]
    return cols + ([FLOOR] if FLOOR in used else [])


def parts_table(bom: Bom) -> list[list]:
    cols = _columns(bom, bom.parts)
    rows: list[list] = [["Manufacturer", "Model", "Part number", "Category", *cols, "Total"]]
    for p in bom.parts:
        rows.append([p.manufacturer, p.model, p.part_number, p.category, *(p.per_rack.get(c, 0) for c in cols),
                     p.total])
    return rows


def cables_table(bom: Bom) -> list[list]:
    rows: list[list] = [["Kind", "Media", "Length", "Count", "Total length (m)", "Estimated lengths"]]
    for c in bom.cables:
        rows.append([c.kind, c.media, c.bucket, c.count, round(c.total_m, 1), c.estimated])
    return rows


def optics_table(bom: Bom) -> list[list]:
    cols = _columns(bom, bom.optics)
    rows: list[list] = [["Item", "Interface", "Media", *cols, "Total"]]
    for o in bom.optics:
        rows.append([o.item, o.interface, o.media, *(o.per_rack.get(c, 0) for c in cols), o.total])
    return rows


def csv_rows(bom: Bom) -> list[list]:
    """One table for CSV: Section (part, cable, optic), Manufacturer, Item, Part number,
    Category/Media, Length, the rack columns, Total, Total length (m)."""
    cols = _columns(bom, [*bom.parts, *bom.optics])
    rows: list[list] = [["Section", "Manufacturer", "Item", "Part number", "Category/Media", "Length", *cols,
                         "Total", "Total length (m)"]]
    for p in bom.parts:
        rows.append(["part", p.manufacturer, p.model, p.part_number, p.category, "",
                     *(p.per_rack.get(c, 0) for c in cols), p.total, ""])
    for c in bom.cables:
        rows.append(["cable", "", f"{c.kind} cable", "", c.media, c.bucket, *([""] * len(cols)), c.count,
                     round(c.total_m, 1)])
    for o in bom.optics:
        rows.append(["optic", "", o.item, "", o.media, "", *(o.per_rack.get(c, 0) for c in cols), o.total, ""])
    return rows


def write_csv(bom: Bom, path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(csv_rows(bom))
    return path


def write_bom_xlsx(bom: Bom, path: str | Path) -> Path:
    return write_xlsx(path, [("Parts", parts_table(bom)), ("Cables", cables_table(bom)),
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
