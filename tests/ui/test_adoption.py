"""Adopting a background full check: its findings are indexed, listed and marked as sliced work on
later turns of the event loop (slices made tiny here: one step a turn, two findings a step); the
Findings header and the status bar do not say the checks are done until all of it is, and an edit
meanwhile is neither lost nor listed twice."""
from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from rackstudio.checks import CheckEngine
from rackstudio.commands import SetProperty
from rackstudio.document import ChecksJob, Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model.geometry import devices_within
from rackstudio.paths import example_design
from rackstudio.ui import live_checks
from rackstudio.ui.live_checks import counts_text, tally


@pytest.fixture(autouse=True)
def tiny_slices(monkeypatch):
    monkeypatch.setattr(live_checks, "ADOPT_BUDGET_S", 0.0)  # one step per turn of the event loop
    monkeypatch.setattr(live_checks, "ADOPT_CHUNK", 2)


@pytest.fixture
def jobs(monkeypatch):
    """The background jobs run, as they end."""
    ran: list[ChecksJob] = []
    run = ChecksJob.run
    monkeypatch.setattr(ChecksJob, "run", lambda job: (run(job), ran.append(job))[0])
    return ran


def background_window(qtbot):
    """The window over the example pod, its checks run as a large design's are (on the worker)."""
    from rackstudio.ui.main_window import MainWindow

    window = MainWindow(Document(project_file.load(example_design()).design), None)
    qtbot.addWidget(window)
    window.live_checks.background_records = 0
    return window


def full_run(design):
    return CheckEngine(design, ComponentGraph(design)).run_full()


def tree_order(dock):
    """The findings in the order the panel shows them (severity, rule, finding rows)."""
    tree, out = dock.tree, []
    for s in range(tree.topLevelItemCount()):
        severity = tree.topLevelItem(s)
        for r in range(severity.childCount()):
            rule = severity.child(r)
            out += [rule.child(i).data(0, Qt.ItemDataRole.UserRole)[1] for i in range(rule.childCount())]
    return out


def assert_marked(window):
    """Every hall item shows the marker and bars of the checks as they are now."""
    checks, scene, design = window.live_checks, window.hall_view.hall_scene, window.editor.design
    for obj_id, item in scene.objects.items():
        assert item.marker == checks.marker([obj_id, *devices_within(design, obj_id)]), obj_id
        if obj_id in design.racks:
            assert item.bars is not None and item.bars == checks.rack_load(obj_id), obj_id


