"""Qt-free. What a `.rackstudio` file may hold, and the cheap screens that hold it to that.

A design file can come from anyone (mail, a shared drive, another tool), so loading treats it as
hostile input. The limits, all far above any real design (a generated 1,000-rack hall is 29-37 MB,
nests 8 levels deep, and its largest figure is under 10^5):

- size: 256 MiB; nesting: 32 levels, screened before parsing;
- text: 64 Ki characters, 1 Mi for free text (comments, descriptions, notes, reasons);
- numbers: finite, within ±1e12 (a terawatt, a million km); whole-number fields (counts, units)
  up to 1,000,000; a part's height up to 100 U (the tallest rack type a design may hold);
- ids: 1-128 characters from `A-Z a-z 0-9 . _ : -`, unique across the design's collections;
- no NaN or Infinity, no duplicate keys, no unpaired UTF-16 surrogates (they cannot be saved).

Each screen is linear and costs a few per cent of a load (RELIABILITY.md has the figures); the
exact, slower search for the place of a problem runs only when a screen fires. Screens raise
`Refusal(where, what)`, which `project_file` turns into a LoadError naming the file.
"""
from __future__ import annotations

import codecs
import re
import types
import typing
from collections import Counter
from itertools import accumulate, chain
from operator import attrgetter
from typing import Any

from pydantic import BaseModel
from pydantic.dataclasses import is_pydantic_dataclass

from rackstudio.model.base import MAX_ID_CHARS
from rackstudio.model.text import escaped

MAX_FILE_BYTES = 256 * 2**20
MAX_DEPTH = 32
DESIGN_DEPTH = 8  # $.part_types.<slug>.rackstudio.pdu.banks[0].outlets[0]
MAX_NAME_CHARS = 64 * 1024
MAX_TEXT_CHARS = 1024 * 1024
TEXT_FIELDS = frozenset({"text", "description", "comments", "note", "reason"})
ID_CHARS = "A-Z a-z 0-9 . _ : -"
MAX_MAGNITUDE = 1e12
_RANGE = "numbers are finite and within ±1e12"
MAX_COUNT = 1_000_000
MAX_PART_UNITS = 100
MAX_WARNINGS = 1000  # listed at load; a pathological file can have millions
_MESSAGE_CHARS = 300


class Refusal(Exception):
    """A limit the file breaks: `where` (a JSON path or `line L, column C`, or None) and `what`."""

    def __init__(self, where: str | None, what: str):
        super().__init__(what)
        self.where = where
        self.what = what


# --- messages ------------------------------------------------------------------------------------

_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]{1,80}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    """`text` fit for a one-line message: control characters escaped, long text cut short."""
    text = _UNPRINTABLE.sub(escaped, text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_path(loc: tuple | list) -> str:
    """`$.racks.rk-1.x_mm`; keys that are not plain words are quoted: `$.sources["max w"]`."""
    parts = ["$"]
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif _SIMPLE_KEY.fullmatch(str(p)):
            parts.append(f".{p}")
        else:
            parts.append("[" + one_line(_quote(str(p)), 60) + "]")
    return "".join(parts)


def _quote(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - text.rfind(chr(10), 0, offset)}"


# --- encoding ------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_RESAVE = "a design file is UTF-8 text; save it again as UTF-8"


def decode(raw: bytes) -> tuple[str, bool]:
    """The text of a design file and whether it began with a UTF-8 byte-order mark (tolerated,
    as RFC 8259 allows, and dropped on the next save). UTF-16/32 and non-UTF-8 bytes (Latin-1,
    Windows-1252, a binary file) are refused, naming the first bad byte's line and column."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise Refusal(None, f"the file is {name} text (it starts with a {name} byte-order mark); {_RESAVE}")
    head = raw[:4]
    if len(head) == 4 and b"\x00" in head and head.count(b"\x00") in (2, 3):
        name = "UTF-32" if head.count(b"\x00") == 3 else "UTF-16"
        raise Refusal(None, f"the file looks like {name} text (every character has zero bytes); {_RESAVE}")
    bom = raw.startswith(codecs.BOM_UTF8)
    try:
        return (raw[3:] if bom else raw).decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        start = exc.start + 3 * bom
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", "replace")) + 1
        raise Refusal(f"line {line}, column {column}",
                      f"byte 0x{raw[start]:02X} is not UTF-8 (Latin-1 or Windows-1252 text, or not text "
                      f"at all?); {_RESAVE}") from None


# --- screens before parsing -------------------------------------------------------------------

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SQUARE = bytes.maketrans(b"{}", b"[]")
_STEP = {ord("["): 1, ord("]"): -1}
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def screen_depth(raw: bytes, text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before parsing it.

    The screen counts every bracket, those inside strings too (2 % of a load for 1,000 racks).
    Only when that count passes the limit does the exact, string-aware scan run, to tell real
    nesting from brackets in text and to name the line. A file crafted with closing brackets
    inside strings can pass the screen; it then meets json's own recursion guard, which
    `project_file.parse` reports as the same refusal."""
    brackets = raw.translate(_SQUARE, _NOT_BRACKETS)
    if _shallow(brackets):
        return
    place = deep_place(text)
    if place is not None:
        raise too_deep(place)


def too_deep(place: str | None) -> Refusal:
    return Refusal(place, f"nested deeper than {MAX_DEPTH} levels (a design nests at most {DESIGN_DEPTH})")


def _shallow(brackets: bytes) -> bool:
    level = brackets
    for _ in range(MAX_DEPTH):
        if not level:
            return True
        inner = level.replace(b"[]", b"")  # one nesting level per pass
        if len(inner) == len(level):
            break  # unbalanced (brackets in text, or a broken file): count the running depth
        level = inner
    else:
        if not level:
            return True
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) <= MAX_DEPTH


