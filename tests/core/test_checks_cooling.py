"""Cooling rules COOL-001..013 and the heat/airflow/liquid figures, worked by hand from
docs/engineering.md §3 and worked examples 5 and 6."""
from __future__ import annotations

import pytest

from rackstudio.checks.formulas import airflow_m3h, liquid_lpm, m3h_to_cfm
from rackstudio.checks.rule import Severity
from rackstudio.commands import SetProperty
from tests.core import builders
from tests.core.check_builders import Bench, busbar_rack, cdu, load, manifold, tray


def only(found, rule):
    return [f for f in found if f.rule == rule]


# --- formulas (worked examples 5 and 6) ------------------------------------------------------------

def test_airflow_worked_example_5():
    # 28.6 kW at ΔT 11.7 K: 3,600 × 28,600 ÷ (1.2 × 1,005 × 11.7) = 7,297 m³/h ≈ 4,295 CFM (NVIDIA: 4,290)
    m3h = airflow_m3h(28600, 11.7)
    assert m3h == pytest.approx(7297, abs=1)
    assert m3h_to_cfm(m3h) == pytest.approx(4295, abs=1)


def test_liquid_flow_worked_example_6():
    # 132 kW, ΔT 10 K: PG25 at 35 °C (c_p 3,957, ρ 1,012.5) → 60,000 × 132,000 ÷ (1,012.5 × 3,957 × 10) = 197.7 L/min;
    # water at 25 °C (4,181, 997.1) → 190.0 L/min
    assert liquid_lpm(132000, "pg25", 35, 10) == pytest.approx(197.7, abs=0.05)
    assert liquid_lpm(132000, "water", 25, 10) == pytest.approx(190.0, abs=0.05)
    # interpolated between 25 and 45 °C for water: c_p 4,180.5, ρ 993.7 at 35 °C
    assert liquid_lpm(132000, "water", 35, 10) == pytest.approx(60000 * 132000 / (993.7 * 4180.5 * 10), rel=1e-6)


def test_rack_metrics_heat_split_and_airflow():
    # a 6,600 W tray with liquid_fraction 0.85: 5,610 W to liquid, 990 W to air;
    # air flow 990 W at ΔT 15 K = 3,600 × 990 ÷ (1.2 × 1,005 × 15) = 197.0 m³/h
    b = Bench()
    b.rack(rack_type=busbar_rack())
    b.place(tray(), "t0", position=10)
    from rackstudio.checks import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph
    engine = CheckEngine(b.design, ComponentGraph(b.design))
    engine.run_full()
    m = engine.rack_metrics("rk-1")
    assert m.heat_liquid_w == pytest.approx(5610) and m.heat_air_w == pytest.approx(990)
    assert m.airflow_m3h == pytest.approx(197.01, abs=0.01)
    # no CDU: PG25 at 35 °C, ΔT 10 K (defaults): 5,610 W → 8.40 L/min
    assert m.liquid_lpm == pytest.approx(60000 * 5610 / (1012.5 * 3957 * 10), rel=1e-6)
    assert m.weight_kg == pytest.approx(150 + 32)


# --- COOL-001: air capacity (rack, row, hall) -------------------------------------------------------

@pytest.mark.parametrize(("servers", "watts", "severity"), [
    (1, 14300, None),                # 14.3 ÷ 20 = 72 %
    (1, 17000, Severity.WARNING),    # 85 % > 80 %
    (2, 14300, Severity.ERROR),      # 28.6 ÷ 20 = 143 %
])
def test_cool001_rack_air_capacity(servers, watts, severity):
    b = Bench()
    b.rack()
    b.set("rk-1", "air_cooling_capacity_kw", 20)
    for i in range(servers):
        b.place(load(watts), f"d{i}", position=1 + i)
    found = only(b.findings(), "COOL-001")
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_cool001_row_and_hall_totals():
    # two racks of 14.3 kW in a row rated 25 kW: 28.6 kW = 114 % → error; hall rated 40 kW: 72 % → none
    b = Bench()
    b.row(air_cooling_capacity_kw=25)
    b.rack("rk-1", row="row-1")
    b.rack("rk-2", x=1600, row="row-1")
    b.place(load(14300), "d1", rack="rk-1", position=1)
    b.place(load(14300), "d2", rack="rk-2", position=1)
    found = only(b.findings(), "COOL-001")
    assert [f.message for f in found] == ["Row ROW-1: heat to air 28.6 kW of the 25.0 kW air-cooling capacity (114 %, warning above 80 %; "
                                          "set on the row)"]
    b.set("hall-1", "air_cooling_capacity_kw", 30)  # 95 % → warning
    assert [(f.objects, f.severity) for f in only(b.findings(), "COOL-001")] == [
        (("row-1",), Severity.ERROR), (("hall-1",), Severity.WARNING)]


