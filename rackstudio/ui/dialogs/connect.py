"""The connect dialog: choose the far end of a new connection from one port, right the first time.

It opens on the best compatible free port (`commands.port_compat`: a PSU on the PDU holding fewer
of its device's PSUs, on the least-loaded leg and bank; a data NIC on a leaf's data port; a BMC
on a management switch's access port), lists compatible devices and ports first and the others
below, disabled, with the reason; groups a PDU's outlets by bank with its leg, breaker and present
current (the checks' figures); shows the length estimated from the geometry of both ends (kept
as the cable's estimate unless the user types another) and, for network, the cable family for
that length, the optic or cable assembly at each end with its fibre (model.optics, as the network
helpers choose them) and the breakout leg each end takes (a broken-out port offers its next free
leg). Open, OK: two actions per link.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from rackstudio.commands.port_compat import (
    LoadsOf,
    Target,
    cable_defaults,
    link_defaults,
    nearby_owners,
    next_leg,
    outlet_groups,
    port_info,
    targets,
)
from rackstudio.model import optics
from rackstudio.model.design import Design, PortRef
from rackstudio.ui.dialogs import add_ok_cancel
from rackstudio.ui.forms import typed_text, wheel_scrolls_panel

MEDIA = ("", "dac", "acc", "aec", "aoc", "mmf", "smf", "cat6")


FIBRES = (None, "straight", "splitter")


@dataclass(frozen=True)
class ConnectChoice:
    owner: str
    port: str
    media: str | None = None
    length_m: float | None = None
    label: str | None = None
    here_leg: int | None = None  # the breakout leg of the port the dialog was opened on
    there_leg: int | None = None
    here_end: str | None = None  # the optic or cable assembly plugged in at each end (model.optics)
    there_end: str | None = None
    fibre: str | None = None


def optic_combo() -> QComboBox:
    """'—' and every built-in optic and cable assembly, by name (data: its slug)."""
    combo = wheel_scrolls_panel(QComboBox())
    combo.addItem("—", None)
    for optic in sorted(optics.BUILTIN.values(), key=lambda o: (o.kind != "transceiver", o.name)):
        combo.addItem(f"{optic.name} ({optic.power_w:g} W)", optic.slug)
    return combo


def fibre_combo() -> QComboBox:
    combo = wheel_scrolls_panel(QComboBox())
    for fibre in FIBRES:
        combo.addItem(fibre or "—", fibre)
    return combo


def leg_spin() -> QSpinBox:
    spin = wheel_scrolls_panel(QSpinBox())
    spin.setRange(0, 8)
    spin.setSpecialValueText("whole port")
    spin.setPrefix("leg ")
    return spin


def port_role(design: Design, device_id: str, kind: str, port: str) -> str:
    """'inlet' or 'outlet' for power ports, 'end' otherwise."""
    if kind != "power":
        return "end"
    part = design.part_of(design.devices[device_id])
    return "inlet" if port in {p.name for p in part.power_ports} else "outlet"


def owner_label(design: Design, owner: str) -> str:
    if owner in design.feeds:
        feed = design.feeds[owner]
        return f"Feed {feed.name} (side {feed.side})"
    dev = design.devices[owner]
    rack = design.racks.get(dev.rack or "")
    return f"{dev.name} ({design.part_of(dev).model}{', ' + rack.name if rack else ''})"


def ranked(design: Design, device_id: str, kind: str, port: str,
           loads: LoadsOf | None = None) -> dict[str, list[Target]]:
    """Owner → its ports as targets, owners in the order of their best port (compatible first)."""
    source = PortRef(owner=device_id, port=port)
    if kind == "network":
        source = next_leg(design, source)  # a broken-out port offers its next free leg
    by_owner: dict[str, list[Target]] = {}
    for target in targets(design, source, loads, nearby_owners(design, source, kind)):
        by_owner.setdefault(target.ref.owner, []).append(target)
    return by_owner


def candidates(design: Design, device_id: str, kind: str, role: str = "",
               loads: LoadsOf | None = None, port: str | None = None) -> list[tuple[str, str]]:
    """(label, owner id) of every device or feed with a compatible free port for `port` (by
    default the device's first free port of `kind`), best first."""
    if port is None:
        part = design.part_of(design.devices[device_id])
        names = [p.name for p in part.power_ports] if kind == "power" and role == "inlet" else (
            [o.name for o in part.power_outlets] if kind == "power" else list(part.port_names(kind)))
        port = next((n for n in names if design.port_connection(kind, device_id, n) is None), names[0])
    return [(owner_label(design, owner), owner) for owner, found in ranked(design, device_id, kind, port, loads).items()
            if found[0].ok]


def _combo() -> QComboBox:
    """A combo as wide as a port's name and its far end, whose list opens wider to show the
    reasons of the disabled entries (the dialog does not grow to the longest reason)."""
    combo = wheel_scrolls_panel(QComboBox())
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(42)
    combo.view().setMinimumWidth(640)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
    return combo


def _disable(combo: QComboBox, index: int, tip: str = "") -> None:
    model = combo.model()
    if isinstance(model, QStandardItemModel):
        model.item(index).setEnabled(False)
    if tip:
        combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)


