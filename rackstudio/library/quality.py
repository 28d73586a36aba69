"""Qt-free. Data-quality flags on library parts, and the category guess for NetBox parts.

Flags are notes returned beside a part (never stored in it): the part loads, and the parts
palette and reports show what the figures lack (engineering.md 1.7, rules LIB-001..LIB-005).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rackstudio.model.parts import Category, PartType
from rackstudio.power.draw import PASS_THROUGH, PASSIVE_CATEGORIES, part_draw
from rackstudio.power.inlets import impossible_legs, pdu_inlet

__all__ = ["PASSIVE_CATEGORIES", "Flag", "infer_category", "quality_flags"]



@dataclass(frozen=True)
class Flag:
    """A data-quality note on one file. `key` names the kind (`unknown-type`, `no-power-draw`,
    `duplicate-key`, ...) so views can group them; `message` says where and what."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def _text(part: PartType) -> str:
    """The naming fields (model, slug, part number, description): what the part says it is."""
    fields = (part.model, part.slug, part.part_number, part.description)
    return " ".join(f for f in fields if f).lower()


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}", text) for w in words)


def _named(text: str, part: PartType) -> Category | None:
    """The category a naming text states outright, if any (rules 2-5 and 8-9 below)."""
    if _has(text, "ups", "uninterruptible", "battery"):
        return Category.UPS
    if "coolant distribution" in text or _has(text, "cdu"):
        return Category.CDU
    if _has(text, "blank"):
        return Category.BLANK
    no_ports = not (part.interfaces or part.console_ports or part.console_server_ports
                    or part.power_ports or part.power_outlets or part.front_ports or part.rear_ports)
    if no_ports and not part.module_bays and ("cable manag" in text or _has(text, "manager")):
        return Category.CABLE_MANAGER
    if "patch panel" in text or "patch-panel" in text:
        return Category.PATCH_PANEL
    if _has(text, "switch"):
        return Category.SWITCH
    if "storage" in text or _has(text, "disk", "jbod", "flash ?array"):
        return Category.STORAGE
    if _has(text, "server", "dgx", "hgx"):
        return Category.SERVER
    return None


def _lead(comments: str | None) -> str:
    """The first line of a file's comments, which in the library is the product's title ("Eaton 5PX
    UPS, 3000 VA", "[HPE Alletra Storage 6000 ...]"); the rest lists options and accessories."""
    for line in (comments or "").splitlines():
        line = line.strip(" #*>'")
        if line:
            return line[:200].lower()
    return ""


def infer_category(part: PartType) -> Category:
    """Guess the RackStudio category of a NetBox part that has no `rackstudio:` block.

    Fields first, then the naming fields (model, slug, part number, description) and the title
    line of the comments, the rest of the comments last: a comment's body lists options and
    accessories ("Internal Storage: 30TB", "connection to storage") and is no evidence of what the
    part is. The first rule that matches wins:

    1. power outlets: UPS when the naming fields or the title say "UPS" or "uninterruptible", else PDU;
    2. front/rear ports without interfaces, or an unpowered part whose only components are module
       bays (fibre cassette enclosures): patch panel;
    3. console-server ports, and 8 or more console and console-server ports: other (console
       servers; a server's own USB and VGA console ports alone do not make one);
    4. the naming fields, then the title, state a category: "UPS"/"battery" → UPS; "coolant
       distribution"/"CDU" → CDU (after rule 1: some PDU makers call a rack PDU a "cabinet
       distribution unit"); "blank"; "cable manag..."/"manager" with no ports → cable manager;
       "patch panel"; "switch"; "storage", "disk", "JBOD", "flash array" → storage; "server",
       "DGX", "HGX" → server (the DGX A100's library file lists 36 switch-like interfaces);
    5. a storage maker (NetApp, or "storage" in the manufacturer's name): storage;
    6. 16 or more non-management interfaces and no device bays: switch;
    7. "fan" with no interfaces or bays: other (fan panels);
    8. power inlets and module bays but no interfaces, console or device bays: storage (a disk
       enclosure, its drive slots as module bays);
    9. any interfaces, bays, power ports or console ports: server (a child in a bay included);
    10. the body of the comments states a category as in rule 4; otherwise other.
    """
    text, lead = _text(part), _lead(part.comments)
    if part.power_outlets:
        return Category.UPS if _has(f"{text} {lead}", "ups", "uninterruptible") else Category.PDU
    no_ports = not (part.interfaces or part.console_ports or part.console_server_ports
                    or part.power_ports or part.power_outlets or part.front_ports or part.rear_ports)
    only_bays = no_ports and part.module_bays and not part.device_bays and not part.is_powered
    if only_bays or ((part.front_ports or part.rear_ports) and not part.interfaces):
        return Category.PATCH_PANEL
    if part.console_server_ports and len(part.console_server_ports) + len(part.console_ports) >= 8:
        return Category.OTHER
    named = _named(text, part) or _named(lead, part)
    if named is not None:
        return named
    maker = part.manufacturer.lower()
    if "storage" in maker or maker == "netapp":
        return Category.STORAGE
    data_ifaces = [i for i in part.interfaces if not i.mgmt_only and i.type not in ("virtual", "lag")]
    if len(data_ifaces) >= 16 and not part.device_bays:
        return Category.SWITCH
    has_parts = part.interfaces or part.device_bays or part.module_bays
    if _has(text, "fan") and not has_parts:
        return Category.OTHER
    if part.module_bays and part.power_ports and not (part.interfaces or part.device_bays or part.console_ports):
        return Category.STORAGE
    if has_parts or part.power_ports or part.console_ports:
        return Category.SERVER
    return _named((part.comments or "").lower(), part) or Category.OTHER


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
    draw = part_draw(part)
    if draw.basis == "no power inlet":
        where = ("unknown until PSU modules are installed in its module bays or a draw is given"
                 if part.module_bays else "unknown unless a draw is given")
        flags.append(Flag("no-power-inlet", f"powered, with no power port: {where}"))
    elif draw.derived and ext.category not in PASS_THROUGH:
        flags.append(Flag("derived-draw", f"no allocated_draw: draw bounded at {draw.max_w:g} W, {draw.basis[9:]} "
                                          "(engineering.md 2.6)"))
    wrong_legs = impossible_legs(part)
    if wrong_legs:
        flags.append(Flag("impossible-leg", f"{len(wrong_legs)} outlet(s) on legs a {pdu_inlet(part).phase} "
                                            f"{pdu_inlet(part).type} inlet does not have: {', '.join(wrong_legs[:4])}"
                                            + (" ..." if len(wrong_legs) > 4 else "")))
    for port in part.power_ports:
        if port.allocated_draw and port.maximum_draw and port.allocated_draw > port.maximum_draw:
            flags.append(Flag("allocated-above-maximum",
                              f"power port {port.name!r}: allocated_draw {port.allocated_draw:g} W is "
                              f"above maximum_draw {port.maximum_draw:g} W"))
    if ext.power.allocated_w and ext.power.max_w and ext.power.allocated_w > ext.power.max_w:
        flags.append(Flag("allocated-above-maximum", f"allocated {ext.power.allocated_w:g} W is above "
                                                     f"maximum {ext.power.max_w:g} W"))
    return flags
