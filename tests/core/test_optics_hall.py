"""The whole-design count of plugs in cages (model.optics.hall_cages, one walk over the network cables
that a full check reads) gives every device exactly what the per-device count (`cage_plugs`) gives:
the same cages, plugs, watts and connections in the same order, on the example pod, on generated halls
broken at random (twin-port optics, breakout legs, splitter fibres and cables, two plugs named for one
cage) and after random edits and undos followed by a check engine, whose kept cages also stay equal."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from rackstudio.checks import CheckEngine, builtin_registry
from rackstudio.commands import Disconnect, SetEnds
from rackstudio.document import Document
from rackstudio.graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model import optics
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
