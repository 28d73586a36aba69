"""The dashboard's series are the checks' figures (what the rules compare), and following edits
incrementally gives the same series as building them afresh."""
from __future__ import annotations

import pytest

from rackstudio.checks import CheckEngine
from rackstudio.commands import (
    AddRecord,
    Connect,
    Disconnect,
    MoveDevice,
    RemoveDevice,
    SetDesignField,
    SetProperty,
)
from rackstudio.model import Comment, PortRef, ReviewRecord
from rackstudio.reports.metrics_series import MetricsSeries, natural_key
from tests.core.test_reports_designs import A01, A02, A03, revision_b


def _engine(doc):
    engine = CheckEngine(doc.design, doc.graph)
    return engine, engine.run_full()


def _figure(findings, rule, obj):
    [found] = [f for f in findings if f.rule == rule and f.objects[0] == obj]
    return found.figures


def test_rack_power_and_heat_equal_the_rules_figures():
    doc = revision_b()
    doc.execute(SetProperty(A02, "power_budget_kw", 10))
    doc.execute(SetProperty(A02, "air_cooling_capacity_kw", 12))
    engine, findings = _engine(doc)
    series = MetricsSeries(doc.design)
    point = series.racks[A02]
    assert point.metrics == engine.rack_metrics(A02)
    assert round(point.power_w, 1) == _figure(findings, "PWR-014", A02)["load_w"]
    assert point.budget_w == _figure(findings, "PWR-014", A02)["budget_w"]
    assert round(point.metrics.heat_air_w, 1) == _figure(findings, "COOL-001", A02)["heat_air_w"]
    assert point.air_capacity_w == _figure(findings, "COOL-001", A02)["capacity_w"]


def test_phase_currents_equal_the_phase_rules_figures():
    doc = revision_b()
    for port, outlet in (("PSU2", "O3"), ("PSU3", "O6")):  # all three PSUs on leg A
        [conn] = [c for c in doc.design.connections.values() if c.a == PortRef(owner="srv", port=port)]
        doc.execute(Disconnect(conn.id))
        doc.execute(Connect("power", conn.a, PortRef(owner="pdu-a", port=outlet)))
    engine, findings = _engine(doc)
    series = MetricsSeries(doc.design, engine=engine)
    imbalance = [f for f in findings if f.rule == "PWR-008"]
    assert {f.objects[0] for f in imbalance} == {"feed-a"}
    for f in imbalance:
        assert [round(i, 2) for i in series.phases[f.objects[0]].currents_a] == f.figures["currents_a"]
    feed = series.phases["feed-a"]
    assert feed.kind == "feed" and feed.limit_a == pytest.approx(0.8 * 63)
    pdu = series.phases["pdu-a"]
    assert pdu.kind == "pdu" and pdu.limit_a == pytest.approx(0.8 * 32)
    assert sum(pdu.currents_a) > 0


def test_side_limits_are_the_feed_capacity_the_breaker_rule_uses():
    doc = revision_b()
    doc.execute(SetProperty("feed-b", "amperage_a", 8))
    engine, findings = _engine(doc)
    series = MetricsSeries(doc.design, engine=engine)
    assert round(series.racks[A02].side_limit_w["B"], 1) == _figure(findings, "PWR-001", "feed-b")["capacity_w"]


def test_switch_port_use():
    doc = revision_b()
    series = MetricsSeries(doc.design)
    sw = series.switches["sw"]
    assert (sw.used, sw.total, sw.rack) == (2, 64, "A02")


def _snapshot(series: MetricsSeries):
    return ({k: (v.metrics, v.budget_w, v.side_limit_w, v.air_capacity_w, v.box, v.name) for k, v in series.racks.items()},
            dict(series.phases), dict(series.switches))


def test_incremental_updates_equal_a_rebuild():
    doc = revision_b()
    series = MetricsSeries(doc.design, doc.graph)
    doc.changed.connect(series.update)
    for command in (MoveDevice("srv2", rack=A02, position=20), SetProperty("srv", "allocated_w", 9000),
                    SetProperty("feed-a", "amperage_a", 40), Disconnect("pw-5"), Disconnect("cb-2"),
                    RemoveDevice("sw"), SetProperty(A01, "name", "Z9")):
        doc.execute(command)
        assert _snapshot(series) == _snapshot(MetricsSeries(doc.design))
    while doc.can_undo:
        doc.undo()
        assert _snapshot(series) == _snapshot(MetricsSeries(doc.design))


def test_an_edit_reports_only_what_it_changed():
    doc = revision_b()
    series = MetricsSeries(doc.design, doc.graph)
    change = series.update(doc.execute(SetProperty("srv2", "allocated_w", 5000)))
    assert not change.full and change.racks == {A01} and A03 not in change.racks
    assert series.update(doc.execute(AddRecord("comments", Comment(id="cm-2", author="x", created="t", text="y")))) \
        .racks == set()
    review = [ReviewRecord(reviewer="ana", date="2026-11-23")]
    assert not series.update(doc.execute(SetDesignField("reviews", review)))


def test_rack_order_is_natural_with_unrowed_racks_last():
    series = MetricsSeries(revision_b().design)
    assert [series.racks[r].name for r in series.rack_order()] == ["A01", "A02", "A03"]
    assert sorted(["P10-A1", "P2-A10", "P2-A9"], key=natural_key) == ["P2-A9", "P2-A10", "P10-A1"]
