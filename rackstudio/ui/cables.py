"""The cable list: the connections of the selection (of everything when nothing is selected)
with A end, B end (with a broken-out port's leg), media and length (marked "(est.)" while it is
RackStudio's estimate), the optic at each end and the fibre, named as the cable schedule names
them; sortable; label, media and length editable in place (SetProperty; the optics are the
Inspector's); relabel from the cable label pattern; disconnect."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rackstudio.changes import ChangeSet
from rackstudio.commands import Composite, Disconnect, Refused, SetProperty
from rackstudio.commands.labels import FIELDS, cable_label
from rackstudio.model.design import Design, PortRef
from rackstudio.model.geometry import devices_within
from rackstudio.ui import prefs
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import REPORT, guarded
from rackstudio.ui.table_model import RowsTableModel

COLUMNS = ("Label", "A end", "B end", "Kind", "Media", "Length (m)", "A optic", "B optic", "Fibre")
EDITABLE = {0: "label", 4: "media", 5: "length_m"}


def end_text(design: Design, end: PortRef) -> str:
    obj = design.get(end.owner)
    name = obj.name if obj is not None else end.owner
    leg = f" leg {end.leg}" if end.leg is not None else ""  # one far port of a broken-out port
    return f"{name} {end.port}{leg}".strip()


def connections_for(design: Design, ids: list[str]) -> list[str]:
    """Connections of the selected objects (devices inside selected racks included), or all."""
    if not ids:
        return sorted(design.connections)
    owners: set[str] = set()
    found: set[str] = set()
    for obj_id in ids:
        kind = design.kind_of(obj_id)
        if kind == "connections":
            found.add(obj_id)
        elif kind in ("racks", "devices"):
            owners.add(obj_id)
            owners.update(devices_within(design, obj_id))
            if kind == "racks":
                owners.update(design.feeds_dropped_to(obj_id))
        elif kind == "feeds":
            owners.add(obj_id)
    for owner in owners:
        found.update(design.connections_of(owner))
    return sorted(found)


def _cell(design: Design, conn, column: int):
    """One cell of a connection's row (the columns of COLUMNS). The schedule's optic and fibre texts
    are imported when first shown: their module brings openpyxl and numpy (≈ 0.23 s CPU at start-up)."""
    if column >= 6:
        from rackstudio.reports.cable_schedule import fibre_text, optic_text

        return (optic_text(conn.a_end), optic_text(conn.b_end), fibre_text(conn))[column - 6]
    return (conn.label or "", end_text(design, conn.a), end_text(design, conn.b), conn.kind, conn.media or "",
            conn.length_m)[column]


class CableListModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(parent)
        self.editor = editor

    @property
    def conn_ids(self) -> list[str]:
        return self.rows

    @property
    def design(self) -> Design:
        return self.editor.design

    def set_connections(self, conn_ids: list[str]) -> None:
        self.set_rows(c for c in conn_ids if c in self.design.connections)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.conn_ids[index.row()] not in self.design.connections:
            return None
        conn = self.design.connections[self.conn_ids[index.row()]]
        value = _cell(self.design, conn, index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == 5:
                if value is None:
                    return ""
                shown = f"{value:g}"
                return f"{shown} (est.)" if role == Qt.ItemDataRole.DisplayRole and conn.length_estimated else shown
            return value
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5 and conn.length_estimated:
            return "Estimated from where both ends are (engineering.md 4.5), kept up to date as they move; type a length to set it"
        if role == Qt.ItemDataRole.UserRole:
            return -1.0 if index.column() == 5 and value is None else value
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in EDITABLE else base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        field = EDITABLE[index.column()]
        text = str(value).strip()
        try:
            if field == "length_m":
                parsed = float(text.replace(",", ".")) if text else None
            else:
                parsed = text or None
        except ValueError:
            REPORT.refused(Refused(f"length: {text!r} is not a number of metres"))
            return False
        conn_id = self.conn_ids[index.row()]
        if getattr(self.design.connections[conn_id], field) == parsed:
            return False
        return self.editor.execute(SetProperty(conn_id, field, parsed, text=f"Set cable {field.replace('_m', '')}"))


class CableListDock(QDockWidget):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Cables", parent)
        self.setObjectName("CablesDock")
        self.editor = editor
        self.model = CableListModel(editor, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.relabel_button = QPushButton("Relabel from pattern")
        self.pattern_button = QPushButton("Label pattern…")
        self.delete_button = QPushButton("Disconnect")
        for b in (self.relabel_button, self.pattern_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.relabel_button.clicked.connect(self.relabel)
        self.pattern_button.clicked.connect(self.edit_pattern)
        self.delete_button.clicked.connect(self.disconnect_selected)
        self._stale = True
        self.visibilityChanged.connect(lambda visible: visible and self._stale and self.reload())
        editor.selection.changed.connect(self.reload)
        editor.bridge.replaced.connect(self.reload)
        editor.bridge.changed.connect(self._on_changed)
        self.reload()

    @property
    def design(self) -> Design:
        return self.editor.design

    def reload(self, *_):
        if not self.isVisible():
            self._stale = True  # filled when the dock is shown: a hidden list costs nothing
            return
        self._stale = False
        ids = [i for i in self.editor.selection.ids if self.design.kind_of(i) is not None]
        self.model.set_connections(connections_for(self.design, ids))
        scope = f"of {len(ids)} selected object{'s' * (len(ids) != 1)}" if ids else "in the design"
        self.caption.setText(f"{self.model.rowCount()} cable{'s' * (self.model.rowCount() != 1)} {scope}")
        self.table.resizeColumnsToContents()

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.collections() & {
                "connections", "devices", "racks", "feeds"}:
            self.reload()

    def selected_connections(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.conn_ids[r] for r in sorted(rows)]

    @guarded
    def disconnect_selected(self) -> None:
        ids = self.selected_connections()
        if ids:
            self.editor.execute(Disconnect(ids[0]) if len(ids) == 1 else
                                Composite(f"Disconnect {len(ids)} cables", [Disconnect(c) for c in ids]))

    @guarded
    def relabel(self) -> None:
        """Apply the label pattern to the listed cables (or the chosen rows), as one step."""
        design = self.design
        pattern = prefs.label_pattern()
        ids = self.selected_connections() or list(self.model.conn_ids)
        children = []
        for conn_id in ids:
            conn = design.connections[conn_id]
            label = cable_label(design, conn.a, conn.b, pattern, conn.kind, conn.media)
            if label != conn.label:
                children.append(SetProperty(conn_id, "label", label))
        if not children:
            raise Refused("the labels already follow the pattern")
        self.editor.execute(Composite(f"Relabel {len(children)} cables", children))

    @guarded
    def edit_pattern(self) -> None:
        help_text = "Fields: " + ", ".join("{" + f + "}" for f in FIELDS)
        text, ok = QInputDialog.getText(self, "Cable label pattern", help_text, text=prefs.label_pattern())
        if ok:
            prefs.set_label_pattern(text.strip())
