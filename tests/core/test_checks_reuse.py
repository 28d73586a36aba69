"""Check results reused across the instances of a rack design (checks.reuse): a generated hall made
of instances checks to the same findings, byte for byte, with reuse on and off, with the
rack-internal rules made to fire in every rack (so every copied finding is renamed); each internal
rule is evaluated on two instances per rack design; an instance with an override, one edited by
hand and a detached rack are evaluated as themselves; an edit of a rack design re-checks it once.

The hall has RACKSTUDIO_REUSE_TEST_RACKS racks (400 by default, ≈ 30 s; the 1,000-rack L takes
about a minute and a half of CPU, as `python -m benchmarks.bench_reuse` checks it)."""
from __future__ import annotations

import dataclasses
import json
import os
from collections import defaultdict

import pytest

from rackstudio.checks import CheckEngine, RuleRegistry, reuse
from rackstudio.checks.registry import builtin_rules
from rackstudio.commands import SetProperty
from rackstudio.commands.rack_designs import DetachInstance, EditRackDesign, SetOverride
from rackstudio.document import Document
from rackstudio.generate import example_pod, generate_hall, make_rack_designs
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps, parse
from rackstudio.model.design import Design, DeviceOverride
from rackstudio.model.rack_designs import instances

RACKS = int(os.environ.get("RACKSTUDIO_REUSE_TEST_RACKS", "400"))
INTERNAL = {r.id for r in builtin_rules() if r.rack_internal}


def strict(design: Design) -> Design:
    """Settings and a floor under which the rack-internal rules fire in every rack: DACs near
    their reach (CAB-002), deep devices (SPC-002 with a front setback), weight (SPC-003), centre of
    gravity (SPC-005), floor load (SPC-006)."""
    design.settings = design.settings.model_copy(update={
        "dac_margin": 0.05, "front_setback_mm": 500.0, "weight_warning": 0.05, "cog_limit": 0.1})
    for hall in list(design.halls.values()):
        design.put("halls", hall.model_copy(update={"floor_rating_kg_m2": 300.0}))
    return design


def spied(seen: dict[str, list[str]]) -> RuleRegistry:
    """The built-in rules, each noting the subjects it is evaluated on."""
    def wrap(rule):
        def fn(ctx, subject):
            seen[rule.id].append(subject)
            return rule.fn(ctx, subject)
        return dataclasses.replace(rule, fn=fn)
    return RuleRegistry(wrap(r) for r in builtin_rules())


def text(findings) -> str:
    return json.dumps([f.to_json() for f in findings], indent=1)


def rack_of_subject(design: Design, subject: str) -> str | None:
    head = subject.partition(".")[0]
    return head if head in design.racks else None


@pytest.fixture(scope="module")
def pods_text() -> str:
    """Two pods of instances, as text (each test edits its own copy)."""
    design = generate_hall(36, 0)
    make_rack_designs(design)
    return dumps(strict(design))


@pytest.fixture(scope="module")
def hall() -> Design:
    design = generate_hall(RACKS, 0)
    make_rack_designs(design)
    return strict(design)


def test_a_hall_of_instances_checks_the_same_byte_for_byte_with_reuse_on_and_off(hall):
    graph = ComponentGraph(hall)
    seen: dict[str, list[str]] = defaultdict(list)
    on = CheckEngine(hall, graph, spied(seen), reuse=True)
    found_on = on.run_full()
    found_off = CheckEngine(hall, graph, reuse=False).run_full()
    assert text(found_on) == text(found_off)
    # every rack is an instance, and the internal rules found something in each: copies were renamed
    assert all(r.rack_design for r in hall.racks.values())
    named = {rack_of_subject(hall, o) for f in found_off if f.rule in INTERNAL for o in f.objects}
    assert named >= set(hall.racks)
    assert {f.rule for f in found_off} >= {"CAB-002", "SPC-002", "SPC-003", "SPC-005", "SPC-006"}
    # no witness read otherwise (a wrong renaming would), and each internal rule ran on two
    # instances of each rack design only
    assert on.reused["refused"] == 0 and on.reused["copied"] > 0
    for rule_id in INTERNAL:
        racks = {rack_of_subject(hall, s) for s in seen[rule_id]} - {None}
        assert len(racks) <= 2 * len(hall.rack_designs), rule_id


