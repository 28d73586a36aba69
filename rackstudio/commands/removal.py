"""Qt-free. Deleting a selection: one command per selected object, skipping what goes with
something else selected (devices in a removed rack or parent, cables of removed devices), so
Delete removes each thing once and the undo step puts all of it back."""
from __future__ import annotations

from rackstudio.commands.base import Command
from rackstudio.commands.connections import Disconnect
from rackstudio.commands.devices import RemoveDevice
from rackstudio.commands.racks import RemoveRack
from rackstudio.commands.records import RemoveRecord
from rackstudio.model.design import Design
from rackstudio.model.geometry import devices_within

_MOUNTING = ("racks", "devices")


def removal_commands(design: Design, ids: list[str]) -> list[Command]:
    """The commands that delete `ids` (unknown ids are left out)."""
    ids = [i for i in ids if design.kind_of(i) is not None]
    gone: set[str] = set()
    for obj_id in ids:
        if design.kind_of(obj_id) in _MOUNTING:
            gone.update(devices_within(design, obj_id))
    commands: list[Command] = []
    for obj_id in ids:
        kind = design.kind_of(obj_id)
        if obj_id in gone:
            continue
        if kind == "racks":
            commands.append(RemoveRack(obj_id))
        elif kind == "devices":
            commands.append(RemoveDevice(obj_id))
    removed = gone | {i for i in ids if design.kind_of(i) in _MOUNTING}
    for obj_id in ids:
        kind = design.kind_of(obj_id)
        if kind == "connections":
            conn = design.connections[obj_id]
            if conn.a.owner not in removed and conn.b.owner not in removed:
                commands.append(Disconnect(obj_id))
        elif kind not in _MOUNTING:
            commands.append(RemoveRecord(obj_id))
    return commands
