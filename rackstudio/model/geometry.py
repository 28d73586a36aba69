"""Qt-free. Where things are: units a device takes in its rack, the cells it occupies, the unit
step a part is placed on, which devices are inside which, and the footprints of racks and floor
equipment in hall coordinates (mm, x east, y south).

Both the editor's fit predicate and the load-time integrity report read these, so the two
always agree on what "occupied" means.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import NamedTuple

from rackstudio.model.design import Design, Device, Rack
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.model.units import units_in_rack

Cell = tuple[int, str, str]  # (half-unit index, face, half)
FACINGS = ("N", "E", "S", "W")  # clockwise
_FACES = ("front", "rear")
_HALVES = ("left", "right")


def height_in_rack(part: PartType, rack_type: RackType) -> float:
    """Units of the rack's own system that `part` occupies (SPC-012 for OU gear in EIA racks)."""
    return units_in_rack(part.u_height, part.rackstudio.unit_system, rack_type.unit_system)


def step_for(height: float) -> float:
    """Placement step: half units for parts whose height has a half unit, else whole units."""
    return 0.5 if (height * 2) % 2 else 1.0


def snap_position(unit: float, height: float, u_height: int, step: float | None = None) -> float:
    """The bottom position that centres a `height`-unit device on the pointer's unit, on the step
    grid and inside the rack when it can be."""
    step = step or step_for(height)
    raw = unit - height / 2
    pos = math.floor(raw / step + 0.5) * step
    top_start = u_height - height + 1
    return float(min(max(pos, 1.0), top_start) if top_start >= 1 else 1.0)


def span(position: float, height: float) -> tuple[float, float]:
    """[bottom, top) in internal units, 1 = the bottom unit."""
    return position, position + height


def cells(position: float, height: float, face: str, full_depth: bool,
          lateral: str | None) -> Iterator[Cell]:
    faces = _FACES if full_depth else (face,)
    halves = (lateral,) if lateral else _HALVES
    start = round(position * 2)
    for step in range(start, start + round(height * 2)):
        for f in faces:
            for h in halves:
                yield step, f, h


def device_cells(design: Design, device: Device) -> Iterator[Cell]:
    if device.rack is None or device.position is None:
        return iter(())
    part = design.part_of(device)
    rack_type = design.rack_type_of(design.racks[device.rack])
    lateral = device.lateral if part.rackstudio.half_width else None
    return cells(device.position, height_in_rack(part, rack_type), device.face, part.is_full_depth, lateral)


def occupied(design: Design, rack_id: str, ignore: Iterable[str] = ()) -> dict[Cell, str]:
    """Cell → device id for every unit-mounted device in a rack (first claimant wins)."""
    skip = set(ignore)
    taken: dict[Cell, str] = {}
    for dev_id in sorted(design.contents(rack_id)):
        if dev_id in skip:
            continue
        for cell in device_cells(design, design.devices[dev_id]):
            taken.setdefault(cell, dev_id)
    return taken


# one bit per (face, half) a cell can be in: what a device covers at each of its half-unit steps
_COVER = {(f, h): 1 << (2 * i + j) for i, f in enumerate(_FACES) for j, h in enumerate(_HALVES)}
FRONT_COVER = _COVER["front", "left"] | _COVER["front", "right"]


class Mounted(NamedTuple):
    """A unit-mounted device's place in its rack as `cells` lays it out, as one span: the half-unit
    steps [start, stop) and a bit per (face, half) it covers at each of them. A rack's rules
    (collisions, blanking, centre of gravity) read these instead of a dictionary of cells."""

    device_id: str
    device: Device
    part: PartType
    height: float
    start: int
    stop: int
    cover: int


def mounted(design: Design, rack_id: str) -> list[Mounted]:
    """The rack's unit-mounted devices (those `device_cells` lays out) as spans, by device id."""
    rack_type = design.rack_type_of(design.racks[rack_id])
    devices, part_of = design.devices, design.part_of
    shapes: dict[tuple, tuple[float, int, int]] = {}  # (part, face, lateral) → height, steps, cover
    out = []
    for dev_id in sorted(design.contents(rack_id)):
        device = devices[dev_id]
        if device.rack is None or device.position is None:
            continue
        part = part_of(device)
        key = (id(part), device.face, device.lateral)
        shape = shapes.get(key)
        if shape is None:
            height = height_in_rack(part, rack_type)
            lateral = device.lateral if part.rackstudio.half_width else None
            cover = 0
            for f in _FACES if part.is_full_depth else (device.face,):
                for h in (lateral,) if lateral else _HALVES:
                    cover |= _COVER[f, h]
            shape = shapes[key] = height, round(height * 2), cover
        start = round(device.position * 2)
        out.append(Mounted(dev_id, device, part, shape[0], start, start + shape[1], shape[2]))
    return out


