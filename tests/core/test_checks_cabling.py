"""Cabling rules CAB-001..004, 007, 010, 012, 014..016 and the cable-length estimate
(docs/engineering.md §4.1 reach table, §4.4 bend radius, §4.5 length model)."""
from __future__ import annotations

import pytest

from rackstudio.checks import CheckContext
from rackstudio.checks.rule import Severity
from rackstudio.checks.rules.cabling import estimate_length_m
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import Connection, PartType, PortRef
from tests.core import builders
from tests.core.check_builders import Bench


def only(found, rule):
    return [f for f in found if f.rule == rule]


def nic_server(iface: str = "400gbase-x-osfp", slug: str = "srv", **ext) -> PartType:
    return builders.server(slug=slug, interfaces=[{"name": f"nic{i}", "type": iface} for i in range(1, 5)],
                           rackstudio={"category": "server", "depth_mm": 897.1,
                                       "power": {"max_w": 14300, "allocated_w": 14300}, **ext})


def leaf(iface: str = "400gbase-x-osfp", slug: str = "leaf") -> PartType:
    return builders.switch(slug=slug, interfaces=[{"name": f"p{i}", "type": iface} for i in range(1, 9)])


def _two_racks(switch_u: float = 40, same_rack: bool = False, iface_a="400gbase-x-osfp", iface_b="400gbase-x-osfp"):
    b = Bench()
    b.rack("rk-1", x=1000, y=1000)
    b.rack("rk-2", x=1600, y=1000)
    b.place(leaf(iface_a), "sw", rack="rk-1", position=switch_u)
    b.place(nic_server(iface_b), "srv", rack="rk-1" if same_rack else "rk-2", position=1)
    return b


def test_length_estimate_between_racks():
    # 48U EIA racks: top 48 × 44.45 = 2,133.6 mm. Switch at U40 (1U): port at 39.5 × 44.45 = 1,755.775 mm,
    # V_a = 2,133.6 − 1,755.775 + 300 = 677.825. Server at U1 (10U): 5 × 44.45 = 222.25 mm,
    # V_b = 2,133.6 − 222.25 + 300 = 2,211.35. Rack centres 600 mm apart: H = 600.
    # run = 3,489.175; sides 240 + 240; slack = max(500, 348.9) = 500 → 4,469.175 mm, stored to the cm
    b = _two_racks()
    conn = Connection(id="x", kind="network", a=PortRef(owner="sw", port="p1"), b=PortRef(owner="srv", port="nic1"))
    ctx = CheckContext(b.design, ComponentGraph(b.design))
    assert estimate_length_m(ctx, conn) == 4.47


def test_cab001_dac_too_long_between_racks():
    b = _two_racks()
    b.cable(("sw", "p1"), ("srv", "nic1"), media="dac", conn_id="cb-1")
    found = only(b.findings(), "CAB-001")
    assert [f.message for f in found] == [
        "Cable cb-1 (sw:p1 - srv:nic1): DAC 4.5 m (estimated) > 3 m reach at 100G-PAM4 (NDR/400-800GbE)"]
    assert found[0].figures["estimated"] is True and found[0].figures["reach_m"] == 3


def test_cab001_lacc_reaches_and_explicit_length_wins():
    b = _two_racks()
    b.cable(("sw", "p1"), ("srv", "nic1"), media="acc", conn_id="cb-1")  # LACC 5 m ≥ 4.47 m
    b.cable(("sw", "p2"), ("srv", "nic2"), media="mmf", length_m=60, conn_id="cb-2")  # 60 m > 50 m
    b.cable(("sw", "p3"), ("srv", "nic3"), media="aoc", conn_id="cb-3")  # not offered for NDR
    found = only(b.findings(), "CAB-001")
    assert [f.objects for f in found] == [("cb-2",), ("cb-3",)]
    assert found[1].message.endswith("AOC is not offered at 100G-PAM4 (NDR/400-800GbE)")


def test_cab002_dac_near_its_reach():
    # same rack: |1,755.8 − 222.25| = 1,533.55 + 480 + 500 = 2,513.6 mm: 84 % of 3 m > 80 %
    b = _two_racks(same_rack=True)
    b.cable(("sw", "p1"), ("srv", "nic1"), media="dac", conn_id="cb-1")
    found = b.findings()
    assert not only(found, "CAB-001")
    assert [f.message for f in only(found, "CAB-002")] == [
        "Cable cb-1 (sw:p1 - srv:nic1): DAC 2.5 m (estimated) is 84 % of its 3 m reach (warning above 80 %)"]


