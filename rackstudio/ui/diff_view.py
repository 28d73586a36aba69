"""Comparing the open design with another revision of it (Review ▸ Compare with Revision…): what
reports.diff finds, shown in the views and as a list. On the floor plan, racks added are green,
removed ones a red dashed ghost where they stood, moved ones a ghost at the old place with an arrow
to the new one, changed ones amber; in the open elevations the same for devices. The Comparison
panel lists every change and the per-rack power, heat and weight deltas (double-click selects the
object), and exports the comparison as text or JSON. The comparison follows edits (debounced).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyleOptionGraphicsItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.errors import LoadError
from rackstudio.io import project_file
from rackstudio.io.project_file import SUFFIX
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.reports import json_report
from rackstudio.reports.diff import (
    DesignDiff,
    all_rack_figures,
    describe,
    describe_rack,
    diff_designs,
    to_text,
)
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.guard import guarded

COLOURS = {"added": QColor(46, 160, 67), "removed": QColor(215, 58, 73), "moved": QColor(40, 100, 220),
           "changed": QColor(230, 150, 20), "ghost": QColor(110, 110, 120)}
REFRESH_MS = 400  # a comparison re-runs this long after the last edit (it measures every rack)


@dataclass(frozen=True)
class Mark:
    """One thing to draw: a box in scene units for a record `kind` (added, removed, moved, changed,
    ghost: where a moved record was), and for a move the arrow's end."""

    kind: str
    rect: QRectF
    arrow_to: QPointF | None = None


class DiffOverlayItem(QGraphicsItem):
    """Every mark of one scene, painted above the items; it takes no clicks."""

    def __init__(self):
        super().__init__()
        self.marks: list[Mark] = []
        self._bounds = QRectF()
        self.setZValue(800)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_marks(self, marks: list[Mark]) -> None:
        self.prepareGeometryChange()
        self.marks = marks
        bounds = QRectF()
        for m in marks:
            bounds = bounds.united(m.rect)
            if m.arrow_to is not None:
                bounds = bounds.united(QRectF(m.arrow_to, m.arrow_to))
        # a margin for the pen; nothing at all when there are no marks (the views fit to the items)
        self._bounds = bounds.adjusted(-200, -200, 200, 200) if marks else QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = max(QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform()), 1e-6)
        for mark in self.marks:
            colour = COLOURS[mark.kind]
            pen = QPen(colour, 3 / lod)
            if mark.kind in ("removed", "ghost"):
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            fill = QColor(colour)
            fill.setAlpha(60 if mark.kind in ("added", "removed") else 0)
            painter.setBrush(QBrush(fill))
            painter.drawRect(mark.rect)
            if mark.arrow_to is not None:
                _arrow(painter, mark.rect.center(), mark.arrow_to, COLOURS["moved"], lod)


def _arrow(painter: QPainter, start: QPointF, end: QPointF, colour: QColor, lod: float) -> None:
    painter.setPen(QPen(colour, 2.5 / lod))
    painter.drawLine(QLineF(start, end))
    angle = math.atan2(end.y() - start.y(), end.x() - start.x())
    size = 12 / lod
    head = QPolygonF([end, end - QPointF(math.cos(angle - 0.4) * size, math.sin(angle - 0.4) * size),
                      end - QPointF(math.cos(angle + 0.4) * size, math.sin(angle + 0.4) * size)])
    painter.setBrush(colour)
    painter.drawPolygon(head)


# --- marks from a diff -------------------------------------------------------------------------------------

def _box(box: tuple[float, float, float, float]) -> QRectF:
    return QRectF(QPointF(box[0], box[1]), QPointF(box[2], box[3]))


def _marks(diff: DesignDiff, collections: tuple[str, ...], changed_in: str,
           where: Callable[[Design, str], QRectF | None], old: Design, new: Design) -> list[Mark]:
    """Marks of the records of `collections`: `where(design, id)` is the box a record takes in the
    scene in that revision (None when it is not shown there); changes mark records of `changed_in`."""
    marks: list[Mark] = []
    for change in diff.changes:
        if change.collection not in collections:
            continue
        before, after = where(old, change.id), where(new, change.id)
        if change.kind == "added" and after is not None:
            marks.append(Mark("added", after))
        elif change.kind == "removed" and before is not None:
            marks.append(Mark("removed", before))
        elif change.kind == "moved":
            if before is not None:
                marks.append(Mark("ghost", before, after.center() if after is not None else None))
            if after is not None:
                marks.append(Mark("moved", after))
        elif change.kind == "changed" and after is not None and change.collection == changed_in:
            marks.append(Mark("changed", after))
    return marks


