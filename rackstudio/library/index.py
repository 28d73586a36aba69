"""Qt-free. A JSON index of one library folder, so thousands of part files browse instantly.

Each file is parsed once; what the catalog needs to list and search it (identity, category,
height, maximum power and weight, flags, or the problem that refused it) is cached as JSON under
the user cache folder, keyed by the file's relative path, mtime and size. A later run re-parses only files whose
stat changed. JSON, not pickle: a cache file must never be able to run code.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rackstudio._version import __version__
from rackstudio.io.limits import one_line
from rackstudio.library.netbox_yaml import load_device_type, load_module_type, load_rack_type
from rackstudio.library.quality import Flag
from rackstudio.library.safe_yaml import LoadProblem, Vocabulary, find_schema
from rackstudio.power import listed_max_w, port_draw

__all__ = ["INDEX_FORMAT", "KINDS", "LINK_LEAVES", "IndexedFile", "LibraryIndex", "index_cache_path",
           "scan_library"]

INDEX_FORMAT = 2  # 2: summaries carry max_power_w and weight_kg
# NetBox library layout: <kind folder>/<Manufacturer>/<file>.yaml|.yml
KINDS = {"device-types": "device-type", "module-types": "module-type", "rack-types": "rack-type"}
_SUFFIXES = (".yaml", ".yml")
LINK_LEAVES = "link leaves the library folder"


@dataclass(frozen=True)
class IndexedFile:
    """One library file as the index saw it. `summary` is None when the file was refused."""

    kind: str
    path: str  # relative to the library root, with "/" separators
    mtime_ns: int
    size: int
    summary: dict[str, Any] | None
    flags: tuple[Flag, ...] = ()
    problem: LoadProblem | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = [[f.key, f.message] for f in self.flags]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexedFile:
        problem = data.get("problem")
        return cls(kind=data["kind"], path=data["path"], mtime_ns=data["mtime_ns"], size=data["size"],
                   summary=data.get("summary"), flags=tuple(Flag(k, m) for k, m in data.get("flags", ())),
                   problem=LoadProblem(**problem) if problem else None)


def _leaves(path: str, root: Path) -> bool:
    """True when `path` is a symlink whose target lies outside `root` (a resolved folder)."""
    try:
        return os.path.islink(path) and not Path(path).resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop cannot be followed either
        return True


def scan_library(root: Path) -> list[tuple[str, str, os.stat_result, str | None]]:
    """(kind, relative path, stat, problem) of every part file under a NetBox-layout folder,
    sorted. A symlinked kind folder, maker folder or file whose target leaves the library root is
    not followed: it is listed with the problem LINK_LEAVES and the link's own stat."""
    found = []
    inside = root.resolve()
    for folder, kind in KINDS.items():
        base = root / folder
        if _leaves(str(base), inside):
            found.append((kind, folder, base.lstat(), LINK_LEAVES))
            continue
        if not base.is_dir():
            continue
        try:
            makers = sorted(os.scandir(base), key=lambda e: e.name)
        except OSError as exc:  # an unreadable kind folder: one problem, the other kinds still load
            found.append((kind, folder, _NO_STAT, _unreadable(exc)))
            continue
        for maker in makers:
            rel_maker = f"{folder}/{maker.name}"
            try:
                if _leaves(maker.path, inside):
                    found.append((kind, rel_maker, maker.stat(follow_symlinks=False), LINK_LEAVES))
                    continue
                if not maker.is_dir():
                    continue
                files = list(os.scandir(maker.path))
            except OSError as exc:  # an unreadable maker folder: one problem, the other makers still load
                found.append((kind, rel_maker, _NO_STAT, _unreadable(exc)))
                continue
            for entry in files:
                if not entry.name.lower().endswith(_SUFFIXES):
                    continue
                rel = f"{rel_maker}/{entry.name}"
                try:
                    if _leaves(entry.path, inside):
                        found.append((kind, rel, entry.stat(follow_symlinks=False), LINK_LEAVES))
                    elif entry.is_file():
                        found.append((kind, rel, entry.stat(), None))
                except OSError as exc:
                    found.append((kind, rel, _NO_STAT, _unreadable(exc)))
    found.sort(key=lambda item: item[1])
    return found


_NO_STAT = os.stat_result((0,) * 10)  # what an entry that cannot be read is indexed with


def _unreadable(exc: OSError) -> str:
    return f"cannot be read ({exc.strerror or exc})"


def _ports_max_w(ports) -> float | None:
    """A module's maximum draw from NetBox's port figures, as `power.part_draw` reads a part's."""
    port_max, port_alloc = port_draw(ports)
    return port_max or port_alloc or None


