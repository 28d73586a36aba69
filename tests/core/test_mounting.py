"""One answer to each placement question (`commands.fit.mounting`): a part stands on the floor,
goes in a side channel, takes a parent's bay or takes rack units, and every fit predicate agrees
with it; deleting a selection (`commands.removal`) removes each thing once."""
from __future__ import annotations

import pytest

from rackstudio.commands import (
    Connect,
    PlaceDevice,
    can_place,
    can_place_floor,
    can_place_in_bay,
    can_place_side,
)
from rackstudio.commands.fit import Mounting, mounting
from rackstudio.commands.removal import removal_commands
from rackstudio.document import Document
from rackstudio.model import PortRef
from rackstudio.model.parts import PartType
from tests.core import builders


def floor_ups() -> PartType:
    """0U with a floor footprint but neither a CDU nor a cooler: it still stands on the floor."""
    return PartType.model_validate({
        "manufacturer": "Generic", "model": "Floor UPS cabinet", "slug": "generic-floor-ups", "u_height": 0,
        "rackstudio": {"category": "other", "footprint_mm": [600, 1000]}})


PARTS = {"server": (builders.server, Mounting.UNITS), "pdu": (builders.pdu, Mounting.SIDE),
         "node": (builders.node, Mounting.BAY), "cdu": (builders.cdu, Mounting.FLOOR),
         "floor-ups": (floor_ups, Mounting.FLOOR)}


@pytest.fixture(name="doc")
def _doc():
    doc = builders.row_document(1)
    doc.execute(PlaceDevice(builders.chassis(), rack=_rack(doc), position=1, device_id="ch"))
    return doc


def _rack(doc: Document) -> str:
    return builders.rack_named(doc.design, "A01")


@pytest.mark.parametrize("name", PARTS)
def test_every_fit_predicate_agrees_with_the_parts_mounting(doc: Document, name: str):
    make, expected = PARTS[name]
    part = make()
    assert mounting(part) is expected
    design = doc.design
    rack = _rack(doc)
    answers = {Mounting.UNITS: can_place(design, part, rack, 20), Mounting.SIDE: can_place_side(design, part, rack, "left"),
               Mounting.BAY: can_place_in_bay(design, part, "ch", "Bay1"),
               Mounting.FLOOR: can_place_floor(design, part, "hall-1", 8000, 8000, "S")}
    assert {m for m, fit in answers.items() if fit} == {expected}, {m: f.reason for m, f in answers.items()}


def test_the_reasons_name_where_the_part_goes(doc: Document):
    design, rack = doc.design, _rack(doc)
    assert can_place(design, floor_ups(), rack, 20).reason == "Floor UPS cabinet stands on the floor, not in a rack"
    assert can_place_side(design, builders.cdu(), rack, "left").reason == "In-row CDU stands on the floor, not in a rack"
    assert can_place_side(design, builders.node(), rack, "left").reason.endswith("put it in a parent's device bay")
    assert Mounting.FLOOR.target == "the hall floor" and Mounting.SIDE.target.startswith("a rack's side channel")


def test_deleting_a_rack_with_its_devices_and_cables_selected_removes_each_once(doc: Document):
    rack = _rack(doc)
    doc.execute(PlaceDevice(builders.server(), rack=rack, position=10, device_id="srv"))
    doc.execute(PlaceDevice(builders.switch(), rack=rack, position=30, device_id="sw"))
    doc.execute(Connect("network", PortRef(owner="srv", port="nic1"), PortRef(owner="sw", port="p1"), conn_id="c-1"))
    commands = removal_commands(doc.design, ["srv", "c-1", rack, "ch", "not-there"])
    assert [type(c).__name__ for c in commands] == ["RemoveRack"]
    assert removal_commands(doc.design, ["c-1"])[0].__class__.__name__ == "Disconnect"
