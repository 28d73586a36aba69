"""Qt-free. The merged parts catalog: built-in, plugin and user libraries in one searchable list.

Every source is a folder laid out like the NetBox device-type library (`device-types/<Maker>/`,
`module-types/`, `rack-types/`). When two sources define the same manufacturer + model, the
user's wins over a plugin's, and a plugin's over the built-in one; the loser is kept as a
recorded conflict so the parts palette can show it. Listing and search run on the JSON index
(`library.index`); the full PartType is parsed only when a part is opened.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from rackstudio import paths
from rackstudio.library.index import KINDS, LibraryIndex
from rackstudio.library.netbox_yaml import (
    LoadResult,
    ModuleType,
    load_device_type,
    load_module_type,
    load_rack_type,
)
from rackstudio.library.quality import Flag
from rackstudio.library.safe_yaml import LoadProblem, Vocabulary
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType

__all__ = ["Catalog", "CatalogEntry", "Conflict", "FileProblem", "LibrarySource", "SourceKind",
           "builtin_source", "default_catalog"]


class SourceKind(IntEnum):
    """Where a library comes from; a higher value wins a conflict."""

    BUILTIN = 0
    PLUGIN = 1
    USER = 2


@dataclass(frozen=True)
class LibrarySource:
    """A library folder. `name` is what the palette shows ("builtin", a plugin's name, a folder).
    `schema`: a NetBox `generated_schema.json` to check choice values against (default: the
    folder's own `schema/generated_schema.json`, present in a clone of the NetBox library)."""

    name: str
    root: Path
    kind: SourceKind = SourceKind.USER
    schema: Path | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """One listed file: enough to show and search it without parsing it again (figures are None
    when the file gives none)."""

    kind: str  # "device-type", "module-type" or "rack-type"
    manufacturer: str
    model: str
    slug: str | None
    part_number: str | None
    category: str  # a Category value; "module" and "rack" for module and rack types
    u_height: float | None
    path: Path
    source: str
    source_kind: SourceKind
    flags: tuple[Flag, ...] = ()
    max_power_w: float | None = None  # parts and modules: maximum draw; rack types: power capacity
    weight_kg: float | None = None
    search_text: str = field(default="", repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across sources: kind + manufacturer + model, case-insensitive."""
        return self.kind, self.manufacturer.casefold(), self.model.casefold()

    @property
    def title(self) -> str:
        return f"{self.manufacturer} {self.model}"


@dataclass(frozen=True)
class Conflict:
    """Several sources define one part; `winner` is listed, `shadowed` are not."""

    winner: CatalogEntry
    shadowed: tuple[CatalogEntry, ...]

    @property
    def message(self) -> str:
        losers = ", ".join(f"{e.source} ({e.path})" for e in self.shadowed)
        return f"{self.winner.title}: {self.winner.source} ({self.winner.path}) overrides {losers}"


@dataclass(frozen=True)
class FileProblem:
    """A file that could not become a part; the rest of its source still loads."""

    source: str
    problem: LoadProblem

    def __str__(self) -> str:
        return f"[{self.source}] {self.problem}"


def _entry(source: LibrarySource, kind: str, path: Path, summary: dict, flags: tuple) -> CatalogEntry:
    text = " ".join(str(summary.get(k) or "") for k in ("manufacturer", "model", "part_number", "slug",
                                                        "category")).casefold()
    return CatalogEntry(kind, summary["manufacturer"], summary["model"], summary.get("slug"),
                        summary.get("part_number"), summary["category"], summary.get("u_height"),
                        path, source.name, source.kind, tuple(flags), summary.get("max_power_w"),
                        summary.get("weight_kg"), text)


def _layout_problem(root: Path) -> LoadProblem | None:
    """Why a source folder holds no parts at all, if that is the case."""
    if not root.is_dir():
        return LoadProblem(str(root), None, "library folder not found")
    if not any((root / folder).is_dir() for folder in KINDS):
        return LoadProblem(str(root), None, "no device-types/, module-types/ or rack-types/ folder "
                                            "(the NetBox library layout is expected)")
    return None


class Catalog:
    """All parts from all sources, winners listed, conflicts and problems recorded."""

    def __init__(self, sources: Sequence[LibrarySource], cache_dir: Path | None = None):
        """Index every source (through the JSON cache in `cache_dir`; None: no cache).
        Sources of the same kind: the one listed first wins."""
        self.sources = tuple(sources)
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            raise ValueError(f"library source names must be unique: {names}")
        self.indexes: dict[str, LibraryIndex] = {}
        problems: list[FileProblem] = []
        candidates: dict[tuple[str, str, str], list[tuple[int, CatalogEntry]]] = {}
        for order, source in enumerate(self.sources):
            layout = _layout_problem(Path(source.root))
            if layout is not None:
                problems.append(FileProblem(source.name, layout))
            index = LibraryIndex.build(source.root, cache_dir, source.schema)
            self.indexes[source.name] = index
            if index.schema_problem is not None:
                problems.append(FileProblem(source.name, index.schema_problem))
            for f in index.files:
                path = index.root / f.path
                if f.summary is None:
                    problems.append(FileProblem(source.name, f.problem))
                    continue
                entry = _entry(source, f.kind, path, f.summary, f.flags)
                candidates.setdefault(entry.key, []).append((order, entry))
        winners, conflicts = [], []
        for group in candidates.values():
            # highest source kind first; then the earlier source; then the file path
            group.sort(key=lambda item: (-item[1].source_kind, item[0], str(item[1].path)))
            winners.append(group[0][1])
            if len(group) > 1:
                conflicts.append(Conflict(group[0][1], tuple(e for _, e in group[1:])))
        winners.sort(key=lambda e: (e.kind, e.manufacturer.casefold(), e.model.casefold()))
        self.entries: tuple[CatalogEntry, ...] = tuple(winners)
        self.problems: tuple[FileProblem, ...] = tuple(problems)
        self.conflicts: tuple[Conflict, ...] = tuple(conflicts)
        self._by_slug = {}
        for e in self.entries:
            if e.kind == "device-type" and e.slug:
                self._by_slug.setdefault(e.slug, e)
        self._vocabulary = {name: index.vocabulary for name, index in self.indexes.items()}
        self._loaded: dict[tuple[Path, int, int], LoadResult] = {}

    # --- listing and search -------------------------------------------------------------------
    def search(self, text: str = "", manufacturer: str | None = None, category: str | None = None,
               kind: str = "device-type") -> list[CatalogEntry]:
        """Entries whose manufacturer, model, part number, slug or category contain every word
        of `text` (case-insensitive), optionally of one manufacturer and one category."""
        words = text.casefold().split()
        maker = manufacturer.casefold() if manufacturer else None
        return [e for e in self.entries
                if e.kind == kind
                and (maker is None or e.manufacturer.casefold() == maker)
                and (category is None or e.category == str(category))
                and all(w in e.search_text for w in words)]

    def manufacturers(self, kind: str = "device-type") -> list[str]:
        """One name per manufacturer, case-insensitively ("Acme" and "ACME" are one filter),
        spelled as its first listed entry spells it."""
        names: dict[str, str] = {}
        for e in self.entries:
            if e.kind == kind:
                names.setdefault(e.manufacturer.casefold(), e.manufacturer)
        return sorted(names.values(), key=str.casefold)

    def categories(self, kind: str = "device-type") -> list[str]:
        return sorted({e.category for e in self.entries if e.kind == kind})

    def find(self, manufacturer: str, model: str, kind: str = "device-type") -> CatalogEntry | None:
        key = (kind, manufacturer.casefold(), model.casefold())
        return next((e for e in self.entries if e.key == key), None)

    def by_slug(self, slug: str) -> CatalogEntry | None:
        """The device type with this slug (PartType.key); the winning source's if several."""
        return self._by_slug.get(slug)

    # --- full definitions, parsed on demand ---------------------------------------------------
    def load(self, entry: CatalogEntry) -> LoadResult:
        """The full record behind an entry, parsed now (and kept while the file is unchanged).
        A file changed or broken since indexing comes back as a LoadResult with an error."""
        try:
            stat = entry.path.stat()
        except OSError as exc:
            return LoadResult(None, (), LoadProblem(str(entry.path), None, f"cannot read: {exc.strerror}"))
        key = (entry.path, stat.st_mtime_ns, stat.st_size)
        if key not in self._loaded:
            vocabulary = self._vocabulary.get(entry.source) or Vocabulary.default()
            if entry.kind == "device-type":
                result = load_device_type(entry.path, vocabulary, origin=entry.source)
            elif entry.kind == "module-type":
                result = load_module_type(entry.path, vocabulary, origin=entry.source)
            else:
                result = load_rack_type(entry.path, origin=entry.source)
            self._loaded[key] = result
        return self._loaded[key]

    def part(self, entry: CatalogEntry | str) -> PartType | None:
        """The PartType of an entry or a slug; None when it is unknown or no longer loads."""
        found = self.by_slug(entry) if isinstance(entry, str) else entry
        if found is None or found.kind != "device-type":
            return None
        return self.load(found).part

    def rack_type(self, entry: CatalogEntry) -> RackType | None:
        return self.load(entry).part if entry.kind == "rack-type" else None

    def module_type(self, entry: CatalogEntry) -> ModuleType | None:
        return self.load(entry).part if entry.kind == "module-type" else None

    def shadowed(self) -> Iterable[CatalogEntry]:
        for conflict in self.conflicts:
            yield from conflict.shadowed

    def __len__(self) -> int:
        return len(self.entries)


def builtin_source() -> LibrarySource:
    """RackStudio's own parts (`resources/builtin`), the lowest precedence."""
    return LibrarySource("builtin", paths.builtin_parts(), SourceKind.BUILTIN)


def default_catalog(plugin_sources: Sequence[LibrarySource] = (),
                    user_folders: Sequence[Path] = ()) -> Catalog:
    """Built-in parts, then plugins' part folders, then the user's parts folder (if it exists)
    and any folders the user added, indexed through the user cache folder."""
    sources = [builtin_source(), *plugin_sources]
    if paths.user_parts().is_dir():
        sources.append(LibrarySource("user", paths.user_parts(), SourceKind.USER))
    sources += [LibrarySource(str(folder), Path(folder), SourceKind.USER) for folder in user_folders]
    return Catalog(sources, cache_dir=paths.user_cache())
