"""Qt-free. Rack designs and their instances: what an instance's devices and connections are.

A rack on the floor that is an instance of a rack design holds the design's devices and internal
connections as ordinary records (so the graph, the checks, the reports and NetBox read them like
any other), materialised with stable ids `<rack id>.<design's id>`: an external cable, a comment,
a waiver or a NetBox export names the same device across edits of the design. The rack design is
the source they are regenerated from; an instance's overrides (a slot left empty, a different
part) are recorded on the rack and applied on top. Regeneration compares expected with present
records and touches only what differs, so editing a design placed 900 times rewrites only the
records the edit changed.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rackstudio.model import optics
from rackstudio.model.design import (
    CableOverride,
    Connection,
    Design,
    Device,
    DeviceOverride,
    OverridePlace,
    Rack,
    RackDesign,
)

SEP = "."
RACK_TOKEN = "{rack}"  # in a rack design's cable label: the instance's name
INSTANCE_KEEPS = ("asset_tag",)  # what belongs to one physical rack, not to its design


def instance_id(rack_id: str, local: str) -> str:
    """The id of design device or connection `local` in the instance `rack_id`."""
    return f"{rack_id}{SEP}{local}"


def local_id(rack_id: str, obj_id: str) -> str | None:
    """The design's id of an instance record, None when `obj_id` is not one of `rack_id`'s."""
    prefix = rack_id + SEP
    return obj_id[len(prefix):] if obj_id.startswith(prefix) else None


def instances(design: Design, slug: str) -> list[str]:
    """Ids of the racks that are instances of rack design `slug`, sorted."""
    return sorted(r.id for r in design.racks.values() if r.rack_design == slug)


def design_of_device(design: Design, device_id: str) -> tuple[Rack, str] | None:
    """(instance rack, design's device id) for a device that comes from a rack design, else None."""
    device = design.devices.get(device_id)
    seen = 0
    while device is not None and device.rack is None and device.parent is not None and seen < 64:
        device, seen = design.devices.get(device.parent), seen + 1
    rack = design.racks.get(device.rack) if device is not None and device.rack else None
    if rack is None or rack.rack_design is None:
        return None
    local = local_id(rack.id, device_id)
    rd = design.rack_designs.get(rack.rack_design)
    return (rack, local) if rd is not None and local in rd.devices else None


def ancestors(rd: RackDesign, local: str) -> Iterator[str]:
    """`local` and the design devices whose bays hold it, innermost first (bounded by the design)."""
    seen = 0
    while local is not None and local in rd.devices and seen <= len(rd.devices):
        yield local
        local, seen = rd.devices[local].parent, seen + 1


def depth(rd: RackDesign, local: str) -> int:
    return sum(1 for _ in ancestors(rd, local))


def emptied(rd: RackDesign, overrides: dict[str, DeviceOverride], local: str) -> bool:
    """Whether an override leaves `local`'s slot, or the slot of a device holding it, empty."""
    return any(isinstance(overrides.get(x), DeviceOverride) and overrides[x].empty for x in ancestors(rd, local))


PLACE = ("position", "face", "side", "lateral")  # what a place override states of a top-level device
ENDS = ("a_end", "b_end", "fibre")  # what a cable override states of an internal network cable


def place_of(d: Device) -> OverridePlace:
    return OverridePlace(**{k: getattr(d, k) for k in PLACE})


def ends_of(c: Connection) -> CableOverride:
    return CableOverride(**{k: getattr(c, k) for k in ENDS})


def expected_device(design: Design, rack: Rack, rd: RackDesign, local: str,
                    present: Device | None = None) -> Device | None:
    """The record design device `local` has in instance `rack` (None: not there), keeping what the
    instance owns (`INSTANCE_KEEPS`) from `present`."""
    src = rd.devices.get(local)
    overrides = rack.overrides or {}
    if src is None or emptied(rd, overrides, local):
        return None
    override = overrides.get(local)
    changes = {"id": instance_id(rack.id, local), "name": f"{rack.name}-{src.name}", "name_generated": None,
               "rack": rack.id if src.parent is None else None,
               "parent": instance_id(rack.id, src.parent) if src.parent is not None else None}
    if isinstance(override, DeviceOverride) and override.part is not None:
        changes["part"] = override.part
    if isinstance(override, DeviceOverride) and override.place is not None and src.parent is None:
        changes.update({k: getattr(override.place, k) for k in PLACE})
    if present is not None:
        changes.update({k: getattr(present, k) for k in INSTANCE_KEEPS})
    return src.model_copy(update=changes)


def expected_connection(design: Design, rack: Rack, rd: RackDesign, local: str,
                        devices: dict[str, Device]) -> Connection | None:
    """The record internal connection `local` has in `rack`; None when an end's device is not
    there or its part (an override; with its modules) has no such port. `devices`: instance device
    id → its record as it will be."""
    src = rd.connections.get(local)
    if src is None:
        return None
    ends = []
    for end in (src.a, src.b):
        owner = instance_id(rack.id, end.owner)
        device = devices.get(owner)
        if device is None or not has_port(design, device, src.kind, end.port):
            return None
        ends.append(end.replace(owner=owner))  # its breakout leg too
    label = src.label.replace(RACK_TOKEN, rack.name) if src.label else src.label
    changes = {"id": instance_id(rack.id, local), "a": ends[0], "b": ends[1], "label": label}
    override = (rack.overrides or {}).get(local)
    if isinstance(override, CableOverride):  # this rack's own optics on the design's cable
        changes.update({k: getattr(override, k) for k in ENDS})
        changes["media"] = optics.ends_media(override.a_end, override.b_end) or src.media
    return src.model_copy(update=changes)


def with_overrides(rack: Rack, overrides: dict) -> Rack:
    """`rack` holding `overrides`, sorted as a loaded file holds them (`model_copy` does not
    validate, and a file diffs line by line); none is None."""
    return rack.model_copy(update={"overrides": {k: overrides[k] for k in sorted(overrides)} or None})


def keep_estimate(after: Connection | None, present: Connection | None) -> Connection | None:
    """`after` with the instance's own estimated length: an estimate follows the places of the
    cable's ends in this rack (kept up to date by every move, commands.base), not the design's."""
    if after is None or present is None or not (after.length_estimated and present.length_estimated) \
            or after.length_m == present.length_m:
        return after
    return after.model_copy(update={"length_m": present.length_m})


def has_port(design: Design, device: Device, kind: str, port: str) -> bool:
    if device.part not in design.part_types or any(m not in design.module_types for m in (device.modules or {}).values()):
        return False
    return design.part_of(device).has_port(kind, port)


def changed_ids(old: dict, new: dict) -> set[str]:
    """Keys added, removed or whose record differs between two tables."""
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}


