"""The check engine's fast paths give the findings the plain paths give, to the byte, on a
generated hall: PWR-005's bound and its failure scenarios worked out from the normal flow (a full
run) against every scenario computed from scratch; the coolant loops and renamed-device findings
an update keeps or re-runs against a full run after a sequence of edits (each finding's JSON)."""
from __future__ import annotations

import json
import math

import pytest

from rackstudio.checks import CheckEngine, builtin_registry, power_flow
from rackstudio.checks.rule import Scope
from rackstudio.checks.rules import failover
from rackstudio.checks.scope import Snapshot, affected
from rackstudio.commands import Disconnect, MoveDevice, RemoveDevice, SetProperty
from rackstudio.document import Document
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph


def _text(findings) -> str:
    return json.dumps([f.to_json() for f in findings], ensure_ascii=False)


@pytest.fixture(scope="module")
def hall():
    """The 36-rack hall test_one_answer checks, a third of its feeds cut to 35 % of their rating
    (so PWR-001/005 fire on dozens of feeds and PDUs)."""
    design = generate_hall(36, seed=3)
    for n, feed_id in enumerate(sorted(design.feeds)):
        if n % 3 == 0:
            feed = design.feeds[feed_id]
            design.put("feeds", feed.model_copy(update={"amperage_a": feed.amperage_a * 0.35}))
    return design


def _full(design):
    return CheckEngine(design, ComponentGraph(design), builtin_registry()).run_full()


def test_failure_scenarios_from_the_normal_flow_equal_each_computed_from_scratch(hall, monkeypatch):
    fast = _full(hall)
    assert sum(f.rule == "PWR-005" for f in fast) >= 10
    monkeypatch.setattr(power_flow, "acyclic", lambda ctx: False)  # every scenario from scratch
    monkeypatch.setattr(failover, "most_carried", lambda ctx, node: math.inf)  # no survivor skipped
    monkeypatch.setattr(failover, "most_after_one_failure", lambda ctx, node: None)
    plain = _full(hall)
    assert _text(fast) == _text(plain)


def _move_candidates(design, count: int) -> list[tuple[str, str, float]]:
    """(cabled device, the blanking panel next to it, its unit): moving there renames the device
    (a generated device's name holds its unit)."""
    found = []
    for rack_id in sorted(design.racks):
        by_pos = {design.devices[d].position: design.devices[d] for d in sorted(design.contents(rack_id))}
        for pos, device in by_pos.items():
            part = design.part_of(device)
            blank = by_pos.get(pos + 1 if pos is not None else None)
            if (pos is None or part.u_height != 1 or part.rackstudio.category.value == "blank"
                    or not design.connections_of(device.id) or blank is None
                    or design.part_of(blank).rackstudio.category.value != "blank"):
                continue
            found.append((device.id, blank.id, pos + 1))
            break
        if len(found) == count:
            break
    return found


def test_updates_through_moves_renames_and_coolant_edits_equal_a_full_run(hall):
    doc = Document(hall.model_copy(deep=True))
    engine = CheckEngine(doc.design, doc.graph, builtin_registry())
    engine.run_full()

    def do(command):
        changes = command.apply(doc.design)
        doc.graph.apply(changes)
        engine.update(changes)
        return command

    def undo(command):
        changes = command.revert(doc.design)
        doc.graph.apply(changes)
        engine.update(changes)

    done = []
    for dev_id, blank_id, unit in _move_candidates(doc.design, 6):
        done.append(do(RemoveDevice(blank_id)))
        before = doc.design.devices[dev_id].name
        done.append(do(MoveDevice(dev_id, position=unit)))
        assert doc.design.devices[dev_id].name != before  # the move renamed it: the rename path ran
        assert _text(engine.findings()) == _text(_full(doc.design))
    pdu = next(d for d in sorted(doc.design.devices) if doc.design.part_of(doc.design.devices[d]).rackstudio.pdu)
    done.append(do(SetProperty(pdu, "name", "Renamed PDU")))  # named in the PWR-010 findings below it
    assert _text(engine.findings()) == _text(_full(doc.design))
    rack = doc.design.devices[pdu].rack
    snapshot = Snapshot.of(doc.design)
    rename = SetProperty(rack, "name", "Renamed rack")
    changes = rename.apply(doc.design)
    dirty = affected(engine.ctx, changes, snapshot)
    rename.revert(doc.design)
    # a rack's new name re-runs the rack, its devices and cables, and the findings that said the old
    # name; not the floor's rules (its overlaps and aisles: 40 ms a rename at L)
    assert dirty.renamed == {rack: snapshot.records.get(rack).name} and not dirty.of(Scope.FLOOR)
    done.append(do(rename))
    assert _text(engine.findings()) == _text(_full(doc.design))
    coolant = sorted(c for c, rec in doc.design.connections.items() if rec.kind == "coolant")
    for conn_id in coolant[:3]:
        done.append(do(Disconnect(conn_id)))  # COOL-003 fires: the loops the engine kept must go
    assert _text(engine.findings()) == _text(_full(doc.design))
    for command in reversed(done):
        undo(command)
    assert _text(engine.findings()) == _text(_full(hall))
