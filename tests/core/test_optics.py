"""Optics and breakouts (model.optics, checks.rules.optics): an 800G twin-port switch port broken out
to two 400G NICs checks clean with the right optics, and each wrong choice raises its rule; optics
power is in the device's and rack's draw unless the part's figure counts it; the helpers pick
optics that fit. Figures: engineering.md 4.1, 4.2 ([NV-MMS4X00], [NV-SN5000])."""
from __future__ import annotations

import pytest

from rackstudio import paths
from rackstudio.checks.metrics import OnDemandMetrics
from rackstudio.commands import Connect, PlaceDevice, Refused, SetEnds
from rackstudio.graph import ComponentGraph
from rackstudio.library import load_device_type
from rackstudio.model import PortRef, optics
from rackstudio.model.interfaces import PAM4_200G
from tests.core import builders as b
from tests.core.builders import rack_named
from tests.core.check_builders import findings

NVIDIA = paths.builtin_parts() / "device-types" / "NVIDIA"
TWIN, NIC_DR4 = "nvidia-mms4x00-ns", "nvidia-mms4x00-ns400"
OPTICS_RULES = ("CAB-001", "CAB-003", "CAB-004", "CAB-005", "CAB-006", "CAB-011", "CAB-015")


def builtin(name: str):
    return load_device_type(NVIDIA / f"{name}.yaml").part


@pytest.fixture
def pod():
    """Two DGX B200 in A01, an SN5600 leaf in A02 (racks side by side)."""
    doc = b.row_document(3)
    a01, a02 = rack_named(doc.design, "A01"), rack_named(doc.design, "A02")
    dgx = builtin("DGX-B200")
    doc.execute(PlaceDevice(dgx, rack=a01, position=2, device_id="dgx1"))
    doc.execute(PlaceDevice(dgx, rack=a01, position=13, device_id="dgx2"))
    doc.execute(PlaceDevice(builtin("SN5600"), rack=a02, position=40, device_id="leaf"))
    return doc


def breakout(doc, legs=(("dgx1", 1), ("dgx2", 2)), switch_end=TWIN, nic_end=NIC_DR4, fibres=None):
    """swp1 of the leaf to cx7-0 of each server, one breakout leg each."""
    for k, (server, leg) in enumerate(legs):
        fibre = fibres[k] if fibres else None
        doc.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=leg),
                            PortRef(owner=server, port="cx7-0"), ends=(switch_end, nic_end), fibre=fibre,
                            conn_id=f"cb-{k + 1}"))


def optics_findings(design):
    return sorted((f.rule, f.objects[0]) for f in findings(design) if f.rule in OPTICS_RULES)


def test_an_800g_twin_port_broken_out_to_two_400g_nics_with_the_right_optics_checks_clean(pod):
    breakout(pod)
    design = pod.design
    assert optics_findings(design) == []
    assert {c.media for c in design.connections.values()} == {"smf"}  # the optics' fibre, set from the ends
    # 17 W in the switch's cage (counted in the SN5600's own figure), 9 W in each NIC's
    assert optics.device_optics_w(design, "leaf") == 17 and optics.device_optics_w(design, "dgx1") == 9
    figures = OnDemandMetrics(design, ComponentGraph(design))
    a01 = figures.rack_metrics(rack_named(design, "A01"))
    assert a01.max_w == 2 * (14_300 + 9) and a01.optics_w == 18
    a02 = figures.rack_metrics(rack_named(design, "A02"))
    assert a02.max_w == 2_100 and a02.optics_w == 17 and a02.optics_in_figures_w == 17


def test_the_wrong_fibre_on_one_leg_of_a_twin_port_transceiver_is_cab005(pod):
    """One straight fibre and one 1:2 splitter on the same twin-port transceiver: the cage runs
    2 x 400G or 4 x 200G, never one of each [NV-MMS4X00]."""
    breakout(pod, fibres=("straight", "splitter"))
    assert ("CAB-005", "leaf") in optics_findings(pod.design)


