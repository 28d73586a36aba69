"""`rackstudio plugins list|validate`: what plugins were found and why any failed; check one.

`list` discovers like the app does (built-ins, installed entry points, drop-in folders) and
reads manifests and part folders only. `validate PATH` checks one plugin's manifest, paths and
part files; only `--imports` runs plugin code (it imports every python_name, in the plugin worker
process, so an import that exits or hangs is reported as a failure), and says so.
Exit codes: 0 valid, 1 problems found, 2 PATH holds no readable manifest.
"""
from __future__ import annotations

import contextlib
import json
import sys
import tomllib
from pathlib import Path

from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import LoadError
from rackstudio.library.index import LibraryIndex
from rackstudio.library.rack_design_files import Shelf
from rackstudio.plugins.discovery import ENTRY_POINT_GROUP, PluginSource, read_folder
from rackstudio.plugins.manager import ContributionFailed, Plugin, PluginManager
from rackstudio.plugins.manifest import MANIFEST_FILE, PluginManifest, normalize_name


def add_parser(sub) -> None:
    p = sub.add_parser("plugins", help="list installed plugins, or validate one")
    cmds = p.add_subparsers(dest="plugins_command", metavar="ACTION", required=True)
    ls = cmds.add_parser("list", help="plugins found (built-in, installed, drop-in) and any failures")
    ls.add_argument("--format", choices=("text", "json"), default="text")
    va = cmds.add_parser("validate", help="check a plugin folder, project or manifest (runs no code)")
    va.add_argument("path", help="the plugin folder, its project folder, or its rackstudio-plugin.toml")
    va.add_argument("--imports", action="store_true", help="also import every python_name (runs plugin code)")
    va.add_argument("--dropin", action="store_true", help="validate as a data-only drop-in folder")
    va.add_argument("--check", metavar="DESIGN",
                    help="also run the plugin's rules on a design, as the app does (implies --imports)")
    va.add_argument("--format", choices=("text", "json"), default="text")


def run(args) -> int:
    return _list(args) if args.plugins_command == "list" else _validate(args)


def _describe(plugin: Plugin) -> list[str]:
    m = plugin.manifest
    head = f"{plugin.name} {m.version}" if m else plugin.name
    title = f" - {m.display_name}" if m else ""
    code = "runs code" if plugin.runs_code else "data only"
    lines = [f"{head}{title} [{plugin.status}, {code}]", f"  source: {plugin.source.detail}"]
    for c in plugin.contributions:
        noun = "rack design(s)" if c.kind == "rack-designs" else "part(s)"
        count = f", {c.entries} {noun}" if c.entries is not None else ""
        lines.append(f"  {c.kind} {c.id}: {c.title} ({c.state}{count})")
    lines += [f"  failed at {f.stage.value}{' (' + f.contribution + ')' if f.contribution else ''}: {f.reason}"
              for f in plugin.failures]
    return lines


def _list(args) -> int:
    manager = PluginManager.start()
    manager.catalog()  # counts parts per folder and records refused plugin files; imports no code
    manager.rack_design_shelf()  # the same for rack-design files
    if args.format == "json":
        print(json.dumps({"plugins": [p.to_json() for p in manager.plugins],
                          "failures": [f.to_json() for f in manager.failures]}, indent=2))
        return Exit.OK
    for plugin in manager.plugins:
        print("\n".join(_describe(plugin)))
    print(f"{len(manager.plugins)} plugin(s), {len(manager.active())} active, {len(manager.failures)} failure(s)")
    return Exit.OK


# --- validate ------------------------------------------------------------------------------------
def _find_manifest(path: Path) -> tuple[Path | None, str | None]:
    """The folder holding the manifest: PATH itself, PATH/<pkg>/ or PATH/src/<pkg>/ (a project)."""
    if path.is_file():
        return (path.parent, None) if path.name == MANIFEST_FILE else (None, f"{path}: not a {MANIFEST_FILE}")
    if not path.is_dir():
        return None, f"{path}: no such file or folder"
    found = [p.parent for pattern in (MANIFEST_FILE, f"*/{MANIFEST_FILE}", f"src/*/{MANIFEST_FILE}")
             for p in sorted(path.glob(pattern))]
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"{path}: no {MANIFEST_FILE} here, in a package folder or under src/"
    return None, f"{path}: several manifests ({', '.join(str(f) for f in found)}); name one"


def _project(root: Path) -> tuple[dict | None, Path | None]:
    """The [project] table of the plugin's pyproject.toml: beside its package folder, or two up
    in the src layout (`project/src/<package>/`)."""
    folders = [root.parent] + ([root.parent.parent] if root.parent.name == "src" else [])
    for folder in folders:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                return tomllib.loads(candidate.read_text(encoding="utf-8")).get("project", {}), candidate
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None, candidate
    return None, None


