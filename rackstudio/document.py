"""Qt-free. A Document is one open design with its component graph and its edit history.

Every command goes through `execute` (or, in the GUI, through the QUndoStack that calls
`apply_command`/`revert_command`); the graph updates incrementally from the command's
ChangeSet and `changed` tells listeners (checks, views) what changed.

Every rack figure a view shows comes from `figures`: the attached check engine's metrics, or the
same metrics computed on demand when no engine is attached yet.

Checks are optional (`attach_check_engine`): once attached, every edit updates the check engine from
the same ChangeSet before `changed` is emitted, so a listener always reads current findings; the
engine's own `changed` signal carries the FindingsDelta. A large design's first full run can go
to another thread (`check_job`): it works on a snapshot, edits go on meanwhile, and
`adopt_check_engine` attaches the engine and brings it up to date with the edits made since.
"""
from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rackstudio.changes import ChangeSet
from rackstudio.commands.base import Command
from rackstudio.events import Signal
from rackstudio.io import project_file
from rackstudio.model.design import Design, Indexes
from rackstudio.model.integrity import Baseline

if TYPE_CHECKING:
    from rackstudio.checks.engine import CheckEngine
    from rackstudio.checks.metrics import OnDemandMetrics
    from rackstudio.checks.registry import RuleRegistry
    from rackstudio.graph.component_graph import ComponentGraph


