"""The dashboard's charts: per-rack power (feed sides against the budget and the derated feed limit),
heat (to air and to liquid against air cooling), units used, phase currents of three-phase feeds
and PDUs against their breakers, ports in use per switch, and a hall heat map of power per rack.

Each chart keeps the arrays it plots (`data`), which the tests compare with the checks' figures.
A chart redraws in full from its arrays (one call per frame at most; the dashboard coalesces
edits); the figures behind it are recomputed only for what an edit touched. No OpenGL.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPicture

from rackstudio.reports.metrics_series import MetricsSeries

pg.setConfigOptions(useOpenGL=False, antialias=False, background="w", foreground="k")

SIDE_A = QColor(70, 110, 200)
SIDE_B = QColor(230, 140, 40)
UNFED = QColor(160, 160, 160)
AIR = QColor(90, 170, 230)
LIQUID = QColor(20, 90, 170)
LIMIT = QColor(200, 40, 50)
CAPACITY = QColor(40, 40, 40)
PHASES = (QColor(150, 90, 40), QColor(40, 40, 40), QColor(120, 120, 120))  # L1 brown, L2 black, L3 grey (IEC)
MAX_TICKS = 40

Select = Callable[[str], None]


class Chart:
    """A plot with categories along x (racks, feeds, switches); clicking a category selects it."""

    title = ""
    unit = ""

    def __init__(self, select: Select):
        self.select = select
        self.widget = pg.PlotWidget()
        self.widget.setMenuEnabled(False)
        self.plot = self.widget.getPlotItem()
        self.plot.setTitle(self.title)
        self.plot.setLabel("left", self.unit)
        self.plot.showGrid(y=True, alpha=0.25)
        self.plot.setMouseEnabled(y=False)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.keys: list[str] = []
        self.data: dict[str, np.ndarray] = {}
        self.set = _BarSet(self.plot)
        self.widget.scene().sigMouseClicked.connect(self._clicked)

    def set_categories(self, keys: list[str], labels: list[str]) -> None:
        reset = len(keys) != len(self.keys)
        self.keys = keys
        longest = max((len(label) for label in labels), default=1)
        room = max(4, min(MAX_TICKS, int(max(self.widget.width(), 400) / (7 * longest + 14))))  # labels must not overlap
        step = max(1, -(-len(labels) // room))
        self.plot.getAxis("bottom").setTicks([[(i, labels[i]) for i in range(0, len(labels), step)], []])
        if reset:
            self.plot.setXRange(-0.6, max(len(keys), 1) - 0.4, padding=0)
            self.plot.enableAutoRange(axis="y")

    def key_at(self, x: float) -> str | None:
        i = int(round(x))
        return self.keys[i] if 0 <= i < len(self.keys) and abs(x - i) <= 0.45 else None

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.plot.vb.mapSceneToView(event.scenePos())
        key = self.key_at(point.x())
        if key is not None:
            self.select(key)

    def refresh(self, series: MetricsSeries) -> None:
        raise NotImplementedError

    def racks(self, series: MetricsSeries) -> tuple[list, np.ndarray]:
        """The racks in order as categories: their points and x positions."""
        order = series.rack_order()
        points = [series.racks[r] for r in order]
        self.set_categories(order, [p.name for p in points])
        return points, np.arange(len(points), dtype=float)


def _bars(x, height, width, colour, y0=None, name=None) -> pg.BarGraphItem:
    opts = {"x": x, "height": height, "width": width, "brush": QBrush(colour), "pen": pg.mkPen(None)}
    if y0 is not None:
        opts["y0"] = y0
    if name:
        opts["name"] = name
    return pg.BarGraphItem(**opts)


def _ticks(x, values, colour, name, dashed: bool = False) -> pg.ScatterPlotItem:
    """A short horizontal mark per category (a limit or a capacity), none where `values` is NaN."""
    pen = pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    return pg.ScatterPlotItem(x=x, y=values, symbol="_", size=22, pen=pen, brush=pg.mkBrush(None), name=name)


class _BarSet:
    """Bar and tick items made on the first refresh and fed new arrays on later ones."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.items: dict[str, pg.GraphicsObject] = {}

    def bars(self, key: str, colour: QColor, name: str, x, height, width: float, y0=None) -> None:
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = _bars(x, height, width, colour, y0, name)
            self.plot.addItem(item)
        else:
            item.setOpts(x=x, height=height, width=width, **({} if y0 is None else {"y0": y0}))

    def ticks(self, key: str, colour: QColor, name: str, x, values, dashed: bool = False) -> None:
        shown = np.isfinite(values)  # no mark where there is no figure (a rack without a budget)
        x, values = x[shown], values[shown]
        item = self.items.get(key)
        if item is None:
            item = self.items[key] = _ticks(x, values, colour, name, dashed)
            self.plot.addItem(item)
        else:
            item.setData(x=x, y=values)


