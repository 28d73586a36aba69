"""Drawings and the design report on paper: rack elevations (front and rear; one rack, a row side
by side, or every rack) and the hall floor plan as SVG, PNG or multi-page PDF, drawn by the same
painters as the views (ui.render), each sheet with a title block and a legend; and the design
report as PDF. Used by the File ▸ Export menu and by `rackstudio export` (headless, offscreen).

Pages are laid out in points: a PDF is written at 72 dpi, so 1 unit = 1 pt on every device.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgGenerator

from rackstudio.checks import CheckEngine, Finding, builtin_registry
from rackstudio.checks.metrics import MetricsSource, OnDemandMetrics, plus_unknown
from rackstudio.errors import RackStudioError
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design
from rackstudio.model.text import visible
from rackstudio.reports import json_report
from rackstudio.reports.metrics_series import MetricsSeries, natural_key
from rackstudio.reports.totals import power_basis
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.render import sheet
from rackstudio.ui.render.elevation import font, paint_rack
from rackstudio.ui.render.floor import grid_rect, paint_hall

A3_LANDSCAPE = QSizeF(1190.55, 841.89)  # points
DRAWING_FORMATS = (".svg", ".png", ".pdf")
PNG_SCALE = 2.0  # pixels per point: a 1:1 PNG of an A3 sheet is 2381 px wide
MAX_PNG_PX = 16000  # larger pictures are scaled down (a PDF suits whole halls of elevations)
RACKS_PER_PAGE = 3  # elevations side by side on one A3 page
RACKS_PER_LINE = 8  # ... and on one line of an SVG or PNG
LINE_GAP = 40.0


class ExportError(RackStudioError):
    """An export that cannot be made as asked (unknown rack or row, unsupported file type)."""

    exit_code = 64


Page = Callable[[QPainter, QRectF], None]


def application() -> QGuiApplication:
    """The running Qt application, or a new GUI-less one (painting text needs one; the command
    line runs on the offscreen platform)."""
    return QGuiApplication.instance() or QGuiApplication(["rackstudio"])


# --- output devices ----------------------------------------------------------------------------------

def _suffix(path: Path, allowed: Sequence[str]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ExportError(f"{path.name}: write {', '.join(allowed)} (the file name's suffix says which)")
    return suffix


def point_pdf(path: Path, size: QSizeF, title: str) -> QPdfWriter:
    """A PDF writer whose pages are `size` points, at 72 dpi (1 unit = 1 pt), no margins."""
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("RackStudio")
    writer.setResolution(72)
    writer.setPageLayout(QPageLayout(QPageSize(size, QPageSize.Unit.Point), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    return writer


def write_pages(path: str | Path, pages: list[Page], size: QSizeF, title: str = "RackStudio") -> Path:
    """Paint `pages` into a PDF (one page each) or, for SVG and PNG, one picture of `size` points
    (callers give one page for a picture)."""
    path = Path(path)
    suffix = _suffix(path, DRAWING_FORMATS)
    rect = QRectF(0, 0, size.width(), size.height())
    painter = QPainter()
    if suffix == ".pdf":
        writer = point_pdf(path, size, title)
        painter.begin(writer)
        for i, page in enumerate(pages):
            if i:
                writer.newPage()
            _paint(painter, rect, page)
        painter.end()
    elif suffix == ".svg":
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setTitle(title)
        generator.setDescription("Drawn by RackStudio")
        generator.setResolution(72)
        generator.setSize(QSize(round(size.width()), round(size.height())))
        generator.setViewBox(rect)
        painter.begin(generator)
        _paint(painter, rect, pages[0])
        painter.end()
        _xml_safe(path)
    else:
        scale = min(PNG_SCALE, MAX_PNG_PX / max(size.width(), size.height()))
        image = QImage(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("white"))
        painter.begin(image)
        _paint(painter, rect, pages[0])
        painter.end()
        if not image.save(str(path), "PNG"):
            raise ExportError(f"{path}: could not write the PNG")
    if not path.exists():
        raise ExportError(f"{path}: nothing was written (is the folder writable?)")
    return path


_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(path: Path) -> None:
    """QSvgGenerator writes text as it is, and XML 1.0 has no control characters (but tab and line
    ends): a name holding one would make the whole drawing unreadable. They become escapes
    (`\\x1b`), as in every other output."""
    data = path.read_bytes()
    if _NOT_XML.search(data):
        path.write_bytes(_NOT_XML.sub(lambda m: b"\\x%02x" % m.group()[0], data))


def _paint(painter: QPainter, rect: QRectF, page: Page) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.fillRect(rect, QColor("white"))
    page(painter, rect)


# --- which racks -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    racks: list[str]
    label: str  # 'row A', 'rack A01', 'all racks'


def select_racks(design: Design, rack: str | None = None, row: str | None = None) -> Selection:
    """Racks by name (or id): one rack, a row's racks in order, or every rack by row."""
    if rack:
        found = [r.id for r in design.racks.values() if rack in (r.name, r.id)]
        if not found:
            raise ExportError(f"there is no rack named {rack!r} (racks: {_names(design.racks.values())})")
        return Selection(found[:1], f"rack {design.racks[found[0]].name}")
    if row:
        rows = [r for r in design.rows.values() if row in (r.name, r.id)]
        if not rows:
            raise ExportError(f"there is no row named {row!r} (rows: {_names(design.rows.values())})")
        members = sorted((r for r in design.racks.values() if r.row == rows[0].id), key=lambda r: natural_key(r.name))
        return Selection([r.id for r in members], f"row {rows[0].name}")
    return Selection([r for group in _by_row(design, list(design.racks)) for r in group], "all racks")