def test_a_background_checks_findings_are_those_of_rackstudio_check(qtbot, jobs):
    window = background_window(qtbot)
    checks, dock = window.live_checks, window.findings_dock
    window.show()
    qtbot.waitUntil(lambda: checks.in_background)
    assert not gc.isenabled()  # paused while the worker runs
    qtbot.waitUntil(lambda: checks.engine is not None, timeout=20000)
    assert gc.isenabled() and not checks.running and not checks.adopting
    result = subprocess.run([sys.executable, "-m", "rackstudio", "check", str(example_design()), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    cli = sorted((f["rule"], tuple(f["objects"]), f["message"]) for f in json.loads(result.stdout)["findings"])
    assert cli and sorted((f.rule, f.objects, f.message) for f in dock.listed()) == cli
    assert tree_order(dock) == checks.findings() == full_run(window.editor.design)
    assert_marked(window)
    assert dock.summary.text().startswith("0 errors, 1 warning, 19 info")
    assert window.statusBar().currentMessage().startswith("Checks: 0 errors, 1 warning, 19 info")
    (job,) = jobs  # its snapshot's own indexes were emptied on the worker; those the design lent it are whole
    snap, live = job.design.index, window.editor.design.index
    assert not snap.contents and not snap.attached
    assert snap.where is live.where and snap.port_use is live.port_use and live.where and live.port_use
    assert not live.lent  # given back: the design's next edit writes them in place


def test_an_edit_while_the_result_is_taken_in_ends_as_a_full_check_of_the_edited_design(qtbot):
    window = background_window(qtbot)
    checks, dock, design = window.live_checks, window.findings_dock, window.editor.design
    remarking = []  # what the window said when the hall's re-marking began (the findings all listed)
    checks.markers_changed.connect(lambda ids: ids is None and checks.adopting and remarking.append(
        (checks.engine, dock.summary.text(), window.statusBar().currentMessage())))
    window.show()
    with qtbot.waitSignal(checks.delta, timeout=20000):  # the first chunk of the result is listed
        pass
    total = sum(checks.counts.values())
    assert checks.adopting and checks.running and checks.engine is None and checks.findings() == []
    assert len(dock.listed()) == 2 < total
    assert dock.summary.text() == f"Checking… taking in the results: 2 of {total} findings listed"
    assert not window.statusBar().currentMessage().startswith("Checks:")

    names = {r.name: r.id for coll in (design.racks, design.devices) for r in coll.values()}
    engine = window.editor.bridge.document.check_engine
    deltas = []
    engine.changed.connect(deltas.append)
    to_come = set(checks._unadopted)
    window.editor.execute(SetProperty(names["P1-B04-U13"], "name", "P1-B04-U13-renamed"))  # a PWR-010 not listed yet
    window.editor.execute(SetProperty(names["P1-B01"], "power_budget_kw", 20))  # a PWR-014 warning, listed now
    (renamed, budget) = deltas
    assert renamed.removed and all(f in to_come for f in renamed.removed) and renamed.added
    assert any(f.rule == "PWR-014" for f in budget.added)
    assert any(f.rule == "PWR-014" for f in dock.listed()) and checks.adopting

    qtbot.waitUntil(lambda: not checks.running, timeout=20000)
    [(engine_then, header_then, status_then)] = remarking
    assert engine_then is None and header_then.startswith("Checking…") and not status_then.startswith("Checks:")
    expected = full_run(design)
    assert dock.listed() == expected and tree_order(dock) == expected == checks.findings()
    assert checks.counts == tally(expected)
    assert sum(f.message.startswith("P1-B04-U13-renamed") for f in dock.listed()) == 1
    assert_marked(window)
    assert window.hall_view.hall_scene.objects[names["P1-B01"]].marker is not None
    assert dock.summary.text().startswith(counts_text(expected) + " · full check")
    assert window.statusBar().currentMessage().startswith(f"Checks: {counts_text(expected)} (")

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Edit ▸ Undo: the budget
    assert design.racks[names["P1-B01"]].power_budget_kw != 20
    assert tree_order(dock) == full_run(design) and not any(f.rule == "PWR-014" for f in dock.listed())
    assert_marked(window)


def test_a_wide_edit_of_a_large_design_is_checked_on_the_worker_and_undone_at_once(qtbot, jobs, monkeypatch):
    """An edit of a large design that would run every rule (a rack-design edit on 448 instances of
    L: 2.2 s) does not hold the window for that run: the Delete key returns once the rack is gone,
    the Findings panel says the findings listed are of before the edit, the rack bars come from the
    figures of the design as it is, and the run goes to the worker. When it ends the findings are
    a full run's. Its undo puts the state from before back at once; an undo while the run goes
    drops that run."""
    from rackstudio.checks import engine as engine_module

    window = background_window(qtbot)
    checks, dock = window.live_checks, window.findings_dock
    window.show()
    qtbot.waitUntil(lambda: checks.engine is not None and not checks.running, timeout=20000)
    engine = checks.engine
    assert engine.defer_full
    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: True)
    design = window.editor.design
    before = engine.findings()
    rack = min((r for r in design.racks if design.contents(r)), key=lambda r: design.racks[r].name)
    window.selection.set([rack])
    window.hall_view.setFocus()
    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_Delete)
    assert rack not in design.racks
    assert checks.deferred and checks.in_background and checks.engine is None
    assert dock.summary.text().startswith("Checking the last edit in the background")
    assert dock.listed() == before  # as they were, until the run ends
    other = next(r for r in design.racks if design.contents(r))
    assert checks.rack_load(other) == window.hall_view.hall_scene._summary(other).bars()
    qtbot.waitUntil(lambda: not checks.running, timeout=20000)
    assert len(jobs) == 2 and checks.engine is engine and not checks.deferred
    assert engine.findings() == full_run(design) != before
    # the run's graph was emptied on the worker (the document keeps its own), not freed here
    assert jobs[-1].engine.graph.g.number_of_nodes() == 0 < window.document.graph.g.number_of_nodes()
    assert dock.summary.text().startswith(counts_text(tally(engine.findings())))
    assert_marked(window)

    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rack in design.racks and not checks.running and checks.engine is engine
    assert engine.findings() == before == full_run(design)  # put back, nothing run

    window.selection.set([rack])
    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_Delete)
    assert checks.deferred and checks.in_background
    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not checks.deferred and checks.engine is engine and engine.findings() == before
    qtbot.waitUntil(lambda: not checks.running, timeout=20000)
    assert len(jobs) == 3 and checks.engine is engine and engine.findings() == before == full_run(design)
    assert dock.summary.text().startswith(counts_text(tally(before)))


