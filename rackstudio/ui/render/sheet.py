"""The frame of an exported sheet, in points (1/72 in): a title block across the top (what the
sheet shows; design, revision, date, reviewer, page) and a legend along the bottom, with the
drawing scaled into the space between. Used by ui.export for SVG, PNG and PDF alike."""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from rackstudio.model.design import Design
from rackstudio.model.review import CheckSettings
from rackstudio.ui.canvas import CATEGORY_COLOURS
from rackstudio.ui.render.elevation import font
from rackstudio.ui.render.floor import BAR_COLOURS, COLD, FILL_BAR, FRONT_PEN, HOT

MARGIN = 24.0
HEADER = 58.0
FOOTER = 34.0
INK = QColor(20, 20, 30)
RULE = QColor(120, 120, 130)


@dataclass(frozen=True)
class TitleBlock:
    title: str  # what the sheet shows: 'Rack elevations — row A'
    design: str
    revision: str
    date: str
    reviewer: str
    page: str = ""  # 'Page 2 of 5'

    def with_page(self, number: int, count: int) -> TitleBlock:
        return TitleBlock(self.title, self.design, self.revision, self.date, self.reviewer,
                          f"Page {number} of {count}" if count > 1 else "")


def title_block(design: Design, title: str, date: str | None = None) -> TitleBlock:
    """The design's name and revision, today's date (or `date`) and the last reviewer on record
    (with the revision they signed off when it is not this one)."""
    last = design.reviews[-1] if design.reviews else None
    reviewer = f"{last.reviewer} ({last.date})" if last else "not reviewed"
    if last and last.revision and last.revision != design.revision:  # signed off an earlier revision
        reviewer = f"{last.reviewer} (rev {last.revision}, {last.date})"
    return TitleBlock(title, design.name, design.revision, date or datetime.date.today().isoformat(), reviewer)


@dataclass(frozen=True)
class LegendEntry:
    kind: str  # fill, hatch, line, dash
    colour: QColor
    text: str


def content_rect(page: QRectF) -> QRectF:
    """Where the drawing goes on a page: inside the margins, between title block and legend."""
    return QRectF(page.left() + MARGIN, page.top() + MARGIN + HEADER + 10,
                  page.width() - 2 * MARGIN, page.height() - 2 * MARGIN - HEADER - FOOTER - 20)


