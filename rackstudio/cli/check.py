"""`rackstudio check FILE`: run every enabled rule on a design and print the findings (text or JSON).

The rules are the app's: the built-in rule packs and the installed plugins' rules (`rule_packs`),
unless --no-plugins leaves the plugins out; both outputs say which plugins and rule packs ran.
Exit codes (`exit_codes.Exit`): OK when no unwaived finding reaches the --fail-on level (default
error), FAILED when one does, LOAD when the file cannot be loaded. The JSON report lists the rules
run, the rules disabled by the design and the catalogue rules RackStudio cannot check yet, so it
shows what was not checked.
"""
from __future__ import annotations

import json
import sys
from collections import Counter

from rackstudio.checks import NOT_CHECKED, CheckEngine, Finding, Severity
from rackstudio.checks import waivers as waiver_rules
from rackstudio.cli import rule_packs
from rackstudio.cli.exit_codes import Exit
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
    p.add_argument("--no-plugins", action="store_true", help="check with the built-in rules only")


def failing(findings: list[Finding], level: Severity) -> list[Finding]:
    return [f for f in findings if f.counts and f.severity.at_least(level)]


def report(engine: CheckEngine, findings: list[Finding], fail_on: Severity, ran: dict | None = None) -> dict:
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
        "waivers_lapsed": [{**_waiver(w), **lapse.to_json()} for w, lapse in waiver_rules.lapsed(design, findings)],
        "waivers_unmatched": [_waiver(w) for w in waiver_rules.unmatched(design, findings)],
        "rules_run": engine.rules_run(),
        **(ran or {}),
        "disabled_rules": engine.disabled_rules(),
        "severity_overrides": dict(sorted(design.settings.severity_overrides.items())),
        "not_checked": [{"rule": rule_id, "reason": reason} for rule_id, reason in sorted(NOT_CHECKED.items())],
    }


def _waiver(w) -> dict:
    return {"id": w.id, "finding": w.finding, "reason": w.reason, "author": w.author, "created": w.created,
            "figures": dict(w.figures)}


def _text(data: dict) -> str:
    lines = [f"{data['design']} (revision {data['revision']})"]
    for f in data["findings"]:
        mark = " [waived]" if f["waived"] else ""
        lines.append(f"  {f['severity']:<7} {f['rule']:<9} {f['message']}{mark}")
    s = data["summary"]
    lines.append(f"{s['error']} errors, {s['warning']} warnings, {s['info']} info, {s['waived']} waived "
                 f"({len(data['rules_run'])} rules run)")
    if "rule_packs" in data:
        lines.extend(rule_packs.ran_text(data))
    if data["disabled_rules"]:
        lines.append("disabled by the design: " + ", ".join(data["disabled_rules"]))
    for w in data["waivers_lapsed"]:
        lines.append(f"waiver {w['id']} no longer covers {w['finding']}: it got worse since it was waived")
    for w in data["waivers_unmatched"]:
        lines.append(f"waiver {w['id']} matches no finding: {w['finding']}")
    lines.append("not checked: " + ", ".join(n["rule"] for n in data["not_checked"]))
    return "\n".join(lines)


def run(args) -> int:
    try:
        loaded = project_file.load(args.file)
    except LoadError as exc:
        print(f"rackstudio: {exc.message}", file=sys.stderr)
        return Exit.LOAD
    design = loaded.design
    with rule_packs.plugins(not args.no_plugins) as manager:
        registry = rule_packs.checks_registry(manager)
        engine = CheckEngine(design, ComponentGraph(design), registry)
        findings = engine.run_full()
        ran = rule_packs.ran(registry, manager, design.settings)
    fail_on = Severity(args.fail_on)
    data = report(engine, findings, fail_on, ran)
    print(json.dumps(data, indent=2) if args.format == "json" else _text(data))
    return Exit.OK if data["passed"] else Exit.FAILED
