"""The inspector (single and shared properties, each edit one undo step), the port panel's
connect and disconnect, and the cable list's in-place edits and relabelling."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from rackstudio.commands import PlaceDevice, SetProperty
from rackstudio.ui import prefs
from rackstudio.ui.dialogs.connect import ConnectChoice, ConnectDialog, candidates
from tests.core import builders as b
from tests.ui.helpers import undo_texts


@pytest.fixture
def pod(pod):
    """The shared pod plus a left PDU in A01 and a leaf switch in A02 at U40."""
    window, design, r1, r2 = pod
    window.editor.execute(PlaceDevice(b.pdu(), rack=r1, side="left", device_id="pdu-a"))
    window.editor.execute(PlaceDevice(b.switch(), rack=r2, position=40, device_id="leaf"))
    window.undo_stack.clear()
    return pod


def _edit(widget: QLineEdit, text: str) -> None:
    widget.setText(text)
    widget.editingFinished.emit()


def test_edit_a_rack_name(pod):
    window, design, r1, _r2 = pod
    window.selection.set([r1])
    inspector = window.inspector_dock
    assert "Rack A01" in inspector.title.text()
    assert "10 of 48 U used" in inspector.summary.text()
    _edit(inspector.editor_for("name"), "Compute-1")
    assert design.racks[r1].name == "Compute-1"
    assert undo_texts(window) == ["Set name of A01"]
    window.undo_stack.undo()
    assert design.racks[r1].name == "A01"
    assert inspector.editor_for("name").text() == "A01"


def test_shared_properties_of_several_racks_change_in_one_step(pod):
    window, design, r1, r2 = pod
    window.selection.set([r1, r2])
    inspector = window.inspector_dock
    budget = inspector.editor_for("power_budget_kw")
    _edit(budget, "40")
    assert {design.racks[r].power_budget_kw for r in (r1, r2)} == {40}
    assert undo_texts(window) == ["Set power budget (kW) of 2 objects"]
    window.undo_stack.undo()
    window.editor.execute(SetProperty(r1, "name", "X"))
    assert inspector.editor_for("name").placeholderText() == "(mixed)"


def test_a_refused_edit_changes_nothing_and_says_why(pod):
    window, design, _r1, _r2 = pod
    window.selection.set(["srv"])
    inspector = window.inspector_dock
    before = design.model_dump()
    _edit(inspector.editor_for("position"), "lots")
    assert design.model_dump() == before
    assert "not a number" in window.statusBar().currentMessage()
    _edit(inspector.editor_for("position"), "45")  # a 10U server does not fit at U45
    assert design.model_dump() == before
    assert "passes the top" in window.statusBar().currentMessage()
    assert inspector.editor_for("position").text() == "1"
    face = inspector.editor_for("face")
    assert isinstance(face, QComboBox)
    face.setCurrentIndex(face.findData("rear"))
    face.activated.emit(face.currentIndex())
    assert design.devices["srv"].face == "rear"


def test_port_panel_connects_and_disconnects(pod, dialogs):
    window, design, _r1, _r2 = pod
    window.selection.set(["srv"])
    ports = window.inspector_dock.ports
    assert ports.isVisibleTo(window.inspector_dock)
    assert ports.select_port("power", "PSU1")
    dialogs.connect.append(ConnectChoice("pdu-a", "O3"))
    ports.connect_button.click()
    (conn,) = design.connections.values()
    assert (conn.a.owner, conn.a.port, conn.b.owner, conn.b.port) == ("srv", "PSU1", "pdu-a", "O3")
    assert conn.label == "A01-U1-PSU1 / A01-L1-O3"
    assert ports.select_port("power", "PSU1")
    assert not ports.connect_button.isEnabled() and ports.disconnect_button.isEnabled()
    ports.disconnect_button.click()
    assert not design.connections
    assert undo_texts(window) == ["Connect A01-U1-PSU1 / A01-L1-O3", "Disconnect A01-U1-PSU1 / A01-L1-O3"]


def test_network_connect_with_media_and_length(pod, dialogs):
    window, design, _r1, _r2 = pod
    prefs.set_label_pattern("{a_rack}U{a_unit}:{a_port}>{b_rack}U{b_unit}:{b_port}")
    window.selection.set(["srv"])
    ports = window.inspector_dock.ports
    ports.select_port("network", "nic2")
    dialogs.connect.append(ConnectChoice("leaf", "p7", "aoc", 5.0))
    ports.connect_selected()
    (conn,) = design.connections.values()
    assert (conn.media, conn.length_m, conn.label) == ("aoc", 5.0, "A01U1:nic2>A02U40:p7")


def test_the_connect_dialog_offers_only_free_matching_ports(pod, qtbot):
    window, design, _r1, _r2 = pod
    owners = [owner for _label, owner in candidates(design, "srv", "power", "inlet")]
    assert owners[0] == "pdu-a" and "feed-a" in owners and "leaf" not in owners
    dialog = ConnectDialog(design, "srv", "network", "nic1")
    qtbot.addWidget(dialog)
    assert dialog.target.currentData() == "leaf"
    assert dialog.far_port.count() == 64
    assert dialog.length.value() == 4.5  # estimated from both ends' places (A01 U1 to A02 U40)
    dialog.media.setCurrentIndex(dialog.media.findData("dac"))
    dialog.media.activated.emit(dialog.media.currentIndex())  # chosen by hand: the optics follow the family
    # the estimate stays an estimate; no DAC assembly fits these cages, so no plug is named
    assert dialog.choice() == ConnectChoice("leaf", "p1", "dac", None, None)
    dialog.length.setValue(6.0)
    assert dialog.choice().length_m == 6.0


def test_cable_list_edits_and_relabels(pod, dialogs):
    window, design, _r1, _r2 = pod
    window.selection.set(["srv"])
    ports = window.inspector_dock.ports
    for nic, port in (("nic1", "p1"), ("nic2", "p2")):
        ports.select_port("network", nic)
        dialogs.connect.append(ConnectChoice("leaf", port, "dac"))
        ports.connect_selected()
    dock = window.cable_dock
    assert dock.model.rowCount() == 0  # hidden: not filled
    dock.show()
    assert dock.model.rowCount() == 2 and "2 cables of 1 selected object" in dock.caption.text()
    index = dock.model.index(0, 5)
    conn_id = dock.model.conn_ids[0]
    estimate = design.connections[conn_id].length_m
    assert design.connections[conn_id].length_estimated  # made without a length: the estimate
    assert dock.model.data(index) == f"{estimate:g} (est.)"
    assert dock.model.data(index, Qt.ItemDataRole.EditRole) == f"{estimate:g}"
    assert dock.model.setData(index, "3.5", Qt.ItemDataRole.EditRole)
    assert design.connections[conn_id].length_m == 3.5 and not design.connections[conn_id].length_estimated
    assert dock.model.data(index) == "3.5"
    assert not dock.model.setData(index, "far", Qt.ItemDataRole.EditRole)
    assert "not a number" in window.statusBar().currentMessage()
    dialogs.text = ("{a_device}:{a_port}", True)
    dock.edit_pattern()
    dock.relabel()
    assert sorted(c.label for c in design.connections.values()) == ["A01-U1:nic1", "A01-U1:nic2"]
    assert undo_texts(window)[-1] == "Relabel 2 cables"
    dock.table.selectAll()
    dock.disconnect_selected()
    assert not design.connections


def test_site_dock_selects_records_without_a_shape_for_editing_and_deleting(pod, dialogs):
    window, design, _r1, _r2 = pod
    site = window.site_dock
    site.select("feed-a")
    assert window.selection.ids == ["feed-a"]
    amperage = window.inspector_dock.editor_for("amperage_a")
    _edit(amperage, "63")
    assert design.feeds["feed-a"].amperage_a == 63
    site.select("hall-1")
    _edit(window.inspector_dock.editor_for("width_mm"), "30000")
    assert design.halls["hall-1"].width_mm == 30000
    assert window.hall_view.hall_scene.grid.hall.width_mm == 30000
    site.tree.clearSelection()
    site.select("feed-b")
    window.actions_by_id["delete"].trigger()
    assert "feed-b" not in design.feeds
    assert not any(i.data(0, Qt.ItemDataRole.UserRole) == "feed-b" for i in site.items())


def test_editing_cables_shown_on_the_floor_plan_keeps_them_selected_and_the_editor_alive(qtbot, dialogs):
    """Found by the monkey test: with the cable overlay on, renaming selected cables rebuilt the
    floor plan's bundles, which dropped the cables from the selection, which rebuilt the inspector
    inside the label editor's own focus-out: the app crashed (a segmentation fault)."""
    from rackstudio import paths
    from rackstudio.document import Document
    from rackstudio.ui.library_source import builtin_library
    from rackstudio.ui.main_window import MainWindow

    window = MainWindow(Document.open(paths.example_design())[0], builtin_library())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # focus moves only in the active window
    window.actions_by_id["cable_overlay"].trigger()
    scene = window.hall_view.hall_scene
    bundle = max(scene.bundles.values(), key=lambda item: len(item.conn_ids))
    bundle.setSelected(True)  # as a click on the bundle does
    cables = sorted(bundle.conn_ids)
    assert sorted(window.selection.ids) == cables and len(cables) > 1
    label = window.inspector_dock.editor_for("label")
    qtbot.waitUntil(label.isVisible)  # a layout shows new editors on the next turn of the event loop
    label.setFocus()
    assert label.hasFocus()
    qtbot.keyClick(label, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(label, "spine uplinks")
    qtbot.keyClick(label, Qt.Key.Key_Tab)  # editingFinished from inside focus-out
    assert {window.editor.design.connections[c].label for c in cables} == {"spine uplinks"}
    assert sorted(window.selection.ids) == cables
    new_bundle = next(item for item in scene.bundles.values() if sorted(item.conn_ids) == cables)
    assert new_bundle.isSelected()
    qtbot.keyClick(window.inspector_dock.editor_for("label"), Qt.Key.Key_Return)
    window.undo_stack.undo()
    assert window.undo_stack.index() == 0


def test_the_inspector_survives_being_rebuilt_from_inside_its_own_editor(pod, qtbot):
    """Whatever an edit leads to, the editor that finished is deleted only after Qt has left its
    event handler (deleting it inside its focus-out crashed the app)."""
    window, design, r1, r2 = pod
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.selection.set([r1])
    name = window.inspector_dock.editor_for("name")
    qtbot.waitUntil(name.isVisible)
    name.editingFinished.connect(lambda: window.selection.set([r2]))  # a rebuild from inside focus-out
    name.setFocus()
    qtbot.keyClicks(name, "X")
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    assert window.inspector_dock.ids == [r2] and "A02" in window.inspector_dock.title.text()
    qtbot.waitUntil(lambda: not name.isVisible())


def test_an_editor_hidden_by_a_new_selection_does_not_edit_the_new_selection(pod, qtbot):
    """Found by the monkey test: the hidden editor's focus-out finished its edit against the new
    selection (a rack's name set on a cable: AttributeError)."""
    window, design, r1, r2 = pod
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.selection.set([r1])
    name = window.inspector_dock.editor_for("name")
    qtbot.waitUntil(name.isVisible)
    name.setFocus()
    qtbot.keyClicks(name, "X")
    window.selection.set(["srv"])
    assert design.racks[r1].name == "A01" and design.devices["srv"].name != "A01X"
    assert window.undo_stack.count() == 0


def test_the_site_dock_lists_a_design_just_opened_after_the_hall_and_at_once_when_asked(qtbot, pod, monkeypatch):
    from rackstudio import paths
    from rackstudio.document import Document
    from rackstudio.ui import infrastructure

    monkeypatch.setattr(infrastructure, "FILL_SLICE", 10)  # the example's 80-odd records over several turns
    window = pod[0]
    site = window.site_dock
    opened = Document.open(paths.example_design())[0]
    window.set_document(opened)
    assert site.tree.topLevelItemCount() == 0  # the hall paints first; the old design's rows are gone
    qtbot.waitUntil(lambda: site.tree.topLevelItemCount() == 5 and site._filling is None)
    d = opened.design
    listed = [i.data(0, Qt.ItemDataRole.UserRole) for i in site.items()]
    assert sorted(listed) == sorted([*d.halls, *d.rows, *d.upses, *d.panels, *d.feeds])
    feed = sorted(d.feeds)[-1]
    window.set_document(Document.open(paths.example_design())[0])
    site.select(feed)  # asked for before the listing's first turn: listed at once
    assert window.selection.ids == [feed] and site._filling is None


def test_the_site_dock_follows_the_selection_made_elsewhere_during_and_after_its_listing(qtbot, pod, monkeypatch):
    from rackstudio import paths
    from rackstudio.document import Document
    from rackstudio.ui import infrastructure

    monkeypatch.setattr(infrastructure, "FILL_SLICE", 10)
    window = pod[0]
    site = window.site_dock
    window.set_document(Document.open(paths.example_design())[0])
    d = window.document.design
    first, second, third = sorted(d.feeds)[:3]
    window.selection.set([first, second])  # while the listing is under way: it follows when it ends
    qtbot.waitUntil(lambda: site._filling is None)

    def selected() -> list[str]:
        return sorted(i.data(0, Qt.ItemDataRole.UserRole) for i in site.tree.selectedItems())

    assert selected() == [first, second]
    window.selection.set([third, "no-such-record"])
    assert selected() == [third]
    window.selection.set([])
    assert selected() == []


def test_the_site_dock_follows_an_edit_as_a_fresh_listing_would_and_lists_again_only_when_it_must(qtbot, pod, monkeypatch):
    """An edit lists the design again only when a listed record came, went or was renamed (the
    groups are sorted by name); a rack moved, renamed or deleted rewrites only the Details it
    changes: the rows' rack counts and the feeds dropped to it. Either way the dock then reads as a
    fresh listing."""
    from rackstudio import paths
    from rackstudio.commands import MoveRack
    from rackstudio.document import Document

    window = pod[0]
    site = window.site_dock
    window.set_document(Document.open(paths.example_design())[0])
    qtbot.waitUntil(lambda: site._filling is None and site.tree.topLevelItemCount() == 5)
    design = window.editor.design

    def listing():
        return [(i.text(0), i.text(1), i.data(0, Qt.ItemDataRole.UserRole)) for i in site.items()]

    reloads = []
    reload = site.reload
    monkeypatch.setattr(site, "reload", lambda: reloads.append(1) or reload())
    fed = next(f for f in design.feeds.values() if f.rack is not None)
    rack = design.racks[fed.rack]
    other_row = next(r for r in design.rows.values() if r.id != rack.row and r.hall == rack.hall)
    edits = [(SetProperty(rack.id, "name", "Renamed rack"), False),
             (MoveRack(rack.id, rack.x_mm, rack.y_mm, row=other_row.id), False),
             (SetProperty(fed.id, "amperage_a", 40), False),
             (SetProperty(fed.id, "name", "A feed renamed"), True)]
    for command, relisted in edits:
        assert window.editor.execute(command), command
        assert bool(reloads) == relisted, command
        del reloads[:]
        incremental = listing()
        reload()
        assert incremental == listing(), command
    assert any("Renamed rack" in text for _, text, _ in listing())
    window.selection.set([rack.id])
    window.actions_by_id["delete"].trigger()
    assert not reloads and rack.id not in design.racks
    incremental = listing()
    reload()
    assert incremental == listing() and not any("Renamed rack" in text for _, text, _ in incremental)
