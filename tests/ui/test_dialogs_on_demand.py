"""The dialogs and controllers the window imports on first use (not before its first paint) still
open from their menu actions: each real dialog appears as the modal window, Cancel changes
nothing. And every action's handler resolves (they are looked up when triggered)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from rackstudio.ui.actions import ACTIONS, _resolve
from rackstudio.ui.dialogs.fabric import FabricChoice, FabricDialog
from rackstudio.ui.dialogs.network_preview import NetworkPreviewDialog
from rackstudio.ui.dialogs.power_plan import PowerPlanDialog
from rackstudio.ui.dialogs.preferences import PreferencesDialog
from rackstudio.ui.dialogs.record import RecordDialog
from rackstudio.ui.dialogs.row import RowDialog
from tests.ui.helpers import click, rack_centre
from tests.ui.test_network_preview import pod_design
from tests.ui.test_power_plan_dialog import _rack_with_pdus

# the real `ask`s, before the autouse `dialogs` fixture answers for them
REAL_ASK = {cls: cls.__dict__["ask"] for cls in (FabricDialog, NetworkPreviewDialog, PowerPlanDialog,
                                                 PreferencesDialog, RecordDialog, RowDialog)}


def shown_by(qtbot, monkeypatch, window, action: str, cls) -> None:
    """Trigger `action` with `cls`'s real dialog; assert it is the modal window, then cancel it."""
    monkeypatch.setattr(cls, "ask", REAL_ASK[cls])
    seen = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        if dialog is not None:
            dialog.reject()

    QTimer.singleShot(0, cancel)
    window.actions_by_id[action].trigger()
    qtbot.waitUntil(lambda: bool(seen))
    assert type(seen[0]) is cls and seen[0].parent() is window


def test_insert_hall_opens_the_record_dialog(window, qtbot, monkeypatch):
    shown_by(qtbot, monkeypatch, window, "add_hall", RecordDialog)
    assert list(window.editor.design.halls) == ["hall-1"] and not window.undo_stack.count()


def test_insert_row_opens_the_row_dialog(window, qtbot, monkeypatch):
    shown_by(qtbot, monkeypatch, window, "add_row", RowDialog)
    assert not window.editor.design.racks and not window.undo_stack.count()


def test_plan_power_opens_the_preview(pod, qtbot, monkeypatch):
    window, design, r1, _ = pod
    _rack_with_pdus(window, design, r1)
    window.undo_stack.clear()
    window.show_hall()
    click(qtbot, window.hall_view, rack_centre(window, r1))
    shown_by(qtbot, monkeypatch, window, "connect_psus", PowerPlanDialog)
    assert not design.connections and not window.undo_stack.count()


@pytest.mark.parametrize("action", ["connect_leaf", "rail_fabric"])
def test_network_helpers_open_the_fabric_dialog(make_window, qtbot, monkeypatch, action):
    window = make_window(pod_design())
    window.selection.set(["dgx1", "dgx2"])
    shown_by(qtbot, monkeypatch, window, action, FabricDialog)
    assert not window.editor.design.connections


def test_connect_to_a_leaf_opens_the_network_preview(make_window, dialogs, qtbot, monkeypatch):
    window = make_window(pod_design())
    window.selection.set(["dgx1", "dgx2"])
    dialogs.fabric = FabricChoice(("leaf",))
    shown_by(qtbot, monkeypatch, window, "connect_leaf", NetworkPreviewDialog)
    assert not window.editor.design.connections


def test_preferences_open_the_preferences_dialog(window, qtbot, monkeypatch):
    shown_by(qtbot, monkeypatch, window, "preferences", PreferencesDialog)


def test_export_netbox_and_presentation_controllers_are_built_on_first_use(window, dialogs):
    lazy = ("exports", "netbox", "presentation")
    assert not set(lazy) & set(vars(window))  # nothing built with the window
    window.actions_by_id["export_report"].trigger()  # the file dialog cancelled (dialogs.save_path "")
    assert "exports" in vars(window) and not dialogs.shown
    window.actions_by_id["netbox_pull"].trigger()
    assert window.netbox.dialog is not None and window.netbox.dialog.isVisible()
    window.netbox.dialog.reject()


def test_every_action_handler_resolves(window):
    for spec in ACTIONS:
        assert callable(_resolve(window, spec.handler)), spec.id