@dataclass(frozen=True)
class Conflict:
    """An instance whose override meets an edit of its design: listed before the edit applies."""

    rack: str
    local: str  # the design's device id (or the external cable's id)
    why: str


def conflicts(design: Design, old: RackDesign, new: RackDesign,
              racks: Iterable[str] | None = None) -> list[Conflict]:
    """The instances of `old` whose overrides the change to `new` meets: the overridden device
    was removed or changed, or an internal connection to it changed; and external cables that
    would lose their port (the device leaves, or its new part has no such port)."""
    found: list[Conflict] = []
    devs = changed_ids(old.devices, new.devices)
    conns = changed_ids(old.connections, new.connections)
    touched_by_conn: dict[str, list[str]] = {}
    for c in conns:
        for rec in (old.connections.get(c), new.connections.get(c)):
            if rec is not None:
                for end in (rec.a, rec.b):
                    touched_by_conn.setdefault(end.owner, []).append(c)
    for rack_id in sorted(racks if racks is not None else instances(design, old.slug)):
        rack = design.racks[rack_id]
        for local, override in sorted((rack.overrides or {}).items()):
            if isinstance(override, CableOverride):
                found.extend(_cable_conflict(rack, old, new, local, conns))
                continue
            what = describe(override)
            if local not in new.devices:
                found.append(Conflict(rack_id, local, f"{rack.name}: {old.devices[local].name} ({what}) is removed "
                                                      "from the design; the override is dropped"))
            elif local in devs:
                found.append(Conflict(rack_id, local, f"{rack.name}: the edit changes {new.devices[local].name}, "
                                                      f"which this rack overrides ({what}); the override stays"))
            elif local in touched_by_conn:
                names = ", ".join(sorted(set(touched_by_conn[local])))
                found.append(Conflict(rack_id, local, f"{rack.name}: the edit changes connections {names} of "
                                                      f"{new.devices[local].name}, which this rack overrides ({what})"))
        found.extend(_lost_cables(design, rack, old, new, devs))
    return found


