"""Which port a port can be cabled to, and which it should be: connector mating and network roles
come from their own modules; here, that the verdicts and the ranking use them with what is free
and near (built-in DGX B200, 415 V 60 A rack PDUs, SN5600 leaf, SN2201 management switch)."""
from __future__ import annotations

import pytest

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules.power import pdu_figures
from rackstudio.commands import AddRecord, Connect, Disconnect, PlaceDevice
from rackstudio.commands.port_compat import best, compatible, outlet_groups, targets
from rackstudio.library.catalog import Catalog, builtin_source
from rackstudio.model.design import Feed, PortRef
from tests.core import builders as b

PDU = "generic-0u-rpdu-415v-3ph-60a"


@pytest.fixture(scope="module")
def parts():
    catalog = Catalog([builtin_source()])
    return {slug: catalog.part(slug) for slug in ("nvidia-dgx-b200", PDU, "nvidia-spectrum-4-sn5600", "nvidia-spectrum-sn2201")}


@pytest.fixture
def rack(parts):
    """Rack A01 with two DGX B200s, PDUs A (left) and B (right) each on its 415 V 60 A feed, a
    leaf and a management switch."""
    document = b.row_document(1)
    design = document.design
    rack_id = b.rack_named(design, "A01")
    for side in "AB":
        document.execute(AddRecord(
            "feeds", Feed(id=f"f415-{side}", name=f"415 {side}", side=side, voltage_v=415, amperage_a=60,
                          rack=rack_id)))
    document.execute(PlaceDevice(parts[PDU], rack=rack_id, side="left", device_id="pdu-a"))
    document.execute(PlaceDevice(parts[PDU], rack=rack_id, side="right", device_id="pdu-b"))
    for side in "ab":
        document.execute(Connect("power", PortRef(owner=f"pdu-{side}", port="Inlet"),
                                 PortRef(owner=f"f415-{side.upper()}", port="")))
    document.execute(PlaceDevice(parts["nvidia-dgx-b200"], rack=rack_id, position=2, device_id="dgx1"))
    document.execute(PlaceDevice(parts["nvidia-dgx-b200"], rack=rack_id, position=12, device_id="dgx2"))
    document.execute(PlaceDevice(parts["nvidia-spectrum-4-sn5600"], rack=rack_id, position=40, device_id="leaf"))
    document.execute(PlaceDevice(parts["nvidia-spectrum-sn2201"], rack=rack_id, position=42, device_id="mgmt"))
    return document


def present_loads(design, graph):
    """PDU figures as the checks compute them."""
    ctx = CheckContext(design, graph)
    return lambda device_id: pdu_figures(ctx, device_id) if device_id in design.devices else None


def _ref(owner, port):
    return PortRef(owner=owner, port=port)


def test_a_c20_inlet_takes_a_c19_outlet_and_never_a_c13(rack):
    design = rack.design
    assert compatible(design, _ref("dgx1", "PSU1"), _ref("pdu-a", "B1-C19-1"))[0]
    ok, why = compatible(design, _ref("dgx1", "PSU1"), _ref("pdu-a", "B1-C13-1"))
    assert not ok and "C20" in why and "C13" in why
    ok, why = compatible(design, _ref("dgx1", "PSU1"), _ref("dgx2", "PSU1"))
    assert not ok and "both are power inlets" in why
    ok, why = compatible(design, _ref("dgx1", "PSU1"), _ref("leaf", "swp1"))
    assert not ok and "network port" in why


def test_a_used_port_says_what_it_is_connected_to(rack):
    design = rack.design
    rack.execute(Connect("power", _ref("dgx1", "PSU1"), _ref("pdu-a", "B1-C19-1")))
    ok, why = compatible(design, _ref("dgx2", "PSU1"), _ref("pdu-a", "B1-C19-1"))
    assert not ok and "in use" in why and "dgx" not in why and design.devices["dgx1"].name in why


def test_network_roles_come_from_port_roles(rack):
    design = rack.design
    leaf = design.part_of(design.devices["leaf"])
    data = next(i.name for i in leaf.interfaces if not i.mgmt_only)
    own = next(i.name for i in leaf.interfaces if i.mgmt_only)
    assert compatible(design, _ref("dgx1", "cx7-0"), _ref("leaf", data))[0]
    assert not compatible(design, _ref("dgx1", "bmc"), _ref("leaf", own))[0]
    assert not compatible(design, _ref("dgx1", "bmc"), _ref("leaf", data))[0]


def test_the_best_port_for_a_psu_alternates_pdus_and_spreads_legs_and_banks(rack):
    """Taking the best outlet for every PSU in turn gives each PSU its own bank, both PDUs the
    same load and each PDU's three legs the same current (as the checks figure them)."""
    design = rack.design
    for dev in ("dgx1", "dgx2"):
        for n in range(1, 7):
            pick = best(design, _ref(dev, f"PSU{n}"), present_loads(design, graph=rack.graph))
            assert pick is not None and pick.ok and "C19" in pick.ref.port
            rack.execute(Connect("power", _ref(dev, f"PSU{n}"), pick.ref))
    loads = present_loads(design, graph=rack.graph)
    for pdu in ("pdu-a", "pdu-b"):
        figures = loads(pdu)
        used = [bank for bank in figures.banks if bank.current_a > 0]
        assert len(used) == 6 and len({round(bank.current_a, 2) for bank in used}) == 1
        assert max(figures.phases_a) - min(figures.phases_a) < 0.01
        assert figures.imbalance_pct == 0


def test_the_best_port_for_a_nic_and_a_bmc(rack):
    design = rack.design
    nic = best(design, _ref("dgx1", "cx7-0"))
    assert nic is not None and nic.ref.owner == "leaf"
    bmc = best(design, _ref("dgx1", "bmc"))
    assert bmc is not None and bmc.ref.owner == "mgmt"
    inlet = best(design, _ref("dgx1", "PSU1"))
    assert inlet.ref.owner in ("pdu-a", "pdu-b")  # never a feed while a PDU can take it


def test_incompatible_ports_come_last_with_their_reason(rack):
    design = rack.design
    found = targets(design, _ref("dgx1", "PSU1"), owners=["pdu-a"])
    oks = [t.ok for t in found]
    assert oks == sorted(oks, reverse=True) and True in oks and False in oks
    assert all(t.reason for t in found)


def test_outlet_groups_name_bank_leg_breaker_and_present_current(rack):
    design = rack.design
    rack.execute(Connect("power", _ref("dgx1", "PSU1"), _ref("pdu-a", "B1-C19-1")))
    loads = present_loads(design, graph=rack.graph)
    groups = outlet_groups(design, "pdu-a", loads)
    first = groups[0]
    assert first.title.startswith("Bank 1 · leg A · 20 A breaker · ") and first.outlets[0] == "B1-C19-1"
    bank = loads("pdu-a").banks[0]
    assert bank.current_a > 0 and first.title.endswith(f"{bank.current_a:.1f} of 16 A")
    assert [g.leg for g in groups] == ["A"] * 3 + ["B"] * 3 + ["C"] * 3


def test_a_pdu_inlet_defaults_to_the_feed_of_its_side(rack):
    design = rack.design
    for side in "ab":
        rack.execute(Disconnect(
            design.port_connection("power", f"pdu-{side}", "Inlet")))
    assert best(design, _ref("pdu-a", "Inlet")).ref.owner == "f415-A"
    assert best(design, _ref("pdu-b", "Inlet")).ref.owner == "f415-B"
