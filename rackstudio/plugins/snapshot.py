"""Qt-free. What a plugin rule sees of the design, as plain data (host side).

A batched rule call carries the views its subjects need (`views`): each rack subject's rack and
load, each device subject's device and its rack, the design's name, mode and rack ids, and
whatever kinds the rule asked for on demand in earlier calls (a rule that walks `devices_in`
gets every subject rack's devices up front next time). Anything else the rule asks for is
answered by id while the call runs (`answer`). Every view is built fresh from the check
context; nothing returned refers to the design's records.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from rackstudio.checks.context import CheckContext
from rackstudio.plugins.api import DeviceInfo, RackInfo, RackLoad

__all__ = ["KINDS", "answer", "view", "views"]

KINDS = ("rack", "load", "device", "devices_in", "name")


def _rack(ctx: CheckContext, rack_id: str) -> dict[str, Any]:
    design = ctx.design
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    return asdict(RackInfo(rack.id, rack.name, rt.slug, rt.model, rack.hall, rack.row, rt.u_height,
                           str(rt.unit_system), rt.cooling_capability, rt.power_capacity_kw,
                           rack.power_budget_kw, rack.air_cooling_capacity_kw, rack.rdhx_capacity_kw))


def _load(ctx: CheckContext, rack_id: str) -> dict[str, Any]:
    ctx.design.racks[rack_id]  # KeyError for an unknown rack, as the other views
    m = ctx.metrics.rack(rack_id)
    return asdict(RackLoad(m.checked_w, m.allocated_w, m.max_w, m.heat_air_w, m.heat_liquid_w, m.airflow_cfm,
                           m.weight_kg))


def _device(ctx: CheckContext, device_id: str) -> dict[str, Any]:
    device = ctx.design.devices[device_id]
    part = ctx.design.part_of(device)
    draw = ctx.draw(device_id)
    cooling = part.rackstudio.cooling
    return asdict(DeviceInfo(device.id, device.name, part.slug, part.manufacturer, part.model,
                             str(part.category), ctx.rack_of(device_id), device.position, part.u_height,
                             draw.max_w, draw.allocated_w, cooling.method, cooling.liquid_fraction))


def _devices_in(ctx: CheckContext, rack_id: str) -> list[str]:
    ctx.design.racks[rack_id]
    return sorted(ctx.rack_devices(rack_id))


def _name(ctx: CheckContext, obj_id: str) -> str:
    return ctx.name(obj_id)


_VIEWS = {"rack": _rack, "load": _load, "device": _device, "devices_in": _devices_in, "name": _name}


def view(ctx: CheckContext, kind: str, key: str) -> Any:
    """One view by kind and id; KeyError when there is no such object (or kind)."""
    if kind == "design":
        return _design(ctx)[key]
    return _VIEWS[kind](ctx, key)


def answer(ctx: CheckContext, kind: Any, key: Any) -> dict[str, Any]:
    """The reply to a worker's request: {"data": view} or {"missing": why}. Never raises."""
    if not isinstance(kind, str) or not isinstance(key, str) or (kind not in _VIEWS and kind != "design"):
        return {"missing": f"no view {kind!r}"}
    try:
        return {"data": view(ctx, kind, key)}
    except KeyError:
        return {"missing": f"no {kind} {key!r} in this design"}


def _design(ctx: CheckContext) -> dict[str, Any]:
    return {"name": ctx.design.name, "worst_case": bool(ctx.settings.worst_case),
            "rack_ids": sorted(ctx.design.racks)}


def views(ctx: CheckContext, subjects: Iterable[str], wanted: Iterable[str] = ()) -> dict[str, Any]:
    """The data sent with a batched call over `subjects`; `wanted` are kinds the rule asked for
    on demand before, filled for every rack and device the subjects touch."""
    design = ctx.design
    data: dict[str, Any] = {"design": _design(ctx), **{k: {} for k in KINDS}}
    racks: list[str] = []
    devices: list[str] = []
    for subject in subjects:
        if subject in design.racks:
            racks.append(subject)
        elif subject in design.devices:
            devices.append(subject)
            rack = ctx.rack_of(subject)
            if rack is not None:
                racks.append(rack)
    wanted = set(wanted)
    for rack_id in dict.fromkeys(racks):
        data["rack"][rack_id] = _rack(ctx, rack_id)
        data["load"][rack_id] = _load(ctx, rack_id)
        data["name"][rack_id] = ctx.name(rack_id)
        if "devices_in" in wanted or "device" in wanted:
            inside = data["devices_in"][rack_id] = _devices_in(ctx, rack_id)
            if "device" in wanted:
                devices += inside
    for device_id in dict.fromkeys(devices):
        data["device"][device_id] = _device(ctx, device_id)
    return data
