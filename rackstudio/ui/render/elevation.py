"""Painters of rack elevations, in elevation-layout pixels, shared by the elevation view's items,
the exporters (SVG, PNG, PDF) and the presentation: the rack frame (header, unit numbers as the
rack type prints them, both faces, 0U side channels) and devices coloured by category, with the
hatched shadow of a full-depth device on its other face and children drawn in their parent's bays.

`rack_shapes` says which device is drawn where in one rack block; the elevation scene builds its
items from it and `paint_rack` paints a whole rack from it, so screen and paper agree.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen

from rackstudio.checks.metrics import MetricsSource
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.reports.totals import FIGURES_PENDING, RackSummary, rack_summary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.canvas import BAD_COLOUR, SELECT_COLOUR, category_colour

CLOSE_BOX = 16.0
Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Look:
    """Colours and weights: the editor's, or high contrast for the presentation."""

    ink: QColor = field(default_factory=lambda: QColor(30, 30, 40))
    subtle: QColor = field(default_factory=lambda: QColor(80, 80, 90))
    numbers: QColor = field(default_factory=lambda: QColor(90, 90, 100))
    face_pen: QColor = field(default_factory=lambda: QColor(60, 60, 70))
    face_fill: QColor = field(default_factory=lambda: QColor(250, 250, 252))
    unit_line: QColor = field(default_factory=lambda: QColor(228, 228, 234))
    side_fill: QColor = field(default_factory=lambda: QColor(238, 238, 242))
    device_text: QColor = field(default_factory=lambda: QColor(15, 15, 25))
    device_lighter: int = 135  # device fill: the category colour made lighter by this %
    line: float = 1.0


SCREEN = Look()
HIGH_CONTRAST = Look(ink=QColor(0, 0, 0), subtle=QColor(0, 0, 0), numbers=QColor(0, 0, 0),
                     face_pen=QColor(0, 0, 0), face_fill=QColor(255, 255, 255), unit_line=QColor(200, 200, 200),
                     side_fill=QColor(230, 230, 230), device_text=QColor(0, 0, 0), device_lighter=115,
                     line=2.0)


def font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(1, int(px)))
    f.setBold(bold)
    return f


# --- the frame ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrameText:
    title: str
    subtitle: str
    unit_labels: tuple[str, ...]


def frame_text(design: Design, rack_id: str, summary: RackSummary | None) -> FrameText:
    """The header of a rack block: its name (and the rack design it is an instance of, with its
    overrides), and its type, units used, power (as the checks count it, of its budget) and
    weight, all from the checks' metrics (None: not yet, `FIGURES_PENDING`)."""
    rack = design.racks[rack_id]
    rt = design.rack_type_of(rack)
    subtitle = f"{rt.model} · {FIGURES_PENDING}" if summary is None else (
        f"{rt.model} · {summary.used_u:g}/{summary.total_u} U · {summary.power_short()} · {summary.weight_kg:,.0f} kg")
    title = rack.name
    rd = design.rack_designs.get(rack.rack_design) if rack.rack_design else None
    if rd is not None:
        n = len(rack.overrides or {})
        title += f"  ◆ {rd.name} rev {rd.revision}" + (f", {n} override{'s' * (n != 1)}" if n else "")
    return FrameText(title, subtitle, tuple(f"{rt.unit_label(i):g}" for i in range(1, rt.u_height + 1)))


def close_rect(block: lay.RackBlock) -> QRectF:
    x, y, w, _ = block.rect()
    return QRectF(x + w - CLOSE_BOX - 2, y + 4, CLOSE_BOX, CLOSE_BOX)


