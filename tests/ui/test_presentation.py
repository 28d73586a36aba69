"""Presentation mode: full screen and read-only (every edit refused), stepping rack by rack and row
by row with title cards and open findings, and Esc gives the editor back exactly as it was."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDockWidget

from rackstudio.checks import CheckEngine
from rackstudio.commands import SetProperty
from rackstudio.graph.component_graph import ComponentGraph
from tests.core.test_reports_designs import A01, A02, A03, revision_b
from tests.ui.conftest import drag_drop, drag_move
from tests.ui.helpers import palette_mime


@pytest.fixture
def meeting(make_window):
    window = make_window(revision_b().design)
    window.open_elevation(A02)
    window.show_hall()
    window.selection.set([A02])
    return window


def _state(window):
    return {"design": window.editor.design.model_dump(), "selection": window.selection.ids,
            "tab": window.tabs.currentIndex(), "open": list(window.elevation_view.elevations.open_racks),
            "undo": (window.undo_stack.count(), window.undo_stack.index(), window.undo_stack.isClean()),
            "actions": {k: a.isEnabled() for k, a in window.actions_by_id.items()},
            "docks": {d.objectName(): d.isVisible() for d in window.findChildren(QDockWidget)},
            "enabled": window.isEnabled(), "title": window.windowTitle()}


def _key(qtbot, screen, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(screen, key, modifier)


def test_slides_step_racks_and_rows(meeting, qtbot):
    screen = meeting.presentation.start()
    qtbot.waitExposed(screen)
    assert screen.isFullScreen()
    assert [(s.kind, s.key) for s in screen.slides] == [("row", "row-1"), ("rack", A01), ("rack", A02), ("row", ""),
                                                         ("rack", A03)]
    assert screen.slide.key == A02  # starts at the selected rack
    _key(qtbot, screen, Qt.Key.Key_Right)
    assert screen.slide.kind == "row" and screen.slide.key == ""  # the racks outside rows
    _key(qtbot, screen, Qt.Key.Key_Left)
    _key(qtbot, screen, Qt.Key.Key_Up)
    assert screen.slide.key == A01
    _key(qtbot, screen, Qt.Key.Key_PageDown)
    assert (screen.slide.kind, screen.slide.key) == ("row", "")
    _key(qtbot, screen, Qt.Key.Key_PageUp)
    assert (screen.slide.kind, screen.slide.key) == ("row", "row-1")
    _key(qtbot, screen, Qt.Key.Key_End)
    assert screen.slide.key == A03
    _key(qtbot, screen, Qt.Key.Key_Home)
    assert screen.index == 0
    for i in range(len(screen.slides)):  # every slide paints
        screen.go(i)
        assert not screen.grab().isNull()


def test_title_cards_list_the_open_findings(meeting):
    screen = meeting.presentation.start()
    design = meeting.editor.design
    findings = CheckEngine(design, ComponentGraph(design)).run_full()
    about_pdu = {f.key for f in findings if "pdu-a" in f.objects and f.counts}
    assert about_pdu and about_pdu <= {f.key for f in screen.findings[A01]}  # the PDU is in A01
    assert "PWR-003:pdu-a#B0" in {f.key for f in screen.findings[A01]}
    outlines = screen._device_outlines(screen.findings[A02])
    assert set(outlines) <= set(design.devices)


def test_presentation_refuses_every_edit(meeting, qtbot):
    window = meeting
    before = _state(window)
    screen = window.presentation.start()
    qtbot.waitExposed(screen)
    assert not window.isEnabled()
    assert not any(a.isEnabled() for a in window.actions_by_id.values())  # undo and redo included
    for key in (Qt.Key.Key_Delete, Qt.Key.Key_R, Qt.Key.Key_Z):
        _key(qtbot, screen, key)
    _key(qtbot, screen, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, screen, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    window.actions_by_id["delete"].trigger()  # a disabled action does nothing
    window.actions_by_id["undo"].trigger()
    mime = palette_mime(window, "Generic 48U")
    point = window.hall_view.mapFromScene(QPointF(9000, 8000))
    assert not drag_move(window.hall_view.viewport(), mime, point)
    drag_drop(window.hall_view.viewport(), mime, point)
    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_Delete)
    assert window.editor.design.model_dump() == before["design"]
    assert window.undo_stack.count() == before["undo"][0]


def test_esc_gives_the_editor_back_as_it_was(meeting, qtbot):
    window = meeting
    window.editor.execute(SetProperty("srv2", "allocated_w", 9000))
    before = _state(window)
    screen = window.presentation.start()
    qtbot.waitExposed(screen)
    _key(qtbot, screen, Qt.Key.Key_Right)
    _key(qtbot, screen, Qt.Key.Key_Escape)
    assert not window.presentation.presenting and not screen.isVisible()
    assert _state(window) == before
    window.actions_by_id["undo"].trigger()  # editing works again
    assert window.editor.design.devices["srv2"].allocated_w is None


def test_menu_entry(meeting):
    action = meeting.actions_by_id["present"]
    assert action.shortcut().toString() == "F11"
    action.trigger()
    assert meeting.presentation.presenting
    meeting.presentation.stop()
    assert meeting.isEnabled()
