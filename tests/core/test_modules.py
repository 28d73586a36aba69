"""Modules in bays: a Dell PowerEdge R760xs from the real NetBox library, whose PSUs are module bays,
draws through the Dell PSU modules installed in them, and with none installed its power is
unknown (PWR-016) rather than 0 W. Install and remove are one undo step each."""
from __future__ import annotations

import pytest

from rackstudio.checks.metrics import OnDemandMetrics
from rackstudio.commands import InstallModule, Refused, RemoveModule, bay_for
from rackstudio.io import dumps, parse
from rackstudio.library import load_device_type, load_module_type
from rackstudio.model.parts import PsuPolicy
from rackstudio.power import device_draw
from tests.conftest import NETBOX_DATA, require_data
from tests.core.check_builders import Bench


@pytest.fixture
def r760xs():
    require_data(NETBOX_DATA / "device-types")
    part = load_device_type(NETBOX_DATA / "device-types/Dell/PowerEdge-R760xs.yaml").part
    psu = load_module_type(NETBOX_DATA / "module-types/Dell/D750E-S6.yaml").part
    psu_700 = load_module_type(NETBOX_DATA / "module-types/Dell/H700E-S1.yaml").part
    return part, psu, psu_700


def _bench(part) -> Bench:
    b = Bench()
    b.rack()
    b.place(part, "r760", position=10)
    return b


def test_without_psu_modules_the_r760xs_power_is_unknown_not_zero(r760xs):
    part, _, _ = r760xs
    b = _bench(part)
    draw = device_draw(b.design, b.design.devices["r760"])
    assert not draw.known and draw.basis == "no power inlet"
    [finding] = b.findings("PWR-016")
    assert finding.message == ("r760 (PowerEdge R760xs): no power figures and no PSU module installed; left out "
                               "of power and heat sums")
    assert finding.severity.value == "warning"
    metrics = OnDemandMetrics(b.design, b.doc.graph).rack_metrics("rk-1")
    assert metrics.unknown_power == ("r760",) and metrics.allocated_w == 0


def test_two_psu_modules_give_it_inlets_and_a_derived_draw(r760xs):
    part, psu, _ = r760xs
    b = _bench(part)
    before = dumps(b.design)
    for bay in ("PSU-1", "PSU-2"):
        assert bay_for(b.design, b.design.devices["r760"], psu) == bay  # a PSU goes to a PSU bay
        b.doc.execute(InstallModule("r760", bay, psu))
    device = b.design.devices["r760"]
    assert device.modules == {"PSU-1": "dell-d750e-s6", "PSU-2": "dell-d750e-s6"}
    # NetBox names the module's '{module}' port after the bay's position
    assert [p.name for p in b.design.part_of(device).power_ports] == ["PSU-1", "PSU-2"]
    # 2 × 750 W PSUs, no allocated_draw: a 1+1 server draws at most what one PSU carries
    draw = device_draw(b.design, device)
    assert (draw.known, draw.derived, draw.max_w, draw.allocated_w) == (True, True, 750, 750)
    [derived] = b.findings("PWR-016")
    assert derived.severity.value == "info" and derived.message == (
        "r760 (PowerEdge R760xs): draw 750 W derived, not stated (1 of 2 PSUs × their maximum_draw, no "
        "allocated_draw; engineering.md 2.6)")
    b.power("r760", "PSU-1", "feed-a")
    b.power("r760", "PSU-2", "feed-b")
    metrics = OnDemandMetrics(b.design, b.doc.graph).rack_metrics("rk-1")
    assert metrics.unknown_power == () and metrics.allocated_w == 750
    assert (metrics.side_a_w, metrics.side_b_w) == (375, 375)  # the feeds see the load through the modules
    assert not b.findings("PWR-019")
    # the file round-trips with the embedded module type
    assert dumps(parse(dumps(b.design), "x").design) == dumps(b.design)
    # removing a module takes its cable with it, in one undo step
    b.doc.execute(RemoveModule("r760", "PSU-2"))
    assert b.design.devices["r760"].modules == {"PSU-1": "dell-d750e-s6"}
    assert not any(c.a.port == "PSU-2" for c in b.design.connections.values())
    b.doc.undo()
    assert any(c.a.port == "PSU-2" for c in b.design.connections.values())
    for _ in range(4):  # two cords, two installs
        b.doc.undo()
    assert dumps(b.design) == before


def test_install_is_refused_in_a_taken_or_missing_bay_and_on_a_name_clash(r760xs):
    part, psu, psu_700 = r760xs
    b = _bench(part)
    b.doc.execute(InstallModule("r760", "PSU-1", psu))
    with pytest.raises(Refused, match="already holds D750E-S6"):
        b.doc.execute(InstallModule("r760", "PSU-1", psu))
    with pytest.raises(Refused, match="has no module bay 'PSU-9'"):
        b.doc.execute(InstallModule("r760", "PSU-9", psu))
    # H700E-S1 names its port 'PSU{module}': in bay PSU-2 that is 'PSUPSU-2', no clash; two of them in
    # bays whose positions give the same name would be refused
    b.doc.execute(InstallModule("r760", "PSU-2", psu_700))
    assert [p.name for p in b.design.part_of(b.design.devices["r760"]).power_ports] == ["PSU-1", "PSUPSU-2"]