def test_cab002_silent_with_margin():
    # switch at U12: 11.5 × 44.45 = 511.2 mm; 288.9 + 480 + 500 = 1,268.9 mm = 42 % of 3 m
    b = _two_racks(switch_u=12, same_rack=True)
    b.cable(("sw", "p1"), ("srv", "nic1"), media="dac")
    assert not only(b.findings(), "CAB-002")


def test_cab003_media_and_cage():
    b = _two_racks(same_rack=True)
    b.cable(("sw", "p1"), ("srv", "nic1"), media="cat6", conn_id="cb-1")  # twisted pair into OSFP
    b.cable(("sw", "p2"), ("srv", "nic2"), media="dac", conn_id="cb-2")
    found = only(b.findings(), "CAB-003")
    assert [f.objects for f in found] == [("cb-1",), ("cb-1",)]  # both ends are OSFP
    mgmt = Bench()
    mgmt.rack()
    mgmt.place(builders.server(), "s1", position=1)
    mgmt.place(builders.server(slug="s2b"), "s2", position=11)
    mgmt.cable(("s1", "bmc"), ("s2", "bmc"), media="cat6")
    mgmt.cable(("s1", "nic1"), ("s2", "nic1"), media="dac")
    assert not only(mgmt.findings(), "CAB-003")
    bad = Bench()
    bad.rack()
    bad.place(builders.server(), "s1", position=1)
    bad.place(builders.server(slug="s2b"), "s2", position=11)
    bad.cable(("s1", "bmc"), ("s2", "bmc"), media="aoc", conn_id="cb-9")  # AOC into RJ45
    assert len(only(bad.findings(), "CAB-003")) == 2


def test_cab004_lane_rate_mismatch():
    # NDR 100G-PAM4 OSFP to HDR 50G-PAM4 QSFP56
    b = _two_racks(same_rack=True, iface_b="200gbase-x-qsfp56")
    b.cable(("sw", "p1"), ("srv", "nic1"), media="aoc")
    assert [f.figures["lane_classes"] for f in only(b.findings(), "CAB-004")] == [["100G-PAM4", "50G-PAM4"]]
    ok = _two_racks(same_rack=True, iface_b="400gbase-x-qsfp112")  # both 100G-PAM4
    ok.cable(("sw", "p1"), ("srv", "nic1"), media="mmf")
    assert not only(ok.findings(), "CAB-004")


@pytest.mark.parametrize(("media", "fires"), [("dac", True), ("aoc", True), ("mmf", True), ("smf", False),
                                              ("aec", False)])
def test_cab007_xdr_media(media, fires):
    b = _two_racks(same_rack=True, iface_a="infiniband-xdr", iface_b="infiniband-xdr")
    b.cable(("sw", "p1"), ("srv", "nic1"), media=media)
    found = b.findings()
    assert bool(only(found, "CAB-007")) is fires
    assert not only(found, "CAB-001") or not fires  # XDR media are CAB-007's, not reported twice


def test_cab010_bend_radius_behind_device():
    # rack 1,000 mm deep, server 897.1 mm: 102.9 mm behind it. DAC bends at 55 mm: fine;
    # InfiniBand copper bends at 127 mm [ORA-IB]: short by 24 mm → warning
    b = Bench()
    b.rack(rack_type=builders.rack_type(slug="short", model="Short", outer_depth_mm=1000, mounting_depth_mm=900))
    b.place(nic_server(), "srv", position=1)
    b.place(leaf(), "sw", position=40)
    b.cable(("srv", "nic1"), ("sw", "p1"), media="dac")
    assert not only(b.findings(), "CAB-010")
    ib = Bench()
    ib.rack(rack_type=builders.rack_type(slug="short", model="Short", outer_depth_mm=1000, mounting_depth_mm=900))
    ib.place(nic_server("infiniband-ndr"), "srv", position=1)
    ib.place(leaf("infiniband-ndr"), "sw", position=40)
    ib.cable(("srv", "nic1"), ("sw", "p1"), media="dac")
    found = only(ib.findings(), "CAB-010")
    assert [f.message for f in found] == ["srv: 103 mm behind the device, its cables need 127 mm to bend (dac)"]
    assert found[0].severity is Severity.WARNING


