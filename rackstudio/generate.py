"""Qt-free. Builds realistic AI halls from the built-in parts, through the same commands a user's
edits go through: the example pod that `make run` opens, and synthetic halls of any size for
benchmarks (`rackstudio generate --racks N`).

A pod is a row of liquid-cooled NVL72-class racks with an in-row CDU, a row of air-cooled
8-GPU servers (two per rack, NVIDIA's normal 28.6 kW air profile [RK-3287]) with in-row coolers,
a network rack (rail-optimised InfiniBand leaves and spines) and a management rack; every
device is fed from an A and a B feed off two panels and UPSes.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from rackstudio.checks.power_flow import FlowState
from rackstudio.commands import AddRack, AddRecord, Command, Connect, PlaceDevice, RemoveDevice
from rackstudio.commands.fit import can_place
from rackstudio.commands.network_plan import cable_for, data_ports, plan_rails, rail_nics
from rackstudio.commands.power_plan import plan_power
from rackstudio.commands.rack_design_capture import link_layouts
from rackstudio.commands.racks import AddRow
from rackstudio.library.catalog import Catalog, LibrarySource, SourceKind
from rackstudio.model import Design, Feed, Hall, Panel, PartType, PortRef, RackType, Row, Ups, geometry
from rackstudio.model.port_roles import management_access_ports
from rackstudio.paths import builtin_parts

# Built-in part slugs by the role they play in a pod.
ROLES = {
    "nvl72_rack": "nvidia-gb200-nvl72-rack",
    "nvl72_compute": "nvidia-gb200-nvl72-compute-tray",
    "nvl72_switch": "nvidia-gb200-nvl72-nvlink-switch-tray",
    "nvl72_shelf": "nvidia-gb200-nvl72-power-shelf-33kw",
    "nvl72_manifold": "nvidia-gb200-nvl72-coolant-manifold",
    "gpu_server": "nvidia-dgx-b200",
    "ib_switch": "nvidia-quantum-2-qm9700",
    "eth_switch": "nvidia-spectrum-4-sn5600",
    "mgmt_switch": "nvidia-spectrum-sn2201",
    "pdu": "generic-0u-rpdu-415v-3ph-60a",
    "patch_panel": "generic-1u-patch-panel-24-lc",
    "blank": "generic-blanking-panel-1u",
    "blank_2u": "generic-blanking-panel-2u",
    "cable_manager": "generic-cable-manager-1u",
    "cdu": "coolit-chx2000",
    "cooler": "generic-in-row-cooler-300-cw",
    "rack": "generic-rack-48u-600x1200",
}

TRAYS_PER_NVL72 = 18  # compute trays of an NVL72 rack [NV-GB200UG]
SERVERS_PER_AIR_RACK = 2  # 8-GPU servers in NVIDIA's normal 28.6 kW air profile [RK-3287]
# 1U fabric switches to a network rack: 10 × 1,720 W (QM9700 maximum) = 17.2 kW stays within one
# of its 60 A 415 V feeds at 80 % (34.5 kW) when the other side fails (PWR-005) and under the
# 30 kW air-only rack limit (COOL-002). The feeds are 60 A because the rack PDUs' inlets are
# (a 60 A inlet on a 32 A breaker is PWR-021).
SWITCHES_PER_RACK = 10


@dataclass
class Library:
    parts: dict[str, PartType]
    racks: dict[str, RackType]

    @classmethod
    def builtin(cls) -> Library:
        catalog = Catalog([LibrarySource("builtin", builtin_parts(), SourceKind.BUILTIN)])
        parts, racks = {}, {}
        by_slug = {e.slug: e for e in catalog.entries if e.slug}
        for role, slug in ROLES.items():
            entry = by_slug.get(slug)
            if entry is None:
                raise LookupError(f"built-in part {slug!r} ({role}) is missing")
            if entry.kind == "rack-type":
                racks[role] = catalog.rack_type(entry)
            else:
                parts[role] = catalog.part(entry)
        return cls(parts, racks)


@dataclass
class Builder:
    """Applies commands straight to a design (no history, no graph: the graph is built once after)."""

    design: Design
    lib: Library
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    count: int = 0
    powered: list[str] = field(default_factory=list)  # racks whose PSUs plan_power() cables

    def do(self, command: Command) -> None:
        command.apply(self.design)
        self.count += 1

    def place(self, role: str, **placement) -> str:
        device_id = self.design.new_id("dv")
        self.do(PlaceDevice(self.lib.parts[role], device_id=device_id, **placement))
        return device_id

    def connect(self, kind: str, a: tuple[str, str], b: tuple[str, str]) -> None:
        """A cable with its length estimated from its ends; a network cable of the family that
        length takes at its lane rate, with the optics or cable assembly that fit its ends
        (commands.network_plan.cable_for)."""
        ends = PortRef(owner=a[0], port=a[1]), PortRef(owner=b[0], port=b[1])
        if kind != "network":
            self.do(Connect(kind, *ends))
            return
        link = cable_for(self.design, *ends)
        self.do(Connect(kind, *ends, media=link.media, ends=link.ends, fibre=link.fibre))

    # --- ports ---------------------------------------------------------------------------------

    def part(self, device_id: str) -> PartType:
        return self.design.part_of(self.design.devices[device_id])

    def free(self, device_id: str, kind: str, names: list[str]) -> Iterator[str]:
        for name in names:
            if self.design.port_connection(kind, device_id, name) is None:
                yield name

    def nics(self, device_id: str) -> list[str]:
        return list(self.part(device_id).rackstudio.required_ports)

    def bmc(self, device_id: str) -> str | None:
        return next((i.name for i in self.part(device_id).interfaces if i.mgmt_only), None)

    def data_ports(self, device_id: str) -> list[str]:
        return self.data_ports_of(self.part(device_id))

    @staticmethod
    def data_ports_of(part: PartType) -> list[str]:
        return [i.name for i in data_ports(part)]

    def access_ports(self, device_id: str) -> list[str]:
        """A management switch's ports for other devices' BMC and management ports."""
        return management_access_ports(self.part(device_id))

    def plan_power(self) -> None:
        """Every PSU in the racks with rack PDUs, through the power planner in one step (mating
        plugs, an even A/B split, balanced banks and legs: engineering.md 2.9, 2.10)."""
        if self.powered:
            self.do(plan_power(self.design, self.powered, FlowState.of(self.design)).command)
            self.powered.clear()


class PodBuilder(Builder):
    """One AI pod at an offset in a hall. Returns the racks and switches it made."""

    def power_pair(self, rack_name: str, amps: float, panel_a: str, panel_b: str, rack_id: str) -> tuple[str, str]:
        ids = []
        for side, panel in (("A", panel_a), ("B", panel_b)):
            feed_id = self.design.new_id("feed")
            self.do(AddRecord("feeds", Feed(id=feed_id, name=f"{rack_name}-{side}", panel=panel, side=side,
                                            voltage_v=415, amperage_a=amps, rack=rack_id)))
            ids.append(feed_id)
        return ids[0], ids[1]

    def nvl72_rack(self, hall: str, row: str, name: str, x: float, y: float, facing: str,
                   panels: tuple[str, str]) -> tuple[str, list[str], str]:
        rack_id = self.design.new_id("rk")
        self.do(AddRack(self.lib.racks["nvl72_rack"], hall, x, y, facing, name=name, row=row, rack_id=rack_id))
        # MGX layout: shelves at the bottom and top, compute trays around the NVLink switch trays
        shelves = [self.place("nvl72_shelf", rack=rack_id, position=u) for u in (1, 2, 3, 4, 45, 46, 47, 48)]
        trays = [self.place("nvl72_compute", rack=rack_id, position=u) for u in range(6, 6 + TRAYS_PER_NVL72 // 2)]
        switches = [self.place("nvl72_switch", rack=rack_id, position=u) for u in range(16, 25)]
        trays += [self.place("nvl72_compute", rack=rack_id, position=u) for u in range(26, 26 + TRAYS_PER_NVL72 // 2)]
        mgmt = self.place("mgmt_switch", rack=rack_id, position=40)
        manifold = self.place("nvl72_manifold", rack=rack_id, side="right")
        # 4 A and 4 B feeds of 415 V 63 A; each shelf takes its AC-A whip from an A feed and its AC-B
        # whip from a B feed, two shelves per feed: one side alone carries the rack (N+N across feeds)
        feeds = {"A": [], "B": []}
        for side in "AB":
            for k in range(len(shelves) // 2):
                feed_id = self.design.new_id("feed")
                self.do(AddRecord("feeds", Feed(id=feed_id, name=f"{name}-{side}{k + 1}", side=side,
                                                panel=panels["AB".index(side)], voltage_v=415, amperage_a=63,
                                                rack=rack_id)))
                feeds[side].append(feed_id)
        for i, shelf in enumerate(shelves):
            for k, inlet in enumerate(self.part(shelf).power_ports):
                side_feeds = feeds["AB"[k % 2]]
                self.connect("power", (shelf, inlet.name), (side_feeds[(i // 2) % len(side_feeds)], ""))
        mgmt_ports = self.access_ports(mgmt)
        for dev in trays + switches:
            bmc = self.bmc(dev)
            if bmc:
                self.connect("network", (dev, bmc), (mgmt, mgmt_ports.pop(0)))
        feed_a, feed_b = self.power_pair(f"{name}-MGMT", 16, *panels, rack_id)
        for k, psu in enumerate(self.part(mgmt).power_ports):
            self.connect("power", (mgmt, psu.name), ((feed_a, feed_b)[k % 2], ""))
        manifold_ports = [p.name for p in self.part(manifold).rackstudio.cooling.coolant_ports]
        for dev in trays + switches:
            for port in self.part(dev).rackstudio.cooling.coolant_ports:
                self.connect("coolant", (dev, port.name), (manifold, manifold_ports.pop(0)))
        self.fill_blanks(rack_id)  # the trays' air share still needs a sealed front (COOL-011)
        return rack_id, trays, manifold

    def air_rack(self, hall: str, row: str, name: str, x: float, y: float, facing: str,
                 panels: tuple[str, str], servers: int = SERVERS_PER_AIR_RACK) -> tuple[str, list[str]]:
        rack_id, _ = self.pdu_rack(hall, row, name, x, y, facing, panels, amps=60)
        placed, u = [], 2
        for _ in range(servers):
            placed.append(self.place("gpu_server", rack=rack_id, position=u))
            u += self.lib.parts["gpu_server"].u_height + 1
        self.fill_blanks(rack_id)
        return rack_id, placed

    def pdu_rack(self, hall: str, row: str, name: str, x: float, y: float, facing: str,
                 panels: tuple[str, str], amps: float) -> tuple[str, tuple[str, str]]:
        """A 19-inch rack with an A and a B rack PDU, each on its own feed of `amps`."""
        rack_id = self.design.new_id("rk")
        self.do(AddRack(self.lib.racks["rack"], hall, x, y, facing, name=name, row=row, rack_id=rack_id))
        feed_a, feed_b = self.power_pair(name, amps, *panels, rack_id)
        pdu_a = self.place("pdu", rack=rack_id, side="left", name=f"{name}-PDU-A")
        pdu_b = self.place("pdu", rack=rack_id, side="right", name=f"{name}-PDU-B")
        for pdu, feed in ((pdu_a, feed_a), (pdu_b, feed_b)):
            self.connect("power", (pdu, self.part(pdu).power_ports[0].name), (feed, ""))
        self.powered.append(rack_id)
        return rack_id, (pdu_a, pdu_b)

    def fill_blanks(self, rack_id: str, roles: tuple[str, ...] = ("blank",)) -> None:
        """Blanking panels in every open front unit of an air-cooled rack (COOL-011), bottom up,
        the first of `roles` that fits at each unit. Units the rack's occupancy map shows taken
        are skipped without asking the fit predicate (which would say no: the same map)."""
        rt = self.design.rack_type_of(self.design.racks[rack_id])
        taken = geometry.occupied(self.design, rack_id)
        for u in range(1, rt.u_height + 1):
            for role in roles:
                blank = self.lib.parts[role]
                cells = list(geometry.cells(u, geometry.height_in_rack(blank, rt), "front", blank.is_full_depth, None))
                if any(c in taken for c in cells) or not can_place(self.design, blank, rack_id, u):
                    continue
                taken.update(dict.fromkeys(cells, self.place(role, rack=rack_id, position=u)))
                break

    def network_racks(self, hall: str, row: str, name: str, x: float, y: float, facing: str,
                      panels: tuple[str, str], leaves: int, spines: int) -> tuple[list[str], list[str], list[str]]:
        """The fabric's leaves, then spines, shared evenly over as few racks as hold them at
        SWITCHES_PER_RACK (even shares keep each PDU's phases balanced, PWR-008), racks side by side
        along the row from x; every leaf cabled to every spine, the same number of uplinks to each."""
        roles = ["leaf"] * leaves + ["spine"] * spines
        count = -(-len(roles) // SWITCHES_PER_RACK)
        shares = [len(roles) // count + (k < len(roles) % count) for k in range(count)]
        racks, leaf_ids, spine_ids = [], [], []
        for k, share in enumerate(shares):
            rack_name = name if not k else f"{name}{k + 1}"
            rack_id, _ = self.pdu_rack(hall, row, rack_name, x + k * self.lib.racks["rack"].outer_width_mm,
                                          y, facing, panels, amps=60)
            racks.append(rack_id)
            placed = []
            first = sum(shares[:k])
            for i, role in enumerate(roles[first:first + share]):
                placed.append(self.place("ib_switch", rack=rack_id, position=2 + i + 2 * (role == "spine")))
                (leaf_ids if role == "leaf" else spine_ids).append(placed[-1])
        ports = {sw: self.data_ports(sw) for sw in leaf_ids + spine_ids}
        links = _links_per_spine(len(ports[leaf_ids[0]]), leaves, spines)
        for leaf in leaf_ids:
            for spine in spine_ids:
                for _ in range(links):
                    self.connect("network", (leaf, ports[leaf].pop()), (spine, ports[spine].pop(0)))
        for rack_id in racks:
            self.fill_blanks(rack_id)
        return racks, leaf_ids, spine_ids

    def floor_unit(self, role: str, hall: str, x: float, y: float, facing: str, name: str,
                   panels: tuple[str, str]) -> str:
        unit = self.place(role, hall=hall, x_mm=x, y_mm=y, facing=facing, name=name)
        for k, inlet in enumerate(self.part(unit).power_ports):
            feed_id = self.design.new_id("feed")
            side = "AB"[k % 2]
            self.do(AddRecord("feeds", Feed(id=feed_id, name=f"{name}-{side}", panel=panels[k % 2], side=side,
                                            voltage_v=415, amperage_a=32)))
            self.connect("power", (unit, inlet.name), (feed_id, ""))
        return unit

    def management(self, rack_id: str, devices: list[str]) -> None:
        """Two out-of-band switches in the management rack; each device's BMC to the next free port."""
        switches = []
        for u in (20, 21):
            unit = [d for d in self.design.contents(rack_id)
                    if self.design.devices[d].position == u and self.part(d).category.value == "blank"]
            for blank_id in unit:
                self.do(RemoveDevice(blank_id))
            switches.append(self.place("mgmt_switch", rack=rack_id, position=u))
        ports = [(sw, p) for sw in switches for p in self.access_ports(sw)]
        for dev in devices:
            bmc = self.bmc(dev)
            if bmc and ports:
                self.connect("network", (dev, bmc), ports.pop(0))

    def rail_fabric(self, hosts: list[str], leaves: list[str]) -> None:
        """Rail-optimised, with the network helper a user has (commands.network_plan): rail k of
        each host to leaf k of its scalable unit, each link's cable family from its estimated
        length. BMCs are cabled by the management network (`management`)."""
        plan = plan_rails(self.design, hosts, leaves, management=False)
        if plan.links:
            self.do(plan.command(self.design))


def fabric_size(lib: Library, plan: PodPlan) -> tuple[int, int, int]:
    """(leaves, spines, network racks) of a pod's rail-optimised compute fabric: enough leaves for
    every rail NIC of its compute trays and GPU servers, two spines."""
    tray, server = lib.parts["nvl72_compute"], lib.parts["gpu_server"]
    hosts = ((tray, plan.nvl72_racks * TRAYS_PER_NVL72), (server, plan.air_racks * SERVERS_PER_AIR_RACK))
    links = sum(len(rail_nics(part)) * count for part, count in hosts)
    rails = max(len(rail_nics(part)) for part, _ in hosts)
    spines = 2
    leaves = leaves_for(links, rails, len(PodBuilder.data_ports_of(lib.parts["ib_switch"])), spines)
    return leaves, spines, -(-(leaves + spines) // SWITCHES_PER_RACK)


def leaves_for(links: int, rails: int, ports: int, spines: int) -> int:
    """Leaves a rail-optimised fabric needs for `links` host links: a multiple of `rails` (one
    group per scalable unit), each leaf keeping ports for its uplinks to every spine as
    `network_rack` cables them."""
    leaves = max(1, rails)
    while True:
        up = spines * _links_per_spine(ports, leaves, spines)
        if leaves * (ports - up) >= links:
            return leaves
        leaves += max(1, rails)


def _links_per_spine(ports: int, leaves: int, spines: int) -> int:
    """Uplinks from each leaf to each spine: up to half the leaf's ports over the spines, as many
    as the spines' ports allow."""
    if not spines:
        return 0
    return min(max(1, ports // 2 // spines), ports // max(1, leaves))


@dataclass
class PodPlan:
    """Sizes of one pod. Coolers: 30 kW in-row units, enough for each row's air heat
    (row A: ~20 % of 4 × 120 kW liquid-cooled racks; row B: 4 × 28.6 kW plus the network rack)."""

    nvl72_racks: int = 4
    air_racks: int = 4
    coolers_a: int = 4
    coolers_b: int = 5


def _tiles(n: float, tile: float = 600.0) -> float:
    return n * tile


def _interleave(racks: int, coolers: int) -> list[bool]:
    """Row order with coolers spread between racks (True = cooler)."""
    order: list[bool] = []
    every = max(1, racks // max(1, coolers))
    left = coolers
    for i in range(racks):
        if left and i and i % every == 0:
            order.append(True)
            left -= 1
        order.append(False)
    return order + [True] * left


def lay_row(b: PodBuilder, x: float, y: float, facing: str, prefix: str, racks: int, coolers: int,
            place_rack, hall: str, panels: tuple[str, str]) -> float:
    """Racks along a row with in-row coolers spread between them; returns the x where it ends."""
    rack_w = b.lib.racks["rack"].outer_width_mm
    cooler_w = b.lib.parts["cooler"].rackstudio.footprint_mm[0]
    n = c = 0
    for is_cooler in _interleave(racks, coolers):
        if is_cooler:
            c += 1
            b.floor_unit("cooler", hall, x, y, facing, f"{prefix}-CRAH{c}", panels)
            x += cooler_w
        else:
            n += 1
            place_rack(x, n)
            x += rack_w
    return x


@dataclass
class Pod:
    """What build_pod made: the liquid-cooled racks, the hosts, the fabric and the management rack."""

    liquid_racks: list[str]
    trays: list[str]
    servers: list[str]
    mgmt_rack: str


def build_pod(b: PodBuilder, hall: str, ox: float, oy: float, pod: int, plan: PodPlan,
              panels: tuple[str, str]) -> Pod:
    """One pod in a 2-row block: row A (liquid) faces south, row B (air, network, management)
    faces north, sharing a 1.2 m cold aisle; hot aisles behind each row."""
    d = b.design
    rack_w = b.lib.racks["rack"].outer_width_mm
    depth = b.lib.racks["rack"].outer_depth_mm
    row_a, row_b = d.new_id("row"), d.new_id("row")
    b.do(AddRow(Row(id=row_a, name=f"P{pod}-A", hall=hall, facing="S")))
    b.do(AddRow(Row(id=row_b, name=f"P{pod}-B", hall=hall, facing="N")))
    y_a, y_b = oy, oy + depth + 1200
    liquid: list[str] = []
    trays: list[str] = []
    manifolds: list[str] = []
    servers: list[str] = []

    def liquid_rack(x: float, n: int) -> None:
        rack_id, rack_trays, manifold = b.nvl72_rack(hall, row_a, f"P{pod}-A{n:02d}", x, y_a, "S", panels)
        liquid.append(rack_id)
        trays.extend(rack_trays)
        manifolds.append(manifold)

    def air_rack(x: float, n: int) -> None:
        servers.extend(b.air_rack(hall, row_b, f"P{pod}-B{n:02d}", x, y_b, "N", panels)[1])

    x = lay_row(b, ox, y_a, "S", f"P{pod}-A", plan.nvl72_racks, plan.coolers_a, liquid_rack, hall, panels)
    cdu = b.floor_unit("cdu", hall, x, y_a, "S", f"P{pod}-CDU1", panels)
    cdu_ports = [p.name for p in b.part(cdu).rackstudio.cooling.coolant_ports]
    for manifold in manifolds:
        manifold_ports = list(b.free(manifold, "coolant",
                                     [p.name for p in b.part(manifold).rackstudio.cooling.coolant_ports]))
        b.connect("coolant", (manifold, manifold_ports[-1]), (cdu, cdu_ports.pop(0)))
    x = lay_row(b, ox, y_b, "N", f"P{pod}-B", plan.air_racks, plan.coolers_b, air_rack, hall, panels)
    leaves, spines, net_racks = fabric_size(b.lib, plan)
    _, leaf_ids, spine_ids = b.network_racks(hall, row_b, f"P{pod}-NET", x, y_b, "N", panels, leaves, spines)
    x += net_racks * rack_w
    b.rail_fabric(servers + trays, leaf_ids)
    mgmt_rack, _ = b.air_rack(hall, row_b, f"P{pod}-MGMT", x, y_b, "N", panels, servers=0)
    b.management(mgmt_rack, servers + leaf_ids + spine_ids)
    return Pod(liquid, trays, servers, mgmt_rack)


@dataclass
class HallBuilder(PodBuilder):
    """Pods of a generated hall, with what the example pod leaves out but a 1,000-rack hall has
    (the issue's ~100,000 connections): a front-end and storage Ethernet fabric, the power
    shelves' BMCs on the out-of-band network, and 2U blanking panels wherever two units are
    open. Blanks go in when a pod is complete (`seal`), so later gear never displaces them."""

    unsealed: list[str] = field(default_factory=list)

    def fill_blanks(self, rack_id: str, roles: tuple[str, ...] = ("blank",)) -> None:
        self.unsealed.append(rack_id)

    def seal(self) -> None:
        for rack_id in self.unsealed:
            PodBuilder.fill_blanks(self, rack_id, ("blank_2u", "blank"))
        self.unsealed.clear()

    def switch_ports(self, device_id: str, port_type: str) -> list[str]:
        return list(self.free(device_id, "network", [i.name for i in self.part(device_id).interfaces
                                                     if i.type == port_type and not i.mgmt_only]))

    def front_end(self, pod: Pod, leaves: int = 8, spines: int = 2) -> None:
        """Spectrum-4 leaves and spines (2U each) low in the management rack (heavy gear at the
        bottom, SPC-005). Each host's two BlueField-3 ports go to the two leaves of one leaf pair
        (dual-homed), pairs taken in turn; every leaf has the same number of uplinks to each
        spine; the switches' BMCs go to the pod's out-of-band switches."""
        rack = pod.mgmt_rack
        oob = sorted(d for d in self.design.contents(rack) if self.part(d).category.value == "switch")
        switches, u = [], 2
        while len(switches) < leaves + spines:
            if can_place(self.design, self.lib.parts["eth_switch"], rack, u):
                switches.append(self.place("eth_switch", rack=rack, position=u))
            u += 1
        leaf_ids, spine_ids = switches[:leaves], switches[leaves:]
        port_type = Counter(i.type for i in self.part(leaf_ids[0]).interfaces).most_common(1)[0][0]  # the fabric ports
        free = {sw: self.switch_ports(sw, port_type) for sw in switches}
        pairs = [leaf_ids[i:i + 2] for i in range(0, leaves, 2)]
        for h, host in enumerate(pod.trays + pod.servers):
            dpus = [i.name for i in self.part(host).interfaces
                    if not i.mgmt_only and i.name not in self.part(host).rackstudio.required_ports]
            for dpu, leaf in zip(dpus, pairs[h % len(pairs)], strict=False):
                if free[leaf]:
                    self.connect("network", (host, dpu), (leaf, free[leaf].pop(0)))
        links = min(len(free[leaf_ids[0]]) // spines, len(free[spine_ids[0]]) // leaves)
        for leaf in leaf_ids:
            for spine in spine_ids:
                for _ in range(links):
                    self.connect("network", (leaf, free[leaf].pop()), (spine, free[spine].pop(0)))
        self.out_of_band(switches, oob)

    def out_of_band(self, devices: list[str], switches: list[str]) -> None:
        """Each device's BMC port to the next free copper port of `switches`."""
        ports = [(sw, p) for sw in switches for p in self.switch_ports(sw, "1000base-t")]
        for dev in devices:
            bmc = self.bmc(dev)
            if bmc and ports and self.design.port_connection("network", dev, bmc) is None:
                self.connect("network", (dev, bmc), ports.pop(0))

    def shelf_management(self, pod: Pod) -> None:
        """In each liquid-cooled rack, the power shelves' BMCs to the rack's management switch,
        and that switch's first 100G port up to a free one on the pod's out-of-band switches."""
        oob = sorted(d for d in self.design.contents(pod.mgmt_rack) if self.part(d).category.value == "switch"
                     and self.part(d).slug == self.lib.parts["mgmt_switch"].slug)
        uplinks = [(sw, p) for sw in oob for p in self.switch_ports(sw, "100gbase-x-qsfp28")]
        for rack in pod.liquid_racks:
            inside = sorted(self.design.contents(rack))
            mgmt = next(d for d in inside if self.part(d).slug == self.lib.parts["mgmt_switch"].slug)
            shelves = [d for d in inside if self.part(d).category.value == "power-shelf"]
            self.out_of_band(shelves, [mgmt])
            up = self.switch_ports(mgmt, "100gbase-x-qsfp28")
            if up and uplinks:
                self.connect("network", (mgmt, up[0]), uplinks.pop(0))


def pod_footprint(lib: Library, plan: PodPlan) -> tuple[float, float]:
    rack_w = lib.racks["rack"].outer_width_mm
    cooler_w = lib.parts["cooler"].rackstudio.footprint_mm[0]
    net_racks = fabric_size(lib, plan)[2]
    width = max((plan.nvl72_racks + 1) * rack_w + plan.coolers_a * cooler_w,
                (plan.air_racks + 1 + net_racks) * rack_w + plan.coolers_b * cooler_w)
    depth = 2 * lib.racks["rack"].outer_depth_mm + 1200
    return width, depth


def new_design(name: str, width_mm: float, depth_mm: float) -> Design:
    d = Design(name=name)
    d.put("halls", Hall(id="hall-1", name="Hall 1", width_mm=width_mm, depth_mm=depth_mm, tile_mm=600,
                        floor_rating_kg_m2=2500, supply_air_c=24, dew_point_c=12))
    for side in "AB":
        d.put("upses", Ups(id=f"ups-{side.lower()}", name=f"UPS {side}", capacity_kw=4000, side=side))
    return d


def make_rack_designs(d: Design) -> None:
    """Every layout held by two racks or more becomes a rack design made from its first rack, the
    racks holding it its instances (`link_layouts`)."""
    for command in link_layouts(d):
        command.apply(d)


def example_pod(lib: Library | None = None, rack_designs: bool = True) -> Design:
    """The example design `make run` opens: one AI pod, its repeated racks (the NVL72 racks, the DGX
    racks) instances of rack designs; without `rack_designs` every rack an ordinary one."""
    lib = lib or Library.builtin()
    plan = PodPlan()
    width, depth = pod_footprint(lib, plan)
    d = new_design("AI pod example", width + _tiles(8), depth + _tiles(8))
    b = PodBuilder(d, lib)
    for side in "AB":
        d.put("panels", Panel(id=f"pnl-{side.lower()}", name=f"Panel {side}", ups=f"ups-{side.lower()}", side=side))
    build_pod(b, "hall-1", _tiles(4), _tiles(4), 1, plan, ("pnl-a", "pnl-b"))
    b.plan_power()
    if rack_designs:
        make_rack_designs(d)
    return d


def generate_hall(racks: int, seed: int = 0, lib: Library | None = None) -> Design:
    """About `racks` racks: pods laid out in a grid of 2-row blocks with 1.2 m aisles between."""
    lib = lib or Library.builtin()
    rng = random.Random(seed)
    plan = PodPlan(nvl72_racks=rng.choice((6, 8)), air_racks=8, coolers_a=8, coolers_b=10)
    per_pod = plan.nvl72_racks + plan.air_racks + 2
    pods = max(1, round(racks / per_pod))
    width, depth = pod_footprint(lib, plan)
    across = max(1, int((pods ** 0.5) * 0.6) or 1)
    down = -(-pods // across)
    block_w, block_d = width + _tiles(2), depth + _tiles(2)
    d = new_design(f"Generated hall, {pods} pods (seed {seed})", across * block_w + _tiles(4),
                   down * block_d + _tiles(4))
    b = HallBuilder(d, lib, rng)
    for p in range(pods):
        panels = []
        for side in "AB":
            panel_id = f"pnl-{p + 1}{side.lower()}"
            d.put("panels", Panel(id=panel_id, name=f"Panel {p + 1}{side}", ups=f"ups-{side.lower()}", side=side))
            panels.append(panel_id)
        col, row = p % across, p // across
        pod = build_pod(b, "hall-1", _tiles(2) + col * block_w, _tiles(2) + row * block_d, p + 1, plan,
                        (panels[0], panels[1]))
        b.front_end(pod)
        b.shelf_management(pod)
        b.seal()
    b.plan_power()
    return d
