"""The check engine: incremental updates equal a full run (hypothesis), locality of a device move,
waivers, a raising rule, disabled rules and severity overrides, preview of a command."""
from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackstudio.checks import CheckEngine, Hit, RuleRegistry, Scope, Severity, builtin_registry, rule
from rackstudio.checks import engine as engine_module
from rackstudio.checks.metrics import OnDemandMetrics
from rackstudio.checks.registry import NOT_CHECKED, builtin_rules
from rackstudio.checks.waivers import waiver_for
from rackstudio.commands import (
    AddRecord,
    Connect,
    Disconnect,
    InstallModule,
    MoveDevice,
    MoveRack,
    PlaceDevice,
    Refused,
    RemoveDevice,
    RemoveModule,
    RemoveRecord,
    SetProperty,
)
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.library import parse_device_type
from rackstudio.model import PartType, PortRef, Waiver
from rackstudio.model.modules import ModuleType
from tests.core import builders
from tests.core.check_builders import Bench, busbar_rack, cdu, load, manifold, pdu, shelf, tray


def full_run(design):
    """A fresh engine's full run that evaluates every subject itself (no results reused)."""
    return CheckEngine(design, ComponentGraph(design), reuse=False).run_full()


# --- the invariant: incremental == full ----------------------------------------------------------------

PARTS = {
    "server": builders.server(),
    "switch": builders.switch(),
    "load": load(9000, ports=2, slug="load2", cooling={"ashrae_air_class": "A2"}, depth_mm=1100),
    "liquid": load(20000, ports=2, slug="liquid2", cooling={"method": "hybrid", "liquid_fraction": 0.7,
                                                            "coolant_ports": [{"name": "Q1"}]}),
    "tray": tray(),
    "shelf": shelf(),
    "blank": builders.blank(),
    "pdu": pdu(bank_a=16, outlet_rating_a={"iec-60320-c19": 16}),
    # a NetBox PDU with no figures: an L21-30 inlet (208 V class, 30 A), its volts from its feed (PWR-021)
    "nema": parse_device_type("manufacturer: Acme\nmodel: L21 PDU\nslug: acme-l21\nu_height: 0\n"
                              "power-ports:\n  - name: Inlet\n    type: nema-l21-30p\npower-outlets:\n"
                              + "".join(f"  - name: N{i}\n    type: iec-60320-c19\n    power_port: Inlet\n"
                                        f"    feed_leg: {'ABC'[i % 3]}\n" for i in range(6))).part,
    "manifold": manifold(6),
    "heavy": load(300, slug="heavy", u_height=2, weight=600, power={"inrush_a": 90}),
    "xdr": load(1500, slug="xdr", interfaces=[{"name": f"x{i}", "type": "infiniband-xdr"} for i in range(4)],
                required_ports=("x0",)),
    "hdr": builders.switch(slug="hdr", interfaces=[{"name": f"h{i}", "type": "200gbase-x-qsfp56"} for i in range(4)]),
    # a management switch whose first port is its own mgmt0: cabled to a data NIC, CAB-016
    "oob": builders.switch(slug="oob", interfaces=[{"name": "mgmt0", "type": "1000base-t", "mgmt_only": True}]
                           + [{"name": f"ge{i}", "type": "1000base-t"} for i in range(1, 5)]),
    # PSUs and a NIC as modules: unknown power (PWR-016) until a PSU module goes in, derived after
    "modular": PartType.model_validate({
        "manufacturer": "Test", "model": "Modular 2U", "slug": "modular", "u_height": 2, "weight": 20,
        "weight_unit": "kg", "interfaces": [{"name": "bmc", "type": "1000base-t", "mgmt_only": True}],
        "module-bays": [{"name": "PSU-1", "position": "PSU-1"}, {"name": "PSU-2", "position": "PSU-2"},
                        {"name": "OCP", "position": "OCP-1"}]}),
}
MODULES = [ModuleType.model_validate({"manufacturer": "Test", "model": "PSU 1400",
                                      "power_ports": [{"name": "{module}", "type": "iec-60320-c14",
                                                       "maximum_draw": 1400}]}),
           ModuleType.model_validate({"manufacturer": "Test", "model": "NIC 2x400G",
                                      "interfaces": [{"name": f"{{module}}/{n}", "type": "400gbase-x-osfp"}
                                                     for n in (1, 2)]})]


