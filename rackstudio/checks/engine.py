"""Qt-free. The check engine: a full run, incremental updates keyed by ChangeSet, and a trial
preview of a command for the editor's drag ghost.

Results are kept per (rule, subject). An update re-runs only the subjects `scope.affected` names
for the ChangeSet; the invariant (tested with hypothesis) is that the findings after any sequence
of updates equal a full run on the same design. A rule that raises becomes one "rule failed"
finding for that rule, never a crash; waived findings stay listed with `waived=True`.
A rule function carrying `batch(ctx, subjects) -> (hits by subject, failure by subject)` (a
plugin rule: one call into the plugin worker per pass) gets all its subjects of a pass at once.
"""
from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from rackstudio.changes import ChangeSet
from rackstudio.checks import coolant, reuse, waivers
from rackstudio.checks.context import CheckContext
from rackstudio.checks.metrics import MetricsCache, RackMetrics, changes_floor
from rackstudio.checks.registry import RuleRegistry, builtin_registry
from rackstudio.checks.reuse import enabled_by_default
from rackstudio.checks.rule import Finding, Rule, Scope, Severity
from rackstudio.checks.scope import Dirty, FullRunSubjects, Snapshot, affected, exists, stale_cages
from rackstudio.events import Signal
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.memory import gc_paused
from rackstudio.model.design import Design

Pair = tuple[str, str]  # (rule id, subject)
# (rule, subject) pairs from which an update is run as a full run would be (a design edit on 448
# instances of L: 290,000 pairs; a device move: a few hundred)
WIDE_UPDATE = 50_000
FULL_RUN_INSTEAD = 50_000  # pairs below which an update is never run as a full run (_cheaper_in_full)
RULE_FAILED = "rule-failed"
# records an edit touches from which, if they are a quarter of the design too, an engine that
# defers its full runs defers without walking what they affect first (266 racks of L deleted:
# 40,000 records, a 0.3 s walk)
DEFER_UNWALKED = 10_000


def _touches_a_quarter(changes: ChangeSet, design: Design) -> bool:
    """Whether an edit touches `DEFER_UNWALKED` records or more, and a quarter of the design's."""
    touched = len(changes.touched())
    return touched >= DEFER_UNWALKED and touched * 4 >= len(design.devices) + len(design.connections)


def _cheaper_in_full(pairs: int, design: Design) -> bool:
    """Whether an update of `pairs` (rule, subject) pairs costs more than a full run: an update
    costs ≈ 17 µs a pair, a full run of L ≈ 2.3-2.8 s, so they meet near one pair per device and
    connection (an edit of a rack design with 448 instances on L: 347,537 pairs, 6.0 s as an update,
    2.8 s as a full run; 4.4 s with the update's own expansion before it). Not below
    FULL_RUN_INSTEAD pairs, so a small design's edits stay updates (and the incremental-equals-full
    tests keep testing them)."""
    return pairs >= FULL_RUN_INSTEAD and pairs > len(design.devices) + len(design.connections)


class TrialCommand(Protocol):
    """What preview needs of a command (checks sit below commands: no import of them here)."""

    def apply(self, design: Design) -> ChangeSet: ...
    def revert(self, design: Design) -> ChangeSet: ...


@dataclass
class FindingsDelta:
    """What an update changed: findings that appeared and findings that went away (a finding whose
    message, figures or waived flag changed shows as one removed and one added)."""

    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


Step = tuple[str, object]  # ("apply" or "revert", the command): CheckEngine.update


@dataclass(frozen=True)
class _Undoable:
    """The state from before a wide update (run in full, or `WIDE_UPDATE` pairs or more), and the
    step that update was."""

    step: Step
    state: _Kept


@dataclass(frozen=True)
class _Kept:
    """An engine's state before a wide update, to put back when the design is back where it was:
    after a trial (`CheckEngine.trial`), or on the undo or redo of the step that ran it (`update`).
    About 9 MiB at 1,000 racks: the findings, rack figures and cage optics of that state."""

    tables: tuple[dict, ...]
    untexted: set
    snapshot: Snapshot | None
    waivers: waivers.Waivers
    registry_version: int
    loops_graph: ComponentGraph


