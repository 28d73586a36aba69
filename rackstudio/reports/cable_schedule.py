"""Qt-free. The cable schedule: one row per connection with its label, both ends (rack, unit,
device, port, the breakout leg of the port, the optic or cable plug that goes in it), kind, media,
fibre (connector and straight or 1:2 splitter) and length, as CSV or XLSX for the installer.

Every cable's length is the one stored on it: typed, or estimated from the places of its ends
when it was made and kept up to date as they move (`model.cable_length`, engineering.md 4.5),
marked as estimated; the reach rules read the same length.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rackstudio.checks.context import CheckContext, rack_of_record
from rackstudio.model import cable_length, geometry, optics
from rackstudio.model.design import Connection, Design, PortRef
from rackstudio.reports.csv_out import write_rows
from rackstudio.reports.xlsx import write_xlsx

HEADER = ("Label", "Kind", "A rack", "A unit", "A device", "A port", "A leg", "A optic", "B rack", "B unit",
          "B device", "B port", "B leg", "B optic", "Media", "Fibre", "Length (m)", "Length estimated", "Id")


@dataclass(frozen=True)
class End:
    rack: str
    unit: str
    device: str
    port: str
    leg: int | None = None  # one far port of a broken-out port
    optic: str = ""  # the optic or cable plug at this end (`optic_text`)


@dataclass(frozen=True)
class CableRow:
    conn_id: str
    label: str
    kind: str
    a: End
    b: End
    media: str
    length_m: float | None
    estimated: bool
    fibre: str = ""

    def cells(self) -> tuple:
        length = round(self.length_m, 2) if self.length_m is not None else None
        return (self.label, self.kind, *_end_cells(self.a), *_end_cells(self.b), self.media, self.fibre, length,
                "yes" if self.estimated else "", self.conn_id)


def _end_cells(end: End) -> tuple:
    return end.rack, end.unit, end.device, end.port, "" if end.leg is None else end.leg, end.optic


def optic_text(slug: str | None) -> str:
    """How the schedule names an optic or cable assembly: maker and part number ('NVIDIA
    MMA4Z00-NS'), or maker and model where it has no part number; '' for none."""
    optic = optics.get(slug)
    if optic is None:
        return ""
    return f"{optic.manufacturer} {optic.part_number}" if optic.part_number else optic.name


def fibre_text(conn: Connection) -> str:
    """The fibre a link between transceivers takes: its connector and 'straight' or '1:2 splitter'
    (one leg of a splitter fibre, engineering.md 4.2); '' for copper and cable assemblies."""
    ends = [optics.get(conn.end(side)) for side in ("a", "b")] if conn.kind == "network" else []
    transceivers = [o for o in ends if o is not None and o.is_transceiver]
    if not transceivers:
        return ""
    shape = "1:2 splitter" if conn.fibre == "splitter" else "straight"
    connector = next((o.connector for o in transceivers if o.connector), "")
    return f"{connector} {shape}".strip()


def rack_id_of(design: Design, device_id: str) -> str | None:
    """The rack a device is in, through bays (None for floor equipment)."""
    return rack_of_record(design.devices.get(device_id), design.devices)


def unit_text(design: Design, device_id: str) -> str:
    """Where in its rack a device is: 'U10' as the rack prints units, 'left side' for 0U gear,
    'U10 Bay2' for a child in a chassis, '' on the floor."""
    bays: list[str] = []
    device = design.devices.get(device_id)
    for _ in range(geometry.MAX_BAY_DEPTH):  # bounded: never loops on a parent cycle
        if device is None or device.parent is None:
            break
        bays.append(str(device.bay))
        device = design.devices.get(device.parent)
    if device is None or device.parent is not None:
        return " ".join(reversed(bays))
    return " ".join([_mounted_unit(design, device), *reversed(bays)]).strip()


def _mounted_unit(design: Design, device) -> str:
    rack = design.racks.get(device.rack or "")
    if rack is None:
        return ""
    if device.position is None:
        return f"{device.side or 'left'} side"
    return f"U{design.rack_type_of(rack).unit_label(device.position):g}"


def end_of(design: Design, ref: PortRef, optic: str | None = None) -> End:
    """Where one end of a cable goes, with the optic or plug named for it (`optic`, a slug)."""
    feed = design.feeds.get(ref.owner)
    if feed is not None:
        rack = design.racks.get(feed.rack or "")
        return End(rack.name if rack else "", "", feed.name, ref.port)
    device = design.devices.get(ref.owner)
    if device is None:
        return End("", "", ref.owner, ref.port, ref.leg, optic_text(optic))
    rack = design.racks.get(rack_id_of(design, device.id) or "")
    return End(rack.name if rack else "", unit_text(design, device.id), device.name, ref.port, ref.leg,
               optic_text(optic))


def length_of(design: Design, conn: Connection, ctx: CheckContext | None = None) -> tuple[float | None, bool]:
    """(metres, estimated): the cable's stored length and whether it is an estimate; a cable
    without one (a feed or floor equipment at an end) gets the estimate when there is one."""
    if conn.length_m is not None:
        return conn.length_m, bool(conn.length_estimated)
    estimate = cable_length.estimate_length_m(design, conn.a, conn.b)
    return estimate, estimate is not None


def cable_rows(design: Design, ctx: CheckContext | None = None, kinds: tuple[str, ...] = ("network", "power",
                                                                                           "coolant")) -> list[CableRow]:
    """Every connection of `kinds`, sorted by label then id (`ctx` is accepted from callers that hold
    the checks' context; lengths live on the cables)."""
    conns = sorted((c for c in design.connections.values() if c.kind in kinds), key=lambda c: (c.label or "", c.id))
    rows = []
    for conn in conns:
        length, estimated = length_of(design, conn, ctx)
        rows.append(CableRow(conn.id, conn.label or conn.id, conn.kind, end_of(design, conn.a, conn.a_end),
                             end_of(design, conn.b, conn.b_end), conn.media or "", length, estimated,
                             fibre_text(conn)))
    return rows


def table(rows: list[CableRow]) -> Iterator[tuple]:
    yield HEADER
    for row in rows:
        yield row.cells()


def write_csv(rows: list[CableRow], path: str | Path) -> Path:
    return write_rows(path, table(rows))


def write_xlsx_schedule(rows: list[CableRow], path: str | Path) -> Path:
    """One sheet per kind that has cables (Network, Power, Coolant), plus All."""
    sheets = [("All", list(table(rows)))]
    for kind in ("network", "power", "coolant"):
        mine = [r for r in rows if r.kind == kind]
        if mine:
            sheets.append((kind.capitalize(), list(table(mine))))
    return write_xlsx(path, sheets)


def export(design: Design, path: str | Path, ctx: CheckContext | None = None) -> Path:
    """Write the schedule as CSV or XLSX, by the file's suffix."""
    rows = cable_rows(design, ctx)
    if Path(path).suffix.lower() == ".xlsx":
        return write_xlsx_schedule(rows, path)
    return write_csv(rows, path)
