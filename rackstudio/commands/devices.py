"""Qt-free. Commands on devices: place (in a rack, a side channel, a parent's bay, or on the
floor), move, nudge, turn floor equipment, remove."""
from __future__ import annotations

from rackstudio.commands.base import Command, Edit, Refused, put
from rackstudio.commands.fit import fit_device
from rackstudio.commands.names import default_name, follow_name
from rackstudio.commands.records import embed_part, removal_edits
from rackstudio.model import integrity
from rackstudio.model.design import Design, Device
from rackstudio.model.geometry import turned
from rackstudio.model.parts import PartType


class PlaceDevice(Command):
    """Place a library part. `placement` holds the Device placement fields:
    rack+position+face(+lateral), rack+side (0U), parent+bay, or hall+x_mm+y_mm+facing."""

    def __init__(self, part: PartType, name: str | None = None, device_id: str | None = None,
                 **placement):
        super().__init__()
        self.part, self.name, self.device_id, self.placement = part, name, device_id, placement
        self.text = f"Place {part.model}"

    def plan(self, design: Design) -> list[Edit]:
        part, edits = embed_part(design, self.part)
        device_id = self.device_id or design.new_id("dv")
        if design.kind_of(device_id) is not None:
            raise Refused(f"id {device_id!r} is already in use")
        draft = Device(id=device_id, name=self.name or "?", part=part.slug, **self.placement)
        for ref, coll in ((draft.rack, design.racks), (draft.parent, design.devices), (draft.hall, design.halls)):
            if ref is not None and ref not in coll:
                raise Refused(f"there is no {('rack', 'device', 'hall')[[draft.rack, draft.parent, draft.hall].index(ref)]} {ref!r}")
        fit = fit_device(design, draft, part)
        if not fit:
            raise Refused(fit.reason)
        device = draft if self.name else draft.replace(name=default_name(design, part, draft), name_generated=True)
        where = design.racks[device.rack].name if device.rack else (
            design.devices[device.parent].name if device.parent else design.halls[device.hall].name)
        self.text = f"Place {part.model} in {where}"
        return [*edits, put("devices", None, device)]


_HOMES = {"rack": ("rack", "position", "face", "side", "lateral"), "parent": ("parent", "bay"),
          "hall": ("hall", "x_mm", "y_mm")}


def _leave_home(placement: dict) -> dict:
    """A move names the new home; the placement fields of the other homes are cleared, so a
    device is never in two places at once."""
    target = next((home for home in _HOMES if home in placement), None)
    if target is None:
        return {}
    return {field: None for home, fields in _HOMES.items() if home != target for field in fields
            if field not in ("face",)}


class MoveDevice(Command):
    """Move a device to another unit, face, rack, bay or floor spot; children move with it."""

    def __init__(self, device_id: str, **placement):
        super().__init__()
        self.device_id, self.placement = device_id, placement
        self.text = "Move device"

    def plan(self, design: Design) -> list[Edit]:
        old = design.devices.get(self.device_id)
        if old is None:
            raise Refused(f"there is no device {self.device_id!r}")
        new = old.replace(**{**_leave_home(self.placement), **self.placement})
        new = follow_name(design, old, new)
        problems = integrity.record_problems(design, "devices", new)
        if problems:
            raise Refused(problems[0][1])
        fit = fit_device(design, new, design.part_of(new))
        if not fit:
            raise Refused(fit.reason)
        if new.rack and new.rack != old.rack:
            self.text = f"Move {old.name} to {design.racks[new.rack].name}"
        else:
            self.text = f"Move {old.name}"
        return [put("devices", old, new)]


class NudgeDevice(MoveDevice):
    """Arrow-key nudge by whole or half units; consecutive nudges of one device merge."""

    def __init__(self, design: Design, device_id: str, delta_units: float):
        device = design.devices[device_id]
        super().__init__(device_id, position=(device.position or 0) + delta_units)
        self.merge_key = ("nudge", device_id)


class RotateFloorDevice(Command):
    """Turn a floor device (CDU, in-row cooler) a quarter turn clockwise about its footprint's
    centre (R in the hall view), as RotateRack turns a rack."""

    def __init__(self, device_id: str, facing: str | None = None):
        super().__init__()
        self.device_id, self.facing = device_id, facing
        self.text = "Rotate device"

    def plan(self, design: Design) -> list[Edit]:
        old = design.devices.get(self.device_id)
        if old is None:
            raise Refused(f"there is no device {self.device_id!r}")
        if old.hall is None:
            raise Refused(f"{old.name} does not stand on the floor: only floor equipment turns")
        new = turned(design, old, self.facing)
        self.text = f"Rotate {old.name} to face {new.facing}"
        fit = fit_device(design, new, design.part_of(new))
        if not fit:
            raise Refused(f"{old.name} cannot turn there: {fit.reason}")
        return [put("devices", old, new)]


class RemoveDevice(Command):
    def __init__(self, device_id: str):
        super().__init__()
        self.device_id = device_id
        self.text = "Remove device"

    def plan(self, design: Design) -> list[Edit]:
        device = design.devices.get(self.device_id)
        if device is None:
            raise Refused(f"there is no device {self.device_id!r}")
        self.text = f"Remove {device.name}"
        return removal_edits(design, self.device_id)
