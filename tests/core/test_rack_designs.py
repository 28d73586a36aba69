"""Rack designs as linked products: a design made from a rack, placed 100 times, edited (a device
added, a PSU cord moved), undone and redone; every instance, the graph and the checks follow
exactly; overrides survive unrelated edits, conflicting ones are listed; files round-trip."""
from __future__ import annotations

import json

import pytest

from rackstudio.checks.rule import Finding
from rackstudio.commands import AddRecord, Refused, SetProperty
from rackstudio.commands.rack_designs import (
    DetachInstance,
    EditRackDesign,
    MakeRackDesign,
    PlaceRackInstance,
    RemoveRackDesign,
    SetOverride,
    SwapGeneration,
    place_instances,
)
from rackstudio.document import Document
from rackstudio.generate import example_pod
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps, load, parse, save
from rackstudio.model.design import Connection, DeviceOverride, Hall, PortRef
from rackstudio.model.rack_designs import conflicts, drift, instance_id, instances
from rackstudio.reports.rack_design_impact import preview
from tests.core.test_state_machine import check_engine_agrees

MGMT = "rk-10"  # the example pod's management rack: two 0U rPDUs, two switches with two PSUs each


@pytest.fixture(scope="module")
def pod_text() -> str:
    """The example pod with every rack an ordinary one, to make rack designs from."""
    return dumps(example_pod(rack_designs=False))


def pod(text: str, checks: bool = True) -> Document:
    doc = Document(parse(text).design)
    if checks:
        doc.attach_check_engine()
    return doc


def whole(doc: Document) -> None:
    """Every instance holds exactly what its design says; graph and findings equal fresh ones."""
    design = doc.design
    for rd in design.rack_designs.values():
        for rack_id in instances(design, rd.slug):
            assert drift(design, rack_id) == [], f"{rack_id} does not follow {rd.slug}"
    assert doc.graph.snapshot() == ComponentGraph(design).snapshot()
    check_engine_agrees(doc, doc.check_engine)


