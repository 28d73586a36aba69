"""The "create a row of N racks" dialog: rack type, count, name, facing and where the row starts."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from rackstudio.model.racks import RackType
from rackstudio.ui.dialogs import add_ok_cancel
from rackstudio.ui.forms import typed_text


@dataclass(frozen=True)
class RowChoice:
    rack_type: str
    count: int
    name: str
    facing: str
    x_mm: float
    y_mm: float


class RowDialog(QDialog):
    def __init__(self, rack_types: list[RackType], start: tuple[float, float], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Create a row of racks")
        form = QFormLayout(self)
        self.rack_type = QComboBox()
        for rt in rack_types:
            self.rack_type.addItem(f"{rt.manufacturer} {rt.model} ({rt.u_height}U, {rt.outer_width_mm:g} mm wide)", rt.slug)
        self.count = QSpinBox()
        self.count.setRange(1, 100)
        self.count.setValue(8)
        self.name = typed_text(QLineEdit(name), "row name")
        self.facing = QComboBox()
        for code, text in (("S", "S (fronts face south)"), ("N", "N"), ("E", "E"), ("W", "W")):
            self.facing.addItem(text, code)
        self.x = QDoubleSpinBox()
        self.y = QDoubleSpinBox()
        for spin, value in ((self.x, start[0]), (self.y, start[1])):
            spin.setRange(0, 1000)
            spin.setDecimals(2)
            spin.setSuffix(" m")
            spin.setValue(value / 1000)
        form.addRow("Rack type", self.rack_type)
        form.addRow("Racks", self.count)
        form.addRow("Row name", self.name)
        form.addRow("Facing", self.facing)
        form.addRow("First rack x (west edge)", self.x)
        form.addRow("First rack y (north edge)", self.y)
        buttons = add_ok_cancel(self, form)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(rack_types))

    def choice(self) -> RowChoice:
        return RowChoice(self.rack_type.currentData(), self.count.value(), self.name.text().strip() or "A",
                         self.facing.currentData(), self.x.value() * 1000, self.y.value() * 1000)

    @classmethod
    def ask(cls, parent, rack_types: list[RackType], start: tuple[float, float], name: str) -> RowChoice | None:
        dialog = cls(rack_types, start, name, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
