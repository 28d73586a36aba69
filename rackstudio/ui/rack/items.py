"""Items of the elevation view, in scene pixels (elevation_layout): the rack frame (header,
unit numbers as the rack type prints them, both faces, 0U side channels), devices coloured by
category, their hatched shadow on the other face when full-depth, 0U side devices, and child
devices drawn in their parent's bays."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsItem, QStyle

from rackstudio.model.design import Design
from rackstudio.reports.totals import RackSummary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.render import elevation as paint
from rackstudio.ui.render.elevation import CLOSE_BOX, layout_bays  # noqa: F401 - part of this module's API


class RackFrameItem(QGraphicsItem):
    """One open rack's frame; devices are separate items on top of it."""

    def __init__(self, block: lay.RackBlock):
        super().__init__()
        self.block = block
        self.rack_id = block.rack_id
        self.text = paint.FrameText("", "", ())
        self.setZValue(0)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def title(self) -> str:
        return self.text.title

    @property
    def subtitle(self) -> str:
        return self.text.subtitle

    @property
    def unit_labels(self) -> list[str]:
        return list(self.text.unit_labels)

    def update_from(self, design: Design, summary: RackSummary) -> None:
        self.text = paint.frame_text(design, self.rack_id, summary)
        self.update()

    def boundingRect(self) -> QRectF:
        x, y, w, h = self.block.rect()
        return QRectF(x - 2, y - 2, w + 4, h + 4)

    def close_rect(self) -> QRectF:
        return paint.close_rect(self.block)

    def paint(self, painter, option, widget=None) -> None:
        paint.paint_frame(painter, self.block, self.text)


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
        where = "" if device.position is None else (
            f" at U{design.rack_type_of(design.racks[device.rack]).unit_label(device.position):g} {device.face}"
            if device.rack in design.racks else "")
        shadow = " (full-depth, mounted on the other face)" if self.role == "shadow" else ""
        self.setToolTip(f"{device.name}: {part.manufacturer} {part.model}{where}{shadow}")

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
        paint.paint_device(painter, self.size, self.label, self.role, self.bays, selected, bool(self.blocked))

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