def deep_place(text: str) -> str | None:
    """`line L, column C` of the first bracket past MAX_DEPTH outside strings, or None."""
    depth = 0
    for m in _TOKENS.finditer(text):
        ch = text[m.start()]
        if ch == "[" or ch == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return line_column(text, m.start())
        elif ch == "]" or ch == "}":
            depth -= 1
    return None


_ESCAPES = re.compile(rb"\\.", re.S)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_WINDOW = MAX_NAME_CHARS // 2
_CHUNK = 1 << 20


def screen_text(raw: bytes) -> tuple[bool, bool]:
    """(may hold an over-long string, may hold an unpaired surrogate): cheap over-estimates.

    A string longer than MAX_NAME_CHARS bytes holds a whole aligned window of MAX_NAME_CHARS/2
    bytes with no quote in it, so one `find` per window tells (under a millisecond for 29 MB:
    in a design a quote comes every few bytes). Escapes count as one byte, so `\\"` cannot
    split a long string. A surrogate can only come from a `\\uD800`-`\\uDFFF` escape.

    Escapes are folded one chunk at a time (`_CHUNK` bytes, cut between whole escapes): folding
    a whole file at once held ~90 bytes per escape (1.9 GB for 42 MB of `\\u0041`); a long
    string that crosses a cut shows as the gap between the quotes either side of it."""
    escapes = b"\\" in raw
    if not escapes:
        return _quote_free_window(raw), False
    maybe_long, last_quote, start = False, 0, 0  # last_quote: offset in the folded text so far
    folded = 0
    while start < len(raw) and not maybe_long:
        end = min(start + _CHUNK, len(raw))
        chunk = raw[start:end]
        if end < len(raw) and (len(chunk) - len(chunk.rstrip(b"\\"))) % 2:
            end -= 1  # the last backslash escapes the next byte: keep the pair together
            chunk = chunk[:-1]
        plain = _ESCAPES.sub(b"e", chunk)
        first = plain.find(b'"')
        maybe_long = _quote_free_window(plain) or (folded + (first if first >= 0 else len(plain)) - last_quote
                                                   >= _WINDOW)
        last = plain.rfind(b'"')
        if last >= 0:
            last_quote = folded + last
        folded += len(plain)
        start = end
    return maybe_long, _SURROGATE_ESCAPE.search(raw) is not None


def _quote_free_window(text: bytes) -> bool:
    return any(text.find(b'"', start, start + _WINDOW) < 0 for start in range(0, len(text) - _WINDOW + 1, _WINDOW))


_CONTROL_ESCAPES = (b"\\u00", b"\\b", b"\\f", b"\\r")  # the escape of U+007F starts with \u00 too
_FEW_ESCAPES = 4096


