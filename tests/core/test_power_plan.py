"""The power planner (rackstudio.commands.power_plan): mating, A/B split by redundancy policy,
bank and phase balance, refusals that change nothing, and a preview equal to the checks' figures
after applying. Property tests compare it with a brute-force search."""
from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackstudio.checks.context import CheckContext
from rackstudio.checks.power_flow import FlowState
from rackstudio.checks.rules.power import pdu_figures
from rackstudio.commands import Connect, PlaceDevice, Refused
from rackstudio.commands.power_plan import plan_power
from rackstudio.generate import Library
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps
from rackstudio.model.design import Feed, PortRef
from rackstudio.model.parts import PartType
from rackstudio.power.cords import mates
from rackstudio.power.electrical import pdu_load
from tests.core import builders as b
from tests.core.builders import rack_named
from tests.core.check_builders import findings


@pytest.fixture(scope="module")
def lib():
    return Library.builtin()


def _rack(doc, pdu_part: PartType, amps: float = 60, feeds: bool = True) -> str:
    design = doc.design
    rack = rack_named(design, "A01")
    doc.execute(PlaceDevice(pdu_part, rack=rack, side="left", device_id="pdu-a", name="A01-PDU-A"))
    doc.execute(PlaceDevice(pdu_part, rack=rack, side="right", device_id="pdu-b", name="A01-PDU-B"))
    if feeds:
        for side in "AB":
            design.put("feeds", Feed(id=f"f-{side.lower()}", name=f"A01-{side}", side=side, rack=rack,
                                     voltage_v=415, amperage_a=amps, phase="three-phase"))
    return rack


def _checks_pdu(design, pdu_id):
    return pdu_figures(CheckContext(design, ComponentGraph(design)), pdu_id)


def _assert_preview_is_checks(doc, plan):
    doc.execute(plan.command)
    for row in plan.pdus:
        after = _checks_pdu(doc.design, row.pdu)
        assert [x.current_a for x in row.after.banks] == pytest.approx([x.current_a for x in after.banks], abs=1e-9)
        if after.phases_a is not None:
            assert row.after.phases_a == pytest.approx(after.phases_a, abs=1e-9)
        assert row.after.imbalance_pct == pytest.approx(after.imbalance_pct, abs=1e-9)


def test_two_dgx_b200_on_the_builtin_415v_60a_pdus(lib):
    """The hand-worked case: 14,300 W ÷ 6 PSUs = 2,383 W; ÷ (415 V ÷ √3 = 239.6 V) = 9.9 A per PSU;
    one PSU per 20 A bank; two per leg on each PDU = 19.9 A per leg; 0 % imbalance."""
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"])
    for name, u in (("DGX1", 2), ("DGX2", 13)):
        doc.execute(PlaceDevice(lib.parts["gpu_server"], rack=rack, position=u, device_id=name.lower(), name=name))
    plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    psu_links = [link for link in plan.links if link.device.startswith("dgx")]
    assert len(psu_links) == 12 and all("C19" in link.outlet for link in psu_links)
    assert {round(link.amps, 1) for link in psu_links} == {9.9}
    assert {(link.device, link.supplier) for link in plan.links if link.device.startswith("pdu")} == {
        ("pdu-a", "f-a"), ("pdu-b", "f-b")}
    assert 14300 / 6 / (415 / math.sqrt(3)) == pytest.approx(9.947, abs=1e-3)
    for row in plan.pdus:
        assert sorted(round(x.current_a, 2) for x in row.after.banks) == [0.0] * 3 + [9.95] * 6
        assert [round(i, 1) for i in row.after.phases_a] == [19.9] * 3 and row.after.imbalance_pct == 0
        assert [x.current_a for x in row.before.banks] == [0.0] * 9
    assert {v.name: v.per_side for v in plan.devices} == {"DGX1": {"A": 3, "B": 3}, "DGX2": {"A": 3, "B": 3}}
    assert all(v.on_loss == {"A": "throttled", "B": "throttled"} for v in plan.devices)  # 3 × 3.3 < 14.3 kW
    psus = {link.inlet: link.side for link in plan.links if link.device == "dgx1"}
    assert psus == {"PSU1": "A", "PSU2": "B", "PSU3": "A", "PSU4": "B", "PSU5": "A", "PSU6": "B"}
    _assert_preview_is_checks(doc, plan)
    errors = [f for f in findings(doc.design) if f.rule.startswith("PWR") and f.severity.value == "error"]
    assert errors == []
    doc.undo()
    assert not doc.design.connections