def spots(n: int, hall: str = "hall-9"):
    return [(hall, 600.0 * (i % 20), 1200.0 + 3600.0 * (i // 20), "S", f"M{i:03d}", None) for i in range(n)]


def with_hall(doc: Document) -> None:
    doc.execute(AddRecord("halls", Hall(id="hall-9", name="Hall 9", width_mm=12000, depth_mm=19200)))


def test_make_place_edit_undo_redo_every_instance_follows(pod_text):
    doc = pod(pod_text)
    design = doc.design
    start = dumps(design)
    externals = {c for d in design.contents(MGMT) for c in design.connections_of(d)}
    doc.execute(MakeRackDesign(MGMT, "Management rack", "mgmt"))
    rd = design.rack_designs["mgmt"]
    assert design.racks[MGMT].rack_design == "mgmt" and len(rd.devices) == 50 and len(rd.connections) == 4
    # the rack's devices took instance ids, its external cables followed them
    assert all(d.startswith(MGMT + ".") for d in design.contents(MGMT))
    assert {c for d in design.contents(MGMT) for c in design.connections_of(d)} - externals <= {
        instance_id(MGMT, c) for c in rd.connections}
    whole(doc)
    with_hall(doc)
    doc.execute(place_instances("mgmt", spots(100)))
    assert len(instances(design, "mgmt")) == 101
    whole(doc)
    placed = dumps(design)

    switch = next(d for d in rd.devices.values() if d.part == "nvidia-spectrum-sn2201")
    blank = max((d for d in rd.devices.values() if d.part == "generic-blanking-panel-1u"), key=lambda d: d.position)
    added = switch.model_copy(update={"id": "sw-new", "name": blank.name, "position": blank.position})
    cord = next(c for c in rd.connections.values() if c.a.port == "PSU1")
    moved = cord.model_copy(update={"b": PortRef(owner=cord.b.owner, port="B2-C13-1")})
    feed_new = Connection(id="pw-new", kind="power", a=PortRef(owner="sw-new", port="PSU1"),
                          b=PortRef(owner=cord.b.owner, port="B3-C13-1"))
    devices = {k: v for k, v in rd.devices.items() if k != blank.id}
    edited = rd.model_copy(update={"revision": "B", "devices": {**devices, "sw-new": added},
                                   "connections": {**rd.connections, cord.id: moved, "pw-new": feed_new}})
    edit = EditRackDesign(edited)
    findings = doc.check_engine.findings()
    impact = preview(doc.check_engine, edit)
    assert dumps(design) == placed and doc.check_engine.findings() == findings  # the preview left no trace
    doc.execute(edit)
    assert len(edit.instances) == 101 and edit.conflicts == [] and impact.instances == edit.instances
    now = doc.check_engine.findings()
    assert sorted(impact.added, key=Finding.sort_key) == [f for f in now if f not in findings]
    assert sorted(impact.cleared, key=Finding.sort_key) == [f for f in findings if f not in now]
    # the new switch draws from the rPDUs: every instance's feeds carry more, the halls' heat rises
    assert impact.feed_w and all(f.after >= f.before for f in impact.feed_w) and any(f.delta > 0 for f in impact.feed_w)
    assert {f.subject for f in impact.hall_air_w} == {"hall-1", "hall-9"}
    assert all(f.delta > 0 for f in impact.hall_air_w) and impact.lines()[0].startswith("101 racks change")
    for rack_id in instances(design, "mgmt"):
        assert design.devices[instance_id(rack_id, "sw-new")].part == "nvidia-spectrum-sn2201"
        assert instance_id(rack_id, blank.id) not in design.devices
        assert design.connections[instance_id(rack_id, cord.id)].b.port == "B2-C13-1"
        assert instance_id(rack_id, "pw-new") in design.connections_of(instance_id(rack_id, "sw-new"))
    whole(doc)
    after = dumps(design)
    doc.undo()
    assert dumps(design) == placed
    whole(doc)
    doc.redo()
    assert dumps(design) == after
    whole(doc)
    while doc.can_undo:
        doc.undo()
    assert dumps(design) == start
    whole(doc)


def test_overrides_survive_an_unrelated_edit_and_conflicts_are_listed(pod_text):
    doc = pod(pod_text, checks=False)
    design = doc.design
    doc.execute(MakeRackDesign(MGMT, "Management rack", "mgmt"))
    with_hall(doc)
    doc.execute(place_instances("mgmt", spots(3)))
    a, b, c = instances(design, "mgmt")[:3]
    rd = design.rack_designs["mgmt"]
    blank = next(k for k, d in rd.devices.items() if d.part == "generic-blanking-panel-1u")
    switch = next(k for k, d in rd.devices.items() if d.part == "nvidia-spectrum-sn2201")
    doc.execute(SetOverride(a, blank, DeviceOverride(empty=True)))
    assert instance_id(a, blank) not in design.devices
    doc.execute(SetOverride(b, switch, DeviceOverride(empty=True)))
    # the switch's cords to the rPDUs went with it in that instance only
    assert not any(cn.startswith(b + ".") and switch in cn for cn in design.connections)
    assert drift(design, a) == [] and drift(design, b) == []
    # an unrelated edit (the design's notes and another blank's place) keeps both overrides
    other = next(k for k, d in rd.devices.items() if d.part == "generic-blanking-panel-1u" and k != blank)
    edited = rd.model_copy(update={"notes": "rev B: blank moved"})
    doc.execute(EditRackDesign(edited))
    assert design.racks[a].overrides == {blank: DeviceOverride(empty=True)}
    assert instance_id(a, blank) not in design.devices and drift(design, a) == []
    # an edit that removes the overridden blank and changes the switch conflicts, and says so
    rd = design.rack_designs["mgmt"]
    devices = {k: v for k, v in rd.devices.items() if k not in (blank, other)}
    devices[switch] = devices[switch].model_copy(update={"description": "spare"})
    changed = rd.model_copy(update={"devices": devices})
    found = conflicts(design, rd, changed)
    assert {(x.rack, x.local) for x in found} == {(a, blank), (b, switch)}
    assert "removed" in next(x.why for x in found if x.rack == a)
    edit = EditRackDesign(changed)
    doc.execute(edit)
    assert {(x.rack, x.local) for x in edit.conflicts} == {(a, blank), (b, switch)}
    assert design.racks[a].overrides is None and design.racks[b].overrides == {switch: DeviceOverride(empty=True)}
    assert all(drift(design, r) == [] for r in (a, b, c))
    # reset brings the switch back, cabled as the design says
    doc.execute(SetOverride(b, switch, None))
    assert instance_id(b, switch) in design.devices and drift(design, b) == []


def test_detach_swap_remove_and_refusals(pod_text):
    doc = pod(pod_text, checks=False)
    design = doc.design
    doc.execute(MakeRackDesign(MGMT, "Management rack", "mgmt"))
    doc.execute(MakeRackDesign("rk-9", "Network rack", "net"))
    with pytest.raises(Refused, match="already a rack design"):
        doc.execute(MakeRackDesign("rk-8", "x", "mgmt"))
    with pytest.raises(Refused, match="already an instance"):
        doc.execute(MakeRackDesign(MGMT, "again", "again"))
    with pytest.raises(Refused, match="has 1 instances"):
        doc.execute(RemoveRackDesign("mgmt"))
    with_hall(doc)
    doc.execute(PlaceRackInstance("mgmt", "hall-9", 0, 1200, name="X01"))
    x01 = next(r.id for r in design.racks.values() if r.name == "X01")
    assert design.devices[instance_id(x01, next(iter(design.rack_designs["mgmt"].devices)))].name.startswith("X01-")
    before = dumps(design)
    swap = SwapGeneration([x01], "net")
    doc.execute(swap)
    assert design.racks[x01].rack_design == "net" and drift(design, x01) == []
    assert not any(d.startswith(x01 + ".") and d[len(x01) + 1:] not in design.rack_designs["net"].devices
                   for d in design.devices)
    doc.undo()
    assert dumps(design) == before
    doc.execute(DetachInstance([x01]))
    assert design.racks[x01].rack_design is None and len(design.contents(x01)) == 50
    with pytest.raises(Refused, match="not an instance"):
        doc.execute(SetOverride(x01, "dv-1", None))


def test_an_instance_keeps_its_designs_rack_type_until_detached(pod_text):
    """The Inspector edits a rack's fields one at a time: a rack type its design does not have
    is refused with the design named, leaving the file as it was; once detached, it may change."""
    doc = pod(pod_text, checks=False)
    design = doc.design
    doc.execute(MakeRackDesign(MGMT, "Management rack", "mgmt"))
    other = next(rt for rt in design.rack_types if rt != design.racks[MGMT].rack_type)
    before = dumps(design)
    with pytest.raises(Refused, match="an instance of Management rack is a"):
        doc.execute(SetProperty(MGMT, "rack_type", other))
    assert dumps(design) == before
    doc.execute(DetachInstance([MGMT]))
    doc.execute(SetProperty(MGMT, "rack_type", other))
    assert design.racks[MGMT].rack_type == other


def test_save_load_round_trips_byte_for_byte(pod_text, tmp_path):
    doc = pod(pod_text, checks=False)
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200-nvl72"))
    rd = doc.design.rack_designs["gb200-nvl72"]
    blank = next(k for k, d in rd.devices.items() if d.part == "generic-blanking-panel-1u")
    doc.execute(SetOverride("rk-1", blank, DeviceOverride(empty=True)))
    text = dumps(doc.design)
    save(doc.design, tmp_path / "p.rackstudio")
    assert (tmp_path / "p.rackstudio").read_text() == text
    loaded = load(tmp_path / "p.rackstudio").design
    assert dumps(loaded) == text and drift(loaded, "rk-1") == []
    data = json.loads(text)
    assert data["racks"]["rk-1"]["rack_design"] == "gb200-nvl72"
    assert data["racks"]["rk-1"]["overrides"] == {blank: {"empty": True}}


def test_an_older_file_without_rack_designs_loads_unchanged(pod_text):
    data = json.loads(pod_text)
    del data["rack_designs"]
    data["format_version"] = 7
    loaded = parse(json.dumps(data, indent=1))
    assert loaded.migrated_from == 7 and loaded.design.rack_designs == {}
    assert dumps(loaded.design) == pod_text


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.setdefault("racks", {})["rk-1"].update(rack_design="nope"), "rack design"),
    (lambda d: d["racks"]["rk-1"].update(overrides={"x": {"empty": True}}), "overrides belong"),
])
def test_a_file_naming_missing_rack_designs_is_refused(pod_text, edit, message):
    from rackstudio.errors import LoadError

    data = json.loads(pod_text)
    edit(data)
    with pytest.raises(LoadError, match=message):
        parse(json.dumps(data), "bad.rackstudio")


