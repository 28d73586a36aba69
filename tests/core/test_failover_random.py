"""The failure rules' full-pass short cuts against their plain paths on random cablings of a
generated pod (cords pulled, replugged to another PDU or straight to a feed, PDUs daisy-chained):
`killers` (the suppliers' sets built at once, a device's when asked) against each failure's dead
as FailureFlow finds them; `_fewest_live_inputs` (one live input, or two where one has a single
supplier, answered without counting) against the count of `_inputs_lost`; and what each failure
leaves a device (`_left_after_each_failure`, counted from `killers`) against an update's path,
which asks each failure's flow."""
from __future__ import annotations

import random
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from rackstudio.checks import power_flow
from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules import failover
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design, PortRef
from tests.core.test_power_sweep import _free_outlet, _pdus


@lru_cache(maxsize=1)
def _pod() -> Design:
    return generate_hall(4, seed=2)


def _cabled(edits: list[tuple[int, int, int]]) -> Design:
    design = _pod().model_copy(deep=True)
    pdus = _pdus(design)
    for what, a, b in edits:
        power = sorted(c for c, conn in design.connections.items() if conn.kind == "power")
        conn = design.connections[power[a % len(power)]]
        if what == 0:
            design.delete(conn.id)
        elif what == 1:
            target = pdus[b % len(pdus)]
            outlet = next(iter(_free_outlet_or_none(design, target)), None)
            if target != conn.a.owner and outlet is not None:
                design.put("connections", conn.model_copy(update={"b": PortRef(owner=target, port=outlet)}))
        else:
            feed = sorted(design.feeds)[b % len(design.feeds)]
            design.put("connections", conn.model_copy(update={"b": PortRef(owner=feed)}))
    return design


def _free_outlet_or_none(design: Design, pdu: str) -> list[str]:
    try:
        return [_free_outlet(design, pdu)]
    except StopIteration:
        return []


edit = st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.integers(0, 10**6))


@settings(max_examples=25, deadline=None)
@given(st.lists(edit, max_size=30), st.integers(0, 10**6))
def test_failure_short_cuts_answer_as_the_plain_paths(edits, seed):
    design = _cabled(edits)
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    order = power_flow.power_order(full)
    normal = power_flow.flow(full)
    table = power_flow.killers(full)
    assert (table is None) == (order is None)
    rng = random.Random(seed)
    if order is not None:
        elements = [n for n in order if power_flow.is_failure_element(full, n)]
        devices = [n for n in order if n in design.devices and not power_flow.consumers(full, n)]
        deads = {failed: power_flow.FailureFlow(full, failed, normal).dead
                 for failed in rng.sample(elements, min(len(elements), 25))}
        for x in rng.sample(devices, min(len(devices), 40)):  # worked out when asked
            assert {f for f in deads if f in table[x]} == {f for f, dead in deads.items() if x in dead}, x
        for failed, dead in deads.items():
            assert {x for x in order if failed in table[x]} == dead, failed
        for node in order:
            names = normal.live_inputs(node)
            if len(names) >= 2:
                live, lost = failover._inputs_lost(full, failover._live_suppliers_by_input(normal, node))
                assert live == len(names)
                assert failover._fewest_live_inputs(full, normal, node, names) == max(
                    1, live - max(lost.values(), default=0)), node
    update = CheckContext(design, graph)
    update.new_pass()
    for device_id in rng.sample(sorted(design.devices), min(len(design.devices), 60)):
        got = failover._left_after_each_failure(full, device_id)
        want = failover._left_after_each_failure(update, device_id)
        assert sorted(got) == sorted(want), device_id
