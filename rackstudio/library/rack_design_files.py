"""Qt-free. Rack designs shared as files: one file per rack design in the user's parts folder
(`<parts>/rack-designs/<slug>.rackstudio`) or in a plugin (its manifest's `[[rack_designs]]`), so
a team passes GB200 or GB300 racks around.

A rack-design file is a design file holding that one rack design with the rack type, part and
module types it uses and no racks: it is written and read by `io.project_file`, so it gets the
same screening of hostile content, the same migrations and the same atomic save as any design.
`Shelf` lists every such file on offer (the palette's "Rack designs"), a bad one with the one-line
reason instead of its design.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rackstudio import paths
from rackstudio.commands.rack_designs import AddRackDesign
from rackstudio.errors import LoadError
from rackstudio.io import project_file
from rackstudio.model.design import Design, RackDesign

FOLDER = "rack-designs"


def folder(root: Path | None = None) -> Path:
    return (root or paths.user_parts()) / FOLDER


def as_file_design(design: Design, slug: str) -> Design:
    """The self-contained design a rack-design file holds."""
    rd = design.rack_designs[slug]
    parts = {d.part: design.part_types[d.part] for d in rd.devices.values()}
    modules = {k: design.module_types[k] for d in rd.devices.values() for k in (d.modules or {}).values()}
    return Design(name=rd.name, revision=rd.revision, part_types=parts, module_types=modules,
                  rack_types={rd.rack_type: design.rack_types[rd.rack_type]}, rack_designs={slug: rd})


def save(design: Design, slug: str, root: Path | None = None) -> Path:
    path = folder(root) / f"{slug}.rackstudio"
    path.parent.mkdir(parents=True, exist_ok=True)
    project_file.save(as_file_design(design, slug), path, backup=False)
    return path


def read(path: str | Path) -> tuple[RackDesign, Design]:
    """The rack design a file holds, with the file's design (its types); LoadError, naming the
    file, when it cannot be loaded or holds not exactly one rack design."""
    loaded = project_file.load(path).design
    if len(loaded.rack_designs) != 1 or loaded.racks:
        raise LoadError(path, "$.rack_designs", "a rack-design file holds one rack design and no racks, "
                                               f"this one {len(loaded.rack_designs)} and {len(loaded.racks)} racks")
    return next(iter(loaded.rack_designs.values())), loaded


def available(root: Path | None = None) -> list[tuple[Path, RackDesign | None, str | None]]:
    """Every rack-design file in the parts folder: (path, rack design, None) or (path, None, why not)."""
    return [(s.path, s.rack_design, s.problem) for s in Shelf(lambda: [("user", folder(root))]).items()]


def add_command(path: str | Path) -> AddRackDesign:
    """The command that adds a file's rack design, with its rack type and parts, to a design."""
    rd, source = read(path)
    return AddRackDesign(rd, source.rack_types[rd.rack_type], list(source.part_types.values()))


MAX_FILES = 500  # per folder: a team shelf holds tens of rack designs
MAX_FILE_BYTES = 16 * 2**20  # a rack design with its parts is ~100 KB; a 1,000-rack hall is 30 MB


@dataclass(frozen=True)
class Shared:
    """One rack-design file on offer: its rack design and the file's design (its types), or the
    one-line reason it cannot be used. `origin`: "user" (the parts folder) or a plugin's name."""

    path: Path
    origin: str
    rack_design: RackDesign | None = None
    source: Design | None = None
    problem: str | None = None

    def command(self) -> AddRackDesign:
        """The command that adds this rack design, with its rack type and parts, to a design."""
        rd, source = self.rack_design, self.source
        return AddRackDesign(rd, source.rack_types[rd.rack_type], list(source.part_types.values()))


def _files(where: Path) -> tuple[list[Path], str | None]:
    """The rack-design files at `where` (a file or a folder of them, first MAX_FILES by name)."""
    if where.is_file():
        return [where], None
    if not where.is_dir():
        return [], None
    found = sorted(p for p in where.glob("*.rackstudio") if p.is_file())
    more = len(found) - MAX_FILES
    return found[:MAX_FILES], (f"{where}: {more} more rack-design files past the first {MAX_FILES} are not listed"
                               if more > 0 else None)


class Shelf:
    """The rack-design files on offer: `sources()` gives (origin, file or folder) pairs, by default
    the user's parts folder. Each file is read once and again only when its size or time changes,
    so the palette can ask on every reload and see a file saved or dropped there since."""

    def __init__(self, sources: Callable[[], Sequence[tuple[str, Path]]] | None = None):
        self.sources = sources or (lambda: [("user", folder())])
        self._read: dict[Path, tuple[tuple[int, int], Shared]] = {}
        self.notes: list[str] = []  # folders listed only in part

    def items(self) -> list[Shared]:
        out, notes, seen = [], [], set()
        for origin, where in self.sources():
            paths_, note = _files(Path(where))
            notes += [note] if note else []
            for path in paths_:
                if path in seen:
                    continue
                seen.add(path)
                out.append(self._item(path, origin))
        self.notes = notes
        return out

    def _item(self, path: Path, origin: str) -> Shared:
        try:
            st = path.stat()
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError as exc:
            return Shared(path, origin, problem=f"{path}: cannot read: {exc.strerror or exc}")
        known = self._read.get(path)
        if known is not None and known[0] == stamp and known[1].origin == origin:
            return known[1]
        if st.st_size > MAX_FILE_BYTES:
            item = Shared(path, origin, problem=f"{path}: {st.st_size // 2**20} MiB, larger than a rack-design file "
                                                f"may be ({MAX_FILE_BYTES // 2**20} MiB)")
        else:
            try:
                rd, source = read(path)
                item = Shared(path, origin, rd, source)
            except LoadError as exc:
                item = Shared(path, origin, problem=exc.message)
            except (OSError, ValueError) as exc:  # read() maps what it knows; nothing else may escape
                item = Shared(path, origin, problem=f"{path}: {exc}")
        self._read[path] = (stamp, item)
        return item

    def find(self, slug: str) -> Shared | None:
        """The first usable file holding rack design `slug` (the user's before a plugin's)."""
        return next((s for s in self.items() if s.rack_design is not None and s.rack_design.slug == slug), None)


def shelf_sources(extra: Sequence[tuple[str, Path]] = ()) -> Callable[[], list[tuple[str, Path]]]:
    """Sources for a Shelf: the user's parts folder first (it wins a slug), then `extra` (plugins)."""
    return lambda: [("user", folder()), *extra]


__all__ = ["FOLDER", "Shared", "Shelf", "add_command", "as_file_design", "available", "folder", "read", "save",
           "shelf_sources"]
