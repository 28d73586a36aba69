"""Qt-free. The one CSV writer of the reports (cable schedule, BOM): a spreadsheet opening the
file must see text as text.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (CSV injection: `=HYPERLINK(...)` in a device name runs when the
installer opens the schedule). Such text cells get a leading `'`, as OWASP's CSV-injection
guidance advises, and every cell is quoted; numbers stay numbers. Control characters other than
tab and newline are written as visible escapes (`\\x1b`), like every other output.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from rackstudio.model.text import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell as a spreadsheet must read it: text that would start a formula made plain text."""
    if not isinstance(value, str):
        return value
    text = visible(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(path: str | Path, rows: Iterable[Iterable]) -> Path:
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
    return path
