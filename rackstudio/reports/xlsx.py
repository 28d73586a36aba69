"""Qt-free. XLSX workbooks for report tables (BOM, cable schedule), written and read with openpyxl.

Several sheets, text and numbers, a bold frozen header row and column widths, written in
openpyxl's write-only (streaming) mode so a 70,000-row schedule is never one tree in memory, to a
temporary file that replaces the target only when complete. Every text cell is written as text,
never as a formula: a part, rack or cable named `=HYPERLINK(...)`, `+1` or `@x` is that literal
text in Excel and LibreOffice (spreadsheet formula injection).
"""
from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Row = Sequence[Any]
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = _SHEET_NAME_BAD.sub("_", text).strip("'") or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cell(sheet, value: Any, bold: bool) -> WriteOnlyCell | None:
    """One cell: a number as a number, true/false as such, anything else as text (never a formula;
    NaN and infinities too: XLSX has no such number)."""
    if value is None or value == "":
        return WriteOnlyCell(sheet) if bold else None
    if isinstance(value, bool) or (isinstance(value, int | float) and math.isfinite(value)):
        cell = WriteOnlyCell(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula: it is text
    if bold:
        cell.font = _BOLD
    return cell


def _widths(rows: Sequence[Row]) -> list[float]:
    widths: list[float] = []
    for row in rows[:500]:  # a sample is enough to size columns
        for i, value in enumerate(row):
            length = len(f"{value:g}" if isinstance(value, float) else str(value if value is not None else ""))
            if i >= len(widths):
                widths.append(0.0)
            widths[i] = max(widths[i], min(length + 2, 60))
    return [max(w, 6) for w in widths]


def write_xlsx(path: str | Path, sheets: Iterable[tuple[str, Sequence[Row]]], header: bool = True) -> Path:
    """Write `sheets` (name, rows) to `path`; the first row of each sheet is its bold, frozen header."""
    path = Path(path)
    taken: set[str] = set()
    named = [(sheet_name(name, taken), rows) for name, rows in sheets] or [("Sheet", [])]
    book = Workbook(write_only=True)
    for name, rows in named:
        sheet = book.create_sheet(title=name)
        for i, width in enumerate(_widths(rows), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        if header and rows:
            sheet.freeze_panes = "A2"
        for r, row in enumerate(rows):
            sheet.append([_cell(sheet, value, header and r == 0) for value in row])
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_xlsx(path: str | Path) -> dict[str, list[list[Any]]]:
    """Sheet name → rows of cell values (numbers as int or float, text as str, empty as None)."""
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    finally:
        book.close()
