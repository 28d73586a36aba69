"""Qt-free. One fit predicate: can this part go here, and if not, why.

The editor's drag ghost (green or red, reason in the tooltip) and the place/move commands
ask the same functions, so a preview never disagrees with what the drop does. Where a part goes
at all (rack units, a side channel, a parent's bay, the hall floor) is `mounting`, the one
answer the palette, both views and these predicates use.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rackstudio.commands import floor_index
from rackstudio.model import geometry
from rackstudio.model.design import Design, Device, Rack
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.model.units import UnitSystem


@dataclass(frozen=True)
class Fit:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


FITS = Fit(True)


class Mounting(StrEnum):
    """Where a part goes."""

    UNITS = "units"  # rack units on a face
    SIDE = "side"  # a rack's 0U side channel (vertical PDUs, manifolds)
    BAY = "bay"  # a parent device's bay (NetBox child devices)
    FLOOR = "floor"  # the hall floor: 0U with a floor footprint (CDUs, in-row coolers)

    @property
    def target(self) -> str:
        """Where to drop such a part, for hints."""
        return _TARGETS[self]


_TARGETS = {Mounting.UNITS: "a rack face", Mounting.SIDE: "a rack's side channel in the elevation",
            Mounting.BAY: "a parent device's bay in the elevation", Mounting.FLOOR: "the hall floor"}


def mounting(part: PartType) -> Mounting:
    """Does the part stand on the floor, go in a side channel, take a bay, or take rack units."""
    if part.subdevice_role == "child":
        return Mounting.BAY
    if part.u_height == 0:
        return Mounting.FLOOR if part.rackstudio.footprint_mm is not None else Mounting.SIDE
    return Mounting.UNITS


def _no(reason: str) -> Fit:
    return Fit(False, reason)


def _fmt(u: float) -> str:
    return f"U{u:g}"


def can_place(design: Design, part: PartType, rack_id: str, position: float, face: str = "front",
              lateral: str | None = None, ignore: Iterable[str] = ()) -> Fit:
    """Can `part` be mounted in rack `rack_id` with its bottom at internal unit `position`?"""
    rack = design.racks.get(rack_id)
    if rack is None:
        return _no(f"there is no rack {rack_id!r}")
    rt = design.rack_type_of(rack)
    ext = part.rackstudio
    where = mounting(part)
    if where is Mounting.BAY:
        return _no(f"{part.model} is a child device: put it in a parent's device bay")
    if where is Mounting.FLOOR:
        return _no(f"{part.model} stands on the floor, not in a rack")
    if where is Mounting.SIDE:
        return _no(f"{part.model} is 0U: mount it in a side channel")
    if ext.width_class == "21in" and rt.width_class == "19in":
        return _no(f"{part.model} is 21-inch Open Rack gear and {rt.model} is a 19-inch rack")
    if ext.unit_system == UnitSystem.EIA and rt.unit_system == UnitSystem.OU and ext.width_class == "19in":
        pass  # 19-inch gear mounts in ORv3 with adapters; the SPC-011 check reports it
    if (position * 2) != int(position * 2):
        return _no("positions go in steps of 0.5 U")
    if face not in ("front", "rear"):
        return _no(f"face must be front or rear, not {face!r}")
    if ext.half_width and lateral not in ("left", "right"):
        return _no(f"{part.model} is half-width: choose the left or right half")
    if not ext.half_width and lateral is not None:
        return _no(f"{part.model} is full-width")
    height = geometry.height_in_rack(part, rt)
    if position < 1:
        return _no(f"{_fmt(position)} is below the rack's first unit")
    top = position + height - 1
    if top > rt.u_height + 1e-9:
        return _no(f"{part.model} is {height:g}U: from {_fmt(rt.unit_label(position))} it passes the top of "
                   f"the {rt.u_height}U rack {rack.name}")
    taken = geometry.occupied(design, rack_id, ignore)
    want = set(geometry.cells(position, height, face, part.is_full_depth, lateral if ext.half_width else None))
    clash = sorted({taken[c] for c in want if c in taken})
    if clash:
        other = design.devices[clash[0]]
        from_behind = other.face != face and design.part_of(other).is_full_depth
        where = "the full-depth device on the other face takes these units" if from_behind else "units are taken"
        return _no(f"{where}: {other.name} ({design.part_of(other).model}) at "
                   f"{_fmt(rt.unit_label(other.position or 0))}")
    return FITS


def can_place_side(design: Design, part: PartType, rack_id: str, side: str) -> Fit:
    """0U side-channel mounting (vertical PDUs, manifolds)."""
    if rack_id not in design.racks:
        return _no(f"there is no rack {rack_id!r}")
    where = mounting(part)
    if where is Mounting.FLOOR:
        return _no(f"{part.model} stands on the floor, not in a rack")
    if where is Mounting.BAY:
        return _no(f"{part.model} is a child device: put it in a parent's device bay")
    if where is not Mounting.SIDE:
        return _no(f"{part.model} is {part.u_height:g}U: only 0U parts mount in a side channel")
    if side not in ("left", "right"):
        return _no(f"side must be left or right, not {side!r}")
    return FITS


def can_place_in_bay(design: Design, part: PartType, parent_id: str, bay: str,
                     ignore: Iterable[str] = ()) -> Fit:
    parent = design.devices.get(parent_id)
    if parent is None:
        return _no(f"there is no device {parent_id!r}")
    parent_part = design.part_of(parent)
    if mounting(part) is not Mounting.BAY:
        return _no(f"{part.model} is not a child device and cannot sit in a bay")
    if bay not in {b.name for b in parent_part.device_bays}:
        return _no(f"{parent.name} has no device bay {bay!r}")
    skip = set(ignore)
    for child_id in design.contents(parent_id):
        child = design.devices.get(child_id)
        if child is not None and child.bay == bay and child_id not in skip:
            return _no(f"bay {bay} of {parent.name} holds {child.name}")
    return FITS


def _floor_fit(design: Design, hall_id: str, box: tuple[float, float, float, float],
               ignore: Iterable[str]) -> Fit:
    hall = design.halls.get(hall_id)
    if hall is None:
        return _no(f"there is no hall {hall_id!r}")
    if box[0] < -1e-6 or box[1] < -1e-6 or box[2] > hall.width_mm + 1e-6 or box[3] > hall.depth_mm + 1e-6:
        return _no(f"outside hall {hall.name} ({hall.width_mm / 1000:g} × {hall.depth_mm / 1000:g} m)")
    skip = set(ignore)
    for other_id in floor_index.of(design).overlapping(hall_id, box):
        if other_id not in skip:
            return _no(f"overlaps {design.get(other_id).name}")
    return FITS


def can_place_rack(design: Design, rack_type: RackType, hall_id: str, x_mm: float, y_mm: float,
                   facing: str, ignore: Iterable[str] = ()) -> Fit:
    box = geometry.footprint(rack_type.outer_width_mm, rack_type.outer_depth_mm, x_mm, y_mm, facing)
    return _floor_fit(design, hall_id, box, ignore)


def can_place_floor(design: Design, part: PartType, hall_id: str, x_mm: float, y_mm: float,
                    facing: str, ignore: Iterable[str] = ()) -> Fit:
    if mounting(part) is not Mounting.FLOOR:
        return _no(f"{part.model} is rack-mounted equipment, not floor equipment")
    width, depth = part.rackstudio.footprint_mm
    return _floor_fit(design, hall_id, geometry.footprint(width, depth, x_mm, y_mm, facing), ignore)


def fit_device(design: Design, device: Device, part: PartType, ignore: Iterable[str] = ()) -> Fit:
    """The fit of a whole device record, whatever its placement (used by commands)."""
    ignore = {device.id, *ignore}
    if (device.rack is not None) + (device.parent is not None) + (device.hall is not None) > 1:
        return _no("a device is in one place: a rack, a parent's bay or the hall floor")
    if device.parent is not None:
        return can_place_in_bay(design, part, device.parent, device.bay or "", ignore)
    if device.hall is not None:
        return can_place_floor(design, part, device.hall, device.x_mm or 0, device.y_mm or 0,
                               device.facing, ignore)
    if device.rack is not None and device.position is None:
        return can_place_side(design, part, device.rack, device.side or "")
    if device.rack is not None:
        return can_place(design, part, device.rack, device.position, device.face, device.lateral, ignore)
    return _no("a device needs a rack, a bay or a place on the floor")


def fit_rack(design: Design, rack: Rack, ignore: Iterable[str] = ()) -> Fit:
    rt = design.rack_types.get(rack.rack_type)
    if rt is None:
        return _no(f"there is no rack type {rack.rack_type!r} in the design")
    if rack.row is not None and rack.row not in design.rows:
        return _no(f"there is no row {rack.row!r}")
    return can_place_rack(design, rt, rack.hall, rack.x_mm, rack.y_mm, rack.facing, {rack.id, *ignore})
