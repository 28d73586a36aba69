"""Upgrading format_version 1 files: a rack's `rotation` that is not 0, 90, 180 or 270 (a list, an
object, text, true/false, another angle) is refused at its place with a clear message, never
with Python's own (`unhashable type: 'list'`)."""
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
