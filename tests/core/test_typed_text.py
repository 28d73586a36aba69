"""Control characters in names and labels: every path text enters a design by (add, place, paste,
relabel, rename) refuses them with the one message SetProperty gives; tab and newline stay text,
and a name that already held them (a loaded design) does not block other edits."""
from __future__ import annotations

import pytest

from rackstudio.commands import (
    AddRack,
    AddRecord,
    AddRow,
    Connect,
    MoveRack,
    PlaceDevice,
    Refused,
    SetDesignField,
    SetProperty,
    clipboard,
    pattern_problem,
)
from rackstudio.io import dumps
from rackstudio.model import PortRef, Row
from rackstudio.model.design import Feed, Panel
from rackstudio.model.review import Comment
from tests.core import builders as b
from tests.core.builders import rack_named

HOSTILE = ["A\x1b[31mred", "bell\x07", "nul\x00", "del\x7f", "c1\x9b2J"]


@pytest.fixture
def doc():
    return b.row_document()


def refused(doc, command, field: str) -> str:
    before = dumps(doc.design)
    with pytest.raises(Refused) as info:
        doc.execute(command)
    assert dumps(doc.design) == before
    message = str(info.value)
    assert message.startswith(f"{field}: control characters (") and "\x1b" not in message
    assert "tab and newline are the only ones text may hold" in message
    return message


def commands_with(doc, text: str):
    """Each path a typed name or label enters by, with `text` in it (and the field it names)."""
    design = doc.design
    a01 = rack_named(design, "A01")
    yield AddRow(Row(id="row-x", name=text, hall="hall-1")), "name"
    yield AddRecord("panels", Panel(id="pnl-x", name=text)), "name"
    yield AddRecord("feeds", Feed(id="feed-x", name=text, panel="pnl-a")), "name"
    yield AddRecord("comments", Comment(id="cm-x", author="me", created="2026-12-06T00:00:00Z", text=text)), "text"
    yield AddRack(b.rack_type(), "hall-1", 9000, 6000, name=text), "name"
    yield PlaceDevice(b.server(), name=text, rack=a01, position=10), "name"
    yield SetProperty(a01, "name", text), "name"
    yield SetDesignField("name", text), "name"


@pytest.mark.parametrize("text", HOSTILE)
def test_every_path_refuses_control_characters(doc, text):
    for command, field in commands_with(doc, text):
        refused(doc, command, field)


def test_tab_and_newline_stay_text_on_every_path(doc):
    for command, _ in commands_with(doc, "two\twords\nand a line"):
        doc.execute(command)


def test_a_cable_label_with_control_characters_is_refused(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, device_id="l"))
    connect = Connect("network", PortRef(owner="s", port="nic1"), PortRef(owner="l", port="p1"))
    doc.execute(connect)
    refused(doc, SetProperty(next(iter(design.connections)), "label", "x\x1b]0;t\x07"), "label")
    assert pattern_problem("{a}\x1b[2J{b}").startswith("pattern: control characters (")
    assert pattern_problem("{a}\t{b}") is None


def test_paste_of_a_clip_holding_control_characters_is_refused(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s", description="web"))
    text = clipboard.copy(design, ["s"]).to_json().replace('"web"', '"web\\u001b[31m"')
    refused(doc, clipboard.paste(design, clipboard.Clip.from_json(text), rack_id=a01), "description")
    text = clipboard.copy(design, [a01]).to_json().replace('"A01"', '"A01\\u0007"')
    refused(doc, clipboard.paste(design, clipboard.Clip.from_json(text)), "name")


def test_a_loaded_name_with_control_characters_does_not_block_other_edits(doc):
    """A design that loaded with such a name (with a warning) can still be edited, and renamed."""
    design = doc.design
    a01 = rack_named(design, "A01")
    design.put("racks", design.racks[a01].replace(name="A01\x1b[2J"))
    doc.execute(MoveRack(a01, 1200, 4000))
    doc.execute(SetProperty(a01, "name", "A01"))
    assert design.racks[a01].name == "A01"
