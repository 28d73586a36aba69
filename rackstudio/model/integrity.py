"""Qt-free. Load-time integrity of a design.

`dangling` lists what makes a file not a design (references to ids that do not exist, a device
with no or two placements, a port its part does not have): loading refuses those. `warnings`
lists what a user can repair in the app (overlapping units, a device past its rack's top,
overlapping footprints, a port with two cables): the design loads and the checks report them.
"""
from __future__ import annotations

from collections.abc import Iterator

from rackstudio.model import geometry
from rackstudio.model.design import COLLECTIONS, Design

Problem = tuple[str, str]  # (JSON path, message)


def dangling(design: Design) -> Iterator[Problem]:
    for key, part in design.part_types.items():
        if key != part.slug:
            yield f"$.part_types.{key}.slug", f"key {key!r} differs from the part's slug {part.slug!r}"
    for key, rt in design.rack_types.items():
        if key != rt.slug:
            yield f"$.rack_types.{key}.slug", f"key {key!r} differs from the rack type's slug {rt.slug!r}"
    for name in COLLECTIONS:
        for key, obj in getattr(design, name).items():
            if key != obj.id:
                yield f"$.{name}.{key}.id", f"key {key!r} differs from the id {obj.id!r}"

    def ref(path: str, value: str | None, collection: dict, what: str) -> Iterator[Problem]:
        if value is not None and value not in collection:
            yield path, f"refers to {what} {value!r}, which is not in the design"

    for r in design.rows.values():
        yield from ref(f"$.rows.{r.id}.hall", r.hall, design.halls, "hall")
    for r in design.racks.values():
        yield from ref(f"$.racks.{r.id}.rack_type", r.rack_type, design.rack_types, "rack type")
        yield from ref(f"$.racks.{r.id}.hall", r.hall, design.halls, "hall")
        yield from ref(f"$.racks.{r.id}.row", r.row, design.rows, "row")
        if r.row in design.rows and design.rows[r.row].hall != r.hall:
            yield f"$.racks.{r.id}.row", f"row {r.row!r} is in another hall than the rack"
    for d in design.devices.values():
        base = f"$.devices.{d.id}"
        yield from ref(f"{base}.part", d.part, design.part_types, "part type")
        yield from ref(f"{base}.rack", d.rack, design.racks, "rack")
        yield from ref(f"{base}.parent", d.parent, design.devices, "device")
        yield from ref(f"{base}.hall", d.hall, design.halls, "hall")
        homes = [x for x in (d.rack, d.parent, d.hall) if x is not None]
        if len(homes) != 1:
            yield base, "a device must be in exactly one of a rack, a parent's bay, or a hall floor"
        elif d.rack is not None and d.position is None and d.side is None:
            yield base, "a device in a rack needs a position (units) or a side channel (0U)"
        elif d.parent is not None and d.bay is None:
            yield f"{base}.bay", "a child device needs the bay it sits in"
        elif d.hall is not None and (d.x_mm is None or d.y_mm is None):
            yield base, "floor equipment needs x_mm and y_mm"
        if d.parent == d.id:
            yield f"{base}.parent", "a device cannot sit in itself"
    for p in design.panels.values():
        yield from ref(f"$.panels.{p.id}.ups", p.ups, design.upses, "UPS")
    for f in design.feeds.values():
        yield from ref(f"$.feeds.{f.id}.panel", f.panel, design.panels, "panel")
        yield from ref(f"$.feeds.{f.id}.rack", f.rack, design.racks, "rack")
    for c in design.connections.values():
        for end_name in ("a", "b"):
            end = getattr(c, end_name)
            path = f"$.connections.{c.id}.{end_name}"
            if end.owner in design.feeds and c.kind == "power":
                continue
            device = design.devices.get(end.owner)
            if device is None:
                yield f"{path}.owner", f"refers to {end.owner!r}, which is not a device or feed in the design"
            elif device.part in design.part_types and not design.part_of(device).has_port(c.kind, end.port):
                yield f"{path}.port", (f"device {device.name!r} ({device.part}) has no {c.kind} port "
                                       f"named {end.port!r}")


def warnings(design: Design) -> Iterator[Problem]:
    """Repairable problems, in a stable order."""
    for rack_id in sorted(design.racks):
        rack = design.racks[rack_id]
        rt = design.rack_type_of(rack)
        for dev_id in sorted(design.contents(rack_id)):
            d = design.devices[dev_id]
            if d.position is None:
                continue
            height = geometry.height_in_rack(design.part_of(d), rt)
            if d.position < 1 or d.position + height - 1 > rt.u_height:
                yield (f"$.devices.{dev_id}.position",
                       f"{d.name} at U{d.position:g} ({height:g}U) is outside rack {rack.name} (1..{rt.u_height})")
        for a, b in geometry.overlaps(design, rack_id):
            yield (f"$.devices.{b}.position",
                   f"{design.devices[a].name} and {design.devices[b].name} overlap in rack {rack.name}")
    for hall_id in sorted(design.halls):
        for a, b in geometry.floor_overlaps(design, hall_id):
            yield f"$.{design.kind_of(b)}.{b}", f"{design.get(a).name} and {design.get(b).name} overlap on the floor"
    seen: dict[tuple[str, str, str], str] = {}
    for conn_id in sorted(design.connections):
        c = design.connections[conn_id]
        for end in (c.a, c.b):
            if c.kind == "power" and end.owner in design.feeds:
                continue
            key = (c.kind, end.owner, end.port)
            if key in seen:
                yield f"$.connections.{conn_id}", f"port {end.port} of {design.get(end.owner).name} already has connection {seen[key]}"
            else:
                seen[key] = conn_id
