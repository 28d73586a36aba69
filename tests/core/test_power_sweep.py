"""A full pass's normal flow, filled in one sweep over the power edge table (`power_sweep`), gives
to the byte what the flow walked node by node gives (an update's path): every node's liveness,
inputs, live inputs, own draw and demand, and every device's load by feed side (the rack
figures' A/B split, read from the feeds the sweep found above each node). On the example pod, a
generated hall (UPSes, panels, feeds, PDUs, NVL72 shelves on busbars), that hall with daisy-chained
PDUs, a PDU loop nothing feeds, single-feed parts and pulled cords, a chain of PDUs, and after
random edits of the cabling."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from fuzz import graphs
from rackstudio.checks import metrics, power_flow
from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model.design import Connection, Design, PortRef

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ai-pod.rackstudio"


def _figures(ctx: CheckContext) -> list[str]:
    flow = power_flow.flow(ctx)
    design = ctx.design
    rows = [repr((n, flow.live(n), flow.live_inputs(n), flow.inputs(n), flow.own_w(n), flow.degraded(n),
                  flow.demand(n))) for n in sorted(ctx.graph.g, key=str)]
    rows += [repr((d, metrics.side_split(ctx, d))) for d in sorted(design.devices)
             if ctx.part(d).category not in PASS_THROUGH]
    rows += [repr(metrics.compute_rack(ctx, r)) for r in sorted(design.racks)]
    return rows


def _assert_sweep_equals_walk(design: Design) -> None:
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    assert power_flow.power_order(full) is not None
    walked = CheckContext(design, graph)
    assert _figures(full) == _figures(walked)
    swept = full.memo[("flow", power_flow.NOTHING_FAILED)]
    assert swept.above is not None  # filled in the sweep, not walked
    assert power_flow.flow(walked).above is None
    order = power_flow.power_order(full)  # the sweep's: the nodes sources reach, suppliers first
    assert sorted(order) == sorted(power_flow.power_order(walked))
    place = {n: i for i, n in enumerate(order)}
    assert all(place[u] < place[n] for n in order for u, _ in power_flow.suppliers(full, n) if u in place)


def _power(design: Design, conn_id: str, consumer: tuple[str, str], supplier: tuple[str, str]) -> None:
    design.put("connections", Connection(id=conn_id, kind="power", a=PortRef(owner=consumer[0], port=consumer[1]),
                                         b=PortRef(owner=supplier[0], port=supplier[1])))


def _pdus(design: Design) -> list[str]:
    return sorted(d for d, dev in design.devices.items()
                  if design.part_of(dev).rackstudio.category.value == "pdu")


def _free_outlet(design: Design, pdu: str) -> str:
    used = {c.b.port for c in design.connections.values() if c.kind == "power" and c.b.owner == pdu}
    return next(o.name for o in design.part_of(design.devices[pdu]).power_outlets if o.name not in used)


def _inlet(design: Design, pdu: str) -> str:
    return design.part_of(design.devices[pdu]).power_ports[0].name


def _hall_with_chains() -> Design:
    """A generated hall with a third of its PDUs daisy-chained below another rack's PDU, a PDU
    loop (two PDUs feeding each other) that a fed server also plugs into, a single-feed part and
    some cords pulled."""
    design = generate_hall(36, seed=5)
    rng = random.Random(11)
    pdus = _pdus(design)
    assert len(pdus) > 6
    for n, pdu in enumerate(pdus[1::3]):
        upper = pdus[(pdus.index(pdu) + 7) % len(pdus)]
        for conn_id in [c for c, conn in design.connections.items() if conn.kind == "power" and conn.a.owner == pdu]:
            design.delete(conn_id)
        _power(design, f"pw-chain-{n}", (pdu, _inlet(design, pdu)), (upper, _free_outlet(design, upper)))
    x, y = pdus[2], pdus[5]
    for pdu in (x, y):
        for conn_id in [c for c, conn in design.connections.items() if conn.kind == "power" and conn.a.owner == pdu]:
            design.delete(conn_id)
    _power(design, "pw-loop-1", (x, _inlet(design, x)), (y, _free_outlet(design, y)))
    _power(design, "pw-loop-2", (y, _inlet(design, y)), (x, _free_outlet(design, x)))
    power = sorted(c for c, conn in design.connections.items() if conn.kind == "power")
    for conn_id in rng.sample(power, len(power) // 15):
        design.delete(conn_id)
    served = sorted({c.a.owner for c in design.connections.values() if c.kind == "power"
                     and c.a.owner in design.devices
                     and design.part_of(design.devices[c.a.owner]).rackstudio.category.value == "server"})
    server = served[0]
    port = design.part_of(design.devices[server]).power_ports[-1].name
    for conn_id in [c for c, conn in design.connections.items() if conn.kind == "power" and conn.a == PortRef(
            owner=server, port=port)]:
        design.delete(conn_id)
    _power(design, "pw-into-loop", (server, port), (x, _free_outlet(design, x)))
    part_id = design.devices[served[-1]].part  # a part that throttles on one feed
    part = design.part_types[part_id]
    figures = part.rackstudio.power.model_copy(update={"single_feed_w": 100.0})
    design.part_types[part_id] = part.model_copy(update={"rackstudio": part.rackstudio.model_copy(
        update={"power": figures})})
    return design


def test_on_the_example_pod():
    _assert_sweep_equals_walk(load(EXAMPLE).design)


def test_on_a_generated_hall():
    _assert_sweep_equals_walk(generate_hall(36, seed=5))


def test_on_a_hall_with_daisy_chains_a_loop_nothing_feeds_and_pulled_cords():
    design = _hall_with_chains()
    kinds = {design.part_of(d).rackstudio.category.value for d in design.devices.values()}
    assert {"pdu", "power-shelf"} <= kinds and design.upses and design.panels
    assert any(d.startswith("busbar") or "busbar" in d for d in ComponentGraph(design).g)
    _assert_sweep_equals_walk(design)


def test_on_a_chain_of_pdus():
    _assert_sweep_equals_walk(graphs.power_chain(60))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_edits(seed):
    """Cords pulled, replugged to another PDU's free outlet, and PDUs moved onto another PDU."""
    design = _hall_with_chains()
    rng = random.Random(seed)
    pdus = _pdus(design)
    for _step in range(60):
        power = sorted(c for c, conn in design.connections.items() if conn.kind == "power")
        conn = design.connections[rng.choice(power)]
        what = rng.random()
        if what < 0.3:
            design.delete(conn.id)
        elif what < 0.8:
            target = rng.choice(pdus)
            if target != conn.a.owner:
                design.put("connections", conn.model_copy(update={"b": PortRef(
                    owner=target, port=_free_outlet(design, target))}))
        else:
            feed = rng.choice(sorted(design.feeds))
            design.put("connections", conn.model_copy(update={"b": PortRef(owner=feed)}))
    _assert_sweep_equals_walk(design)


def test_a_loop_through_fed_pdus_leaves_the_flow_to_the_walks():
    """A loop of power that sources reach has no order to sweep in: no power order, no sweep."""
    design = _hall_with_chains()
    fed, other = _pdus(design)[0], _pdus(design)[3]
    _power(design, "pw-fed-loop-1", (other, _inlet(design, other)), (fed, _free_outlet(design, fed)))
    _power(design, "pw-fed-loop-2", (fed, _inlet(design, fed)), (other, _free_outlet(design, other)))
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    assert power_flow.power_order(full) is None and not power_flow.acyclic(full)
    assert power_flow.flow(full).above is None
    walked = CheckContext(design, graph)
    assert _figures(full) == _figures(walked)
