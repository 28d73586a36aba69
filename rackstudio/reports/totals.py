"""Qt-free. Figures the views show: a rack's fill and power, and the totals of a selection
(units, allocated power in W, weight in kg). Read-only queries over a Design."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rackstudio.model import geometry
from rackstudio.model.design import Design, Device
from rackstudio.power import device_draw, part_draw


@dataclass(frozen=True)
class RackSummary:
    used_u: float
    total_u: int
    power_w: float
    budget_w: float | None
    weight_kg: float
    max_weight_kg: float | None

    @property
    def fill(self) -> float:
        return self.used_u / self.total_u if self.total_u else 0.0

    @property
    def power_share(self) -> float | None:
        return self.power_w / self.budget_w if self.budget_w else None


@dataclass(frozen=True)
class Totals:
    count: int = 0
    units: float = 0.0
    power_w: float = 0.0
    weight_kg: float = 0.0

    def text(self) -> str:
        if not self.count:
            return "Nothing selected"
        return (f"{self.count} selected · {self.units:g} U · {self.power_w / 1000:.1f} kW · "
                f"{self.weight_kg:.0f} kg")


class _Figures:
    """Per-part figures looked up once while summing many devices (a pass over 20,000 devices
    otherwise spends most of its time recomputing the same part's draw)."""

    def __init__(self, design: Design):
        self.design = design
        self._draw: dict[str, float] = {}
        self._weight: dict[str, float] = {}

    def allocated_w(self, device: Device) -> float:
        if device.allocated_w is not None:
            return device_draw(self.design, device).allocated_w
        if device.part not in self._draw:
            self._draw[device.part] = part_draw(self.design.part_types[device.part]).allocated_w
        return self._draw[device.part]

    def weight_kg(self, device: Device) -> float:
        if device.part not in self._weight:
            self._weight[device.part] = self.design.part_types[device.part].weight_kg or 0.0
        return self._weight[device.part]


def device_units(design: Design, device_id: str) -> float:
    """Rack units a device takes (0 for 0U, bay and floor devices)."""
    device = design.devices[device_id]
    if device.rack is None or device.position is None:
        return 0.0
    rt = design.rack_type_of(design.racks[device.rack])
    return geometry.height_in_rack(design.part_of(device), rt)


def _used_units(design: Design, rack_id: str) -> float:
    """Units with anything mounted on either face (half units count half)."""
    rt = design.rack_type_of(design.racks[rack_id])
    steps: set[int] = set()
    heights: dict[str, float] = {}
    for dev_id in design.contents(rack_id):
        device = design.devices.get(dev_id)
        if device is None or device.position is None:
            continue
        if device.part not in heights:
            heights[device.part] = geometry.height_in_rack(design.part_types[device.part], rt)
        start = round(device.position * 2)
        steps.update(range(start, start + round(heights[device.part] * 2)))
    return len(steps) / 2


def rack_summary(design: Design, rack_id: str, figures: _Figures | None = None) -> RackSummary:
    figures = figures or _Figures(design)
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    inside = [design.devices[d] for d in geometry.devices_within(design, rack_id)]
    power = sum(figures.allocated_w(d) for d in inside)
    weight = rt.weight_kg + sum(figures.weight_kg(d) for d in inside)
    budget_kw = rack.power_budget_kw or rt.power_capacity_kw
    return RackSummary(_used_units(design, rack_id), rt.u_height, power,
                       budget_kw * 1000 if budget_kw else None, weight, rt.max_weight_kg)


def selection_totals(design: Design, ids: Iterable[str]) -> Totals:
    """Totals over racks and devices; a rack counts everything in it, nothing twice."""
    ids = [i for i in ids if design.kind_of(i) is not None]
    figures = _Figures(design)
    devices: set[str] = set()
    units = 0.0
    weight = 0.0
    racks = {i for i in ids if design.kind_of(i) == "racks"}
    for obj_id in ids:
        if obj_id in racks:
            units += _used_units(design, obj_id)
            weight += design.rack_type_of(design.racks[obj_id]).weight_kg
            devices.update(geometry.devices_within(design, obj_id))
        elif design.kind_of(obj_id) == "devices":
            devices.add(obj_id)
            devices.update(geometry.devices_within(design, obj_id))
    power = 0.0
    for dev_id in devices:
        device = design.devices[dev_id]
        if device.rack not in racks:
            units += device_units(design, dev_id)
        weight += figures.weight_kg(device)
        power += figures.allocated_w(device)
    return Totals(len(ids), units, power, weight)


__all__ = ["RackSummary", "Totals", "device_units", "rack_summary", "selection_totals"]
