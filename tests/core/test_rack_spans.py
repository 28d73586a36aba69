"""A rack's devices as spans (geometry.mounted) answer what the cell-by-cell layout answers.

SPC-001's overlaps and COOL-011's open units read spans: a sweep proves a rack free of overlaps
and a bit per (face, half) counts the covered halves. Random racks as a loaded file may hold them
(overlaps, half-width gear on either side, rear-mounted and full-depth gear, half units, devices
past the top) are compared with the cell dictionary the editor's fit test reads."""
from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from rackstudio.checks.engine import CheckEngine
from rackstudio.graph import ComponentGraph
from rackstudio.model import Device, geometry
from tests.core import builders
from tests.core.check_builders import Bench

PARTS = [
    builders.server(),  # 10U, full depth
    builders.switch(),  # 1U, one face
    builders.blank(),  # 1U, one face
    builders.half_width(),  # 1U, full depth, half width
    builders.half_width(slug="half-front", model="Half front", is_full_depth=False),
    builders.switch(slug="half-u", model="Half U", u_height=0.5),
    builders.blank(slug="blank-2u", model="Blank 2U", u_height=2),
]

device = st.tuples(st.integers(0, len(PARTS) - 1), st.integers(-1, 100).map(lambda x: x / 2),
                   st.sampled_from(["front", "rear"]), st.sampled_from([None, "left", "right"]))


def rack_of(devices) -> Bench:
    b = Bench()
    b.rack(rack_type=builders.rack_type(slug="r42", model="42U", u_height=42))
    for part in PARTS:
        b.design.part_types.setdefault(part.slug, part)
    for i, (part, position, face, lateral) in enumerate(devices):
        b.design.put("devices", Device(id=f"d{i:02d}", name=f"d{i:02d}", part=PARTS[part].slug, rack="rk-1",
                                       position=position, face=face, lateral=lateral))
    return b


def cell_overlaps(design, rack_id):
    owner, pairs = {}, set()
    for dev_id in sorted(design.contents(rack_id)):
        for cell in geometry.device_cells(design, design.devices[dev_id]):
            other = owner.setdefault(cell, dev_id)
            if other != dev_id:
                pairs.add((other, dev_id))
    return sorted(pairs)


def cell_open_units(design, rack_id, u_height):
    halves = Counter(step for step, face, _ in geometry.occupied(design, rack_id) if face == "front")
    return [u for u in range(1, u_height + 1) if halves[2 * u] < 2 or halves[2 * u + 1] < 2]


@settings(max_examples=150, deadline=None)
@given(st.lists(device, max_size=24))
def test_spans_answer_as_cells_do(devices):
    b = rack_of(devices)
    d = b.design
    spans = geometry.mounted(d, "rk-1")
    assert [m.device_id for m in spans] == sorted(x for x in d.contents("rk-1") if d.devices[x].position is not None)
    cells = {(s, f, h) for m in spans for s in range(m.start, m.stop)
             for f in ("front", "rear") for h in ("left", "right") if m.cover & geometry._COVER[f, h]}
    assert cells == set(geometry.occupied(d, "rk-1"))
    assert geometry.overlaps(d, "rk-1") == cell_overlaps(d, "rk-1")

    found = CheckEngine(d, ComponentGraph(d)).run_full()
    open_units = cell_open_units(d, "rk-1", 42)
    cool = [f for f in found if f.rule == "COOL-011"]
    assert [f.figures.get("open_units") for f in cool] == ([len(open_units)] if open_units and cells else [])
    collisions = [f.objects for f in found if f.rule == "SPC-001" and f.aspect == ""]
    assert collisions == cell_overlaps(d, "rk-1")[:len(collisions)]


def test_a_clean_rack_is_proved_clean_and_a_rear_half_unit_overlap_is_found():
    b = rack_of([(1, 10, "front", None), (1, 10, "rear", None), (3, 11, "front", "left"), (3, 11, "front", "right")])
    assert geometry.overlaps(b.design, "rk-1") == []
    b = rack_of([(1, 10, "front", None), (5, 10.5, "rear", None), (0, 10, "rear", None)])
    assert geometry.overlaps(b.design, "rk-1") == [("d00", "d02"), ("d01", "d02")]
