"""The AI pod cabled from an empty design through the widgets alone, with the built-in parts: one
row of three racks (two with two DGX B200 each, one network rack with a Spectrum-4 SN5600 leaf and
an SN2201 management switch), each rack with the built-in 415 V 60 A A/B rack PDUs on 415 V 60 A
feeds; power by the planner, network by the leaf helper, and one link drawn by hand from port to
port in the elevation. The planner's preview and the checks agree: one DGX PSU per 20 A bank, 9.9 A
per PSU (and the NICs' optics once they are cabled), 19.9 A per leg, 0 % imbalance; no power error and no wrong plug; every data NIC on a leaf
data port, every BMC on the management switch; every cable in a rack with its estimated length; the same steps through the core commands give the
same file byte for byte."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from rackstudio.checks.context import CheckContext
from rackstudio.checks.engine import CheckEngine
from rackstudio.checks.power_flow import FlowState
from rackstudio.checks.rules.power import pdu_figures
from rackstudio.commands import AddRecord, Connect, PlaceDevice, add_row_of_racks, network_plan
from rackstudio.commands.labels import labeler
from rackstudio.commands.port_compat import cable_defaults
from rackstudio.commands.power_plan import plan_power
from rackstudio.document import Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model import port_roles
from rackstudio.model.design import Design, Feed, PortRef
from rackstudio.model.geometry import devices_within
from rackstudio.ui import prefs
from rackstudio.ui.dialogs.fabric import FabricChoice
from rackstudio.ui.dialogs.power_plan import PowerPlanDialog
from rackstudio.ui.dialogs.row import RowChoice
from rackstudio.ui.library_source import builtin_library
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

PDU = "0U rack PDU 415V 3-phase 60A (34.5 kVA)"
RACKS = ("A01", "A02", "A03")
SERVERS = {"A01": (2, 12), "A02": (2, 12)}
SWITCHES = {"leaf": ("Spectrum-4 SN5600", 40), "mgmt": ("Spectrum SN2201", 42)}


def _named(table, name):
    return next(k for k, v in table.items() if v.name == name)


def _hand_link(design: Design) -> tuple[PortRef, PortRef]:
    """The link drawn by hand: the leaf's own management port to the management switch's first
    access port."""
    leaf, mgmt = _named(design.devices, "A03-U40"), _named(design.devices, "A03-U42")
    access = port_roles.management_access_ports(design.part_of(design.devices[mgmt]))[0]
    return PortRef(owner=leaf, port="mgmt0"), PortRef(owner=mgmt, port=access)


def expected_design() -> Design:
    """The same steps as core commands, in the same order."""
    library = builtin_library()
    d = Design()
    doc = Document(d)
    hall_and_power_chain(doc)
    doc.execute(add_row_of_racks(d, library.rack_type("generic-rack-48u-600x1200"), "hall-1", "A", 3, 1200, 1200, "S"))
    for name in RACKS:
        rack = _named(d.racks, name)
        for side, panel in (("A", "pnl-1"), ("B", "pnl-2")):
            doc.execute(AddRecord("feeds", Feed(id=d.new_id("feed"), name=f"{name}-{side}", side=side, rack=rack,
                                                panel=panel, amperage_a=60)))
    pdu = library.part("generic-0u-rpdu-415v-3ph-60a")
    for name in RACKS:
        rack = _named(d.racks, name)
        doc.execute(PlaceDevice(pdu, rack=rack, side="left", face="rear"))
        doc.execute(PlaceDevice(pdu, rack=rack, side="right", face="rear"))
        for position in SERVERS.get(name, ()):
            doc.execute(PlaceDevice(library.part("nvidia-dgx-b200"), rack=rack, position=position, face="front"))
    a03 = _named(d.racks, "A03")
    doc.execute(PlaceDevice(library.part("nvidia-spectrum-4-sn5600"), rack=a03, position=40, face="front"))
    doc.execute(PlaceDevice(library.part("nvidia-spectrum-sn2201"), rack=a03, position=42, face="front"))
    label = labeler(prefs.label_pattern())
    a, b = _hand_link(d)
    media, _length = cable_defaults(d, a, b)
    doc.execute(Connect("network", a, b, media=media, label=label(d, a, b)))
    plan = plan_power(d, [_named(d.racks, n) for n in RACKS], FlowState.of(d, doc.graph), labeler=label)
    doc.execute(plan.command)
    servers = [dev for name in ("A01", "A02") for dev in devices_within(d, _named(d.racks, name))
               if str(d.part_of(d.devices[dev]).category) == "server"]
    leaf, mgmt = _named(d.devices, "A03-U40"), _named(d.devices, "A03-U42")
    doc.execute(network_plan.plan_to_leaf(d, servers, leaf, mgmt).command(d, label))
    return d


@pytest.fixture
def window(qtbot):
    from rackstudio.ui.main_window import MainWindow

    window = MainWindow(Document(Design()), builtin_library())
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_pod_by_hand_planner_and_helpers_equals_the_core_commands(window, dialogs, qtbot, tmp_path, monkeypatch):
    plans = []

    def preview(cls, parent, design_, plan):
        cls(design_, plan, parent)  # the preview builds
        plans.append(plan)
        return True

    monkeypatch.setattr(PowerPlanDialog, "ask", classmethod(preview))
    design = window.editor.design
    actions = window.actions_by_id
    hall_view, elevation_view = window.hall_view, window.elevation_view

    # a hall, the A and B power chain and a row of three racks
    add_hall_and_power_chain(window, dialogs)
    dialogs.row = RowChoice("generic-rack-48u-600x1200", 3, "A", "S", 1200, 1200)
    actions["add_row"].trigger()
    assert sorted(r.name for r in design.racks.values()) == list(RACKS)
    racks = {name: _named(design.racks, name) for name in RACKS}

    # 415 V 60 A A and B feeds dropped to each rack selected on the floor plan
    dialogs.record_overrides = {"amperage_a": 60.0}
    for name in RACKS:
        click(qtbot, hall_view, rack_centre(window, racks[name]))
        actions["add_feed"].trigger()
        actions["add_feed"].trigger()
    dialogs.record_overrides = {}
    assert {(f.name, f.voltage_v, f.amperage_a) for f in design.feeds.values()} == {
        (f"{n}-{s}", 415, 60) for n in RACKS for s in "AB"}

    # the elevations, filled from the palette: PDUs at the rear, servers and switches at the front
    for name in RACKS:
        qtbot.mouseDClick(hall_view.viewport(), Qt.MouseButton.LeftButton,
                          pos=hall_view.mapFromScene(rack_centre(window, racks[name])))
    vp = elevation_view.viewport()
    for name in RACKS:
        for side in ("left", "right"):
            assert drag_drop(vp, palette_mime(window, PDU), elevation_view.mapFromScene(side_point(window, racks[name], side, "rear")))
        for position in SERVERS.get(name, ()):
            assert drag_drop(vp, palette_mime(window, "DGX B200"),
                             elevation_view.mapFromScene(unit_point(window, racks[name], position, height=10)))
    for model, position in SWITCHES.values():
        assert drag_drop(vp, palette_mime(window, model),
                         elevation_view.mapFromScene(unit_point(window, racks["A03"], position, height=2 if "5600" in model else 1)))
    assert len(design.devices) == 6 + 4 + 2

    # one link drawn by hand: the leaf's mgmt0 to the management switch, port to port
    a, b = _hand_link(design)
    click(qtbot, elevation_view, unit_point(window, racks["A03"], 40, height=2))
    scene = elevation_view.elevations
    start = scene.port_items[a.owner]
    cell = next(c for c in start.cells if c.port == a.port)
    press = elevation_view.mapFromScene(start.mapToScene(cell.rect.center()))
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=press)
    far = scene.port_items[b.owner]
    target = next(c for c in far.cells if c.port == b.port)
    assert far.verdicts[(b.owner, b.port)].ok
    release = elevation_view.mapFromScene(far.mapToScene(target.rect.center()))
    for i in range(1, 5):
        qtbot.mouseMove(vp, press + (release - press) * i / 4)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=release)
    assert len(design.connections) == 1

    # power: the planner over the three racks selected on the floor plan
    window.show_hall()
    click(qtbot, hall_view, rack_centre(window, racks["A01"]))
    for name in ("A02", "A03"):
        click(qtbot, hall_view, rack_centre(window, racks[name]), Qt.KeyboardModifier.ShiftModifier)
    assert sorted(window.selection.ids) == sorted(racks.values())
    actions["connect_psus"].trigger()
    (plan,) = plans

    # network: the servers' NICs to the leaf and their BMCs to the management switch
    click(qtbot, hall_view, QPointF(6000, 7000))  # empty floor: nothing selected
    click(qtbot, hall_view, rack_centre(window, racks["A01"]))
    click(qtbot, hall_view, rack_centre(window, racks["A02"]), Qt.KeyboardModifier.ShiftModifier)
    assert sorted(window.selection.ids) == sorted([racks["A01"], racks["A02"]])
    dialogs.fabric = FabricChoice((a.owner,), (), b.owner)
    actions["connect_leaf"].trigger()

    # the figures: in the planner's preview and in the checks alike
    dgx = ("A01", "A02")
    engine = CheckEngine(design, ComponentGraph(design))
    findings = engine.run_full()
    ctx = CheckContext(design, ComponentGraph(design))
    for name in dgx:
        for pdu in (d for d in design.contents(racks[name]) if design.devices[d].side):
            figures = pdu_figures(ctx, pdu)
            used = [bank for bank in figures.banks if bank.current_a > 0]
            # a DGX B200 (14.3 kW) and its eight 9 W optics over 6 PSUs at 240 V: 9.96 A a bank
            assert len(used) == 6 and all(round(bank.current_a, 2) == 9.96 for bank in used)
            assert [round(x, 1) for x in figures.phases_a] == [19.9] * 3 and round(figures.imbalance_pct) == 0
            after = next(p.after for p in plan.pdus if p.pdu == pdu)
            # the preview came before the NICs were cabled; the checks add their optics (72 W a DGX, a
            # few hundredths of an ampere a bank)
            rises = [now.current_a - then.current_a for now, then in zip(figures.banks, after.banks, strict=True)]
            assert all(0 < rise < 0.05 for rise in rises if rise) and sum(1 for rise in rises if rise) == 6
            assert after.phases_a == pytest.approx(figures.phases_a, abs=0.11) and round(after.imbalance_pct) == 0
    errors = [f for f in findings if f.rule.startswith("PWR") and f.severity.value == "error"]
    assert errors == []
    assert not [f for f in findings if f.rule == "PWR-018"]
    for dev_id, device in design.devices.items():
        part = design.part_of(device)
        if str(part.category) != "server":
            continue
        for iface in part.interfaces:
            conn = design.port_connection("network", dev_id, iface.name)
            assert conn is not None, f"{device.name} {iface.name} is not cabled"
            far_end = design.connections[conn].b if design.connections[conn].a.owner == dev_id else design.connections[conn].a
            role = port_roles.port_role(part, iface)
            assert far_end.owner == (b.owner if role in ("bmc", "mgmt") else a.owner)
            assert port_roles.role_of(design, far_end) == ("data" if role == "data" else "mgmt")
    in_racks = [c for c in design.connections.values() if c.a.owner in design.devices and c.b.owner in design.devices]
    assert len(in_racks) == 12 * 2 + 2 * 2 + 44 + 1  # PSU cords (DGX, switches), NICs and BMCs, the drawn link
    assert [c.label for c in in_racks if c.length_m is None or not c.length_estimated] == []

    # the saved file is the one the same steps make through the core commands
    saved = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(saved)
    actions["save_as"].trigger()
    assert saved.read_text() == project_file.dumps(expected_design())
