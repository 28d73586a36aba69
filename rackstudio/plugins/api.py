"""Qt-free. The only surface plugin code receives: `PluginContext` (read-only queries over the
design being checked, in SI units) and `Hit`, what a plugin rule yields.

Versioned like Picard's PluginApi: a manifest names the API versions it targets (`api = ["1"]`)
and the host loads it only when that set meets `SUPPORTED_API_VERSIONS`. Plugin code runs in
the plugin worker process (`worker`), where a context is built from plain data the host sent
(`snapshot`): views of the subjects' racks and devices, and anything else asked for by id over
the worker's pipe. Nothing in it refers to the host's design, its model records or its modules,
so there is no path from a context to the live design. A context is revoked once its call is
over, so a rule that keeps it cannot read a design that has moved on.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rackstudio.checks.rule import Hit, Severity
from rackstudio.model.units import BTU_H_PER_W

__all__ = ["API_VERSION", "RACK_DESIGNS_API", "SUPPORTED_API_VERSIONS", "DeviceInfo", "Fetch", "Hit", "PluginContext", "RackInfo",
           "RackLoad", "RevokedContext", "Severity"]

# 2: a manifest may offer rack designs (`[[rack_designs]]`); everything of 1 is unchanged, so a
# plugin declaring only "1" loads as before.
API_VERSION = "2"
SUPPORTED_API_VERSIONS = frozenset({"1", API_VERSION})
RACK_DESIGNS_API = "2"  # the first version whose manifest may declare rack_designs


class RevokedContext(RuntimeError):
    """A plugin used its context after its call ended."""


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


Fetch = Callable[[str, str], Any]  # (kind, id) -> the view's fields; raises KeyError when there is none


class PluginContext:
    """Read-only queries for plugin rules, over plain data. Valid only during the call it was
    made for. `data` maps a kind ("rack", "load", "device", "devices_in", "name") to views by id,
    plus "design" (name, worst_case, rack_ids); `fetch(kind, id)` answers what `data` lacks."""

    api_version = API_VERSION
    __slots__ = ("__data", "__fetch")

    def __init__(self, data: Mapping[str, Any], fetch: Fetch | None = None):
        self.__data: Mapping[str, Any] | None = data
        self.__fetch = fetch

    def revoke(self) -> None:
        self.__data = self.__fetch = None

    def _view(self, kind: str, key: str) -> Any:
        data = self.__data
        if data is None:
            raise RevokedContext("this plugin context is no longer valid (its call has ended)")
        views = data.get(kind, {})
        if key in views:
            return views[key]
        if self.__fetch is None:
            raise KeyError(key)
        found = self.__fetch(kind, key)
        views[key] = found  # asked once per call
        return found

    def _design(self, field: str) -> Any:
        return self._view("design", field)

    # --- the design ----------------------------------------------------------------------------
    @property
    def design_name(self) -> str:
        return self._design("name")

    @property
    def worst_case(self) -> bool:
        """True when checks count maximum draw instead of allocated draw."""
        return bool(self._design("worst_case"))

    def rack_ids(self) -> tuple[str, ...]:
        return tuple(self._design("rack_ids"))

    def rack(self, rack_id: str) -> RackInfo:
        return RackInfo(**self._view("rack", rack_id))

    def rack_load(self, rack_id: str) -> RackLoad:
        return RackLoad(**self._view("load", rack_id))

    def devices_in(self, rack_id: str) -> tuple[DeviceInfo, ...]:
        """Every device in a rack, children in bays included, sorted by id."""
        return tuple(self.device(d) for d in self._view("devices_in", rack_id))

    def device(self, device_id: str) -> DeviceInfo:
        return DeviceInfo(**self._view("device", device_id))

    def name(self, obj_id: str) -> str:
        """The display name of any design object (its id when it has none)."""
        return self._view("name", obj_id)

    # --- units ---------------------------------------------------------------------------------
    @staticmethod
    def kw(watts: float) -> float:
        return watts / 1000.0

    @staticmethod
    def btu_h(watts: float) -> float:
        """Heat in BTU/h: 1 W = 3.412 BTU/h (engineering.md 2.1)."""
        return watts * BTU_H_PER_W
