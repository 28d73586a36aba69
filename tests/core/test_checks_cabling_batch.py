"""The cabling rules' full-pass batches (checks.rules.cable_index) give exactly what each rule's
per-subject function gives: the same hits, in the same order, for every subject, on the example pod
and on a generated hall broken at random (media, optics, lengths, fibres, legs, shared ports,
missing cables, a shallow rack type); and a full run with the batches equals one without them."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rackstudio.checks import CheckContext, CheckEngine, builtin_registry
from rackstudio.checks.metrics import MetricsCache
from rackstudio.checks.rules import cabling
from rackstudio.checks.rules import optics as optics_rules
from rackstudio.checks.rules.cable_index import network_index
from rackstudio.checks.scope import subjects
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model import optics

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ai-pod.rackstudio"
BATCHED = [r for r in cabling.RULES + optics_rules.RULES if hasattr(r.fn, "batch")]
MEDIA = ["dac", "acc", "aec", "aoc", "mmf", "smf", "cat6", None]
LENGTHS = [None, 0.5, 1.9, 2.9, 3.5, 4.9, 40.0, 150.0, 600.0, 3000.0]


def _broken_hall(seed: int, shared: bool = True):
    """A 6-rack generated hall with one network cable in four changed at random, cables doubled onto
    used ports (network, power, coolant; none if not `shared`), cables removed, DACs near their
    reach, data cables on management ports, a switch model with XDR ports and shallow racks."""
    design = generate_hall(6, seed=1)
    rng = random.Random(seed)
    slugs = sorted(optics.BUILTIN) + [None]
    network = sorted(c for c, rec in design.connections.items() if rec.kind == "network")
    for conn_id in network:
        conn = design.connections[conn_id]
        if rng.random() > 0.25:
            continue
        update = {}
        what = rng.randrange(6)
        if what == 0:
            update["media"] = rng.choice(MEDIA)
        elif what == 1:
            update[rng.choice(("a_end", "b_end"))] = rng.choice(slugs)
        elif what == 2:
            update["length_m"] = rng.choice(LENGTHS)
        elif what == 3:
            update["fibre"] = rng.choice(("splitter", "straight"))
        elif what == 4:
            side = rng.choice(("a", "b"))
            update[side] = getattr(conn, side).model_copy(update={"leg": rng.randint(1, 4)})
        else:
            update.update(a_end=rng.choice(slugs), b_end=rng.choice(slugs), media=rng.choice(MEDIA))
        design.put("connections", conn.model_copy(update=update))
    for kind, count in (("network", 12), ("power", 3), ("coolant", 2)) if shared else ():
        pool = sorted(c for c, rec in design.connections.items() if rec.kind == kind)
        for n, conn_id in enumerate(rng.sample(pool, count)):
            twin = design.connections[conn_id].model_copy(update={"id": f"zz-{kind}-{n}"})
            if kind == "network":
                twin = twin.model_copy(update={"a_end": rng.choice(slugs), "fibre": rng.choice((None, "splitter"))})
            design.put("connections", twin)
    for conn_id in rng.sample(network, 10):
        if conn_id in design.connections:
            design.delete(conn_id)
    network = sorted(c for c, rec in design.connections.items() if rec.kind == "network")
    dacs = [c for c in network if design.connections[c].media == "dac"]
    for conn_id in rng.sample(dacs, 8):  # close to a DAC's reach (CAB-002)
        design.put("connections", design.connections[conn_id].model_copy(update={"length_m": rng.choice((2.5, 2.9))}))
    for conn_id in rng.sample(network, 8):  # a data cable moved onto the device's own management port (CAB-016)
        conn = design.connections.get(conn_id)
        if conn is None:  # made way for another
            continue
        mgmt = [i.name for i in design.part_of(design.devices[conn.a.owner]).interfaces if i.mgmt_only]
        if mgmt and not shared:  # the management cable makes way
            held = design.port_connection("network", conn.a.owner, mgmt[0])
            if held is not None and held != conn_id:
                design.delete(held)
        if mgmt:
            design.put("connections", conn.model_copy(update={"a": conn.a.model_copy(update={"port": mgmt[0]})}))
    # a library edit: one port in eight of a switch model becomes XDR (CAB-004, CAB-007), racks shallow (CAB-010)
    slug = "nvidia-spectrum-4-sn5600"
    part = design.part_types[slug]
    ports = [i.model_copy(update={"type": "infiniband-xdr"}) if n % 8 == 1 else i
             for n, i in enumerate(part.interfaces)]
    design.part_types[slug] = part.model_copy(update={"interfaces": ports})
    for rt_id, rt in list(design.rack_types.items()):
        design.rack_types[rt_id] = rt.model_copy(update={"outer_depth_mm": 940.0 - 10 * (seed % 3)})
    return design


def _context(design, full: bool, metrics: bool) -> CheckContext:
    """A pass's context, full or not; with `metrics`, the rack and hall figures as an engine keeps them."""
    ctx = CheckContext(design, ComponentGraph(design))
    if metrics:
        ctx.metrics = MetricsCache(ctx)
        ctx.new_pass(full=True)
        ctx.metrics.rebuild()
    ctx.new_pass(full=full)
    return ctx


