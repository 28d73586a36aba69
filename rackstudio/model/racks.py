"""Qt-free. Rack types (library entries): EIA-310 19-inch and OCP Open Rack v3 21-inch."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from rackstudio.model.base import Record
from rackstudio.model.units import UNIT_MM, UnitSystem


class BusbarSpec(Record):
    """A rack DC busbar (ORv3/MGX 48-54 V class; NVL72 quoted at 1,400 A [NW-OCP])."""

    voltage_v: float = Field(gt=0)
    rating_a: float = Field(gt=0)
    sections: int = Field(default=1, ge=1)


class NvlinkSpine(Record):
    """Fixed NVLink topology of an NVL72-class rack: tray counts it must hold (CAB-012)."""

    compute_trays: int = 18
    switch_trays: int = 9


class RackType(Record):
    """A rack model: unit system, size and ratings. Dimensions in mm, loads in kg."""

    manufacturer: str = "Generic"
    model: str
    slug: str = Field(pattern=r"^[-a-z0-9_]+$")
    unit_system: UnitSystem = UnitSystem.EIA
    width_class: Literal["19in", "21in"] = "19in"
    u_height: int = Field(ge=1, le=100)
    starting_unit: int = Field(default=1, ge=0)
    desc_units: bool = False
    outer_width_mm: float = Field(default=600, gt=0)
    outer_depth_mm: float = Field(default=1200, gt=0)
    outer_height_mm: float | None = Field(default=None, gt=0)
    mounting_depth_mm: float = Field(default=1000, gt=0)
    max_weight_kg: float | None = Field(default=None, gt=0, description="static load rating")
    rolling_load_kg: float | None = Field(default=None, gt=0)
    weight_kg: float = Field(default=0, ge=0, description="empty rack")
    feet_count: int = Field(default=4, ge=1)
    power_capacity_kw: float | None = Field(default=None, gt=0)
    air_cooling_capacity_kw: float | None = Field(default=None, gt=0)
    cooling_capability: Literal["air-only", "hybrid", "liquid-only"] = "air-only"
    busbar: BusbarSpec | None = None
    nvlink: NvlinkSpine | None = None
    ships_integrated: bool = False
    source: str | None = None
    origin: str | None = None

    @model_validator(mode="after")
    def _width_matches_units(self):
        if self.unit_system == UnitSystem.OU and self.width_class != "21in":
            raise ValueError("an Open Rack (OU) rack type is 21-inch")
        return self

    @property
    def unit_mm(self) -> float:
        return UNIT_MM[self.unit_system]

    @property
    def top_unit(self) -> float:
        """The highest unit number a device may start at + its height must not pass."""
        return self.starting_unit + self.u_height

    def unit_label(self, position: float) -> float:
        """The number printed on the rail for internal position (1 = bottom)."""
        if self.desc_units:
            return self.starting_unit + self.u_height - position
        return self.starting_unit + position - 1
