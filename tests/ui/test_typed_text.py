"""Control characters entered into a name: the inspector and the dialogs refuse them as they are
typed or pasted (the text does not land) and say why; ordinary text still types, and a name that
loaded with them can still be repaired. (Qt drops an unprintable keystroke itself; a paste is the
way one reaches a line edit, and it goes through the validator.)"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from rackstudio.ui.dialogs.row import RowDialog
from tests.core import builders as b


def test_the_row_dialog_refuses_a_typed_control_character(qtbot):
    dialog = RowDialog([b.rack_type()], (1200, 1200), "A")
    qtbot.addWidget(dialog)
    dialog.name.setFocus()
    QTest.keyClicks(dialog.name, "B")
    QApplication.clipboard().setText("C\x1b[31m")
    dialog.name.paste()
    assert dialog.name.text() == "AB"
    assert dialog.name.validator().message.startswith("row name: control characters (ABC\\x1b[31m)")
    QApplication.clipboard().setText("C\tD")
    dialog.name.paste()
    assert dialog.name.text() == "ABC\tD"


def test_the_inspector_refuses_a_control_character_and_repairs_a_loaded_one(pod, qtbot):
    window, design, r1, _r2 = pod
    window.selection.set([r1])
    name = window.inspector_dock.editor_for("name")
    name.setFocus()
    QApplication.clipboard().setText("\x1b")
    name.paste()
    assert name.text() == "A01"
    assert name.validator().message.startswith("name: control characters (A01\\x1b)")
    design.put("racks", design.racks[r1].replace(name="A01\x07"))  # as a design loaded with one
    window.selection.set([])
    window.selection.set([r1])
    name = window.inspector_dock.editor_for("name")
    name.setFocus()
    name.end(False)
    QTest.keyClick(name, Qt.Key.Key_Backspace)
    assert name.text() == "A01"
    name.editingFinished.emit()
    assert design.racks[r1].name == "A01"


def test_the_review_dialog_refuses_a_pasted_control_character(qtbot):
    from rackstudio.ui.comments import ReviewDialog

    dialog = ReviewDialog("ana", "2026-12-06", "B")
    qtbot.addWidget(dialog)
    dialog.reviewer.setFocus()
    QApplication.clipboard().setText("\x1b]0;x\x07")
    dialog.reviewer.paste()
    assert dialog.reviewer.text() == "ana"
    assert dialog.reviewer.validator().message.startswith("reviewer: control characters (")
