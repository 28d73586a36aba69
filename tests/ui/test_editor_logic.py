"""The editor's Qt-free decisions (rackstudio.ui.bulk, floor_plan, elevation_layout,
duplication, cable_labels, totals): plain functions over a Design, no widgets."""
from __future__ import annotations

import subprocess
import sys

import pytest

from rackstudio.commands import Connect, PlaceDevice, Refused, add_row_of_racks
from rackstudio.document import Document
from rackstudio.model.design import Feed, PortRef
from rackstudio.model.parts import PartType
from rackstudio.ui import bulk, duplication, floor_plan
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.cable_labels import cable_label, pattern_problem
from rackstudio.ui.totals import rack_summary, selection_totals
from tests.core import builders as b


def test_these_modules_import_no_qt():
    """They are meant to move to the core: importing them with Qt blocked must work."""
    code = ("import sys\n"
            "for name in ('PySide6', 'shiboken6', 'pyqtgraph'): sys.modules[name] = None\n"
            "import rackstudio.ui.bulk, rackstudio.ui.floor_plan, rackstudio.ui.elevation_layout\n"
            "import rackstudio.ui.duplication, rackstudio.ui.cable_labels, rackstudio.ui.totals\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def doc():
    design = b.empty_design()
    document = Document(design)
    document.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "A", 2, 1200, 1200, "S"))
    return document


def _rack(doc, name):
    return next(r.id for r in doc.design.racks.values() if r.name == name)


def manifold() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Generic", "model": "Manifold", "slug": "generic-manifold", "u_height": 0,
        "rackstudio": {"category": "manifold", "cooling": {"method": "liquid", "coolant_ports": [
            {"name": f"b{i}", "role": "pair"} for i in range(1, 5)] + [
            {"name": "cdu-supply", "role": "supply"}, {"name": "cdu-return", "role": "return"}]}}})


def liquid_tray() -> PartType:
    return b.server(slug="liquid-tray", model="Liquid tray", u_height=1,
                    rackstudio={"category": "server", "cooling": {"method": "liquid", "liquid_fraction": 0.8,
                                                                  "coolant_ports": [{"name": "loop"}]},
                                "power": {"max_w": 5000}})


# --- bulk cabling ------------------------------------------------------------------------------

def test_psus_go_alternately_to_pdu_a_and_b_and_pdus_to_their_feeds(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(b.pdu(), rack=a01, side="left", device_id="pdu-a"))
    doc.execute(PlaceDevice(b.pdu(), rack=a01, side="right", device_id="pdu-b"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="srv"))
    design.put("feeds", Feed(id="f-a01-a", name="A01-A", side="A", rack=a01))
    design.put("feeds", Feed(id="f-a01-b", name="A01-B", side="B", rack=a01))
    command = bulk.connect_psus_ab(design, a01)
    doc.execute(command)
    assert command.text == "Connect PSUs of A01 to A/B"
    ends = {c.a.port: c.b for c in design.connections.values() if c.a.owner == "srv"}
    assert [ends[f"PSU{i}"].owner for i in range(1, 7)] == ["pdu-a", "pdu-b"] * 3
    assert [ends[f"PSU{i}"].port for i in (1, 3, 5)] == ["O0", "O1", "O2"]
    pdu_feeds = {c.a.owner: c.b.owner for c in design.connections.values() if c.a.owner.startswith("pdu")}
    assert pdu_feeds == {"pdu-a": "f-a01-a", "pdu-b": "f-a01-b"}
    with pytest.raises(Refused, match="already connected"):
        bulk.connect_psus_ab(design, a01).apply(design)
    doc.undo()
    assert not design.connections


def test_psus_without_a_pdu_pair_are_refused(doc):
    with pytest.raises(Refused, match="no PDU pair"):
        bulk.connect_psus_ab(doc.design, _rack(doc, "A01"))


