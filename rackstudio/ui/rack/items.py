"""Items of the elevation view, in scene pixels (elevation_layout): the rack frame (header,
unit numbers as the rack type prints them, both faces, 0U side channels), devices coloured by
category, their hatched shadow on the other face when full-depth, 0U side devices, and child
devices drawn in their parent's bays."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyle

from rackstudio.model.design import Design
from rackstudio.reports.totals import RackSummary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.canvas import BAD_COLOUR, SELECT_COLOUR, category_colour

CLOSE_BOX = 16.0


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(1, int(px)))
    font.setBold(bold)
    return font


class RackFrameItem(QGraphicsItem):
    """One open rack's frame; devices are separate items on top of it."""

    def __init__(self, block: lay.RackBlock):
        super().__init__()
        self.block = block
        self.rack_id = block.rack_id
        self.title = ""
        self.subtitle = ""
        self.unit_labels: list[str] = []
        self.setZValue(0)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def update_from(self, design: Design, summary: RackSummary) -> None:
        rack = design.racks[self.rack_id]
        rt = design.rack_type_of(rack)
        self.title = rack.name
        budget = f" / {summary.budget_w / 1000:.1f}" if summary.budget_w else ""
        self.subtitle = (f"{rt.model} · {summary.used_u:g}/{summary.total_u} U · "
                         f"{summary.power_w / 1000:.1f}{budget} kW · {summary.weight_kg:.0f} kg")
        self.unit_labels = [f"{rt.unit_label(i):g}" for i in range(1, rt.u_height + 1)]
        self.update()

    def boundingRect(self) -> QRectF:
        x, y, w, h = self.block.rect()
        return QRectF(x - 2, y - 2, w + 4, h + 4)

    def close_rect(self) -> QRectF:
        x, y, w, _ = self.block.rect()
        return QRectF(x + w - CLOSE_BOX - 2, y + 4, CLOSE_BOX, CLOSE_BOX)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        b = self.block
        x, y, w, h = b.rect()
        painter.setPen(QColor(30, 30, 40))
        painter.setFont(_font(15, bold=True))
        painter.drawText(QRectF(x, y + 2, w - CLOSE_BOX - 6, 20), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(_font(11))
        painter.setPen(QColor(80, 80, 90))
        painter.drawText(QRectF(x, y + 22, w, 16), Qt.AlignmentFlag.AlignLeft, self.subtitle)
        close = self.close_rect()
        painter.drawRect(close)
        painter.drawLine(close.topLeft() + QPointF(4, 4), close.bottomRight() - QPointF(4, 4))
        painter.drawLine(close.topRight() + QPointF(-4, 4), close.bottomLeft() + QPointF(4, -4))
        for face in ("front", "rear"):
            fx, fy, fw, fh = b.face_rect(face)
            painter.setPen(QPen(QColor(60, 60, 70), 2))
            painter.setBrush(QColor(250, 250, 252))
            painter.drawRect(QRectF(fx, fy, fw, fh))
            painter.setPen(QPen(QColor(228, 228, 234), 1))
            for i in range(1, b.u_height):
                yy = fy + i * lay.UNIT_PX
                painter.drawLine(QPointF(fx, yy), QPointF(fx + fw, yy))
            painter.setPen(QColor(60, 60, 70))
            painter.setFont(_font(12, bold=True))
            label = "Front" if face == "front" else "Rear (seen from behind)"
            painter.drawText(QRectF(fx, fy + fh + 3, fw, lay.FOOTER - 4), Qt.AlignmentFlag.AlignCenter, label)
        for side in ("left", "right"):
            sx, sy, sw, sh = b.side_rect(side)
            painter.setPen(QPen(QColor(150, 150, 160), 1, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(238, 238, 242))
            painter.drawRect(QRectF(sx, sy, sw, sh))
        painter.setFont(_font(10))
        painter.setPen(QColor(90, 90, 100))
        for face in ("front", "rear"):
            nx = b.numbers_x(face)
            for i, text in enumerate(self.unit_labels, start=1):
                top = b.unit_y(i) - lay.UNIT_PX
                painter.drawText(QRectF(nx, top, lay.NUM_W - 3, lay.UNIT_PX),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)


class DeviceItem(QGraphicsItem):
    """A device on one face (or its hatched shadow on the other face when full-depth), or a 0U
    device in a side channel, or a child device in a parent's bay (as a child item)."""

    def __init__(self, device_id: str, rack_id: str, role: str = "face"):
        super().__init__()
        self.obj_id = device_id
        self.rack_id = rack_id
        self.role = role  # "face", "shadow", "side" or "bay"
        self.size = (10.0, 10.0)
        self.name = ""
        self.model = ""
        self.category = "other"
        self.bays: list[tuple[str, QRectF]] = []  # for parents: bay name and its rect (local)
        self.blocked = ""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(5 if role != "shadow" else 3)
        if role == "bay":
            self.setZValue(6)

    def set_rect(self, rect: tuple[float, float, float, float]) -> None:
        x, y, w, h = rect
        if (w, h) != self.size:
            self.prepareGeometryChange()
            self.size = (w, h)
        self.setPos(x, y)

    def set_device(self, design: Design, device_id: str) -> None:
        device = design.devices[device_id]
        part = design.part_of(device)
        self.name, self.model, self.category = device.name, part.model, str(part.category)
        where = "" if device.position is None else (
            f" at U{design.rack_type_of(design.racks[device.rack]).unit_label(device.position):g} {device.face}"
            if device.rack in design.racks else "")
        shadow = " (full-depth, mounted on the other face)" if self.role == "shadow" else ""
        self.setToolTip(f"{device.name}: {part.manufacturer} {part.model}{where}{shadow}")

    def set_blocked(self, reason: str) -> None:
        if reason != self.blocked:
            self.blocked = reason
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-1, -1, self.size[0] + 2, self.size[1] + 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        rect = QRectF(0.5, 0.5, self.size[0] - 1, self.size[1] - 1)
        colour = category_colour(self.category)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if self.role == "shadow":
            painter.setBrush(QBrush(QColor(225, 225, 230)))
            painter.setPen(QPen(QColor(150, 150, 160), 1))
            painter.drawRect(rect)
            painter.setBrush(QBrush(colour.lighter(120), Qt.BrushStyle.BDiagPattern))
        else:
            painter.setBrush(QBrush(colour.lighter(135)))
        pen = QPen(BAD_COLOUR if self.blocked else SELECT_COLOUR if selected else colour.darker(160))
        pen.setWidthF(3 if selected or self.blocked else 1)
        painter.setPen(pen)
        painter.drawRect(rect)
        for name, bay in self.bays:
            painter.setPen(QPen(QColor(110, 110, 120), 1, Qt.PenStyle.DotLine))
            painter.setBrush(QColor(255, 255, 255, 120))
            painter.drawRect(bay)
            painter.setFont(_font(8))
            painter.drawText(bay.adjusted(2, 1, -2, -1), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, name)
        painter.setPen(QColor(120, 120, 130) if self.role == "shadow" else QColor(15, 15, 25))
        if self.role == "side":
            painter.save()
            painter.translate(rect.center())
            painter.rotate(-90)
            painter.setFont(_font(min(11, rect.width() * 0.55)))
            length = rect.height()
            painter.drawText(QRectF(-length / 2, -rect.width() / 2, length, rect.width()),
                             Qt.AlignmentFlag.AlignCenter, self.name)
            painter.restore()
            return
        if self.bays:
            return
        px = min(12.0, max(rect.height() * 0.62, 6.0))
        painter.setFont(_font(px, bold=self.role == "face"))
        text = self.name if self.role == "shadow" else f"{self.name}  {self.model}"
        if rect.height() >= 2 * lay.UNIT_PX and self.role == "face":
            text = f"{self.name}\n{self.model}"
        metrics_width = rect.width() - 6
        painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(metrics_width))
                         if "\n" not in text else text)

    def bay_at(self, local: QPointF) -> str | None:
        for name, rect in self.bays:
            if rect.contains(local):
                return name
        return None

    def bay_rect(self, bay: str) -> QRectF | None:
        for name, rect in self.bays:
            if name == bay:
                return rect
        return None


def layout_bays(names: list[str], size: tuple[float, float]) -> list[tuple[str, QRectF]]:
    """Bays side by side across a parent's face (two rows when there are more than eight)."""
    if not names:
        return []
    rows = 2 if len(names) > 8 else 1
    per_row = -(-len(names) // rows)
    w = (size[0] - 4) / per_row
    h = (size[1] - 4) / rows
    return [(name, QRectF(2 + (i % per_row) * w, 2 + (i // per_row) * h, w, h)) for i, name in enumerate(names)]