class Document:
    def __init__(self, design: Design | None = None, path: str | Path | None = None):
        self.design = design if design is not None else Design()
        self.path = Path(path) if path is not None else None
        self.disk_stamp: tuple[int, int] | None = None  # the file as last read or written here
        self._stamped: Path | None = None  # the file `disk_stamp` belongs to
        self._verified: Baseline | None = None  # the design as last loaded or saved: `save` checks what changed since
        self._graph: ComponentGraph | None = None  # built when first asked (`graph`)
        self.changed: Signal[ChangeSet] = Signal()
        # ("apply" or "revert", the command) whose changes `changed` is announcing, None for others:
        # a check engine following the document reads it (CheckEngine.update's `step`)
        self.step: tuple[str, Command] | None = None
        # how many changes `changed` has announced: while it stays, the design is as it was when read
        self.edits = 0
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._clean_index: int | None = 0
        self._engine: CheckEngine | None = None  # `check_engine`, pending or not
        self._jobs: list[ChecksJob] = []
        self._on_demand: OnDemandMetrics | None = None

    @classmethod
    def open(cls, path: str | Path) -> tuple[Document, list[tuple[str, str]]]:
        loaded = project_file.load(path)
        document = cls(loaded.design, path)
        # what opening made, like the design (memory.gc_paused), is never walked by the
        # collector again; the component graph is built later, by the first full check (a large
        # design's, on a worker thread, is frozen when it ends: ui.live_checks)
        gc.freeze()
        document.disk_stamp, document._stamped = loaded.stamp, document.path
        document._verified = loaded.verified
        return document, loaded.warnings

    @property
    def graph(self) -> ComponentGraph:
        """The component graph, built on first use: opening and the first paint need none, and
        a large design's first full check (`check_job`) builds one off the GUI thread that
        `adopt_check_engine` takes over."""
        if self._graph is None:
            from rackstudio.graph.component_graph import ComponentGraph

            self._graph = ComponentGraph(self.design)
        return self._graph

    @property
    def has_graph(self) -> bool:
        """Whether the graph is built (reading figures before it is would build it)."""
        return self._graph is not None

    def changed_on_disk(self, path: str | Path | None = None) -> bool:
        """Whether saving to `path` (default: the design's file) would overwrite changes someone
        else saved there since this design was opened or last saved."""
        target = Path(path) if path is not None else self.path
        return target is not None and target == self._stamped and project_file.changed_on_disk(target, self.disk_stamp)

    # --- checks ---------------------------------------------------------------------------------

    @property
    def check_engine(self) -> CheckEngine | None:
        """The attached check engine; None while a full run it deferred is due (`CheckEngine.pending`,
        the app's background check of a wide edit on a large design), so no reader takes the
        findings and figures of before that edit for the design's."""
        engine = self._engine
        return None if engine is None or engine.pending else engine

    @check_engine.setter
    def check_engine(self, engine: CheckEngine | None) -> None:
        self._engine = engine

    @property
    def checks_pending(self) -> bool:
        """An attached engine deferred a full run (`CheckEngine.pending`): a check job is due."""
        return self._engine is not None and self._engine.pending

    def attach_check_engine(self, registry: RuleRegistry | None = None) -> CheckEngine:
        """Check this design from now on: a CheckEngine over the design and graph (the built-in
        rules unless `registry` is given), run in full now and updated by every later edit.
        Attaching again replaces the engine (a new registry, plugin rules switched on or off)."""
        from rackstudio.checks.engine import CheckEngine

        engine = CheckEngine(self.design, self.graph, registry)
        engine.run_full()
        self.check_engine = engine
        return engine

    @property
    def figures(self) -> CheckEngine | OnDemandMetrics:
        """Where the views read rack figures (`rack_metrics(rack_id)`, `ctx`): the attached engine,
        else metrics computed on demand by the same code (forgotten after each edit)."""
        if self.check_engine is not None:
            return self.check_engine
        if self._on_demand is None:
            from rackstudio.checks.metrics import OnDemandMetrics

            self._on_demand = OnDemandMetrics(self.design, self.graph)
        return self._on_demand

    def detach_check_engine(self) -> None:
        self.check_engine = None
        self._jobs.clear()

    def close(self) -> None:
        """Let go of what the checks keep between edits: a pass's power flows refer back to the
        checks' context, and once opening or a background check froze that context
        (`memory.gc_paused`), the collector never frees such a cycle, so a closed 1,000-rack design
        would stay in memory. Closed, the document is freed by reference counts alone."""
        for engine in (self._engine, self._on_demand):
            if engine is not None:
                engine.ctx.new_pass()
        self._on_demand = None
        self.detach_check_engine()

    def check_job(self, registry: RuleRegistry | Callable[[], RuleRegistry] | None = None) -> ChecksJob:
        """A full check to run on another thread (`job.run()`), over a snapshot of the design taken
        now; edits made meanwhile are recorded for `adopt_check_engine`. A registry factory is
        called by the job's thread (importing the rule modules the first time stays off the GUI)."""
        design = self.design
        lent = design.lend()
        job = ChecksJob(snapshot(design, lent), registry, Indexes(
            lent["where"], None, lent["port_use"], None, lent["shared_ports"]))
        job.lent = lent
        self._jobs.append(job)
        return job

    def adopt_check_engine(self, job: ChecksJob) -> CheckEngine | None:
        """Attach the engine a finished job built: it is pointed at this design and graph (the
        snapshot had the same records) and updated with the edits made since the snapshot.
        None when the job was dropped (checks detached or the job did not finish).

        A job run for an attached engine's deferred full run (`CheckEngine.pending`) gives that
        engine its state instead (`CheckEngine.take`); it is dropped (None) when the engine no
        longer waits for one (the edit that deferred it undone)."""
        if job.engine is not None and job.lent:  # its run ended: no thread reads the lent tables now
            self.design.give_back(job.lent)
            job.lent = {}
        if job not in self._jobs or job.engine is None:
            return None
        self._jobs.remove(job)
        live = self._engine
        if live is not None and job.engine.registry is live.registry:
            if not live.pending:
                return None
            live.take(job.engine)
            if job.since:
                live.update(job.since)
            return live
        engine = job.engine
        if self._graph is None:  # take over the job's graph: the same records, brought up to date below
            self._graph = engine.ctx.graph
            self._graph.design = self.design
            self._graph.apply(job.since)
        engine.ctx.design, engine.ctx.graph = self.design, self.graph
        engine.ctx.new_pass()
        if job.since:
            engine.update(job.since)
        self.check_engine = engine
        return engine

    def _changed(self, changes: ChangeSet, step: tuple[str, Command] | None = None) -> None:
        self.edits += 1
        for job in self._jobs:
            job.since.merge(changes)
        if self._on_demand is not None:
            self._on_demand.forget()
        engine = self._engine
        if engine is not None:
            delta = engine.update(changes, step)
            if delta:
                engine.changed.emit(delta)
        self.step = step
        try:
            self.changed.emit(changes)
        finally:
            self.step = None

    # --- the GUI's undo stack drives these two -------------------------------------------------

    def apply_command(self, command: Command) -> ChangeSet:
        changes = command.apply(self.design)
        if self._graph is not None:  # a graph built later is built from the design as it is then
            self._graph.apply(changes)
        self._changed(changes, ("apply", command))
        return changes

    def revert_command(self, command: Command) -> ChangeSet:
        changes = command.revert(self.design)
        if self._graph is not None:
            self._graph.apply(changes)
        self._changed(changes, ("revert", command))
        return changes

    # --- headless history (command line, tests) ------------------------------------------------

    def execute(self, command: Command) -> ChangeSet:
        """Apply a command and record it; Refused propagates and nothing changes."""
        top = len(self._undo)
        changes = self.apply_command(command)
        if self._clean_index is not None and self._clean_index > top:
            self._clean_index = None  # the saved state was on the redo branch we just dropped
        if self._undo and self._undo[-1].merge(command):
            if self._clean_index == top:
                self._clean_index = None
        else:
            self._undo.append(command)
        self._redo.clear()
        return changes

    def undo(self) -> ChangeSet | None:
        if not self._undo:
            return None
        command = self._undo.pop()
        self._redo.append(command)
        return self.revert_command(command)

    def redo(self) -> ChangeSet | None:
        if not self._redo:
            return None
        command = self._redo.pop()
        self._undo.append(command)
        return self.apply_command(command)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def modified(self) -> bool:
        return self._clean_index != len(self._undo)

    def save(self, path: str | Path | None = None) -> None:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name to save to")
        project_file.save(self.design, target, since=self._verified)
        self._verified = Baseline(self.design)
        self.disk_stamp, self._stamped = project_file.disk_stamp(target), target
        self.path = target
        self._clean_index = len(self._undo)


