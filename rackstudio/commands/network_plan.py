"""Qt-free. Network cabling helpers that know what each port is for (model.port_roles).

Data NICs go to a leaf's data ports of a compatible speed and cage; management and BMC ports go
to a management switch's access ports (the one named, else the nearest with a free port); a
switch's own management port is never a target. Each link gets its length from the geometry of
its ends (model.cable_length) and the cable family that length takes at its lane rate
(model.interfaces.choose_media: DAC only within the CAB-002 margin, then active copper, then
optics), and the optics or cable assembly at each end that fits both cages and reaches
(model.optics.choose_ends), so the checks find nothing to say about what a helper made. Where a
switch port can fan out (its part's breakout modes) and a NIC takes at most half its lanes, NICs
share the port on breakout legs (an 800G port to two 400G NICs). A helper returns a `NetworkPlan`
— the links, what it could not place and why — whose `command()` is one undo step.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rackstudio.commands.base import Composite, Refused
from rackstudio.commands.bulk import Labeler, Plan
from rackstudio.commands.bulk import _by_place as by_place
from rackstudio.commands.bulk import _name as owner_name
from rackstudio.model import cable_length, optics
from rackstudio.model import interfaces as ifc
from rackstudio.model.design import Design, PortRef
from rackstudio.model.parts import Category, InterfaceTemplate, PartType
from rackstudio.model.port_roles import (
    interface_of,
    link_compatible,
    management_access_ports,
    own_management,
    port_role,
)


@dataclass(frozen=True)
class Link:
    a: PortRef
    b: PortRef
    media: str | None
    length_m: float | None
    lane_class: str | None
    ends: tuple[str | None, str | None] = (None, None)
    fibre: str | None = None


@dataclass
class NetworkPlan:
    """Links a helper would make, and one line per port it could not place."""

    title: str
    links: list[Link] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    nothing: str = "nothing to cable"

    def media_counts(self) -> list[tuple[str, float | None, int]]:
        """(cable family, purchasable length in m, cables), by family then length: what to order."""
        counts = Counter((link.media or "", None if link.length_m is None
                          else cable_length.purchasable_length_m(link.media, link.length_m)) for link in self.links)
        return sorted(((m, length, n) for (m, length), n in counts.items()),
                      key=lambda r: (r[0], r[1] if r[1] is not None else -1.0))

    def command(self, design: Design, labeler: Labeler | None = None) -> Composite:
        """The links as one undo step; Refused (naming what could not be placed) when there are none."""
        plan = Plan(design, labeler)
        for link in self.links:
            plan.connect("network", link.a, link.b, link.media, link.length_m, link.ends, link.fibre)
        reason = self.nothing if not self.unplaced else f"{self.nothing}: {self.unplaced[0]}"
        return plan.done(self.title, reason)


class _Switch:
    """The free ports of one switch that a helper may hand out, best match first."""

    def __init__(self, design: Design, switch_id: str, names: Iterable[str]):
        self.id = switch_id
        self.part = design.part_of(design.devices[switch_id])
        templates = {i.name: i for i in self.part.interfaces}
        self.free = [templates[n] for n in names if design.port_connection("network", switch_id, n) is None]
        self.own = {i.name: own_management(i) for i in self.free}
        self.verdicts: dict[tuple, bool] = {}
        self.legs: dict[str, tuple[int | None, list[int]]] = {}  # broken-out port → (leg width, free legs)

    def take_for(self, part: PartType, nic: InterfaceTemplate) -> InterfaceTemplate | None:
        """The free port that suits `nic` best (the same interface type, else the same speed, else
        the first compatible one), removed from the pool; None when no free port is compatible."""
        best, best_rank = None, None
        nic_own = own_management(nic)
        for index, port in enumerate(self.free):
            # the verdict depends on the types and on being a device's own management port only
            key = (nic.type, nic_own, port.type, self.own[port.name])
            ok = self.verdicts.get(key)
            if ok is None:
                ok = self.verdicts[key] = link_compatible(part, nic, self.part, port)[0]
            if not ok:
                continue
            a, b = ifc.classify(nic.type), ifc.classify(port.type)
            same_speed = a is not None and b is not None and a.speed_gbps == b.speed_gbps
            rank = (port.type != nic.type, not same_speed, index)
            if best_rank is None or rank < best_rank:
                best, best_rank = port, rank
                if rank[:2] == (False, False):
                    break
        if best is not None:
            self.free.remove(best)
        return best

    def take_ref(self, part: PartType, nic: InterfaceTemplate) -> PortRef | None:
        """A port (or a breakout leg of one) for `nic`: a free leg of a port already broken out for
        NICs of its width, else the best free port, broken out when its modes allow and `nic` takes
        at most half its lanes (the rest of its legs kept for the next NICs)."""
        width = optics.port_lanes(ifc.classify(nic.type))
        for name, (lanes, legs) in self.legs.items():
            if lanes == width and legs:
                return PortRef(owner=self.id, port=name, leg=legs.pop(0))
        port = self.take_for(part, nic)
        if port is None:
            return None
        fan = breakout_fan(self.part, port, width)
        if fan > 1:
            self.legs[port.name] = (width, list(range(2, fan + 1)))
            return PortRef(owner=self.id, port=port.name, leg=1)
        return PortRef(owner=self.id, port=port.name)

    def why_not(self, design: Design, part: PartType, nic: InterfaceTemplate) -> str:
        name = owner_name(design, self.id)
        if not self.free:
            return f"{name} has no free port left"
        return f"{name} has no free port it can take ({link_compatible(part, nic, self.part, self.free[0])[1]})"


def breakout_fan(part: PartType, port: InterfaceTemplate, width: int | None) -> int:
    """Far ports of `width` lanes one port fans out to: the largest of its breakout modes (engineering.md
    4.2) its lanes hold, when that is at least 2; else 1 (the NIC takes the whole port)."""
    modes = part.rackstudio.breakout_modes.get(port.type, ())
    lanes = optics.port_lanes(ifc.classify(port.type))
    if not modes or not width or not lanes or width * 2 > lanes:
        return 1
    return max((m for m in modes if m * width <= lanes), default=1)


def data_ports(part: PartType) -> list[InterfaceTemplate]:
    """A device's data interfaces (not management, not BMC), in template order."""
    return [i for i in part.interfaces if not own_management(i) and port_role(part, i) == "data"]


