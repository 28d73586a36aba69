"""The parts palette: the design's rack designs (drag one onto the floor to place an instance),
the library's parts, module types and rack types plus the design's own, searchable and
filtered by manufacturer and category, showing U height, power and weight. Rows drag out as
an id-only "application/x-rackstudio-part" payload (ui.mime)."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rackstudio.changes import ChangeSet
from rackstudio.commands.fit import Mounting, mounting
from rackstudio.ui import mime
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.library_source import Entry, PartsLibrary
from rackstudio.ui.table_model import RowsTableModel

COLUMNS = ("Model", "U", "Power", "Weight", "Manufacturer", "Category")
ALL = ""


def _power(power_w: float | None) -> str:
    if power_w is None:
        return "—"
    return f"{power_w / 1000:.1f} kW" if power_w >= 1000 else f"{power_w:.0f} W"


class PartsPaletteModel(RowsTableModel):
    columns = COLUMNS

    def __init__(self, library: PartsLibrary, parent=None):
        super().__init__(parent)
        self.library = library

    @property
    def entries(self) -> list[Entry]:
        return self.rows

    def _target(self, e: Entry) -> str:
        """Where the row's part or rack type goes (the part is read on hover only)."""
        if e.kind in ("rack-type", "rack-design"):
            return Mounting.FLOOR.target
        if e.kind == "module":
            return "a device with a free module bay (in the elevation or the Inspector)"
        part = self.library.part(e.key)
        return mounting(part).target if part is not None else "a rack face"

    def set_entries(self, entries: list[Entry]) -> None:
        self.set_rows(entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            weight = "—" if e.weight_kg is None else f"{e.weight_kg:g} kg"
            return (e.model, f"{e.u_height:g}", _power(e.power_w), weight, e.manufacturer, e.category)[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (e.model.lower(), e.u_height, e.power_w or 0.0, e.weight_kg or 0.0, e.manufacturer.lower(),
                    e.category)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = "in this design" if e.source == "design" else f"from the {e.source}"
            if e.kind == "rack-design":
                return f"Rack design {e.model}, {where}. Drag it onto {self._target(e)} to place an instance."
            return f"{e.manufacturer} {e.model} ({e.key}), {where}. Drag it onto {self._target(e)}."
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [mime.PART_MIME]

    def mimeData(self, indexes):
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if not rows:
            return None
        entry = self.entries[rows[0]]
        return mime.encode(entry.kind, entry.key)

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction


class PaletteFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []
        self.manufacturer = ALL
        self.category = ALL
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, text: str, manufacturer: str, category: str) -> None:
        self.beginFilterChange()
        self.words = text.lower().split()
        self.manufacturer, self.category = manufacturer, category
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:
        entry = self.sourceModel().entries[row]
        if self.manufacturer and entry.manufacturer != self.manufacturer:
            return False
        if self.category and entry.category != self.category:
            return False
        return entry.matches(self.words)


class PaletteDock(QDockWidget):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Parts", parent)
        self.setObjectName("PartsDock")
        self.editor = editor
        self.model = PartsPaletteModel(editor.library, self)
        self.proxy = PaletteFilter(self)
        self.proxy.setSourceModel(self.model)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search parts and rack types")
        self.search.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        self.manufacturer = QComboBox()
        self.category = QComboBox()
        filters.addWidget(self.manufacturer)
        filters.addWidget(self.category)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.count = QLabel()
        self.count.setWordWrap(True)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view)
        layout.addWidget(self.count)
        self.setWidget(body)
        self.setMinimumWidth(280)
        self.search.textChanged.connect(self._apply_filter)
        self.manufacturer.currentIndexChanged.connect(self._apply_filter)
        self.category.currentIndexChanged.connect(self._apply_filter)
        editor.bridge.replaced.connect(self.reload)
        editor.bridge.changed.connect(self._on_changed)
        self.reload()

    @guarded
    def reload(self) -> None:
        entries = self.editor.library.entries()
        self.model.set_entries(entries)
        for combo, values, everything in (
                (self.manufacturer, sorted({e.manufacturer for e in entries}), "All manufacturers"),
                (self.category, sorted({e.category for e in entries}), "All categories")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, ALL)
            for value in values:
                combo.addItem(value, value)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        self._apply_filter()
        self.view.resizeColumnsToContents()
        for column, limit in ((0, 200), (1, 40), (2, 66), (3, 66)):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), limit))
        if self.editor.library.problem:
            self.count.setText(f"The parts library could not be read: {self.editor.library.problem}")

    def _on_changed(self, changes: ChangeSet) -> None:
        colls = changes.collections()
        if colls & {"part_types", "module_types", "rack_types", "rack_designs"}:
            self.reload()

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.search.text(), self.manufacturer.currentData() or ALL,
                              self.category.currentData() or ALL)
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} shown")

    # --- for tests and keyboard users ------------------------------------------------------------

    def visible_entries(self) -> list[Entry]:
        return [self.model.entries[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
                for r in range(self.proxy.rowCount())]

    def mime_for_row(self, row: int):
        """The drag payload the view would start for proxy row `row` (what a drag carries)."""
        index = self.proxy.mapToSource(self.proxy.index(row, 0))
        return self.model.mimeData([index])
