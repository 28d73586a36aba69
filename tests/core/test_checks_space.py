"""Space and structure rules SPC-001..012 (docs/engineering.md §5, worked examples 8 and 9)."""
from __future__ import annotations

import pytest

from rackstudio.checks.rule import Severity
from rackstudio.commands import AddRecord
from rackstudio.model import Device, Panel, PartType, Rack
from tests.core import builders
from tests.core.check_builders import Bench, load


def only(found, rule):
    return [f for f in found if f.rule == rule]


def heavy(kg: float, u: float = 2, slug: str | None = None, **ext) -> PartType:
    return load(100, slug=slug or f"heavy-{kg:g}".replace(".", "-"), u_height=u, weight=kg, **ext)


def test_spc001_overlap_and_outside_from_a_file():
    # the editor refuses both; a loaded file can hold them
    b = Bench()
    b.rack()
    b.place(builders.server(), "a", position=1)
    b.design.put("devices", Device(id="b", name="b", part="nvidia-dgx-b200", rack="rk-1", position=5))
    b.design.put("devices", Device(id="c", name="c", part="nvidia-dgx-b200", rack="rk-1", position=45))
    found = only(b.findings(), "SPC-001")
    assert [(f.objects, f.aspect) for f in found] == [(("a", "b"), ""), (("c",), "outside")]
    assert found[1].message == "c at U45 (10U) is outside rack R1 (U1-U48)"


def test_spc001_floor_overlap_and_clean_placement():
    b = Bench()
    b.rack()
    b.place(builders.server(), "a", position=1)
    assert not only(b.findings(), "SPC-001")
    b.design.put("racks", Rack(id="rk-9", name="R9", rack_type="generic-48u", hall="hall-1", x_mm=1300, y_mm=1000))
    found = only(b.findings(), "SPC-001")
    assert [(f.objects, f.aspect) for f in found] == [(("rk-1", "rk-9"), "floor")]


def test_spc001_lists_at_most_a_few_hundred_overlaps_and_says_there_are_more():
    """1,000 floor units dropped on one spot by a generator gone wrong: 499,500 pairs would take
    12 s and 1.5 GB to check (3,000 would not fit in memory); the first 500 are listed and one
    finding says there are more."""
    from rackstudio.checks.engine import CheckEngine
    from rackstudio.checks.rules.space import OVERLAPS_LISTED
    from rackstudio.graph import ComponentGraph
    from rackstudio.io import parse
    from tests.core.test_floor_overlaps import floor_file

    design = parse(floor_file([(5000.0, 5000.0)] * 1000)).design
    found = only(CheckEngine(design, ComponentGraph(design)).run_full(), "SPC-001")
    assert len(found) == OVERLAPS_LISTED + 1
    assert {f.aspect for f in found[:-1]} == {"floor"} and len({f.objects for f in found[:-1]}) == OVERLAPS_LISTED
    more = found[-1]
    assert (more.objects, more.aspect) == (("hall-1",), "floor-more")
    assert more.message.startswith(f"more than {OVERLAPS_LISTED} overlaps on the floor of ")
    few = parse(floor_file([(5000.0, 5000.0)] * 4)).design
    assert len(only(CheckEngine(few, ComponentGraph(few)).run_full(), "SPC-001")) == 6  # every pair of 4


def test_spc002_depth_and_rails():
    # rack 1,200 mm deep: 1,300 mm device does not fit; rails 700-900 mm exclude the 1,000 mm mounting depth
    b = Bench()
    b.rack()
    b.place(load(100, slug="deep", depth_mm=1300), "deep", position=1)
    b.place(load(100, slug="rails", depth_mm=800, rail_range_mm=[700, 900]), "rails", position=2)
    b.place(load(100, slug="fine", depth_mm=897.1, rail_range_mm=[600, 1100]), "fine", position=3)
    found = only(b.findings(), "SPC-002")
    assert [(f.objects, f.aspect) for f in found] == [(("deep",), "depth"), (("rails",), "rails")]


@pytest.mark.parametrize(("kg", "severity"), [(700, None), (1100, Severity.WARNING), (1250, Severity.ERROR)])
def test_spc003_rack_weight(kg, severity):
    # rated 1,360 kg; rack 150 kg + device: 850 kg = 63 %; 1,250 kg = 92 % > 90 %; 1,400 kg = 103 %
    b = Bench()
    b.rack()
    b.place(heavy(kg), "d0", position=1)
    assert [f.severity for f in only(b.findings(), "SPC-003")] == ([severity] if severity else [])


def test_spc004_rolling_rating():
    # ships integrated, rolling rating 1,000 kg: 150 + 900 = 1,050 kg > 1,000
    rt = builders.rack_type(slug="integrated", model="Integrated", ships_integrated=True, rolling_load_kg=1000)
    b = Bench()
    b.rack(rack_type=rt)
    b.place(heavy(800), "d0", position=1)
    assert not only(b.findings(), "SPC-004")
    b.place(heavy(100, slug="h100"), "d1", position=3)
    assert [f.message for f in only(b.findings(), "SPC-004")] == [
        "Rack R1 ships integrated: 1,050 kg on a 1,000 kg rolling rating"]


