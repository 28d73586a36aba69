"""Qt-free. Unit systems and conversions. SI inside the core: mm, kg, W, V, A, L/min.

Sources: EIA-310 1U = 44.45 mm [TRIPPLITE]; OCP OpenU = 48 mm [WIKI-OR];
1 lb = 0.45359237 kg; 1 CFM = 1.699 m^3/h (docs/engineering.md, Units).
"""
from __future__ import annotations

from enum import StrEnum


class UnitSystem(StrEnum):
    EIA = "eia"  # EIA-310 19-inch, 1U = 44.45 mm
    OU = "ou"  # OCP Open Rack 21-inch, 1 OU = 48 mm


UNIT_MM = {UnitSystem.EIA: 44.45, UnitSystem.OU: 48.0}

WEIGHT_TO_KG = {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}

SQRT3 = 3 ** 0.5
M3H_PER_CFM = 1.699
BTU_H_PER_W = 3.412


def to_kg(value: float, unit: str) -> float:
    return value * WEIGHT_TO_KG[unit]


def units_in_rack(height_units: float, part_system: UnitSystem, rack_system: UnitSystem) -> float:
    """Rack units a part of `height_units` in its own system takes in a rack of another system.

    An OU device in an EIA rack consumes ceil(n * 48 / 44.45) U (engineering.md SPC-012).
    """
    if part_system == rack_system or height_units == 0:
        return height_units
    mm = height_units * UNIT_MM[part_system]
    exact = mm / UNIT_MM[rack_system]
    whole = int(exact)
    return float(whole if abs(exact - whole) < 1e-9 else whole + 1)
