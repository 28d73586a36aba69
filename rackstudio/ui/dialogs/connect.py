"""The connect dialog: choose the far end of a new connection from one port. Power inlets go to
a PDU outlet or a feed, outlets to an inlet, interfaces to an interface (with cable media and
optional length), coolant ports to a manifold or CDU. Only free ports are offered."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from rackstudio.model.design import Design
from rackstudio.model.parts import Category
from rackstudio.ui.dialogs import add_ok_cancel

MEDIA = ("", "dac", "acc", "aec", "aoc", "mmf", "smf", "cat6")


@dataclass(frozen=True)
class ConnectChoice:
    owner: str
    port: str
    media: str | None = None
    length_m: float | None = None
    label: str | None = None


def port_role(design: Design, device_id: str, kind: str, port: str) -> str:
    """'inlet' or 'outlet' for power ports, 'end' otherwise."""
    if kind != "power":
        return "end"
    part = design.part_of(design.devices[device_id])
    return "inlet" if port in {p.name for p in part.power_ports} else "outlet"


def far_ports(design: Design, owner: str, kind: str, role: str) -> list[str]:
    """Free ports on `owner` that can take the other end of a `role` port of `kind`."""
    if owner in design.feeds:
        return [""] if kind == "power" and role == "inlet" else []
    part = design.part_of(design.devices[owner])
    if kind == "power":
        names = [o.name for o in part.power_outlets] if role == "inlet" else [p.name for p in part.power_ports]
    else:
        names = list(part.port_names(kind))
    return [n for n in names if design.port_connection(kind, owner, n) is None]


def candidates(design: Design, device_id: str, kind: str, role: str) -> list[tuple[str, str]]:
    """(label, owner id) of every device or feed that has a free matching port: the same rack
    first, then what usually takes that end (PDUs, switches, manifolds and CDUs), then by name."""
    here = design.devices[device_id]
    rows = []
    for dev in design.devices.values():
        if dev.id == device_id or not far_ports(design, dev.id, kind, role):
            continue
        same_rack = dev.rack is not None and dev.rack == here.rack
        category = design.part_of(dev).category
        preferred = {"coolant": (Category.MANIFOLD, Category.CDU), "network": (Category.SWITCH, Category.PATCH_PANEL),
                     "power": (Category.PDU, Category.POWER_SHELF)}[kind]
        rack = design.racks.get(dev.rack or "")
        label = f"{dev.name} ({design.part_of(dev).model}{', ' + rack.name if rack else ''})"
        rows.append(((not same_rack, category not in preferred, dev.name), label, dev.id))
    if kind == "power" and role == "inlet":
        for feed in design.feeds.values():
            rows.append(((feed.rack != here.rack, False, feed.name), f"Feed {feed.name} (side {feed.side})", feed.id))
    return [(label, owner) for _, label, owner in sorted(rows)]


class ConnectDialog(QDialog):
    def __init__(self, design: Design, device_id: str, kind: str, port: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.design, self.device_id, self.kind, self.port = design, device_id, kind, port
        self.role = port_role(design, device_id, kind, port)
        device = design.devices[device_id]
        self.setWindowTitle(f"Connect {device.name} {port}")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{device.name}</b> {port} ({kind}{', ' + self.role if kind == 'power' else ''})"))
        self.target = QComboBox()
        for label, owner in candidates(design, device_id, kind, self.role):
            self.target.addItem(label, owner)
        self.far_port = QComboBox()
        self.media = QComboBox()
        for m in MEDIA:
            self.media.addItem(m or "—", m or None)
        self.length = QDoubleSpinBox()
        self.length.setRange(0, 2000)
        self.length.setDecimals(1)
        self.length.setSuffix(" m")
        self.length.setSpecialValueText("not set")
        self.label = QLineEdit()
        self.label.setPlaceholderText("from the cable label pattern")
        form.addRow("Connect to", self.target)
        form.addRow("Port", self.far_port)
        if kind == "network":
            form.addRow("Cable media", self.media)
        if kind != "power":
            form.addRow("Length", self.length)
        form.addRow("Label", self.label)
        buttons = add_ok_cancel(self, form)
        self.target.currentIndexChanged.connect(self._fill_ports)
        self._fill_ports()
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.target.count() > 0)

    def _fill_ports(self) -> None:
        self.far_port.clear()
        owner = self.target.currentData()
        if owner is None:
            return
        for name in far_ports(self.design, owner, self.kind, self.role):
            self.far_port.addItem(name or "(the feed)", name)

    def choice(self) -> ConnectChoice | None:
        owner = self.target.currentData()
        if owner is None or self.far_port.currentIndex() < 0:
            return None
        return ConnectChoice(owner, self.far_port.currentData(), self.media.currentData(),
                             self.length.value() or None, self.label.text().strip() or None)

    @classmethod
    def ask(cls, parent: QWidget | None, design: Design, device_id: str, kind: str, port: str) -> ConnectChoice | None:
        """Show the dialog; the choice, or None when cancelled (tests replace this method)."""
        dialog = cls(design, device_id, kind, port, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
