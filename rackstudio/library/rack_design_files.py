"""Qt-free. Rack designs shared as files: one file per rack design in the user's parts folder
(`<parts>/rack-designs/<slug>.rackstudio`), so a team passes GB200 or GB300 racks around.

A rack-design file is a design file holding that one rack design with the rack type, part and
module types it uses and no racks: it is written and read by `io.project_file`, so it gets the
same screening of hostile content, the same migrations and the same atomic save as any design.
"""
from __future__ import annotations

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
    found = []
    for path in sorted(folder(root).glob("*.rackstudio")) if folder(root).is_dir() else []:
        try:
            found.append((path, read(path)[0], None))
        except LoadError as exc:
            found.append((path, None, exc.message))
    return found


def add_command(path: str | Path) -> AddRackDesign:
    """The command that adds a file's rack design, with its rack type and parts, to a design."""
    rd, source = read(path)
    return AddRackDesign(rd, source.rack_types[rd.rack_type], list(source.part_types.values()))


__all__ = ["FOLDER", "add_command", "as_file_design", "available", "folder", "read", "save"]
