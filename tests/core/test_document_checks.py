"""A Document with live checks: attach_check_engine runs the engine in full, every later edit (execute,
undo, redo, and the GUI's apply/revert) updates it before `changed` reaches listeners, and a
Document without checks works as before. Failure simulation: what a feed, panel or CDU failure
takes down in the example pod."""
from __future__ import annotations

import pytest

from rackstudio.checks import CheckEngine, RuleRegistry, builtin_registry
from rackstudio.checks.simulation import can_fail, simulate
from rackstudio.commands import MoveDevice, PlaceDevice, SetProperty
from rackstudio.document import Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import load
from rackstudio.paths import example_design
from tests.core import builders
from tests.core.check_builders import Bench
from tests.core.check_builders import load as load_part


def _full(design):
    return CheckEngine(design, ComponentGraph(design)).run_full()


def _bench() -> Bench:
    b = Bench()
    b.rack("rk-1", x=1000, y=1000)
    b.set("rk-1", "power_budget_kw", 20)
    return b


def test_a_document_without_checks_edits_as_before():
    doc = Document(builders.empty_design())
    seen = []
    doc.changed.connect(seen.append)
    doc.execute(SetProperty("hall-1", "name", "Hall A"))
    assert doc.check_engine is None and len(seen) == 1


def test_attach_check_engine_runs_in_full_and_edits_update_before_listeners_hear():
    b = _bench()
    doc = b.doc
    engine = doc.attach_check_engine()
    assert doc.check_engine is engine and engine.findings() == _full(doc.design)
    heard, deltas = [], []
    engine.changed.connect(deltas.append)
    # a listener of the document reads the findings: they already include the edit
    doc.changed.connect(lambda _changes: heard.append([f.rule for f in doc.check_engine.findings()]))
    doc.execute(PlaceDevice(load_part(30000, slug="big"), rack="rk-1", position=20, device_id="dv-big"))
    assert "PWR-014" in heard[-1]
    assert any(f.rule == "PWR-014" for f in deltas[-1].added)
    doc.undo()
    assert "PWR-014" not in heard[-1] and any(f.rule == "PWR-014" for f in deltas[-1].removed)
    doc.redo()
    assert engine.findings() == _full(doc.design)
    # the GUI's undo stack calls apply/revert directly: the same path
    move = MoveDevice("dv-big", position=30)
    doc.apply_command(move)
    assert engine.findings() == _full(doc.design)
    doc.revert_command(move)
    assert engine.findings() == _full(doc.design)


def test_attach_check_engine_takes_a_registry_and_attaching_again_replaces_the_engine():
    doc = _bench().doc
    empty = doc.attach_check_engine(RuleRegistry())
    assert empty.findings() == [] and empty.rules_run() == []
    full = doc.attach_check_engine(builtin_registry())
    assert doc.check_engine is full and full.rules_run()
    doc.execute(PlaceDevice(load_part(30000, slug="big"), rack="rk-1", position=20, device_id="dv-big"))
    assert empty.findings() == []  # the replaced engine no longer follows the document
    doc.detach_check_engine()
    doc.undo()
    assert doc.check_engine is None


def test_a_check_job_runs_on_a_snapshot_and_is_adopted_with_the_edits_made_meanwhile():
    b = _bench()
    doc = b.doc
    job = doc.check_job()
    # edits while the job would be running on its thread: the snapshot does not see them
    doc.execute(PlaceDevice(load_part(30000, slug="big"), rack="rk-1", position=20, device_id="dv-big"))
    doc.execute(SetProperty("rk-1", "power_budget_kw", 25))
    engine = job.run()
    assert "dv-big" not in job.design.devices and not any(f.rule == "PWR-014" for f in engine.findings())
    assert doc.adopt_check_engine(job) is engine and doc.check_engine is engine
    assert engine.design is doc.design and engine.graph is doc.graph
    assert engine.findings() == _full(doc.design)
    doc.undo()
    doc.undo()
    assert engine.findings() == _full(doc.design)
    assert doc.adopt_check_engine(job) is None  # adopted once


def test_the_graph_is_built_when_first_asked_and_a_job_s_graph_is_taken_over():
    doc = Document(_bench().design)
    assert not doc.has_graph  # opening builds none: the first paint needs none
    doc.execute(SetProperty("rk-1", "power_budget_kw", 22))
    assert not doc.has_graph
    job = doc.check_job()
    doc.execute(PlaceDevice(load_part(3000, slug="small"), rack="rk-1", position=20, device_id="dv-small"))
    engine = job.run()
    assert doc.adopt_check_engine(job) is engine and doc.has_graph
    assert doc.graph is engine.graph and doc.graph.design is doc.design  # the job's, not a second build
    assert doc.graph.snapshot() == ComponentGraph(doc.design).snapshot()  # with the edit made meanwhile
    assert engine.findings() == _full(doc.design)
    doc.undo()
    assert doc.graph.snapshot() == ComponentGraph(doc.design).snapshot()


def test_a_dropped_job_is_not_adopted():
    doc = _bench().doc
    job = doc.check_job()
    job.run()
    doc.detach_check_engine()
    assert doc.adopt_check_engine(job) is None and doc.check_engine is None


def _deferring(monkeypatch, in_full):
    """A document whose engine defers the full runs its updates would make while `in_full[0]`."""
    from rackstudio.checks import engine as engine_module

    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: in_full[0])
    doc = _bench().doc
    engine = doc.attach_check_engine()
    engine.defer_full = True
    return doc, engine


