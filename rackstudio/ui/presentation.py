"""Presentation mode, for review meetings: the design full screen, read-only, in large type and high
contrast, one slide at a time. Each row opens with a title card over the floor plan (its racks
outlined, racks with findings in red or amber); each rack has a title card (units, power by feed
side against its budget, heat to air and liquid, weight, and its open findings) beside its
elevation, drawn by the view painters with devices that have findings outlined.

Keys: → ↓ Space next slide, ← ↑ previous, Page Down / Page Up next / previous row, Home / End,
Esc leaves. While presenting the editor window is disabled (no edit, drop or shortcut reaches it)
and its actions are off; leaving restores every action and the editor exactly as it was.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from rackstudio.checks import CheckEngine, Finding, Severity
from rackstudio.checks.context import rack_of_record
from rackstudio.checks.metrics import plus_unknown, totals
from rackstudio.model.design import Design
from rackstudio.reports.metrics_series import natural_key
from rackstudio.reports.totals import power_basis, rack_summary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.render import sheet
from rackstudio.ui.render.elevation import HIGH_CONTRAST, paint_rack
from rackstudio.ui.render.floor import paint_hall

SEVERITY_COLOURS = {Severity.ERROR: QColor(200, 20, 30), Severity.WARNING: QColor(230, 130, 0),
                    Severity.INFO: QColor(40, 90, 200)}
INK = QColor(0, 0, 0)
MUTED = QColor(70, 70, 70)
MAX_FINDINGS = 12


@dataclass(frozen=True)
class Slide:
    kind: str  # "row" (a title card over the floor plan) or "rack"
    key: str  # row id ('' for the racks outside any row of a hall) or rack id
    hall: str
    row: str  # the row id, '' outside rows


def slides_for(design: Design) -> list[Slide]:
    """A row card then its racks in order, row by row (natural order), hall by hall; racks outside
    any row last in their hall."""
    slides: list[Slide] = []
    for hall in sorted(design.halls.values(), key=lambda h: natural_key(h.name)):
        groups: dict[str, list] = defaultdict(list)
        for rack in design.racks.values():
            if rack.hall == hall.id:
                groups[rack.row if rack.row in design.rows else ""].append(rack)
        for row_id in sorted(groups, key=lambda r: (not r, natural_key(design.rows[r].name) if r else ())):
            slides.append(Slide("row", row_id, hall.id, row_id))
            for rack in sorted(groups[row_id], key=lambda r: natural_key(r.name)):
                slides.append(Slide("rack", rack.id, hall.id, row_id))
    return slides


def findings_by_rack(design: Design, findings: list[Finding]) -> dict[str, list[Finding]]:
    """Open (unwaived) findings by the rack they are about: a rack itself, a device in it (bays
    followed), a feed dropped to it, a connection with an end in it."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if not f.counts:
            continue
        racks: set[str] = set()
        for obj in f.objects:
            racks |= _racks_of(design, obj)
        for rack in racks:
            out[rack].append(f)
    return out


def _racks_of(design: Design, obj_id: str) -> set[str]:
    if obj_id in design.racks:
        return {obj_id}
    if obj_id in design.devices:
        rack = rack_of_record(design.devices[obj_id], design.devices)
        return {rack} if rack else set()
    if obj_id in design.feeds:
        return {design.feeds[obj_id].rack} if design.feeds[obj_id].rack else set()
    conn = design.connections.get(obj_id)
    if conn is not None:
        return _racks_of(design, conn.a.owner) | _racks_of(design, conn.b.owner)
    return set()


def _worst(findings: list[Finding]) -> Severity | None:
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(max(8, int(px)))
    font.setBold(bold)
    return font


def _fitted(text: str, px: float, width: float, bold: bool = False) -> QFont:
    """The font of `px` pixels, made smaller until `text` fits `width` (large type, never clipped)."""
    font = _font(px, bold)
    wide = QFontMetricsF(font).horizontalAdvance(text)
    return _font(px * width / wide, bold) if wide > width else font


