"""Showing objects named by a finding (or anything else that lists ids): select them and bring
them into view — a device in its rack's elevation, a rack, row, feed or floor device on the
hall floor plan, a cable by the devices at its ends."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt

from rackstudio.model.geometry import mounted_root

if TYPE_CHECKING:
    from rackstudio.ui.main_window import MainWindow

MIN_HALL_VIEW_MM = 6000.0  # never zoom the floor plan in closer than this across


def focus_objects(window: MainWindow, ids) -> bool:
    """Select `ids` (those that exist) and show them in the view that draws them; False if none exist."""
    design = window.editor.design
    existing = [i for i in dict.fromkeys(ids) if design.kind_of(i) is not None]
    if not existing:
        window.show_status("The finding's objects are not in the design (or have no shape): nothing to show")
        return False
    window.selection.set(existing)
    shown = set(existing)
    for obj_id in existing:
        conn = design.connections.get(obj_id)
        if conn is not None:
            shown |= {conn.a.owner, conn.b.owner}
    rack_of_device: list[str] = []
    floor: list[str] = []
    for obj_id in sorted(shown):
        if obj_id in design.devices:
            root = mounted_root(design, obj_id)
            if root is not None and root.rack is not None:
                rack_of_device.append(root.rack)
            elif root is not None and root.hall is not None:
                floor.append(root.id)
        elif obj_id in design.racks:
            floor.append(obj_id)
        elif obj_id in design.feeds and design.feeds[obj_id].rack is not None:
            floor.append(design.feeds[obj_id].rack)
        elif obj_id in design.rows:
            floor += [r.id for r in design.racks.values() if r.row == obj_id]
    if rack_of_device and not any(i in design.racks for i in existing):
        racks = list(dict.fromkeys(rack_of_device))
        for rack_id in racks:
            window.elevation_view.elevations.open_rack(rack_id)
        window.show_racks()
        zoom_elevation(window, racks)
        return True
    halls = [design.halls[i].id for i in existing if i in design.halls]
    floor = list(dict.fromkeys(floor + rack_of_device))
    hall_id = next((_hall_of(design, i) for i in floor), None) or (halls[0] if halls else None)
    if hall_id is None:
        return True
    window.show_hall()
    show_hall(window, hall_id)
    if floor:
        zoom_hall(window, floor)
    else:
        window.hall_view.zoom_fit()
    return True


def _hall_of(design, obj_id: str) -> str | None:
    record = design.get(obj_id)
    return getattr(record, "hall", None)


def show_hall(window: MainWindow, hall_id: str) -> None:
    scene = window.hall_view.hall_scene
    if scene.hall_id != hall_id:
        index = window.hall_combo.findData(hall_id)
        if index >= 0:
            window.hall_combo.setCurrentIndex(index)
        scene.set_hall(hall_id)


def _fit(view, rects, margin: float, min_w: float = 0.0, min_h: float = 0.0) -> None:
    """Zoom `view` to the union of `rects`, at least min_w × min_h across, plus a margin."""
    rect = QRectF()
    for r in rects:
        rect = rect.united(r)
    if rect.isEmpty():
        return
    grow_w = max(0.0, min_w - rect.width()) / 2 + margin
    grow_h = max(0.0, min_h - rect.height()) / 2 + margin
    view.auto_fit = False
    view.fitInView(rect.adjusted(-grow_w, -grow_h, grow_w, grow_h), Qt.AspectRatioMode.KeepAspectRatio)


def zoom_hall(window: MainWindow, obj_ids: list[str]) -> None:
    objects = window.hall_view.hall_scene.objects
    _fit(window.hall_view, [QRectF(objects[i].pos(), objects[i].body().size()) for i in obj_ids if i in objects],
         600, MIN_HALL_VIEW_MM, MIN_HALL_VIEW_MM * 0.6)


def zoom_elevation(window: MainWindow, rack_ids: list[str]) -> None:
    frames = window.elevation_view.elevations.frames
    _fit(window.elevation_view, [frames[r].boundingRect() for r in rack_ids if r in frames], 30)


__all__ = ["focus_objects", "show_hall", "zoom_elevation", "zoom_hall"]