def _summarise(kind: str, path: Path, vocabulary: Vocabulary) -> tuple[dict | None, tuple, LoadProblem | None]:
    if kind == "device-type":
        result = load_device_type(path, vocabulary)
        part = result.part
        summary = part and {"manufacturer": part.manufacturer, "model": part.model, "slug": part.slug,
                            "part_number": part.part_number, "category": part.category.value,
                            "u_height": part.u_height, "max_power_w": listed_max_w(part),
                            "weight_kg": part.weight_kg}
    elif kind == "module-type":
        result = load_module_type(path, vocabulary)
        part = result.part
        summary = part and {"manufacturer": part.manufacturer, "model": part.model, "slug": None,
                            "part_number": part.part_number, "category": "module", "u_height": None,
                            "max_power_w": _ports_max_w(part.power_ports), "weight_kg": part.weight_kg}
    else:
        result = load_rack_type(path)
        part = result.part
        summary = part and {"manufacturer": part.manufacturer, "model": part.model, "slug": part.slug,
                            "part_number": None, "category": "rack", "u_height": part.u_height,
                            "max_power_w": part.power_capacity_kw * 1000 if part.power_capacity_kw else None,
                            "weight_kg": part.weight_kg or None}
    return summary, result.flags, result.error


def index_cache_path(root: Path, cache_dir: Path) -> Path:
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return cache_dir / "library-index" / f"{digest}.json"


class LibraryIndex:
    """The indexed files of one library folder. Build with `LibraryIndex.build`."""

    def __init__(self, root: Path, files: list[IndexedFile], parsed: int, reused: int,
                 vocabulary: Vocabulary):
        self.root = root
        self.files = files
        self.parsed = parsed  # files read and parsed in this build
        self.reused = reused  # files taken from the cache unchanged
        self.vocabulary = vocabulary
        self.schema_problem: LoadProblem | None = None  # a generated_schema.json that could not be used

    @classmethod
    def build(cls, root: str | Path, cache_dir: Path | None = None,
              schema: Path | None = None) -> LibraryIndex:
        """Index `root` (a NetBox-layout folder). `cache_dir` None: no cache is read or written.
        `schema`: a `generated_schema.json` to check choice values against; by default the
        folder's own `schema/generated_schema.json` when it has one."""
        root = Path(root)
        schema = schema or find_schema(root)
        vocabulary = Vocabulary.default()
        schema_problem = None
        if schema is not None:
            try:
                vocabulary = Vocabulary.from_schema(schema)
            except (OSError, ValueError) as exc:  # choice values go unchecked; the parts still load
                schema_problem = LoadProblem(str(schema), None, "not used to check choice values: "
                                             f"{one_line(str(exc).removeprefix(f'{schema}: '), 200)}")
                schema = None
        header = {"format": INDEX_FORMAT, "rackstudio": __version__, "root": str(root.resolve()),
                  "schema": _stat_key(schema)}
        cache_file = index_cache_path(root, cache_dir) if cache_dir is not None else None
        cached = _read_cache(cache_file, header) if cache_file else {}
        files, parsed, reused = [], 0, 0
        for kind, rel, stat, problem in scan_library(root):
            if problem is not None:  # never parsed, never taken from the cache
                files.append(IndexedFile(kind, rel, stat.st_mtime_ns, stat.st_size, None,
                                         problem=LoadProblem(str(root / rel), None, problem)))
                continue
            old = cached.get(rel)
            if old is not None and old.kind == kind and old.mtime_ns == stat.st_mtime_ns \
                    and old.size == stat.st_size:
                files.append(old)
                reused += 1
                continue
            summary, flags, problem = _summarise(kind, root / rel, vocabulary)
            files.append(IndexedFile(kind, rel, stat.st_mtime_ns, stat.st_size, summary, flags, problem))
            parsed += 1
        if cache_file is not None and (parsed or len(cached) != len(files)):
            _write_cache(cache_file, header, files)
        index = cls(root, files, parsed, reused, vocabulary)
        index.schema_problem = schema_problem
        return index


def _stat_key(path: Path | None) -> list | None:
    if path is None:
        return None
    stat = path.stat()
    return [str(path.resolve()), stat.st_mtime_ns, stat.st_size]


def _read_cache(cache_file: Path, header: dict) -> dict[str, IndexedFile]:
    """The cached files by relative path; empty when the cache is missing, stale or damaged
    (a damaged cache is rebuilt, never trusted)."""
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
        if data.get("header") != header:
            return {}
        return {f["path"]: IndexedFile.from_json(f) for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_cache(cache_file: Path, header: dict, files: list[IndexedFile]) -> None:
    """Write atomically (temporary file + rename), so a crash leaves the old cache or the new."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"header": header, "files": [f.to_json() for f in files]},
                                  separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass  # a read-only cache folder costs speed, not correctness
