"""Qt-free. Every edit a user can make, as a command with apply and revert."""
from rackstudio.commands.arrange import NudgeRack, align, distribute, ordered_moves
from rackstudio.commands.base import Command, Composite, Edit, Refused
from rackstudio.commands.bulk import connect_liquid
from rackstudio.commands.clipboard import Clip, copy, paste
from rackstudio.commands.connections import Connect, Disconnect, SetEnds
from rackstudio.commands.devices import (
    MoveDevice,
    NudgeDevice,
    PlaceDevice,
    RemoveDevice,
    RotateFloorDevice,
)
from rackstudio.commands.fit import (
    Fit,
    can_place,
    can_place_floor,
    can_place_in_bay,
    can_place_rack,
    can_place_side,
)
from rackstudio.commands.labels import cable_label, labeler, pattern_problem
from rackstudio.commands.modules import InstallModule, RemoveModule, bay_for, free_bays, install_here
from rackstudio.commands.network_plan import connect_to_leaf, plan_rails, plan_to_leaf, rail_optimised
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
    "AddRack", "AddRecord", "AddRow", "Clip", "Command", "Composite", "Connect", "Disconnect", "Edit", "Fit",
    "InstallModule", "MoveDevice", "MoveRack", "NudgeDevice", "NudgeRack", "PlaceDevice", "Refused", "RemoveDevice",
    "RemoveModule", "RemoveRack", "RemoveRecord", "RotateFloorDevice", "RotateRack", "SetDesignField", "SetEnds",
    "SetProperty", "SetSetting", "UpdatePartType", "add_row_of_racks", "align", "bay_for", "cable_label", "can_place",
    "can_place_floor",
    "can_place_in_bay", "can_place_rack", "can_place_side", "connect_liquid",
    "connect_to_leaf", "copy", "distribute", "free_bays", "install_here", "labeler", "ordered_moves", "paste", "pattern_problem",
    "plan_rails", "plan_to_leaf", "rail_optimised",
]
