"""Qt-free. The plugin manifest, `rackstudio-plugin.toml`: what a plugin declares, validated
without importing any of its code (the npe2 pattern).

TOML is read with the standard library's `tomllib`; TOML has no object-constructing tags, so a
manifest cannot be an attack. The pydantic model refuses unknown keys, and each field's
description documents the format. Checks that need more than the file (API versions against the
host, paths against the disk, a drop-in declaring code) are separate functions, because each
failure is recorded at its own stage (`manager.Stage`).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath, PureWindowsPath

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rackstudio.checks.rule import Scope, Severity
from rackstudio.plugins.api import RACK_DESIGNS_API

__all__ = ["MANIFEST_FILE", "CodeContribution", "FactoryContribution", "ManifestError", "PartsContribution",
           "PluginManifest", "RackDesignsContribution", "RuleContribution", "escaping_paths", "normalize_name", "read_manifest"]

MANIFEST_FILE = "rackstudio-plugin.toml"
MAX_MANIFEST_BYTES = 256 * 1024  # a manifest is a few hundred bytes

NAME_PATTERN = r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$"  # PEP 508 project names
DISPLAY_NAME_PATTERN = r"^[^\W_][\w -~]{1,88}[^\W_]$"  # npe2: 3-90 characters, no edge punctuation
# npe2 PYTHON_NAME_PATTERN: `package.module:attribute`, so no `<locals>` and nothing to evaluate
PYTHON_NAME_PATTERN = (r"^((?:[a-zA-Z_][a-zA-Z_0-9]*\.)*[a-zA-Z_][a-zA-Z_0-9]*)"
                       r":((?:[a-zA-Z_][a-zA-Z_0-9]*\.)*[a-zA-Z_][a-zA-Z_0-9]*)$")
_LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def normalize_name(name: str) -> str:
    """PEP 503 normal form: `RackStudio_AI.Racks` and `rackstudio-ai-racks` are one name."""
    return re.sub(r"[-_.]+", "-", name).lower()


class ManifestError(Exception):
    """A manifest that cannot be read or is not valid; `str()` names the file and the keys."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PathContribution(_Strict):
    """Data at a path inside the plugin folder."""

    path: str

    @field_validator("path")
    @classmethod
    def _inside(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("path is empty (use '.' for the plugin folder)")
        if "\\" in v or PurePosixPath(v).is_absolute() or PureWindowsPath(v).is_absolute() \
                or PureWindowsPath(v).drive:
            raise ValueError(f"path {v!r} must be relative and use '/' separators")
        if ".." in PurePosixPath(v).parts:
            raise ValueError(f"path {v!r} leaves the plugin folder ('..' is not allowed)")
        return v


class PartsContribution(_PathContribution):
    """A parts library shipped as data."""

    path: str = Field(description="a folder inside the plugin laid out like the NetBox device-type library "
                                  "(device-types/<Manufacturer>/*.yaml, module-types/, rack-types/); "
                                  "'.' is the plugin folder itself. Relative, '/'-separated, no '..'.")


class RackDesignsContribution(_PathContribution):
    """Rack designs shipped as data (plugin API 2): rack-design files, each a design file holding one
    rack design with the rack type and parts it uses (what Save Rack Design to Parts Folder writes)."""

    path: str = Field(description="a rack-design file (*.rackstudio) or a folder of them inside the plugin. "
                                  "Relative, '/'-separated, no '..'.")


class CodeContribution(_Strict):
    """Something the plugin's Python code provides, imported on first use only."""

    id: str = Field(description="'<plugin name>.<local id>', unique across every plugin")
    title: str = Field(min_length=3, max_length=120, description="what the user sees")
    python_name: str = Field(pattern=PYTHON_NAME_PATTERN,
                             description="'package.module:attribute', resolved on first use only")
    description: str | None = Field(default=None, max_length=2000)


class FactoryContribution(CodeContribution):
    """A part factory: `attribute(**options)` returns a NetBox device-type mapping (with a
    `rackstudio:` block) whose figures follow from the options."""


class RuleContribution(CodeContribution):
    """A check rule: `attribute(context, subject_id)` yields `rackstudio.plugins.api.Hit`s."""

    default_severity: Severity = Field(default=Severity.WARNING, description="error, warning or info")
    scope: tuple[Scope, ...] = Field(default=(Scope.RACK,), min_length=1,
                                     description="subjects the rule runs over: " + ", ".join(s.value for s in Scope))
    source: str | None = Field(default=None, description="the standard, reference or site rule it checks")

    @field_validator("scope", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return (v,) if isinstance(v, str) else v


class PluginManifest(_Strict):
    """`rackstudio-plugin.toml`. `runs_code` is derived (any `python_name`), never declared."""

    name: str = Field(pattern=NAME_PATTERN, max_length=100,
                      description="the distribution name for an installed plugin, the folder name for a drop-in")
    display_name: str = Field(pattern=DISPLAY_NAME_PATTERN, description="3-90 characters")
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*([a-zA-Z0-9.+-]*)$", max_length=64)
    vendor: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    api: tuple[str, ...] = Field(min_length=1, description="RackStudio plugin API versions the plugin targets")
    parts: tuple[PartsContribution, ...] = ()
    rack_designs: tuple[RackDesignsContribution, ...] = Field(
        default=(), description=f"rack-design files; needs api {RACK_DESIGNS_API!r} among the declared versions")
    part_factories: tuple[FactoryContribution, ...] = ()
    rules: tuple[RuleContribution, ...] = ()

    @model_validator(mode="after")
    def _rack_designs_need_their_api(self):
        """Rack designs came with plugin API 2: a manifest targeting only older versions cannot
        declare them (a RackStudio of that API would ignore them without a word)."""
        if self.rack_designs and RACK_DESIGNS_API not in self.api:
            raise ValueError(f"rack_designs needs plugin API {RACK_DESIGNS_API}, and api declares only "
                             f"{', '.join(self.api)}: add \"{RACK_DESIGNS_API}\" to api")
        return self

    @model_validator(mode="after")
    def _ids(self):
        seen: set[str] = set()
        prefix = f"{self.name}."
        for item in (*self.part_factories, *self.rules):
            if not item.id.startswith(prefix) or not _LOCAL_ID.match(item.id[len(prefix):]):
                raise ValueError(f"id {item.id!r} must be '{prefix}<local id>' (ids start with the plugin name)")
            if item.id in seen:
                raise ValueError(f"id {item.id!r} is declared twice")
            seen.add(item.id)
        return self

    @property
    def code_contributions(self) -> tuple[CodeContribution, ...]:
        return (*self.part_factories, *self.rules)

    @property
    def runs_code(self) -> bool:
        return bool(self.code_contributions)


def _first_errors(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def read_manifest(path: str | Path) -> PluginManifest:
    """Read and validate one manifest file; raises ManifestError naming the file and the keys."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(path, f"larger than {MAX_MANIFEST_BYTES // 1024} KiB")
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ManifestError(path, f"no {MANIFEST_FILE}") from None
    except OSError as exc:
        raise ManifestError(path, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(path, f"not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(path, f"TOML syntax: {exc}") from None
    try:
        return PluginManifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(path, _first_errors(exc)) from None


def escaping_paths(manifest: PluginManifest, root: Path) -> list[str]:
    """Why each declared path is not inside the plugin folder once symlinks are followed."""
    base = root.resolve()
    problems = []
    for what, items in (("parts", manifest.parts), ("rack_designs", manifest.rack_designs)):
        for item in items:
            target = (root / item.path).resolve()
            if not target.is_relative_to(base):
                problems.append(f"{what} path {item.path!r} leaves the plugin folder (it resolves to {target})")
    return problems