def test_a_splitter_fibre_on_the_one_cable_of_a_cwdm_twin_port_is_cab005(pod):
    """One cable in the cage, so no mix of fibres, but an LC (FR4) twin-port optic takes no splitter."""
    breakout(pod, legs=(("dgx1", 1),), switch_end="nvidia-mms4x50-nm", fibres=("splitter",))
    found = [f for f in findings(pod.design) if f.rule == "CAB-005"]
    assert [f.objects[0] for f in found] == ["leaf"] and "takes no splitter" in found[0].message


def test_a_different_optic_on_one_leg_of_the_cage_is_cab005(pod):
    pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=1), PortRef(owner="dgx1", port="cx7-0"),
                        ends=(TWIN, NIC_DR4)))
    pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=2), PortRef(owner="dgx2", port="cx7-0"),
                        ends=("nvidia-mma4z00-ns", "nvidia-mma4z00-ns400")))
    found = [f for f in findings(pod.design) if f.rule == "CAB-005"]
    assert found and "one cage holds one transceiver" in found[0].message


def test_a_single_port_optic_in_the_switch_cage_is_cab003_and_cannot_fan_out(pod):
    breakout(pod, switch_end=NIC_DR4)
    rules = {r for r, _ in optics_findings(pod.design)}
    assert {"CAB-003", "CAB-006"} <= rules  # a flat-top plug in a finned cage; one fibre reaches one NIC


def test_lanes_add_up_and_fan_out_stays_within_the_ports_modes(pod):
    doc = pod
    for k in range(3):
        doc.execute(PlaceDevice(builtin("DGX-B200"), rack=rack_named(doc.design, "A03"), position=2 + 11 * k,
                                device_id=f"dgx{k + 3}"))
    breakout(doc, legs=(("dgx1", 1), ("dgx2", 2), ("dgx3", 3)))  # the twin-port optic reaches two
    assert [f.figures for f in findings(doc.design) if f.rule == "CAB-006"] == [{"fan_out": 3, "optic_fan_out": 2}]
    for conn_id in ("cb-1", "cb-2", "cb-3"):
        doc.execute(SetEnds(conn_id, None, None))
    cab006 = [f for f in findings(doc.design) if f.rule == "CAB-006"]
    assert cab006 and cab006[0].figures["lanes"] == 12 and cab006[0].figures["port_lanes"] == 8
    doc.execute(Connect("network", PortRef(owner="leaf", port="swp2", leg=5), PortRef(owner="dgx4", port="cx7-0")))
    messages = [f.message for f in findings(doc.design) if f.rule == "CAB-006"]
    assert any("swp2: broken out to 5 far ports; its breakout modes: 1, 2, 4" in m for m in messages)


def test_optics_over_the_port_power_budget_is_cab011(pod):
    """A 30 W (U) XDR twin-port transceiver in an SN5600 cage that supplies 18 W [NV-SN5000]."""
    pod.execute(Connect("network", PortRef(owner="leaf", port="swp1"), PortRef(owner="dgx1", port="cx7-0"),
                        ends=("nvidia-xdr-osfp-2xdr4", "nvidia-xdr-osfp-dr4-rhs")))
    found = [f for f in findings(pod.design) if f.rule == "CAB-011"]
    assert found and found[0].figures["optics_w"] == 30 and found[0].figures["budget_w"] == 18
    assert {f.rule for f in findings(pod.design)} >= {"CAB-004"}  # 200G-PAM4 optics in 100G-PAM4 ports


def test_a_leg_is_taken_once_and_a_whole_port_takes_no_legs(pod):
    breakout(pod, legs=(("dgx1", 1),))
    with pytest.raises(Refused, match="leg 1 is already connected"):
        pod.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=1), PortRef(owner="dgx2", port="cx7-0")))
    with pytest.raises(Refused, match="already connected"):
        pod.execute(Connect("network", PortRef(owner="leaf", port="swp1"), PortRef(owner="dgx2", port="cx7-0")))
    with pytest.raises(Refused, match="no optic or cable assembly 'nope'"):
        pod.execute(Connect("network", PortRef(owner="leaf", port="swp2"), PortRef(owner="dgx2", port="cx7-0"),
                            ends=("nope", None)))


