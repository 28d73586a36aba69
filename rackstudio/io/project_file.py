"""Qt-free. The `.rackstudio` project file: one indented JSON document with sorted ids.

Loading refuses only what cannot be a design (malformed JSON, wrong types, a newer
format_version, dangling references) with a message naming file, place and problem; a
repairable design loads, with its problems returned as warnings. A file is hostile input until
it has loaded: `io.limits` screens size, encoding, nesting, text length, numbers, ids and
duplicate keys, cheaply, before and after parsing. Saving is atomic: write a temporary file
beside the target, flush and fsync, copy the previous file to a temporary file and rename it to
`<name>.bak` (a full disk leaves the old backup whole; a planted `.bak` link is replaced, never
written through), rename over the target, fsync the folder. A design path that is a symlink is
saved deliberately: the real file is written and the link kept. Before any of that, the model
is held to the loader's rules (`verify`): a file that would not load never replaces a good one.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, islice
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from rackstudio.errors import LoadError, SaveError, UnloadableDesign
from rackstudio.io import limits
from rackstudio.io.limits import MAX_FILE_BYTES, Refusal, json_path, one_line
from rackstudio.io.migrations import NewerFormat, complete, migrate
from rackstudio.memory import gc_paused
from rackstudio.model import integrity
from rackstudio.model.base import share_fields_sets
from rackstudio.model.design import COLLECTIONS, FORMAT_VERSION, Connection, Design, Device

__all__ = ["MAX_FILE_BYTES", "SUFFIX", "Loaded", "dumps", "json_path", "load", "parse", "save", "verify"]

SUFFIX = ".rackstudio"
_KIND = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
         int: "a number", float: "a number"}


@dataclass
class Loaded:
    design: Design
    warnings: list[tuple[str, str]] = field(default_factory=list)
    migrated_from: int | None = None
    stamp: tuple[int, int] | None = None  # (mtime ns, size) of the file as read: see `changed_on_disk`
    verified: integrity.Baseline | None = None  # the design as it met the load rules: see `verify`


def parse(text: str | bytes, path: str | Path | None = None) -> Loaded:
    """Build a design from file content (see `load`). Raises LoadError, and nothing else, for
    any content: the message names the file, the place (a JSON path or line and column) and
    the problem, on one line."""
    return _parse_held([text], path)


def _parse_held(held: list, path: str | Path | None) -> Loaded:
    """`parse` of the content in `held`, which it empties: the caller's reference to a large
    file's bytes is then not kept alive while its records are built (`load`)."""
    try:
        with gc_paused(freeze=True):  # see rackstudio/memory.py; 2.2 s → 1.55 s for L's load
            return _parse(held.pop())
    except Refusal as exc:
        raise LoadError(path, exc.where, one_line(exc.what)) from None
    except MemoryError:
        raise LoadError(path, None, "there is not enough memory to load this file") from None


def _parse(text: str | bytes) -> Loaded:
    surrogates = False
    if isinstance(text, str):
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # unpaired surrogates in the text itself
            raw, surrogates = text.encode("utf-8", "surrogatepass"), True
        bom = text.startswith("\ufeff")
        text = text[1:] if bom else text
    else:
        raw = text
    if len(raw) > MAX_FILE_BYTES:
        raise Refusal(None, _too_big(len(raw)))
    if isinstance(text, bytes):
        text, bom = limits.decode(raw)
    limits.screen_depth(raw, text)
    maybe_long, maybe_surrogate = limits.screen_text(raw)
    maybe_surrogate = maybe_surrogate or surrogates
    maybe_control = limits.may_hold_control(raw)
    del raw
    data = _json(text)
    del text  # a 1,000-rack file's text is 50 MB: not kept while its records are validated
    if not isinstance(data, dict):
        raise Refusal("$", f"a design is a JSON object, not {_kind(data)}")
    if maybe_long or maybe_surrogate:
        limits.check_text(data, maybe_long, maybe_surrogate)
    original = data.get("format_version")
    data = _migrate(data)
    design = _validate(data)
    _check(design)
    _refuse_dangling(design)
    verified = integrity.Baseline(design)
    found = integrity.warnings(design, fresh_index=True)
    if maybe_control:
        found = chain(integrity.control_characters(design), found)
    warnings = list(islice(found, limits.MAX_WARNINGS + 1))
    if len(warnings) > limits.MAX_WARNINGS:
        warnings[-1] = ("$", f"more than {limits.MAX_WARNINGS:,} problems; the first {limits.MAX_WARNINGS:,} are "
                             "listed, the design checks report them all")
    if bom:
        warnings.insert(0, ("line 1, column 1", "the file starts with a UTF-8 byte-order mark; it is saved "
                                                "without one"))
    complete(design, original)
    migrated = original if original != design.format_version else None
    return Loaded(design, warnings, migrated, verified=verified)