def _world() -> Bench:
    b = Bench()
    b.set("hall-1", "floor_rating_kg_m2", 1200)
    b.set("hall-1", "tile_point_load_kg", 300)
    b.row("row-1", facing="S", cold_aisle="front", air_cooling_capacity_kw=40)
    b.rack("rk-1", x=1000, y=1000, row="row-1")
    b.rack("rk-2", x=1600, y=1000, row="row-1")
    b.rack("rk-3", x=4000, y=5000, rack_type=busbar_rack(air_cooling_capacity_kw=15))
    b.set("rk-1", "power_budget_kw", 20)
    b.set("rk-2", "air_cooling_capacity_kw", 25)
    b.place(PARTS["pdu"], "pdu-a", rack="rk-1", side="left")
    b.place(PARTS["pdu"], "pdu-b", rack="rk-1", side="right")
    b.place(PARTS["pdu"], "pdu-c", rack="rk-2", side="left")
    b.power("pdu-a", "Inlet", "feed-a")
    b.power("pdu-b", "Inlet", "feed-b")
    b.place(cdu(capacity_kw=30, flow_lpm=40, redundancy="N"), "cdu-1", hall="hall-1", x_mm=8000, y_mm=1000,
            rack=None)
    b.place(PARTS["manifold"], "mf", rack="rk-3", side="right")
    b.coolant(("mf", "M0"), ("cdu-1", "L1"))
    b.place(PARTS["shelf"], "sh-1", rack="rk-3", position=1)
    b.power("sh-1", "AC1", "feed-a")
    b.place(PARTS["tray"], "tr-1", rack="rk-3", position=5)
    b.place(PARTS["server"], "srv-1", rack="rk-1", position=1)
    for i in range(1, 7):
        b.power("srv-1", f"PSU{i}", "pdu-a" if i <= 3 else "pdu-b", f"O{i}")
    b.place(PARTS["modular"], "mod-1", rack="rk-2", position=30)
    return b


def _free_port(design, owner: str, kind: str, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if design.port_connection(kind, owner, n) is None]


