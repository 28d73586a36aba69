"""The dashboard dock: charts of the design's figures (power per rack by feed side against budget and
derated feed limit, heat to air and liquid against air cooling, phase currents of three-phase feeds
and PDUs, units per rack, ports per switch, and a hall heat map of kW per rack), over the hall's
optics power.

It costs nothing until shown: pyqtgraph (0.31 s) and the series are loaded the first time the
dock becomes visible. Charts follow every edit: each ChangeSet is merged into a pending one and a
single-shot timer (0 ms, or what is left of the 16 ms frame since the last update) applies them
once, recomputing only the racks, feeds, PDUs and switches the edits touched
(reports.metrics_series), and redrawing only the chart on the visible tab (others redraw when
their tab is opened). A hidden dashboard
keeps the pending edits until it is shown. Clicking a bar or a rack on the heat map selects it in
the views. The figures are the checks' own: with live checks attached, their engine is shared.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QTabWidget, QVBoxLayout, QWidget

from rackstudio.changes import ChangeSet
from rackstudio.reports.metrics_series import MetricsSeries
from rackstudio.reports.totals import FIGURES_PENDING, optics_text
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded

FRAME_MS = 16  # at most one chart update a frame (docs/platform.md)


class DashboardDock(QDockWidget):
    def __init__(self, editor: EditorContext, parent=None, hall: Callable[[], str | None] | None = None):
        super().__init__("Dashboard", parent)
        self.setObjectName("DashboardDock")
        self.editor = editor
        self.current_hall = hall or (lambda: None)
        self.series: MetricsSeries | None = None
        self.charts: list = []
        self.tabs: QTabWidget | None = None
        self.pending: ChangeSet | None = None
        self.dirty: set[int] = set()
        self.last_update_ms = 0.0  # the last coalesced update: series + the visible chart
        self.updates = 0
        self._flushed_at = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.optics = QLabel()  # the hall's optics power (reports.totals.optics_text, as `info` says it)
        self.optics.setWordWrap(True)
        self._layout.addWidget(self.optics)
        self._hint = QLabel("The charts load when this panel is shown.")
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._hint)
        self.setWidget(body)
        editor.bridge.changed.connect(self.on_changed)
        editor.live_checks.reset.connect(self._on_figures)
        editor.bridge.replaced.connect(self.on_replaced)
        self.visibilityChanged.connect(self._on_visibility)

    # --- following the document ----------------------------------------------------------------------

    def on_changed(self, changes: ChangeSet) -> None:
        if self.series is None:
            return  # built from the current design when first shown
        if self.pending is None:
            self.pending = ChangeSet()
        self.pending.merge(changes)
        if not self._timer.isActive():  # 0 ms after this pass, and never twice in one frame
            since = (time.perf_counter() - self._flushed_at) * 1000
            self._timer.start(max(0, int(FRAME_MS - since)))

    def on_replaced(self) -> None:
        self.series = None
        self.pending = None
        if self.isVisible():
            self._timer.start()

    def _on_figures(self) -> None:
        """The checks' figures arrived, or were replaced (a full run taken): the series reads them."""
        if self.isVisible():
            self._timer.start()

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self._timer.start()

    @guarded
    def flush(self) -> None:
        """Apply the pending edits to the series and redraw the visible chart (the timer's slot)."""
        if not self.isVisible():
            return
        if self.editor.live_checks.figures_pending:  # `reset` brings them: flushed again then
            self.optics.setText(f"Charts: {FIGURES_PENDING}.")
            return
        started = time.perf_counter()
        self._build_charts()
        document = self.editor.bridge.document
        shared = document.check_engine
        if self.series is None or self.series.design is not document.design or (
                shared is not None and self.series.engine is not shared):
            self.series = MetricsSeries(document.design, document.graph, shared)
            self.pending = None
            self.dirty = set(range(len(self.charts)))
        if self.pending is not None:
            changes, self.pending = self.pending, None
            if self.series.update(changes):
                self.dirty = set(range(len(self.charts)))
        self._refresh_visible()
        hall = self.current_hall()
        points = [p.metrics for p in self.series.racks.values() if hall is None or p.hall == hall]
        where = self.series.design.halls[hall].name if hall in self.series.design.halls else "the design"
        self.optics.setText(f"Optics in {where}: {optics_text(points)}")
        self._flushed_at = time.perf_counter()
        self.last_update_ms = (self._flushed_at - started) * 1000
        self.updates += 1

    def _refresh_visible(self) -> None:
        if self.tabs is None or self.series is None:
            return
        index = self.tabs.currentIndex()
        if index in self.dirty:
            chart = self.charts[index]
            if hasattr(chart, "hall"):
                chart.hall = self.current_hall()
            chart.refresh(self.series)
            self.dirty.discard(index)

    # --- charts ----------------------------------------------------------------------------------------

    def _build_charts(self) -> None:
        if self.tabs is not None:
            return
        from rackstudio.ui.charts.bars import CHARTS  # pyqtgraph loads here, on first show

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setMinimumHeight(260)  # a chart needs room for its axis, legend and title
        for title, kind in CHARTS:
            chart = kind(self.select)
            self.charts.append(chart)
            self.tabs.addTab(chart.widget, title)
        self._hint.hide()
        self._layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_visible())
        self.dirty = set(range(len(self.charts)))

    def chart(self, title: str):
        """The chart on the tab called `title` (Power, Heat, Phases, Units, Ports, Heat map)."""
        for i in range(self.tabs.count() if self.tabs else 0):
            if self.tabs.tabText(i) == title:
                return self.charts[i]
        raise KeyError(title)

    def show_chart(self, title: str) -> None:
        self._build_charts()
        self.tabs.setCurrentWidget(self.chart(title).widget)

    def select(self, obj_id: str) -> None:
        """A click on a bar or a heat-map cell: select that rack (feed, PDU, switch) in the views."""
        if self.editor.design.kind_of(obj_id) is not None:
            self.editor.selection.set([obj_id], source=self)


__all__ = ["DashboardDock"]
