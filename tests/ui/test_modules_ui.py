"""Modules in the app: a Dell PowerEdge R760xs from the real NetBox library, its PSU modules dragged
from the parts palette onto the server in the elevation and onto the Inspector's Modules section;
the Inspector lists them, the elevation marks each filled bay, and removing one is one undo step."""
from __future__ import annotations

import pytest

from rackstudio.commands import PlaceDevice, add_row_of_racks
from rackstudio.library import load_device_type, load_module_type
from rackstudio.power import device_draw
from rackstudio.ui.library_source import PartsLibrary
from rackstudio.ui.render.elevation import device_label
from tests.conftest import NETBOX_DATA, require_data
from tests.core import builders
from tests.ui.conftest import drag_drop
from tests.ui.helpers import click, palette_mime, unit_point


@pytest.fixture
def r760_window(qtbot):
    from rackstudio.document import Document
    from rackstudio.ui.main_window import MainWindow

    require_data(NETBOX_DATA / "device-types")
    server = load_device_type(NETBOX_DATA / "device-types/Dell/PowerEdge-R760xs.yaml").part
    psu = load_module_type(NETBOX_DATA / "module-types/Dell/D750E-S6.yaml").part
    library = PartsLibrary([server, builders.server()], [builders.rack_type()], modules=[psu])
    window = MainWindow(Document(builders.empty_design()), library)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    design = window.editor.design
    window.editor.execute(add_row_of_racks(design, builders.rack_type(), "hall-1", "A", 1, 1200, 1200, "S"))
    [rack] = design.racks
    window.editor.execute(PlaceDevice(server, rack=rack, position=10, device_id="r760"))
    window.editor.execute(PlaceDevice(builders.server(), rack=rack, position=20, device_id="plain"))
    window.elevation_view.show_rack(rack)
    return window, design, rack


def test_drag_psu_modules_onto_the_server_and_the_inspector(r760_window, qtbot):
    window, design, rack = r760_window
    view = window.elevation_view
    assert not device_draw(design, design.devices["r760"]).known
    # onto the server in the elevation: the first PSU bay
    point = view.mapFromScene(unit_point(window, rack, 10, height=2))
    assert drag_drop(view.viewport(), palette_mime(window, "D750E-S6"), point)
    assert design.devices["r760"].modules == {"PSU-1": "dell-d750e-s6"}
    # a module dropped on a server without module bays is refused and changes nothing
    assert not drag_drop(view.viewport(), palette_mime(window, "D750E-S6"),
                         view.mapFromScene(unit_point(window, rack, 20)))
    assert design.devices["plain"].modules is None
    # onto the Inspector's Modules section of the selected server: the second PSU bay
    click(qtbot, view, unit_point(window, rack, 10, height=2))
    panel = window.inspector_dock.modules
    assert panel.isVisible()
    assert drag_drop(panel, palette_mime(window, "D750E-S6"), panel.rect().center())
    assert design.devices["r760"].modules == {"PSU-1": "dell-d750e-s6", "PSU-2": "dell-d750e-s6"}
    assert panel.installed()["PSU-1"] == panel.installed()["PSU-2"] == "D750E-S6"
    assert panel.installed()["NUMA 0 - OCP slot 1"] == "<i>empty</i>"
    assert device_label(design, "r760").module_bays[:3] == ("psu", "psu", "")
    draw = device_draw(design, design.devices["r760"])
    assert (draw.known, draw.max_w) == (True, 750)
    assert "750 W (derived from its PSUs)" in window.inspector_dock.summary.text()
    # Remove in the Inspector: one undo step
    panel.rows["PSU-2"][2].click()
    assert design.devices["r760"].modules == {"PSU-1": "dell-d750e-s6"}
    window.undo_stack.undo()
    assert design.devices["r760"].modules == {"PSU-1": "dell-d750e-s6", "PSU-2": "dell-d750e-s6"}