def _command(data, design):
    devices = sorted(design.devices)
    conns = sorted(design.connections)
    racks = sorted(design.racks)
    op = data.draw(st.sampled_from(["place", "place", "move", "remove", "power", "power", "network", "network",
                                    "coolant", "coolant", "disconnect", "undo", "alloc", "rename", "feed", "rack",
                                    "row", "waiver", "module", "module"]))
    if op == "module":
        modular = [d for d in devices if design.part_types[design.devices[d].part].module_bays]
        if not modular:
            return None
        dev = data.draw(st.sampled_from(modular))
        fitted = sorted(design.devices[dev].modules or {})
        if fitted and data.draw(st.booleans()):
            return RemoveModule(dev, data.draw(st.sampled_from(fitted)))
        return InstallModule(dev, data.draw(st.sampled_from(["PSU-1", "PSU-2", "OCP"])),
                             data.draw(st.sampled_from(MODULES)))
    if op == "place":
        part = PARTS[data.draw(st.sampled_from(sorted(PARTS)))]
        rack = data.draw(st.sampled_from(racks))
        if part.u_height == 0:
            return PlaceDevice(part, rack=rack, side=data.draw(st.sampled_from(["left", "right"])))
        return PlaceDevice(part, rack=rack, position=data.draw(st.integers(1, 46)),
                           face=data.draw(st.sampled_from(["front", "rear"])))
    if op in ("move", "remove", "alloc", "rename") and devices:
        dev = data.draw(st.sampled_from(devices))
        if op == "remove":
            return RemoveDevice(dev)
        if op == "alloc":
            return SetProperty(dev, "allocated_w", data.draw(st.sampled_from([None, 500.0, 12000.0, 25000.0])))
        if op == "rename":
            return SetProperty(dev, "name", data.draw(st.sampled_from(["A", "B", "C"])) + dev)
        if design.devices[dev].position is None:
            return None
        return MoveDevice(dev, rack=data.draw(st.sampled_from(racks)), position=data.draw(st.integers(1, 46)),
                          face=data.draw(st.sampled_from(["front", "rear"])))
    if op == "power":
        inlets = {d: _free_port(design, d, "power", tuple(p.name for p in design.part_of(design.devices[d]).power_ports))
                  for d in devices}
        users = [d for d in devices if inlets[d]]
        if not users:
            return None
        dev = data.draw(st.sampled_from(users))
        pdus = [d for d in devices if design.part_of(design.devices[d]).power_outlets and d != dev]
        supplier = data.draw(st.sampled_from(["feed-a", "feed-b", *pdus]))
        outlet = ""
        if supplier in design.devices:
            outs = _free_port(design, supplier, "power",
                              tuple(o.name for o in design.part_of(design.devices[supplier]).power_outlets))
            if not outs:
                return None
            outlet = data.draw(st.sampled_from(outs))
        return Connect("power", PortRef(owner=dev, port=data.draw(st.sampled_from(inlets[dev]))),
                       PortRef(owner=supplier, port=outlet))
    if op in ("network", "coolant"):
        names = {d: _free_port(design, d, op, design.part_of(design.devices[d]).port_names(op)) for d in devices}
        ends = [d for d in devices if names[d]]
        if len(ends) < 2:
            return None
        a, b = data.draw(st.lists(st.sampled_from(ends), min_size=2, max_size=2, unique=True))
        pa, pb = PortRef(owner=a, port=names[a][0]), PortRef(owner=b, port=names[b][0])
        if op == "coolant":
            return Connect("coolant", pa, pb)
        return Connect("network", pa, pb, media=data.draw(st.sampled_from(["dac", "acc", "aoc", "mmf", "cat6", None])),
                       length_m=data.draw(st.sampled_from([None, None, 2.0, 80.0])))
    if op == "disconnect" and conns:
        return Disconnect(data.draw(st.sampled_from(conns)))
    if op == "feed":
        feed = data.draw(st.sampled_from(["feed-a", "feed-b"]))
        field, value = data.draw(st.sampled_from([("voltage_v", 208), ("voltage_v", 415), ("amperage_a", 16),
                                                  ("panel", "pnl-a"), ("panel", "pnl-b"), ("name", "F"),
                                                  ("rack", "rk-1"), ("rack", "rk-2"), ("rack", None)]))
        return SetProperty(feed, field, value)
    if op == "rack":
        rack = data.draw(st.sampled_from(racks))
        what = data.draw(st.sampled_from(["facing", "name", "move"]))
        if what == "facing":
            return SetProperty(rack, "facing", data.draw(st.sampled_from(["N", "S"])))
        if what == "name":  # a name another rack has, one of a device's, or a new one
            names = sorted({r.name for r in design.racks.values()} | {"rk", "Z9"})
            return SetProperty(rack, "name", data.draw(st.sampled_from(names)))
        return MoveRack(rack, data.draw(st.sampled_from([1000, 2200, 9000])), data.draw(st.sampled_from([1000, 7000])))
    if op == "row":
        return SetProperty("row-1", "cold_aisle", data.draw(st.sampled_from(["front", "rear"])))
    if op == "waiver":
        keys = [f.key for f in full_run(design)]
        existing = sorted(design.waivers)
        if existing and data.draw(st.booleans()):
            return RemoveRecord(existing[0])
        if keys:
            finding = data.draw(st.sampled_from(full_run(design)))  # its figures kept: it may lapse later
            return AddRecord("waivers", waiver_for(finding, design.new_id("wv"), "accepted", "t", "2026-11-23"))
    return "undo" if op == "undo" else None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_updates_equal_a_full_run(data):
    _incremental_equals_full(data)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_wide_updates_run_as_a_full_run_would_and_equal_one(data):
    """Every update as wide as a rack-design edit on hundreds of instances (full-run tables and
    failure flows, engine.WIDE_UPDATE)."""
    wide = engine_module.WIDE_UPDATE
    engine_module.WIDE_UPDATE = 0
    try:
        _incremental_equals_full(data)
    finally:
        engine_module.WIDE_UPDATE = wide


def test_an_update_wider_than_the_design_runs_in_full_and_equals_one():
    """An update with more (rule, subject) pairs than the design has devices and connections runs as
    a full run (engine._cheaper_in_full: a 448-instance rack-design edit on L), and its delta is a
    full run's; the floor below which it never does is lowered to reach it on the bench."""
    floor, decide = engine_module.FULL_RUN_INSTEAD, engine_module._cheaper_in_full
    decided = []
    engine_module.FULL_RUN_INSTEAD = 0
    engine_module._cheaper_in_full = lambda pairs, design: decided.append(decide(pairs, design)) or decided[-1]
    try:
        doc = _world().doc
        engine = CheckEngine(doc.design, doc.graph)
        engine.follow(doc)
        before = engine.findings()
        seen = []
        engine.changed.connect(seen.append)
        doc.execute(SetProperty("feed-a", "amperage_a", 10))
        assert decided == [True] and engine.findings() == full_run(doc.design) != before
        assert set(seen[-1].added) == set(engine.findings()) - set(before)
        doc.undo()
        assert engine.findings() == before
    finally:
        engine_module.FULL_RUN_INSTEAD, engine_module._cheaper_in_full = floor, decide


def _state(engine):
    """What a fresh full run would give: findings, rack figures, and the tables an update reads to
    know what to re-run (findings by key, feeds by rack, the records as last seen)."""
    return (engine.findings(), {r: engine.rack_metrics(r) for r in sorted(engine.design.racks)},
            {k: v for k, v in engine._by_key.items() if v}, {k: v for k, v in engine.design.index.drops.items() if v},
            engine._snapshot.records)


