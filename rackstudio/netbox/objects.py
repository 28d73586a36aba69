"""Qt-free. The NetBox object types the bridge reads and writes, and the wanted state of each.

A design becomes a list of `Want`s per object type, in the order NetBox needs them (a rack needs
its site, location, group and type first). A want's payload is what the REST API takes, except
that references to other wanted objects are `Ref`s, resolved to NetBox ids when the push runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The custom fields the push creates: the RackStudio id of every object it writes, and in one
# JSON field what NetBox has no place for (floor position and rotation, row facing, hall size,
# the part's RackStudio figures).
ID_FIELD = "rackstudio_id"
DATA_FIELD = "rackstudio"


@dataclass(frozen=True)
class Ref:
    """A reference to another object: `kind` and that object's `key` (its RackStudio id, or for
    a device port the pair (device id, port name))."""

    kind: str
    key: Any


@dataclass(frozen=True)
class Kind:
    """One NetBox object type. `endpoint` is app/name under /api/; `natural` the payload fields
    that name an object when it carries no RackStudio id; `scope` how existing ones are listed
    ("site": filtered by site, "slug": by the wanted slugs, "model": by the wanted models, "type":
    by device type, "module type": by module type)."""

    name: str
    endpoint: str
    natural: tuple[str, ...]
    scope: str
    tracked: bool = True  # carries the RackStudio id (and may be pruned)
    create: bool = True   # False for device components, which NetBox makes from templates
    remake_on: tuple[str, ...] = ()  # fields NetBox cannot change in place: the object is deleted and made again


_TEMPLATE_KINDS = tuple(
    Kind(f"{what} templates", f"dcim.{what.replace(' ', '_')}_templates", ("device_type", "name"), "type",
         tracked=False)
    for what in ("power port", "power outlet", "interface", "console port", "device bay", "module bay"))
KINDS: tuple[Kind, ...] = (
    Kind("manufacturers", "dcim.manufacturers", ("slug",), "slug", tracked=False),
    Kind("device roles", "dcim.device_roles", ("slug",), "slug", tracked=False),
    Kind("device types", "dcim.device_types", ("slug",), "slug", tracked=False),
    *_TEMPLATE_KINDS,
    Kind("module types", "dcim.module_types", ("manufacturer", "model"), "model", tracked=False),
    *(Kind(f"module {k.name}", k.endpoint, ("module_type", "name"), "module type", tracked=False)
      for k in _TEMPLATE_KINDS if k.name not in ("device bay templates", "module bay templates")),
    Kind("rack types", "dcim.rack_types", ("slug",), "slug", tracked=False),
    Kind("locations", "dcim.locations", ("slug",), "site"),
    Kind("rack groups", "dcim.rack_groups", ("slug",), "slug"),
    Kind("racks", "dcim.racks", ("name",), "site"),
    Kind("devices", "dcim.devices", ("name",), "site"),
    # NetBox makes a module's components only when the module is created: another type is a new module
    Kind("modules", "dcim.modules", ("device", "module_bay"), "site", remake_on=("module_type",)),
    Kind("device bays", "dcim.device_bays", ("device", "name"), "site", tracked=False, create=False),
    Kind("power panels", "dcim.power_panels", ("name",), "site"),
    Kind("power feeds", "dcim.power_feeds", ("power_panel", "name"), "site"),
    Kind("power ports", "dcim.power_ports", ("device", "name"), "site", tracked=False, create=False),
    Kind("cables", "dcim.cables", (), "site"),
)
KIND = {k.name: k for k in KINDS}
# Device components a cable ends on: RackStudio port kind -> (NetBox object type, endpoint)
PORT_TYPES = {
    "interface": ("dcim.interface", "dcim.interfaces"),
    "power-port": ("dcim.powerport", "dcim.power_ports"),
    "power-outlet": ("dcim.poweroutlet", "dcim.power_outlets"),
}


@dataclass
class Want:
    """One object as the design wants it in NetBox."""

    kind: str
    key: str                  # RackStudio id (or slug for shared library objects)
    label: str                # what a person reads in the plan
    payload: dict[str, Any]
    custom: dict[str, Any] = field(default_factory=dict)  # custom field values

    @property
    def rid(self) -> str | None:
        return self.custom.get(ID_FIELD)


@dataclass
class NotHeld:
    """What NetBox cannot hold, by what it is: counts and the first few names."""

    items: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str, name: str) -> None:
        self.items.setdefault(what, []).append(name)

    def lines(self, first: int = 3) -> list[str]:
        out = []
        for what, names in sorted(self.items.items()):
            more = f", … {len(names) - first} more" if len(names) > first else ""
            out.append(f"{what}: {len(names)} ({', '.join(names[:first])}{more})")
        return out
