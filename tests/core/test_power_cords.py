"""Which PSU inlet mates which PDU outlet (engineering.md §2.10) and the shared PDU arithmetic."""
from __future__ import annotations

import pytest

from rackstudio.power.cords import judged, mates
from rackstudio.power.electrical import imbalance_pct, leg_power, phase_currents


@pytest.mark.parametrize(("inlet", "outlet", "ok", "said"), [
    ("iec-60320-c14", "iec-60320-c13", True, "standard C13–C14 cord"),
    ("iec-60320-c14", "iec-60320-c19", True, "C13–C20 cord"),
    ("iec-60320-c20", "iec-60320-c19", True, "standard C19–C20 cord"),
    ("iec-60320-c20", "iec-60320-c13", False, "16 A C20 inlet on a 10 A C13 outlet"),
    ("iec-60320-c16", "iec-60320-c15", True, "standard C15–C16 cord"),
    ("iec-60320-c6", "iec-60320-c13", True, "C5–C14 cord"),
    ("iec-60320-c8", "iec-60320-c13", True, "C7–C14 cord"),
])
def test_the_cord_table(inlet, outlet, ok, said):
    verdict, reason = mates(inlet, outlet)
    assert verdict is ok and said in reason


@pytest.mark.parametrize(("inlet", "outlet"), [
    (None, "iec-60320-c13"), ("iec-60320-c20", None), ("nema-5-15p", "nema-5-15r"),
    ("iec-60309-3p-n-e-6h", "iec-60320-c19"), ("IEC-60320-C99", "iec-60320-c13"),
])
def test_unknown_types_are_not_judged(inlet, outlet):
    verdict, reason = mates(inlet, outlet)
    assert verdict and reason.startswith("not judged") and not judged(inlet, outlet)


def test_type_names_ignore_case_and_spaces():
    assert mates(" IEC-60320-C20 ", "iec-60320-c13")[0] is False


def test_wye_legs_and_imbalance():
    # 415 V wye: two 2,383 W PSUs per leg -> 19.9 A on each leg, balanced
    currents = phase_currents(415, 1.0, leg_power({"a": 0, "b": 1, "c": 2}, {"a": 4766.7, "b": 4766.7, "c": 4766.7}))
    assert currents == pytest.approx((19.9, 19.9, 19.9), abs=0.05)
    assert imbalance_pct(currents) == 0.0
    # all on one leg: the 200 % of the issue
    assert imbalance_pct(phase_currents(415, 1.0, (14300.0, 0.0, 0.0))) == pytest.approx(200.0)


def test_unassigned_outlets_spread_over_three_legs():
    assert leg_power({"a": 0}, {"a": 300.0, "x": 300.0}, 300.0) == pytest.approx((500.0, 200.0, 200.0))
