"""Arranging the floor (rackstudio.commands.arrange): align and distribute targets, and moves of
several racks as one undo step in an order in which none collides mid-way."""
from __future__ import annotations

import pytest

from rackstudio.commands import NudgeRack, PlaceDevice, Refused, align, distribute, ordered_moves
from tests.core import builders as b
from tests.core.builders import rack_named


@pytest.fixture
def doc():
    return b.row_document()


def test_ordered_moves_shift_a_row_without_collisions(doc):
    design = doc.design
    targets = {r.id: (r.x_mm + 600, r.y_mm) for r in design.racks.values()}
    doc.execute(ordered_moves(design, targets, "Move row"))
    assert sorted(r.x_mm for r in design.racks.values()) == [1800, 2400]
    doc.undo()
    assert sorted(r.x_mm for r in design.racks.values()) == [1200, 1800]


def test_ordered_moves_refuse_a_swap_and_nothing_to_move(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    with pytest.raises(Refused, match="cross each other"):
        ordered_moves(design, {a01: (1800, 1200), a02: (1200, 1200)}, "Swap")
    with pytest.raises(Refused, match="nothing to move"):
        ordered_moves(design, {a01: (1200, 1200)}, "Move")


def test_align_and_distribute(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    assert align(design, [a01, a02], "right") == {a01: (1800, 1200), a02: (1800, 1200)}
    assert align(design, [a01, a02], "top") == {a01: (1200, 1200), a02: (1800, 1200)}
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=6000, y_mm=1200, device_id="cdu"))
    assert distribute(design, [a01, a02, "cdu"], "x") == {a01: (1200, 1200), a02: (3600, 1200),
                                                          "cdu": (6000, 1200)}
    with pytest.raises(ValueError):
        align(design, [a01], "middle")


def test_rack_nudges_merge_into_one_undo_step(doc):
    design = doc.design
    a02 = rack_named(design, "A02")
    for x in (2400, 3000):
        doc.execute(NudgeRack(a02, x, 1200))
    assert design.racks[a02].x_mm == 3000
    doc.undo()
    assert design.racks[a02].x_mm == 1800