def rail_nics(part: PartType) -> list[InterfaceTemplate]:
    """The NICs that carry a server's compute-fabric rails: the data ports its part lists as
    required (each GPU NIC to its rail leaf, CAB-014), else all its data ports; rail k is the k-th."""
    data = data_ports(part)
    required = set(part.rackstudio.required_ports)
    rails = [i for i in data if i.name in required]
    return rails or data


def management_ports(part: PartType) -> list[InterfaceTemplate]:
    """A device's own management and BMC ports: each goes to a management switch."""
    return [i for i in part.interfaces if own_management(i)]


def _free(design: Design, owner: str, ports: Iterable[InterfaceTemplate]) -> list[InterfaceTemplate]:
    return [p for p in ports if design.port_connection("network", owner, p.name) is None]


def cable_for(design: Design, a: PortRef, b: PortRef) -> Link:
    """The link between two interfaces: its estimated length and the cable family that reaches it
    at its lane rate (media None when nothing does or the rate has no reach data)."""
    types = []
    for end in (a, b):
        found = interface_of(design, end)
        types.append(ifc.classify(found[1].type) if found else None)
    lane = ifc.link_lane_class(types)
    length = cable_length.estimate_length_m(design, a, b)
    media = ifc.choose_media(lane, length, design.settings.dac_margin)
    if media in optics.ASSEMBLIES and any(_twin_cage(design, end) for end in (a, b)):
        # a twin-port cage's two logical ports share one plug: a transceiver serves both
        media = next((m for m in ("mmf", "smf") if (length or 0) <= (ifc.reach_m(lane, m) or 0)), media)
    a_end, b_end, fibre = optics.choose_ends(design, a, b, media, length)
    if a_end is None and media in optics.ASSEMBLIES:  # no assembly fits both cages: transceivers and fibre
        for other in ("mmf", "smf"):
            reach = ifc.reach_m(lane, other)
            if reach and (length or 0) <= reach:
                found = optics.choose_ends(design, a, b, other, length)
                if found[0] is not None:
                    media, (a_end, b_end, fibre) = other, found
                    break
    return Link(a, b, optics.ends_media(a_end, b_end) or media, length, lane, (a_end, b_end), fibre)


def _twin_cage(design: Design, end: PortRef) -> bool:
    device = design.devices.get(end.owner)
    return device is not None and design.part_of(device).rackstudio.ports_per_cage == 2


def _add(design: Design, plan: NetworkPlan, a: PortRef, b: PortRef) -> None:
    """A planned link with its estimated length and the cable family that reaches it."""
    link = cable_for(design, a, b)
    if link.media is None and link.lane_class in ifc.REACH_M:
        plan.unplaced.append(f"{owner_name(design, a.owner)} {a.port} → {owner_name(design, b.owner)} {b.port}: "
                             f"{link.length_m:.1f} m is beyond every cable family at {ifc.LANE_NAMES[link.lane_class]}")
        return
    plan.links.append(link)


