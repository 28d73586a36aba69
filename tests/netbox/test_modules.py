"""Modules, device bays and tags across the NetBox bridge, against a real NetBox 4.7 (`make
test-netbox`): a design with PSU and NIC modules in a server's module bays and a compute module in
a frame's device bay (tests/netbox/designs.py) is published into an empty site, where NetBox makes
the modules' ports and the cables end on them; it comes back equal from a pull, a second push
changes nothing, a module swapped for another type is replaced with its cables, and NetBox's tags
are listed by a pull and left in place by a push."""
from __future__ import annotations

import time

import pytest

from rackstudio.commands import Connect, InstallModule, RemoveModule
from rackstudio.document import Document
from rackstudio.io import load, save
from rackstudio.library import load_module_type
from rackstudio.model import PortRef
from rackstudio.netbox.compare import round_trip
from rackstudio.netbox.power import inlet_draws
from rackstudio.netbox.pull import pull
from rackstudio.netbox.push import push
from rackstudio.netbox.session import open_server
from tests.conftest import NETBOX_DATA
from tests.netbox.conftest import cli, record_time
from tests.netbox.designs import NIC_BAY, NIC_PORT, modules_design

pytestmark = pytest.mark.timeout(1800)


def _changed(plan) -> dict[str, tuple[int, int, int, int]]:
    return {s.kind: (len(s.create), len(s.update), len(s.replace), len(s.delete)) for s in plan.steps if s.changes}


def test_modules_and_a_child_device_round_trip_and_a_second_push_changes_nothing(netbox, tmp_path):
    design = modules_design()
    path = tmp_path / "modules.rackstudio"
    save(design, path, backup=False)
    start = time.perf_counter()
    done = cli("push", str(path), "--url", netbox.url, "--site", "mods")
    record_time("push modules design (CLI)", time.perf_counter() - start)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "modules: 3 create" in done.stdout and "device bays: 0 create, 1 update" in done.stdout, done.stdout
    assert "not held" not in done.stdout, done.stdout

    # NetBox made the modules' components on the server, named after the bays, and the cables end on them
    api = open_server(netbox.url).api
    site = api.dcim.sites.get(slug="mods")
    server = api.dcim.devices.get(site_id=site.id, name="srv-r760")
    modules = {m.module_bay.name: m.module_type.model for m in api.dcim.modules.filter(device_id=server.id)}
    assert modules == {"PSU-1": "D750E-S6", "PSU-2": "D750E-S6", NIC_BAY: "NHN45"}
    inlets = {p.name: (p.module is not None, p.allocated_draw, p.cable is not None)
              for p in api.dcim.power_ports.filter(device_id=server.id)}
    assert inlets == {"PSU-1": (True, 375, True), "PSU-2": (True, 375, True)}
    nic = api.dcim.interfaces.get(device_id=server.id, name=NIC_PORT)
    assert nic.module is not None and nic.module.id == next(
        m.id for m in api.dcim.modules.filter(device_id=server.id) if m.module_bay.name == NIC_BAY)
    leaf_port = api.dcim.interfaces.get(site_id=site.id, device="leaf-1", name="Ethernet 1/1/1")
    assert nic.cable is not None and leaf_port.cable is not None and nic.cable.id == leaf_port.cable.id
    blade = api.dcim.devices.get(site_id=site.id, name="blade-1")
    assert (blade.parent_device.name, blade.parent_device.device_bay.name) == ("frame-1", "Device Bay 1")
    assert blade.position is None and blade.rack.name == "R1"  # NetBox files a child under its parent's rack

    start = time.perf_counter()
    plan, result = push(open_server(netbox.url), design, "mods")
    record_time("second push modules (none)", time.perf_counter() - start)
    assert result is None and plan.changes == 0, plan.lines()

    out = tmp_path / "pulled.rackstudio"
    start = time.perf_counter()
    done = cli("pull", "--url", netbox.url, "--site", "mods", "-o", str(out))
    record_time("pull modules design (CLI)", time.perf_counter() - start)
    assert done.returncode == 0, done.stdout + done.stderr
    pulled = load(out).design
    assert round_trip(design, pulled, "mods") == ([], [])
    assert pulled.devices["r760"].modules == {"PSU-1": "dell-d750e-s6", "PSU-2": "dell-d750e-s6",
                                              NIC_BAY: "dell-nhn45"}
    assert (pulled.devices["blade-1"].parent, pulled.devices["blade-1"].bay) == ("frame", "Device Bay 1")
    done = cli("push", str(out), "--url", netbox.url, "--site", "mods", "--dry-run")  # the pulled file, planned back
    assert done.returncode == 0 and "modules: 0 create, 0 update, 3 unchanged" in done.stdout, done.stdout


