"""Items of the elevation view, in scene pixels (elevation_layout): the rack frame (header,
unit numbers as the rack type prints them, both faces, 0U side channels), devices coloured by
category, their hatched shadow on the other face when full-depth, 0U side devices, and child
devices drawn in their parent's bays. With live checks, a device or rack with errors or warnings
is outlined red or amber with the messages in its tooltip; a failure simulation paints devices
dark grey (no power or cooling) or hatched amber (fewer paths), the failed one crossed out."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QStyle

from rackstudio.model.design import Design
from rackstudio.model.rack_designs import describe, design_of_device
from rackstudio.reports.totals import RackSummary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.canvas import DARK_TEXT, SELECT_COLOUR, marker_colour, paint_badge, paint_sim_state
from rackstudio.ui.live_checks import Marker
from rackstudio.ui.render import elevation as paint
from rackstudio.ui.render.elevation import CLOSE_BOX, layout_bays  # noqa: F401 - part of this module's API
from rackstudio.ui.render.floor import lod_of, paint_override_mark


class RackFrameItem(QGraphicsItem):
    """One open rack's frame; devices are separate items on top of it."""

    def __init__(self, block: lay.RackBlock):
        super().__init__()
        self.block = block
        self.rack_id = block.rack_id
        self.text = paint.FrameText("", "", ())
        self.marker: Marker | None = None  # the checks' errors and warnings about the rack itself
        self.setZValue(0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)  # a click on an empty unit
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_marker(self, marker: Marker | None) -> bool:
        if marker == self.marker:
            return False
        self.marker = marker
        self.setToolTip(f"{self.title}\n{marker.tooltip()}" if marker is not None else "")
        self.update()
        return True

    @property
    def title(self) -> str:
        return self.text.title

    @property
    def subtitle(self) -> str:
        return self.text.subtitle

    @property
    def unit_labels(self) -> list[str]:
        return list(self.text.unit_labels)

    def update_from(self, design: Design, summary: RackSummary | None) -> None:
        self.text = paint.frame_text(design, self.rack_id, summary)
        self.update()

    def boundingRect(self) -> QRectF:
        x, y, w, h = self.block.rect()
        return QRectF(x - 2, y - 2, w + 4, h + 4)

    def close_rect(self) -> QRectF:
        return paint.close_rect(self.block)

    def paint(self, painter, option, widget=None) -> None:
        paint.paint_frame(painter, self.block, self.text)
        if option.state & QStyle.StateFlag.State_Selected:
            x, y, w, h = self.block.rect()
            painter.setPen(QPen(SELECT_COLOUR, 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x - 1.5, y - 1.5, w + 3, h + 3))
        colour = marker_colour(self.marker)
        if colour is not None:
            x, y, w, h = self.block.rect()
            painter.setPen(QPen(colour, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x - 0.5, y - 0.5, w + 1, h + 1))
            paint_badge(painter, QPointF(x + w - paint.CLOSE_BOX - 6, y + 2), 16.0, self.marker)


class DeviceItem(QGraphicsItem):
    """A device on one face (or its hatched shadow on the other face when full-depth), or a 0U
    device in a side channel, or a child device in a parent's bay (as a child item)."""

    def __init__(self, device_id: str, rack_id: str, role: str = "face"):
        super().__init__()
        self.obj_id = device_id
        self.rack_id = rack_id
        self.role = role  # "face", "shadow", "side" or "bay"
        self.size = (10.0, 10.0)
        self.label = paint.DeviceLabel("", "", "other")
        self.bays: list[tuple[str, QRectF]] = []  # for parents: bay name and its rect (local)
        self.blocked = ""
        self.base_tip = ""
        self.marker: Marker | None = None  # the checks' errors and warnings about this device
        self.sim: str | None = None  # failure simulation: "failed", "dark", "degraded" or None
        self.override = ""  # what this rack's override of its design's device says, if it has one
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
        self.label = paint.device_label(design, device_id)
        where = f" (0U, {device.side} side, {device.face})" if device.position is None and device.side else (
            "" if device.position is None else (
                f" at U{design.rack_type_of(design.racks[device.rack]).unit_label(device.position):g} {device.face}"
                if device.rack in design.racks else ""))
        shadow = (" (mounted on the other face)" if device.position is None else
                  " (full-depth, mounted on the other face)") if self.role == "shadow" else ""
        self.base_tip = f"{device.name}: {part.manufacturer} {part.model}{where}{shadow}"
        if device.modules:
            self.base_tip += "\nModules: " + ", ".join(
                f"{bay} {design.module_types[key].model}" for bay, key in sorted(device.modules.items()))
        found = design_of_device(design, device_id)
        override = (found[0].overrides or {}).get(found[1]) if found is not None else None
        self.override = describe(override) if override is not None and self.role != "shadow" else ""
        if self.override:
            rd = design.rack_designs[found[0].rack_design]
            self.base_tip += f"\nIn this rack: {self.override} (an override of rack design {rd.name})"
        self._refresh_tip()

    def _refresh_tip(self) -> None:
        extra = [{"failed": "Simulated failure: this one fails", "dark": "Simulated failure: loses its supply",
                  "degraded": "Simulated failure: loses redundancy"}[self.sim]] if self.sim else []
        if self.marker is not None:
            extra.append(self.marker.tooltip())
        self.setToolTip("\n\n".join([self.base_tip, *extra]))

    def set_marker(self, marker: Marker | None) -> bool:
        return self._restyle("marker", None if self.role == "shadow" else marker)  # the face carries it

    def set_sim(self, state: str | None) -> bool:
        return self._restyle("sim", state)

    def _restyle(self, name: str, value) -> bool:
        if getattr(self, name) == value:
            return False
        setattr(self, name, value)
        self._refresh_tip()
        self.update()
        return True

    def set_blocked(self, reason: str) -> None:
        if reason != self.blocked:
            self.blocked = reason
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-1, -1, self.size[0] + 2, self.size[1] + 2)

    @property
    def name(self) -> str:
        return self.label.name

    @property
    def model(self) -> str:
        return self.label.model

    @property
    def category(self) -> str:
        return self.label.category

    def paint(self, painter, option, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        paint.paint_device(painter, self.size, self.label, self.role, self.bays, selected, bool(self.blocked),
                           outline=marker_colour(self.marker))
        rect = QRectF(0.5, 0.5, self.size[0] - 1, self.size[1] - 1)
        paint_sim_state(painter, rect, self.sim)
        if self.sim in ("dark", "failed") and self.role != "shadow":
            self._paint_dark_name(painter, rect)
        if self.marker is not None:
            paint_badge(painter, rect.topRight(), min(13.0, rect.height() - 3, rect.width() - 3), self.marker)
        if self.override:  # the same corner mark an overridden instance has on the floor plan
            paint_override_mark(painter, self.size, lod_of(painter))

    def _paint_dark_name(self, painter, rect: QRectF) -> None:
        """The name, light on the simulation's dark grey."""
        painter.setPen(DARK_TEXT)
        if self.role == "side":
            painter.save()
            painter.translate(rect.center())
            painter.rotate(-90)
            painter.setFont(paint.font(min(11, rect.width() * 0.55)))
            painter.drawText(QRectF(-rect.height() / 2, -rect.width() / 2, rect.height(), rect.width()),
                             Qt.AlignmentFlag.AlignCenter, self.name)
            painter.restore()
            return
        painter.setFont(paint.font(min(12.0, max(rect.height() * 0.62, 6.0)), bold=True))
        text = painter.fontMetrics().elidedText(self.name, Qt.TextElideMode.ElideRight, int(rect.width() - 6))
        painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

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
