"""What the hall view and the elevation view share: zoom (wheel with Ctrl, keys, fit), the
drag ghost that shows the fit predicate's answer (green, or red with the reason as tooltip
and status text) and, when it fits, what the drop would break according to the checks (amber
for new warnings, red for new errors, asked once per target), and the small palette used to
draw categories, fit states, check markers and failure-simulation states."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsView, QToolTip

from rackstudio.checks import Finding, Severity
from rackstudio.commands import Command, Fit, Refused
from rackstudio.ui import mime
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded

OK_COLOUR = QColor(46, 160, 67)
BAD_COLOUR = QColor(215, 58, 73)
SELECT_COLOUR = QColor(255, 170, 0)
WARN_COLOUR = QColor(232, 140, 0)
DARK_FILL = QColor(58, 60, 66)
DARK_TEXT = QColor(200, 200, 205)

CATEGORY_COLOURS = {
    "server": QColor(84, 130, 196), "switch": QColor(72, 166, 142), "pdu": QColor(208, 140, 58),
    "power-shelf": QColor(196, 112, 64), "ups": QColor(176, 96, 64), "cdu": QColor(70, 150, 200),
    "manifold": QColor(96, 170, 216), "cooler": QColor(120, 190, 220), "patch-panel": QColor(150, 150, 160),
    "cable-manager": QColor(128, 128, 136), "blank": QColor(205, 205, 210), "storage": QColor(140, 110, 180),
    "other": QColor(160, 160, 150),
}


def category_colour(category: str) -> QColor:
    return CATEGORY_COLOURS.get(str(category), CATEGORY_COLOURS["other"])


def marker_colour(marker) -> QColor | None:
    """The outline colour of a check marker (ui.live_checks.Marker): red for errors, amber for warnings."""
    if marker is None:
        return None
    return BAD_COLOUR if marker.is_error else WARN_COLOUR


def paint_badge(painter: QPainter, top_right: QPointF, size: float, marker) -> None:
    """A check marker's badge inside an item's top-right corner (a red disc for errors, an amber
    triangle for warnings, each with "!"), so a marked item reads apart from a selected one."""
    colour = marker_colour(marker)
    if colour is None or size <= 0:
        return
    painter.save()
    box = QRectF(top_right.x() - size * 1.15, top_right.y() + size * 0.15, size, size)
    painter.setPen(QPen(QColor(255, 255, 255), size * 0.08))
    painter.setBrush(colour)
    if marker.is_error:
        painter.drawEllipse(box)
    else:
        painter.drawPolygon(QPolygonF([QPointF(box.center().x(), box.top()), box.bottomRight(), box.bottomLeft()]))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(1, int(size * 0.72)))
    painter.setFont(font)
    painter.setPen(QColor(255, 255, 255))
    painter.drawText(box.adjusted(0, size * (0.12 if not marker.is_error else 0), 0, 0), Qt.AlignmentFlag.AlignCenter, "!")
    painter.restore()


def paint_sim_state(painter: QPainter, rect: QRectF, state: str | None, width: float = 1.0) -> None:
    """The failure-simulation look over an item already painted: dark grey (no power or cooling),
    amber hatch (running on fewer paths), dark with a red cross (the failed element)."""
    if state is None:
        return
    painter.save()
    if state in ("dark", "failed"):
        shade = QColor(DARK_FILL)
        shade.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(shade)
        painter.drawRect(rect)
    if state == "degraded":
        wash = QColor(WARN_COLOUR)
        wash.setAlpha(60)
        amber = QColor(WARN_COLOUR)
        amber.setAlpha(200)  # the label stays readable through the hatch
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(wash)
        painter.drawRect(rect)
        painter.setBrush(QBrush(amber, Qt.BrushStyle.BDiagPattern))
        painter.drawRect(rect)
        pen = QPen(WARN_COLOUR)
        pen.setWidthF(2.5 * width)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
    if state == "failed":
        pen = QPen(BAD_COLOUR)
        pen.setWidthF(3 * width)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        painter.drawLine(QLineF(rect.topLeft(), rect.bottomRight()))
        painter.drawLine(QLineF(rect.topRight(), rect.bottomLeft()))
    painter.restore()


@dataclass(frozen=True)
class Consequence:
    """What a drop that fits would add to the findings (the checks' preview)."""

    findings: tuple[Finding, ...] = ()

    @property
    def level(self) -> str | None:
        """"error", "warning" or None (nothing worth saying)."""
        severities = {f.severity for f in self.findings if f.counts}
        if Severity.ERROR in severities:
            return "error"
        return "warning" if Severity.WARNING in severities else None

    def lines(self, limit: int = 4) -> list[str]:
        shown = [f for f in self.findings if f.counts and f.severity != Severity.INFO]
        out = [f"{f.rule} {f.severity.value}: {f.message}" for f in shown[:limit]]
        if len(shown) > limit:
            out.append(f"… and {len(shown) - limit} more")
        return out

    def text(self) -> str:
        return "Would add: " + "; ".join(self.lines()) if self.level else ""


class GhostItem(QGraphicsRectItem):
    """The drop preview: a translucent box coloured by the fit predicate."""

    def __init__(self):
        super().__init__()
        self.setZValue(1000)
        self.fit = Fit(True)
        self.label = ""
        self.consequence: Consequence | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.hide()

    def show_at(self, rect: QRectF, fit: Fit, label: str = "", consequence: Consequence | None = None) -> None:
        self.fit, self.label = fit, label
        self.consequence = consequence if fit.ok else None
        level = self.consequence.level if self.consequence is not None else None
        colour = BAD_COLOUR if not fit.ok or level == "error" else WARN_COLOUR if level == "warning" else OK_COLOUR
        fill = QColor(colour)
        fill.setAlpha(90)
        self.setRect(rect)
        self.setBrush(QBrush(fill))
        pen = QPen(colour, 2)
        pen.setCosmetic(True)
        if level is not None:
            pen.setStyle(Qt.PenStyle.DashLine)  # it fits, but the checks object
        self.setPen(pen)
        self.setToolTip(fit.reason or "\n".join([label, *(self.consequence.lines() if level else [])]))
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

    def __init__(self, scene, editor: EditorContext, parent=None):
        super().__init__(scene, parent)
        self.editor = editor
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
        self._preview_key: Hashable | None = None  # the drop target last previewed by the checks
        self._preview_result: Consequence | None = None
        self._move = None  # the move-drag in progress (the subclass's own record), if any
        self._pressed = None  # the object pressed for that drag
        self._band_origin: QPointF | None = None
        self._band = QGraphicsRectItem()
        self._band.setZValue(2000)
        self._band.setBrush(QColor(80, 140, 255, 40))
        self._band.setPen(QColor(80, 140, 255))
        self._band.hide()
        scene.addItem(self._band)

    # --- zoom ----------------------------------------------------------------------------------
    @property
    def auto_fit(self) -> bool:
        """Whether the view keeps fitting its content as it is resized (until the user zooms).

        While it does, the scroll bars are off: everything is in view, and a scroll bar shown
        or hidden by a fit would resize the viewport, refit, and hide or show it again, for
        ever (the app froze; found by the GUI monkey test)."""
        return self._auto_fit

    @auto_fit.setter
    def auto_fit(self, on: bool) -> None:
        self._auto_fit = on
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

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
    def show_fit(self, rect: QRectF, fit: Fit, label: str, at: QPoint,
                 consequence: Consequence | None = None) -> None:
        self.ghost.show_at(rect, fit, label, consequence)
        if fit.ok and consequence is not None and consequence.level:
            QToolTip.showText(self.viewport().mapToGlobal(at), self.ghost.toolTip(), self.viewport())
            self.status_text.emit(f"{label} — {consequence.text()}")
        elif fit.ok:
            QToolTip.hideText()
            self.status_text.emit(label)
        else:
            QToolTip.showText(self.viewport().mapToGlobal(at), fit.reason, self.viewport())
            self.status_text.emit(f"Cannot place here: {fit.reason}")

    def hide_ghost(self) -> None:
        self.ghost.hide()
        QToolTip.hideText()
        self._preview_key = None

    # --- what a drop would break (the checks' preview, once per target) ----------------------------
    def drop_command(self, payload: tuple[str, str], pos: QPointF) -> tuple[Hashable, Command] | None:
        """(target key, command) a drop of `payload` at `pos` would run, for the checks' preview;
        None when there is nothing to preview. The key changes only when the target does."""
        return None

    def drop_consequences(self, payload: tuple[str, str], pos: QPointF) -> Consequence | None:
        """What the drop would add to the findings, asked of the check engine at most once per
        target (unit, face, rack) while dragging; None before the first full check or for a refused command."""
        live_checks = self.editor.live_checks
        engine = live_checks.engine
        if engine is None:
            return None
        planned = self.drop_command(payload, pos)
        if planned is None:
            return None
        key, command = planned
        if key == self._preview_key:
            return self._preview_result
        try:
            result = Consequence(tuple(live_checks.news(engine.preview(command))))
        except Refused:
            result = None
        self._preview_key, self._preview_result = key, result
        return result

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
        pos = self.mapToScene(at)
        rect, fit, label = self.preview_drop(self._payload, pos)
        consequence = self.drop_consequences(self._payload, pos) if fit.ok else None
        self.show_fit(rect, fit, label, at, consequence)
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
            self._pressed = hit
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
        pressed, self._pressed = self._pressed, None
        if move is None:
            super().mouseReleaseEvent(event)
        elif move.moved:
            guarded(self.commit_move)(move)
        elif pressed is not None:  # a click on one of many selected (after Select All): it alone
            self.scene().select_only(pressed)

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