def _names(records) -> str:
    names = sorted((r.name for r in records), key=natural_key)
    return ", ".join(names[:12]) + (", …" if len(names) > 12 else "") if names else "none"


def _by_row(design: Design, rack_ids: list[str]) -> list[list[str]]:
    """Racks grouped by row (rows in natural order, racks outside a row last), each group in order."""
    groups: dict[str, list[str]] = {}
    for rack_id in rack_ids:
        groups.setdefault(design.racks[rack_id].row or "", []).append(rack_id)
    def row_key(row_id: str):
        row = design.rows.get(row_id)
        return (row is None, natural_key(row.name) if row else ())
    return [sorted(groups[k], key=lambda r: natural_key(design.racks[r].name)) for k in sorted(groups, key=row_key)]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# --- elevations --------------------------------------------------------------------------------------

def _line_blocks(design: Design, rack_ids: list[str]) -> list[lay.RackBlock]:
    return lay.blocks_for([(r, design.rack_type_of(design.racks[r]).u_height) for r in rack_ids])


def _line_rect(blocks: list[lay.RackBlock]) -> QRectF:
    return QRectF(-4, -4, blocks[-1].x + lay.BLOCK_W + 8, max(b.height for b in blocks) + 8)


def _paint_line(design: Design, blocks: list[lay.RackBlock], figures: MetricsSource) -> Callable[[QPainter], None]:
    def draw(painter: QPainter) -> None:
        for block in blocks:
            paint_rack(painter, design, block, figures)
    return draw


def _figures(design: Design, figures: MetricsSource | None) -> MetricsSource:
    """The rack figures a drawing prints: the app's (its engine's), else computed for this export."""
    return figures if figures is not None else OnDemandMetrics(design, ComponentGraph(design))


def _categories(design: Design, rack_ids: list[str]) -> set[str]:
    from rackstudio.checks.context import descendants

    return {str(design.part_of(design.devices[d]).category) for r in rack_ids for d in descendants(design, r)}


def _span(design: Design, rack_ids: list[str]) -> str:
    names = [design.racks[r].name for r in rack_ids]
    return names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"


def _row_label(design: Design, rack_ids: list[str]) -> str:
    row = design.rows.get(design.racks[rack_ids[0]].row or "")
    return f"row {row.name}, " if row else ""


