"""Qt-free. Waivers: findings accepted on purpose, saved in the design by finding key.

A waived finding stays listed (a report shows what was accepted and why) but no longer counts
against the design. A waiver keeps the finding's figures as they were when it was waived: when
the rule's measure (`Rule.measure`) has got worse since by more than the design's
`waiver_tolerance`, the waiver no longer covers it and the finding is open again, saying "waived
at X, now Y" (what was accepted is not what is there now). A waiver whose finding is gone is
reported as unmatched, so stale waivers do not pile up silently (as KiCad's DRC exclusions
do; docs/platform.md).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from rackstudio.checks.rule import Finding, Lapse, Measure, Rule
from rackstudio.model.design import Design
from rackstudio.model.review import Waiver


def kept_figures(figures: Mapping[str, Any]) -> dict[str, float]:
    """The figures a waiver keeps: the plain numbers (lists, names and flags are left out)."""
    return {k: float(v) for k, v in figures.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def waiver_for(finding: Finding, waiver_id: str, reason: str, author: str, created: str) -> Waiver:
    """The waiver of `finding` as it is now (its figures kept)."""
    return Waiver(id=waiver_id, finding=finding.key, reason=reason, author=author, created=created,
                  figures=kept_figures(finding.figures))


class Waivers:
    """A design's waivers by finding key, with the tolerance and the rules' measures to tell
    whether each still covers its finding."""

    def __init__(self, design: Design, rules: Iterable[Rule] = ()):
        self.by_key: dict[str, Waiver] = {}
        for w in sorted(design.waivers.values(), key=lambda w: w.id):
            self.by_key.setdefault(w.finding, w)
        self.tolerance = design.settings.waiver_tolerance
        self.measures: dict[str, Measure] = {r.id: r.measure for r in rules if r.measure is not None}

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.by_key)

    def differing(self, other: Waivers) -> frozenset[str]:
        """Keys whose waiver (or tolerance) differs between these and `other`."""
        if self.tolerance != other.tolerance or self.measures != other.measures:
            return self.keys | other.keys
        return frozenset(k for k in self.keys | other.keys if self.by_key.get(k) != other.by_key.get(k))

    def mark(self, finding: Finding) -> Finding:
        """The finding as the user sees it: waived, open, or open again with its lapse."""
        waiver = self.by_key.get(finding.key)
        lapse = None if waiver is None else self.lapse(waiver, finding)
        waived = waiver is not None and lapse is None
        if finding.waived == waived and finding.lapse == lapse:
            return finding
        message = finding.message
        if lapse is not None:
            message = f"{message} (waived at {figure_text(lapse.figure, lapse.waived_at)}, " \
                      f"now {figure_text(lapse.figure, lapse.now)})"
        return replace(finding, waived=waived, lapse=lapse, message=message)

    def lapse(self, waiver: Waiver, finding: Finding) -> Lapse | None:
        """The lapse when the finding's measure is worse than the waiver's beyond the tolerance;
        None while the waiver covers it (or it has no measure, or the waiver kept no figures)."""
        measure = self.measures.get(finding.rule)
        if measure is None or measure.figure not in waiver.figures:
            return None
        now = kept_figures(finding.figures).get(measure.figure)
        if now is None:
            return None
        then = waiver.figures[measure.figure]
        worse_by = now - then if measure.higher_is_worse else then - now
        if worse_by <= self.tolerance * abs(then) + 1e-9:
            return None
        return Lapse(waiver.id, measure.figure, then, now)


_UNITS = (("_kg_m2", "kg/m²", 1), ("_kw", "kW", 1), ("_w", "kW", 1000), ("_kg", "kg", 1), ("_mm", "mm", 1),
          ("_m", "m", 1), ("_a", "A", 1), ("_v", "V", 1), ("_c", "°C", 1), ("_lpm", "L/min", 1), ("_pct", "%", 1))


def figure_text(figure: str, value: float) -> str:
    """A kept figure for people: "8 open units", "31.2 kW load", "1,150 mm width"."""
    for suffix, unit, scale in _UNITS:
        if figure.endswith(suffix):
            name = figure[: -len(suffix)].replace("_", " ")
            return f"{value / scale:,.4g} {unit} {name}".replace(" %", "%")
    if figure in ("ratio", "loading", "margin"):
        return f"{value:.0%} {figure}"
    return f"{value:,.4g} {figure.replace('_', ' ')}"


def applied(design: Design, findings: Iterable[Finding]) -> list[Waiver]:
    """The waivers that cover a finding, sorted by id."""
    keys = {f.key for f in findings if f.waived}
    return sorted((w for w in design.waivers.values() if w.finding in keys), key=lambda w: w.id)


def lapsed(design: Design, findings: Iterable[Finding]) -> list[tuple[Waiver, Lapse]]:
    """The waivers whose finding got worse than when they were waived, sorted by id."""
    found = {f.lapse.waiver: f.lapse for f in findings if f.lapse is not None}
    return [(design.waivers[i], found[i]) for i in sorted(found) if i in design.waivers]


def unmatched(design: Design, findings: Iterable[Finding]) -> list[Waiver]:
    """Waivers whose finding no longer occurs."""
    keys = {f.key for f in findings}
    return sorted((w for w in design.waivers.values() if w.finding not in keys), key=lambda w: w.id)
