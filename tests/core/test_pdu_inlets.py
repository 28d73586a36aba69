"""A NetBox PDU's inlet figures from its inlet type (engineering.md 2.10), on real library files: NEMA
names give phases, voltage class and current; IEC 60309 names give phases and voltage class only
(by the clock position of the earth contact), the current then comes from the feed; a placed PDU's
voltage comes from its feed when the feed is in the inlet's class (240 V on an L6-30, not 208 V);
outlets on legs a single-phase inlet does not have are flagged (library flag and LIB-006), and an
inlet that does not match its feed is PWR-021."""
from __future__ import annotations

import pytest

from rackstudio.library import load_device_type, parse_device_type
from rackstudio.power.inlets import inlet_class
from tests.conftest import NETBOX_DATA, require_data
from tests.core.check_builders import Bench


@pytest.mark.parametrize(("type_name", "phase", "volts", "amps"), [
    ("nema-l21-30p", "three-phase", 208, 30), ("nema-l22-30p", "three-phase", 480, 30),
    ("nema-l6-30p", "single-phase", 208, 30), ("nema-l15-30p", "three-phase", 208, 30),
    ("nema-l5-20p", "single-phase", 120, 20), ("cs8365c", "three-phase", 208, 50),
    ("iec-60309-3p-n-e-6h", "three-phase", 400, None), ("iec-60309-p-n-e-6h", "single-phase", 230, None),
    ("iec-60309-p-n-e-4h", "single-phase", 120, None), ("iec-60309-2p-e-6h", "single-phase", 208, None),
    ("iec-60309-3p-e-9h", "three-phase", 208, None), ("iec-60309-3p-n-e-9h", "three-phase", 208, None),
    ("iec-60309-3p-e-6h", "three-phase", 400, None), ("iec-60309-3p-n-e-3h", "three-phase", None, None),
])
def test_the_inlet_type_names_the_supply(type_name, phase, volts, amps):
    found = inlet_class(type_name)
    assert (found.phase, found.voltage_v, found.amperage_a) == (phase, volts, amps)


def test_iec_60320_and_unknown_types_name_no_supply():
    assert inlet_class("iec-60320-c20") is None and inlet_class("other") is None and inlet_class(None) is None


@pytest.mark.parametrize(("rel", "spec"), [
    ("APC/AP8965.yaml", (208, "three-phase", 30)),   # nema-l21-30p, outlets on A/B/C
    ("APC/AP8941.yaml", (208, "single-phase", 30)),  # nema-l6-30p
    ("Raritan/PX3-5724V.yaml", (208, "three-phase", 30)),  # nema-l15-30p
    ("APC/AP8868.yaml", (208, "three-phase", 50)),   # cs8365c
    ("Vertiv/VP7N32A0.yaml", None),  # gives maximum_draw: its own figures stand
    ("Vertiv/MG01D4W1-36PT63-3PS6B2A10-S.yaml", None),  # IEC 60309: no current in the name
])
def test_real_pdus_get_their_inlet_rating_from_the_inlet_type(rel, spec):
    require_data(NETBOX_DATA / "device-types")
    part = load_device_type(NETBOX_DATA / "device-types" / rel).part
    pdu = part.rackstudio.pdu
    assert (None if pdu is None else (pdu.inlet_voltage_v, pdu.inlet_phase, pdu.inlet_amperage_a)) == spec
    if spec is not None:
        assert part.rackstudio.sources["pdu"].startswith("derived from inlet type")


_SINGLE_PHASE_ON_THREE_LEGS = """manufacturer: Acme
model: PDU L6 with three legs
slug: acme-pdu-l6
u_height: 0
is_full_depth: false
power-ports:
  - name: Inlet
    type: nema-l6-30p
power-outlets:
""" + "".join(f"  - name: O{i}\n    type: iec-60320-c13\n    power_port: Inlet\n    feed_leg: {'ABC'[i % 3]}\n"
              for i in range(6))


