"""`rackstudio check FILE`: run every enabled rule on a design and print the findings (text or JSON).

Exit codes: 0 when no unwaived finding reaches the --fail-on level (default error), 1 when one
does, 2 when the file cannot be loaded. The JSON report lists the rules run, the rules disabled
by the design and the catalogue rules RackStudio cannot check yet, so it shows what was not checked.
"""
from __future__ import annotations

import json
import sys
from collections import Counter

from rackstudio.checks import NOT_CHECKED, CheckEngine, Finding, Severity, builtin_registry
from rackstudio.checks import waivers as waiver_rules
from rackstudio.errors import LoadError
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file

REPORT_SCHEMA = 1


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="check a design: power, cooling, cabling, space, parts")
    p.add_argument("file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--fail-on", choices=("error", "warning"), default="error",
                   help="exit 1 when an unwaived finding is this severe or worse (default: error)")


def failing(findings: list[Finding], level: Severity) -> list[Finding]:
    return [f for f in findings if f.counts and f.severity.at_least(level)]


def report(engine: CheckEngine, findings: list[Finding], fail_on: Severity) -> dict:
    design = engine.design
    counted = Counter(f.severity.value for f in findings if f.counts)
    return {
        "schema": REPORT_SCHEMA,
        "design": design.name,
        "revision": design.revision,
        "fail_on": fail_on.value,
        "passed": not failing(findings, fail_on),
        "summary": {"error": counted["error"], "warning": counted["warning"], "info": counted["info"],
                    "waived": sum(1 for f in findings if f.waived)},
        "findings": [f.to_json() for f in findings],
        "waivers_applied": [_waiver(w) for w in waiver_rules.applied(design, findings)],
        "waivers_unmatched": [_waiver(w) for w in waiver_rules.unmatched(design, findings)],
        "rules_run": engine.rules_run(),
        "disabled_rules": engine.disabled_rules(),
        "severity_overrides": dict(sorted(design.settings.severity_overrides.items())),
        "not_checked": [{"rule": rule_id, "reason": reason} for rule_id, reason in sorted(NOT_CHECKED.items())],
    }


def _waiver(w) -> dict:
    return {"id": w.id, "finding": w.finding, "reason": w.reason, "author": w.author, "created": w.created}


def _text(data: dict) -> str:
    lines = [f"{data['design']} (revision {data['revision']})"]
    for f in data["findings"]:
        mark = " [waived]" if f["waived"] else ""
        lines.append(f"  {f['severity']:<7} {f['rule']:<9} {f['message']}{mark}")
    s = data["summary"]
    lines.append(f"{s['error']} errors, {s['warning']} warnings, {s['info']} info, {s['waived']} waived "
                 f"({len(data['rules_run'])} rules run)")
    if data["disabled_rules"]:
        lines.append("disabled by the design: " + ", ".join(data["disabled_rules"]))
    for w in data["waivers_unmatched"]:
        lines.append(f"waiver {w['id']} matches no finding: {w['finding']}")
    lines.append("not checked: " + ", ".join(n["rule"] for n in data["not_checked"]))
    return "\n".join(lines)


def run(args) -> int:
    try:
        loaded = project_file.load(args.file)
    except LoadError as exc:
        print(f"rackstudio: {exc.message}", file=sys.stderr)
        return 2
    design = loaded.design
    engine = CheckEngine(design, ComponentGraph(design), builtin_registry())
    findings = engine.run_full()
    fail_on = Severity(args.fail_on)
    data = report(engine, findings, fail_on)
    print(json.dumps(data, indent=2) if args.format == "json" else _text(data))
    return 0 if data["passed"] else 1