def test_a_module_swapped_for_another_type_is_replaced_with_its_cables(netbox):
    """NetBox makes a module's components only when the module is created: a PSU module of another
    type is deleted and made again (with its new port, PSU{module} -> PSUPSU-2), and the cord that
    ended on the old port goes with it, so the design's cord on the new port is written."""
    server = open_server(netbox.url)
    assert push(server, modules_design(), "mods")[1].complete
    doc = Document(modules_design())
    doc.execute(RemoveModule("r760", "PSU-2"))
    doc.execute(InstallModule("r760", "PSU-2", load_module_type(NETBOX_DATA / "module-types/Dell/H700E-S1.yaml").part))
    doc.execute(Connect("power", PortRef(owner="r760", port="PSUPSU-2"), PortRef(owner="feed-b", port="")))
    design = doc.design
    plan, result = push(open_server(netbox.url), design, "mods")
    changed = _changed(plan)
    assert changed["modules"] == (0, 0, 1, 0) and changed["module types"] == (1, 0, 0, 0), plan.lines()
    assert result.complete, result.lines()
    api = server.api
    inlets = {p.name: (p.allocated_draw, p.cable is not None) for p in
              api.dcim.power_ports.filter(site="mods", device="srv-r760")}
    draws = inlet_draws(design)
    assert inlets == {"PSU-1": (draws[("r760", "PSU-1")], True), "PSUPSU-2": (draws[("r760", "PSUPSU-2")], True)}
    assert push(open_server(netbox.url), design, "mods")[0].changes == 0
    pulled, _ = pull(open_server(netbox.url), "mods")
    assert round_trip(design, pulled, "mods")[0] == []


def test_netbox_tags_are_listed_by_a_pull_and_left_alone_by_a_push(netbox):
    design = modules_design()
    assert push(open_server(netbox.url), design, "mods")[1].complete
    api = open_server(netbox.url).api
    tags = [api.extras.tags.create(name=name, slug=name.lower()) for name in ("PCI", "Gold")]
    site = api.dcim.sites.get(slug="mods")
    server = api.dcim.devices.get(site_id=site.id, name="srv-r760")
    tagged = [site, api.dcim.racks.get(site_id=site.id, name="R1"), server,
              next(m for m in api.dcim.modules.filter(device_id=server.id) if m.module_bay.name == "PSU-1"),
              api.dcim.cables.get(cf_rackstudio_id="cb-nic")]
    for obj in tagged:
        obj.tags = [t.id for t in tags]
        obj.save()
    rack = design.racks["rk-1"]
    design.put("racks", rack.model_copy(update={"x_mm": rack.x_mm + 600}))
    design.put("devices", design.devices["r760"].model_copy(update={"description": "moved"}))
    plan, result = push(open_server(netbox.url), design, "mods")
    assert _changed(plan) == {"racks": (0, 1, 0, 0), "devices": (0, 1, 0, 0)}, plan.lines()
    assert result.complete
    for obj in tagged:
        obj.full_details()
        assert sorted(t.name for t in obj.tags) == ["Gold", "PCI"], obj
    pulled, report = pull(open_server(netbox.url), "mods")
    kept = "not in the design (RackStudio has no tags; a push leaves them)"
    assert [n for n in report.notes if "tags" in n] == [
        f"NetBox tags on sites, {kept}: mods (Gold, PCI)", f"NetBox tags on racks, {kept}: R1 (Gold, PCI)",
        f"NetBox tags on devices, {kept}: srv-r760 (Gold, PCI)",
        f"NetBox tags on modules, {kept}: srv-r760 PSU-1 (Gold, PCI)",
        f"NetBox tags on cables, {kept}: srv-r760:{NIC_PORT} / leaf-1:Ethernet 1/1/1 (Gold, PCI)"]
    assert round_trip(design, pulled, "mods")[0] == []
