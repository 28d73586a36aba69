"""The floor index (commands.floor_index) answers "what overlaps this box" exactly as testing every
footprint of the hall would, through adds, moves, turns, removals, type changes, undo and redo."""
from __future__ import annotations

import random

from rackstudio.commands import AddRack, MoveRack, PlaceDevice, Refused, RemoveRack, RotateRack, floor_index
from rackstudio.commands.devices import MoveDevice
from rackstudio.commands.fit import can_place_rack
from rackstudio.commands.records import UpdatePartType
from rackstudio.model import geometry
from tests.core import builders as b


def brute_force(design, hall_id, box):
    return sorted(i for i, other in geometry.floor_items(design, hall_id) if geometry.boxes_overlap(box, other))


def probes(design, rng, n=40):
    hall = design.halls["hall-1"]
    for _ in range(n):
        x, y = rng.uniform(-600, hall.width_mm), rng.uniform(-600, hall.depth_mm)
        w, d = rng.choice([(600, 1200), (1200, 600), (300, 1200), (2500, 5000), (1, 1)])
        yield x, y, x + w, y + d


def assert_same(design, rng):
    index = floor_index.of(design)
    for box in probes(design, rng):
        assert sorted(index.overlapping("hall-1", box)) == brute_force(design, "hall-1", box)


def test_the_index_follows_random_edits_undo_and_redo():
    rng = random.Random(7)
    document = b.row_document(6)
    design = document.design
    rt, cdu = b.rack_type(), b.cdu()
    assert_same(design, rng)  # built now; from here on it only follows the commands' writes
    for step in range(150):
        racks = sorted(design.racks)
        floor = sorted(d for d in design.devices if design.devices[d].hall)
        x, y = rng.randrange(0, 30) * 600, rng.randrange(0, 18) * 600
        choice = rng.randrange(8)
        try:
            if choice == 0:
                document.execute(AddRack(rt, "hall-1", x, y, rng.choice("NESW")))
            elif choice == 1:
                document.execute(PlaceDevice(cdu, hall="hall-1", x_mm=x, y_mm=y, facing=rng.choice("NESW")))
            elif choice == 2 and racks:
                document.execute(MoveRack(rng.choice(racks), x, y))
            elif choice == 3 and racks:
                document.execute(RotateRack(rng.choice(racks)))
            elif choice == 4 and racks:
                document.execute(RemoveRack(rng.choice(racks)))
            elif choice == 5 and floor:
                document.execute(MoveDevice(rng.choice(floor), hall="hall-1", x_mm=x, y_mm=y))
            elif choice == 6:
                document.undo()
            else:
                document.redo()
        except Refused:
            pass
        if step % 10 == 0:
            assert_same(design, rng)
    assert_same(design, rng)
    while document.can_undo:
        document.undo()
        assert_same(design, rng)


def wide_cdu(footprint=(1500, 1200)):
    part = b.cdu()
    return part.model_copy(update={"rackstudio": part.rackstudio.model_copy(update={"footprint_mm": footprint})})


def test_a_wider_floor_part_is_seen_at_once():
    document = b.row_document(1)
    design = document.design
    document.execute(PlaceDevice(b.cdu(), name="CDU 1", hall="hall-1", x_mm=6000, y_mm=6000, facing="S"))
    assert can_place_rack(design, b.rack_type(), "hall-1", 7200, 6000, "S")
    document.execute(UpdatePartType(wide_cdu()))
    fit = can_place_rack(design, b.rack_type(), "hall-1", 7200, 6000, "S")
    assert not fit and fit.reason == "overlaps CDU 1"


def test_a_part_update_that_makes_floor_units_overlap_is_refused():
    document = b.row_document(1)
    design = document.design
    # 600 × 1200 side by side, one a tile further north: they meet only once both are 1200 × 1800
    for x, y in ((6000, 6000), (6600, 4800)):
        document.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=x, y_mm=y, facing="S"))
    assert_same(design, random.Random(1))
    try:
        document.execute(UpdatePartType(wide_cdu((1200, 1800))))
    except Refused as refused:
        assert "would no longer fit: overlaps" in str(refused)
    else:
        raise AssertionError("two units sharing floor were accepted")
    assert_same(design, random.Random(2))


def test_refusals_name_the_footprint_in_the_way():
    document = b.row_document(3)
    design = document.design
    a02 = design.racks[b.rack_named(design, "A02")]
    fit = can_place_rack(design, b.rack_type(), "hall-1", a02.x_mm + 300, a02.y_mm, "S")
    assert not fit and fit.reason in ("overlaps A02", "overlaps A03")
    assert can_place_rack(design, b.rack_type(), "hall-1", a02.x_mm + 300, a02.y_mm, "S",
                          ignore={a02.id, b.rack_named(design, "A03")})
