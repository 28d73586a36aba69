"""Qt-free. The only surface plugin code receives: `PluginContext` (read-only queries over the
design being checked, in SI units) and `Hit`, what a plugin rule yields.

Versioned like Picard's PluginApi: a manifest names the API versions it targets (`api = ["1"]`)
and the host loads it only when that set meets `SUPPORTED_API_VERSIONS`. Plugin code never gets
the Document, a model record it could keep, or a Qt object; the views here are frozen copies.
A context is revoked once its call is over (or has run past its time limit), so a rule thread
left running cannot read a design that has moved on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rackstudio.checks.rule import Hit, Severity
from rackstudio.model.units import BTU_H_PER_W

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext

__all__ = ["API_VERSION", "SUPPORTED_API_VERSIONS", "DeviceInfo", "Hit", "PluginContext", "RackInfo",
           "RackLoad", "RevokedContext", "Severity"]

API_VERSION = "1"
SUPPORTED_API_VERSIONS = frozenset({API_VERSION})


class RevokedContext(RuntimeError):
    """A plugin used its context after its call ended (it ran past its time limit)."""


@dataclass(frozen=True)
class RackInfo:
    """A placed rack and its type's ratings. kW, rack units."""

    id: str
    name: str
    rack_type: str  # slug
    rack_model: str
    hall: str
    row: str | None
    u_height: int
    unit_system: str  # "eia" or "ou"
    cooling_capability: str  # "air-only", "hybrid", "liquid-only"
    power_capacity_kw: float | None
    power_budget_kw: float | None
    air_cooling_capacity_kw: float | None
    rdhx_capacity_kw: float | None


@dataclass(frozen=True)
class DeviceInfo:
    """A placed device with its part's figures. W; `liquid_fraction` 0-1 of its heat to coolant."""

    id: str
    name: str
    part: str  # slug
    manufacturer: str
    model: str
    category: str
    rack: str | None
    position: float | None
    u_height: float
    max_w: float
    allocated_w: float
    cooling_method: str
    liquid_fraction: float


@dataclass(frozen=True)
class RackLoad:
    """What the checks count for a rack. W (1 W of IT power = 1 W of heat), CFM, kg."""

    checked_w: float  # allocated, or maximum in worst-case mode (engineering.md 2.6)
    allocated_w: float
    max_w: float
    heat_air_w: float
    heat_liquid_w: float
    airflow_cfm: float
    weight_kg: float


class PluginContext:
    """Read-only queries for plugin rules. Valid only during the call it was made for."""

    api_version = API_VERSION

    def __init__(self, ctx: CheckContext):
        self._ctx: CheckContext | None = ctx

    def revoke(self) -> None:
        self._ctx = None

    def _live(self) -> CheckContext:
        if self._ctx is None:
            raise RevokedContext("this plugin context is no longer valid (its call has ended)")
        return self._ctx

    # --- the design ----------------------------------------------------------------------------
    @property
    def design_name(self) -> str:
        return self._live().design.name

    @property
    def worst_case(self) -> bool:
        """True when checks count maximum draw instead of allocated draw."""
        return self._live().settings.worst_case

    def rack_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._live().design.racks))

    def rack(self, rack_id: str) -> RackInfo:
        design = self._live().design
        rack = design.racks[rack_id]
        rt = design.rack_type_of(rack)
        return RackInfo(rack.id, rack.name, rt.slug, rt.model, rack.hall, rack.row, rt.u_height,
                        str(rt.unit_system), rt.cooling_capability, rt.power_capacity_kw,
                        rack.power_budget_kw, rack.air_cooling_capacity_kw, rack.rdhx_capacity_kw)

    def rack_load(self, rack_id: str) -> RackLoad:
        ctx = self._live()
        m = ctx.metrics.rack(rack_id)
        return RackLoad(m.checked_w, m.allocated_w, m.max_w, m.heat_air_w, m.heat_liquid_w, m.airflow_cfm,
                        m.weight_kg)

    def devices_in(self, rack_id: str) -> tuple[DeviceInfo, ...]:
        """Every device in a rack, children in bays included, sorted by id."""
        return tuple(self.device(d) for d in self._live().rack_devices(rack_id))

    def device(self, device_id: str) -> DeviceInfo:
        ctx = self._live()
        device = ctx.design.devices[device_id]
        part = ctx.design.part_of(device)
        draw = ctx.draw(device_id)
        cooling = part.rackstudio.cooling
        return DeviceInfo(device.id, device.name, part.slug, part.manufacturer, part.model,
                          str(part.category), ctx.rack_of(device_id), device.position, part.u_height,
                          draw.max_w, draw.allocated_w, cooling.method, cooling.liquid_fraction)

    def name(self, obj_id: str) -> str:
        """The display name of any design object (its id when it has none)."""
        return self._live().name(obj_id)

    # --- units ---------------------------------------------------------------------------------
    @staticmethod
    def kw(watts: float) -> float:
        return watts / 1000.0

    @staticmethod
    def btu_h(watts: float) -> float:
        """Heat in BTU/h: 1 W = 3.412 BTU/h (engineering.md 2.1)."""
        return watts * BTU_H_PER_W