def test_a_trial_that_ran_in_full_is_taken_back_without_running_again(monkeypatch):
    """`CheckEngine.trial` of an edit wide enough to run in full puts back what the run replaced
    instead of running in full again to undo it (a rack-design preview on L: two full runs then,
    one now), and the engine is then exactly what a full run of the reverted design gives: findings,
    rack figures, and the updates that follow."""
    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: True)
    doc = _world().doc
    engine = CheckEngine(doc.design, doc.graph)
    engine.follow(doc)
    before = _state(engine)
    full_runs = []
    run_full = engine.run_full
    monkeypatch.setattr(engine, "run_full", lambda: full_runs.append(1) or run_full())
    dump = doc.design.model_dump()
    overload = SetProperty("feed-a", "amperage_a", 10)
    assert "PWR-001" in {f.rule for f in engine.preview(overload)}
    assert len(full_runs) == 1 and doc.design.model_dump() == dump and _state(engine) == before
    try:
        with engine.trial(SetProperty("feed-a", "amperage_a", 10)) as (_, _, delta):
            assert delta.added
            raise KeyError("a reader failed")
    except KeyError:
        pass
    assert _state(engine) == before and len(full_runs) == 2
    monkeypatch.undo()  # updates as the app makes them, from the restored state
    doc.execute(SetProperty("feed-a", "amperage_a", 10))
    fresh = CheckEngine(doc.design, doc.graph)
    fresh.run_full()
    assert _state(engine) == _state(fresh) != before
    doc.undo()
    assert _state(engine) == before


def _fresh_state(doc):
    fresh = CheckEngine(doc.design, doc.graph)
    fresh.run_full()
    return _state(fresh)


def _stepping(monkeypatch, in_full):
    """A followed document whose updates run in full while `in_full[0]`, and `step(action, runs)`:
    do `action`, assert it ran `runs` full runs, that the engine is then a fresh full run's and
    that the delta emitted is the difference; returns the state."""
    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: in_full[0])
    doc = _world().doc
    engine = CheckEngine(doc.design, doc.graph)
    engine.follow(doc)
    full_runs, deltas = [], []
    run_full = engine.run_full
    monkeypatch.setattr(engine, "run_full", lambda: full_runs.append(1) or run_full())
    engine.changed.connect(deltas.append)

    def step(action, runs):
        shown = _state(engine)
        del full_runs[:]
        action()
        assert len(full_runs) == runs
        now = _state(engine)
        assert now == _fresh_state(doc)
        if shown[0] != now[0]:
            assert set(deltas[-1].added) == set(now[0]) - set(shown[0])
            assert set(deltas[-1].removed) == set(shown[0]) - set(now[0])
        return now

    return doc, engine, step


def test_undo_and_redo_of_an_edit_that_ran_in_full_put_its_kept_state_back(monkeypatch):
    """An edit whose update ran in full keeps the state from before it; its undo puts that state
    back instead of running in full again, and keeps the edited state for the redo. Previews in
    between leave both be; any other edit lets them go. After every step the engine is what a
    fresh full run of the design gives, and the delta it emits is the difference."""
    in_full = [True]
    doc, engine, step = _stepping(monkeypatch, in_full)
    before = _state(engine)
    edited = step(lambda: doc.execute(SetProperty("feed-a", "amperage_a", 10)), 1)
    assert edited != before
    assert step(doc.undo, 0) == before
    assert step(doc.redo, 0) == edited
    assert step(doc.undo, 0) == before
    step(lambda: engine.preview(SetProperty("feed-b", "amperage_a", 10)), 1)  # a trial: the design ends as it was
    in_full[0] = False
    step(lambda: engine.preview(SetProperty("feed-b", "amperage_a", 10)), 0)  # one updated, then updated back
    in_full[0] = True
    assert step(doc.redo, 0) == edited
    other = step(lambda: doc.execute(SetProperty("feed-b", "amperage_a", 20)), 1)
    assert step(doc.undo, 0) == edited != other
    assert step(doc.undo, 1) == before  # not the inverse of the step kept: run in full