def test_c20_inlets_never_go_on_c13_outlets():
    c13 = b.pdu(rackstudio={"category": "pdu", "pdu": {"inlet_voltage_v": 415, "inlet_amperage_a": 32, "banks": []}},
                **{"power-outlets": [{"name": f"O{i}", "type": "iec-60320-c13", "feed_leg": "ABC"[i % 3]}
                                     for i in range(12)]})
    doc = b.row_document()
    rack = _rack(doc, c13, amps=32)
    doc.execute(PlaceDevice(b.server(), rack=rack, position=2, device_id="srv", name="SRV"))
    with pytest.raises(Refused, match=r"no outlet left for SRV PSU\d: 6 C20 inlets.*side A has 0 free outlets"):
        plan_power(doc.design, [rack], FlowState.of(doc.design))
    assert not doc.design.connections


def test_c14_inlets_take_c13_outlets_and_leave_c19_for_c20(lib):
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"])
    doc.execute(PlaceDevice(b.switch(), rack=rack, position=40, device_id="sw", name="SW"))
    doc.execute(PlaceDevice(lib.parts["gpu_server"], rack=rack, position=2, device_id="dgx", name="DGX"))
    plan = plan_power(doc.design, ["sw", "dgx"], FlowState.of(doc.design))
    by = {(link.device, link.inlet): link.outlet for link in plan.links}
    assert all("C13" in by[("sw", p)] for p in ("PS1", "PS2"))
    assert all("C19" in by[("dgx", f"PSU{i}")] for i in range(1, 7))


def test_an_overload_is_refused_with_its_figures_and_changes_nothing():
    doc = b.row_document()
    rack = _rack(doc, b.pdu(), amps=32)  # 3 banks of 16 A per PDU: 12.8 A each at 80 %
    heavy = b.server(**{"slug": "heavy", "power-ports": [{"name": f"PSU{i}", "type": "iec-60320-c20"}
                                                          for i in range(1, 3)]})
    doc.execute(PlaceDevice(heavy, rack=rack, position=2, device_id="h1", name="H1"))  # 7.15 kW per PSU: 29.8 A
    before = dumps(doc.design)
    with pytest.raises(Refused, match=r"2 PSUs drawing 14.3 kW: no plan exists.*side A banks carry 0.0 A now"):
        plan_power(doc.design, [rack], FlowState.of(doc.design))
    assert dumps(doc.design) == before


def test_a_pdu_without_a_feed_gets_one_of_its_side(lib):
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"])
    doc.execute(PlaceDevice(lib.parts["gpu_server"], rack=rack, position=2, device_id="dgx", name="DGX"))
    plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    doc.execute(plan.command)
    feeds = {c.a.owner: c.b.owner for c in doc.design.connections.values() if c.a.owner.startswith("pdu")}
    assert feeds == {"pdu-a": "f-a", "pdu-b": "f-b"}


def test_without_feeds_and_fed_pdus_it_says_why(lib):
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"], feeds=False)
    doc.execute(PlaceDevice(lib.parts["gpu_server"], rack=rack, position=2, device_id="dgx", name="DGX"))
    with pytest.raises(Refused, match="no live PDU on side A or B"):
        plan_power(doc.design, [rack], FlowState.of(doc.design))


def test_a_partly_cabled_device_keeps_its_cords_and_gets_the_rest(lib):
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"])
    doc.execute(PlaceDevice(lib.parts["gpu_server"], rack=rack, position=2, device_id="dgx", name="DGX"))
    for side in "ab":
        doc.execute(Connect("power", PortRef(owner=f"pdu-{side}", port="Inlet"), PortRef(owner=f"f-{side}")))
    doc.execute(Connect("power", PortRef(owner="dgx", port="PSU1"), PortRef(owner="pdu-a", port="B1-C19-1")))
    doc.execute(Connect("power", PortRef(owner="dgx", port="PSU2"), PortRef(owner="pdu-a", port="B2-C19-1")))
    plan = plan_power(doc.design, ["dgx"], FlowState.of(doc.design))
    assert [v.per_side for v in plan.devices] == [{"A": 3, "B": 3}]
    _assert_preview_is_checks(doc, plan)


def test_a_rack_with_no_pdus_feeds_shelves_straight_from_its_feeds(lib):
    doc = b.row_document()
    rack = rack_named(doc.design, "A01")
    doc.execute(PlaceDevice(lib.parts["nvl72_shelf"], rack=rack, position=1, device_id="s1", name="S1"))
    doc.execute(PlaceDevice(lib.parts["nvl72_shelf"], rack=rack, position=2, device_id="s2", name="S2"))
    for name, side in (("A1", "A"), ("A2", "A"), ("B1", "B"), ("B2", "B")):
        doc.design.put("feeds", Feed(id=f"f-{name}", name=name, side=side, rack=rack, voltage_v=415, amperage_a=63))
    plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    ends = sorted((link.device, link.inlet, link.supplier) for link in plan.links)
    # top of the rack first: S2 takes the first feed of each side, S1 the second (two whips per feed at most)
    assert ends == [("s1", "AC-A", "f-A2"), ("s1", "AC-B", "f-B2"), ("s2", "AC-A", "f-A1"), ("s2", "AC-B", "f-B1")]


