"""Qt-free. One function per format_version step; a file from a newer RackStudio is refused.

Version history:
  1: devices carried their unit as `u`; racks carried `rotation` in degrees (0 = front to the south).
  2: devices carry `position`; racks carry `facing` (N/E/S/W), the way rows already did.
  3: waivers carry `figures`, the finding's numbers when it was waived (a finding that gets worse
     than its waiver is open again); settings carry `waiver_tolerance`. A version 2 waiver kept no
     figures, so it keeps covering its finding by key, as it did.
  4: connections carry `length_estimated` (true when `length_m` is RackStudio's estimate from the
     ends' places rather than a typed length). A length in an older file was typed; a cable without
     one gets its estimate when the file is opened (`complete`).
  5: a 0U side-mounted device's `face` is the face it mounts on (rear when moved from older files);
     devices carry `name_generated` when their name is the one RackStudio made from their place.
  6: designs embed `module_types` (NetBox module types: PSUs, NICs, line cards) and a device carries
     `modules`, bay name → module type id, for what is installed in its module bays. Older files
     have no modules installed; nothing else changes meaning.
  7: network connections may name the optic or cable assembly at each end (`a_end`, `b_end`), the
     fibre between transceivers (`fibre`), and the breakout leg of a port an end takes (`leg`).
     Nothing older changes meaning: a cable without them is checked as before.
  8: the design carries `rack_designs` (racks designed once and placed many times); a rack may be
     an instance of one (`rack_design`, `overrides`); a part may carry `rackstudio.sourcing`
     (supplier, country of origin, lead time, unit price). An older file has none, and loads unchanged.
  9: an instance's `overrides` may hold a device in another place of the rack (`place`, moved by
     hand in its elevation) and, keyed by an internal cable's design id, the optics and fibre of
     that cable in this rack (`a_end`, `b_end`, `fibre`). An older file has neither.

A step that meets a value it cannot upgrade raises `limits.Refusal` naming the value's JSON
place, which the loader reports like any other problem in the file.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rackstudio.io.limits import Refusal, json_path, one_line
from rackstudio.model.cable_length import estimate_missing_lengths
from rackstudio.model.design import FORMAT_VERSION, Design

_ROTATION_TO_FACING = {0: "S", 90: "W", 180: "N", 270: "E"}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    for device in (data.get("devices") or {}).values():
        if isinstance(device, dict) and "u" in device:
            device["position"] = device.pop("u")
    for key, rack in (data.get("racks") or {}).items():
        if isinstance(rack, dict) and "rotation" in rack:
            rack["facing"] = _facing(rack.pop("rotation"), ("racks", key, "rotation"))
    data["format_version"] = 2
    return data


def _facing(rotation: Any, place: tuple) -> str:
    """The facing for a v1 rotation in degrees; a Refusal naming `place` for anything else (a
    list or an object too: it cannot be looked up, and is named rather than shown)."""
    if isinstance(rotation, int | float) and not isinstance(rotation, bool) and rotation in _ROTATION_TO_FACING:
        return _ROTATION_TO_FACING[rotation]
    if isinstance(rotation, list | dict):
        found = f"is {'a list' if isinstance(rotation, list) else 'an object'}, not"
    else:
        found = f"{one_line(repr(rotation), 40)} is not"
    raise Refusal(json_path(place), f"cannot upgrade this format_version 1 file: rotation {found} 0, 90, 180 or 270")


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    for waiver in (data.get("waivers") or {}).values():
        if isinstance(waiver, dict):
            waiver.setdefault("figures", {})
    data["format_version"] = 3
    return data


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    data["format_version"] = 4  # no field changes meaning: `length_estimated` is absent on typed lengths
    return data


def complete(design: Design, original: Any) -> None:
    """The part of a step that needs the model, run on the loaded design: a file older than
    version 4 stored no estimated lengths, so each cable without a length gets its estimate."""
    if isinstance(original, int) and original < 4:
        estimate_missing_lengths(design)


# A name RackStudio generates from a device's place (commands.names.default_name), after the rack's name.
_GENERATED_NAME = re.compile(r"-(U\d+(\.5)?[LR]?r?|[LRS]\d+)")


def _v4_to_v5(data: dict[str, Any]) -> dict[str, Any]:
    """0U side-mounted devices mount at the rear (a face that meant nothing for them before, where
    vertical PDUs hang); a name that is the rack's name and a place (`R101-U26`, `R101-L1`) is the
    one RackStudio generated, and from now on follows the device when it moves."""
    racks = data.get("racks") if isinstance(data.get("racks"), dict) else {}
    for device in (data.get("devices") or {}).values():
        if not isinstance(device, dict):
            continue
        if device.get("side") is not None and device.get("position") is None:
            device["face"] = "rear"
        rack = racks.get(device.get("rack")) if isinstance(device.get("rack"), str) else None
        rack_name = rack.get("name") if isinstance(rack, dict) else None
        name = device.get("name")
        if (isinstance(name, str) and isinstance(rack_name, str) and name.startswith(rack_name)
                and _GENERATED_NAME.fullmatch(name[len(rack_name):])):
            device["name_generated"] = True
    data["format_version"] = 5
    return data


def _v5_to_v6(data: dict[str, Any]) -> dict[str, Any]:
    data["format_version"] = 6  # new fields only: no module is installed in an older file
    return data


def _v6_to_v7(data: dict[str, Any]) -> dict[str, Any]:
    data["format_version"] = 7  # additive: connection ends, fibre and legs are absent on older cables
    return data


def _v7_to_v8(data: dict[str, Any]) -> dict[str, Any]:
    data["format_version"] = 8  # rack designs are new: an older file has none and no instances
    return data


def _v8_to_v9(data: dict[str, Any]) -> dict[str, Any]:
    data["format_version"] = 9  # additive: older overrides leave a slot empty or name a part, as before
    return data


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                                                 4: _v4_to_v5, 5: _v5_to_v6, 6: _v6_to_v7, 7: _v7_to_v8,
                                                                 8: _v8_to_v9}


class NewerFormat(Exception):
    pass


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a parsed file up to FORMAT_VERSION, step by step."""
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"format_version must be a whole number from 1 to {FORMAT_VERSION}, not {version!r}")
    if version > FORMAT_VERSION:
        raise NewerFormat(
            f"the file is format_version {version}, made by a newer RackStudio; this version reads up to "
            f"{FORMAT_VERSION}. Open it with a newer RackStudio.")
    while version < FORMAT_VERSION:
        data = STEPS[version](data)
        version = data["format_version"]
    return data
