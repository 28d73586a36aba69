"""One question, one answer, as the widgets show it: the elevation header, the hall rack's tooltip
and bars, the inspector, the status-bar totals, the dashboard, the presentation slide, the failure
banner and the Findings panel state the same rack power, units used, heat and weight as the
checks' metrics, and the banner and PWR-005 the same feed load after a failure, in the same
words. The example pod with a half-depth pair in one unit, a device allocated below its maximum,
worst-case mode and an undersized feed, each made through the editor."""
from __future__ import annotations

import pytest

from rackstudio.checks.rules.failover import capacity_of
from rackstudio.commands import PlaceDevice, SetProperty, SetSetting
from rackstudio.paths import example_design


@pytest.fixture
def pod(window, qtbot):
    assert window.open_path(example_design(), ask=False)
    design = window.editor.design
    names = {getattr(r, "name", ""): r.id for coll in ("racks", "devices", "feeds")
             for r in getattr(design, coll).values()}
    editor = window.editor
    assert editor.execute(PlaceDevice(design.part_types["nvidia-spectrum-sn2201"], rack=names["P1-MGMT"],
                                      position=20, face="rear", device_id="rear-sn2201"))
    assert editor.execute(SetProperty(names["P1-B01-U2"], "allocated_w", 10150.0))
    assert editor.execute(SetProperty(names["P1-B01-B"], "amperage_a", 32.0))
    assert editor.execute(SetSetting("worst_case", True))
    qtbot.waitUntil(lambda: window.live_checks.engine is not None, timeout=30000)
    return window, design, names


def test_every_view_states_the_checks_figures(pod, qtbot):
    window, design, n = pod
    engine = window.live_checks.engine
    for rack_name in ("P1-B01", "P1-MGMT", "P1-A01"):
        rack_id = n[rack_name]
        m = engine.rack_metrics(rack_id)
        power = f"{m.checked_w / 1000:.1f}"
        units = f"{m.units_used:g}"
        window.open_elevation(rack_id)
        header = window.elevation_view.elevations.frames[rack_id].subtitle
        assert f" {units}/{m.units_total} U · {power}" in header and "kW max (worst case)" in header
        assert f"{m.weight_kg:,.0f} kg" in header
        item = window.hall_view.hall_scene.objects[rack_id]
        tip = item.toolTip()
        assert f"{units} of {m.units_total} U used" in tip and f"Power: {power} kW max (worst case)" in tip
        assert item.bars[0].text in tip and item.bars[1].text in tip
        if m.heat_air_w:
            assert f"{m.heat_air_w / 1000:.1f} kW" in item.bars[1].text
        window.selection.set([rack_id])
        summary = window.inspector_dock.summary.text()
        assert summary.startswith(f"{units} of {m.units_total} U used · {power} kW max (worst case)")
        totals = window.totals_label.text()
        assert f"· {units} U · {power} kW max (worst case) · {m.weight_kg:,.0f} kg" in totals
        budget = [f for f in window.findings_dock.listed() if f.rule == "PWR-014" and f.objects == (rack_id,)]
        if budget:
            assert budget[0].message.startswith(f"Rack {rack_name}: {power} kW of the ")
    # the half-depth pair in P1-MGMT U20 is one unit; P1-B01 counts the DGX's maximum, not its allocation
    assert engine.rack_metrics(n["P1-MGMT"]).units_used == 48
    b01 = engine.rack_metrics(n["P1-B01"])
    # the two DGX B200s and the eight 9 W ConnectX-7 transceivers in each (engineering.md 4.2)
    assert (b01.allocated_w, b01.checked_w) == (24450 + 144, 28600 + 144)
    assert "· 28.7 kW max (worst case) ·" in window.elevation_view.elevations.frames[n["P1-B01"]].subtitle

    dock = window.dashboard_dock
    dock.show()
    qtbot.waitUntil(lambda: dock.series is not None and dock.updates > 0)
    chart = dock.chart("Power")
    i = chart.keys.index(n["P1-B01"])
    assert chart.data["total_kw"][i] == pytest.approx(b01.checked_w / 1000)
    dock.show_chart("Units")
    units = dock.chart("Units")
    assert units.data["units_used"][units.keys.index(n["P1-MGMT"])] == 48

    window.selection.set([n["P1-B01"]])
    screen = window.presentation.start()
    qtbot.waitExposed(screen)
    assert not screen.grab().isNull()  # paints the slide
    lines = dict(screen.card_lines)
    assert lines["Units used"] == "48 of 48 U"
    power_line = next(v for k, v in screen.card_lines if k.startswith("Power"))
    assert power_line.startswith("28.7 kW max (worst case)")
    assert lines["Weight"].startswith(f"{b01.weight_kg:,.0f} kg")
    window.presentation.stop()


def test_the_failure_banner_and_pwr005_say_the_same(pod, qtbot):
    window, design, n = pod
    engine = window.live_checks.engine
    window.actions_by_id["simulate_failure"].trigger()
    window.site_dock.select(n["P1-B01-A"])
    assert window.failure_simulation.current.failed == n["P1-B01-A"]
    [(node, load, _basis)] = window.failure_simulation.current.overloads
    assert node == n["P1-B01-B"]
    phrase = capacity_of(engine.ctx, node).describe(load)
    assert phrase == "28.7 kW of the 18.4 kW derated limit (156 %; rating 23.0 kVA × PF 1.00 × 0.80)"
    assert f"P1-B01-B {phrase}" in window.findings_dock.banner.text()
    assert f"P1-B01-B {phrase}" in window.statusBar().currentMessage()
    pwr005 = next(f for f in window.findings_dock.listed() if f.rule == "PWR-005" and f.objects == (node,))
    assert phrase in pwr005.message and pwr005.figures["load_w"] == round(load, 1)