def test_checks_asked_for_while_a_background_check_goes_run_again_when_it_ends(qtbot, jobs):
    """F5 (Tools ▸ Run All Checks), or plugin rules switched on or off, while the background check
    runs: it says a check is running, and runs the checks again once that one ends, with the rules
    as they are then (before, the request was dropped and the old rules kept)."""
    from rackstudio.checks import RuleRegistry

    window = background_window(qtbot)
    checks = window.live_checks
    window.show()
    qtbot.waitUntil(lambda: checks.in_background)
    checks.registry_factory = RuleRegistry  # the rules changed meanwhile: none now
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert "run again" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: len(jobs) == 2 and not checks.running, timeout=20000)
    assert checks.engine.rules_run() == [] and checks.findings() == []


def test_figures_asked_for_during_the_first_background_check_come_with_it(qtbot, monkeypatch):
    """A click on a rack, its elevation opened and the Dashboard shown while a large design's first
    check runs build no component graph on the window's thread (at 5,000 racks the first click held
    the window 10 s): they say the figures come when the checks end, and show them once the run is
    taken, its graph the document's."""
    import threading

    from rackstudio.power.inlets import pdu_spec
    from rackstudio.reports.totals import FIGURES_PENDING, selection_totals
    from tests.ui.helpers import click, double_click, rack_centre

    gate = threading.Event()
    run = ChecksJob.run
    monkeypatch.setattr(ChecksJob, "run", lambda job: (gate.wait(20), run(job))[1])
    window = background_window(qtbot)
    checks, document = window.live_checks, window.document
    window.show()
    qtbot.waitUntil(lambda: checks.in_background)
    rack = sorted(document.design.racks)[0]
    at = rack_centre(window, rack)
    click(qtbot, window.hall_view, at)
    assert window.selection.ids == [rack]
    double_click(qtbot, window.hall_view.viewport(), window.hall_view.mapFromScene(at))
    window.dashboard_dock.show()
    qtbot.waitUntil(lambda: window.dashboard_dock.optics.text() == f"Charts: {FIGURES_PENDING}.")
    frame = window.elevation_view.elevations.frames[rack]
    assert not document.has_graph and checks.in_background
    assert window.totals_label.text() == f"1 selected · {FIGURES_PENDING}"
    assert window.inspector_dock.summary.text() == FIGURES_PENDING.capitalize()
    assert frame.text.subtitle.endswith(FIGURES_PENDING)
    design = document.design
    pdu = next(d for d in sorted(design.devices) if pdu_spec(design, d) is not None)
    window.selection.set([pdu])  # a PDU's outlet map waits too: its banks and legs are figures
    tree = window.inspector_dock.ports.tree
    listed = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert "Legs" not in listed and "Power outlets" in listed and not document.has_graph
    gate.set()
    qtbot.waitUntil(lambda: checks.engine is not None and not checks.running, timeout=20000)
    engine = checks.engine
    assert document.graph is engine.graph  # the job's: no second one was built
    assert window.totals_label.text() == selection_totals(engine.ctx, engine.rack_metrics, [pdu]).text()
    assert "48/48 U" in frame.text.subtitle
    qtbot.waitUntil(lambda: window.dashboard_dock.optics.text().startswith("Optics in"))
    assert "Legs" in [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
