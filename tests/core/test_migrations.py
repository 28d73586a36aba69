"""Upgrading older files: every older format_version migrates and round-trips, every newer one
is refused; a version 1 rack's `rotation` that is not 0, 90, 180 or 270 (a list, an object, text,
true/false, another angle) is refused at its place with a clear message, never with Python's
own (`unhashable type: 'list'`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rackstudio.errors import LoadError
from rackstudio.io import parse

BASE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "base.rackstudio"
UPGRADE = "cannot upgrade this format_version 1 file: rotation"


def v1_file(rotation) -> str:
    data = json.loads(BASE.read_text())
    data["format_version"] = 1
    rack = data["racks"]["rk-1"]
    del rack["facing"]
    rack["rotation"] = rotation
    return json.dumps(data)


@pytest.mark.parametrize(("rotation", "facing"), [(0, "S"), (90, "W"), (180.0, "N"), (270, "E")])
def test_a_rotation_in_degrees_becomes_a_facing(rotation, facing):
    loaded = parse(v1_file(rotation))
    assert loaded.migrated_from == 1 and loaded.design.racks["rk-1"].facing == facing


@pytest.mark.parametrize(("rotation", "found"), [
    ([90], "is a list, not"),
    ([[1, 2], {"a": 1}], "is a list, not"),
    ({"degrees": 90}, "is an object, not"),
    ({}, "is an object, not"),
    ("90", "'90' is not"),
    (False, "False is not"),
    (True, "True is not"),
    (None, "None is not"),
    (45, "45 is not"),
    ("x" * 10_000, "'xxxxxxxx"),
])
def test_a_rotation_that_is_not_an_angle_is_refused_at_its_place(rotation, found):
    with pytest.raises(LoadError) as info:
        parse(v1_file(rotation), "old.rackstudio")
    error = info.value
    assert error.where == "$.racks.rk-1.rotation"
    assert error.what.startswith(f"{UPGRADE} {found}") and error.what.endswith("0, 90, 180 or 270")
    assert len(error.message) < 200 and "\n" not in error.message


FACING_TO_ROTATION = {"S": 0, "W": 90, "N": 180, "E": 270}


def as_version_1(text: str) -> str:
    """A current file written the way format_version 1 wrote it (`u`, `rotation` in degrees; no
    waiver figures or waiver tolerance, which came with version 3; no stored length estimates,
    which came with version 4; no generated-name marks and 0U devices on the default face, before
    version 5; no module types, before version 6; no optics, fibres or breakout legs on network
    cables, before version 7; no rack designs, before version 8)."""
    data = json.loads(text)
    data["format_version"] = 1
    assert data.pop("module_types") == {}  # the example installs no modules
    _strip_rack_designs(data)
    del data["rack_designs"]
    for conn in data["connections"].values():
        if conn.pop("length_estimated", False):
            del conn["length_m"]
    _strip_optics(data)
    del data["settings"]["waiver_tolerance"]
    for waiver in data["waivers"].values():
        del waiver["figures"]
    for device in data["devices"].values():
        device.pop("name_generated", None)
        if device.get("side") is not None and "position" not in device:
            device["face"] = "front"
        if "position" in device:
            device["u"] = device.pop("position")
    for rack in data["racks"].values():
        rack["rotation"] = FACING_TO_ROTATION[rack.pop("facing", "S")]
    return json.dumps(data, indent=1)


def _strip_rack_designs(data: dict) -> dict:
    """The design as a file before version 8 held it: no rack designs, every rack an ordinary one
    (its devices and cables keep the ids they had as an instance's)."""
    data["rack_designs"] = {}
    for rack in data["racks"].values():
        rack.pop("rack_design", None)
        rack.pop("overrides", None)
    return data


def _strip_optics(data: dict) -> dict:
    """The connections as a file before version 6 held them: no optics, fibres or breakout legs."""
    for conn in data["connections"].values():
        for key in ("a_end", "b_end", "fibre"):
            conn.pop(key, None)
        conn["a"].pop("leg", None)
        conn["b"].pop("leg", None)
    return data


def test_every_older_version_migrates_and_round_trips_and_every_newer_one_is_refused(tmp_path):
    """The example pod (434 devices, racks facing north and south) as version 1 loads as the same
    design, saves as the current version, and loads back byte for byte; versions past the current
    one are refused naming both."""
    from rackstudio import paths
    from rackstudio.io import dumps, load, save
    from rackstudio.io.migrations import STEPS
    from rackstudio.model.design import FORMAT_VERSION

    current = paths.example_design().read_text()
    assert sorted(STEPS) == list(range(1, FORMAT_VERSION))  # a step for every older version
    loaded = parse(as_version_1(current), "pod-v1.rackstudio")
    assert loaded.migrated_from == 1
    older = _strip_rack_designs(_strip_optics(json.loads(current)))
    older["format_version"] = 4  # so an instance device's name, which follows its rack, is marked as 5 marks it
    # everything but the optics, which came with 7, and the rack designs, which came with 8
    assert dumps(loaded.design) == dumps(parse(json.dumps(older)).design) != current
    loaded = parse(current, "pod.rackstudio")
    save(loaded.design, tmp_path / "pod.rackstudio")
    assert (tmp_path / "pod.rackstudio").read_text() == current
    assert dumps(load(tmp_path / "pod.rackstudio").design) == current
    with pytest.raises(LoadError, match=f"2147483648 is not a format_version .this RackStudio reads 1 to {FORMAT_VERSION}"):
        parse(current.replace(f'"format_version": {FORMAT_VERSION}', '"format_version": 2147483648', 1), "x")
    for newer in (FORMAT_VERSION + 1, FORMAT_VERSION + 10):
        text = current.replace(f'"format_version": {FORMAT_VERSION}', f'"format_version": {newer}', 1)
        with pytest.raises(LoadError, match=f"format_version {newer}, made by a newer RackStudio.*reads up to "
                                            f"{FORMAT_VERSION}"):
            parse(text, "future.rackstudio")
