"""The revision diff: a design against itself is empty; two known revisions list exactly their
changes, with per-rack deltas equal to the checks' figures."""
from __future__ import annotations

import json

from rackstudio.checks import CheckEngine
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import Design
from rackstudio.reports import json_report
from rackstudio.reports.diff import diff_designs, to_text
from tests.core.test_reports_designs import A01, A02, A03, revision_a, revision_b


def test_a_design_against_itself_is_empty():
    design = revision_b().design
    same = Design.model_validate(design.model_dump())
    result = diff_designs(design, same)
    assert result.is_empty and result.changes == [] and result.racks == []
    assert to_text(result).endswith("No differences.")
    assert json_report.diff_report(result)["identical"] is True


def test_two_known_revisions_list_exactly_their_changes():
    result = diff_designs(revision_a().design, revision_b().design)
    got = {(c.kind, c.collection, c.id) for c in result.changes}
    assert got == {
        ("changed", "design", "design"),
        ("added", "racks", A03), ("moved", "racks", A02),
        ("added", "devices", "srv2"), ("removed", "devices", "bl"), ("moved", "devices", "srv"),
        ("changed", "feeds", "feed-a"),
        ("changed", "connections", "cb-1"), ("added", "connections", "cb-2"),
        ("added", "comments", "cm-1"),
        # the moved server's power cords: their estimated lengths follow it
        ("changed", "connections", "pw-2"), ("changed", "connections", "pw-3"), ("changed", "connections", "pw-4"),
    }
    by = {c.id: c for c in result.changes}
    assert [(f.field, f.old, f.new) for f in by["design"].fields] == [("revision", "A", "B")]
    assert [(f.field, f.old, f.new) for f in by["feed-a"].fields] == [("amperage_a", 32.0, 63.0)]
    assert [(f.field, f.old, f.new) for f in by["cb-1"].fields] == [("length_m", 5.0, 3.0)]
    assert [f.field for f in by["srv"].fields] == ["rack"]
    assert (by["srv"].where_before, by["srv"].where_after) == ("A01 U1 front", "A02 U1 front")
    assert [f.field for f in by[A02].fields] == ["y_mm"]
    assert by["bl"].where_before == "A01 U11 front"


def test_rack_deltas_are_the_checks_figures():
    old, new = revision_a().design, revision_b().design
    result = diff_designs(old, new)
    deltas = {d.rack: d for d in result.racks}
    assert set(deltas) == {A01, A02, A03}
    assert deltas[A03].before is None and deltas[A03].after["weight_kg"] == 150
    assert deltas[A01].delta("units_used") == -1 and abs(deltas[A01].delta("power_w")) < 0.05
    engine_old = CheckEngine(old, ComponentGraph(old))
    engine_old.run_full()
    engine_new = CheckEngine(new, ComponentGraph(new))
    engine_new.run_full()
    a, b = engine_old.rack_metrics(A02), engine_new.rack_metrics(A02)
    assert deltas[A02].delta("power_w") == round(b.checked_w, 3) - round(a.checked_w, 3)
    assert deltas[A02].delta("power_w") == 14300
    assert abs(deltas[A02].delta("weight_kg") - (b.weight_kg - a.weight_kg)) < 1e-9


def test_text_names_every_change():
    text = to_text(diff_designs(revision_a().design, revision_b().design))
    assert text.splitlines()[0] == "Review pod revision A → revision B"
    for line in ("> device srv: moved A01 U1 front → A02 U1 front", "+ device srv2 in A01 U20 front",
                 "- device bl from A01 U11 front", "~ feed Feed A: amperage_a 32 → 63",
                 "~ connection srv:nic1 / sw:p1: length_m 5 → 3", "+ rack A03 in Hall 1",
                 "A02: power +14.3 kW (0.7 → 15.0 kW)", "A01: units -1 U"):
        assert line in text, line


def test_json_report_is_stable_and_complete():
    result = diff_designs(revision_a().design, revision_b().design)
    data = json_report.diff_report(result)
    assert data["schema"] == 1 and data["identical"] is False
    assert data["old"] == {"name": "Review pod", "revision": "A"} and data["new"]["revision"] == "B"
    assert data["summary"]["devices"] == {"added": 1, "moved": 1, "removed": 1}
    assert len(data["changes"]) == len(result.changes)
    text = json_report.dumps(data)
    assert json.loads(text) == data
    assert text == json_report.dumps(json_report.diff_report(diff_designs(revision_a().design, revision_b().design)))


def test_renaming_a_rack_does_not_move_its_devices():
    old = revision_a().design
    new = Design.model_validate(old.model_dump())
    new.put("racks", new.racks[A01].replace(name="A01-new"))
    result = diff_designs(old, new)
    assert {(c.kind, c.id) for c in result.changes} == {("changed", A01)}