def _too_big(size: int) -> str:
    return f"the file is {size / 2**20:,.0f} MiB, over the {MAX_FILE_BYTES / 2**20:,.0f} MiB limit"


def _json(text: str):
    """Parse, refusing NaN/Infinity and duplicate keys (found again, with their place, on refusal)."""
    if not text or text.isspace():
        raise Refusal(None, "the file is empty")
    try:
        try:
            return json.loads(text, parse_constant=limits.refuse_constant, object_pairs_hook=limits.unique_keys)
        except Refusal:
            # parse again, marking instead of stopping, to name the place (this parse may
            # instead meet a syntax error further on, which is then the problem reported)
            raise limits.locate_json_problem(text) from None
    except json.JSONDecodeError as exc:
        raise Refusal(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}") from None
    except RecursionError:  # the bracket screen was fooled by brackets inside strings
        raise limits.too_deep(limits.deep_place(text)) from None
    except ValueError:  # an integer of more than 4,300 digits (sys.int_info)
        raise limits.long_number(text) from None


def _migrate(data: dict) -> dict:
    """Bring an older file up to date; its version is checked by `migrate`, its shape here
    (a migration step walks the collections and would stumble on a list or a string)."""
    version = data.get("format_version")
    whole = isinstance(version, int) and not isinstance(version, bool)
    if whole and version > 1000 * FORMAT_VERSION:
        raise Refusal("$.format_version", f"{one_line(str(version), 40)} is not a format_version "
                                          f"(this RackStudio reads 1 to {FORMAT_VERSION})")
    if whole and 1 <= version < FORMAT_VERSION:
        for name in (*COLLECTIONS, "part_types", "module_types", "rack_types"):
            table = data.get(name)
            if table is not None and not isinstance(table, dict):
                raise Refusal(json_path((name,)), f"expected an object keyed by id, found {_kind(table)}")
            for key, record in (table or {}).items():
                if not isinstance(record, dict):
                    raise Refusal(json_path((name, key)), f"expected an object, found {_kind(record)}")
    try:
        return migrate(data)
    except NewerFormat as exc:
        raise Refusal("$.format_version", str(exc)) from None
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        if whole and version >= 1:  # the version was fine: a step failed on what it found
            raise Refusal("$", f"cannot upgrade this format_version {version} file: {exc}") from None
        raise Refusal("$.format_version", str(exc)) from None


def _kind(value) -> str:
    return _KIND.get(type(value), type(value).__name__)


# The tables validated a slice at a time (`_records`), and the slice size. A slice's JSON is freed
# as its records are made, and the records share their set-field names (`share_fields_sets`), so a
# large design's parse tree and its models are never both whole in memory: loading XL peaked at
# 3,439 MiB and now at 1,661 MiB, and took 18.1 s of which 7.8 s faulting in fresh pages, now 12.5
# and 1.3 s (BENCHMARKS.md).
_SLICED = {"devices": Device, "connections": Connection}
_SLICE = 20_000


def _validate(data: dict) -> Design:
    try:
        for name, model in _SLICED.items():
            table = data.get(name)
            if isinstance(table, dict) and len(table) > _SLICE:
                data[name] = _records(table, model)
        return Design.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        more = exc.error_count() - 1
        tail = f" (and {more} more problem{'s' * (more > 1)})" if more else ""
        raise Refusal(json_path(first["loc"]), first["msg"] + tail) from None
    except RecursionError:
        raise Refusal(None, "JSON nested too deeply to be a design") from None
    except (ArithmeticError, ValueError, TypeError) as exc:
        # a huge number, or one given as text ("inf"), that a model validator cannot handle
        found = limits.find_unusable_number(data)
        if found is not None:
            raise found from None
        raise Refusal("$", f"a value could not be read: {type(exc).__name__}: {exc}") from None


