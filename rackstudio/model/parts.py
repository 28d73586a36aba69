"""Qt-free. Part types: library entries for devices, in the NetBox device-type layout.

NetBox's fields keep NetBox's names and values (so a part exports back to a valid NetBox
device type); everything RackStudio adds lives apart under `rackstudio` (`PartExtension`),
which is stripped on export because NetBox's schema forbids unknown keys.
"""
from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator, model_validator

from rackstudio.model.base import Record
from rackstudio.model.units import WEIGHT_TO_KG, UnitSystem


class Category(StrEnum):
    SERVER = "server"
    SWITCH = "switch"
    PDU = "pdu"
    POWER_SHELF = "power-shelf"
    UPS = "ups"
    CDU = "cdu"
    MANIFOLD = "manifold"
    COOLER = "cooler"
    PATCH_PANEL = "patch-panel"
    CABLE_MANAGER = "cable-manager"
    BLANK = "blank"
    STORAGE = "storage"
    OTHER = "other"


Airflow = Literal[
    "front-to-rear", "rear-to-front", "left-to-right", "right-to-left", "side-to-rear",
    "rear-to-side", "bottom-to-top", "top-to-bottom", "passive", "mixed",
]
FeedLeg = Literal["A", "B", "C"]


# --- NetBox component templates (field names as in the device-type library) ------------------

class ConsolePortTemplate(Record):
    name: str
    type: str | None = None
    label: str | None = None
    description: str | None = None


class PowerPortTemplate(Record):
    """A power inlet (PSU). Draws in W, as NetBox's `maximum_draw` / `allocated_draw`."""

    name: str
    type: str | None = None
    label: str | None = None
    maximum_draw: float | None = Field(default=None, ge=0)
    allocated_draw: float | None = Field(default=None, ge=0)
    description: str | None = None


class PowerOutletTemplate(Record):
    name: str
    type: str | None = None
    label: str | None = None
    power_port: str | None = None
    feed_leg: FeedLeg | None = None
    description: str | None = None


class InterfaceTemplate(Record):
    name: str
    type: str
    label: str | None = None
    mgmt_only: bool = False
    enabled: bool | None = None
    description: str | None = None
    poe_mode: str | None = None
    poe_type: str | None = None


class FrontPortTemplate(Record):
    name: str
    type: str
    label: str | None = None
    rear_port: str | None = None
    rear_port_position: int | None = None
    positions: int | None = None
    color: str | None = None
    description: str | None = None


class RearPortTemplate(Record):
    name: str
    type: str
    label: str | None = None
    positions: int | None = None
    color: str | None = None
    description: str | None = None


class BayTemplate(Record):
    """A device bay or module bay."""

    name: str
    label: str | None = None
    position: str | None = None
    description: str | None = None


# --- RackStudio's additions --------------------------------------------------------------------

class PsuPolicy(Record):
    """PSU redundancy N+M: N PSUs carry the maximum load, M are spares (engineering.md 2.5)."""

    n: int = Field(ge=1)
    m: int = Field(ge=0)

    @classmethod
    def parse(cls, text: str) -> PsuPolicy:
        text = text.strip().upper()
        if text.startswith("N+N"):
            raise ValueError("write N+N with numbers, for example 6+6")
        n, _, m = text.partition("+")
        return cls(n=int(n), m=int(m or 0))

    def __str__(self) -> str:
        return f"{self.n}+{self.m}"


class PowerSpec(Record):
    """Device power figures in W (engineering.md 2.6: checks use allocated, worst case uses max)."""

    max_w: float | None = Field(default=None, ge=0, description="nameplate / PSU-limited maximum, W")
    typical_w: float | None = Field(default=None, ge=0)
    allocated_w: float | None = Field(default=None, ge=0, description="budget the operator commits, W")
    power_factor: float = Field(default=1.0, gt=0, le=1)
    psu_count: int | None = Field(default=None, ge=0)
    psu_rating_w: float | None = Field(default=None, ge=0)
    psu_redundancy: PsuPolicy | None = None
    psu_input_v: tuple[float, float] | None = Field(default=None, description="PSU input range, V")
    single_feed_w: float | None = Field(default=None, ge=0, description="throttled draw on one feed, W")
    throttles_on_feed_loss: bool = False
    inrush_a: float | None = Field(default=None, ge=0)
    source: Literal["ac", "busbar", "none"] = "ac"
    includes_optics: bool = Field(default=False, description="the figures already count the optics in its "
                                                             "ports (SN5610: 2.08 kW with 64 optical modules)")

    @field_validator("psu_redundancy", mode="before")
    @classmethod
    def _policy_text(cls, v):
        return PsuPolicy.parse(v) if isinstance(v, str) else v


