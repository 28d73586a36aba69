"""Items of the floor plan, in hall mm: the tile grid, the aisle shading, ONE item per rack
(name, fill bar and power bar painted inside it — never an item per device), floor equipment
(CDUs, in-row coolers) and cable bundles between racks for the overlay.

Racks and floor items use a device-coordinate cache and draw less when zoomed out
(performance-reliability.md: a Python paint costs ~9 µs an item).
"""
from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyle, QStyleOptionGraphicsItem

from rackstudio.model.design import Design, Hall
from rackstudio.model.floor import Strip, column_name
from rackstudio.reports.totals import RackSummary
from rackstudio.ui.canvas import BAD_COLOUR, SELECT_COLOUR, category_colour

_FRONT_EDGE = {"N": "top", "S": "bottom", "E": "right", "W": "left"}
FRONT_PEN = QColor(30, 60, 140)
COLD = QColor(80, 150, 255, 55)
HOT = QColor(255, 110, 80, 55)
KIND_COLOURS = {"power": QColor(200, 60, 40), "network": QColor(40, 90, 200), "coolant": QColor(0, 160, 170)}


def _lod(painter: QPainter, option: QStyleOptionGraphicsItem) -> float:
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


def _fit_text(painter: QPainter, rect: QRectF, text: str, lod: float, px: float = 12.0, bold: bool = False) -> None:
    """Text about `px` screen pixels high, shrunk until it fits `rect` (scene units are mm)."""
    size = min(px / max(lod, 1e-6), rect.height() * 0.45)
    font = QFont()
    font.setBold(bold)
    font.setPixelSize(max(1, int(size)))
    width = QFontMetricsF(font).horizontalAdvance(text)
    if width > rect.width() * 0.92:
        size *= rect.width() * 0.92 / width
    if size * lod < 5:
        return
    font.setPixelSize(max(1, int(size)))
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _front_line(rect: QRectF, facing: str) -> QLineF:
    edge = _FRONT_EDGE.get(facing, "bottom")
    if edge == "top":
        return QLineF(rect.topLeft(), rect.topRight())
    if edge == "bottom":
        return QLineF(rect.bottomLeft(), rect.bottomRight())
    if edge == "left":
        return QLineF(rect.topLeft(), rect.bottomLeft())
    return QLineF(rect.topRight(), rect.bottomRight())


class FloorObjectItem(QGraphicsItem):
    """Base for things standing on the floor: a box with a front edge, movable by the view."""

    def __init__(self, obj_id: str):
        super().__init__()
        self.obj_id = obj_id
        self.size = (600.0, 1200.0)
        self.facing = "S"
        self.blocked = ""  # why the current drag position is refused
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)

    def set_box(self, box: tuple[float, float, float, float], facing: str) -> None:
        size = (box[2] - box[0], box[3] - box[1])
        if size != self.size:
            self.prepareGeometryChange()
            self.size = size
        self.facing = facing
        self.setPos(box[0], box[1])
        self.update()

    def set_blocked(self, reason: str) -> None:
        if reason != self.blocked:
            self.blocked = reason
            self.setToolTip(reason or self.describe())
            self.update()

    def describe(self) -> str:
        return ""

    def body(self) -> QRectF:
        return QRectF(0, 0, *self.size)

    def boundingRect(self) -> QRectF:
        return self.body().adjusted(-40, -40, 40, 40)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.body())
        return path

    def paint_frame(self, painter: QPainter, option, fill: QColor) -> float:
        lod = _lod(painter, option)
        rect = self.body()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setBrush(QBrush(fill))
        pen = QPen(BAD_COLOUR if self.blocked else (SELECT_COLOUR if selected else QColor(60, 60, 70)))
        pen.setWidthF((3.0 if selected or self.blocked else 1.0) / max(lod, 1e-6))
        painter.setPen(pen)
        painter.drawRect(rect)
        front = QPen(FRONT_PEN)
        front.setWidthF(max(3.0 / max(lod, 1e-6), 40.0))
        front.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(front)
        line = _front_line(rect.adjusted(20, 20, -20, -20), self.facing)
        painter.drawLine(line)
        return lod


