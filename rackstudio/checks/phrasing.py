"""Qt-free. How a loading is stated, once for the findings, the failure-simulation banner, the
slides and the reports (engineering.md §2.11): the load, the figure it is compared with and what
that figure is, the percentage of THAT figure, the threshold that makes it a finding when the
threshold is not the figure itself, and how the figure is made.

    42.9 kW of the 34.5 kW derated limit (124 %; rating 43.1 kVA × PF 1.00 × 0.80)
    27.0 kW of the 34.5 kW derated limit (78 %, warning above 75 %; rating 43.1 kVA × PF 1.00 × 0.80)
    120.0 kW of the 120.0 kW power budget (100 %, warning above 90 %; rack type Generic 48U)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# unit → (how a value in the model's unit is written): W are shown as kW, VA as kVA.
_WRITTEN = {
    "kW": lambda w: f"{w / 1000:,.1f} kW",
    "kVA": lambda va: f"{va / 1000:,.1f} kVA",
    "VA": lambda va: f"{va:,.0f} VA",
    "kg": lambda kg: f"{kg:,.0f} kg",
    "A": lambda a: f"{a:,.1f} A" if a < 100 else f"{a:,.0f} A",
}


def written(value: float, unit: str) -> str:
    """A figure as every message writes it: W as kW (one decimal), VA as kVA (or whole VA for NetBox's
    integer figure), kg whole, A to 0.1 below 100 A."""
    return _WRITTEN[unit](value)


def percent(ratio: float) -> str:
    return "∞ %" if math.isinf(ratio) else f"{ratio * 100:.0f} %"


@dataclass(frozen=True)
class Basis:
    """What a load is compared with: the figure (in W, VA, kg or A), what it is ("derated limit",
    "power budget", "rating", "air-cooling capacity", ...) and how it is made or where it comes
    from ("rating 43.1 kVA × PF 1.00 × 0.80", "set on the rack")."""

    value: float
    what: str
    derivation: str = ""
    unit: str = "kW"

    def ratio(self, load: float) -> float:
        """load ÷ the figure: over 1.0 is over it."""
        if self.value:
            return load / self.value
        return math.inf if load else 0.0

    def state(self, load: float, above: float | None = None, level: str = "warning",
              load_unit: str | None = None, load_is: str = "", above_is: str = "") -> str:
        """'<load>[ <load_is>] of the <figure> <what> (<pct>[, <level> above <threshold>][; <derivation>])'.
        `above` is the share of the figure beyond which the finding is raised, given when it is not
        the figure itself (1.0), and `above_is` what that threshold is of another base; `load_is`
        says which figure the load is ("allocated")."""
        inside = percent(self.ratio(load))
        if above is not None and not math.isclose(above, 1.0):
            inside += f", {level} above {percent(above)}{above_is}"
        if self.derivation:
            inside += f"; {self.derivation}"
        load_text = written(load, load_unit or ("kW" if self.unit in ("kVA", "VA") else self.unit))
        if load_is:
            load_text += f" {load_is}"
        return f"{load_text} of the {written(self.value, self.unit)} {self.what} ({inside})"


__all__ = ["Basis", "percent", "written"]
