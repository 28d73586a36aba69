"""Bulk coolant cabling (rackstudio.commands.bulk): each helper is one Composite of Connect commands, so a
rack's or a pod's cabling is one undo step; and the cable labels they write (commands.labels)."""
from __future__ import annotations

import pytest

from rackstudio.commands import PlaceDevice, Refused, bulk
from rackstudio.commands.labels import cable_label, pattern_problem
from rackstudio.model.design import PortRef
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
