"""Qt-free. Stable JSON for the command line and other tools: the revision diff, with a schema
version, keys in a fixed order and numbers rounded so two runs print the same bytes.

(`rackstudio check --format json` builds its own report in `cli/check.py`; its schema number
is separate.)
"""
from __future__ import annotations

import json
from typing import Any

from rackstudio.reports.diff import DesignDiff

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
