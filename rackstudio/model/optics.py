"""Qt-free. Optics and cable assemblies: what is plugged into each end of a network link, and what
it means for the cage, the lane rate, breakouts and power.

A connection names the part at each end (`Connection.a_end`/`b_end`, a slug of `BUILTIN`): a
transceiver (with `fibre` telling a straight fibre from one leg of a 1:2 splitter), or a cable
assembly (DAC, LACC, AEC, AOC) whose plugs are both ends. A breakout is one port fanned out to
several far ports: each far port is its own connection taking a `leg` of the near port
(`PortRef.leg`), by a splitter cable or by a twin-port transceiver's two fibres (engineering.md
4.2). The figures and their sources are engineering.md 4.1/4.2 (table "Optics and cable assemblies").
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress
from typing import Literal

from pydantic import Field

from rackstudio.model import interfaces as ifc
from rackstudio.model.base import Record
from rackstudio.model.design import Connection, Design, PortRef
from rackstudio.model.parts import Category, PartType

Kind = Literal["transceiver", "dac", "acc", "aec", "aoc"]
ASSEMBLIES = ("dac", "acc", "aec", "aoc")
LANE_GBPS = {ifc.NRZ_25G: 25, ifc.PAM4_50G: 50, ifc.PAM4_100G: 100, ifc.PAM4_200G: 200}


class OpticType(Record):
    """A transceiver or a cable assembly, per end. `form` is the cage it plugs into: OSFP (finned
    top, IHS: air-cooled switch cages), OSFP-RHS (flat top: adapters, liquid-cooled switches),
    QSFP112, QSFP-DD, QSFP56; `lanes` the host lanes at its (wide) end; `optical_ports` 2 for a
    twin-port transceiver; `breakout` the far plugs of a splitter cable. Power in W per end."""

    slug: str
    manufacturer: str
    model: str
    part_number: str | None = None
    kind: Kind
    form: str
    far_form: str | None = Field(default=None, description="a cable's far plugs, when not `form`")
    lane_class: str
    lanes: int = Field(ge=1)
    optical_ports: Literal[1, 2] = 1
    media: Literal["mmf", "smf", "dac", "acc", "aec", "aoc"]
    reach_m: float = Field(gt=0)
    power_w: float = Field(ge=0, description="per end (the wide end of a splitter cable), W")
    power_half_w: float | None = Field(default=None, ge=0, description="running half its lanes on a splitter leg")
    far_power_w: float | None = Field(default=None, ge=0, description="each far plug of a splitter cable, W")
    breakout: int = Field(default=1, ge=1, le=4)
    splitter_fibres: bool = Field(default=True, description="takes 1:2 splitter fibres (not CWDM LC optics)")
    lengths_m: tuple[float, ...] = ()
    connector: str | None = None
    source: str

    @property
    def name(self) -> str:
        return f"{self.manufacturer} {self.model}"

    @property
    def is_transceiver(self) -> bool:
        return self.kind == "transceiver"

    @property
    def speed_gbps(self) -> float:
        return self.lanes * LANE_GBPS[self.lane_class]

    @property
    def lanes_per_port(self) -> int:
        """Lanes on one optical port (one fibre), or on one far plug of a splitter cable."""
        return self.lanes // (self.optical_ports if self.is_transceiver else self.breakout)


def _t(slug, model, part_number, form, lane, lanes, media, reach, power, source, **kw) -> OpticType:
    # the slug names the maker: NVIDIA's XDR optics have no published part number yet
    return OpticType(slug=slug, manufacturer="NVIDIA" if slug.startswith("nvidia-") else "Generic",
                     model=model, part_number=part_number, kind="transceiver", form=form, lane_class=lane,
                     lanes=lanes, media=media, reach_m=reach, power_w=power, source=source, **kw)


def _c(slug, model, part_number, kind, form, lane, lanes, reach, power, lengths, source, **kw) -> OpticType:
    return OpticType(slug=slug, manufacturer="NVIDIA", model=model, part_number=part_number, kind=kind,
                     form=form, lane_class=lane, lanes=lanes, media=kind, reach_m=reach, power_w=power,
                     lengths_m=lengths, source=source, **kw)


P100, P50, P200 = ifc.PAM4_100G, ifc.PAM4_50G, ifc.PAM4_200G
_MPO = "MPO-12/APC"

BUILTIN: dict[str, OpticType] = {o.slug: o for o in (
    # --- 100G-PAM4 (NDR / 400-800GbE): twin-port OSFP for switches, single-port for adapters ----------
    _t("nvidia-mms4x00-ns", "Twin-port OSFP 2xDR4 800G, single mode 100 m", "MMS4X00-NS", "OSFP", P100, 8, "smf",
       100, 17, "[NV-MMS4X00] P: 17 W in every configuration, two MPO-12/APC, straight or 1:2 splitter fibres",
       optical_ports=2, connector=_MPO),
    _t("nvidia-mms4x00-nm", "Twin-port OSFP 2xDR4 800G, single mode 500 m", "MMS4X00-NM", "OSFP", P100, 8, "smf",
       500, 17, "[NV-MMS4X00-NM] P: 17 W, 500 m switch to switch (100 m to adapters)",
       optical_ports=2, connector=_MPO),
    _t("nvidia-mma4z00-ns", "Twin-port OSFP 2xSR4 800G, multimode 50 m", "MMA4Z00-NS", "OSFP", P100, 8, "mmf",
       50, 15, "[NV-MMA4Z00-NS] P: 15 W in every configuration, 50 m multimode", optical_ports=2, connector=_MPO),
    _t("nvidia-mms4x50-nm", "Twin-port OSFP 2xFR4 800G, single mode 2 km", "MMS4X50-NM", "OSFP", P100, 8, "smf",
       2000, 17, "[NV-MMS4X50-NM] P: 2 km on two LC duplex fibres, no splitters; power assumed as the other "
       "single-mode twin-port transceivers (17 W, U)", optical_ports=2, connector="LC duplex",
       splitter_fibres=False),
    _t("nvidia-mms4x00-ns400", "OSFP DR4 400G flat top, single mode 100 m", "MMS4X00-NS400", "OSFP-RHS", P100, 4,
       "smf", 100, 9, "[NV-MMS4X00] P: 9 W at 400G on a straight fibre, 5 W at 200G on a splitter leg",
       power_half_w=5, connector=_MPO),
    _t("nvidia-mma4z00-ns400", "OSFP SR4 400G flat top, multimode 50 m", "MMA4Z00-NS400", "OSFP-RHS", P100, 4,
       "mmf", 50, 9, "[NV-MMA4Z00] P: 9 W maximum at 400G, 6.5 W maximum at 200G on a splitter leg",
       power_half_w=6.5, connector=_MPO),
    _t("nvidia-mma1z00-ns400", "QSFP112 SR4 400G, multimode 50 m", "MMA1Z00-NS400", "QSFP112", P100, 4, "mmf", 50, 9,
       "[NV-MMA1Z00] P: 9 W at 400G, 5 W at 200G; QSFP112 is not for switches", power_half_w=5, connector=_MPO),
    _t("generic-800g-qsfpdd-dr8", "QSFP-DD 800GBASE-DR8, single mode 500 m", None, "QSFP-DD", P100, 8, "smf", 500, 16,
       "[TIAFOTC-DR8] P: 500 m; power U (QSFP-DD 800G modules, not from a datasheet)", optical_ports=2,
       connector="MPO-16"),
    # --- 50G-PAM4 (HDR / 200-400GbE): QSFP-DD 400G Ethernet optics ---------------------------------
    _t("generic-400g-qsfpdd-dr4", "QSFP-DD 400GBASE-DR4, single mode 500 m", None, "QSFP-DD", P50, 8, "smf", 500, 12,
       "[FLEXOPTIX] S: DR4 500 m; power U (typical QSFP-DD 400G module, not from a datasheet)", connector=_MPO),
    _t("generic-400g-qsfpdd-fr4", "QSFP-DD 400GBASE-FR4, single mode 2 km", None, "QSFP-DD", P50, 8, "smf", 2000, 12,
       "[FLEXOPTIX] S: FR4 2 km; power U", connector="LC duplex", splitter_fibres=False),
    _t("generic-400g-qsfpdd-sr8", "QSFP-DD 400GBASE-SR8, multimode 100 m (OM4)", None, "QSFP-DD", P50, 8, "mmf", 100,
       12, "[TIAFOTC-SR8] P: 70 m OM3, 100 m OM4; power U", connector="MPO-16"),
    # --- 200G-PAM4 (XDR): single-mode only; part numbers and power not published to us (U) ------------
    _t("nvidia-xdr-osfp-2xdr4", "Twin-port OSFP 2xDR4 1.6T XDR, single mode", None, "OSFP", P200, 8, "smf", 500, 30,
       "[NV-LINKX-XDR] P: single-mode twin-port for Q3400/Q3200 (IHS), same MPO fibres as NDR; reach and power U",
       optical_ports=2, connector=_MPO),
    _t("nvidia-xdr-osfp-dr4-rhs", "OSFP DR4 800G XDR flat top, single mode", None, "OSFP-RHS", P200, 4, "smf", 500,
       16, "[NV-LINKX-XDR] P: RHS for ConnectX-8, B300/GB300; reach and power U", connector=_MPO),
    # --- cable assemblies -------------------------------------------------------------------------
    _c("nvidia-mcp7y00-n", "Twin-port 800G OSFP to 2 x 400G OSFP passive DAC splitter", "MCP7Y00-Nxxx", "dac",
       "OSFP", P100, 8, 3, 0, (1, 1.5, 2, 2.5, 3), "[NV-MCP7Y00] P: lengths 1-3 m; passive copper draws no port "
       "power [NV-CABLE-PORTPWR]", far_form="OSFP-RHS", breakout=2, far_power_w=0),
    _c("nvidia-lacc-800g-2x400g", "Twin-port 800G OSFP to 2 x 400G OSFP LACC splitter", None, "acc", "OSFP", P100,
       8, 5, 1.5, (3, 4, 5), "[NV-LINKX-100G] P: LACC 3, 4, 5 m; 1.5 W at the 800G end, 0.6 W per 400G end",
       far_form="OSFP-RHS", breakout=2, far_power_w=0.6),
    _c("nvidia-dac-800g", "Twin-port 800G OSFP passive DAC", None, "dac", "OSFP", P100, 8, 3, 0, (1, 1.5, 2, 2.5, 3),
       "[NV-LINKX-100G] P: DAC up to 3 m, under 0.1 W; lengths as MCP7Y00 [NV-MCP7Y00]"),
    _c("nvidia-lacc-800g", "Twin-port 800G OSFP LACC", None, "acc", "OSFP", P100, 8, 5, 1.5, (3, 4, 5),
       "[NV-LINKX-100G] P: LACC 3, 4, 5 m, 1.5 W at an 800G end"),
    _c("nvidia-mfs1s50", "200GbE QSFP56 to 2 x 100GbE QSFP56 AOC splitter", "MFS1S50", "aoc", "QSFP56", P50, 4, 30,
       6, (3, 5, 10, 15, 20, 30), "[NV-MFS1S50] P: lengths 3-30 m; port power up to 6 W for an HDR-class cable "
       "[NV-CABLE-PORTPWR] P", breakout=2, far_power_w=6),
)}


def get(slug: str | None) -> OpticType | None:
    return BUILTIN.get(slug or "")


# --- cages ---------------------------------------------------------------------------------------

def cage_top(part: PartType, cage: str | None) -> str | None:
    """The cage an OSFP port really is: finned-top (IHS, 'OSFP') on an air-cooled switch, flat-top
    (RHS, 'OSFP-RHS') on adapters and liquid-cooled switches (engineering.md 4.2, [NV-LINKX-XDR])."""
    if cage != "OSFP":
        return cage
    air_switch = part.category == Category.SWITCH and part.rackstudio.cooling.method == "air"
    return "OSFP" if air_switch else "OSFP-RHS"


def fit_problem(optic: OpticType, part: PartType, cls: ifc.InterfaceClass | None, far: bool = False) -> str | None:
    """Why `optic` (its far plug when `far`) cannot go into a port of `part` of class `cls`, or None
    (CAB-003): the plug's form must be the cage's; a QSFP plug fits a QSFP-DD cage, not the reverse."""
    if cls is None or cls.cage is None:
        return None
    cage = cage_top(part, cls.cage)
    form = optic.far_form or optic.form if far else optic.form
    if form == cage or (cage == "QSFP-DD" and form in ("QSFP112", "QSFP56", "QSFP28")):
        return None
    what = {"OSFP": "finned-top (IHS) OSFP", "OSFP-RHS": "flat-top (RHS) OSFP"}
    return f"a {what.get(form, form)} plug does not fit the {what.get(cage, cage)} cage"


def cage_of(part: PartType, port: str) -> str:
    """The cage a port sits in: itself, or `name` for twin-port logical ports `name/1`, `name/2`."""
    if part.rackstudio.ports_per_cage == 2 and "/" in port:
        return port.rsplit("/", 1)[0]
    return port


# --- lanes and legs ------------------------------------------------------------------------------

def port_lanes(cls: ifc.InterfaceClass | None) -> int | None:
    """Host lanes of a port: speed ÷ lane rate (an 800G 100G-PAM4 OSFP has 8)."""
    if cls is None or cls.lane_class not in LANE_GBPS:
        return None
    return max(1, round(cls.speed_gbps / LANE_GBPS[cls.lane_class]))


def leg_lanes(conn: Connection, side: str, near: ifc.InterfaceClass | None,
              far: ifc.InterfaceClass | None) -> int | None:
    """Lanes one link takes of the port at `side`: what its near optic gives one fibre or far plug
    (half on a splitter fibre), bounded by the far port's lanes; None when nothing says."""
    optic = get(conn.end(side))
    far_lanes = port_lanes(far)
    if optic is None:
        own = port_lanes(near)
        return min(x for x in (own, far_lanes) if x is not None) if own or far_lanes else None
    if optic.is_transceiver:
        lanes = optic.lanes_per_port if getattr(conn, side).leg is not None else optic.lanes
        if conn.fibre == "splitter":
            lanes = max(1, (optic.lanes_per_port if optic.optical_ports > 1 else optic.lanes) // 2)
    else:
        lanes = optic.lanes_per_port if optic.breakout > 1 else optic.lanes
    return min(lanes, far_lanes) if far_lanes else lanes


def fibre_shape(conn: Connection, side: str) -> str | None:
    """'straight' or 'splitter': the fibre a link takes from a twin-port transceiver at `side`."""
    optic = get(conn.end(side))
    if optic is None or not optic.is_transceiver or optic.optical_ports < 2:
        return None
    return conn.fibre or "straight"


# --- power ---------------------------------------------------------------------------------------

def port_class(design: Design, end: PortRef) -> tuple[PartType, ifc.InterfaceClass | None] | None:
    """(part, interface class) of the device port an end is on; None for a feed or a missing device."""
    device = design.devices.get(end.owner)
    if device is None:
        return None
    part = design.part_of(device)
    template = next((i for i in part.interfaces if i.name == end.port), None)
    return part, ifc.classify(template.type) if template is not None else None


def is_far_plug(design: Design, conn: Connection, side: str) -> bool:
    """Whether the end at `side` is a far plug of a splitter cable: the end whose cage takes the
    far plug's form when that differs from the wide end's, else the end that is not broken out."""
    optic = get(conn.end(side))
    return optic is not None and _far_plug(design, optic, getattr(conn, side))


def _far_plug(design: Design, optic: OpticType, end: PortRef) -> bool:
    """`is_far_plug` of the end `end` whose plug is `optic`."""
    if optic.is_transceiver or optic.breakout < 2:
        return False
    if optic.far_form is not None and optic.far_form != optic.form:
        found = port_class(design, end)
        if found is not None and found[1] is not None and found[1].cage is not None:
            return cage_top(found[0], found[1].cage) == optic.far_form
    return end.leg is None


def end_power_w(design: Design, conn: Connection, side: str) -> float:
    """W drawn at one end: a transceiver's figure (its half-lane figure on a splitter leg when it is a
    single-port optic), a splitter cable's far-plug figure at a far end, else the end's figure."""
    optic = get(conn.end(side))
    return 0.0 if optic is None else _plug_power_w(design, conn, side, optic)


def _plug_power_w(design: Design, conn: Connection, side: str, optic: OpticType) -> float:
    """`end_power_w` of an end whose optic or cable plug is `optic`."""
    watts = _own_w(optic, conn.fibre)
    return watts if watts is not None else _split_plug_w(design, optic, getattr(conn, side))


def _own_w(optic: OpticType, fibre: str | None) -> float | None:
    """W of a plug that is the same at every end taking it with that `fibre`: a transceiver (its
    half-lane figure on a splitter fibre when it is a single-port optic), a cable without far
    plugs; None for a splitter cable's plug, whose W depends on the end being a far plug."""
    if optic.is_transceiver:
        if fibre == "splitter" and optic.optical_ports == 1 and optic.power_half_w is not None:
            return optic.power_half_w
        return optic.power_w
    return optic.power_w if optic.breakout < 2 else None


def _split_plug_w(design: Design, optic: OpticType, end: PortRef) -> float:
    """W of a splitter cable's plug at `end`: its far plugs' figure at a far end, else its own."""
    if _far_plug(design, optic, end) and optic.far_power_w is not None:
        return optic.far_power_w
    return optic.power_w


@dataclass(frozen=True)
class CagePlug:
    """What one cage of a device holds: the optic or cable plug (`slug`), its W, the connections using it."""

    slug: str
    watts: float
    users: tuple[str, ...]


Count = tuple[dict[str, tuple[float, list[str]]], dict[str, str]]  # cage → (W, connection ids); cage → plug


def cage_plugs(design: Design, device_id: str) -> dict[str, CagePlug]:
    """Cage → the plug in it, on one device: the one place that counts optics (the rack figures,
    the device's draw, CAB-011 and the BOM read it). A twin-port transceiver or splitter plug
    serving several legs or logical ports counts once; when the cables name different plugs for
    one cage, the one drawing the most stands for it."""
    held, plugs = _cages(design, device_id)
    return {cage: CagePlug(plugs[cage], watts, tuple(users)) for cage, (watts, users) in held.items()}


def cage_optics(design: Design, device_id: str) -> dict[str, tuple[float, list[str]]]:
    """Cage → (W of the optic or cable plug in it, connection ids using it) on one device
    (`cage_plugs` without the plug's name)."""
    return _cages(design, device_id)[0]


def hall_cage_optics(design: Design) -> dict[str, dict[str, tuple[float, list[str]]]]:
    """Device → `cage_optics` for every device with a plug in a cage (`hall_cages`)."""
    return {device_id: held for device_id, (held, _) in hall_cages(design).items()}


def _cages(design: Design, device_id: str) -> Count:
    """`cage_plugs`' count on one device: `hall_cages` restricted to its connections."""
    connections = design.connections
    plugged = sorted(c for c in design.connections_of(device_id) if carries_optics(connections[c]))
    found = _count(design, plugged, device_id).get(device_id) if plugged else None
    return found if found is not None else ({}, {})


def hall_cages(design: Design) -> dict[str, Count]:
    """Device → `cage_plugs`' count (cage → (W, connection ids by id); cage → plug) for every
    device with a plug in a cage, from one walk over the design's network cables, each cable end
    once: a full check's rack figures ask it of every cabled device (21,000 at 1,000 racks), and a
    walk per device looks through each of its cables (power and coolant ones too) again."""
    connections = design.connections  # ids and records in one order, filtered in C (20 % less than a loop)
    return _count(design, sorted(compress(connections, map(carries_optics, connections.values()))))


def _count(design: Design, plugged: list[str], owner: str | None = None) -> dict[str, Count]:
    """The one count of plugs into cages: the ends of the cables `plugged` (network cables naming
    an optic or assembly, by id) on `owner` or on every device; a cage's connections in that
    order, its plug the first drawing the most (`cage_of`, `end_power_w` per end).

    A hall's 143,000 ends repeat a few parts, ports and plugs, so the walk asks `cage_of` once per
    part and port, and a plug's W once per plug and fibre where it is the same at every end
    (`_own_w`), else (a splitter cable) once per what tells its far plug: part, port, leg or not.
    That takes 30 % off the walk at 1,000 racks (0.29 → 0.20 s CPU); what is left is the walk
    itself and the 116,000 (W, [ids]) entries it makes."""
    devices, connections = design.devices, design.connections
    out: dict[str, Count] = {}
    seen: dict[str, tuple[PartType, dict[str, str], dict[str, tuple[float, list[str]]], dict[str, str]]] = {}
    # remembered per call: a part's port → cage (by id(part), kept alive with it); a plug's W by fibre
    # where it is the same at every end (0 for an unknown slug); a splitter cable plug's W by
    # (id(part), port, slug, whether the end takes the whole port)
    port_cages: dict[int, tuple[PartType, dict[str, str]]] = {}
    own_w: dict[str | None, dict[str, float]] = {None: {}, "straight": {}, "splitter": {}}
    far_w: dict[tuple[int, str, str, bool], float] = {}
    for conn_id in plugged:
        conn = connections[conn_id]
        same_w = own_w[conn.fibre]
        for end, slug in ((conn.a, conn.a_end), (conn.b, conn.b_end)):
            if slug is None:
                continue
            known = seen.get(end.owner)
            if known is None:
                device = devices.get(end.owner) if owner is None or end.owner == owner else None
                if device is None:
                    continue
                part = design.part_of(device)
                cages = port_cages.get(id(part))
                if cages is None:
                    cages = port_cages[id(part)] = (part, {})
                count = out[end.owner] = ({}, {})
                known = seen[end.owner] = (part, cages[1], *count)
            part, cage_by_port, found, plugs = known
            cage = cage_by_port.get(end.port)
            if cage is None:
                cage = cage_by_port[end.port] = cage_of(part, end.port)
            watts = same_w.get(slug)
            if watts is None:
                optic = BUILTIN.get(slug)
                watts = 0.0 if optic is None else _own_w(optic, conn.fibre)
                if watts is not None:
                    same_w[slug] = watts
                else:
                    key = (id(part), end.port, slug, end.leg is None)
                    watts = far_w.get(key)
                    if watts is None:
                        watts = far_w[key] = _split_plug_w(design, optic, end)
            held = found.get(cage)
            if held is None:
                found[cage] = (watts, [conn_id])
                plugs[cage] = slug
            else:
                held[1].append(conn_id)
                if watts > held[0]:
                    found[cage] = (watts, held[1])
                    plugs[cage] = slug
    return out


def device_optics_w(design: Design, device_id: str) -> float:
    """W of every optic and active cable plug in a device's cages (engineering.md 4.2)."""
    return sum(watts for watts, _ in cage_optics(design, device_id).values())


def carries_optics(conn: Connection | None) -> bool:
    return conn is not None and conn.kind == "network" and (conn.a_end is not None or conn.b_end is not None)


def _ends(conn: Connection) -> Iterator[tuple[str, PortRef]]:
    yield "a", conn.a
    yield "b", conn.b


def port_legs(design: Design, owner: str, port: str, kind: str = "network") -> list[tuple[str, int | None]]:
    """(connection id, leg) of every connection on one port, by id."""
    out = []
    for conn_id in sorted(design.connections_of(owner)):
        conn = design.connections[conn_id]
        if conn.kind != kind:
            continue
        for _, end in _ends(conn):
            if end.owner == owner and end.port == port:
                out.append((conn_id, end.leg))
    return out


def leg_problem(design: Design, end: PortRef, kind: str = "network") -> str | None:
    """Why `end` (a port, or a leg of it) cannot take one more connection, or None: a port takes one
    whole-port connection, or connections on distinct legs."""
    used = port_legs(design, end.owner, end.port, kind)
    if not used:
        return None
    if end.leg is None or any(leg is None for _, leg in used):
        return f"already connected ({used[0][0]})"
    taken = next((c for c, leg in used if leg == end.leg), None)
    return None if taken is None else f"leg {end.leg} is already connected ({taken})"


# --- choosing what to plug in ----------------------------------------------------------------------

def _cage_lanes(part: PartType, cls: ifc.InterfaceClass) -> int | None:
    lanes = port_lanes(cls)
    return None if lanes is None else lanes * part.rackstudio.ports_per_cage


def _transceiver_for(part: PartType, cls: ifc.InterfaceClass | None, media: str, length_m: float,
                     broken_out: bool) -> OpticType | None:
    """The transceiver for one end: it fits the cage, runs the port's lane rate on `media`, reaches
    `length_m`; the one as wide as the cage first (a twin-port optic in a twin-port or broken-out
    cage), then the shortest reach that does, then the least power."""
    if cls is None:
        return None
    want = _cage_lanes(part, cls)
    if broken_out:
        want = max(want or 0, 8)
    fits = [o for o in BUILTIN.values() if o.is_transceiver and o.media == media and o.lane_class == cls.lane_class
            and o.reach_m >= length_m and fit_problem(o, part, cls) is None]
    if not fits:
        return None
    return min(fits, key=lambda o: (o.lanes != want, o.reach_m, o.power_w, o.slug))


def fan_out(optic: OpticType, fibre: str | None, ports_per_cage: int = 1) -> int:
    """Far ports one port reaches through `optic`: a transceiver's fibres (two far ports each on 1:2
    splitters; a twin-port cage's logical port has one fibre), a splitter cable's far plugs."""
    if not optic.is_transceiver:
        return optic.breakout
    fibres = max(1, optic.optical_ports // ports_per_cage)
    return fibres * (2 if fibre == "splitter" else 1)


def cage_plug(design: Design, end: PortRef) -> OpticType | None:
    """The optic or cable plug already named in the cage of `end`'s port by another cable (another
    leg of the port, or the other logical port of a twin-port cage), or None."""
    device = design.devices.get(end.owner)
    if device is None:
        return None
    part = design.part_of(device)
    cage = cage_of(part, end.port)
    for conn_id in sorted(design.connections_of(end.owner)):
        conn = design.connections[conn_id]
        if conn.kind != "network":
            continue
        for side, other in _ends(conn):
            if other.owner == end.owner and conn.end(side) is not None and cage_of(part, other.port) == cage:
                return get(conn.end(side))
    return None


def ends_media(a_end: str | None, b_end: str | None) -> str | None:
    """The cable family the ends imply (a cable assembly's own, a transceiver's fibre), or None."""
    found = [o.media for o in (get(a_end), get(b_end)) if o is not None]
    return found[0] if found else None


def choose_ends(design: Design, a: PortRef, b: PortRef, media: str | None,
                length_m: float | None) -> tuple[str | None, str | None, str | None]:
    """(a_end, b_end, fibre) for a planned network link of `media` and `length_m`: a cable assembly
    of that family whose plugs fit both cages, or a transceiver at each end (a twin-port one where
    the port is broken out or a twin-port cage) with a straight fibre, or a splitter fibre where the
    far port takes half a fibre's lanes. (None, None, None) when nothing in the catalogue fits."""
    ends = port_class(design, a), port_class(design, b)
    if media is None or ends[0] is None or ends[1] is None or ends[0][1] is None or ends[1][1] is None:
        return None, None, None
    length = length_m or 0.0
    plugged = cage_plug(design, a), cage_plug(design, b)  # a cage's plug serves all its legs and ports
    held = plugged[0] or plugged[1]
    if held is not None and not held.is_transceiver:
        return held.slug, held.slug, None  # the same splitter or twin-port cable
    if held is not None:
        media = held.media
    if media in ASSEMBLIES:
        split = a.leg is not None or b.leg is not None
        for optic in sorted(BUILTIN.values(), key=lambda o: (o.reach_m, o.slug)):
            if optic.kind != media or optic.reach_m < length or (optic.breakout > 1) != split:
                continue
            if optic.lane_class != ends[0][1].lane_class or optic.lane_class != ends[1][1].lane_class:
                continue
            wide_a = a.leg is not None or not split
            if (fit_problem(optic, *ends[0], far=split and not wide_a) is None
                    and fit_problem(optic, *ends[1], far=split and wide_a) is None):
                return optic.slug, optic.slug, None
        return None, None, None
    if media not in ("mmf", "smf"):
        return None, None, None
    near = plugged[0] or _transceiver_for(*ends[0], media, length, a.leg is not None)
    far = plugged[1] or _transceiver_for(*ends[1], media, length, b.leg is not None)
    if near is None or far is None:
        return None, None, None
    fibre = None
    wide, narrow = (near, ends[1][1]) if a.leg is not None else (far, ends[0][1])
    if (a.leg is not None or b.leg is not None) and wide.splitter_fibres:
        narrow_lanes = port_lanes(narrow)
        if narrow_lanes is not None and narrow_lanes * 2 <= wide.lanes_per_port:
            fibre = "splitter"
    return near.slug, far.slug, fibre
