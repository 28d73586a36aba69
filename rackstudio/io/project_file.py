"""Qt-free. The `.rackstudio` project file: one indented JSON document with sorted ids.

Loading refuses only what cannot be a design (malformed JSON, wrong types, a newer
format_version, dangling references) with a message naming file, place and problem; a
repairable design loads, with its problems returned as warnings. Saving is atomic: write a
temporary file beside the target, flush and fsync, keep the previous file as `<name>.bak`,
rename over the target, fsync the folder.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from rackstudio.errors import LoadError, SaveError
from rackstudio.io.migrations import NewerFormat, migrate
from rackstudio.model import integrity
from rackstudio.model.design import Design

SUFFIX = ".rackstudio"
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class Loaded:
    design: Design
    warnings: list[tuple[str, str]] = field(default_factory=list)
    migrated_from: int | None = None


@contextmanager
def _gc_paused():
    """Validation allocates hundreds of thousands of objects; the cyclic GC only slows it
    (1.71 s → 0.28 s for 1,000 racks, performance-reliability.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def json_path(loc: tuple) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def parse(text: str | bytes, path: str | Path | None = None) -> Loaded:
    """Build a design from file content (see `load`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise LoadError(path, None, "JSON nested too deeply to be a design") from None
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"byte {exc.start}", "not UTF-8 text") from None
    if not isinstance(data, dict):
        raise LoadError(path, "$", f"a design is a JSON object, not {type(data).__name__}")
    original = data.get("format_version")
    try:
        data = migrate(data)
    except NewerFormat as exc:
        raise LoadError(path, "$.format_version", str(exc)) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise LoadError(path, "$.format_version", str(exc)) from None
    with _gc_paused():
        try:
            design = Design.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            more = exc.error_count() - 1
            tail = f" (and {more} more problem{'s' * (more > 1)})" if more else ""
            raise LoadError(path, json_path(first["loc"]), first["msg"] + tail) from None
        except RecursionError:
            raise LoadError(path, None, "JSON nested too deeply to be a design") from None
    problems = list(integrity.dangling(design))
    if problems:
        where, what = problems[0]
        more = len(problems) - 1
        tail = f" (and {more} more dangling reference{'s' * (more > 1)})" if more else ""
        raise LoadError(path, where, what + tail)
    migrated = original if original != design.format_version else None
    return Loaded(design, list(integrity.warnings(design)), migrated)


def load(path: str | Path) -> Loaded:
    """Load a `.rackstudio` file. Raises LoadError with file, place and problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LoadError(path, None, f"file is {size / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit")
        raw = path.read_bytes()
    except LoadError:
        raise
    except IsADirectoryError:
        raise LoadError(path, None, "is a folder, not a design file") from None
    except FileNotFoundError:
        raise LoadError(path, None, "no such file") from None
    except OSError as exc:
        raise LoadError(path, None, exc.strerror or str(exc)) from None
    return parse(raw, path)


def dumps(design: Design) -> str:
    """The file text: indented JSON, ids sorted, fields in model order, newline-terminated."""
    return design.model_dump_json(indent=1, exclude_none=True) + "\n"


def save(design: Design, path: str | Path, *, backup: bool = True) -> None:
    """Write atomically; the previous file (if any) is kept as `<path>.bak`."""
    path = Path(path)
    text = dumps(design).encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.chmod(tmp_name, _file_mode(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if backup and path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(folder)
    except OSError as exc:
        raise SaveError(path, exc.strerror or str(exc)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


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
