"""The parts the editor offers: the library catalog (rackstudio.library) plus the definitions
the open design embeds (a design's own definition wins, so a drop uses what the design
already has). Drops carry only a key; `part()` and `rack_type()` look it up here again.

The catalog lists entries from its index without parsing files: its summaries carry each part's
maximum power and weight, so the palette shows them without reading a part.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from rackstudio.library.rack_design_files import Shared, Shelf
from rackstudio.model.design import Design
from rackstudio.model.modules import ModuleType, module_key
from rackstudio.model.parts import PartType
from rackstudio.model.racks import RackType
from rackstudio.power import listed_max_w

log = logging.getLogger("rackstudio.ui")


@dataclass(frozen=True)
class Entry:
    """One palette row."""

    kind: str  # "part", "rack-type", "rack-design" or "module"
    key: str  # the part's, rack type's or rack design's slug, the module type's key
    manufacturer: str
    model: str
    category: str
    u_height: float
    source: str
    power_w: float | None = None  # parts: maximum draw; rack types: power capacity
    weight_kg: float | None = None
    problem: str | None = None  # a rack-design file that cannot be used: why (file, place, problem)

    @cached_property
    def hay(self) -> str:
        """What a search looks in, lowercased once (the palette filters 6,000 rows per keystroke)."""
        return f"{self.manufacturer} {self.model} {self.key} {self.category} {self.source}".lower()


def part_entry(part: PartType, source: str) -> Entry:
    return Entry("part", part.slug, part.manufacturer, part.model, str(part.category), part.u_height, source,
                 listed_max_w(part), part.weight_kg)


def module_entry(module: ModuleType, source: str) -> Entry:
    draw = sum(p.maximum_draw or p.allocated_draw or 0 for p in module.power_ports) or None
    return Entry("module", module.key, module.manufacturer, module.model, "module", 0.0, source, draw,
                 module.weight_kg)


def rack_entry(rt: RackType, source: str) -> Entry:
    return Entry("rack-type", rt.slug, rt.manufacturer, rt.model, "rack", float(rt.u_height), source,
                 rt.power_capacity_kw * 1000 if rt.power_capacity_kw else None, rt.weight_kg or None)


def rack_design_entry(design: Design, rd, source: str = "design") -> Entry:
    """A rack design's palette row: its rack type's maker, its own name, its loaded weight."""
    rt = design.rack_types.get(rd.rack_type)
    weights = [design.part_types[d.part].weight_kg for d in rd.devices.values() if d.part in design.part_types]
    weight = (rt.weight_kg if rt else 0) + sum(w for w in weights if w is not None)
    return Entry("rack-design", rd.slug, rt.manufacturer if rt else "", f"{rd.name} (rev {rd.revision})",
                 "rack design", float(rt.u_height) if rt else 0.0, source, None, round(weight, 1))


def shared_entry(item: Shared) -> Entry:
    """A rack-design file's row: its rack design, or the file's name and why it cannot be used."""
    if item.rack_design is not None:
        return rack_design_entry(item.source, item.rack_design, item.origin)
    return Entry("rack-design", str(item.path), "", item.path.name, "rack design (unreadable)", 0.0, item.origin,
                 problem=item.problem)


class PartsLibrary:
    """Parts and rack types given directly (tests, small tools) plus the open design's own."""

    def __init__(self, parts: Iterable[PartType] = (), rack_types: Iterable[RackType] = (),
                 source: str = "library", modules: Iterable[ModuleType] = ()):
        self._parts = {p.slug: p for p in parts}
        self._modules = {m.key: m for m in modules}
        self._rack_types = {r.slug: r for r in rack_types}
        self.source = source
        self.problem: str | None = None  # why the catalog could not be read, if so
        self.file_problems: tuple[str, ...] = ()  # one line per library file that was refused
        self.design_getter: Callable[[], Design | None] = lambda: None
        self.shelf = Shelf()  # rack-design files on offer: the parts folder's (and plugins')

    def _design(self) -> Design | None:
        return self.design_getter()

    # --- lookups the drops use -------------------------------------------------------------------
    def part(self, key: str) -> PartType | None:
        design = self._design()
        if design is not None and key in design.part_types:
            return design.part_types[key]
        return self.library_part(key)

    def rack_type(self, key: str) -> RackType | None:
        design = self._design()
        if design is not None and key in design.rack_types:
            return design.rack_types[key]
        return self.library_rack_type(key)

    def module(self, key: str) -> ModuleType | None:
        design = self._design()
        if design is not None and key in design.module_types:
            return design.module_types[key]
        return self.library_module(key)

    def library_part(self, key: str) -> PartType | None:
        return self._parts.get(key)

    def library_module(self, key: str) -> ModuleType | None:
        return self._modules.get(key)

    def library_rack_type(self, key: str) -> RackType | None:
        return self._rack_types.get(key)

    def shared_rack_design(self, slug: str) -> Shared | None:
        """A rack-design file offering `slug` (the parts folder's or a plugin's)."""
        return self.shelf.find(slug)

    def all_rack_types(self) -> list[RackType]:
        found = {slug: rt for slug in self._library_rack_keys() if (rt := self.library_rack_type(slug))}
        design = self._design()
        if design is not None:
            found.update(design.rack_types)
        return sorted(found.values(), key=lambda r: (r.manufacturer, r.model))

    def _library_rack_keys(self) -> list[str]:
        return list(self._rack_types)

    # --- palette rows ----------------------------------------------------------------------------
    def library_entries(self) -> list[Entry]:
        rows = [rack_entry(rt, self.source) for rt in self._rack_types.values()]
        rows += [part_entry(p, self.source) for p in self._parts.values()]
        rows += [module_entry(m, self.source) for m in self._modules.values()]
        return rows

    def entries(self) -> list[Entry]:
        """Library rows, then the design's own definitions: a row the design also defines keeps
        its library source but shows the design's figures (what a drop would place)."""
        rows = {(e.kind, e.key): e for e in self.library_entries()}
        for item in self.shelf.items():
            entry = shared_entry(item)
            rows.setdefault((entry.kind, entry.key), entry)
        design = self._design()
        if design is not None:
            own = [rack_entry(rt, "design") for rt in design.rack_types.values()]
            own += [rack_design_entry(design, rd) for rd in design.rack_designs.values()]
            own += [part_entry(p, "design") for p in design.part_types.values()]
            own += [module_entry(m, "design") for m in design.module_types.values()]
            for entry in own:
                listed = rows.setdefault((entry.kind, entry.key), entry)
                if listed is not entry:
                    rows[entry.kind, entry.key] = replace(listed, power_w=entry.power_w, weight_kg=entry.weight_kg)
        return sorted(rows.values(), key=lambda e: (e.kind != "rack-design", e.kind != "rack-type", e.manufacturer.lower(),
                                                    e.model.lower(), e.key))


