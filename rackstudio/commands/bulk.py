"""Qt-free. Bulk cabling helpers (coolant here; PSUs in commands.power_plan, network in
commands.network_plan): each returns ONE Composite of core `Connect` commands, so a whole rack's
or pod's cabling is one undo step.

Every helper takes free ports in the part's template order and remembers what it has taken,
so the plan never uses a port twice; it raises Refused (nothing changes) when a target runs
out of ports, naming which.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from rackstudio.commands.base import Command, Composite, Refused
from rackstudio.commands.connections import Connect
from rackstudio.model.design import Design, Device, PortRef
from rackstudio.model.geometry import devices_within
from rackstudio.model.parts import Category

Labeler = Callable[[Design, PortRef, PortRef], str]
LIQUID = ("liquid", "hybrid", "immersion")
_UPLINK_NAME = re.compile(r"main|uplink|header|cdu|facility|trunk|inlet", re.I)


class PortPool:
    """The free ports of one device (or feed) for one connection kind, handed out in order."""

    def __init__(self, design: Design, owner: str, kind: str, names: Sequence[str]):
        self.design, self.owner, self.kind = design, owner, kind
        self.free = [n for n in names if design.port_connection(kind, owner, n) is None]

    def take(self) -> str | None:
        return self.free.pop(0) if self.free else None

    def take_last(self) -> str | None:
        return self.free.pop() if self.free else None


class Plan:
    """Connect commands being collected for one Composite."""

    def __init__(self, design: Design, labeler: Labeler | None):
        self.design, self.labeler = design, labeler
        self.children: list[Command] = []

    def connect(self, kind: str, a: PortRef, b: PortRef, media: str | None = None,
                length_m: float | None = None, ends: tuple[str | None, str | None] = (None, None),
                fibre: str | None = None) -> None:
        label = self.labeler(self.design, a, b) if self.labeler else None
        self.children.append(Connect(kind, a, b, media=media, length_m=length_m, label=label, ends=ends,
                                     fibre=fibre))

    def done(self, text: str, nothing: str) -> Composite:
        if not self.children:
            raise Refused(nothing)
        return Composite(text, self.children)


def _name(design: Design, owner: str) -> str:
    obj = design.get(owner)
    return obj.name if obj is not None else owner


def _category(design: Design, device: Device) -> Category:
    return design.part_of(device).category


def _by_place(design: Design, ids: Iterable[str]) -> list[str]:
    """Devices in reading order: rack name, then top of the rack first, then name."""
    def key(dev_id: str):
        d = design.devices[dev_id]
        rack = design.racks.get(d.rack or "")
        return (rack.name if rack else "", -(d.position or 0), d.name, dev_id)
    return sorted(ids, key=key)


# --- power -----------------------------------------------------------------------------------

def _pdu_side(design: Design, pdu: Device) -> str | None:
    part = design.part_of(pdu)
    for inlet in part.power_ports:
        conn_id = design.port_connection("power", pdu.id, inlet.name)
        if conn_id is not None:
            conn = design.connections[conn_id]
            supplier = design.get(conn.b.owner)
            side = getattr(supplier, "side", None)
            if side in ("A", "B"):
                return side
    return {"left": "A", "right": "B"}.get(pdu.side or "")


def rack_pdus(design: Design, rack_id: str) -> tuple[Device, Device] | None:
    """The rack's PDU pair (A, B): by the feed side they draw from, else left/right channel,
    else name order. None when the rack has fewer than two PDUs."""
    pdus = sorted((design.devices[d] for d in design.contents(rack_id)
                   if d in design.devices and _category(design, design.devices[d]) == Category.PDU),
                  key=lambda d: (d.name, d.id))
    if len(pdus) < 2:
        return None
    sides = {p.id: _pdu_side(design, p) for p in pdus}
    a = next((p for p in pdus if sides[p.id] == "A"), None)
    b = next((p for p in pdus if sides[p.id] == "B" and p is not a), None)
    rest = [p for p in pdus if p is not a and p is not b]
    a = a or rest.pop(0)
    b = b or rest.pop(0)
    return a, b


# --- coolant ---------------------------------------------------------------------------------

def _coolant_names(design: Design, device_id: str) -> list[str]:
    return list(design.part_of(design.devices[device_id]).port_names("coolant"))


def _manifold_ports(design: Design, manifold_id: str) -> tuple[list[str], list[str]]:
    """(branch ports for devices, uplink ports for the CDU) of a rack manifold: headers are
    ports with a supply/return role beside 'pair' branches, or named main/uplink/header/...;
    failing both, the last port is the uplink."""
    ports = design.part_of(design.devices[manifold_id]).rackstudio.cooling.coolant_ports
    names = [p.name for p in ports]
    uplinks = [p.name for p in ports if p.role in ("supply", "return")] if any(
        p.role == "pair" for p in ports) else []
    uplinks = uplinks or [n for n in names if _UPLINK_NAME.search(n)] or names[-1:]
    return [n for n in names if n not in uplinks], uplinks


def _nearest_cdu(design: Design, rack_id: str) -> str | None:
    rack = design.racks[rack_id]
    inside = [d for d in devices_within(design, rack_id) if _category(design, design.devices[d]) == Category.CDU]
    if inside:
        return inside[0]
    floor = [design.devices[d] for d in design.contents(rack.hall)  # floor equipment only
             if d in design.devices and _category(design, design.devices[d]) == Category.CDU]

    def distance(d: Device) -> float:
        return abs((d.x_mm or 0) - rack.x_mm) + abs((d.y_mm or 0) - rack.y_mm)
    floor.sort(key=lambda d: (distance(d), d.id))
    return floor[0].id if floor else None


def connect_liquid(design: Design, rack_id: str, cdu_id: str | None = None,
                   labeler: Labeler | None = None) -> Composite:
    """The rack's liquid-cooled devices to its manifold's free branch ports, and the manifold's
    free header ports to the CDU (the one named, else one in the rack, else the nearest on the floor)."""
    rack = design.racks.get(rack_id)
    if rack is None:
        raise Refused(f"there is no rack {rack_id!r}")
    inside = list(devices_within(design, rack_id))
    manifolds = [d for d in inside if _category(design, design.devices[d]) == Category.MANIFOLD]
    if not manifolds:
        raise Refused(f"rack {rack.name} has no coolant manifold")
    manifold = manifolds[0]
    branches_names, uplink_names = _manifold_ports(design, manifold)
    branches = PortPool(design, manifold, "coolant", branches_names)
    plan = Plan(design, labeler)
    for dev_id in _by_place(design, inside):
        device = design.devices[dev_id]
        part = design.part_of(device)
        if dev_id in manifolds or part.category == Category.CDU or part.rackstudio.cooling.method not in LIQUID:
            continue
        for port in PortPool(design, dev_id, "coolant", _coolant_names(design, dev_id)).free:
            branch = branches.take()
            if branch is None:
                raise Refused(f"manifold {_name(design, manifold)} has no free port for {device.name} {port}")
            plan.connect("coolant", PortRef(owner=dev_id, port=port), PortRef(owner=manifold, port=branch))
    uplinks = PortPool(design, manifold, "coolant", uplink_names)
    if uplinks.free:
        cdu = cdu_id or _nearest_cdu(design, rack_id)
        if cdu is None:
            raise Refused(f"there is no CDU in {rack.name} or on its hall's floor")
        cdu_ports = PortPool(design, cdu, "coolant", _coolant_names(design, cdu))
        for up in uplinks.free:
            port = cdu_ports.take()
            if port is None:
                raise Refused(f"CDU {_name(design, cdu)} has no free coolant port for {rack.name}")
            plan.connect("coolant", PortRef(owner=manifold, port=up), PortRef(owner=cdu, port=port))
    return plan.done(f"Connect liquid cooling of {rack.name}",
                     f"every liquid-cooled device in {rack.name} is already connected")


__all__ = ["Labeler", "PortPool", "connect_liquid", "rack_pdus"]
