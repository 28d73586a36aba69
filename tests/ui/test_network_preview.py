"""Cabling ▸ Connect NICs to a Leaf and the rail-optimised fabric show what they will cable (cables by
family and length, what could not be placed) before anything changes; Cancel changes nothing, the
OK button cables exactly what the preview listed."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from rackstudio import paths
from rackstudio.commands import PlaceDevice
from rackstudio.commands.network_plan import plan_to_leaf
from rackstudio.document import Document
from rackstudio.library import load_device_type
from rackstudio.ui.dialogs.fabric import FabricChoice
from rackstudio.ui.dialogs.network_preview import NetworkPreviewDialog
from tests.core import builders as b
from tests.core.builders import rack_named

NVIDIA = paths.builtin_parts() / "device-types" / "NVIDIA"


def pod_design():
    doc = b.row_document()
    design = doc.design
    a01, a02 = rack_named(design, "A01"), rack_named(design, "A02")
    dgx = load_device_type(NVIDIA / "DGX-B200.yaml").part
    doc.execute(PlaceDevice(dgx, rack=a01, position=2, device_id="dgx1"))
    doc.execute(PlaceDevice(dgx, rack=a01, position=13, device_id="dgx2"))
    doc.execute(PlaceDevice(load_device_type(NVIDIA / "SN5600.yaml").part, rack=a02, position=40, device_id="leaf"))
    doc.execute(PlaceDevice(load_device_type(NVIDIA / "SN2201.yaml").part, rack=a02, position=44, device_id="mgmt"))
    return Document(design).design


def test_the_preview_lists_cables_by_family_and_length_and_ok_cables_them(make_window, dialogs, qtbot, monkeypatch):
    window = make_window(pod_design())
    design = window.editor.design
    expected = plan_to_leaf(design, ["dgx1", "dgx2"], "leaf")
    shown = []

    def ask(cls, parent, design, plan, press="ok"):
        dialog = cls(design, plan, parent)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        button = dialog.findChild(QDialogButtonBox).button(
            QDialogButtonBox.StandardButton.Ok if dialogs.cable_preview else QDialogButtonBox.StandardButton.Cancel)
        button.click()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(NetworkPreviewDialog, "ask", classmethod(ask))
    window.selection.set(["dgx1", "dgx2"])
    dialogs.fabric = FabricChoice(("leaf",))
    dialogs.cable_preview = False
    window.actions_by_id["connect_leaf"].trigger()
    assert len(shown) == 1 and not design.connections  # cancelled: nothing cabled
    dialogs.cable_preview = True
    window.actions_by_id["connect_leaf"].trigger()
    dialog = shown[-1]
    rows = [tuple(dialog.table.item(r, c).text() for c in range(3)) for r in range(dialog.table.rowCount())]
    # the upper DGX is nearer the leaf's tray drop: 4 m cables, the lower one 5 m; the ConnectX-7s on
    # LACC splitters, the BlueField-3s' QSFP112 cages (no LACC split end fits them) on multimode optics
    assert rows == [("ACC/LACC (active copper)", "4 m", "8"), ("ACC/LACC (active copper)", "5 m", "8"),
                    ("Cat6 (BASE-T)", "4 m", "1"), ("Cat6 (BASE-T)", "5 m", "1"),
                    ("Multimode optics", "4 m", "2"), ("Multimode optics", "5 m", "2")]
    assert dialog.summary.text() == "22 links: 20 to A02-U40, 2 to A02-U44."
    assert dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).text() == "Cable 22 links"
    made = sorted((c.a.owner, c.a.port, c.b.owner, c.b.port, c.media, c.length_m) for c in design.connections.values())
    assert made == sorted((link.a.owner, link.a.port, link.b.owner, link.b.port, link.media, link.length_m)
                          for link in expected.links)
    window.undo_stack.undo()
    assert not design.connections  # one undo step


def test_the_preview_names_what_it_could_not_place(qtbot):
    design = pod_design()
    plan = plan_to_leaf(design, ["dgx1"], "mgmt")
    dialog = NetworkPreviewDialog(design, plan)
    qtbot.addWidget(dialog)
    assert dialog.unplaced.count() == 10
    assert dialog.unplaced.item(0).text().startswith("A01-U2 cx7-0: A02-U44 has no free port it can take")
    assert dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).text() == "Cable 1 link"
