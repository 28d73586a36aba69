"""The parts palette: the design's rack designs (drag one onto the floor to place an instance),
the library's parts, module types and rack types plus the design's own, searchable and
filtered by manufacturer and category, showing U height, power and weight. Rows drag out as
an id-only "application/x-rackstudio-part" payload (ui.mime)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
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
_TOOLTIP_LINES = 40


def _power(power_w: float | None) -> str:
    if power_w is None:
        return "—"
    return f"{power_w / 1000:.1f} kW" if power_w >= 1000 else f"{power_w:.0f} W"


_DISPLAY, _ALIGN = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_SORT_KEYS = (lambda e: e.model.lower(), lambda e: e.u_height, lambda e: e.power_w or 0.0,
              lambda e: e.weight_kg or 0.0, lambda e: e.manufacturer.lower(), lambda e: e.category)


class PartsPaletteModel(RowsTableModel):
    """Every entry (`entries`, in the shown sort order) and the rows the search and filters let
    through (`rows`, what the table shows).

    Sorting and filtering are done here in Python, once per sort-column change and once per
    keystroke, and handed to the view as a model reset: a sort-filter proxy would call Python
    (`filterAcceptsRow`, `data` for every comparison) thousands of times per keystroke over a
    6,000-part library."""

    columns = COLUMNS

    def __init__(self, library: PartsLibrary, parent=None):
        super().__init__(parent)
        self.library = library
        self._listed: list[Entry] = []  # the library's order: ties in a sort keep it
        self.entries: list[Entry] = []
        self.sort_column, self.sort_order = 0, Qt.SortOrder.AscendingOrder
        self.words: list[str] = []
        self.manufacturer = self.category = ALL
        self._cells: dict[str, tuple[Entry, tuple[str, ...]]] = {}  # key → (entry, its formatted cells)

    def _target(self, e: Entry) -> str:
        """Where the row's part or rack type goes (the part is read on hover only)."""
        if e.kind in ("rack-type", "rack-design"):
            return Mounting.FLOOR.target
        if e.kind == "module":
            return "a device with a free module bay (in the elevation or the Inspector)"
        part = self.library.part(e.key)
        return mounting(part).target if part is not None else "a rack face"

    def set_entries(self, entries: list[Entry]) -> None:
        self._listed = list(entries)
        self._sort()
        self._filter()

    def set_filter(self, text: str, manufacturer: str, category: str) -> None:
        self.words = text.lower().split()
        self.manufacturer, self.category = manufacturer, category
        self._filter()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # the header's sort indicator
        self.sort_column, self.sort_order = column, order
        self._sort()
        self._filter()

    def _sort(self) -> None:
        key = _SORT_KEYS[self.sort_column] if 0 <= self.sort_column < len(_SORT_KEYS) else None
        self.entries = self._listed if key is None else \
            sorted(self._listed, key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def _filter(self) -> None:
        rows = self.entries
        if self.manufacturer:
            rows = [e for e in rows if e.manufacturer == self.manufacturer]
        if self.category:
            rows = [e for e in rows if e.category == self.category]
        for word in self.words:  # one plain pass per word: no per-row function call
            rows = [e for e in rows if word in e.hay]
        self.set_rows(rows)

    def data(self, index, role=_DISPLAY):
        if role == _DISPLAY:  # asked for every visible cell on every paint: formatted once per entry
            e = self.rows[index.row()]
            cells = self._cells.get(e.key)
            if cells is None or cells[0] is not e:
                weight = "—" if e.weight_kg is None else f"{e.weight_kg:g} kg"
                cells = self._cells[e.key] = (e, (e.model, f"{e.u_height:g}", _power(e.power_w), weight,
                                                  e.manufacturer, e.category))
            return cells[1][index.column()]
        if role == _ALIGN:
            return _RIGHT if index.column() in (1, 2, 3) else None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            e = self.rows[index.row()]
            if e.problem is not None:
                return f"This rack-design file cannot be used: {e.problem}"
            where = "in this design" if e.source == "design" else f"from the {e.source}"
            if e.kind == "rack-design":
                where = {"design": where, "user": "from your parts folder"}.get(e.source, f"from plugin {e.source}")
                return f"Rack design {e.model}, {where}. Drag it onto {self._target(e)} to place an instance."
            return f"{e.manufacturer} {e.model} ({e.key}), {where}. Drag it onto {self._target(e)}."
        return None

    def flags(self, index):
        base = super().flags(index)
        usable = index.isValid() and self.rows[index.row()].problem is None
        return base | Qt.ItemFlag.ItemIsDragEnabled if usable else base

    def mimeTypes(self) -> list[str]:
        return [mime.PART_MIME]

    def mimeData(self, indexes):
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if not rows:
            return None
        entry = self.rows[rows[0]]
        return None if entry.problem is not None else mime.encode(entry.kind, entry.key)

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction


class PaletteDock(QDockWidget):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Parts", parent)
        self.setObjectName("PartsDock")
        self.editor = editor
        self.model = PartsPaletteModel(editor.library, self)
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
        self.view.setModel(self.model)
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
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # rows never measured
        self.view.horizontalHeader().setResizeContentsPrecision(200)  # columns sized from 200 rows, not all
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self._not_read = ""  # what the count line adds about refused library files
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
        # a rack-design file saved, copied or removed in the parts folder shows without a restart
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(guarded(lambda _path: self.reload()))
        self.reload()

    def _watch(self) -> None:
        folders = {str(p) for _, where in self.editor.library.shelf.sources() if (p := Path(where)).is_dir()}
        watched = set(self.watcher.directories())
        if watched - folders:
            self.watcher.removePaths(sorted(watched - folders))
        if folders - watched:
            self.watcher.addPaths(sorted(folders - watched))

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
        self._show_file_problems(self.editor.library.file_problems)
        self._apply_filter()
        self.view.resizeColumnsToContents()
        for column, limit in ((0, 200), (1, 40), (2, 66), (3, 66)):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), limit))
        if self.editor.library.problem:
            self.count.setText(f"The parts library could not be read: {self.editor.library.problem}")
        self._watch()

    def _show_file_problems(self, problems: tuple[str, ...]) -> None:
        """Refused library files under the count, the first with its message and all of them in
        the tooltip: one quiet line however many there are, never a dialog per file."""
        self._not_read = ""
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            self._not_read = f"\n{len(problems)} library file(s) not read: {problems[0]}{more}"
        shown = list(problems[:_TOOLTIP_LINES])
        if len(problems) > _TOOLTIP_LINES:
            shown.append(f"… and {len(problems) - _TOOLTIP_LINES} more "
                         "(rackstudio parts check DIR lists all)")
        self.count.setToolTip("\n".join(shown))

    def _on_changed(self, changes: ChangeSet) -> None:
        colls = changes.collections()
        if colls & {"part_types", "module_types", "rack_types", "rack_designs"}:
            self.reload()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.search.text(), self.manufacturer.currentData() or ALL,
                              self.category.currentData() or ALL)
        self.count.setText(f"{len(self.model.rows)} of {len(self.model.entries)} shown{self._not_read}")

    # --- for tests and keyboard users ------------------------------------------------------------

    def visible_entries(self) -> list[Entry]:
        return list(self.model.rows)

    def current_entry(self) -> Entry | None:
        """The entry of the table's current row, if any."""
        index = self.view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def mime_for_row(self, row: int):
        """The drag payload the view would start for shown row `row` (what a drag carries)."""
        return self.model.mimeData([self.model.index(row, 0)])