class PresentationWindow(QWidget):
    """The slides, full screen. Reads the design; has no way to change it."""

    left = Signal()  # Esc, or the window was closed

    def __init__(self, design: Design, engine: CheckEngine, start: int = 0):
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(f"{design.name} — presentation")
        self.setAcceptDrops(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.design, self.engine = design, engine
        self.slides = slides_for(design)
        self.card_lines: list[tuple[str, str]] = []
        self.findings = findings_by_rack(design, engine.findings())
        self.index = max(0, min(start, len(self.slides) - 1))

    # --- stepping ------------------------------------------------------------------------------------

    @property
    def slide(self) -> Slide | None:
        return self.slides[self.index] if self.slides else None

    def go(self, index: int) -> None:
        index = max(0, min(index, len(self.slides) - 1))
        if index != self.index:
            self.index = index
            self.update()

    def step(self, delta: int) -> None:
        self.go(self.index + delta)

    def step_row(self, delta: int) -> None:
        """To the next (or previous) row's title card; back from inside a row goes to its own card."""
        cards = [i for i, s in enumerate(self.slides) if s.kind == "row"]
        if delta > 0:
            self.go(next((i for i in cards if i > self.index), self.index))
        else:
            self.go(next((i for i in reversed(cards) if i < self.index), 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        moves = {Qt.Key.Key_Right: lambda: self.step(1), Qt.Key.Key_Down: lambda: self.step(1),
                 Qt.Key.Key_Space: lambda: self.step(1), Qt.Key.Key_Left: lambda: self.step(-1),
                 Qt.Key.Key_Up: lambda: self.step(-1), Qt.Key.Key_PageDown: lambda: self.step_row(1),
                 Qt.Key.Key_PageUp: lambda: self.step_row(-1), Qt.Key.Key_Home: lambda: self.go(0),
                 Qt.Key.Key_End: lambda: self.go(len(self.slides) - 1)}
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in moves:
            moves[key]()
        event.accept()  # nothing else: no key edits anything here

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        self.left.emit()

    # --- drawing ---------------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        area = QRectF(self.rect())
        painter.fillRect(area, QColor("white"))
        slide = self.slide
        if slide is None:
            painter.setFont(_font(area.height() * 0.05, True))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "This design has no racks to present.\nEsc leaves.")
            return
        unit = area.height() / 40  # type scales with the screen: a title is 2.4 units
        header = QRectF(area.left() + unit, area.top() + unit * 0.6, area.width() - 2 * unit, unit * 3.4)
        card = QRectF(area.left() + unit, header.bottom() + unit, area.width() * 0.34, area.height() - header.bottom() - 3 * unit)
        drawing = QRectF(card.right() + unit * 1.5, card.top(), area.right() - card.right() - unit * 2.5, card.height())
        if slide.kind == "rack":
            self._rack_slide(painter, slide, header, card, drawing, unit)
        else:
            self._row_slide(painter, slide, header, card, drawing, unit)
        painter.setPen(MUTED)
        painter.setFont(_font(unit * 0.7))
        painter.drawText(QRectF(area.left() + unit, area.bottom() - unit * 1.6, area.width() - 2 * unit, unit * 1.2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{self.design.name} · revision {self.design.revision} — ← → rack · Page Up/Down row · Esc leaves")
        painter.drawText(QRectF(area.left() + unit, area.bottom() - unit * 1.6, area.width() - 2 * unit, unit * 1.2),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{self.index + 1} / {len(self.slides)}")

    def _header(self, painter: QPainter, rect: QRectF, title: str, subtitle: str, unit: float) -> None:
        painter.setPen(INK)
        painter.setFont(_fitted(title, unit * 2.2, rect.width(), True))
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), unit * 2.4),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setPen(MUTED)
        painter.setFont(_font(unit * 0.95))
        painter.drawText(QRectF(rect.left(), rect.top() + unit * 2.4, rect.width(), unit * 1.1),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, subtitle)
        painter.setPen(QPen(INK, max(2.0, unit * 0.08)))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())

    def _card(self, painter: QPainter, rect: QRectF, lines: list[tuple[str, str]], findings: list[Finding],
              unit: float) -> None:
        """Figures (label, value) in large type, then the open findings, worst first."""
        self.card_lines = list(lines)  # what the slide shows (tests read it)
        y = rect.top()
        for label, value in lines:
            painter.setPen(MUTED)
            painter.setFont(_font(unit * 0.8))
            painter.drawText(QRectF(rect.left(), y, rect.width(), unit), Qt.AlignmentFlag.AlignLeft, label)
            painter.setPen(INK)
            painter.setFont(_fitted(value, unit * 1.25, rect.width(), True))
            painter.drawText(QRectF(rect.left(), y + unit * 0.95, rect.width(), unit * 1.5),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, value)
            y += unit * 2.7
        painter.setPen(INK)
        painter.setFont(_font(unit * 1.05, True))
        painter.drawText(QRectF(rect.left(), y, rect.width(), unit * 1.4), Qt.AlignmentFlag.AlignLeft,
                         f"Open findings: {len(findings)}" if findings else "No open findings")
        y += unit * 1.7
        painter.setFont(_font(unit * 0.78))
        shown = sorted(findings, key=Finding.sort_key)[:MAX_FINDINGS]
        for f in shown:
            text_rect = QRectF(rect.left() + unit * 1.1, y, rect.width() - unit * 1.1, rect.bottom() - y)
            bound = painter.boundingRect(text_rect, int(Qt.TextFlag.TextWordWrap), f"{f.rule}: {f.message}")
            if bound.bottom() > rect.bottom():
                break
            painter.fillRect(QRectF(rect.left(), y + unit * 0.15, unit * 0.7, unit * 0.7), SEVERITY_COLOURS[f.severity])
            painter.setPen(INK)
            painter.drawText(text_rect, int(Qt.TextFlag.TextWordWrap), f"{f.rule}: {f.message}")
            y = bound.bottom() + unit * 0.35
        if len(findings) > len(shown):
            painter.setPen(MUTED)
            painter.drawText(QRectF(rect.left(), min(y, rect.bottom() - unit), rect.width(), unit),
                             Qt.AlignmentFlag.AlignLeft, f"… and {len(findings) - len(shown)} more")

    def _rack_slide(self, painter, slide: Slide, header, card, drawing, unit) -> None:
        design = self.design
        rack = design.racks[slide.key]
        m = self.engine.rack_metrics(rack.id)
        s = rack_summary(design, m)
        rt = design.rack_type_of(rack)
        row = design.rows.get(rack.row or "")
        self._header(painter, header, f"Rack {rack.name}",
                     f"{f'Row {row.name} · ' if row else ''}{design.halls[rack.hall].name} · {rt.manufacturer} {rt.model} · "
                     f"facing {rack.facing}", unit)
        found = self.findings.get(rack.id, [])
        lines = [("Units used", f"{m.units_used:g} of {m.units_total} U"),
                 (f"Power · feed A / B {m.side_a_w / 1000:.1f} / {m.side_b_w / 1000:.1f} kW", s.power_text()),
                 (f"Heat to air / liquid {m.heat_air_w / 1000:.1f} / {m.heat_liquid_w / 1000:.1f} kW", s.heat_text()),
                 ("Weight", s.rating.state(m.weight_kg) if s.rating else s.weight_text())]
        self._card(painter, card, lines, found, unit)
        outlines = self._device_outlines(found)
        block = lay.blocks_for([(rack.id, rt.u_height)])[0]
        source = QRectF(-4, -4, lay.BLOCK_W + 8, block.height + 8)
        sheet.paint_fitted(painter, drawing, source, lambda p: paint_rack(p, design, block, self.engine, HIGH_CONTRAST, outlines),
                           max_scale=4.0)

    def _device_outlines(self, findings: list[Finding]) -> dict[str, QColor]:
        """Each device a finding names (cables name their ends) gets the colour of its worst one."""
        by_device: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            for obj in f.objects:
                conn = self.design.connections.get(obj)
                for owner in ((conn.a.owner, conn.b.owner) if conn else (obj,)):
                    if owner in self.design.devices:
                        by_device[owner].append(f)
        return {d: SEVERITY_COLOURS[_worst(fs)] for d, fs in by_device.items()}

    def _row_slide(self, painter, slide: Slide, header, card, drawing, unit) -> None:
        design = self.design
        racks = [s.key for s in self.slides if s.kind == "rack" and s.row == slide.row and s.hall == slide.hall]
        row = design.rows.get(slide.row)
        hall = design.halls[slide.hall]
        title = f"Row {row.name}" if row else "Racks outside rows"
        self._header(painter, header, title, f"{hall.name} · {len(racks)} racks"
                     + (f" · facing {row.facing}, cold aisle at the {row.cold_aisle}" if row else ""), unit)
        t = totals(self.engine.rack_metrics(r) for r in racks)
        found = list({f for r in racks for f in self.findings.get(r, [])})
        lines = [("Power", f"{t.checked_w / 1000:,.1f} kW {power_basis(design.settings.worst_case)}"
                           f"{plus_unknown(t.unknown_power)}"),
                 ("Heat to air / liquid", f"{t.heat_air_w / 1000:,.1f} / {t.heat_liquid_w / 1000:,.1f} kW"),
                 ("Units used", f"{t.units_used:g} of {t.units_total} U"),
                 ("Racks with open findings", f"{sum(1 for r in racks if self.findings.get(r))} of {len(racks)}")]
        self._card(painter, card, lines, found, unit)
        outlines = {r: SEVERITY_COLOURS[_worst(self.findings[r])] for r in racks if self.findings.get(r)}
        fills = {r: QColor(255, 244, 170) for r in racks}  # this row's racks stand out
        source = self._row_view(racks, hall)
        sheet.paint_fitted(painter, drawing, source, lambda p: paint_hall(p, design, hall.id, self.engine, outlines, fills),
                           max_scale=10.0)

    def _row_view(self, racks: list[str], hall) -> QRectF:
        """The row's racks with 3 m around them (the whole hall when that is smaller)."""
        from rackstudio.model import geometry

        boxes = [geometry.rack_footprint(self.design, self.design.racks[r]) for r in racks]
        if not boxes:
            return QRectF(0, 0, hall.width_mm, hall.depth_mm)
        x0, y0 = min(b[0] for b in boxes) - 3000, min(b[1] for b in boxes) - 3000
        x1, y1 = max(b[2] for b in boxes) + 3000, max(b[3] for b in boxes) + 3000
        return QRectF(x0, y0, x1 - x0, y1 - y0).intersected(QRectF(-1500, -1500, hall.width_mm + 3000,
                                                                    hall.depth_mm + 3000))


class PresentationController:
    """Review ▸ Presentation Mode: opens the slides full screen at the selected rack (or the first
    slide), makes the editor read-only while they are up and gives it back unchanged."""

    def __init__(self, window):
        self.window = window
        self.screen: PresentationWindow | None = None
        self._actions: dict[str, bool] = {}

    @property
    def presenting(self) -> bool:
        return self.screen is not None

    def _engine(self) -> CheckEngine:
        document = self.window.document
        engine = document.check_engine
        if engine is None:  # no live checks: check once for the slides
            engine = CheckEngine(document.design, document.graph)
            engine.run_full()
        return engine

    def start(self) -> PresentationWindow | None:
        if self.screen is not None:
            return self.screen
        design = self.window.document.design
        screen = PresentationWindow(design, self._engine())
        selected = [i for i in self.window.selection.ids if i in design.racks or i in design.devices]
        if selected:
            rack = selected[0] if selected[0] in design.racks else rack_of_record(design.devices[selected[0]],
                                                                                  design.devices)
            screen.go(next((i for i, s in enumerate(screen.slides) if s.key == rack and s.kind == "rack"), 0))
        self._lock()
        self.screen = screen
        screen.left.connect(self.stop)
        screen.showFullScreen()
        screen.activateWindow()
        screen.setFocus()
        return screen

    def stop(self) -> None:
        screen, self.screen = self.screen, None
        if screen is None:
            return
        if screen.isVisible():
            screen.close()
        screen.deleteLater()
        self._unlock()

    def _lock(self) -> None:
        """Every action off (undo and redo included) and the editor window disabled."""
        self._actions = {key: action.isEnabled() for key, action in self.window.actions_by_id.items()}
        for action in self.window.actions_by_id.values():
            action.setEnabled(False)
        self.window.setEnabled(False)

    def _unlock(self) -> None:
        self.window.setEnabled(True)
        for key, action in self.window.actions_by_id.items():
            action.setEnabled(self._actions.get(key, True))
        undo, redo = self.window.actions_by_id.get("undo"), self.window.actions_by_id.get("redo")
        if undo is not None:  # the stack's own actions follow the stack, whatever they were
            undo.setEnabled(self.window.undo_stack.canUndo())
        if redo is not None:
            redo.setEnabled(self.window.undo_stack.canRedo())
        self.window.activateWindow()
