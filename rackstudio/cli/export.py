"""`rackstudio export FILE --what elevations|floorplan|bom|cables|report|build [--rack NAME|--row NAME]
[--rack-design NAME] -o OUT`: drawings (SVG, PNG, PDF), the bill of materials and cable schedule
(CSV, XLSX), the design report (PDF; .json gives its content as data) and a rack design's build
package for the factory (PDF; CSV and XLSX hold its tables). The output's suffix picks the format.

BOM, cable schedule and the report's JSON are written without Qt; drawings and PDFs import
rackstudio.ui.export here, on a headless (offscreen) Qt platform unless one is set. The report is
checked with the app's rules: the built-in rule packs and the installed plugins' rules
(`rule_packs`; --no-plugins leaves the plugins out), and says which ran.
Exit codes (`exit_codes.Exit`): OK written, LOAD the design cannot be loaded, USAGE an export that
cannot be made as asked.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from rackstudio.cli import rule_packs
from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import LoadError, RackStudioError
from rackstudio.io import project_file

WHAT = ("elevations", "floorplan", "bom", "cables", "report", "build")
FORMATS = {"elevations": (".svg", ".png", ".pdf"), "floorplan": (".svg", ".png", ".pdf"),
           "bom": (".csv", ".xlsx"), "cables": (".csv", ".xlsx"), "report": (".pdf", ".json"),
           "build": (".pdf", ".csv", ".xlsx")}


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="export drawings, BOM, cable schedule or the design report")
    p.add_argument("file")
    p.add_argument("--what", choices=WHAT, required=True)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--rack", metavar="NAME", help="elevations of one rack")
    which.add_argument("--row", metavar="NAME", help="elevations of a row's racks side by side")
    p.add_argument("--rack-design", metavar="NAME", help="the rack design (name or slug) of --what build")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the file to write; its suffix picks the format")
    p.add_argument("--date", help="the date in the title block (default: today), e.g. for reproducible files")
    p.add_argument("--no-plugins", action="store_true", help="check the report with the built-in rules only")


def run(args) -> int:
    out = Path(args.output)
    allowed = FORMATS[args.what]
    if out.suffix.lower() not in allowed:
        print(f"rackstudio: --what {args.what} writes {', '.join(allowed)}, not {out.suffix or 'no suffix'!r}",
              file=sys.stderr)
        return Exit.USAGE
    if (args.rack or args.row) and args.what != "elevations":
        print("rackstudio: --rack and --row choose racks for --what elevations", file=sys.stderr)
        return Exit.USAGE
    if (args.what == "build") != (args.rack_design is not None):
        print("rackstudio: --what build needs --rack-design NAME, and only it takes one", file=sys.stderr)
        return Exit.USAGE
    try:
        design = project_file.load(args.file).design
    except LoadError as exc:
        print(f"rackstudio: {exc.message}", file=sys.stderr)
        return Exit.LOAD
    try:
        _export(design, args, out)
    except RackStudioError as exc:
        print(f"rackstudio: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", Exit.USAGE)
    except OSError as exc:
        print(f"rackstudio: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return Exit.USAGE
    print(f"wrote {out}")
    return Exit.OK


def _export(design, args, out: Path) -> None:
    if args.what == "bom":
        from rackstudio.reports import bom

        bom.export(design, out)
    elif args.what == "cables":
        from rackstudio.reports import cable_schedule

        cable_schedule.export(design, out)
    elif args.what == "build" and out.suffix.lower() != ".pdf":
        from rackstudio.reports import build_package

        build_package.export(design, args.rack_design, out)
    elif args.what == "report":
        engine, ran = _checked(design, args.no_plugins)
        if out.suffix.lower() == ".json":
            _report_json(engine, out, args.date, ran)
        else:
            _drawing(design, args, out, engine)
        print("\n".join(rule_packs.ran_text(ran)))
    else:
        _drawing(design, args, out)


def _checked(design, no_plugins: bool):
    """The design checked as the app checks it: (the engine after a full run, what ran)."""
    from rackstudio.checks import CheckEngine
    from rackstudio.graph.component_graph import ComponentGraph

    with rule_packs.plugins(not no_plugins) as manager:
        registry = rule_packs.checks_registry(manager)
        engine = CheckEngine(design, ComponentGraph(design), registry)
        engine.run_full()
        return engine, rule_packs.ran(registry, manager, design.settings)


def _report_json(engine, out: Path, date: str | None, ran: dict) -> None:
    from rackstudio.reports import json_report
    from rackstudio.reports.metrics_series import MetricsSeries

    data = json_report.design_report(MetricsSeries(engine.design, engine=engine), engine.findings(), date)
    data["checked_with"] = ran
    out.write_text(json_report.dumps(data) + "\n", encoding="utf-8")


def _drawing(design, args, out: Path, engine=None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rackstudio.ui import export

    export.application()
    if args.what == "elevations":
        export.export_elevations(design, out, export.select_racks(design, args.rack, args.row), args.date)
    elif args.what == "floorplan":
        export.export_floorplan(design, out, date=args.date)
    elif args.what == "build":
        from rackstudio.ui.build_export import export_build_package

        export_build_package(design, args.rack_design, out, args.date)
    else:
        export.export_report(design, out, engine=engine, date=args.date)
