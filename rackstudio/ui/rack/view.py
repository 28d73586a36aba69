"""The elevation view: palette drops onto a face (ghost snapped to units, green or red with the
fit predicate's reason), a side channel (0U) or a parent's bay (child devices); moving devices
by dragging within a rack and across open racks (one command on release); rubber band and
Shift/Ctrl multi-select; arrow nudges that merge into one undo step; a cable drawn by hand from a
port of the selected device to a port of any open rack's device, by dragging or by clicking one
and then the other (compatible free ports green, the rest dimmed with the reason; one Connect)."""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsLineItem

from rackstudio.commands import (
    Command,
    Composite,
    Fit,
    InstallModule,
    MoveDevice,
    NudgeDevice,
    PlaceDevice,
    install_here,
)
from rackstudio.commands.fit import Mounting, can_place, can_place_in_bay, can_place_side, mounting
from rackstudio.commands.port_compat import Target, cable_defaults, link_defaults, next_leg, targets
from rackstudio.model import geometry
from rackstudio.model.design import PortRef
from rackstudio.model.parts import PartType
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui import prefs
from rackstudio.ui.canvas import CanvasView
from rackstudio.ui.dialogs.connect import ConnectChoice
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.ports import connect_command, live_loads
from rackstudio.ui.rack.items import DeviceItem, RackFrameItem
from rackstudio.ui.rack.ports import kind_pen
from rackstudio.ui.rack.scene import ElevationScene


@dataclass
class Placement:
    """Where a device would go: the fit predicate's answer, the ghost rectangle and the
    Device placement fields."""

    fit: Fit
    rect: QRectF
    fields: dict = field(default_factory=dict)
    label: str = ""


@dataclass
class _Move:
    press: QPointF
    lead: str
    ids: list[str]
    grab_units: float  # pointer unit minus the lead device's position at the press
    moved: bool = False
    plan: dict[str, Placement] = field(default_factory=dict)


@dataclass
class _Wire:
    """A cable being drawn from a port: its verdicts for every port of the open racks."""

    owner: str
    kind: str
    port: str
    start: QPointF
    verdicts: dict[tuple[str, str], Target]
    line: QGraphicsLineItem
    dragging: bool = True


def _qrect(r: tuple[float, float, float, float]) -> QRectF:
    return QRectF(*r)