def test_applying_a_wide_trial_s_planned_command_takes_the_state_it_checked(monkeypatch):
    """An impact preview's Apply: a trial that ran in full keeps the state it checked, and when the
    next update is its planned copy applied, that state is taken instead of a second full run; the
    undo and redo of it then put states back as for any edit that ran in full. Any other update
    in between lets the trial's state go."""
    doc, engine, step = _stepping(monkeypatch, [True])
    before = _state(engine)
    planned = []

    def preview(command):
        with engine.trial(command) as (trial, _, _):
            planned.append(trial)

    step(lambda: preview(SetProperty("feed-a", "amperage_a", 10)), 1)
    edited = step(lambda: doc.execute(planned[-1]), 0)
    assert edited != before
    assert step(doc.undo, 0) == before
    assert step(doc.redo, 0) == edited
    assert step(doc.undo, 0) == before
    step(lambda: preview(SetProperty("feed-a", "amperage_a", 10)), 1)
    step(lambda: doc.execute(SetProperty("feed-a", "amperage_a", 10)), 1)  # planned anew: not the trial's
    step(doc.undo, 0)
    step(lambda: preview(SetProperty("feed-a", "amperage_a", 10)), 1)
    step(lambda: doc.execute(SetProperty("feed-b", "amperage_a", 20)), 1)
    step(lambda: doc.execute(planned[-1]), 1)  # another edit came between: run in full


def test_a_wide_update_that_is_no_full_run_is_taken_back_and_taken_again_by_restoring(monkeypatch):
    """An update as wide as a rack-design edit on hundreds of instances (`WIDE_UPDATE` pairs) that
    is cheaper than a full run keeps the state from before it too: its trial is taken back, its
    trial's Apply taken, and its undo and redo made, without evaluating a rule again; after each
    the engine is a fresh full run's (findings added, findings cleared, a feed dropped elsewhere)."""
    monkeypatch.setattr(engine_module, "WIDE_UPDATE", 0)
    doc, engine, step = _stepping(monkeypatch, [False])
    evaluated = []
    evaluate = engine._evaluate_all
    monkeypatch.setattr(engine, "_evaluate_all", lambda *args, **kw: evaluated.append(1) or evaluate(*args, **kw))
    planned = []

    def preview(command):
        with engine.trial(command) as (trial, _, delta):
            planned.append(trial)
            assert evaluated
        del evaluated[:]

    for edit in (SetProperty("feed-a", "amperage_a", 10), RemoveDevice("mod-1"), SetProperty("feed-a", "rack", "rk-1"),
                 SetProperty("feed-b", "rack", "rk-1")):
        before = step(lambda: preview(edit), 0)  # noqa: B023 (called at once)
        edited = step(lambda: doc.execute(planned[-1]), 0)
        assert edited != before and not evaluated
        assert step(doc.undo, 0) == before and step(doc.redo, 0) == edited and not evaluated
    step(lambda: doc.execute(SetProperty("feed-b", "amperage_a", 20)), 0)
    assert evaluated  # another edit: evaluated
    del evaluated[:]
    step(doc.undo, 0)
    assert not evaluated  # and its undo restored


def test_an_update_stops_expanding_once_its_dirty_devices_alone_make_a_full_run_cheaper(monkeypatch):
    """The power walk of an update's dirty set asks, as it adds devices, whether they alone (each a
    subject of every device rule) already make a full run cheaper, and stops there; the findings
    are then a full run's."""
    from rackstudio.checks import scope

    monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
    monkeypatch.setattr(scope, "ASK_EVERY", 1)
    doc = _world().doc
    engine = CheckEngine(doc.design, doc.graph)
    engine.follow(doc)
    stopped = []
    affected = engine_module.affected
    monkeypatch.setattr(engine_module, "affected",
                        lambda *args: stopped.append(affected(*args).full) or affected(*args))
    doc.execute(SetProperty("feed-a", "amperage_a", 10))  # the feed's power reaches the devices below it
    assert stopped == [True] and _state(engine) == _fresh_state(doc)
    doc.undo()
    assert _state(engine) == _fresh_state(doc)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_full_runs_deferred_and_taken_from_check_jobs_equal_a_full_run(data):
    """As the app checks a large design: an update that would run in full is deferred, a check job
    over a snapshot runs it (with edits made while it runs, undos among them), and the engine takes
    it. Whenever the engine is not pending, and at the end, it is a fresh full run's."""
    floor, decide = engine_module.FULL_RUN_INSTEAD, engine_module._cheaper_in_full
    in_full = [False]
    engine_module.FULL_RUN_INSTEAD = 0
    engine_module._cheaper_in_full = lambda pairs, design: in_full[0]
    try:
        doc = _world().doc
        engine = doc.attach_check_engine()
        engine.defer_full = True
        jobs = []

        def edit():
            in_full[0] = data.draw(st.booleans())
            cmd = _command(data, doc.design)
            if cmd == "undo":
                doc.undo()
            elif cmd is not None:
                with contextlib.suppress(Refused):
                    doc.execute(cmd)

        for _ in range(data.draw(st.integers(1, 10))):
            edit()
            if doc.checks_pending and not jobs and data.draw(st.booleans()):
                jobs.append(doc.check_job(engine.registry))
            if jobs and data.draw(st.booleans()):
                job = jobs.pop()
                job.run()
                doc.adopt_check_engine(job)
            if not engine.pending:
                assert engine.findings() == full_run(doc.design)
        while engine.pending:
            job = jobs.pop() if jobs else doc.check_job(engine.registry)
            job.run()
            doc.adopt_check_engine(job)
        assert engine.findings() == full_run(doc.design)
        assert {r: engine.rack_metrics(r) for r in doc.design.racks} == {
            r: OnDemandMetrics(doc.design, doc.graph).rack_metrics(r) for r in doc.design.racks}
    finally:
        engine_module.FULL_RUN_INSTEAD, engine_module._cheaper_in_full = floor, decide


