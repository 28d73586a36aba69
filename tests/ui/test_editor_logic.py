"""The rack elevation's scene layout (rackstudio.ui.elevation_layout): plain geometry, no widgets.

The editor's other Qt-free decisions live in the core and are tested there (tests/core:
test_bulk, test_clipboard, test_arrange, test_floor, test_totals)."""
from __future__ import annotations

from rackstudio.ui import elevation_layout as lay


def test_rear_face_mirrors_half_width_positions():
    block = lay.RackBlock("r", 0.0, 48)
    left_front = block.span_rect("front", 1, 1, "left")
    left_rear = block.span_rect("rear", 1, 1, "left")
    assert left_front[0] == lay.FRONT_X and left_rear[0] == lay.REAR_X + lay.FACE_W / 2
    target = block.hit(left_rear[0] + 5, left_rear[1] + 5)
    assert (target.area, target.lateral, int(target.unit)) == ("rear", "left", 1)


def test_blocks_sit_side_by_side_and_a_point_finds_its_block():
    blocks = lay.blocks_for([("a", 48), ("b", 42)])
    assert blocks[1].x == lay.BLOCK_W + lay.BLOCK_GAP
    target = lay.block_at(blocks, blocks[1].x + lay.FRONT_X + 5, lay.HEADER + 5)
    assert (target.rack_id, target.area, int(target.unit)) == ("b", "front", 42)
    assert lay.block_at(blocks, -50, 0) is None
