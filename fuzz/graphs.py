"""Graph-shaped hostile designs: the shapes a loader's screens pass (every record well formed)
but a walk over the design's graph can choke on. Each builder returns a model, built past the
loader where the shape is one loading refuses (a parent cycle), so the walks are tried too.

- `power_chain(n)`: a feed, then n PDUs each fed by an outlet of the one before, a server on the last;
- `fan_in(n)`: n power cables from one feed into one PDU inlet (each a repairable warning);
- `parent_cycle(n)`: n devices each in the next one's bay (A → B → … → A);
- `hit_storm(n)`: n servers stacked at U1 of one rack (one overlap hit for each pair that meets);
- `from_bytes(data)`: a fuzzer's bytes as one of those shapes and size, plus up to MAX_EXTRA power
  cables between its devices (power loops, second cords, PDUs fed twice), for fuzz/check_engine.py.
"""
from __future__ import annotations

from rackstudio.model import Connection, Design, Device, Feed, Hall, PartType, PortRef, Rack, RackType

OUTLETS = 4


def _pdu() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Fuzz", "model": "PDU", "slug": "fuzz-pdu", "u_height": 0, "is_full_depth": False,
        "power-ports": [{"name": "Inlet", "type": "iec-60309-3p-n-e-6h"}],
        "power-outlets": [{"name": f"O{i}", "type": "iec-60320-c19", "power_port": "Inlet"} for i in range(OUTLETS)],
        "rackstudio": {"category": "pdu", "power": {"max_w": 0},
                       "pdu": {"inlet_voltage_v": 415, "inlet_amperage_a": 32,
                               "banks": [{"name": "B0", "breaker_a": 16, "outlets": [f"O{i}" for i in range(OUTLETS)]}]}}})


def _server() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Fuzz", "model": "Server", "slug": "fuzz-server", "u_height": 1, "is_full_depth": True,
        "power-ports": [{"name": "PSU1", "type": "iec-60320-c20"}, {"name": "PSU2", "type": "iec-60320-c20"}],
        "rackstudio": {"category": "server", "power": {"max_w": 800, "allocated_w": 600}}})


def _base() -> Design:
    design = Design(name="graph")
    design.part_types.update({p.slug: p for p in (_pdu(), _server())})
    design.rack_types["fuzz-rack"] = RackType.model_validate({
        "manufacturer": "Fuzz", "model": "Rack", "slug": "fuzz-rack", "u_height": 48, "outer_width_mm": 600,
        "outer_depth_mm": 1200})
    design.put("halls", Hall(id="hall-1", name="Hall 1", width_mm=20000, depth_mm=12000))
    design.put("racks", Rack(id="rk-1", name="A01", rack_type="fuzz-rack", hall="hall-1", x_mm=1200, y_mm=1200))
    design.put("feeds", Feed(id="feed-a", name="Feed A", side="A", voltage_v=415, amperage_a=32, rack="rk-1"))
    return design


def _power(design: Design, conn_id: str, consumer: PortRef, supplier: PortRef) -> None:
    design.put("connections", Connection(id=conn_id, kind="power", a=consumer, b=supplier))


def power_chain(n: int) -> Design:
    design = _base()
    supplier = PortRef(owner="feed-a")
    for i in range(n):
        design.put("devices", Device(id=f"pdu-{i}", name=f"PDU {i}", part="fuzz-pdu", rack="rk-1", side="left"))
        _power(design, f"pw-{i}", PortRef(owner=f"pdu-{i}", port="Inlet"), supplier)
        supplier = PortRef(owner=f"pdu-{i}", port="O0")
    design.put("devices", Device(id="srv-1", name="Server", part="fuzz-server", rack="rk-1", position=1))
    _power(design, "pw-srv", PortRef(owner="srv-1", port="PSU1"), supplier)
    return design


def fan_in(n: int) -> Design:
    design = _base()
    design.put("devices", Device(id="pdu-0", name="PDU 0", part="fuzz-pdu", rack="rk-1", side="left"))
    for i in range(n):
        _power(design, f"pw-{i}", PortRef(owner="pdu-0", port="Inlet"), PortRef(owner="feed-a"))
    design.put("devices", Device(id="srv-1", name="Server", part="fuzz-server", rack="rk-1", position=1))
    _power(design, "pw-srv", PortRef(owner="srv-1", port="PSU1"), PortRef(owner="pdu-0", port="O0"))
    return design


def parent_cycle(n: int) -> Design:
    design = _base()
    for i in range(n):
        design.devices[f"dv-c{i}"] = Device(id=f"dv-c{i}", name=f"C{i}", part="fuzz-server",
                                            parent=f"dv-c{(i + 1) % n}", bay="b1")
    return design


def hit_storm(n: int) -> Design:
    design = _base()
    for i in range(n):
        design.put("devices", Device(id=f"srv-{i}", name=f"S{i}", part="fuzz-server", rack="rk-1", position=1))
    return design


SHAPES = {"power_chain": power_chain, "fan_in": fan_in, "parent_cycle": parent_cycle, "hit_storm": hit_storm}


MAX_SIZE = 150
MAX_EXTRA = 16


def from_bytes(data: bytes) -> Design:
    """Byte 0 picks the shape, bytes 1-2 the size (1..MAX_SIZE); each later 3 bytes add a power cable
    (consumer device, supplier device or the feed, outlet). Every input is some design, so a
    coverage-guided fuzzer's mutations all reach the check engine."""
    shapes = sorted(SHAPES)
    shape = shapes[data[0] % len(shapes)] if data else shapes[0]
    size = 1 + int.from_bytes(data[1:3], "big") % MAX_SIZE
    design = SHAPES[shape](size)
    devices = sorted(design.devices)
    for n, i in enumerate(range(3, min(len(data), 3 + 3 * MAX_EXTRA) - 2, 3)):
        if not devices:
            break
        consumer = design.devices[devices[data[i] % len(devices)]]
        ports = [p.name for p in design.part_of(consumer).power_ports]
        supplier_pick = data[i + 1] % (len(devices) + 1)
        if supplier_pick == len(devices):
            supplier = PortRef(owner="feed-a")
        else:
            owner = design.devices[devices[supplier_pick]]
            outlets = [o.name for o in design.part_of(owner).power_outlets]
            if not outlets:
                continue
            supplier = PortRef(owner=owner.id, port=outlets[data[i + 2] % len(outlets)])
        _power(design, f"pw-extra-{n}", PortRef(owner=consumer.id, port=ports[data[i + 2] % len(ports)]), supplier)
    return design
