"""Qt-free. Copy, paste and duplicate of racks and devices as plain data (the clipboard holds
JSON, never objects), and the one Composite that puts a copy back into a design.

A copy keeps the part, module and rack-type definitions it uses (and the modules installed), the devices inside copied racks and
children of copied devices, and the connections whose both ends are copied. A paste gets
fresh ids and names, lands racks on the nearest free floor spot and devices on the nearest free
units, and is refused with a reason when nothing can be placed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from rackstudio.commands.base import Command, Composite, Refused
from rackstudio.commands.connections import Connect
from rackstudio.commands.devices import PlaceDevice
from rackstudio.commands.fit import can_place, can_place_floor, can_place_side
from rackstudio.commands.modules import InstallModule
from rackstudio.commands.racks import AddRack
from rackstudio.model import geometry
from rackstudio.model.design import Connection, Design, Device, PortRef, Rack
from rackstudio.model.floor import free_spot
from rackstudio.model.geometry import devices_within, step_for
from rackstudio.model.modules import ModuleType
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType

CLIP_FORMAT = "application/x-rackstudio-selection"
_PLACEMENT = ("rack", "position", "face", "side", "lateral", "parent", "bay", "hall", "x_mm", "y_mm", "facing")


@dataclass
class Clip:
    racks: list[Rack]
    devices: list[Device]  # parents before children
    connections: list[Connection]
    part_types: dict[str, PartType]
    rack_types: dict[str, RackType]
    module_types: dict[str, ModuleType] = field(default_factory=dict)  # installed in the copied devices

    def to_json(self) -> str:
        return json.dumps({
            "racks": [r.model_dump(mode="json") for r in self.racks],
            "devices": [d.model_dump(mode="json") for d in self.devices],
            "connections": [c.model_dump(mode="json") for c in self.connections],
            "part_types": {k: v.model_dump(mode="json", by_alias=True) for k, v in self.part_types.items()},
            "rack_types": {k: v.model_dump(mode="json") for k, v in self.rack_types.items()},
            "module_types": {k: v.model_dump(mode="json") for k, v in self.module_types.items()},
        })

    @classmethod
    def from_json(cls, text: str) -> Clip:
        data = json.loads(text)
        return cls([Rack.model_validate(r) for r in data["racks"]],
                   [Device.model_validate(d) for d in data["devices"]],
                   [Connection.model_validate(c) for c in data["connections"]],
                   {k: PartType.model_validate(v) for k, v in data["part_types"].items()},
                   {k: RackType.model_validate(v) for k, v in data["rack_types"].items()},
                   {k: ModuleType.model_validate(v) for k, v in data.get("module_types", {}).items()})

    def __bool__(self) -> bool:
        return bool(self.racks or self.devices)


def copy(design: Design, ids: list[str]) -> Clip:
    racks = sorted((design.racks[i] for i in ids if i in design.racks), key=lambda r: r.id)
    device_ids: list[str] = []
    for rack in racks:
        device_ids.extend(devices_within(design, rack.id))
    for obj_id in sorted(i for i in ids if i in design.devices):
        if obj_id not in device_ids:
            device_ids.append(obj_id)
            device_ids.extend(d for d in devices_within(design, obj_id) if d not in device_ids)
    devices = [design.devices[d] for d in device_ids]
    chosen = set(device_ids)
    # the cables between copied devices, found from the devices' own (a design's every cable was
    # read for each copy: 40 ms at 1,000 racks)
    cabled = {conn_id for dev_id in device_ids for conn_id in design.connections_of(dev_id)}
    conns = sorted((c for c in map(design.connections.__getitem__, cabled)
                    if c.a.owner in chosen and c.b.owner in chosen), key=lambda c: c.id)
    parts = {d.part: design.part_types[d.part] for d in devices}
    rack_types = {r.rack_type: design.rack_types[r.rack_type] for r in racks}
    modules = {k: design.module_types[k] for d in devices for k in (d.modules or {}).values()}
    return Clip(racks, devices, conns, parts, rack_types, modules)


def next_name(taken: set[str], name: str) -> str:
    """`A03` → the first free `A04`, `A05`, ...; other names get ` 2`, ` 3`, ..."""
    match = re.match(r"^(.*?)(\d+)$", name)
    if match:
        stem, digits = match.groups()
        n = int(digits)
        while True:
            n += 1
            candidate = f"{stem}{n:0{len(digits)}d}"
            if candidate not in taken:
                return candidate
    n = 2
    while f"{name} {n}" in taken:
        n += 1
    return f"{name} {n}"


def _group_offset(design: Design, hall_id: str, boxes: list[tuple], prefer: tuple[float, float]) -> tuple[float, float]:
    """The tile-step offset nearest `prefer` at which every box lies free on the floor."""
    hall = design.halls[hall_id]
    tile = hall.tile_mm
    others = [b for _, b in geometry.floor_items(design, hall_id)]
    span = int(max(hall.width_mm, hall.depth_mm) // tile) + 1
    for radius in range(span + 1):
        ring = sorted(((dx, dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)
                       if max(abs(dx), abs(dy)) == radius), key=lambda d: (abs(d[1]), abs(d[0]), d))
        for dx, dy in ring:
            ox, oy = prefer[0] + dx * tile, prefer[1] + dy * tile
            moved = [(b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy) for b in boxes]
            if all(m[0] >= 0 and m[1] >= 0 and m[2] <= hall.width_mm and m[3] <= hall.depth_mm for m in moved) \
                    and not any(geometry.boxes_overlap(m, o) for m in moved for o in others):
                return ox, oy
    raise Refused(f"there is no free space in {hall.name} for the pasted racks")


def free_position(design: Design, part: PartType, rack_id: str, face: str, lateral: str | None,
                  near: float) -> float | None:
    """The free unit position nearest `near` (above first on ties) for a part in a rack."""
    rt = design.rack_type_of(design.racks[rack_id])
    step = step_for(part.u_height)
    candidates = [1 + i * step for i in range(int((rt.u_height - 1) / step) + 1)]
    for pos in sorted(candidates, key=lambda p: (abs(p - near), -p)):
        if can_place(design, part, rack_id, pos, face, lateral):
            return pos
    return None


def paste(design: Design, clip: Clip, hall_id: str | None = None, at: tuple[float, float] | None = None,
          rack_id: str | None = None, text: str = "Paste") -> Composite:
    """Commands that put a copy of `clip` into the design. Racks go to `hall_id` with their group's
    north-west corner nearest `at` (default: just east of the originals); loose devices go into
    `rack_id` (default: their own rack) on the nearest free units."""
    children: list[Command] = []
    new_ids: dict[str, str] = {}
    names = {r.name for r in design.racks.values()}
    if clip.racks:
        hall = hall_id or clip.racks[0].hall
        if hall not in design.halls:
            raise Refused("there is no hall to paste racks into")
        boxes = [geometry.footprint(clip.rack_types[r.rack_type].outer_width_mm,
                                    clip.rack_types[r.rack_type].outer_depth_mm, r.x_mm, r.y_mm, r.facing)
                 for r in clip.racks]
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        prefer = (at[0] - x0, at[1] - y0) if at is not None else (max(b[2] for b in boxes) - x0, 0.0)
        ox, oy = _group_offset(design, hall, boxes, prefer)
        for rack in clip.racks:
            new_ids[rack.id] = design.new_id("rk")
            name = next_name(names, rack.name)
            names.add(name)
            row = rack.row if rack.row in design.rows and hall == rack.hall else None
            children.append(AddRack(clip.rack_types[rack.rack_type], hall, rack.x_mm + ox, rack.y_mm + oy,
                                    rack.facing, name=name, row=row, rack_id=new_ids[rack.id]))
    loose_target = rack_id
    for device in clip.devices:
        placement = {k: getattr(device, k) for k in _PLACEMENT if getattr(device, k) is not None}
        part = clip.part_types[device.part]
        if device.parent in new_ids:
            placement["parent"] = new_ids[device.parent]
        elif device.rack in new_ids:
            placement["rack"] = new_ids[device.rack]
        elif device.hall is not None:
            placement.update(_floor_spot(design, part, device, hall_id or device.hall, at))
        elif device.parent is not None:
            continue  # a child copied without its parent has no bay to go to
        else:
            target = loose_target or device.rack
            if target not in design.racks:
                raise Refused("open a rack elevation to paste devices into")
            placement["rack"] = target
            if device.position is not None:
                pos = free_position(design, part, target, device.face, device.lateral, device.position)
                if pos is None:
                    raise Refused(f"{design.racks[target].name} has no free units for {part.model}")
                placement["position"] = pos
            elif not can_place_side(design, part, target, device.side or ""):
                continue
        new_ids[device.id] = design.new_id("dv")
        extra = {k: getattr(device, k) for k in ("allocated_w", "description") if getattr(device, k) is not None}
        children.append(PlaceDevice(part, device_id=new_ids[device.id], **placement, **extra))
        children.extend(InstallModule(new_ids[device.id], bay, clip.module_types[key])
                        for bay, key in sorted((device.modules or {}).items()))
    for conn in clip.connections:
        if conn.a.owner in new_ids and conn.b.owner in new_ids:
            children.append(Connect(conn.kind, PortRef(owner=new_ids[conn.a.owner], port=conn.a.port),
                                    PortRef(owner=new_ids[conn.b.owner], port=conn.b.port),
                                    media=conn.media, length_m=conn.length_m))
    if not children:
        raise Refused("nothing on the clipboard can be pasted here")
    return Composite(text, children)


def _floor_spot(design: Design, part: PartType, device: Device, hall_id: str,
                at: tuple[float, float] | None) -> dict:
    width, depth = part.rackstudio.footprint_mm or (600.0, 1200.0)
    if device.facing in ("E", "W"):
        width, depth = depth, width
    hall = design.halls[hall_id]
    near = at or ((device.x_mm or 0) + width, device.y_mm or 0)
    spot = free_spot(design, hall_id, width, depth, near, hall.tile_mm)
    if spot is None or not can_place_floor(design, part, hall_id, spot[0], spot[1], device.facing):
        raise Refused(f"there is no free floor space in {hall.name} for {part.model}")
    return {"hall": hall_id, "x_mm": spot[0], "y_mm": spot[1]}


__all__ = ["CLIP_FORMAT", "Clip", "copy", "free_position", "next_name", "paste"]
