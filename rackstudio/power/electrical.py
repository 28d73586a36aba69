"""Qt-free. The electrical arithmetic of supplies, rack PDU banks, legs and phases: one place that
the checks (PWR-003/004/008/009), the dashboard and the power planner all call, so a figure the
planner promises is the figure a check reports (engineering.md 2.1-2.4).

Inputs are W per outlet (or per leg) — what flows where comes from `checks.power_flow` for a
design, or from the planner for a plan — and the results are A, ratios and percentages.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rackstudio.model.parts import PartType, PduSpec
from rackstudio.model.units import SQRT3

# Three-phase rack PDUs below this line-to-line voltage feed their outlets line to line (208 V
# delta-style banks, engineering.md 2.1 [RARITAN-3PH]); at 380-415 V outlets are line to neutral (U: the
# model has no wiring field yet).
DELTA_BELOW_V = 300.0
LEGS = "ABC"


def is_delta(voltage_ll: float) -> bool:
    return voltage_ll < DELTA_BELOW_V


def outlet_voltage(voltage_v: float, phase: str) -> float:
    """What one outlet or single-phase PSU on this supply sees: V single-phase; V_LL for 208 V
    delta-style three-phase; V_LL ÷ √3 for 380-415 V wye (engineering.md 2.1)."""
    if phase != "three-phase" or is_delta(voltage_v):
        return abs(voltage_v)
    return abs(voltage_v) / SQRT3


def line_currents_delta(i12: float, i23: float, i31: float) -> tuple[float, float, float]:
    """Line currents from line-to-line bank currents, unity PF (engineering.md 2.1 [RARITAN-3PH]):
    I_L1 = √(I_12² + I_31² + I_12·I_31), and cyclically."""
    def line(x: float, y: float) -> float:
        return math.sqrt(x * x + y * y + x * y)
    return line(i12, i31), line(i12, i23), line(i23, i31)


def phase_currents(voltage_ll: float, power_factor: float,
                   legs_w: tuple[float, float, float]) -> tuple[float, float, float]:
    """Line currents (A) of a three-phase supply from W per leg. 380-415 V: I = P ÷ (V_LN × PF).
    208 V: legs A, B, C are the L1-L2, L2-L3, L3-L1 banks, combined by the phasor formula (engineering.md 2.1)."""
    if is_delta(voltage_ll):
        i12, i23, i31 = (w / (voltage_ll * power_factor) for w in legs_w)
        return line_currents_delta(i12, i23, i31)
    v_ln = voltage_ll / SQRT3
    a, b, c = (w / (v_ln * power_factor) for w in legs_w)
    return a, b, c


def imbalance_pct(currents: tuple[float, float, float]) -> float:
    """ServerTech/NEMA imbalance (engineering.md 2.4 [STECH-IMB]): 100 × max|I − I_avg| ÷ I_avg; 0 when
    I_avg < 0.5 A or the deviation < 0.5 A (treated as balanced)."""
    avg = sum(currents) / 3
    dev = max(abs(i - avg) for i in currents)
    if avg < 0.5 or dev < 0.5:
        return 0.0
    return 100 * dev / avg


# --- rack PDUs ---------------------------------------------------------------------------------

def pdu_outlet_voltage(spec: PduSpec) -> float:
    """The voltage at a rack PDU's outlets (a PSU plugged into one sees this)."""
    return outlet_voltage(spec.inlet_voltage_v, spec.inlet_phase)


def outlet_legs(part: PartType) -> dict[str, int]:
    """Outlet name → leg index (0, 1, 2 for A, B, C) for outlets that name their `feed_leg`."""
    return {o.name: LEGS.index(o.feed_leg) for o in part.power_outlets if o.feed_leg}


def outlet_currents(outlet_w: Mapping[str, float], volts: float, power_factor: float) -> dict[str, float]:
    """A per outlet: W ÷ (V_outlet × PF) (engineering.md 2.2)."""
    return {port: w / (volts * power_factor) for port, w in outlet_w.items()}


@dataclass(frozen=True)
class BankLoad:
    """One bank breaker's current against its rating; `limit_a` is the derated continuous limit."""

    name: str
    current_a: float
    breaker_a: float
    limit_a: float

    @property
    def loading(self) -> float:
        return self.current_a / self.breaker_a


def bank_loads(spec: PduSpec, currents: Mapping[str, float], derating: float) -> list[BankLoad]:
    """Each bank's current = Σ of its outlets' A, against its breaker × derating (PWR-003)."""
    return [BankLoad(bank.name, sum(currents.get(o, 0.0) for o in bank.outlets), bank.breaker_a,
                     bank.breaker_a * derating) for bank in spec.banks]


def leg_power(legs_of: Mapping[str, int], outlet_w: Mapping[str, float],
              unassigned_w: float = 0.0) -> tuple[float, float, float]:
    """W per leg from outlet W and the outlet → leg map; outlets with no leg (and `unassigned_w`)
    count as balanced over the three legs (engineering.md 2.4)."""
    legs = [unassigned_w / 3] * 3
    for port, watts in outlet_w.items():
        leg = legs_of.get(port)
        if leg is None:
            for i in range(3):
                legs[i] += watts / 3
        else:
            legs[leg] += watts
    return legs[0], legs[1], legs[2]


@dataclass(frozen=True)
class PduLoad:
    """A rack PDU's figures for one set of outlet W: bank currents, the inlet's line currents
    against its derated rating, and their imbalance (the same for every caller)."""

    volts: float
    outlet_a: dict[str, float]
    banks: tuple[BankLoad, ...]
    phases_a: tuple[float, float, float] | None  # None for a single-phase inlet
    phase_limit_a: float
    imbalance_pct: float


def pdu_load(part: PartType, outlet_w: Mapping[str, float], power_factor: float, derating: float,
             spec: PduSpec | None = None) -> PduLoad:
    """Every figure of one rack PDU from W per outlet: `spec` is the placed PDU's rating
    (`power.inlets.pdu_spec`: the part's figures, or its inlet type's and its feed's); the part's
    own figures when not given."""
    spec = spec or part.rackstudio.pdu
    volts = pdu_outlet_voltage(spec)
    currents = outlet_currents(outlet_w, volts, power_factor)
    phases = None
    if spec.inlet_phase == "three-phase":
        phases = phase_currents(spec.inlet_voltage_v, power_factor, leg_power(outlet_legs(part), outlet_w))
    return PduLoad(volts, currents, tuple(bank_loads(spec, currents, derating)), phases,
                   derating * spec.inlet_amperage_a, imbalance_pct(phases) if phases else 0.0)


__all__ = ["DELTA_BELOW_V", "BankLoad", "PduLoad", "bank_loads", "imbalance_pct", "is_delta", "leg_power",
           "line_currents_delta", "outlet_currents", "outlet_legs", "outlet_voltage", "pdu_load",
           "pdu_outlet_voltage", "phase_currents"]
