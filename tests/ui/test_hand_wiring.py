"""Cabling one link by hand, right the first time: the Connect… dialog opens on the best
compatible free port (a PSU on a PDU's C19 outlet of its least-loaded leg and bank, a data NIC on
the leaf, a BMC on the management switch), lists the rest disabled with the reason, groups a PDU's
outlets by bank with the present current and fills the length; a link takes three user actions.
A PDU's inspector shows its outlet map with the checks' figures."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from rackstudio.commands import AddRecord, Connect, PlaceDevice, add_row_of_racks
from rackstudio.document import Document
from rackstudio.model.design import Feed, PortRef
from rackstudio.ui.dialogs.connect import ConnectDialog
from rackstudio.ui.library_source import builtin_library
from rackstudio.ui.ports import present_loads
from tests.core import builders as b
from tests.ui.helpers import click, double_click, unit_point

PDU = "generic-0u-rpdu-415v-3ph-60a"


@pytest.fixture
def rack(qtbot):
    """A window on rack A01 (open) with PDUs A and B on 415 V 60 A feeds, two DGX B200 (U2, U12),
    an SN5600 leaf (U40) and an SN2201 management switch (U42), over the built-in parts."""
    from rackstudio.ui.main_window import MainWindow

    library = builtin_library()
    design = b.empty_design()
    document = Document(design)
    document.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "A", 1, 1200, 1200, "S"))
    rack_id = b.rack_named(design, "A01")
    for side in "AB":
        document.execute(AddRecord("feeds", Feed(id=f"f-{side}", name=f"A01-{side}", side=side, voltage_v=415,
                                                 amperage_a=60, rack=rack_id)))
    part = library.part
    document.execute(PlaceDevice(part(PDU), rack=rack_id, side="left", device_id="pdu-a"))
    document.execute(PlaceDevice(part(PDU), rack=rack_id, side="right", device_id="pdu-b"))
    for side in "AB":
        document.execute(Connect("power", PortRef(owner=f"pdu-{side.lower()}", port="Inlet"),
                                 PortRef(owner=f"f-{side}", port="")))
    for dev, slug, position in (("dgx1", "nvidia-dgx-b200", 2), ("dgx2", "nvidia-dgx-b200", 12),
                                ("leaf", "nvidia-spectrum-4-sn5600", 40), ("mgmt", "nvidia-spectrum-sn2201", 42)):
        document.execute(PlaceDevice(part(slug), rack=rack_id, position=position, device_id=dev))
    window = MainWindow(document, library)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.open_elevation(rack_id)
    return window, design, rack_id


def _dialog(qtbot, window, device, kind, port):
    document = window.bridge.document
    dialog = ConnectDialog(window.editor.design, device, kind, port,
                           loads=present_loads(document.design, graph=document.graph))
    qtbot.addWidget(dialog)
    return dialog


def test_a_psu_defaults_to_a_c19_outlet_and_c13_outlets_say_why_not(rack, qtbot):
    window, design, _rack_id = rack
    dialog = _dialog(qtbot, window, "dgx1", "power", "PSU1")
    assert dialog.target.currentData() in ("pdu-a", "pdu-b")
    choice = dialog.choice()
    assert choice.port.split("-")[1] == "C19"
    texts = [dialog.far_port.itemText(i) for i in range(dialog.far_port.count())]
    assert texts[0].startswith("Bank 1 · leg A · 20 A breaker · 0.0 of 16 A")
    assert "Not available here" in texts
    c13 = next(i for i, t in enumerate(texts) if t.startswith("B1-C13-1"))
    assert "C13" in texts[c13] and "rated below" in texts[c13]
    assert not dialog.far_port.model().item(c13).isEnabled()
    feeds = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert feeds.index("f-A") > feeds.index("pdu-b")  # a PSU goes to a PDU before a feed
    assert dialog.length.value() > 0 and choice.length_m is None  # shown; kept as the cable's estimate


def test_a_nic_defaults_to_a_leaf_data_port_and_a_bmc_to_the_management_switch(rack, qtbot):
    window, design, _rack_id = rack
    dialog = _dialog(qtbot, window, "dgx1", "network", "cx7-0")
    nic = dialog.choice()
    assert nic.owner == "leaf" and nic.port != "mgmt0" and nic.media and dialog.length.value() > 0
    bmc = _dialog(qtbot, window, "dgx1", "network", "bmc")
    assert bmc.choice().owner == "mgmt" and bmc.choice().port != "mgmt0"
    assert bmc.choice().media == "cat6"
    owners = [bmc.target.itemData(i) for i in range(bmc.target.count())]
    leaf = owners.index("leaf")
    assert not bmc.target.model().item(leaf).isEnabled()
    assert "management" in bmc.target.itemData(leaf, Qt.ItemDataRole.ToolTipRole)


def test_one_link_by_hand_takes_three_user_actions(rack, qtbot, monkeypatch):
    """Click the server in the elevation, double-click its port in the inspector, Enter in the
    dialog: a DGX PSU on a PDU C19 outlet, one undo step."""
    window, design, rack_id = rack
    actions = 0

    def ask(cls, parent, design_, device_id, kind, port, loads=None):
        nonlocal actions
        dialog = cls(design_, device_id, kind, port, parent, loads)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        actions += 1
        assert dialog.result() == QDialog.DialogCode.Accepted
        return dialog.choice()

    monkeypatch.setattr(ConnectDialog, "ask", classmethod(ask))
    view = window.elevation_view
    click(qtbot, view, unit_point(window, rack_id, 2, height=10))
    actions += 1
    assert window.selection.ids == ["dgx1"]
    ports = window.inspector_dock.ports
    item = next(ports.tree.topLevelItem(0).child(i) for i in range(6)
                if ports.tree.topLevelItem(0).child(i).text(0) == "PSU1")
    at = ports.tree.visualItemRect(item).center()
    double_click(qtbot, ports.tree.viewport(), at)
    actions += 1
    (conn,) = [c for c in design.connections.values() if c.a.owner == "dgx1"]
    assert conn.a.port == "PSU1" and conn.b.owner in ("pdu-a", "pdu-b") and "C19" in conn.b.port
    assert conn.length_m and conn.length_estimated and actions == 3
    assert window.undo_stack.count() == 1


def test_a_pdu_inspector_shows_its_outlet_map_with_the_checks_figures(rack, qtbot):
    window, design, rack_id = rack
    for n in range(1, 7):
        window.editor.execute(Connect("power", PortRef(owner="dgx1", port=f"PSU{n}"),
                                      PortRef(owner="pdu-a" if n % 2 else "pdu-b", port=f"B{(n + 1) // 2 * 3 - 2}-C19-1")))
    window.selection.set(["pdu-a"])
    tree = window.inspector_dock.ports.tree
    tops = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    figures = present_loads(design, graph=window.bridge.document.graph)("pdu-a")
    bank1 = tops["Bank 1 · leg A"]
    assert bank1.text(1) == f"{figures.banks[0].current_a:.1f} of 16 A" and figures.banks[0].current_a > 0
    assert bank1.text(2) == "20 A breaker · 3 of 4 free"
    assert bank1.child(0).text(0) == "B1-C19-1" and design.devices["dgx1"].name in bank1.child(0).text(2)
    legs = tops["Legs"]
    assert [legs.child(i).text(0) for i in range(3)] == ["Leg A", "Leg B", "Leg C"]
    assert legs.child(0).text(1) == f"{figures.phases_a[0]:.1f} of 48 A"
    assert legs.text(1).startswith("Imbalance")



def _cell_point(window, device_id, port):
    item = window.elevation_view.elevations.port_items[device_id]
    cell = next(c for c in item.cells if c.port == port)
    return item.mapToScene(cell.rect.center())


def test_a_cable_drawn_from_port_to_port_in_the_elevation(rack, qtbot):
    """Select the server, drag from PSU1's cell to a PDU's C19 outlet: one Connect, with its length;
    while dragging, the C19 outlets are green and the C13 ones dimmed with the reason."""
    window, design, rack_id = rack
    view = window.elevation_view
    scene = view.elevations
    click(qtbot, view, unit_point(window, rack_id, 2, height=10))
    assert set(scene.port_items) == {"dgx1"}  # the selected device shows its ports
    start = view.mapFromScene(_cell_point(window, "dgx1", "PSU1"))
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    assert {"pdu-a", "pdu-b", "leaf", "mgmt", "dgx2"} <= set(scene.port_items)
    pdu = scene.port_items["pdu-a"]
    verdicts = pdu.verdicts
    assert verdicts[("pdu-a", "B1-C19-1")].ok
    c13 = verdicts[("pdu-a", "B1-C13-1")]
    assert not c13.ok and "rated below" in c13.reason
    cell = next(c for c in pdu.cells if c.port == "B1-C13-1")
    assert "Cannot connect" in pdu.tip(cell)
    end = view.mapFromScene(_cell_point(window, "pdu-a", "B4-C19-1"))
    for i in range(1, 5):
        qtbot.mouseMove(view.viewport(), start + (end - start) * i / 4)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    (conn,) = [c for c in design.connections.values() if c.a.owner == "dgx1"]
    assert (conn.a.port, conn.b.owner, conn.b.port) == ("PSU1", "pdu-a", "B4-C19-1")
    assert conn.length_m and conn.length_estimated and window.undo_stack.count() == 1
    assert set(scene.port_items) == {"dgx1"}  # back to the selected device's ports


def test_click_a_port_then_another_and_a_refused_one_changes_nothing(rack, qtbot):
    window, design, rack_id = rack
    view = window.elevation_view
    click(qtbot, view, unit_point(window, rack_id, 2, height=10))
    click(qtbot, view, _cell_point(window, "dgx1", "PSU2"))
    assert view._wire is not None and not view._wire.dragging
    before = len(design.connections)
    click(qtbot, view, _cell_point(window, "pdu-b", "B1-C13-1"))  # a C13 cannot take the C20 cord
    assert len(design.connections) == before and "rated below" in window.statusBar().currentMessage()
    click(qtbot, view, _cell_point(window, "dgx1", "cx7-0"))
    click(qtbot, view, _cell_point(window, "leaf", "swp1"))
    (conn,) = [c for c in design.connections.values() if c.a.owner == "dgx1"]
    assert (conn.b.owner, conn.b.port, conn.kind) == ("leaf", "swp1", "network") and conn.media and conn.length_m
    click(qtbot, view, _cell_point(window, "dgx1", "bmc"))
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view._wire is None and len(design.connections) == before + 1


def test_a_breakout_by_hand_two_nics_on_one_800g_port_with_the_helpers_optics(rack, qtbot):
    """cx7-0 of each DGX to the SN5600 leaf: the first takes leg 1 of swp1 on a splitter cable, the
    second the next free leg of the same port; the checks say nothing of optics."""
    from rackstudio.model import optics
    from rackstudio.ui.ports import connect_command
    from tests.core.check_builders import findings

    window, design, _rack_id = rack
    for n, server in enumerate(("dgx1", "dgx2"), start=1):
        dialog = _dialog(qtbot, window, "leaf", "network", "swp1")
        if n == 1:
            dialog.here_leg.setValue(1)
        index = dialog.target.findData(server)
        dialog.target.setCurrentIndex(index)
        dialog.far_port.setCurrentIndex(dialog.far_port.findData("cx7-0"))
        choice = dialog.choice()
        assert choice.here_leg == n and choice.there_leg is None
        # one rack, a few metres: a twin-port 800G to 2 x 400G copper splitter, the same for both legs
        assert choice.media in ("dac", "acc") and choice.here_end == choice.there_end
        assert optics.get(choice.here_end).breakout == 2
        window.editor.execute(connect_command(design, "leaf", "network", "swp1", choice, "{a_device}:{a_port}"))
    cables = [c for c in design.connections.values() if c.a.owner == "leaf"]
    assert sorted(c.a.leg for c in cables) == [1, 2] and len({c.a_end for c in cables}) == 1
    assert not [f for f in findings(design) if f.rule in ("CAB-001", "CAB-003", "CAB-004", "CAB-005", "CAB-006",
                                                          "CAB-011", "CAB-015")]


def test_the_inspector_changes_a_cables_optics_in_one_undo_step(rack, qtbot):
    window, design, _rack_id = rack
    window.editor.execute(Connect("network", PortRef(owner="leaf", port="swp1", leg=1),
                                  PortRef(owner="dgx1", port="cx7-0"),
                                  ends=("nvidia-mms4x00-ns", "nvidia-mms4x00-ns400"), conn_id="cb-9"))
    window.selection.set(["cb-9"])
    inspector = window.inspector_dock
    combo = inspector.optics["b_end"]
    assert combo.currentData() == "nvidia-mms4x00-ns400"
    assert "Optics 17 W + 9 W" in inspector.summary.text() and "swp1 leg 1" in inspector.summary.text()
    count = window.undo_stack.count()
    combo.setCurrentIndex(combo.findData("nvidia-mma4z00-ns400"))
    combo.activated.emit(combo.currentIndex())
    assert design.connections["cb-9"].b_end == "nvidia-mma4z00-ns400"
    assert window.undo_stack.count() == count + 1
    window.undo_stack.undo()
    assert design.connections["cb-9"].b_end == "nvidia-mms4x00-ns400"


def test_a_library_pdu_without_figures_shows_its_outlet_map_from_its_feed(rack, qtbot):
    """APC's AP8886 file gives an IEC 60309 inlet and no rating: fed, the checks rate it from the
    feed's breaker (power.inlets), and its Inspector shows the same figures, not a plain port list."""
    from pathlib import Path

    from rackstudio.library import load_device_type
    window, design, rack_id = rack
    apc = load_device_type(Path(__file__).parents[1] / "data/devicetype-library/nautobot/device-types/APC/AP8886.yaml").part
    editor = window.editor
    editor.execute(AddRecord("feeds", Feed(id="f-C", name="A01-C", side="A", voltage_v=400, amperage_a=32,
                                           rack=rack_id)))
    editor.execute(PlaceDevice(apc, rack=rack_id, side="left", device_id="apc"))
    editor.execute(Connect("power", PortRef(owner="apc", port="Power Port 1"), PortRef(owner="f-C", port="")))
    editor.execute(Connect("power", PortRef(owner="dgx2", port="PSU1"), PortRef(owner="apc", port="Bank1-C19-1")))
    window.selection.set(["apc"])
    tree = window.inspector_dock.ports.tree
    tops = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    figures = present_loads(design, graph=window.bridge.document.graph)("apc")
    assert figures is not None and figures.phases_a is not None
    assert "Legs" in tops and "Power outlets" not in tops