def test_outlets_on_legs_a_single_phase_inlet_does_not_have_are_flagged():
    result = parse_device_type(_SINGLE_PHASE_ON_THREE_LEGS)
    assert "impossible-leg: 4 outlet(s) on legs a single-phase nema-l6-30p inlet does not have: O1, O2, O4, O5" \
        in [str(f) for f in result.flags]
    b = Bench()
    b.rack()
    b.place(result.part, "pdu-1", side="left")
    [found] = b.findings("LIB-006")
    assert found.objects == ("acme-pdu-l6",) and found.figures["outlets"] == ["O1", "O2", "O4", "O5"]


_IEC_3PNE_6H = """manufacturer: Acme
model: PDU IEC 60309 3P+N+E 6h
slug: acme-pdu-3pne6h
u_height: 0
is_full_depth: false
power-ports:
  - name: Inlet
    type: iec-60309-3p-n-e-6h
power-outlets:
""" + "".join(f"  - name: O{i}\n    type: iec-60320-c13\n    power_port: Inlet\n    feed_leg: {'ABC'[i % 3]}\n"
              for i in range(6))


def _fed(part, volts, amps, phase="three-phase"):
    """`part` placed as pdu-1 in a rack, its inlet cabled to feed f-1 (`volts`, `amps`, `phase`)."""
    b = Bench()
    b.rack()
    b.feed("f-1", voltage_v=volts, amperage_a=amps, phase=phase)
    b.place(part, "pdu-1", side="left")
    b.power("pdu-1", part.power_ports[0].name, "f-1")
    return b


def _real(rel):
    require_data(NETBOX_DATA / "device-types")
    return load_device_type(NETBOX_DATA / "device-types" / rel).part


def test_a_placed_pdu_takes_its_voltage_from_its_feed():
    """An L6-30 PDU (AP8941) plans at 208 V on its own; on a 240 V feed it is a 240 V PDU, 30 A
    from its name [NEMA-WD6]. An IEC 60309 3P+N+E 6h PDU (Vertiv) gets 415 V and its 32 A from
    the feed's breaker, since its name carries no current."""
    from rackstudio.power.inlets import inlet_rating

    b = _fed(_real("APC/AP8941.yaml"), 240, 30, "single-phase")
    rating = inlet_rating(b.design, "pdu-1")
    assert (rating.spec.inlet_voltage_v, rating.spec.inlet_amperage_a) == (240, 30)
    assert rating.voltage_from == "feed f-1" and rating.amperage_from == "inlet type nema-l6-30p [NEMA-WD6]"
    assert b.findings("PWR-021") == []
    iec = parse_device_type(_IEC_3PNE_6H).part
    assert iec.rackstudio.pdu is None  # the name gives no current
    b = _fed(iec, 415, 32)
    rating = inlet_rating(b.design, "pdu-1")
    assert (rating.spec.inlet_voltage_v, rating.spec.inlet_phase, rating.spec.inlet_amperage_a) == (
        415, "three-phase", 32)
    assert rating.amperage_from.startswith("feed f-1's breaker")
    assert b.findings("PWR-021") == []
    unfed = Bench()
    unfed.rack()
    unfed.place(iec, "pdu-1", side="left")
    assert inlet_rating(unfed.design, "pdu-1") is None  # no feed, no current: nothing is made up


def test_the_checks_read_the_fed_rating():
    """A PSU on an outlet of the L6-30 PDU on a 240 V feed sees 240 V; the PDU's inlet capacity for
    failover is 240 V x 30 A (not the 208 V it plans with unfed)."""
    from rackstudio.checks import CheckEngine
    from rackstudio.checks.power_flow import supply_voltage
    from rackstudio.checks.rules.failover import capacity_of
    from rackstudio.graph.component_graph import ComponentGraph

    b = _fed(_real("APC/AP8941.yaml"), 240, 30, "single-phase")
    ctx = CheckEngine(b.design, ComponentGraph(b.design)).ctx
    assert supply_voltage(ctx, "pdu-1") == 240
    assert capacity_of(ctx, "pdu-1").rating_va == pytest.approx(240 * 30)


