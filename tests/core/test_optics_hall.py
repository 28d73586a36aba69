"""The whole-design count of plugs in cages (model.optics.hall_cages, one walk over the network cables
that a full check reads) gives every device exactly what the per-device count (`cage_plugs`) gives:
the same cages, plugs, watts and connections in the same order, on the example pod, on generated halls
broken at random (twin-port optics, breakout legs, splitter fibres and cables, two plugs named for one
cage) and after random edits and undos followed by a check engine, whose kept cages also stay equal;
and both equal a plain count end by end (`cage_of`, `end_power_w`) on random replugs of the example pod,
which is what the count's remembered cages and watts must never change."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rackstudio.checks import CheckEngine, builtin_registry
from rackstudio.commands import Disconnect, SetEnds
from rackstudio.document import Document
from rackstudio.graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model import optics
from rackstudio.model.modules import ModuleType
from rackstudio.model.parts import InterfaceTemplate
from tests.core.test_checks_cabling_batch import _broken_hall

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "ai-pod.rackstudio"


def _same_per_device(design) -> dict[str, dict]:
    """Asserts the hall count equals the per-device count for every device; returns the hall count."""
    hall, hall_optics = optics.hall_cages(design), optics.hall_cage_optics(design)
    assert set(hall) <= set(design.devices) and all(held for held, _ in hall.values())
    for device_id in sorted(design.devices):
        assert repr(hall.get(device_id, ({}, {}))) == repr(optics._cages(design, device_id)), device_id
        assert hall_optics.get(device_id, {}) == optics.cage_optics(design, device_id)
    return hall


def _shapes(design, hall) -> set[str]:
    """Which of the cases that make the count more than one plug per end the design holds."""
    found = set()
    for held, plugs in hall.values():
        for cage, (_, users) in held.items():
            optic = optics.get(plugs[cage])
            if len(users) > 1:
                found.add("shared cage")
            if optic is not None and optic.optical_ports == 2:
                found.add("twin-port optic")
            if optic is not None and optic.breakout > 1:
                found.add("splitter cable")
    for conn in design.connections.values():
        if optics.carries_optics(conn) and (conn.a.leg is not None or conn.b.leg is not None):
            found.add("breakout leg")
        if optics.carries_optics(conn) and conn.fibre == "splitter":
            found.add("splitter fibre")
    return found


ALL_SHAPES = {"shared cage", "twin-port optic", "splitter cable", "breakout leg", "splitter fibre"}


def _full_pass_cages(design) -> dict:
    engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
    engine.ctx.new_pass(full=True)
    engine.ctx.cages.clear()
    return {device_id: engine.ctx.cage_optics(device_id) for device_id in sorted(design.devices)}


def test_the_hall_count_equals_each_device_on_the_example_pod():
    design = load(EXAMPLE).design
    hall = _same_per_device(design)
    assert "twin-port optic" in _shapes(design, hall)
    assert _full_pass_cages(design) == {d: optics.cage_optics(design, d) for d in sorted(design.devices)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_hall_count_equals_each_device_on_a_broken_hall(seed):
    design = _broken_hall(seed)
    hall = _same_per_device(design)
    assert _shapes(design, hall) == ALL_SHAPES  # no comparison is between two trivial answers
    # a full check's context fills its cages from the hall count, devices without plugs included
    assert _full_pass_cages(design) == {d: optics.cage_optics(design, d) for d in sorted(design.devices)}


def test_after_random_edits_the_hall_count_and_the_kept_cages_equal_each_device():
    """Replugs (any optic or cable, either fibre), removed cables and undos on a broken hall, with an
    engine following: after each, the hall count equals the per-device one, and so do the cages the
    engine keeps across its incremental passes; a full run refills them the same."""
    design = _broken_hall(5)
    doc = Document(design)
    engine = CheckEngine(design, doc.graph, builtin_registry())
    engine.follow(doc)
    engine.run_full()
    rng = random.Random(5)
    slugs = sorted(optics.BUILTIN) + [None]
    for step in range(40):
        network = sorted(c for c, rec in design.connections.items() if rec.kind == "network")
        what = rng.randrange(4)
        if what == 0 and doc.can_undo:
            doc.undo()
        elif what == 1:
            doc.execute(Disconnect(rng.choice(network)))
        else:
            doc.execute(SetEnds(rng.choice(network), rng.choice(slugs), rng.choice(slugs),
                                rng.choice((None, "splitter", "straight"))))
        _same_per_device(design)
        for device_id in sorted(design.devices):
            assert engine.ctx.cage_optics(device_id) == optics.cage_optics(design, device_id), (step, device_id)
    engine.run_full()
    assert {d: engine.ctx.cages.get(d, {}) for d in design.devices} == {
        d: optics.cage_optics(design, d) for d in design.devices}


def _plain_count(design, device_id: str) -> tuple[dict, dict]:
    """The count as the rule says it, end by end with no remembering: a cage's connections in id
    order, its plug the first drawing the most."""
    part = design.part_of(design.devices[device_id])
    held, plugs = {}, {}
    for conn_id in sorted(design.connections_of(device_id)):
        conn = design.connections[conn_id]
        if not optics.carries_optics(conn):
            continue
        for side in ("a", "b"):
            end, slug = getattr(conn, side), conn.end(side)
            if end.owner != device_id or slug is None:
                continue
            cage, watts = optics.cage_of(part, end.port), optics.end_power_w(design, conn, side)
            if cage not in held:
                held[cage], plugs[cage] = (watts, [conn_id]), slug
                continue
            held[cage][1].append(conn_id)
            if watts > held[cage][0]:
                held[cage], plugs[cage] = (watts, held[cage][1]), slug
    return held, plugs


CARD = ModuleType(manufacturer="Test", model="Twin OSFP card", interfaces=(
    InterfaceTemplate(name="m{module}/1", type="400gbase-x-osfp"),
    InterfaceTemplate(name="m{module}/2", type="400gbase-x-osfp")))
SLUGS = sorted(optics.BUILTIN) + [None, "no-such-optic"]
# a replug: which cable, its two plugs, its fibre, each end's leg, and where its a end goes (0: stays,
# 1: the other logical port of a twin-port cage, 2: a port of a module card installed on its device,
# 3: the device's first port (a management RJ45), 4: a port its part lacks, so neither has the cage
# a splitter cable's far plug takes, and on the missing port the leg tells the far plug)
REPLUG = st.tuples(st.integers(0, 10 ** 6), st.sampled_from(SLUGS), st.sampled_from(SLUGS),
                   st.sampled_from((None, "straight", "splitter")), st.sampled_from((None, 1, 2)),
                   st.sampled_from((None, 1, 2)), st.sampled_from((0, 0, 1, 2, 3, 4)))


def _replug(design, pick, a_end, b_end, fibre, a_leg, b_leg, move) -> None:
    network = sorted(c for c, rec in design.connections.items() if rec.kind == "network")
    conn = design.connections[network[pick % len(network)]]
    a = conn.a.model_copy(update={"leg": a_leg})
    device = design.devices.get(a.owner)
    if move == 1 and "/" in a.port and a.port.rsplit("/", 1)[1] in ("1", "2"):
        cage, n = a.port.rsplit("/", 1)
        a = a.model_copy(update={"port": f"{cage}/{3 - int(n)}"})
    elif move == 2 and device is not None:
        design.module_types["test-twin-osfp-card"] = CARD
        design.put("devices", device.model_copy(update={"modules": {"bay1": "test-twin-osfp-card"}}))
        a = a.model_copy(update={"port": f"mbay1/{a_leg or 1}"})
    elif move >= 3 and device is not None:
        first = design.part_of(device).interfaces[0].name if move == 3 else "no-such-port"
        a = a.model_copy(update={"port": first})
    design.put("connections", conn.model_copy(update={
        "a": a, "b": conn.b.model_copy(update={"leg": b_leg}), "a_end": a_end, "b_end": b_end, "fibre": fibre}))


@settings(max_examples=40, deadline=None)
@given(st.lists(REPLUG, min_size=1, max_size=60))
def test_the_hall_count_equals_a_plain_count_end_by_end(replugs):
    """Random replugs of the example pod (any plug or none, an unknown slug, either fibre, breakout legs,
    both logical ports of a twin-port cage, ports on a module card): every device's count from the
    hall walk and from the per-device one equals the plain count, cage order, connections and plug."""
    design = load(EXAMPLE).design
    for replug in replugs:
        _replug(design, *replug)
    hall = _same_per_device(design)
    for device_id in sorted(design.devices):
        assert repr(hall.get(device_id, ({}, {}))) == repr(_plain_count(design, device_id)), device_id


def test_the_plain_count_comparison_meets_every_case_of_the_count():
    """The replugs above reach far plugs and wide ends of splitter cables (told by the cage, and by
    the leg on a port without one), unknown slugs, single-port optics at half power on a splitter
    fibre, twin-port cages shared by two cables, and cages on a fitted part (a device with a
    module), so the comparison is not only between transceiver ends."""
    rng = random.Random(7)
    design = load(EXAMPLE).design
    for _ in range(400):
        _replug(design, rng.randrange(10 ** 6), rng.choice(SLUGS), rng.choice(SLUGS),
                rng.choice((None, "straight", "splitter")), rng.choice((None, 1, 2)), rng.choice((None, 1, 2)),
                rng.choice((0, 0, 1, 2, 3, 4)))
    hall = _same_per_device(design)
    for device_id in sorted(design.devices):
        assert repr(hall.get(device_id, ({}, {}))) == repr(_plain_count(design, device_id)), device_id
    cases = set()
    for conn in design.connections.values():
        if not optics.carries_optics(conn):
            continue
        for side in ("a", "b"):
            optic, end = optics.get(conn.end(side)), getattr(conn, side)
            device = design.devices.get(end.owner)
            if conn.end(side) is not None and optic is None:
                cases.add("unknown slug")
            if optic is not None and optic.breakout > 1:
                cases.add("far plug" if optics.is_far_plug(design, conn, side) else "wide end")
                found = optics.port_class(design, end)
                if found is not None and found[1] is None:
                    cases.add("far plug by leg" if end.leg is None else "wide end by leg")
            if optic is not None and optics.end_power_w(design, conn, side) == optic.power_half_w:
                cases.add("half power")
            if device is not None and device.modules and end.port.startswith("mbay1"):
                cases.add("module port")
    cases |= _shapes(design, hall)
    assert cases >= ALL_SHAPES | {"unknown slug", "far plug", "wide end", "half power", "module port",
                                 "far plug by leg", "wide end by leg"}


def test_a_splitter_cable_plug_draws_by_its_own_end_on_devices_of_one_part():
    """Splitter cables plugged into compute trays of one part, each tray's end on its own port, on
    its management port or on a port the part lacks, with a leg or without: the hall walk tells a
    far plug from a wide end for each end (by the cage, and by the leg where the port has none), as
    the plain count does, though the trays' part, port names and plugs repeat."""
    design = load(EXAMPLE).design
    trays = [c for c, rec in sorted(design.connections.items()) if rec.kind == "network" and rec.a.port.startswith("cx")
             and design.devices[rec.a.owner].part == "nvidia-gb200-nvl72-compute-tray"]
    combos = [(slug, port, leg) for slug in ("nvidia-lacc-800g-2x400g", "nvidia-mcp7y00-n", "nvidia-mfs1s50")
              for port in ("own", "first", "missing") for leg in (None, 1)]
    for conn_id, (slug, port, leg) in zip(trays[::2], combos * 2, strict=False):
        conn = design.connections[conn_id]
        name = {"own": conn.a.port, "first": "bmc", "missing": "no-such-port"}[port]
        design.put("connections", conn.model_copy(update={
            "a": conn.a.model_copy(update={"port": name, "leg": leg}), "a_end": slug, "b_end": slug}))
    hall = _same_per_device(design)
    draws = set()
    for device_id in sorted(design.devices):
        held = hall.get(device_id, ({}, {}))
        assert repr(held) == repr(_plain_count(design, device_id)), device_id
        draws |= {(held[1][cage], watts) for cage, (watts, _) in held[0].items()}
    assert {("nvidia-lacc-800g-2x400g", 0.6), ("nvidia-lacc-800g-2x400g", 1.5)} <= draws
