"""Qt-free. What a PDU's inlet type says about its supply (engineering.md 2.10): the phases and
voltage class from NetBox's IEC 60309 and NEMA locking type names, and the current where the name
carries it (NEMA types; an IEC 60309 name gives poles and clock position, not the rating, which
then comes from the feed). Used when a NetBox PDU file gives no draw and no RackStudio figures,
and to flag outlets on legs its inlet does not have (three legs on a single-phase inlet).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rackstudio.model.parts import PartType, PduSpec


@dataclass(frozen=True)
class InletClass:
    """An inlet type's supply: phases, the nominal voltage RackStudio plans with (line to line for
    three-phase; the lowest of the class, the one that draws the most current), the current when the
    type carries it, and the legs its outlets can be on."""

    type: str
    phase: str  # "single-phase" or "three-phase"
    voltage_v: float | None
    amperage_a: float | None

    @property
    def legs(self) -> str:
        return "ABC" if self.phase == "three-phase" else "A"


# NEMA locking configurations [NEMA-WD6] (engineering.md 2.10): name → (phase, nominal V).
_NEMA = {"l5": ("single-phase", 120.0), "l6": ("single-phase", 208.0), "l7": ("single-phase", 277.0),
         "l8": ("single-phase", 480.0), "l14": ("single-phase", 240.0), "l15": ("three-phase", 208.0),
         "l16": ("three-phase", 480.0), "l21": ("three-phase", 208.0), "l22": ("three-phase", 480.0)}
_NEMA_NAME = re.compile(r"^nema-(l\d+)-(\d+)p$")
# IEC 60309 (engineering.md 2.10): poles → phase; (poles, clock hour) → nominal V where RackStudio knows it
# (6 h: 200-250 V single-phase P+N+E, 380-415 V for the others); other hours take their voltage from the feed.
_IEC_NAME = re.compile(r"^iec-60309-(p-n-e|2p-e|3p-e|3p-n-e)-(\d+)h$")
_IEC_PHASE = {"p-n-e": "single-phase", "2p-e": "single-phase", "3p-e": "three-phase", "3p-n-e": "three-phase"}
_IEC_VOLTS = {("p-n-e", 6): 230.0, ("2p-e", 6): 400.0, ("3p-e", 6): 400.0, ("3p-n-e", 6): 400.0}


def inlet_class(type_name: str | None) -> InletClass | None:
    """The supply an inlet type names, or None for a type that names none (IEC 60320, other)."""
    name = (type_name or "").strip().lower()
    if name == "cs8365c":  # California Standard: three-phase delta, 250 V class, 50 A
        return InletClass(name, "three-phase", 208.0, 50.0)
    match = _NEMA_NAME.match(name)
    if match and match.group(1) in _NEMA:
        phase, volts = _NEMA[match.group(1)]
        return InletClass(name, phase, volts, float(match.group(2)))
    match = _IEC_NAME.match(name)
    if match:
        poles, hour = match.group(1), int(match.group(2))
        return InletClass(name, _IEC_PHASE[poles], _IEC_VOLTS.get((poles, hour)), None)
    return None


def pdu_inlet(part: PartType) -> InletClass | None:
    """The class of a PDU's inlet: its first power port whose type names a supply."""
    for port in part.power_ports:
        found = inlet_class(port.type)
        if found is not None:
            return found
    return None


def derived_pdu_spec(part: PartType) -> PduSpec | None:
    """A rack PDU's inlet figures from its inlet type, for a PDU whose file gives no draw and no
    RackStudio figures: phases, voltage class and, for NEMA types, the current. None when the type
    does not give all three (an IEC 60309 inlet's current comes from its feed)."""
    if part.rackstudio.pdu is not None or not part.power_outlets:
        return None
    if any(p.maximum_draw or p.allocated_draw for p in part.power_ports):
        return None
    found = pdu_inlet(part)
    if found is None or found.voltage_v is None or found.amperage_a is None:
        return None
    return PduSpec(inlet_voltage_v=found.voltage_v, inlet_phase=found.phase, inlet_amperage_a=found.amperage_a)


def impossible_legs(part: PartType) -> list[str]:
    """Outlets on a leg the PDU's inlet does not have (leg B or C on a single-phase inlet)."""
    found = pdu_inlet(part)
    if found is None:
        return []
    return [o.name for o in part.power_outlets if o.feed_leg and o.feed_leg not in found.legs]


__all__ = ["InletClass", "derived_pdu_spec", "impossible_legs", "inlet_class", "pdu_inlet"]