def _nan(value: float | None, scale: float = 1.0) -> float:
    return np.nan if value is None else value * scale


class PowerChart(Chart):
    title = "Power per rack: feed sides A and B against the budget and the derated feed limit"
    unit = "kW"

    def refresh(self, series: MetricsSeries) -> None:
        points, x = self.racks(series)
        a = np.array([p.metrics.side_a_w for p in points]) / 1000
        b = np.array([p.metrics.side_b_w for p in points]) / 1000
        unfed = np.array([p.metrics.unfed_w for p in points]) / 1000
        budget = np.array([_nan(p.budget_w, 1e-3) for p in points])
        limit = np.array([_nan(min(p.side_limit_w.values()) if p.side_limit_w else None, 1e-3) for p in points])
        self.data = {"x": x, "side_a_kw": a, "side_b_kw": b, "unfed_kw": unfed, "total_kw": a + b + unfed,
                     "budget_kw": budget, "limit_kw": limit}
        self.set.bars("a", SIDE_A, "side A", x - 0.2, a, 0.4)
        self.set.bars("b", SIDE_B, "side B", x + 0.2, b, 0.4)
        self.set.bars("unfed", UNFED, "no feed yet", x - 0.2, unfed, 0.4, y0=a)
        self.set.ticks("budget", CAPACITY, "rack budget", x, budget)
        self.set.ticks("limit", LIMIT, "derated feed limit (one side)", x, limit, dashed=True)


class HeatChart(Chart):
    title = "Heat per rack: to air and to liquid, against the air-cooling capacity"
    unit = "kW"

    def refresh(self, series: MetricsSeries) -> None:
        points, x = self.racks(series)
        air = np.array([p.metrics.heat_air_w for p in points]) / 1000
        liquid = np.array([p.metrics.heat_liquid_w for p in points]) / 1000
        capacity = np.array([_nan(p.air_capacity_w, 1e-3) for p in points])
        self.data = {"x": x, "heat_air_kw": air, "heat_liquid_kw": liquid, "air_capacity_kw": capacity}
        self.set.bars("air", AIR, "to air", x, air, 0.7)
        self.set.bars("liquid", LIQUID, "to liquid", x, liquid, 0.7, y0=air)
        self.set.ticks("capacity", CAPACITY, "air-cooling capacity", x, capacity)


class UnitsChart(Chart):
    title = "Units used per rack"
    unit = "U"

    def refresh(self, series: MetricsSeries) -> None:
        points, x = self.racks(series)
        used = np.array([p.metrics.units_used for p in points], dtype=float)
        total = np.array([p.metrics.units_total for p in points], dtype=float)
        self.data = {"x": x, "units_used": used, "units_total": total}
        self.set.bars("total", QColor(225, 228, 235), "rack height", x, total, 0.7)
        self.set.bars("used", SIDE_A, "used", x, used, 0.7)


class PortsChart(Chart):
    title = "Ports in use per switch"
    unit = "ports"

    def refresh(self, series: MetricsSeries) -> None:
        order = series.switch_order()
        points = [series.switches[s] for s in order]
        x = np.arange(len(points), dtype=float)
        used = np.array([p.used for p in points], dtype=float)
        total = np.array([p.total for p in points], dtype=float)
        self.data = {"x": x, "used": used, "total": total}
        self.set_categories(order, [f"{p.name}" for p in points])
        self.set.bars("total", QColor(225, 228, 235), "ports", x, total, 0.7)
        self.set.bars("used", QColor(72, 166, 142), "in use", x, used, 0.7)


