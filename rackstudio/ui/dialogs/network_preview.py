"""The preview a network helper shows before it cables anything: how many cables of each family
and purchasable length it will make, per switch, and every port it could not place and why."""
from __future__ import annotations

from collections import Counter

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from rackstudio.commands.network_plan import NetworkPlan
from rackstudio.model.design import Design
from rackstudio.ui.dialogs import add_ok_cancel

MEDIA_NAMES = {"dac": "DAC (passive copper)", "acc": "ACC/LACC (active copper)", "aec": "AEC (active copper)",
               "aoc": "AOC (active optical)", "mmf": "Multimode optics", "smf": "Single-mode optics",
               "cat6": "Cat6 (BASE-T)", "": "not chosen (no reach data for the port type)"}


class NetworkPreviewDialog(QDialog):
    """Cables by family and length, links per switch, what could not be placed; OK cables them."""

    def __init__(self, design: Design, plan: NetworkPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(plan.title)
        form = QFormLayout(self)
        self.summary = QLabel(self._summary(design, plan))
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        counts = plan.media_counts()
        self.table = QTableWidget(len(counts), 3)
        self.table.setHorizontalHeaderLabels(["Cable family", "Length to order", "Cables"])
        for row, (media, length, n) in enumerate(counts):
            for col, text in enumerate((MEDIA_NAMES.get(media, media.upper()),
                                        "—" if length is None else f"{length:g} m", str(n))):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        form.addRow(self.table)
        self.unplaced = QListWidget()
        self.unplaced.addItems(plan.unplaced)
        if plan.unplaced:
            form.addRow(QLabel(f"Not placed ({len(plan.unplaced)}):"))
            form.addRow(self.unplaced)
        buttons = add_ok_cancel(self, form)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Cable {len(plan.links)} link{'s' * (len(plan.links) != 1)}")
        ok.setEnabled(bool(plan.links))
        self.resize(560, 420)

    @staticmethod
    def _summary(design: Design, plan: NetworkPlan) -> str:
        per_switch = Counter(link.b.owner for link in plan.links)
        parts = [f"{n} to {design.devices[s].name}" for s, n in sorted(per_switch.items(),
                                                                          key=lambda kv: design.devices[kv[0]].name)]
        head = f"{len(plan.links)} link{'s' * (len(plan.links) != 1)}"
        return f"{head}: {', '.join(parts)}." if parts else f"{head}."

    @classmethod
    def ask(cls, parent, design: Design, plan: NetworkPlan) -> bool:
        """True when the user chose to cable the plan."""
        return cls(design, plan, parent).exec() == QDialog.DialogCode.Accepted
