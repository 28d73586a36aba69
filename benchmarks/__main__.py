"""`python -m benchmarks [NAME ...]` (what `make bench` runs): generate L and XL if needed, run
each benchmark in its own process, then print the table of figures against their targets.
NAMES: startup open save checks reuse planner drag parts memory designs wide (default: all)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from benchmarks.designs import design_file
from benchmarks.report import RESULTS, ROOT, TARGETS, describe_machine, machine, median, met

PLAN = {
    "startup": [["benchmarks.bench_startup"]],
    "open": [["benchmarks.bench_open", "L", "--checks"], ["benchmarks.bench_open", "L"],
             ["benchmarks.bench_open", "L"], ["benchmarks.bench_open", "XL", "--checks"]],
    "save": [["benchmarks.bench_save"]],
    "checks": [["benchmarks.bench_checks"]],
    "reuse": [["benchmarks.bench_reuse"]],
    "planner": [["benchmarks.bench_planner"]],
    "drag": [["benchmarks.bench_drag"]],
    "parts": [["benchmarks.bench_parts"]],
    "memory": [["benchmarks.bench_memory"]],
    "designs": [["benchmarks.bench_rack_designs"]],
    "wide": [["benchmarks.bench_wide_edit"]],
    "actions": [["benchmarks.bench_actions"]],
    "plugins": [["benchmarks.bench_plugin_checks"]],
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in PLAN]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(PLAN)}", file=sys.stderr)
        return 2
    run_id = time.strftime("%Y%m%dT%H%M%S")
    env = dict(os.environ, RACKSTUDIO_BENCH_RUN=run_id, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    print(f"RackStudio benchmarks, run {run_id}\nmachine: {describe_machine(machine())}", flush=True)
    for size in ("L", "XL", "LD"):
        design_file(size)
    failed = []
    for name in names or list(PLAN):
        for module in PLAN[name]:
            done = subprocess.run([sys.executable, "-m", *module], cwd=ROOT, env=env)
            if done.returncode:
                failed.append(" ".join(module))
    print(summary(run_id))
    print(f"\n{time.perf_counter() - start:.0f} s in all; results appended to {RESULTS.relative_to(ROOT)}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def summary(run_id: str) -> str:
    """A Markdown table of this run's figures with a target: the median where a benchmark ran
    more than once (open L runs three times)."""
    values: dict[str, list] = {}
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("run") == run_id:
            for key, fig in record["figures"].items():
                values.setdefault(key, []).append(fig["value"])
    rows = ["", "| figure | target | result | met? |", "|---|---|---|---|"]
    for key, (label, unit, target, op) in TARGETS.items():
        if key not in values:
            continue
        found = values[key]
        value = median(found) if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in found) \
            else found[-1]
        goal = f"{op} {target} {unit}".strip() if target is not None else "—"
        ok = met(key, value)
        shown = f"{value:,.3g} {unit}" if isinstance(value, float) else f"{value} {unit}"
        many = f" (median of {len(found)})" if len(found) > 1 else ""
        rows.append(f"| {label} | {goal} | {shown.strip()}{many} | {'—' if ok is None else 'yes' if ok else '**no**'} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
