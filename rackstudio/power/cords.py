"""Qt-free. Which PSU inlet may be corded to which PDU outlet (IEC 60320, engineering.md 2.10).

A cord has a connector that fits the PSU's inlet and a plug that fits the PDU's outlet, and cords
exist for most pairs; what makes a pair wrong is an outlet rated below the inlet it feeds (a 16 A
C20 inlet on a 10 A C13 outlet). So the verdict compares the two ratings, and names the cord for
the pairs that are fine: C14 → C13 with a C13–C14 cord, C14 → C19 with a C13–C20 cord, C20 → C19
only, C16 → C15. Types outside IEC 60320 (or missing) are not judged.
"""
from __future__ import annotations

import functools
import re

_IEC = re.compile(r"^iec-60320-c(\d+)$")

# IEC 60320 ratings, A (engineering.md 2.10 [IEC60320]); the UL ratings (15 / 20 A) keep the same order.
INLET_RATING_A = {6: 2.5, 8: 2.5, 14: 10.0, 16: 10.0, 18: 10.0, 20: 16.0, 22: 16.0}
OUTLET_RATING_A = {5: 2.5, 7: 2.5, 13: 10.0, 15: 10.0, 17: 10.0, 19: 16.0, 21: 16.0}


def _number(type_name: str | None, table: dict[int, float]) -> int | None:
    match = _IEC.match((type_name or "").strip().lower())
    if match is None:
        return None
    number = int(match.group(1))
    return number if number in table else None


@functools.lru_cache(maxsize=256)
def judged(inlet_type: str | None, outlet_type: str | None) -> bool:
    """True when both ends are IEC 60320 types this module knows, so `mates` gives a verdict."""
    return (_number(inlet_type, INLET_RATING_A) is not None
            and _number(outlet_type, OUTLET_RATING_A) is not None)


@functools.lru_cache(maxsize=256)
def standard(inlet_type: str | None, outlet_type: str | None) -> bool:
    """True for the pairs a standard cord joins (C14 → C13, C20 → C19, C16 → C15): the planner
    prefers them and keeps C19 outlets for C20 inlets."""
    inlet = _number(inlet_type, INLET_RATING_A)
    outlet = _number(outlet_type, OUTLET_RATING_A)
    return inlet is not None and outlet is not None and inlet - 1 == outlet


@functools.lru_cache(maxsize=256)
def mates(inlet_type: str | None, outlet_type: str | None) -> tuple[bool, str]:
    """(whether a PSU inlet of `inlet_type` may be corded to a PDU outlet of `outlet_type`, why).

    Types are NetBox's power-port / power-outlet names (`iec-60320-c14`, `iec-60320-c13`). An
    unknown or missing type is not judged: (True, reason saying so)."""
    inlet = _number(inlet_type, INLET_RATING_A)
    outlet = _number(outlet_type, OUTLET_RATING_A)
    if inlet is None or outlet is None:
        unknown = inlet_type if inlet is None else outlet_type
        return True, f"not judged: {unknown or 'no type'} is not an IEC 60320 type RackStudio knows"
    need, give = INLET_RATING_A[inlet], OUTLET_RATING_A[outlet]
    if give < need:
        return False, (f"a {need:g} A C{inlet} inlet on a {give:g} A C{outlet} outlet: the outlet is "
                       "rated below the PSU (engineering.md §2.10)")
    cord = f"C{inlet - 1}–C{outlet + 1} cord"
    if standard(inlet_type, outlet_type):
        return True, f"C{inlet} on C{outlet}: a standard {cord}"
    return True, f"C{inlet} on C{outlet} with a {cord}; the outlet's breaker limits"


__all__ = ["INLET_RATING_A", "OUTLET_RATING_A", "judged", "mates", "standard"]
