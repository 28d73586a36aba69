"""Every cable gets its length from the places of its ends when it is made (engineering.md 4.5),
marked estimated until a user types one; the estimate follows the ends in the same undo step as the
move; a typed length is never touched; a file from before version 4 gets its estimates on opening."""
from __future__ import annotations

import json

from rackstudio.commands import Connect, MoveDevice, MoveRack, PlaceDevice, SetProperty
from rackstudio.io import dumps, parse
from rackstudio.model.cable_length import estimate_length_m
from rackstudio.model.design import PortRef
from tests.core import builders as b
from tests.core.builders import rack_named


def pod():
    doc = b.row_document()
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="srv"))
    doc.execute(PlaceDevice(b.switch(), rack=a02, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(b.pdu(), rack=a01, side="left", device_id="pdu"))
    return doc, a01, a02


def nic(port="nic1"):
    return PortRef(owner="srv", port=port)


def test_a_new_cable_carries_its_estimated_length():
    doc, _, _ = pod()
    design = doc.design
    doc.execute(Connect("network", nic(), PortRef(owner="leaf", port="p1"), conn_id="cb-1"))
    conn = design.connections["cb-1"]
    # 48U racks 600 mm apart: V = (2,133.6 − 222.25 + 300) + (2,133.6 − 1,755.775 + 300),
    # H = 600, sides 480, slack max(500, 10 % of run) = 500 → 4.47 m
    assert (conn.length_m, conn.length_estimated) == (4.47, True)
    doc.execute(Connect("network", nic("nic2"), PortRef(owner="leaf", port="p2"), length_m=7.5, conn_id="cb-2"))
    assert (design.connections["cb-2"].length_m, design.connections["cb-2"].length_estimated) == (7.5, None)
    # the estimate as the Connect dialog shows it (4.5) is still the estimate
    doc.execute(Connect("network", nic("nic3"), PortRef(owner="leaf", port="p3"), length_m=4.5, conn_id="cb-3"))
    assert (design.connections["cb-3"].length_m, design.connections["cb-3"].length_estimated) == (4.47, True)
    # a power cord to the 0U PDU beside it: the two side channels and the slack
    doc.execute(Connect("power", PortRef(owner="srv", port="PSU1"), PortRef(owner="pdu", port="O0"), conn_id="pw-1"))
    assert (design.connections["pw-1"].length_m, design.connections["pw-1"].length_estimated) == (0.98, True)
    # a whip to a feed has no place to measure from
    doc.execute(Connect("power", PortRef(owner="srv", port="PSU2"), PortRef(owner="feed-a"), conn_id="pw-2"))
    assert design.connections["pw-2"].length_m is None


def test_the_estimate_follows_a_move_in_the_same_undo_step_and_a_typed_length_stays():
    doc, a01, a02 = pod()
    design = doc.design
    doc.execute(Connect("network", nic(), PortRef(owner="leaf", port="p1"), conn_id="cb-1"))
    doc.execute(Connect("network", nic("nic2"), PortRef(owner="leaf", port="p2"), length_m=7.5, conn_id="cb-2"))
    before = dumps(design)
    doc.execute(MoveDevice("srv", rack=a02, position=1))
    # same rack now: |1,755.775 − 222.25| + 480 + 500 → 2.51 m
    assert design.connections["cb-1"].length_m == 2.51 == estimate_length_m(design, nic(), PortRef(owner="leaf", port="p1"))
    assert design.connections["cb-2"].length_m == 7.5
    doc.undo()
    assert dumps(design) == before
    doc.execute(MoveRack(a02, 1200 + 6000, 1200))
    moved = design.connections["cb-1"]
    assert moved.length_m == estimate_length_m(design, moved.a, moved.b) > 4.47 and moved.length_estimated
    doc.undo()
    assert dumps(design) == before


def test_typing_a_length_ends_the_estimate_and_clearing_it_brings_it_back():
    doc, a01, a02 = pod()
    design = doc.design
    doc.execute(Connect("network", nic(), PortRef(owner="leaf", port="p1"), conn_id="cb-1"))
    doc.execute(SetProperty("cb-1", "length_m", 5.0))
    assert (design.connections["cb-1"].length_m, design.connections["cb-1"].length_estimated) == (5.0, None)
    doc.execute(MoveDevice("srv", rack=a02, position=1))
    assert design.connections["cb-1"].length_m == 5.0
    doc.execute(SetProperty("cb-1", "length_m", None))
    assert (design.connections["cb-1"].length_m, design.connections["cb-1"].length_estimated) == (2.51, True)


def test_a_version_3_file_gets_its_estimates_when_opened():
    doc, _, _ = pod()
    doc.execute(Connect("network", nic(), PortRef(owner="leaf", port="p1"), conn_id="cb-1"))
    doc.execute(Connect("network", nic("nic2"), PortRef(owner="leaf", port="p2"), length_m=7.5, conn_id="cb-2"))
    data = json.loads(dumps(doc.design))
    data["format_version"] = 3
    del data["connections"]["cb-1"]["length_m"], data["connections"]["cb-1"]["length_estimated"]
    loaded = parse(json.dumps(data), "v3.rackstudio")
    assert loaded.migrated_from == 3
    assert dumps(loaded.design) == dumps(doc.design)


def test_the_cable_schedule_shows_the_stored_length_and_whether_it_is_estimated():
    from rackstudio.reports.cable_schedule import HEADER, cable_rows
    col = HEADER.index("Length estimated")
    doc, _, _ = pod()
    doc.execute(Connect("network", nic(), PortRef(owner="leaf", port="p1"), conn_id="cb-1"))
    doc.execute(Connect("network", nic("nic2"), PortRef(owner="leaf", port="p2"), length_m=7.5, conn_id="cb-2"))
    rows = {r.conn_id: r for r in cable_rows(doc.design)}
    assert (rows["cb-1"].length_m, rows["cb-1"].estimated, rows["cb-1"].cells()[col]) == (4.47, True, "yes")
    assert (rows["cb-2"].length_m, rows["cb-2"].estimated, rows["cb-2"].cells()[col]) == (7.5, False, "")
