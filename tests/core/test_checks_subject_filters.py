"""A rule's `kinds` and `parts` (Rule.kinds, Rule.parts) only spare a full run the subjects the
rule cannot fire on: over the example pod and a generated hall broken at random (devices turned
round, coolant cut, parts given odd figures, a warm hall, racks of the other width and unit
system), each rule yields nothing on every subject its declaration leaves out, and a full run finds
the same, byte for byte, with every declaration dropped and without the space rules' batches."""
from __future__ import annotations

import dataclasses
import json
import random

import pytest

from rackstudio.checks import CheckEngine, builtin_registry
from rackstudio.checks.registry import RuleRegistry
from rackstudio.checks.rule import Scope
from rackstudio.checks.scope import FullRunSubjects, subjects
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import load
from rackstudio.model.units import UnitSystem
from rackstudio.paths import example_design


def _broken(design, seed: int):
    rng = random.Random(seed)
    d = design
    for dev_id in rng.sample(sorted(d.devices), len(d.devices) // 5):
        device = d.devices[dev_id]
        if device.rack is not None and device.position is not None and device.parent is None:
            d.put("devices", device.model_copy(update={"face": "rear" if device.face == "front" else "front"}))
    coolant = sorted(c for c, conn in d.connections.items() if conn.kind == "coolant")
    for conn_id in rng.sample(coolant, len(coolant) // 3):
        d.delete(conn_id)
    for slug in rng.sample(sorted(d.part_types), max(1, len(d.part_types) // 3)):
        part = d.part_types[slug]
        ext = part.rackstudio
        cooling = ext.cooling.model_copy(update={"ashrae_air_class": rng.choice(("A1", "a4 ", "H1", None)),
                                                 "airflow_cfm": rng.choice((None, ext.cooling.airflow_cfm))})
        ext = ext.model_copy(update={"cooling": cooling, "depth_mm": rng.choice((None, 700.0, 1400.0)),
                                     "rail_range_mm": rng.choice((None, (600.0, 700.0)))})
        d.part_types[slug] = part.model_copy(update={"rackstudio": ext})
    for hall_id in d.halls:
        d.put("halls", d.halls[hall_id].model_copy(update={"supply_air_c": rng.choice((24.0, 30.0, 36.0))}))
    for slug in rng.sample(sorted(d.rack_types), max(1, len(d.rack_types) // 2)):
        rt = d.rack_types[slug]
        d.rack_types[slug] = rt.model_copy(update={"outer_depth_mm": 1000.0, "width_class": "21in",
                                                   "unit_system": UnitSystem.OU})
    return d


@pytest.fixture(scope="module", params=["pod", "hall"])
def design(request):
    if request.param == "pod":
        return _broken(load(example_design()).design, seed=1)
    return _broken(generate_hall(12, seed=5), seed=2)


def _declaring(registry) -> list:
    return [r for r in registry if r.kinds or r.parts is not None]


def test_a_rule_fires_on_no_subject_its_declaration_leaves_out(design):
    engine = CheckEngine(design, ComponentGraph(design))
    engine.run_full()
    ctx = engine.ctx
    narrowed = FullRunSubjects(ctx)
    declaring = _declaring(engine.registry)
    assert {"COOL-003", "COOL-009", "COOL-010", "COOL-013", "SPC-002"} <= {r.id for r in declaring}
    left_out = 0
    for rule in declaring:
        for scope in rule.scopes:
            kept = set(narrowed.of(scope, rule.kinds, rule.parts))
            assert kept <= set(subjects(ctx, scope))
            for subject in subjects(ctx, scope):
                if subject not in kept:
                    left_out += 1
                    assert list(rule.fn(ctx, subject)) == [], (rule.id, subject)
    assert left_out > 0


def _unbatched(rule):
    """The rule with its space batch (SPC-011/012: rules.space._mounted_where) left out."""
    if rule.id.startswith("SPC-") and hasattr(rule.fn, "batch"):
        return dataclasses.replace(rule, fn=lambda ctx, subject, fn=rule.fn: fn(ctx, subject))
    return rule


def test_a_full_run_finds_the_same_with_every_declaration_dropped(design):
    narrowed = CheckEngine(design, ComponentGraph(design)).run_full()
    fired = {f.rule for f in narrowed}
    assert {"COOL-003", "COOL-009", "COOL-010", "SPC-011", "SPC-012"} <= fired
    plain = RuleRegistry(_unbatched(dataclasses.replace(r, kinds=(), parts=None)) for r in builtin_registry())
    every = CheckEngine(design, ComponentGraph(design), plain).run_full()
    assert json.dumps([f.to_json() for f in narrowed]) == json.dumps([f.to_json() for f in every])


def test_cdu_subjects_are_the_devices_whose_part_is_a_cdu(design):
    ctx = CheckEngine(design, ComponentGraph(design)).ctx
    assert FullRunSubjects(ctx).of(Scope.CDU) == subjects(ctx, Scope.CDU)