def _incremental_equals_full(data):
    bench = _world()
    doc = bench.doc
    engine = CheckEngine(doc.design, doc.graph, reuse=True)
    engine.follow(doc)
    assert engine.findings() == full_run(doc.design)
    for _ in range(data.draw(st.integers(1, 14))):
        cmd = _command(data, doc.design)
        if cmd is None:
            continue
        if cmd == "undo":
            doc.undo()
        else:
            try:
                doc.execute(cmd)
            except Refused:
                continue
        assert engine.findings() == full_run(doc.design)
        fresh = OnDemandMetrics(doc.design, doc.graph)  # the rack figures kept edit by edit, as computed anew
        assert {r: engine.rack_metrics(r) for r in doc.design.racks} == {
            r: fresh.rack_metrics(r) for r in doc.design.racks}


def test_follow_emits_the_delta():
    bench = _world()
    engine = CheckEngine(bench.design, bench.doc.graph)
    engine.follow(bench.doc)
    seen = []
    engine.changed.connect(seen.append)
    bench.place(load(30000, slug="big"), "big", rack="rk-1", position=20)
    bench.power("big", "PSU1", "feed-a")
    assert any(f.rule == "PWR-001" and f.objects == ("feed-a",) for f in seen[-1].added)
    bench.doc.undo()
    assert any(f.rule == "PWR-001" for f in seen[-1].removed)


# --- locality -----------------------------------------------------------------------------------------

def _counting_registry(calls: list) -> RuleRegistry:
    """The built-in rules plus one rule per scope that records each subject it is run on."""
    pack: list = []
    for label, scope in (("rack", Scope.RACK), ("hall", Scope.HALL), ("floor", Scope.FLOOR),
                         ("device", Scope.DEVICE), ("connection", Scope.CONNECTION)):
        def count(ctx, subject, label=label):
            calls.append((label, subject))
            return ()
        rule(f"T-{label.upper()}", f"count {label} runs", Severity.INFO, scope, pack)(count)

    for label, scope in (("placement-free connection", Scope.CONNECTION), ("placement-free rack", Scope.RACK)):
        def count_free(ctx, subject, label=label):
            calls.append((label, subject))
            return ()
        rule(f"T-FREE-{scope.name}", f"count {label} runs", Severity.INFO, scope, pack,
             placement_free=True)(count_free)
    return RuleRegistry([*builtin_rules(), *pack])


def test_moving_a_device_is_local():
    b = Bench(builders.empty_design(width_mm=40000))
    b.row()
    for i in range(30):
        b.rack(f"rk-{i}", x=1000 + 600 * i, row="row-1")
        b.place(load(5000, slug="l"), f"d{i}", rack=f"rk-{i}", position=1)
    calls: list = []
    engine = CheckEngine(b.design, b.doc.graph, _counting_registry(calls))
    engine.follow(b.doc)
    calls.clear()
    b.doc.execute(MoveDevice("d3", rack="rk-4", position=10))
    assert sorted(s for kind, s in calls if kind == "rack") == ["rk-3", "rk-4"]
    assert [s for kind, s in calls if kind == "device"] == ["d3"]
    # a device move touches the hall's heat totals (one cached sum), never its floor geometry
    assert [s for kind, s in calls if kind == "hall"] == ["hall-1"]
    assert not [s for kind, s in calls if kind == "floor"]
    calls.clear()
    b.doc.execute(MoveRack("rk-29", 1000 + 600 * 29, 5000))
    assert [s for kind, s in calls if kind == "floor"] == ["hall-1"]
    assert engine.findings() == full_run(b.design)