def test_spc005_top_heavy():
    # 200 kg 2U at U40: centre 40 × 44.45 = 1,778 mm; 20 kg 1U at U1: 22.2 mm;
    # CoG = (200 × 1,778 + 20 × 22.225) ÷ 220 = 1,618.4 mm > 50 % of 2,133.6 mm
    b = Bench()
    b.rack()
    b.place(heavy(200), "top", position=40)
    b.place(heavy(20, u=1), "low", position=1)
    found = only(b.findings(), "SPC-005")
    assert [f.aspect for f in found] == ["cog", "heaviest"]
    assert found[0].figures["cog_mm"] == pytest.approx(1618.4, abs=0.1)
    ok = Bench()
    ok.rack()
    ok.place(heavy(200), "bottom", position=1)
    ok.place(heavy(20, u=1), "high", position=40)
    assert not only(ok.findings(), "SPC-005")


def _nvl72_weight(hall_field: str, rating: float, ships_integrated: bool = False) -> Bench:
    """A 1,360 kg integrated rack (worked example 8) on a hall with one floor rating set."""
    b = Bench()
    b.set("hall-1", hall_field, rating)
    b.rack(rack_type=builders.rack_type(slug="nvl", model="NVL", weight_kg=0, ships_integrated=ships_integrated))
    b.place(heavy(1360), "rack-load", position=1)
    return b


def test_spc006_worked_example_8():
    # 1,360 kg on 0.60 × 1.20 m = 1,889 kg/m² > 1,220 kg/m²; over footprint + half the 1.2 m aisles
    # (0.6 × 2.4 m) = 944 kg/m²
    found = only(_nvl72_weight("floor_rating_kg_m2", 1220).findings(), "SPC-006")
    assert [f.message for f in found] == [
        "Rack R1: 1,360 kg on 0.60 × 1.20 m = 1,889 kg/m² > 1,220 kg/m² floor rating (944 kg/m² with half the aisles)"]
    assert not only(_nvl72_weight("floor_rating_kg_m2", 2000).findings(), "SPC-006")


def test_spc007_tile_point_load():
    # ⅓ × 1,360 = 453 kg on one tile > 400; < 500. Rolling (ships integrated): ½ × 1,360 = 680 > 500
    found = only(_nvl72_weight("tile_point_load_kg", 400).findings(), "SPC-007")
    assert [f.figures["tile_load_kg"] for f in found] == [pytest.approx(453.3, abs=0.1)]
    assert not only(_nvl72_weight("tile_point_load_kg", 500).findings(), "SPC-007")
    assert only(_nvl72_weight("tile_point_load_kg", 500, ships_integrated=True).findings(), "SPC-007")


def _facing_rows(gap_mm: float, cold: str = "front") -> Bench:
    # row A faces S with fronts at y = 2,200; row B faces N with fronts at 2,200 + gap
    b = Bench()
    b.row("row-a", facing="S", cold_aisle=cold)
    b.row("row-b", facing="N", cold_aisle=cold)
    b.rack("rk-1", x=1000, y=1000, row="row-a", facing="S")
    b.rack("rk-2", x=1000, y=2200 + gap_mm, row="row-b", facing="N")
    return b


def test_spc008_cold_aisle_width():
    found = only(_facing_rows(800).findings(), "SPC-008")
    assert [f.message for f in found] == ["Cold aisle between rows ROW-A and ROW-B: 0.80 m < 1.20 m"]
    assert not only(_facing_rows(1200).findings(), "SPC-008")
    assert not only(_facing_rows(800, cold="rear").findings(), "SPC-008")  # a hot aisle: no minimum set


def test_spc009_row_length():
    b = Bench()
    b.settings(max_row_racks=2)
    b.row()
    for i in range(2):
        b.rack(f"rk-{i}", x=1000 + 600 * i, row="row-1")
    assert not only(b.findings(), "SPC-009")
    b.rack("rk-9", x=3000, row="row-1")
    assert [f.message for f in only(b.findings(), "SPC-009")] == ["Row ROW-1: 3 racks (at most 2)"]


def test_spc010_wall_and_panel_clearance():
    # hall 12 m deep; rack at y = 10,000 facing S: front edge 11,200, 800 mm from the wall → warning;
    # a panel 500 mm west of the rack → error
    b = Bench()
    b.rack(y=10000)
    b.doc.execute(AddRecord("panels", Panel(id="pnl-x", name="Panel X", hall="hall-1", x_mm=500, y_mm=10500)))
    found = only(b.findings(), "SPC-010")
    assert sorted((f.aspect, f.severity) for f in found) == [("front", Severity.WARNING), ("panel", Severity.ERROR)]
    ok = Bench()
    ok.rack(y=4000)
    assert not only(ok.findings(), "SPC-010")


def test_spc011_width_class():
    orv3 = builders.rack_type(slug="orv3", model="ORv3", unit_system="ou", width_class="21in", u_height=44)
    b = Bench()
    b.rack(rack_type=orv3)
    b.place(builders.server(), "eia", position=1)  # 19-inch gear in a 21-inch bay (adapters)
    assert [f.objects for f in only(b.findings(), "SPC-011")] == [("eia",)]
    ok = Bench()
    ok.rack()
    ok.place(builders.server(), "eia", position=1)
    assert not only(ok.findings(), "SPC-011")


def test_spc012_worked_example_9():
    # a 1 OU tray (48 mm) in an EIA rack takes ceil(48 ÷ 44.45) = 2U = 88.9 mm: 40.9 mm lost
    b = Bench()
    b.rack()
    b.place(load(100, slug="ou-tray", unit_system="ou"), "t0", position=1)
    found = only(b.findings(), "SPC-012")
    assert [f.message for f in found] == ["t0: 1 OU (48.0 mm) takes 2 EIA here, 40.9 mm lost"]
    assert found[0].severity is Severity.INFO
    assert not only(Bench().findings(), "SPC-012")