def describe(override: DeviceOverride | CableOverride) -> str:
    """What an override does, in a few words ("left empty", "holds X at U12", "optics A / B")."""
    if isinstance(override, CableOverride):
        return f"optics {override.a_end or 'none'} / {override.b_end or 'none'}" + (
            f", {override.fibre} fibre" if override.fibre else "")
    if override.empty:
        return "left empty"
    bits = [f"holds {override.part}"] if override.part else []
    if override.place is not None:
        p = override.place
        where = f"U{p.position:g} {p.face}" if p.position is not None else f"the {p.side} side channel"
        bits.append(f"moved to {where}" + (f" ({p.lateral} half)" if p.lateral else ""))
    return ", ".join(bits)


def _cable_conflict(rack: Rack, old: RackDesign, new: RackDesign, local: str, conns: set[str]) -> Iterator[Conflict]:
    what = describe(rack.overrides[local])
    if local not in new.connections:
        yield Conflict(rack.id, local, f"{rack.name}: cable {local} ({what}) is removed from the design; "
                                       "the override is dropped")
    elif local in conns:
        yield Conflict(rack.id, local, f"{rack.name}: the edit changes cable {local}, whose optics this rack "
                                       f"overrides ({what}); the override stays")


def has_overrides(rack: Rack) -> bool:
    """Whether an instance departs from its rack design in any way an override records (a slot,
    a part, a place, a cable's optics): one question for everything that reuses a design's results."""
    return bool(rack.overrides)


def _lost_cables(design: Design, rack: Rack, old: RackDesign, new: RackDesign, devs: set[str]) -> Iterator[Conflict]:
    internal = {instance_id(rack.id, c) for c in old.connections}
    for local in sorted(devs):
        dev_id = instance_id(rack.id, local)
        present = design.devices.get(dev_id)
        if present is None:
            continue
        after = expected_device(design, rack, new, local, present)
        for conn_id in sorted(design.connections_of(dev_id)):
            if conn_id in internal:
                continue
            conn = design.connections[conn_id]
            port = next(e.port for e in (conn.a, conn.b) if e.owner == dev_id)
            if after is None:
                yield Conflict(rack.id, conn_id, f"{rack.name}: cable {conn.label or conn_id} to {present.name} is "
                                                 "removed with the device")
            elif after.part != present.part and after.part in design.part_types \
                    and not has_port(design, after, conn.kind, port):
                yield Conflict(rack.id, conn_id, f"{rack.name}: cable {conn.label or conn_id} loses port {port} of "
                                                 f"{present.name} (the new part has none) and is removed")


__all__ = ["ENDS", "INSTANCE_KEEPS", "PLACE", "RACK_TOKEN", "SEP", "Conflict", "Departure", "ancestors", "changed_ids", "conflicts",
           "departures", "depth", "describe", "design_of_device", "drift", "emptied", "ends_of", "expected_connection",
           "expected_device", "has_overrides", "has_port", "keep_estimate", "instance_id", "instances", "local_id", "place_of", "with_overrides"]


def drift(design: Design, rack_id: str) -> list[str]:
    """How instance `rack_id` differs from what its rack design and overrides say (ids of design
    devices and connections whose record is missing, extra or different); empty when it follows."""
    rack = design.racks[rack_id]
    rd = design.rack_designs[rack.rack_design]
    found = []
    devices: dict[str, Device] = {}
    for local in sorted(rd.devices):
        dev_id = instance_id(rack_id, local)
        present = design.devices.get(dev_id)
        after = expected_device(design, rack, rd, local, present)
        if after is not None:
            devices[dev_id] = after
        if present != after:
            found.append(dev_id)
    for local in sorted(rd.connections):
        conn_id = instance_id(rack_id, local)
        present = design.connections.get(conn_id)
        if present != keep_estimate(expected_connection(design, rack, rd, local, devices), present):
            found.append(conn_id)
    return found