def export_elevations(design: Design, path: str | Path, selection: Selection | None = None,
                      date: str | None = None, figures: MetricsSource | None = None) -> Path:
    """Front and rear elevations: a PDF page per three racks of a row (A3 landscape), or one SVG/PNG
    with a line per row (up to eight racks a line)."""
    path = Path(path)
    figures = _figures(design, figures)
    selection = selection or select_racks(design)
    if not selection.racks:
        raise ExportError(f"{selection.label} holds no racks")
    groups = _by_row(design, selection.racks)
    block = sheet.title_block(design, "", date)
    note = "Unit numbers as the rack type prints them; rear faces are drawn as seen from behind."
    if _suffix(path, DRAWING_FORMATS) == ".pdf":
        chunks = [c for g in groups for c in _chunks(g, RACKS_PER_PAGE)]
        pages = [_elevation_page(design, chunk, _titled(block, f"Rack elevations — {_row_label(design, chunk)}"
                                                                 f"{_span(design, chunk)}", i + 1, len(chunks)),
                                 sheet.elevation_legend(_categories(design, chunk)), note, figures)
                 for i, chunk in enumerate(chunks)]
        return write_pages(path, pages, A3_LANDSCAPE, f"{design.name} — rack elevations")
    lines = [_line_blocks(design, c) for g in groups for c in _chunks(g, RACKS_PER_LINE)]
    rects = [_line_rect(b) for b in lines]
    width = max(r.width() for r in rects) + 2 * sheet.MARGIN
    height = sum(r.height() for r in rects) + LINE_GAP * (len(rects) - 1) + 2 * sheet.MARGIN + sheet.HEADER + \
        sheet.FOOTER + 30
    titled = _titled(block, f"Rack elevations — {selection.label}", 1, 1)
    legend = sheet.elevation_legend(_categories(design, selection.racks))

    def page(painter: QPainter, rect: QRectF) -> None:
        sheet.paint_title_block(painter, rect, titled)
        area = sheet.content_rect(rect)
        y = area.top()
        for blocks, line in zip(lines, rects, strict=True):
            sheet.paint_fitted(painter, QRectF(area.left(), y, area.width(), line.height()), line,
                               _paint_line(design, blocks, figures))
            y += line.height() + LINE_GAP
        sheet.paint_legend(painter, rect, legend, note)
    return write_pages(path, [page], QSizeF(max(width, 800), height), f"{design.name} — rack elevations")


def _titled(block: sheet.TitleBlock, title: str, number: int, count: int) -> sheet.TitleBlock:
    return sheet.TitleBlock(title, block.design, block.revision, block.date, block.reviewer).with_page(number, count)


def _elevation_page(design: Design, rack_ids: list[str], block: sheet.TitleBlock, legend, note: str,
                    figures: MetricsSource) -> Page:
    blocks = _line_blocks(design, rack_ids)
    source = _line_rect(_line_blocks(design, rack_ids[:1] * RACKS_PER_PAGE)) if len(rack_ids) < RACKS_PER_PAGE \
        else _line_rect(blocks)  # the same scale on a row's last, shorter page
    source.setHeight(max(source.height(), _line_rect(blocks).height()))

    def page(painter: QPainter, rect: QRectF) -> None:
        sheet.paint_title_block(painter, rect, block)
        area = sheet.content_rect(rect)
        scale = min(area.width() / source.width(), area.height() / source.height(), 1.0)
        sheet.paint_fitted(painter, QRectF(area.left(), area.top(), source.width() * scale, area.height()),
                           _line_rect(blocks), _paint_line(design, blocks, figures), max_scale=scale)
        sheet.paint_legend(painter, rect, legend, note)
    return page


# --- floor plan --------------------------------------------------------------------------------------

def export_floorplan(design: Design, path: str | Path, hall_ids: list[str] | None = None,
                     date: str | None = None, figures: MetricsSource | None = None) -> Path:
    """The floor plan of each hall (a PDF page each; SVG and PNG show the first) on A3, landscape
    unless the halls are deeper than wide, with a scale bar."""
    path = Path(path)
    halls = hall_ids or sorted(design.halls, key=lambda h: natural_key(design.halls[h].name))
    if not halls:
        raise ExportError("the design has no hall to draw")
    if _suffix(path, DRAWING_FORMATS) != ".pdf":
        halls = halls[:1]
    base = sheet.title_block(design, "", date)
    figures = _figures(design, figures)
    pages = [_floor_page(design, hall_id, _titled(base, f"Floor plan — {design.halls[hall_id].name}", i + 1,
                                                  len(halls)), figures) for i, hall_id in enumerate(halls)]
    tall = all(design.halls[h].depth_mm > design.halls[h].width_mm * 1.1 for h in halls)
    size = A3_LANDSCAPE.transposed() if tall else A3_LANDSCAPE  # a hall deeper than wide fills a portrait sheet
    return write_pages(path, pages, size, f"{design.name} — floor plan")


