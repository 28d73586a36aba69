"""Qt-free. How much a device draws: one place for the fallbacks every figure goes through.

Checks use the allocated draw (the budget an operator commits); a worst-case run uses the
maximum (domain.md 2.6). Figures come, in order, from the device's own allocation, the part's
RackStudio power figures, then NetBox's per-port `allocated_draw` / `maximum_draw`.
"""
from __future__ import annotations

from dataclasses import dataclass

from rackstudio.model.design import Design, Device
from rackstudio.model.parts import PartType


@dataclass(frozen=True)
class DeviceDraw:
    max_w: float
    allocated_w: float
    known: bool  # False when the part gives no figure at all (PWR-016, LIB-001)
    basis: str  # where the figures came from


def part_draw(part: PartType) -> DeviceDraw:
    power = part.rackstudio.power
    if power.source == "none" or not part.is_powered and power.max_w is None:
        return DeviceDraw(0.0, 0.0, True, "not powered")
    ports = part.power_ports
    port_alloc = sum(p.allocated_draw or 0 for p in ports)
    port_max = sum(p.maximum_draw or 0 for p in ports)
    if power.max_w is not None or power.allocated_w is not None:
        max_w = power.max_w if power.max_w is not None else power.allocated_w
        alloc = power.allocated_w if power.allocated_w is not None else max_w
        return DeviceDraw(max_w, alloc, True, "part figures")
    if port_alloc or port_max:
        # NetBox: allocated per port is the share it carries; maximum per port is the PSU's limit
        max_w = port_max or port_alloc
        return DeviceDraw(max_w, port_alloc or max_w, True, "NetBox port draw")
    return DeviceDraw(0.0, 0.0, not ports and power.source != "busbar", "no figures")


def device_draw(design: Design, device: Device) -> DeviceDraw:
    draw = part_draw(design.part_of(device))
    if device.allocated_w is not None:
        return DeviceDraw(max(draw.max_w, device.allocated_w), device.allocated_w, True, "device allocation")
    return draw
