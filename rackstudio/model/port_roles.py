"""Qt-free. What a network port is for, and whether two ports can make a link.

A port's role comes from its interface type and speed and NetBox's `mgmt_only` flag:
- "bmc": a baseboard management controller (BMC/IPMI/iDRAC/iLO/XCC) port;
- "mgmt": any other management-only port (a switch's or PDU's own mgmt0), and copper BASE-T
  ports that are not management-only — the access ports of a management switch (and a server's
  1G/10G RJ45 LAN ports, which sit on the management network in an AI hall);
- "data": everything else (the pluggable 25-800G fabric ports).
A port that is its device's own management port (`mgmt_only`, or a BMC) connects to a management
switch's access port, never to another device's own management port nor to a data port.
"""
from __future__ import annotations

import re
from typing import Literal

from rackstudio.model import interfaces as ifc
from rackstudio.model.design import Design, PortRef
from rackstudio.model.parts import InterfaceTemplate, PartType

Role = Literal["data", "mgmt", "bmc"]

_BMC_NAME = re.compile(r"bmc|ipmi|idrac|\bilo|xcc|\bimm\b", re.I)
# Pluggable cages a BASE-T copper module exists for (engineering.md 4.2; checks.cabling CAB-003).
_RJ45_MODULE_CAGES = ifc.PLUGGABLE - ifc.NO_COPPER_RJ45


def _is_bmc(interface: InterfaceTemplate) -> bool:
    return bool(_BMC_NAME.search(interface.name) or _BMC_NAME.search(interface.label or ""))


def port_role(part: PartType, interface: InterfaceTemplate) -> Role:
    """The role of one interface of `part` ("data", "mgmt" or "bmc"); see the module docstring."""
    if _is_bmc(interface):
        return "bmc"
    if interface.mgmt_only:
        return "mgmt"
    cls = ifc.classify(interface.type)
    if cls is not None and cls.lane_class == ifc.BASE_T:
        return "mgmt"
    return "data"


def own_management(interface: InterfaceTemplate) -> bool:
    """Whether the port is its device's own management port (mgmt_only or a BMC): it is cabled to a
    management switch's access port and is never the target of another device's port."""
    return interface.mgmt_only or _is_bmc(interface)


def management_access_ports(part: PartType) -> list[str]:
    """The ports of a management switch that other devices' management and BMC ports plug into:
    its management-role ports that are not its own mgmt port, in template order."""
    return [i.name for i in part.interfaces if not own_management(i) and port_role(part, i) == "mgmt"]


def describe(interface: InterfaceTemplate) -> str:
    """'400G OSFP', '1G RJ45', or the NetBox type when it is not one RackStudio classifies."""
    cls = ifc.classify(interface.type)
    if cls is None:
        return interface.type
    cage = f" {cls.cage}" if cls.cage else ""
    return f"{cls.speed_gbps:g}G{cage}"


def _class_problem(a: InterfaceTemplate, b: InterfaceTemplate) -> str | None:
    """Why the two ports' speeds or cages cannot meet on one cable (engineering.md 4.2), or None."""
    ca, cb = ifc.classify(a.type), ifc.classify(b.type)
    if ca is None or cb is None:
        return None  # an unclassified type: nothing to compare
    base_t = (ca.lane_class == ifc.BASE_T, cb.lane_class == ifc.BASE_T)
    if all(base_t):
        return None  # BASE-T ends negotiate a common speed
    if any(base_t):
        other = cb if base_t[0] else ca
        if other.cage in _RJ45_MODULE_CAGES:
            return None  # a BASE-T module in the SFP/SFP+ cage
        return f"an RJ45 port cannot reach a {other.cage or other.speed_gbps} port ({describe(a)} ↔ {describe(b)})"
    if ca.lane_class is not None and cb.lane_class is not None:
        if ca.lane_class != cb.lane_class:
            return (f"lane rates differ: {ifc.LANE_NAMES.get(ca.lane_class, ca.lane_class)} and "
                    f"{ifc.LANE_NAMES.get(cb.lane_class, cb.lane_class)}")
        return None
    if ca.speed_gbps != cb.speed_gbps:
        return f"speeds differ: {describe(a)} and {describe(b)}"
    return None


def role_problem(part_a: PartType, a: InterfaceTemplate, part_b: PartType, b: InterfaceTemplate) -> str | None:
    """Why the two ports' roles forbid a cable between them (CAB-016), or None: two devices' own
    management ports, or a data port and a management port."""
    if own_management(a) and own_management(b):
        return (f"{a.name} of {part_a.model} and {b.name} of {part_b.model} are both devices' own "
                "management ports: each goes to a management switch's access port")
    ra, rb = port_role(part_a, a), port_role(part_b, b)
    if (ra == "data") != (rb == "data"):
        data, mgmt = (a, b) if ra == "data" else (b, a)
        return f"{data.name} is a data port ({describe(data)}), {mgmt.name} a management port ({describe(mgmt)})"
    return None


def link_compatible(part_a: PartType, a: InterfaceTemplate, part_b: PartType,
                    b: InterfaceTemplate) -> tuple[bool, str]:
    """Whether one cable can join interface `a` of `part_a` to `b` of `part_b`: (True, what the link
    is) or (False, why not) — roles first (data to data; a management or BMC port to a
    management switch's access port), then speed and cage."""
    problem = role_problem(part_a, a, part_b, b) or _class_problem(a, b)
    if problem:
        return False, problem
    return True, f"{describe(a)} ↔ {describe(b)}"


def interface_of(design: Design, end: PortRef) -> tuple[PartType, InterfaceTemplate] | None:
    """(part, interface template) of a device's network interface, or None (a front/rear port,
    a console port, a feed, or a name the part does not have)."""
    device = design.devices.get(end.owner)
    if device is None:
        return None
    part = design.part_types.get(device.part)
    if part is None:
        return None
    for template in part.interfaces:
        if template.name == end.port:
            return part, template
    return None


def role_of(design: Design, end: PortRef) -> Role | None:
    found = interface_of(design, end)
    return port_role(*found) if found else None


def link_check(design: Design, a: PortRef, b: PortRef) -> tuple[bool, str]:
    """`link_compatible` for two ports of a design; (True, "") when an end is not an interface."""
    ia, ib = interface_of(design, a), interface_of(design, b)
    if ia is None or ib is None:
        return True, ""
    return link_compatible(*ia, *ib)


__all__ = ["Role", "describe", "interface_of", "link_check", "link_compatible", "management_access_ports",
           "own_management", "port_role", "role_of", "role_problem"]
