"""Qt-free. Arranging things on the hall floor: an arrow-key nudge of a rack, lining footprints
up on an edge, spacing them evenly, and moving several racks and floor devices as one undo
step, in an order in which no two collide mid-way."""
from __future__ import annotations

from collections.abc import Iterable

from rackstudio.commands.base import Command, Composite, Refused
from rackstudio.commands.devices import MoveDevice
from rackstudio.commands.racks import MoveRack
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.model.floor import footprint_of


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


__all__ = ["NudgeRack", "align", "distribute", "ordered_moves"]
