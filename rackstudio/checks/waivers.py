"""Qt-free. Waivers: findings accepted on purpose, saved in the design by finding key.

A waived finding stays listed (a report shows what was accepted and why) but no longer counts
against the design. A waiver whose finding is gone is reported as unmatched, so stale waivers
do not pile up silently (KiCad's exclusions, anchors.md [KC5]).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rackstudio.checks.rule import Finding
from rackstudio.model.design import Design
from rackstudio.model.review import Waiver


def waived_keys(design: Design) -> frozenset[str]:
    return frozenset(w.finding for w in design.waivers.values())


def mark(finding: Finding, keys: frozenset[str]) -> Finding:
    """The finding with its waived flag set from the waiver keys."""
    waived = finding.key in keys
    return finding if finding.waived == waived else replace(finding, waived=waived)


def applied(design: Design, findings: Iterable[Finding]) -> list[Waiver]:
    """The waivers that match a finding, sorted by id."""
    keys = {f.key for f in findings}
    return sorted((w for w in design.waivers.values() if w.finding in keys), key=lambda w: w.id)


def unmatched(design: Design, findings: Iterable[Finding]) -> list[Waiver]:
    """Waivers whose finding no longer occurs."""
    keys = {f.key for f in findings}
    return sorted((w for w in design.waivers.values() if w.finding not in keys), key=lambda w: w.id)
