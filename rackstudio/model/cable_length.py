"""Qt-free. How long a cable between two ports is, from the geometry of its ends, and the length it
is bought in.

The estimate is engineering.md 4.5's overhead-tray model (a project design, U): the checks use it
for cables without a length, the commands store it on every cable they make (marked estimated),
and the reports round it up to the family's purchasable lengths.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from rackstudio.model import geometry
from rackstudio.model.design import Connection, Design, PortRef

# Lateral run from a port to the rack's cable channel: half the internal width, ~240 mm for
# 19-inch (engineering.md 4.5, U); half of the 537 mm OCP bay for 21-inch.
SIDE_CHANNEL_MM = {"19in": 240.0, "21in": 268.5}


def port_height_mm(design: Design, device_id: str) -> tuple[str, float | None] | None:
    """(rack, height of the device's middle above the bottom of U1 in mm) of the rack device holding
    a port (a child in a bay uses its chassis): (U − 1 + h/2) × unit (engineering.md 5.1). A 0U
    side-mounted device (vertical PDU, manifold) runs the rack's height: its height is None, meaning
    level with whatever it is cabled to. None when the device is not in a rack."""
    device = geometry.mounted_root(design, device_id)  # bounded: never loops on a parent cycle
    if device is None or device.rack is None or device.rack not in design.racks:
        return None
    if device.position is None:
        return device.rack, None
    rt = design.rack_type_of(design.racks[device.rack])
    height = geometry.height_in_rack(design.part_of(device), rt)
    return device.rack, (device.position - 1 + height / 2) * rt.unit_mm


def estimate_length_m(design: Design, a: PortRef, b: PortRef) -> float | None:
    """Cable length between two ports (engineering.md 4.5): overhead tray runs V = (rack top − port
    height) + tray drop at each end, H = Manhattan distance between the racks' centres, S = half the
    rack width at each end, slack = max(k_min, k_pct × (V_a + H + V_b)); same rack: |Δheight| +
    S_a + S_b + slack. None when an end is not in a rack (a feed, floor equipment)."""
    ends = port_height_mm(design, a.owner), port_height_mm(design, b.owner)
    if ends[0] is None or ends[1] is None:
        return None
    s = design.settings
    (rack_a, h_a), (rack_b, h_b) = ends
    ra, rb = design.racks[rack_a], design.racks[rack_b]
    ta, tb = design.rack_type_of(ra), design.rack_type_of(rb)
    sides = SIDE_CHANNEL_MM[ta.width_class] + SIDE_CHANNEL_MM[tb.width_class]
    if rack_a == rack_b:
        run = abs(h_a - h_b) if h_a is not None and h_b is not None else 0.0
    else:
        top_a, top_b = ta.u_height * ta.unit_mm, tb.u_height * tb.unit_mm
        h_a = top_a / 2 if h_a is None else h_a
        h_b = top_b / 2 if h_b is None else h_b
        box_a, box_b = geometry.rack_footprint(design, ra), geometry.rack_footprint(design, rb)
        horizontal = (abs((box_a[0] + box_a[2]) - (box_b[0] + box_b[2])) / 2
                      + abs((box_a[1] + box_a[3]) - (box_b[1] + box_b[3])) / 2)
        run = (top_a - h_a + s.tray_drop_mm) + horizontal + (top_b - h_b + s.tray_drop_mm)
    slack = max(s.cable_slack_min_m * 1000, s.cable_slack_pct * run)
    return round((run + sides + slack) / 1000, 2)


def estimated(design: Design, conn: Connection, length_m: float | None = None) -> Connection:
    """`conn` with the estimate for its ends, marked estimated, when it is given no length or the
    estimate as a dialog shows it (to 0.1 m); else with the length given, which is kept."""
    estimate = estimate_length_m(design, conn.a, conn.b)
    if length_m is not None:
        if estimate is not None and abs(length_m - estimate) <= 0.05 + 1e-9:
            return conn.model_copy(update={"length_m": estimate, "length_estimated": True})
        return conn.model_copy(update={"length_m": length_m, "length_estimated": None})
    if estimate is None:
        return conn.model_copy(update={"length_m": None, "length_estimated": None})
    return conn.model_copy(update={"length_m": estimate, "length_estimated": True})


def relengthed(design: Design, owners: Iterable[str]) -> list[tuple[Connection, Connection]]:
    """(old, new) for every cable of `owners` whose estimated length no longer matches the places
    of its ends (after a move); typed lengths are left alone."""
    out = []
    seen: set[str] = set()
    for owner in owners:
        for conn_id in sorted(design.connections_of(owner)):
            conn = design.connections.get(conn_id)
            if conn is None or conn_id in seen or not conn.length_estimated:
                continue
            seen.add(conn_id)
            new = estimated(design, conn)
            if new.length_m != conn.length_m or new.length_estimated != conn.length_estimated:
                out.append((conn, new))
    return out


def estimate_missing_lengths(design: Design) -> None:
    """Give every cable without a length its estimate, marked estimated (a file from before
    estimates were stored; not an edit)."""
    for conn in list(design.connections.values()):
        if conn.length_m is None:
            new = estimated(design, conn)
            if new.length_m is not None:
                design.put("connections", new)


# Purchasable lengths by cable family, m (engineering.md 4.5 "ordered length = smallest catalogue
# length ≥ L"). Longer than a family's longest listed length, a cable is ordered to length (fibre
# trunks and patch cords are made to order): the next whole metre (U).
LENGTH_SERIES_M: dict[str, tuple[float, ...]] = {
    "dac": (1.0, 1.5, 2.0, 3.0),
    "acc": (3.0, 4.0, 5.0),
    "aec": (3.0,),
    "aoc": (3.0, 5.0, 10.0, 15.0, 20.0, 30.0),
}
LENGTH_SERIES_SOURCE = {
    "dac": "[NV-MCP7Y60] P: HDR splitter DACs 1, 1.5, 2 m; [NV-LINKX-100G] P: NDR DACs to 3 m",
    "acc": "[NV-LINKX-100G] P: LACC 3, 4, 5 m",
    "aec": "[ANDY-CX8] S: XDR AEC to 3 m",
    "aoc": "[NV-MFS1S50] P: 200GbE AOC 3, 5, 10, 15, 20, 30 m",
    "made to order": "U: next whole metre (fibre, cat6, power cords, and any family past its longest listed length)",
}


def purchasable_length_m(media: str | None, length_m: float) -> float:
    """The length a cable of `media` is bought in for a run of `length_m`: the smallest listed
    length ≥ the run, else the next whole metre."""
    for listed in LENGTH_SERIES_M.get((media or "").lower(), ()):
        if listed >= length_m - 1e-9:
            return listed
    return float(max(1, math.ceil(length_m - 1e-9)))


__all__ = ["LENGTH_SERIES_M", "LENGTH_SERIES_SOURCE", "SIDE_CHANNEL_MM", "estimate_length_m",
           "estimate_missing_lengths", "estimated", "port_height_mm", "purchasable_length_m", "relengthed"]