def may_hold_control(raw: bytes) -> bool:
    """Whether the JSON text may hold a control character (only as an escape: `\\u0000`-`\\u001f`,
    `\\u007f`, `\\b`, `\\f`, `\\r`); an over-estimate (an escaped backslash before a `b` counts), so
    the exact scan of the names runs only then. A design has few backslashes: each is looked at
    where it is (1,000 racks: under a millisecond, against 0.19 s CPU for one search of the whole
    text per escape); past a few thousand, the whole text is searched once per escape."""
    at = raw.find(b"\\")
    for _ in range(_FEW_ESCAPES):
        if at < 0:
            return False
        if raw.startswith(_CONTROL_ESCAPES, at):
            return True
        at = raw.find(b"\\", at + 1)
    return at >= 0 and any(e in raw for e in _CONTROL_ESCAPES)


# --- hooks for json.loads ------------------------------------------------------------------------

_LONG_NUMBER = re.compile(r"-?\d{4000}")


def long_number(text: str) -> Refusal:
    """json refused an integer of more than 4,300 digits (sys.int_info): say where it starts."""
    m = _LONG_NUMBER.search(text)
    return Refusal(line_column(text, m.start()) if m else None,
                   f"a number of thousands of digits is not a number a design may hold ({_RANGE})")


def refuse_constant(name: str) -> Any:
    raise Refusal(None, f"{name} is not a number a design may hold")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise Refusal(None, "duplicate key")
    return obj


class _Flagged:
    __slots__ = ("what",)

    def __init__(self, what: str):
        self.what = what


class _Keys(dict):
    duplicates: tuple[str, ...] = ()


def _flag_constant(name: str) -> _Flagged:
    return _Flagged(f"{name} is not a number a design may hold")