def test_a_verified_save_still_holds_rack_designs_to_the_load_rules(pod_text, tmp_path):
    from rackstudio.io.limits import Refusal
    from rackstudio.io.project_file import verify
    from rackstudio.model import integrity

    doc = pod(pod_text, checks=False)
    since = integrity.Baseline(doc.design)
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200-nvl72"))
    verify(doc.design, since)
    doc.design.racks["rk-2"] = doc.design.racks["rk-2"].model_copy(update={"rack_design": "missing"})
    with pytest.raises(Refusal, match="rack design 'missing'"):
        verify(doc.design, since)


def test_racks_holding_a_designs_layout_link_to_it_and_keep_their_cables(pod_text):
    from rackstudio.commands.rack_designs import LinkRack

    doc = pod(pod_text)
    design = doc.design
    start, findings = dumps(design), len(doc.check_engine.findings())
    nvl = sorted(r.id for r in design.racks.values() if r.rack_type == "nvidia-gb200-nvl72-rack")
    cables = {r: len({c for d in design.contents(r) for c in design.connections_of(d)}) for r in nvl}
    doc.execute(MakeRackDesign(nvl[0], "GB200 NVL72", "gb200"))
    for rack_id in nvl[1:]:
        doc.execute(LinkRack(rack_id, "gb200"))
    for rack_id in nvl:
        assert design.racks[rack_id].rack_design == "gb200" and drift(design, rack_id) == []
        assert len({c for d in design.contents(rack_id) for c in design.connections_of(d)}) == cables[rack_id]
    assert len(doc.check_engine.findings()) == findings
    whole(doc)
    with pytest.raises(Refused, match="is a generic-rack-48u-600x1200"):
        doc.execute(LinkRack(MGMT, "gb200"))
    while doc.can_undo:
        doc.undo()
    assert dumps(design) == start


