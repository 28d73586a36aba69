"""Live design checks in the editor: the Findings panel (the same findings as `rackstudio check`,
click to show, waive and remove waivers through the undo stack, incremental updates), canvas
markers and bars, the drag ghost's preview of what a drop would break, failure simulation,
plugin wiring (palette, rules, Plugins dialog, part editor, library drift) and the start-up
report."""
from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from rackstudio.checks import CheckEngine, Severity
from rackstudio.commands import Composite, Disconnect, MoveDevice, PlaceDevice, SetProperty, SetSetting
from rackstudio.document import ChecksJob, Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.paths import example_design
from rackstudio.plugins import Failure, Stage
from rackstudio.ui import live_checks
from rackstudio.ui.dialogs.part_editor import PartEditorDialog
from rackstudio.ui.dialogs.plugins import PluginsDialog
from rackstudio.ui.dialogs.waiver import WaiverDialog
from tests.core import builders
from tests.core.test_plugins import EXAMPLE, RULE, fake_site
from tests.ui.conftest import drag_leave, drag_move
from tests.ui.helpers import palette_mime, to_view, undo_texts, unit_point

RULE_ID = re.compile(r"\b[A-Z]{3,4}-\d{3}\b")


@pytest.fixture(name="site")
def _site(tmp_path, monkeypatch):
    yield from fake_site(tmp_path, monkeypatch)


def wait_checks(qtbot, window) -> CheckEngine:
    qtbot.waitUntil(lambda: window.live_checks.engine is not None, timeout=20000)
    return window.live_checks.engine


def full_run(design):
    return CheckEngine(design, ComponentGraph(design)).run_full()


@pytest.fixture
def pod_window(window, qtbot):
    """The window over the bundled example pod, checked. Returns (window, design, ids by name)."""
    assert window.open_path(example_design(), ask=False)
    wait_checks(qtbot, window)
    design = window.editor.design
    names = {getattr(r, "name", ""): r.id for coll in ("racks", "devices", "feeds", "panels", "upses")
             for r in getattr(design, coll).values()}
    return window, design, names


def finding(window, rule: str, obj: str):
    return next(f for f in window.findings_dock.listed() if f.rule == rule and f.objects[0] == obj)


