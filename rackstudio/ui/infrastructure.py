"""The site dock: halls, rows and the power chain (UPSes, panels, feeds) as a tree, so records
that have no shape on the floor plan can be selected, edited in the inspector and deleted."""
from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QTreeWidget, QTreeWidgetItem

from rackstudio.changes import ChangeSet
from rackstudio.model.design import Design
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded

GROUPS = (("halls", "Halls"), ("rows", "Rows"), ("upses", "UPS"), ("panels", "Panels"), ("feeds", "Feeds"))
_ID = Qt.ItemDataRole.UserRole
FILL_SLICE = 250  # records a turn of the event loop while a design just opened is listed (≈ 3 ms: a
# background check starts beside it, and each slice waits its turn for the interpreter too)


def describe(design: Design, collection: str, record, racks_in_row: Counter | None = None) -> str:
    """The Details column; `racks_in_row` (row id → racks), counted once for a whole list of rows."""
    if collection == "halls":
        return f"{record.width_mm / 1000:g} × {record.depth_mm / 1000:g} m, tiles {record.tile_mm:g} mm"
    if collection == "rows":
        racks = (racks_in_row[record.id] if racks_in_row is not None
                 else sum(1 for r in design.racks.values() if r.row == record.id))
        return f"{racks} racks, facing {record.facing}"
    if collection == "upses":
        return f"{record.capacity_kw:g} kW, side {record.side or '—'}"
    if collection == "panels":
        return f"side {record.side or '—'}" + (f", from {design.upses[record.ups].name}" if record.ups in design.upses else "")
    rack = design.racks.get(record.rack or "")
    return (f"{record.voltage_v:g} V {record.amperage_a:g} A {record.phase}, side {record.side}"
            + (f", to {rack.name}" if rack else ""))


def _by_name(records: list) -> Generator[None, None, list]:
    """`records` by name, then id, the keys read a slice at a time: sorted by a key function,
    40,000 feeds (5,000 racks) were one 30 ms turn of the event loop; one string per record
    ("name NUL id", the same order but for names holding a NUL) sorts in 3."""
    keys: list[str] = []
    for n, record in enumerate(records, 1):
        keys.append(f"{record.name}\0{record.id}")
        if n % (4 * FILL_SLICE) == 0:
            yield
    yield
    return [records[i] for i in sorted(range(len(records)), key=keys.__getitem__)]


