"""The hall zoomed far out: one overview item draws every rack and floor unit (no labels), the
items stay in the scene for clicks and selection, selected ones paint themselves, and drags still
refuse overlaps (the fit's floor index)."""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from rackstudio.checks import Severity
from rackstudio.commands import MoveRack, PlaceDevice, add_row_of_racks
from rackstudio.model import geometry
from rackstudio.ui.live_checks import Marker
from tests.core import builders as b
from tests.ui.helpers import mouse_drag, rack_centre

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def wide_hall(make_window):
    """A 120 × 60 m hall with three rows of 20 racks and a CDU: zoomed to fit, a rack is a few pixels."""
    design = b.empty_design(width_mm=120000, depth_mm=60000)
    window = make_window(design)
    for i, row in enumerate("ABC"):
        window.editor.execute(add_row_of_racks(design, b.rack_type(), "hall-1", row, 20, 6000, 6000 + i * 3600, "S"))
    window.editor.execute(PlaceDevice(b.cdu(), name="CDU 1", hall="hall-1", x_mm=30000, y_mm=30000, facing="S"))
    window.show_hall()
    window.hall_view.zoom_fit()
    return window


def painted_by_overview(scene) -> set[str]:
    return set(scene.overview.looks())


def self_painted(scene) -> set[str]:
    return {i for i, item in scene.objects.items() if not item.flags() & NO_CONTENTS}


def test_zoomed_out_every_rack_is_drawn_once_by_the_overview_or_by_itself(make_window):
    window = wide_hall(make_window)
    view, scene, design = window.hall_view, window.hall_view.hall_scene, window.editor.design
    assert scene.overview.active
    everything = set(design.racks) | {d for d in design.devices if design.devices[d].hall}
    assert set(scene.objects) == everything and len(everything) == 61
    assert painted_by_overview(scene) == everything and not self_painted(scene)
    for obj_id, (rect, *_look) in scene.overview.looks().items():  # where the model says it stands
        box = geometry.rack_footprint(design, design.racks[obj_id]) if obj_id in design.racks else \
            geometry.floor_footprint(design, design.devices[obj_id])
        assert (rect.left(), rect.top(), rect.right(), rect.bottom()) == box

    a01 = b.rack_named(design, "A01")
    scene.objects[a01].setSelected(True)  # a selected rack paints itself, on top
    assert self_painted(scene) == {a01} and painted_by_overview(scene) == everything - {a01}
    scene.clearSelection()
    window.editor.execute(MoveRack(a01, 60000, 48000))
    rect = scene.overview.looks()[a01][0]
    assert (rect.left(), rect.top()) == (60000, 48000)

    while scene.overview.active:  # zoomed in, each item paints itself with its name and bars
        view.zoom_in()
    assert self_painted(scene) == everything
    view.zoom_fit()
    assert scene.overview.active and painted_by_overview(scene) == everything


def test_a_marked_rack_keeps_its_colour_in_the_overview(make_window):
    window = wide_hall(make_window)
    scene, design = window.hall_view.hall_scene, window.editor.design
    a02 = b.rack_named(design, "A02")
    item = scene.objects[a02]
    item.set_marker(Marker(Severity.ERROR, ("PWR-001: over the rack's budget",)))
    _rect, _fill, outline, thick = scene.overview.looks()[a02]
    assert thick and outline.name() == "#d73a49"  # BAD_COLOUR, as the zoomed-in outline


def test_zoomed_out_a_drag_onto_another_rack_is_refused_and_onto_free_floor_moves(make_window, qtbot):
    window = wide_hall(make_window)
    view, design = window.hall_view, window.editor.design
    assert view.hall_scene.overview.active
    a01, b01 = b.rack_named(design, "A01"), b.rack_named(design, "B01")
    before = design.model_dump()
    mouse_drag(qtbot, view, rack_centre(window, a01), rack_centre(window, b01))
    assert design.model_dump() == before  # refused: B01 stands there
    assert "overlaps" in window.statusBar().currentMessage()
    target = QPointF(60300, 40600)
    mouse_drag(qtbot, view, rack_centre(window, a01), target)
    moved = design.racks[a01]
    assert abs(moved.x_mm + 300 - target.x()) <= 600 and abs(moved.y_mm + 600 - target.y()) <= 600
    assert a01 in self_painted(view.hall_scene)  # still selected after the drag
    view.hall_scene.clearSelection()
    assert view.hall_scene.overview.looks()[a01][0].topLeft() == QPointF(moved.x_mm, moved.y_mm)
