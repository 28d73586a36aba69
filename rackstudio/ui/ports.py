"""The port panel (inside the inspector): a device's power inlets and outlets, interfaces and
coolant ports with what each connects to; Connect… (or a double-click) and Disconnect act on the
chosen port. A rack PDU's outlets are its outlet map: grouped by bank with each bank's leg,
breaker and present current against its limit, and each leg's current against the inlet's
limit, figures from the checks (`checks.rules.power.pdu_figures`), never summed here."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules.power import pdu_figures
from rackstudio.commands import Connect, Disconnect
from rackstudio.commands.labels import cable_label
from rackstudio.commands.port_compat import LEG_NAMES, LoadsOf, next_leg, outlet_groups
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import optics
from rackstudio.model.design import Design, PortRef
from rackstudio.power.inlets import pdu_spec
from rackstudio.ui import prefs
from rackstudio.ui.dialogs.connect import ConnectChoice, ConnectDialog, port_role
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded

_ROLE = Qt.ItemDataRole.UserRole


def device_ports(design: Design, device_id: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Groups of (title, kind, [(port, type)]) for a device, in template order."""
    part = design.part_of(design.devices[device_id])
    network = ([(i.name, i.type) for i in part.interfaces] + [(p.name, p.type) for p in part.front_ports]
               + [(p.name, p.type) for p in part.rear_ports]
               + [(p.name, p.type or "console") for p in (*part.console_ports, *part.console_server_ports)])
    groups = [
        ("Power inlets", "power", [(p.name, p.type or "") for p in part.power_ports]),
        ("Power outlets", "power", [(o.name, o.type or "") for o in part.power_outlets]),
        ("Interfaces", "network", network),
        ("Coolant", "coolant", [(p.name, p.connector or p.role) for p in part.rackstudio.cooling.coolant_ports]),
    ]
    return [g for g in groups if g[2]]


def far_end_text(design: Design, conn_id: str, owner: str, port: str) -> str:
    conn = design.connections[conn_id]
    other = conn.b if (conn.a.owner, conn.a.port) == (owner, port) else conn.a
    obj = design.get(other.owner)
    name = obj.name if obj is not None else other.owner
    return f"{name} {other.port}".strip()


def connect_command(design: Design, device_id: str, kind: str, port: str, choice: ConnectChoice,
                    pattern: str) -> Connect:
    """The Connect for a choice made from port `port` (power: the consumer end is always `a`)."""
    here = PortRef(owner=device_id, port=port, leg=choice.here_leg)
    there = PortRef(owner=choice.owner, port=choice.port, leg=choice.there_leg)
    ends = (choice.here_end, choice.there_end)
    if port_role(design, device_id, kind, port) == "outlet":
        a, b, ends = there, here, ends[::-1]
    else:
        a, b = here, there
    media = choice.media if kind == "network" else None
    label = choice.label or cable_label(design, a, b, pattern, kind, media)
    return Connect(kind, a, b, media=media, length_m=choice.length_m, label=label, ends=ends, fibre=choice.fibre)


def present_loads(design: Design, ctx: CheckContext | None = None, graph=None) -> LoadsOf:
    """A PDU's present bank, outlet and leg figures as the checks compute them: the live check
    engine's context when there is one, else a fresh one over `graph`."""
    if ctx is None:
        ctx = CheckContext(design, graph if graph is not None else ComponentGraph(design))
    return lambda device_id: pdu_figures(ctx, device_id) if device_id in design.devices else None


def live_loads(editor: EditorContext) -> LoadsOf:
    """PDU figures as the live checks have them (a fresh check context before they start)."""
    document = editor.bridge.document
    engine = getattr(document, "check_engine", None)
    return present_loads(document.design, engine.ctx if engine is not None else None, document.graph)


def leg_lines(design: Design, pdu_id: str, loads: LoadsOf) -> list[str]:
    """'Leg A: 19.9 of 48 A' per leg of a three-phase rack PDU, and the imbalance."""
    figures = loads(pdu_id)
    if figures is None or figures.phases_a is None:
        return []
    lines = [f"Leg {LEG_NAMES[i]}: {amps:.1f} of {figures.phase_limit_a:g} A" for i, amps in enumerate(figures.phases_a)]
    return [*lines, f"Imbalance {figures.imbalance_pct:.0f} %"]