def test_the_preview_of_removing_a_device_names_every_instance_and_the_weight_it_takes(pod_text):
    from rackstudio.commands.rack_designs import LinkRack

    doc = pod(pod_text)
    design = doc.design
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200"))
    doc.execute(LinkRack("rk-2", "gb200"))
    rd = design.rack_designs["gb200"]
    blank = next(k for k, d in rd.devices.items() if d.part == "generic-blanking-panel-1u")
    edit = EditRackDesign(rd.model_copy(update={"devices": {k: d for k, d in rd.devices.items() if k != blank}}))
    impact = preview(doc.check_engine, edit)
    assert sorted(impact.instances) == ["rk-1", "rk-2"]
    assert [f.rule for f in impact.added] == ["COOL-011", "COOL-011"] and impact.cleared == []
    weight = design.part_types["generic-blanking-panel-1u"].weight_kg
    hall = design.halls["hall-1"]
    (kg,) = impact.hall_kg_m2
    assert kg.delta == pytest.approx(-2 * weight / (hall.width_mm * hall.depth_mm / 1e6))




def gb300_generation(doc: Document) -> str:
    """A GB300 NVL72 rack design: the GB200 design made from rk-1 with the example plugin's GB300
    rack type and compute trays (same places, same cabling), added as a rack design."""
    from pathlib import Path

    from rackstudio.commands.rack_designs import AddRackDesign
    from rackstudio.library.netbox_yaml import load_device_type, parse_rack_type

    root = Path(__file__).resolve().parents[2] / "plugins" / "rackstudio-ai-racks" / "src" / "rackstudio_ai_racks"
    tray = load_device_type(root / "device-types" / "NVIDIA" / "GB300-NVL72-Compute-Tray.yaml").part
    rt_path = root / "rack-types" / "NVIDIA" / "GB300-NVL72-Rack.yaml"
    rack_type = parse_rack_type(rt_path.read_text(), rt_path.name).part
    gb200 = doc.design.rack_designs["gb200"]
    devices = {k: d.model_copy(update={"part": tray.slug}) if d.part == "nvidia-gb200-nvl72-compute-tray" else d
               for k, d in gb200.devices.items()}
    gb300 = gb200.model_copy(update={"slug": "gb300", "name": "GB300 NVL72", "rack_type": rack_type.slug,
                                     "devices": devices})
    doc.execute(AddRackDesign(gb300, rack_type, [tray]))
    return "gb300"