def _any_overlap(spans: list[Mounted]) -> bool:
    """Whether any two spans share a step and a (face, half): a sweep in step order."""
    active: list[Mounted] = []
    for m in sorted(spans, key=lambda m: m.start):
        active = [a for a in active if a.stop > m.start]
        if m.stop > m.start and any(a.cover & m.cover for a in active):
            return True
        active.append(m)
    return False


def overlaps(design: Design, rack_id: str, spans: list[Mounted] | None = None) -> list[tuple[str, str]]:
    """Pairs of devices in a rack that claim the same cell (SPC-001), sorted: each cell's first
    claimant (by device id) paired with every later one. `spans`: the rack's `mounted`, when the
    caller has them; a rack with no overlap at all (nearly every one) is answered from them."""
    if not _any_overlap(mounted(design, rack_id) if spans is None else spans):
        return []
    owner: dict[Cell, str] = {}
    pairs: set[tuple[str, str]] = set()
    for dev_id in sorted(design.contents(rack_id)):
        for cell in device_cells(design, design.devices[dev_id]):
            other = owner.setdefault(cell, dev_id)
            if other != dev_id:
                pairs.add((other, dev_id))
    return sorted(pairs)


# Bays nest a few levels at most; loading refuses deeper nesting and parent cycles
# (integrity.parent_cycles), and every walk up the parents stops after this many steps anyway.
MAX_BAY_DEPTH = 64


def mounted_root(design: Design, device_id: str) -> Device | None:
    """The device that holds `device_id` in a rack or on the floor: itself, or the outermost
    parent of a child in a bay (None when the parents never end: a cycle)."""
    device = design.devices.get(device_id)
    for _ in range(MAX_BAY_DEPTH + 1):
        if device is None or device.parent is None:
            return device
        device = design.devices.get(device.parent)
    return None


def devices_within(design: Design, container_id: str, _depth: int = 0) -> Iterator[str]:
    """Every device inside a rack or parent device, children of children included."""
    if _depth > MAX_BAY_DEPTH:
        return
    for child in sorted(design.contents(container_id)):
        device = design.devices.get(child)
        if device is not None:
            yield child
            part = design.part_types.get(device.part)
            if part is not None and (part.device_bays or part.subdevice_role == "parent"):
                yield from devices_within(design, child, _depth + 1)


