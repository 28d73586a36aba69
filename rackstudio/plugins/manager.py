"""Qt-free. The plugin host: registers discovered manifests, feeds their part folders to the
catalog, their rules to a rule registry and their factories to callers, and records every
failure as (plugin, source, stage, reason) for the Plugins dialog (Picard's failed-plugin list).

Code is imported on first use only (npe2's `python_name` resolution). Every call into plugin
code runs on a worker thread with a time limit, so a plugin that raises, hangs, exits or returns
garbage fails *that contribution*: it is disabled until the app restarts, the failure is
recorded and the caller gets a `ContributionFailed` (a raising rule becomes one "rule failed"
finding in the check engine). Nothing a plugin does stops the host.
"""
from __future__ import annotations

import importlib
import inspect
import queue
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from pathlib import Path
from typing import Any, Literal, NoReturn

import yaml

from rackstudio import paths
from rackstudio.checks.registry import RuleRegistry
from rackstudio.checks.rule import Hit, Rule, Severity
from rackstudio.errors import RackStudioError
from rackstudio.events import Signal
from rackstudio.library import Catalog, LibrarySource, SourceKind, builtin_source, parse_device_type
from rackstudio.model.parts import PartType
from rackstudio.plugins.api import SUPPORTED_API_VERSIONS, PluginContext
from rackstudio.plugins.discovery import Discovered, PluginSource, discover, source_problems
from rackstudio.plugins.manifest import CodeContribution, PluginManifest, RuleContribution, normalize_name

__all__ = ["MAX_HITS", "Contribution", "ContributionFailed", "Failure", "FactoryRefused", "Plugin",
           "PluginManager", "Stage"]

MAX_HITS = 10_000  # per rule call; more is treated as garbage (a runaway generator)


class Stage(StrEnum):
    """Where a plugin failed."""

    MANIFEST = "manifest"  # unreadable or invalid manifest, or a drop-in declaring code
    INCOMPATIBLE = "incompatible"  # no API version in common with this RackStudio
    IMPORT = "import"  # importing a python_name's module raised or hung
    ACTIVATE = "activate"  # the module has no such attribute, or it is not callable
    CONTRIBUTE = "contribute"  # a part folder or file was refused, a factory raised or returned a bad part
    RULE_RAISED = "rule-raised"
    RULE_TIMEOUT = "rule-timeout"
    RULE_GARBAGE = "rule-garbage"  # "rule returned garbage": not an iterable of Hits


@dataclass(frozen=True)
class Failure:
    plugin: str
    source: str
    stage: Stage
    reason: str
    contribution: str | None = None

    def __str__(self) -> str:
        who = self.contribution or self.plugin
        if not who.startswith(self.plugin):
            who = f"{self.plugin} {who}"
        return f"{who}: {self.stage.value}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "source": self.source, "stage": self.stage.value,
                "contribution": self.contribution, "reason": self.reason}


class ContributionFailed(RackStudioError):
    """A plugin contribution failed now or earlier; it stays disabled until the app restarts."""

    def __init__(self, failure: Failure):
        super().__init__(str(failure))
        self.failure = failure


class FactoryRefused(RackStudioError):
    """A factory refused its options (it raised ValueError, or the options do not fit its
    parameters): the user's input, not a plugin failure, so the factory stays enabled."""


@dataclass(eq=False)
class Contribution:
    """One thing a plugin provides: a parts folder, a part factory or a rule."""

    kind: Literal["parts", "part-factory", "rule"]
    id: str  # the declared id; for a parts folder, the library source name
    title: str
    plugin: str
    python_name: str | None = None
    path: Path | None = None  # parts folder
    declared: CodeContribution | None = None
    failure: Failure | None = None  # set: disabled until restart
    entries: int | None = None  # parts listed from this folder by the last catalog build
    _target: Callable | None = field(default=None, repr=False)

    @property
    def state(self) -> str:
        if self.failure is not None:
            return "failed"
        if self.python_name is None:
            return "data"
        return "loaded" if self._target is not None else "not loaded yet"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "title": self.title, "python_name": self.python_name,
                "path": str(self.path) if self.path else None, "state": self.state, "entries": self.entries,
                "failure": self.failure.to_json() if self.failure else None}


