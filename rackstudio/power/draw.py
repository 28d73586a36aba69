"""Qt-free. How much a device draws: one place for the fallbacks every figure goes through.

Checks use the allocated draw (the budget an operator commits); a worst-case run uses the
maximum (engineering.md 2.6). Figures come, in order, from the device's own allocation, the part's
RackStudio power figures, NetBox's per-port `allocated_draw`, then a bound derived from the per-PSU
`maximum_draw` and the PSU redundancy (`derived`, flagged). A powered device with none of these is
unknown, never 0 W: its PSU modules are not installed, or its file gives no draw (PWR-016).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rackstudio.model import optics
from rackstudio.model.design import Design, Device
from rackstudio.model.parts import Category, PartType, PowerPortTemplate

# Infrastructure that passes power on (its own losses are ignored): its draw figures describe what
# flows through it, so counting them would count the load twice (engineering.md 2.8).
PASS_THROUGH = frozenset({Category.PDU, Category.POWER_SHELF, Category.UPS})
# Parts that are unpowered by nature: is_powered false is expected of them, and a part of these
# with no power port draws nothing.
PASSIVE_CATEGORIES = frozenset({Category.BLANK, Category.PATCH_PANEL, Category.CABLE_MANAGER,
                                Category.MANIFOLD})


@dataclass(frozen=True)
class DeviceDraw:
    max_w: float
    allocated_w: float
    known: bool  # False when the part gives no figure at all (PWR-016, LIB-001)
    basis: str  # where the figures came from
    derived: bool = False  # True: a bound from PSU ratings and redundancy, not a stated draw


def port_draw(ports: Iterable[PowerPortTemplate]) -> tuple[float, float]:
    """(maximum, allocated) W from NetBox's per-port `maximum_draw` / `allocated_draw`, summed."""
    ports = list(ports)
    return sum(p.maximum_draw or 0 for p in ports), sum(p.allocated_draw or 0 for p in ports)


def redundant_psus(part: PartType, count: int) -> int:
    """N of a part's N+M PSU policy: the policy's N when the part states one, else half its PSUs
    rounded up (N+N, the common server and switch arrangement; one PSU is 1+0). engineering.md 2.6."""
    policy = part.rackstudio.power.psu_redundancy
    if policy is not None:
        return min(policy.n, count)
    return max(1, math.ceil(count / 2))


def derived_draw(part: PartType, ratings: list[float]) -> DeviceDraw:
    """The draw bound when NetBox gives each PSU's `maximum_draw` and no `allocated_draw`: each
    figure is what one PSU may carry, and the device draws at most what its N working PSUs deliver
    (the N smallest ratings). Summing every PSU would count the redundant ones as load (a 1+1 server
    read as twice its draw). engineering.md 2.6."""
    n = redundant_psus(part, len(ratings))
    bound = sum(sorted(ratings)[:n])
    return DeviceDraw(bound, bound, True, f"derived: {n} of {len(ratings)} PSUs × their maximum_draw", True)


def part_draw(part: PartType) -> DeviceDraw:
    power = part.rackstudio.power
    if power.source == "none" or not part.is_powered and power.max_w is None:
        return DeviceDraw(0.0, 0.0, True, "not powered")
    ports = part.power_ports
    port_max, port_alloc = port_draw(ports)
    if power.max_w is not None or power.allocated_w is not None:
        max_w = power.max_w if power.max_w is not None else power.allocated_w
        alloc = power.allocated_w if power.allocated_w is not None else max_w
        return DeviceDraw(max_w, alloc, True, "part figures")
    if port_alloc:
        # NetBox: allocated per port is the share it carries; maximum per port is the PSU's limit
        return DeviceDraw(port_max or port_alloc, port_alloc, True, "NetBox port draw")
    if port_max:
        return derived_draw(part, [p.maximum_draw for p in ports if p.maximum_draw])
    if ports or power.source == "busbar":
        return DeviceDraw(0.0, 0.0, False, "no figures")
    # No inlet at all: a child draws through its parent and passive gear draws nothing; active gear
    # (ports or bays) takes its power through PSU modules not installed yet, or the file omits it.
    active = bool(part.interfaces or part.module_bays or part.device_bays or part.console_ports)
    known = not active or part.subdevice_role == "child" or part.category in PASSIVE_CATEGORIES | PASS_THROUGH
    return DeviceDraw(0.0, 0.0, known, "not drawn" if known else "no power inlet")


def listed_max_w(part: PartType) -> float | None:
    """The maximum draw a parts list shows for a part; None when it is not powered or gives no
    figure."""
    draw = part_draw(part)
    return draw.max_w if draw.known and draw.basis not in ("not powered", "no figures", "not drawn") else None


def device_draw(design: Design, device: Device, optics_w: Callable[[], float] | None = None,
                part_draws: dict[int, tuple[PartType, DeviceDraw]] | None = None) -> DeviceDraw:
    """The part's draw (or the device's own allocation), plus the optics in its cages unless the
    part's figures already count them (engineering.md 4.2); `optics_w` gives their W when the
    caller keeps them (the checks do, across edits); `part_draws` keeps each part's draw for a
    caller that asks for many devices of a few parts (a check pass: 35,000 devices, 40 parts)."""
    part = design.part_of(device)
    if part_draws is None:
        draw = part_draw(part)
    else:
        kept = part_draws.get(id(part))
        if kept is None or kept[0] is not part:
            kept = part_draws[id(part)] = (part, part_draw(part))
        draw = kept[1]
    if device.allocated_w is not None:
        draw = DeviceDraw(max(draw.max_w, device.allocated_w), device.allocated_w, True, "device allocation")
    if part.rackstudio.power.includes_optics or not design.connections_of(device.id):
        return draw
    extra = optics_w() if optics_w is not None else optics.device_optics_w(design, device.id)
    if not extra:
        return draw
    return DeviceDraw(draw.max_w + extra, draw.allocated_w + extra, draw.known, f"{draw.basis} + optics", draw.derived)


def psu_rating_w(part: PartType) -> float | None:
    """One PSU's rating: the part's psu_rating_w, else the power ports' common maximum_draw."""
    if part.rackstudio.power.psu_rating_w is not None:
        return part.rackstudio.power.psu_rating_w
    ratings = {p.maximum_draw for p in part.power_ports}
    if len(ratings) == 1 and None not in ratings:
        return ratings.pop()
    return None
