"""Two known revisions of a small review pod, shared by the report, CLI and GUI tests, and the
checks that the builders produce what the other tests assume."""
from __future__ import annotations

from rackstudio.commands import (
    AddRack,
    AddRecord,
    Connect,
    MoveDevice,
    MoveRack,
    PlaceDevice,
    RemoveDevice,
    SetDesignField,
    SetProperty,
    add_row_of_racks,
)
from rackstudio.document import Document
from rackstudio.model import Comment, Design, PortRef, Waiver
from tests.core import builders

A01, A02, A03 = "row-1-rk1", "row-1-rk2", "rk-a03"


def revision_a() -> Document:
    """Row A of two racks: A01 holds PDU pdu-a (0U, fed by feed-a), server srv at U1 (PSU1-3 on the
    PDU, PSU4-6 on feed-b) and a blank at U11; A02 holds switch sw at U40 (PS1 feed-a, PS2 feed-b).
    Cable cb-1 joins srv nic1 to sw p1 (AOC, 5 m). Name "Review pod", revision A."""
    doc = Document(builders.empty_design())
    design = doc.design
    doc.execute(SetDesignField("name", "Review pod"))
    doc.execute(SetDesignField("revision", "A"))
    doc.execute(add_row_of_racks(design, builders.rack_type(), "hall-1", "A", 2, 1200, 1200, "S"))
    doc.execute(PlaceDevice(builders.pdu(), name="pdu-a", device_id="pdu-a", rack=A01, side="left"))
    doc.execute(PlaceDevice(builders.server(), name="srv", device_id="srv", rack=A01, position=1))
    doc.execute(PlaceDevice(builders.blank(), name="bl", device_id="bl", rack=A01, position=11))
    doc.execute(PlaceDevice(builders.switch(), name="sw", device_id="sw", rack=A02, position=40))
    doc.execute(Connect("power", PortRef(owner="pdu-a", port="Inlet"), PortRef(owner="feed-a")))
    for i in range(1, 4):
        doc.execute(Connect("power", PortRef(owner="srv", port=f"PSU{i}"), PortRef(owner="pdu-a", port=f"O{i - 1}")))
    for i in range(4, 7):
        doc.execute(Connect("power", PortRef(owner="srv", port=f"PSU{i}"), PortRef(owner="feed-b")))
    doc.execute(Connect("power", PortRef(owner="sw", port="PS1"), PortRef(owner="feed-a")))
    doc.execute(Connect("power", PortRef(owner="sw", port="PS2"), PortRef(owner="feed-b")))
    doc.execute(Connect("network", PortRef(owner="srv", port="nic1"), PortRef(owner="sw", port="p1"),
                        media="aoc", length_m=5, conn_id="cb-1"))
    return doc


def revision_b() -> Document:
    """Revision A with exactly these changes: srv moved to A02 U1; srv2 placed in A01 U20 and cabled
    (cb-2, nic1 to sw p2, DAC 2 m); the blank removed; rack A03 added at (2.4, 1.2 m) outside the
    row; A02 moved 1.2 m south; feed-a 32 → 63 A; cb-1 5 → 3 m; a comment on A01; revision B."""
    doc = revision_a()
    design = doc.design
    doc.execute(MoveDevice("srv", rack=A02, position=1))
    doc.execute(PlaceDevice(builders.server(), name="srv2", device_id="srv2", rack=A01, position=20))
    doc.execute(Connect("network", PortRef(owner="srv2", port="nic1"), PortRef(owner="sw", port="p2"),
                        media="dac", length_m=2, conn_id="cb-2"))
    doc.execute(RemoveDevice("bl"))
    doc.execute(AddRack(builders.rack_type(), "hall-1", 3000, 1200, "S", name="A03", rack_id=A03))
    doc.execute(MoveRack(A02, design.racks[A02].x_mm, 2400))
    doc.execute(SetProperty("feed-a", "amperage_a", 63))
    doc.execute(SetProperty("cb-1", "length_m", 3))
    doc.execute(AddRecord("comments", Comment(id="cm-1", target=A01, author="ana", created="2026-11-20T10:00:00",
                                              text="Check the blank-panel plan")))
    doc.execute(SetDesignField("revision", "B"))
    return doc


def reviewed(design: Design) -> Design:
    """A copy of a design with a waiver and a review record (for the design report)."""
    copy = Design.model_validate(design.model_dump())
    copy.put("waivers", Waiver(id="wv-1", finding="SPC-999:x", reason="accepted for the pilot", author="ana",
                               created="2026-11-21"))
    return copy


def test_revision_a_is_as_described():
    design = revision_a().design
    assert [design.racks[r].name for r in (A01, A02)] == ["A01", "A02"]
    assert design.devices["srv"].rack == A01 and design.devices["sw"].rack == A02
    assert design.connections["cb-1"].length_m == 5
    assert design.revision == "A"


def test_revision_b_is_as_described():
    design = revision_b().design
    assert design.devices["srv"].rack == A02 and "bl" not in design.devices and A03 in design.racks
    assert design.feeds["feed-a"].amperage_a == 63 and design.revision == "B"
