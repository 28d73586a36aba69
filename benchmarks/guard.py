"""`python -m benchmarks.guard [RUN]` (the last step of `make bench`): compare one run's figures
with the committed baseline (benchmarks/baseline.json) and flag every figure more than 20 % worse.

A figure is compared by its CPU time when the baseline gives one (`cpu` in s, `cpu_ms` in ms: the
machine is shared, and wall time moves with the load average), else by its value; "worse" follows the figure's target
(`benchmarks.report.TARGETS`: higher is worse for a time, lower for a ratio, any change for a yes/no
figure). Where a run measured a figure more than once (open L runs three times) its median counts.
Figures the run did not measure are listed as not run. Prints one line per figure and then either
"no figure regressed" or a line starting "REGRESSED", and exits 1 on a regression, so `make bench`
fails. `--update [RUN]` writes that run's figures into the baseline (after an intended change).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.report import RESULTS, TARGETS, median

BASELINE = Path(__file__).resolve().parent / "baseline.json"
BY = ("cpu", "cpu_ms", "value")  # what a baseline entry compares, in this order of preference


def _by(entry: dict) -> str:
    return next(k for k in BY if k in entry)


def run_figures(run_id: str | None = None, results: Path = RESULTS) -> tuple[str, dict[str, list[dict]]]:
    """(run id, figure key → every record of it in that run); the last run when `run_id` is None."""
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"{results}: no benchmark results yet")
    run_id = run_id or lines[-1]["run"]
    found: dict[str, list[dict]] = {}
    for record in lines:
        if record.get("run") == run_id:
            for key, figure in record["figures"].items():
                found.setdefault(key, []).append(figure)
    if not found:
        raise SystemExit(f"{results}: no figures of run {run_id}")
    return run_id, found


def measured(records: list[dict], by: str):
    """The run's figure as the baseline compares it: the median of `by` (a key of BY)."""
    values = [r.get(by) for r in records]
    if any(v is None for v in values):
        return None
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    return median(values) if numeric else values[-1]


def compare(baseline: dict, figures: dict[str, list[dict]]) -> list[tuple[str, str, object, object, str]]:
    """(key, by, baseline, now, verdict) per baseline figure; verdict is "ok", "REGRESSED" or
    "not run"."""
    tolerance = baseline["tolerance"]
    rows = []
    for key, base in baseline["figures"].items():
        by = _by(base)
        now = measured(figures[key], by) if key in figures else None
        if now is None:
            rows.append((key, by, base[by], None, "not run"))
            continue
        rows.append((key, by, base[by], now, "REGRESSED" if worse(key, base[by], now, tolerance) else "ok"))
    return rows


def worse(key: str, base, now, tolerance: float) -> bool:
    """Whether `now` is more than `tolerance` worse than `base` for this figure's target."""
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        return now != base
    op = TARGETS[key][3]
    if op == ">=":
        return now < base / (1 + tolerance)
    return now > base * (1 + tolerance)


def report(rows, run_id: str, tolerance: float) -> tuple[str, bool]:
    lines = [f"against {BASELINE.name} (run {run_id}; a figure regresses when more than "
             f"{tolerance * 100:.0f} % worse):"]
    for key, by, base, now, verdict in rows:
        unit = {"cpu": "s", "cpu_ms": "ms"}.get(by, TARGETS[key][1])
        shown = "—" if now is None else f"{now:,.4g} {unit}" if isinstance(now, float) else f"{now} {unit}"
        change = ""
        if isinstance(now, (int, float)) and not isinstance(now, bool) and isinstance(base, (int, float)) and base:
            change = f"{(now - base) / base * 100:+.0f} %"
        lines.append(f"  {key:32} {by:5} baseline {base!s:>9} now {shown:>12} {change:>7}  {verdict}")
    regressed = [row[0] for row in rows if row[4] == "REGRESSED"]
    if regressed:
        lines.append(f"REGRESSED: {len(regressed)} figure(s) more than {tolerance * 100:.0f} % worse than the "
                     f"baseline: {', '.join(regressed)}")
    else:
        lines.append("no figure regressed")
    return "\n".join(lines), bool(regressed)


def update(baseline: dict, figures: dict[str, list[dict]], run_id: str) -> dict:
    """The baseline with this run's figures in place of the old ones (keys it did not measure kept)."""
    out = {**baseline, "figures": dict(baseline["figures"])}
    for key, records in figures.items():
        if key not in TARGETS:
            continue
        by = next(k for k in BY if all(k in r for r in records))
        value = measured(records, by)
        if value is not None:
            out["figures"][key] = {by: round(value, 4) if isinstance(value, float) else value,
                                   "source": f"run {run_id}"}
    return out


def main(argv: list[str]) -> int:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    if argv[:1] == ["--update"]:
        run_id, figures = run_figures(argv[1] if len(argv) > 1 else None)
        BASELINE.write_text(json.dumps(update(baseline, figures, run_id), indent=1) + "\n", encoding="utf-8")
        print(f"{BASELINE.name}: figures of run {run_id} written")
        return 0
    run_id, figures = run_figures(argv[0] if argv else None)
    text, regressed = report(compare(baseline, figures), run_id, baseline["tolerance"])
    print(text)
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
