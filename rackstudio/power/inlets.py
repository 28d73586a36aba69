"""Qt-free. What a PDU's inlet type says about its supply, and the inlet rating the checks use
(engineering.md 2.10).

NetBox's IEC 60309 names give the poles and the clock position of the earth contact, which is the
voltage class [IEC60309]; NEMA locking names give the configuration and the current [NEMA-WD6]. The
rating of a PDU's inlet is its type's own figures when it has them (the vendor's, `rackstudio.pdu`);
else, on a feed of its phases, the feed's voltage (what its outlets see) and, for an IEC 60309 inlet,
whose name carries no current, the feed breaker's current; else the class's nominal voltage and the
NEMA name's current. Each figure says where it came from. A feed the inlet does not match (phases,
voltage class, a breaker below or above the inlet's current) is PWR-021.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rackstudio.model.design import Design, Feed
from rackstudio.model.parts import PartType, PduSpec


@dataclass(frozen=True)
class InletClass:
    """An inlet type's supply: phases, the voltage class (line to line for three-phase and for a
    two-pole single-phase inlet, line to neutral for P+N+E), the nominal voltage RackStudio plans
    with when no feed says (the lowest system voltage of the class where it spans 208-250 V, the one
    that draws the most current), the current when the type carries it, the legs its outlets can be on."""

    type: str
    phase: str  # "single-phase" or "three-phase"
    voltage_v: float | None
    amperage_a: float | None
    class_v: tuple[float, float] | None = None  # the voltage class, V (min, max)
    source: str = ""

    @property
    def legs(self) -> str:
        return "ABC" if self.phase == "three-phase" else "A"

    def accepts(self, volts: float) -> bool:
        """Whether a supply of `volts` is in this inlet's voltage class (unknown class: any)."""
        return self.class_v is None or self.class_v[0] <= volts <= self.class_v[1]


# NEMA locking configurations [NEMA-WD6] (engineering.md 2.10): name → (phase, nominal V, class V).
_NEMA = {"l5": ("single-phase", 120.0, (100.0, 125.0)), "l6": ("single-phase", 208.0, (200.0, 250.0)),
         "l7": ("single-phase", 277.0, (254.0, 277.0)), "l8": ("single-phase", 480.0, (440.0, 480.0)),
         "l14": ("single-phase", 240.0, (200.0, 250.0)), "l15": ("three-phase", 208.0, (200.0, 250.0)),
         "l16": ("three-phase", 480.0, (440.0, 480.0)), "l21": ("three-phase", 208.0, (208.0, 208.0)),
         "l22": ("three-phase", 480.0, (480.0, 480.0))}
_NEMA_NAME = re.compile(r"^nema-(l\d+)-(\d+)p$")
# IEC 60309 [IEC60309] (engineering.md 2.10): poles → phase; (poles, clock hour) → (nominal V, class V).
# 4 h 100-130 V; 6 h 200-250 V on two-pole inlets, 380-415 V (200/346-240/415 V) on three-phase ones;
# 9 h the reverse: 380-415 V two-pole, 200-250 V (120/208-144/250 V) three-phase.
_IEC_NAME = re.compile(r"^iec-60309-(p-n-e|2p-e|3p-e|3p-n-e)-(\d+)h$")
_IEC_PHASE = {"p-n-e": "single-phase", "2p-e": "single-phase", "3p-e": "three-phase", "3p-n-e": "three-phase"}
_LOW, _MAINS, _HIGH = (100.0, 130.0), (200.0, 250.0), (380.0, 415.0)
_IEC_VOLTS = {("p-n-e", 4): (120.0, _LOW), ("p-n-e", 6): (230.0, _MAINS), ("p-n-e", 9): (400.0, _HIGH),
              ("2p-e", 4): (120.0, _LOW), ("2p-e", 6): (208.0, _MAINS), ("2p-e", 9): (400.0, _HIGH),
              ("3p-e", 4): (120.0, _LOW), ("3p-e", 6): (400.0, _HIGH), ("3p-e", 9): (208.0, _MAINS),
              ("3p-n-e", 4): (120.0, _LOW), ("3p-n-e", 6): (400.0, (346.0, 415.0)),
              ("3p-n-e", 9): (208.0, (208.0, 250.0))}
