"""Small things met while cabling by hand: the wheel over an unfocused inspector field scrolls
the panel and never edits; a click on an empty unit selects the rack; the toolbar keeps its
layout when the undo text changes; the Comparison panel starts hidden until a comparison."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QToolBar, QToolButton

from rackstudio.commands import PlaceDevice
from tests.core import builders as b
from tests.ui.helpers import click, unit_point


def _wheel(widget, down: bool = True) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 if down else 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_combo_scrolls_the_inspector_and_edits_nothing(pod):
    window, design, r1, _r2 = pod
    window.editor.execute(PlaceDevice(b.pdu(), rack=r1, side="left", device_id="pdu-a"))
    window.undo_stack.clear()
    window.selection.set(["pdu-a"])
    inspector = window.inspector_dock
    inspector.resize(inspector.width(), 200)  # short enough to scroll
    scroll = inspector.widget()
    assert isinstance(scroll, QScrollArea)
    side = inspector.editor_for("side")
    assert isinstance(side, QComboBox) and not side.hasFocus()
    before = design.devices["pdu-a"].model_dump()
    bar = scroll.verticalScrollBar()
    bar.setValue(0)
    for _ in range(3):
        _wheel(side, down=True)
    assert design.devices["pdu-a"].model_dump() == before
    assert window.undo_stack.count() == 0
    assert side.currentData() == "left"
    assert bar.maximum() == 0 or bar.value() > 0  # the panel scrolled instead


def test_a_click_on_an_empty_unit_selects_the_rack(pod, qtbot):
    window, design, r1, r2 = pod
    window.open_elevation(r1)
    view = window.elevation_view
    click(qtbot, view, unit_point(window, r1, 30))
    assert window.selection.ids == [r1]
    assert "Rack A01" in window.inspector_dock.title.text()
    click(qtbot, view, unit_point(window, r1, 1, height=10))
    assert window.selection.ids == ["srv"]  # a device under the pointer still wins
    click(qtbot, view, unit_point(window, r1, 30), Qt.KeyboardModifier.ControlModifier)
    assert set(window.selection.ids) == {"srv", r1}
    click(qtbot, view, unit_point(window, r1, 30))  # QTest keeps the last modifiers: let go of Ctrl
    assert window.selection.ids == [r1]


def test_the_toolbar_keeps_its_layout_when_the_undo_text_changes(pod):
    window, design, r1, _r2 = pod
    bar = window.findChild(QToolBar, "MainToolbar")
    button = bar.widgetForAction(window.actions_by_id["undo"])
    assert isinstance(button, QToolButton)
    width = button.sizeHint().width()
    window.editor.execute(PlaceDevice(b.switch(), rack=r1, position=40))
    assert "Place" in window.actions_by_id["undo"].text()  # the menu still says what it undoes
    assert button.text() == "Undo"
    assert button.sizeHint().width() == width


def test_the_comparison_panel_starts_hidden_even_after_a_saved_layout_showed_it(make_window):
    first = make_window()
    first.diff.dock.show()
    first.save_layout()
    first.close()
    second = make_window()
    assert not second.diff.dock.isVisible()


def test_a_0u_pdu_is_drawn_on_the_face_it_hangs_on_and_hatched_beside_the_other(pod):
    window, design, r1, _r2 = pod
    window.open_elevation(r1)
    window.editor.execute(PlaceDevice(b.pdu(), rack=r1, side="left", face="rear", device_id="pdu-a"))
    scene = window.elevation_view.elevations
    block = scene.blocks[r1]
    looks = {i.role: i.pos().x() for i in scene.items_of("pdu-a")}
    assert looks == {"side": block.side_rect("left", "rear")[0], "shadow": block.side_rect("left", "front")[0]}
    assert block.side_rect("left", "rear")[0] > block.face_rect("rear")[0]  # seen from behind: on the right
    assert "rear" in next(i for i in scene.items_of("pdu-a") if i.role == "side").toolTip()


def test_a_pdu_dropped_beside_the_front_face_mounts_on_the_front(pod):
    from tests.ui.conftest import drag_drop
    from tests.ui.helpers import palette_mime, side_point

    window, design, r1, _r2 = pod
    window.open_elevation(r1)
    view = window.elevation_view
    assert drag_drop(view.viewport(), palette_mime(window, b.pdu().model),
                     view.mapFromScene(side_point(window, r1, "right", "front")))
    (pdu,) = [d for d in design.devices.values() if d.side]
    assert (pdu.side, pdu.face) == ("right", "front")


def test_a_generated_name_follows_a_dragged_device_and_the_inspector_says_so(pod, qtbot):
    from rackstudio.commands import MoveDevice

    window, design, r1, _r2 = pod
    window.editor.execute(PlaceDevice(b.switch(), rack=r1, position=26, device_id="sw"))
    window.selection.set(["sw"])
    assert "A01-U26" in window.inspector_dock.title.text()
    window.editor.execute(MoveDevice("sw", position=36))
    assert design.devices["sw"].name == "A01-U36"
    assert "A01-U36" in window.inspector_dock.title.text()
    assert window.inspector_dock.editor_for("name").text() == "A01-U36"