class PhaseChart(Chart):
    title = "Line currents of three-phase feeds and rack PDUs, against the derated breaker"
    unit = "A"

    def refresh(self, series: MetricsSeries) -> None:
        order = series.phase_order()
        points = [series.phases[p] for p in order]
        x = np.arange(len(points), dtype=float)
        currents = np.array([p.currents_a for p in points], dtype=float).reshape(len(points), 3)
        limit = np.array([p.limit_a for p in points], dtype=float)
        self.data = {"x": x, "l1_a": currents[:, 0], "l2_a": currents[:, 1], "l3_a": currents[:, 2], "limit_a": limit}
        self.set_categories(order, [f"{p.name}" for p in points])
        for i, colour in enumerate(PHASES):
            self.set.bars(f"l{i + 1}", colour, f"L{i + 1}", x + (i - 1) * 0.27, currents[:, i], 0.27)
        self.set.ticks("limit", LIMIT, "derated breaker", x, limit, dashed=True)


# --- the heat map --------------------------------------------------------------------------------------

class _Footprints(pg.GraphicsObject):
    """Rack footprints in hall mm, each filled with its colour; drawn into one QPicture."""

    def __init__(self):
        super().__init__()
        self.boxes: list[tuple[str, QRectF, QColor]] = []
        self._picture = QPicture()
        self._bounds = QRectF()

    def set_boxes(self, boxes: list[tuple[str, QRectF, QColor]]) -> None:
        self.prepareGeometryChange()
        self.boxes = boxes
        self._picture = QPicture()
        painter = QPainter(self._picture)
        pen = QPen(QColor(60, 60, 70))
        pen.setCosmetic(True)
        painter.setPen(pen)
        bounds = QRectF()
        for _, rect, colour in boxes:
            painter.setBrush(QBrush(colour))
            painter.drawRect(rect)
            bounds = bounds.united(rect)
        painter.end()
        self._bounds = bounds
        self.update()

    def paint(self, painter, option, widget=None) -> None:
        painter.drawPicture(0, 0, self._picture)

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def rack_at(self, point: QPointF) -> str | None:
        for rack_id, rect, _ in self.boxes:
            if rect.contains(point):
                return rack_id
        return None


class HeatMap(Chart):
    """The hall seen from above, each rack coloured by its power (kW, the checks' figure), with a
    colour bar as legend."""

    title = "Hall heat map: power per rack"
    unit = "y (m)"
    COLOURS = "CET-L8"  # perceptually uniform, dark blue → yellow

    def __init__(self, select: Select):
        super().__init__(select)
        self.plot.removeItem(self.legend) if self.legend is not None else None
        self.plot.showGrid(x=False, y=False)
        self.plot.setMouseEnabled(x=True, y=True)
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)  # y runs south, as on the floor plan
        self.plot.setLabel("bottom", "x (m)")
        self.footprints = _Footprints()
        self.plot.addItem(self.footprints)
        self.colour_map = pg.colormap.get(self.COLOURS)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=self.colour_map, label="kW per rack", interactive=False)
        self.plot.layout.addItem(self.bar, 2, 5)
        self.hall: str | None = None

    def refresh(self, series: MetricsSeries) -> None:
        racks = [p for p in series.racks.values() if self.hall is None or p.hall == self.hall]
        kw = np.array([p.power_w / 1000 for p in racks], dtype=float)
        top = float(kw.max()) if len(kw) and kw.max() > 0 else 1.0
        self.bar.setLevels((0, top))
        colours = self.colour_map.map(kw / top, mode="qcolor") if len(kw) else []
        boxes = [(p.rack, QRectF(QPointF(p.box[0] / 1000, p.box[1] / 1000), QPointF(p.box[2] / 1000, p.box[3] / 1000)),
                  colour) for p, colour in zip(racks, colours, strict=True)]
        self.keys = [p.rack for p in racks]
        self.data = {"kw": kw, "max_kw": np.array([top])}
        framed = self.footprints.boundingRect()
        self.footprints.set_boxes(boxes)
        if self.footprints.boundingRect() != framed:  # a new hall, or racks added: show them all
            self.plot.vb.setRange(rect=self.footprints.boundingRect(), padding=0.03)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        rack_id = self.footprints.rack_at(self.plot.vb.mapSceneToView(event.scenePos()))
        if rack_id is not None:
            self.select(rack_id)


CHARTS: tuple[tuple[str, type[Chart]], ...] = (
    ("Power", PowerChart), ("Heat", HeatChart), ("Phases", PhaseChart), ("Units", UnitsChart),
    ("Ports", PortsChart), ("Heat map", HeatMap),
)
