"""Qt-free. Install a module (PSU, NIC, line card) in a device's module bay, or take it out: one
undo step each. The design embeds the module type as it embeds part types; the device records
what fills which bay (`Device.modules`), and its ports are then the part's plus the module's
(`model.modules.fitted`), so a PSU module's inlet can be cabled and counted like any other.
"""
from __future__ import annotations

from rackstudio.changes import Collection
from rackstudio.commands.base import Command, Edit, Refused
from rackstudio.commands.fit import Fit
from rackstudio.model import integrity
from rackstudio.model.design import Design, Device
from rackstudio.model.modules import ModuleType


def _device(design: Design, device_id: str) -> Device:
    device = design.devices.get(device_id)
    if device is None:
        raise Refused(f"no device {device_id!r} in the design")
    return device


def free_bays(design: Design, device: Device) -> list[str]:
    """The device's module bays with nothing installed, in the part's order."""
    taken = device.modules or {}
    return [b.name for b in design.part_types[device.part].module_bays if b.name not in taken]


def bay_for(design: Design, device: Device, module: ModuleType) -> str | None:
    """Where a dropped module goes: the first free bay whose name or position names what it is
    (a PSU goes to a "PSU" bay), else the first free bay; None when every bay is taken."""
    free = free_bays(design, device)
    if not free:
        return None
    if module.is_psu:
        part = design.part_types[device.part]
        labelled = {b.name: f"{b.name} {b.position or ''} {b.label or ''}".lower() for b in part.module_bays}
        for bay in free:
            if "psu" in labelled[bay] or "power" in labelled[bay]:
                return bay
    return free[0]


def install_here(design: Design, device_id: str, module: ModuleType) -> tuple[InstallModule | None, Fit]:
    """The InstallModule a module dropped on a device would run (into `bay_for`'s bay), and
    whether it fits: the command's own refusal, planned without applying it."""
    device = design.devices.get(device_id)
    if device is None:
        return None, Fit(False, "drop the module onto a device")
    part = design.part_types[device.part]
    if not part.module_bays:
        return None, Fit(False, f"{part.model} has no module bays")
    bay = bay_for(design, device, module)
    if bay is None:
        return None, Fit(False, f"every module bay of {device.name} is taken")
    command = InstallModule(device_id, bay, module)
    try:
        command.plan(design)
    except Refused as exc:
        return None, Fit(False, str(exc))
    return command, Fit(True)


class InstallModule(Command):
    """Put a module type into a device's empty module bay (embedding the module type if the design
    has none of that key: the design's own definition wins, as for parts)."""

    def __init__(self, device_id: str, bay: str, module: ModuleType):
        super().__init__()
        self.device_id, self.bay, self.module = device_id, bay, module
        self.text = f"Install {module.model}"

    def plan(self, design: Design) -> list[Edit]:
        device = _device(design, self.device_id)
        part = design.part_types[device.part]
        if self.bay not in {b.name for b in part.module_bays}:
            raise Refused(f"{device.name} ({part.model}) has no module bay {self.bay!r}")
        held = (device.modules or {}).get(self.bay)
        if held is not None:
            raise Refused(f"{device.name} bay {self.bay} already holds {design.module_types[held].model}: "
                          "remove it first")
        key = self.module.key
        edits = []
        if key not in design.module_types:
            edits.append(Edit(Collection.MODULE_TYPES, key, None, self.module))
        new = device.replace(modules={**(device.modules or {}), self.bay: key})
        design.module_types.setdefault(key, self.module)  # visible to the checks below, then undone
        try:
            problems = integrity.record_problems(design, "devices", new)
        finally:
            if edits:
                del design.module_types[key]
        if problems:
            raise Refused(problems[0][1])
        self.text = f"Install {self.module.model} in {device.name} {self.bay}"
        return [*edits, Edit(Collection.DEVICES, device.id, device, new)]


class RemoveModule(Command):
    """Take the module out of a bay; the cables plugged into its ports go with it (undo puts both
    back). The module type stays embedded, as a part type does when its last device goes."""

    def __init__(self, device_id: str, bay: str):
        super().__init__()
        self.device_id, self.bay = device_id, bay
        self.text = "Remove module"

    def plan(self, design: Design) -> list[Edit]:
        device = _device(design, self.device_id)
        if self.bay not in (device.modules or {}):
            raise Refused(f"{device.name} bay {self.bay} holds no module")
        rest = {k: v for k, v in device.modules.items() if k != self.bay}
        new = device.replace(modules=rest or None)
        after = design.part_of(new)
        edits = []
        for conn_id in sorted(design.connections_of(device.id)):
            conn = design.connections[conn_id]
            if any(end.owner == device.id and not after.has_port(conn.kind, end.port) for end in (conn.a, conn.b)):
                edits.append(Edit(Collection.CONNECTIONS, conn_id, conn, None))
        self.text = f"Remove {design.module_types[device.modules[self.bay]].model} from {device.name} {self.bay}"
        return [*edits, Edit(Collection.DEVICES, device.id, device, new)]


__all__ = ["InstallModule", "RemoveModule", "bay_for", "free_bays", "install_here"]