class CatalogLibrary(PartsLibrary):
    """The library catalog (built-in, plugin and user parts) behind the palette."""

    def __init__(self, catalog):
        super().__init__(source="library")
        self.catalog = catalog
        self._rack_entries = {e.slug: e for e in catalog.entries if e.kind == "rack-type" and e.slug}
        self._module_entries = {module_key(e.manufacturer, e.model): e for e in catalog.entries
                                if e.kind == "module-type"}
        roots = {s.name: Path(s.root) for s in catalog.sources}
        self.file_problems = tuple(f"[{p.source}] {_problem_line(p.problem, roots.get(p.source))}"
                                   for p in catalog.problems)

    def library_part(self, key: str) -> PartType | None:
        return self.catalog.part(key)

    def library_rack_type(self, key: str) -> RackType | None:
        entry = self._rack_entries.get(key)
        return self.catalog.rack_type(entry) if entry is not None else None

    def _library_rack_keys(self) -> list[str]:
        return list(self._rack_entries)

    def library_module(self, key: str) -> ModuleType | None:
        entry = self._module_entries.get(key)
        return self.catalog.module_type(entry) if entry is not None else None

    def library_entries(self) -> list[Entry]:
        rows = [Entry("module", key, e.manufacturer, e.model, "module", 0.0, e.source, e.max_power_w, e.weight_kg)
                for key, e in self._module_entries.items()]
        for e in self.catalog.entries:
            if e.kind in ("device-type", "rack-type") and e.slug:
                kind, category = ("part", e.category) if e.kind == "device-type" else ("rack-type", "rack")
                rows.append(Entry(kind, e.slug, e.manufacturer, e.model, category, e.u_height or 0.0, e.source,
                                  e.max_power_w, e.weight_kg))
        return rows


def _problem_line(problem, root: Path | None) -> str:
    """A refused file's one-line message, its path relative to its library folder."""
    try:
        path = Path(problem.path).relative_to(root).as_posix() if root is not None else problem.path
    except ValueError:
        path = problem.path
    return str(replace(problem, path=path if path != "." else problem.path))


def plugin_library(plugins) -> CatalogLibrary:
    """The library of a PluginManager: its catalog's parts and its rack-design files (the user's
    parts folder's and the plugins')."""
    library = CatalogLibrary(plugins.catalog())
    library.shelf = plugins.rack_design_shelf()
    return library


def builtin_library() -> PartsLibrary:
    """The default catalog; if it cannot be read, an empty library that says why (the design's
    own parts still show)."""
    try:
        from rackstudio.library import default_catalog

        return CatalogLibrary(default_catalog())
    except Exception as exc:  # a broken library must not stop the editor from starting
        log.warning("parts library unavailable: %s", exc)
        library = PartsLibrary(source="design")
        library.problem = str(exc)
        return library
