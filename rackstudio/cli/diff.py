"""`rackstudio diff OLD NEW [--format text|json]`: what changed between two revisions of a design
(records added, removed, moved and changed, connections, parts, per-rack power/heat/weight).

Exit codes: 0 when both files load (whether or not they differ), 2 when one cannot be loaded.
"""
from __future__ import annotations

import sys

from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import LoadError
from rackstudio.io import project_file


def add_parser(sub) -> None:
    p = sub.add_parser("diff", help="compare two revisions of a design")
    p.add_argument("old", help="the earlier .rackstudio file")
    p.add_argument("new", help="the later .rackstudio file")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    try:
        old = project_file.load(args.old).design
        new = project_file.load(args.new).design
    except LoadError as exc:
        print(f"rackstudio: {exc.message}", file=sys.stderr)
        return Exit.LOAD
    from rackstudio.reports import diff, json_report  # after the loads: a bad file answers fast

    result = diff.diff_designs(old, new)
    print(json_report.dumps(json_report.diff_report(result)) if args.format == "json" else diff.to_text(result))
    return Exit.OK