def footprint(width_mm: float, depth_mm: float, x_mm: float, y_mm: float,
              facing: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a box whose front faces `facing`; E/W facing swaps width and depth."""
    if facing in ("E", "W"):
        width_mm, depth_mm = depth_mm, width_mm
    return x_mm, y_mm, x_mm + width_mm, y_mm + depth_mm


def rack_footprint(design: Design, rack: Rack) -> tuple[float, float, float, float]:
    rt = design.rack_type_of(rack)
    return footprint(rt.outer_width_mm, rt.outer_depth_mm, rack.x_mm, rack.y_mm, rack.facing)


def floor_footprint(design: Design, device: Device) -> tuple[float, float, float, float]:
    part = design.part_of(device)
    width, depth = part.rackstudio.footprint_mm or (600.0, 1200.0)
    return footprint(width, depth, device.x_mm or 0.0, device.y_mm or 0.0, device.facing)


def quarter_turn(facing: str) -> str:
    """The facing a quarter turn clockwise from `facing`."""
    return FACINGS[(FACINGS.index(facing) + 1) % 4]


def turned(design: Design, obj: Rack | Device, facing: str | None = None) -> Rack | Device:
    """A rack or floor device turned to `facing` (default: a quarter turn clockwise) about its
    footprint's centre, so it stays where it stood."""
    box_of = rack_footprint if isinstance(obj, Rack) else floor_footprint
    new = obj.replace(facing=facing or quarter_turn(obj.facing))
    before, after = box_of(design, obj), box_of(design, new)
    cx, cy = (before[0] + before[2]) / 2, (before[1] + before[3]) / 2
    return new.replace(x_mm=round(cx - (after[2] - after[0]) / 2, 3), y_mm=round(cy - (after[3] - after[1]) / 2, 3))


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two footprints share area (touching edges do not count)."""
    eps = 1e-6
    return a[0] < b[2] - eps and b[0] < a[2] - eps and a[1] < b[3] - eps and b[1] < a[3] - eps


def floor_items(design: Design, hall_id: str) -> Iterator[tuple[str, tuple[float, float, float, float]]]:
    """Every footprint standing on a hall's floor: racks (directly or via rows) and floor devices."""
    for rack in design.racks.values():
        if rack.hall == hall_id:
            yield rack.id, rack_footprint(design, rack)
    for dev_id in design.contents(hall_id):
        device = design.devices.get(dev_id)
        if device is not None:
            yield dev_id, floor_footprint(design, device)


def floor_overlaps(design: Design, hall_id: str) -> Iterator[tuple[str, str]]:
    """Pairs (a, b), a ≤ b, of footprints that share floor area, in sorted order.

    Yielded lazily, pair by pair: a caller that wants the first few (the load-time warnings,
    capped) stops early even when thousands of footprints stand on one spot (n²/2 pairs).
    Footprints are binned on a grid of cells the size of a typical footprint and each is tested
    only against those sharing a cell with it: near-linear for rows, columns and grids alike."""
    items = sorted(floor_items(design, hall_id), key=lambda item: item[0])  # stable for equal ids
    ids = [item_id for item_id, _ in items]
    boxes = [box for _, box in items]
    cells_of, grid, wide = _floor_grid(boxes)
    everyone = range(len(boxes))
    for a, group in groupby(everyone, key=ids.__getitem__):
        partners = []
        for i in group:
            box, cells = boxes[i], cells_of[i]
            if cells is None:  # compared with every later footprint
                later: Iterable[int] = everyone[i + 1:]
            else:
                found = [grid[cell] for cell in cells] + [wide]
                later = _after(i, found[0]) if len(cells) == 1 and not wide else \
                    {j for members in found for j in _after(i, members)}  # once each; sorted below
            partners.extend(ids[j] for j in later if boxes_overlap(box, boxes[j]))
        for b in sorted(partners):
            yield a, b


_CELLS_PER_BOX = 64  # a footprint over more grid cells than this is tested against every other


def _floor_grid(boxes: list[tuple[float, float, float, float]]):
    """(cells of each box, or None for one tested against all; cell → boxes in it, ascending;
    the boxes tested against all, ascending). A cell is as large as the median footprint's longer
    side (at least 1 mm), so a typical footprint covers one to four cells."""
    sides = sorted(max(abs(x1 - x0), abs(y1 - y0)) for x0, y0, x1, y1 in boxes
                   if math.isfinite(x0 + y0 + x1 + y1))
    size = max(sides[len(sides) // 2], 1.0) if sides and math.isfinite(sides[len(sides) // 2]) else 1.0
    cells_of: list[list[tuple[int, int]] | None] = []
    grid: dict[tuple[int, int], list[int]] = {}
    wide: list[int] = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if not math.isfinite(x0 + y0 + x1 + y1):
            cells_of.append(None)  # NaN overlaps nothing; an infinite edge may overlap anything
            wide.append(i)
            continue
        # min/max: a footprint given a negative width or depth still counts where it lies
        cx0, cx1 = sorted((math.floor(x0 / size), math.floor(x1 / size)))
        cy0, cy1 = sorted((math.floor(y0 / size), math.floor(y1 / size)))
        if (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > _CELLS_PER_BOX:
            cells_of.append(None)
            wide.append(i)
            continue
        cells = [(cx, cy) for cx in range(cx0, cx1 + 1) for cy in range(cy0, cy1 + 1)]
        cells_of.append(cells)
        for cell in cells:
            grid.setdefault(cell, []).append(i)
    return cells_of, grid, wide


def _after(i: int, members: list[int]) -> list[int]:
    """The members (ascending indices) after `i`."""
    return members[bisect_right(members, i):]
