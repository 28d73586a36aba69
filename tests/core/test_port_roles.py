"""Port roles and link compatibility (model.port_roles), the cable family a link of a given length
takes (model.interfaces.choose_media, engineering.md 4.1) and the purchasable-length rounding
(model.cable_length, engineering.md 4.5), on the built-in NVIDIA parts."""
from __future__ import annotations

import pytest

from rackstudio import paths
from rackstudio.library import load_device_type
from rackstudio.model import interfaces as ifc
from rackstudio.model.cable_length import purchasable_length_m
from rackstudio.model.port_roles import link_compatible, management_access_ports, port_role

NVIDIA = paths.builtin_parts() / "device-types" / "NVIDIA"


def part(name: str):
    return load_device_type(NVIDIA / f"{name}.yaml").part


def iface(p, name: str):
    return next(i for i in p.interfaces if i.name == name)


@pytest.fixture(scope="module")
def parts():
    return {n: part(n) for n in ("DGX-B200", "SN5600", "SN2201", "QM9700", "GB200-NVL72-Compute-Tray")}


def test_roles_of_the_builtin_ports(parts):
    dgx, sn5600, sn2201 = parts["DGX-B200"], parts["SN5600"], parts["SN2201"]
    assert port_role(dgx, iface(dgx, "bmc")) == "bmc"
    assert [port_role(dgx, iface(dgx, f"cx7-{k}")) for k in range(8)] == ["data"] * 8
    assert port_role(dgx, iface(dgx, "bf3-0")) == "data"
    assert port_role(sn5600, iface(sn5600, "mgmt0")) == "mgmt"
    assert port_role(sn5600, iface(sn5600, "swp1")) == "data"
    assert port_role(sn2201, iface(sn2201, "swp1")) == "mgmt"  # a 1G access port of the management switch
    assert management_access_ports(sn5600) == []
    access = management_access_ports(sn2201)
    assert len(access) == 48 and "mgmt0" not in access


def test_data_nic_to_leaf_data_port_is_compatible(parts):
    dgx, sn5600, qm9700 = parts["DGX-B200"], parts["SN5600"], parts["QM9700"]
    ok, why = link_compatible(dgx, iface(dgx, "cx7-0"), sn5600, iface(sn5600, "swp1"))
    assert ok, why
    assert why == "400G OSFP ↔ 800G OSFP"
    assert link_compatible(dgx, iface(dgx, "cx7-0"), qm9700, iface(qm9700, "ib1/1"))[0]


def test_bmc_goes_to_a_management_access_port_never_to_a_switch_mgmt_port(parts):
    dgx, sn5600, sn2201 = parts["DGX-B200"], parts["SN5600"], parts["SN2201"]
    assert link_compatible(dgx, iface(dgx, "bmc"), sn2201, iface(sn2201, "swp1"))[0]
    ok, why = link_compatible(dgx, iface(dgx, "bmc"), sn5600, iface(sn5600, "mgmt0"))
    assert not ok and "own management ports" in why
    ok, why = link_compatible(dgx, iface(dgx, "bmc"), sn5600, iface(sn5600, "swp1"))
    assert not ok and why == "swp1 is a data port (800G OSFP), bmc a management port (1G RJ45)"
    ok, why = link_compatible(dgx, iface(dgx, "cx7-0"), sn5600, iface(sn5600, "mgmt0"))
    assert not ok and "cx7-0 is a data port" in why
    # the leaf's own mgmt port goes to the management switch
    assert link_compatible(sn5600, iface(sn5600, "mgmt0"), sn2201, iface(sn2201, "swp3"))[0]


def test_lane_rate_and_cage_mismatches(parts):
    dgx, sn2201 = parts["DGX-B200"], parts["SN2201"]
    ok, why = link_compatible(dgx, iface(dgx, "cx7-0"), sn2201, iface(sn2201, "swp49"))
    assert not ok and why.startswith("lane rates differ: 100G-PAM4") and "25G-NRZ" in why


@pytest.mark.parametrize(("lane", "length", "media"), [
    (ifc.PAM4_100G, 1.0, "dac"),
    (ifc.PAM4_100G, 2.4, "dac"),   # 80 % of the 3 m reach
    (ifc.PAM4_100G, 2.41, "acc"),  # past the DAC margin: active copper to 5 m
    (ifc.PAM4_100G, 5.0, "acc"),
    (ifc.PAM4_100G, 5.1, "mmf"),   # no AOC at NDR; multimode to 50 m
    (ifc.PAM4_100G, 60.0, "smf"),
    (ifc.PAM4_100G, 2500.0, None),
    (ifc.PAM4_50G, 1.6, "dac"),
    (ifc.PAM4_50G, 1.7, "aoc"),    # no active copper listed at HDR; AOC to 100 m
    (ifc.NRZ_25G, 4.0, "dac"),
    (ifc.NRZ_25G, 4.1, "aoc"),
    (ifc.PAM4_200G, 0.5, "aec"),   # XDR: no DAC, no AOC, no multimode
    (ifc.PAM4_200G, 3.1, "smf"),
    (ifc.BASE_T, 40.0, "cat6"),
    (None, 1.0, None),
])
def test_media_by_lane_rate_and_length(lane, length, media):
    assert ifc.choose_media(lane, length, dac_margin=0.8) == media


@pytest.mark.parametrize(("media", "length", "bought"), [
    ("dac", 0.4, 1.0), ("dac", 1.2, 1.5), ("dac", 2.01, 3.0), ("dac", 3.2, 4.0),
    ("acc", 3.5, 4.0), ("aoc", 11.0, 15.0), ("aoc", 31.0, 31.0), ("smf", 12.3, 13.0),
    ("cat6", 2.0, 2.0), (None, 0.2, 1.0),
])
def test_purchasable_lengths(media, length, bought):
    assert purchasable_length_m(media, length) == bought
