"""Qt-free. The names RackStudio gives devices, and how a generated name follows its device.

A device placed without a name is named after its place (`R101-U26`, `R101-U26r` on the rear,
`R101-L1` in the left side channel, `<parent>-<bay>` in a bay, `<model> 3` on the floor) and
marked `name_generated`; when it moves, the name is generated again for the new place. A name a
user types is kept wherever the device goes.
"""
from __future__ import annotations

from rackstudio.model.design import Design, Device
from rackstudio.model.parts import PartType

PLACEMENT = ("rack", "position", "face", "side", "lateral", "parent", "bay", "hall")


def default_name(design: Design, part: PartType, device: Device) -> str:
    """A readable name for `device` at its place (other devices only are counted)."""
    if device.rack is not None and device.rack in design.racks:
        rack = design.racks[device.rack]
        if device.position is not None:
            label = design.rack_type_of(rack).unit_label(device.position)
            half = {"left": "L", "right": "R"}.get(device.lateral or "", "")
            return f"{rack.name}-U{label:g}{half}" + ("r" if device.face == "rear" else "")
        n = sum(1 for d in design.contents(rack.id)
                if d != device.id and d in design.devices and design.devices[d].side == device.side) + 1
        return f"{rack.name}-{(device.side or 'side')[0].upper()}{n}"
    if device.parent is not None and device.parent in design.devices:
        return f"{design.devices[device.parent].name}-{device.bay}"
    n = sum(1 for d in design.devices.values() if d.part == part.slug and d.id != device.id) + 1
    return f"{part.model} {n}"


def follow_name(design: Design, old: Device, new: Device) -> Device:
    """`new` (a moved `old`) with its generated name made again for its new place; a name the user
    gave, or an edit that does not move the device, leaves it as it is."""
    if not new.name_generated or new.name != old.name:
        return new
    if all(getattr(old, f) == getattr(new, f) for f in PLACEMENT):
        return new
    return new.replace(name=default_name(design, design.part_of(new), new))


def typed_name(old: Device, new: Device) -> Device:
    """A name set by hand is the user's: it is no longer generated."""
    return new.replace(name_generated=None) if new.name != old.name and new.name_generated else new


__all__ = ["default_name", "follow_name", "typed_name"]