def _records(table: dict, model: type) -> dict:
    """`table`'s records validated as `model`, a slice at a time, emptying `table` as it goes.
    A slice with a problem is left as JSON, with the rest, for `Design.model_validate` to report
    in the one place and order a whole-design validation gives (a validated record passes it as
    it is)."""
    adapter = _adapter(model)
    done: dict = {}
    pool: dict = {}
    while table:
        keys = list(islice(table, _SLICE))
        part = {key: table.pop(key) for key in keys}
        try:
            records = adapter.validate_python(part)
        except ValidationError:
            return _restored(table, done, part)
        except BaseException:
            _restored(table, done, part)  # as it was read: `_validate` looks in it for a bad number
            raise
        share_fields_sets(records.values(), pool)
        done.update(records)
    return done


def _restored(table: dict, done: dict, part: dict) -> dict:
    """`table` holding every record again, in the file's order: the validated ones, then `part`
    and the rest as JSON."""
    rest = dict(table)
    table.clear()
    table.update(done)
    table.update(part)
    table.update(rest)
    return table


@cache
def _adapter(model: type) -> TypeAdapter:
    return TypeAdapter(dict[str, model])


def _check(design: Design, new: dict[str, dict] | None = None) -> None:
    """The loader's rules on the values of the records: ids, one record per id, numbers, part
    heights; for the records in `new` alone (by table) when given (`verify`)."""
    tables = {name: getattr(design, name) for name in COLLECTIONS}
    types = {"part_types": design.part_types, "module_types": design.module_types,
             "rack_types": design.rack_types}
    if new is not None:
        tables, types = {name: new.get(name, {}) for name in COLLECTIONS}, {}
    limits.check_ids({**tables, **types})
    if new is None or any(not records.keys().isdisjoint(getattr(design, other).keys())
                          for name, records in tables.items() for other in COLLECTIONS if other != name):
        limits.check_unique({name: getattr(design, name) for name in COLLECTIONS})
    limits.check_numbers({"site": design.site, "settings": design.settings, **tables, **types})
    if types:
        limits.check_part_heights(design.part_types)


def _refuse_dangling(design: Design, problems=None) -> None:
    problems = list(integrity.dangling(design) if problems is None else problems)
    if problems:
        where, what = problems[0]
        more = len(problems) - 1
        tail = f" (and {more} more dangling reference{'s' * (more > 1)})" if more else ""
        raise Refusal(where, what + tail)


def verify(design: Design, since: integrity.Baseline | None = None) -> None:
    """Hold a model to the rules loading applies after parsing (ids, unique names, numbers, part
    heights, references, placements, parent cycles), without writing or parsing it: raises
    Refusal with the place and the problem. Saving calls this so that a model changed outside
    the commands (a bug, a plugin) is never written over a good file.

    `since`: the design as it last met these rules (`Loaded.verified`, or a Baseline taken after
    a verified save); then only what changed since is looked at (`integrity.dangling_since`), and
    the whole design when a part, module or rack type changed or `since` is of another design."""
    try:
        if since is not None and since.design is design:
            new, gone = since.changes()
            if not {"part_types", "module_types", "rack_types"} & (new.keys() | gone.keys()):
                _check(design, new)
                _refuse_dangling(design, integrity.dangling_since(since, new, gone))
                return
        _check(design)
        _refuse_dangling(design)
    except Refusal:
        raise
    except Exception as exc:  # a record of the wrong type put into a collection  # noqa: BLE001
        raise Refusal("$", f"the design cannot be checked ({type(exc).__name__}: {one_line(str(exc), 120)})") from None


def load(path: str | Path) -> Loaded:
    """Load a `.rackstudio` file. Raises LoadError with file, place and problem."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(path, None, "not a regular file (a device, pipe or socket)")
            if info.st_size > MAX_FILE_BYTES:
                raise LoadError(path, None, _too_big(info.st_size))
            # one byte past the limit: a file may grow while read, and /proc files report size 0
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise LoadError(path, None, _too_big(len(raw)))
        stamp = (info.st_mtime_ns, info.st_size)
    except LoadError:
        raise
    except IsADirectoryError:
        raise LoadError(path, None, "is a folder, not a design file") from None
    except FileNotFoundError:
        raise LoadError(path, None, "no such file") from None
    except OSError as exc:
        raise LoadError(path, None, exc.strerror or str(exc)) from None
    held = [raw]
    del raw
    loaded = _parse_held(held, path)
    loaded.stamp = stamp
    return loaded


def disk_stamp(path: str | Path) -> tuple[int, int] | None:
    """(mtime ns, size) of the file at `path` now; None when it is gone or unreadable."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def changed_on_disk(path: str | Path, stamp: tuple[int, int] | None) -> bool:
    """Whether the file was changed since it was read or written with `stamp`: someone else saved
    over it, so saving now would lose their work without a word (a file that is gone holds none)."""
    now = disk_stamp(path)
    return stamp is not None and now is not None and now != stamp