# --- properties ------------------------------------------------------------------------------------

C = {"c13": "iec-60320-c13", "c19": "iec-60320-c19", "c14": "iec-60320-c14", "c20": "iec-60320-c20"}


@st.composite
def racks(draw):
    volts, phase = draw(st.sampled_from([(415, "three-phase"), (208, "three-phase"), (230, "single-phase")]))
    outlets, banks = [], []
    for k in range(draw(st.integers(1, 3))):
        names = []
        for j in range(draw(st.integers(1, 2))):
            name = f"B{k}-{j}"
            leg = draw(st.sampled_from("ABC")) if phase == "three-phase" else None
            outlets.append({"name": name, "type": C[draw(st.sampled_from(["c13", "c19"]))], "feed_leg": leg})
            names.append(name)
        banks.append({"name": f"Bank {k}", "breaker_a": draw(st.sampled_from([10, 16, 20])), "outlets": names})
    pdu = PartType.model_validate({
        "manufacturer": "T", "model": "PDU", "slug": "t-pdu", "u_height": 0,
        "power-ports": [{"name": "Inlet", "type": "iec-60309-3p-n-e-6h"}], "power-outlets": outlets,
        "rackstudio": {"category": "pdu", "pdu": {"inlet_voltage_v": volts, "inlet_phase": phase,
                                                  "inlet_amperage_a": draw(st.sampled_from([16, 32])),
                                                  "banks": banks,
                                                  "outlet_rating_a": {C["c13"]: 10, C["c19"]: 16}}}})
    devices = []
    budget = 8
    for n in range(draw(st.integers(1, 3))):
        psus = draw(st.integers(1, min(4, budget)))
        budget -= psus
        policy = draw(st.sampled_from(["N+N", "N+1", "5+1"]))
        text = {"N+N": f"{max(1, psus // 2)}+{psus - max(1, psus // 2)}", "N+1": f"{max(1, psus - 1)}+1",
                "5+1": "5+1"}[policy]
        watts = draw(st.sampled_from([300, 900, 1800, 2500, 4000]))
        devices.append(PartType.model_validate({
            "manufacturer": "T", "model": f"D{n}", "slug": f"t-d{n}", "u_height": 1,
            "power-ports": [{"name": f"PSU{i}", "type": C[draw(st.sampled_from(["c14", "c20"]))]}
                            for i in range(1, psus + 1)],
            "rackstudio": {"category": "server", "power": {"max_w": watts, "allocated_w": watts,
                                                          "psu_rating_w": 2000, "psu_redundancy": text}}}))
        if budget == 0:
            break
    return pdu, devices


def _brute_force_feasible(doc, pdu_part, device_ids) -> bool:
    """Any assignment (mating, even A/B split per device) within every derated limit?"""
    design = doc.design
    outlets = [(pdu, o) for pdu in ("pdu-a", "pdu-b") for o in pdu_part.power_outlets]
    side = {"pdu-a": "A", "pdu-b": "B"}
    psus = [(d, p) for d in device_ids for p in design.part_of(design.devices[d]).power_ports]
    loads = {d: design.part_of(design.devices[d]).rackstudio.power.allocated_w for d in device_ids}
    counts = {d: len(design.part_of(design.devices[d]).power_ports) for d in device_ids}
    spec = pdu_part.rackstudio.pdu
    derating = design.settings.derating

    def within(assign) -> bool:
        for pdu in ("pdu-a", "pdu-b"):
            w = {o.name: loads[d] / counts[d] for (d, _), (p, o) in zip(psus, assign, strict=True) if p == pdu}
            load = pdu_load(pdu_part, w, 1.0, derating)
            if any(x.current_a > x.limit_a + 1e-9 for x in load.banks):
                return False
            for (_, o) in ((p, o) for p, o in assign if p == pdu):
                if load.outlet_a.get(o.name, 0) > spec.outlet_rating_a[o.type] + 1e-9:
                    return False
            if load.phases_a and max(load.phases_a) > load.phase_limit_a + 1e-9:
                return False
        return True

    for assign in itertools.permutations(outlets, len(psus)):
        if not all(mates(p.type, o.type)[0] for (_, p), (_, o) in zip(psus, assign, strict=True)):
            continue
        split_ok = all(min(a, counts[d] - a) == counts[d] // 2 for d in device_ids
                       for a in [sum(1 for (dd, _), (pp, _) in zip(psus, assign, strict=True)
                                     if dd == d and side[pp] == "A")])
        if split_ok and within(assign):
            return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(racks())