IEC60309_RATINGS_A = (16.0, 32.0, 63.0, 125.0)  # the plug sizes; UL lists them at 20, 30, 60, 100 A
VOLTAGE_TOLERANCE = 0.10  # a feed within 10 % of a PDU type's stated voltage is its supply (400 V on 415 V; U)


def inlet_class(type_name: str | None) -> InletClass | None:
    """The supply an inlet type names, or None for a type that names none (IEC 60320, other)."""
    name = (type_name or "").strip().lower()
    if name == "cs8365c":  # California Standard: three-phase delta, 250 V class, 50 A
        return InletClass(name, "three-phase", 208.0, 50.0, (200.0, 250.0), "cs8365c [NEMA-WD6]")
    match = _NEMA_NAME.match(name)
    if match and match.group(1) in _NEMA:
        phase, volts, span = _NEMA[match.group(1)]
        return InletClass(name, phase, volts, float(match.group(2)), span, f"{name} [NEMA-WD6]")
    match = _IEC_NAME.match(name)
    if match:
        poles, hour = match.group(1), int(match.group(2))
        volts, span = _IEC_VOLTS.get((poles, hour), (None, None))
        return InletClass(name, _IEC_PHASE[poles], volts, None, span, f"{name} [IEC60309]")
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
    does not give all three (an IEC 60309 inlet's current comes from its feed: `pdu_spec`)."""
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


# --- the rating of a placed PDU ------------------------------------------------------------------

def _derived(part: PartType) -> bool:
    """Whether the part's PDU figures were derived from its inlet type (not the vendor's)."""
    return part.rackstudio.sources.get("pdu", "").startswith("derived from inlet type")


def inlet_feed(design: Design, device_id: str) -> Feed | None:
    """The feed cabled straight to a device's inlet (its first power port), or None."""
    device = design.devices.get(device_id)
    if device is None:
        return None
    part = design.part_of(device)
    if not part.power_ports:
        return None
    inlet = part.power_ports[0].name
    for conn_id in design.connections_of(device_id):
        conn = design.connections[conn_id]
        if conn.kind != "power":
            continue
        for mine, other in ((conn.a, conn.b), (conn.b, conn.a)):
            if mine.owner == device_id and mine.port == inlet and other.owner in design.feeds:
                return design.feeds[other.owner]
    return None


@dataclass(frozen=True)
class InletRating:
    """A placed PDU's inlet: the figures the checks use, and where each came from."""

    spec: PduSpec
    voltage_from: str
    amperage_from: str


def inlet_rating(design: Design, device_id: str) -> InletRating | None:
    """The rating of a placed PDU's inlet (see the module docstring), or None when neither its type
    nor its feed says enough (no voltage, or an IEC 60309 inlet with no feed and no figures)."""
    device = design.devices.get(device_id)
    if device is None:
        return None
    part = design.part_of(device)
    spec = part.rackstudio.pdu
    if spec is not None and not _derived(part):
        return InletRating(spec, "the PDU type's figures", "the PDU type's figures")
    found = pdu_inlet(part) if part.power_outlets else None
    if found is None:
        return None
    feed = inlet_feed(design, device_id)
    fed = feed is not None and feed.supply == "ac" and feed.phase == found.phase
    if fed:  # what the outlets see; outside the inlet's class it is also PWR-021
        volts, volts_from = feed.voltage_v, f"feed {feed.name}"
    elif found.voltage_v is not None:
        volts, volts_from = found.voltage_v, f"inlet type {found.source}"
    else:
        return None
    if found.amperage_a is not None:
        amps, amps_from = found.amperage_a, f"inlet type {found.source}"
    elif fed and feed.amperage_a <= IEC60309_RATINGS_A[-1]:
        amps, amps_from = feed.amperage_a, f"feed {feed.name}'s breaker (an IEC 60309 name carries no current)"
    else:
        return None
    base = spec if spec is not None else PduSpec(inlet_voltage_v=volts, inlet_amperage_a=amps)
    return InletRating(base.model_copy(update={"inlet_voltage_v": volts, "inlet_phase": found.phase,
                                               "inlet_amperage_a": amps}), volts_from, amps_from)


def may_rate(part: PartType) -> bool:
    """Whether `inlet_rating` can rate a device of this part: a PDU type's figures, or outlets whose
    inlet type says them (False: it is None for every device of the part)."""
    return part.rackstudio.pdu is not None or bool(part.power_outlets)


def pdu_spec(design: Design, device_id: str) -> PduSpec | None:
    """The PDU figures of a placed device as the checks and the planner use them (`inlet_rating`)."""
    rating = inlet_rating(design, device_id)
    return rating.spec if rating is not None else None


@dataclass(frozen=True)
class Mismatch:
    """One way a PDU's inlet does not match the feed cabled to it (PWR-021)."""

    aspect: str  # "phase", "voltage", "current"
    severity: str  # "error" or "warning"
    text: str
    figures: dict


def feed_mismatches(design: Design, device_id: str) -> list[Mismatch]:
    """Where a PDU's inlet and the feed cabled straight to it disagree: phases; the feed's voltage
    more than 10 % from the PDU type's own voltage, or outside its inlet type's class; a breaker
    below the inlet's current (the breaker does not protect the inlet and its cord) or above it (the
    PDU's rating cannot be used); a breaker no IEC 60309 plug is rated for."""
    device = design.devices.get(device_id)
    feed = inlet_feed(design, device_id)
    if device is None or feed is None or feed.supply != "ac":
        return []
    part = design.part_of(device)
    if not part.power_outlets:
        return []
    found = pdu_inlet(part)
    own = part.rackstudio.pdu if part.rackstudio.pdu is not None and not _derived(part) else None
    phase = own.inlet_phase if own is not None else found.phase if found is not None else None
    out: list[Mismatch] = []
    what = f"{found.type} inlet" if found is not None else "inlet"
    if phase is not None and phase != feed.phase:
        out.append(Mismatch("phase", "error", f"a {phase} {what} on {feed.phase} feed {feed.name}",
                            {"inlet_phase": phase, "feed_phase": feed.phase}))
        return out  # the figures below compare like with like
    if own is not None:
        if abs(feed.voltage_v - own.inlet_voltage_v) > VOLTAGE_TOLERANCE * own.inlet_voltage_v:
            out.append(Mismatch("voltage", "error", f"{feed.name} is {feed.voltage_v:g} V for a "
                                f"{own.inlet_voltage_v:g} V inlet", {"voltage_v": feed.voltage_v,
                                                                      "inlet_voltage_v": own.inlet_voltage_v}))
    elif found is not None and found.class_v is not None and not found.accepts(feed.voltage_v):
        low, high = found.class_v
        span = f"{low:g} V" if low == high else f"{low:g}-{high:g} V"
        out.append(Mismatch("voltage", "error", f"{feed.name} is {feed.voltage_v:g} V, outside its {what}'s {span} "
                            "class", {"voltage_v": feed.voltage_v, "class_v": [low, high]}))
    amps = own.inlet_amperage_a if own is not None else found.amperage_a if found is not None else None
    breaker = feed.amperage_a
    if amps is None:
        if found is not None and found.type.startswith("iec-60309") and breaker > IEC60309_RATINGS_A[-1]:
            out.append(Mismatch("current", "error", f"no IEC 60309 inlet is rated for the {breaker:g} A breaker of "
                                f"{feed.name} (16, 32, 63, 125 A)", {"breaker_a": breaker, "inlet_a": None}))
    elif breaker > amps:
        out.append(Mismatch("current", "error", f"the {breaker:g} A breaker of {feed.name} does not protect its "
                            f"{amps:g} A {what}", {"breaker_a": breaker, "inlet_a": amps}))
    elif breaker < amps:
        out.append(Mismatch("current", "warning", f"its {amps:g} A {what} is above the {breaker:g} A breaker of "
                            f"{feed.name}: it can carry only what the breaker allows",
                            {"breaker_a": breaker, "inlet_a": amps}))
    return out


__all__ = ["IEC60309_RATINGS_A", "InletClass", "InletRating", "Mismatch", "derived_pdu_spec", "feed_mismatches",
           "impossible_legs", "inlet_class", "inlet_feed", "inlet_rating", "pdu_inlet", "pdu_spec"]
