"""The power rules' full-pass candidates and tables give what each rule's function gives subject by
subject in an update (no tables), to the byte, on generated halls broken at random: feeds cut or
set to their limit to the last bit (PWR-001/002/009 and the balanced feeds PWR-009 passes over),
A and B feeds put on one panel or UPS (PWR-007), parts given inrush and PDUs unsequenced (PWR-015),
cords pulled (degraded shelves, unfed PDUs: PWR-012, 020), NetBox mode on or off."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackstudio.checks import CheckEngine, builtin_registry, power_flow
from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules import power
from rackstudio.checks.scope import subjects
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.units import SQRT3


@pytest.fixture(scope="module")
def halls():
    return [generate_hall(18, seed=s) for s in (1, 2)]


def _set_part(design, part_id: str, **power_update) -> None:
    part = design.part_types[part_id]
    ext = part.rackstudio
    update = {}
    if "inrush_a" in power_update:
        update["power"] = ext.power.model_copy(update={"inrush_a": power_update["inrush_a"]})
    if "sequencing_delay_ms" in power_update and ext.pdu is not None:
        update["pdu"] = ext.pdu.model_copy(update={"sequencing_delay_ms": power_update["sequencing_delay_ms"]})
    design.part_types[part_id] = part.model_copy(update={"rackstudio": ext.model_copy(update=update)})


def _break(design, rng: random.Random, netbox: bool) -> None:
    power_cords = sorted(c for c, conn in design.connections.items() if conn.kind == "power")
    for conn_id in rng.sample(power_cords, len(power_cords) // rng.choice((8, 20, 1000))):
        design.delete(conn_id)
    ctx = CheckContext(design, ComponentGraph(design))
    normal = power_flow.flow(ctx)
    for feed_id in sorted(design.feeds):
        feed = design.feeds[feed_id]
        load = normal.demand(feed_id)
        roll = rng.random()
        if roll < 0.25:
            design.put("feeds", feed.model_copy(update={"amperage_a": max(1.0, feed.amperage_a * rng.choice((0.3, 0.5, 0.7)))}))
        elif roll < 0.5 and load and feed.phase == "three-phase":
            # a breaker that PWR-001's capacity puts at exactly the load, give or take a bit
            limit = 1.0 if feed.breaker_100pct_rated else design.settings.derating
            amps = load / (abs(feed.voltage_v) * SQRT3 * feed.power_factor * limit)
            amps *= 1 + rng.choice((-1e-15, 0.0, 1e-15, -2e-7, 2e-7))
            if amps >= 1:
                design.put("feeds", feed.model_copy(update={"amperage_a": amps}))
    feeds = [design.feeds[f] for f in sorted(design.feeds)]
    if rng.random() < 0.5:  # a B feed on an A feed's panel
        a = next((f for f in feeds if f.side == "A" and f.panel), None)
        b = next((f for f in feeds if f.side == "B"), None)
        if a is not None and b is not None:
            design.put("feeds", b.model_copy(update={"panel": a.panel}))
    if rng.random() < 0.5 and len(design.panels) > 1 and design.upses:  # every panel on one UPS
        ups = sorted(design.upses)[0]
        for panel_id in sorted(design.panels):
            design.put("panels", design.panels[panel_id].model_copy(update={"ups": ups}))
    if rng.random() < 0.6:  # inrush declared, some PDUs unsequenced
        for part_id in sorted(design.part_types):
            part = design.part_types[part_id]
            if part.rackstudio.pdu is not None:
                _set_part(design, part_id, sequencing_delay_ms=rng.choice((None, 0.0, 200.0)))
            elif part.power_ports and rng.random() < 0.7:
                _set_part(design, part_id, inrush_a=rng.choice((0.0, 30.0, 120.0, 400.0)))
    design.settings = design.settings.model_copy(update={"netbox_compat": netbox})


def _hits(found) -> dict:
    return {s: repr(list(h)) for s, h in found.items() if h}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), netbox=st.booleans(), which=st.integers(0, 1))
def test_each_power_rule_in_a_full_pass_equals_its_function_in_an_update(halls, seed, netbox, which):
    design = halls[which].model_copy(deep=True)
    _break(design, random.Random(seed), netbox)
    engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
    ctx = engine.ctx
    for rule in power.RULES:
        run = [s for scope in rule.scopes for s in subjects(ctx, scope)]
        ctx.new_pass(full=False)
        ctx.metrics.rebuild()
        plain = _hits({s: list(rule.fn(ctx, s)) for s in run})
        ctx.new_pass(full=True)
        ctx.metrics.rebuild()
        batch = getattr(rule.fn, "batch", None)
        if batch is not None:
            hits, failed = batch(ctx, run)
            assert not failed, (rule.id, failed)
        else:
            hits = {s: list(rule.fn(ctx, s)) for s in run}
        assert _hits(hits) == plain, rule.id


def test_the_broken_halls_fire_what_the_fast_paths_pass_over():
    """The breakages above reach the rules whose candidates narrow most: a shared panel (PWR-007),
    inrush (PWR-015), a balanced feed at its limit (PWR-009), unbalanced feeds (PWR-008)."""
    fired: set[str] = set()
    for seed in range(6):
        design = generate_hall(18, seed=1 + seed % 2)
        _break(design, random.Random(seed), netbox=False)
        fired |= {f.rule for f in CheckEngine(design, ComponentGraph(design), builtin_registry()).run_full()}
    assert {"PWR-001", "PWR-002", "PWR-007", "PWR-008", "PWR-015"} <= fired, fired