class Departure(ValueError):
    """An edit of an instance's record that no override can hold (a design device taken to another
    rack, a bay or the floor): refused, with the way to do it."""


def _instance_of(design: Design, obj_id: str) -> tuple[Rack, RackDesign, str] | None:
    """(instance rack, its design, design id) for an id of the form `<rack id>.<design id>`."""
    start = obj_id.find(SEP)
    while start > 0:
        rack = design.racks.get(obj_id[:start])
        if rack is not None and rack.rack_design is not None:
            rd = design.rack_designs.get(rack.rack_design)
            local = obj_id[start + 1:]
            if rd is not None and (local in rd.devices or local in rd.connections):
                return rack, rd, local
        start = obj_id.find(SEP, start + 1)
    return None


def _device_override(design: Design, rack: Rack, rd: RackDesign, local: str,
                     overrides: dict) -> DeviceOverride | None | bool:
    """The override design device `local` needs for what instance `rack` now holds (None: none;
    False: leave the overrides as they are)."""
    present = design.devices.get(instance_id(rack.id, local))
    src = rd.devices[local]
    if present is None:
        return False if emptied(rd, overrides, local) else DeviceOverride(empty=True)
    home = rack.id if src.parent is None else None
    parent = instance_id(rack.id, src.parent) if src.parent is not None else None
    if (present.rack, present.parent, present.hall) != (home, parent, None) or present.bay != src.bay:
        where = design.racks[present.rack].name if present.rack in design.racks else "another place"
        raise Departure(f"{present.name} belongs to {rack.name}'s rack design {rd.name}: it can move within "
                        f"{rack.name} (kept as an override of this rack), not to {where}; detach {rack.name} "
                        "from its rack design to rearrange it freely")
    part = present.part if present.part != src.part else None
    moved = src.parent is None and any(getattr(present, k) != getattr(src, k) for k in PLACE)
    try:
        place = place_of(present) if moved else None
    except ValueError:  # units and a side channel at once, or neither: no place a rack has
        raise Departure(f"{present.name} of {rack.name}'s rack design {rd.name} needs a unit or a side channel "
                        "of the rack, not both or neither") from None
    return DeviceOverride(part=part, place=place) if part is not None or place is not None else None


def departures(design: Design, ids) -> list[tuple[Rack, Rack]]:
    """The instances whose records among `ids` (just edited) depart from their rack design in a way
    their overrides do not yet say, with the rack as it must be: a design device moved within its
    rack or given another part, removed, or a design cable given other optics is recorded as an
    override; an edit that already follows the overrides (a command on rack designs) adds nothing.
    Raises Departure for what no override can hold."""
    found: dict[str, tuple[Rack, RackDesign, set[str]]] = {}
    for obj_id in ids:
        if SEP not in obj_id:
            continue
        hit = _instance_of(design, obj_id)
        if hit is not None:
            found.setdefault(hit[0].id, (hit[0], hit[1], set()))[2].add(hit[2])
    out = []
    for rack, rd, locals_ in found.values():
        overrides = dict(rack.overrides or {})
        for local in sorted(locals_, key=lambda k: (depth(rd, k), k)):
            if local in rd.devices:
                want = _device_override(design, rack, rd, local, overrides)
            else:
                present = design.connections.get(instance_id(rack.id, local))
                src = rd.connections[local]
                want = False if present is None else (
                    ends_of(present) if any(getattr(present, k) != getattr(src, k) for k in ENDS) else None)
            if want is False or want == overrides.get(local):
                continue
            if want is None:
                overrides.pop(local, None)
            else:
                overrides[local] = want
        after = with_overrides(rack, overrides)
        if after != rack:
            out.append((rack, after))
    return out