def test_changing_the_optics_is_one_undo_step(pod):
    breakout(pod, legs=(("dgx1", 1),))
    before = pod.design.connections["cb-1"]
    pod.execute(SetEnds("cb-1", "nvidia-mma4z00-ns", "nvidia-mma4z00-ns400"))
    after = pod.design.connections["cb-1"]
    assert (after.a_end, after.b_end, after.media) == ("nvidia-mma4z00-ns", "nvidia-mma4z00-ns400", "mmf")
    pod.undo()
    assert pod.design.connections["cb-1"] == before
    with pytest.raises(Refused):
        pod.execute(SetEnds("cb-1", before.a_end, before.b_end, before.fibre))


def test_every_builtin_optic_names_its_source_and_sensible_figures():
    for optic in optics.BUILTIN.values():
        assert optic.source and "[" in optic.source, optic.slug
        assert optic.lanes % optic.lanes_per_port == 0
        if optic.is_transceiver:
            assert optic.media in ("mmf", "smf") and not optic.lengths_m
        else:
            assert optic.lengths_m and max(optic.lengths_m) <= optic.reach_m, optic.slug


def test_kept_cage_optics_follow_replugs_moves_and_undo(pod):
    """The engine keeps each device's cage optics across edits (CheckContext.cages): a move reuses
    them, a change of optics or a removed cable forgets them; after each edit the incremental
    findings and rack figures equal a full run's."""
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.commands import MoveDevice, RemoveDevice

    engine = CheckEngine(pod.design, pod.graph, builtin_registry())
    engine.follow(pod)
    a01 = rack_named(pod.design, "A01")

    def same_as_full():
        fresh = CheckEngine(pod.design, ComponentGraph(pod.design), builtin_registry())
        assert engine.findings() == fresh.run_full()
        assert engine.rack_metrics(a01) == fresh.rack_metrics(a01)

    breakout(pod, legs=(("dgx1", 1),))
    same_as_full()
    pod.execute(MoveDevice("dgx1", position=30))
    assert "dgx1" in engine.ctx.cages  # a move keeps them
    same_as_full()
    pod.execute(SetEnds("cb-1", "nvidia-xdr-osfp-2xdr4", "nvidia-xdr-osfp-dr4-rhs"))  # 30 W over the 18 W budget
    assert "CAB-011" in {f.rule for f in engine.findings()}
    same_as_full()
    pod.undo()
    same_as_full()
    pod.execute(RemoveDevice("dgx1"))
    same_as_full()
    pod.undo()
    same_as_full()


def test_a_breakout_inside_a_rack_design_keeps_its_legs_in_every_instance():
    """Both legs of a twin-port cage cabled inside one rack: the design holds them, and an instance
    placed from it holds the same two cables on the same legs (not two cables on one port)."""
    from rackstudio.commands.rack_design_capture import MakeRackDesign
    from rackstudio.commands.rack_designs import PlaceRackInstance
    from rackstudio.model.rack_designs import drift

    doc = b.row_document(2)
    a01 = rack_named(doc.design, "A01")
    for k, u in enumerate((2, 13)):
        doc.execute(PlaceDevice(builtin("DGX-B200"), rack=a01, position=u, device_id=f"dgx{k + 1}"))
    doc.execute(PlaceDevice(builtin("SN5600"), rack=a01, position=40, device_id="leaf"))
    breakout(doc)
    doc.execute(MakeRackDesign(a01, "Two DGX and a leaf", "pair"))
    hall = doc.design.racks[a01].hall
    doc.execute(PlaceRackInstance("pair", hall, 0, 6000, name="B01"))
    b01 = rack_named(doc.design, "B01")
    legs = sorted((c.a.leg, c.b.leg) for c in doc.design.connections.values() if c.a.owner == f"{b01}.leaf")
    assert legs == [(1, None), (2, None)] and drift(doc.design, b01) == []
    assert optics_findings(doc.design) == []


def test_nvidias_xdr_optics_are_listed_as_nvidias_though_they_have_no_part_number_yet():
    xdr = [o for o in optics.BUILTIN.values() if o.lane_class == PAM4_200G and o.is_transceiver]
    assert xdr and all(o.manufacturer == "NVIDIA" and o.part_number is None for o in xdr)
    assert {o.manufacturer for o in optics.BUILTIN.values() if o.slug.startswith("generic-")} == {"Generic"}