def test_nics_go_to_the_next_free_leaf_ports(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s1"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=11, device_id="s2"))
    doc.execute(Connect("network", PortRef(owner="s1", port="nic1"), PortRef(owner="leaf", port="p1")))
    doc.execute(bulk.connect_to_leaf(design, ["s1", "s2"], "leaf", media="dac"))
    leaf_ports = {c.b.port for c in design.connections.values() if c.b.owner == "leaf"}
    assert len(leaf_ports) == 16 and leaf_ports == {f"p{i}" for i in range(1, 17)}
    first = next(c for c in design.connections.values() if c.a == PortRef(owner="s2", port="nic1"))
    assert first.b.port == "p2" and first.media == "dac"  # s2 sits higher, so it is cabled first


def test_rail_optimised_fabric_puts_nic_k_on_leaf_k_and_uplinks_on_spines(doc):
    design = doc.design
    a01, a02 = _rack(doc, "A01"), _rack(doc, "A02")
    small = b.switch(slug="sw8", model="SW8", interfaces=[{"name": f"e{i}", "type": "400gbase-x-osfp"}
                                                           for i in range(1, 9)])
    for i in range(2):
        doc.execute(PlaceDevice(small, rack=a02, position=40 + i, device_id=f"leaf{i + 1}"))
    doc.execute(PlaceDevice(small, rack=a02, position=45, device_id="spine"))
    two_nic = b.server(slug="srv2", model="Two NIC", interfaces=[{"name": "n1", "type": "400gbase-x-osfp"},
                                                                  {"name": "n2", "type": "400gbase-x-osfp"}])
    for i in range(3):
        doc.execute(PlaceDevice(two_nic, rack=a01, position=1 + 10 * i, device_id=f"s{i}"))
    doc.execute(bulk.rail_optimised(design, ["s0", "s1", "s2"], ["leaf1", "leaf2"], ["spine"], media="aoc"))
    conns = list(design.connections.values())
    rail1 = {c.a.owner for c in conns if c.b.owner == "leaf1" and c.a.port == "n1"}
    rail2 = {c.a.owner for c in conns if c.b.owner == "leaf2" and c.a.port == "n2"}
    assert rail1 == rail2 == {"s0", "s1", "s2"}
    uplinks = [c for c in conns if c.b.owner == "spine"]
    assert len(uplinks) == 6 and {c.a.owner for c in uplinks} == {"leaf1", "leaf2"}
    with pytest.raises(Refused):
        bulk.rail_optimised(design, ["s0"], [], [])


def test_liquid_devices_go_to_the_manifold_and_the_manifold_to_the_nearest_cdu(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(manifold(), rack=a01, side="right", device_id="man"))
    for i in range(3):
        doc.execute(PlaceDevice(liquid_tray(), rack=a01, position=1 + i, device_id=f"t{i}"))
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=6000, y_mm=1200, device_id="cdu"))
    doc.execute(bulk.connect_liquid(design, a01))
    conns = list(design.connections.values())
    assert {(c.a.owner, c.b.port) for c in conns if c.b.owner == "man"} == {("t0", "b3"), ("t1", "b2"), ("t2", "b1")}
    assert {(c.a.port, c.b.owner) for c in conns if c.a.owner == "man"} == {("cdu-supply", "cdu"),
                                                                            ("cdu-return", "cdu")}
    assert all(c.kind == "coolant" for c in conns)


def test_liquid_without_a_manifold_is_refused(doc):
    with pytest.raises(Refused, match="no coolant manifold"):
        bulk.connect_liquid(doc.design, _rack(doc, "A01"))


# --- floor plan ----------------------------------------------------------------------------------

def test_tiles_snap_and_have_names(doc):
    hall = doc.design.halls["hall-1"]
    assert floor_plan.snap(899, 600) == 600 and floor_plan.snap(900, 600) == 1200
    assert floor_plan.tile_name(hall, 0, 0) == "A01"
    assert floor_plan.tile_name(hall, 26 * 600 + 1, 1250) == "AA03"
    assert floor_plan.tile_name(hall, -5, 0) == "outside"


def test_aisles_follow_rack_facing(doc):
    strips = floor_plan.aisle_strips(doc.design, "hall-1")
    cold = [s for s in strips if s.kind == "cold"]
    hot = [s for s in strips if s.kind == "hot"]
    assert len(cold) == 1 and len(hot) == 1  # one strip per side, merged along the row
    assert cold[0].box == (1200, 2400, 2400, 3600)  # south of a south-facing row
    assert hot[0].box == (1200, 0, 2400, 1200)


def test_ordered_moves_shift_a_row_without_collisions(doc):
    design = doc.design
    targets = {r.id: (r.x_mm + 600, r.y_mm) for r in design.racks.values()}
    doc.execute(floor_plan.ordered_moves(design, targets, "Move row"))
    assert sorted(r.x_mm for r in design.racks.values()) == [1800, 2400]


