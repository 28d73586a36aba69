"""Copy, paste and duplicate (rackstudio.commands.clipboard): plain JSON on the clipboard and one
Composite that puts a copy back, with fresh ids and names on free floor and free units."""
from __future__ import annotations

import pytest

from rackstudio.commands import Connect, PlaceDevice, Refused, clipboard
from rackstudio.model.design import PortRef
from tests.core import builders as b
from tests.core.builders import rack_named


@pytest.fixture
def doc():
    return b.row_document()


def test_duplicate_a_rack_with_its_devices_and_internal_cables(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="l"))
    doc.execute(Connect("network", PortRef(owner="s", port="nic1"), PortRef(owner="l", port="p1")))
    clip = clipboard.Clip.from_json(clipboard.copy(design, [a01]).to_json())
    doc.execute(clipboard.paste(design, clip, text="Duplicate"))
    assert len(design.racks) == 3 and len(design.devices) == 4 and len(design.connections) == 2
    new = next(r for r in design.racks.values() if r.name not in ("A01", "A02"))
    assert new.name == "A03" and len(design.contents(new.id)) == 2
    doc.undo()
    assert len(design.racks) == 2 and len(design.devices) == 2 and len(design.connections) == 1


def test_paste_devices_into_a_rack_finds_free_units(doc):
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=10, device_id="sw"))
    doc.execute(PlaceDevice(b.switch(), rack=a02, position=10))
    clip = clipboard.copy(design, ["sw"])
    doc.execute(clipboard.paste(design, clip, rack_id=a02))
    placed = sorted(d.position for d in design.devices.values() if d.rack == a02)
    assert placed == [10, 11]


def test_an_empty_clip_pastes_nothing(doc):
    clip = clipboard.copy(doc.design, ["no-such-thing"])
    assert not clip
    with pytest.raises(Refused, match="nothing on the clipboard"):
        clipboard.paste(doc.design, clip)


def test_next_name_counts_on_or_numbers():
    assert clipboard.next_name({"A03", "A04"}, "A03") == "A05"
    assert clipboard.next_name({"PDU"}, "PDU") == "PDU 2"
