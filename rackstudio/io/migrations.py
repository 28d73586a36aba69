"""Qt-free. One function per format_version step; a file from a newer RackStudio is refused.

Version history:
  1: devices carried their unit as `u`; racks carried `rotation` in degrees (0 = front to the south).
  2: devices carry `position`; racks carry `facing` (N/E/S/W), the way rows already did.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rackstudio.model.design import FORMAT_VERSION

_ROTATION_TO_FACING = {0: "S", 90: "W", 180: "N", 270: "E"}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    for device in (data.get("devices") or {}).values():
        if isinstance(device, dict) and "u" in device:
            device["position"] = device.pop("u")
    for rack in (data.get("racks") or {}).values():
        if isinstance(rack, dict) and "rotation" in rack:
            rotation = rack.pop("rotation")
            if rotation not in _ROTATION_TO_FACING:
                raise ValueError(f"rack {rack.get('id')!r}: rotation {rotation!r} is not 0, 90, 180 or 270")
            rack["facing"] = _ROTATION_TO_FACING[rotation]
    data["format_version"] = 2
    return data


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


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
