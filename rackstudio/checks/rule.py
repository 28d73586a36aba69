"""Qt-free. What a check rule is and what it reports: Rule, Finding, Severity, Scope.

A rule is a plain function over one *subject* (a rack, a device, a feed, a CDU, a connection,
a hall, ...) that yields `Hit`s; the engine turns each hit into a `Finding` carrying the rule id
and severity, so rule code never repeats either. What a subject id means is set by the rule's
scope (`rackstudio.checks.scope`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext
    from rackstudio.model.parts import PartType


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info: lower is worse (sorting, --fail-on)."""
        return _RANK[self]

    def at_least(self, level: Severity) -> bool:
        """True when this severity is as bad as `level` or worse."""
        return self.rank <= level.rank


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Scope(StrEnum):
    """What a rule's subject is. The engine re-runs a rule only for the subjects an edit touched."""

    PART = "part"  # a part type embedded in the design (slug)
    DEVICE = "device"
    RACK = "rack"
    ROW = "row"
    HALL = "hall"  # a hall's heat and capacity totals
    FLOOR = "floor"  # a hall's floor geometry: rack and floor-equipment footprints (subject: hall id)
    FEED = "feed"
    CDU = "cdu"  # a device whose part is a CDU
    CONNECTION = "connection"
    DESIGN = "design"  # the whole design (subject "design"): re-run on every edit, use sparingly


@dataclass(frozen=True)
class Hit:
    """What a rule function yields: the engine adds the rule id and severity.

    `objects` are the ids the finding is about (the first is the main one); `figures` the numbers
    compared, in SI units named by their key suffix (`_w`, `_kg`, `_mm`, `_a`, ...); `aspect`
    tells apart several findings of one rule on the same objects (a PDU bank, a phase).
    """

    message: str
    objects: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # None: the rule's default severity
    aspect: str = ""


@dataclass(frozen=True)
class Measure:
    """The figure of a rule's findings that says how bad one is (`higher_is_worse`, or lower: a
    clearance, an aisle width). A waiver keeps it, and lapses when the finding gets worse."""

    figure: str
    higher_is_worse: bool = True


@dataclass(frozen=True)
class Lapse:
    """A waiver that no longer covers its finding: the measure got worse than when it was waived."""

    waiver: str  # the waiver's id
    figure: str
    waived_at: float
    now: float

    def to_json(self) -> dict[str, Any]:
        return {"waiver": self.waiver, "figure": self.figure, "waived_at": self.waived_at, "now": self.now}


@dataclass(frozen=True)
class Finding:
    """One problem found in a design. `key` is stable across runs: rule id, objects and aspect.
    `lapse` is set when a waiver of this key no longer covers it (the finding got worse)."""

    rule: str
    severity: Severity
    message: str
    objects: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)
    aspect: str = ""
    waived: bool = False
    lapse: Lapse | None = None

    @property
    def key(self) -> str:
        tail = f"#{self.aspect}" if self.aspect else ""
        return f"{self.rule}:{'+'.join(self.objects)}{tail}"

    @property
    def counts(self) -> bool:
        """Whether the finding counts against the design (waived ones stay listed but do not)."""
        return not self.waived

    def sort_key(self) -> tuple:
        return (self.severity.rank, self.rule, self.key, self.message)

    def __hash__(self) -> int:  # figures is a dict: hash the rest
        return hash((self.rule, self.severity, self.message, self.objects, self.aspect, self.waived, self.lapse))

    def to_json(self) -> dict[str, Any]:
        out = {"rule": self.rule, "severity": self.severity.value, "key": self.key,
               "message": self.message, "objects": list(self.objects), "figures": dict(self.figures),
               "waived": self.waived}
        if self.lapse is not None:
            out["waiver_lapsed"] = self.lapse.to_json()
        return out


RuleFn = Callable[["CheckContext", str], Iterable["Hit | Finding"]]