def test_cool001_liquid_share_leaves_the_air():
    # a 6,600 W tray at 85 % liquid puts 990 W into the air: 10 trays = 9.9 kW on a 10 kW rack → 99 % (warning only)
    b = Bench()
    b.rack(rack_type=busbar_rack(air_cooling_capacity_kw=10))
    for i in range(10):
        b.place(tray(), f"t{i}", position=1 + i)
    assert [f.severity for f in only(b.findings(), "COOL-001")] == [Severity.WARNING]


# --- COOL-002: air-density limit --------------------------------------------------------------------

def test_cool002_air_only_rack_over_30_kw():
    # 3 × 14.3 = 42.9 kW > 30 kW in an air-only rack; 2 × 14.3 = 28.6 kW is within
    b = Bench()
    b.rack()
    for i in range(2):
        b.place(load(14300), f"d{i}", position=1 + i)
    assert not only(b.findings(), "COOL-002")
    b.place(load(14300), "d2", position=3)
    assert [f.message for f in only(b.findings(), "COOL-002")] == [
        "Rack R1: air-only rack: 42.9 kW of the 30.0 kW air-density limit (143 %; site setting)"]


# --- COOL-003: liquid-cooled device without liquid --------------------------------------------------

def test_cool003_tray_in_air_only_rack_without_loop():
    b = Bench()
    b.rack()
    b.place(tray(liquid=0.85), "t0", position=1)
    found = only(b.findings(), "COOL-003")
    assert sorted(f.aspect for f in found) == ["loop", "rack"]
    assert "t0 needs 85 % of its heat to liquid but rack R1 is air-only" in [f.message for f in found]


def _loop_bench(trays: int, watts: float = 6600, liquid: float = 0.85, **cdu_spec) -> Bench:
    """A hybrid busbar rack, trays on a 0U manifold, the manifold on a floor CDU."""
    b = Bench()
    b.rack(rack_type=busbar_rack())
    b.place(manifold(), "mf", side="right")
    b.place(cdu(**cdu_spec), "cdu-1", hall="hall-1", x_mm=8000, y_mm=1000, rack=None)
    b.coolant(("mf", "M0"), ("cdu-1", "L1"))
    for i in range(trays):
        b.place(tray(watts, liquid), f"t{i}", position=1 + i)
        b.coolant((f"t{i}", "Q1"), ("mf", f"M{i + 1}"))
    return b


def test_cool003_silent_with_a_coolant_path():
    assert not only(_loop_bench(2).findings(), "COOL-003")


# --- COOL-004 / COOL-005 / COOL-008: CDU capacity, flow, redundancy --------------------------------

@pytest.mark.parametrize(("trays", "severity"), [
    (16, None),               # 16 × 6,600 × 0.85 = 89.76 kW on 100 kW = 89.8 %
    (17, Severity.WARNING),   # 95.37 kW = 95.4 % > 90 %
    (18, Severity.ERROR),     # 100.98 kW = 101 %
])
def test_cool004_cdu_capacity(trays, severity):
    found = only(_loop_bench(trays, capacity_kw=100).findings(), "COOL-004")
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_cool005_worked_example_6_flow():
    # 20 trays × 6,600 W, all to liquid = 132 kW; PG25 35 °C ΔT 10 K needs 197.7 L/min > 190 L/min
    found = only(_loop_bench(20, liquid=1.0, flow_lpm=190).findings(), "COOL-005")
    assert [f.message for f in found] == [
        "CDU cdu-1: 132.0 kW needs 197.7 L/min of pg25 at 35 °C, ΔT 10 K; rated 190 L/min"]
    assert not only(_loop_bench(20, liquid=1.0, flow_lpm=200).findings(), "COOL-005")
    # water at 25 °C needs 190.0 L/min: 189 L/min is short
    assert only(_loop_bench(20, liquid=1.0, flow_lpm=189, fluid="water", supply_c=25).findings(), "COOL-005")


def test_cool008_single_cdu_without_spare_pump():
    assert [f.rule for f in only(_loop_bench(2, redundancy="N").findings(), "COOL-008")] == ["COOL-008"]
    assert not only(_loop_bench(2, redundancy="N+1").findings(), "COOL-008")


def test_cool008_two_cdus_after_losing_one():
    # two 100 kW CDUs on one loop, 18 trays = 101 kW: one left = 100 kW < 101 kW → warning
    b = _loop_bench(18, capacity_kw=100)
    b.place(cdu(capacity_kw=100), "cdu-2", hall="hall-1", x_mm=9000, y_mm=1000, rack=None)
    b.coolant(("mf", "M20"), ("cdu-2", "L1"))
    found = b.findings()
    assert [f.objects for f in only(found, "COOL-008")] == [("cdu-1", "cdu-2")]
    assert not only(found, "COOL-004")  # 101 kW on 200 kW
    b16 = _loop_bench(16, capacity_kw=100)
    b16.place(cdu(capacity_kw=100), "cdu-2", hall="hall-1", x_mm=9000, y_mm=1000, rack=None)
    b16.coolant(("mf", "M20"), ("cdu-2", "L1"))
    assert not only(b16.findings(), "COOL-008")