class RackItem(FloorObjectItem):
    """One rack: footprint, front edge, name, a fill bar (units used) and a power bar (allocated
    draw against the rack's budget). Double-click opens its elevation (the view handles it)."""

    def __init__(self, rack_id: str):
        super().__init__(rack_id)
        self.setZValue(10)
        self.name = ""
        self.type_name = ""
        self.summary: RackSummary | None = None

    def update_from(self, design: Design, box, summary: RackSummary) -> None:
        rack = design.racks[self.obj_id]
        self.name = rack.name
        self.type_name = design.rack_type_of(rack).model
        self.summary = summary
        self.set_box(box, rack.facing)
        self.setToolTip(self.describe())

    def describe(self) -> str:
        s = self.summary
        if s is None:
            return self.name
        budget = f" of {s.budget_w / 1000:.1f} kW" if s.budget_w else ""
        return (f"{self.name} ({self.type_name}), facing {self.facing}\n"
                f"{s.used_u:g} of {s.total_u} U used\n{s.power_w / 1000:.1f} kW allocated{budget}\n"
                f"{s.weight_kg:.0f} kg")

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = self.paint_frame(painter, option, QColor(236, 238, 242))
        if lod * min(self.size) < 10 or self.summary is None:
            return
        rect = self.body().adjusted(60, 60, -60, -60)
        bar_h = min(rect.height() * 0.1, 9 / max(lod, 1e-6))
        gap = bar_h * 0.5
        bars = QRectF(rect.left(), rect.bottom() - 2 * bar_h - gap, rect.width(), 2 * bar_h + gap)
        text_rect = QRectF(rect.left(), rect.top(), rect.width(), bars.top() - rect.top())
        painter.setPen(QColor(20, 20, 30))
        s = self.summary
        if text_rect.height() * lod > 70:  # room for a second line when zoomed in
            half = text_rect.height() / 2
            _fit_text(painter, QRectF(text_rect.left(), text_rect.top(), text_rect.width(), half), self.name, lod, 13,
                      bold=True)
            painter.setPen(QColor(70, 70, 80))
            _fit_text(painter, QRectF(text_rect.left(), text_rect.top() + half * 0.8, text_rect.width(), half * 0.6),
                      f"{s.used_u:g}/{s.total_u} U · {s.power_w / 1000:.1f} kW", lod, 10)
        else:
            _fit_text(painter, text_rect, self.name, lod, 13, bold=True)
        share = s.power_share
        power_colour = (QColor(120, 120, 120) if share is None else BAD_COLOUR if share > 1
                        else QColor(230, 160, 30) if share > 0.9 else QColor(60, 170, 80))
        for i, (value, colour) in enumerate(((s.fill, QColor(70, 110, 200)),
                                             (min(share or 0.0, 1.0), power_colour))):
            bar = QRectF(bars.left(), bars.top() + i * (bar_h + gap), bars.width(), bar_h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(205, 208, 215))
            painter.drawRect(bar)
            painter.setBrush(colour)
            painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * max(0.0, min(value, 1.0)), bar.height()))


class FloorDeviceItem(FloorObjectItem):
    """A CDU, in-row cooler or other equipment standing on the floor."""

    def __init__(self, device_id: str):
        super().__init__(device_id)
        self.setZValue(9)
        self.name = ""
        self.model = ""
        self.category = "other"

    def update_from(self, design: Design, box) -> None:
        device = design.devices[self.obj_id]
        part = design.part_of(device)
        self.name, self.model, self.category = device.name, part.model, str(part.category)
        self.set_box(box, device.facing)
        self.setToolTip(self.describe())

    def describe(self) -> str:
        return f"{self.name} ({self.model}), facing {self.facing}"

    def paint(self, painter: QPainter, option, widget=None) -> None:
        fill = QColor(category_colour(self.category)).lighter(150)
        lod = self.paint_frame(painter, option, fill)
        painter.setPen(QColor(20, 20, 30))
        _fit_text(painter, self.body().adjusted(40, 40, -40, -40), self.name, lod, 11)


