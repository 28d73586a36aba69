"""Qt-free. The engineering formulas the checks and the dashboard share, one place for each figure.

Units: V, A, VA, W, K, °C, m³/h, CFM, L/min. Sources are docs/engineering.md sections and
their keys (§8 there). Figures marked U in engineering.md that CheckSettings does not hold yet are the
constants at the top of this module (named *_DEFAULT / with a U comment).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from rackstudio.checks.phrasing import Basis
from rackstudio.model.design import Feed
from rackstudio.model.review import CheckSettings
from rackstudio.model.units import M3H_PER_CFM, SQRT3

# The outlet-voltage, bank, leg and phase arithmetic is in rackstudio.power.electrical, which the power
# planner calls too.

# Air at sea level, ~20 °C (engineering.md 3.1: textbook values, U as to exact conditions).
AIR_DENSITY_KG_M3 = 1.2
AIR_CP_J_KGK = 1005.0

# Coolant properties, CoolProp 8.0.0 at 2 bar (engineering.md 3.4 [COOLPROP], P): °C → (cp J/(kg·K), ρ kg/m³).
FLUIDS: dict[str, tuple[tuple[float, float, float], ...]] = {
    "water": ((25.0, 4181.0, 997.1), (45.0, 4180.0, 990.3)),
    "pg25": ((25.0, 3933.0, 1017.2), (35.0, 3957.0, 1012.5), (45.0, 3981.0, 1007.2)),
}
# A rack with no coolant path has no loop to read: these stand in for its liquid-flow figure (U).
LIQUID_FLUID_DEFAULT = "pg25"
LIQUID_SUPPLY_C_DEFAULT = 35.0
LIQUID_DELTA_T_K_DEFAULT = 10.0

NETBOX_SQRT3 = 1.732  # NetBox multiplies by 1.732, not √3 (engineering.md 2.7 [NB-PWR])


# --- electrical ----------------------------------------------------------------------------------

def rating_va(voltage_v: float, amperage_a: float, phase: str) -> float:
    """Full apparent rating: V × A single-phase, √3 × V_LL × A three-phase (engineering.md 2.1)."""
    s = abs(voltage_v) * amperage_a
    return s * SQRT3 if phase == "three-phase" else s


def netbox_available_power(voltage_v: float, amperage_a: float, max_utilization: float, phase: str) -> int:
    """NetBox's PowerFeed.available_power, exactly (engineering.md 2.7 [NB-PWR]): 1.732 and Python round()."""
    kva = abs(voltage_v) * amperage_a * (max_utilization / 100)
    return round(kva * NETBOX_SQRT3) if phase == "three-phase" else round(kva)


@dataclass(frozen=True)
class Capacity:
    """What a feed (or a PDU inlet) may carry continuously.

    Engineering mode: loading b = load ÷ (PF × rating) against `limit` (0.80 for a standard breaker,
    NEC 210.20(A); 1.00 for a 100 %-rated assembly). NetBox mode: load ÷ NetBox available_power,
    which already holds max_utilization. Either way the derating is applied once (engineering.md 2.2, 2.7).
    """

    rating_va: float
    power_factor: float
    limit: float
    netbox_va: int
    netbox_compat: bool

    @property
    def capacity_w(self) -> float:
        if self.netbox_compat:
            return float(self.netbox_va)
        return self.rating_va * self.power_factor * self.limit

    def loading(self, load_w: float) -> float:
        """b: load ÷ (PF × full rating); in NetBox mode load ÷ available power × max_utilization."""
        if self.netbox_compat:
            return load_w / self.netbox_va * self.limit if self.netbox_va else math.inf
        full = self.rating_va * self.power_factor
        return load_w / full if full else math.inf

    def utilisation(self, load_w: float) -> float:
        """load ÷ continuous capacity: over 1.0 is over the limit."""
        return load_w / self.capacity_w if self.capacity_w else math.inf

    @property
    def basis(self) -> Basis:
        """What a load on this supply is compared with, and how that figure is made (engineering.md §2.11)."""
        if self.netbox_compat:
            return Basis(float(self.netbox_va), "NetBox available power",
                         f"rating {self.rating_va / 1000:.1f} kVA × {self.limit * 100:.0f} % max utilisation, "
                         "NetBox's arithmetic", unit="VA")
        what = "derated limit" if self.limit < 1 else "continuous limit"
        derivation = f"rating {self.rating_va / 1000:.1f} kVA × PF {self.power_factor:.2f} × {self.limit:.2f}"
        if self.limit >= 1:
            derivation += ", 100 %-rated breaker"
        return Basis(self.capacity_w, what, derivation)

    def describe(self, load_w: float, above: float | None = None) -> str:
        """'42.9 kW of the 34.5 kW derated limit (124 %; rating 43.1 kVA × PF 1.00 × 0.80)': the
        percentage is of the continuous capacity; `above` names a warning threshold below it, and
        what that threshold is of the limit's base (the rating × PF, or NetBox's full rating)."""
        if above is None:
            return self.basis.state(load_w)
        base = (f"{self.rating_va / 1000:.1f} kVA" if self.netbox_compat
                else f"{self.rating_va / 1000:.1f} kVA × PF {self.power_factor:.2f}")
        return self.basis.state(load_w, above, above_is=f" = {above * self.limit * 100:.0f} % of {base}")

    def figures(self, load_w: float) -> dict[str, float]:
        return {"load_w": round(load_w, 1), "rating_va": round(self.rating_va, 1),
                "power_factor": self.power_factor, "limit": self.limit,
                "capacity_w": round(self.capacity_w, 1), "loading": round(self.loading(load_w), 4),
                "utilisation": round(self.utilisation(load_w), 4),
                "netbox_available_va": self.netbox_va}