# --- COOL-006 / COOL-007: temperatures ---------------------------------------------------------------

def test_cool006_supply_above_w_class():
    b = _loop_bench(1, supply_c=45)
    assert not only(b.findings(), "COOL-006")  # no W class declared
    hot = Bench()
    hot.rack(rack_type=busbar_rack())
    hot.place(manifold(), "mf", side="right")
    hot.place(cdu(supply_c=45), "cdu-1", hall="hall-1", x_mm=8000, y_mm=1000, rack=None)
    hot.coolant(("mf", "M0"), ("cdu-1", "L1"))
    hot.place(tray(slug="w40", ashrae_w_class="W40"), "t0", position=1)
    hot.coolant(("t0", "Q1"), ("mf", "M1"))
    assert [f.message for f in only(hot.findings(), "COOL-006")] == ["CDU cdu-1: supply 45 °C is above W40 of t0"]


@pytest.mark.parametrize(("supply", "fires"), [(13.0, True), (14.0, False)])
def test_cool007_dew_point(supply, fires):
    # hall dew point 12 °C: supply must be ≥ 14 °C
    assert bool(only(_loop_bench(1, supply_c=supply).findings(), "COOL-007")) is fires


# --- COOL-009: ASHRAE class --------------------------------------------------------------------------

@pytest.mark.parametrize(("temp", "severity"), [(24, None), (30, Severity.WARNING), (36, Severity.ERROR)])
def test_cool009_ashrae_a2(temp, severity):
    # A2 allowable 10-35 °C, recommended 18-27 °C
    b = Bench()
    b.rack()
    b.place(load(1000, cooling={"ashrae_air_class": "A2"}), "d0", position=1)
    b.set("hall-1", "supply_air_c", temp)
    assert [f.severity for f in only(b.findings(), "COOL-009")] == ([severity] if severity else [])


# --- COOL-010: airflow direction ---------------------------------------------------------------------

def test_cool010_reversed_device_and_turned_rack():
    b = Bench()
    b.row(facing="S", cold_aisle="front")
    b.rack(row="row-1", facing="S")
    b.place(load(1000), "front", position=1)
    b.place(load(1000), "back", position=2, face="rear")
    b.place(load(1000, slug="r2f", airflow="rear-to-front"), "rev", position=3)
    found = only(b.findings(), "COOL-010")
    assert [f.objects for f in found] == [("back",), ("rev",)]
    assert found[0].message == ("back (front-to-rear, mounted rear) takes air from the hot rear of rack R1 "
                                "(cold aisle at the front)")
    # turn the rack round in its row: its rear now faces the cold aisle
    b.doc.execute(SetProperty("rk-1", "facing", "N"))
    assert [f.objects for f in only(b.findings(), "COOL-010")] == [("front",)]


# --- COOL-011: blanking --------------------------------------------------------------------------------

def test_cool011_open_units():
    b = Bench()
    b.rack(rack_type=builders.rack_type(slug="r12", model="12U", u_height=12))
    b.place(builders.server(), "srv", position=1)
    assert [f.message for f in only(b.findings(), "COOL-011")] == [
        "Rack R1: 2 open units without blanking panels (U11-U12)"]
    b.place(builders.blank(), "bl1", position=11)
    b.place(builders.blank(), "bl2", position=12)
    assert not only(b.findings(), "COOL-011")


# --- COOL-012: rear door ------------------------------------------------------------------------------

@pytest.mark.parametrize(("door_kw", "fires"), [(10, True), (20, False)])
def test_cool012_rdhx(door_kw, fires):
    b = Bench()
    b.rack()
    b.set("rk-1", "rdhx_capacity_kw", door_kw)
    b.place(load(14300), "d0", position=1)
    assert bool(only(b.findings(), "COOL-012")) is fires


# --- COOL-013: no heat data ---------------------------------------------------------------------------

def test_cool013_device_without_power_or_airflow():
    b = Bench()
    b.rack()
    bare = builders.switch(slug="bare", rackstudio={"category": "switch"}, **{"power-ports": [{"name": "PS1"}]})
    b.place(bare, "sw", position=40)
    assert [f.objects for f in only(b.findings(), "COOL-013")] == [("sw",)]
    with_cfm = builders.switch(slug="bare-cfm", rackstudio={"category": "switch", "cooling": {"airflow_cfm": 50}},
                               **{"power-ports": [{"name": "PS1"}]})
    b2 = Bench()
    b2.rack()
    b2.place(with_cfm, "sw", position=40)
    assert not only(b2.findings(), "COOL-013")
