"""Painters of the floor plan, in hall mm, shared by the hall view's items and the exporters
(SVG, PNG, PDF) and the presentation: the tile grid, aisle shading, a rack's footprint with its
name, fill bar and power bar, and floor equipment. Sizes of text and lines follow the painter's
level of detail, so the same code draws at any zoom and on paper (a PDF painter at 72 dpi
reads 1 unit = 1 pt)."""
from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from rackstudio.checks.metrics import MetricsSource
from rackstudio.model import geometry
from rackstudio.model.design import Design, Hall
from rackstudio.model.floor import Strip, aisle_strips, column_name
from rackstudio.reports.totals import Bar, RackSummary, rack_summary
from rackstudio.ui.canvas import BAD_COLOUR, OK_COLOUR, SELECT_COLOUR, WARN_COLOUR, category_colour

_FRONT_EDGE = {"N": "top", "S": "bottom", "E": "right", "W": "left"}
FRONT_PEN = QColor(30, 60, 140)
COLD = QColor(80, 150, 255, 55)
HOT = QColor(255, 110, 80, 55)
RACK_FILL = QColor(236, 238, 242)
FILL_BAR = QColor(70, 110, 200)
# An instance of a rack design is tinted by its design (light, apart from the findings' and the
# simulation's reds and oranges), so a hall of a few designs reads at a glance; an instance with
# overrides carries a corner mark in OVERRIDDEN.
DESIGN_TINTS = tuple(QColor(*rgb) for rgb in ((200, 222, 252), (204, 238, 212), (228, 208, 246), (250, 232, 190),
                                              (192, 236, 238), (246, 210, 228), (224, 232, 192), (252, 218, 196)))
OVERRIDDEN = QColor(120, 40, 170)


@lru_cache(maxsize=256)
def design_fill(slug: str) -> QColor:
    """The tint of a rack design's instances: the same for a slug in every session and file
    (one shared colour object per slug: do not modify)."""
    return DESIGN_TINTS[zlib.crc32(slug.encode()) % len(DESIGN_TINTS)]


def paint_override_mark(painter: QPainter, size: tuple[float, float], lod: float) -> None:
    """A small filled corner at the top left of a rack on the floor (its north-west corner) or of a
    device in an elevation: this instance, or this device of it, departs from its rack design."""
    side = min(14.0 / max(lod, 1e-6), min(size) * 0.3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(OVERRIDDEN)
    painter.drawPolygon([QPointF(0, 0), QPointF(side, 0), QPointF(0, side)])


def lod_of(painter: QPainter) -> float:
    """Device units per scene unit of the painter's current transform."""
    return QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


MIN_TEXT_PX = 5  # text smaller than this on screen is not drawn


@lru_cache(maxsize=512)
def _font(pixel_size: int, bold: bool) -> tuple[QFont, QFontMetricsF]:
    """One font and its metrics per pixel size (a hall paints thousands of labels)."""
    font = QFont()
    font.setBold(bold)
    font.setPixelSize(pixel_size)
    return font, QFontMetricsF(font)


def fit_text(painter: QPainter, rect: QRectF, text: str, lod: float, px: float = 12.0, bold: bool = False) -> None:
    """Text about `px` screen pixels high, shrunk until it fits `rect` (scene units are mm);
    nothing when it would be too small to read."""
    size = min(px / max(lod, 1e-6), rect.height() * 0.45)
    if size * lod < MIN_TEXT_PX:  # shrinking to fit only makes it smaller
        return
    width = _font(max(1, int(size)), bold)[1].horizontalAdvance(text)
    if width > rect.width() * 0.92:
        size *= rect.width() * 0.92 / width
    if size * lod < MIN_TEXT_PX:
        return
    painter.setFont(_font(max(1, int(size)), bold)[0])
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def front_line(rect: QRectF, facing: str) -> QLineF:
    edge = _FRONT_EDGE.get(facing, "bottom")
    if edge == "top":
        return QLineF(rect.topLeft(), rect.topRight())
    if edge == "bottom":
        return QLineF(rect.bottomLeft(), rect.bottomRight())
    if edge == "left":
        return QLineF(rect.topLeft(), rect.bottomLeft())
    return QLineF(rect.topRight(), rect.bottomRight())


def paint_floor_box(painter: QPainter, size: tuple[float, float], facing: str, fill: QColor,
                    selected: bool = False, blocked: bool = False, outline: QColor | None = None) -> float:
    """A box standing on the floor with its front edge; returns the level of detail. `outline`
    (a finding's colour in the presentation) replaces the normal frame colour."""
    lod = lod_of(painter)
    rect = QRectF(0, 0, *size)
    painter.setBrush(QBrush(fill))
    colour = BAD_COLOUR if blocked else (SELECT_COLOUR if selected else outline or QColor(60, 60, 70))
    pen = QPen(colour)
    pen.setWidthF((3.0 if selected or blocked or outline is not None else 1.0) / max(lod, 1e-6))
    painter.setPen(pen)
    painter.drawRect(rect)
    front = QPen(FRONT_PEN)
    front.setWidthF(max(3.0 / max(lod, 1e-6), 40.0))
    front.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(front)
    painter.drawLine(front_line(rect.adjusted(20, 20, -20, -20), facing))
    return lod


FIGURES_LOD = 10  # pixels across a rack below which its text and bars are not drawn
BAR_COLOURS = {"ok": OK_COLOUR, "warning": WARN_COLOUR, "error": BAD_COLOUR, "unknown": QColor(120, 120, 120)}


def paint_rack(painter: QPainter, size: tuple[float, float], facing: str, name: str, summary: RackSummary | None,
               selected: bool = False, blocked: bool = False, fill: QColor = RACK_FILL,
               outline: QColor | None = None, bars: Sequence[Bar] | None = None) -> None:
    """One rack on the floor: footprint, front edge, name (and units and power when zoomed in), a
    fill bar (units used), a power bar (the load the checks count against the rack's budget) and a
    cooling bar (heat to air against its air cooling): `summary.bars()` unless `bars` are given."""
    lod = paint_floor_box(painter, size, facing, fill, selected, blocked, outline)
    if lod * min(size) < FIGURES_LOD or summary is None:
        return
    rect = QRectF(0, 0, *size).adjusted(60, 60, -60, -60)
    shown = [(summary.fill, FILL_BAR),
             *((min(b.ratio, 1.0), BAR_COLOURS[b.level]) for b in (bars if bars is not None else summary.bars()))]
    n = len(shown)
    bar_h = min(rect.height() * (0.2 / n), 9 / max(lod, 1e-6))
    gap = bar_h * 0.5
    area = QRectF(rect.left(), rect.bottom() - n * bar_h - (n - 1) * gap, rect.width(), n * bar_h + (n - 1) * gap)
    text_rect = QRectF(rect.left(), rect.top(), rect.width(), area.top() - rect.top())
    painter.setPen(QColor(20, 20, 30))
    s = summary
    if text_rect.height() * lod > 70:  # room for a second line when zoomed in
        half = text_rect.height() / 2
        fit_text(painter, QRectF(text_rect.left(), text_rect.top(), text_rect.width(), half), name, lod, 13, bold=True)
        painter.setPen(QColor(70, 70, 80))
        fit_text(painter, QRectF(text_rect.left(), text_rect.top() + half * 0.8, text_rect.width(), half * 0.6),
                 f"{s.used_u:g}/{s.total_u} U · {s.power_short()}", lod, 10)
    else:
        fit_text(painter, text_rect, name, lod, 13, bold=True)
    for i, (value, colour) in enumerate(shown):
        bar = QRectF(area.left(), area.top() + i * (bar_h + gap), area.width(), bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(205, 208, 215))
        painter.drawRect(bar)
        painter.setBrush(colour)
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * max(0.0, min(value, 1.0)), bar.height()))