def hall_marks(diff: DesignDiff, old: Design, new: Design, hall_id: str | None) -> list[Mark]:
    """Racks (and floor equipment) of one hall, in hall mm."""
    return _marks(diff, ("racks", "devices"), "racks", lambda d, i: _floor_box(d, i, hall_id), old, new)


def _floor_box(design: Design, obj_id: str, hall_id: str | None) -> QRectF | None:
    rack = design.racks.get(obj_id)
    if rack is not None and rack.hall == hall_id and rack.rack_type in design.rack_types:
        return _box(geometry.rack_footprint(design, rack))
    device = design.devices.get(obj_id)
    if device is not None and device.hall == hall_id and device.parent is None and device.part in design.part_types:
        return _box(geometry.floor_footprint(design, device))
    return None


def elevation_marks(diff: DesignDiff, old: Design, new: Design, blocks: dict[str, lay.RackBlock]) -> list[Mark]:
    """Devices in the open elevations, in layout pixels: where each stands now and, for removed or
    moved ones, where it stood (when that rack is open too)."""
    return _marks(diff, ("devices",), "devices", lambda d, i: _unit_rect(d, i, blocks), old, new)


def _unit_rect(design: Design, device_id: str, blocks: dict[str, lay.RackBlock]) -> QRectF | None:
    device = design.devices.get(device_id)
    if device is None or device.rack not in blocks or device.rack not in design.racks:
        return None
    block = blocks[device.rack]
    if device.position is None:
        return QRectF(*block.side_rect(device.side or "left", device.face))
    part = design.part_types.get(device.part)
    if part is None:
        return None
    height = geometry.height_in_rack(part, design.rack_type_of(design.racks[device.rack]))
    lateral = device.lateral if part.rackstudio.half_width else None
    return QRectF(*block.span_rect(device.face, device.position, height, lateral))


# --- the panel and the controller ------------------------------------------------------------------------