def test_moving_a_cabled_device_reruns_its_cables_not_their_far_ends():
    """A move re-estimates the lengths of the device's cables: the cables' reach rules re-run, the
    placement-free ones and the devices at their far ends (whose rules read no length) do not."""
    b = Bench(builders.empty_design(width_mm=40000))
    b.row()
    for i in range(30):
        b.rack(f"rk-{i}", x=1000 + 600 * i, row="row-1")
    b.place(PARTS["switch"], "sw-a", rack="rk-0", position=1)
    b.place(PARTS["switch"], "sw-b", rack="rk-0", position=3)
    dac = b.cable(("sw-a", "p1"), ("sw-b", "p1"), media="dac")
    calls: list = []
    engine = CheckEngine(b.design, b.doc.graph, _counting_registry(calls))
    engine.follow(b.doc)
    assert not [f for f in engine.findings() if f.rule == "CAB-001"]
    calls.clear()
    b.doc.execute(MoveDevice("sw-a", rack="rk-20", position=10))
    assert b.design.connections[dac].length_m > 10  # re-estimated: past a DAC's reach
    assert [s for kind, s in calls if kind == "device"] == ["sw-a"]
    assert [s for kind, s in calls if kind == "connection"] == [dac]
    assert not [s for kind, s in calls if kind == "placement-free connection"]
    assert [f.objects for f in engine.findings() if f.rule == "CAB-001"] == [(dac,)]
    assert engine.findings() == full_run(b.design)
    b.doc.undo()
    assert engine.findings() == full_run(b.design)
    calls.clear()
    b.doc.execute(SetProperty(dac, "media", "aoc"))  # any other edit of a cable re-runs every rule on it
    assert [s for kind, s in calls if kind == "placement-free connection"] == [dac]
    calls.clear()
    b.doc.execute(MoveDevice("sw-b", position=20))  # within its rack: its figures stay, its units move
    assert [s for kind, s in calls if kind == "rack"] == ["rk-0"]
    assert not [s for kind, s in calls if kind.startswith("placement-free")]
    assert engine.findings() == full_run(b.design)


# --- waivers ----------------------------------------------------------------------------------------

def _overloaded() -> Bench:
    b = Bench()
    b.rack()
    b.place(load(30000, slug="big"), "big", position=1)
    b.power("big", "PSU1", "feed-a")
    return b


def test_waiver_marks_the_finding_and_it_no_longer_counts():
    b = _overloaded()
    engine = CheckEngine(b.design, b.doc.graph)
    engine.follow(b.doc)
    [finding] = [f for f in engine.findings() if f.rule == "PWR-001"]
    assert finding.key == "PWR-001:feed-a" and finding.counts
    seen = []
    engine.changed.connect(seen.append)
    b.doc.execute(AddRecord("waivers", Waiver(id="wv-1", finding=finding.key, reason="temporary load bank",
                                              author="jo", created="2026-11-23")))
    [waived] = [f for f in engine.findings() if f.rule == "PWR-001"]
    assert waived.waived and not waived.counts
    assert seen[-1].removed == [finding] and seen[-1].added == [waived]
    assert engine.findings() == full_run(b.design)
    b.doc.undo()
    assert [f.waived for f in engine.findings() if f.rule == "PWR-001"] == [False]


# --- a raising rule, disabled rules, severity overrides -------------------------------------------------

def test_a_raising_rule_becomes_one_rule_failed_finding():
    pack: list = []

    @rule("X-BOOM", "always fails", Severity.WARNING, Scope.DEVICE, pack)
    def _boom(ctx, subject):
        raise ValueError("boom")

    registry = builtin_registry()
    registry.register(pack[0])
    b = _overloaded()
    b.place(load(10, slug="tiny"), "tiny", position=2)
    engine = CheckEngine(b.design, b.doc.graph, registry)
    found = engine.run_full()
    failed = [f for f in found if f.rule == "X-BOOM"]
    assert len(failed) == 1
    assert failed[0].severity is Severity.ERROR and failed[0].aspect == "rule-failed"
    assert failed[0].message == ("Rule X-BOOM failed on 2 object(s), first big: ValueError: boom; "
                                 "its results are missing")
    assert any(f.rule == "PWR-001" for f in found)  # the other rules still ran
    engine.follow(b.doc)
    b.doc.execute(RemoveDevice("tiny"))
    assert [f.figures["failed_subjects"] for f in engine.findings() if f.rule == "X-BOOM"] == [1]


