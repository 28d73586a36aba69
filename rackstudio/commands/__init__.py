"""Qt-free. Every edit a user can make, as a command with apply and revert."""
from rackstudio.commands.base import Command, Composite, Edit, Refused
from rackstudio.commands.connections import Connect, Disconnect
from rackstudio.commands.devices import MoveDevice, NudgeDevice, PlaceDevice, RemoveDevice
from rackstudio.commands.fit import (
    Fit,
    can_place,
    can_place_floor,
    can_place_in_bay,
    can_place_rack,
    can_place_side,
)
from rackstudio.commands.racks import AddRack, AddRow, MoveRack, RemoveRack, RotateRack, add_row_of_racks
from rackstudio.commands.records import (
    AddRecord,
    RemoveRecord,
    SetDesignField,
    SetProperty,
    SetSetting,
    UpdatePartType,
)

__all__ = [
    "AddRack", "AddRecord", "AddRow", "Command", "Composite", "Connect", "Disconnect", "Edit", "Fit",
    "MoveDevice", "MoveRack", "NudgeDevice", "PlaceDevice", "Refused", "RemoveDevice", "RemoveRack",
    "RemoveRecord", "RotateRack", "SetDesignField", "SetProperty", "SetSetting", "UpdatePartType",
    "add_row_of_racks", "can_place", "can_place_floor", "can_place_in_bay", "can_place_rack",
    "can_place_side",
]
