"""Figures the views show (rackstudio.reports.totals, read from the checks' metrics) and the
containment and unit-step helpers they stand on (rackstudio.model.geometry)."""
from __future__ import annotations

import pytest

from rackstudio.commands import PlaceDevice, SetSetting
from rackstudio.model.geometry import devices_within, mounted_root, snap_position, step_for
from rackstudio.reports.totals import rack_summary, selection_totals
from tests.core import builders as b
from tests.core.builders import rack_named


@pytest.fixture
def doc():
    return b.row_document()


def _totals(doc, ids):
    figures = doc.figures
    return selection_totals(figures.ctx, figures.rack_metrics, ids)


def test_totals_count_racks_and_their_devices_once(doc):
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.server(), rack=a01, position=1, device_id="s"))
    summary = rack_summary(design, doc.figures.rack_metrics(a01))
    assert (summary.used_u, summary.total_u, summary.power_w) == (10, 48, 14300)
    totals = _totals(doc, [a01, "s"])
    assert (totals.units, totals.power_w) == (10, 14300)
    assert totals.weight_kg == pytest.approx(150 + 142.4)
    assert _totals(doc, []).text() == "Nothing selected"


def test_a_unit_counts_once_whichever_faces_use_it(doc):
    # two half-depth 1U switches, one on each face of U20: one unit used, in the rack's figures
    # and in a selection of the two switches alone
    design = doc.design
    a01 = rack_named(design, "A01")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=20, face="front", device_id="front"))
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=20, face="rear", device_id="rear"))
    assert doc.figures.rack_metrics(a01).units_used == 1
    assert rack_summary(design, doc.figures.rack_metrics(a01)).used_u == 1
    assert _totals(doc, ["front", "rear"]).units == 1
    assert _totals(doc, [a01, "front"]).units == 1


def test_worst_case_mode_counts_max_everywhere(doc):
    # the switch allocates 747 W of a 1,720 W maximum: the rack's figure, the summary a view shows
    # and a selection all follow the mode the checks run in
    a01 = rack_named(doc.design, "A01")
    doc.execute(PlaceDevice(b.switch(), rack=a01, position=20, device_id="sw"))
    assert _totals(doc, ["sw"]).power_w == 747
    assert rack_summary(doc.design, doc.figures.rack_metrics(a01)).power_short() == "0.7 kW allocated"
    doc.execute(SetSetting("worst_case", True))
    assert _totals(doc, ["sw"]).power_w == 1720 and _totals(doc, [a01]).power_w == 1720
    assert rack_summary(doc.design, doc.figures.rack_metrics(a01)).power_short() == "1.7 kW max (worst case)"


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
