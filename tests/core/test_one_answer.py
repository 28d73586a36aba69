"""One question, one answer: every place that states a rack's figures (the checks' metrics, the
metrics computed without an engine, the summary the views draw, the dashboard's series, the
design report, `rackstudio info` and `rackstudio check` JSON) states the same rack power
(allocated, max, worst case), units used, heat to air and to liquid and weight, and the
failure-simulation banner, PWR-005 and the check JSON state the same feed load after a failure,
in the same words. Walked over the example pod (with a half-depth pair in one unit, a device
allocated below its maximum, worst-case mode and an undersized feed) and a generated hall."""
from __future__ import annotations

import pytest

from rackstudio.checks import CheckEngine, Severity, builtin_registry
from rackstudio.checks.metrics import OnDemandMetrics, totals
from rackstudio.checks.rules.failover import capacity_of
from rackstudio.checks.simulation import simulate
from rackstudio.cli import check as check_cli
from rackstudio.cli import info as info_cli
from rackstudio.commands import PlaceDevice, SetProperty, SetSetting
from rackstudio.document import Document
from rackstudio.generate import generate_hall
from rackstudio.graph import ComponentGraph
from rackstudio.io import load
from rackstudio.paths import example_design
from rackstudio.reports.json_report import design_report
from rackstudio.reports.metrics_series import MetricsSeries
from rackstudio.reports.totals import rack_summary


def _by_name(records, name: str) -> str:
    return next(r.id for r in records.values() if r.name == name)


@pytest.fixture(scope="module")
def pod() -> Document:
    """The example pod with each case the issue names: a front and a rear half-depth switch in one
    unit (P1-MGMT U20), a DGX B200 allocated 10.15 kW of its 14.3 kW maximum in worst-case mode
    (P1-B01), and feed P1-B01-B cut to 32 A so that losing feed A overloads it."""
    doc = Document(load(example_design()).design)
    d = doc.design
    mgmt = _by_name(d.racks, "P1-MGMT")
    doc.execute(PlaceDevice(d.part_types["nvidia-spectrum-sn2201"], rack=mgmt, position=20, face="rear",
                            device_id="rear-sn2201"))
    doc.execute(SetProperty(_by_name(d.devices, "P1-B01-U2"), "allocated_w", 10150.0))
    doc.execute(SetProperty(_by_name(d.feeds, "P1-B01-B"), "amperage_a", 32.0))
    doc.execute(SetSetting("worst_case", True))
    return doc


@pytest.fixture(scope="module")
def hall() -> Document:
    return Document(generate_hall(36, seed=3))


def _places(doc: Document) -> dict:
    design = doc.design
    engine = CheckEngine(design, doc.graph, builtin_registry())
    findings = engine.run_full()
    return {"design": design, "engine": engine, "findings": findings,
            "on_demand": OnDemandMetrics(design, ComponentGraph(design)),
            "series": MetricsSeries(design, engine=engine),
            "report": design_report(MetricsSeries(design, engine=engine), findings, "2026-12-06"),
            "info": info_cli.summary(design, []),
            "check": check_cli.report(engine, findings, Severity.ERROR)}


def _kw(watts: float) -> float:
    return round(watts / 1000, 2)


def _assert_racks_agree(places: dict) -> None:
    design, engine = places["design"], places["engine"]
    report_power = {r["rack"]: r for r in places["report"]["power"]}
    report_cooling = {r["rack"]: r for r in places["report"]["cooling"]}
    check_by_key = {f["key"]: f for f in places["check"]["findings"]}
    for rack_id, rack in design.racks.items():
        m = engine.rack_metrics(rack_id)
        assert places["on_demand"].rack_metrics(rack_id) == m  # no engine, same figures
        s = rack_summary(design, m)  # what the header, the floor plan, the inspector draw
        point = places["series"].racks[rack_id]  # the dashboard
        counted = m.max_w if design.settings.worst_case else m.allocated_w
        assert m.checked_w == pytest.approx(counted)
        assert (s.power_w, s.used_u, s.weight_kg) == (m.checked_w, m.units_used, m.weight_kg)
        assert (point.power_w, point.metrics) == (m.checked_w, m)
        power, cooling = report_power[rack.name], report_cooling[rack.name]
        assert (power["checked_kw"], power["allocated_kw"], power["max_kw"]) == (
            _kw(m.checked_w), _kw(m.allocated_w), _kw(m.max_w))
        assert power["units"] == f"{m.units_used:g}/{m.units_total}" and power["weight_kg"] == round(m.weight_kg, 1)
        assert (cooling["heat_air_kw"], cooling["heat_liquid_kw"]) == (_kw(m.heat_air_w), _kw(m.heat_liquid_w))
        budget = check_by_key.get(f"PWR-014:{rack_id}")
        # the power bar's colour is PWR-014's verdict: amber for its warning, red for its error
        assert s.bars()[0].level == (budget["severity"] if budget else "unknown" if s.budget is None else "ok")
        if budget is not None:
            assert budget["figures"]["load_w"] == round(m.checked_w, 1)
            assert s.power_text().startswith(f"{m.checked_w / 1000:.1f} kW")
            assert budget["message"].startswith(f"Rack {rack.name}: {m.checked_w / 1000:.1f} kW of the ")
    summed = totals(engine.rack_metrics(r) for r in design.racks)
    info, summary = places["info"], places["report"]["summary"]
    assert (info["racks_power"]["checked_kw"], info["racks_power"]["allocated_kw"], info["racks_power"]["max_kw"]) \
        == (_kw(summed.checked_w), _kw(summed.allocated_w), _kw(summed.max_w))
    assert (summary["checked_kw"], summary["allocated_kw"], summary["max_kw"]) == (
        _kw(summed.checked_w), _kw(summed.allocated_w), _kw(summed.max_w))
    assert info["units_used"] == summary["units_used"] == summed.units_used
    assert info["heat_air_kw"] == summary["heat_air_kw"] == _kw(summed.heat_air_w)
    assert info["heat_liquid_kw"] == summary["heat_liquid_kw"] == _kw(summed.heat_liquid_w)
    assert round(info["weight_kg"] / 1000, 2) == summary["weight_t"]


