"""Qt-free. The plugin host: registers discovered manifests, feeds their part folders to the
catalog, their rules to a rule registry and their factories to callers, and records every
failure as (plugin, source, stage, reason) for the Plugins dialog (Picard's failed-plugin list).

Code is imported on first use only (npe2's `python_name` resolution). Every call into plugin
code runs in the plugin worker process (`process`, `worker`) under a time and a memory limit,
so a plugin that raises, hangs (even holding the GIL), exits, exhausts memory or returns garbage
fails *that contribution*: it is disabled until the app restarts, the failure is recorded, the
worker is restarted if it had to be killed, and the caller gets a `ContributionFailed` (a
failing rule becomes one "rule failed" finding in the check engine). A rule runs once per check
pass over all its subjects (`run_rule`), on plain data (`snapshot`); its hits come back as data
and are validated here. Nothing a plugin does stops or changes the host.
"""
from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, NoReturn

import yaml

from rackstudio import paths
from rackstudio.checks.registry import RuleRegistry
from rackstudio.checks.rule import Hit, Rule, Severity
from rackstudio.errors import RackStudioError
from rackstudio.events import Signal
from rackstudio.library import Catalog, LibrarySource, SourceKind, builtin_source, parse_device_type
from rackstudio.library.rack_design_files import Shelf, shelf_sources
from rackstudio.model.parts import PartType
from rackstudio.plugins import snapshot
from rackstudio.plugins.api import RACK_DESIGNS_API, SUPPORTED_API_VERSIONS
from rackstudio.plugins.discovery import Discovered, PluginSource, discover, source_problems
from rackstudio.plugins.manifest import CodeContribution, PluginManifest, RuleContribution, normalize_name
from rackstudio.plugins.process import DEFAULT_MEMORY_MIB, PluginProcess, WorkerGone, WorkerOverrun
from rackstudio.plugins.worker import describe as _describe

__all__ = ["MAX_HITS", "MAX_OBJECTS", "Contribution", "ContributionFailed", "Failure", "FactoryRefused", "Plugin",
           "PluginManager", "Stage"]

MAX_HITS = 1_000  # findings per plugin rule per check pass; the rest are dropped and a finding says so
MAX_OBJECTS = 1_000  # ids (or figures) in one hit
NO_LIMIT_S = 24 * 3600.0  # rule_timeout_s=None: a day, so a hung worker is still found out
SUBJECT_ALLOWANCE_S = 0.005  # added to the call limit per subject of a batched rule call


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
    RULE_CRASHED = "rule-crashed"  # the worker ended during the rule: it exited, was killed, ran out of memory
    RULE_CAPPED = "rule-capped"  # more findings than MAX_HITS in one check: the rest were dropped


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

    kind: Literal["parts", "rack-designs", "part-factory", "rule"]
    id: str  # the declared id; for a parts folder, the library source name
    title: str
    plugin: str
    python_name: str | None = None
    path: Path | None = None  # parts folder; rack-design file or folder
    declared: CodeContribution | None = None
    failure: Failure | None = None  # set: disabled until restart
    entries: int | None = None  # parts listed from this folder by the last catalog build
    loaded: bool = False  # imported by a plugin worker
    wants: set[str] = field(default_factory=set, repr=False)  # views the rule asked for on demand

    @property
    def state(self) -> str:
        if self.failure is not None:
            return "failed"
        if self.python_name is None:
            return "data"
        return "loaded" if self.loaded else "not loaded yet"

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


def _text(value: Any, limit: int = 2000) -> str:
    """Text from the worker, bounded (a reason, a message)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _checked_hit(item: Any) -> Hit | str:
    """A Hit built from the worker's plain data, or why it is garbage."""
    if not isinstance(item, dict):
        return "a malformed hit"
    if "not_a_hit" in item:
        return f"a {_text(item['not_a_hit'], 80)} instead of a Hit"
    message = item.get("message")
    if not isinstance(message, str) or not message.strip():
        return "a Hit without a message"
    objects = item.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, str) for o in objects):
        return "a Hit whose objects are not a list of ids"
    if len(objects) > MAX_OBJECTS:
        return f"a Hit about more than {MAX_OBJECTS} objects"
    figures = item.get("figures")
    if not isinstance(figures, dict) or len(figures) > MAX_OBJECTS or not all(
            v is None or isinstance(v, int | float | str | bool) for v in figures.values()):
        return "a Hit whose figures are not named numbers or text"
    severity = item.get("severity")
    if severity is not None and severity not in tuple(Severity):
        return f"a Hit with an unknown severity {_text(repr(severity), 80)}"
    aspect = item.get("aspect", "")
    if not isinstance(aspect, str):
        return "a Hit whose aspect is not text"
    return Hit(_text(message), tuple(objects), figures, Severity(severity) if severity is not None else None,
               _text(aspect, 200))


