"""Comments and sign-off: pinned to a rack, device, connection or finding through undoable commands,
author from the preference or the OS user, ISO time; resolve and reopen; markers in both views;
the panel; Mark Reviewed appends a ReviewRecord with SetDesignField."""
from __future__ import annotations

import datetime
import getpass

import pytest
from PySide6.QtCore import QPoint, Qt

from rackstudio.ui import comments
from rackstudio.ui.comments import CommentDialog, ReviewDialog, target_objects
from tests.core.test_reports_designs import A01, A02, revision_b


@pytest.fixture
def pod(make_window, monkeypatch):
    answers: dict = {"comment": None, "review": None, "choices": None}

    def ask_comment(cls, parent, choices):
        answers["choices"] = choices
        return answers["comment"]

    monkeypatch.setattr(CommentDialog, "ask", classmethod(ask_comment))
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, reviewer, date, revision: answers["review"]))
    window = make_window(revision_b().design)
    return window, answers


def _undo_texts(window):
    stack = window.undo_stack
    return [stack.text(i) for i in range(stack.count())]


def test_author_is_the_preference_else_the_os_user():
    assert comments.author() == getpass.getuser()
    comments.set_author("Ana Ortiz")
    assert comments.author() == "Ana Ortiz"


def test_comment_on_the_selected_device_is_one_undoable_command(pod):
    window, answers = pod
    window.selection.set(["srv"])
    answers["comment"] = ("srv", "Move it up to U20?")
    window.actions_by_id["add_comment"].trigger()
    assert answers["choices"][0] == ("Device srv", "srv") and answers["choices"][-1] == ("The design", None)
    [new] = [c for c in window.editor.design.comments.values() if c.target == "srv"]
    assert (new.author, new.text, new.status) == (getpass.getuser(), "Move it up to U20?", "open")
    created = datetime.datetime.fromisoformat(new.created)
    assert created.tzinfo is not None and abs((datetime.datetime.now().astimezone() - created).total_seconds()) < 60
    assert _undo_texts(window)[-1] == "Comment on device srv"
    window.undo_stack.undo()
    assert new.id not in window.editor.design.comments


def test_comments_on_a_connection_a_rack_and_a_finding(pod):
    window, _ = pod
    controller = window.comments
    design = window.editor.design
    assert controller.add_comment("cb-1", "Is AOC right at NDR?")
    assert controller.add_comment(A02, "Room for a second switch")
    assert controller.add_comment("PWR-003:pdu-a#B0", "Rebalance the bank")
    assert target_objects(design, "PWR-003:pdu-a#B0") == ["pdu-a"]
    assert {c.target for c in design.comments.values()} >= {"cb-1", A02, "PWR-003:pdu-a#B0"}


def test_resolve_and_reopen(pod):
    window, _ = pod
    controller = window.comments
    controller.set_status(["cm-1"], "resolved")
    assert window.editor.design.comments["cm-1"].status == "resolved"
    assert _undo_texts(window)[-1] == "Resolve comment on rack A01"
    controller.set_status(["cm-1"], "open")
    assert window.editor.design.comments["cm-1"].status == "open"
    window.undo_stack.undo()
    assert window.editor.design.comments["cm-1"].status == "resolved"


def test_panel_lists_comments_and_selects_their_target(pod, qtbot):
    window, _ = pod
    dock = window.comments.dock
    window.comments.add_comment("srv", "Check the PSU cabling")
    tree = dock.tree
    rows = [[tree.topLevelItem(i).text(c) for c in range(5)] for i in range(tree.topLevelItemCount())]
    assert [r[1:3] for r in rows] == [["rack A01", "Check the blank-panel plan"], ["device srv", "Check the PSU cabling"]]
    assert dock.windowTitle() == "Comments (2 open)"
    tree.topLevelItem(1).setSelected(True)
    qtbot.mouseClick(dock.resolve, Qt.MouseButton.LeftButton)
    assert window.editor.design.comments["cm-2"].status == "resolved"
    dock.show_resolved.setChecked(False)
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    tree.itemDoubleClicked.emit(item, 1)
    assert window.selection.ids == [A01]


def test_markers_on_the_floor_plan_and_in_the_elevation(pod, qtbot):
    window, _ = pod
    markers = window.comments.markers
    qtbot.waitUntil(lambda: A01 in markers.hall_markers)
    assert markers.hall_markers[A01].count == 1 and "Check the blank-panel plan" in markers.hall_markers[A01].toolTip()
    window.open_elevation(A02)
    window.comments.add_comment("srv", "Why full depth?")
    qtbot.waitUntil(lambda: "srv" in markers.elevation_markers)
    assert markers.hall_markers[A02].count == 1  # srv is in A02
    window.comments.set_status(["cm-1"], "resolved")
    qtbot.waitUntil(lambda: A01 not in markers.hall_markers)
    view = window.hall_view  # a marker takes no clicks: the rack under it is still selected
    item = window.hall_view.hall_scene.objects[A02]
    point = view.mapFromScene(item.pos() + item.boundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))
    assert window.selection.ids == [A02]


def test_mark_reviewed_appends_a_review_record(pod):
    window, answers = pod
    answers["review"] = ("Ana Ortiz", "2026-11-23", "OK to build")
    window.actions_by_id["mark_reviewed"].trigger()
    design = window.editor.design
    [record] = design.reviews
    assert (record.reviewer, record.date, record.note, record.revision) == ("Ana Ortiz", "2026-11-23", "OK to build", "B")
    assert comments.author() == "Ana Ortiz"
    assert _undo_texts(window)[-1] == "Mark revision B reviewed by Ana Ortiz"
    assert "Reviewed by <b>Ana Ortiz</b> on 2026-11-23: OK to build" in window.comments.dock.review.text()
    window.comments.mark_reviewed("Ben", date="2026-11-24")
    assert [r.reviewer for r in design.reviews] == ["Ana Ortiz", "Ben"]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert design.reviews == []
    assert "not reviewed" in window.comments.dock.review.text()


def test_cancelled_dialogs_change_nothing(pod):
    window, _ = pod
    count = window.undo_stack.count()
    assert not window.comments.add_comment()
    assert not window.comments.mark_reviewed()
    assert window.undo_stack.count() == count
