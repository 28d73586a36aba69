"""End to end through the widgets alone: from an empty design, add a hall and power, lay out a
row (dialog and palette drags), fill a rack from the palette, edit in the inspector, connect
through the port panel and the bulk helpers, save; the saved file must equal the design the
same steps make headless with core commands; then every step undoes back to empty."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from rackstudio.checks.power_flow import FlowState
from rackstudio.commands import (
    AddRack,
    AddRecord,
    Connect,
    PlaceDevice,
    SetProperty,
    add_row_of_racks,
    network_plan,
)
from rackstudio.commands.labels import labeler
from rackstudio.commands.power_plan import plan_power
from rackstudio.document import Document
from rackstudio.io import project_file
from rackstudio.model.design import Design, Feed, PortRef
from rackstudio.ui.dialogs.connect import ConnectChoice
from rackstudio.ui.dialogs.fabric import FabricChoice
from rackstudio.ui.dialogs.row import RowChoice
from tests.core import builders as b
from tests.ui.conftest import drag_drop
from tests.ui.helpers import (
    add_hall_and_power_chain,
    click,
    hall_and_power_chain,
    palette_mime,
    rack_centre,
    side_point,
    unit_point,
)


def _rack_named(design: Design, name: str) -> str:
    return next(r.id for r in design.racks.values() if r.name == name)


def _device_named(design: Design, name: str) -> str:
    return next(d.id for d in design.devices.values() if d.name == name)


def expected_design() -> Design:
    """The same steps as core commands, in the same order."""
    d = Design()
    doc = Document(d)
    hall_and_power_chain(doc)
    rt = b.rack_type()
    doc.execute(add_row_of_racks(d, rt, "hall-1", "A", 2, 1200, 1200, "S"))
    doc.execute(AddRack(rt, "hall-1", 2400, 1200, "S", name="A03", row="row-1"))
    doc.execute(PlaceDevice(b.cdu(), hall="hall-1", x_mm=6000, y_mm=1200, facing="S"))
    a01 = _rack_named(d, "A01")
    doc.execute(AddRecord("feeds", Feed(id=d.new_id("feed"), name="A01-A", side="A", rack=a01, panel="pnl-1")))
    doc.execute(AddRecord("feeds", Feed(id=d.new_id("feed"), name="A01-B", side="B", rack=a01, panel="pnl-2")))
    doc.execute(PlaceDevice(b.pdu(), rack=a01, side="left"))
    doc.execute(PlaceDevice(b.pdu(), rack=a01, side="right"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, face="front"))
    doc.execute(PlaceDevice(b.server(), rack=a01, position=11, face="front"))
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=40, face="front"))
    leaf = _device_named(d, "A01-U40")
    doc.execute(SetProperty(leaf, "name", "leaf-1"))
    srv1, srv2 = _device_named(d, "A01-U1"), _device_named(d, "A01-U11")
    doc.execute(SetProperty(srv1, "asset_tag", "SN-0001"))
    doc.execute(Connect("network", PortRef(owner=srv1, port="bmc"), PortRef(owner=leaf, port="p64"),
                        media="cat6", length_m=3.0, label="A01-U1-bmc / A01-U40-p64"))
    label = labeler("{a} / {b}")
    doc.execute(plan_power(d, [srv1, leaf], FlowState.of(d), labeler=label).command)
    doc.execute(network_plan.connect_to_leaf(d, [srv1, srv2], leaf, labeler=label))
    return d


def test_build_a_pod_through_the_widgets_save_compare_and_undo_to_empty(make_window, dialogs, qtbot, tmp_path):
    window = make_window(Design())
    design = window.editor.design
    actions = window.actions_by_id
    hall_view, elevation_view = window.hall_view, window.elevation_view

    # a hall and the power chain, from the Insert menu
    add_hall_and_power_chain(window, dialogs)
    assert [u.name for u in design.upses.values()] == ["UPS A", "UPS B"]

    # a row from the dialog, a third rack and a CDU dragged from the palette
    dialogs.row = RowChoice("generic-48u", 2, "A", "S", 1200, 1200)
    actions["add_row"].trigger()
    assert drag_drop(hall_view.viewport(), palette_mime(window, "Generic 48U"),
                     hall_view.mapFromScene(QPointF(2700, 1800)))
    assert drag_drop(hall_view.viewport(), palette_mime(window, "In-row CDU"),
                     hall_view.mapFromScene(QPointF(6300, 1800)))
    assert sorted(r.name for r in design.racks.values()) == ["A01", "A02", "A03"]

    # feeds dropped to the rack selected on the floor plan
    a01 = _rack_named(design, "A01")
    click(qtbot, hall_view, rack_centre(window, a01))
    assert window.selection.ids == [a01]
    actions["add_feed"].trigger()
    actions["add_feed"].trigger()
    assert sorted(f.name for f in design.feeds.values()) == ["A01-A", "A01-B"]

    # open the elevation and fill it from the palette
    qtbot.mouseDClick(hall_view.viewport(), Qt.MouseButton.LeftButton,
                      pos=hall_view.mapFromScene(rack_centre(window, a01)))
    vp = elevation_view.viewport()
    assert drag_drop(vp, palette_mime(window, "PDU 415V 32A"), elevation_view.mapFromScene(side_point(window, a01, "left", "rear")))
    assert drag_drop(vp, palette_mime(window, "PDU 415V 32A"), elevation_view.mapFromScene(side_point(window, a01, "right", "rear")))
    for position in (1, 11):
        assert drag_drop(vp, palette_mime(window, "DGX B200"),
                         elevation_view.mapFromScene(unit_point(window, a01, position, height=10)))
    assert drag_drop(vp, palette_mime(window, "QM9700"), elevation_view.mapFromScene(unit_point(window, a01, 40)))

    # inspector edits
    leaf = _device_named(design, "A01-U40")
    click(qtbot, elevation_view, unit_point(window, a01, 40))
    name = window.inspector_dock.editor_for("name")
    name.setText("leaf-1")
    name.editingFinished.emit()
    srv1, srv2 = _device_named(design, "A01-U1"), _device_named(design, "A01-U11")
    click(qtbot, elevation_view, unit_point(window, a01, 1, height=10))
    tag = window.inspector_dock.editor_for("asset_tag")
    tag.setText("SN-0001")
    tag.editingFinished.emit()

    # a cable from the port panel, then the bulk helpers
    ports = window.inspector_dock.ports
    assert ports.select_port("network", "bmc")
    dialogs.connect.append(ConnectChoice(leaf, "p64", "cat6", 3.0))
    ports.connect_button.click()
    # the power planner on one server and the leaf: the 32 A PDUs' 16 A banks (12.8 A at 80 %) hold one
    # 9.9 A DGX PSU each, three per PDU, so a second DGX would not fit and the planner would refuse it
    window.show_racks()
    click(qtbot, elevation_view, unit_point(window, a01, 1, height=10))
    click(qtbot, elevation_view, unit_point(window, a01, 40), Qt.KeyboardModifier.ShiftModifier)
    actions["connect_psus"].trigger()
    assert [p.links.rowCount() for p in dialogs.power_plans] == [6 + 2 + 2]  # PSUs, leaf PSUs, PDU inlets
    click(qtbot, elevation_view, unit_point(window, a01, 11, height=10))
    click(qtbot, elevation_view, unit_point(window, a01, 1, height=10), Qt.KeyboardModifier.ShiftModifier)
    assert sorted(window.selection.ids) == sorted([srv1, srv2])
    dialogs.fabric = FabricChoice((leaf,))
    actions["connect_leaf"].trigger()
    assert len(design.connections) == 1 + 2 + 8 + 16  # bmc, PDU inlets, PSUs (one server and the leaf), NICs

    # save and compare with the same steps done headless
    target = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(target)
    actions["save_as"].trigger()
    assert target.read_text() == project_file.dumps(expected_design())
    assert not window.isWindowModified()

    # every step undoes, back to an empty design; redo brings the saved design back
    steps = window.undo_stack.count()
    assert steps == 20
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert design.model_dump() == Design().model_dump()
    assert not window.hall_view.hall_scene.objects and not window.elevation_view.elevations.open_racks
    while window.undo_stack.canRedo():
        window.undo_stack.redo()
    assert project_file.dumps(design) == target.read_text()
    assert not window.isWindowModified()
