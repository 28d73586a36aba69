"""The power side's full-pass paths give what the per-subject paths give, to the byte: each power
rule's batch against its function called on every subject, and the normal flow filled in one sweep
against the flow walked node by node; on the example pod and on a generated hall with breakages
(feeds cut to a third, cords pulled, a PDU left unfed, parts without figures)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from rackstudio.checks import CheckEngine, builtin_registry, power_flow
from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules import failover
from rackstudio.checks.scope import subjects
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io.project_file import load

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ai-pod.rackstudio"


def _broken_hall():
    design = generate_hall(36, seed=5)
    rng = random.Random(7)
    for n, feed_id in enumerate(sorted(design.feeds)):
        if n % 3 == 0:
            feed = design.feeds[feed_id]
            design.put("feeds", feed.model_copy(update={"amperage_a": feed.amperage_a * 0.35}))
    power = sorted(c for c, conn in design.connections.items() if conn.kind == "power")
    for conn_id in rng.sample(power, len(power) // 12):  # cords pulled: degraded, dark and unfed gear
        design.delete(conn_id)
    for part_id in sorted(design.part_types)[::4]:  # some parts lose their figures (PWR-016)
        part = design.part_types[part_id]
        power_ext = part.rackstudio.power.model_copy(update={"max_w": None, "allocated_w": None})
        rackstudio = part.rackstudio.model_copy(update={"power": power_ext})
        design.part_types[part_id] = part.model_copy(update={"rackstudio": rackstudio})
    return design


@pytest.fixture(scope="module", params=["example", "broken hall"])
def design(request):
    return load(EXAMPLE).design if request.param == "example" else _broken_hall()


def _hits(found) -> dict:
    return {s: repr(list(h)) for s, h in found.items() if h}


def test_each_power_batch_equals_its_function_on_every_subject(design):
    engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
    engine.run_full()
    ctx = engine.ctx
    batched = [r for r in engine.registry.active(ctx.settings)
               if r.id.startswith("PWR-") and getattr(r.fn, "batch", None) is not None]
    assert len(batched) >= 10
    fired = set()
    for rule in batched:
        run = [s for scope in rule.scopes for s in subjects(ctx, scope)]
        ctx.new_pass(full=True)
        ctx.metrics.rebuild()
        one_by_one = _hits({s: list(rule.fn(ctx, s)) for s in run})
        for full in (True, False):  # a full pass's table of parts, and a small update's tests per device
            ctx.new_pass(full=full)
            ctx.metrics.rebuild()
            hits, failed = rule.fn.batch(ctx, run)
            assert not failed, (rule.id, failed)
            assert _hits(hits) == one_by_one, rule.id
        fired |= {rule.id} if one_by_one else set()
    if len(design.racks) > 30:  # the broken hall
        assert {"PWR-005", "PWR-006", "PWR-010", "PWR-016", "PWR-019", "PWR-020"} <= fired, fired


def _flow_figures(ctx: CheckContext) -> list[str]:
    flow = power_flow.flow(ctx)
    g = ctx.graph.g
    return [repr((n, flow.live(n), flow.live_inputs(n), flow.inputs(n), flow.demand(n), flow.outlet_flows(n),
                  power_flow.suppliers(ctx, n), power_flow.consumers(ctx, n))) for n in sorted(g, key=str)]


def test_the_normal_flow_filled_at_once_equals_the_flow_walked_node_by_node(design):
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    assert power_flow.power_order(full) is not None
    walked = CheckContext(design, graph)
    assert _flow_figures(full) == _flow_figures(walked)
    assert full.memo[("flow", power_flow.NOTHING_FAILED)]._demand  # filled, not walked


def test_no_single_failure_puts_more_on_a_node_than_its_one_failure_bound(design):
    """PWR-005 passes over a feed or PDU whose bound after any one failure is within its capacity:
    every failure element's scenario, computed from scratch, stays within every node's bound."""
    graph = ComponentGraph(design)
    full = CheckContext(design, graph)
    full.new_pass(full=True)
    order = power_flow.power_order(full)
    bounds = {n: failover.most_after_one_failure(full, n) for n in order}
    assert all(b is not None for b in bounds.values())
    scratch = CheckContext(design, graph)
    elements = [n for n in sorted(graph.g, key=str) if power_flow.is_failure_element(scratch, n)]
    tight = 0
    for failed in random.Random(3).sample(elements, min(len(elements), 80)):
        after = power_flow.flow(scratch, frozenset({failed}))
        for node, bound in bounds.items():
            load = after.demand(node)
            assert load <= bound * (1 + 1e-9), (failed, node, load, bound)
            tight += load > 0 and load > bound * 0.6
    assert tight  # the bound is not a mere infinity or a multiple of the truth


def test_each_power_rule_finds_the_same_in_a_full_pass_and_in_an_update(design):
    """A full pass reads the normal flow's table and each failure's dead from `killers`; an update
    walks the flows: every power rule's per-subject results are the same both ways."""
    engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
    engine.run_full()
    ctx = engine.ctx
    for rule in engine.registry.active(ctx.settings):
        if not rule.id.startswith("PWR-"):
            continue
        run = [s for scope in rule.scopes for s in subjects(ctx, scope)]
        found = []
        for full in (True, False):
            ctx.new_pass(full=full)
            ctx.metrics.rebuild()
            found.append(_hits({s: list(rule.fn(ctx, s)) for s in run}))
        assert found[0] == found[1], rule.id
