"""The NetBox bridge without a server: the design mapped onto NetBox objects, device types that
read back through the library's own reader, the plan's comparison, credentials, and a pull
replayed from responses recorded from a real NetBox 4.7 (tests/netbox, `make test-netbox`)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rackstudio.io import load
from rackstudio.library.netbox_yaml import device_type_data
from rackstudio.netbox.client import TOKEN_ENV, Credentials, NetboxError, find_token
from rackstudio.netbox.export import design_wants
from rackstudio.netbox.objects import ID_FIELD, KIND, KINDS, Ref
from rackstudio.netbox.power import rack_power_utilization
from rackstudio.netbox.pull import Puller
from rackstudio.netbox.push import _same
from tests.conftest import NETBOX_DATA, require_data
from tests.netbox.recorded import Replay

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "ai-pod.rackstudio"


@pytest.fixture(scope="module")
def pod():
    return load(EXAMPLE).design


def test_the_example_pod_as_netbox_objects(pod):
    wants, not_held = design_wants(pod, "pod")
    counts = Counter(w.kind for w in wants)
    assert counts["racks"] == 10 and counts["devices"] == 434 and counts["power feeds"] == 72
    assert counts["locations"] == 1 and counts["rack groups"] == 2 and counts["device types"] == 11
    # 782 power and network connections; the 32 feeds that supply two shelf inlets take one
    # cable each with both inlets on its A end (a NetBox feed takes one cable)
    assert counts["cables"] == 782 - 32
    shared = [w for w in wants if w.kind == "cables" and len(w.payload["a_terminations"]) == 2]
    assert len(shared) == 32 and all(w.payload["b_terminations"][0].kind == "power feeds" for w in shared)
    assert not_held.lines() == ["coolant connections: 112 (cl-109, cl-110, cl-111, … 109 more)"]
    rack = next(w for w in wants if w.kind == "racks" and w.key == "rk-1")
    assert rack.custom[ID_FIELD] == "rk-1"
    # facing S is the default; the rack is an instance of the NVL72 rack design
    assert rack.custom["rackstudio"] == {"x_mm": 2400.0, "y_mm": 2400.0, "rack_design": "nvidia-gb200-nvl72-rack-rk-1"}
    assert rack.payload["location"] == Ref("locations", "hall-1")
    for w in wants:
        if KIND[w.kind].tracked:
            assert w.rid == w.key


def test_device_types_carry_the_library_fields_and_read_back_through_the_yaml_reader(pod):
    """Push writes device types from `device_type_data`; pull reads NetBox's answer through
    `parse_device_type`: one mapping, so every part of the pod comes back equal."""
    wants, _ = design_wants(pod, "pod")
    by_kind: dict[str, list] = {}
    for w in wants:
        by_kind.setdefault(w.kind, []).append(w)
    api_types, templates = [], {}
    for i, w in enumerate(by_kind["device types"], 1):
        lib = device_type_data(pod.part_types[w.key])
        assert {k: v for k, v in w.payload.items() if k != "manufacturer" and v is not None} == {
            k: lib[k] for k in w.payload if k in lib and k != "manufacturer"}
        api_types.append({"id": i, "manufacturer": {"id": 1, "name": pod.part_types[w.key].manufacturer},
                          **{k: v for k, v in w.payload.items() if k != "manufacturer"},
                          "custom_fields": w.custom})
    slug_id = {t["slug"]: t["id"] for t in api_types}
    endpoints = {"power port templates": "dcim.power_port_templates",
                 "power outlet templates": "dcim.power_outlet_templates",
                 "interface templates": "dcim.interface_templates",
                 "console port templates": "dcim.console_port_templates"}
    for kind, endpoint in endpoints.items():
        for w in by_kind.get(kind, ()):
            item = {k: v for k, v in w.payload.items() if v is not None}
            item["device_type"] = {"id": slug_id[w.payload["device_type"].key]}
            if isinstance(item.get("power_port"), Ref):
                item["power_port"] = {"id": 0, "name": item["power_port"].key.split("/", 1)[1]}
            templates.setdefault(endpoint, []).append(item)
    for items in templates.values():  # NetBox answers in its own name order, not the library's
        items.sort(key=lambda item: item["name"])

    class Answers:
        requests = 0

        def list(self, endpoint, fields=None, **filters):
            return templates.get(endpoint, [])

    parts = Puller(Answers(), "pod")._part_types(api_types)
    assert set(parts) == set(pod.part_types)
    for slug, part in parts.items():
        assert part.model_dump(exclude={"origin"}) == pod.part_types[slug].model_dump(exclude={"origin"}), slug


@pytest.mark.parametrize(("want", "have", "same"), [
    (None, "", True), ("", None, True), (2400.0, "2400.00", True), (48, 48.0, True), (1.0, 1.5, False),
    (5, {"id": 5, "url": "x", "display": "P1-A01"}, True), ("front", {"value": "front", "label": "Front"}, True),
    (True, 1, False), ("A", "B", False),
])
def test_the_plan_compares_a_payload_with_netbox_json(want, have, same):
    assert _same(want, have) is same


def test_tokens_come_from_the_environment_or_the_keyring_never_the_command_line(monkeypatch):
    creds = find_token("https://nb.example", {TOKEN_ENV: " nbt_abc.def "})
    assert creds == Credentials("https://nb.example", "nbt_abc.def", "environment") and creds.version == "v2"
    assert find_token("https://nb.example", {TOKEN_ENV: "0123456789abcdef"}).version == "v1"
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, url: "kept" if url == "https://nb.example" else None)
    assert find_token("https://nb.example", {}).source == "keyring"
    with pytest.raises(NetboxError, match="set RACKSTUDIO_NETBOX_TOKEN"):
        find_token("https://other.example", {})


def test_rack_power_utilisation_in_netboxs_terms(pod):
    figures = {rid: rack_power_utilization(pod, rid) for rid in pod.racks}
    assert all(0 < v < 100 for v in figures.values())
    # an NVL72 rack of the pod: its feeds carry the same load over the same available power
    assert figures["rk-1"] == figures["rk-2"]


def test_a_site_made_in_netbox_is_pulled_from_recorded_responses():
    puller = Puller(Replay(), "brownfield")
    design = puller.pull()
    assert sorted(r.name for r in design.racks.values()) == ["R7-01", "R7-02"]
    assert {d.name: (d.rack is not None, d.position, d.face) for d in design.devices.values()} == {
        "srv1": (True, 10.0, "front"), "srv2": (True, 10.0, "front")}
    assert any("laid out in a grid" in note for note in puller.report.notes)
    assert sorted((c.kind, c.media, c.length_m) for c in design.connections.values()) == [
        ("network", "dac", 3.0), ("power", "power", None)]
    (feed,) = design.feeds.values()
    assert (feed.voltage_v, feed.amperage_a, feed.phase, feed.max_utilization) == (230, 32, "single-phase", 80)


def test_pulled_cables_keep_what_the_push_kept_unless_netbox_changed_it():
    """A cable's family, estimated length and id come back from the custom field; a length or type
    changed in NetBox wins (and a length typed there is no longer an estimate)."""
    puller = Puller(None, "pod")
    puller.rid.update({("device", 1): "dv-1", ("device", 2): "dv-2"})
    devices = {"dv-1": {}, "dv-2": {}}

    def cable(nb_id, cable_type, length, saved):
        ends = [{"object_type": "dcim.interface", "object_id": 10 + i,
                 "object": {"device": {"id": i}, "name": f"p{nb_id}"}} for i in (1, 2)]
        return {"id": nb_id, "type": cable_type, "length": length, "length_unit": {"value": "m"},
                "label": "", "a_terminations": ends[:1], "b_terminations": ends[1:],
                "custom_fields": {"rackstudio": {"connections": [
                    {"id": f"cb-{nb_id}", "kind": "network", "a": {"owner": "dv-1", "port": f"p{nb_id}"},
                     **saved}]}}}
    kept = {"media": "aec", "length_m": 2.345, "length_estimated": True}
    got = puller._connections([cable(1, {"value": "dac-active"}, "2.35", kept),
                               cable(2, {"value": "dac-active"}, "5.00", kept),
                               cable(3, {"value": "smf"}, "2.35", kept)], devices, {})
    assert {k: (c["media"], c.get("length_m"), c.get("length_estimated")) for k, c in got.items()} == {
        "cb-1": ("aec", 2.345, True), "cb-2": ("aec", 5.0, None), "cb-3": ("smf", 2.345, True)}


def test_a_pulled_site_planned_back_finds_netboxs_own_objects():
    """Publishing a site made in NetBox back to it (recorded plan requests) finds its cables by the
    ports they join, its role and rack group by name (keeping NetBox's names and colours), and
    creates only RackStudio's generic rack type for racks that had none."""
    from rackstudio.netbox.push import push

    design = Puller(Replay(), "brownfield").pull()
    plan, result = push(Replay(), design, "brownfield", dry_run=True)
    assert result is None and plan.site_exists
    counts = {s.kind: (len(s.create), len(s.update), s.unchanged) for s in plan.steps}
    assert counts["cables"] == (0, 2, 0) and counts["device roles"] == (0, 0, 1)
    assert counts["rack groups"] == (0, 1, 0) and counts["racks"] == (0, 2, 0) and counts["devices"] == (0, 2, 0)
    assert {s.kind for s in plan.steps if s.create} == {"manufacturers", "rack types"}
    groups = next(s for s in plan.steps if s.kind == "rack groups")
    assert groups.update[0][2] == ["custom field rackstudio_id", "custom field rackstudio"]


def test_a_bulk_refusal_names_the_objects_netbox_refused():
    """NetBox 4.7 answers a refused bulk create with the index of each refused object (as a real
    server answered the half-way test in tests/netbox)."""
    from rackstudio.netbox.server import _problem

    body = {"detail": "2 of 434 objects could not be created.",
            "errors": [{"index": 0, "errors": {"position": ["U1.0 is already occupied"]}},
                       {"index": 2, "errors": {"__all__": ["bad"]}}]}
    assert _problem(json.dumps(body), ["P1-A01-U1", "P1-A01-U2", "P1-A01-U3"]) == (
        "2 of 434 objects could not be created. P1-A01-U1: position: U1.0 is already occupied; P1-A01-U3: bad")


def test_modules_and_a_child_device_as_netbox_objects():
    """Module types with their templates (`{module}` kept in the name: NetBox resolves it per bay),
    one module per filled bay, the child in its parent's device bay and under its parent's rack, and
    the cords and cable on the modules' ports written against the components NetBox makes."""
    from tests.netbox.designs import NIC_BAY, NIC_PORT, modules_design

    require_data(NETBOX_DATA / "module-types")
    design = modules_design()
    wants, not_held = design_wants(design, "mods")
    assert not_held.items == {}
    by = {(w.kind, w.key): w for w in wants}
    psu = by[("module types", "dell-d750e-s6")]
    assert psu.payload == {"manufacturer": Ref("manufacturers", "dell"), "model": "D750E-S6", "part_number": None,
                           "weight": 1.0, "weight_unit": "kg", "description": "PSU for PowerEdge R730", "comments": None}
    assert by[("module power port templates", "dell-d750e-s6/{module}")].payload == {
        "module_type": Ref("module types", "dell-d750e-s6"), "name": "{module}", "type": "iec-60320-c14",
        "label": None, "maximum_draw": 750, "allocated_draw": None, "description": None}
    assert sorted(w.key for w in wants if w.kind == "module interface templates") == [
        "dell-nhn45/{module}-25GbE-0", "dell-nhn45/{module}-25GbE-1"]
    nic = by[("modules", f"r760/{NIC_BAY}")]
    assert nic.payload == {"device": Ref("devices", "r760"), "module_bay": Ref("module bays", ("r760", NIC_BAY)),
                           "module_type": Ref("module types", "dell-nhn45"), "status": "active"}
    assert nic.rid == f"r760/{NIC_BAY}" and sum(w.kind == "modules" for w in wants) == 3
    blade = by[("devices", "blade-1")].payload
    assert (blade["rack"], blade["position"], blade["face"]) == (Ref("racks", "rk-1"), None, None)
    assert by[("device bays", "frame/Device Bay 1")].payload == {
        "device": Ref("devices", "frame"), "name": "Device Bay 1", "installed_device": Ref("devices", "blade-1")}
    # NetBox holds modules and bays itself: the device's custom field does not carry them
    assert by[("devices", "blade-1")].custom["rackstudio"] is None
    assert "modules" not in (by[("devices", "r760")].custom["rackstudio"] or {})
    assert by[("cables", "cb-nic")].payload["a_terminations"] == [Ref("port:interface", ("r760", NIC_PORT))]
    assert by[("power ports", "r760/PSU-1")].payload["allocated_draw"] == 375
    kinds = [k.name for k in KINDS]
    assert kinds.index("devices") < kinds.index("modules") < kinds.index("power ports") < kinds.index("cables")


def test_module_types_read_back_through_the_module_type_reader():
    """Push writes a module type and its templates; pull reads NetBox's answer through
    `parse_module_type`: each module type of the design comes back equal, including a library
    `comments: |` block whose newline NetBox trims (kept verbatim in the custom field)."""
    from rackstudio.library import load_module_type
    from tests.netbox.designs import modules_design

    require_data(NETBOX_DATA / "module-types")
    design = modules_design()
    design.module_types["dell-h700e-s1"] = load_module_type(NETBOX_DATA / "module-types/Dell/H700E-S1.yaml").part
    assert design.module_types["dell-h700e-s1"].comments.endswith("\n")
    wants, _ = design_wants(design, "mods")
    types, templates = [], {}
    for i, w in enumerate(w for w in wants if w.kind == "module types"):
        assert w.payload["comments"] is None or w.payload["comments"] == w.payload["comments"].strip()
        types.append({"id": i, "manufacturer": {"id": 1, "name": design.module_types[w.key].manufacturer},
                      **{k: v for k, v in w.payload.items() if k != "manufacturer"}, "custom_fields": w.custom})
    type_id = {t["model"]: t["id"] for t in types}
    for w in wants:
        if KIND[w.kind].natural[:1] == ("module_type",):
            item = {k: v for k, v in w.payload.items() if v is not None}
            item["module_type"] = {"id": type_id[design.module_types[w.payload["module_type"].key].model]}
            templates.setdefault(KIND[w.kind].endpoint, []).append(item)

    class Answers:
        requests = 0

        def list(self, endpoint, fields=None, **filters):
            assert "module_type_id" in filters
            return sorted(templates.get(endpoint, []), key=lambda item: item["name"])

    read = Puller(Answers(), "mods")._module_types(types)
    assert {mt.key: mt.model_dump(exclude={"origin"}) for mt in read.values()} == {
        key: mt.model_dump(exclude={"origin"}) for key, mt in design.module_types.items()}


def test_netbox_tags_are_listed_by_object_in_the_pull_report():
    """Recorded from a real NetBox: a site made there with tags on a rack and a device."""
    puller = Puller(Replay(), "brownfield")
    puller.pull()
    assert [n for n in puller.report.notes if "tags" in n] == [
        "NetBox tags on racks, not in the design (RackStudio has no tags; a push leaves them): R7-01 (Gold, PCI)",
        "NetBox tags on devices, not in the design (RackStudio has no tags; a push leaves them): srv1 (Gold, PCI)"]


def test_a_breakout_leg_is_listed_not_written_and_left_out_of_the_round_trip():
    """NetBox takes one cable per interface, so the legs of a fanned-out port are not written; the
    round-trip comparison leaves out exactly what the push listed as not held."""
    from rackstudio.netbox.compare import round_trip

    design = load(EXAMPLE).design
    conn = next(c for c in sorted(design.connections.values(), key=lambda c: c.id) if c.kind == "network")
    design.put("connections", conn.model_copy(update={"a": conn.a.model_copy(update={"leg": 1})}))
    wants, not_held = design_wants(design, "pod")
    assert sum(w.kind == "cables" for w in wants) == 782 - 32 - 1
    assert not_held.items["breakout legs (NetBox takes one cable per port)"] == [conn.id]
    pulled = design.model_copy(update={"connections": {k: v for k, v in design.connections.items()
                                                       if v.kind != "coolant" and k != conn.id}})
    diffs, listed = round_trip(design, pulled, "pod")
    assert diffs == [] and any(line.startswith("breakout legs") for line in listed)


def test_a_module_of_another_type_is_planned_as_a_replacement():
    """NetBox makes a module's ports only when the module is created, so a module whose type changed
    is planned as deleted and made again, not updated; one of the same type is unchanged."""
    from rackstudio.netbox.push import Pusher
    from tests.netbox.designs import modules_design

    require_data(NETBOX_DATA / "module-types")
    pusher = Pusher(None, modules_design(), "mods")
    pusher.ids.update({("devices", "r760"): 7, ("module types", "dell-d750e-s6"): 1, ("module types", "dell-nhn45"): 2,
                       ("module bays", ("r760", "PSU-1")): 11, ("module bays", ("r760", "PSU-2")): 12})
    wants = [w for w in pusher.wants if w.kind == "modules" and "PSU" in w.key]

    def have(nid, bay, module_type):
        return {"id": nid, "device": {"id": 7}, "module_bay": {"id": bay}, "module_type": {"id": module_type},
                "status": {"value": "active", "label": "Active"}, "custom_fields": {ID_FIELD: f"r760/PSU-{bay - 10}"}}
    step = pusher._match("modules", wants, [have(21, 11, 1), have(22, 12, 2)])
    assert (step.unchanged, [(w.key, nid) for w, nid in step.replace], step.update, step.create) == (
        1, [("r760/PSU-2", 22)], [], [])
    assert step.changes == 1
