"""The parts palette: search and filters, U/power/weight columns, id-only drag payloads, the
real built-in catalog behind it, and the design's own parts listed beside the library's."""
from __future__ import annotations

import sys

from PySide6.QtCore import QPointF

from rackstudio.commands import PlaceDevice, add_row_of_racks
from rackstudio.document import Document
from rackstudio.ui import mime
from rackstudio.ui.library_source import CatalogLibrary, builtin_library
from rackstudio.ui.main_window import MainWindow
from tests.core import builders as b
from tests.ui.conftest import drag_drop
from tests.ui.helpers import palette_mime, unit_point


def _column(palette, name):
    return [palette.model.index(r, palette.model.columns.index(name)).data() for r in range(palette.model.rowCount())]


def test_search_and_filters(window):
    palette = window.palette_dock
    total = len(palette.model.entries)
    palette.search.setText("qm97")
    assert [e.model for e in palette.visible_entries()] == ["QM9700"]
    assert _column(palette, "U") == ["1"] and _column(palette, "Power") == ["1.7 kW"]
    assert _column(palette, "Weight") == ["14.8 kg"]
    palette.search.clear()
    palette.manufacturer.setCurrentIndex(palette.manufacturer.findData("NVIDIA"))
    assert {e.manufacturer for e in palette.visible_entries()} == {"NVIDIA"}
    palette.manufacturer.setCurrentIndex(0)
    palette.category.setCurrentIndex(palette.category.findData("rack"))
    assert [e.kind for e in palette.visible_entries()] == ["rack-type"]
    palette.category.setCurrentIndex(0)
    assert palette.model.rowCount() == total
    assert f"{total} of {total} shown" == palette.count.text()


def test_drag_payload_is_an_id_only(window):
    data = palette_mime(window, "DGX B200")
    assert data.formats()[0] == mime.PART_MIME
    assert bytes(data.data(mime.PART_MIME).data()) == b"part:nvidia-dgx-b200"
    assert mime.decode(data) == ("part", "nvidia-dgx-b200")
    assert mime.decode(mime.encode("rack-type", "generic-48u")) == ("rack-type", "generic-48u")


def test_parts_embedded_in_the_design_are_listed(make_window):
    design = b.empty_design()
    other = b.blank(slug="design-only-blank", model="Design-only blank")
    design.part_types[other.slug] = other
    window = make_window(design)
    entry = next(e for e in window.palette_dock.model.entries if e.key == "design-only-blank")
    assert entry.source == "design"


def test_the_builtin_catalog_feeds_the_palette_and_drops(qtbot):
    library = builtin_library()
    assert isinstance(library, CatalogLibrary) and library.problem is None
    design = b.empty_design()
    window = MainWindow(Document(design), library)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    models = {e.model for e in window.palette_dock.model.entries}
    assert {"DGX B200", "GB200 NVL72 Compute Tray", "48U 600 x 1200 rack"} <= models
    view = window.hall_view
    assert drag_drop(view.viewport(), palette_mime(window, "48U 600 x 1200 rack"),
                     view.mapFromScene(QPointF(3300, 2400)))
    (rack,) = design.racks.values()
    window.open_elevation(rack.id)
    ev = window.elevation_view
    assert drag_drop(ev.viewport(), palette_mime(window, "DGX B200"),
                     ev.mapFromScene(unit_point(window, rack.id, 1, height=10)))
    (device,) = design.devices.values()
    assert design.part_types[device.part].origin == "builtin"


def test_a_rack_type_cannot_drop_into_an_elevation(pod):
    window, design, r1, _r2 = pod
    window.open_elevation(r1)
    ev = window.elevation_view
    before = design.model_dump()
    assert not drag_drop(ev.viewport(), palette_mime(window, "Generic 48U"),
                         ev.mapFromScene(unit_point(window, r1, 30)))
    assert design.model_dump() == before
    assert "rack types go on the hall floor" in window.statusBar().currentMessage()


def test_moving_a_child_between_bays_and_a_pdu_between_channels(pod, qtbot):
    from tests.ui.helpers import mouse_drag, side_point

    window, design, r1, _r2 = pod
    ed = window.editor
    ed.execute(PlaceDevice(b.chassis(), rack=r1, position=20, device_id="ch"))
    ed.execute(PlaceDevice(b.node(), parent="ch", bay="Bay1", device_id="n1"))
    ed.execute(PlaceDevice(b.pdu(), rack=r1, side="left", device_id="p"))
    window.open_elevation(r1)
    view = window.elevation_view
    parent = next(i for i in view.elevations.items_of("ch") if i.role == "face")
    bay = lambda name: parent.mapRectToScene(parent.bay_rect(name)).center()  # noqa: E731
    mouse_drag(qtbot, view, bay("Bay1") + QPointF(0, 4), bay("Bay4") + QPointF(0, 4))
    assert design.devices["n1"].bay == "Bay4"
    mouse_drag(qtbot, view, side_point(window, r1, "left"), side_point(window, r1, "right"))
    assert design.devices["p"].side == "right"


