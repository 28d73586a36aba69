"""A rack design's build package as PDF: the front and rear elevation drawn by the views' painter,
then the tables of `reports.build_package` (summary, BOM, internal cables, power and coolant
interfaces, checks and findings) and a sign-off block, A3 landscape. Used by `rackstudio export
--what build` and the app's rack-design menu.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QTextDocument

from rackstudio.checks.metrics import OnDemandMetrics
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design
from rackstudio.reports import build_package
from rackstudio.reports.build_package import RACK, BuildPackage
from rackstudio.ui.export import (
    _CSS,
    A3_LANDSCAPE,
    _categories,
    _e,
    _elevation_page,
    _suffix,
    _table,
    elided,
    point_pdf,
)
from rackstudio.ui.render import sheet
from rackstudio.ui.render.elevation import font

SIGN_OFF = ("Designed by", "Checked by", "Approved by", "Built by (factory)", "Inspected by (factory)")
NOTE = ("Checked as built at the factory: the rack alone, before its feeds and coolant supply are connected on "
        "site, so findings about a missing feed or CDU path are closed by the site's design.")


def export_build_package(design: Design, name: str, path: str | Path, date: str | None = None) -> Path:
    path = Path(path)
    _suffix(path, (".pdf",))
    package = build_package.build(design, name)
    built = package.design
    block = sheet.title_block(built, "", date)
    title = f"Build package — {package.rd.name}, revision {package.rd.revision}"
    elevation = _elevation_page(built, [RACK], sheet.TitleBlock(title, block.design, package.rd.revision, block.date,
                                                                 block.reviewer).with_page(1, 1),
                                sheet.elevation_legend(_categories(built, [RACK])),
                                "Front (left) and rear (right); unit numbers as the rack type prints them.",
                                OnDemandMetrics(built, ComponentGraph(built)))
    writer = point_pdf(path, A3_LANDSCAPE, title)
    rect = QRectF(0, 0, A3_LANDSCAPE.width(), A3_LANDSCAPE.height())
    painter = QPainter(writer)
    painter.save()
    elevation(painter, rect)
    painter.restore()
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.documentLayout().setPaintDevice(writer)
    margin, footer = 36.0, 24.0
    page = rect.adjusted(margin, margin, -margin, -margin - footer)
    document.setPageSize(page.size())
    document.setHtml(package_html(package, block.date))
    count = document.pageCount()
    for number in range(count):
        writer.newPage()
        painter.save()
        painter.translate(page.left(), page.top() - number * page.height())
        document.drawContents(painter, QRectF(0, number * page.height(), page.width(), page.height()))
        painter.restore()
        painter.setPen(QColor(110, 110, 120))
        painter.setFont(font(8))
        band = QRectF(page.left(), page.bottom() + 6, page.width(), footer)
        painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided(title, 160))
        painter.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"Page {number + 2} of {count + 1}")
    painter.end()
    return path


def package_html(package: BuildPackage, date: str) -> str:
    rd = package.rd
    parts = [f"<html><head><style>{_CSS}</style></head><body>",
             "<table class=title border=1 cellspacing=0 cellpadding=4 width=100%><tr>"
             f"<td width=40%><h1>Build package</h1><span class=muted>RackStudio</span></td>"
             f"<td>Rack design<br><b>{_e(rd.name)}</b></td><td>Revision<br><b>{_e(rd.revision)}</b></td>"
             f"<td>Date<br><b>{_e(date)}</b></td></tr></table>",
             "<h2>Summary</h2>", _table(["Figure", "Value"], build_package.summary_rows(package))]
    for t in package.tables:
        parts.append(f"<h2>{_e(t.title)}</h2>")
        if t.title == "Checks":
            parts.append(f"<p class=muted>{_e(NOTE)}</p>")
        parts.append(_table(t.headers, t.rows) if t.rows else "<p>None.</p>")
    parts.append("<h2>Findings</h2>")
    parts.append(_table(["Severity", "Rule", "Finding"], [[f.severity.value, f.rule, f.message]
                                                          for f in package.findings])
                 if package.findings else "<p>No findings.</p>")
    parts.append("<h2>Sign-off</h2>")
    parts.append(_table(["Role", "Name", "Signature", "Date"], [[role, " ", " ", " "] for role in SIGN_OFF]))
    parts.append("</body></html>")
    return "".join(parts)


__all__ = ["export_build_package", "package_html"]