class PortPanel(QWidget):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.device_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Port", "Type", "Connected to", "Cable"])
        self.tree.setRootIsDecorated(True)
        self.tree.setMinimumHeight(160)
        self.tree.setMinimumWidth(0)
        self.tree.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        buttons = QHBoxLayout()
        self.connect_button = QPushButton("Connect…")
        self.disconnect_button = QPushButton("Disconnect")
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.disconnect_button)
        buttons.addStretch(1)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self.connect_button.clicked.connect(self.connect_selected)
        self.disconnect_button.clicked.connect(self.disconnect_selected)
        self.tree.currentItemChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.set_device(None)

    @property
    def design(self) -> Design:
        return self.editor.design

    def set_device(self, device_id: str | None) -> None:
        self.device_id = device_id
        self.setVisible(device_id is not None)
        self.refresh()

    def refresh(self) -> None:
        design = self.design
        if self.device_id is not None and self.device_id not in design.devices:
            self.device_id = None
            self.setVisible(False)
        current = self.selected_port()
        self.tree.clear()
        if self.device_id is None:
            return
        # the PDU figures the checks use: its own, else its inlet's and its feed's (power.inlets);
        # the outlet map waits for a large design's first check (`ChecksController.figures_pending`)
        loads = live_loads(self.editor) if pdu_spec(design, self.device_id) is not None \
            and not self.editor.live_checks.figures_pending else None
        self.tree.setMinimumHeight(160 if loads is None else 360)  # an outlet map needs the room
        for title, kind, ports in device_ports(design, self.device_id):
            if loads is not None and title == "Power outlets":
                self._outlet_map(dict(ports), loads, current)
                continue
            self._group(title, kind, ports, current)
        for col in range(4):
            self.tree.resizeColumnToContents(col)
        self._update_buttons()

    def _group(self, title: str, kind: str, ports: list[tuple[str, str]], current) -> QTreeWidgetItem:
        design = self.design
        group = QTreeWidgetItem([title])
        self.tree.addTopLevelItem(group)
        free = 0
        for name, type_ in ports:
            conn_id = design.port_connection(kind, self.device_id, name)
            far = far_end_text(design, conn_id, self.device_id, name) if conn_id else ""
            label = design.connections[conn_id].label or "" if conn_id else ""
            legs = len(optics.port_legs(design, self.device_id, name)) if conn_id and kind == "network" else 0
            more = bool(legs) and next_leg(design, PortRef(owner=self.device_id, port=name)).leg is not None
            if legs > 1 or more:  # a broken-out port: its legs, and whether it takes one more
                far = f"{far} (+{legs - 1} leg{'s' * (legs > 2)}{', one more free' if more else ''})"
            item = QTreeWidgetItem([name, type_, far, label])
            item.setData(0, _ROLE, (kind, name, conn_id, more))
            group.addChild(item)
            free += conn_id is None
            if current == (kind, name):
                self.tree.setCurrentItem(item)
        group.setText(1, f"{free} of {len(ports)} free")
        group.setExpanded(True)
        return group

    def _outlet_map(self, types: dict[str, str], loads: LoadsOf, current) -> None:
        """The PDU's outlets by bank (title: leg, breaker, present current of its limit), then its legs."""
        for bank in outlet_groups(self.design, self.device_id, loads):
            group = self._group(f"{bank.name} · leg {bank.leg}" if bank.leg else bank.name, "power",
                                [(o, types.get(o, "")) for o in bank.outlets], current)
            free = group.text(1)
            if bank.current_a is not None:  # the present current of its limit, where it is seen first
                group.setText(1, f"{bank.current_a:.1f} of {bank.limit_a:g} A")
            group.setText(2, " · ".join(p for p in (f"{bank.breaker_a:g} A breaker" if bank.breaker_a else "", free) if p))
            for col in range(3):
                group.setToolTip(col, bank.title)
        lines = leg_lines(self.design, self.device_id, loads)
        if lines:
            legs = QTreeWidgetItem(["Legs", lines[-1]])
            self.tree.addTopLevelItem(legs)
            for line in lines[:-1]:
                name, figure = line.split(": ", 1)
                legs.addChild(QTreeWidgetItem([name, figure]))
            legs.setExpanded(True)

    def selected_port(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        data = item.data(0, _ROLE) if item is not None else None
        return (data[0], data[1]) if data else None

    def select_port(self, kind: str, port: str) -> bool:
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for c in range(group.childCount()):
                item = group.child(c)
                data = item.data(0, _ROLE)
                if data and data[0] == kind and data[1] == port:
                    self.tree.setCurrentItem(item)
                    return True
        return False

    def _current_connection(self) -> str | None:
        item = self.tree.currentItem()
        data = item.data(0, _ROLE) if item is not None else None
        return data[2] if data else None

    def _takes_more(self) -> bool:
        """Whether the selected port is free, or broken out with a free leg."""
        item = self.tree.currentItem()
        data = item.data(0, _ROLE) if item is not None else None
        return bool(data) and (data[2] is None or data[3])

    def _update_buttons(self, *_):
        port = self.selected_port()
        conn = self._current_connection()
        self.connect_button.setEnabled(port is not None and self._takes_more())
        self.disconnect_button.setEnabled(conn is not None)

    def _double_clicked(self, *_):
        if self._takes_more():
            self.connect_selected()

    @guarded
    def connect_selected(self) -> None:
        port = self.selected_port()
        if port is None or self.device_id is None:
            return
        kind, name = port
        choice = ConnectDialog.ask(self.window(), self.design, self.device_id, kind, name, live_loads(self.editor))
        if choice is None:
            return
        self.editor.execute(connect_command(self.design, self.device_id, kind, name, choice, prefs.label_pattern()))

    @guarded
    def disconnect_selected(self) -> None:
        conn = self._current_connection()
        if conn is not None:
            self.editor.execute(Disconnect(conn))
