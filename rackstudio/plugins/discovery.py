"""Qt-free. Finding plugins without running any of their code: the built-in parts, installed
distributions' entry points (group `rackstudio.plugins`), and drop-in folders.

An entry point names a package (`rackstudio-ai-racks = "rackstudio_ai_racks"`); its manifest is
found beside the package's files through `importlib.util.find_spec` on the top-level name,
which locates a package without executing its `__init__` (npe2). Drop-in folders hold the same
manifest at their root and are data only. Every function here returns `Discovered` records and
never raises: one bad plugin must not hide the others (STYLE 8.8, pluggy's failure).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from rackstudio import paths
from rackstudio.plugins.manifest import (
    MANIFEST_FILE,
    ManifestError,
    PluginManifest,
    escaping_paths,
    normalize_name,
    read_manifest,
)

__all__ = ["ENTRY_POINT_GROUP", "Discovered", "PluginSource", "builtin_plugin", "discover", "dropin_folder",
           "dropin_plugins", "entry_point_plugins", "read_folder", "source_problems"]

ENTRY_POINT_GROUP = "rackstudio.plugins"
SourceType = Literal["builtin", "entry-point", "drop-in"]


@dataclass(frozen=True)
class PluginSource:
    """Where a plugin was found. `root` is the folder holding its manifest (None if not located)."""

    kind: SourceType
    root: Path | None
    detail: str  # what the Plugins dialog shows: the folder, or the entry point and distribution
    distribution: str | None = None

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class Discovered:
    """One plugin as discovery saw it: a valid manifest, or the manifest-stage error."""

    source: PluginSource
    manifest: PluginManifest | None
    error: str | None = None

    @property
    def name(self) -> str:
        """The manifest's name, else the best guess (distribution or folder name)."""
        if self.manifest is not None:
            return self.manifest.name
        if self.source.distribution:
            return self.source.distribution
        return self.source.root.name if self.source.root else self.source.detail


def dropin_folder() -> Path:
    """The user's drop-in plugin folder: one sub-folder per data-only plugin."""
    return paths.user_data() / "plugins"


def source_problems(manifest: PluginManifest, source: PluginSource) -> list[str]:
    """Manifest-stage rules that depend on where the manifest was found."""
    problems = []
    if source.kind == "entry-point" and source.distribution \
            and normalize_name(manifest.name) != normalize_name(source.distribution):
        problems.append(f"name {manifest.name!r} must equal the distribution name {source.distribution!r}")
    if source.kind == "drop-in":
        if source.root is not None and normalize_name(manifest.name) != normalize_name(source.root.name):
            problems.append(f"name {manifest.name!r} must equal the drop-in folder name {source.root.name!r}")
        code = [c.python_name for c in manifest.code_contributions]
        if code:
            problems.append("a drop-in folder is data only and may not declare python_name "
                            f"({', '.join(code)}); install a plugin with code as a Python package")
    if source.root is not None:
        problems += escaping_paths(manifest, source.root)
    return problems


def read_folder(root: Path, source: PluginSource) -> Discovered:
    """The plugin whose manifest is `root/rackstudio-plugin.toml`, checked for `source`'s rules."""
    try:
        manifest = read_manifest(root / MANIFEST_FILE)
    except ManifestError as exc:
        return Discovered(source, None, str(exc))
    except Exception as exc:  # discovery never raises, whatever the file holds
        return Discovered(source, None, f"{root / MANIFEST_FILE}: {type(exc).__name__}: {exc}")
    problems = source_problems(manifest, source)
    if problems:
        return Discovered(source, manifest, f"{root / MANIFEST_FILE}: " + "; ".join(problems))
    return Discovered(source, manifest)


def builtin_plugin() -> Discovered:
    """RackStudio's own parts, registered through the same path as any plugin."""
    try:
        root = paths.builtin_parts()
    except Exception as exc:
        return Discovered(PluginSource("builtin", None, "built-in resources"), None, str(exc))
    return read_folder(root, PluginSource("builtin", root, f"built-in ({root})"))


def _package_folder(module: str) -> Path:
    """The folder of package `module` holding a manifest, found without importing the package."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)  # a top-level lookup executes no package code
    if spec is None:
        raise LookupError(f"package {top!r} cannot be found on the Python path")
    locations = list(spec.submodule_search_locations or ())
    if not locations:
        raise LookupError(f"{top!r} is a module, not a package (the manifest sits in a package folder)")
    for location in locations:
        folder = Path(location).joinpath(*rest)
        if (folder / MANIFEST_FILE).is_file():
            return folder
    raise LookupError(f"no {MANIFEST_FILE} in " + ", ".join(str(Path(loc).joinpath(*rest)) for loc in locations))


def _entry_point(ep: metadata.EntryPoint) -> Discovered:
    dist = getattr(ep, "dist", None)
    dist_name = dist.name if dist is not None else None
    version = f" {dist.version}" if dist is not None else ""
    detail = f"entry point {ep.name} = {ep.value} ({dist_name or ep.name}{version})"
    if ":" in ep.value:
        return Discovered(PluginSource("entry-point", None, detail, dist_name), None,
                          f"{detail}: the entry point must name a package, not an attribute")
    try:
        root = _package_folder(ep.value.strip())
    except Exception as exc:  # find_spec may raise for a broken parent package or bad name
        return Discovered(PluginSource("entry-point", None, detail, dist_name), None, f"{detail}: {exc}")
    return read_folder(root, PluginSource("entry-point", root, f"{detail} at {root}", dist_name))


def entry_point_plugins(group: str = ENTRY_POINT_GROUP) -> list[Discovered]:
    """Every installed distribution's plugin entry point, in name order."""
    try:
        found = sorted(metadata.entry_points(group=group), key=lambda ep: ep.name)
    except Exception as exc:  # a damaged metadata folder on sys.path
        return [Discovered(PluginSource("entry-point", None, f"entry points {group}"), None,
                           f"cannot list installed plugins: {exc}")]
    return [_entry_point(ep) for ep in found]


def dropin_plugins(folders: list[Path]) -> list[Discovered]:
    """Sub-folders of `folders` that hold a manifest; a folder that is itself a plugin counts too."""
    found = []
    for folder in folders:
        folder = Path(folder)
        try:
            candidates = [folder] if (folder / MANIFEST_FILE).is_file() else sorted(
                p for p in folder.iterdir() if p.is_dir() and (p / MANIFEST_FILE).is_file())
        except OSError:
            continue  # no drop-in folder (the usual case) or an unreadable one
        for root in candidates:
            found.append(read_folder(root, PluginSource("drop-in", root, f"drop-in folder {root}")))
    return found


def discover(dropin_dirs: list[Path] | None = None, entry_points: bool = True,
             builtin: bool = True) -> list[Discovered]:
    """Built-ins, then installed plugins, then drop-ins (default: the user's drop-in folder)."""
    found: list[Discovered] = [builtin_plugin()] if builtin else []
    if entry_points:
        found += entry_point_plugins()
    found += dropin_plugins([dropin_folder()] if dropin_dirs is None else list(dropin_dirs))
    return found
