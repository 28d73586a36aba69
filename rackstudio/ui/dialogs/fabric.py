"""Dialogs for the network bulk helpers: pick a leaf switch for the selected servers, or the
leaves (rail k = k-th leaf) and spines of a rail-optimised fabric; and the management switch
(else the nearest one). Each link's cable family follows from its length (commands.network_plan)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from rackstudio.commands.network_plan import management_switches
from rackstudio.model.design import Design
from rackstudio.model.parts import Category
from rackstudio.ui.dialogs import add_ok_cancel


@dataclass(frozen=True)
class FabricChoice:
    leaves: tuple[str, ...]
    spines: tuple[str, ...] = ()
    mgmt_switch: str | None = None  # None: the nearest management switch with a free port


def switches(design: Design) -> list[tuple[str, str]]:
    rows = [(d.name, d.id) for d in design.devices.values() if design.part_of(d).category == Category.SWITCH]
    return sorted(rows)


def _mgmt_combo(design: Design) -> QComboBox:
    combo = QComboBox()
    combo.addItem("Nearest with a free port", None)
    for dev_id in management_switches(design):
        combo.addItem(design.devices[dev_id].name, dev_id)
    return combo


def _checklist(rows: list[tuple[str, str]]) -> QListWidget:
    widget = QListWidget()
    for name, dev_id in rows:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, dev_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                 if widget.item(i).checkState() == Qt.CheckState.Checked)


class FabricDialog(QDialog):
    """Leaf only (`rails=False`): one leaf from a list; rails: checked leaves and spines."""

    def __init__(self, design: Design, rails: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.rails = rails
        self.setWindowTitle("Rail-optimised fabric" if rails else "Connect NICs to a leaf switch")
        form = QFormLayout(self)
        rows = switches(design)
        self.leaf = QComboBox()
        for name, dev_id in rows:
            self.leaf.addItem(name, dev_id)
        self.leaves = _checklist(rows)
        self.spines = _checklist(rows)
        self.mgmt = _mgmt_combo(design)
        if rails:
            form.addRow("Leaves (rail 1, 2, … in name order)", self.leaves)
            form.addRow("Spines", self.spines)
        else:
            form.addRow("Leaf switch", self.leaf)
        form.addRow("BMC and management ports to", self.mgmt)
        add_ok_cancel(self, form)

    def choice(self) -> FabricChoice | None:
        if self.rails:
            leaves = _checked(self.leaves)
            if not leaves:
                return None
            return FabricChoice(leaves, _checked(self.spines), self.mgmt.currentData())
        leaf = self.leaf.currentData()
        return FabricChoice((leaf,), (), self.mgmt.currentData()) if leaf else None

    @classmethod
    def ask(cls, parent, design: Design, rails: bool) -> FabricChoice | None:
        dialog = cls(design, rails, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
