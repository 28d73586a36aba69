"""Qt-free. Where things sit in the rack elevation view, in scene pixels (y down): the blocks of
the open racks side by side, each with a front face, a rear face, unit numbers and, beside each
face, the rack's two 0U side channels; and the reverse, which rack, face and unit a point is over
(for drags).

The rear face is drawn as seen from behind, so a half-width device in the left half (as seen
from the front) appears on the right of the rear face, and the rack's left side channel on the
right of it. Which unit a part snaps to is the core's (model.geometry.snap_position).
"""
from __future__ import annotations

from dataclasses import dataclass

UNIT_PX = 18.0
HEADER = 52.0
FOOTER = 24.0
SIDE_W = 24.0
NUM_W = 28.0
FACE_W = 210.0
FACE_GAP = 30.0
BLOCK_GAP = 70.0

# x offsets inside a block: [left channel][numbers][front][right channel]  [right channel][rear][left channel][numbers]
LEFT_SIDE_X = 0.0
FRONT_NUM_X = LEFT_SIDE_X + SIDE_W + 2
FRONT_X = FRONT_NUM_X + NUM_W
RIGHT_SIDE_X = FRONT_X + FACE_W + 2
REAR_RIGHT_SIDE_X = RIGHT_SIDE_X + SIDE_W + FACE_GAP
REAR_X = REAR_RIGHT_SIDE_X + SIDE_W + 2
REAR_LEFT_SIDE_X = REAR_X + FACE_W + 2
REAR_NUM_X = REAR_LEFT_SIDE_X + SIDE_W
BLOCK_W = REAR_NUM_X + NUM_W
SIDE_X = {("front", "left"): LEFT_SIDE_X, ("front", "right"): RIGHT_SIDE_X,
          ("rear", "right"): REAR_RIGHT_SIDE_X, ("rear", "left"): REAR_LEFT_SIDE_X}

Rect = tuple[float, float, float, float]  # x, y, w, h


@dataclass(frozen=True)
class Target:
    """What the pointer is over inside a rack block."""

    rack_id: str
    area: str  # "front", "rear", "left", "right" (side channels) or "header"
    unit: float  # continuous internal unit: 1.0 at the bottom of the lowest unit
    lateral: str | None  # "left"/"right" half as seen from the front, for faces
    x_frac: float  # 0..1 across the face (for bays)
    face: str = "front"  # the face a side channel is drawn beside (0U devices mount on it)


@dataclass(frozen=True)
class RackBlock:
    rack_id: str
    x: float
    u_height: int

    @property
    def body_y(self) -> float:
        return HEADER

    @property
    def height(self) -> float:
        return HEADER + self.u_height * UNIT_PX + FOOTER

    def rect(self) -> Rect:
        return (self.x, 0.0, BLOCK_W, self.height)

    def face_x(self, face: str) -> float:
        return self.x + (FRONT_X if face == "front" else REAR_X)

    def face_rect(self, face: str) -> Rect:
        return (self.face_x(face), HEADER, FACE_W, self.u_height * UNIT_PX)

    def side_rect(self, side: str, face: str = "front") -> Rect:
        """The rack's `side` channel as drawn beside `face`."""
        x = self.x + SIDE_X[(face, side)]
        return (x, HEADER, SIDE_W, self.u_height * UNIT_PX)

    def numbers_x(self, face: str) -> float:
        return self.x + (FRONT_NUM_X if face == "front" else REAR_NUM_X)

    def unit_y(self, position: float) -> float:
        """y of the bottom edge of internal unit `position` (1 = the lowest)."""
        return HEADER + (self.u_height - position + 1) * UNIT_PX

    def span_rect(self, face: str, position: float, height: float, lateral: str | None = None) -> Rect:
        """The rectangle a device of `height` units at `position` takes on a face."""
        top = self.unit_y(position + height - 1) - UNIT_PX
        h = max(height, 0.5) * UNIT_PX
        x, w = self.face_x(face), FACE_W
        if lateral is not None:
            w = FACE_W / 2
            shown = lateral if face == "front" else {"left": "right", "right": "left"}[lateral]
            if shown == "right":
                x += w
        return (x, top, w, h)

    def side_slot(self, side: str, index: int, count: int, face: str = "front") -> Rect:
        """Slot `index` of `count` 0U devices sharing one side channel, top to bottom."""
        x, y, w, h = self.side_rect(side, face)
        each = h / max(count, 1)
        return (x, y + index * each, w, each)

    def hit(self, px: float, py: float) -> Target | None:
        lx = px - self.x
        if not (0 <= lx <= BLOCK_W and 0 <= py <= self.height):
            return None
        unit = self.u_height + 1 - (py - HEADER) / UNIT_PX
        areas = [("front", "front", FRONT_X, FACE_W), ("rear", "rear", REAR_X, FACE_W),
                 *((side, face, x0, SIDE_W) for (face, side), x0 in SIDE_X.items())]
        for area, face, x0, width in areas:
            if x0 <= lx < x0 + width:
                frac = (lx - x0) / width
                lateral = None
                if area in ("front", "rear"):
                    seen_left = frac < 0.5
                    lateral = "left" if seen_left == (area == "front") else "right"
                if py < HEADER:
                    return Target(self.rack_id, "header", unit, lateral, frac, face)
                return Target(self.rack_id, area, unit, lateral, frac, face)
        if lx < FRONT_X:
            return Target(self.rack_id, "front", unit, "left", 0.0)
        return Target(self.rack_id, "header", unit, None, 0.0)


def blocks_for(racks: list[tuple[str, int]]) -> list[RackBlock]:
    """Blocks for open racks (id, u_height) laid out left to right."""
    blocks = []
    x = 0.0
    for rack_id, u_height in racks:
        blocks.append(RackBlock(rack_id, x, u_height))
        x += BLOCK_W + BLOCK_GAP
    return blocks


def block_at(blocks: list[RackBlock], px: float, py: float) -> Target | None:
    for block in blocks:
        target = block.hit(px, py)
        if target is not None:
            return target
    return None