def test_align_distribute_and_free_spot(doc):
    design = doc.design
    a01, a02 = _rack(doc, "A01"), _rack(doc, "A02")
    assert floor_plan.align(design, [a01, a02], "right") == {a01: (1800, 1200), a02: (1800, 1200)}
    spot = floor_plan.free_spot(design, "hall-1", 600, 1200, (1200, 1200), 600)
    assert spot is not None and spot != (1200, 1200)
    box = (spot[0], spot[1], spot[0] + 600, spot[1] + 1200)
    assert not any(floor_plan.geometry.boxes_overlap(box, other)
                   for _, other in floor_plan.geometry.floor_items(design, "hall-1"))


# --- elevation geometry ------------------------------------------------------------------------------

def test_snap_position_centres_the_part_and_stays_inside_the_rack():
    assert lay.snap_position(20.6, 1, 48) == 20
    assert lay.snap_position(20.6, 0.5, 48) == 20.5
    assert lay.snap_position(48.9, 10, 48) == 39  # clamped to the top
    assert lay.snap_position(0.2, 2, 48) == 1


def test_rear_face_mirrors_half_width_positions():
    block = lay.RackBlock("r", 0.0, 48)
    left_front = block.span_rect("front", 1, 1, "left")
    left_rear = block.span_rect("rear", 1, 1, "left")
    assert left_front[0] == lay.FRONT_X and left_rear[0] == lay.REAR_X + lay.FACE_W / 2
    target = block.hit(left_rear[0] + 5, left_rear[1] + 5)
    assert (target.area, target.lateral, int(target.unit)) == ("rear", "left", 1)


# --- copy and paste --------------------------------------------------------------------------------

def test_duplicate_a_rack_with_its_devices_and_internal_cables(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="l"))
    doc.execute(Connect("network", PortRef(owner="s", port="nic1"), PortRef(owner="l", port="p1")))
    clip = duplication.Clip.from_json(duplication.copy(design, [a01]).to_json())
    doc.execute(duplication.paste(design, clip, text="Duplicate"))
    assert len(design.racks) == 3 and len(design.devices) == 4 and len(design.connections) == 2
    new = next(r for r in design.racks.values() if r.name not in ("A01", "A02"))
    assert new.name == "A03" and len(design.contents(new.id)) == 2


def test_paste_devices_into_a_rack_finds_free_units(doc):
    design = doc.design
    a01, a02 = _rack(doc, "A01"), _rack(doc, "A02")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=10, device_id="sw"))
    doc.execute(PlaceDevice(b.switch(), rack=a02, position=10))
    clip = duplication.copy(design, ["sw"])
    doc.execute(duplication.paste(design, clip, rack_id=a02))
    placed = sorted(d.position for d in design.devices.values() if d.rack == a02)
    assert placed == [10, 11]


def test_labels_follow_the_pattern(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=3, device_id="s"))
    a, bb = PortRef(owner="s", port="PSU1"), PortRef(owner="feed-a", port="")
    assert cable_label(design, a, bb) == "A01-U3-PSU1 / Feed A"
    assert cable_label(design, a, bb, "{a_rack}.{a_unit}:{a_port}") == "A01.3:PSU1"
    assert "unknown field" in pattern_problem("{nope}")
    assert pattern_problem("{a}-{b}") is None


def test_totals_count_racks_and_their_devices_once(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    summary = rack_summary(design, a01)
    assert (summary.used_u, summary.total_u, summary.power_w) == (10, 48, 14300)
    totals = selection_totals(design, [a01, "s"])
    assert (totals.units, totals.power_w) == (10, 14300)
    assert totals.weight_kg == pytest.approx(150 + 142.4)


def test_a_management_switch_takes_the_bmc_ports(doc):
    design = doc.design
    a01 = _rack(doc, "A01")
    mgmt = b.switch(slug="mgmt48", model="Mgmt 48", interfaces=[{"name": f"ge{i}", "type": "1000base-t"}
                                                                  for i in range(1, 49)])
    doc.execute(PlaceDevice(mgmt, rack=a01, position=45, device_id="mgmt"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s1"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=11, device_id="s2"))
    doc.execute(bulk.connect_to_leaf(design, ["s1", "s2"], "mgmt", media="cat6"))
    assert sorted((c.a.owner, c.a.port) for c in design.connections.values()) == [("s1", "bmc"), ("s2", "bmc")]
