"""Rack designs end to end in the app: make a design from a rack, place instances by dragging the
design from the palette onto the floor, edit the design in its tab by dragging a part into its
elevation, see the impact preview, apply (every instance follows, one undo step), override one
device from the Inspector and reset it, detach."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt

from rackstudio.document import Document
from rackstudio.model.rack_designs import drift, instance_id, instances
from rackstudio.ui.rack_designs import ImpactDialog
from tests.core import builders
from tests.ui.conftest import drag_drop
from tests.ui.helpers import palette_mime, undo_texts


def test_make_place_edit_apply_override_detach_swap(pod, qtbot, dialogs, monkeypatch):
    window, design, a01, a02 = pod
    dialogs.text = ("Compute rack", True)
    window.selection.set([a01])
    window.actions_by_id["make_rack_design"].trigger()
    assert design.rack_designs["compute-rack"].devices.keys() == {"srv"}
    assert design.racks[a01].rack_design == "compute-rack" and instance_id(a01, "srv") in design.devices

    # two instances dragged from the palette's rack designs onto free floor
    hall_view = window.hall_view
    for x in (1200.0, 3000.0):
        target = hall_view.mapFromScene(QPointF(x + 300, 6000 + 600))
        assert drag_drop(hall_view.viewport(), palette_mime(window, "Compute rack (rev A)"), target)
    racks = instances(design, "compute-rack")
    assert len(racks) == 3 and all(drift(design, r) == [] for r in racks)

    # the design's tab: drag a switch into its elevation at U20
    window.selection.set([a01])
    window.actions_by_id["edit_rack_design"].trigger()
    tab = window.rack_designs.tabs["compute-rack"]
    assert window.tabs.currentWidget() is tab
    block = tab.view.elevations.blocks["rk"]
    at = QRectF(*block.span_rect("front", 20, 1, None)).center()
    assert drag_drop(tab.view.viewport(), palette_mime(window, "QM9700"), tab.view.mapFromScene(at))
    assert len(tab.document.design.devices) == 2 and len(design.rack_designs["compute-rack"].devices) == 1
    # Delete and undo in the tab act on the tab's rack, never on the design's selection
    window.selection.set([a01])
    added = next(d for d in tab.document.design.devices if not d.endswith(".srv"))
    tab.selection.set([added])
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert added not in tab.document.design.devices and a01 in design.racks
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert added in tab.document.design.devices
    tab.revision.setText("B")
    shown = []
    monkeypatch.setattr(ImpactDialog, "ask", classmethod(lambda cls, parent, title, impact: shown.append(impact) or True))
    before = len(undo_texts(window))
    assert tab.apply()
    impact = shown[0]
    assert sorted(impact.instances) == racks and impact.conflicts == []
    assert {f.subject for f in impact.hall_air_w} == {"hall-1"} and impact.hall_air_w[0].delta > 0
    rd = design.rack_designs["compute-rack"]
    assert rd.revision == "B" and len(rd.devices) == 2
    switch = next(k for k, d in rd.devices.items() if d.part == "nvidia-qm9700")
    for rack_id in racks:
        assert design.devices[instance_id(rack_id, switch)].position == 20 and drift(design, rack_id) == []
    assert len(undo_texts(window)) == before + 1
    window.undo_stack.undo()
    assert all(instance_id(r, switch) not in design.devices for r in racks)
    # the tab shows the rack design as the design now holds it, after the main Undo and Redo
    assert len(tab.document.design.devices) == 1 and tab.revision.text() == "A"
    assert tab.status.text() == "3 instances"
    window.undo_stack.redo()
    assert len(tab.document.design.devices) == 2 and tab.revision.text() == "B"
    # with edits of its own, the tab keeps them and says the design changed under them
    in_tab = next(d for d in tab.document.design.devices if not d.endswith(".srv"))
    tab.selection.set([in_tab])
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    window.undo_stack.undo()
    assert len(tab.document.design.devices) == 1 and "changed since" in tab.status.text()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.undo.index() == 0 and tab.revision.text() == "A" and tab.status.text() == "3 instances"
    assert len(tab.document.design.devices) == 1  # its own edit undone: the design's rack design again
    window.undo_stack.redo()
    assert len(tab.document.design.devices) == 2 and tab.status.text() == "3 instances"

    # the Inspector: leave the switch's slot empty in one instance, then reset it
    one = racks[1]
    window.selection.set([instance_id(one, switch)])
    panel = window.inspector_dock.instance
    assert panel.isVisible() and "Compute rack" in panel.findChildren(type(window.inspector_dock.title))[0].text()
    panel.buttons["empty"].click()
    assert instance_id(one, switch) not in design.devices and design.racks[one].overrides
    window.selection.set([one])
    panel.buttons[f"reset:{switch}"].click()
    assert instance_id(one, switch) in design.devices and design.racks[one].overrides is None

    # detach: an ordinary rack that keeps its devices
    window.selection.set([one])
    window.actions_by_id["detach_instance"].trigger()
    assert design.racks[one].rack_design is None and instance_id(one, switch) in design.devices

    # swap the row's remaining instances to another generation (made from the empty rack A02)
    dialogs.text = ("Empty rack", True)
    window.selection.set([a02])
    window.actions_by_id["make_rack_design"].trigger()
    empty_tab = window.rack_designs.open_tab("empty-rack")
    window.undo_stack.undo()  # making it undone: its tab closes
    assert "empty-rack" not in design.rack_designs and "empty-rack" not in window.rack_designs.tabs
    assert window.tabs.indexOf(empty_tab) < 0
    window.undo_stack.redo()
    row = [r for r in racks if r != one]
    window.selection.set(row)
    assert window.rack_designs.swap_selection("empty-rack")
    impact = shown[-1]
    assert sorted(impact.instances) == row and impact.hall_air_w[0].delta < 0
    assert all(design.racks[r].rack_design == "empty-rack" and not design.contents(r) for r in row)
    window.undo_stack.undo()
    assert all(design.racks[r].rack_design == "compute-rack" and drift(design, r) == [] for r in row)

    # the two generations side by side: elevations drawn, figures and BOM delta from the core
    dialog = window.rack_designs.compare_dialog("Compute rack", "Empty rack")
    qtbot.addWidget(dialog)
    figures = {window_row.figure: window_row for window_row in dialog.rows}
    assert figures["Maximum power kW"].a > 0 == figures["Maximum power kW"].b
    assert dialog.table.rowCount() == len(dialog.rows) + len(dialog.bom) and dialog.table.item(0, 1).text() == "Compute rack"
    pictures = [label.pixmap() for label in dialog.findChildren(type(window.inspector_dock.title)) if not label.pixmap().isNull()]
    assert len(pictures) == 2

    # the design shared through the parts folder, added to another window's design
    from rackstudio.library import rack_design_files

    window.selection.set([racks[0]])
    assert window.actions_by_id["save_rack_design"].isEnabled()
    window.actions_by_id["save_rack_design"].trigger()
    path = rack_design_files.folder() / "compute-rack.rackstudio"
    assert rack_design_files.read(path)[0] == design.rack_designs["compute-rack"]
    assert not window.rack_designs.add_from_file(str(path))  # this design has it already: refused
    window.set_document(Document(builders.empty_design()))
    assert window.rack_designs.add_from_file(str(path)) and not window.rack_designs.tabs
    assert window.editor.design.rack_designs["compute-rack"] == rack_design_files.read(path)[0]
    assert palette_mime(window, "Compute rack (rev B)") is not None  # offered for dragging


def test_parts_folder_rack_designs_are_listed_searchable_and_dropped_in_one_step(pod, qtbot, dialogs):
    """A rack-design file in the parts folder shows in the palette with its origin; dragging it onto
    the floor embeds the design and places an instance in one undo step; a bad file is one row
    with its one-line reason, not draggable, and nothing breaks."""
    from rackstudio.commands.rack_designs import MakeRackDesign
    from rackstudio.library import rack_design_files

    window, design, a01, _ = pod
    window.editor.execute(MakeRackDesign(a01, "Team compute", "team-compute"))
    rack_design_files.save(design, "team-compute")
    (rack_design_files.folder() / "broken.rackstudio").write_text('{"format_version": 8, "rack_designs": [')
    window.set_document(Document(builders.empty_design()))
    palette = window.palette_dock
    palette.search.setText("team")
    [row] = [e for e in palette.visible_entries() if e.kind == "rack-design"]
    assert (row.model, row.source, row.problem) == ("Team compute (rev A)", "user", None)
    tip = palette.model.data(palette.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "from your parts folder" in tip
    palette.search.setText("broken")
    [bad] = palette.visible_entries()
    assert bad.problem.startswith(str(rack_design_files.folder() / "broken.rackstudio")) and "line 1" in bad.problem
    assert palette.mime_for_row(0) is None
    assert not palette.model.flags(palette.model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled

    design = window.editor.design
    hall_view = window.hall_view
    before = len(undo_texts(window))
    target = hall_view.mapFromScene(QPointF(1200 + 300, 6000 + 600))
    assert drag_drop(hall_view.viewport(), palette_mime(window, "Team compute (rev A)"), target)
    [rack] = instances(design, "team-compute")
    assert drift(design, rack) == [] and design.rack_designs["team-compute"] == \
        rack_design_files.read(rack_design_files.folder() / "team-compute.rackstudio")[0]
    assert len(undo_texts(window)) == before + 1
    window.undo_stack.undo()
    assert not design.racks and not design.rack_designs and not design.part_types
    window.undo_stack.redo()
    # now the design's own: a second drop places another instance without adding it again
    target = hall_view.mapFromScene(QPointF(3000 + 300, 6000 + 600))
    assert drag_drop(hall_view.viewport(), palette_mime(window, "Team compute (rev A)"), target)
    assert len(instances(design, "team-compute")) == 2


def test_a_device_moved_in_an_instances_elevation_and_its_own_optics_are_overrides(pod, qtbot):
    """Drag a design device to another unit in an instance's elevation: the rack records it as an
    override (one undo step), the Inspector lists it with Reset; pick other optics for one of the
    design's cables in the Inspector: the same, reset from the cable's panel."""
    from rackstudio.commands import Connect, PlaceDevice
    from rackstudio.commands.rack_designs import MakeRackDesign
    from rackstudio.model.design import CableOverride, DeviceOverride, OverridePlace, PortRef
    from tests.ui.helpers import click, mouse_drag, unit_point

    window, design, a01, _ = pod
    window.editor.execute(PlaceDevice(builders.switch(), rack=a01, position=20, device_id="sw"))
    window.editor.execute(Connect("network", PortRef(owner="srv", port="nic1"), PortRef(owner="sw", port="p1"),
                                  conn_id="link"))
    window.editor.execute(MakeRackDesign(a01, "Compute rack", "compute-rack"))
    switch, link = instance_id(a01, "sw"), instance_id(a01, "link")
    window.open_elevation(a01)
    view = window.elevation_view
    before = len(undo_texts(window))
    mouse_drag(qtbot, view, unit_point(window, a01, 20), unit_point(window, a01, 30))
    assert design.devices[switch].position == 30 and len(undo_texts(window)) == before + 1
    assert design.racks[a01].overrides == {"sw": DeviceOverride(place=OverridePlace(position=30, face="front"))}
    assert drift(design, a01) == []
    # the hall marks the instance: its design's tint, and the corner mark of an overridden one
    from rackstudio.ui.render.floor import RACK_FILL, design_fill

    item, plain = (window.hall_view.hall_scene.objects[r] for r in (a01, _))
    assert item.fill() is design_fill("compute-rack") and plain.fill() is RACK_FILL
    assert item.overrides == 1 and "Instance of rack design Compute rack, 1 override" in item.describe()
    # and the elevation marks the moved device, saying what its override is
    [face] = [i for i in view.elevations.items_of(switch) if i.role == "face"]
    assert face.override == "moved to U30 front" and "In this rack: moved to U30 front" in face.toolTip()
    assert not [i for i in view.elevations.items_of(instance_id(a01, "srv")) if i.override]
    window.selection.set([a01])
    panel = window.inspector_dock.instance
    texts = " ".join(label.text() for label in panel.findChildren(type(window.inspector_dock.title)))
    assert "1 override" in texts and "moved to U30 front" in texts
    panel.buttons["reset:sw"].click()
    assert design.devices[switch].position == 20 and design.racks[a01].overrides is None
    assert item.overrides == 0 and "as designed" in item.describe()
    assert not any(i.override for i in view.elevations.items_of(switch))

    # the cable's optics, as the Inspector's optics editor sets them
    click(qtbot, view, unit_point(window, a01, 40))  # nothing there: clears the selection
    window.selection.set([link])
    inspector = window.inspector_dock
    combo = inspector.optics["a_end"]
    combo.setCurrentIndex(combo.findData("nvidia-mms4x00-ns"))
    combo.activated.emit(combo.currentIndex())
    assert design.racks[a01].overrides == {"link": CableOverride(a_end="nvidia-mms4x00-ns")}
    assert design.connections[link].a_end == "nvidia-mms4x00-ns" and drift(design, a01) == []
    texts = " ".join(label.text() for label in inspector.instance.findChildren(type(inspector.title)))
    assert "optics nvidia-mms4x00-ns / none" in texts
    inspector.instance.buttons["reset"].click()
    assert design.racks[a01].overrides is None and design.connections[link].a_end is None


def test_applying_a_wide_edit_takes_the_state_its_preview_checked(pod, qtbot, dialogs, monkeypatch):
    """An edit of a rack design wide enough to run its checks in full (448 instances of L: 2.2 s)
    runs them once, for the impact preview: Apply in the preview applies the command as the
    preview planned it, and the live checks take the state the preview checked. The findings
    after are what the preview promised, and Undo and Redo run no full check either."""
    from rackstudio.checks import engine as engine_module

    window, design, a01, _ = pod
    dialogs.text = ("Compute rack", True)
    window.selection.set([a01])
    window.actions_by_id["make_rack_design"].trigger()
    window.selection.set([a01])
    window.actions_by_id["edit_rack_design"].trigger()
    tab = window.rack_designs.tabs["compute-rack"]
    tab.selection.set([next(iter(tab.document.design.devices))])
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)  # the server leaves the design: its findings go
    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: True)
    live = window.live_checks
    live.run_now()  # the pod is checked here, at once
    engine = live.engine
    full_runs = []
    run_full = engine.run_full
    monkeypatch.setattr(engine, "run_full", lambda: full_runs.append(1) or run_full())
    shown = []
    monkeypatch.setattr(ImpactDialog, "ask", classmethod(lambda cls, parent, title, impact: shown.append(impact) or True))
    from PySide6.QtWidgets import QApplication

    from rackstudio.reports import rack_design_impact

    working = []
    preview = rack_design_impact.preview
    monkeypatch.setattr(rack_design_impact, "preview", lambda *args: working.append(
        (QApplication.overrideCursor().shape(), window.statusBar().currentMessage())) or preview(*args))
    before = engine.findings()
    assert tab.apply() and "srv" not in str(design.devices)
    # while it worked the preview out, the window said so: a wait cursor and a message
    assert working == [(Qt.CursorShape.WaitCursor, "Working out what the edit does across the design…")]
    assert QApplication.overrideCursor() is None
    impact = shown[0]
    assert impact.cleared and len(full_runs) == 1  # the preview's
    after = engine.findings()
    assert sorted(after, key=str) == sorted([f for f in before if f not in impact.cleared] + impact.added, key=str)
    assert live.findings() == after
    window.undo_stack.undo()
    assert engine.findings() == before and instance_id(a01, "srv") in design.devices
    window.undo_stack.redo()
    assert engine.findings() == after and len(full_runs) == 1
