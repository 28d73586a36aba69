"""The hall floor (rackstudio.model.floor): tile snapping and names, aisle strips from rack
facing, the nearest free spot, and the row a rack set beside a row's end joins."""
from __future__ import annotations

import pytest

from rackstudio.model import geometry
from rackstudio.model.floor import adjacent_row, aisle_strips, column_name, free_spot, snap, tile_name
from tests.core import builders as b


@pytest.fixture
def doc():
    return b.row_document()


def test_tiles_snap_and_have_names(doc):
    hall = doc.design.halls["hall-1"]
    assert snap(899, 600) == 600 and snap(900, 600) == 1200
    assert tile_name(hall, 0, 0) == "A01"
    assert tile_name(hall, 26 * 600 + 1, 1250) == "AA03"
    assert tile_name(hall, -5, 0) == "outside"
    assert [column_name(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_aisles_follow_rack_facing(doc):
    strips = aisle_strips(doc.design, "hall-1")
    cold = [s for s in strips if s.kind == "cold"]
    hot = [s for s in strips if s.kind == "hot"]
    assert len(cold) == 1 and len(hot) == 1  # one strip per side, merged along the row
    assert cold[0].box == (1200, 2400, 2400, 3600)  # south of a south-facing row
    assert hot[0].box == (1200, 0, 2400, 1200)
    assert aisle_strips(doc.design, "no-hall") == []


def test_free_spot_is_the_nearest_free_tile(doc):
    design = doc.design
    spot = free_spot(design, "hall-1", 600, 1200, (1200, 1200), 600)
    assert spot is not None and spot != (1200, 1200)
    box = (spot[0], spot[1], spot[0] + 600, spot[1] + 1200)
    assert not any(geometry.boxes_overlap(box, other) for _, other in geometry.floor_items(design, "hall-1"))
    assert free_spot(design, "hall-1", 600, 1200, (1200, 1200), 600, ignore=list(design.racks)) == (1200, 1200)
    assert free_spot(design, "hall-1", 30000, 1200, (0, 0), 600) is None


def test_a_rack_flush_with_a_row_end_joins_the_row(doc):
    design = doc.design
    row = next(iter(design.rows))
    assert adjacent_row(design, "hall-1", (2400, 1200, 3000, 2400), "S") == row
    assert adjacent_row(design, "hall-1", (600, 1200, 1200, 2400), "S") == row
    assert adjacent_row(design, "hall-1", (3000, 1200, 3600, 2400), "S") is None  # a gap
    assert adjacent_row(design, "hall-1", (2400, 1200, 3000, 2400), "N") is None  # facing the other way