class ChecksJob:
    """A full check of a snapshot of a design, run by any one thread: the snapshot shares the
    design's immutable records in containers of its own, so the design can be edited meanwhile."""

    def __init__(self, design: Design, registry: RuleRegistry | Callable[[], RuleRegistry] | None,
                 ids: Indexes | None = None):
        self.design, self.registry, self._ids = design, registry, ids
        self.since = ChangeSet()  # edits of the live design after the snapshot
        self.engine: CheckEngine | None = None
        # the live design's tables the snapshot shares (`Design.lend`): given back when adopted
        self.lent: dict[str, object] = {}

    def run(self) -> CheckEngine:
        from rackstudio.checks.engine import CheckEngine
        from rackstudio.graph.component_graph import ComponentGraph

        if callable(self.registry):
            self.registry = self.registry()
        ids, self._ids = self._ids, None
        self.design.reindex(ids)  # the snapshot's own indexes (the slow part of taking it)
        engine = CheckEngine(self.design, ComponentGraph(self.design), self.registry)
        engine.run_full()  # which empties its memo here, in slices (`memory.release`), not on the GUI thread
        self.engine = engine
        return engine


def snapshot(design: Design, lent: dict[str, object] | None = None) -> Design:
    """A shallow copy with its own collections (records are immutable, so they are shared): 3 ms
    for 1,000 racks, then free to read on another thread (a full check, an autosave) while the
    design is edited. Its indexes still point at the original's until `reindex()` (a check job's,
    with the id and port tables the original lent it). With `lent` (`Design.lend`), the
    collections are those tables, not copies."""
    copy = design.model_copy()
    lent = lent or {}
    for name, value in design.__dict__.items():
        if name in lent:
            copy.__dict__[name] = lent[name]
        elif isinstance(value, dict):
            copy.__dict__[name] = dict(value)
        elif isinstance(value, list):
            copy.__dict__[name] = list(value)
    copy.__pydantic_private__ = dict(design.__pydantic_private__ or {})
    return copy