def test_copy_and_paste_carries_the_modules_and_their_cords(r760xs):
    from rackstudio.commands import copy, paste
    from rackstudio.commands.clipboard import Clip

    part, psu, _ = r760xs
    b = _bench(part)
    b.place(part, "pdu-less", position=20)
    b.doc.execute(InstallModule("r760", "PSU-1", psu))
    b.doc.execute(InstallModule("r760", "PSU-2", psu))
    clip = Clip.from_json(copy(b.design, ["r760"]).to_json())
    assert list(clip.module_types) == ["dell-d750e-s6"]
    changes = b.doc.execute(paste(b.design, clip, rack_id="rk-1"))
    [new] = [i for i in changes.added if i in b.design.devices]
    assert b.design.devices[new].modules == {"PSU-1": "dell-d750e-s6", "PSU-2": "dell-d750e-s6"}
    assert device_draw(b.design, b.design.devices[new]).max_w == 750


def test_the_bom_lists_the_installed_modules_per_rack(r760xs):
    from rackstudio.reports import bom

    part, psu, _ = r760xs
    b = _bench(part)
    b.doc.execute(InstallModule("r760", "PSU-1", psu))
    b.doc.execute(InstallModule("r760", "PSU-2", psu))
    found = bom.build(b.design)
    [line] = found.modules
    assert (line.manufacturer, line.model, line.category, dict(line.per_rack)) == (
        "Dell", "D750E-S6", "psu module", {"R1": 2})
    assert ["module", "Dell", "D750E-S6", "", "psu module", "", 2, 2, "", "", ""] in bom.csv_rows(found)


def test_the_real_r760_draws_what_one_of_its_two_800_w_psus_carries_not_both():
    """PowerEdge R760 as published: PSU1 and PSU2 with maximum_draw 800 and no allocated_draw. A 1+1
    server draws at most what one PSU carries: 800 W, derived (NetBox's sum of maxima, 1,600 W, is its
    capacity with both working, not its draw). engineering.md 2.6."""
    require_data(NETBOX_DATA / "device-types")
    part = load_device_type(NETBOX_DATA / "device-types/Dell/PowerEdge-R760.yaml").part
    b = _bench(part)
    draw = device_draw(b.design, b.design.devices["r760"])
    assert (draw.max_w, draw.allocated_w, draw.derived, sum(p.maximum_draw for p in part.power_ports)) == (
        800, 800, True, 1600)
    b.design.part_types[part.slug] = part.model_copy(update={"rackstudio": part.rackstudio.model_copy(
        update={"power": part.rackstudio.power.model_copy(update={"psu_redundancy": PsuPolicy(n=2, m=0)})})})
    assert device_draw(b.design, b.design.devices["r760"]).max_w == 1600  # a stated 2+0 policy: both carry load


def test_a_cable_on_a_nic_modules_port_is_checked_like_one_on_the_chassis(r760xs):
    """A Dell OCP NIC module (42T22, 2 x 10GBASE-T) in the R760xs: its port cabled to an 800G
    switch cage is classed from the fitted part, so CAB-016 sees it as it sees the chassis's own
    RJ45 port, live and in a full run alike."""
    from pathlib import Path

    from rackstudio import paths
    from tests.core.test_state_machine import check_engine_agrees

    part, _psu, _psu_700 = r760xs
    library = Path(__file__).parents[1] / "data" / "devicetype-library" / "nautobot"
    nic = load_module_type(library / "module-types/Dell/42T22.yaml").part
    bench = _bench(part)
    bench.place(load_device_type(paths.builtin_parts() / "device-types/NVIDIA/SN5600.yaml").part, "leaf", position=40)
    bench.doc.attach_check_engine()
    bench.doc.execute(InstallModule("r760", bay_for(bench.design, bench.design.devices["r760"], nic), nic))
    port = next(i.name for i in bench.design.part_of(bench.design.devices["r760"]).interfaces if "10GbE" in i.name)
    bench.cable(("r760", port), ("leaf", "swp1"))
    assert [f.objects[0] for f in bench.findings("CAB-016")] == ["cb-1"]
    check_engine_agrees(bench.doc, bench.doc.check_engine)


def test_a_kept_table_of_part_draws_follows_the_modules_installed(r760xs):
    """A check pass keeps each part's draw (`device_draw(..., part_draws)`): a device whose modules
    change has another fitted part, so the kept draw is not the one read before."""
    part, psu, _ = r760xs
    b = _bench(part)
    kept: dict = {}
    assert device_draw(b.design, b.design.devices["r760"], part_draws=kept).basis == "no power inlet"
    for bay in ("PSU-1", "PSU-2"):
        b.doc.execute(InstallModule("r760", bay, psu))
    fitted = device_draw(b.design, b.design.devices["r760"], part_draws=kept)
    assert fitted == device_draw(b.design, b.design.devices["r760"])
    assert (fitted.max_w, fitted.derived) == (750, True) and len(kept) == 2
