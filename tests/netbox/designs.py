"""A small design with what the example pod has none of, for the NetBox bridge's tests: modules in
bays and a device in a parent's device bay, built from the real NetBox device-type library files
with RackStudio's own commands.

A Dell PowerEdge R760xs with two D750E-S6 PSU modules (their power ports are named after the bay,
`{module}`) cabled to feeds A and B, and a Broadcom 2x25G OCP 3.0 NIC module (NHN45) whose first
port is cabled to a Dell S5248F-ON leaf; an HPE Synergy 12000 frame holding a Synergy 480 Gen10
Plus compute module in device bay 1.
"""
from __future__ import annotations

from rackstudio.commands import InstallModule, PlaceDevice
from rackstudio.library import load_device_type, load_module_type
from rackstudio.model import Design
from tests.conftest import DATA, NETBOX_DATA
from tests.core.check_builders import Bench

LIBRARY = DATA / "devicetype-library" / "nautobot"
NIC_BAY = "NUMA 0 - OCP slot 1"   # position OCP-1: the NIC's '{module}-25GbE-0' is OCP-1-25GbE-0
NIC_PORT = "OCP-1-25GbE-0"


def _part(path):
    loaded = load_device_type(path)
    assert loaded.part is not None, loaded.error
    return loaded.part


def _module(path):
    loaded = load_module_type(path)
    assert loaded.part is not None, loaded.error
    return loaded.part


def modules_design() -> Design:
    b = Bench()
    b.rack()
    b.place(_part(NETBOX_DATA / "device-types/Dell/PowerEdge-R760xs.yaml"), "r760", position=10, name="srv-r760")
    b.place(_part(NETBOX_DATA / "device-types/Dell/Networking_s5248f-on-os10.yaml"), "leaf", position=40,
            name="leaf-1")
    b.place(_part(LIBRARY / "device-types/HPE/Synergy-12000-Frame.yaml"), "frame", position=20, name="frame-1")
    b.doc.execute(PlaceDevice(_part(LIBRARY / "device-types/HPE/Synergy-480-Gen10-Plus.yaml"), name="blade-1",
                              device_id="blade-1", parent="frame", bay="Device Bay 1"))
    psu = _module(NETBOX_DATA / "module-types/Dell/D750E-S6.yaml")
    for bay in ("PSU-1", "PSU-2"):
        b.doc.execute(InstallModule("r760", bay, psu))
    b.doc.execute(InstallModule("r760", NIC_BAY, _module(LIBRARY / "module-types/Dell/NHN45.yaml")))
    b.power("r760", "PSU-1", "feed-a")
    b.power("r760", "PSU-2", "feed-b")
    b.cable(("r760", NIC_PORT), ("leaf", "Ethernet 1/1/1"), media="dac", length_m=2.0, conn_id="cb-nic")
    return b.design