class CoolantPortTemplate(Record):
    name: str
    role: Literal["supply", "return", "pair"] = "pair"
    connector: str | None = Field(default=None, description="UQD, UQDB, QDC, camlock, NPT, BSP")


class CoolingSpec(Record):
    """Heat split and airflow. `liquid_fraction` is the share of heat taken by coolant (engineering.md 3.6)."""

    method: Literal["air", "liquid", "hybrid", "immersion"] = "air"
    liquid_fraction: float = Field(default=0.0, ge=0, le=1)
    airflow_cfm: float | None = Field(default=None, ge=0)
    ashrae_air_class: str | None = None
    ashrae_w_class: str | None = None
    coolant_ports: tuple[CoolantPortTemplate, ...] = ()


class PduBank(Record):
    """An outlet group behind one branch breaker (PWR-003)."""

    name: str
    breaker_a: float = Field(gt=0)
    outlets: tuple[str, ...]


class PduSpec(Record):
    """Rack PDU electrical figures: inlet and branch ratings (engineering.md 2.2, 2.3)."""

    inlet_voltage_v: float = Field(gt=0)
    inlet_phase: Literal["single-phase", "three-phase"] = "three-phase"
    inlet_amperage_a: float = Field(gt=0)
    banks: tuple[PduBank, ...] = ()
    outlet_rating_a: dict[str, float] = Field(default_factory=dict, description="by NetBox outlet type")
    sequencing_delay_ms: float | None = None


class ShelfSpec(Record):
    """A power shelf feeding a DC busbar: PSU slots with their own N+M policy (PWR-012)."""

    psu_count: int = Field(ge=1)
    psu_rating_w: float = Field(gt=0)
    redundancy: PsuPolicy
    output_v: float = Field(gt=0)
    input_range_v: tuple[float, float] | None = None

    @field_validator("redundancy", mode="before")
    @classmethod
    def _policy_text(cls, v):
        return PsuPolicy.parse(v) if isinstance(v, str) else v

    @property
    def usable_w(self) -> float:
        return self.redundancy.n * self.psu_rating_w


class CduSpec(Record):
    """Coolant distribution unit figures (engineering.md 3.5, COOL-004/005/008)."""

    capacity_kw: float = Field(gt=0, description="heat to liquid at the rated approach, kW")
    approach_k: float = Field(default=5.0, gt=0)
    flow_lpm: float = Field(gt=0, description="rated secondary flow at available head, L/min")
    redundancy: str = "N+1"
    kind: Literal["in-rack", "in-row", "facility"] = "in-row"
    supply_c: float = 35.0
    design_dt_k: float = Field(default=10.0, gt=0)
    fluid: Literal["water", "pg25"] = "pg25"


class CoolerSpec(Record):
    """Air cooling unit (CRAH, in-row cooler, rear door) capacity."""

    capacity_kw: float = Field(gt=0)
    kind: Literal["in-row", "crah", "rdhx"] = "in-row"


class SourcingSpec(Record):
    """Where a part is bought: supplier, the manufacturer's country of origin (ISO 3166 alpha-2
    or a name), lead time and unit price, for the BOM's and the build package's roll-ups."""

    supplier: str | None = None
    country: str | None = None
    lead_time_weeks: float | None = Field(default=None, ge=0)
    unit_price: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, description="ISO 4217 code of unit_price, e.g. USD")


class PartExtension(Record):
    """RackStudio's figures beyond NetBox's schema; every figure names its source in `sources`."""

    category: Category = Category.OTHER
    unit_system: UnitSystem = UnitSystem.EIA
    width_class: Literal["19in", "21in"] = "19in"
    half_width: bool = False
    depth_mm: float | None = Field(default=None, gt=0)
    footprint_mm: tuple[float, float] | None = Field(default=None, description="floor equipment W x D, mm")
    rail_range_mm: tuple[float, float] | None = None
    power: PowerSpec = Field(default_factory=PowerSpec)
    cooling: CoolingSpec = Field(default_factory=CoolingSpec)
    pdu: PduSpec | None = None
    shelf: ShelfSpec | None = None
    cdu: CduSpec | None = None
    cooler: CoolerSpec | None = None
    required_ports: tuple[str, ...] = Field(default=(), description="interfaces that must be cabled")
    breakout_modes: dict[str, tuple[int, ...]] = Field(
        default_factory=dict, description="far ports one port of a NetBox interface type may fan out to "
                                          "(SN5600 800G OSFP: 1, 2, 4)")
    port_power_w: float | None = Field(default=None, gt=0, description="power one cage supplies to its optic, W")
    ports_per_cage: Literal[1, 2] = Field(default=1, description="2: interfaces name/1 and name/2 share a "
                                                                 "twin-port cage (QM9700, Q3400)")
    sourcing: SourcingSpec | None = None
    source: str | None = Field(default=None, description="where the figures come from")
    sources: dict[str, str] = Field(default_factory=dict, description="per-figure source keys")


