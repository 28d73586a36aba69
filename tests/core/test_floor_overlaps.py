"""Overlapping footprints on a hall floor (geometry.floor_overlaps): the same pairs, in the same
order, as testing every pair; near-linear work when little overlaps; lazy, so the load-time
warnings (capped at limits.MAX_WARNINGS) stop early when thousands of footprints share a spot."""
from __future__ import annotations

import json
from itertools import combinations, islice
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from rackstudio.io import limits, parse
from rackstudio.model import Design, Device, Hall, Rack, integrity
from rackstudio.model import geometry as g
from tests.core import builders as b

BASE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "base.rackstudio"


def brute_force(design: Design, hall_id: str) -> list[tuple[str, str]]:
    items = list(g.floor_items(design, hall_id))
    return sorted(tuple(sorted((a, b))) for (a, box_a), (b, box_b) in combinations(items, 2)
                  if g.boxes_overlap(box_a, box_b))


def floor_file(spots: list[tuple[float, float]]) -> bytes:
    """The hostile base design with a 600 × 1200 mm floor unit at each spot (cdu-0, cdu-1, ...)."""
    data = json.loads(BASE.read_text())
    data["part_types"]["acme-cdu"] = {"manufacturer": "Acme", "model": "CDU", "slug": "acme-cdu", "u_height": 0,
                                      "rackstudio": {"category": "cdu", "footprint_mm": [600, 1200]}}
    for i, (x, y) in enumerate(spots):
        data["devices"][f"cdu-{i}"] = {"id": f"cdu-{i}", "name": f"CDU {i}", "part": "acme-cdu",
                                       "hall": "hall-1", "x_mm": x, "y_mm": y}
    return json.dumps(data).encode()


class CountingOverlaps:
    """Counts the footprint comparisons floor_overlaps makes."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = g.boxes_overlap

        def counted(a, b):
            self.calls += 1
            return real(a, b)

        monkeypatch.setattr(g, "boxes_overlap", counted)


# --- the same pairs as testing every pair ---------------------------------------------------------

SIZES = [(600.0, 1200.0), (600.0, 600.0), (300.0, 2400.0), (0.5, 0.5), (0.0, 900.0), (-600.0, 1200.0),
         (40_000.0, 600.0), (600.0, 1e9)]
COORDS = st.one_of(st.integers(-4, 40).map(lambda n: n * 300.0),  # a coarse grid: touching edges, overlaps
                   st.floats(-2000, 14000, allow_nan=False),
                   st.sampled_from([1e12, -1e12, 1e15]))  # the model refuses NaN and infinities
FOOTPRINT = st.tuples(st.sampled_from(["rack", "device"]), COORDS, COORDS, st.sampled_from("NESW"),
                      st.integers(0, len(SIZES) - 1))


def layout(footprints) -> Design:
    design = b.empty_design()
    design.put("halls", Hall(id="hall-2", name="Hall 2", width_mm=5000, depth_mm=5000))
    for n, (w, d) in enumerate(SIZES):
        design.part_types[f"fp-{n}"] = b.cdu().replace(slug=f"fp-{n}", rackstudio={"category": "cdu",
                                                                                   "footprint_mm": [w, d]})
        if w > 0 and d > 0:
            design.rack_types[f"rt-{n}"] = b.rack_type(slug=f"rt-{n}", outer_width_mm=w, outer_depth_mm=d)
    for i, (kind, x, y, facing, size) in enumerate(footprints):
        hall = "hall-2" if i % 7 == 6 else "hall-1"  # a few in another hall: never paired with hall-1's
        if kind == "rack" and f"rt-{size}" in design.rack_types:
            design.put("racks", Rack(id=f"r{i:02d}", name=f"R{i}", rack_type=f"rt-{size}", hall=hall,
                                     x_mm=x, y_mm=y, facing=facing))
        else:
            design.put("devices", Device(id=f"d{i:02d}", name=f"D{i}", part=f"fp-{size}", hall=hall,
                                         x_mm=x, y_mm=y, facing=facing))
    return design


@given(st.lists(FOOTPRINT, max_size=40))
def test_the_pairs_are_those_of_testing_every_pair_in_sorted_order(footprints):
    design = layout(footprints)
    for hall_id in ("hall-1", "hall-2", "no-such-hall"):
        assert list(g.floor_overlaps(design, hall_id)) == brute_force(design, hall_id)


def test_a_footprint_on_a_row_of_others_overlaps_each_it_covers():
    design = layout([("device", 300.0 * i, 0.0, "S", 0) for i in range(10)] + [("rack", 0.0, 600.0, "E", 0)])
    pairs = list(g.floor_overlaps(design, "hall-1"))
    assert pairs == brute_force(design, "hall-1")
    assert ("d00", "d01") in pairs and ("d00", "r10") in pairs and ("d00", "d02") not in pairs


# --- work ---------------------------------------------------------------------------------------

def test_footprints_apart_along_one_line_are_compared_a_few_times_each(monkeypatch):
    """A column of 3,000 (one x, apart in y) or a row (apart in x): each is compared with its few
    neighbours, not with all the others (the sweep along x alone compared 4.5 million pairs
    for the column)."""
    for spots in ([(5000.0, 5000.0 + 1300 * i) for i in range(3000)],
                  [(5000.0 + 700 * i, 5000.0) for i in range(3000)],
                  [(5000.0 + 700 * (i % 55), 5000.0 + 1300 * (i // 55)) for i in range(3000)]):
        design = parse(floor_file(spots)).design
        counter = CountingOverlaps(monkeypatch)
        assert list(g.floor_overlaps(design, "hall-1")) == []
        assert counter.calls < 10 * len(spots)


def test_3000_footprints_on_one_spot_load_with_the_capped_warnings(monkeypatch):
    """4.5 million overlapping pairs: loading lists the first MAX_WARNINGS and stops, after a few
    thousand comparisons."""
    counter = CountingOverlaps(monkeypatch)
    loaded = parse(floor_file([(5000.0, 5000.0)] * 3000))
    assert len(loaded.warnings) == limits.MAX_WARNINGS + 1
    assert loaded.warnings[-1][0] == "$" and "more than 1,000 problems" in loaded.warnings[-1][1]
    ids = sorted(f"cdu-{i}" for i in range(3000))
    assert loaded.warnings[:3] == [(f"$.devices.{b}", f"CDU 0 and {b.replace('cdu-', 'CDU ')} overlap on the floor")
                                   for b in ids[1:4]]
    assert counter.calls < 2 * 3000


def test_the_pairs_come_lazily(monkeypatch):
    design = parse(floor_file([(5000.0, 5000.0)] * 3000)).design
    counter = CountingOverlaps(monkeypatch)
    first = list(islice(g.floor_overlaps(design, "hall-1"), 5000))
    assert first[0] == ("cdu-0", "cdu-1") and first == sorted(first) and len(set(first)) == 5000
    assert counter.calls < 3 * 3000
    warnings = list(islice(integrity.warnings(design), 10))
    assert [w[0] for w in warnings] == [f"$.devices.{b}" for b in sorted(f"cdu-{i}" for i in range(3000))[1:11]]
