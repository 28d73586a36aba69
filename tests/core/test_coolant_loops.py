"""A full pass finds every coolant loop in one pass over the coolant connections
(`coolant._fill_loops`); each node's loop must be the one `loop_of` walks from the graph."""
from __future__ import annotations

import random

import pytest

from rackstudio.checks import coolant
from rackstudio.checks.context import CheckContext
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model.design import Connection, PortRef
from tests.core.test_power_batch import EXAMPLE


def _rewired(seed: int):
    """A generated hall with coolant connections cut, and devices joined across loops and to themselves."""
    design = generate_hall(24, seed=seed)
    rng = random.Random(seed)
    cool = sorted(c for c, conn in design.connections.items() if conn.kind == "coolant")
    for conn_id in rng.sample(cool, len(cool) // 5):
        design.delete(conn_id)
    devices = sorted(design.devices)
    for n in range(40):
        a, b = rng.choice(devices), rng.choice(devices)
        if n % 10 == 0:
            b = a
        design.put("connections", Connection(id=f"extra-{n}", kind="coolant", a=PortRef(owner=a, port=f"x{n}"),
                                             b=PortRef(owner=b, port=f"y{n}")))
    return design


@pytest.mark.parametrize("name", ["example", "hall", "rewired 1", "rewired 2"])
def test_the_loops_found_at_once_are_the_loops_walked_node_by_node(name):
    design = (load(EXAMPLE).design if name == "example" else generate_hall(24, seed=3) if name == "hall"
              else _rewired(int(name[-1])))
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    walked = CheckContext(design, graph)
    nodes = sorted(graph.g, key=str)
    found = {n: coolant.loop_of(full, n) for n in nodes}
    assert full.memo.get(coolant._ALL_LOOPS)  # filled at once
    assert sum(len(loop.nodes) > 1 for loop in found.values()) > 10
    assert found == {n: coolant.loop_of(walked, n) for n in nodes}
