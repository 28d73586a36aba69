"""Commands: each applies and reverts exactly; refusals change nothing; random sequences undo to the start."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rackstudio.commands import (
    AddRack,
    AddRow,
    Connect,
    Disconnect,
    MoveDevice,
    MoveRack,
    NudgeDevice,
    PlaceDevice,
    Refused,
    RemoveDevice,
    RemoveRack,
    RotateFloorDevice,
    RotateRack,
    SetProperty,
    SetSetting,
    UpdatePartType,
    add_row_of_racks,
    can_place,
)
from rackstudio.document import Document
from rackstudio.graph import ComponentGraph
from rackstudio.io import dumps
from rackstudio.model import PortRef, Row
from tests.core import builders as b


def state(doc: Document):
    return dumps(doc.design), doc.graph.snapshot()


@pytest.fixture
def doc():
    d = Document(b.empty_design())
    d.execute(AddRack(b.rack_type(), "hall-1", 0, 0, name="A01", rack_id="rk-1"))
    d.execute(AddRack(b.rack_type(), "hall-1", 600, 0, name="A02", rack_id="rk-2"))
    d.execute(PlaceDevice(b.pdu(), rack="rk-1", side="left", device_id="pdu-a", name="PDU-A"))
    d.execute(PlaceDevice(b.pdu(), rack="rk-1", side="right", device_id="pdu-b", name="PDU-B"))
    d.execute(Connect("power", PortRef(owner="pdu-a", port="Inlet"), PortRef(owner="feed-a")))
    d.execute(Connect("power", PortRef(owner="pdu-b", port="Inlet"), PortRef(owner="feed-b")))
    return d


def roundtrip(doc: Document, command):
    before = state(doc)
    changes = doc.execute(command)
    assert changes, "a command that changes nothing should not exist"
    after = state(doc)
    assert doc.graph.snapshot() == ComponentGraph(doc.design).snapshot()
    doc.undo()
    assert state(doc) == before
    doc.redo()
    assert state(doc) == after
    return changes


def test_place_move_remove_device(doc):
    changes = roundtrip(doc, PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    assert changes.added == {"nvidia-dgx-b200": "part_types", "srv": "devices"}  # the part is embedded
    assert doc.design.devices["srv"].name == "A01-U1"
    changes = roundtrip(doc, MoveDevice("srv", rack="rk-2", position=20))
    assert changes.changed == {"srv": "devices"}
    roundtrip(doc, RemoveDevice("srv"))


def test_refused_place_changes_nothing(doc):
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    before = state(doc)
    with pytest.raises(Refused, match="units are taken: A01-U1"):
        doc.execute(PlaceDevice(b.server(), rack="rk-1", position=5))
    with pytest.raises(Refused, match="passes the top of the 48U rack A01"):
        doc.execute(PlaceDevice(b.server(), rack="rk-1", position=40))
    with pytest.raises(Refused, match="0U"):
        doc.execute(PlaceDevice(b.pdu(), rack="rk-1", position=20))
    assert state(doc) == before


def test_fit_predicate_reasons(doc):
    design = doc.design
    assert can_place(design, b.server(), "rk-1", 39)  # 39..48 fits exactly
    assert not can_place(design, b.server(), "rk-1", 40)
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    fit = can_place(design, b.switch(), "rk-1", 3, face="rear")
    assert not fit and "full-depth device on the other face" in fit.reason  # the DGX is full depth: its rear units are taken
    assert can_place(design, b.switch(), "rk-1", 11, face="rear")
    assert can_place(design, b.switch(), "rk-1", 11, face="front")
    assert not can_place(design, b.half_width(), "rk-1", 12)  # needs a half
    doc.execute(PlaceDevice(b.half_width(), rack="rk-1", position=12, lateral="left"))
    assert can_place(design, b.half_width(), "rk-1", 12, lateral="right")
    assert not can_place(design, b.half_width(), "rk-1", 12, lateral="left")


def test_child_devices_in_bays(doc):
    doc.execute(PlaceDevice(b.chassis(), rack="rk-2", position=1, device_id="ch"))
    roundtrip(doc, PlaceDevice(b.node(), parent="ch", bay="Bay1", device_id="n1"))
    with pytest.raises(Refused, match="holds"):
        doc.execute(PlaceDevice(b.node(), parent="ch", bay="Bay1"))
    with pytest.raises(Refused, match="no device bay"):
        doc.execute(PlaceDevice(b.node(), parent="ch", bay="Bay9"))
    roundtrip(doc, RemoveDevice("ch"))  # removes its child too


def test_connect_and_disconnect(doc):
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    changes = roundtrip(doc, Connect("power", PortRef(owner="srv", port="PSU1"), PortRef(owner="pdu-a", port="O1"),
                                     conn_id="pw-x"))
    assert changes.added == {"pw-x": "connections"}
    with pytest.raises(Refused, match="already connected"):
        doc.execute(Connect("power", PortRef(owner="srv", port="PSU2"), PortRef(owner="pdu-a", port="O1")))
    with pytest.raises(Refused, match="is an outlet"):
        doc.execute(Connect("power", PortRef(owner="pdu-a", port="O2"), PortRef(owner="pdu-b", port="O2")))
    roundtrip(doc, Disconnect("pw-x"))


def test_racks_move_rotate_remove_and_rows(doc):
    roundtrip(doc, MoveRack("rk-2", 3000, 0))
    with pytest.raises(Refused, match="overlaps A01"):
        doc.execute(MoveRack("rk-2", 300, 0))
    roundtrip(doc, RotateRack("rk-2"))
    assert doc.design.racks["rk-2"].facing == "W"
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    doc.execute(Connect("power", PortRef(owner="srv", port="PSU1"), PortRef(owner="pdu-a", port="O1")))
    changes = roundtrip(doc, RemoveRack("rk-1"))
    assert {"rk-1", "srv", "pdu-a", "pdu-b"} <= set(changes.removed)
    changes = roundtrip(doc, add_row_of_racks(doc.design, b.rack_type(), "hall-1", "B", 8, 0, 4000))
    assert sum(1 for c in changes.added.values() if c == "racks") == 8
    with pytest.raises(Refused, match="outside hall"):
        doc.execute(add_row_of_racks(doc.design, b.rack_type(), "hall-1", "C", 40, 0, 8000))
    assert not any(r.name.startswith("C") for r in doc.design.racks.values())


def test_set_property_validates_and_uses_fit(doc):
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    roundtrip(doc, SetProperty("srv", "name", "gpu-001"))
    with pytest.raises(Refused, match="position"):
        doc.execute(SetProperty("srv", "position", 0.3))
    with pytest.raises(Refused, match="passes the top"):
        doc.execute(SetProperty("srv", "position", 45))
    with pytest.raises(Refused, match="Input should be greater than or equal to 1"):
        doc.execute(SetProperty("feed-a", "amperage_a", 0))
    roundtrip(doc, SetSetting("derating", 1.0))


def test_nudges_merge_into_one_undo_step(doc):
    doc.execute(PlaceDevice(b.switch(), rack="rk-1", position=10, device_id="sw"))
    start = state(doc)
    for _ in range(3):
        doc.execute(NudgeDevice(doc.design, "sw", 1))
    assert doc.design.devices["sw"].position == 13
    doc.undo()
    assert state(doc) == start


def test_update_part_type_is_explicit_and_undoable(doc):
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    newer = b.server(weight=150.0)
    changes = roundtrip(doc, UpdatePartType(newer))
    assert "srv" in changes.changed and "nvidia-dgx-b200" in changes.changed
    taller = b.server(u_height=50)
    with pytest.raises(Refused, match="would no longer fit"):
        doc.execute(UpdatePartType(taller))


def test_a_design_embeds_its_parts_and_keeps_its_own_definition(doc):
    doc.execute(PlaceDevice(b.server(), rack="rk-1", position=1, device_id="srv"))
    library_copy = b.server(weight=1.0)
    doc.execute(PlaceDevice(library_copy, rack="rk-2", position=1, device_id="srv2"))
    assert doc.design.part_types["nvidia-dgx-b200"].weight == 142.4


# --- random sequences ---------------------------------------------------------------------------

PARTS = [b.server(), b.switch(), b.blank(), b.half_width(), b.pdu()]
ops = st.lists(
    st.tuples(st.sampled_from(["place", "move", "remove", "connect", "disconnect", "rack", "moverack",
                               "rotate", "removerack", "prop"]),
              st.integers(0, 10_000), st.integers(0, 10_000)),
    min_size=1, max_size=30)


def random_command(doc: Document, op: str, i: int, j: int):
    d = doc.design
    racks = sorted(d.racks)
    devices = sorted(d.devices)
    if op == "place" and racks:
        part = PARTS[i % len(PARTS)]
        if part.u_height == 0:
            return PlaceDevice(part, rack=racks[j % len(racks)], side=("left", "right")[i % 2])
        return PlaceDevice(part, rack=racks[j % len(racks)], position=1 + (i % 46),
                           face=("front", "rear")[j % 2], lateral=("left", "right")[j % 2] if part.rackstudio.half_width else None)
    if op == "move" and devices and racks:
        dev = d.devices[devices[i % len(devices)]]
        if dev.position is None:
            return None
        return MoveDevice(dev.id, rack=racks[j % len(racks)], position=1 + (j % 46))
    if op == "remove" and devices:
        return RemoveDevice(devices[i % len(devices)])
    if op == "connect" and devices:
        a = d.devices[devices[i % len(devices)]]
        part = d.part_of(a)
        if part.power_ports:
            inlet = part.power_ports[j % len(part.power_ports)].name
            pdus = [x for x in devices if d.part_of(d.devices[x]).power_outlets]
            if pdus and j % 3:
                pdu = d.devices[pdus[j % len(pdus)]]
                outlet = d.part_of(pdu).power_outlets[i % 12].name
                return Connect("power", PortRef(owner=a.id, port=inlet), PortRef(owner=pdu.id, port=outlet))
            return Connect("power", PortRef(owner=a.id, port=inlet), PortRef(owner=("feed-a", "feed-b")[j % 2]))
        return None
    if op == "disconnect" and d.connections:
        return Disconnect(sorted(d.connections)[i % len(d.connections)])
    if op == "rack":
        return AddRack(b.rack_type(), "hall-1", (i % 30) * 600, (j % 8) * 1200, ("N", "E", "S", "W")[i % 4])
    if op == "moverack" and racks:
        return MoveRack(racks[i % len(racks)], (j % 30) * 600, (i % 8) * 1200)
    if op == "rotate" and racks:
        return RotateRack(racks[i % len(racks)])
    if op == "removerack" and racks:
        return RemoveRack(racks[i % len(racks)])
    if op == "prop" and devices:
        return SetProperty(devices[i % len(devices)], "name", f"dev-{j}")
    return None


@given(ops)
def test_random_sequences_undo_to_the_exact_start(sequence):
    doc = Document(b.empty_design())
    start = state(doc)
    doc.execute(AddRack(b.rack_type(), "hall-1", 0, 0, name="A01"))
    applied = 0
    for op, i, j in sequence:
        command = random_command(doc, op, i, j)
        if command is None:
            continue
        before = state(doc)
        try:
            doc.execute(command)
            applied += 1
        except Refused:
            assert state(doc) == before
    assert doc.graph.snapshot() == ComponentGraph(doc.design).snapshot()
    while doc.can_undo:
        doc.undo()
    assert state(doc)[0] == start[0]
    assert state(doc)[1] == start[1]


# --- turning floor equipment ---------------------------------------------------------------------

def test_a_floor_device_turns_about_its_centre_like_a_rack(doc):
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=6000, y_mm=1200, device_id="cdu"))  # 600 x 1200
    roundtrip(doc, RotateFloorDevice("cdu"))
    cdu = doc.design.devices["cdu"]
    assert (cdu.facing, cdu.x_mm, cdu.y_mm) == ("W", 5700, 1500)  # centre stays at (6300, 1800)
    doc.execute(RotateFloorDevice("cdu"))
    cdu = doc.design.devices["cdu"]
    assert (cdu.facing, cdu.x_mm, cdu.y_mm) == ("N", 6000, 1200)
    doc.execute(RotateFloorDevice("cdu", facing="S"))
    assert doc.design.devices["cdu"].facing == "S"


def test_a_floor_device_is_not_turned_into_something_or_off_the_floor(doc):
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=1200, y_mm=0, device_id="cdu"))
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=0, y_mm=3000, device_id="edge"))
    start = state(doc)
    with pytest.raises(Refused, match="CDU 1 cannot turn there: .*overlaps A02"):
        doc.execute(RotateFloorDevice("cdu"))  # turned, it would reach back into A02 at (600..1200, 0..1200)
    with pytest.raises(Refused, match="cannot turn there"):
        doc.execute(RotateFloorDevice("edge"))  # turned, it would stick out west of the hall
    with pytest.raises(Refused, match="does not stand on the floor"):
        doc.execute(RotateFloorDevice("pdu-a"))
    with pytest.raises(Refused, match="there is no device"):
        doc.execute(RotateFloorDevice("nothing"))
    assert state(doc) == start


# --- default rack names --------------------------------------------------------------------------

def test_a_rack_without_a_name_gets_the_next_in_its_row_or_the_first_free_r_number(doc):
    design = doc.design
    doc.execute(AddRow(Row(id="row-b", name="P1-B", hall="hall-1")))
    for i in range(4):
        doc.execute(AddRack(b.rack_type(), "hall-1", i * 600, 3000, row="row-b"))
    assert sorted(r.name for r in design.racks.values() if r.row == "row-b") == [f"P1-B0{i}" for i in range(1, 5)]
    doc.execute(RemoveRack(next(r.id for r in design.racks.values() if r.name == "P1-B02")))
    command = AddRack(b.rack_type(), "hall-1", 2400, 3000, row="row-b")
    doc.execute(command)
    assert command.text == "Add rack P1-B05"  # after the row's last, not into the gap
    doc.execute(AddRack(b.rack_type(), "hall-1", 0, 6000))
    doc.execute(AddRack(b.rack_type(), "hall-1", 600, 6000, name="R02"))
    doc.execute(AddRack(b.rack_type(), "hall-1", 1200, 6000))
    assert sorted(r.name for r in design.racks.values() if r.row is None) == ["A01", "A02", "R01", "R02", "R03"]


def test_a_device_keeps_the_ports_its_cables_use():
    """Found by the GUI monkey test: a connected switch changed to another part in the inspector
    left its cables on ports the new part lacks, and the saved file no longer loaded."""
    from rackstudio.commands import Refused, SetProperty, UpdatePartType
    from rackstudio.io import parse
    from tests.core.test_project_file import small_design

    design = small_design()
    blank = b.blank()
    design.part_types[blank.slug] = blank  # in the design, as a palette drop would embed it
    before = dumps(design)
    with pytest.raises(Refused, match=r"cable .* uses power port 'PSU1' of .*, which .* does not have: disconnect"):
        SetProperty("srv-1", "part", blank.slug).apply(design)
    server = design.part_types[design.devices["srv-1"].part]
    fewer = server.replace(power_ports=[p for p in server.power_ports if p.name != "PSU1"])
    with pytest.raises(Refused, match="uses power port 'PSU1'"):
        UpdatePartType(fewer).apply(design)
    assert dumps(design) == before
    assert dumps(parse(before).design) == before
    # a part change that keeps the ports is still fine
    same_ports = server.replace(slug="server-copy", model="Server copy")
    design.part_types[same_ports.slug] = same_ports
    SetProperty("srv-1", "part", same_ports.slug).apply(design)
    assert parse(dumps(design)).design.devices["srv-1"].part == "server-copy"