def paint_frame(painter: QPainter, block: lay.RackBlock, text: FrameText, closable: bool = True,
                look: Look = SCREEN) -> None:
    """A rack block: title, subtitle, close box (on screen), both faces with unit lines and
    numbers, and the dashed 0U side channels."""
    b = block
    x, y, w, h = b.rect()
    painter.setPen(look.ink)
    painter.setFont(font(15, bold=True))
    painter.drawText(QRectF(x, y + 2, w - CLOSE_BOX - 6, 20), Qt.AlignmentFlag.AlignLeft, text.title)
    painter.setFont(font(11))
    painter.setPen(look.subtle)
    painter.drawText(QRectF(x, y + 22, w, 16), Qt.AlignmentFlag.AlignLeft, text.subtitle)
    if closable:
        close = close_rect(b)
        painter.drawRect(close)
        painter.drawLine(close.topLeft() + QPointF(4, 4), close.bottomRight() - QPointF(4, 4))
        painter.drawLine(close.topRight() + QPointF(-4, 4), close.bottomLeft() + QPointF(4, -4))
    for face in ("front", "rear"):
        fx, fy, fw, fh = b.face_rect(face)
        painter.setPen(QPen(look.face_pen, 2 * look.line))
        painter.setBrush(look.face_fill)
        painter.drawRect(QRectF(fx, fy, fw, fh))
        painter.setPen(QPen(look.unit_line, 1))
        for i in range(1, b.u_height):
            yy = fy + i * lay.UNIT_PX
            painter.drawLine(QPointF(fx, yy), QPointF(fx + fw, yy))
        painter.setPen(look.face_pen)
        painter.setFont(font(12, bold=True))
        label = "Front" if face == "front" else "Rear (seen from behind)"
        painter.drawText(QRectF(fx, fy + fh + 3, fw, lay.FOOTER - 4), Qt.AlignmentFlag.AlignCenter, label)
    for face, side in lay.SIDE_X:
        sx, sy, sw, sh = b.side_rect(side, face)
        painter.setPen(QPen(QColor(150, 150, 160), 1, Qt.PenStyle.DashLine))
        painter.setBrush(look.side_fill)
        painter.drawRect(QRectF(sx, sy, sw, sh))
    painter.setFont(font(10))
    painter.setPen(look.numbers)
    for face in ("front", "rear"):
        nx = b.numbers_x(face)
        for i, label in enumerate(text.unit_labels, start=1):
            top = b.unit_y(i) - lay.UNIT_PX
            painter.drawText(QRectF(nx, top, lay.NUM_W - 3, lay.UNIT_PX),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)


# --- devices -----------------------------------------------------------------------------------------

