"""Qt-free. RackStudio's power figures in NetBox's terms.

NetBox computes a rack's power utilisation (`Rack.get_power_utilization`) as the allocated draw
of the power ports cabled to the rack's feeds over the feeds' available power, in %, to 0.1; a
power port with no draw of its own (a PDU inlet) counts what is plugged into its outlets. The
push writes each consuming inlet's share of its device's load (the checks' power flow) as the
port's allocated draw, so NetBox's figure is RackStudio's.
"""
from __future__ import annotations

from collections import defaultdict

from rackstudio.checks.context import CheckContext
from rackstudio.checks.formulas import netbox_available_power
from rackstudio.checks.power_flow import flow, suppliers
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design


def inlet_draws(design: Design, ctx: CheckContext | None = None) -> dict[tuple[str, str], int]:
    """W each cabled power inlet carries in normal operation, by (device id, port), for devices
    without outlets (NetBox adds those up itself)."""
    ctx = ctx or CheckContext(design, ComponentGraph(design))
    fl = flow(ctx)
    draws: dict[tuple[str, str], float] = defaultdict(float)
    for dev in {c.a.owner for c in design.connections.values() if c.kind == "power"}:
        if dev not in design.devices or design.part_of(design.devices[dev]).power_outlets:
            continue
        for supplier, attrs in suppliers(ctx, dev):
            if attrs["kind"] == "power" and attrs.get("consumer_port"):
                draws[(dev, attrs["consumer_port"])] += fl.carried(supplier, dev, attrs)
    return {k: round(v) for k, v in draws.items()}


def rack_power_utilization(design: Design, rack_id: str) -> float:
    """NetBox's rack power utilisation, %, computed from the design."""
    feeds = [f for f in design.feeds.values() if f.rack == rack_id]
    available = sum(netbox_available_power(f.voltage_v, f.amperage_a, f.max_utilization, f.phase) for f in feeds)
    if not available:
        return 0.0
    draws = inlet_draws(design)
    allocated = 0.0
    for feed in feeds:
        for conn in design.connections_of(feed.id):
            c = design.connections[conn]
            if c.kind != "power" or c.b.owner != feed.id:
                continue
            if (c.a.owner, c.a.port) in draws:
                allocated += draws[(c.a.owner, c.a.port)]
            else:  # a PDU inlet: what its outlets carry, each inlet rounded as NetBox holds it
                allocated += sum(draws.get((d.a.owner, d.a.port), 0) for d in
                                 (design.connections[x] for x in design.connections_of(c.a.owner))
                                 if d.kind == "power" and d.b.owner == c.a.owner)
    return round(allocated / available * 100, 1)