def test_two_generations_side_by_side_and_a_swap(pod_text):
    from rackstudio.commands.rack_designs import LinkRack
    from rackstudio.reports.rack_design_compare import compare

    doc = pod(pod_text)
    design = doc.design
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200"))
    doc.execute(LinkRack("rk-2", "gb200"))
    gb300_generation(doc)
    rows, bom = compare(design, "GB200 NVL72", "gb300")
    by = {r.figure: r for r in rows}
    tray200 = design.part_types["nvidia-gb200-nvl72-compute-tray"].rackstudio.power.max_w
    tray300 = design.part_types["nvidia-gb300-nvl72-compute-tray"].rackstudio.power.max_w
    assert by["Maximum power kW"].delta == pytest.approx(18 * (tray300 - tray200) / 1000, abs=0.01)
    assert by["Heat to liquid kW"].b > by["Heat to liquid kW"].a
    assert {r.figure: (r.a, r.b) for r in bom}["NVIDIA GB300 NVL72 Compute Tray"] == (0, 18)
    assert by["Internal cables"].a == by["Internal cables"].b == 54
    assert not any(r.figure.startswith("Side A") for r in rows)  # no GB300 instance is fed yet
    # swap one instance: its devices become the GB300 design's; external cables stay on the devices
    # both generations share (same design ids) unless the new part lacks their port, and those are
    # listed before; the checks follow
    before = dumps(design)
    externals = {c for d in design.contents("rk-2") for c in design.connections_of(d)}
    swap = SwapGeneration(["rk-2"], "gb300")
    impact = preview(doc.check_engine, swap)
    doc.execute(swap)
    assert design.racks["rk-2"].rack_design == "gb300" and drift(design, "rk-2") == []
    assert design.racks["rk-2"].rack_type == design.rack_designs["gb300"].rack_type
    lost = {c.local for c in swap.conflicts}
    assert lost and all("loses port" in c.why for c in swap.conflicts)
    assert {c for d in design.contents("rk-2") for c in design.connections_of(d)} == externals - lost
    assert impact.instances == ["rk-2"] and any(f.delta > 0 for f in impact.feed_w)
    side_a = next(r for r in compare(design, "gb200", "gb300")[0] if r.figure.startswith("Side A"))
    assert side_a.a > 0 and side_a.b > side_a.a
    whole(doc)
    doc.undo()
    assert dumps(design) == before


def test_a_generated_hall_made_of_instances_checks_as_the_plain_one():
    from collections import Counter

    from rackstudio.checks import CheckEngine
    from rackstudio.commands.rack_designs import link_layouts
    from rackstudio.generate import generate_hall

    plain, linked = generate_hall(20, 3), generate_hall(20, 3)
    for command in link_layouts(linked):
        command.apply(linked)
    # the NVL72 and air-cooled rows are instances; the pod's network and management racks differ
    alone = sorted(r.name for r in linked.racks.values() if not r.rack_design)
    assert all("NET" in n or "MGMT" in n for n in alone) and len(linked.rack_designs) >= 2
    assert all(drift(linked, r) == [] for r in linked.racks if linked.racks[r].rack_design)
    assert len(linked.devices) == len(plain.devices) and len(linked.connections) == len(plain.connections)

    def tally(design):
        return Counter((f.rule, f.severity, f.message.split(" ")[0][:3]) for f in
                       CheckEngine(design, ComponentGraph(design)).run_full())

    assert tally(linked) == tally(plain)
    text = dumps(linked)
    assert dumps(parse(text).design) == text


