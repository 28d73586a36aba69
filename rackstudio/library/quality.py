"""Qt-free. Data-quality flags on library parts, and the category guess for NetBox parts.

Flags are notes returned beside a part (never stored in it): the part loads, and the parts
palette and reports show what the figures lack (engineering.md 1.7, rules LIB-001..LIB-005).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rackstudio.model.parts import Category, PartType

__all__ = ["PASSIVE_CATEGORIES", "Flag", "infer_category", "quality_flags"]

# Parts that are unpowered by nature: is_powered false is expected of them, not a flag.
PASSIVE_CATEGORIES = frozenset({Category.BLANK, Category.PATCH_PANEL, Category.CABLE_MANAGER,
                                Category.MANIFOLD})


@dataclass(frozen=True)
class Flag:
    """A data-quality note on one file. `key` names the kind (`unknown-type`, `no-power-draw`,
    `duplicate-key`, ...) so views can group them; `message` says where and what."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def _text(part: PartType) -> str:
    fields = (part.model, part.slug, part.part_number, part.description, part.comments)
    return " ".join(f for f in fields if f).lower()


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}", text) for w in words)


def infer_category(part: PartType) -> Category:
    """Guess the RackStudio category of a NetBox part that has no `rackstudio:` block.

    A documented heuristic over model, slug, part number, description and comments, and the
    component templates; the first rule that matches wins:

    1. power outlets: UPS when the text says "UPS" or "uninterruptible", else PDU (PDUs, ATSes);
    2. "UPS", "uninterruptible" or "battery" without outlets: UPS (hard-wired UPS, battery packs);
    3. "coolant distribution" or the word "CDU": CDU (after rule 1, as some PDU makers call a
       rack PDU a "cabinet distribution unit");
    4. "blank": blank panel;
    5. "cable manag..." or "manager", with no ports: cable manager;
    6. "patch panel", front/rear ports without interfaces, or an unpowered part whose only
       components are module bays (fibre cassette enclosures): patch panel;
    7. 8 or more console and console-server ports: other (console servers);
    8. "switch" in the text: switch;
    9. "storage" (also in the manufacturer's name), "disk", "JBOD", "flash array", or NetApp:
       storage (before rule 10, as storage controllers carry many interfaces);
    10. 16 or more non-management interfaces and no device bays: switch;
    11. "fan" with no interfaces or bays: other (fan panels);
    12. any interfaces, bays, power ports or console ports: server; otherwise other.
    """
    text = _text(part)
    no_ports = not (part.interfaces or part.console_ports or part.console_server_ports
                    or part.power_ports or part.power_outlets or part.front_ports or part.rear_ports)
    data_ifaces = [i for i in part.interfaces if not i.mgmt_only and i.type not in ("virtual", "lag")]
    if part.power_outlets:
        return Category.UPS if _has(text, "ups", "uninterruptible") else Category.PDU
    if _has(text, "ups", "uninterruptible", "battery"):
        return Category.UPS
    if "coolant distribution" in text or _has(text, "cdu"):
        return Category.CDU
    if _has(text, "blank"):
        return Category.BLANK
    if no_ports and not part.module_bays and ("cable manag" in text or _has(text, "manager")):
        return Category.CABLE_MANAGER
    only_bays = no_ports and part.module_bays and not part.device_bays and not part.is_powered
    if ("patch panel" in text or "patch-panel" in text or only_bays
            or ((part.front_ports or part.rear_ports) and not part.interfaces)):
        return Category.PATCH_PANEL
    if len(part.console_server_ports) + len(part.console_ports) >= 8:
        return Category.OTHER
    if _has(text, "switch"):
        return Category.SWITCH
    if "storage" in f"{text} {part.manufacturer.lower()}" or _has(text, "disk", "jbod", "flash ?array") \
            or part.manufacturer.lower() == "netapp":
        return Category.STORAGE
    if len(data_ifaces) >= 16 and not part.device_bays:
        return Category.SWITCH
    has_parts = part.interfaces or part.device_bays or part.module_bays
    if _has(text, "fan") and not has_parts:
        return Category.OTHER
    if has_parts or part.power_ports or part.console_ports:
        return Category.SERVER
    return Category.OTHER


def quality_flags(part: PartType) -> list[Flag]:
    """Flags on a part's figures: 0U, not powered, no power draw (LIB-001), allocated above
    maximum (NetBox validates allocated <= maximum per port [NB-PORT])."""
    flags: list[Flag] = []
    ext = part.rackstudio
    if part.u_height == 0 and ext.footprint_mm is None:  # floor equipment is not rack-mounted
        flags.append(Flag("zero-u", "0U part: takes no rack units (side channel, bay or rack top)"))
    if not part.is_powered and ext.category not in PASSIVE_CATEGORIES:
        flags.append(Flag("not-powered", "is_powered is false: the part's power is not counted"))
    port_draw = any(p.maximum_draw or p.allocated_draw for p in part.power_ports)
    ext_draw = any(v is not None for v in (ext.power.max_w, ext.power.allocated_w, ext.power.typical_w))
    # A part with outlets (PDU, UPS) or a power shelf passes power through: NetBox sums its draw
    # from what is plugged into it when its own inlet declares none [NB-PORT].
    pass_through = bool(part.power_outlets) or ext.category == Category.POWER_SHELF
    feeds = part.power_ports or ext.power.source == "busbar"
    if part.is_powered and feeds and not (port_draw or ext_draw or pass_through):
        flags.append(Flag("no-power-draw", "no power draw: no power port declares maximum_draw or "
                                           "allocated_draw"))
    for port in part.power_ports:
        if port.allocated_draw and port.maximum_draw and port.allocated_draw > port.maximum_draw:
            flags.append(Flag("allocated-above-maximum",
                              f"power port {port.name!r}: allocated_draw {port.allocated_draw:g} W is "
                              f"above maximum_draw {port.maximum_draw:g} W"))
    if ext.power.allocated_w and ext.power.max_w and ext.power.allocated_w > ext.power.max_w:
        flags.append(Flag("allocated-above-maximum", f"allocated {ext.power.allocated_w:g} W is above "
                                                     f"maximum {ext.power.max_w:g} W"))
    return flags