def click_row(qtbot, dock, f) -> None:
    item = dock.row_of(f)
    parent = item.parent()
    while parent is not None:
        parent.setExpanded(True)
        parent = parent.parent()
    dock.tree.scrollToItem(item)
    rect = dock.tree.visualItemRect(item)
    qtbot.mouseClick(dock.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def menu_action(dock, f, text: str):
    menu = QMenu()
    dock.fill_menu(menu, f)
    action = next(a for a in menu.actions() if a.text() == text)
    action.trigger()


# --- the Findings panel ------------------------------------------------------------------------------

def test_the_findings_panel_lists_what_rackstudio_check_reports(pod_window):
    window, _design, _ = pod_window
    result = subprocess.run([sys.executable, "-m", "rackstudio", "check", str(example_design()), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    cli = sorted((f["rule"], tuple(f["objects"])) for f in json.loads(result.stdout)["findings"])
    listed = sorted((f.rule, f.objects) for f in window.findings_dock.listed())
    assert cli and listed == cli
    tree = window.findings_dock.tree
    assert [tree.topLevelItem(i).text(0) for i in range(3)] == ["Errors — 0", "Warnings — 1", "Info — 19"]
    warnings = tree.topLevelItem(1)
    assert [warnings.child(i).text(0) for i in range(warnings.childCount())] == [
        "COOL-001 Heat to air over the air-cooling capacity — 1"]
    assert window.statusBar().currentMessage().startswith("Checks: 0 errors, 1 warning, 19 info")


def test_rackstudio_check_finds_what_the_app_finds_with_the_installed_plugins(window, qtbot, tmp_path):
    """The app's plugins (started as the app starts them) and `rackstudio check` in another process
    give the same findings, the example plugin's rule among them (3 DGX B200: 42.9 kW to air)."""
    from rackstudio.cli.rule_packs import start_plugins
    from tests.core.test_plugins import small_design

    path = tmp_path / "hot.rackstudio"
    project_file.save(small_design((3, 2)), path)
    window.plugins = start_plugins()
    assert window.open_path(path, ask=False)
    wait_checks(qtbot, window)
    result = subprocess.run([sys.executable, "-m", "rackstudio", "check", str(path), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    cli = sorted((f["rule"], tuple(f["objects"]), f["message"]) for f in json.loads(result.stdout)["findings"])
    listed = sorted((f.rule, f.objects, f.message) for f in window.findings_dock.listed())
    assert listed == cli
    assert ("rackstudio-ai-racks.no-air-above-35kw", ("rk-1",)) in {(rule, objects) for rule, objects, _ in cli}


def test_clicking_a_finding_selects_and_shows_its_rack_or_device(pod_window, qtbot):
    window, design, n = pod_window
    dock = window.findings_dock
    window.editor.execute(SetProperty(n["P1-A01"], "power_budget_kw", 125))  # 119.95 kW: 96 % of its budget
    window.hall_view.zoom_fit()
    fitted = window.hall_view.transform().m11()
    click_row(qtbot, dock, finding(window, "PWR-014", n["P1-A01"]))
    assert window.selection.ids == [n["P1-A01"]]
    assert window.tabs.currentIndex() == 0
    view = window.hall_view
    assert view.transform().m11() > fitted * 1.2  # zoomed in on it
    item = view.hall_scene.objects[n["P1-A01"]]
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.contains(item.sceneBoundingRect().center()) and item.isSelected()
    click_row(qtbot, dock, finding(window, "PWR-010", n["P1-B01-U2"]))
    assert window.selection.ids == [n["P1-B01-U2"]]
    assert window.tabs.currentIndex() == 1
    elevations = window.elevation_view.elevations
    assert n["P1-B01"] in elevations.open_racks
    assert all(i.isSelected() for i in elevations.items_of(n["P1-B01-U2"]) if i.role != "shadow")


def test_waiving_from_the_context_menu_is_undoable_and_greys_the_finding(pod_window, monkeypatch):
    window, design, n = pod_window
    dock, rack = window.findings_dock, n["P1-A01"]
    monkeypatch.setattr(WaiverDialog, "ask", classmethod(lambda cls, *a, **k: ("accepted for the pilot", "ana")))
    window.editor.execute(SetProperty(rack, "power_budget_kw", 125))  # 119.95 kW: 96 % of its own budget
    hall_item = window.hall_view.hall_scene.objects[rack]
    assert hall_item.marker is not None and "PWR-014" in hall_item.toolTip()
    f = finding(window, "PWR-014", rack)
    menu_action(dock, f, "Waive…")
    (waiver,) = design.waivers.values()
    assert (waiver.finding, waiver.reason, waiver.author) == (f.key, "accepted for the pilot", "ana")
    assert undo_texts(window)[-1].startswith("Waive PWR-014")
    waived = next(g for g in dock.listed() if g.key == f.key)
    row = dock.row_of(waived)
    assert waived.waived and row.text(0).startswith("[waived] ") and row.font(0).italic()
    assert row.foreground(0).color().name() == "#96969b"
    assert dock.tree.topLevelItem(1).text(0) == "Warnings — 1 (1 waived)"
    assert window.live_checks.counts["warning"] == 1 and window.live_checks.counts["waived"] == 1
    assert hall_item.marker is None  # no longer counted: the outline goes
    window.undo_stack.undo()
    assert not design.waivers and not next(g for g in dock.listed() if g.key == f.key).waived
    assert dock.tree.topLevelItem(1).text(0) == "Warnings — 2" and hall_item.marker is not None
    window.undo_stack.redo()
    menu_action(dock, next(g for g in dock.listed() if g.key == f.key), "Remove Waiver")
    assert not design.waivers and undo_texts(window)[-1] == "Remove waiver of PWR-014"
    assert dock.listed() == window.live_checks.findings()


def test_an_edit_updates_the_findings_incrementally(pod, qtbot):
    window, design, r1, r2 = pod
    wait_checks(qtbot, window)
    resets, deltas = [], []
    window.live_checks.reset.connect(lambda: resets.append(1))
    window.live_checks.delta.connect(deltas.append)
    window.editor.execute(PlaceDevice(builders.server(), rack=r2, position=1, device_id="srv-2"))
    assert any(f.rule == "COOL-011" and f.objects == (r2,) for f in deltas[-1].added)
    assert window.findings_dock.listed() == full_run(design)
    window.editor.execute(MoveDevice("srv", rack=r2, position=20))
    assert any(f.rule == "COOL-011" and f.objects == (r1,) for f in deltas[-1].removed)
    assert window.findings_dock.listed() == full_run(design)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.findings_dock.listed() == full_run(design)
    assert not resets and len(deltas) == 4  # never a full re-run
    # srv has no PSU connected (PWR-019)
    assert window.findings_dock.summary.text().startswith("1 error, 1 warning, 1 info")


def test_a_background_check_builds_its_rules_on_the_worker_after_preparing_on_the_gui_thread(qtbot):
    """The GUI thread only prepares (the app starts its plugins there); the rule registry, whose
    first build imports every rule module, is built by the check's worker thread."""
    from rackstudio.checks import builtin_registry
    from rackstudio.ui.main_window import MainWindow

    window = MainWindow(Document(project_file.load(example_design()).design), None)
    qtbot.addWidget(window)
    checks = window.live_checks
    checks.background_records = 0  # the example is small: treat it as large
    threads: list[tuple[str, str]] = []
    checks.prepare = lambda: threads.append(("prepare", threading.current_thread().name))

    def registry():
        threads.append(("registry", threading.current_thread().name))
        return builtin_registry()

    checks.registry_factory = registry
    window.show()
    engine = wait_checks(qtbot, window)
    assert threads == [("prepare", threading.main_thread().name), ("registry", "rackstudio-checks")]
    assert engine.rules_run() == [r.id for r in builtin_registry()]
    assert window.findings_dock.listed() == full_run(window.editor.design)


def test_a_large_designs_first_check_runs_in_the_background_and_catches_up_with_edits(qtbot, monkeypatch):
    from rackstudio.ui.main_window import MainWindow

    gate = threading.Event()
    run = ChecksJob.run
    monkeypatch.setattr(ChecksJob, "run", lambda job: (gate.wait(20), run(job))[1])
    interval = sys.getswitchinterval()
    window = MainWindow(Document(project_file.load(example_design()).design), None)
    qtbot.addWidget(window)
    window.live_checks.background_records = 0  # the example is small: treat it as large
    started = []
    window.live_checks.status.connect(started.append)
    window.show()
    qtbot.waitUntil(lambda: window.live_checks.running and window.live_checks._job is not None)
    assert any("in the background" in m for m in started)
    # the GUI thread's turns for the GIL are short while the worker runs; as before once it ends
    assert sys.getswitchinterval() == pytest.approx(live_checks.BACKGROUND_SWITCH_INTERVAL_S)
    design = window.editor.design
    rack = next(r.id for r in design.racks.values() if r.name == "P1-B01")
    window.editor.execute(SetProperty(rack, "power_budget_kw", 20))  # while it runs: the window is not blocked
    assert window.live_checks.engine is None and window.findings_dock.summary.text().startswith("Checking in the background")
    gate.set()
    engine = wait_checks(qtbot, window)
    assert engine.design is design and not window.live_checks.running
    assert sys.getswitchinterval() == pytest.approx(interval) and gc.isenabled()
    assert window.findings_dock.listed() == full_run(design)
    assert any(f.rule == "PWR-014" and f.objects == (rack,) for f in window.findings_dock.listed())
    window.undo_stack.undo()
    assert window.findings_dock.listed() == full_run(design)


# --- canvas markers and bars ----------------------------------------------------------------------------

def test_markers_appear_on_a_rack_with_an_error_and_go_when_it_is_fixed(pod, qtbot):
    window, design, r1, _r2 = pod
    window.editor.execute(SetSetting("disabled_rules", ("PWR-019",)))  # srv stays unpowered: this is about budgets
    wait_checks(qtbot, window)
    window.open_elevation(r1)
    hall_item = window.hall_view.hall_scene.objects[r1]
    frame = window.elevation_view.elevations.frames[r1]
    assert hall_item.marker.severity == Severity.WARNING  # COOL-011: open units
    window.editor.execute(SetProperty(r1, "power_budget_kw", 5))
    assert hall_item.marker.is_error and "PWR-014" in hall_item.toolTip()
    assert frame is not window.elevation_view.elevations.frames[r1] or frame.marker.is_error
    frame = window.elevation_view.elevations.frames[r1]
    assert frame.marker.is_error and "PWR-014" in frame.toolTip()
    assert hall_item.bars[0].level == "error" and hall_item.bars[0].ratio > 1
    window.editor.execute(SetProperty(r1, "power_budget_kw", 50))
    frame = window.elevation_view.elevations.frames[r1]
    assert not hall_item.marker.is_error and "PWR-014" not in hall_item.toolTip()
    assert frame.marker.severity == Severity.WARNING and "PWR-014" not in frame.toolTip()
    assert hall_item.bars[0].level == "ok"


def test_a_device_with_a_warning_is_outlined_in_its_elevation(pod_window):
    window, design, n = pod_window
    unplug = [c.id for c in design.connections.values() if c.a.owner == n["P1-B01-U2"] and c.a.port in ("PSU1", "PSU3")]
    window.editor.execute(Composite("unplug", [Disconnect(c) for c in unplug]))  # 4 of 6 PSUs: below 5+1's five
    window.open_elevation(n["P1-B01"])
    (face,) = [i for i in window.elevation_view.elevations.items_of(n["P1-B01-U2"]) if i.role == "face"]
    assert face.marker.severity == Severity.WARNING and "PWR-019" in face.toolTip()
    blanks = list(window.elevation_view.elevations.items_of(n["P1-B01-U1"]))
    assert blanks and all(i.marker is None for i in blanks)


# --- the drag ghost asks the checks --------------------------------------------------------------------

def test_the_drag_ghost_says_what_a_drop_would_break_and_asks_once_per_unit(pod, qtbot):
    window, design, _r1, r2 = pod
    engine = wait_checks(qtbot, window)
    window.editor.execute(SetProperty(r2, "power_budget_kw", 5))
    window.open_elevation(r2)
    calls = []
    preview = engine.preview
    engine.preview = lambda command: calls.append(command) or preview(command)
    view = window.elevation_view
    mime = palette_mime(window, "DGX B200")
    before = list(window.findings_dock.listed())
    assert drag_move(view.viewport(), mime, to_view(view, unit_point(window, r2, 1, height=10)))
    ghost = view.ghost
    assert ghost.fit.ok and ghost.consequence.level == "error"
    assert "PWR-014" in ghost.toolTip() and RULE_ID.search(ghost.toolTip())
    assert ghost.pen().color().name() == "#d73a49"
    assert drag_move(view.viewport(), mime, to_view(view, unit_point(window, r2, 1, height=10)), enter=False)
    assert len(calls) == 1  # the same unit: asked once
    assert drag_move(view.viewport(), mime, to_view(view, unit_point(window, r2, 30, height=10)), enter=False)
    assert len(calls) == 2
    drag_leave(view.viewport())
    assert window.findings_dock.listed() == before and not any(f.rule == "PWR-014" for f in engine.findings())
    assert design.devices.keys() == {"srv"}


def test_a_harmless_drop_keeps_the_ghost_green(pod, qtbot):
    window, _design, r1, _r2 = pod
    wait_checks(qtbot, window)
    window.open_elevation(r1)
    view = window.elevation_view
    assert drag_move(view.viewport(), palette_mime(window, "Blank 1U"), to_view(view, unit_point(window, r1, 30)))
    assert view.ghost.consequence is not None and view.ghost.consequence.level is None
    assert view.ghost.pen().color().name() == "#2ea043"
    drag_leave(view.viewport())


# --- failure simulation ------------------------------------------------------------------------------

def test_failing_a_feed_darkens_its_pdu_and_degrades_the_dgx_servers_in_both_views(pod_window, qtbot):
    window, _design, n = pod_window
    window.open_elevation(n["P1-B01"])
    elevations, hall = window.elevation_view.elevations, window.hall_view.hall_scene
    window.actions_by_id["simulate_failure"].trigger()
    assert window.failure_simulation.active and window.findings_dock.banner.isVisible()
    window.site_dock.select(n["P1-B01-A"])  # feeds are picked in the Site panel
    assert window.failure_simulation.current.failed == n["P1-B01-A"]
    assert {i.sim for i in elevations.items_of(n["P1-B01-PDU-A"])} == {"dark"}
    for server in ("P1-B01-U2", "P1-B01-U13"):
        assert {i.sim for i in elevations.items_of(n[server])} == {"degraded"}
    assert {i.sim for i in elevations.items_of(n["P1-B01-PDU-B"])} == {None}
    rack = hall.objects[n["P1-B01"]]
    assert (rack.sim, rack.sim_failed_here) == ("degraded", True)
    assert hall.objects[n["P1-B02"]].sim is None
    message = window.statusBar().currentMessage()
    assert message.startswith("Failure of P1-B01-A: 1 device loses power (P1-B01-PDU-A); 2 lose redundancy")
    assert "P1-B01-PDU-A" in window.findings_dock.banner.text()
    # a PDU picked in the elevation fails it instead
    window.selection.set([n["P1-B01-PDU-B"]])
    assert {i.sim for i in elevations.items_of(n["P1-B01-PDU-B"])} == {"failed"}
    assert {i.sim for i in elevations.items_of(n["P1-B01-PDU-A"])} == {None}
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.failure_simulation.active and not window.actions_by_id["simulate_failure"].isChecked()
    assert all(i.sim is None for items in elevations.device_items.values() for i in items)
    assert rack.sim is None and not rack.sim_failed_here and not window.findings_dock.banner.isVisible()


# --- plugins, the part editor and library drift ----------------------------------------------------------

def test_the_example_plugins_parts_reach_the_palette_and_its_rule_the_checks(site, qtbot):
    from rackstudio.ui import app
    from rackstudio.ui.main_window import MainWindow

    site.example()
    plugins = app._start_plugins()
    window = MainWindow(Document(builders.empty_design()), app._library(plugins))
    qtbot.addWidget(window)
    window.plugins = plugins
    window.show()
    qtbot.waitExposed(window)
    palette_mime(window, "GB300 NVL72 Compute Tray")
    entry = next(e for e in window.palette_dock.model.entries if e.model == "GB300 NVL72 Compute Tray")
    assert entry.source == EXAMPLE
    assert RULE in wait_checks(qtbot, window).rules_run()
    seen = []
    window.statusBar().messageChanged.connect(seen.append)
    plugins.failed.emit(Failure(EXAMPLE, "test", Stage.RULE_RAISED, "ValueError: boom", RULE))
    qtbot.waitUntil(lambda: any(m.startswith("Plugin problem:") and "boom" in m for m in seen))


def test_the_plugins_dialog_opens_from_the_tools_menu_and_switching_a_plugin_reloads_the_palette(site, qtbot):
    from rackstudio.ui.library_source import CatalogLibrary
    from rackstudio.ui.main_window import MainWindow

    site.example()
    plugins = site.start()
    window = MainWindow(Document(builders.empty_design()), CatalogLibrary(plugins.catalog()))
    qtbot.addWidget(window)
    window.plugins = plugins
    assert window.actions_by_id["plugins"] in window.menus["Tools"].actions()
    window.actions_by_id["plugins"].trigger()
    dialog = window.tools.dialogs[-1]
    assert isinstance(dialog, PluginsDialog) and dialog.isVisible()
    models = lambda: {e.model for e in window.palette_dock.model.entries}  # noqa: E731
    assert "GB300 NVL72 Compute Tray" in models()
    dialog.plugin_items()[EXAMPLE].setCheckState(0, Qt.CheckState.Unchecked)
    assert "GB300 NVL72 Compute Tray" not in models()
    dialog.plugin_items()[EXAMPLE].setCheckState(0, Qt.CheckState.Checked)
    assert "GB300 NVL72 Compute Tray" in models()
    dialog.close()


def test_new_part_and_edit_part_open_the_part_editor(pod):
    window, _design, _r1, _r2 = pod
    window.actions_by_id["new_part"].trigger()
    assert isinstance(window.tools.dialogs[-1], PartEditorDialog)
    window.selection.set(["srv"])
    window.actions_by_id["edit_part"].trigger()
    dialog = window.tools.dialogs[-1]
    assert isinstance(dialog, PartEditorDialog) and dialog.part().model == "DGX B200"
    for d in window.tools.dialogs:
        d.close()


def test_parts_that_differ_from_the_library_are_offered_as_one_update(qtbot, tmp_path):
    from rackstudio.ui.library_source import builtin_library
    from rackstudio.ui.main_window import MainWindow

    design = project_file.load(example_design()).design
    slug = next(s for s, p in design.part_types.items() if p.model == "DGX B200")
    design.part_types[slug] = design.part_types[slug].replace(weight=150.0, weight_unit="kg")
    path = tmp_path / "drifted.rackstudio"
    project_file.save(design, path)
    window = MainWindow(library=builtin_library())
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path, ask=False)
    bar = window.tools.drift_bar
    assert bar.isVisible() and bar.label.text() == "1 part in this design differs from the library"
    assert "DGX B200" in bar.toolTip()
    bar.button.click()
    assert not bar.isVisible()
    assert window.editor.design.part_types[slug].weight_kg != 150.0
    window.undo_stack.undo()
    assert window.editor.design.part_types[slug].weight_kg == 150.0


# --- start-up ------------------------------------------------------------------------------------------

def test_the_startup_report_prints_the_first_paint_and_exits(tmp_path):
    env = {**os.environ, "RACKSTUDIO_STARTUP_REPORT": "exit", "QT_QPA_PLATFORM": "offscreen",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-m", "rackstudio", str(example_design())], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^first-paint \d+\.\d{3}$", result.stderr, re.M), result.stderr