def _place(design: Design, plan: NetworkPlan, device_id: str, nic: InterfaceTemplate, switch: _Switch) -> bool:
    part = design.part_of(design.devices[device_id])
    port = switch.take_ref(part, nic)
    if port is None:
        plan.unplaced.append(f"{owner_name(design, device_id)} {nic.name}: {switch.why_not(design, part, nic)}")
        return False
    _add(design, plan, PortRef(owner=device_id, port=nic.name), port)
    return True


def _rack_centre(design: Design, device_id: str) -> tuple[float, float] | None:
    device = design.devices.get(device_id)
    while device is not None and device.parent is not None:
        device = design.devices.get(device.parent)
    rack = design.racks.get(device.rack or "") if device is not None else None
    if rack is None:
        return None
    rt = design.rack_type_of(rack)
    return rack.x_mm + rt.outer_width_mm / 2, rack.y_mm + rt.outer_depth_mm / 2


def management_switches(design: Design, exclude: Iterable[str] = ()) -> list[str]:
    """Devices with management access ports (a management switch: 1G copper ports that are not
    its own mgmt port), by name."""
    skip = set(exclude)
    found = [d for d in design.devices.values() if d.id not in skip
             and design.part_of(d).category == Category.SWITCH and management_access_ports(design.part_of(d))]
    return [d.id for d in sorted(found, key=lambda d: (d.name, d.id))]


def _management(design: Design, plan: NetworkPlan, devices: Sequence[str], switch_id: str | None) -> None:
    """Every free management and BMC port of `devices` to a management switch: `switch_id`, else
    the nearest one (same rack first) that still has a compatible free port."""
    candidates = [switch_id] if switch_id is not None else management_switches(design, exclude=devices)
    switches = {s: _Switch(design, s, management_access_ports(design.part_of(design.devices[s])))
                for s in candidates}
    centres = {s: _rack_centre(design, s) for s in candidates}
    for dev_id in devices:
        part = design.part_of(design.devices[dev_id])
        ports = _free(design, dev_id, management_ports(part))
        if not ports:
            continue
        here = _rack_centre(design, dev_id)

        def distance(s: str, here=here) -> float:
            there = centres[s]
            if here is None or there is None:
                return float("inf")
            return abs(here[0] - there[0]) + abs(here[1] - there[1])
        order = sorted(candidates, key=lambda s: (distance(s), candidates.index(s)))
        for nic in ports:
            port = None
            for s in order:
                port = switches[s].take_for(part, nic)
                if port is not None:
                    _add(design, plan, PortRef(owner=dev_id, port=nic.name), PortRef(owner=s, port=port.name))
                    break
            if port is None:
                where = (f"{owner_name(design, switch_id)} has no free compatible access port" if switch_id
                         else "no management switch has a free compatible port")
                plan.unplaced.append(f"{owner_name(design, dev_id)} {nic.name}: {where}")


def _servers(design: Design, server_ids: Iterable[str], switches: Iterable[str]) -> list[str]:
    skip = set(switches)
    return by_place(design, [s for s in dict.fromkeys(server_ids) if s not in skip and s in design.devices])


def _need(design: Design, *ids: str | None) -> None:
    for i in ids:
        if i is not None and i not in design.devices:
            raise Refused(f"there is no switch {i!r}")


def plan_to_leaf(design: Design, server_ids: Iterable[str], leaf_id: str,
                 mgmt_switch_id: str | None = None) -> NetworkPlan:
    """Each server's free data NICs (its rails first) to the leaf's free data ports, best match
    first; its management and BMC ports to a management switch."""
    _need(design, leaf_id, mgmt_switch_id)
    leaf_name = owner_name(design, leaf_id)
    plan = NetworkPlan(f"Connect NICs to {leaf_name}", nothing="the selected servers have no free NICs")
    leaf = _Switch(design, leaf_id, [i.name for i in data_ports(design.part_of(design.devices[leaf_id]))])
    servers = _servers(design, server_ids, (leaf_id, mgmt_switch_id or ""))
    for dev_id in servers:
        part = design.part_of(design.devices[dev_id])
        rails = rail_nics(part)
        others = [i for i in data_ports(part) if i not in rails]
        for nic in _free(design, dev_id, rails + others):
            _place(design, plan, dev_id, nic, leaf)
    _management(design, plan, servers, mgmt_switch_id)
    return plan