def test_a_rack_design_travels_as_a_file_in_the_parts_folder(pod_text, tmp_path):
    from rackstudio.errors import LoadError
    from rackstudio.library import rack_design_files as files
    from tests.core.builders import empty_design

    doc = pod(pod_text, checks=False)
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200"))
    path = files.save(doc.design, "gb200", tmp_path)
    assert path == tmp_path / "rack-designs" / "gb200.rackstudio"
    [(found, rd, problem)] = files.available(tmp_path)
    assert found == path and problem is None and rd == doc.design.rack_designs["gb200"]
    # another design, with none of its parts, takes it and places it
    other = Document(empty_design())
    other.execute(files.add_command(path))
    other.execute(PlaceRackInstance("gb200", "hall-1", 1200, 1200, name="X01"))
    x01 = next(r.id for r in other.design.racks.values() if r.name == "X01")
    assert drift(other.design, x01) == [] and len(other.design.contents(x01)) == 49
    # a design file that is not a rack-design file is named, never half-added
    (tmp_path / "rack-designs" / "pod.rackstudio").write_text(pod_text)
    problems = {p.name: why for p, _, why in files.available(tmp_path)}
    assert "holds one rack design and no racks" in problems["pod.rackstudio"]
    with pytest.raises(LoadError, match="pod.rackstudio"):
        files.add_command(tmp_path / "rack-designs" / "pod.rackstudio")


def test_devices_moved_replaced_or_removed_by_hand_in_an_instance_are_overrides(pod_text, tmp_path):
    """A design device moved within its instance's elevation, given another part or deleted is
    recorded on the rack in the same undo step; it survives an unrelated design edit and a reload,
    an edit of that device lists it, Reset puts it back; moving it out of the rack is refused."""
    from rackstudio.commands import MoveDevice, RemoveDevice, SetProperty
    from rackstudio.model.design import OverridePlace

    doc = pod(pod_text)
    design = doc.design
    doc.execute(MakeRackDesign(MGMT, "Management rack", "mgmt"))
    with_hall(doc)
    doc.execute(place_instances("mgmt", spots(2)))
    a, b = instances(design, "mgmt")[:2]
    rd = design.rack_designs["mgmt"]
    blanks = sorted((k for k, d in rd.devices.items() if d.part == "generic-blanking-panel-1u"),
                    key=lambda k: rd.devices[k].position)
    top, second = blanks[-1], blanks[-2]
    free = rd.devices[second].position
    before = dumps(design)
    doc.execute(RemoveDevice(instance_id(a, second)))
    assert design.racks[a].overrides == {second: DeviceOverride(empty=True)} and drift(design, a) == []
    doc.execute(MoveDevice(instance_id(a, top), position=free, face="front"))
    place = OverridePlace(position=free, face="front")
    assert design.racks[a].overrides[top] == DeviceOverride(place=place) and drift(design, a) == []
    doc.execute(SetProperty(instance_id(b, second), "part", "nvidia-spectrum-sn2201"))
    assert design.racks[b].overrides == {second: DeviceOverride(part="nvidia-spectrum-sn2201")}
    whole(doc)
    # moving it out of its rack cannot be an override of this rack: refused, nothing changes
    from rackstudio.commands import AddRack

    doc.execute(AddRack(design.rack_types[design.racks[a].rack_type], "hall-9", 0, 12000, name="SPARE",
                        rack_id="spare"))
    with pytest.raises(Refused, match=f"can move within {design.racks[a].name}.*not to SPARE; detach"):
        MoveDevice(instance_id(a, top), rack="spare", position=10).apply(design)
    assert design.devices[instance_id(a, top)].position == free
    # an unrelated design edit keeps them; the file holds them and reads back byte for byte
    doc.execute(EditRackDesign(rd.model_copy(update={"notes": "rev B", "revision": "B"})))
    assert design.devices[instance_id(a, top)].position == free and drift(design, a) == []
    text = dumps(design)
    assert dumps(parse(text).design) == text and parse(text).design.racks[a].overrides == design.racks[a].overrides
    # an edit of the moved device lists it and keeps it where this rack has it
    rd = design.rack_designs["mgmt"]
    edited = rd.model_copy(update={"devices": {**rd.devices, top: rd.devices[top].model_copy(update={"description": "x"})}})
    edit = EditRackDesign(edited)
    doc.execute(edit)
    assert {(c.rack, c.local) for c in edit.conflicts} == {(a, top)}
    assert "moved to U" in next(c.why for c in edit.conflicts if c.local == top)
    # reset: back where the design has it
    doc.execute(SetOverride(a, top, None))
    assert design.devices[instance_id(a, top)].position == rd.devices[top].position
    assert top not in design.racks[a].overrides and drift(design, a) == []
    whole(doc)
    for _ in range(7):  # remove, move, replace, the spare rack, two design edits, reset: one step each
        doc.undo()
    assert dumps(design) == before


