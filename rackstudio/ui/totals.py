"""Qt-free. Figures the views show: a rack's fill and power, and the totals of a selection
(units, allocated power in W, weight in kg). Read-only queries over a Design."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rackstudio.model import geometry
from rackstudio.model.design import Design, Device
from rackstudio.power import device_draw


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


def mounted_root(design: Design, device_id: str) -> Device | None:
    """The device that holds `device_id` in a rack or on the floor: itself, or the outermost
    parent of a child in a bay."""
    device = design.devices.get(device_id)
    for _ in range(64):  # parents nest a few levels at most; never loop on a bad file
        if device is None or device.parent is None:
            return device
        device = design.devices.get(device.parent)
    return None


def devices_within(design: Design, container_id: str) -> Iterator[str]:
    """Every device inside a rack or parent device, children of children included."""
    for child in sorted(design.contents(container_id)):
        if child in design.devices:
            yield child
            yield from devices_within(design, child)


def device_weight_kg(design: Design, device_id: str) -> float:
    return design.part_of(design.devices[device_id]).weight_kg or 0.0


def device_units(design: Design, device_id: str) -> float:
    """Rack units a device takes (0 for 0U, bay and floor devices)."""
    device = design.devices[device_id]
    if device.rack is None or device.position is None:
        return 0.0
    rt = design.rack_type_of(design.racks[device.rack])
    return geometry.height_in_rack(design.part_of(device), rt)


def rack_summary(design: Design, rack_id: str) -> RackSummary:
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    steps = {cell[0] for cell in geometry.occupied(design, rack_id)}
    inside = list(devices_within(design, rack_id))
    power = sum(device_draw(design, design.devices[d]).allocated_w for d in inside)
    weight = rt.weight_kg + sum(device_weight_kg(design, d) for d in inside)
    budget_kw = rack.power_budget_kw or rt.power_capacity_kw
    return RackSummary(len(steps) / 2, rt.u_height, power, budget_kw * 1000 if budget_kw else None,
                       weight, rt.max_weight_kg)


def selection_totals(design: Design, ids: Iterable[str]) -> Totals:
    """Totals over racks and devices; a rack counts everything in it, nothing twice."""
    ids = [i for i in ids if design.kind_of(i) is not None]
    devices: set[str] = set()
    units = 0.0
    weight = 0.0
    for obj_id in ids:
        kind = design.kind_of(obj_id)
        if kind == "racks":
            summary = rack_summary(design, obj_id)
            units += summary.used_u
            weight += design.rack_type_of(design.racks[obj_id]).weight_kg
            devices.update(devices_within(design, obj_id))
        elif kind == "devices":
            devices.add(obj_id)
            devices.update(devices_within(design, obj_id))
    racks = {i for i in ids if design.kind_of(i) == "racks"}
    for dev_id in devices:
        if design.devices[dev_id].rack not in racks:
            units += device_units(design, dev_id)
        weight += device_weight_kg(design, dev_id)
    power = sum(device_draw(design, design.devices[d]).allocated_w for d in devices)
    return Totals(len(ids), units, power, weight)
