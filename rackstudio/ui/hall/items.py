"""Items of the floor plan, in hall mm: the tile grid, the aisle shading, ONE item per rack
(name, fill bar and power bar painted inside it — never an item per device), floor equipment
(CDUs, in-row coolers) and cable bundles between racks for the overlay.

Racks and floor items use a device-coordinate cache and draw less when zoomed out
(docs/platform.md: a Python paint costs ~9 µs an item).

With live checks, a rack or floor device with errors or warnings (its own or its devices') is
outlined red or amber with the messages in its tooltip, and a rack's bars show power against its
budget and heat to air against its air cooling from the checks' figures (amber and red near and
over the limits). A failure simulation paints racks dark grey (no power left) or hatched amber
(running on fewer paths), with a red outline on the one holding the failed element.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QStyle

from rackstudio.model.design import Design, Hall
from rackstudio.model.floor import Strip
from rackstudio.reports.totals import RackSummary
from rackstudio.ui.canvas import (
    BAD_COLOUR,
    DARK_FILL,
    DARK_TEXT,
    SELECT_COLOUR,
    marker_colour,
    paint_badge,
    paint_sim_state,
)
from rackstudio.ui.live_checks import Bar, Marker
from rackstudio.ui.render import floor as paint

_OUTLINE = QColor(60, 60, 70)
_DEGRADED = QColor(250, 214, 160)
KIND_COLOURS = {"power": QColor(200, 60, 40), "network": QColor(40, 90, 200), "coolant": QColor(0, 160, 170)}


def _selected(option) -> bool:
    return bool(option.state & QStyle.StateFlag.State_Selected)


def _sim_fill(state: str | None, fill: QColor) -> QColor:
    """The failure simulation's look as a plain fill, for the overview."""
    return DARK_FILL if state in ("dark", "failed") else _DEGRADED if state == "degraded" else fill


_MARGIN = 40.0  # mm around the body for outlines and the checks' badge


class FloorObjectItem(QGraphicsRectItem):
    """Base for things standing on the floor: a box with a front edge, movable by the view.

    The item's rectangle (the body and a margin for outlines and badges) is kept in C++
    (QGraphicsRectItem without a pen): Qt asks every item's bounding rectangle several times per
    paint, and a Python `boundingRect` over 2,000 racks took half of a hall frame."""

    def __init__(self, obj_id: str):
        super().__init__()
        self.obj_id = obj_id
        self.size = (600.0, 1200.0)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setRect(self._outer())
        self.facing = "S"
        self.blocked = ""  # why the current drag position is refused
        self.marker: Marker | None = None  # the checks' errors and warnings about it
        self.sim: str | None = None  # failure simulation: "dark", "degraded", "failed" or None
        self.sim_note = ""
        self.sim_failed_here = False  # holds the element the simulation failed
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.overview: OverviewItem | None = None  # paints this item when zoomed out (set by the scene)

    def refresh(self) -> None:
        """Repaint after a change of look or place: the item, or the overview that paints it."""
        self.update()
        overview = self.overview
        if overview is not None and self.obj_id not in overview.live:
            overview.changed(self.obj_id)

    def overview_look(self) -> tuple[QColor, QColor, bool]:
        """(fill, outline, thick outline) of the item in the zoomed-out overview."""
        if self.sim_failed_here:
            return _sim_fill(self.sim, self.fill()), BAD_COLOUR, True
        colour = marker_colour(self.marker)
        return _sim_fill(self.sim, self.fill()), colour or _OUTLINE, colour is not None

    def fill(self) -> QColor:
        return paint.RACK_FILL

    def set_box(self, box: tuple[float, float, float, float], facing: str) -> None:
        size = (box[2] - box[0], box[3] - box[1])
        if size != self.size:
            self.size = size
            self.setRect(self._outer())  # tells the scene the geometry changes
        self.facing = facing
        self.setPos(box[0], box[1])
        self.refresh()

    def set_blocked(self, reason: str) -> None:
        if reason != self.blocked:
            self.blocked = reason
            self.setToolTip(reason or self.describe())
            self.refresh()

    def describe(self) -> str:
        return ""

    def extra_tip(self) -> str:
        """The checks' messages and the simulation's note, for the tooltip."""
        parts = [self.sim_note] if self.sim_note else []
        if self.marker is not None:
            parts.append(self.marker.tooltip())
        return ("\n\n" + "\n".join(parts)) if parts else ""

    def restyle(self, **looks) -> bool:
        """Set look attributes (marker, bars, sim, ...); repaint and re-tip only if one changed."""
        if all(getattr(self, name) == value for name, value in looks.items()):
            return False
        for name, value in looks.items():
            setattr(self, name, value)
        self.setToolTip(self.blocked or self.describe())
        self.refresh()
        return True

    def set_marker(self, marker: Marker | None) -> bool:
        return self.restyle(marker=marker)

    def set_sim(self, state: str | None, note: str = "", failed_here: bool = False) -> bool:
        return self.restyle(sim=state, sim_note=note, sim_failed_here=failed_here)

    def paint_overlays(self, painter: QPainter) -> None:
        """The checks' badge and the simulation's look over what the item painted."""
        lod = paint.lod_of(painter)
        paint_sim_state(painter, self.body(), self.sim, 1.0 / max(lod, 1e-6))
        if self.sim_failed_here:
            pen = QPen(BAD_COLOUR, 4.0 / max(lod, 1e-6), Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.body().adjusted(-30, -30, 30, 30))
        if self.marker is not None and min(self.size) * lod > 16:
            paint_badge(painter, self.body().topRight(), min(14.0 / max(lod, 1e-6), min(self.size) * 0.4),
                        self.marker)

    def body(self) -> QRectF:
        return QRectF(0, 0, *self.size)

    def _outer(self) -> QRectF:
        return QRectF(-_MARGIN, -_MARGIN, self.size[0] + 2 * _MARGIN, self.size[1] + 2 * _MARGIN)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.body())
        return path

    def paint_frame(self, painter: QPainter, option, fill: QColor) -> float:
        return paint.paint_floor_box(painter, self.size, self.facing, fill, _selected(option), bool(self.blocked))


