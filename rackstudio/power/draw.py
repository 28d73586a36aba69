"""Qt-free. How much a device draws: one place for the fallbacks every figure goes through.

Checks use the allocated draw (the budget an operator commits); a worst-case run uses the
maximum (engineering.md 2.6). Figures come, in order, from the device's own allocation, the part's
RackStudio power figures, then NetBox's per-port `allocated_draw` / `maximum_draw`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rackstudio.model.design import Design, Device
from rackstudio.model.parts import Category, PartType, PowerPortTemplate

# Infrastructure that passes power on (its own losses are ignored): its draw figures describe what
# flows through it, so counting them would count the load twice (engineering.md 2.8).
PASS_THROUGH = frozenset({Category.PDU, Category.POWER_SHELF, Category.UPS})


@dataclass(frozen=True)
class DeviceDraw:
    max_w: float
    allocated_w: float
    known: bool  # False when the part gives no figure at all (PWR-016, LIB-001)
    basis: str  # where the figures came from


def port_draw(ports: Iterable[PowerPortTemplate]) -> tuple[float, float]:
    """(maximum, allocated) W from NetBox's per-port `maximum_draw` / `allocated_draw`, summed."""
    ports = list(ports)
    return sum(p.maximum_draw or 0 for p in ports), sum(p.allocated_draw or 0 for p in ports)


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
    if port_alloc or port_max:
        # NetBox: allocated per port is the share it carries; maximum per port is the PSU's limit
        max_w = port_max or port_alloc
        return DeviceDraw(max_w, port_alloc or max_w, True, "NetBox port draw")
    return DeviceDraw(0.0, 0.0, not ports and power.source != "busbar", "no figures")


def listed_max_w(part: PartType) -> float | None:
    """The maximum draw a parts list shows for a part; None when it is not powered or gives no
    figure."""
    draw = part_draw(part)
    return draw.max_w if draw.known and draw.basis not in ("not powered", "no figures") else None


def device_draw(design: Design, device: Device) -> DeviceDraw:
    draw = part_draw(design.part_of(device))
    if device.allocated_w is not None:
        return DeviceDraw(max(draw.max_w, device.allocated_w), device.allocated_w, True, "device allocation")
    return draw


def psu_rating_w(part: PartType) -> float | None:
    """One PSU's rating: the part's psu_rating_w, else the power ports' common maximum_draw."""
    if part.rackstudio.power.psu_rating_w is not None:
        return part.rackstudio.power.psu_rating_w
    ratings = {p.maximum_draw for p in part.power_ports}
    if len(ratings) == 1 and None not in ratings:
        return ratings.pop()
    return None