class FloorGridItem(QGraphicsItem):
    """The hall outline, its tile grid and tile names (columns A.., rows 1..)."""

    def __init__(self):
        super().__init__()
        self.hall: Hall | None = None
        self.setZValue(-20)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_hall(self, hall: Hall | None) -> None:
        self.prepareGeometryChange()
        self.hall = hall
        self.update()

    def boundingRect(self) -> QRectF:
        if self.hall is None:
            return QRectF()
        margin = max(self.hall.tile_mm * 1.2, 700)
        return QRectF(-margin, -margin, self.hall.width_mm + 2 * margin, self.hall.depth_mm + 2 * margin)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        hall = self.hall
        if hall is None:
            return
        lod = _lod(painter, option)
        floor = QRectF(0, 0, hall.width_mm, hall.depth_mm)
        painter.fillRect(floor, QColor(250, 250, 247))
        tile = hall.tile_mm
        every = 1
        while tile * every * lod < 7:
            every *= 5
        pen = QPen(QColor(222, 222, 218))
        pen.setCosmetic(True)
        painter.setPen(pen)
        cols = int(hall.width_mm // tile)
        rows = int(hall.depth_mm // tile)
        for c in range(0, cols + 1, every):
            painter.drawLine(QPointF(c * tile, 0), QPointF(c * tile, hall.depth_mm))
        for r in range(0, rows + 1, every):
            painter.drawLine(QPointF(0, r * tile), QPointF(hall.width_mm, r * tile))
        outline = QPen(QColor(90, 90, 100))
        outline.setWidthF(2.0)
        outline.setCosmetic(True)
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(floor)
        label_every = every
        while tile * label_every * lod < 22:
            label_every = label_every * 2 if label_every > 1 else 2
        painter.setPen(QColor(120, 120, 128))
        for c in range(0, cols, label_every):
            _fit_text(painter, QRectF(c * tile, -tile, tile, tile * 0.9), column_name(c), lod, 10)
        for r in range(0, rows, label_every):
            _fit_text(painter, QRectF(-tile, r * tile, tile * 0.9, tile), str(r + 1), lod, 10)


class AisleLayerItem(QGraphicsItem):
    """Cold (blue) and hot (red) aisle shading; where they overlap (a rack turned the wrong way)
    the colours mix and show it."""

    def __init__(self):
        super().__init__()
        self.strips: list[Strip] = []
        self._rect = QRectF()
        self.setZValue(-10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_strips(self, strips: list[Strip]) -> None:
        self.prepareGeometryChange()
        self.strips = strips
        rect = QRectF()
        for s in strips:
            rect = rect.united(QRectF(QPointF(s.box[0], s.box[1]), QPointF(s.box[2], s.box[3])))
        self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for s in self.strips:
            painter.setBrush(COLD if s.kind == "cold" else HOT)
            painter.drawRect(QRectF(QPointF(s.box[0], s.box[1]), QPointF(s.box[2], s.box[3])))


class CableBundleItem(QGraphicsPathItem):
    """The connections of one kind between two floor objects, drawn as one curve; selecting it
    selects those connections (Delete removes them)."""

    def __init__(self, key: tuple[str, str, str]):
        super().__init__()
        self.key = key
        self.conn_ids: list[str] = []
        self.setZValue(20)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)

    def set_ends(self, a: QPointF, b: QPointF, conn_ids: list[str], text: str) -> None:
        self.conn_ids = sorted(conn_ids)
        path = QPainterPath(a)
        mid = (a + b) / 2
        normal = QPointF(-(b - a).y(), (b - a).x()) * 0.12
        path.quadTo(mid + normal, b)
        self.setPath(path)
        colour = QColor(KIND_COLOURS.get(self.key[2], QColor(90, 90, 90)))
        colour.setAlpha(170)
        pen = QPen(colour)
        pen.setCosmetic(True)
        pen.setWidthF(min(1.0 + len(conn_ids) ** 0.5 / 2, 5))
        self.setPen(pen)
        self.setToolTip(text)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(self.pen())
            pen.setColor(SELECT_COLOUR)
            pen.setWidthF(pen.widthF() + 2)
            painter.setPen(pen)
            painter.drawPath(self.path())
            return
        painter.setPen(self.pen())
        painter.drawPath(self.path())

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(120)
        return stroker.createStroke(self.path())
