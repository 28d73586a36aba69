"""Qt-free. The hall floor in hall mm (x east, y south): tile snapping and tile names, the
footprint of anything standing on the floor, hot/cold aisle strips from rack facing, the nearest
free spot for a box, and the row a rack set beside a row's end joins.

The commands that move things on the floor (nudge, align, distribute) are in
rackstudio.commands.arrange.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rackstudio.model import geometry
from rackstudio.model.design import Design, Hall

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
_OUTWARD = {"N": (0, -1), "S": (0, 1), "E": (1, 0), "W": (-1, 0)}
_OPPOSITE = {"N": "S", "S": "N", "E": "W", "W": "E"}
HOT_AISLE_MM = 1200.0


def snap(value_mm: float, tile_mm: float) -> float:
    """The nearest tile line (halves go up, so snapping never depends on parity)."""
    return math.floor(value_mm / tile_mm + 0.5) * tile_mm


def column_name(index: int) -> str:
    """Spreadsheet-style tile column names: A..Z, AA, AB, ..."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def tile_name(hall: Hall, x_mm: float, y_mm: float) -> str:
    """The raised-floor tile under a point: column letters west to east, row numbers north to south."""
    col = int(math.floor(x_mm / hall.tile_mm))
    row = int(math.floor(y_mm / hall.tile_mm))
    if col < 0 or row < 0 or x_mm > hall.width_mm or y_mm > hall.depth_mm:
        return "outside"
    return f"{column_name(col)}{row + 1:02d}"


def footprint_of(design: Design, obj_id: str) -> Box:
    """The floor footprint of a rack or a floor device."""
    if obj_id in design.racks:
        return geometry.rack_footprint(design, design.racks[obj_id])
    return geometry.floor_footprint(design, design.devices[obj_id])


# --- aisles ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Strip:
    kind: str  # "cold" or "hot"
    box: Box


def _strip(box: Box, facing: str, depth: float) -> Box:
    x0, y0, x1, y1 = box
    if facing == "N":
        return (x0, y0 - depth, x1, y0)
    if facing == "S":
        return (x0, y1, x1, y1 + depth)
    if facing == "E":
        return (x1, y0, x1 + depth, y1)
    return (x0 - depth, y0, x0, y1)


def _aisle_sources(design: Design, hall_id: str):
    """(footprint, side its cold aisle is on) for racks and in-row floor equipment (coolers,
    CDUs) of a hall."""
    for rack in design.racks.values():
        if rack.hall != hall_id or rack.rack_type not in design.rack_types:
            continue
        row = design.rows.get(rack.row) if rack.row else None
        cold_side = rack.facing if row is None or row.cold_aisle == "front" else _OPPOSITE[rack.facing]
        yield geometry.rack_footprint(design, rack), cold_side
    for dev_id in design.contents(hall_id):
        device = design.devices.get(dev_id)
        if device is not None and device.part in design.part_types:
            yield geometry.floor_footprint(design, device), device.facing


def aisle_strips(design: Design, hall_id: str) -> list[Strip]:
    """Cold aisle in front of each rack (behind it when its row has `cold_aisle='rear'`) and hot
    aisle on the other side; strips along one line are merged, so a row gives two strips."""
    hall = design.halls.get(hall_id)
    if hall is None:
        return []
    cold_depth = design.settings.cold_aisle_min_mm
    groups: dict[tuple, list[Box]] = defaultdict(list)
    for box, cold_side in _aisle_sources(design, hall_id):
        for kind, side, depth in (("cold", cold_side, cold_depth), ("hot", _OPPOSITE[cold_side], HOT_AISLE_MM)):
            strip = _strip(box, side, depth)
            clipped = (max(strip[0], 0), max(strip[1], 0), min(strip[2], hall.width_mm), min(strip[3], hall.depth_mm))
            if clipped[0] < clipped[2] and clipped[1] < clipped[3]:
                vertical = side in ("E", "W")
                line = (clipped[0], clipped[2]) if vertical else (clipped[1], clipped[3])
                groups[(kind, vertical, *line)].append(clipped)
    strips = []
    for (kind, vertical, *_), boxes in sorted(groups.items()):
        axis = 1 if vertical else 0
        boxes.sort(key=lambda b: b[axis])
        current = list(boxes[0])
        for b in boxes[1:]:
            if b[axis] <= current[axis + 2] + 1e-6:
                current[axis + 2] = max(current[axis + 2], b[axis + 2])
            else:
                strips.append(Strip(kind, tuple(current)))
                current = list(b)
        strips.append(Strip(kind, tuple(current)))
    return strips


# --- free floor ----------------------------------------------------------------------------------

def free_spot(design: Design, hall_id: str, width: float, depth: float, near: tuple[float, float],
              tile_mm: float, ignore: Iterable[str] = ()) -> tuple[float, float] | None:
    """The nearest tile-aligned NW corner to `near` where a width × depth box fits on the floor."""
    hall = design.halls[hall_id]
    skip = set(ignore)
    others = [b for i, b in geometry.floor_items(design, hall_id) if i not in skip]
    cx, cy = snap(near[0], tile_mm), snap(near[1], tile_mm)
    cols = int(hall.width_mm // tile_mm) + 1
    rows = int(hall.depth_mm // tile_mm) + 1
    for radius in range(max(cols, rows) + 1):
        ring = [(dx, dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)
                if max(abs(dx), abs(dy)) == radius]
        ring.sort(key=lambda d: (abs(d[1]), abs(d[0]), d))
        for dx, dy in ring:
            x, y = cx + dx * tile_mm, cy + dy * tile_mm
            box = (x, y, x + width, y + depth)
            if x < 0 or y < 0 or box[2] > hall.width_mm or box[3] > hall.depth_mm:
                continue
            if not any(geometry.boxes_overlap(box, o) for o in others):
                return x, y
    return None


def adjacent_row(design: Design, hall_id: str, box: Box, facing: str) -> str | None:
    """The row a new rack joins when it is set flush beside the end rack of a row facing the
    same way, on the row's line; None otherwise."""
    eps = 1.0
    for rack in sorted(design.racks.values(), key=lambda r: r.id):
        if rack.hall != hall_id or rack.row is None or rack.facing != facing:
            continue
        other = geometry.rack_footprint(design, rack)
        if facing in ("N", "S"):
            on_line = abs(other[1] - box[1]) < eps and abs(other[3] - box[3]) < eps
            touching = abs(other[2] - box[0]) < eps or abs(box[2] - other[0]) < eps
        else:
            on_line = abs(other[0] - box[0]) < eps and abs(other[2] - box[2]) < eps
            touching = abs(other[3] - box[1]) < eps or abs(box[3] - other[1]) < eps
        if on_line and touching:
            return rack.row
    return None


__all__ = ["HOT_AISLE_MM", "Box", "Strip", "adjacent_row", "aisle_strips", "column_name", "footprint_of",
           "free_spot", "snap", "tile_name"]
