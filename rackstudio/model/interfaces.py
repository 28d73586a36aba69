"""Qt-free. What a NetBox interface type says about the link it can make: speed, lane rate
(modulation class) and cage; how far each cable family reaches at a lane rate, and which family
a link of a given length takes.

Sources: engineering.md 4.1 (reach by lane rate: [NV-FAQ], [NV-MCP7Y60], [NV-MFS1S50], [NV-LINKX-100G],
[NV-CABLE-NDR], [NV-STRUCT], [NV-LINKX-XDR], [TIAFOTC-*]) and 4.2 (cages and NetBox vocabulary).
`400gbase-x-osfp` is read as NDR-class 4 × 100G-PAM4, the way the device-type library models
NVIDIA switch and ConnectX-7 ports [RK-3287]; generic 8 × 50G OSFP optics would be 50G-PAM4.
"""
from __future__ import annotations

from dataclasses import dataclass

NRZ_25G = "25G-NRZ"
PAM4_50G = "50G-PAM4"
PAM4_100G = "100G-PAM4"
PAM4_200G = "200G-PAM4"
PAM4_CLASSES = (PAM4_50G, PAM4_100G, PAM4_200G)
BASE_T = "BASE-T"


@dataclass(frozen=True)
class InterfaceClass:
    speed_gbps: float
    lane_class: str | None  # None: no reach data (1G/10G optics and the like)
    cage: str | None  # RJ45, SFP28, QSFP28, QSFP56, QSFP-DD, QSFP112, OSFP, OSFP-RHS; None if unknown


_TYPES: dict[str, InterfaceClass] = {
    "100base-tx": InterfaceClass(0.1, BASE_T, "RJ45"),
    "1000base-t": InterfaceClass(1, BASE_T, "RJ45"),
    "2.5gbase-t": InterfaceClass(2.5, BASE_T, "RJ45"),
    "5gbase-t": InterfaceClass(5, BASE_T, "RJ45"),
    "10gbase-t": InterfaceClass(10, BASE_T, "RJ45"),
    "1000base-x-sfp": InterfaceClass(1, None, "SFP"),
    "10gbase-x-sfpp": InterfaceClass(10, None, "SFP+"),
    "40gbase-x-qsfpp": InterfaceClass(40, None, "QSFP+"),
    "25gbase-x-sfp28": InterfaceClass(25, NRZ_25G, "SFP28"),
    "100gbase-x-qsfp28": InterfaceClass(100, NRZ_25G, "QSFP28"),
    "50gbase-x-sfp56": InterfaceClass(50, PAM4_50G, "SFP56"),
    "200gbase-x-qsfp56": InterfaceClass(200, PAM4_50G, "QSFP56"),
    "200gbase-x-qsfpdd": InterfaceClass(200, PAM4_50G, "QSFP-DD"),
    "400gbase-x-qsfpdd": InterfaceClass(400, PAM4_50G, "QSFP-DD"),
    "400gbase-x-osfp": InterfaceClass(400, PAM4_100G, "OSFP"),
    "400gbase-x-osfp-rhs": InterfaceClass(400, PAM4_100G, "OSFP-RHS"),
    "400gbase-x-qsfp112": InterfaceClass(400, PAM4_100G, "QSFP112"),
    "800gbase-x-osfp": InterfaceClass(800, PAM4_100G, "OSFP"),
    "800gbase-x-qsfpdd": InterfaceClass(800, PAM4_100G, "QSFP-DD"),
    "infiniband-edr": InterfaceClass(100, NRZ_25G, None),
    "infiniband-hdr": InterfaceClass(200, PAM4_50G, None),
    "infiniband-ndr": InterfaceClass(400, PAM4_100G, None),
    "infiniband-ndr-4x": InterfaceClass(400, PAM4_100G, None),
    "infiniband-xdr": InterfaceClass(800, PAM4_200G, None),
    "infiniband-xdr-4x": InterfaceClass(800, PAM4_200G, None),
}

PLUGGABLE = frozenset({"SFP", "SFP+", "SFP28", "SFP56", "QSFP+", "QSFP28", "QSFP56", "QSFP-DD", "QSFP112",
                       "OSFP", "OSFP-RHS"})
# Cages no BASE-T (RJ45) module exists for: a cat6 cable cannot reach them.
NO_COPPER_RJ45 = PLUGGABLE - {"SFP", "SFP+"}

FIXED_END_MEDIA = ("dac", "acc", "aec", "aoc")
OPTICAL_MEDIA = ("aoc", "mmf", "smf")

