"""Figures the views show (rackstudio.reports.totals) and the containment and unit-step helpers
they stand on (rackstudio.model.geometry)."""
from __future__ import annotations

import pytest

from rackstudio.commands import PlaceDevice
from rackstudio.model.geometry import devices_within, mounted_root, snap_position, step_for
from rackstudio.reports.totals import rack_summary, selection_totals
from tests.core import builders as b
from tests.core.builders import rack_named


@pytest.fixture
def doc():
    return b.row_document()


def test_totals_count_racks_and_their_devices_once(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    summary = rack_summary(design, a01)
    assert (summary.used_u, summary.total_u, summary.power_w) == (10, 48, 14300)
    totals = selection_totals(design, [a01, "s"])
    assert (totals.units, totals.power_w) == (10, 14300)
    assert totals.weight_kg == pytest.approx(150 + 142.4)
    assert selection_totals(design, []).text() == "Nothing selected"


def test_children_in_bays_are_within_their_rack_and_held_by_their_parent(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.chassis(), rack=a01, position=20, device_id="ch"))
    doc.execute(PlaceDevice(b.node(), parent="ch", bay="Bay1", device_id="n1"))
    assert list(devices_within(design, a01)) == ["ch", "n1"]
    assert mounted_root(design, "n1").id == "ch" and mounted_root(design, "ch").id == "ch"
    assert mounted_root(design, "nothing") is None


def test_snap_position_centres_the_part_and_stays_inside_the_rack():
    assert step_for(1) == 1.0 and step_for(0.5) == 0.5 and step_for(1.5) == 0.5
    assert snap_position(20.6, 1, 48) == 20
    assert snap_position(20.6, 0.5, 48) == 20.5
    assert snap_position(48.9, 10, 48) == 39  # clamped to the top
    assert snap_position(0.2, 2, 48) == 1