def test_disabled_rules_do_not_run_and_overrides_apply():
    calls: list = []
    pack: list = []

    @rule("X-COUNT", "counts", Severity.INFO, Scope.DEVICE, pack)
    def _count(ctx, subject):
        calls.append(subject)
        yield Hit(f"{subject} seen", (subject,))

    registry = builtin_registry()
    registry.register(pack[0])
    b = _overloaded()
    b.settings(disabled_rules=("X-COUNT", "PWR-001"), severity_overrides={"COOL-011": "error"})
    engine = CheckEngine(b.design, b.doc.graph, registry)
    found = engine.run_full()
    assert not calls and not [f for f in found if f.rule in ("X-COUNT", "PWR-001")]
    assert [f.severity for f in found if f.rule == "COOL-011"] == [Severity.ERROR]
    assert engine.disabled_rules() == ["PWR-001", "X-COUNT"]
    assert "PWR-001" not in engine.rules_run()


def test_registry_refuses_duplicate_ids_and_lists_what_it_cannot_check():
    registry = builtin_registry()
    try:
        registry.register(next(iter(registry)))
    except ValueError as exc:
        assert "already registered" in str(exc)
    else:
        raise AssertionError("duplicate id accepted")
    ids = {r.id for r in registry}
    catalogue = ({f"PWR-{i:03}" for i in range(1, 18)} | {f"COOL-{i:03}" for i in range(1, 14)}
                 | {f"CAB-{i:03}" for i in range(1, 15)} | {f"SPC-{i:03}" for i in range(1, 13)}
                 | {f"LIB-{i:03}" for i in range(1, 6)})
    assert catalogue <= ids | set(NOT_CHECKED)
    assert not ids & set(NOT_CHECKED)
    assert all(r.source for r in registry)  # every rule cites its sources


def test_registering_a_rule_later_reruns_everything():
    b = _overloaded()
    registry = builtin_registry()
    engine = CheckEngine(b.design, b.doc.graph, registry)
    engine.follow(b.doc)
    pack: list = []

    @rule("X-LATE", "late", Severity.INFO, Scope.RACK, pack)
    def _late(ctx, subject):
        yield Hit("late", (subject,))

    registry.register(pack[0])
    b.place(builders.blank(), "bl", position=40)
    assert [f.rule for f in engine.findings() if f.rule == "X-LATE"] == ["X-LATE"]


# --- preview -------------------------------------------------------------------------------------------

def _powered_base() -> Bench:
    """One rack with a 10 kW device "base" whose PSU1 is on feed A."""
    b = Bench()
    b.rack()
    b.place(load(10000, slug="base"), "base", position=1)
    b.power("base", "PSU1", "feed-a")
    return b


def _following(b: Bench) -> CheckEngine:
    engine = CheckEngine(b.design, b.doc.graph)
    engine.follow(b.doc)
    return engine

def test_preview_leaves_design_graph_findings_and_ids_as_they_were():
    b = _powered_base()
    engine = _following(b)
    before = (b.design.model_dump(), b.doc.graph.snapshot(), engine.findings())
    place = PlaceDevice(load(20000, slug="big"), rack="rk-1", position=5)
    new = engine.preview(place)
    # the new part has no sources and the rack has fewer open units; that the new device has no PSU
    # connected yet (PWR-019) is true of every drop, so the preview leaves it out; an unconnected
    # device overloads nothing
    assert sorted(f.key for f in new) == ["COOL-011:rk-1", "LIB-002:big"]
    assert (b.design.model_dump(), b.doc.graph.snapshot(), engine.findings()) == before
    assert place._edits is None  # the real command is still unplanned
    b.doc.execute(place)  # the real command plans afresh
    assert len(b.design.devices) == 2
    (placed,) = set(b.design.devices) - {"base"}
    assert f"PWR-019:{placed}" in {f.key for f in engine.findings()}  # the checks still report it
    try:
        engine.preview(Connect("power", PortRef(owner="base", port="PSU1"), PortRef(owner="feed-b")))
    except Refused:
        pass
    else:
        raise AssertionError("PSU1 is in use: the preview must be refused")
    assert engine.findings() == full_run(b.design)


def test_preview_names_an_uncabled_finding_of_a_device_it_does_not_add():
    b = _powered_base()
    engine = _following(b)
    (cable,) = b.design.connections
    new = engine.preview(Disconnect(cable))
    assert "PWR-019:base" in {f.key for f in new}


def test_preview_of_an_overload():
    # base 10 kW on feed A; previewing a 10 kW device on feed A too: 20 kW ÷ 23,001.6 VA = 0.87 > 0.80
    b = _powered_base()
    b.place(load(10000, slug="base"), "more", position=2)
    engine = _following(b)
    new = engine.preview(Connect("power", PortRef(owner="more", port="PSU1"), PortRef(owner="feed-a")))
    assert [f.key for f in new if f.rule.startswith("PWR")] == ["PWR-001:feed-a"]
    assert not [f for f in engine.findings() if f.rule == "PWR-001"]