# Reach in metres by (lane class, media); 0 = not offered at that lane rate (engineering.md 4.1).
REACH_M: dict[str, dict[str, float]] = {
    NRZ_25G: {"dac": 5, "aoc": 100, "mmf": 100, "smf": 10_000},
    PAM4_50G: {"dac": 2, "aoc": 100, "mmf": 100, "smf": 10_000},
    PAM4_100G: {"dac": 3, "acc": 5, "aoc": 0, "mmf": 50, "smf": 2_000},
    PAM4_200G: {"dac": 0, "aec": 3, "aoc": 0, "mmf": 0, "smf": 500},
}
REACH_SOURCE = {
    NRZ_25G: "[NV-FAQ]",
    PAM4_50G: "[NV-MCP7Y60], [NV-FAQ], [TIAFOTC-SR8], [TIAFOTC-LR8]",
    PAM4_100G: "[NV-LINKX-100G], [NV-CABLE-NDR], [NV-STRUCT]",
    PAM4_200G: "[NV-LINKX-XDR]; AEC 3 m third-party [ANDY-CX8] (S)",
}
LANE_NAMES = {NRZ_25G: "25G-NRZ (100GbE/EDR)", PAM4_50G: "50G-PAM4 (HDR/200-400GbE)",
              PAM4_100G: "100G-PAM4 (NDR/400-800GbE)", PAM4_200G: "200G-PAM4 (XDR)"}

# Minimum bend radius by cable family, mm: QSFP cable 55 mm, fibre 31.75 mm, Cat5e/power cords
# 25.4 mm [ORA-EXA]; InfiniBand copper 127 mm, optical 85 mm [ORA-IB] (engineering.md 4.4).
BEND_RADIUS_MM = {"dac": 55.0, "acc": 55.0, "aec": 55.0, "aoc": 31.75, "mmf": 31.75, "smf": 31.75,
                  "cat6": 25.4, "power": 25.4}
BEND_RADIUS_IB_MM = {"dac": 127.0, "acc": 127.0, "aec": 127.0, "aoc": 85.0, "mmf": 85.0, "smf": 85.0}


def classify(interface_type: str | None) -> InterfaceClass | None:
    return _TYPES.get((interface_type or "").strip().lower())


def reach_m(lane_class: str | None, media: str | None) -> float | None:
    """Reach of `media` at `lane_class` in metres; 0 when not offered; None when unknown."""
    if lane_class is None or media is None:
        return None
    return REACH_M.get(lane_class, {}).get(media.lower())


def bend_radius_mm(media: str | None, infiniband: bool) -> float | None:
    media = (media or "").lower()
    if infiniband and media in BEND_RADIUS_IB_MM:
        return BEND_RADIUS_IB_MM[media]
    return BEND_RADIUS_MM.get(media)


def link_lane_class(classes: list[InterfaceClass | None] | tuple[InterfaceClass | None, ...]) -> str | None:
    """The lane class a link must carry: the faster end's when the ends differ (CAB-004 reports
    that); BASE-T when both ends are copper RJ45; None when no end says."""
    order = (NRZ_25G, *PAM4_CLASSES)
    known = [c.lane_class for c in classes if c is not None and c.lane_class in order]
    if known:
        return max(known, key=order.index)
    if classes and all(c is not None and c.lane_class == BASE_T for c in classes):
        return BASE_T
    return None


# The order a link's cable family is chosen in (engineering.md 4.1, 4.5): passive copper, then
# active copper, then optics (AOC, multimode, single-mode) — the cheapest family that reaches.
MEDIA_PREFERENCE = ("dac", "acc", "aec", "aoc", "mmf", "smf")


def choose_media(lane_class: str | None, length_m: float | None, dac_margin: float) -> str | None:
    """The cable family for a link at `lane_class` of `length_m`: a DAC only up to `dac_margin` of
    its reach (CAB-002), any other family up to its reach (CAB-001); families not offered at the
    lane rate (reach 0: no DAC, AOC or multimode at XDR) are skipped. BASE-T links take cat6.
    None when the lane rate has no reach data or nothing reaches."""
    if lane_class == BASE_T:
        return "cat6"
    table = REACH_M.get(lane_class or "")
    if table is None:
        return None
    length = length_m if length_m is not None else 0.0
    for media in MEDIA_PREFERENCE:
        reach = table.get(media, 0)
        limit = reach * dac_margin if media == "dac" else reach
        if reach and length <= limit:
            return media
    return None
