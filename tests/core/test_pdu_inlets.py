"""A NetBox PDU's inlet figures from its inlet type (engineering.md 2.10), on real library files: NEMA
names give phases, voltage class and current; IEC 60309 names give phases and voltage class only;
outlets on legs a single-phase inlet does not have are flagged (library flag and LIB-006)."""
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
    ("iec-60309-p-n-e-4h", "single-phase", None, None),
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
