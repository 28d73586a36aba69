"""The cooling rules' full-pass batches (checks.rules.cable_index.batched) give exactly what each
rule's per-subject function gives, on the example pod and on a generated hall broken at random
(coolant cables removed, racks made air-only or turned, devices turned round, rear doors, parts
without figures, own allocations); a full run with the batches equals one without them; and
COOL-011's open units are the units whose front cells `geometry.occupied` leaves free."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackstudio.checks import CheckContext
from rackstudio.checks.coolant import is_cdu_part
from rackstudio.checks.rules import cooling
from rackstudio.checks.scope import subjects
from rackstudio.generate import generate_hall
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io.project_file import load
from rackstudio.model import geometry
from rackstudio.model.design import Connection, Device, PortRef, Rack
from rackstudio.model.parts import PartType
from tests.core import builders
from tests.core.test_checks_cabling_batch import EXAMPLE, _batch, _per_subject, full_runs_agree

BATCHED = [r for r in cooling.RULES if hasattr(r.fn, "batch")]


def _broken_hall(seed: int):
    """A 6-rack generated hall with coolant cables removed, a liquid-cooled rack and others made
    air-only, rows and racks turned, devices mounted the other way round, rear doors of every
    size (and, for an odd seed, an RDHx cooler part), and a part with no power figures or airflow
    on some devices, some of them with an allocation of their own."""
    design = generate_hall(6, seed=1)
    rng = random.Random(seed)
    coolant = sorted(c for c, rec in design.connections.items() if rec.kind == "coolant")
    for conn_id in rng.sample(coolant, len(coolant) // 4):
        design.delete(conn_id)
    racks = sorted(design.racks)
    for rt_id, rt in list(design.rack_types.items()):  # an air-only twin of each rack type
        design.rack_types[rt_id + "-air"] = rt.model_copy(update={"slug": rt_id + "-air", "cooling_capability": "air-only"})
    air_only = rng.sample(racks, 4)
    for rack_id in air_only:
        rack = design.racks[rack_id]
        design.put("racks", rack.model_copy(update={"rack_type": rack.rack_type + "-air"}))
    # liquid-cooled nodes in a chassis's bays, the chassis in an air-only rack and in another
    wet = builders.node().model_dump(by_alias=True, exclude_none=True)
    wet.update(slug="wet-node", rackstudio={"category": "server", "power": {"max_w": 500, "source": "none"},
                                            "cooling": {"method": "liquid", "liquid_fraction": 0.8}})
    design.part_types["wet-node"] = PartType.model_validate(wet)
    design.part_types["generic-chassis-2u"] = builders.chassis()
    cdu = next(d for d, rec in sorted(design.devices.items()) if is_cdu_part(design.part_of(rec)))
    for n, rack_id in enumerate((air_only[0], rng.choice(racks))):
        design.put("devices", Device(id=f"chassis-{n}", name=f"Chassis {n}", part="generic-chassis-2u", rack=rack_id,
                                     position=1))
        for bay in (1, 2):
            node = f"node-{n}-{bay}"
            design.put("devices", Device(id=node, name=f"Node {n}.{bay}", part="wet-node", parent=f"chassis-{n}",
                                         bay=f"Bay{bay}"))
            if bay == 1:  # on the CDU's loop itself: its rack is asked through its chassis
                design.put("connections", Connection(id=f"zz-{node}", kind="coolant", a=PortRef(owner=node, port="in"),
                                                     b=PortRef(owner=cdu, port=f"zz-{node}")))
    for rack_id in rng.sample(racks, 5):
        design.put("racks", design.racks[rack_id].model_copy(update={"facing": rng.choice("NESW")}))
    for row_id in design.rows:
        design.put("rows", design.rows[row_id].model_copy(update={"cold_aisle": rng.choice(("front", "rear"))}))
    for rack_id in rng.sample(racks, 6):
        design.put("racks", design.racks[rack_id].model_copy(update={"rdhx_capacity_kw": rng.choice((0.5, 5.0, 500.0))}))
    mounted = sorted(d for d, rec in design.devices.items() if rec.position is not None)
    for dev_id in rng.sample(mounted, 40):
        design.put("devices", design.devices[dev_id].model_copy(update={"face": "rear"}))
    bare = builders.switch(slug="bare", rackstudio={"category": "switch"}, **{"power-ports": [{"name": "PS1"}]})
    design.part_types["bare"] = bare
    for dev_id in rng.sample(mounted, 12):
        update = {"part": "bare"}
        if rng.random() < 0.4:
            update["allocated_w"] = 300.0
        design.put("devices", design.devices[dev_id].model_copy(update=update))
    if seed % 2:  # rear doors mounted in racks as RDHx coolers: every rack is a candidate of COOL-012
        door = builders.blank(slug="door", rackstudio={"category": "blank", "cooler": {"kind": "rdhx", "capacity_kw": 2}})
        design.part_types["door"] = door
        for dev_id in rng.sample(mounted, 3):
            design.put("devices", design.devices[dev_id].model_copy(update={"part": "door"}))
    return design


def _same_as_each(design) -> set[str]:
    """Asserts every batched cooling rule's batch equals its per-subject function on all its
    subjects and on a third of them; returns the rules that fired."""
    fired = set()
    ctx = CheckContext(design, ComponentGraph(design))
    for rule in BATCHED:
        everything = [s for scope in rule.scopes for s in subjects(ctx, scope)]
        for run in (everything[::3], everything):
            expected = _per_subject(design, rule, run, metrics=True)
            assert repr(_batch(design, rule, run, metrics=True)) == repr(expected), rule.id
        if expected[0]:
            fired.add(rule.id)
    return fired


def test_the_batched_cooling_rules_cover_what_they_should():
    assert {r.id for r in BATCHED} >= {"COOL-003", "COOL-010", "COOL-012", "COOL-013"}


def test_batches_equal_each_subject_on_the_example_pod():
    _same_as_each(load(EXAMPLE).design)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_batches_equal_each_subject_on_a_broken_hall(seed):
    fired = _same_as_each(_broken_hall(seed))
    # the breakages make every rule fire, so no comparison is between two empty answers
    assert fired == {r.id for r in BATCHED}


def test_a_full_run_with_the_batches_equals_one_without(monkeypatch):
    found = full_runs_agree(monkeypatch, _broken_hall(5), BATCHED)
    assert sum(1 for line in found if line["rule"].startswith("COOL-")) >= 20


def _open_units_by_cells(design, rack_id) -> int:
    """COOL-011's open units counted from `geometry.occupied`'s cells: a unit is open unless both
    its half-unit steps are taken at the front, on the left and on the right (none in a rack with
    no unit-mounted gear)."""
    taken = geometry.occupied(design, rack_id)
    if not taken:
        return 0
    height = design.rack_type_of(design.racks[rack_id]).u_height
    return sum(1 for u in range(1, height + 1)
               if any((step, "front", half) not in taken for step in (2 * u, 2 * u + 1) for half in ("left", "right")))


_PARTS = [builders.server(), builders.blank(), builders.switch(), builders.switch(slug="deep", is_full_depth=True),
          builders.blank(slug="half-blank", u_height=0.5),
          builders.switch(slug="half-wide", rackstudio={"category": "switch", "half_width": True})]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_PARTS) - 1), st.integers(1, 24), st.sampled_from(("front", "rear")),
                          st.sampled_from(("left", "right"))), max_size=14))
def test_cool011_open_units_are_the_cells_left_free(placed):
    """Devices of every shape (half units, half width, full depth, rear-mounted) placed at random,
    overlapping or not: COOL-011's count of open units is the count read from the cells."""
    design = builders.empty_design()
    design.rack_types["r12"] = builders.rack_type(slug="r12", model="12U", u_height=12)
    for part in _PARTS:
        design.part_types[part.slug] = part
    rack_id = "rk-1"
    design.put("racks", Rack(id=rack_id, name="R1", rack_type="r12", hall="hall-1", x_mm=1200, y_mm=1200))
    for n, (which, half_units, face, lateral) in enumerate(placed):
        part = _PARTS[which]
        design.put("devices", Device(id=f"d{n}", name=f"D{n}", part=part.slug, rack=rack_id, position=half_units / 2,
                                     face=face, lateral=lateral if part.rackstudio.half_width else None))
    ctx = CheckContext(design, ComponentGraph(design))
    ctx.new_pass()
    found = list(cooling.cool011_blanking(ctx, rack_id))
    expected = _open_units_by_cells(design, rack_id)
    assert (found[0].figures["open_units"] if found else 0) == expected