def _assert_failures_agree(places: dict, failed_ids: list[str]) -> int:
    """For each failure: every overloaded survivor the banner names is stated in the words of its
    capacity; PWR-005 on that survivor names the same load for the same failure, and the check
    JSON carries PWR-005's message and figures unchanged. Returns the overloads seen."""
    design, engine = places["design"], places["engine"]
    pwr005 = {f.objects[0]: f for f in places["findings"] if f.rule == "PWR-005"}
    in_json = {f["key"]: f for f in places["check"]["findings"]}
    seen = 0
    for failed in failed_ids:
        sim = simulate(design, engine.graph, failed)
        banner = sim.summary(design)
        for node, watts, basis in sim.overloads:
            seen += 1
            cap = capacity_of(engine.ctx, node)
            assert basis == cap.basis and f"{engine.ctx.name(node)} {cap.describe(watts)}" in banner
            finding = pwr005[node]
            assert watts > finding.figures["normal_load_w"]
            over = finding.figures["scenarios_over"]
            assert failed in over
            if finding.figures["failed"] == failed:
                assert finding.figures["load_w"] == round(watts, 1)
                assert cap.describe(watts) in finding.message
            assert in_json[finding.key]["message"] == finding.message
            assert in_json[finding.key]["figures"] == finding.figures
    return seen


def test_the_example_pod_gives_one_answer_everywhere(pod):
    places = _places(pod)
    _assert_racks_agree(places)
    d, engine = pod.design, places["engine"]
    mgmt = engine.rack_metrics(_by_name(d.racks, "P1-MGMT"))
    assert mgmt.units_used == 48  # U20 holds a front and a rear switch: counted once
    b01 = engine.rack_metrics(_by_name(d.racks, "P1-B01"))
    # two DGX B200s plus the eight 9 W ConnectX-7 transceivers in each (engineering.md 4.2)
    assert (b01.allocated_w, b01.max_w, b01.checked_w) == (24450 + 144, 28600 + 144, 28600 + 144)
    assert b01.optics_w == 144 and b01.optics_in_figures_w == 0


def test_the_example_pods_failure_banner_pwr005_and_check_json_agree(pod):
    places = _places(pod)
    d = pod.design
    feed_a, feed_b = _by_name(d.feeds, "P1-B01-A"), _by_name(d.feeds, "P1-B01-B")
    assert _assert_failures_agree(places, sorted(d.feeds)) >= 1
    banner = simulate(d, places["engine"].graph, feed_a).summary(d)
    # 2 × 14.3 kW (worst case) on 415 V × 32 A × √3 = 23.0 kVA × 0.80 = 18.4 kW
    assert "P1-B01-B 28.7 kW of the 18.4 kW derated limit (156 %; rating 23.0 kVA × PF 1.00 × 0.80)" in banner
    finding = next(f for f in places["findings"] if f.rule == "PWR-005" and f.objects == (feed_b,))
    assert "28.7 kW of the 18.4 kW derated limit (156 %; rating 23.0 kVA × PF 1.00 × 0.80)" in finding.message


def test_a_generated_hall_gives_one_answer_everywhere(hall):
    places = _places(hall)
    _assert_racks_agree(places)
    _assert_failures_agree(places, sorted(hall.design.feeds)[:40])
