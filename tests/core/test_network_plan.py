"""Network helpers that know port roles (commands.network_plan): data NICs to leaf data ports, BMC and
management ports to a management switch, never a switch's own mgmt port; the rail-optimised fabric in
one step; a cable family per link from its estimated length; and what the checks say afterwards."""
from __future__ import annotations

import pytest

from rackstudio import paths
from rackstudio.commands import PlaceDevice, Refused
from rackstudio.commands.labels import labeler
from rackstudio.commands.network_plan import connect_to_leaf, plan_rails, plan_to_leaf, rail_optimised
from rackstudio.library import load_device_type
from tests.core import builders as b
from tests.core.builders import rack_named
from tests.core.check_builders import findings

NVIDIA = paths.builtin_parts() / "device-types" / "NVIDIA"
CABLING_ERRORS = ("CAB-001", "CAB-002", "CAB-003", "CAB-004", "CAB-007", "CAB-015", "CAB-016")


def builtin(name: str):
    return load_device_type(NVIDIA / f"{name}.yaml").part


@pytest.fixture
def doc():
    return b.row_document()


@pytest.fixture
def pod(doc):
    """The pod of the report: two DGX B200 in A01, an SN5600 leaf and an SN2201 management switch in A02."""
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    dgx = builtin("DGX-B200")
    doc.execute(PlaceDevice(dgx, rack=a01, position=2, device_id="dgx1"))
    doc.execute(PlaceDevice(dgx, rack=a01, position=13, device_id="dgx2"))
    doc.execute(PlaceDevice(builtin("SN5600"), rack=a02, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(builtin("SN2201"), rack=a02, position=44, device_id="mgmt"))
    return doc


def cabling_findings(design):
    return [f for f in findings(design) if f.rule.startswith("CAB-")]


def test_dgx_to_sn5600_every_data_nic_on_a_leaf_data_port_and_every_bmc_on_the_management_switch(pod):
    design = pod.design
    plan = plan_to_leaf(design, ["dgx1", "dgx2"], "leaf")
    assert plan.unplaced == []
    pod.execute(plan.command(design))
    conns = list(design.connections.values())
    by_end = {(c.a.owner, c.a.port): c.b for c in conns}
    data = [f"cx7-{k}" for k in range(8)] + ["bf3-0", "bf3-1"]
    for server in ("dgx1", "dgx2"):
        for nic in data:
            end = by_end[(server, nic)]
            assert end.owner == "leaf" and end.port.startswith("swp"), (server, nic, end)
        assert by_end[(server, "bmc")].owner == "mgmt" and by_end[(server, "bmc")].port.startswith("swp")
    assert not [c for c in conns if "mgmt0" in (c.a.port, c.b.port)]
    # 400G NICs on the SN5600's 800G ports: two to a port, on breakout legs 1 and 2 (engineering.md 4.2)
    on_leaf = [c for c in conns if c.b.owner == "leaf"]
    assert len({c.b.port for c in on_leaf}) == 10
    assert sorted(c.b.leg for c in on_leaf) == [1, 2] * 10 or sorted(c.b.leg for c in on_leaf) == [1] * 10 + [2] * 10
    assert all(c.a_end and c.b_end for c in on_leaf)  # an optic or cable assembly named at each end
    # every link has an estimated length and a family that reaches it: nothing for the checks to say
    assert all(c.length_m is not None and c.media for c in conns)
    assert {c.media for c in conns if c.b.owner == "leaf"} <= {"dac", "acc", "mmf"}
    assert {c.media for c in conns if c.b.owner == "mgmt"} == {"cat6"}
    found = cabling_findings(design)
    assert [f for f in found if f.rule in CABLING_ERRORS] == []
    assert not [f for f in found if f.rule == "CAB-014"]


def test_the_rail_helper_with_one_leaf_cables_every_rail(pod):
    design = pod.design
    pod.execute(rail_optimised(design, ["dgx1", "dgx2"], ["leaf"]))
    on_leaf = sorted((c.a.owner, c.a.port) for c in design.connections.values() if c.b.owner == "leaf")
    assert on_leaf == sorted((s, f"cx7-{k}") for s in ("dgx1", "dgx2") for k in range(8))
    assert {c.a.port for c in design.connections.values() if c.b.owner == "mgmt"} == {"bmc"}


def test_rail_k_of_every_server_goes_to_leaf_k_and_uplinks_to_the_spines(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    small = b.switch(slug="sw16", model="SW16", interfaces=[{"name": f"e{i}", "type": "400gbase-x-osfp"}
                                                             for i in range(1, 17)])
    leaves = [f"leaf{k}" for k in range(8)]
    for k, leaf in enumerate(leaves):
        doc.execute(PlaceDevice(small, rack=a02, position=10 + k, device_id=leaf))
    doc.execute(PlaceDevice(small, rack=a02, position=30, device_id="spine1"))
    doc.execute(PlaceDevice(small, rack=a02, position=31, device_id="spine2"))
    dgx = builtin("DGX-B200")
    for i in range(3):
        doc.execute(PlaceDevice(dgx, rack=a01, position=2 + 11 * i, device_id=f"s{i}"))
    plan = plan_rails(design, ["s0", "s1", "s2"], leaves, ["spine1", "spine2"])
    doc.execute(plan.command(design))
    conns = list(design.connections.values())
    for k, leaf in enumerate(leaves):
        assert sorted((c.a.owner, c.a.port) for c in conns if c.b.owner == leaf) == \
            [(f"s{i}", f"cx7-{k}") for i in range(3)]
    uplinks = [c for c in conns if c.b.owner.startswith("spine")]
    assert len(uplinks) == 24  # 1:1: three server links per leaf, three uplinks
    assert {c.b.owner for c in uplinks} == {"spine1", "spine2"}
    # no BMC placed: there is no management switch, and the plan says so
    assert plan.unplaced == [f"A01-U{2 + 11 * i} bmc: no management switch has a free compatible port"
                             for i in (2, 1, 0)]
    with pytest.raises(Refused, match="at least one leaf"):
        plan_rails(design, ["s0"], [])


def test_leaf_groups_take_servers_in_order_and_fewer_leaves_take_runs_of_rails(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    small = b.switch(slug="sw16", model="SW16", interfaces=[{"name": f"e{i}", "type": "400gbase-x-osfp-rhs"}
                                                             for i in range(1, 17)])
    for k in range(8):
        doc.execute(PlaceDevice(small, rack=a02, position=10 + k, device_id=f"leaf{k}"))
    tray = builtin("GB200-NVL72-Compute-Tray")
    trays = [f"t{i}" for i in range(4)]
    for i, t in enumerate(trays):
        doc.execute(PlaceDevice(tray.model_copy(update={"rackstudio": tray.rackstudio.model_copy(
            update={"power": tray.rackstudio.power.model_copy(update={"source": "ac"})})}),
            rack=a01, position=40 - i, device_id=t))
    doc.execute(rail_optimised(design, trays, [f"leaf{k}" for k in range(8)]))
    leaf_of = {(c.a.owner, c.a.port): c.b.owner for c in design.connections.values()}
    # four rails, eight leaves: two scalable units, the first two trays (top down) on leaves 0-3
    assert [leaf_of[("t0", f"cx7-{k}")] for k in range(4)] == ["leaf0", "leaf1", "leaf2", "leaf3"]
    assert [leaf_of[("t3", f"cx7-{k}")] for k in range(4)] == ["leaf4", "leaf5", "leaf6", "leaf7"]
    doc.undo()
    doc.execute(rail_optimised(design, trays, ["leaf0", "leaf1"]))
    leaf_of = {(c.a.owner, c.a.port): c.b.owner for c in design.connections.values()}
    assert [leaf_of[("t0", f"cx7-{k}")] for k in range(4)] == ["leaf0", "leaf0", "leaf1", "leaf1"]


def test_a_full_leaf_says_which_nics_it_could_not_place(pod):
    design = pod.design
    four = b.switch(slug="sw4", model="SW4", interfaces=[{"name": f"e{i}", "type": "800gbase-x-osfp"}
                                                          for i in range(1, 5)])
    pod.execute(PlaceDevice(four, rack=rack_named(design, "A02"), position=30, device_id="small"))
    plan = plan_to_leaf(design, ["dgx1"], "small")
    assert [link.a.port for link in plan.links] == ["cx7-0", "cx7-1", "cx7-2", "cx7-3", "bmc"]
    assert plan.unplaced == [f"A01-U2 {nic}: A02-U30 has no free port left"
                             for nic in ("cx7-4", "cx7-5", "cx7-6", "cx7-7", "bf3-0", "bf3-1")]


def test_a_management_switch_as_the_leaf_takes_the_bmcs_and_names_the_data_nics_it_cannot(pod):
    design = pod.design
    plan = plan_to_leaf(design, ["dgx1"], "mgmt")
    assert [(link.a.port, link.b.owner) for link in plan.links] == [("bmc", "mgmt")]
    # its only data ports are the 100G uplinks
    assert plan.unplaced[0] == ("A01-U2 cx7-0: A02-U44 has no free port it can take (lane rates differ: "
                                "100G-PAM4 (NDR/400-800GbE) and 25G-NRZ (100GbE/EDR))")
    assert len(plan.unplaced) == 10


def test_media_counts_and_labels(pod):
    design = pod.design
    plan = plan_to_leaf(design, ["dgx1"], "leaf")
    # A01 U2 to A02 U40, racks side by side: 4.4 m runs, past a 100G DAC's 3 m; LACC to 5 m
    assert {link.length_m for link in plan.links if link.b.owner == "leaf"} == {4.4}
    # the ConnectX-7s on LACC splitters; the BlueField-3s' QSFP112 cages take no LACC split end, so optics
    assert plan.media_counts() == [("acc", 5.0, 8), ("cat6", 5.0, 1), ("mmf", 5.0, 2)]
    ends = {(link.media, link.ends) for link in plan.links if link.b.owner == "leaf"}
    assert ends == {("acc", ("nvidia-lacc-800g-2x400g", "nvidia-lacc-800g-2x400g")),
                    ("mmf", ("nvidia-mma1z00-ns400", "nvidia-mma4z00-ns"))}
    pod.execute(plan.command(design, labeler("{a_device}:{a_port}")))
    assert sorted(c.label for c in design.connections.values())[0] == "A01-U2:bf3-0"


def test_nothing_to_cable_is_refused_with_the_reason(pod):
    design = pod.design
    pod.execute(connect_to_leaf(design, ["dgx1"], "leaf"))
    with pytest.raises(Refused, match="no free NICs"):
        connect_to_leaf(design, ["dgx1"], "leaf").apply(design)


# --- the generator ------------------------------------------------------------------------------

def test_the_example_pod_cables_every_rail_of_every_tray_and_server_and_the_checks_agree():
    from rackstudio.generate import example_pod
    design = example_pod()
    hosts = [d for d in design.devices.values() if design.part_of(d).slug in
             ("nvidia-gb200-nvl72-compute-tray", "nvidia-dgx-b200")]
    assert len(hosts) == 4 * 18 + 4 * 2
    for host in hosts:
        for nic in design.part_of(host).rackstudio.required_ports:
            conn = design.connections[design.port_connection("network", host.id, nic)]
            leaf = design.devices[conn.b.owner]
            assert design.part_of(leaf).slug == "nvidia-quantum-2-qm9700" and conn.b.port.startswith("ib")
            assert conn.media in ("dac", "acc", "mmf") and conn.length_m is not None
    found = cabling_findings(design)
    assert [f.message for f in found] == []


def test_a_hall_pod_gets_the_leaves_its_rails_need_in_racks_its_feeds_can_carry():
    from rackstudio.generate import Library, PodPlan, fabric_size
    lib = Library.builtin()
    # 4 NVL72 racks × 18 trays × 4 rails + 8 DGX × 8 rails = 352 links: 8 leaves of 48 server ports
    assert fabric_size(lib, PodPlan()) == (8, 2, 1)
    # 8 × 18 × 4 + 16 × 8 = 704 links: 16 leaves (56 server ports each), 18 switches in two racks
    assert fabric_size(lib, PodPlan(nvl72_racks=8, air_racks=8)) == (16, 2, 2)