MAX_UNITS = 1e12  # the bound io.limits puts on any number in a file; far past any rack


def half_units(value: float, field: str, step: str = "a multiple of 0.5 U") -> float:
    """`value` (units) if it is finite, within ±MAX_UNITS and on the half-unit grid; else the
    ValueError a validator raises. Infinity (also given as text, "inf") and numbers whose double
    overflows (1e308) are refused before the grid test, which would raise OverflowError."""
    if not -MAX_UNITS <= value <= MAX_UNITS:  # NaN fails this too
        raise ValueError(f"{field} must be a finite number of units, at most 1e12")
    if (value * 2) != int(value * 2):
        raise ValueError(f"{field} must be {step}")
    return value


class PartType(Record):
    """A device type: NetBox's device-type fields plus RackStudio's extension."""

    manufacturer: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    slug: str = Field(pattern=r"^[-a-z0-9_]+$", max_length=100)
    part_number: str | None = None
    u_height: float = Field(default=1.0, ge=0)
    is_full_depth: bool = True
    airflow: Airflow | None = None
    weight: float | None = Field(default=None, ge=0)
    weight_unit: Literal["kg", "g", "lb", "oz"] | None = None
    subdevice_role: Literal["parent", "child"] | None = None
    is_powered: bool = True
    description: str | None = None
    comments: str | None = None
    console_ports: tuple[ConsolePortTemplate, ...] = Field(default=(), alias="console-ports")
    console_server_ports: tuple[ConsolePortTemplate, ...] = Field(default=(), alias="console-server-ports")
    power_ports: tuple[PowerPortTemplate, ...] = Field(default=(), alias="power-ports")
    power_outlets: tuple[PowerOutletTemplate, ...] = Field(default=(), alias="power-outlets")
    interfaces: tuple[InterfaceTemplate, ...] = ()
    front_ports: tuple[FrontPortTemplate, ...] = Field(default=(), alias="front-ports")
    rear_ports: tuple[RearPortTemplate, ...] = Field(default=(), alias="rear-ports")
    device_bays: tuple[BayTemplate, ...] = Field(default=(), alias="device-bays")
    module_bays: tuple[BayTemplate, ...] = Field(default=(), alias="module-bays")
    rackstudio: PartExtension = Field(default_factory=PartExtension)
    origin: str | None = Field(default=None, description="library source this definition came from")

    @field_validator("u_height")
    @classmethod
    def _half_units(cls, v: float) -> float:
        return half_units(v, "u_height", "a multiple of 0.5")

    @model_validator(mode="after")
    def _weight_unit(self):
        if self.weight is not None and self.weight_unit is None:
            raise ValueError("weight needs weight_unit (kg, g, lb or oz)")
        return self

    @property
    def key(self) -> str:
        return self.slug

    @property
    def category(self) -> Category:
        return self.rackstudio.category

    @property
    def weight_kg(self) -> float | None:
        if self.weight is None or self.weight_unit is None:
            return None
        return self.weight * WEIGHT_TO_KG[self.weight_unit]

    @cached_property
    def _ports_by_kind(self) -> dict[str, frozenset[str]]:
        return {kind: frozenset(self.port_names(kind)) for kind in ("power", "network", "coolant")}

    def has_port(self, kind: str, name: str) -> bool:
        """Whether a connection of `kind` can attach to a port `name` (cached: checked per cable)."""
        return name in self._ports_by_kind[kind]

    def port_names(self, kind: str) -> tuple[str, ...]:
        """Names of the ports a connection of `kind` (power, network, coolant) can attach to."""
        if kind == "power":
            return tuple(p.name for p in self.power_ports) + tuple(o.name for o in self.power_outlets)
        if kind == "network":
            return (tuple(i.name for i in self.interfaces) + tuple(p.name for p in self.front_ports)
                    + tuple(p.name for p in self.rear_ports)
                    + tuple(p.name for p in self.console_ports)
                    + tuple(p.name for p in self.console_server_ports))
        if kind == "coolant":
            return tuple(p.name for p in self.rackstudio.cooling.coolant_ports)
        raise ValueError(f"unknown connection kind {kind!r}")

    def content_hash(self) -> str:
        """A hash of the definition (origin excluded), so a design can tell a part changed upstream."""
        data = self.model_dump(mode="json", exclude={"origin"}, exclude_defaults=True)
        blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
        return "sha256:" + hashlib.sha256(blob).hexdigest()[:16]
