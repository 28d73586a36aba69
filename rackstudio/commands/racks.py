"""Qt-free. Commands on racks and rows: add, move, rotate, remove, a row of N racks."""
from __future__ import annotations

import re

from rackstudio.commands.base import Command, Composite, Edit, Refused, put
from rackstudio.commands.fit import can_place_rack, fit_rack
from rackstudio.commands.records import embed_rack_type, removal_edits
from rackstudio.model.design import Design, Rack, Row
from rackstudio.model.geometry import turned
from rackstudio.model.racks import RackType


def default_rack_name(design: Design, row: str | None = None) -> str:
    """A new rack's name: in a row, the row's name and the next two-digit index after the row's
    highest (`P1-B05` after `P1-B04`); outside a row the first unused of R01, R02, ... Names
    taken anywhere in the design are skipped."""
    taken = {r.name for r in design.racks.values()}
    stem, n = "R", 1
    if row is not None and row in design.rows:
        stem = design.rows[row].name
        pattern = re.compile(re.escape(stem) + r"(\d+)")
        used = [int(m.group(1)) for r in design.racks.values() if r.row == row and (m := pattern.fullmatch(r.name))]
        n = max(used, default=0) + 1
    while f"{stem}{n:02d}" in taken:
        n += 1
    return f"{stem}{n:02d}"


class AddRack(Command):
    """Add a rack; without a name it gets `default_rack_name` (the next in its row, else R01...)."""

    def __init__(self, rack_type: RackType, hall: str, x_mm: float, y_mm: float, facing: str = "S",
                 name: str | None = None, row: str | None = None, rack_id: str | None = None):
        super().__init__()
        self.rack_type, self.hall, self.x_mm, self.y_mm = rack_type, hall, x_mm, y_mm
        self.facing, self.name, self.row, self.rack_id = facing, name, row, rack_id
        self.text = f"Add rack {name or ''}".rstrip()

    def plan(self, design: Design) -> list[Edit]:
        rt, edits = embed_rack_type(design, self.rack_type)
        rack_id = self.rack_id or design.new_id("rk")
        name = self.name or default_rack_name(design, self.row)
        self.text = f"Add rack {name}"
        rack = Rack(id=rack_id, name=name, rack_type=rt.slug, hall=self.hall, row=self.row,
                    x_mm=self.x_mm, y_mm=self.y_mm, facing=self.facing)
        if design.kind_of(rack_id) is not None:
            raise Refused(f"id {rack_id!r} is already in use")
        if self.hall not in design.halls:
            raise Refused(f"there is no hall {self.hall!r}")
        if self.row is not None and self.row not in design.rows:
            raise Refused(f"there is no row {self.row!r}")
        fit = can_place_rack(design, rt, self.hall, self.x_mm, self.y_mm, self.facing)
        if not fit:
            raise Refused(f"rack {name} cannot go there: {fit.reason}")
        return [*edits, put("racks", None, rack)]


class MoveRack(Command):
    def __init__(self, rack_id: str, x_mm: float, y_mm: float, row: str | None | type = ..., facing: str | None = None):
        super().__init__()
        self.rack_id, self.x_mm, self.y_mm, self.row, self.facing = rack_id, x_mm, y_mm, row, facing
        self.text = "Move rack"
        self.merge_key = None

    def plan(self, design: Design) -> list[Edit]:
        old = design.racks.get(self.rack_id)
        if old is None:
            raise Refused(f"there is no rack {self.rack_id!r}")
        changes = {"x_mm": self.x_mm, "y_mm": self.y_mm}
        if self.row is not ...:
            changes["row"] = self.row
        if self.facing is not None:
            changes["facing"] = self.facing
        new = old.replace(**changes)
        self.text = f"Move rack {old.name}"
        fit = fit_rack(design, new)
        if not fit:
            raise Refused(f"rack {old.name} cannot go there: {fit.reason}")
        return [put("racks", old, new)]


class RotateRack(Command):
    """Turn a rack a quarter turn clockwise about its footprint's centre (R in the hall view)."""

    def __init__(self, rack_id: str, facing: str | None = None):
        super().__init__()
        self.rack_id, self.facing = rack_id, facing
        self.text = "Rotate rack"

    def plan(self, design: Design) -> list[Edit]:
        old = design.racks.get(self.rack_id)
        if old is None:
            raise Refused(f"there is no rack {self.rack_id!r}")
        new = turned(design, old, self.facing)
        self.text = f"Rotate rack {old.name} to face {new.facing}"
        fit = fit_rack(design, new)
        if not fit:
            raise Refused(f"rack {old.name} cannot turn there: {fit.reason}")
        return [put("racks", old, new)]


class RemoveRack(Command):
    def __init__(self, rack_id: str):
        super().__init__()
        self.rack_id = rack_id
        self.text = "Remove rack"

    def plan(self, design: Design) -> list[Edit]:
        rack = design.racks.get(self.rack_id)
        if rack is None:
            raise Refused(f"there is no rack {self.rack_id!r}")
        self.text = f"Remove rack {rack.name}"
        return removal_edits(design, self.rack_id)


class AddRow(Command):
    def __init__(self, row: Row):
        super().__init__()
        self.row = row
        self.text = f"Add row {row.name}"

    def plan(self, design: Design) -> list[Edit]:
        if self.row.hall not in design.halls:
            raise Refused(f"there is no hall {self.row.hall!r}")
        if design.kind_of(self.row.id) is not None:
            raise Refused(f"id {self.row.id!r} is already in use")
        return [put("rows", None, self.row)]


def add_row_of_racks(design: Design, rack_type: RackType, hall: str, name: str, count: int,
                     x_mm: float, y_mm: float, facing: str = "S", prefix: str | None = None) -> Composite:
    """One undo step: a row record and `count` racks side by side along the row.

    Racks run along x for N/S facing rows and along y for E/W facing rows.
    """
    if count < 1:
        raise Refused("a row needs at least one rack")
    row_id = design.new_id("row")
    children: list[Command] = [AddRow(Row(id=row_id, name=name, hall=hall, facing=facing))]
    pitch = rack_type.outer_width_mm
    prefix = prefix if prefix is not None else name
    for i in range(count):
        along = i * pitch
        x, y = (x_mm + along, y_mm) if facing in ("N", "S") else (x_mm, y_mm + along)
        children.append(AddRack(rack_type, hall, x, y, facing, name=f"{prefix}{i + 1:02d}", row=row_id,
                                rack_id=f"{row_id}-rk{i + 1}"))
    return Composite(f"Add row {name} of {count} racks", children)
