"""Generated device names follow their device; typed names stay; 0U side devices hang at the rear
unless placed on the front; files before format_version 5 are brought to both rules."""
from __future__ import annotations

import copy

from rackstudio.commands import MoveDevice, NudgeDevice, PlaceDevice, SetProperty
from rackstudio.io.migrations import _v4_to_v5
from tests.core import builders as b


def _doc():
    document = b.row_document(2)
    design = document.design
    return document, design, b.rack_named(design, "A01"), b.rack_named(design, "A02")


def test_a_generated_name_follows_its_device_and_undo_brings_it_back():
    document, design, a01, a02 = _doc()
    document.execute(PlaceDevice(b.switch(), rack=a01, position=26, device_id="sw"))
    assert (design.devices["sw"].name, design.devices["sw"].name_generated) == ("A01-U26", True)
    document.execute(MoveDevice("sw", position=36))
    assert design.devices["sw"].name == "A01-U36"
    document.execute(MoveDevice("sw", rack=a02, position=30, face="rear"))
    assert design.devices["sw"].name == "A02-U30r"
    document.execute(NudgeDevice(design, "sw", 1))
    assert design.devices["sw"].name == "A02-U31r"
    document.execute(SetProperty("sw", "position", 20.0))
    assert design.devices["sw"].name == "A02-U20r"
    for _ in range(4):
        document.undo()
    assert design.devices["sw"].name == "A01-U26"


def test_a_typed_name_is_kept_wherever_the_device_goes():
    document, design, a01, _a02 = _doc()
    document.execute(PlaceDevice(b.switch(), rack=a01, position=26, device_id="sw"))
    document.execute(SetProperty("sw", "name", "leaf-1"))
    assert design.devices["sw"].name_generated is None
    document.execute(MoveDevice("sw", position=36))
    assert design.devices["sw"].name == "leaf-1"
    document.execute(PlaceDevice(b.switch(), name="spine", rack=a01, position=10, device_id="sp"))
    document.execute(MoveDevice("sp", position=12))
    assert (design.devices["sp"].name, design.devices["sp"].name_generated) == ("spine", None)


def test_side_devices_hang_at_the_rear_unless_placed_on_the_front():
    document, design, a01, _a02 = _doc()
    document.execute(PlaceDevice(b.pdu(), rack=a01, side="left", device_id="pdu-a"))
    document.execute(PlaceDevice(b.pdu(), rack=a01, side="right", face="front", device_id="pdu-b"))
    assert design.devices["pdu-a"].face == "rear" and design.devices["pdu-b"].face == "front"
    assert design.devices["pdu-a"].name == "A01-L1" and design.devices["pdu-b"].name == "A01-R1"
    document.execute(MoveDevice("pdu-a", side="right"))
    assert design.devices["pdu-a"].name == "A01-R2"


def test_version_4_files_get_rear_side_devices_and_their_generated_names_marked():
    data = {"format_version": 4,
            "racks": {"rk-1": {"name": "R101"}},
            "devices": {"a": {"name": "R101-U26", "rack": "rk-1", "position": 26, "face": "front"},
                        "b": {"name": "R101-U3.5Lr", "rack": "rk-1", "position": 3.5, "face": "rear"},
                        "c": {"name": "R101-L1", "rack": "rk-1", "side": "left", "face": "front"},
                        "d": {"name": "leaf-1", "rack": "rk-1", "position": 40, "face": "front"},
                        "e": {"name": "R101-U26 spare", "rack": "rk-1", "position": 30, "face": "front"},
                        "f": {"name": "R1-U2", "hall": "hall-1"}}}
    out = _v4_to_v5(copy.deepcopy(data))
    devices = out["devices"]
    assert out["format_version"] == 5
    assert [k for k, d in devices.items() if d.get("name_generated")] == ["a", "b", "c"]
    assert devices["c"]["face"] == "rear" and devices["a"]["face"] == "front"
    assert _v4_to_v5({"format_version": 4, "devices": {"x": "not an object"}, "racks": []})["format_version"] == 5
