"""The floor-plan view: drops from the palette (rack types, floor equipment, and rack gear onto
a rack), moving racks and floor equipment with tile snapping (items move during the drag, the
model changes once on release), arrow nudges, rubber-band selection, double-click to open an
elevation. Decisions come from the core: model.floor, commands.arrange and commands.fit."""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsView

from rackstudio.commands import (
    AddRack,
    Command,
    Composite,
    Fit,
    NudgeRack,
    PlaceDevice,
    RotateFloorDevice,
    RotateRack,
    ordered_moves,
)
from rackstudio.commands.clipboard import free_position
from rackstudio.commands.fit import Mounting, can_place, can_place_floor, can_place_rack, mounting
from rackstudio.commands.rack_designs import PlaceRackInstance
from rackstudio.model import geometry
from rackstudio.model.floor import adjacent_row, footprint_of, snap, tile_name
from rackstudio.ui.canvas import CanvasView
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.hall.items import CableBundleItem, FloorObjectItem, RackItem
from rackstudio.ui.hall.scene import HallScene


@dataclass
class DropPlan:
    rect: QRectF
    fit: Fit
    label: str
    command: Command | None = None


@dataclass
class _Move:
    press: QPointF
    origins: dict[str, QPointF] = field(default_factory=dict)
    lead: str = ""
    moved: bool = False
    targets: dict[str, tuple[float, float]] = field(default_factory=dict)