def _nvl72(compute: int, switches: int) -> Bench:
    b = Bench()
    b.rack(rack_type=builders.rack_type(slug="nvl72", model="NVL72", nvlink={"compute_trays": 18, "switch_trays": 9},
                                        busbar={"voltage_v": 50, "rating_a": 5000}, cooling_capability="hybrid"))
    t = PartType.model_validate({"manufacturer": "T", "model": "Tray", "slug": "tray", "u_height": 1,
                                 "weight": 32, "weight_unit": "kg",
                                 "rackstudio": {"category": "server", "power": {"max_w": 5400, "source": "busbar"}}})
    s = PartType.model_validate({"manufacturer": "T", "model": "NVLink switch", "slug": "nvsw", "u_height": 1,
                                 "weight": 20, "weight_unit": "kg", "is_powered": False,
                                 "interfaces": [{"name": "mgmt0", "type": "1000base-t", "mgmt_only": True}],
                                 "rackstudio": {"category": "switch", "power": {"max_w": 1000, "source": "busbar"}}})
    for i in range(compute):
        b.place(t, f"t{i}", position=1 + i)
    for i in range(switches):
        b.place(s, f"s{i}", position=20 + i)
    return b


def test_cab012_nvlink_spine():
    assert not only(_nvl72(18, 9).findings(), "CAB-012")
    found = only(_nvl72(17, 9).findings(), "CAB-012")
    assert [f.message for f in found] == ["Rack R1: 17 compute and 9 NVLink switch trays; its spine needs 18 + 9"]


def test_cab014_required_port():
    part = nic_server(required_ports=("nic1", "nic2"))
    b = Bench()
    b.rack()
    b.place(part, "srv", position=1)
    b.place(leaf(), "sw", position=40)
    b.cable(("srv", "nic1"), ("sw", "p1"), media="dac")
    assert [f.message for f in only(b.findings(), "CAB-014")] == ["srv: required port nic2 not connected"]
    b.cable(("srv", "nic2"), ("sw", "p2"), media="dac")
    assert not only(b.findings(), "CAB-014")


def test_cab015_port_with_two_cables():
    # the editor refuses a second cable on a port; a file can still hold one
    b = _two_racks(same_rack=True)
    b.cable(("sw", "p1"), ("srv", "nic1"), media="dac", conn_id="cb-1")
    b.design.put("connections", Connection(id="cb-2", kind="network", a=PortRef(owner="sw", port="p1"),
                                           b=PortRef(owner="srv", port="nic2"), media="dac"))
    found = only(b.findings(), "CAB-015")
    assert [(f.objects, f.aspect) for f in found] == [(("cb-2", "cb-1"), "sw:p1")]
    b.design.delete("cb-2")
    assert not only(b.findings(), "CAB-015")


def test_cab016_data_and_management_ports_cabled_together():
    b = _two_racks(same_rack=True)
    oob = builders.switch(slug="oob", model="OOB", interfaces=[{"name": "mgmt0", "type": "1000base-t", "mgmt_only": True}]
                          + [{"name": f"ge{i}", "type": "1000base-t"} for i in range(1, 5)])
    b.place(oob, "oob", rack="rk-1", position=44)
    bmc_server = builders.server(slug="bmc-srv")
    b.place(bmc_server, "dgx", rack="rk-1", position=20)
    b.cable(("srv", "nic1"), ("oob", "ge1"), media="dac", conn_id="cb-1")      # data NIC into a 1G access port
    b.cable(("dgx", "bmc"), ("sw", "p1"), media="cat6", conn_id="cb-2")       # BMC into a 400G data port
    b.cable(("dgx", "nic1"), ("oob", "mgmt0"), media="dac", conn_id="cb-3")   # data NIC into the switch's mgmt0
    b.cable(("dgx", "nic2"), ("sw", "p2"), media="dac", conn_id="cb-4")       # right
    found = only(b.findings(), "CAB-016")
    assert [(f.objects, f.severity) for f in found] == [((c,), Severity.WARNING) for c in ("cb-1", "cb-2", "cb-3")]
    assert found[0].message == ("Cable cb-1 (srv:nic1 - oob:ge1): nic1 is a data port (400G OSFP), "
                                "ge1 a management port (1G RJ45)")
    assert found[1].figures == {"roles": ["bmc", "data"], "ports": ["dgx:bmc", "sw:p1"]}
    b.design.delete("cb-3")
    b.design.delete("cb-2")
    b.cable(("dgx", "bmc"), ("oob", "mgmt0"), media="cat6", conn_id="cb-5")  # a BMC into the switch's own mgmt0
    found = only(b.findings(), "CAB-016")
    assert [f.objects for f in found] == [("cb-1",), ("cb-5",)]
    assert "both devices' own management ports" in found[1].message
    b.design.delete("cb-5")
    b.cable(("dgx", "bmc"), ("oob", "ge2"), media="cat6", conn_id="cb-6")  # where it belongs
    assert [f.objects for f in only(b.findings(), "CAB-016")] == [("cb-1",)]
