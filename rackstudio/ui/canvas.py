"""What the hall view and the elevation view share: zoom (wheel with Ctrl, keys, fit), the
drag ghost that shows the fit predicate's answer (green, or red with the reason as tooltip
and status text), and the small palette used to draw categories and fit states."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsView, QToolTip

from rackstudio.commands import Fit
from rackstudio.ui import mime
from rackstudio.ui.guard import guarded

OK_COLOUR = QColor(46, 160, 67)
BAD_COLOUR = QColor(215, 58, 73)
SELECT_COLOUR = QColor(255, 170, 0)

CATEGORY_COLOURS = {
    "server": QColor(84, 130, 196), "switch": QColor(72, 166, 142), "pdu": QColor(208, 140, 58),
    "power-shelf": QColor(196, 112, 64), "ups": QColor(176, 96, 64), "cdu": QColor(70, 150, 200),
    "manifold": QColor(96, 170, 216), "cooler": QColor(120, 190, 220), "patch-panel": QColor(150, 150, 160),
    "cable-manager": QColor(128, 128, 136), "blank": QColor(205, 205, 210), "storage": QColor(140, 110, 180),
    "other": QColor(160, 160, 150),
}


def category_colour(category: str) -> QColor:
    return CATEGORY_COLOURS.get(str(category), CATEGORY_COLOURS["other"])


class GhostItem(QGraphicsRectItem):
    """The drop preview: a translucent box coloured by the fit predicate."""

    def __init__(self):
        super().__init__()
        self.setZValue(1000)
        self.fit = Fit(True)
        self.label = ""
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def show_at(self, rect: QRectF, fit: Fit, label: str = "") -> None:
        self.fit, self.label = fit, label
        colour = OK_COLOUR if fit.ok else BAD_COLOUR
        fill = QColor(colour)
        fill.setAlpha(90)
        self.setRect(rect)
        self.setBrush(QBrush(fill))
        pen = QPen(colour, 2)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setToolTip(fit.reason or label)
        self.show()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        super().paint(painter, option, widget)
        if self.label and self.rect().height() > 8:
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.label)


class CanvasView(QGraphicsView):
    """A QGraphicsView with zoom, palette drops (subclasses say where a payload would go with
    `preview_drop` and do it with `commit_drop`), a rubber band and fit-feedback reporting."""

    status_text = Signal(str)  # transient feedback (fit reasons)
    cursor_text = Signal(str)  # where the pointer is, in domain terms

    ZOOM_STEP = 1.25

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.ghost = GhostItem()
        scene.addItem(self.ghost)
        self.auto_fit = True
        self._payload: tuple[str, str] | None = None
        self._move = None  # the move-drag in progress (the subclass's own record), if any
        self._band_origin: QPointF | None = None
        self._band = QGraphicsRectItem()
        self._band.setZValue(2000)
        self._band.setBrush(QColor(80, 140, 255, 40))
        self._band.setPen(QColor(80, 140, 255))
        self._band.hide()
        scene.addItem(self._band)

    # --- zoom ----------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self.auto_fit = False
        self.scale(self.ZOOM_STEP, self.ZOOM_STEP)

    def zoom_out(self) -> None:
        self.auto_fit = False
        self.scale(1 / self.ZOOM_STEP, 1 / self.ZOOM_STEP)

    def content_rect(self) -> QRectF:
        return self.scene().itemsBoundingRect()

    def zoom_fit(self) -> None:
        """Show all content; until the user zooms, the view keeps fitting as it is resized."""
        self.auto_fit = True
        rect = self.content_rect()
        if rect.isEmpty():
            return
        margin = max(rect.width(), rect.height()) * 0.03
        self.fitInView(rect.adjusted(-margin, -margin, margin, margin), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.zoom_fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier or not self.verticalScrollBar().isVisible():
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # --- feedback ------------------------------------------------------------------------------
    def show_fit(self, rect: QRectF, fit: Fit, label: str, at: QPoint) -> None:
        self.ghost.show_at(rect, fit, label)
        if fit.ok:
            QToolTip.hideText()
            self.status_text.emit(label)
        else:
            QToolTip.showText(self.viewport().mapToGlobal(at), fit.reason, self.viewport())
            self.status_text.emit(f"Cannot place here: {fit.reason}")

    def hide_ghost(self) -> None:
        self.ghost.hide()
        QToolTip.hideText()

    # --- palette drops ---------------------------------------------------------------------------
    def preview_drop(self, payload: tuple[str, str], pos: QPointF) -> tuple[QRectF, Fit, str]:
        """(ghost rectangle, fit, label) for dropping `payload` at scene point `pos`."""
        raise NotImplementedError

    def commit_drop(self, payload: tuple[str, str], pos: QPointF) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event) -> None:
        self._payload = mime.decode(event.mimeData())
        if self._payload is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self._drag_feedback(event)

    def dragMoveEvent(self, event) -> None:
        if self._payload is None:
            event.ignore()
            return
        ok = bool(self._drag_feedback(event))
        event.setAccepted(ok)
        if ok:
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._payload = None
        self.hide_ghost()

    @guarded
    def _drag_feedback(self, event) -> bool:
        at = event.position().toPoint()
        rect, fit, label = self.preview_drop(self._payload, self.mapToScene(at))
        self.show_fit(rect, fit, label, at)
        return fit.ok

    def dropEvent(self, event) -> None:
        payload = mime.decode(event.mimeData()) or self._payload
        self._payload = None
        self.hide_ghost()
        if payload is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self._drop(payload, self.mapToScene(event.position().toPoint()))

    @guarded
    def _drop(self, payload: tuple[str, str], pos: QPointF) -> None:
        _rect, fit, _label = self.preview_drop(payload, pos)
        if not fit.ok:
            self.status_text.emit(f"Not placed: {fit.reason}")
            return
        self.commit_drop(payload, pos)

    # --- mouse: rubber band or a move-drag (subclasses start them on press) --------------------------
    def report_cursor(self, pos: QPointF) -> None:
        """Tell the status bar where the pointer is, in domain terms."""

    def drag_to(self, pos: QPointF) -> None:
        raise NotImplementedError

    def commit_move(self, move) -> None:
        raise NotImplementedError

    def hit_object(self, pos: QPointF):
        """The selectable thing under scene point `pos`, or None (then a rubber band starts)."""
        raise NotImplementedError

    def toggle_selected(self, hit) -> None:
        raise NotImplementedError

    def begin_move(self, hit, pos: QPointF) -> None:
        """Select `hit` (alone, unless already selected) and set `self._move` for a drag."""
        raise NotImplementedError

    def handle_press(self, pos: QPointF) -> bool:
        """Handle a press on something that is not an object (a close box); True if handled."""
        return False

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        pos = self.mapToScene(event.position().toPoint())
        if self.handle_press(pos):
            return
        hit = self.hit_object(pos)
        toggle = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        if hit is None:
            if not toggle:
                self.scene().clearSelection()
            self.start_band(pos)
        elif toggle:
            self.toggle_selected(hit)
        else:
            guarded(self.begin_move)(hit, pos)

    def mouseMoveEvent(self, event) -> None:
        pos = self.mapToScene(event.position().toPoint())
        self.report_cursor(pos)
        if self.band_active():
            self.update_band(pos)
        elif self._move is None:
            super().mouseMoveEvent(event)
        else:
            guarded(self.drag_to)(pos)

    def mouseReleaseEvent(self, event) -> None:
        if self.band_active():
            self.finish_band(event)
            return
        move, self._move = self._move, None
        if move is None:
            super().mouseReleaseEvent(event)
        elif move.moved:
            guarded(self.commit_move)(move)

    # --- rubber band -----------------------------------------------------------------------------
    def start_band(self, pos: QPointF) -> None:
        self._band_origin = pos
        self._band.setRect(QRectF(pos, pos))
        self._band.show()

    def band_active(self) -> bool:
        return self._band_origin is not None

    def update_band(self, pos: QPointF) -> None:
        self._band.setRect(QRectF(self._band_origin, pos).normalized())

    def finish_band(self, event) -> None:
        rect = self._band.rect()
        self._band.hide()
        self._band_origin = None
        scale = self.transform().m11()
        if rect.width() * scale < 3 and rect.height() * scale < 3:
            return
        additive = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        self.select_in_rect(rect, additive)

    def select_in_rect(self, rect: QRectF, additive: bool) -> None:
        raise NotImplementedError


def selectable(item: QGraphicsItem, movable: bool = False) -> None:
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
    if movable:
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable, True)