class HallView(CanvasView):
    open_rack = Signal(str)
    context_menu = Signal(QPoint, object)  # global position, object id under the pointer (or None)

    def __init__(self, editor: EditorContext, parent=None):
        scene = HallScene(editor)
        super().__init__(scene, editor, parent)
        self.hall_scene = scene
        self.setBackgroundBrush(QColor(232, 234, 238))
        self.new_facing = "S"
        self._move: _Move | None = None
        self.last_pos: QPointF | None = None  # the pointer's last floor point (paste goes there)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._follow_scale()

    # --- level of detail: every change of scale goes through these --------------------------------

    def _follow_scale(self) -> None:
        self.hall_scene.set_detail(self.transform().m11())

    def scale(self, sx: float, sy: float) -> None:
        super().scale(sx, sy)
        self._follow_scale()

    def fitInView(self, *args, **kwargs) -> None:  # noqa: N802 - Qt's name
        super().fitInView(*args, **kwargs)
        self._follow_scale()

    def setTransform(self, *args, **kwargs) -> None:  # noqa: N802 - Qt's name
        super().setTransform(*args, **kwargs)
        self._follow_scale()

    def resetTransform(self) -> None:  # noqa: N802 - Qt's name
        super().resetTransform()
        self._follow_scale()

    @property
    def design(self):
        return self.editor.design

    def content_rect(self) -> QRectF:
        return self.hall_scene.grid.boundingRect().united(self.hall_scene.itemsBoundingRect()) \
            if self.hall_scene.hall_id else QRectF()

    # --- drops from the palette ----------------------------------------------------------------

    def plan_drop(self, kind: str, key: str, pos: QPointF) -> DropPlan:
        """What a drop of library entry (kind, key) at scene point `pos` would do."""
        design, hall_id = self.design, self.hall_scene.hall_id
        if hall_id is None:
            return DropPlan(QRectF(pos, pos), Fit(False, "this design has no hall yet: add one (Insert ▸ Hall)"), "")
        tile = design.halls[hall_id].tile_mm
        if kind in ("rack-type", "rack-design"):
            rd = design.rack_designs.get(key) if kind == "rack-design" else None
            shared = self.editor.library.shared_rack_design(key) if kind == "rack-design" and rd is None else None
            if shared is not None:  # from the parts folder or a plugin: embedded by the drop
                rd = shared.rack_design
                rt = design.rack_types.get(rd.rack_type) or shared.source.rack_types.get(rd.rack_type)
            elif kind == "rack-design" and rd is None:
                rt = None
            else:
                rt = design.rack_types.get(rd.rack_type) if rd is not None else self.editor.library.rack_type(key)
            if rt is None:
                return DropPlan(QRectF(pos, pos), Fit(False, f"unknown {kind.replace('-', ' ')} {key!r}"), "")
            box = geometry.footprint(rt.outer_width_mm, rt.outer_depth_mm, 0, 0, self.new_facing)
            x, y = snap(pos.x() - box[2] / 2, tile), snap(pos.y() - box[3] / 2, tile)
            fit = can_place_rack(design, rt, hall_id, x, y, self.new_facing)
            box = (x, y, x + box[2], y + box[3])
            row = adjacent_row(design, hall_id, box, self.new_facing)
            command = AddRack(rt, hall_id, x, y, self.new_facing, row=row) if rd is None else \
                PlaceRackInstance(rd.slug, hall_id, x, y, self.new_facing, row=row)  # named by the core
            if shared is not None:
                command = Composite(f"Place {rd.name}", [shared.command(), command])
            what = rt.model if rd is None else rd.name
            return DropPlan(QRectF(x, y, box[2] - x, box[3] - y), fit, f"{what} at {tile_name(design.halls[hall_id], x, y)}",
                            command)
        part = self.editor.library.part(key)
        if part is None:
            return DropPlan(QRectF(pos, pos), Fit(False, f"unknown part {key!r}"), "")
        where = mounting(part)
        if where is Mounting.FLOOR:
            w, d = part.rackstudio.footprint_mm
            box = geometry.footprint(w, d, 0, 0, self.new_facing)
            x, y = snap(pos.x() - box[2] / 2, tile), snap(pos.y() - box[3] / 2, tile)
            fit = can_place_floor(design, part, hall_id, x, y, self.new_facing)
            command = PlaceDevice(part, hall=hall_id, x_mm=x, y_mm=y, facing=self.new_facing)
            return DropPlan(QRectF(x, y, box[2], box[3]), fit, f"{part.model}", command)
        item = self.hall_scene.object_at(pos, self.transform())
        if isinstance(item, RackItem):
            rect = QRectF(item.pos(), item.body().size())
            rack = design.racks[item.obj_id]
            lateral = "left" if part.rackstudio.half_width else None
            if where is not Mounting.UNITS:
                return DropPlan(rect, Fit(False, f"{part.model} goes in {where.target}"), "")
            position = free_position(design, part, rack.id, "front", lateral, 1)
            if position is None:
                fit = can_place(design, part, rack.id, 1, "front", lateral)
                reason = fit.reason if not fit.ok else "no free units"
                return DropPlan(rect, Fit(False, f"no room in {rack.name}: {reason}"), "")
            label = f"{part.model} in {rack.name} at U{design.rack_type_of(rack).unit_label(position):g}"
            command = PlaceDevice(part, rack=rack.id, position=position, face="front", lateral=lateral)
            return DropPlan(rect, Fit(True), label, command)
        return DropPlan(QRectF(pos.x() - 300, pos.y() - 300, 600, 600),
                        Fit(False, f"{part.model} mounts in a rack: drop it on a rack or in an elevation"), "")

    def preview_drop(self, payload: tuple[str, str], pos: QPointF) -> tuple[QRectF, Fit, str]:
        plan = self.plan_drop(*payload, pos)
        return plan.rect, plan.fit, plan.label

    def drop_command(self, payload: tuple[str, str], pos: QPointF):
        """A device drop (onto a rack or the floor) for the checks to preview, keyed by its target."""
        plan = self.plan_drop(*payload, pos)
        if not plan.fit.ok or not isinstance(plan.command, PlaceDevice):
            return None
        return (payload, plan.label, plan.rect.x(), plan.rect.y()), plan.command

    def commit_drop(self, payload: tuple[str, str], pos: QPointF) -> None:
        plan = self.plan_drop(*payload, pos)
        if plan.command is not None:
            self.editor.execute(plan.command)

    # --- moving with the mouse -----------------------------------------------------------------

    def hit_object(self, pos: QPointF):
        return self.hall_scene.object_at(pos, self.transform())

    def toggle_selected(self, hit) -> None:
        hit.setSelected(not hit.isSelected())

    def begin_move(self, hit, pos: QPointF) -> None:
        if not hit.isSelected():
            self.hall_scene.clearSelection()
            hit.setSelected(True)
        if isinstance(hit, CableBundleItem):
            return
        movers = [i for i in self.hall_scene.selectedItems() if isinstance(i, FloorObjectItem)]
        self._move = _Move(pos, {i.obj_id: QPointF(i.pos()) for i in movers}, hit.obj_id)

    def drag_to(self, pos: QPointF) -> None:
        move = self._move
        delta = pos - move.press
        if not move.moved and (abs(delta.x()) + abs(delta.y())) * self.transform().m11() < 4:
            return
        move.moved = True
        hall = self.design.halls[self.hall_scene.hall_id]
        lead = move.origins[move.lead]
        snapped = QPointF(snap(lead.x() + delta.x(), hall.tile_mm), snap(lead.y() + delta.y(), hall.tile_mm))
        shift = snapped - lead
        moving = set(move.origins)
        move.targets = {}
        for obj_id, origin in move.origins.items():
            item = self.hall_scene.objects[obj_id]
            target = origin + shift
            item.setPos(target)
            move.targets[obj_id] = (target.x(), target.y())
            fit = self._fit_at(obj_id, target, moving)
            item.set_blocked("" if fit.ok else fit.reason)
        blocked = [self.hall_scene.objects[i].blocked for i in moving if self.hall_scene.objects[i].blocked]
        self.status_text.emit(f"Cannot move here: {blocked[0]}" if blocked else
                              f"Move to {tile_name(hall, snapped.x(), snapped.y())}")

    def _fit_at(self, obj_id: str, target: QPointF, moving: set[str]) -> Fit:
        design, hall_id = self.design, self.hall_scene.hall_id
        if obj_id in design.racks:
            rack = design.racks[obj_id]
            return can_place_rack(design, design.rack_type_of(rack), hall_id, target.x(), target.y(),
                                  rack.facing, ignore=moving)
        device = design.devices[obj_id]
        return can_place_floor(design, design.part_of(device), hall_id, target.x(), target.y(), device.facing,
                               ignore=moving)

    def commit_move(self, move: _Move) -> None:
        try:
            blocked = [self.hall_scene.objects[i].blocked for i in move.origins if self.hall_scene.objects[i].blocked]
            if blocked:
                self.status_text.emit(f"Not moved: {blocked[0]}")
                return
            names = ", ".join(sorted(self.design.get(i).name for i in move.targets))
            self.editor.execute(ordered_moves(self.design, move.targets, f"Move {names}"))
        finally:
            self._restore(move.origins)

    def _restore(self, ids) -> None:
        """Put items back where the model says they are (after a refused or committed move)."""
        for obj_id in ids:
            item = self.hall_scene.objects.get(obj_id)
            if item is not None and self.design.kind_of(obj_id) is not None:
                box = footprint_of(self.design, obj_id)
                item.setPos(box[0], box[1])
                item.set_blocked("")

    def select_in_rect(self, rect: QRectF, additive: bool) -> None:
        for item in self.hall_scene.objects.values():
            if rect.intersects(QRectF(item.pos(), item.body().size())):
                item.setSelected(True)
            elif not additive:
                item.setSelected(False)

    def mouseDoubleClickEvent(self, event) -> None:
        item = self.hall_scene.object_at(self.mapToScene(event.position().toPoint()), self.transform())
        if isinstance(item, RackItem):
            self.open_rack.emit(item.obj_id)
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        item = self.hall_scene.object_at(self.mapToScene(event.pos()), self.transform())
        if isinstance(item, FloorObjectItem) and not item.isSelected():
            self.hall_scene.clearSelection()
            item.setSelected(True)
        self.context_menu.emit(event.globalPos(), item.obj_id if isinstance(item, FloorObjectItem) else None)

    def report_cursor(self, pos: QPointF) -> None:
        self.last_pos = pos
        hall_id = self.hall_scene.hall_id
        if hall_id is None:
            return
        hall = self.design.halls[hall_id]
        self.cursor_text.emit(f"x {pos.x() / 1000:.2f} m  y {pos.y() / 1000:.2f} m  tile {tile_name(hall, pos.x(), pos.y())}")

    # --- keyboard ------------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if event.key() in steps:
            fine = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.nudge(*steps[event.key()], fine=fine)
            return
        if event.key() == Qt.Key.Key_Escape and self._move is not None:
            self._restore(self._move.origins)
            self._move = None
            return
        super().keyPressEvent(event)

    @guarded
    def nudge(self, dx: int, dy: int, fine: bool = False) -> None:
        """Move the selected floor objects one tile (or 100 mm with Shift)."""
        ids = [i.obj_id for i in self.hall_scene.selectedItems() if isinstance(i, FloorObjectItem)]
        if not ids:
            return
        step = 100.0 if fine else self.design.halls[self.hall_scene.hall_id].tile_mm
        targets = {}
        for obj_id in ids:
            box = footprint_of(self.design, obj_id)
            targets[obj_id] = (box[0] + dx * step, box[1] + dy * step)
        if len(ids) == 1 and ids[0] in self.design.racks:
            self.editor.execute(NudgeRack(ids[0], *targets[ids[0]]))
        else:
            self.editor.execute(ordered_moves(self.design, targets, "Nudge"))

    @guarded
    def rotate_selection(self) -> None:
        """R: a quarter turn clockwise for each selected rack or floor device."""
        design = self.design
        children: list[Command] = []
        for obj_id in self.editor.selection.ids:
            if obj_id in design.racks:
                children.append(RotateRack(obj_id))
            elif obj_id in design.devices and design.devices[obj_id].hall is not None:
                children.append(RotateFloorDevice(obj_id))
        if not children:
            self.status_text.emit("Select racks or floor equipment to rotate")
            return
        self.editor.execute(children[0] if len(children) == 1 else Composite("Rotate", children))