def test_a_different_optic_in_one_instance_is_an_override(pod_text):
    """The issue's own example: one instance plugs other optics into one of its design's cables
    (by the cable's optics editor or by the override), shown as an override, kept across a design
    edit and a reload, reset to the design's."""
    from rackstudio.commands import SetEnds
    from rackstudio.model.design import CableOverride

    doc = pod(pod_text)
    design = doc.design
    doc.execute(MakeRackDesign("rk-1", "GB200 NVL72", "gb200"))
    with_hall(doc)
    doc.execute(place_instances("gb200", spots(2)))
    a, b = instances(design, "gb200")[-2:]
    rd = design.rack_designs["gb200"]
    cable = sorted(k for k, c in rd.connections.items() if c.kind == "network")[0]
    conn_id = instance_id(a, cable)
    doc.execute(SetEnds(conn_id, "nvidia-mms4x00-ns", "nvidia-mms4x00-ns400", "straight"))
    wanted = CableOverride(a_end="nvidia-mms4x00-ns", b_end="nvidia-mms4x00-ns400", fibre="straight")
    assert design.racks[a].overrides == {cable: wanted} and drift(design, a) == []
    assert design.connections[conn_id].media == "smf" and design.racks[b].overrides is None
    # the same by the override itself, in the other instance; the design's ends again is no override
    doc.execute(SetOverride(b, cable, wanted))
    assert design.connections[instance_id(b, cable)].a_end == "nvidia-mms4x00-ns"
    doc.execute(SetOverride(b, cable, CableOverride(**{k: getattr(rd.connections[cable], k)
                                                       for k in ("a_end", "b_end", "fibre")})))
    assert design.racks[b].overrides is None and drift(design, b) == []
    whole(doc)
    # kept across an unrelated edit, listed by an edit of that cable, and in the file
    doc.execute(EditRackDesign(rd.model_copy(update={"notes": "B"})))
    assert design.connections[conn_id].a_end == "nvidia-mms4x00-ns"
    rd = design.rack_designs["gb200"]
    relabelled = rd.model_copy(update={"connections": {**rd.connections,
                                                       cable: rd.connections[cable].model_copy(update={"label": "X"})}})
    found = conflicts(design, rd, relabelled)
    assert [(c.rack, c.local) for c in found] == [(a, cable)] and "optics nvidia-mms4x00-ns" in found[0].why
    text = dumps(design)
    assert parse(text).design.racks[a].overrides == {cable: wanted}
    doc.execute(SetOverride(a, cable, None))
    assert design.connections[conn_id].a_end == rd.connections[cable].a_end and design.racks[a].overrides is None
    whole(doc)
