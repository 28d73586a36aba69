"""Cabling ▸ Plan Power: the planner's preview dialog, then Apply (one undo step) or Cancel (nothing)."""
from __future__ import annotations

from rackstudio.commands import PlaceDevice
from rackstudio.generate import Library
from rackstudio.model.design import Feed
from tests.ui.helpers import click, rack_centre


def _rack_with_pdus(window, design, rack):
    pdu = Library.builtin().parts["pdu"]
    window.editor.execute(PlaceDevice(pdu, rack=rack, side="left", device_id="pdu-a", name="PDU-A"))
    window.editor.execute(PlaceDevice(pdu, rack=rack, side="right", device_id="pdu-b", name="PDU-B"))
    for side in "AB":
        design.put("feeds", Feed(id=f"f-{side}", name=f"A01-{side}", side=side, rack=rack, voltage_v=415,
                                 amperage_a=60))


def test_preview_then_apply_is_one_undo_step(pod, dialogs, qtbot):
    window, design, r1, _ = pod
    _rack_with_pdus(window, design, r1)
    window.show_hall()
    click(qtbot, window.hall_view, rack_centre(window, r1))
    window.actions_by_id["connect_psus"].trigger()
    dialog = dialogs.power_plans[-1]
    assert dialog.links.rowCount() == 6 + 2  # six PSUs, two PDU inlets go to their feeds
    loads = {(dialog.loads.item(r, 0).text(), dialog.loads.item(r, 1).text()): dialog.loads.item(r, 3).text()
             for r in range(dialog.loads.rowCount())}
    assert loads[("PDU-A", "Bank 1")] == "9.9 A" and loads[("PDU-A", "imbalance")] == "0 %"
    assert "run throttled" in dialog.summary.text()
    psus = [c for c in design.connections.values() if c.a.owner == "srv"]
    assert len(psus) == 6
    window.undo_stack.undo()
    assert not design.connections


def test_cancel_applies_nothing(pod, dialogs, qtbot):
    window, design, r1, _ = pod
    _rack_with_pdus(window, design, r1)
    dialogs.power_plan_apply = False
    window.show_hall()
    click(qtbot, window.hall_view, rack_centre(window, r1))
    window.actions_by_id["connect_psus"].trigger()
    assert dialogs.power_plans and not design.connections


def test_a_plan_that_does_not_fit_says_why(pod, dialogs, qtbot):
    window, design, r1, _ = pod
    window.show_hall()
    click(qtbot, window.hall_view, rack_centre(window, r1))
    window.actions_by_id["connect_psus"].trigger()
    assert not dialogs.power_plans and not design.connections
    assert "no PDU outlet can take it" in window.statusBar().currentMessage()
