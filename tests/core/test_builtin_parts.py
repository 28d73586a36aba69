"""RackStudio's built-in parts: NetBox-valid apart from `rackstudio:`, sourced, and the figures
the checks rely on (docs/engineering.md sections 1-5)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rackstudio import paths
from rackstudio.library import (
    Catalog,
    LibrarySource,
    SourceKind,
    Vocabulary,
    dump_device_type,
    load_device_type,
    load_rack_type,
    parse_device_type,
    parse_rack_type,
)
from rackstudio.model.parts import Category
from tests.conftest import NETBOX_DATA, require_data

BUILTIN = paths.builtin_parts()
SCHEMA = NETBOX_DATA / "schema" / "generated_schema.json"
ENGINEERING = Path(__file__).resolve().parents[2] / "docs" / "engineering.md"
DEVICE_FILES = sorted(BUILTIN.glob("device-types/*/*.yaml"))
RACK_FILES = sorted(BUILTIN.glob("rack-types/*/*.yaml"))
# Flags a NetBox library file may not carry once `rackstudio:` is stripped.
STRUCTURAL = {"duplicate-key", "unknown-key", "empty-value", "missing-field", "coerced", "schema",
              "not-kept", "duplicate-name", "unknown-type", "too-long"}


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_schema(require_data(SCHEMA))


@pytest.fixture(scope="module")
def parts(vocabulary):
    loaded = {}
    for path in DEVICE_FILES:
        result = load_device_type(path, vocabulary)
        assert result.ok, str(result.error)
        loaded[result.part.slug] = result
    return loaded


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_the_builtin_set():
    assert [_name(p) for p in DEVICE_FILES] == [
        "CoolIT/CHx2000.yaml", "Generic/Blanking-Panel-1U.yaml", "Generic/Blanking-Panel-2U.yaml",
        "Generic/Cable-Manager-1U.yaml", "Generic/In-Row-Cooler-300.yaml", "Generic/Patch-Panel-1U-24-LC.yaml",
        "Generic/rPDU-0U-415V-3ph-60A.yaml", "NVIDIA/DGX-B200.yaml", "NVIDIA/GB200-NVL72-Compute-Tray.yaml",
        "NVIDIA/GB200-NVL72-Coolant-Manifold.yaml", "NVIDIA/GB200-NVL72-NVLink-Switch-Tray.yaml",
        "NVIDIA/GB200-NVL72-Power-Shelf.yaml", "NVIDIA/QM9700.yaml", "NVIDIA/SN2201.yaml", "NVIDIA/SN5600.yaml",
    ]
    assert [_name(p) for p in RACK_FILES] == [
        "Generic/Rack-48U-600x1200.yaml", "Generic/Rack-52U-700x1200.yaml", "NVIDIA/GB200-NVL72-Rack.yaml",
        "OCP/ORv3-44OU.yaml"]


@pytest.mark.parametrize("path", DEVICE_FILES, ids=_name)
def test_device_types_are_netbox_valid_without_the_rackstudio_block(path, vocabulary):
    data = yaml.safe_load(path.read_text())
    assert "rackstudio" in data
    del data["rackstudio"]
    result = parse_device_type(yaml.safe_dump(data, sort_keys=False), str(path), vocabulary)
    assert result.ok, str(result.error)
    assert not {f.key for f in result.flags} & STRUCTURAL, result.flags


@pytest.mark.parametrize("path", RACK_FILES, ids=_name)
def test_rack_types_are_netbox_valid_without_the_rackstudio_block(path):
    data = yaml.safe_load(path.read_text())
    del data["rackstudio"]
    result = parse_rack_type(yaml.safe_dump(data, sort_keys=False), str(path))
    assert result.ok and result.flags == (), (result.error, result.flags)
    assert load_rack_type(path).flags == ()


@pytest.mark.parametrize("path", DEVICE_FILES, ids=_name)
def test_device_types_load_clean_and_export(path, vocabulary):
    result = load_device_type(path, vocabulary)
    assert {f.key for f in result.flags} <= {"zero-u"}  # 0U PDUs and manifolds say so; nothing else
    again = parse_device_type(dump_device_type(result.part), "export", vocabulary)
    assert again.ok and not {f.key for f in again.flags} & STRUCTURAL


def _source_keys(text: str) -> set[str]:
    return set(re.findall(r"\[([A-Z][A-Z0-9.]*(?:-[A-Z0-9.]+)*)\]", text))


@pytest.mark.parametrize("path", DEVICE_FILES + RACK_FILES, ids=_name)
def test_every_part_names_its_sources(path):
    block = yaml.safe_load(path.read_text())["rackstudio"]
    text = " ".join([block["source"], *block.get("sources", {}).values()])
    keys = _source_keys(text)
    known = _source_keys(ENGINEERING.read_text())
    assert keys <= known, f"unknown source keys: {keys - known}"
    if path.parent.name != "Generic":  # generic passive parts are plain assumptions
        assert keys
    assert "(U)" in text or "assumption" not in text  # assumptions are marked U


def test_gb200_nvl72_compute_tray(parts):
    tray = parts["nvidia-gb200-nvl72-compute-tray"].part
    ext = tray.rackstudio
    assert (tray.u_height, tray.power_ports, ext.category) == (1, (), Category.SERVER)
    assert (ext.power.source, ext.power.max_w) == ("busbar", 5400)
    assert (ext.cooling.method, ext.cooling.liquid_fraction) == ("hybrid", 0.8)
    nics = [i for i in tray.interfaces if i.name.startswith("cx7")]
    assert [i.type for i in nics] == ["400gbase-x-osfp-rhs"] * 4
    assert [i.name for i in tray.interfaces if i.name.startswith("bf3")] == ["bf3-0", "bf3-1"]
    assert any(i.mgmt_only and i.name == "bmc" for i in tray.interfaces)
    assert ext.required_ports == tuple(i.name for i in nics)
    assert tray.port_names("coolant") == ("coolant",)


def test_nvlink_switch_tray_power_shelf_and_manifold(parts):
    switch = parts["nvidia-gb200-nvl72-nvlink-switch-tray"].part
    assert (switch.u_height, switch.rackstudio.power.source, switch.category) == (1, "busbar", Category.SWITCH)
    shelf = parts["nvidia-gb200-nvl72-power-shelf-33kw"].part
    spec = shelf.rackstudio.shelf
    assert (shelf.u_height, shelf.category, len(shelf.power_ports)) == (1, Category.POWER_SHELF, 2)
    assert (spec.psu_count, spec.psu_rating_w, str(spec.redundancy), spec.output_v) == (6, 5500, "5+1", 50)
    assert spec.usable_w == 27500 and spec.psu_count * spec.psu_rating_w == 33000  # [NV-BCM-PS]
    manifold = parts["nvidia-gb200-nvl72-coolant-manifold"].part
    ports = manifold.port_names("coolant")
    assert (manifold.u_height, manifold.category, manifold.is_powered) == (0, Category.MANIFOLD, False)
    assert len(ports) == 18 + 9 + 2 and ports[-2:] == ("cdu-supply", "cdu-return")


def test_dgx_b200(parts):
    dgx = parts["nvidia-dgx-b200"].part
    power = dgx.rackstudio.power
    assert (dgx.u_height, dgx.rackstudio.depth_mm, dgx.weight_kg) == (10, 897.1, 142.4)
    assert (power.max_w, power.psu_count, power.psu_rating_w, str(power.psu_redundancy)) == (14300, 6, 3300,
                                                                                              "5+1")
    assert power.psu_redundancy.n * power.psu_rating_w >= power.max_w  # LIB-004
    assert dgx.rackstudio.cooling.airflow_cfm == 1550
    # each port's maximum_draw is its PSU's rating, as in the NetBox library; 5 of them carry the load
    assert [p.maximum_draw for p in dgx.power_ports] == [3300] * 6
    assert dgx.rackstudio.power.throttles_on_feed_loss  # runs throttled on 3 PSUs [NV-H100UG]
    compute = [i.name for i in dgx.interfaces if i.type == "400gbase-x-osfp"]
    assert len(compute) == 8 and dgx.rackstudio.required_ports == tuple(compute)
    assert len([i for i in dgx.interfaces if i.name.startswith("bf3")]) == 2
    # DGX B200 heat check (engineering.md §1.2): 3.16 x 14,300 W / 1,550 CFM = 29.2 F
    assert round(3.16 * power.max_w / dgx.rackstudio.cooling.airflow_cfm, 1) == 29.2


@pytest.mark.parametrize(("slug", "u", "ports", "kg", "depth", "max_w"), [
    ("nvidia-quantum-2-qm9700", 1, {"400gbase-x-osfp": 64}, 14.8, 660, 1720),
    ("nvidia-spectrum-4-sn5600", 2, {"800gbase-x-osfp": 64, "25gbase-x-sfp28": 1}, 23.5, 720, 2100),
    ("nvidia-spectrum-sn2201", 1, {"1000base-t": 48, "100gbase-x-qsfp28": 4}, 7.41, 432, 250),
])
def test_switches(parts, slug, u, ports, kg, depth, max_w):
    switch = parts[slug].part
    data = [i for i in switch.interfaces if not i.mgmt_only]
    assert {t: sum(i.type == t for i in data) for t in ports} == ports and len(data) == sum(ports.values())
    assert (switch.u_height, switch.weight_kg, switch.rackstudio.depth_mm) == (u, kg, depth)
    assert switch.rackstudio.power.max_w == max_w
    # 1+1: either PSU alone carries the switch (port maximum_draw is the PSU's rating)
    assert all(p.maximum_draw >= max_w for p in switch.power_ports)
    assert str(switch.rackstudio.power.psu_redundancy) == "1+1" and switch.category == Category.SWITCH


def test_rack_pdu(parts):
    pdu = parts["generic-0u-rpdu-415v-3ph-60a"].part
    spec = pdu.rackstudio.pdu
    assert (spec.inlet_voltage_v, spec.inlet_phase, spec.inlet_amperage_a) == (415, "three-phase", 60)
    # 34.5 kVA class: NetBox available_power = V x A x 80 % x 1.732 (engineering.md §2.3)
    assert round(spec.inlet_voltage_v * spec.inlet_amperage_a * 0.8 * 1.732) == 34501
    outlets = {o.name: o for o in pdu.power_outlets}
    in_banks = [name for bank in spec.banks for name in bank.outlets]
    assert sorted(in_banks) == sorted(outlets)  # every outlet behind exactly one bank breaker
    for bank in spec.banks:
        assert len({outlets[n].feed_leg for n in bank.outlets}) == 1
    legs = [outlets[b.outlets[0]].feed_leg for b in spec.banks]
    assert {leg: legs.count(leg) for leg in "ABC"} == {"A": 3, "B": 3, "C": 3}
    # three 20 A banks per phase carry the 60 A inlet
    assert sum(b.breaker_a for b in spec.banks) / 3 == spec.inlet_amperage_a
    assert set(spec.outlet_rating_a) == {o.type for o in pdu.power_outlets}
    assert pdu.category == Category.PDU and pdu.u_height == 0


def test_passive_parts(parts):
    for slug, category, u in (("generic-blanking-panel-1u", Category.BLANK, 1),
                              ("generic-blanking-panel-2u", Category.BLANK, 2),
                              ("generic-cable-manager-1u", Category.CABLE_MANAGER, 1),
                              ("generic-1u-patch-panel-24-lc", Category.PATCH_PANEL, 1)):
        part = parts[slug].part
        assert (part.category, part.u_height, part.is_powered) == (category, u, False)
    panel = parts["generic-1u-patch-panel-24-lc"].part
    assert [p.rear_port for p in panel.front_ports] == [p.name for p in panel.rear_ports]


def test_floor_equipment(parts):
    cdu = parts["coolit-chx2000"].part
    spec = cdu.rackstudio.cdu
    assert (cdu.category, cdu.rackstudio.footprint_mm) == (Category.CDU, (600, 1200))
    assert (spec.capacity_kw, spec.flow_lpm, spec.approach_k, spec.kind) == (2000, 2125, 5, "in-row")
    assert {"facility-supply", "facility-return"} <= set(cdu.port_names("coolant"))
    assert cdu.power_ports and parts["coolit-chx2000"].flags == ()  # floor equipment: no 0U flag
    cooler = parts["generic-in-row-cooler-300-cw"].part
    assert (cooler.category, cooler.rackstudio.footprint_mm) == (Category.COOLER, (300, 1200))
    assert cooler.rackstudio.cooler.capacity_kw == 30


def test_rack_types():
    racks = {r.slug: r for r in (load_rack_type(p).part for p in RACK_FILES)}
    nvl = racks["nvidia-gb200-nvl72-rack"]
    assert (nvl.u_height, nvl.outer_width_mm, nvl.outer_depth_mm) == (48, 600, 1200)
    assert (nvl.busbar.voltage_v, nvl.busbar.rating_a) == (50, 1400)
    assert (nvl.nvlink.compute_trays, nvl.nvlink.switch_trays) == (18, 9)
    assert (nvl.cooling_capability, nvl.ships_integrated) == ("hybrid", True)
    assert nvl.rolling_load_kg >= 1360  # the integrated rack weighs about 1.36 t [TR-STH]
    generic = racks["generic-rack-48u-600x1200"]
    assert (generic.u_height, generic.outer_width_mm, generic.max_weight_kg) == (48, 600, 1020)
    tall = racks["generic-rack-52u-700x1200"]
    assert (tall.u_height, tall.outer_width_mm, tall.outer_depth_mm) == (52, 700, 1200)
    orv3 = racks["ocp-open-rack-v3-44ou"]
    assert (orv3.unit_system, orv3.width_class, orv3.u_height) == ("ou", "21in", 44)
    assert (orv3.outer_height_mm, orv3.outer_width_mm, orv3.outer_depth_mm, orv3.max_weight_kg) == (
        2286, 600, 1098, 1400)
    assert orv3.unit_mm == 48


def test_the_builtin_catalog():
    catalog = Catalog([LibrarySource("builtin", BUILTIN, SourceKind.BUILTIN)])
    assert catalog.problems == () and catalog.conflicts == ()
    assert len(catalog.search()) == len(DEVICE_FILES) and len(catalog.search(kind="rack-type")) == 4
    assert [e.model for e in catalog.search("nvl72")] == [
        "GB200 NVL72 Compute Tray", "GB200 NVL72 Coolant Manifold", "GB200 NVL72 NVLink Switch Tray",
        "GB200 NVL72 Power Shelf 33kW"]
    for entry in catalog.search():
        assert catalog.part(entry).origin == "builtin"