def paint_title_block(painter: QPainter, page: QRectF, block: TitleBlock) -> None:
    rect = QRectF(page.left() + MARGIN, page.top() + MARGIN, page.width() - 2 * MARGIN, HEADER)
    painter.save()
    painter.setPen(QPen(INK, 1.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)
    fields = (("Design", block.design), ("Revision", block.revision), ("Date", block.date),
              ("Reviewer", block.reviewer), *((("Sheet", block.page),) if block.page else ()))
    cell_w = min(150.0, rect.width() * 0.55 / len(fields))
    left = rect.right() - cell_w * len(fields)
    painter.setFont(font(17, bold=True))
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 6, left - rect.left() - 16, 26),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, block.title)
    painter.setFont(font(9))
    painter.setPen(RULE)
    painter.drawText(QRectF(rect.left() + 10, rect.top() + 32, left - rect.left() - 16, 18),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "RackStudio")
    for i, (label, value) in enumerate(fields):
        cell = QRectF(left + i * cell_w, rect.top(), cell_w, rect.height())
        painter.setPen(QPen(INK, 0.8))
        painter.drawLine(cell.topLeft(), cell.bottomLeft())
        painter.setPen(RULE)
        painter.setFont(font(8))
        painter.drawText(cell.adjusted(6, 5, -4, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
        painter.setPen(INK)
        painter.setFont(font(11, bold=True))
        value_rect = cell.adjusted(6, 20, -4, -4)
        painter.drawText(value_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                         painter.fontMetrics().elidedText(value, Qt.TextElideMode.ElideRight, int(value_rect.width() * 2)))
    painter.restore()


def paint_legend(painter: QPainter, page: QRectF, entries: list[LegendEntry], note: str = "") -> QRectF:
    """The legend along the bottom of the page; returns the space left on its right (scale bar)."""
    rect = QRectF(page.left() + MARGIN, page.bottom() - MARGIN - FOOTER, page.width() - 2 * MARGIN, FOOTER)
    painter.save()
    painter.setPen(QPen(RULE, 0.8))
    painter.drawLine(rect.topLeft(), rect.topRight())
    painter.setFont(font(9))
    x, y = rect.left(), rect.top() + 8
    for entry in entries:
        swatch = QRectF(x, y + 1, 16, 10)
        _swatch(painter, swatch, entry)
        painter.setPen(INK)
        width = painter.fontMetrics().horizontalAdvance(entry.text)
        painter.drawText(QRectF(x + 20, y - 2, width + 4, 16), Qt.AlignmentFlag.AlignVCenter, entry.text)
        x += 20 + width + 16
        if x > rect.right() - 160:
            x, y = rect.left(), y + 14
    if note:
        painter.setPen(RULE)
        painter.drawText(QRectF(rect.left(), rect.bottom() - 12, rect.width(), 12),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)
    painter.restore()
    return QRectF(rect.right() - 150, rect.top() + 4, 150, rect.height() - 4)


def _swatch(painter: QPainter, rect: QRectF, entry: LegendEntry) -> None:
    if entry.kind == "line":
        painter.setPen(QPen(entry.colour, 3))
        painter.drawLine(QPointF(rect.left(), rect.center().y()), QPointF(rect.right(), rect.center().y()))
        return
    pen = QPen(entry.colour.darker(150), 0.8, Qt.PenStyle.DashLine if entry.kind == "dash" else Qt.PenStyle.SolidLine)
    painter.setPen(pen)
    painter.setBrush(QBrush(entry.colour, Qt.BrushStyle.BDiagPattern if entry.kind == "hatch" else
                            Qt.BrushStyle.SolidPattern))
    painter.drawRect(rect)


def elevation_legend(categories: set[str]) -> list[LegendEntry]:
    """Category colours present on the sheet, then the shadow and side-channel conventions."""
    entries = [LegendEntry("fill", QColor(CATEGORY_COLOURS[c]).lighter(135), c.replace("-", " "))
               for c in CATEGORY_COLOURS if c in categories]
    entries.append(LegendEntry("hatch", QColor(150, 150, 160), "full-depth device seen from the other face"))
    entries.append(LegendEntry("dash", QColor(238, 238, 242), "0U side channel"))
    return entries


def floor_legend(settings: CheckSettings) -> list[LegendEntry]:
    """The floor plan's conventions; the bars' colours at the design's own warning shares."""
    return [LegendEntry("fill", QColor(COLD.red(), COLD.green(), COLD.blue(), 110), "cold aisle"),
            LegendEntry("fill", QColor(HOT.red(), HOT.green(), HOT.blue(), 110), "hot aisle"),
            LegendEntry("line", FRONT_PEN, "rack front"),
            LegendEntry("fill", FILL_BAR, "units used"),
            LegendEntry("fill", BAR_COLOURS["ok"], "within the limit"),
            LegendEntry("fill", BAR_COLOURS["warning"], f"power > {settings.rack_budget_warning * 100:.0f} % of "
                        f"budget, heat > {settings.air_capacity_warning * 100:.0f} % of air cooling"),
            LegendEntry("fill", BAR_COLOURS["error"], "over the budget or air cooling"),
            LegendEntry("fill", BAR_COLOURS["unknown"], "no budget or air cooling given")]


def paint_fitted(painter: QPainter, target: QRectF, source: QRectF, draw: Callable[[QPainter], None],
                 max_scale: float = 1.0) -> float:
    """Draw `source` (drawing units) scaled to fit `target` (page points), centred at the top;
    returns the scale (points per drawing unit)."""
    if source.isEmpty():
        return 1.0
    scale = min(target.width() / source.width(), target.height() / source.height(), max_scale)
    painter.save()
    painter.translate(target.left() + (target.width() - source.width() * scale) / 2, target.top())
    painter.scale(scale, scale)
    painter.translate(-source.left(), -source.top())
    draw(painter)
    painter.restore()
    return scale


def paint_scale_bar(painter: QPainter, rect: QRectF, points_per_mm: float) -> None:
    """A scale bar of a round length (1, 2, 5, 10, 20, 50 m) about 100 pt long."""
    length_m = 1.0
    for candidate in (1, 2, 5, 10, 20, 50, 100):
        length_m = candidate
        if candidate * 1000 * points_per_mm >= 60:
            break
    width = length_m * 1000 * points_per_mm
    painter.save()
    painter.setPen(QPen(INK, 1))
    y = rect.top() + 10
    x0 = rect.right() - width - 4
    painter.drawLine(QPointF(x0, y), QPointF(x0 + width, y))
    for x in (x0, x0 + width):
        painter.drawLine(QPointF(x, y - 4), QPointF(x, y + 4))
    painter.setFont(font(9))
    painter.drawText(QRectF(x0 - 20, y + 4, width + 40, 12), Qt.AlignmentFlag.AlignCenter, f"{length_m:g} m")
    painter.restore()
