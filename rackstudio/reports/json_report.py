"""Qt-free. Stable JSON for the command line and other tools: the revision diff and the design
report's content (the PDF prints the same data), each with a schema version, keys in a fixed
order and numbers rounded so two runs print the same bytes.

(`rackstudio check --format json` builds its own report in `cli/check.py`; its schema number
is separate.)
"""
from __future__ import annotations

import datetime
import json
from collections import Counter
from typing import Any

from rackstudio.checks import Finding
from rackstudio.checks.metrics import totals
from rackstudio.reports.diff import DesignDiff
from rackstudio.reports.metrics_series import MetricsSeries
from rackstudio.reports.totals import power_basis

DIFF_SCHEMA = 1


def diff_report(diff: DesignDiff) -> dict[str, Any]:
    """The diff as JSON data: both revisions, counts by collection and kind, every change, and the
    racks whose power (W), heat (W), weight (kg) or units changed."""
    return {
        "schema": DIFF_SCHEMA,
        "kind": "rackstudio-diff",
        "old": {"name": diff.old_name, "revision": diff.old_revision},
        "new": {"name": diff.new_name, "revision": diff.new_revision},
        "identical": diff.is_empty,
        "summary": {coll: dict(sorted(kinds.items())) for coll, kinds in sorted(diff.counts().items())},
        "changes": [c.to_json() for c in diff.changes],
        "racks": [d.to_json() for d in diff.racks],
    }


def dumps(data: Any) -> str:
    """Indented JSON, keys in the order the report builds them, non-ASCII kept readable."""
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- the design report ---------------------------------------------------------------------------------

REPORT_SCHEMA = 1


def _kw(watts: float | None) -> float | None:
    return None if watts is None else round(watts / 1000, 2)


def design_report(series: MetricsSeries, findings: list[Finding], today: str | None = None) -> dict[str, Any]:
    """What the design report prints, as data: title block, summary figures, per-rack power and
    cooling (kW, from the checks' metrics), findings with their waivers, comments and the review
    record. `findings` come from a full check run (waived ones marked)."""
    design = series.design
    order = series.rack_order()
    points = [series.racks[r] for r in order]
    summed = totals(p.metrics for p in points)
    waiver_by_key = {w.finding: w for w in design.waivers.values()}
    kinds = Counter(c.kind for c in design.connections.values())
    counted = Counter(f.severity.value for f in findings if f.counts)
    last = design.reviews[-1] if design.reviews else None
    return {
        "schema": REPORT_SCHEMA,
        "kind": "rackstudio-design-report",
        "title": {"design": design.name, "revision": design.revision,
                  "date": today or datetime.date.today().isoformat(),
                  "reviewer": last.reviewer if last else ""},
        "summary": {
            "halls": len(design.halls), "rows": len(design.rows), "racks": len(design.racks),
            "devices": len(design.devices), "connections": dict(sorted(kinds.items())),
            "allocated_kw": _kw(summed.allocated_w),
            "max_kw": _kw(summed.max_w),
            "checked_kw": _kw(summed.checked_w),
            "unknown_power_devices": summed.unknown_power,
            "checked_basis": power_basis(design.settings.worst_case),
            "heat_air_kw": _kw(summed.heat_air_w),
            "heat_liquid_kw": _kw(summed.heat_liquid_w),
            "weight_t": round(summed.weight_kg / 1000, 2),
            "units_used": summed.units_used,
            "findings": {"error": counted["error"], "warning": counted["warning"], "info": counted["info"],
                         "waived": sum(1 for f in findings if f.waived)},
        },
        "power": [{"rack": p.name, "row": p.row, "allocated_kw": _kw(p.metrics.allocated_w),
                   "max_kw": _kw(p.metrics.max_w), "checked_kw": _kw(p.power_w), "side_a_kw": _kw(p.metrics.side_a_w),
                   "side_b_kw": _kw(p.metrics.side_b_w), "budget_kw": _kw(p.budget_w),
                   "budget_pct": round(100 * p.power_w / p.budget_w, 1) if p.budget_w else None,
                   "limit_a_kw": _kw(p.side_limit_w.get("A")), "limit_b_kw": _kw(p.side_limit_w.get("B")),
                   "units": f"{p.metrics.units_used:g}/{p.metrics.units_total}",
                   "weight_kg": round(p.metrics.weight_kg, 1),
                   "unknown_power_devices": len(p.metrics.unknown_power)} for p in points],
        "cooling": [{"rack": p.name, "row": p.row, "heat_air_kw": _kw(p.metrics.heat_air_w),
                     "heat_liquid_kw": _kw(p.metrics.heat_liquid_w), "air_capacity_kw": _kw(p.air_capacity_w),
                     "airflow_cfm": round(p.metrics.airflow_cfm), "liquid_lpm": round(p.metrics.liquid_lpm, 1),
                     "density_kw_m2": round(p.density_kw_m2, 2)} for p in points],
        "findings": [{**f.to_json(), "waiver": _waiver(waiver_by_key.get(f.key)) if f.waived else None}
                     for f in findings],
        "waivers": [_waiver(w) for w in sorted(design.waivers.values(), key=lambda w: w.id)],
        "comments": [{"id": c.id, "target": c.target, "target_name": _target_name(design, c.target),
                      "author": c.author, "created": c.created, "status": c.status, "text": c.text}
                     for c in sorted(design.comments.values(), key=lambda c: (c.created, c.id))],
        "reviews": [r.model_dump(mode="json") for r in design.reviews],
    }


def _waiver(w) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"id": w.id, "finding": w.finding, "reason": w.reason, "author": w.author, "created": w.created}


def _target_name(design, target: str | None) -> str:
    """What a comment is pinned to, in words: a record's name, or a finding's key as it is."""
    if not target:
        return "design"
    obj = design.get(target)
    if obj is not None:
        return getattr(obj, "name", None) or getattr(obj, "label", None) or target
    return target