def dumps(design: Design) -> str:
    """The file text: indented JSON, ids sorted, fields in model order, newline-terminated."""
    return _serialised(design).decode("utf-8")


def _serialised(design: Design) -> bytes:
    """The file's bytes. pydantic's serializer writes UTF-8 JSON itself (`model_dump_json` is this
    decoded to text); saving takes the bytes as they are rather than decode 45 MiB (a 1,000-rack
    hall) and encode it again."""
    return design.__pydantic_serializer__.to_json(design, indent=1, exclude_none=True) + b"\n"


def save(design: Design, path: str | Path, *, backup: bool = True, verify_first: bool = True,
         since: integrity.Baseline | None = None) -> None:
    """Write atomically; the previous file (if any) is kept as `<path>.bak`.

    A design that cannot be written faithfully is refused with SaveError and the file on disk
    is left alone: a NaN or infinite number (JSON would get `null`, and the file would no
    longer load) or text with an unpaired surrogate (not encodable as UTF-8). A model that
    breaks the loader's rules is refused with UnloadableDesign (`verify`); autosaves pass
    `verify_first=False`, since keeping the user's work matters more than its shape there;
    `since` makes the verification look only at what changed (`verify`)."""
    path = Path(path)
    text = _encoded(design, path)
    if verify_first:
        try:
            verify(design, since)
        except Refusal as exc:
            raise UnloadableDesign(path, exc.where, one_line(exc.what)) from None
    target = _real_file(path)
    folder = target.parent if str(target.parent) else Path(".")
    temps: list[str] = []
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        temps.append(tmp_name)
        os.chmod(tmp_name, _file_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if backup and target.is_file():
            _keep_backup(target, folder, temps)
        os.replace(tmp_name, target)
        temps.remove(tmp_name)
        _fsync_dir(folder)
    except OSError as exc:
        raise SaveError(path, exc.strerror or str(exc)) from None
    finally:
        for name in temps:
            with suppress(OSError):
                os.unlink(name)


def _real_file(path: Path) -> Path:
    """The file a save writes: `path`, or the file a symlinked `path` points to (resolved once,
    here, so the link itself is kept and the real file replaced atomically beside itself)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a link loop
        raise SaveError(path, f"the file is a symlink that cannot be followed ({one_line(str(exc), 120)})") from None


def _keep_backup(target: Path, folder: Path, temps: list[str]) -> None:
    """Copy the file about to be replaced to a temporary file and rename that to `<name>.bak`:
    a full disk fails the copy and leaves the previous backup whole, and an existing `.bak`
    (a file, or a link someone planted) is replaced by the rename, never written through."""
    fd, bak_tmp = tempfile.mkstemp(prefix=f".{target.name}.bak.", suffix=".tmp", dir=folder)
    temps.append(bak_tmp)
    os.close(fd)
    shutil.copy2(target, bak_tmp)  # the temporary file was just made by mkstemp: not a link
    with open(bak_tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(bak_tmp, target.with_name(target.name + ".bak"))
    temps.remove(bak_tmp)


_NULL_VALUE = re.compile(rb'(?:": |^\s*)null(?=[,\n\]}])', re.M)


def _encoded(design: Design, path: Path) -> bytes:
    try:
        data = _serialised(design)
    except (UnicodeError, ValueError) as exc:  # pydantic's serialization error is a ValueError
        raise SaveError(path, f"the design holds text that cannot be written as UTF-8 ({one_line(str(exc), 120)})") from None
    # exclude_none drops every None, so a null value here was NaN or infinity (the substring
    # test first: the pattern costs 0.8 s on a 1,000-rack design, the test 0.02 s)
    if b"null" in data and _NULL_VALUE.search(data):
        for where, value in limits.walk(json.loads(data)):
            if value is None:
                raise SaveError(path, f"{json_path(where)} is not a finite number; fix it and save again "
                                      "(the file on disk is unchanged)")
    return data


def _file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