@dataclass(eq=False)
class Plugin:
    """A discovered plugin: its manifest (None when unreadable), source, state and records."""

    name: str
    source: PluginSource
    manifest: PluginManifest | None
    loaded: bool  # registered: valid and compatible
    enabled: bool = True
    contributions: list[Contribution] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def runs_code(self) -> bool:
        return self.manifest is not None and self.manifest.runs_code

    @property
    def status(self) -> str:
        if not self.loaded:
            return "failed" if self.failures else "not loaded"
        if not self.enabled:
            return "disabled"
        return "active with problems" if self.failures else "active"

    def to_json(self) -> dict[str, Any]:
        m = self.manifest
        return {"name": self.name, "display_name": m.display_name if m else None,
                "version": m.version if m else None, "vendor": m.vendor if m else None,
                "api": list(m.api) if m else None, "source_kind": self.source.kind, "source": self.source.detail,
                "root": str(self.source.root) if self.source.root else None, "status": self.status,
                "enabled": self.enabled, "runs_code": self.runs_code,
                "contributions": [c.to_json() for c in self.contributions],
                "failures": [f.to_json() for f in self.failures]}


class _Overrun(Exception):
    pass


class _Job:
    def __init__(self, fn: Callable[[], Any]):
        self.fn, self.done = fn, threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # SystemExit from a plugin too: it must not end the host
            self.error = exc
        finally:
            self.done.set()


class _Worker:
    """A daemon thread that runs plugin calls one at a time. A call that overruns its limit is
    abandoned with its thread (Python cannot stop a thread); daemon threads never block exit."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="rackstudio-plugin-call", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._jobs.get().run()

    def call(self, fn: Callable[[], Any], timeout_s: float) -> Any:
        job = _Job(fn)
        self._jobs.put(job)
        if not job.done.wait(timeout_s):
            raise _Overrun
        if job.error is not None:
            raise job.error
        return job.result


def _describe(exc: BaseException) -> str:
    """`ValueError: bad input (rules.py:12)`: the exception and the innermost plugin frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _collect(result: Any) -> list[Any] | str:
    """A rule's results as a list (run on the worker, where a generator does its work), or why
    they are garbage."""
    if result is None:
        return []
    if isinstance(result, str | bytes | Mapping) or not isinstance(result, Iterable):
        return f"a {type(result).__name__}, not an iterable of Hits"
    items = []
    for item in result:
        items.append(item)
        if len(items) > MAX_HITS:
            return f"more than {MAX_HITS} results for one subject"
    return items


def _checked_hit(item: Any) -> Hit | str:
    """A clean copy of one plugin Hit, or why it is garbage."""
    if not isinstance(item, Hit):
        return f"a {type(item).__name__} instead of a Hit"
    if not isinstance(item.message, str) or not item.message.strip():
        return "a Hit without a message"
    objects = item.objects
    if isinstance(objects, str) or not isinstance(objects, Iterable) or \
            not all(isinstance(o, str) for o in objects):
        return "a Hit whose objects are not a list of ids"
    if not isinstance(item.figures, Mapping) or not all(
            isinstance(k, str) and (v is None or isinstance(v, int | float | str | bool))
            for k, v in item.figures.items()):
        return "a Hit whose figures are not named numbers or text"
    if item.severity is not None and item.severity not in tuple(Severity):
        return f"a Hit with an unknown severity {item.severity!r}"
    if not isinstance(item.aspect, str):
        return "a Hit whose aspect is not text"
    severity = Severity(item.severity) if item.severity is not None else None
    return Hit(item.message[:2000], tuple(objects), dict(item.figures), severity, item.aspect)


