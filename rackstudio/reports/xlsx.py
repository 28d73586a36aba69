"""Qt-free. A minimal XLSX (Office Open XML spreadsheet) writer and reader, stdlib only.

Enough for report tables: several sheets, text and numbers, a bold frozen header row and column
widths. Text is written as inline strings, so there is no shared-string table to keep in step;
Excel, LibreOffice and openpyxl read the result. The reader reads back what the writer writes
(and plain cell values of other simple workbooks), for tests and round trips.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from rackstudio.model.floor import column_name  # A, B, ..., Z, AA: tile columns and sheet columns alike

Row = Sequence[Any]
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
# XML 1.0 forbids most control characters; a part name or a comment may hold one.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sheets}
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


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


def _text_body(text: str) -> str:
    """A text cell after its reference and style: ` t="inlineStr"><is><t>…</t></is></c>`."""
    text = escape(_ILLEGAL.sub("", text))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(ref: str, value: Any, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and value == value and value not in (float("inf"), float("-inf")):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    return f'<c r="{ref}"{s}' + _text_body(str(value))  # text, and NaN/inf (XLSX has no such number)


def _widths(rows: Sequence[Row]) -> list[float]:
    widths: list[float] = []
    for row in rows[:500]:  # a sample is enough to size columns
        for i, value in enumerate(row):
            length = len(f"{value:g}" if isinstance(value, float) else str(value if value is not None else ""))
            if i >= len(widths):
                widths.append(0.0)
            widths[i] = max(widths[i], min(length + 2, 60))
    return [max(w, 6) for w in widths]


def _sheet_chunks(rows: Sequence[Row], header: bool) -> Iterator[str]:
    """The worksheet XML in pieces (a 70,000-row schedule is never one string in memory)."""
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS["m"]}">'
    if header and rows:
        yield ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
               'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
    widths = _widths(rows)
    if widths:
        yield "<cols>" + "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:.0f}" customWidth="1"/>'
                                 for i, w in enumerate(widths)) + "</cols>"
    yield "<sheetData>"
    letters = [column_name(c) for c in range(max((len(r) for r in rows), default=0))]
    texts: dict[str, str] = {}  # repeated text (kinds, rack names) escaped once
    for r, row in enumerate(rows, start=1):
        style = 1 if header and r == 1 else 0
        cells = []
        for c, value in enumerate(row):
            ref = f"{letters[c]}{r}"
            if type(value) is str and value and not style:
                body = texts.get(value)
                if body is None:
                    body = texts[value] = _text_body(value)
                cells.append(f'<c r="{ref}"{body}')
            else:
                cells.append(_cell(ref, value, style))
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


def write_xlsx(path: str | Path, sheets: Iterable[tuple[str, Sequence[Row]]], header: bool = True) -> Path:
    """Write `sheets` (name, rows) to `path`; the first row of each sheet is its bold, frozen header."""
    path = Path(path)
    taken: set[str] = set()
    named = [(sheet_name(name, taken), rows) for name, rows in sheets] or [("Sheet", [])]
    overrides = "\n".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(named) + 1))
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<workbook xmlns="{_NS["m"]}" xmlns:r="{_NS["r"]}"><sheets>'
                + "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, (name, _) in enumerate(named, start=1))
                + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(named) + 1))
            + f'<Relationship Id="rId{len(named) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", _STYLES)
        for i, (_, rows) in enumerate(named, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                buffer: list[str] = []
                for chunk in _sheet_chunks(rows, header):
                    buffer.append(chunk)
                    if len(buffer) >= 2000:
                        out.write("".join(buffer).encode("utf-8"))
                        buffer.clear()
                out.write("".join(buffer).encode("utf-8"))
    return path


def _ref_column(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def read_xlsx(path: str | Path) -> dict[str, list[list[Any]]]:
    """Sheet name → rows of cell values (numbers as int or float, text as str, empty as None)."""
    out: dict[str, list[list[Any]]] = {}
    with zipfile.ZipFile(path) as z:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root]
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        for sheet in workbook.iter(f"{{{_NS['m']}}}sheet"):
            target = targets[sheet.get(f"{{{_NS['r']}}}id")].lstrip("/")
            root = ElementTree.fromstring(z.read(target if target.startswith("xl/") else f"xl/{target}"))
            rows: list[list[Any]] = []
            for row in root.iter(f"{{{_NS['m']}}}row"):
                values: list[Any] = []
                for c in row:
                    col = _ref_column(c.get("r", ""))
                    values.extend([None] * (col - len(values)))
                    values.append(_value(c, shared))
                rows.append(values)
            out[sheet.get("name")] = rows
    return out


def _value(c: ElementTree.Element, shared: list[str]) -> Any:
    kind = c.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
    v = c.find(f"{{{_NS['m']}}}v")
    if v is None or v.text is None:
        return None
    if kind == "s":
        return shared[int(v.text)]
    if kind == "b":
        return v.text == "1"
    if kind in ("str", "e"):
        return v.text
    number = float(v.text)
    return int(number) if number.is_integer() and "." not in v.text and "E" not in v.text.upper() else number