def test_more_than_one_hall(pod, dialogs):
    window, design, _r1, _r2 = pod
    dialogs.record_overrides = {"name": "Hall 2"}
    window.actions_by_id["add_hall"].trigger()
    assert window.hall_combo.count() == 2
    window.hall_combo.setCurrentIndex(window.hall_combo.findData("hall-2"))
    window.hall_combo.activated.emit(window.hall_combo.currentIndex())
    assert window.hall_view.hall_scene.hall_id == "hall-2"
    assert not window.hall_view.hall_scene.objects


def test_rotate_floor_equipment(window, qtbot):
    design = window.editor.design
    window.editor.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=6000, y_mm=1200, device_id="cdu"))
    window.selection.set(["cdu"])
    window.actions_by_id["rotate"].trigger()
    cdu = design.devices["cdu"]
    assert (cdu.facing, cdu.x_mm, cdu.y_mm) == ("W", 5700, 1500)  # turned about its centre, as racks turn
    assert window.undo_stack.undoText() == "Rotate In-row CDU 1 to face W"


def test_row_of_racks_via_the_command_shows_in_the_elevation_list(window):
    design = window.editor.design
    window.editor.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "A", 3, 1200, 1200, "S"))
    for rack_id in design.racks:
        window.open_elevation(rack_id)
    assert len(window.elevation_view.elevations.blocks) == 3
    window.actions_by_id["close_elevations"].trigger()
    assert not window.elevation_view.elevations.blocks


def test_typing_keeps_the_entries_holding_every_word_in_the_sorted_order(window, qtbot):
    from PySide6.QtCore import QPoint, Qt

    palette = window.palette_dock
    everything = list(palette.model.entries)
    qtbot.keyClicks(palette.search, "nvidia  0")
    shown = palette.visible_entries()
    expected = [e for e in everything
                if all(w in f"{e.manufacturer} {e.model} {e.key} {e.category}".lower() for w in ("nvidia", "0"))]
    assert shown == expected and len(shown) >= 2
    assert [e.model.lower() for e in shown] == sorted(e.model.lower() for e in shown)
    header = palette.view.horizontalHeader()
    power = palette.model.columns.index("Power")
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(power) + 5, header.height() // 2))
    by_power = [e.power_w or 0.0 for e in palette.visible_entries()]
    assert header.sortIndicatorSection() == power
    order = header.sortIndicatorOrder()
    assert by_power == sorted(by_power, reverse=order == Qt.SortOrder.DescendingOrder)
    assert set(palette.visible_entries()) == set(expected)  # the search still applies
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(palette.search, Qt.Key.Key_Backspace)
    assert {e.key for e in palette.visible_entries()} == {e.key for e in everything if "nvidia" in e.hay}
    palette.search.clear()
    assert len(palette.visible_entries()) == len(everything)
    assert palette.mime_for_row(0) is not None


def test_painting_the_palette_asks_python_once_per_cell_for_its_roles(window):
    """A paint asks each cell's roles in one `multiData` call and its index in one `index` call, not
    `data` seven times and `rowCount`/`columnCount` per cell: each call from Qt into Python takes
    the GIL anew, which costs a time slice while a background check runs."""
    model = window.palette_dock.model
    calls = {"index": 0, "data from Qt": 0, "data in multiData": 0, "rowCount": 0, "columnCount": 0}

    def counted(name):
        method = getattr(model, name)

        def wrapper(*args):
            if name != "data":
                calls[name] += 1
            elif sys._getframe(1).f_code.co_name == "multiData":
                calls["data in multiData"] += 1
            else:
                calls["data from Qt"] += 1
            return method(*args)
        return wrapper

    for name in ("index", "data", "rowCount", "columnCount"):
        setattr(model, name, counted(name))  # on the instance: Qt looks overrides up there too
    window.palette_dock.view.viewport().repaint()
    cells = calls["index"]
    assert cells >= 20 and calls["data from Qt"] == 0 and calls["data in multiData"] >= cells
    assert calls["rowCount"] + calls["columnCount"] < cells
