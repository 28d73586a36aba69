"""Qt-free. Floor-plan decisions for the hall view, in hall mm (x east, y south): tile snapping
and tile names, hot/cold aisle strips from rack facing, align and distribute, and the order in
which a set of rack moves can be applied one by one without two racks colliding mid-way.

The commands built here are core commands; `NudgeRack` (a MoveRack whose consecutive arrow
presses merge) belongs in rackstudio/commands/racks.py and lives here until it moves.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rackstudio.commands import Command, Composite, MoveDevice, MoveRack, Refused
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


# --- moving several things at once ------------------------------------------------------------

class NudgeRack(MoveRack):
    """An arrow-key move of one rack; consecutive nudges of the same rack merge into one step."""

    def __init__(self, rack_id: str, x_mm: float, y_mm: float):
        super().__init__(rack_id, x_mm, y_mm)
        self.merge_key = ("nudge-rack", rack_id)


def _move_command(design: Design, obj_id: str, x: float, y: float) -> Command:
    if obj_id in design.racks:
        return MoveRack(obj_id, x, y)
    return MoveDevice(obj_id, x_mm=x, y_mm=y)


def ordered_moves(design: Design, targets: dict[str, tuple[float, float]], text: str) -> Command:
    """One undo step moving floor objects (racks, floor devices) to new NW corners.

    The moves run one at a time, and each is checked against the others' *current* places, so
    they are ordered greedily: first whatever can land without touching anything still unmoved.
    Raises Refused (naming the first blocked object) when no order works.
    """
    moving = {i: t for i, t in targets.items() if (footprint_of(design, i)[0], footprint_of(design, i)[1]) != t}
    if not moving:
        raise Refused("nothing to move")
    if len(moving) == 1 and text.startswith("Move"):
        (obj_id, (x, y)), = moving.items()
        return _move_command(design, obj_id, x, y)
    current = {i: footprint_of(design, i) for i in moving}
    order: list[str] = []
    pending = dict(moving)
    while pending:
        progressed = False
        for obj_id in sorted(pending):
            x, y = pending[obj_id]
            box = current[obj_id]
            dest = (x, y, x + box[2] - box[0], y + box[3] - box[1])
            if not any(geometry.boxes_overlap(dest, current[o]) for o in pending if o != obj_id):
                order.append(obj_id)
                current[obj_id] = dest
                del pending[obj_id]
                progressed = True
        if not progressed:
            name = design.get(sorted(pending)[0]).name
            raise Refused(f"{name} cannot move there: the moved objects would cross each other")
    return Composite(text, [_move_command(design, i, *moving[i]) for i in order])


def align(design: Design, ids: Iterable[str], edge: str) -> dict[str, tuple[float, float]]:
    """Targets that line up footprints on an edge: left, right, top or bottom (hall north up)."""
    boxes = {i: footprint_of(design, i) for i in ids}
    if not boxes:
        return {}
    if edge == "left":
        ref = min(b[0] for b in boxes.values())
        return {i: (ref, b[1]) for i, b in boxes.items()}
    if edge == "right":
        ref = max(b[2] for b in boxes.values())
        return {i: (ref - (b[2] - b[0]), b[1]) for i, b in boxes.items()}
    if edge == "top":
        ref = min(b[1] for b in boxes.values())
        return {i: (b[0], ref) for i, b in boxes.items()}
    if edge == "bottom":
        ref = max(b[3] for b in boxes.values())
        return {i: (b[0], ref - (b[3] - b[1])) for i, b in boxes.items()}
    raise ValueError(f"unknown edge {edge!r}")


def distribute(design: Design, ids: Iterable[str], axis: str) -> dict[str, tuple[float, float]]:
    """Targets that space footprints evenly between the outermost two along `axis` ("x" or "y"),
    keeping equal gaps between neighbours."""
    boxes = {i: footprint_of(design, i) for i in ids}
    if len(boxes) < 3:
        return {i: (b[0], b[1]) for i, b in boxes.items()}
    lo, hi = (0, 2) if axis == "x" else (1, 3)
    order = sorted(boxes, key=lambda i: (boxes[i][lo], i))
    start = boxes[order[0]][lo]
    end = boxes[order[-1]][hi]
    sizes = [boxes[i][hi] - boxes[i][lo] for i in order]
    gap = (end - start - sum(sizes)) / (len(order) - 1)
    targets = {}
    pos = start
    for obj_id, size in zip(order, sizes, strict=True):
        b = boxes[obj_id]
        targets[obj_id] = (pos, b[1]) if axis == "x" else (b[0], pos)
        pos += size + gap
    return targets


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