class DiffDock(QDockWidget):
    def __init__(self, controller: DiffController, parent=None):
        super().__init__("Comparison", parent)
        self.setObjectName("DiffDock")
        self.controller = controller
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("Review ▸ Compare with Revision… shows what changed since another revision.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.compare = QPushButton("Compare with…")
        self.export = QPushButton("Export…")
        self.clear = QPushButton("Clear")
        for button in (self.compare, self.export, self.clear):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setWidget(body)
        self.compare.clicked.connect(lambda: controller.compare_dialog())
        self.export.clicked.connect(lambda: controller.export_report())
        self.clear.clicked.connect(lambda: controller.clear())
        self.tree.itemDoubleClicked.connect(lambda item, _c: controller.select(item.data(0, Qt.ItemDataRole.UserRole)))

    def fill(self, diff: DesignDiff | None, source: str) -> None:
        self.tree.clear()
        self.export.setEnabled(diff is not None)
        self.clear.setEnabled(diff is not None)
        if diff is None:
            self.summary.setText("Review ▸ Compare with Revision… shows what changed since another revision.")
            return
        self.summary.setText(f"<b>{source}</b>: revision {diff.old_revision} → {diff.new_revision} (open design): "
                             + ("no differences" if diff.is_empty else
                                f"{len(diff.changes)} changes, {len(diff.racks)} racks with new figures"))
        groups: dict[str, QTreeWidgetItem] = {}
        for change in diff.changes:
            group = groups.get(change.collection)
            if group is None:
                group = groups[change.collection] = QTreeWidgetItem([change.collection.replace("_", " ").capitalize()])
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([describe(change)])
            item.setData(0, Qt.ItemDataRole.UserRole, change.id)
            item.setForeground(0, QBrush(COLOURS.get(change.kind, COLOURS["changed"]).darker(120)))
            group.addChild(item)
        if diff.racks:
            group = QTreeWidgetItem([f"Per-rack figures ({len(diff.racks)})"])
            self.tree.addTopLevelItem(group)
            for delta in diff.racks:
                item = QTreeWidgetItem([describe_rack(delta)])
                item.setData(0, Qt.ItemDataRole.UserRole, delta.rack)
                group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        self.tree.expandAll()


class DiffController:
    def __init__(self, window):
        self.window = window
        self.editor = window.editor
        self.old: Design | None = None
        self.source = ""
        self.old_figures: dict | None = None
        self.diff: DesignDiff | None = None
        self.dock = DiffDock(self, window)
        self.hall_overlay = DiffOverlayItem()
        self.elevation_overlay = DiffOverlayItem()
        window.hall_view.scene().addItem(self.hall_overlay)
        window.elevation_view.scene().addItem(self.elevation_overlay)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.recompute)
        self.editor.bridge.changed.connect(lambda _c: self._timer.start() if self.old is not None else None)
        self.editor.bridge.replaced.connect(self.clear)
        for view in (window.hall_view, window.elevation_view):  # a new hall or elevation layout: redraw marks
            view.scene().sceneRectChanged.connect(lambda _r: self.draw())

    @property
    def design(self) -> Design:
        return self.editor.design

    @guarded
    def compare_dialog(self) -> bool:
        document = self.window.document
        start = str(document.path.parent) if document.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Compare with revision", start,
                                              f"RackStudio designs (*{SUFFIX});;All files (*)")
        return bool(path) and self.compare_with(path)

    def compare_with(self, path: str | Path) -> bool:
        """Load another revision and compare the open design with it (it is the 'old' side)."""
        try:
            old = project_file.load(path).design
        except LoadError as exc:
            QMessageBox.warning(self.window, "Cannot compare", exc.message)
            return False
        self.old, self.source = old, Path(path).name
        self.old_figures = all_rack_figures(old)
        self.recompute()
        self.dock.show()
        return True

    @guarded
    def recompute(self) -> None:
        if self.old is None:
            return
        engine = self.window.document.check_engine
        new_figures = all_rack_figures(self.design, engine) if engine is not None else None
        self.diff = diff_designs(self.old, self.design, self.old_figures, new_figures)
        self.dock.fill(self.diff, self.source)
        self.draw()
        self.window.show_status(f"Compared with {self.source}: "
                                + ("no differences" if self.diff.is_empty else f"{len(self.diff.changes)} changes"))

    def draw(self) -> None:
        if self.diff is None or self.old is None:
            self.hall_overlay.set_marks([])
            self.elevation_overlay.set_marks([])
            return
        hall_id = self.window.hall_view.hall_scene.hall_id
        self.hall_overlay.set_marks(hall_marks(self.diff, self.old, self.design, hall_id))
        self.elevation_overlay.set_marks(elevation_marks(self.diff, self.old, self.design,
                                                         self.window.elevation_view.elevations.blocks))

    def clear(self) -> None:
        self._timer.stop()
        self.old, self.diff, self.old_figures, self.source = None, None, None, ""
        self.dock.fill(None, "")
        self.draw()

    def select(self, obj_id: str | None) -> None:
        if obj_id and self.design.kind_of(obj_id) is not None:
            self.editor.selection.set([obj_id], source=self)

    @guarded
    def export_report(self) -> bool:
        """The comparison as text (.txt) or the diff JSON (.json)."""
        if self.diff is None:
            self.window.show_status("Nothing to export: compare with a revision first")
            return False
        path, _ = QFileDialog.getSaveFileName(self.window, "Export comparison", f"diff-{self.diff.old_revision}-"
                                              f"{self.diff.new_revision}.txt", "Text (*.txt);;JSON (*.json)")
        if not path:
            return False
        path = Path(path)
        text = (json_report.dumps(json_report.diff_report(self.diff)) if path.suffix.lower() == ".json"
                else to_text(self.diff))
        path.write_text(text + "\n", encoding="utf-8")
        self.window.show_status(f"Exported the comparison to {path.name}")
        return True
