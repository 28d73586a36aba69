"""The bundled example pod: regenerates byte for byte, and the graph answers what an engineer
works out by hand from its layout (rackstudio/generate.py describes the layout)."""
from __future__ import annotations

import pytest

from rackstudio.generate import example_pod
from rackstudio.graph import ComponentGraph
from rackstudio.graph import queries as q
from rackstudio.io import dumps, load
from rackstudio.paths import example_design


@pytest.fixture(scope="module")
def pod():
    design = load(example_design()).design
    graph = ComponentGraph(design)
    dev = {d.name: d.id for d in design.devices.values()}
    feeds = {f.name: f.id for f in design.feeds.values()}
    racks = {r.name: r.id for r in design.racks.values()}
    return design, graph, dev, feeds, racks


def test_the_committed_example_is_what_the_generator_builds():
    assert dumps(example_pod()) == example_design().read_text()


def test_example_loads_clean(pod):
    design = pod[0]
    assert load(example_design()).warnings == []
    assert (len(design.racks), len(design.devices)) == (10, 434)


def test_power_path_of_a_dgx_psu(pod):
    design, g, dev, feeds, _ = pod
    server = dev["P1-B01-U2"]
    # PSU1 → PDU-A outlet → PDU-A inlet → feed P1-B01-A → Panel A → UPS A
    assert q.power_path(g, server, "PSU1") == [[dev["P1-B01-PDU-A"], feeds["P1-B01-A"], "pnl-a", "ups-a"]]
    assert q.power_path(g, server, "PSU2")[0][:2] == [dev["P1-B01-PDU-B"], feeds["P1-B01-B"]]
    assert q.feeds_of(g, server) == sorted([feeds["P1-B01-A"], feeds["P1-B01-B"]])


def test_failing_an_a_feed_darkens_its_pdu_and_degrades_the_servers(pod):
    design, g, dev, feeds, _ = pod
    impact = q.failure_impact(g, feeds["P1-B01-A"])
    assert impact.loses_power == [dev["P1-B01-PDU-A"]]
    # both DGX B200s keep their B-side PSUs (3 of 6): powered, without redundancy
    assert impact.loses_redundancy == sorted([dev["P1-B01-U2"], dev["P1-B01-U13"]])


def test_failing_ups_a_darkens_every_a_pdu_and_nothing_dual_fed(pod):
    design, g, dev, _, _ = pod
    impact = q.failure_impact(g, "ups-a")
    a_pdus = sorted(d.id for d in design.devices.values() if d.name.endswith("PDU-A"))
    assert impact.loses_power == a_pdus
    assert dev["P1-B01-U2"] in impact.loses_redundancy
    shelves = sorted(d.id for d in design.devices.values() if design.part_of(d).category.value == "power-shelf")
    assert set(shelves) <= set(impact.loses_redundancy)  # every shelf keeps its B whip


def test_an_nvl72_tray_draws_from_all_eight_rack_feeds_through_the_busbar(pod):
    design, g, dev, feeds, _ = pod
    tray = dev["P1-A01-U6"]
    assert q.feeds_of(g, tray) == sorted(feeds[f"P1-A01-{s}{k}"] for s in "AB" for k in range(1, 5))
    impact = q.failure_impact(g, feeds["P1-A01-A1"])
    assert impact.loses_power == []
    assert impact.loses_redundancy == sorted([dev["P1-A01-U1"], dev["P1-A01-U2"]])  # the two shelves on A1


def test_coolant_path_and_cable_ends(pod):
    design, g, dev, _, racks = pod
    assert q.coolant_path(g, dev["P1-A01-U6"]) == [dev["P1-A01-U6"], dev["P1-A01-R1"], dev["P1-CDU1"]]
    server = dev["P1-B01-U2"]
    leaf = q.cable_at(g, "network", server, "cx7-0")
    assert design.devices[leaf[0]].name == "P1-NET-U2"  # NIC 0 → rail 0 leaf, the lowest switch
    assert q.cable_at(g, "network", leaf[0], leaf[1]) == (server, "cx7-0")
    # an NVL72 rack holds 8 shelves, 18 compute trays, 9 NVLink switch trays, a management switch, a manifold
    assert len(q.rack_devices(g, racks["P1-A01"])) == 8 + 18 + 9 + 1 + 1 + 12  # and 12 blanking panels