def test_overridden_hand_edited_and_detached_instances_are_checked_as_themselves(pods_text):
    doc = Document(parse(pods_text).design)
    design = doc.design
    seen: dict[str, list[str]] = defaultdict(list)
    engine = doc.attach_check_engine(spied(seen))
    assert engine.reuse
    slug = max(design.rack_designs, key=lambda s: len(instances(design, s)))
    racks = instances(design, slug)
    assert len(racks) >= 4
    rd = design.rack_designs[slug]
    emptied = max((design.part_types[d.part].weight_kg or 0, k) for k, d in rd.devices.items()
                  if d.parent is None and d.position is not None)[1]  # the heaviest: the centre of gravity moves
    overridden, detached, moved = racks[-1], racks[-2], racks[-3]
    doc.execute(SetOverride(overridden, emptied, DeviceOverride(empty=True)))
    doc.execute(DetachInstance([detached]))
    doc.execute(SetProperty(f"{moved}.{emptied}", "allocated_w", 1234.0))  # a record edited by hand
    for rack_id in (overridden, detached, moved):
        assert reuse.follows(engine.ctx, rack_id) is None
    full_off = CheckEngine(design, ComponentGraph(design), reuse=False).run_full()
    assert text(engine.findings()) == text(full_off)
    seen.clear()
    assert text(engine.run_full()) == text(full_off)
    # the three are evaluated as themselves; of the instances that follow, two per rule
    for rule_id in ("SPC-005", "COOL-011", "SPC-001", "SPC-003"):
        evaluated = set(seen[rule_id]) & set(racks)
        assert {overridden, detached, moved} <= evaluated, rule_id
        assert len(evaluated - {overridden, detached, moved}) == 2, rule_id
    # and their own findings differ from the others' (a slot left empty moves the centre of gravity)
    cog = {f.objects[0]: f.message for f in full_off if f.rule == "SPC-005" and f.aspect == "cog"}
    follower = racks[0]
    renamed = cog[follower].replace(design.racks[follower].name, design.racks[overridden].name)
    assert cog[overridden] != renamed


def test_an_edit_of_a_rack_design_is_checked_once_for_its_instances(pods_text):
    doc = Document(parse(pods_text).design)
    design = doc.design
    seen: dict[str, list[str]] = defaultdict(list)
    engine = doc.attach_check_engine(spied(seen))
    # a blanking panel taken out of the air-cooled racks' design: each instance opens a unit (COOL-011)
    slug, blank = next((s, k) for s, rd in sorted(design.rack_designs.items()) for k, d in sorted(rd.devices.items())
                       if design.part_types[d.part].category.value == "blank")
    racks = instances(design, slug)
    rd = design.rack_designs[slug]
    before = {f.objects[0]: f.message for f in engine.findings() if f.rule == "COOL-011"}
    seen.clear()
    doc.execute(EditRackDesign(rd.model_copy(update={
        "revision": "B", "devices": {k: d for k, d in rd.devices.items() if k != blank}})))
    full_off = CheckEngine(design, ComponentGraph(design), reuse=False).run_full()
    assert text(engine.findings()) == text(full_off)
    after = {f.objects[0]: f.message for f in full_off if f.rule == "COOL-011"}
    assert all(after[r] != before.get(r) for r in racks)
    for rule_id in ("SPC-005", "COOL-011", "SPC-001", "SPC-003"):
        assert len(set(seen[rule_id]) & set(racks)) == 2, rule_id
    doc.undo()
    assert text(engine.findings()) == text(CheckEngine(design, ComponentGraph(design), reuse=False).run_full())


def test_the_switch_reads_the_environment(monkeypatch):
    design = example_pod()
    monkeypatch.setenv(reuse.ENV, "0")
    assert not CheckEngine(design, ComponentGraph(design)).reuse
    monkeypatch.setenv(reuse.ENV, "1")
    assert CheckEngine(design, ComponentGraph(design)).reuse
    monkeypatch.delenv(reuse.ENV)
    assert CheckEngine(design, ComponentGraph(design)).reuse


def test_renaming_replaces_the_rack_id_and_name_only():
    from rackstudio.checks.rule import Finding, Severity
    from rackstudio.model.design import Rack

    one = Rack(id="rk-1", name="P1-A01", rack_type="t", hall="h", x_mm=0, y_mm=0)
    other = Rack(id="rk-12", name="P3-B07", rack_type="t", hall="h", x_mm=0, y_mm=0)
    f = Finding("CAB-002", Severity.WARNING, "Cable rk-1.c3 (P1-A01-sw:p1 - P1-A01-tray-1:p2) in rk-1",
                ("rk-1.c3", "rk-1", "part-x"), {"ports": ["P1-A01-sw:p1"], "n": 3, "first": "rk-1.c2"}, "rk-1.sw:p1")
    g = reuse.renamer(one, other)(f)
    assert g.message == "Cable rk-12.c3 (P3-B07-sw:p1 - P3-B07-tray-1:p2) in rk-12"
    assert g.objects == ("rk-12.c3", "rk-12", "part-x") and g.aspect == "rk-12.sw:p1"
    assert g.figures == {"ports": ["P3-B07-sw:p1"], "n": 3, "first": "rk-12.c2"}