def layout_bays(names: list[str], size: tuple[float, float]) -> list[tuple[str, QRectF]]:
    """Bays side by side across a parent's face (two rows when there are more than eight)."""
    if not names:
        return []
    rows = 2 if len(names) > 8 else 1
    per_row = -(-len(names) // rows)
    w = (size[0] - 4) / per_row
    h = (size[1] - 4) / rows
    return [(name, QRectF(2 + (i % per_row) * w, 2 + (i // per_row) * h, w, h)) for i, name in enumerate(names)]


def child_rect(bay: QRectF) -> Rect:
    """Where a child device sits in its parent's bay (parent-local), below the bay's name."""
    return (bay.x() + 1, bay.y() + 10, bay.width() - 2, max(bay.height() - 11, 4))


@dataclass(frozen=True)
class DeviceLabel:
    name: str
    model: str
    category: str
    # one per module bay, in the part's order: "" empty, "psu" a PSU module, "module" any other
    module_bays: tuple[str, ...] = ()


def paint_device(painter: QPainter, size: tuple[float, float], label: DeviceLabel, role: str,
                 bays: list[tuple[str, QRectF]] = (), selected: bool = False, blocked: bool = False,
                 look: Look = SCREEN, outline: QColor | None = None) -> None:
    """A device at the origin: `role` face, shadow (full-depth, on the other face: hatched), side
    (0U, text turned) or bay (a child). `outline` (a finding's colour) replaces the frame colour."""
    rect = QRectF(0.5, 0.5, size[0] - 1, size[1] - 1)
    colour = category_colour(label.category)
    if role == "shadow":
        painter.setBrush(QBrush(QColor(225, 225, 230)))
        painter.setPen(QPen(QColor(150, 150, 160), 1))
        painter.drawRect(rect)
        painter.setBrush(QBrush(colour.lighter(120), Qt.BrushStyle.BDiagPattern))
    else:
        painter.setBrush(QBrush(colour.lighter(look.device_lighter)))
    pen = QPen(BAD_COLOUR if blocked else SELECT_COLOUR if selected else outline or colour.darker(160))
    pen.setWidthF(3 if selected or blocked or outline is not None else look.line)
    painter.setPen(pen)
    painter.drawRect(rect)
    for name, bay in bays:
        painter.setPen(QPen(QColor(110, 110, 120), 1, Qt.PenStyle.DotLine))
        painter.setBrush(QColor(255, 255, 255, 120))
        painter.drawRect(bay)
        painter.setFont(font(8))
        painter.drawText(bay.adjusted(2, 1, -2, -1), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, name)
    painter.setPen(QColor(120, 120, 130) if role == "shadow" else look.device_text)
    if role == "side" or (role == "shadow" and rect.height() > 3 * rect.width()):  # 0U: text turned
        painter.save()
        painter.translate(rect.center())
        painter.rotate(-90)
        painter.setFont(font(min(11, rect.width() * 0.55)))
        length = rect.height()
        painter.drawText(QRectF(-length / 2, -rect.width() / 2, length, rect.width()),
                         Qt.AlignmentFlag.AlignCenter, label.name)
        painter.restore()
        return
    if role == "face" and label.module_bays:
        _paint_module_bays(painter, rect, label.module_bays)
    if bays:
        return
    px = min(12.0, max(rect.height() * 0.62, 6.0))
    painter.setFont(font(px, bold=role == "face"))
    text = label.name if role == "shadow" else f"{label.name}  {label.model}"
    if rect.height() >= 2 * lay.UNIT_PX and role == "face":
        text = f"{label.name}\n{label.model}"
    width = rect.width() - 6
    painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                     painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width))
                     if "\n" not in text else text)


MODULE_COLOURS = {"psu": QColor(214, 140, 30), "module": QColor(60, 110, 190)}


def _paint_module_bays(painter: QPainter, rect: QRectF, states: tuple[str, ...]) -> None:
    """A row of small squares at the device's bottom right, one per module bay: filled for a bay
    with a module (amber a PSU, blue any other), outlined for an empty one."""
    side = max(3.0, min(7.0, rect.height() * 0.3))
    gap = side * 0.45
    x = rect.right() - 3 - len(states) * (side + gap) + gap
    y = rect.bottom() - side - 2
    for state in states:
        painter.setPen(QPen(QColor(70, 70, 80), 0.8))
        painter.setBrush(MODULE_COLOURS.get(state, QColor(255, 255, 255, 150)))
        painter.drawRect(QRectF(x, y, side, side))
        x += side + gap


def module_states(design: Design, device) -> tuple[str, ...]:
    """What `DeviceLabel.module_bays` shows for a device: one state per module bay of its part."""
    bays = design.part_types[device.part].module_bays
    if not device.modules:
        return ("",) * len(bays)
    fitted = device.modules
    return tuple("" if b.name not in fitted else "psu" if design.module_types[fitted[b.name]].is_psu else "module"
                 for b in bays)


def device_label(design: Design, device_id: str) -> DeviceLabel:
    device = design.devices[device_id]
    part = design.part_of(device)
    return DeviceLabel(device.name, part.model, str(part.category), module_states(design, device))


# --- a whole rack ------------------------------------------------------------------------------------

@dataclass
class DeviceShape:
    """One drawn device: its rect in layout pixels (parent-local for a bay child), its role, its
    parent's bays, and the children drawn in them."""

    device_id: str
    role: str  # face, shadow, side, bay
    rect: Rect
    bays: list[tuple[str, QRectF]] = field(default_factory=list)
    children: list[DeviceShape] = field(default_factory=list)


def rack_shapes(design: Design, block: lay.RackBlock) -> list[DeviceShape]:
    """The devices of one rack block as the elevation draws them: each unit-mounted device on its
    face (and its shadow on the other face when full-depth), 0U devices stacked in their side
    channel beside the face they mount on (hatched beside the other), children in their parent's
    bays."""
    rack_id = block.rack_id
    rt = design.rack_type_of(design.racks[rack_id])
    shapes: list[DeviceShape] = []
    side_devices: dict[str, list[str]] = {"left": [], "right": []}
    for dev_id in sorted(design.contents(rack_id), key=lambda d: (design.devices[d].position or 0, d)):
        device = design.devices[dev_id]
        part = design.part_of(device)
        if device.position is None:
            side_devices[device.side or "left"].append(dev_id)
            continue
        height = geometry.height_in_rack(part, rt)
        lateral = device.lateral if part.rackstudio.half_width else None
        faces = [(device.face, "face")]
        if part.is_full_depth:
            faces.append(("rear" if device.face == "front" else "front", "shadow"))
        for face, role in faces:
            shape = DeviceShape(dev_id, role, block.span_rect(face, device.position, height, lateral))
            if role == "face" and part.device_bays:
                shape.bays = layout_bays([b.name for b in part.device_bays], shape.rect[2:])
                shape.children = _bay_children(design, shape)
            shapes.append(shape)
    for side, ids in side_devices.items():
        for index, dev_id in enumerate(ids):
            face = design.devices[dev_id].face
            other = "front" if face == "rear" else "rear"
            shapes.append(DeviceShape(dev_id, "side", block.side_slot(side, index, len(ids), face)))
            shapes.append(DeviceShape(dev_id, "shadow", block.side_slot(side, index, len(ids), other)))
    return shapes


def _bay_children(design: Design, parent: DeviceShape) -> list[DeviceShape]:
    bays = dict(parent.bays)
    children = []
    for child_id in sorted(design.contents(parent.device_id)):
        child = design.devices.get(child_id)
        bay = bays.get(child.bay or "") if child is not None else None
        if bay is not None:
            children.append(DeviceShape(child_id, "bay", child_rect(bay)))
    return children


_Z = {"shadow": 0, "face": 1, "side": 1}


def paint_rack(painter: QPainter, design: Design, block: lay.RackBlock, figures: MetricsSource,
               look: Look = SCREEN, outlines: Mapping[str, QColor] | None = None, selected: Collection[str] = (),
               closable: bool = False) -> None:
    """A whole rack block (frame and devices) as the elevation view shows it, for paper and the
    presentation. `figures` gives the rack's metrics; `outlines` colours devices with findings;
    `selected` marks a selection."""
    outlines = outlines or {}
    summary = rack_summary(design, figures.rack_metrics(block.rack_id))
    paint_frame(painter, block, frame_text(design, block.rack_id, summary), closable, look)
    for shape in sorted(rack_shapes(design, block), key=lambda s: _Z.get(s.role, 1)):
        _paint_shape(painter, design, shape, (0.0, 0.0), look, outlines, selected)


def _paint_shape(painter: QPainter, design: Design, shape: DeviceShape, origin: tuple[float, float], look: Look,
                 outlines: Mapping[str, QColor], selected: Collection[str]) -> None:
    x, y, w, h = shape.rect
    painter.save()
    painter.translate(origin[0] + x, origin[1] + y)
    paint_device(painter, (w, h), device_label(design, shape.device_id), shape.role, shape.bays,
                 shape.device_id in selected and shape.role != "shadow", look=look,
                 outline=outlines.get(shape.device_id) if shape.role != "shadow" else None)
    painter.restore()
    for child in shape.children:
        _paint_shape(painter, design, child, (origin[0] + x, origin[1] + y), look, outlines, selected)
