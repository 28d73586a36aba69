"""Qt-free. Connecting and disconnecting power, network and coolant ports."""
from __future__ import annotations

from rackstudio.commands.base import Command, Edit, Refused, put
from rackstudio.model import optics
from rackstudio.model.cable_length import estimated
from rackstudio.model.design import Connection, Design, PortRef
from rackstudio.model.parts import Category


def port_problem(design: Design, kind: str, end: PortRef, role: str) -> str | None:
    """Why `end` cannot take a new `kind` connection, or None. `role` is 'consumer' or 'supplier'
    for power (a consumer end must be an inlet, a supplier an outlet or a feed)."""
    if kind == "power" and end.owner in design.feeds:
        return None if role == "supplier" else "a feed supplies power; it cannot be the consumer end"
    device = design.devices.get(end.owner)
    if device is None:
        return f"there is no device or feed {end.owner!r}"
    part = design.part_of(device)
    if end.port not in part.port_names(kind):
        return f"{device.name} has no {kind} port {end.port!r}"
    if kind == "power":
        inlets = {p.name for p in part.power_ports}
        if role == "consumer" and end.port not in inlets:
            return f"{end.port} of {device.name} is an outlet, not a power inlet"
        if role == "supplier" and end.port in inlets:
            return f"{end.port} of {device.name} is an inlet; connect it to an outlet or a feed"
    if kind == "network":
        taken = optics.leg_problem(design, end)
        return None if taken is None else f"{end.port} of {device.name}: {taken}"
    if end.leg is not None:
        return f"a {kind} connection takes a whole port, not a breakout leg"
    used = design.port_connection(kind, end.owner, end.port)
    if used is not None:
        return f"{end.port} of {device.name} is already connected ({used})"
    return None


def default_label(design: Design, a: PortRef, b: PortRef) -> str:
    """Label pattern <rack>-U<unit>-<port> for each end, the usual rack-unit-port scheme."""
    def end_label(end: PortRef) -> str:
        obj = design.get(end.owner)
        return f"{obj.name}:{end.port}" if end.port else obj.name
    return f"{end_label(a)} / {end_label(b)}"


class Connect(Command):
    def __init__(self, kind: str, a: PortRef, b: PortRef, media: str | None = None,
                 length_m: float | None = None, label: str | None = None, conn_id: str | None = None,
                 ends: tuple[str | None, str | None] = (None, None), fibre: str | None = None):
        super().__init__()
        self.kind, self.a, self.b = kind, a, b
        self.media, self.length_m, self.label, self.conn_id = media, length_m, label, conn_id
        self.ends, self.fibre = ends, fibre
        self.text = f"Connect {kind}"

    def plan(self, design: Design) -> list[Edit]:
        if self.kind not in ("power", "network", "coolant"):
            raise Refused(f"unknown connection kind {self.kind!r}")
        if (self.a.owner, self.a.port) == (self.b.owner, self.b.port):
            raise Refused("a port cannot connect to itself")
        roles = ("consumer", "supplier") if self.kind == "power" else ("end", "end")
        for end, role in zip((self.a, self.b), roles, strict=True):
            problem = port_problem(design, self.kind, end, role)
            if problem:
                raise Refused(problem)
        conn_id = self.conn_id or design.new_id({"power": "pw", "network": "cb", "coolant": "cl"}[self.kind])
        if design.kind_of(conn_id) is not None:
            raise Refused(f"id {conn_id!r} is already in use")
        media = self.media or ("power" if self.kind == "power" else None)
        problem = ends_problem(self.kind, *self.ends, self.fibre)
        if problem:
            raise Refused(problem)
        media = optics.ends_media(*self.ends) or media
        conn = Connection(id=conn_id, kind=self.kind, a=self.a, b=self.b, media=media,
                          label=self.label or default_label(design, self.a, self.b),
                          a_end=self.ends[0], b_end=self.ends[1], fibre=self.fibre)
        conn = estimated(design, conn, self.length_m)  # no length, or the estimate: marked estimated
        self.text = f"Connect {conn.label}"
        return [put("connections", None, conn)]


def ends_problem(kind: str, a_end: str | None, b_end: str | None, fibre: str | None) -> str | None:
    """Why these optics cannot be named on a connection, or None: only network cables carry optics,
    and each must be one RackStudio knows."""
    if kind != "network" and (a_end or b_end or fibre):
        return f"a {kind} connection carries no optics"
    for slug in (a_end, b_end):
        if slug is not None and optics.get(slug) is None:
            return f"there is no optic or cable assembly {slug!r}"
    if fibre not in (None, "straight", "splitter"):
        return f"fibre is straight or splitter, not {fibre!r}"
    return None


class SetEnds(Command):
    """Put the optic or cable assembly at each end of a network cable, and its fibre (one undo step);
    the cable's family follows the ends."""

    def __init__(self, conn_id: str, a_end: str | None, b_end: str | None, fibre: str | None = None):
        super().__init__()
        self.conn_id, self.a_end, self.b_end, self.fibre = conn_id, a_end, b_end, fibre
        self.text = "Change optics"

    def plan(self, design: Design) -> list[Edit]:
        conn = design.connections.get(self.conn_id)
        if conn is None:
            raise Refused(f"there is no connection {self.conn_id!r}")
        problem = ends_problem(conn.kind, self.a_end, self.b_end, self.fibre)
        if problem:
            raise Refused(problem)
        media = optics.ends_media(self.a_end, self.b_end) or conn.media
        new = conn.replace(a_end=self.a_end, b_end=self.b_end, fibre=self.fibre, media=media)
        self.text = f"Change optics of {conn.label or conn.id}"
        if new == conn:
            raise Refused("the cable already has these optics")
        return [put("connections", conn, new)]


class Disconnect(Command):
    def __init__(self, conn_id: str):
        super().__init__()
        self.conn_id = conn_id
        self.text = "Disconnect"

    def plan(self, design: Design) -> list[Edit]:
        conn = design.connections.get(self.conn_id)
        if conn is None:
            raise Refused(f"there is no connection {self.conn_id!r}")
        self.text = f"Disconnect {conn.label or conn.id}"
        return [put("connections", conn, None)]


def is_cdu(design: Design, owner: str) -> bool:
    device = design.devices.get(owner)
    return device is not None and design.part_of(device).category == Category.CDU