def _project_problems(project: dict | None, pyproject: Path | None, manifest: PluginManifest,
                      root: Path) -> list[str]:
    if pyproject is None:
        return []
    if project is None:
        return [f"{pyproject}: cannot be read"]
    problems = []
    name = project.get("name")
    if name and normalize_name(name) != normalize_name(manifest.name):
        problems.append(f"{pyproject}: project name {name!r} must equal the manifest name {manifest.name!r}")
    points = (project.get("entry-points") or {}).get(ENTRY_POINT_GROUP) or {}
    if not points:
        problems.append(f"{pyproject}: no [project.entry-points.\"{ENTRY_POINT_GROUP}\"] entry")
    elif not any(str(v).split(".")[-1] == root.name and ":" not in str(v) for v in points.values()):
        problems.append(f"{pyproject}: no {ENTRY_POINT_GROUP} entry point names the package {root.name!r}")
    return problems


def _import_root(manifest: PluginManifest, root: Path) -> Path | None:
    """The folder to put on sys.path so the plugin's top-level package imports from PATH."""
    tops = {c.python_name.split(":")[0].split(".")[0] for c in manifest.code_contributions}
    if root.name in tops:
        return root.parent
    if any((root / top).is_dir() or (root / f"{top}.py").is_file() for top in tops):
        return root
    return None  # installed elsewhere, if at all


def _run_rules(manager: PluginManager, design_path: Path) -> list[str]:
    """Run the plugin's rules on a design in the plugin worker, as the app's checks do: one line
    per rule (subjects, findings) and one per finding. Failures are recorded against the plugin."""
    from rackstudio.checks import CheckEngine
    from rackstudio.checks.engine import RULE_FAILED
    from rackstudio.checks.registry import RuleRegistry
    from rackstudio.checks.scope import subjects
    from rackstudio.graph.component_graph import ComponentGraph
    from rackstudio.io import project_file

    design = project_file.load(design_path).design
    registry = RuleRegistry()
    manager.register_rules(registry)
    engine = CheckEngine(design, ComponentGraph(design), registry)
    findings = engine.run_full()
    lines = []
    for rule in registry:
        count = sum(1 for scope in rule.scopes for _ in subjects(engine.ctx, scope))
        mine = [f for f in findings if f.rule == rule.id]
        ok = [f for f in mine if f.aspect != RULE_FAILED]
        lines.append(f"checked {design_path.name}: rule {rule.id} ran on {count} subject(s): {len(ok)} finding(s)"
                     + (", failed" if len(ok) != len(mine) else ""))
        lines += [f"  {f.severity.value}: {f.message}" for f in mine]
    return lines


def _validate(args) -> int:
    root, error = _find_manifest(Path(args.path))
    if root is None:
        print(f"rackstudio plugins validate: {error}", file=sys.stderr)
        return Exit.LOAD
    project, pyproject = _project(root)
    kind = "drop-in" if args.dropin else "entry-point"
    distribution = project.get("name") if project and not args.dropin else None
    found = read_folder(root, PluginSource(kind, root, f"{kind} {root}", distribution))
    manager = PluginManager()
    plugin = manager.add(found)
    problems: list[str] = []  # beyond the plugin's own failure records
    if found.manifest is not None and not args.dropin:
        problems += _project_problems(project, pyproject, found.manifest, root)
    for c in plugin.contributions:
        if c.kind == "parts" and c.failure is None and c.path is not None:
            index = LibraryIndex.build(c.path, cache_dir=None)
            c.entries = sum(1 for f in index.files if f.problem is None)
            problems += [f"parts: {f.problem}" for f in index.files if f.problem is not None]
        elif c.kind == "rack-designs" and c.failure is None and c.path is not None:
            items = Shelf(lambda c=c: [(c.plugin, c.path)]).items()
            c.entries = sum(1 for s in items if s.problem is None)
            problems += [f"rack designs: {s.problem}" for s in items if s.problem is not None]
            problems += [] if items else [f"rack designs: no *.rackstudio file at {c.path}"]
    if args.check:
        args.imports = True
    checked: list[str] = []
    if args.imports and plugin.loaded:
        print("--imports: importing the plugin's code (this runs it)", file=sys.stderr)
        extra = _import_root(found.manifest, root)
        if extra is not None and str(extra) not in sys.path:
            sys.path.insert(0, str(extra))
        try:
            for c in plugin.contributions:
                if c.python_name:
                    with contextlib.suppress(ContributionFailed):  # recorded against the plugin
                        manager.resolve(c)
            if args.check:
                try:
                    checked = _run_rules(manager, Path(args.check))
                except LoadError as exc:
                    problems.append(str(exc))
        finally:
            manager.close()
    count = len(plugin.failures) + len(problems)
    if args.format == "json":
        print(json.dumps({"plugin": plugin.to_json(), "valid": not count, "problems": problems,
                          "checked": checked}, indent=2))
        return Exit.FAILED if count else Exit.OK
    print("\n".join(_describe(plugin)))
    if found.manifest is not None and found.manifest.runs_code and not args.dropin:
        print("  note: it declares code, so it must be installed as a Python package; a drop-in folder "
              "may hold data only")
    for problem in problems:
        print(f"  problem: {problem}")
    for line in checked:
        print(f"  {line}")
    print(f"{root / MANIFEST_FILE}: " + (f"{count} problem(s)" if count else "valid"))
    return Exit.FAILED if count else Exit.OK