class ConnectDialog(QDialog):
    def __init__(self, design: Design, device_id: str, kind: str, port: str, parent: QWidget | None = None,
                 loads: LoadsOf | None = None):
        super().__init__(parent)
        self.design, self.device_id, self.kind, self.port = design, device_id, kind, port
        self.loads = loads
        self.source = PortRef(owner=device_id, port=port)
        if kind == "network":
            self.source = next_leg(design, self.source)  # a broken-out port: its next free leg
        self.role = port_role(design, device_id, kind, port)
        device = design.devices[device_id]
        self.setWindowTitle(f"Connect {device.name} {port}")
        form = QFormLayout(self)
        info = port_info(design, self.source)
        kind_text = f"{kind}, {self.role}" if kind == "power" else kind
        form.addRow(QLabel(f"<b>{device.name}</b> {port} ({kind_text}{', ' + info.type if info and info.type else ''})"))
        self.by_owner = ranked(design, device_id, kind, port, loads)
        self.target = _combo()
        for owner, found in self.by_owner.items():
            ok = found[0].ok
            self.target.addItem(owner_label(design, owner) + ("" if ok else f" — {found[0].reason}"), owner)
            if not ok:
                _disable(self.target, self.target.count() - 1, found[0].reason)
        self.far_port = _combo()
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.media = wheel_scrolls_panel(QComboBox())
        for m in MEDIA:
            self.media.addItem(m or "—", m or None)
        self.length = wheel_scrolls_panel(QDoubleSpinBox())
        self.length.setRange(0, 2000)
        self.length.setDecimals(1)
        self.length.setSuffix(" m")
        self.length.setSpecialValueText("not set")
        self.label = typed_text(QLineEdit(), "label")
        self.label.setPlaceholderText("from the cable label pattern")
        form.addRow("Connect to", self.target)
        form.addRow("Port", self.far_port)
        form.addRow("", self.why)
        self.here_leg, self.there_leg = leg_spin(), leg_spin()
        self.here_leg.setValue(self.source.leg or 0)
        self.here_end, self.there_end, self.fibre = optic_combo(), optic_combo(), fibre_combo()
        if kind == "network":
            form.addRow("Cable media", self.media)
            form.addRow(f"Optic at {port}", self.here_end)
            form.addRow("Optic at the far port", self.there_end)
            form.addRow("Fibre", self.fibre)
            form.addRow(f"Breakout at {port}", self.here_leg)
            form.addRow("Breakout at the far port", self.there_leg)
        form.addRow("Length", self.length)
        form.addRow("Label", self.label)
        self.buttons = add_ok_cancel(self, form)
        self._user_set = {"media": False, "length": False, "optics": False}
        self._filling = False
        self.media.activated.connect(self._media_chosen)
        for combo in (self.here_end, self.there_end, self.fibre):
            combo.activated.connect(lambda _i: self._user_set.__setitem__("optics", True))
        self.here_leg.valueChanged.connect(self._legs_changed)
        self.there_leg.valueChanged.connect(self._legs_changed)
        self.length.valueChanged.connect(self._length_edited)
        self.target.currentIndexChanged.connect(self._fill_ports)
        self.far_port.currentIndexChanged.connect(self._port_changed)
        self._fill_ports()

    # --- filling -----------------------------------------------------------------------------------

    def _fill_ports(self) -> None:
        self._filling = True
        try:
            self.far_port.clear()
            owner = self.target.currentData()
            found = self.by_owner.get(owner, [])
            ok = {t.ref.port: t for t in found if t.ok}
            part = self.design.part_of(self.design.devices[owner]) if owner in self.design.devices else None
            if self.kind == "power" and self.role == "inlet" and part is not None and part.power_outlets:
                for bank in outlet_groups(self.design, owner, self.loads):
                    shown = [o for o in bank.outlets if o in ok]
                    if shown:
                        self._header(bank.title)
                        for outlet in shown:
                            self._add_port(ok[outlet])
            else:
                for target in found:
                    if target.ok:
                        self._add_port(target)
            refused = [t for t in found if not t.ok]
            if refused:
                self._header("Not available here")
                for target in refused:
                    self._add_port(target)
            best = next((t for t in found if t.ok), None)
            index = self.far_port.findData(best.ref.port) if best is not None else -1
            self.far_port.setCurrentIndex(index)
        finally:
            self._filling = False
        self._port_changed()
        ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setEnabled(self.choice() is not None)

    def _header(self, title: str) -> None:
        self.far_port.addItem(title, None)
        _disable(self.far_port, self.far_port.count() - 1)

    def _add_port(self, target: Target) -> None:
        name = target.ref.port or "(the feed)"
        self.far_port.addItem(name if target.ok else f"{name} — {target.reason}", target.ref.port)
        index = self.far_port.count() - 1
        self.far_port.setItemData(index, target.reason, Qt.ItemDataRole.ToolTipRole)
        if not target.ok:
            _disable(self.far_port, index, target.reason)

    def current_target(self) -> Target | None:
        owner, port = self.target.currentData(), self.far_port.currentData()
        if owner is None or port is None:
            return None
        return next((t for t in self.by_owner.get(owner, []) if t.ref.port == port), None)

    def _port_changed(self, *_):
        if self._filling:
            return
        target = self.current_target()
        self.why.setText(target.reason if target is not None else "No compatible free port here.")
        if target is None or not target.ok:
            return
        media, length = cable_defaults(self.design, self.source, target.ref)
        if not self._user_set["length"]:
            self._filling = True
            self.length.setValue(length or 0.0)
            self._filling = False
        if self.kind == "network" and not self._filling:
            self._filling = True
            self.there_leg.setValue(target.ref.leg or 0)
            self._filling = False
        if self.kind == "network" and not (self._user_set["media"] or self._user_set["optics"]):
            here = self.source.replace(leg=self.here_leg.value() or None)
            there = target.ref.replace(leg=self.there_leg.value() or None)
            link = link_defaults(self.design, here, there)  # the helpers' own choice
            self.media.setCurrentIndex(max(self.media.findData(link.media), 0))
            for combo, slug in ((self.here_end, link.ends[0]), (self.there_end, link.ends[1]),
                                (self.fibre, link.fibre)):
                combo.setCurrentIndex(max(combo.findData(slug), 0))
        elif self.kind == "network" and not self._user_set["media"]:
            self.media.setCurrentIndex(max(self.media.findData(media), 0))

    def _media_chosen(self, *_):
        """A cable family chosen by hand: the optics follow it (what fits both cages in that family)."""
        self._user_set["media"] = True
        target = self.current_target()
        if self.kind != "network" or target is None or not target.ok or self._user_set["optics"]:
            return
        here = self.source.replace(leg=self.here_leg.value() or None)
        there = target.ref.replace(leg=self.there_leg.value() or None)
        ends = optics.choose_ends(self.design, here, there, self.media.currentData(), self.length.value() or None)
        for combo, slug in zip((self.here_end, self.there_end, self.fibre), ends, strict=True):
            combo.setCurrentIndex(max(combo.findData(slug), 0))

    def _legs_changed(self, *_):
        """A breakout leg typed at either end: the optics follow (a splitter where a port fans out)."""
        if self._filling:
            return
        target = self.current_target()
        if target is None or not target.ok or self._user_set["media"] or self._user_set["optics"]:
            return
        here = self.source.replace(leg=self.here_leg.value() or None)
        link = link_defaults(self.design, here, target.ref.replace(leg=self.there_leg.value() or None))
        self.media.setCurrentIndex(max(self.media.findData(link.media), 0))
        for combo, slug in ((self.here_end, link.ends[0]), (self.there_end, link.ends[1]), (self.fibre, link.fibre)):
            combo.setCurrentIndex(max(combo.findData(slug), 0))

    def _length_edited(self, *_):
        if not self._filling:
            self._user_set["length"] = True

    # --- the answer ----------------------------------------------------------------------------------

    def choice(self) -> ConnectChoice | None:
        target = self.current_target()
        if target is None or not target.ok:
            return None
        typed = self.length.value() or None if self._user_set["length"] else None  # None: Connect's estimate
        if self.kind != "network":
            return ConnectChoice(target.ref.owner, target.ref.port, None, typed, self.label.text().strip() or None)
        return ConnectChoice(target.ref.owner, target.ref.port, self.media.currentData(), typed,
                             self.label.text().strip() or None, self.here_leg.value() or None,
                             self.there_leg.value() or None, self.here_end.currentData(),
                             self.there_end.currentData(), self.fibre.currentData())

    @classmethod
    def ask(cls, parent: QWidget | None, design: Design, device_id: str, kind: str, port: str,
            loads: LoadsOf | None = None) -> ConnectChoice | None:
        """Show the dialog; the choice, or None when cancelled (tests replace this method)."""
        dialog = cls(design, device_id, kind, port, parent, loads)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