@lru_cache(maxsize=64)
def floor_device_fill(category: str) -> QColor:
    """The fill of floor equipment of a category (one shared colour object each: do not modify)."""
    return QColor(category_colour(category)).lighter(150)


def paint_floor_device(painter: QPainter, size: tuple[float, float], facing: str, name: str, category: str,
                       selected: bool = False, blocked: bool = False) -> None:
    """A CDU, in-row cooler or other equipment standing on the floor."""
    fill = floor_device_fill(category)
    lod = paint_floor_box(painter, size, facing, fill, selected, blocked)
    painter.setPen(QColor(20, 20, 30))
    fit_text(painter, QRectF(0, 0, *size).adjusted(40, 40, -40, -40), name, lod, 11)


def grid_rect(hall: Hall) -> QRectF:
    """The floor and its tile-name margin."""
    margin = max(hall.tile_mm * 1.2, 700)
    return QRectF(-margin, -margin, hall.width_mm + 2 * margin, hall.depth_mm + 2 * margin)


def paint_floor_grid(painter: QPainter, hall: Hall) -> None:
    """The hall outline, its tile grid and tile names (columns A.., rows 1..), thinned out when
    zoomed out."""
    lod = lod_of(painter)
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
        fit_text(painter, QRectF(c * tile, -tile, tile, tile * 0.9), column_name(c), lod, 10)
    for r in range(0, rows, label_every):
        fit_text(painter, QRectF(-tile, r * tile, tile * 0.9, tile), str(r + 1), lod, 10)


def paint_aisles(painter: QPainter, strips: list[Strip]) -> None:
    """Cold (blue) and hot (red) aisle shading; where they overlap (a rack turned the wrong way)
    the colours mix and show it."""
    painter.setPen(Qt.PenStyle.NoPen)
    for s in strips:
        painter.setBrush(COLD if s.kind == "cold" else HOT)
        painter.drawRect(QRectF(QPointF(s.box[0], s.box[1]), QPointF(s.box[2], s.box[3])))


def paint_hall(painter: QPainter, design: Design, hall_id: str, figures: MetricsSource,
               outlines: Mapping[str, QColor] | None = None, fills: Mapping[str, QColor] | None = None) -> None:
    """A whole hall as the floor plan shows it (grid, aisles, racks with their bars, floor
    equipment), for paper and the presentation. `figures` gives each rack's metrics; `outlines`
    and `fills` colour chosen racks."""
    hall = design.halls[hall_id]
    outlines, fills = outlines or {}, fills or {}
    paint_floor_grid(painter, hall)
    paint_aisles(painter, aisle_strips(design, hall_id))
    for rack in sorted(design.racks.values(), key=lambda r: r.id):
        if rack.hall != hall_id:
            continue
        x0, y0, x1, y1 = geometry.rack_footprint(design, rack)
        painter.save()
        painter.translate(x0, y0)
        paint_rack(painter, (x1 - x0, y1 - y0), rack.facing, rack.name,
                   rack_summary(design, figures.rack_metrics(rack.id)),
                   fill=fills.get(rack.id, RACK_FILL), outline=outlines.get(rack.id))
        painter.restore()
    for dev_id in sorted(design.contents(hall_id)):
        device = design.devices.get(dev_id)
        if device is None:
            continue
        x0, y0, x1, y1 = geometry.floor_footprint(design, device)
        painter.save()
        painter.translate(x0, y0)
        paint_floor_device(painter, (x1 - x0, y1 - y0), device.facing, device.name,
                           str(design.part_of(device).category))
        painter.restore()