@dataclass(frozen=True)
class Rule:
    """A check rule. `source` cites the reference (engineering.md section and source keys); `scopes` the
    subjects `fn(ctx, subject)` runs over. A rule with several scopes (COOL-001: rack, row, hall)
    receives ids of each kind."""

    id: str
    title: str
    default_severity: Severity
    scopes: tuple[Scope, ...]
    fn: RuleFn
    source: str = ""
    measure: Measure | None = None  # how bad a finding is: what a waiver remembers
    # A finding every newly placed object has until it is cabled (no PSU connected, a required port
    # open, a PDU without a feed): a placement's preview leaves these out for what it places, so
    # the drag ghost warns of what a drop breaks, not of the cables still to come.
    until_cabled: bool = False
    # Whether the rule's findings on a rack, a device in one or a cable between two of its devices
    # depend only on that rack's contents: its devices and internal cables, their parts and modules,
    # its rack type, its hall and the settings (no feed, loop, far end or neighbour). The checks
    # then evaluate it once per rack design for its instances that follow the design (checks.reuse).
    rack_internal: bool = False
    # Whether the rule's findings on a cable or a rack depend on nothing a device move changes: not
    # where its devices are, not a cable's length (ports, parts, media, optics and power figures
    # only). A move re-runs the moved device's cables, and a move within a rack that rack, only for
    # the rules that are not (reach, units, blanking, centre of gravity).
    placement_free: bool = False
    # The subjects the rule can fire on at all, so a full run passes the others over without calling
    # it: `kinds` the connection kinds its connection subjects must be ("power", "network",
    # "coolant"); `parts` a test of the part (modules fitted) its device and CDU subjects must pass.
    # The engine answers both from one index of the design per full run. They only narrow what a
    # full run asks: the function keeps its own early return for the rest (an update calls it on
    # any subject of its scopes), and never fires on a subject they leave out (tested).
    kinds: tuple[str, ...] = ()
    parts: Callable[[PartType], bool] | None = None

    def __post_init__(self) -> None:
        if not self.scopes:
            raise ValueError(f"rule {self.id} needs at least one scope")

    def finding(self, hit: Hit | Finding, severity: Severity | None = None) -> Finding:
        """The finding for one hit, with this rule's id and (unless overridden) severity."""
        if isinstance(hit, Finding):
            return Finding(self.id, severity or hit.severity, hit.message, hit.objects, hit.figures, hit.aspect)
        sev = severity or hit.severity or self.default_severity
        return Finding(self.id, Severity(sev), hit.message, tuple(hit.objects), dict(hit.figures), hit.aspect)


def rule(rule_id: str, title: str, severity: Severity | str, scope: Scope | tuple[Scope, ...],
         into: list[Rule], measure: Measure | str | None = None,
         until_cabled: bool = False, rack_internal: bool = False,
         placement_free: bool = False, kinds: tuple[str, ...] = (),
         parts: Callable[[PartType], bool] | None = None) -> Callable[[RuleFn], RuleFn]:
    """Decorator for built-in and plugin rule functions: builds the Rule (source = the docstring)
    and appends it to `into`, the module's rule list that the registry reads. `measure` names the
    figure that grows as a finding gets worse (a Measure for one that shrinks); `until_cabled`
    marks a rule every newly placed object fires until it is cabled; `rack_internal` one whose findings
    in a rack depend on nothing outside it (Rule.rack_internal); `placement_free` one whose findings on a
    cable or rack no device move can change (Rule.placement_free); `kinds` and `parts` the connections
    and devices it can fire on at all (Rule.kinds, Rule.parts: e.g. `kinds=("network",)`,
    `parts=lambda part: part.category == Category.PDU`)."""
    scopes = scope if isinstance(scope, tuple) else (scope,)
    if isinstance(measure, str):
        measure = Measure(measure)

    def wrap(fn: RuleFn) -> RuleFn:
        into.append(Rule(rule_id, title, Severity(severity), scopes, fn, (fn.__doc__ or "").strip(), measure,
                         until_cabled, rack_internal, placement_free, tuple(kinds), parts))
        return fn

    return wrap