def _per_subject(design, rule, run, metrics: bool = False):
    ctx = _context(design, False, metrics)
    hits, failed = {}, {}
    for subject in run:
        try:
            found = list(rule.fn(ctx, subject))
        except Exception as exc:
            failed[subject] = f"{type(exc).__name__}: {exc}"
            continue
        if found:
            hits[subject] = found
    return dict(sorted(hits.items())), dict(sorted(failed.items()))


def _batch(design, rule, run, metrics: bool = False):
    ctx = _context(design, True, metrics)
    hits, failed = rule.fn.batch(ctx, run)
    return {s: list(hits[s]) for s in sorted(hits) if hits[s]}, dict(sorted(failed.items()))


def _same_as_each(design) -> set[str]:
    """Asserts every batched rule's batch equals its per-subject function on all its subjects and on
    a third of them (an update as wide as a full run); returns the rules that fired."""
    fired = set()
    ctx = CheckContext(design, ComponentGraph(design))
    for rule in BATCHED:
        everything = [s for scope in rule.scopes for s in subjects(ctx, scope)]
        for run in (everything[::3], everything):
            expected = _per_subject(design, rule, run)
            assert repr(_batch(design, rule, run)) == repr(expected), rule.id
        if expected[0]:
            fired.add(rule.id)
    return fired


def test_the_batched_cabling_rules_cover_what_they_should():
    assert {r.id for r in BATCHED} >= {"CAB-001", "CAB-002", "CAB-003", "CAB-004", "CAB-005", "CAB-006", "CAB-007",
                                       "CAB-010", "CAB-011", "CAB-014", "CAB-015", "CAB-016"}


def test_batches_equal_each_subject_on_the_example_pod():
    _same_as_each(load(EXAMPLE).design)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("shared", [True, False])
def test_batches_equal_each_subject_on_a_broken_hall(seed, shared):
    """With no port shared, CAB-005 reads its candidates from the cages that hold different plugs."""
    design = _broken_hall(seed, shared)
    ctx = CheckContext(design, ComponentGraph(design))
    assert network_index(ctx).ports_once is not shared
    fired = _same_as_each(design)
    # the breakages make every rule fire, so no comparison is between two empty answers
    assert fired == {r.id for r in BATCHED} - ({"CAB-015"} if not shared else set())


def full_runs_agree(monkeypatch, design, batched) -> list[dict]:
    """The findings of a full run with the `batched` rules' batches (as JSON), asserted to equal
    those of a full run without them."""

    def text():
        found = CheckEngine(design, ComponentGraph(design), builtin_registry()).run_full()
        return json.dumps([f.to_json() for f in found], ensure_ascii=False)

    with_batches = text()
    for rule in batched:
        monkeypatch.delattr(rule.fn, "batch")
    assert with_batches == text()
    return json.loads(with_batches)


def test_a_full_run_with_the_batches_equals_one_without(monkeypatch):
    found = full_runs_agree(monkeypatch, _broken_hall(4), BATCHED)
    assert sum(1 for line in found if line["rule"].startswith("CAB-")) >= 20