class PluginManager:
    """Every plugin found at start-up, what each contributes, and what failed.

    `rule_timeout_s` limits each call into plugin code (an import, a factory, a rule's batch,
    which gets `subject_allowance_s` more per subject); None leaves a day. `memory_mib` limits
    the worker process; `max_hits` the findings one rule makes in one check.
    """

    def __init__(self, api_versions: Iterable[str] = SUPPORTED_API_VERSIONS, rule_timeout_s: float | None = 2.0,
                 disabled: Iterable[str] = (), memory_mib: int | None = DEFAULT_MEMORY_MIB,
                 max_hits: int = MAX_HITS, subject_allowance_s: float = SUBJECT_ALLOWANCE_S):
        self.api_versions = frozenset(api_versions)
        self.rule_timeout_s = rule_timeout_s
        self.memory_mib = memory_mib
        self.max_hits = max_hits
        self.subject_allowance_s = subject_allowance_s
        self.plugins: list[Plugin] = []
        self.failures: list[Failure] = []
        self.failed: Signal[Failure] = Signal()  # the Plugins dialog and the status bar listen
        self._by_name: dict[str, Plugin] = {}
        self._disabled = {normalize_name(n) for n in disabled}
        self._worker: PluginProcess | None = None
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
            elif c.kind == "rack-designs" and RACK_DESIGNS_API not in self.api_versions:
                self._fail(plugin, c, Stage.INCOMPATIBLE, f"rack designs need plugin API {RACK_DESIGNS_API}; this "
                                                          f"RackStudio supports {', '.join(sorted(self.api_versions))}")
            elif c.kind == "rack-designs" and not (c.path and c.path.exists()):
                self._fail(plugin, c, Stage.CONTRIBUTE, f"rack-design path {c.path} does not exist")

    def _contributions(self, plugin: Plugin, m: PluginManifest) -> list[Contribution]:
        out = []
        root = plugin.source.root
        for i, item in enumerate(m.parts):
            name = m.name if i == 0 else f"{m.name}/{item.path}"
            out.append(Contribution("parts", name, f"parts library {item.path}", m.name,
                                    path=(root / item.path) if root else None))
        for item in m.rack_designs:
            out.append(Contribution("rack-designs", f"{m.name}/{item.path}", f"rack designs {item.path}", m.name,
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

    # --- rack designs -------------------------------------------------------------------------
    def rack_design_sources(self) -> list[tuple[str, Path]]:
        """(plugin name, rack-design file or folder) of the active plugins, for a
        `library.rack_design_files.Shelf`; nothing of a plugin is imported."""
        return [(c.plugin, c.path) for plugin in self.active() for c in plugin.contributions
                if c.kind == "rack-designs" and c.failure is None and c.path is not None]

    def rack_design_shelf(self) -> Shelf:
        """The rack-design files on offer: the user's parts folder, then the plugins'. Files a plugin
        ships that cannot be used are recorded against it (stage contribute) with file and place."""
        shelf = Shelf(shelf_sources(self.rack_design_sources()))
        owners = {c.path: (p, c) for p in self.active() for c in p.contributions if c.kind == "rack-designs"}
        for _, c in owners.values():
            c.entries = 0
        for item in shelf.items():
            owner = owners.get(item.path) or owners.get(item.path.parent)
            if owner is not None:
                owner[1].entries += item.problem is None
                if item.problem is not None:
                    self._fail(owner[0], owner[1], Stage.CONTRIBUTE, item.problem, disable=False)
        return shelf

    # --- code ----------------------------------------------------------------------------------
    def limit_s(self, subjects: int = 0) -> float:
        """The wall-clock limit of one call into plugin code over `subjects` subjects."""
        base = self.rule_timeout_s if self.rule_timeout_s is not None else NO_LIMIT_S
        return base + subjects * self.subject_allowance_s

    @property
    def worker(self) -> PluginProcess:
        """The plugin worker process (started on the first call into plugin code)."""
        if self._worker is None:
            self._worker = PluginProcess(self.memory_mib)
        return self._worker

    def close(self) -> None:
        """End the plugin worker (the app is quitting); a later call starts a new one."""
        if self._worker is not None:
            self._worker.close()

    def worker_status(self) -> str:
        """One line for the Plugins dialog: the worker, its restarts and its limits."""
        w = self._worker
        state = (f"running (process {w.pid})" if w is not None and w.running else "not running")
        restarts = f", restarted {w.starts - 1} time(s)" if w is not None and w.starts > 1 else ""
        memory = f"{self.memory_mib} MiB" if self.memory_mib else "no memory limit"
        return (f"Plugin code runs in a separate process: {state}{restarts}; limits {self.limit_s():g} s per call "
                f"(+{1000 * self.subject_allowance_s:g} ms per subject), {memory}, "
                f"{self.max_hits:,} findings per rule per check")

    def _plugin_of(self, c: Contribution) -> Plugin:
        return self._by_name[normalize_name(c.plugin)]

    def _raise(self, c: Contribution) -> None:
        if c.failure is not None:
            raise ContributionFailed(c.failure)

    def _fail_raise(self, c: Contribution, stage: Stage, reason: str) -> NoReturn:
        self._fail(self._plugin_of(c), c, stage, reason)
        raise ContributionFailed(c.failure or Failure(c.plugin, "", stage, reason, c.id))

    def _request(self, c: Contribution, op: str, what: str, limit_s: float, ended: Stage,
                 answer: Callable[[dict], dict] | None = None, **fields: Any) -> dict[str, Any]:
        """One request about `c` to the worker. An overrun, the worker ending (exit, signal, out of
        memory) or an error reply is recorded against `c` and raised as ContributionFailed:
        overruns at `ended`'s timeout stage, the rest at `ended`."""
        try:
            reply = self.worker.call({"op": op, "python_name": c.python_name, **fields}, limit_s, answer)
        except WorkerOverrun:
            if ended == Stage.RULE_CRASHED:
                self._fail_raise(c, Stage.RULE_TIMEOUT, f"no result within {limit_s:g} s {what}")
            self._fail_raise(c, ended, f"{what} did not finish within {limit_s:g} s")
        except WorkerGone as exc:
            self._fail_raise(c, ended, f"the plugin process ended ({what}): {exc}")
        error = reply.get("error")
        if error is None:
            return reply
        self.worker.kill()  # code that failed may have left the worker's modules changed: start afresh
        reason = _text(reply.get("reason"))
        if error == "memory":
            self._fail_raise(c, ended, f"{what}: {reason}, {self.memory_mib} MiB")
        stage = {"import": Stage.IMPORT, "activate": Stage.ACTIVATE}.get(error, ended)
        self._fail_raise(c, stage, reason)

    def resolve(self, c: Contribution) -> None:
        """Import the module behind a code contribution in the worker (first use only); the
        import runs there under the call limit, so an import that hangs or exits fails only it."""
        self._raise(c)
        if c.loaded:
            return
        module_name = (c.python_name or "").partition(":")[0]
        try:
            self._request(c, "import", f"importing {module_name}", self.limit_s(), Stage.IMPORT)
        except ContributionFailed as failed:
            if failed.failure.reason.startswith(("the plugin process ended", f"importing {module_name} did not")):
                plugin = self._plugin_of(c)  # the same import would hang or end the worker again
                for other in plugin.contributions:
                    if other is not c and other.python_name and other.python_name.partition(":")[0] == module_name:
                        self._fail(plugin, other, Stage.IMPORT, failed.failure.reason)
            raise
        c.loaded = True

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
        """The registered rule: `fn(ctx, subject)`, and `fn.batch(ctx, subjects)`, which the check
        engine calls once per check pass (one request to the worker for all subjects)."""
        def run(ctx, subject: str) -> list[Hit]:
            hits, failed = self.run_rule(c, ctx, [subject])
            if subject in failed:
                raise ContributionFailed(c.failure or Failure(c.plugin, "", Stage.RULE_CAPPED, failed[subject], c.id))
            return hits.get(subject, [])
        run.batch = lambda ctx, subjects: self.run_rule(c, ctx, subjects)  # type: ignore[attr-defined]
        run.contribution = c  # type: ignore[attr-defined]
        return run

    def run_rule(self, c: Contribution, ctx: Any, subjects: Iterable[str]) -> tuple[dict[str, list[Hit]], dict[str, str]]:
        """Run a plugin rule over `subjects` in one call to the worker: (checked hits by subject,
        failure by subject). Never raises. A rule that raises, hangs, ends the worker or returns
        garbage is recorded and disabled (its subject and the later ones fail; earlier subjects
        keep their hits); more than `max_hits` hits are cut there and recorded, not disabled."""
        subjects = list(dict.fromkeys(subjects))
        if not subjects:
            return {}, {}
        where = ", ".join(subjects[:3]) + (f" and {len(subjects) - 3} more" if len(subjects) > 3 else "")

        def answer(message: dict) -> dict:
            if message.get("need") in snapshot.KINDS:
                c.wants.add(message["need"])  # sent up front next time
            return snapshot.answer(ctx, message.get("need"), message.get("id"))

        try:
            self.resolve(c)
            reply = self._request(c, "rule", f"on {where}", self.limit_s(len(subjects)), Stage.RULE_CRASHED,
                                  answer, subjects=subjects, data=snapshot.views(ctx, subjects, c.wants),
                                  cap=self.max_hits)
        except ContributionFailed as failed:
            return {}, dict.fromkeys(subjects, str(failed.failure))
        return self._hits(c, subjects, reply)

    def _hits(self, c: Contribution, subjects: list[str], reply: dict) -> tuple[dict[str, list[Hit]], dict[str, str]]:
        order = {s: i for i, s in enumerate(subjects)}
        hits: dict[str, list[Hit]] = {}
        raw = reply.get("hits")
        stop: tuple[str, Stage, str] | None = None
        if not isinstance(raw, list) or len(raw) > self.max_hits:
            stop = (subjects[0], Stage.RULE_GARBAGE, "rule returned garbage: a malformed reply")
            raw = []
        for entry in raw:
            subject = entry[0] if isinstance(entry, list) and len(entry) == 2 else None
            if subject not in order:
                stop = (subjects[0], Stage.RULE_GARBAGE, "rule returned garbage: a hit for an unknown subject")
                break
            hit = _checked_hit(entry[1])
            if isinstance(hit, str):
                stop = (subject, Stage.RULE_GARBAGE, f"rule returned garbage on {subject}: {hit}")
                break
            hits.setdefault(subject, []).append(hit)
        for key, stage in (("raised", Stage.RULE_RAISED), ("garbage", Stage.RULE_GARBAGE), ("capped", Stage.RULE_CAPPED)):
            subject = reply.get(key)
            if stop is None and subject is not None:
                if subject not in order:
                    stop = (subjects[0], Stage.RULE_GARBAGE, "rule returned garbage: a malformed reply")
                elif stage == Stage.RULE_RAISED:
                    stop = (subject, stage, f"{_text(reply.get('reason'))} on {subject}")
                elif stage == Stage.RULE_GARBAGE:
                    stop = (subject, stage, f"rule returned garbage on {subject}: {_text(reply.get('reason'))}")
                else:
                    stop = (subject, stage, f"more than {self.max_hits:,} findings in one check (the cap per rule "
                                            f"per check); the rest, from {subject} on, were dropped")
        if stop is None:
            return hits, {}
        subject, stage, reason = stop
        if stage != Stage.RULE_CAPPED:
            self.worker.kill()  # as in _request: the next call gets a fresh worker
        failure = self._fail(self._plugin_of(c), c, stage, reason, disable=stage != Stage.RULE_CAPPED)
        failed = {s: str(failure) for s in subjects[order[subject]:]}
        if stage != Stage.RULE_CAPPED:  # a capped subject keeps the hits it made within the cap
            for s in failed:
                hits.pop(s, None)
        return hits, failed

    # --- part factories ------------------------------------------------------------------------
    def factories(self) -> list[Contribution]:
        return [c for p in self.active() for c in p.contributions if c.kind == "part-factory"]

    def factory_parameters(self, factory_id: str) -> dict[str, Any]:
        """A factory's options and their defaults (`inspect.Parameter.empty` when required).
        Imports the factory's module (first use)."""
        c = self._factory(factory_id)
        self.resolve(c)
        reply = self._request(c, "params", "reading the factory's options", self.limit_s(), Stage.CONTRIBUTE)
        params = reply.get("params")
        if not isinstance(params, list) or not all(
                isinstance(p, list) and len(p) == 3 and isinstance(p[0], str) for p in params):
            self._fail_raise(c, Stage.CONTRIBUTE, "the factory's options came back malformed")
        return {name: default if has else inspect.Parameter.empty for name, has, default in params}

    def _factory(self, factory_id: str) -> Contribution:
        c = self.contribution(factory_id)
        if c is None or c.kind != "part-factory" or c not in self.factories():
            raise KeyError(f"no active part factory {factory_id!r}")
        return c

    def make_part(self, factory_id: str, **options: Any) -> PartType:
        """Run a factory in the worker; its NetBox mapping is validated like a library file.
        Raises FactoryRefused for options it refuses, ContributionFailed when it fails."""
        c = self._factory(factory_id)
        try:
            json.dumps(options, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise FactoryRefused(f"{c.title}: options must be plain values ({exc})") from None
        self.resolve(c)
        reply = self._request(c, "factory", "running the factory", self.limit_s(), Stage.CONTRIBUTE, options=options)
        if "refused" in reply:
            raise FactoryRefused(f"{c.title}: {_text(reply['refused'])}")
        return self._part_from(c, reply.get("part"), options)

    def _part_from(self, c: Contribution, out: Any, options: dict) -> PartType:
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
