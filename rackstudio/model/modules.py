"""Qt-free. Module types (what fills a device's module bay: a PSU, a NIC, a line card) and the part a
device is once its modules are installed.

A module type keeps NetBox's fields and names (a design embeds it as it embeds part types). When a
module is installed, its components become the device's, named as NetBox names them: `{module}` in
a component name is replaced by the bay's `position` (the bay's name when it has none) [NB-MOD].
`fitted_part` gives that merged part, so power flow, ports, checks and metrics see a PSU module's
power port and a NIC module's interfaces like any other.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from rackstudio.model.base import Record
from rackstudio.model.parts import (
    BayTemplate,
    ConsolePortTemplate,
    FrontPortTemplate,
    InterfaceTemplate,
    PartType,
    PowerOutletTemplate,
    PowerPortTemplate,
    RearPortTemplate,
)
from rackstudio.model.units import WEIGHT_TO_KG

# The component lists a module adds to its device, by PartType field.
MODULE_COMPONENTS = ("console_ports", "console_server_ports", "power_ports", "power_outlets", "interfaces",
                     "front_ports", "rear_ports")
# NetBox module type profiles (4.3+) RackStudio reads as a power supply.
PSU_PROFILES = frozenset({"power supply", "psu"})


def module_key(manufacturer: str, model: str) -> str:
    """The id a design files a module type under: NetBox-style slug of manufacturer and model
    (NetBox module types carry no slug of their own)."""
    return re.sub(r"[^-a-z0-9_]+", "-", f"{manufacturer}-{model}".lower()).strip("-")


class ModuleType(Record):
    """A NetBox module type (line card, PSU, NIC): what fills a module bay. Draws in W.

    `profile` and `attribute_data` are NetBox 4.3's module type profile ("Power supply", "CPU", ...)
    and its attribute values, kept as given."""

    manufacturer: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    part_number: str | None = None
    profile: str | None = None
    attribute_data: dict[str, Any] | None = None
    weight: float | None = Field(default=None, ge=0)
    weight_unit: str | None = None
    description: str | None = None
    comments: str | None = None
    console_ports: tuple[ConsolePortTemplate, ...] = ()
    console_server_ports: tuple[ConsolePortTemplate, ...] = ()
    power_ports: tuple[PowerPortTemplate, ...] = ()
    power_outlets: tuple[PowerOutletTemplate, ...] = ()
    interfaces: tuple[InterfaceTemplate, ...] = ()
    front_ports: tuple[FrontPortTemplate, ...] = ()
    rear_ports: tuple[RearPortTemplate, ...] = ()
    module_bays: tuple[BayTemplate, ...] = ()
    origin: str | None = None

    @property
    def name(self) -> str:
        return f"{self.manufacturer} {self.model}"

    @property
    def key(self) -> str:
        return module_key(self.manufacturer, self.model)

    @property
    def weight_kg(self) -> float | None:
        if self.weight is None or self.weight_unit not in WEIGHT_TO_KG:
            return None
        return self.weight * WEIGHT_TO_KG[self.weight_unit]

    @property
    def is_psu(self) -> bool:
        """A power supply: its profile says so, or it carries power ports and nothing else."""
        if self.profile is not None:
            return self.profile.strip().lower() in PSU_PROFILES
        return bool(self.power_ports) and not (self.interfaces or self.power_outlets or self.front_ports
                                               or self.rear_ports or self.console_ports)


def bay_position(part: PartType, bay: str) -> str | None:
    """What `{module}` stands for in the components of a module in `bay`: the bay's position, else
    its name; None when the part has no such bay."""
    for b in part.module_bays:
        if b.name == bay:
            return b.position or b.name
    return None


def module_components(part: PartType, bay: str, module: ModuleType) -> dict[str, tuple]:
    """The components a module adds in `bay`, with `{module}` replaced as NetBox does."""
    position = bay_position(part, bay) or bay
    out: dict[str, tuple] = {}
    for field in MODULE_COMPONENTS:
        items = getattr(module, field)
        out[field] = tuple(c.model_copy(update={"name": c.name.replace("{module}", position)}) for c in items)
    return out


def name_clashes(part: PartType, modules: dict[str, ModuleType]) -> list[str]:
    """Component names that two installed modules (or a module and the part) would both create:
    NetBox refuses such an install, and so does RackStudio."""
    seen = {name for kind in ("power", "network") for name in part.port_names(kind)}
    clashes = []
    for bay in sorted(modules):
        for items in module_components(part, bay, modules[bay]).values():
            for c in items:
                if c.name in seen:
                    clashes.append(c.name)
                seen.add(c.name)
    return clashes


def fitted(part: PartType, modules: dict[str, ModuleType]) -> PartType:
    """The part with the components of `modules` (bay → module type) added, in bay order."""
    extra: dict[str, list] = {field: list(getattr(part, field)) for field in MODULE_COMPONENTS}
    for bay in sorted(modules):
        for field, items in module_components(part, bay, modules[bay]).items():
            extra[field].extend(items)
    data = part.model_dump(by_alias=False)
    data.update({field: [c.model_dump() for c in items] for field, items in extra.items()})
    return PartType.model_validate(data)


__all__ = ["MODULE_COMPONENTS", "ModuleType", "bay_position", "fitted", "module_components", "module_key",
           "name_clashes"]