def _floor_page(design: Design, hall_id: str, block: sheet.TitleBlock, figures: MetricsSource) -> Page:
    hall = design.halls[hall_id]
    source = grid_rect(hall)

    def page(painter: QPainter, rect: QRectF) -> None:
        sheet.paint_title_block(painter, rect, block)
        scale = sheet.paint_fitted(painter, sheet.content_rect(rect), source,
                                   lambda p: paint_hall(p, design, hall_id, figures), max_scale=10.0)
        right = sheet.paint_legend(painter, rect, sheet.floor_legend(design.settings),
                                   f"Tiles {hall.tile_mm:g} mm; columns A… west to east, rows 1… north to south. "
                                   f"Bars: units used (top), {power_basis(design.settings.worst_case)} power of the "
                                   "rack's budget, heat to air of its air cooling (bottom).")
        sheet.paint_scale_bar(painter, right, scale)
    return page


# --- the design report -------------------------------------------------------------------------------

def report_data(design: Design, engine: CheckEngine | None = None, findings: list[Finding] | None = None,
                date: str | None = None) -> dict:
    """The report's content (reports.json_report.design_report), from the app's engine when given."""
    if engine is None:
        engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
        findings = engine.run_full()
    elif findings is None:
        findings = engine.findings()
    return json_report.design_report(MetricsSeries(design, engine=engine), findings, date)


def export_report(design: Design, path: str | Path, engine: CheckEngine | None = None,
                  date: str | None = None) -> Path:
    """The design report as PDF (A4 portrait): summary, per-rack power and cooling, findings with
    their waivers, comments and the review record."""
    path = Path(path)
    _suffix(path, (".pdf",))
    data = report_data(design, engine, date=date)
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{design.name} — design report")
    writer.setCreator("RackStudio")
    writer.setResolution(96)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.documentLayout().setPaintDevice(writer)  # lay out in the PDF's units, not the screen's
    footer = writer.resolution() * 0.35  # inches → device units
    page = QSizeF(writer.width(), writer.height() - footer)
    document.setPageSize(page)  # the layout keeps table rows whole across page breaks
    document.setHtml(report_html(data))
    count = document.pageCount()
    painter = QPainter(writer)
    for number in range(count):
        if number:
            writer.newPage()
        painter.save()
        painter.translate(0, -number * page.height())
        document.drawContents(painter, QRectF(0, number * page.height(), page.width(), page.height()))
        painter.restore()
        painter.setPen(QColor(110, 110, 120))
        painter.setFont(font(writer.resolution() * 0.11))
        painter.drawText(QRectF(0, writer.height() - footer * 0.6, page.width(), footer * 0.6),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(
                             f"{elided(design.name, 120)}, revision {elided(design.revision, 40)} — design report",
                             Qt.TextElideMode.ElideMiddle, int(page.width() * 0.8)))
        painter.drawText(QRectF(0, writer.height() - footer * 0.6, page.width(), footer * 0.6),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"Page {number + 1} of {count}")
    painter.end()
    return path


# Text in a report cell: Qt's layout of one unbreakable word is quadratic in its length (13 s for
# one 64 Ki-character rack name), so long text is cut short and long words get break points.
MAX_CELL_CHARS = 500
_LONG_WORD = re.compile(r"\S{40}")