class ElevationView(CanvasView):
    context_menu = Signal(QPoint, object)  # global position, device id (or None)
    rack_context = Signal(QPoint, str)

    def __init__(self, editor: EditorContext, parent=None):
        scene = ElevationScene(editor)
        super().__init__(scene, editor, parent)
        self.elevations = scene
        self.setBackgroundBrush(QColor(236, 237, 241))
        self._move: _Move | None = None
        self._wire: _Wire | None = None

    @property
    def design(self):
        return self.editor.design

    def content_rect(self) -> QRectF:
        rect = QRectF()
        for frame in self.elevations.frames.values():
            rect = rect.united(frame.boundingRect())
        return rect

    def show_rack(self, rack_id: str) -> None:
        self.elevations.open_rack(rack_id)
        frame = self.elevations.frames.get(rack_id)
        if frame is not None:
            self.zoom_fit()

    # --- where a part would go ---------------------------------------------------------------

    def _target(self, pos: QPointF) -> lay.Target | None:
        return lay.block_at(self.elevations.block_list(), pos.x(), pos.y())

    def _parent_under(self, pos: QPointF, ignore: set[str] = frozenset()) -> DeviceItem | None:
        for item in self.elevations.items(pos):
            if isinstance(item, DeviceItem) and item.bays and item.obj_id not in ignore:
                return item
        return None

    def placement_for(self, part: PartType, pos: QPointF, ignore: set[str] = frozenset(),
                      grab_units: float | None = None) -> Placement:
        """Where `part` would land with the pointer at scene point `pos`."""
        nowhere = QRectF(pos, pos)
        where = mounting(part)
        if where is Mounting.BAY:
            parent = self._parent_under(pos, ignore)
            if parent is None:
                return Placement(Fit(False, f"{part.model} is a child device: drop it on a parent's bay"), nowhere)
            local = parent.mapFromScene(pos)
            bay = parent.bay_at(local) or parent.bays[0][0]
            rect = parent.mapRectToScene(parent.bay_rect(bay))
            fit = can_place_in_bay(self.design, part, parent.obj_id, bay, ignore)
            return Placement(fit, rect, {"parent": parent.obj_id, "bay": bay, "rack": None, "position": None},
                             f"{part.model} in {parent.name} {bay}")
        target = self._target(pos)
        if target is None:
            return Placement(Fit(False, "drop onto a rack face or side channel"), nowhere)
        if where is Mounting.FLOOR:
            return Placement(Fit(False, f"{part.model} stands on the floor: drop it in the hall view"), nowhere)
        block = self.elevations.blocks[target.rack_id]
        rack = self.design.racks[target.rack_id]
        if where is Mounting.SIDE:
            side = target.area if target.area in ("left", "right") else (
                "left" if target.x_frac < 0.5 else "right")
            face = target.face if target.area in ("left", "right") else (
                target.area if target.area in ("front", "rear") else "rear")
            fit = can_place_side(self.design, part, rack.id, side)
            return Placement(fit, _qrect(block.side_rect(side, face)),
                             {"rack": rack.id, "side": side, "position": None, "face": face},
                             f"{part.model} in {rack.name} {side} side channel, {face}")
        face = target.area if target.area in ("front", "rear") else "front"
        rt = self.design.rack_type_of(rack)
        height = geometry.height_in_rack(part, rt)
        if grab_units is None:
            position = geometry.snap_position(target.unit, height, rt.u_height)
        else:
            step = geometry.step_for(height)
            position = round((target.unit - grab_units) / step) * step
            position = min(max(position, 1.0), max(rt.u_height - height + 1, 1.0))
        lateral = (target.lateral or "left") if part.rackstudio.half_width else None
        fit = can_place(self.design, part, rack.id, position, face, lateral, ignore)
        rect = _qrect(block.span_rect(face, position, height, lateral))
        label = f"{part.model} at {rack.name} U{rt.unit_label(position):g} {face}"
        return Placement(fit, rect, {"rack": rack.id, "position": position, "face": face, "lateral": lateral,
                                     "side": None}, label)

    # --- palette drops -------------------------------------------------------------------------

    def _module_drop(self, key: str, pos: QPointF) -> tuple[InstallModule | None, Placement]:
        """A module dropped on a device: into its first suitable free bay (`install_here`)."""
        module = self.editor.library.module(key)
        item = self._device_at(pos)
        if module is None or item is None:
            why = f"unknown module {key!r}" if module is None else "drop the module onto a device"
            return None, Placement(Fit(False, why), QRectF(pos, pos))
        command, fit = install_here(self.design, item.obj_id, module)
        label = command.text if command is not None else f"{module.model} on {item.name}"
        return command, Placement(fit, item.mapRectToScene(item.boundingRect()), {}, label)

    def _payload_placement(self, payload: tuple[str, str], pos: QPointF) -> Placement:
        kind, key = payload
        if kind == "module":
            return self._module_drop(key, pos)[1]
        if kind != "part":
            return Placement(Fit(False, "rack types go on the hall floor"), QRectF(pos, pos))
        part = self.editor.library.part(key)
        if part is None:
            return Placement(Fit(False, f"unknown part {key!r}"), QRectF(pos, pos))
        return self.placement_for(part, pos)

    def preview_drop(self, payload: tuple[str, str], pos: QPointF) -> tuple[QRectF, Fit, str]:
        placement = self._payload_placement(payload, pos)
        return placement.rect, placement.fit, placement.label

    def drop_command(self, payload: tuple[str, str], pos: QPointF):
        """The PlaceDevice a drop here would run, keyed by its target (the checks preview it once
        per unit, face and rack while dragging)."""
        if payload[0] == "module":
            command, placement = self._module_drop(payload[1], pos)
            return None if command is None else ((payload, placement.label), command)
        placement = self._payload_placement(payload, pos)
        part = self.editor.library.part(payload[1]) if payload[0] == "part" else None
        if not placement.fit.ok or part is None:
            return None
        fields = {k: v for k, v in placement.fields.items() if v is not None}
        return (payload, tuple(sorted(fields.items()))), PlaceDevice(part, **fields)

    def commit_drop(self, payload: tuple[str, str], pos: QPointF) -> None:
        if payload[0] == "module":
            command, _ = self._module_drop(payload[1], pos)
            if command is not None:
                self.editor.execute(command)
            return
        placement = self._payload_placement(payload, pos)
        fields = {k: v for k, v in placement.fields.items() if v is not None}
        self.editor.execute(PlaceDevice(self.editor.library.part(payload[1]), **fields))

    # --- moving devices --------------------------------------------------------------------------

    def _device_at(self, pos: QPointF) -> DeviceItem | None:
        for item in self.elevations.items(pos):
            if isinstance(item, DeviceItem):
                return item
        return None

    def handle_press(self, pos: QPointF) -> bool:
        for frame in self.elevations.frames.values():
            if frame.close_rect().contains(pos):
                self.elevations.close_rack(frame.rack_id)
                return True
        return False

    def hit_object(self, pos: QPointF):
        return self._device_at(pos)

    def toggle_selected(self, hit) -> None:
        self._select_device(hit.obj_id, not self._is_selected(hit.obj_id), exclusive=False)

    def begin_move(self, item, pos: QPointF) -> None:
        if not self._is_selected(item.obj_id):
            self._select_device(item.obj_id, True, exclusive=True)
        device = self.design.devices[item.obj_id]
        ids = self.elevations.selected_ids() if device.position is not None else [item.obj_id]
        ids = [i for i in ids if i in self.design.devices and self.design.devices[i].placement == device.placement
               and (self.design.devices[i].position is None) == (device.position is None)] or [item.obj_id]
        target = self._target(pos)
        grab = (target.unit - device.position) if target is not None and device.position is not None else 0.0
        self._move = _Move(pos, item.obj_id, ids, grab)

    def _is_selected(self, device_id: str) -> bool:
        return any(i.isSelected() for i in self.elevations.items_of(device_id))

    def _select_device(self, device_id: str, on: bool, exclusive: bool) -> None:
        if exclusive:
            self.elevations.clearSelection()
        for item in self.elevations.items_of(device_id):
            item.setSelected(on and item.role != "shadow")

    def drag_to(self, pos: QPointF) -> None:
        move = self._move
        delta = pos - move.press
        if not move.moved and abs(delta.x()) + abs(delta.y()) < 4:
            return
        move.moved = True
        design = self.design
        lead = design.devices[move.lead]
        lead_place = self.placement_for(design.part_of(lead), pos, set(move.ids), move.grab_units)
        move.plan = {move.lead: lead_place}
        for dev_id in move.ids:
            if dev_id != move.lead:
                move.plan[dev_id] = self._follow(dev_id, lead, lead_place, set(move.ids))
        for dev_id, place in move.plan.items():
            for item in self.elevations.items_of(dev_id):
                if item.role == "shadow":
                    item.hide()
                elif item.role != "bay" or dev_id == move.lead:
                    parent = item.parentItem()
                    item.setPos(parent.mapFromScene(place.rect.topLeft()) if parent else place.rect.topLeft())
                    item.setZValue(50)
                    item.set_blocked("" if place.fit.ok else place.fit.reason)
        bad = [p.fit.reason for p in move.plan.values() if not p.fit.ok]
        self.status_text.emit(f"Cannot move here: {bad[0]}" if bad else lead_place.label)

    def _follow(self, dev_id: str, lead, lead_place: Placement, ignore: set[str]) -> Placement:
        """Where a co-selected device goes: the same unit shift, in the lead's target rack."""
        design = self.design
        device = design.devices[dev_id]
        part = design.part_of(device)
        fields = lead_place.fields
        rack_id = fields.get("rack")
        if rack_id is None or device.position is None or lead.position is None:
            return Placement(Fit(False, "move one device at a time here"), QRectF())
        shift = fields["position"] - lead.position
        position = device.position + shift
        face = device.face if fields.get("face") == lead.face else fields.get("face", device.face)
        lateral = device.lateral
        fit = can_place(design, part, rack_id, position, face, lateral, ignore)
        rt = design.rack_type_of(design.racks[rack_id])
        rect = _qrect(self.elevations.blocks[rack_id].span_rect(face, position, geometry.height_in_rack(part, rt), lateral))
        return Placement(fit, rect, {"rack": rack_id, "position": position, "face": face, "lateral": lateral,
                                     "side": None})

    def commit_move(self, move: _Move) -> None:
        try:
            bad = [p.fit.reason for p in move.plan.values() if not p.fit.ok]
            if bad:
                self.status_text.emit(f"Not moved: {bad[0]}")
                return
            design = self.design
            moves = []
            for dev_id, place in move.plan.items():
                device = design.devices[dev_id]
                changes = {k: v for k, v in place.fields.items() if getattr(device, k) != v}
                if changes:
                    moves.append((dev_id, changes))
            if not moves:
                return
            shift = (move.plan[move.lead].fields.get("position") or 0) - (design.devices[move.lead].position or 0)
            moves.sort(key=lambda m: (design.devices[m[0]].position or 0) * (-1 if shift > 0 else 1))
            commands: list[Command] = [MoveDevice(dev_id, **changes) for dev_id, changes in moves]
            if len(commands) == 1:
                self.editor.execute(commands[0])
            else:
                self.editor.execute(Composite(f"Move {len(commands)} devices", commands))
        finally:
            self.elevations.relayout()

    def finish_band(self, event) -> None:
        """A click (not a drag) on an empty unit, a side channel or the header selects the rack,
        so what acts on "the selected servers or their racks" works from the elevation too."""
        origin = self._band_origin
        scale = self.transform().m11()
        rect = self._band.rect()
        if origin is not None and rect.width() * scale < 3 and rect.height() * scale < 3:
            target = self._target(origin)
            if target is not None and target.rack_id in self.elevations.frames:
                additive = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                     | Qt.KeyboardModifier.ShiftModifier))
                frame = self.elevations.frames[target.rack_id]
                if not additive:
                    self.elevations.clearSelection()
                frame.setSelected(not frame.isSelected() if additive else True)
        super().finish_band(event)

    def select_in_rect(self, rect: QRectF, additive: bool) -> None:
        hits = {i.obj_id for i in self.elevations.items(rect) if isinstance(i, DeviceItem) and i.role != "shadow"}
        if not additive:
            for frame in self.elevations.frames.values():
                frame.setSelected(False)
        for items in self.elevations.device_items.values():
            for item in items:
                if item.role == "shadow":
                    continue
                if item.obj_id in hits:
                    item.setSelected(True)
                elif not additive:
                    item.setSelected(False)

    def contextMenuEvent(self, event) -> None:
        pos = self.mapToScene(event.pos())
        item = self._device_at(pos)
        if item is not None and not self._is_selected(item.obj_id):
            self._select_device(item.obj_id, True, exclusive=True)
        if item is None:
            target = self._target(pos)
            if target is not None:
                self.rack_context.emit(event.globalPos(), target.rack_id)
                return
        self.context_menu.emit(event.globalPos(), item.obj_id if item else None)

    def report_cursor(self, pos: QPointF) -> None:
        target = self._target(pos)
        if target is None:
            self.cursor_text.emit("")
            return
        rack = self.design.racks.get(target.rack_id)
        if rack is None:
            return
        rt = self.design.rack_type_of(rack)
        unit = int(target.unit)
        if target.area in ("front", "rear") and 1 <= unit <= rt.u_height:
            self.cursor_text.emit(f"{rack.name}  U{rt.unit_label(unit):g}  {target.area}")
        elif target.area in ("left", "right"):
            self.cursor_text.emit(f"{rack.name}  {target.area} side channel (0U), {target.face}")
        else:
            self.cursor_text.emit(rack.name)

    # --- drawing a cable from port to port ----------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            pos = self.mapToScene(event.position().toPoint())
            hit = self.elevations.port_at(pos)
            if self._wire is not None:  # the second click of click-then-click
                guarded(self._finish_wire)(hit)
                return
            if hit is not None and hit[1].used is None:
                self.setFocus()
                guarded(self.start_wire)(hit[0], hit[1].kind, hit[1].port, pos)
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        wire = self._wire
        if wire is None:
            super().mouseMoveEvent(event)
            return
        pos = self.mapToScene(event.position().toPoint())
        wire.line.setLine(QLineF(wire.start, pos))
        hit = self.elevations.port_at(pos)
        found = wire.verdicts.get((hit[0], hit[1].port)) if hit is not None else None
        if found is not None:
            self.status_text.emit(("Connect: " if found.ok else "Cannot connect: ") + found.reason)
        else:
            self.status_text.emit(f"Drop on a green port to connect {self._wire_name()}; Esc cancels")

    def mouseReleaseEvent(self, event) -> None:
        wire = self._wire
        if wire is None or not wire.dragging:
            super().mouseReleaseEvent(event)
            return
        pos = self.mapToScene(event.position().toPoint())
        hit = self.elevations.port_at(pos)
        if hit is not None and (hit[0], hit[1].port) == (wire.owner, wire.port):
            wire.dragging = False  # a click on the port: the next click picks the far end
            self.status_text.emit(f"Click a green port to connect {self._wire_name()}; Esc cancels")
            return
        guarded(self._finish_wire)(hit)

    def _wire_name(self) -> str:
        wire = self._wire
        return f"{self.design.devices[wire.owner].name} {wire.port}" if wire else ""

    def start_wire(self, owner: str, kind: str, port: str, pos: QPointF) -> None:
        """Start a cable at a port: judge every port of the open racks' devices once, show them."""
        design = self.design
        owners = [d for r in self.elevations.open_racks for d in self.elevations.device_rack
                  if self.elevations.device_rack[d] == r and d in design.devices]
        source = PortRef(owner=owner, port=port)
        if kind == "network":
            source = next_leg(design, source)  # a broken-out port takes one more cable on its next leg
        verdicts = {(t.ref.owner, t.ref.port): t for t in targets(design, source, live_loads(self.editor), owners)}
        line = QGraphicsLineItem(QLineF(pos, pos))
        line.setPen(kind_pen(kind))
        line.setZValue(3000)
        self.elevations.addItem(line)
        self._wire = _Wire(owner, kind, port, pos, verdicts, line)
        self.elevations.show_ports(owners, verdicts, (owner, kind, port))
        self.status_text.emit(f"Drag {self._wire_name()} to a green port; Esc cancels")

    def _finish_wire(self, hit) -> None:
        wire = self.cancel_wire()
        if wire is None or hit is None:
            return
        found = wire.verdicts.get((hit[0], hit[1].port))
        if found is None or not found.ok:
            self.status_text.emit(f"Not connected: {found.reason if found else 'not a ' + wire.kind + ' port'}")
            return
        source = PortRef(owner=wire.owner, port=wire.port)
        if wire.kind == "network":  # the helpers' choice: family, optics at each end, breakout legs
            source = next_leg(self.design, source)
            link = link_defaults(self.design, source, found.ref)
            choice = ConnectChoice(found.ref.owner, found.ref.port, link.media, None, None, source.leg,
                                   found.ref.leg, link.ends[0], link.ends[1], link.fibre)
        else:
            media, _length = cable_defaults(self.design, source, found.ref)
            choice = ConnectChoice(found.ref.owner, found.ref.port, media)  # Connect estimates the length
        self.editor.execute(connect_command(self.design, wire.owner, wire.kind, wire.port, choice,
                                            prefs.label_pattern()))

    def cancel_wire(self) -> _Wire | None:
        wire, self._wire = self._wire, None
        if wire is not None:
            self.elevations.removeItem(wire.line)
            self.elevations.wiring = None
            self.elevations._selection_strips()
        return wire

    # --- keyboard --------------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            half = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.nudge(1 if event.key() == Qt.Key.Key_Up else -1, half=half)
            return
        if event.key() == Qt.Key.Key_Escape and self._wire is not None:
            self.cancel_wire()
            self.status_text.emit("Cable cancelled")
            return
        if event.key() == Qt.Key.Key_Escape and self._move is not None:
            self._move = None
            self.elevations.relayout()
            return
        super().keyPressEvent(event)

    @guarded
    def nudge(self, direction: int, half: bool = False) -> None:
        """Move the selected rack devices up (+1) or down (−1) a unit (half a unit with Shift or
        for parts that need it); consecutive nudges of one device merge into one undo step."""
        design = self.design
        ids = [i for i in self.editor.selection.ids
               if i in design.devices and design.devices[i].position is not None]
        if not ids:
            return
        commands: list[Command] = []
        for dev_id in sorted(ids, key=lambda i: design.devices[i].position * -direction):
            part = design.part_of(design.devices[dev_id])
            step = 0.5 if half else geometry.step_for(part.u_height)
            commands.append(NudgeDevice(design, dev_id, direction * step))
        self.editor.execute(commands[0] if len(commands) == 1 else Composite("Nudge devices", commands))

    def frame_at(self, pos: QPointF) -> RackFrameItem | None:
        for frame in self.elevations.frames.values():
            if frame.boundingRect().contains(pos):
                return frame
        return None