class SiteDock(QDockWidget):
    """A design just opened is listed FILL_SLICE records a turn of the event loop, starting on the
    turn after the hall's first paint (1,000 racks: 8,067 feeds, 0.08 s CPU in one go), and at
    once when anything asks for the items first; an edit lists it again at once."""

    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Site", parent)
        self.setObjectName("SiteDock")
        self.editor = editor
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Details"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # one row height for all: else the view lays out every row to place one it selects or
        # scrolls to (selecting a feed among a 1,000-rack design's 10,000 rows: 78 ms)
        self.tree.setUniformRowHeights(True)
        self.setWidget(self.tree)
        self._publishing = False
        self._filling: Iterator[None] | None = None  # the listing of a design just opened, under way
        self._items: dict[str, QTreeWidgetItem] = {}  # record id → its item, as listed
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._fill_slice)
        self.tree.itemSelectionChanged.connect(self._publish)
        editor.bridge.replaced.connect(self._reload_later)
        editor.bridge.changed.connect(self._on_changed)
        editor.selection.changed.connect(self._follow)
        self.reload()

    def reload(self) -> None:
        self._filling = None
        self._later.stop()
        self._run(self._fill(), whole=True)

    def _reload_later(self) -> None:
        self._publishing = True
        try:
            self.tree.clear()  # nothing of the design that was open stays selectable meanwhile
            self._items = {}
        finally:
            self._publishing = False
        self._filling = self._fill()
        self._later.start()

    def _fill_slice(self) -> None:
        if self._filling is not None and not self._run(self._filling, whole=False):
            self._later.start()

    def _fresh(self) -> None:
        """Finish a listing under way (its items are asked for)."""
        if self._filling is not None:
            self._later.stop()
            self._run(self._filling, whole=True)

    def _run(self, filling: Iterator[None], whole: bool) -> bool:
        """Go on with `filling`, one slice or to its end; True when it has ended."""
        self._publishing = True
        try:
            for _ in filling:
                if not whole:
                    return False
        finally:
            self._publishing = False
        if filling is self._filling:
            self._filling = None
        self._follow(None)
        return True

    def _fill(self) -> Iterator[None]:
        design = self.editor.design
        racks_in_row = Counter(r.row for r in design.racks.values())
        self.tree.clear()
        self._items = by_id = {}
        listed = 0
        for collection, title in GROUPS:
            records = yield from _by_name(list(getattr(design, collection).values()))
            group = QTreeWidgetItem([title, str(len(records))])
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(group)
            for record in records:
                item = QTreeWidgetItem([record.name, describe(design, collection, record, racks_in_row)])
                item.setData(0, _ID, record.id)
                group.addChild(item)
                by_id[record.id] = item
                listed += 1
                if listed % FILL_SLICE == 0:
                    yield
            group.setExpanded(True)
        self.tree.resizeColumnToContents(0)

    def _on_changed(self, changes: ChangeSet) -> None:
        """List the design again when a listed record came or went or was renamed (the groups are
        sorted by name); otherwise only the Details of what changed, of the rows when racks did
        (their counts), and of the feeds dropped to a changed rack (its name). A full listing of
        1,000 racks' 8,000 feeds is 0.08 s: every rack moved in the hall paid it."""
        listed = {c for c, _ in GROUPS}
        colls = changes.collections()
        if not (colls & listed or "racks" in colls):
            return
        if self._filling is not None or any(c in listed for c in (*changes.added.values(), *changes.removed.values())):
            self.reload()
            return
        design = self.editor.design
        changed = [(i, c) for i, c in changes.changed.items() if c in listed]
        if any(self._items.get(i) is None or self._items[i].text(0) != getattr(design, c)[i].name for i, c in changed):
            self.reload()
            return
        racks = {i for i, c in changes.touched().items() if c == "racks"}
        if racks:
            changed += [(i, "rows") for i in design.rows]
            changed += [(f, "feeds") for r in racks for f in design.feeds_dropped_to(r)]
        racks_in_row = Counter(r.row for r in design.racks.values()) if racks else None
        model = self.tree.model()
        quiet = model.blockSignals(True)  # each text set told the view on its own: 80 µs a set
        try:
            for obj_id, collection in changed:
                item = self._items.get(obj_id)
                if item is not None:
                    item.setText(1, describe(design, collection, getattr(design, collection)[obj_id], racks_in_row))
        finally:
            model.blockSignals(quiet)
        self.tree.viewport().update()

    def items(self) -> list[QTreeWidgetItem]:
        self._fresh()
        return [self.tree.topLevelItem(g).child(c) for g in range(self.tree.topLevelItemCount())
                for c in range(self.tree.topLevelItem(g).childCount())]

    @guarded
    def _publish(self) -> None:
        if not self._publishing:
            ids = [i.data(0, _ID) for i in self.tree.selectedItems() if i.data(0, _ID)]
            self.editor.selection.set(ids, source=self)

    def _follow(self, source) -> None:
        if source is self or self._filling is not None:  # the listing follows it when it ends
            return
        wanted = set(self.editor.selection.ids)
        self._publishing = True
        try:  # only the items whose state changes: a listing of 10,000 records, one or two selected
            for item in self.tree.selectedItems():
                if item.data(0, _ID) not in wanted:
                    item.setSelected(False)
            for obj_id in wanted:
                item = self._items.get(obj_id)
                if item is not None:
                    item.setSelected(True)
        finally:
            self._publishing = False

    def select(self, obj_id: str) -> None:
        for item in self.items():
            if item.data(0, _ID) == obj_id:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