@pytest.mark.parametrize(("rel", "feed", "expected"), [
    ("APC/AP8941.yaml", (208, 30, "three-phase"), [("phase", "error")]),  # single-phase L6-30 on three phases
    ("APC/AP8965.yaml", (415, 30, "three-phase"), [("voltage", "error")]),  # L21-30 (120/208 V) on 415 V
    ("APC/AP8965.yaml", (208, 40, "three-phase"), [("current", "error")]),  # 40 A breaker, 30 A inlet
    ("APC/AP8965.yaml", (208, 20, "three-phase"), [("current", "warning")]),  # 30 A inlet, 20 A breaker
    ("APC/AP8965.yaml", (208, 30, "three-phase"), []),
    (_IEC_3PNE_6H, (208, 32, "three-phase"), [("voltage", "error")]),  # 6 h: 200/346-240/415 V
    (_IEC_3PNE_6H, (400, 160, "three-phase"), [("current", "error")]),  # no IEC 60309 plug above 125 A
    # the library file's P+N+E 4 h inlet is a 100-130 V (yellow) plug, whatever its 7,360 W say
    ("Vertiv/MG01D4W1-36PT63-3PS6B2A10-S.yaml", (230, 32, "single-phase"), [("voltage", "error")]),
])
def test_an_inlet_that_does_not_match_its_feed_is_pwr021(rel, feed, expected):
    b = _fed(parse_device_type(rel).part if rel.startswith("manufacturer") else _real(rel), *feed)
    found = b.findings("PWR-021")
    assert [(f.aspect, f.severity.value) for f in found] == expected
    if found:
        assert found[0].objects == ("pdu-1",) and "f-1" in found[0].message


def test_a_pdu_types_own_figures_stand_and_are_compared_with_the_feed():
    """The built-in style PDU (415 V 32 A figures): a 208 V feed is a voltage error, a 63 A
    breaker does not protect its 32 A inlet."""
    from tests.core.check_builders import pdu

    b = _fed(pdu(415, 32), 415, 32)
    assert b.findings("PWR-021") == []
    b.set("f-1", "voltage_v", 208)
    b.set("f-1", "amperage_a", 63)
    assert sorted((f.aspect, f.severity.value) for f in b.findings("PWR-021")) == [("current", "error"),
                                                                                  ("voltage", "error")]


def test_a_feed_edit_reaches_the_psus_behind_a_pdu_that_takes_its_volts_from_it():
    """A 200-240 V PSU on an L6-30 PDU: fine on a 240 V feed; the feed set to 415 V makes the PDU's
    outlets 415 V (PWR-011 at the PSU) and the inlet wrong for its feed (PWR-021); after each edit
    the live findings equal a full run's."""
    from rackstudio.checks import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph
    from tests.core.check_builders import load

    part = _real("APC/AP8941.yaml")
    b = _fed(part, 240, 30, "single-phase")
    b.place(load(2000, power={"psu_input_v": [200, 240]}), "srv", position=10)
    b.power("srv", "PSU1", "pdu-1", part.power_outlets[0].name)
    engine = CheckEngine(b.design, b.doc.graph)
    engine.follow(b.doc)
    assert not {f.rule for f in engine.findings()} & {"PWR-011", "PWR-021"}
    b.set("f-1", "voltage_v", 415)
    live = engine.findings()
    assert {"PWR-011", "PWR-021"} <= {f.rule for f in live}
    assert live == CheckEngine(b.design, ComponentGraph(b.design)).run_full()
    b.doc.undo()
    assert engine.findings() == CheckEngine(b.design, ComponentGraph(b.design)).run_full()
