"""Bulk cabling (rackstudio.commands.bulk): each helper is one Composite of Connect commands, so a
rack's or a pod's cabling is one undo step; and the cable labels they write (commands.labels)."""
from __future__ import annotations

import pytest

from rackstudio.commands import Connect, PlaceDevice, Refused, bulk
from rackstudio.commands.labels import cable_label, labeler, pattern_problem
from rackstudio.model.design import Feed, PortRef
from rackstudio.model.parts import PartType
from tests.core import builders as b
from tests.core.builders import rack_named


@pytest.fixture
def doc():
    return b.row_document()


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


# --- power -------------------------------------------------------------------------------------

def test_psus_go_alternately_to_pdu_a_and_b_and_pdus_to_their_feeds(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
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
        bulk.connect_psus_ab(doc.design, rack_named(doc.design, "A01"))


# --- network -----------------------------------------------------------------------------------

def test_nics_go_to_the_next_free_leaf_ports(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s1"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=11, device_id="s2"))
    doc.execute(Connect("network", PortRef(owner="s1", port="nic1"), PortRef(owner="leaf", port="p1")))
    doc.execute(bulk.connect_to_leaf(design, ["s1", "s2"], "leaf", media="dac"))
    leaf_ports = {c.b.port for c in design.connections.values() if c.b.owner == "leaf"}
    assert len(leaf_ports) == 16 and leaf_ports == {f"p{i}" for i in range(1, 17)}
    first = next(c for c in design.connections.values() if c.a == PortRef(owner="s2", port="nic1"))
    assert first.b.port == "p2" and first.media == "dac"  # s2 sits higher, so it is cabled first


def test_a_management_switch_takes_the_bmc_ports(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    mgmt = b.switch(slug="mgmt48", model="Mgmt 48", interfaces=[{"name": f"ge{i}", "type": "1000base-t"}
                                                                  for i in range(1, 49)])
    doc.execute(PlaceDevice(mgmt, rack=a01, position=45, device_id="mgmt"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s1"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=11, device_id="s2"))
    doc.execute(bulk.connect_to_leaf(design, ["s1", "s2"], "mgmt", media="cat6"))
    assert sorted((c.a.owner, c.a.port) for c in design.connections.values()) == [("s1", "bmc"), ("s2", "bmc")]


def test_rail_optimised_fabric_puts_nic_k_on_leaf_k_and_uplinks_on_spines(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
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


# --- coolant -----------------------------------------------------------------------------------

def test_liquid_devices_go_to_the_manifold_and_the_manifold_to_the_nearest_cdu(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
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
        bulk.connect_liquid(doc.design, rack_named(doc.design, "A01"))


# --- labels ------------------------------------------------------------------------------------

def test_labels_follow_the_pattern(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=3, device_id="s"))
    a, bb = PortRef(owner="s", port="PSU1"), PortRef(owner="feed-a", port="")
    assert cable_label(design, a, bb) == "A01-U3-PSU1 / Feed A"
    assert cable_label(design, a, bb, "{a_rack}.{a_unit}:{a_port}") == "A01.3:PSU1"
    assert "unknown field" in pattern_problem("{nope}")
    assert pattern_problem("{a}-{b}") is None


def test_bulk_cables_carry_the_labeller_s_labels(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s1"))
    doc.execute(bulk.connect_to_leaf(design, ["s1"], "leaf", labeler=labeler("{a_device}:{a_port}")))
    assert sorted(c.label for c in design.connections.values())[:2] == ["A01-U1:nic1", "A01-U1:nic2"]
