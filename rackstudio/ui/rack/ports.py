"""A device's ports drawn on it in the elevation: a grid of small cells inside the device's
rectangle (power inlets, outlets, interfaces, coolant ports, in template order), shown on the
selected device and, while a cable is being drawn, on every device of the open racks: compatible
free ports green, the others dimmed with the reason as their tooltip (`commands.port_compat`)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem

from rackstudio.commands.port_compat import Target
from rackstudio.model.design import Design
from rackstudio.ui.canvas import OK_COLOUR, SELECT_COLOUR
from rackstudio.ui.ports import device_ports

KIND_COLOUR = {"power": QColor(208, 120, 40), "network": QColor(50, 110, 200), "coolant": QColor(40, 160, 190)}
MAX_CELL = 12.0
MIN_CELL = 3.0


@dataclass(frozen=True)
class PortCell:
    kind: str
    port: str
    type: str
    rect: QRectF  # in the device item's coordinates
    used: str | None  # what it is connected to


def layout_cells(ports: list[tuple[str, str, str, str | None]], size: tuple[float, float]) -> list[PortCell]:
    """Cells for (kind, port, type, far end) in a device of `size`: the largest square that lets
    them all fit (at most 12 px), in rows along the device's bottom."""
    if not ports:
        return []
    width, height = max(size[0] - 4, MIN_CELL), max(size[1] - 4, MIN_CELL)
    cell = MAX_CELL
    while cell > MIN_CELL:
        cols = max(int(width // cell), 1)
        rows = -(-len(ports) // cols)
        if rows * cell <= height:
            break
        cell -= 0.5
    cols = max(int(width // cell), 1)
    rows = -(-len(ports) // cols)
    top = 2 + max(height - rows * cell, 0)
    cells = []
    for i, (kind, port, type_, used) in enumerate(ports):
        r, c = divmod(i, cols)
        cells.append(PortCell(kind, port, type_, QRectF(2 + c * cell + 0.5, top + r * cell + 0.5, cell - 1, cell - 1),
                              used))
    return cells


def port_list(design: Design, device_id: str) -> list[tuple[str, str, str, str | None]]:
    """(kind, port, type, far end or None) of every port of a device, in the port panel's order."""
    from rackstudio.ui.ports import far_end_text

    out = []
    for _title, kind, ports in device_ports(design, device_id):
        for name, type_ in ports:
            conn = design.port_connection(kind, device_id, name)
            out.append((kind, name, type_, far_end_text(design, conn, device_id, name) if conn else None))
    return out


class PortsItem(QGraphicsItem):
    """The port cells of one device item (its child)."""

    def __init__(self, parent: QGraphicsItem, design: Design, device_id: str, size: tuple[float, float]):
        super().__init__(parent)
        self.device_id = device_id
        self.rack_id = getattr(parent, "rack_id", None)  # the open rack whose rebuild removes it
        self.size = size
        self.cells = layout_cells(port_list(design, device_id), size)
        self.verdicts: dict[tuple[str, str], Target] | None = None  # while a cable is drawn
        self.source: tuple[str, str, str] | None = None  # (owner, kind, port) the cable starts from
        self.hovered: str | None = None
        self.setZValue(30)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, *self.size)

    def set_wiring(self, verdicts: dict[tuple[str, str], Target] | None, source: tuple[str, str, str] | None) -> None:
        self.verdicts, self.source = verdicts, source
        self.update()

    def cell_at(self, local: QPointF) -> PortCell | None:
        for cell in self.cells:
            if cell.rect.adjusted(-0.5, -0.5, 0.5, 0.5).contains(local):
                return cell
        return None

    def verdict(self, cell: PortCell) -> Target | None:
        return self.verdicts.get((self.device_id, cell.port)) if self.verdicts is not None else None

    def tip(self, cell: PortCell) -> str:
        text = f"{cell.port} ({cell.type or cell.kind})"
        if cell.used:
            text += f": to {cell.used}"
        found = self.verdict(cell)
        if self.source is not None and (self.device_id, cell.kind, cell.port) == self.source:
            return f"{text}\nthe cable starts here"
        if found is not None:
            return f"{text}\n{'Connect: ' if found.ok else 'Cannot connect: '}{found.reason}"
        if self.verdicts is not None:
            return f"{text}\nCannot connect: not a {self.source[1] if self.source else ''} port".rstrip()
        return f"{text}\n{'Drag to a port to connect it' if not cell.used else 'in use'}"

    def hoverMoveEvent(self, event) -> None:
        cell = self.cell_at(event.pos())
        self.setToolTip(self.tip(cell) if cell is not None else "")
        super().hoverMoveEvent(event)

    def paint(self, painter, option, widget=None) -> None:
        painter.save()
        for cell in self.cells:
            colour = KIND_COLOUR.get(cell.kind, QColor(120, 120, 120))
            fill = QColor(255, 255, 255) if not cell.used else QColor(colour)
            pen = QPen(colour.darker(130), 1)
            if self.verdicts is not None:
                found = self.verdict(cell)
                if self.source is not None and (self.device_id, cell.kind, cell.port) == self.source:
                    fill, pen = QColor(SELECT_COLOUR), QPen(SELECT_COLOUR.darker(150), 2)
                elif found is not None and found.ok:
                    fill, pen = QColor(OK_COLOUR), QPen(OK_COLOUR.darker(150), 1.5)
                else:
                    fill.setAlpha(60)
                    dim = QColor(colour)
                    dim.setAlpha(70)
                    pen = QPen(dim, 1)
            painter.setPen(pen)
            painter.setBrush(fill)
            painter.drawRect(cell.rect)
        painter.restore()


def kind_pen(kind: str) -> QPen:
    pen = QPen(KIND_COLOUR.get(kind, QColor(80, 80, 80)), 2, Qt.PenStyle.DashLine)
    pen.setCosmetic(True)
    return pen