def plan_rails(design: Design, server_ids: Iterable[str], leaf_ids: Sequence[str], spine_ids: Sequence[str] = (),
               mgmt_switch_id: str | None = None, management: bool = True) -> NetworkPlan:
    """A rail-optimised fabric in one step. With one leaf, every server's rail NICs go to it. With
    as many leaves as rails, rail k of every server goes to leaf k; with a multiple of that, the
    servers (of each rail count, in order) are split into that many groups (scalable units), group
    g on leaves g·R … g·R+R−1; with fewer leaves than rails, each leaf takes a run of neighbouring
    rails. Then each leaf gets as many spine uplinks as server links it took (1:1, non-blocking),
    round-robin over the spines; with `management`, the servers' management and BMC ports go to a
    management switch."""
    if not leaf_ids:
        raise Refused("choose at least one leaf switch")
    _need(design, *leaf_ids, *spine_ids, mgmt_switch_id)
    plan = NetworkPlan("Rail-optimised fabric", nothing="no free NICs to cable into the rails")
    leaves = [_Switch(design, s, [i.name for i in data_ports(design.part_of(design.devices[s]))]) for s in leaf_ids]
    servers = _servers(design, server_ids, (*leaf_ids, *spine_ids, mgmt_switch_id or ""))
    rails = {s: rail_nics(design.part_of(design.devices[s])) for s in servers}
    of_count = Counter(len(r) for r in rails.values())
    seen: Counter[int] = Counter()
    downlinks = [0] * len(leaves)
    reached: set[int] = set()
    for dev_id in servers:
        count = len(rails[dev_id])
        groups = max(1, len(leaves) // count) if count else 1
        group = seen[count] * groups // of_count[count]
        seen[count] += 1
        for k, nic in enumerate(rails[dev_id]):
            if len(leaves) == 1:
                index = 0
            elif len(leaves) < count:
                index = k * len(leaves) // count
            else:
                index = group * count + k
            reached.add(index)
            if design.port_connection("network", dev_id, nic.name) is not None:
                continue
            if _place(design, plan, dev_id, nic, leaves[index]):
                downlinks[index] += 1
    unused = [owner_name(design, s.id) for i, s in enumerate(leaves) if i not in reached]
    if unused and servers:
        plan.unplaced.append(f"no rail reaches leaf {', '.join(unused)} ({len(leaves)} leaves for servers "
                             f"of up to {max(of_count)} rails)")
    _uplinks(design, plan, leaves, downlinks, spine_ids)
    if management:
        _management(design, plan, servers, mgmt_switch_id)
    return plan


def _uplinks(design: Design, plan: NetworkPlan, leaves: list[_Switch], downlinks: list[int],
             spine_ids: Sequence[str]) -> None:
    spines = [_Switch(design, s, [i.name for i in data_ports(design.part_of(design.devices[s]))]) for s in spine_ids]
    if not spines:
        return
    turn = 0
    for leaf, count in zip(leaves, downlinks, strict=True):
        short = 0
        for _ in range(count):
            if not leaf.free:
                short += 1
                continue
            up = leaf.free[-1]  # uplinks from the top of the leaf's ports, servers from the bottom
            spine = spines[turn % len(spines)]
            turn += 1
            port = spine.take_for(leaf.part, up)
            if port is None:
                short += 1
                continue
            leaf.free.remove(up)
            _add(design, plan, PortRef(owner=leaf.id, port=up.name), PortRef(owner=spine.id, port=port.name))
        if short:
            plan.unplaced.append(f"{owner_name(design, leaf.id)}: {short} of {count} uplinks found no free port "
                                 "(the leaf is oversubscribed)")


def connect_to_leaf(design: Design, server_ids: Iterable[str], leaf_id: str, mgmt_switch_id: str | None = None,
                    labeler: Labeler | None = None) -> Composite:
    """`plan_to_leaf` as one undo step."""
    return plan_to_leaf(design, server_ids, leaf_id, mgmt_switch_id).command(design, labeler)


def rail_optimised(design: Design, server_ids: Iterable[str], leaf_ids: Sequence[str], spine_ids: Sequence[str] = (),
                   mgmt_switch_id: str | None = None, labeler: Labeler | None = None) -> Composite:
    """`plan_rails` as one undo step."""
    return plan_rails(design, server_ids, leaf_ids, spine_ids, mgmt_switch_id).command(design, labeler)


__all__ = ["Link", "NetworkPlan", "cable_for", "connect_to_leaf", "data_ports", "management_ports", "management_switches",
           "plan_rails", "plan_to_leaf", "rail_nics", "rail_optimised"]
