"""Comparing the open design with another revision: the list holds exactly the changes, the views
mark them (added green, removed red ghost, moved ghost + arrow), the comparison follows edits and
exports as text or JSON."""
from __future__ import annotations

import json

import pytest

from rackstudio.commands import MoveDevice
from rackstudio.io import project_file
from rackstudio.reports import json_report
from rackstudio.reports.diff import diff_designs
from tests.core.test_reports_designs import A01, A02, A03, revision_a, revision_b


@pytest.fixture
def compared(make_window, dialogs, tmp_path):
    old = tmp_path / "rev-a.rackstudio"
    project_file.save(revision_a().design, old)
    window = make_window(revision_b().design)
    window.open_elevation(A01)
    window.open_elevation(A02)
    dialogs.open_path = str(old)
    window.actions_by_id["compare"].trigger()
    return window


def _listed(dock):
    tree = dock.tree
    return [tree.topLevelItem(i).child(j).text(0) for i in range(tree.topLevelItemCount())
            for j in range(tree.topLevelItem(i).childCount())]


def _front(block, position, height):
    return round(block.face_x("front")), round(block.span_rect("front", position, height)[1])


def test_the_list_holds_exactly_the_changes(compared):
    diff = compared.diff.diff
    expected = diff_designs(revision_a().design, compared.editor.design)
    assert [(c.kind, c.id) for c in diff.changes] == [(c.kind, c.id) for c in expected.changes]
    listed = _listed(compared.diff.dock)
    assert len(listed) == len(diff.changes) + len(diff.racks)
    assert "> device srv: moved A01 U1 front → A02 U1 front" in listed
    assert "rev-a.rackstudio" in compared.diff.dock.summary.text()
    assert compared.diff.dock.isVisible()


def test_floor_plan_marks(compared):
    design = compared.editor.design
    marks = {m.kind: m for m in compared.diff.hall_overlay.marks if m.kind != "changed"}
    a03 = design.racks[A03]
    assert (marks["added"].rect.x(), marks["added"].rect.y()) == (a03.x_mm, a03.y_mm)
    ghost, moved = marks["ghost"], marks["moved"]
    assert ghost.rect.y() == 1200 and moved.rect.y() == design.racks[A02].y_mm == 2400
    assert ghost.arrow_to == moved.rect.center()


def test_elevation_marks(compared):
    blocks = compared.elevation_view.elevations.blocks
    kinds = {(m.kind, round(m.rect.x()), round(m.rect.y())) for m in compared.diff.elevation_overlay.marks}
    a01, a02 = blocks[A01], blocks[A02]
    assert ("added", *_front(a01, 20, 10)) in kinds  # srv2
    assert ("removed", *_front(a01, 11, 1)) in kinds  # the blank
    assert ("ghost", *_front(a01, 1, 10)) in kinds and ("moved", *_front(a02, 1, 10)) in kinds  # srv, A01 → A02
    [ghost] = [m for m in compared.diff.elevation_overlay.marks if m.kind == "ghost"]
    assert ghost.arrow_to is not None and blocks[A02].x < ghost.arrow_to.x()


def test_the_comparison_follows_edits(compared, qtbot):
    compared.editor.execute(MoveDevice("srv2", position=30))
    qtbot.waitUntil(lambda: "+ device srv2 in A01 U30 front" in _listed(compared.diff.dock), timeout=3000)
    compared.undo_stack.undo()
    qtbot.waitUntil(lambda: "+ device srv2 in A01 U20 front" in _listed(compared.diff.dock), timeout=3000)


def test_export_and_clear(compared, dialogs, tmp_path):
    dialogs.save_path = str(tmp_path / "diff.json")
    compared.actions_by_id["export_diff"].trigger()
    data = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert data == json_report.diff_report(compared.diff.diff)
    dialogs.save_path = str(tmp_path / "diff.txt")
    assert compared.diff.export_report()
    assert (tmp_path / "diff.txt").read_text(encoding="utf-8").startswith("Review pod revision A → revision B")
    compared.actions_by_id["clear_compare"].trigger()
    assert compared.diff.diff is None and compared.diff.hall_overlay.marks == []
    assert compared.diff.hall_overlay.boundingRect().isEmpty()


def test_double_click_selects(compared):
    tree = compared.diff.dock.tree
    item = next(tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
                for j in range(tree.topLevelItem(i).childCount())
                if tree.topLevelItem(i).child(j).text(0).startswith("> device srv:"))
    tree.itemDoubleClicked.emit(item, 0)
    assert compared.selection.ids == ["srv"]


def test_a_bad_file_is_refused_with_its_reason(make_window, dialogs, tmp_path):
    window = make_window(revision_b().design)
    bad = tmp_path / "bad.rackstudio"
    bad.write_text("nope")
    dialogs.open_path = str(bad)
    window.actions_by_id["compare"].trigger()
    assert window.diff.diff is None and dialogs.shown and "bad.rackstudio" in dialogs.shown[-1][1]
