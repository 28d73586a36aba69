"""`rackstudio parts list|check`: the merged parts catalog, and validation of a NetBox YAML folder.

`list` shows the catalog the editor's palette shows: built-in parts, installed plugins' and
drop-ins' part folders (read as data: no plugin code runs), the user's parts folder, and any
`--library DIR` (a NetBox-layout folder such as a clone of the NetBox device-type library).
`check DIR` parses every YAML file under DIR and prints each problem with file, key and line;
exit 1 when a file is refused, 2 when DIR cannot be read.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from rackstudio.cli.exit_codes import Exit
from rackstudio.io.limits import one_line
from rackstudio.library.catalog import Catalog, CatalogEntry
from rackstudio.library.index import KINDS, LibraryIndex
from rackstudio.library.netbox_yaml import load_device_type, load_module_type, load_rack_type
from rackstudio.library.quality import Flag
from rackstudio.library.safe_yaml import LoadProblem, Vocabulary, find_schema


def add_parser(sub) -> None:
    p = sub.add_parser("parts", help="list the parts catalog or check a folder of NetBox YAML")
    cmds = p.add_subparsers(dest="parts_command", metavar="ACTION", required=True)
    ls = cmds.add_parser("list", help="list parts from the built-in, plugin and user libraries")
    ls.add_argument("--source", help="only parts from this source (builtin, a plugin's name, user, a folder)")
    ls.add_argument("--search", default="", help="words that must all appear (model, maker, part number, slug)")
    ls.add_argument("--category", help="server, switch, pdu, power-shelf, ..., module or rack")
    ls.add_argument("--manufacturer", help="one manufacturer (case-insensitive)")
    ls.add_argument("--library", action="append", default=[], metavar="DIR",
                    help="add a NetBox-layout folder (device-types/<Maker>/*.yaml); may repeat")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    ck = cmds.add_parser("check", help="validate a folder of NetBox device/module/rack-type YAML")
    ck.add_argument("dir", help="a NetBox-layout folder, or any folder of YAML part files")
    ck.add_argument("--flags", action="store_true", help="also print data-quality notes on files that load")
    ck.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    return _list(args) if args.parts_command == "list" else _check(args)


# --- list ----------------------------------------------------------------------------------------
def _catalog(folders: list[Path]) -> tuple[Catalog, list]:
    from rackstudio.plugins import PluginManager

    manager = PluginManager.start()  # manifests and part folders only: no plugin code is imported
    return manager.catalog(user_folders=folders), [p for p in manager.plugins if p.failures]


def _entry_json(e: CatalogEntry) -> dict:
    return {"kind": e.kind, "manufacturer": e.manufacturer, "model": e.model, "slug": e.slug,
            "part_number": e.part_number, "category": e.category, "u_height": e.u_height, "source": e.source,
            "source_kind": e.source_kind.name.lower(), "path": str(e.path), "flags": [str(f) for f in e.flags]}


def _list(args) -> int:
    folders = [Path(d) for d in args.library]
    for folder in folders:
        if not folder.is_dir():
            print(f"rackstudio parts: {folder}: not a folder", file=sys.stderr)
            return Exit.LOAD
    catalog, failed_plugins = _catalog(folders)
    entries = [e for kind in KINDS.values()
               for e in catalog.search(args.search, args.manufacturer, args.category, kind)
               if args.source is None or e.source == args.source]
    if args.format == "json":
        print(json.dumps({
            "sources": [{"name": s.name, "kind": s.kind.name.lower(), "root": str(s.root)} for s in catalog.sources],
            "parts": [_entry_json(e) for e in entries],
            "conflicts": [c.message for c in catalog.conflicts],
            "problems": [str(p) for p in catalog.problems],
        }, indent=2))
        return Exit.OK
    for e in entries:
        height = f"{e.u_height:g}U" if e.u_height is not None else "-"
        print(f"{e.source:<22} {e.category:<13} {height:>5}  {e.title}  [{e.slug or e.path.name}]")
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.source] = counts.get(e.source, 0) + 1
    print(f"{len(entries)} part(s)" + (": " + ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else ""))
    if catalog.problems:
        print(f"{len(catalog.problems)} file(s) could not be read; `rackstudio parts check DIR` shows why",
              file=sys.stderr)
    for plugin in failed_plugins:
        print(f"plugin {plugin.name}: {plugin.failures[0].stage.value}: {plugin.failures[0].reason}", file=sys.stderr)
    return Exit.OK


# --- check ---------------------------------------------------------------------------------------
def _kind_of(rel: Path) -> str:
    """device-, module- or rack-type by the NetBox folder the file is in (device-type otherwise)."""
    for part in rel.parts:
        if part in KINDS:
            return KINDS[part]
    return "device-type"


def _check_loose(root: Path) -> list[tuple[str, LoadProblem | None, tuple[Flag, ...]]]:
    """Every *.yaml/*.yml under a folder not laid out like the library: (relative path, problem, flags)."""
    schema = find_schema(root)
    vocabulary, results = Vocabulary.default(), []
    if schema is not None:
        try:
            vocabulary = Vocabulary.from_schema(schema)
        except (OSError, ValueError) as exc:
            results.append((schema.relative_to(root).as_posix(), LoadProblem(str(schema), None, one_line(str(exc))), ()))
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file()):
        rel = path.relative_to(root)
        kind = _kind_of(rel)
        if kind == "device-type":
            result = load_device_type(path, vocabulary)
        elif kind == "module-type":
            result = load_module_type(path, vocabulary)
        else:
            result = load_rack_type(path)
        results.append((rel.as_posix(), result.error, result.flags))
    return results


def _check(args) -> int:
    root = Path(args.dir)
    try:
        if not root.is_dir():
            raise NotADirectoryError
        next(root.iterdir(), None)
    except OSError as exc:
        print(f"rackstudio parts check: {root}: cannot read the folder ({exc.strerror or 'not a folder'})",
              file=sys.stderr)
        return Exit.LOAD
    if any((root / folder).is_dir() for folder in KINDS):
        index = LibraryIndex.build(root, cache_dir=None)
        results = [(f.path, f.problem, f.flags) for f in index.files]
        if index.schema_problem is not None:
            results.insert(0, ("schema/generated_schema.json", index.schema_problem, ()))
    else:
        results = _check_loose(root)
    if not results:
        print(f"rackstudio parts check: {root}: no .yaml or .yml part files found", file=sys.stderr)
        return Exit.LOAD
    refused = [(rel, problem) for rel, problem, _ in results if problem is not None]
    if args.format == "json":
        print(json.dumps({"root": str(root), "files": len(results), "refused": len(refused),
                          "problems": [{"file": rel, "key": p.where, "line": p.line, "column": p.column,
                                        "reason": p.reason} for rel, p in refused],
                          "flags": [{"file": rel, "key": f.key, "message": f.message}
                                    for rel, _, flags in results for f in flags]}, indent=2))
        return Exit.FAILED if refused else Exit.OK
    for rel, problem in refused:
        place = [f"key {problem.where}"] if problem.where else []
        if problem.line is not None:
            place.append(f"line {problem.line}, column {problem.column}")
        print(f"{rel}: {', '.join(place) + ': ' if place else ''}{problem.reason}")
    flagged = [(rel, f) for rel, problem, flags in results if problem is None for f in flags]
    if args.flags:
        for rel, flag in flagged:
            print(f"{rel}: note: {flag}")
    print(f"{len(results)} file(s) checked: {len(results) - len(refused)} load, {len(refused)} refused, "
          f"{len(flagged)} data-quality note(s)")
    return Exit.FAILED if refused else Exit.OK