def _flag_duplicates(pairs: list[tuple[str, Any]]) -> _Keys:
    obj = _Keys(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


def locate_json_problem(text: str) -> Refusal:
    """Where the first NaN/Infinity or duplicate key is (parse found one): parse again, marking
    them instead of stopping, and walk the result in document order. Only runs on refusal."""
    import json

    data = json.loads(text, parse_constant=_flag_constant, object_pairs_hook=_flag_duplicates)
    for path, value in walk(data):
        if isinstance(value, _Flagged):
            return Refusal(json_path(path), value.what)
        if isinstance(value, _Keys) and value.duplicates:
            key = value.duplicates[0]
            return Refusal(json_path((*path, key)),
                           f"the key {one_line(_quote(key), 80)} appears more than once in this object; "
                           "RackStudio never writes that, and JSON readers differ on which value wins")
    return Refusal(None, "the file holds a value RackStudio cannot read")


def walk(data: Any) -> typing.Iterator[tuple[tuple, Any]]:
    """(path, value) of every value in parsed JSON, in document order, without recursion."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(data: Any, lengths: bool, surrogates: bool) -> None:
    """Refuse over-long text and unpaired surrogates in parsed JSON (keys and values)."""
    for path, value in walk(data):
        keys = value.keys() if isinstance(value, dict) else ()
        for key in keys:
            _check_string(key, (*path, key), MAX_NAME_CHARS, lengths, surrogates)
        if isinstance(value, str):
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            limit = MAX_TEXT_CHARS if field in TEXT_FIELDS else MAX_NAME_CHARS
            _check_string(value, path, limit, lengths, surrogates)


def _check_string(text: str, path: tuple, limit: int, lengths: bool, surrogates: bool) -> None:
    if lengths and len(text) > limit:
        kind = "free text" if limit == MAX_TEXT_CHARS else "text here"
        raise Refusal(json_path(path), f"text of {len(text):,} characters; {kind} may hold up to {limit:,}")
    if surrogates and not text.isascii() and _LONE_SURROGATE.search(text):
        raise Refusal(json_path(path), "text holds an unpaired UTF-16 surrogate (a broken \\uD8xx escape), "
                                       "which cannot be saved")


def find_unusable_number(data: Any) -> Refusal | None:
    """The first number, or text that reads as one ("inf", "1e999"), that is non-finite or past
    ±MAX_MAGNITUDE: the model reads numbers given as text, and its half-unit validators fail on
    infinity (`int(1e308 * 2)`). Runs only after validation raised something unexpected."""
    for path, value in walk(data):
        number = value
        if isinstance(value, str) and len(value) < 400:
            try:
                number = float(value.replace("_", ""))
            except ValueError:
                continue
        if isinstance(number, int | float) and not isinstance(number, bool) and not (
                -MAX_MAGNITUDE <= number <= MAX_MAGNITUDE):
            return Refusal(json_path(path), f"{one_line(repr(value), 60)} is not a number a design may hold "
                                            f"({_RANGE})")
    return None


# --- checks on the validated design -----------------------------------------------------------

_BAD_ID_CHAR = re.compile(r"[^A-Za-z0-9._:\n-]")


def check_ids(tables: dict[str, dict[str, Any]]) -> None:
    """Every key of the id-keyed collections is an id: 1-128 characters of ID_CHARS."""
    for name, table in tables.items():
        if not table:
            continue
        joined = "\n".join(table)
        if (_BAD_ID_CHAR.search(joined) is None and joined.count("\n") == len(table) - 1
                and max(map(len, table)) <= MAX_ID_CHARS and "" not in table):
            continue
        for key in table:
            if not key or len(key) > MAX_ID_CHARS or _BAD_ID_CHAR.search(key) or "\n" in key:
                shown = one_line(repr(key), 60)
                raise Refusal(json_path((name, key)), f"{shown} is not an id: ids are 1 to {MAX_ID_CHARS} "
                                                      f"characters from {ID_CHARS}")


def check_unique(tables: dict[str, dict[str, Any]]) -> None:
    """An id names one record in the whole design (rack `x` and device `x` would share a graph node)."""
    total = sum(map(len, tables.values()))
    if len(set().union(*tables.values())) == total:
        return
    owner: dict[str, str] = {}
    for name, table in tables.items():
        for key in table:
            other = owner.setdefault(key, name)
            if other != name:
                raise Refusal(json_path((name, key)), f"the id is also used in {other}; an id names one "
                                                      "record in a design")


def check_numbers(records: dict[str, Any]) -> None:
    """`records`: collection name → records by id, or → one record (site, settings). Refuse
    non-finite numbers, numbers past ±MAX_MAGNITUDE and whole numbers past MAX_COUNT in
    validated records (a number written as text, "inf" or "1e999", gets past the JSON screens).

    Field lists come from the models, so new fields are checked too; fields that hold no
    numbers are skipped, and a collection's records are read with one getter (25 ms for 1,000
    racks)."""
    reals: list[Any] = []
    wholes: list[Any] = []
    for table in records.values():
        _collect(list(table.values()) if isinstance(table, dict) else [table], reals, wholes)
    if _all_usable(reals, wholes):
        return
    for name, table in records.items():
        items = ((((name, key), record) for key, record in table.items()) if isinstance(table, dict)
                 else [((name,), table)])
        for path, record in items:
            found = _first_bad_number(record, path)
            if found is not None:
                path, value = found
                what = (f"{value} is more than a whole-number field may hold ({MAX_COUNT:,})"
                        if type(value) is int and abs(value) <= MAX_MAGNITUDE else
                        f"{one_line(str(value), 40)} is not a number a design may hold ({_RANGE})")
                raise Refusal(json_path(path), what)


def _all_usable(reals: list[Any], wholes: list[Any]) -> bool:
    reals = [v for v in reals if v is not None]
    wholes = [v for v in wholes if v is not None]
    try:
        total = sum(reals)  # NaN or infinity anywhere makes the sum non-finite
    except OverflowError:  # an integer too large for a float
        return False
    return (total == total and abs(total) != float("inf")
            and (not reals or (min(reals) >= -MAX_MAGNITUDE and max(reals) <= MAX_MAGNITUDE))
            and (not wholes or (min(wholes) >= -MAX_COUNT and max(wholes) <= MAX_COUNT)))


def _bad(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and (
        not -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE or (type(v) is int and not -MAX_COUNT <= v <= MAX_COUNT))


def _first_bad_number(value: Any, path: tuple) -> tuple[tuple, Any] | None:
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        if _bad(value):
            return path, value
        if _is_record(type(value)):
            stack.extend(((*path, k), getattr(value, k)) for k in reversed(list(type(value).__pydantic_fields__)))
        elif isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, tuple | list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
    return None


class _Plan(typing.NamedTuple):
    reals: tuple[str, ...]  # float fields
    wholes: tuple[str, ...]  # int fields (counts, units, versions)
    deeper: tuple[str, ...]  # models and containers that may hold numbers


_PLANS: dict[type, _Plan | None] = {}


def _is_record(cls: type) -> bool:
    """A model, or a validated dataclass (a connection's ends): both list their fields the same way."""
    return isinstance(cls, type) and (issubclass(cls, BaseModel) or is_pydantic_dataclass(cls))


def _plan(cls: type) -> _Plan | None:
    """Which fields of a model hold numbers, or None when a record of it holds none."""
    if cls in _PLANS:
        return _PLANS[cls]
    _PLANS[cls] = None  # a model that contains itself is walked through `deeper`
    kinds: dict[str, list[str]] = {"real": [], "whole": [], "deeper": []}
    for name, field in cls.__pydantic_fields__.items():
        kind = _kind(field.annotation)
        if kind is not None and not _bounded(field.metadata, MAX_COUNT if kind == "whole" else MAX_MAGNITUDE):
            kinds[kind].append(name)
    plan = _Plan(*map(tuple, kinds.values())) if any(kinds.values()) else None
    _PLANS[cls] = plan
    return plan


def _bounded(constraints: list[Any], limit: float) -> bool:
    """Whether a number field's own bounds (`Field(ge=1, le=8)`: validated before this screen runs)
    keep it within ±limit, so its values need no look (a cable end's breakout leg: 246,000 at
    1,000 racks)."""
    lows = [getattr(c, k) for c in constraints for k in ("ge", "gt") if getattr(c, k, None) is not None]
    highs = [getattr(c, k) for c in constraints for k in ("le", "lt") if getattr(c, k, None) is not None]
    return bool(lows and highs) and max(lows) >= -limit and min(highs) <= limit


def _kind(annotation: Any) -> str | None:
    """'real', 'whole', 'deeper' (a model or container that may hold numbers) or None."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = {_kind(a) for a in typing.get_args(annotation) if a is not type(None)} - {None}
        return None if not kinds else kinds.pop() if len(kinds) == 1 else "deeper"
    if origin is typing.Literal or annotation is bool or annotation is str:
        return None
    if annotation is float:
        return "real"
    if annotation is int:
        return "whole"
    if _is_record(annotation):
        return "deeper" if _plan(annotation) is not None else None
    if isinstance(annotation, type) and issubclass(annotation, str):
        return None  # a StrEnum
    if origin in (tuple, list, dict):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return "deeper" if any(_kind(a) is not None for a in args) else None
    return "deeper"


def _collect(records: list[Any], reals: list[Any], wholes: list[Any]) -> None:
    """Append the numbers in `records` (models, containers or plain values) to the lists. Models
    are taken a class at a time, and a field of them all at once (a connection's two ends are
    two lists of 123,000 port references at 1,000 racks, not 246,000 calls)."""
    if not records:
        return
    classes = set(map(type, records))
    if len(classes) > 1:
        groups: dict[type, list[Any]] = {cls: [] for cls in classes}
        for value in records:
            groups[type(value)].append(value)
        for group in groups.values():
            _collect(group, reals, wholes)
        return
    cls = classes.pop()
    if _is_record(cls):
        plan = _plan(cls)
        if plan is None:
            return
        for names, out in ((plan.reals, reals), (plan.wholes, wholes)):
            if len(names) == 1:
                out.extend(map(attrgetter(names[0]), records))
            elif names:
                out.extend(chain.from_iterable(map(attrgetter(*names), records)))
        for name in plan.deeper:
            _collect(list(map(attrgetter(name), records)), reals, wholes)
    elif issubclass(cls, bool) or cls is type(None):
        pass
    elif issubclass(cls, int):
        wholes.extend(records)
    elif issubclass(cls, float):
        reals.extend(records)
    elif issubclass(cls, dict):
        _collect(list(chain.from_iterable(v.values() for v in records)), reals, wholes)
    elif issubclass(cls, tuple | list):
        _collect(list(chain.from_iterable(records)), reals, wholes)


def check_part_heights(part_types: dict[str, Any]) -> None:
    """A part taller than MAX_PART_UNITS fits no rack a design may hold (RackType.u_height ≤ 100),
    and the overlap check walks a device's half units one by one."""
    for slug, part in part_types.items():
        if part.u_height > MAX_PART_UNITS:
            raise Refusal(json_path(("part_types", slug, "u_height")),
                          f"{part.u_height:g} U is taller than any rack ({MAX_PART_UNITS} U at most)")
