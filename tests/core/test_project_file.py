"""The .rackstudio file: round trips, migrations, refusals with clear messages, warnings."""
from __future__ import annotations

import json

import pytest

from rackstudio.commands import AddRack, Connect, PlaceDevice
from rackstudio.document import Document
from rackstudio.errors import LoadError
from rackstudio.io import dumps, load, parse, save
from rackstudio.model import FORMAT_VERSION, Device, PortRef
from tests.core import builders as b


def small_design():
    doc = Document(b.empty_design())
    doc.execute(AddRack(b.rack_type(), "hall-1", 0, 0, name="A01", rack_id="rk-a01"))
    doc.execute(PlaceDevice(b.server(), rack="rk-a01", position=1, device_id="srv-1"))
    doc.execute(PlaceDevice(b.pdu(), rack="rk-a01", side="left", device_id="pdu-a"))
    doc.execute(Connect("power", PortRef(owner="pdu-a", port="Inlet"), PortRef(owner="feed-a")))
    doc.execute(Connect("power", PortRef(owner="srv-1", port="PSU1"), PortRef(owner="pdu-a", port="O1")))
    return doc.design


def test_load_save_load_is_identical(tmp_path):
    design = small_design()
    path = tmp_path / "pod.rackstudio"
    save(design, path)
    first = path.read_text()
    again = load(path).design
    save(again, path)
    assert path.read_text() == first
    assert again.model_dump() == design.model_dump()


def test_file_is_sorted_indented_json(tmp_path):
    design = small_design()
    text = dumps(design)
    data = json.loads(text)
    assert data["format_version"] == FORMAT_VERSION
    assert list(data["devices"]) == sorted(data["devices"])
    assert "\n \"devices\"" in text  # indented, one key per line


def test_save_keeps_backup_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "pod.rackstudio"
    design = small_design()
    save(design, path)
    design.name = "second"
    save(design, path)
    assert json.loads((tmp_path / "pod.rackstudio.bak").read_text())["name"] == "test"
    assert json.loads(path.read_text())["name"] == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.rackstudio", "pod.rackstudio.bak"]


def test_version_1_file_migrates(tmp_path):
    data = json.loads(dumps(small_design()))
    data["format_version"] = 1
    data["devices"]["srv-1"]["u"] = data["devices"]["srv-1"].pop("position")
    data["racks"]["rk-a01"]["rotation"] = 90
    del data["racks"]["rk-a01"]["facing"]
    loaded = parse(json.dumps(data), "old.rackstudio")
    assert loaded.migrated_from == 1
    assert loaded.design.devices["srv-1"].position == 1
    assert loaded.design.racks["rk-a01"].facing == "W"
    assert loaded.design.format_version == FORMAT_VERSION


@pytest.mark.parametrize(
    ("mutate", "where", "what"),
    [
        (lambda t: t[: len(t) // 2], "line ", "not valid JSON"),
        (lambda t: t.replace('"x_mm": 0.0', '"x_mm": "left"', 1), "$.racks.rk-a01.x_mm", "valid number"),
        (lambda t: t.replace('"rack": "rk-a01"', '"rack": "rk-gone"', 1), "$.devices.", "rk-gone"),
        (lambda t: t.replace(f'"format_version": {FORMAT_VERSION}', '"format_version": 99', 1),
         "$.format_version", "newer RackStudio"),
        (lambda t: "[1, 2]", "$", "JSON object"),
        (lambda t: t.replace('"port": "PSU1"', '"port": "PSU9"', 1), "$.connections.", "no power port named 'PSU9'"),
    ],
    ids=["truncated", "wrong-type", "dangling-rack", "newer-version", "not-an-object", "unknown-port"],
)
def test_malformed_files_are_refused_with_place_and_reason(tmp_path, mutate, where, what):
    path = tmp_path / "bad.rackstudio"
    path.write_text(mutate(dumps(small_design())))
    with pytest.raises(LoadError) as info:
        load(path)
    message = info.value.message
    assert message.startswith(str(path))
    assert where in message
    assert what in message
    assert "\n" not in message


def test_overlapping_devices_load_with_a_warning():
    design = small_design()
    design.put("devices", Device(id="srv-2", name="clash", part="nvidia-dgx-b200", rack="rk-a01", position=5))
    design.put("devices", Device(id="srv-3", name="above", part="nvidia-dgx-b200", rack="rk-a01", position=45))
    loaded = parse(dumps(design), "overlap.rackstudio")
    messages = [m for _, m in loaded.warnings]
    assert any("overlap in rack A01" in m for m in messages)
    assert any("above at U45 (10U) is outside rack A01" in m for m in messages)
    assert set(loaded.design.devices) == {"srv-1", "srv-2", "srv-3", "pdu-a"}


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "nope.rackstudio")
    with pytest.raises(LoadError, match="is a folder"):
        load(tmp_path)
