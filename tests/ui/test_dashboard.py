"""The dashboard: loads pyqtgraph only when shown, plots the checks' own figures, follows edits
once per event-loop pass, and a click on a bar or a heat-map cell selects that rack."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from rackstudio.checks import CheckEngine
from rackstudio.commands import SetProperty
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.ui.dashboard import DashboardDock
from tests.core.test_reports_designs import A01, A02, A03, revision_b

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def board(make_window, qtbot):
    window = make_window(revision_b().design)
    dock = getattr(window, "dashboard_dock", None)
    if dock is None:
        dock = window.add_dock(DashboardDock(window.editor, window, lambda: window.hall_view.hall_scene.hall_id))
    dock.show()
    qtbot.waitUntil(lambda: dock.series is not None and dock.updates > 0)
    return window, dock


def _engine(design):
    engine = CheckEngine(design, ComponentGraph(design))
    return engine, engine.run_full()


def test_pyqtgraph_loads_only_when_the_dashboard_is_shown():
    code = ("import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
            "from rackstudio.ui.main_window import MainWindow\n"
            "from rackstudio.ui.dashboard import DashboardDock\n"
            "w = MainWindow(); dock = getattr(w, 'dashboard_dock', None) or w.add_dock(DashboardDock(w.editor, w))\n"
            "w.show(); dock.hide(); app.processEvents()\n"
            "assert 'pyqtgraph' not in sys.modules, 'imported before the dashboard was shown'\n"
            "dock.show(); app.processEvents(); app.processEvents()\n"
            "assert 'pyqtgraph' in sys.modules and dock.tabs is not None\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_chart_data_equals_the_checks_figures(board):
    window, dock = board
    engine, findings = _engine(window.editor.design)
    power = dock.chart("Power")
    assert power.keys == [A01, A02, A03]
    for i, rack in enumerate(power.keys):
        m = engine.rack_metrics(rack)
        assert power.data["side_a_kw"][i] == pytest.approx(m.side_a_w / 1000)
        assert power.data["side_b_kw"][i] == pytest.approx(m.side_b_w / 1000)
        assert power.data["total_kw"][i] == pytest.approx(m.checked_w / 1000)
    [limit] = {f.figures["capacity_w"] for f in findings if f.rule in ("PWR-001", "PWR-002")} or {None}
    assert limit is None or power.data["limit_kw"][1] == pytest.approx(limit / 1000, abs=1e-3)
    dock.show_chart("Heat")
    heat = dock.chart("Heat")
    assert list(heat.data["heat_air_kw"]) == pytest.approx([engine.rack_metrics(r).heat_air_w / 1000
                                                            for r in heat.keys])
    dock.show_chart("Units")
    assert list(dock.chart("Units").data["units_used"]) == [10, 11, 0]
    dock.show_chart("Ports")
    ports = dock.chart("Ports")
    assert ports.keys == ["sw"] and list(ports.data["used"]) == [2] and list(ports.data["total"]) == [64]
    dock.show_chart("Phases")
    phases = dock.chart("Phases")
    assert set(phases.keys) == {"feed-a", "feed-b", "pdu-a"}
    i = phases.keys.index("feed-a")
    assert phases.data["limit_a"][i] == pytest.approx(0.8 * 63)
    dock.show_chart("Heat map")
    assert list(dock.chart("Heat map").data["kw"]) == pytest.approx(
        [engine.rack_metrics(r).checked_w / 1000 for r in dock.chart("Heat map").keys])


def test_charts_follow_edits_once_per_pass(board, qtbot):
    window, dock = board
    before = dock.updates
    window.editor.execute(SetProperty("srv2", "allocated_w", 5000))
    window.editor.execute(SetProperty("srv", "allocated_w", 6000))
    assert dock.updates == before  # an edit only schedules the redraw
    qtbot.waitUntil(lambda: dock.updates > before)
    # two edits, one redraw, and nothing left that could redraw again: no pending changes, the
    # dashboard's own (single-shot) timer idle
    assert (dock.updates, dock.pending, dock._timer.isActive()) == (before + 1, None, False)
    power = dock.chart("Power")
    engine, _ = _engine(window.editor.design)
    assert power.data["total_kw"][0] == pytest.approx(5.0)
    assert power.data["total_kw"][1] == pytest.approx(engine.rack_metrics(A02).checked_w / 1000)
    window.undo_stack.undo()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: power.data["total_kw"][0] == pytest.approx(14.3))


def test_a_hidden_dashboard_waits(board, qtbot):
    window, dock = board
    dock.hide()
    count = dock.updates
    window.editor.execute(SetProperty("srv2", "allocated_w", 4000))
    qtbot.waitUntil(lambda: not dock._timer.isActive())  # whatever the edit scheduled has run
    assert dock.updates == count and dock.pending is not None
    dock.show()
    qtbot.waitUntil(lambda: dock.updates > count)
    assert dock.chart("Power").data["total_kw"][0] == pytest.approx(4.0)


def test_clicking_a_bar_selects_its_rack(board, qtbot):
    window, dock = board
    power = dock.chart("Power")
    widget = power.widget
    scene_pos = power.plot.vb.mapViewToScene(QPointF(1 + 0.2, power.data["side_b_kw"][1] / 2))
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=widget.mapFromScene(scene_pos))
    assert window.selection.ids == [A02]


def test_clicking_the_heat_map_selects_a_rack(board, qtbot):
    window, dock = board
    dock.show_chart("Heat map")
    heat = dock.chart("Heat map")
    rack = window.editor.design.racks[A03]
    centre = QPointF((rack.x_mm + 300) / 1000, (rack.y_mm + 600) / 1000)
    widget = heat.widget
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget.mapFromScene(heat.plot.vb.mapViewToScene(centre)))
    assert window.selection.ids == [A03]


def test_the_dashboard_shows_the_halls_optics_power_and_follows_an_edit(board, qtbot):
    """The line `rackstudio info` prints for the hall, kept up to date as a cable's optics change."""
    from rackstudio.commands import Connect
    from rackstudio.model import PortRef
    from rackstudio.reports.totals import optics_text

    window, dock = board
    design = window.editor.design
    engine, _ = _engine(design)
    assert dock.optics.text() == f"Optics in Hall 1: {optics_text(engine.rack_metrics(r) for r in design.racks)}"
    switch = design.devices["sw"]
    port = next(i.name for i in design.part_of(switch).interfaces
                if design.port_connection("network", "sw", i.name) is None and not i.mgmt_only)
    server = next(d for d in design.devices.values() if design.part_of(d).category == "server")
    nic = next(i.name for i in design.part_of(server).interfaces
               if design.port_connection("network", server.id, i.name) is None and not i.mgmt_only)
    window.editor.execute(Connect("network", PortRef(owner="sw", port=port), PortRef(owner=server.id, port=nic),
                                  ends=("nvidia-mms4x00-ns", "nvidia-mms4x00-ns400")))
    qtbot.waitUntil(lambda: "0.03 kW in 2 cages" in dock.optics.text())  # 17 W + 9 W
    engine, _ = _engine(design)
    assert dock.optics.text() == f"Optics in Hall 1: {optics_text(engine.rack_metrics(r) for r in design.racks)}"
