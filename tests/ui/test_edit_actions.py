"""Edit menu and the undo adapter: cut, copy, paste, duplicate, select all; a refused command
is never pushed; nudges merge; each command's text is the Edit menu's text."""
from __future__ import annotations

from rackstudio.commands import MoveRack, NudgeDevice, PlaceDevice
from rackstudio.ui.undo import QtCommand, merge_id
from tests.core import builders as b
from tests.ui.helpers import run_app, undo_texts


def test_a_refused_command_is_not_pushed_and_says_why(pod):
    window, design, r1, r2 = pod
    before = design.model_dump()
    assert not window.editor.execute(MoveRack(r1, 1800, 1200))
    assert window.undo_stack.count() == 0 and design.model_dump() == before
    assert "overlaps A02" in window.statusBar().currentMessage()


def test_nudges_of_one_device_merge_and_the_menu_shows_the_text(pod):
    window, design, _r1, _r2 = pod
    for _ in range(3):
        window.editor.execute(NudgeDevice(design, "srv", 1))
    assert window.undo_stack.count() == 1 and design.devices["srv"].position == 4
    assert window.actions_by_id["undo"].text() == "&Undo Move A01-U1"
    window.undo_stack.undo()
    assert design.devices["srv"].position == 1
    assert merge_id(None) == -1 and merge_id(("nudge", "x")) == merge_id(("nudge", "x"))


def test_qt_command_round_trip(pod):
    window, design, r1, _r2 = pod
    command = QtCommand(window.document, PlaceDevice(b.switch(), rack=r1, position=40))
    command.redo()
    assert command.text() == "Place QM9700 in A01" and len(design.devices) == 2
    command.undo()
    assert len(design.devices) == 1


def test_copy_paste_a_rack_on_the_floor(pod, qtbot):
    window, design, r1, _r2 = pod
    window.selection.set([r1])
    window.actions_by_id["copy"].trigger()
    window.hall_view.last_pos = None
    window.actions_by_id["paste"].trigger()
    assert len(design.racks) == 3 and len(design.devices) == 2
    pasted = next(r for r in design.racks.values() if r.name == "A03")
    assert pasted.x_mm >= 2400 and undo_texts(window) == ["Paste"]


def test_duplicate_and_cut_devices(pod):
    window, design, r1, _r2 = pod
    window.selection.set(["srv"])
    window.actions_by_id["duplicate"].trigger()
    copies = [d for d in design.devices.values() if d.id != "srv"]
    assert len(copies) == 1 and copies[0].rack == r1 and copies[0].position == 11
    window.selection.set(["srv"])
    window.actions_by_id["cut"].trigger()
    assert "srv" not in design.devices
    window.show_racks()
    window.elevation_view.show_rack(r1)
    window.selection.set([])
    window.actions_by_id["paste"].trigger()
    assert len(design.devices) == 2
    assert sorted(d.position for d in design.devices.values()) == [1, 11]


def test_select_all_in_the_current_view(pod):
    window, design, r1, r2 = pod
    window.show_hall()
    window.actions_by_id["select_all"].trigger()
    assert sorted(window.selection.ids) == sorted([r1, r2])
    window.open_elevation(r1)
    window.actions_by_id["select_all"].trigger()
    assert window.selection.ids == ["srv"]
    assert "10 U" in window.totals_label.text() and "14.3 kW" in window.totals_label.text()


def test_paste_with_an_empty_clipboard_says_so(pod):
    window, design, _r1, _r2 = pod
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().clear()
    window.editing.clip_text = None
    window.actions_by_id["paste"].trigger()
    assert "clipboard holds no racks" in window.statusBar().currentMessage()


def test_errors_in_slots_become_messages_not_tracebacks(window, strict_errors, dialogs):
    from rackstudio.errors import SaveError
    from rackstudio.ui.guard import REPORT, guarded

    @guarded
    def broken():
        raise SaveError("/nowhere/x.rackstudio", "disk full")

    broken()
    assert dialogs.shown[-1] == ("warning", "/nowhere/x.rackstudio: could not save: disk full")
    shown = []
    REPORT.unexpected = shown.append
    guarded(lambda: 1 / 0)()
    assert isinstance(shown[0], ZeroDivisionError)


def test_quitting_after_a_copy_exits_cleanly(tmp_path):
    """Found by the monkey test: racks copied to the clipboard were deleted by Qt after Python had
    shut down, and the app crashed on its way out (a segmentation fault at exit)."""
    from rackstudio import paths

    result = run_app(tmp_path, f"""
        window.open_path({str(paths.example_design())!r}, ask=False)
        window.editing.select_all()
        window.editing.copy_selection()
        assert QApplication.clipboard().mimeData().formats(), "nothing copied"
        window.close()
    """)
    assert result.returncode == 0, result.stderr[-2000:]


def test_select_all_publishes_the_selection_once(qtbot):
    """Ctrl+A over a hall of many racks: the selection is published (Inspector, totals) once and
    each rack paints itself over the overview; a click on one of them selects it alone; selecting
    nothing lets them all go. Published item by item, Select All over a 1,000-rack hall took 56 s."""
    from PySide6.QtCore import Qt

    from rackstudio.document import Document
    from rackstudio.generate import generate_hall
    from rackstudio.ui.main_window import MainWindow
    from tests.ui.helpers import click, rack_centre

    window = MainWindow(Document(generate_hall(40, seed=1)), None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    scene = window.hall_view.hall_scene
    published: list = []
    window.selection.changed.connect(published.append)
    window.hall_view.setFocus()
    qtbot.keyClick(window.hall_view.viewport(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(window.selection.ids) == sorted(scene.objects) and len(published) == 1
    assert scene.overview.live == set(scene.objects)
    assert window.totals_label.text().startswith(f"{len(scene.objects)} selected")
    rack = sorted(window.document.design.racks)[3]
    click(qtbot, window.hall_view, rack_centre(window, rack))  # one of them clicked, not dragged: it alone
    assert window.selection.ids == [rack] and len(published) == 2 and scene.overview.live == {rack}
    window.selection.set([])
    assert scene.overview.live == set() and not scene.selectedItems()