def _overload():
    return PlaceDevice(load_part(30000, slug="big"), rack="rk-1", position=20, device_id="dv-big")


def test_a_deferred_full_run_is_run_by_a_job_and_taken_with_the_edits_made_meanwhile(monkeypatch):
    """An update that would run in full leaves the engine pending (the app runs that full run on a
    worker): its findings are of before the edit, so the document shows no engine meanwhile, and
    later edits change nothing until the job's run is taken; then it is a fresh full run's."""
    in_full = [True]
    doc, engine = _deferring(monkeypatch, in_full)
    before = engine.findings()
    doc.execute(_overload())
    assert engine.pending and doc.checks_pending and doc.check_engine is None and engine.findings() == before
    with pytest.raises(RuntimeError):  # nothing to preview a command against meanwhile
        engine.preview(SetProperty("rk-1", "power_budget_kw", 30))
    job = doc.check_job(engine.registry)
    in_full[0] = False
    doc.execute(SetProperty("rk-1", "power_budget_kw", 25))  # while the job runs: still pending
    assert engine.pending and engine.findings() == before
    job.run()
    assert doc.adopt_check_engine(job) is engine and doc.check_engine is engine and not engine.pending
    assert engine.findings() == _full(doc.design) != before
    doc.undo()
    doc.undo()
    assert engine.findings() == _full(doc.design) == before


def test_the_undo_of_a_deferring_edit_ends_the_wait_and_its_job_is_dropped(monkeypatch):
    """Undone while its full run is due, the edit that deferred it leaves the engine as it was, with
    nothing to wait for: the job's run is not taken. Taken with no edit since, the run keeps the
    state from before the edit for its undo, which then runs nothing."""
    doc, engine = _deferring(monkeypatch, [True])
    before = engine.findings()
    doc.execute(_overload())
    job = doc.check_job(engine.registry)
    doc.undo()
    assert not engine.pending and doc.check_engine is engine and engine.findings() == before == _full(doc.design)
    job.run()
    assert doc.adopt_check_engine(job) is None and engine.findings() == before
    doc.redo()
    assert engine.pending
    job = doc.check_job(engine.registry)
    job.run()
    assert doc.adopt_check_engine(job) is engine and engine.findings() == _full(doc.design)
    runs = []
    monkeypatch.setattr(engine, "_evaluate_all", lambda *args, **kw: runs.append(args))
    doc.undo()
    assert not runs and not engine.pending and engine.findings() == before == _full(doc.design)


def test_an_edit_touching_a_quarter_of_the_design_is_deferred_without_a_walk(monkeypatch):
    """An edit touching a quarter of a large design's records (a pod of 266 racks of L deleted:
    40,000 records) defers its run before walking what it affects, which alone costs 0.3 s."""
    from rackstudio.checks import engine as engine_module

    doc, engine = _deferring(monkeypatch, [False])
    monkeypatch.setattr(engine_module, "DEFER_UNWALKED", 1)
    walked = []
    affected = engine_module.affected
    monkeypatch.setattr(engine_module, "affected", lambda *args: walked.append(1) or affected(*args))
    doc.execute(_overload())
    assert engine.pending and not walked
    job = doc.check_job(engine.registry)
    job.run()
    assert doc.adopt_check_engine(job) is engine and engine.findings() == _full(doc.design)


@pytest.fixture(scope="module")
def pod():
    doc = Document(load(example_design()).design)
    names = {getattr(r, "name", ""): r.id for coll in ("devices", "feeds", "panels", "upses")
             for r in getattr(doc.design, coll).values()}
    return doc, names


def test_failing_a_rack_feed_darkens_its_pdu_and_degrades_the_dgx_servers(pod):
    doc, n = pod
    sim = simulate(doc.design, doc.graph, n["P1-B01-A"])
    assert sim.kind == "power"
    assert sim.dark == (n["P1-B01-PDU-A"],)
    assert sorted(sim.degraded) == sorted([n["P1-B01-U2"], n["P1-B01-U13"]])
    assert sim.overloads == ()
    assert sim.summary(doc.design) == ("Failure of P1-B01-A: 1 device loses power (P1-B01-PDU-A); 2 lose redundancy "
                                       "(P1-B01-U13, P1-B01-U2); no survivor over capacity")


def test_failing_a_panel_and_the_only_cdu(pod):
    doc, n = pod
    panel = simulate(doc.design, doc.graph, n["Panel A"])
    assert {doc.design.devices[x].name for x in panel.dark} >= {"P1-B01-PDU-A", "P1-B04-PDU-A"}
    assert n["P1-B01-U2"] in panel.degraded
    cdu = simulate(doc.design, doc.graph, n["P1-CDU1"])
    assert cdu.kind == "coolant" and cdu.degraded == () and len(cdu.dark) > 100
    assert "lose cooling" in cdu.summary(doc.design)


def test_only_power_and_coolant_elements_can_fail(pod):
    doc, n = pod
    assert can_fail(doc.design, doc.graph, n["P1-B01-A"]) and can_fail(doc.design, doc.graph, n["UPS A"])
    assert can_fail(doc.design, doc.graph, n["P1-B01-PDU-A"]) and can_fail(doc.design, doc.graph, n["P1-CDU1"])
    assert not can_fail(doc.design, doc.graph, n["P1-B01-U2"])
    with pytest.raises(ValueError):
        simulate(doc.design, doc.graph, n["P1-B01-U2"])