def elided(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """`text` for a report: control characters escaped, cut to `limit` characters (saying how
    long it was), a break point after every 40 characters of an unbroken word."""
    text = visible(text)
    if len(text) > limit:
        text = f"{text[:limit - 1]}… ({len(text):,} characters)"
    return _LONG_WORD.sub(lambda m: m.group() + "\u200b", text)


def _e(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return html.escape(elided(str(value)))


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 99) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td{' align=right' if i >= numeric_from else ''}>{_e(v)}</td>"
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return (f"<table border=1 cellspacing=0 cellpadding=3 width=100%><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")  # a header row repeats on every page


_CSS = """
body { font-family: sans-serif; font-size: 9pt; color: #14141e; }
h1 { font-size: 16pt; margin: 0; } h2 { font-size: 12pt; margin-top: 14px; }
th { background: #e4e6ec; text-align: left; } td.error { color: #b4232f; }
.title td { font-size: 9pt; } .muted { color: #666; }
"""


def report_html(data: dict) -> str:
    """The design report as the HTML subset QTextDocument lays out and paginates."""
    t, s = data["title"], data["summary"]
    f = s["findings"]
    parts = [f"<html><head><style>{_CSS}</style></head><body>",
             "<table class=title border=1 cellspacing=0 cellpadding=4 width=100%><tr>"
             f"<td width=46%><h1>Design report</h1><span class=muted>RackStudio</span></td>"
             f"<td>Design<br><b>{_e(t['design'])}</b></td><td>Revision<br><b>{_e(t['revision'])}</b></td>"
             f"<td>Date<br><b>{_e(t['date'])}</b></td><td>Reviewer<br><b>{_e(t['reviewer'] or 'not reviewed')}</b>"
             "</td></tr></table>",
             "<h2>Summary</h2>",
             _table(["Halls", "Rows", "Racks", "Devices", "Connections", "Allocated kW", "Max kW",
                     "Heat to air kW", "Heat to liquid kW", "Weight t", "Units used"],
                    [[s["halls"], s["rows"], s["racks"], s["devices"],
                      ", ".join(f"{n} {k}" for k, n in s["connections"].items()) or "none", s["allocated_kw"],
                      s["max_kw"], s["heat_air_kw"], s["heat_liquid_kw"], s["weight_t"], f"{s['units_used']:g}"]]),
             f"<p>The checks count each device's {s['checked_basis']} draw: {s['checked_kw']} kW in racks"
             f"{_e(plus_unknown(s['unknown_power_devices']))}.</p>",
             f"<p>Findings: <b>{f['error']}</b> errors, <b>{f['warning']}</b> warnings, {f['info']} info, "
             f"{f['waived']} waived.</p>",
             "<h2>Power per rack</h2>",
             _table(["Rack", "Row", "Allocated kW", "Max kW", f"Checked kW ({s['checked_basis']})", "Side A kW",
                     "Side B kW", "Budget kW", "% of budget", "Feed limit A kW", "Feed limit B kW", "Units",
                     "Weight kg"],
                    [[r["rack"], r["row"], r["allocated_kw"], r["max_kw"],
                      r["checked_kw"] if not r["unknown_power_devices"]
                      else f"{r['checked_kw']}{plus_unknown(r['unknown_power_devices'])}", r["side_a_kw"],
                      r["side_b_kw"], r["budget_kw"],
                      r["budget_pct"], r["limit_a_kw"], r["limit_b_kw"], r["units"], r["weight_kg"]]
                     for r in data["power"]], 2),
             "<h2>Cooling per rack</h2>",
             _table(["Rack", "Row", "Heat to air kW", "Heat to liquid kW", "Air capacity kW", "Airflow CFM",
                     "Coolant L/min", "kW/m²"],
                    [[r["rack"], r["row"], r["heat_air_kw"], r["heat_liquid_kw"], r["air_capacity_kw"],
                      r["airflow_cfm"], r["liquid_lpm"], r["density_kw_m2"]] for r in data["cooling"]], 2),
             "<h2>Findings</h2>"]
    if data["findings"]:
        parts.append(_table(["Severity", "Rule", "Finding", "Waiver"],
                            [[x["severity"], x["rule"], x["message"],
                              f"waived by {x['waiver']['author']} ({x['waiver']['created']}): {x['waiver']['reason']}"
                              if x["waiver"] else ""] for x in data["findings"]]))
    else:
        parts.append("<p>No findings.</p>")
    parts.append("<h2>Waivers</h2>")
    parts.append(_table(["Finding", "Reason", "Author", "Date"],
                        [[w["finding"], w["reason"], w["author"], w["created"]] for w in data["waivers"]])
                 if data["waivers"] else "<p>No waivers.</p>")
    parts.append("<h2>Comments</h2>")
    parts.append(_table(["On", "Author", "Time", "Status", "Comment"],
                        [[c["target_name"], c["author"], c["created"], c["status"], c["text"]]
                         for c in data["comments"]]) if data["comments"] else "<p>No comments.</p>")
    parts.append("<h2>Review record</h2>")
    parts.append(_table(["Reviewer", "Date", "Revision", "Note"],
                        [[r["reviewer"], r["date"], r["revision"], r["note"]] for r in data["reviews"]])
                 if data["reviews"] else "<p>Not reviewed yet.</p>")
    parts.append("</body></html>")
    return "".join(parts)


# --- the File ▸ Export menu --------------------------------------------------------------------------

_FILTERS = {"drawing": "PDF (*.pdf);;SVG (*.svg);;PNG (*.png)", "table": "Excel workbook (*.xlsx);;CSV (*.csv)",
            "report": "PDF (*.pdf)"}


class ExportController:
    """File ▸ Export: asks where to write, exports what the editor shows (the selected racks, else
    the open elevations, else every rack; the hall on screen) and says what it wrote."""

    def __init__(self, window):
        self.window = window

    @property
    def design(self) -> Design:
        return self.window.document.design

    def _engine(self) -> CheckEngine | None:
        return self.window.document.check_engine  # the live checks' engine, when attached

    def _ask(self, title: str, stem: str, kind: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        document = self.window.document
        folder = document.path.parent if document.path else Path.home()
        default = folder / f"{Path(document.path).stem if document.path else 'design'}-{stem}"
        path, chosen = QFileDialog.getSaveFileName(self.window, title, str(default), _FILTERS[kind])
        if not path:
            return None
        path = Path(path)
        if not path.suffix and chosen:
            path = path.with_suffix(chosen.split("*")[1].rstrip(")"))
        return path

    def _done(self, what: str, path: Path, started: float) -> None:
        import time

        self.window.show_status(f"Exported {what} to {path.name} ({time.perf_counter() - started:.1f} s)")

    def _run(self, what: str, path: Path | None, export: Callable[[Path], object]) -> bool:
        import time

        if path is None:
            return False
        started = time.perf_counter()
        try:
            export(path)
        except (RackStudioError, OSError) as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, f"Cannot export {what}", str(exc))
            return False
        self._done(what, path, started)
        return True

    def shown_racks(self) -> Selection:
        """The selected racks (or the racks of selected devices), else the open elevations, else all."""
        design = self.design
        chosen: list[str] = []
        for obj_id in self.window.selection.ids:
            rack = obj_id if obj_id in design.racks else None
            if obj_id in design.devices:
                from rackstudio.reports.cable_schedule import rack_id_of

                rack = rack_id_of(design, obj_id)
            if rack and rack not in chosen:
                chosen.append(rack)
        if not chosen:
            chosen = [r for r in self.window.elevation_view.elevations.open_racks if r in design.racks]
        if not chosen:
            return select_racks(design)
        label = f"rack {design.racks[chosen[0]].name}" if len(chosen) == 1 else f"{len(chosen)} racks"
        return Selection(chosen, label)

    def elevations(self) -> bool:
        selection = self.shown_racks()
        return self._run("rack elevations", self._ask("Export rack elevations", "elevations", "drawing"),
                         lambda p: export_elevations(self.design, p, selection, figures=self.window.document.figures))

    def floorplan(self) -> bool:
        hall = self.window.hall_view.hall_scene.hall_id
        return self._run("the floor plan", self._ask("Export floor plan", "floorplan", "drawing"),
                         lambda p: export_floorplan(self.design, p, [hall] if hall else None,
                                                    figures=self.window.document.figures))

    def bom(self) -> bool:
        from rackstudio.reports import bom

        engine = self._engine()
        return self._run("the bill of materials", self._ask("Export bill of materials", "bom", "table"),
                         lambda p: bom.export(self.design, p, engine.ctx if engine else None))

    def cables(self) -> bool:
        from rackstudio.reports import cable_schedule

        engine = self._engine()
        return self._run("the cable schedule", self._ask("Export cable schedule", "cables", "table"),
                         lambda p: cable_schedule.export(self.design, p, engine.ctx if engine else None))

    def report(self) -> bool:
        return self._run("the design report", self._ask("Export design report", "report", "report"),
                         lambda p: export_report(self.design, p, self._engine()))
