"""The power planner's preview: the planned cords, each PDU's banks and legs before → after
against their limits, and what losing a side does to each device; Apply executes the plan as one
undo step. The rows come from `commands.power_plan` (the checks' own figures)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rackstudio.commands.power_plan import PowerPlan, link_rows, load_rows
from rackstudio.model.design import Design


def _table(headers: list[str], rows: list[tuple[str, ...]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class PowerPlanDialog(QDialog):
    def __init__(self, design: Design, plan: PowerPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Plan power")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        throttled = sum(1 for v in plan.devices if "throttled" in v.on_loss.values())
        fatal = sum(1 for v in plan.devices if "fatal" in v.on_loss.values())
        summary = (f"{len(plan.links)} cords for {len(plan.devices)} devices. Losing one side: "
                   f"{len(plan.devices) - throttled - fatal} survive, {throttled} run throttled, {fatal} go dark.")
        self.summary = QLabel("\n".join([summary, *plan.notes]))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        tabs = QTabWidget()
        self.loads = _table(["PDU", "Bank / leg", "Before", "After", "Limit"], load_rows(design, plan))
        self.links = _table(["Device", "PSU", "To", "Outlet", "Side", "Current", "Cord"], link_rows(design, plan))
        self.sides = _table(["Device", "Policy", "A", "B", "Loss of A", "Loss of B"],
                            [(v.name, v.policy, str(v.per_side["A"]), str(v.per_side["B"]), v.on_loss["A"],
                              v.on_loss["B"]) for v in plan.devices])
        tabs.addTab(self.loads, "Banks and legs")
        tabs.addTab(self.links, "Connections")
        tabs.addTab(self.sides, "Redundancy")
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent, design: Design, plan: PowerPlan) -> bool:
        """True when the user applies the plan."""
        return cls(design, plan, parent).exec() == QDialog.DialogCode.Accepted