def feed_capacity(feed: Feed, settings: CheckSettings) -> Capacity:
    if settings.netbox_compat:
        return Capacity(rating_va(feed.voltage_v, feed.amperage_a, feed.phase), 1.0,
                        feed.max_utilization / 100, _netbox(feed), True)
    limit = 1.0 if feed.breaker_100pct_rated else settings.derating
    return Capacity(rating_va(feed.voltage_v, feed.amperage_a, feed.phase), feed.power_factor, limit,
                    _netbox(feed), False)


def _netbox(feed: Feed) -> int:
    return netbox_available_power(feed.voltage_v, feed.amperage_a, feed.max_utilization, feed.phase)


def inlet_capacity(voltage_v: float, amperage_a: float, phase: str, settings: CheckSettings) -> Capacity:
    """A rack PDU's inlet, derated like a standard breaker (NetBox has no PDU capacity)."""
    va = rating_va(voltage_v, amperage_a, phase)
    return Capacity(va, 1.0, settings.derating, round(va * settings.derating), False)


def warning_fraction(settings: CheckSettings, capacity: Capacity) -> float:
    """PWR-002's threshold as a share of the continuous capacity. The planning level is 0.60 of the
    limit's base (the rating × PF) whatever the breaker: 0.60 ÷ 0.80 = 0.75 of a standard breaker's
    derated limit (NetBox's amber band), 0.60 ÷ 1.00 of a 100 %-rated one's (engineering.md 2.9)."""
    return settings.breaker_warning / capacity.limit


# --- air -------------------------------------------------------------------------------------------

def airflow_m3h(heat_w: float, delta_t_k: float) -> float:
    """Air needed to carry `heat_w` at ΔT: V̇ = 3,600 × Q ÷ (ρ × c_p × ΔT) ≈ 2.985 × Q ÷ ΔT (engineering.md 3.1)."""
    return 3600 * heat_w / (AIR_DENSITY_KG_M3 * AIR_CP_J_KGK * delta_t_k)


def m3h_to_cfm(m3h: float) -> float:
    return m3h / M3H_PER_CFM


def cfm_delta_t_k(power_w: float, cfm: float) -> float:
    """ΔT implied by a device's airflow and power: 3.16 × W ÷ CFM gives °F, ÷ 1.8 gives K (LIB-005)."""
    return 3.16 * power_w / cfm / 1.8


# --- liquid ----------------------------------------------------------------------------------------

def fluid_properties(fluid: str, supply_c: float) -> tuple[float, float]:
    """(c_p J/(kg·K), ρ kg/m³) at the supply temperature, interpolated in the CoolProp table, clamped."""
    table = FLUIDS.get(fluid, FLUIDS[LIQUID_FLUID_DEFAULT])
    if supply_c <= table[0][0]:
        return table[0][1], table[0][2]
    for (t0, cp0, rho0), (t1, cp1, rho1) in zip(table, table[1:], strict=False):
        if supply_c <= t1:
            k = (supply_c - t0) / (t1 - t0)
            return cp0 + k * (cp1 - cp0), rho0 + k * (rho1 - rho0)
    return table[-1][1], table[-1][2]


def liquid_lpm(heat_w: float, fluid: str, supply_c: float, delta_t_k: float) -> float:
    """Coolant flow for `heat_w`: V̇ [L/min] = 60,000 × Q ÷ (ρ × c_p × ΔT) (engineering.md 3.4)."""
    cp, rho = fluid_properties(fluid, supply_c)
    return 60_000 * heat_w / (rho * cp * delta_t_k)