class CheckEngine:
    def __init__(self, design: Design, graph: ComponentGraph, registry: RuleRegistry | None = None,
                 reuse: bool | None = None):
        self.registry = registry if registry is not None else builtin_registry()
        # rack-internal findings copied across a rack design's instances (checks.reuse); None: the
        # environment's choice (on unless RACKSTUDIO_CHECK_REUSE=0)
        self.reuse = enabled_by_default() if reuse is None else reuse
        # (rule, subject) results copied from a representative, and copies refused because a
        # witness read otherwise (then evaluated one by one), over the engine's life
        self.reused: Counter[str] = Counter()
        self.ctx = CheckContext(design, graph)
        self.ctx.metrics = MetricsCache(self.ctx)
        self.changed: Signal[FindingsDelta] = Signal()
        self._results: dict[Pair, tuple[Finding, ...]] = {}
        self._texts: dict[Pair, str] = {}  # the words of a pair's findings, made when a rename asks
        self._untexted: set[Pair] = set()  # pairs with findings whose words are not made yet
        self._by_key: dict[str, set[Pair]] = {}
        self._failures: dict[str, dict[str, str]] = {}
        self._waivers = waivers.Waivers(design)
        self._snapshot: Snapshot | None = None
        self._registry_version = -1
        self._undoable: _Undoable | None = None  # see `update`
        self._tried: _Undoable | None = None  # a wide trial's state, to take if its command follows: `trial`
        # an update that would run in full leaves the run to its caller instead (the app, on a
        # worker: `take`), and the engine is `pending` until then
        self.defer_full = False
        self.pending = False  # a full run was deferred: the findings and figures are of before it

    @property
    def design(self) -> Design:
        return self.ctx.design

    @property
    def graph(self) -> ComponentGraph:
        return self.ctx.graph

    # --- runs ----------------------------------------------------------------------------------

    def run_full(self) -> list[Finding]:
        """Run every active rule on every subject; returns the findings, sorted. The cyclic GC is
        paused meanwhile: the pass's memo makes hundreds of thousands of small objects, none in
        cycles, and each collection they set off would walk the whole design (a million objects
        at 1,000 racks): 27 % of the run at L. What outlives the run (its results, the cages and
        rack figures it keeps) is then frozen, so the collection after it does not walk them either
        (75-90 ms at L)."""
        with gc_paused(freeze=True):
            return self._run_full()

    def _run_full(self) -> list[Finding]:
        ctx = self.ctx
        ctx.new_pass(full=True)
        ctx.loops.clear()
        ctx.cages.clear()
        ctx.metrics.rebuild()
        self._results.clear()
        self._texts.clear()
        self._untexted.clear()
        self._by_key.clear()
        self._failures.clear()
        of_scope = FullRunSubjects(ctx)
        for rule in self.registry.active(ctx.settings):
            lists = [of_scope.of(scope, rule.kinds, rule.parts) for scope in rule.scopes]
            # each list names a subject once; two scopes may name one subject (a hall is HALL and FLOOR)
            run = list(lists[0]) if len(lists) == 1 else list(dict.fromkeys(s for x in lists for s in x))
            self._evaluate_all(rule, run, known=True)
        self._snapshot = Snapshot.of(self.design)
        self._waivers = self._read_waivers()
        self._registry_version = self.registry.version
        ctx.end_pass()
        return self.findings()

    def findings(self) -> list[Finding]:
        """Every current finding, waived ones marked, sorted (errors first, then by rule and key)."""
        mark = self._waivers.mark
        found = [mark(f) for fs in self._results.values() for f in fs]
        found += [mark(f) for f in map(self._failure_finding, self._failures) if f]
        return sorted(found, key=Finding.sort_key)

    def update(self, changes: ChangeSet, step: Step | None = None) -> FindingsDelta:
        """Bring the findings up to date after `changes` were applied to the design and the graph.

        `step`: ("apply" or "revert", the command) when the changes are a command's (the Document
        says so). When an update was wide (ran in full, or `WIDE_UPDATE` pairs or more), the state
        from before it is kept with its step; if the next update is the inverse step (the undo of
        that command, or the redo after such an undo), the design is the one that state was of,
        and it is put back instead of running as long again: undo and redo of a rack-design edit on
        hundreds of instances. Any other update lets the kept state go. The state a wide trial
        checked (`trial`) is kept the same way: when the next update is that trial's own planned
        command applied, the design is the one the trial checked.

        With `defer_full`, an update that would run in full does not: the engine is `pending`, its
        findings and figures those of before it, until `take` gives it the run made elsewhere. The
        updates meanwhile change nothing (the run to come is of the design as it is then), except
        the undo of the step that deferred: the design is then the one the findings are of."""
        kept, self._undoable = self._undoable, None
        tried, self._tried = self._tried, None
        if tried is not None and step is not None and step[0] == "apply" and step[1] is tried.step[1]:
            kept = _Undoable(("revert", step[1]), tried.state)  # the trial's after-state, as an undo's
        if (kept is not None and step is not None and kept.step[1] is step[1] and kept.step[0] != step[0]
                and kept.state.registry_version == self.registry.version):
            before = self.findings()
            now = None if self.pending else self._kept()  # a pending engine holds no state of now
            self._restore(kept.state)
            self.pending = False
            self._undoable = _Undoable(step, now) if now is not None else None
            return _diff(before, self.findings())
        if self.pending:
            return FindingsDelta()
        stash: list = []
        delta = self._update(changes, stash if step is not None else None, self.defer_full)
        if stash:
            self._undoable = _Undoable(step, stash[0])
        return delta

    def take(self, other: CheckEngine) -> None:
        """The full run this `pending` engine deferred, made by `other`: a full run, with this
        engine's registry, over a snapshot of the design taken since (the app's worker thread).
        Its state becomes this engine's; the edits made after the snapshot are then an update
        (`Document.adopt_check_engine`). The state kept for the undo of the step that deferred
        stays, if no other edit came between: the design is then the one the snapshot was of."""
        if other.registry is not self.registry:
            raise ValueError("a deferred full run is taken from an engine with the same rules")
        undoable = self._undoable
        self._restore(other._kept())
        self.ctx.loops_graph = self.ctx.graph  # the snapshot's graph has the same records
        self.pending = False
        self._undoable = undoable

    def _update(self, changes: ChangeSet, kept: list | None = None, defer: bool = False) -> FindingsDelta:
        """`update`; when it runs as a full run or as a wide update and `kept` is a list, the state
        it replaces is put in it first (`_Kept`), so a trial or the step's inverse can be taken back
        without a second run as long. `defer`: a full run is left pending (`update`)."""
        if self._snapshot is None or self._registry_version != self.registry.version:
            return self._full_update(kept)
        if not changes:
            return FindingsDelta()
        self.ctx.new_pass()
        if coolant.changes_loops(changes, self.design, self._snapshot.records):
            self.ctx.loops.clear()
        stale = stale_cages(changes, self.design, self._snapshot.records)
        if stale is None:
            self.ctx.cages.clear()
        else:
            for device_id in stale:
                self.ctx.cages.pop(device_id, None)
        if changes_floor(changes, self.design, self._snapshot.records):
            self.ctx.metrics.floor_changed()
        if defer and _touches_a_quarter(changes, self.design):
            return self._defer(kept)  # the walk below alone is 0.3 s at L
        dirty = affected(self.ctx, changes, self._snapshot, self._too_wide)
        if dirty.full or _cheaper_in_full(self._pair_count(dirty), self.design):
            return self._defer(kept) if defer else self._full_update(kept)
        pairs = self._pairs(dirty)
        # an update as wide as a rack-design edit on hundreds of instances may use the full run's
        # tables and failure flows (the same figures: checks.power_flow.failure_flow)
        self.ctx.full_pass = len(pairs) >= WIDE_UPDATE
        if kept is not None and self.ctx.full_pass:
            # taken back by restoring it, not by an update as long (what changed so far are caches
            # of what the design is, asked again of the design as it is then)
            kept.append(self._kept())
        new_waivers = (self._read_waivers() if changes.settings or "waivers" in changes.collections()
                       else self._waivers)
        rekeyed = self._waivers.differing(new_waivers)
        before = self._presented(pairs, rekeyed, self._waivers)
        self.ctx.metrics.refresh(dirty.of(Scope.RACK) - dirty.restacked)
        self.ctx.metrics.restack(dirty.restacked)
        by_rule: dict[str, tuple[Rule, list[str]]] = {}
        for rule, subject in sorted(pairs, key=lambda p: (p[0].id, p[1])):
            by_rule.setdefault(rule.id, (rule, []))[1].append(subject)
        for rule, dirty_subjects in by_rule.values():
            self._evaluate_all(rule, dirty_subjects)
        self._waivers = new_waivers
        self._snapshot.update(self.design, changes)
        return _diff(before, self._presented(pairs, rekeyed, new_waivers))

    def preview(self, command: TrialCommand) -> list[Finding]:
        """The findings `command` would add, found by applying a copy of it, re-running the rules
        local to what changed and reverting: design records, graph and findings end as they were
        (an id number the trial drew stays used: ids are never handed out twice in a session).
        Raises Refused (with nothing changed) when the command cannot run. Findings of rules
        marked `until_cabled` about an object the command adds are left out: every new device
        has them until it is cabled."""
        with self.trial(command) as (_, changes, delta):
            pass
        awaiting = {r.id for r in self.registry.active(self.ctx.settings) if r.until_cabled}
        added = [f for f in delta.added
                 if not (f.rule in awaiting and f.objects and f.objects[0] in changes.added)]
        return sorted(added, key=Finding.sort_key)

    @contextmanager
    def trial(self, command: TrialCommand) -> Iterator[tuple[TrialCommand, ChangeSet, FindingsDelta]]:
        """Apply a copy of `command` (the real one keeps its unplanned state), let the graph and
        the findings follow, and yield (the copy, its changes, the findings delta); on leaving,
        revert it and bring the engine back as it was. Raises Refused, changing nothing, when the
        command cannot run.

        A wide trial (a rack-design edit on hundreds of instances: 2-3 s at 1,000 racks, in full or
        as an update) is taken back by restoring the state it replaced, not by a second run as
        long: the reverted design is the one those findings and figures were of. The state such a
        trial checked is kept until the next update: when that update is the planned copy itself
        applied (an impact preview's Apply), the design is the one the trial checked, and its state
        is taken instead of running again. A `pending` engine holds no findings of the design to
        try a command against: it refuses."""
        if self.pending:
            raise RuntimeError("the checks are waiting for a full run: there is nothing to preview against")
        trial = copy.deepcopy(command)
        changes = trial.apply(self.design)
        kept: list = []
        undoable = self._undoable  # the design ends as it was: an undo may still put a state back
        after: _Kept | None = None
        try:
            self.graph.apply(changes)
            yield trial, changes, self._update(changes, kept)
            if kept:
                after = self._kept()
        finally:
            back = trial.revert(self.design)
            self.graph.apply(back)
            if kept:
                self._restore(kept[0])
            else:
                self.update(back)
            self._undoable = undoable
            if after is not None:
                self._tried = _Undoable(("apply", trial), after)

    def _defer(self, kept: list | None) -> FindingsDelta:
        """Leave the full run an update would make to the caller (`defer_full`): nothing changes
        but the engine's `pending`, and its state is kept for the undo of the step."""
        if kept is not None:
            kept.append(self._kept())
        self.pending = True
        return FindingsDelta()

    def _full_update(self, kept: list | None) -> FindingsDelta:
        before = self.findings()
        if kept is not None:
            kept.append(self._kept())
        return _diff(before, self.run_full())

    def _kept(self) -> _Kept:
        """What a full run or an update replaces: the tables a full run clears and refills, copied
        (one C-level copy each; the sets and dicts an update changes in place, the pairs by key
        and the failures by rule, copied too), the records as last seen (an update changes them in
        place), and what a full run rebinds. 2-5 ms at 1,000 racks."""
        ctx, metrics = self.ctx, self.ctx.metrics
        snapshot = self._snapshot
        return _Kept(
            tables=(dict(self._results), dict(self._texts), {k: set(v) for k, v in self._by_key.items()},
                    {k: dict(v) for k, v in self._failures.items()}, *(dict(t) for t in ctx.kept_tables()),
                    *(dict(t) for t in metrics.tables())),
            untexted=set(self._untexted), snapshot=snapshot.copy() if snapshot is not None else None,
            waivers=self._waivers, registry_version=self._registry_version, loops_graph=ctx.loops_graph)

    def _restore(self, kept: _Kept) -> None:
        ctx, metrics = self.ctx, self.ctx.metrics
        live = (self._results, self._texts, self._by_key, self._failures, *ctx.kept_tables(), *metrics.tables())
        ctx.new_pass()  # the trial's figures are not the restored design's
        for table, saved in zip(live, kept.tables, strict=True):
            table.clear()
            table.update(saved)
        self._untexted.clear()
        self._untexted.update(kept.untexted)
        self._snapshot, self._waivers = kept.snapshot, kept.waivers
        self._registry_version, ctx.loops_graph = kept.registry_version, kept.loops_graph

    def follow(self, document) -> None:
        """Keep up with a Document: update on each of its changes and emit `changed` with the delta."""
        if self._snapshot is None:
            self.run_full()
        document.changed.connect(lambda changes: self._on_document_changed(changes, document.step))

    def _on_document_changed(self, changes: ChangeSet, step: Step | None = None) -> None:
        delta = self.update(changes, step)
        if delta:
            self.changed.emit(delta)

    # --- what a report needs -------------------------------------------------------------------

    def rack_metrics(self, rack_id: str) -> RackMetrics:
        return self.ctx.metrics.rack(rack_id)

    def rules_run(self) -> list[str]:
        return [r.id for r in self.registry.active(self.ctx.settings)]

    def disabled_rules(self) -> list[str]:
        return self.registry.disabled(self.ctx.settings)

    # --- internals -----------------------------------------------------------------------------

    def _too_wide(self, devices: int) -> bool:
        """Whether `devices` dirty devices alone make an update cheaper as a full run: each is a
        subject of every device rule, a lower bound of the pairs (asked only by a power walk of
        more than `scope.ASK_EVERY` steps, so an edit's update does not count the rules)."""
        rules = sum(Scope.DEVICE in rule.scopes for rule in self.registry.active(self.ctx.settings))
        return _cheaper_in_full(devices * rules, self.design)

    def _pair_count(self, dirty: Dirty) -> int:
        """How many (rule, subject) pairs `_pairs` would give, counted without making them (a
        448-instance rack-design edit on L has 347,000: 0.65 s to make, and then a full run is
        cheaper): a subject two scopes of a rule name is counted twice, renamed devices' pairs not."""
        return sum(len(dirty.for_rule(scope, rule.placement_free))
                   for rule in self.registry.active(self.ctx.settings) for scope in rule.scopes)

    def _pairs(self, dirty: Dirty) -> set[tuple[Rule, str]]:
        pairs = set()
        active = self.registry.active(self.ctx.settings)
        for rule in active:
            for scope in rule.scopes:
                pairs.update((rule, subject) for subject in dirty.for_rule(scope, rule.placement_free))
        if dirty.renamed:
            by_id = {rule.id: rule for rule in active}
            names = list(dirty.renamed.values())
            texts = self._texts
            for pair in self._untexted:
                texts[pair] = _words(self._results[pair])
            self._untexted.clear()
            for name in names:  # every auto-named device's move renames it: one scan per name
                named = [pair for pair, text in texts.items() if name in text]
                pairs.update((by_id[rule_id], subject) for rule_id, subject in named if rule_id in by_id)
            pairs.update((by_id[rule_id], subject) for rule_id, failed in self._failures.items() if rule_id in by_id
                         for subject, reason in failed.items() if any(n in reason for n in names))
        return pairs

    def _read_waivers(self) -> waivers.Waivers:
        return waivers.Waivers(self.design, self.registry.active(self.ctx.settings))

    def _presented(self, pairs: Iterable[tuple[Rule, str]], rekeyed: frozenset[str],
                   waived: waivers.Waivers) -> list[Finding]:
        """The findings of some pairs (plus any whose waiver changed), as the user sees them."""
        keys: set[Pair] = {(rule.id, subject) for rule, subject in pairs}
        for key in rekeyed:
            keys |= self._by_key.get(key, set())
        found = [waived.mark(f) for pair in keys for f in self._results.get(pair, ())]
        for rule_id in {rule.id for rule, _ in pairs} | {k.split(":", 1)[0] for k in rekeyed}:
            failed = self._failure_finding(rule_id)
            if failed is not None:
                found.append(waived.mark(failed))
        return found

    def _evaluate_all(self, rule: Rule, subjects: list[str], known: bool = False) -> None:
        """Re-run one rule on some subjects: one batched call if the rule has one, else one by one
        (the severity override read once for the rule, not per subject)."""
        batch = getattr(rule.fn, "batch", None)
        if batch is None:
            self._evaluate_each(rule, subjects, known)
            return
        if known:  # a full run: the subjects exist, have no results to forget, and are listed once
            run = subjects
        else:
            for subject in subjects:
                self._forget(rule, subject)
            run = [s for s in dict.fromkeys(subjects) if self._applies(rule, s)]
        if not run:
            return
        override = self.registry.severity_override(rule, self.ctx.settings)
        finding = rule.finding
        try:
            hits, failed = batch(self.ctx, run)
            # only the subjects with hits cost anything here (a full run hands 123,000 cables)
            asked = set(run) if hits else ()  # a plugin's answer may name subjects it was not asked
            found = [(s, tuple([finding(hit, override) for hit in its])) for s, its in hits.items()
                     if its and s in asked]
        except Exception as exc:  # a rule's bug must not stop the others (STYLE 8.4)
            hits, failed, found = {}, dict.fromkeys(run, f"{type(exc).__name__}: {exc}"), []
        for subject, reason in failed.items():
            self._failures.setdefault(rule.id, {})[subject] = reason
        for subject, findings in found:
            self._keep(rule, subject, findings)

    def _forget(self, rule: Rule, subject: str) -> None:
        pair = (rule.id, subject)
        self._texts.pop(pair, None)
        self._untexted.discard(pair)
        for f in self._results.pop(pair, ()):
            self._by_key.get(f.key, set()).discard(pair)
        failures = self._failures.get(rule.id)
        if failures is not None:
            failures.pop(subject, None)
            if not failures:
                del self._failures[rule.id]

    def _keep(self, rule: Rule, subject: str, found: tuple[Finding, ...]) -> None:
        if found:
            pair = (rule.id, subject)
            self._texts.pop(pair, None)
            self._untexted.add(pair)
            self._results[pair] = found
            for f in found:
                self._by_key.setdefault(f.key, set()).add(pair)

    def _evaluate_each(self, rule: Rule, subjects: list[str], known: bool = False) -> None:
        """Re-run one rule on each subject (`known`: the subjects exist and have no results yet,
        as in a full run); a rack-internal rule once per rack design for the instances that follow
        it (checks.reuse), the others' findings copied from the first."""
        if not (self.reuse and rule.rack_internal):
            self._run(rule, subjects, known)
            return
        subjects, copies = reuse.plan(self.ctx, rule, subjects)
        self._run(rule, subjects, known)
        for one in copies:
            self._copy(rule, one, known)

    def _copy(self, rule: Rule, one: reuse.Copy, known: bool) -> None:
        """The findings of `one`'s representative, renamed, for its other instances, once the
        witness's own findings read as the representative's renamed; else each evaluated."""
        failed = self._failures.get(rule.id, {})
        found = self._results.get((rule.id, one.rep), ())
        if one.rep in failed or one.witness in failed or tuple(
                map(reuse.renamer(one.rep_rack, one.witness_rack), found)) != self._results.get((rule.id, one.witness), ()):
            self._run(rule, [s for s, _ in one.others], known)
            self.reused["refused"] += 1
            return
        self.reused["copied"] += len(one.others)
        for subject, rack in one.others:
            if not known:
                self._forget(rule, subject)
            if found:
                self._keep(rule, subject, tuple(map(reuse.renamer(one.rep_rack, rack), found)))

    def _run(self, rule: Rule, subjects: list[str], known: bool = False) -> None:
        """Run one rule on each subject. The loop of a full run over 1.7 M (rule, subject) pairs
        at L: only a subject with findings or a failure touches the engine's tables."""
        ctx, fn, finding = self.ctx, rule.fn, rule.finding
        override = self.registry.severity_override(rule, ctx.settings)
        rule_id = rule.id
        for subject in subjects:
            if not known:
                self._forget(rule, subject)
                if not self._applies(rule, subject):
                    continue
            try:
                hits = iter(fn(ctx, subject))
                for hit in hits:  # most subjects have none: no list made for them
                    self._keep(rule, subject, (finding(hit, override), *[finding(h, override) for h in hits]))
            except Exception as exc:  # a rule's bug must not stop the others (STYLE 8.4)
                self._failures.setdefault(rule_id, {})[subject] = f"{type(exc).__name__}: {exc}"

    def _applies(self, rule: Rule, subject: str) -> bool:
        return any(exists(self.ctx, scope, subject) for scope in rule.scopes)

    def _failure_finding(self, rule_id: str) -> Finding | None:
        failed = self._failures.get(rule_id)
        if not failed:
            return None
        first = min(failed)
        return Finding(rule_id, Severity.ERROR,
                       f"Rule {rule_id} failed on {len(failed)} object(s), first {first}: {failed[first]}; "
                       "its results are missing",
                       (), {"failed_subjects": len(failed), "first": first, "error": failed[first]}, RULE_FAILED)


def _words(found: tuple[Finding, ...]) -> str:
    """The messages and text figures (or texts in a list of figures) of some findings, one text
    to look for a name in."""
    texts = []
    for finding in found:
        texts.append(finding.message)
        for value in finding.figures.values():
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (list, tuple)):
                texts += [v for v in value if isinstance(v, str)]
    return "\n".join(texts)


def _diff(before: Iterable[Finding], after: Iterable[Finding]) -> FindingsDelta:
    old, new = Counter(before), Counter(after)
    return FindingsDelta(sorted((new - old).elements(), key=Finding.sort_key),
                         sorted((old - new).elements(), key=Finding.sort_key))