class RackItem(FloorObjectItem):
    """One rack: footprint, front edge, name, a fill bar (units used), a power bar (the load the
    checks count against the rack's budget) and a cooling bar, all from the checks' metrics.
    Double-click opens its elevation (the view handles it).

    The figures are read when first needed (painted close enough to show them, or hovered): a
    large hall opens without computing every rack's metrics before the checks have run."""

    def __init__(self, rack_id: str):
        super().__init__(rack_id)
        self.setZValue(10)
        self.name = ""
        self.type_name = ""
        self._summary: RackSummary | None = None
        self._summarise: Callable[[], RackSummary | None] | None = None
        self.bars: tuple[Bar, Bar] | None = None  # power and cooling from the live checks' engine
        self.rack_design: str | None = None  # the slug of the design this rack is an instance of
        self.design_name = ""
        self.overrides = 0  # how many overrides the instance has

    @property
    def summary(self) -> RackSummary | None:
        if self._summary is None and self._summarise is not None:
            self._summary = self._summarise()
        return self._summary

    def update_from(self, design: Design, box, summarise: Callable[[], RackSummary | None]) -> None:
        rack = design.racks[self.obj_id]
        self.name = rack.name
        self.type_name = design.rack_type_of(rack).model
        self._summary, self._summarise = None, summarise
        rd = design.rack_designs.get(rack.rack_design) if rack.rack_design else None
        instance = (rd.slug, rd.name, len(rack.overrides or {})) if rd is not None else (None, "", 0)
        if instance != (self.rack_design, self.design_name, self.overrides):
            self.rack_design, self.design_name, self.overrides = instance
            if self.overview is not None:
                self.overview.changed(self.obj_id)  # its tint is drawn by the overview when zoomed out
        self.set_box(box, rack.facing)

    def fill(self) -> QColor:
        return paint.design_fill(self.rack_design) if self.rack_design else paint.RACK_FILL

    def hoverEnterEvent(self, event) -> None:
        self.setToolTip(self.blocked or self.describe())
        super().hoverEnterEvent(event)

    def toolTip(self) -> str:  # noqa: N802 - Qt's name; the tip is written when first shown
        return self.blocked or self.describe()

    def describe(self) -> str:
        s = self.summary
        if s is None:
            return self.name
        power, cooling = self.bars if self.bars is not None else s.bars()
        return (f"{self.name} ({self.type_name}), facing {self.facing}\n{self.design_text()}"
                f"{s.used_u:g} of {s.total_u} U used\nPower: {power.text}\nCooling: {cooling.text}\n"
                f"Weight: {s.rating.state(s.weight_kg) if s.rating else s.weight_text()}") + self.extra_tip()

    def design_text(self) -> str:
        if self.rack_design is None:
            return ""
        n = self.overrides
        return f"Instance of rack design {self.design_name}" + (
            f", {n} override{'s' * (n != 1)}\n" if n else ", as designed\n")

    def set_bars(self, bars: tuple[Bar, Bar] | None) -> bool:
        return self.restyle(bars=bars)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        close = paint.lod_of(painter) * min(self.size) >= paint.FIGURES_LOD
        paint.paint_rack(painter, self.size, self.facing, self.name, self.summary if close else None,
                         _selected(option), bool(self.blocked), self.fill(), marker_colour(self.marker), self.bars)
        if self.overrides and min(self.size) * paint.lod_of(painter) > 16:
            paint.paint_override_mark(painter, self.size, paint.lod_of(painter))
        self.paint_overlays(painter)
        if self.sim == "dark":
            lod = paint.lod_of(painter)
            painter.setPen(DARK_TEXT)
            paint.fit_text(painter, self.body().adjusted(60, 60, -60, -60), self.name, lod, 13, bold=True)


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
        return f"{self.name} ({self.model}), facing {self.facing}" + self.extra_tip()

    def fill(self) -> QColor:
        return paint.floor_device_fill(self.category)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        paint.paint_floor_device(painter, self.size, self.facing, self.name, self.category, _selected(option),
                                 bool(self.blocked))
        colour = marker_colour(self.marker)
        if colour is not None and not self.blocked and not _selected(option):
            lod = paint.lod_of(painter)
            painter.setPen(QPen(colour, 3.0 / max(lod, 1e-6)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.body())
        self.paint_overlays(painter)
        if self.sim in ("dark", "failed"):
            painter.setPen(DARK_TEXT)
            paint.fit_text(painter, self.body().adjusted(40, 40, -40, -40), self.name, paint.lod_of(painter), 11)


OVERVIEW_PX = 12  # a 600 mm rack narrower than this on screen: the hall is drawn by the overview


class OverviewItem(QGraphicsItem):
    """Every rack and floor unit of the hall in one item, when zoomed out so far that a rack is
    a few pixels wide (no name, bars or badge could be read): boxes grouped by colour and drawn
    with one `drawRects` per group, front edges with one `drawLines`, cached as one pixmap.

    Per-item painting at that scale cost a Python `paint` and a cached pixmap per item, 2,000
    of them at L, on every zoom and frame. The items stay in the scene (hit tests, tooltips,
    selection) with no contents; selected ones (and so the ones being dragged) paint themselves
    on top, and the overview leaves them out.

    Each item's look is kept until that item changes (`changed(obj_id)`): re-marking a hall a
    slice at a time repaints the overview after every slice, and recomputing all 2,000 looks for
    each of those paints held the window 40 to 60 ms a time."""

    def __init__(self, objects: dict[str, FloorObjectItem]):
        super().__init__()
        self.objects = objects
        self.active = False
        self.live: set[str] = set()  # ids of the items that paint themselves (selected)
        self._batches: tuple[list, list[QLineF]] | None = None  # what paint draws, until something changes
        # id -> (item, box, fill, outline, thick outline, front edge) as last drawn; `_stale` ids
        # (None: all) are looked at again
        self._looks: dict[str, tuple[FloorObjectItem, QRectF, QColor, QColor, bool, QLineF]] = {}
        self._stale: set[str] | None = None
        self._rect = QRectF()
        self.setZValue(8)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_bounds(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self._rect

    def changed(self, obj_id: str | None = None) -> None:
        """The item `obj_id` changed its look or place (None: any may have); a change the overview
        does not show (a rack's bars, its tooltip) repaints nothing."""
        if obj_id is not None:
            item, entry = self.objects.get(obj_id), self._looks.get(obj_id)
            if (item is not None and entry is not None and entry[0] is item and obj_id not in self.live
                    and self._look_of(item)[1:] == entry[1:]):
                return
            if self._stale is not None:
                self._stale.add(obj_id)
        else:
            self._stale = None
        self._batches = None
        if self.active:
            self.update()

    @staticmethod
    def _look_of(item: FloorObjectItem) -> tuple[FloorObjectItem, QRectF, QColor, QColor, bool, QLineF]:
        rect = QRectF(item.pos(), QSizeF(*item.size))
        return (item, rect, *item.overview_look(), paint.front_line(rect.adjusted(20, 20, -20, -20), item.facing))

    def set_active(self, active: bool) -> None:
        """Zoomed out past OVERVIEW_PX (True) or back in: who paints the racks changes."""
        if active != self.active:
            self.active = active
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, not active)
            for obj_id, item in self.objects.items():
                self._own_paint(item, not active or obj_id in self.live)
            self.update()

    def set_live(self, live: set[str]) -> None:
        """The ids whose items paint themselves (the selection)."""
        if live == self.live:
            return
        if self.active:
            for obj_id in live ^ self.live:
                item = self.objects.get(obj_id)
                if item is not None:
                    self._own_paint(item, obj_id in live)
        changed = live ^ self.live
        self.live = set(live)
        for obj_id in changed:
            self.changed(obj_id)
        if not changed:
            self.changed()

    def adopt(self, item: FloorObjectItem) -> None:
        """A new item in the scene: painted by the overview while it is active."""
        item.overview = self
        self._own_paint(item, not self.active or item.obj_id in self.live)
        self.changed(item.obj_id)

    @staticmethod
    def _own_paint(item: FloorObjectItem, own: bool) -> None:
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, not own)

    def _current(self) -> dict[str, tuple[FloorObjectItem, QRectF, QColor, QColor, bool, QLineF]]:
        """Every painted item's look, recomputed only for the items changed since last asked."""
        stale, old, objects = self._stale, self._looks, self.objects
        looks = {}
        for obj_id, item in objects.items():
            if obj_id in self.live:
                continue
            entry = old.get(obj_id)
            if entry is None or entry[0] is not item or stale is None or obj_id in stale:
                entry = self._look_of(item)
            looks[obj_id] = entry
        self._looks, self._stale = looks, set()
        return looks

    def looks(self) -> dict[str, tuple[QRectF, QColor, QColor, bool]]:
        """What the overview draws: id → (box in hall mm, fill, outline, thick outline)."""
        return {obj_id: entry[1:5] for obj_id, entry in self._current().items()}

    def _batch(self) -> tuple[list, list[QLineF]]:
        """[(fill, outline, thick, boxes)] by colour, and the front edges."""
        groups: dict[tuple[int, int, bool], tuple[QColor, QColor, bool, list[QRectF]]] = {}
        fronts = []
        for _item, rect, fill, outline, thick, front in self._current().values():
            # a few groups: the colours are shared objects (QColor is not hashable)
            groups.setdefault((id(fill), id(outline), thick), (fill, outline, thick, []))[3].append(rect)
            fronts.append(front)
        return list(groups.values()), fronts

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = max(paint.lod_of(painter), 1e-6)
        if self._batches is None:
            self._batches = self._batch()
        groups, fronts = self._batches
        for fill, outline, thick, rects in groups:
            painter.setPen(QPen(outline, (3.0 if thick else 1.0) / lod))
            painter.setBrush(fill)
            painter.drawRects(rects)
        front = QPen(paint.FRONT_PEN, max(3.0 / lod, 40.0))
        front.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(front)
        painter.drawLines(fronts)


class FloorGridItem(QGraphicsItem):
    """The hall outline, its tile grid and tile names (columns A.., rows 1..)."""

    def __init__(self):
        super().__init__()
        self.hall: Hall | None = None
        self.setZValue(-20)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # not redrawn in Python every frame

    def set_hall(self, hall: Hall | None) -> None:
        self.prepareGeometryChange()
        self.hall = hall
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF() if self.hall is None else paint.grid_rect(self.hall)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.hall is not None:
            paint.paint_floor_grid(painter, self.hall)


class AisleLayerItem(QGraphicsItem):
    """Cold (blue) and hot (red) aisle shading; where they overlap (a rack turned the wrong way)
    the colours mix and show it."""

    def __init__(self):
        super().__init__()
        self.strips: list[Strip] = []
        self._rect = QRectF()
        self.setZValue(-10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

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
        paint.paint_aisles(painter, self.strips)


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