def test_planner_properties(case):
    pdu_part, parts = case
    doc = b.row_document()
    rack = _rack(doc, pdu_part, amps=32)
    for side in "ab":
        doc.execute(Connect("power", PortRef(owner=f"pdu-{side}", port="Inlet"), PortRef(owner=f"f-{side}")))
    ids = []
    for n, part in enumerate(parts):
        doc.execute(PlaceDevice(part, rack=rack, position=1 + 2 * n, device_id=f"d{n}", name=f"D{n}"))
        ids.append(f"d{n}")
    small = len(pdu_part.power_outlets) <= 4  # 8 outlets, up to 8 PSUs: at most 8! assignments
    try:
        plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    except Refused:
        if small:
            assert not _brute_force_feasible(doc, pdu_part, ids)
        return
    types = {o.name: o.type for o in pdu_part.power_outlets}
    for link in (x for x in plan.links if x.outlet):
        inlet = next(p.type for p in doc.design.part_of(doc.design.devices[link.device]).power_ports
                     if p.name == link.inlet)
        assert mates(inlet, types[link.outlet])[0]
    for verdict in plan.devices:  # no side weaker than it must be
        part = doc.design.part_of(doc.design.devices[verdict.device])
        assert min(verdict.per_side.values()) == len(part.power_ports) // 2
    for row in plan.pdus:
        assert all(x.current_a <= x.limit_a + 1e-9 for x in row.after.banks)
        assert row.after.phases_a is None or max(row.after.phases_a) <= row.after.phase_limit_a + 1e-9
    _assert_preview_is_checks(doc, plan)


def test_a_rack_without_pdus_or_feeds_is_refused():
    doc = b.row_document()
    rack = rack_named(doc.design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=rack, position=1, device_id="srv"))
    with pytest.raises(Refused, match="no PDU outlet can take it and the rack has no free feed"):
        plan_power(doc.design, [rack], FlowState.of(doc.design))


def test_plan_is_one_undo_step_and_a_second_plan_has_nothing_to_do():
    doc = b.row_document()
    rack = _rack(doc, b.pdu(), amps=32)
    doc.execute(PlaceDevice(b.server(), rack=rack, position=1, device_id="srv", name="SRV"))
    plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    doc.execute(plan.command)
    assert plan.command.text == "Plan power of A01"
    ends = {c.a.port: c.b for c in doc.design.connections.values() if c.a.owner == "srv"}
    assert [ends[f"PSU{i}"].owner for i in range(1, 7)] == ["pdu-a", "pdu-b"] * 3
    # 2,383 W per PSU at 239.6 V = 9.9 A: one PSU per 16 A bank (12.8 A limit), one per leg
    assert sorted(ends[f"PSU{i}"].port for i in (1, 3, 5)) == ["O0", "O4", "O8"]  # banks 0, 1, 2 on legs A, B, C
    with pytest.raises(Refused, match="already connected"):
        plan_power(doc.design, [rack], FlowState.of(doc.design))
    doc.undo()
    assert not doc.design.connections


def test_the_planner_cords_the_inlets_of_installed_psu_modules(lib):
    """A Dell PowerEdge R760xs from the NetBox library: its PSUs are modules; with two installed the
    planner cords PSU-1 and PSU-2 to the A and B PDUs, and the checks find every inlet fed."""
    from rackstudio.commands import InstallModule
    from rackstudio.library import load_device_type, load_module_type
    from tests.conftest import NETBOX_DATA, require_data

    require_data(NETBOX_DATA / "device-types")
    doc = b.row_document()
    rack = _rack(doc, lib.parts["pdu"])
    doc.execute(PlaceDevice(load_device_type(NETBOX_DATA / "device-types/Dell/PowerEdge-R760xs.yaml").part,
                            rack=rack, position=10, device_id="r760"))
    psu = load_module_type(NETBOX_DATA / "module-types/Dell/D750E-S6.yaml").part
    for bay in ("PSU-1", "PSU-2"):
        doc.execute(InstallModule("r760", bay, psu))
    plan = plan_power(doc.design, [rack], FlowState.of(doc.design))
    links = sorted((link.inlet, link.supplier) for link in plan.links if link.device == "r760")
    assert links == [("PSU-1", "pdu-a"), ("PSU-2", "pdu-b")]
    doc.execute(plan.command)
    assert not [f for f in findings(doc.design) if f.rule in ("PWR-016", "PWR-019") and "r760" in f.objects
                and f.severity.value != "info"]