class PluginManager:
    """Every plugin found at start-up, what each contributes, and what failed.

    `rule_timeout_s` limits each call into plugin code (a rule on one subject, a factory, an
    import); None runs plugin code inline with no limit (for tools that trust their plugins).
    """

    def __init__(self, api_versions: Iterable[str] = SUPPORTED_API_VERSIONS, rule_timeout_s: float | None = 2.0,
                 disabled: Iterable[str] = ()):
        self.api_versions = frozenset(api_versions)
        self.rule_timeout_s = rule_timeout_s
        self.plugins: list[Plugin] = []
        self.failures: list[Failure] = []
        self.failed: Signal[Failure] = Signal()  # the Plugins dialog and the status bar listen
        self._by_name: dict[str, Plugin] = {}
        self._disabled = {normalize_name(n) for n in disabled}
        self._worker: _Worker | None = None
        self._recorded: set[tuple] = set()

    @classmethod
    def start(cls, dropin_dirs: list[Path] | None = None, entry_points: bool = True, builtin: bool = True,
              **options: Any) -> PluginManager:
        """Discover and register every plugin. Never raises: failures are recorded."""
        manager = cls(**options)
        for found in discover(dropin_dirs, entry_points, builtin):
            manager.add(found)
        return manager

    # --- registration --------------------------------------------------------------------------
    def add(self, found: Discovered) -> Plugin:
        """Register one discovered plugin, or record why it is not loaded."""
        plugin = Plugin(found.name, found.source, found.manifest, loaded=False)
        self.plugins.append(plugin)
        try:
            self._register(plugin, found.error)
        except Exception as exc:  # a host bug on odd input must still not stop start-up
            self._fail(plugin, None, Stage.MANIFEST, f"could not be registered: {_describe(exc)}")
        return plugin

    def register(self, manifest: PluginManifest, root: Path, kind: str = "entry-point") -> Plugin:
        """Register a manifest without discovery (tests, `plugins validate`), under the same rules
        as a discovered one of that `kind` ("entry-point" or "drop-in")."""
        source = PluginSource(kind, Path(root), f"{kind} {root}", manifest.name if kind == "entry-point" else None)
        problems = source_problems(manifest, source)
        return self.add(Discovered(source, manifest, "; ".join(problems) if problems else None))

    def _register(self, plugin: Plugin, error: str | None) -> None:
        m = plugin.manifest
        if m is not None:
            plugin.contributions = self._contributions(plugin, m)
        if error is not None or m is None:
            self._fail(plugin, None, Stage.MANIFEST, error or "no manifest")
            return
        common = set(m.api) & self.api_versions
        if not common:
            self._fail(plugin, None, Stage.INCOMPATIBLE,
                       f"targets plugin API {', '.join(sorted(m.api))}; this RackStudio supports "
                       f"{', '.join(sorted(self.api_versions))}")
            return
        key = normalize_name(m.name)
        if key in self._by_name:
            other = self._by_name[key]
            self._fail(plugin, None, Stage.MANIFEST, f"a plugin named {m.name!r} is already loaded from {other.source}")
            return
        self._by_name[key] = plugin
        plugin.loaded = True
        plugin.enabled = key not in self._disabled or plugin.source.kind == "builtin"
        for c in plugin.contributions:
            if c.kind == "parts" and not (c.path and c.path.is_dir()):
                self._fail(plugin, c, Stage.CONTRIBUTE, f"parts folder {c.path} does not exist")

    def _contributions(self, plugin: Plugin, m: PluginManifest) -> list[Contribution]:
        out = []
        root = plugin.source.root
        for i, item in enumerate(m.parts):
            name = m.name if i == 0 else f"{m.name}/{item.path}"
            out.append(Contribution("parts", name, f"parts library {item.path}", m.name,
                                    path=(root / item.path) if root else None))
        for f in m.part_factories:
            out.append(Contribution("part-factory", f.id, f.title, m.name, f.python_name, declared=f))
        for r in m.rules:
            out.append(Contribution("rule", r.id, r.title, m.name, r.python_name, declared=r))
        return out

    def _fail(self, plugin: Plugin, c: Contribution | None, stage: Stage, reason: str,
              disable: bool = True) -> Failure:
        failure = Failure(plugin.name, plugin.source.detail, stage, reason, c.id if c else None)
        if c is not None and disable and c.failure is None:
            c.failure = failure
        key = (id(plugin), failure.contribution, stage, reason)
        if key not in self._recorded:  # a catalog rebuild reports the same file again
            self._recorded.add(key)
            plugin.failures.append(failure)
            self.failures.append(failure)
            self.failed.emit(failure)  # listeners see the contribution already disabled
        return failure

    # --- queries -------------------------------------------------------------------------------
    def plugin(self, name: str) -> Plugin | None:
        return self._by_name.get(normalize_name(name))

    def active(self) -> list[Plugin]:
        return [p for p in self.plugins if p.loaded and p.enabled]

    def contribution(self, contribution_id: str) -> Contribution | None:
        for plugin in self.plugins:
            for c in plugin.contributions:
                if c.id == contribution_id:
                    return c
        return None

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Enable or disable a plugin (the built-in parts cannot be disabled). Takes effect at the
        next `catalog()` / `register_rules()`; the app rebuilds both or asks for a restart."""
        plugin = self.plugin(name)
        if plugin is None:
            raise KeyError(name)
        if plugin.source.kind == "builtin" and not enabled:
            raise ValueError("the built-in parts cannot be disabled")
        plugin.enabled = enabled
        (self._disabled.discard if enabled else self._disabled.add)(normalize_name(name))

    @property
    def disabled(self) -> list[str]:
        return sorted(p.name for p in self.plugins if p.loaded and not p.enabled)

    # --- parts ---------------------------------------------------------------------------------
    def library_sources(self) -> list[LibrarySource]:
        """Part folders of the active plugins, built-ins first, each named after its plugin."""
        out = []
        for plugin in self.active():
            kind = SourceKind.BUILTIN if plugin.source.kind == "builtin" else SourceKind.PLUGIN
            out += [LibrarySource(c.id, c.path, kind) for c in plugin.contributions
                    if c.kind == "parts" and c.failure is None and c.path is not None]
        return out

    def catalog(self, user_folders: Iterable[Path] = (), cache: bool = True) -> Catalog:
        """The merged catalog: built-in and plugin parts from their manifests, then the user's parts
        folder and `user_folders` (precedence user > plugin > built-in). Files a plugin ships that
        are refused are recorded against it (stage contribute) with file and key."""
        sources = self.library_sources()
        if not any(s.kind == SourceKind.BUILTIN for s in sources):
            sources.insert(0, builtin_source())  # the built-in manifest failed: still offer the parts
        if paths.user_parts().is_dir():
            sources.append(LibrarySource("user", paths.user_parts(), SourceKind.USER))
        sources += [LibrarySource(str(f), Path(f), SourceKind.USER) for f in user_folders]
        catalog = Catalog(sources, cache_dir=paths.user_cache() if cache else None)
        owners = {c.id: (p, c) for p in self.active() for c in p.contributions if c.kind == "parts"}
        counts: dict[str, int] = {}
        for entry in (*catalog.entries, *catalog.shadowed()):
            counts[entry.source] = counts.get(entry.source, 0) + 1
        for name, (_, c) in owners.items():
            c.entries = counts.get(name, 0)
        for problem in catalog.problems:
            if problem.source in owners:
                plugin, c = owners[problem.source]
                self._fail(plugin, c, Stage.CONTRIBUTE, str(problem.problem), disable=False)
        return catalog

    # --- code ----------------------------------------------------------------------------------
    def _call(self, fn: Callable[[], Any]) -> Any:
        if self.rule_timeout_s is None:
            return fn()
        if self._worker is None:
            self._worker = _Worker()
        try:
            return self._worker.call(fn, self.rule_timeout_s)
        except _Overrun:
            self._worker = None  # its thread is stuck in plugin code: later calls get a fresh one
            raise

    def _plugin_of(self, c: Contribution) -> Plugin:
        return self._by_name[normalize_name(c.plugin)]

    def _raise(self, c: Contribution) -> None:
        if c.failure is not None:
            raise ContributionFailed(c.failure)

    def _fail_raise(self, c: Contribution, stage: Stage, reason: str) -> NoReturn:
        self._fail(self._plugin_of(c), c, stage, reason)
        raise ContributionFailed(c.failure or Failure(c.plugin, "", stage, reason, c.id))

    def resolve(self, c: Contribution) -> Callable:
        """The callable behind a code contribution, importing its module on first use."""
        self._raise(c)
        if c._target is not None:
            return c._target
        module_name, _, attr = (c.python_name or "").partition(":")
        try:
            module = self._call(lambda: importlib.import_module(module_name))
        except _Overrun:
            # the stuck thread holds the module's import lock: every import of it would hang too
            reason = f"importing {module_name} did not finish within {self.rule_timeout_s:g} s"
            plugin = self._plugin_of(c)
            for other in plugin.contributions:
                if other is not c and other.python_name and other.python_name.partition(":")[0] == module_name:
                    self._fail(plugin, other, Stage.IMPORT, reason)
            self._fail_raise(c, Stage.IMPORT, reason)
        except BaseException as exc:
            self._fail_raise(c, Stage.IMPORT, f"importing {module_name}: {_describe(exc)}")
        try:
            target = reduce(getattr, attr.split("."), module)
        except AttributeError:
            self._fail_raise(c, Stage.ACTIVATE, f"{module_name} has no attribute {attr!r}")
        if not callable(target):
            self._fail_raise(c, Stage.ACTIVATE, f"{c.python_name} is a {type(target).__name__}, not callable")
        c._target = target
        return target

    # --- rules ---------------------------------------------------------------------------------
    def rule_contributions(self) -> list[Contribution]:
        return [c for p in self.active() for c in p.contributions if c.kind == "rule"]

    def register_rules(self, registry: RuleRegistry) -> list[str]:
        """Add every active plugin rule to `registry` (code is imported when a rule first runs).
        Returns the ids registered now; an id another rule holds is recorded, not raised."""
        done = []
        for c in self.rule_contributions():
            held = registry.get(c.id)
            if c.failure is not None or (held is not None and getattr(held.fn, "contribution", None) is c):
                continue
            if held is not None:
                self._fail(self._plugin_of(c), c, Stage.CONTRIBUTE, f"a rule with id {c.id!r} is already registered")
                continue
            declared: RuleContribution = c.declared  # type: ignore[assignment]
            source = declared.source or declared.description or c.title
            registry.register(Rule(c.id, c.title, declared.default_severity, declared.scope,
                                   self._rule_function(c), f"{source} (plugin {c.plugin})"))
            done.append(c.id)
        return done

    def _rule_function(self, c: Contribution) -> Callable:
        def run(ctx, subject: str) -> list[Hit]:
            return self.run_rule(c, ctx, subject)
        run.contribution = c  # type: ignore[attr-defined]
        return run

    def run_rule(self, c: Contribution, ctx: Any, subject: str) -> list[Hit]:
        """Run one plugin rule on one subject under the time limit: checked Hits, or
        ContributionFailed (recorded, rule disabled) when it raises, hangs or returns garbage."""
        fn = self.resolve(c)
        api = PluginContext(ctx)
        try:
            collected = self._call(lambda: _collect(fn(api, subject)))
        except _Overrun:
            self._fail_raise(c, Stage.RULE_TIMEOUT, f"no result within {self.rule_timeout_s:g} s on {subject}")
        except BaseException as exc:
            self._fail_raise(c, Stage.RULE_RAISED, f"{_describe(exc)} on {subject}")
        finally:
            api.revoke()
        hits = [collected] if isinstance(collected, str) else [_checked_hit(item) for item in collected]
        bad = next((h for h in hits if isinstance(h, str)), None)
        if bad is not None:
            self._fail_raise(c, Stage.RULE_GARBAGE, f"rule returned garbage on {subject}: {bad}")
        return hits

    # --- part factories ------------------------------------------------------------------------
    def factories(self) -> list[Contribution]:
        return [c for p in self.active() for c in p.contributions if c.kind == "part-factory"]

    def factory_parameters(self, factory_id: str) -> dict[str, Any]:
        """A factory's options and their defaults (`inspect.Parameter.empty` when required).
        Imports the factory's module (first use)."""
        fn = self.resolve(self._factory(factory_id))
        return {name: p.default for name, p in inspect.signature(fn).parameters.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}

    def _factory(self, factory_id: str) -> Contribution:
        c = self.contribution(factory_id)
        if c is None or c.kind != "part-factory" or c not in self.factories():
            raise KeyError(f"no active part factory {factory_id!r}")
        return c

    def make_part(self, factory_id: str, **options: Any) -> PartType:
        """Run a factory; its NetBox mapping is validated like a library file. Raises
        FactoryRefused for options it refuses, ContributionFailed when it fails."""
        c = self._factory(factory_id)
        fn = self.resolve(c)
        try:
            inspect.signature(fn).bind(**options)
        except TypeError as exc:
            raise FactoryRefused(f"{c.title}: {exc}") from None
        try:
            out = self._call(lambda: fn(**options))
        except _Overrun:
            self._fail_raise(c, Stage.CONTRIBUTE, f"factory did not return within {self.rule_timeout_s:g} s")
        except ValueError as exc:
            raise FactoryRefused(f"{c.title}: {exc}") from None
        except BaseException as exc:
            self._fail_raise(c, Stage.CONTRIBUTE, f"factory raised {_describe(exc)}")
        return self._part_from(c, out, options)

    def _part_from(self, c: Contribution, out: Any, options: dict) -> PartType:
        if isinstance(out, PartType):
            out = out.model_dump(mode="json", by_alias=True, exclude={"origin"}, exclude_none=True)
        if not isinstance(out, Mapping):
            self._fail_raise(c, Stage.CONTRIBUTE, f"factory returned a {type(out).__name__}, "
                                                  "not a NetBox device-type mapping")
        try:
            text = yaml.safe_dump(dict(out), sort_keys=False, allow_unicode=True)
        except yaml.YAMLError as exc:
            self._fail_raise(c, Stage.CONTRIBUTE, f"factory returned values that are not plain data: {exc}")
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        result = parse_device_type(text, f"{c.id}({shown})", origin=c.plugin)
        if result.part is None:
            self._fail_raise(c, Stage.CONTRIBUTE, f"factory returned an invalid part: {result.error}")
        return result.part
