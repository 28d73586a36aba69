"""Live design checks in the editor: attaches a check engine to every open document (the
built-in rules plus plugin rules), runs the first full check once the window has painted so
opening stays fast, and turns each edit's FindingsDelta into Qt signals for the findings dock
and the canvas markers. A large design's full run (tens of seconds for 1,000 racks) goes to a
worker thread over a snapshot of the design (Document.check_job), so the window stays usable
and editable; the engine is adopted, and caught up with the edits made meanwhile, when it ends.
Adopting a large result (indexing and listing its findings, re-marking the hall) is sliced work
on later turns of the event loop (`follow`), ADOPT_BUDGET_S at a time, so the window never holds
for the whole of it; the checks are "done" (`engine`, the status) only once all of it is.

The marker index maps object ids to the unwaived errors and warnings about them (a cable's
findings also mark the devices at its ends, a feed's the rack it drops to), so the views repaint
only the items whose markers changed. `rack_load` gives the power and cooling bars their
figures and colour levels from the engine's per-rack metrics and the design's thresholds.
"""
from __future__ import annotations

import contextlib
import gc
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from rackstudio.checks import (
    CheckEngine,
    Finding,
    FindingsDelta,
    Rule,
    RuleRegistry,
    Severity,
    builtin_registry,
)
from rackstudio.document import ChecksJob, Document
from rackstudio.memory import release
from rackstudio.model.design import Design
from rackstudio.reports.totals import Bar, rack_summary
from rackstudio.ui.bridge import DocumentBridge
from rackstudio.ui.guard import REPORT, guarded

_MARKED = (Severity.ERROR, Severity.WARNING)
MAX_TIP_LINES = 6
BACKGROUND_RECORDS = 5000  # devices + connections above which the full run goes to a thread
ADOPT_BUDGET_S = 0.008  # GUI-thread work per turn of the event loop while a result is adopted
ADOPT_CHUNK = 25  # findings indexed and listed per step of an adoption


# The interpreter's time slice while a background check runs beside the window. The GUI thread
# takes the GIL anew for every call from Qt into Python (a timer, a paint, an event), and each
# time it waits up to a whole slice while the worker runs: with both on otherwise idle cores the
# default 5 ms let one turn of the event loop wait 0.2-1.3 s at 1,000 racks (py-spy: the GUI
# thread in PyGILState_Ensure). At 0.2 ms the worst gap was 54-70 ms, while the palette painted
# its first 95 cells; at 0.05 ms, with the table models asked once per cell (`table_model`), 31-44.
BACKGROUND_SWITCH_INTERVAL_S = 0.00005

_holds = {"jobs": 0, "gc_was_on": False, "interval": 0.005}  # background jobs running, what they changed


def _background_started() -> None:
    """While a background full check runs: pause the cyclic GC (a collection holds the GIL, so one
    started by the worker, or by the GUI thread walking the worker's new objects, stalls the window
    for as long as it walks: hundreds of milliseconds at 1,000 racks) and shorten the
    interpreter's switch interval (`BACKGROUND_SWITCH_INTERVAL_S`)."""
    if _holds["jobs"] == 0:
        _holds["gc_was_on"] = gc.isenabled()
        gc.disable()
        _holds["interval"] = sys.getswitchinterval()
        sys.setswitchinterval(min(_holds["interval"], BACKGROUND_SWITCH_INTERVAL_S))
    _holds["jobs"] += 1


def _background_ended() -> None:
    """After a background check: move what exists now (the design, the engine's results) out of
    the collector's sight (`gc.freeze`) and resume it, so no collection walks them afterwards; the
    switch interval as it was."""
    _holds["jobs"] = max(_holds["jobs"] - 1, 0)
    if _holds["jobs"] == 0:
        sys.setswitchinterval(_holds["interval"])
        if _holds["gc_was_on"]:
            gc.freeze()
            gc.enable()


def _release_snapshot(job: ChecksJob, live: Design) -> None:
    """On the worker, once its run ended: empty the snapshot's own indexes (`memory.release`, in
    slices). Dropped whole on the GUI thread with the job, their half a million small objects were
    one C call holding the GIL, 40 to 85 ms at 1,000 racks. Adopting the engine reads the live
    design, never the snapshot's indexes; ones shared with the live design (`Design.lend`) are
    left alone."""
    index = job.design.index
    if index is live.index:
        return
    lent = {id(table) for table in job.lent.values()}
    for name in type(index).__slots__:
        table = getattr(index, name)
        if isinstance(table, dict) and id(table) not in lent:
            release(table)


class _Relay(QObject):
    """Carries a worker thread's result to the GUI thread (a queued signal)."""

    done = Signal(object, object)  # the job, the exception it raised (or None)


@dataclass(frozen=True)
class Marker:
    """What a canvas item shows for its findings: the worst severity and the messages."""

    severity: Severity
    messages: tuple[str, ...]

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def tooltip(self) -> str:
        lines = [f"{'⛔' if self.is_error else '⚠'} {m}" for m in self.messages[:MAX_TIP_LINES]]
        if len(self.messages) > MAX_TIP_LINES:
            lines.append(f"… and {len(self.messages) - MAX_TIP_LINES} more (see the Findings panel)")
        return "\n".join(lines)


def marker_of(findings: Iterable[Finding]) -> Marker | None:
    found = sorted({f for f in findings if f.counts and f.severity in _MARKED}, key=Finding.sort_key)
    if not found:
        return None
    return Marker(found[0].severity, tuple(f"{f.rule}: {f.message}" for f in found))


def rack_load(engine: CheckEngine, rack_id: str) -> tuple[Bar, Bar]:
    """(power, cooling) bars of a rack from the engine's metrics (`RackSummary.bars`)."""
    return rack_summary(engine.design, engine.rack_metrics(rack_id)).bars()


def tally(findings: Iterable[Finding]) -> Counter[str]:
    """Unwaived findings by severity value, and "waived"."""
    return Counter("waived" if f.waived else f.severity.value for f in findings)


def counts_text(findings: Iterable[Finding] | Counter[str]) -> str:
    counted = findings if isinstance(findings, Counter) else tally(findings)
    waived = counted["waived"]
    text = (f"{counted['error']} error{'s' * (counted['error'] != 1)}, "
            f"{counted['warning']} warning{'s' * (counted['warning'] != 1)}, {counted['info']} info")
    return text + (f", {waived} waived" if waived else "")


class ChecksController(QObject):
    """The open document's check engine, seen from Qt."""

    reset = Signal()  # the findings were replaced wholesale (a document opened, checks re-run)
    delta = Signal(object)  # FindingsDelta after an edit
    markers_changed = Signal(object)  # set of object ids whose markers may have changed; None: all
    status = Signal(str)

    def __init__(self, bridge: DocumentBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.registry_factory: Callable[[], RuleRegistry] = builtin_registry  # called on the job's thread too
        self.prepare: Callable[[], None] = lambda: None  # on the GUI thread before a run (the app starts plugins)
        self.started = False  # the window has painted: runs may start
        self.last_run_s: float | None = None
        self._pending = False
        self._rerun = False  # a run was asked for while a job went: run once it ends (`run_now`)
        self._index: dict[str, list[Finding]] = {}
        self._targets: dict[Finding, tuple[str, ...]] = {}
        self._engine: CheckEngine | None = None
        self.counts: Counter[str] = Counter()
        self._keys: Counter[tuple[str, Severity]] = Counter()  # every current finding's key and severity
        self.background_records = BACKGROUND_RECORDS
        self._job: ChecksJob | None = None  # the full run on a worker thread, if one is going
        self._job_started = 0.0
        self._relay: _Relay | None = None
        self._adopting = False  # a result is being adopted: indexed, listed and marked in slices
        self._started = 0.0  # when the run being adopted started
        self._unadopted: dict[Finding, int] = {}  # findings still to index and list, last first (popitem)
        self._unadopted_count = 0  # the sum of its counts
        self._work: deque[Iterator[object]] = deque()  # sliced GUI work (`follow`)
        self._inline = 0  # > 0 while an adoption runs to its end at once (a design checked here)
        self._ticker = QTimer(self)
        self._ticker.setInterval(0)
        self._ticker.timeout.connect(self._tick)
        bridge.replaced.connect(self._on_replaced)
        bridge.changed.connect(self._on_changed)

    # --- state -----------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        return self.bridge.document

    @property
    def design(self) -> Design:
        return self.bridge.document.design

    @property
    def engine(self) -> CheckEngine | None:
        """The engine of the open document once its first run finished and was adopted, else None."""
        engine = self._results_engine()
        return None if self._adopting else engine

    def _results_engine(self) -> CheckEngine | None:
        """The engine whose results are shown: adopted, or being adopted."""
        engine = self.document.check_engine
        return engine if engine is not None and engine is self._engine else None

    @property
    def adopting(self) -> bool:
        """A finished run's results are still being indexed, listed and marked."""
        return self._adopting

    def unadopted(self) -> int:
        """How many of the findings being adopted are not indexed and listed yet."""
        return self._unadopted_count

    def findings(self) -> list[Finding]:
        engine = self.engine
        return engine.findings() if engine is not None else []

    @property
    def running(self) -> bool:
        """A run is scheduled, going, or its results are still being adopted."""
        return self._pending or self._job is not None or self._adopting

    @property
    def figures_pending(self) -> bool:
        """The rack figures come with the check under way (a design's first, on the worker): the
        document has no component graph yet, and figures asked for now would build one on the
        window's thread while the worker builds its own (the first click during a 1,000-rack
        design's opening check held the window 1.5 s; at 5,000 racks, 10 s). Views show none
        until `reset` says the run is taken."""
        document = self.document
        if document.check_engine is not None or document.has_graph:
            return False
        return self._job is not None or (self._pending and self._large())

    def _large(self) -> bool:
        """A design whose full runs go to a worker (`background_records`)."""
        design = self.design
        return len(design.devices) + len(design.connections) >= self.background_records

    @property
    def in_background(self) -> bool:
        """A full run is going on a worker thread."""
        return self._job is not None

    @property
    def deferred(self) -> bool:
        """An edit's full run was left to a worker (`CheckEngine.defer_full`): the findings shown
        are of before it until that run is taken."""
        return self.document.checks_pending

    # --- runs ------------------------------------------------------------------------------------

    def start(self) -> None:
        """The window is on screen: run the checks of the open document (once, deferred)."""
        self.started = True
        if self.engine is None:
            self.schedule()

    def schedule(self) -> None:
        """Run the full check soon (after pending paints), once however often it is asked."""
        if not self._pending:
            self._pending = True
            self.status.emit("Checking…")
            QTimer.singleShot(0, self, self._run_scheduled)

    def cancel(self) -> None:
        """Drop a scheduled run (the app is quitting)."""
        self._pending = False
        self.started = False

    def _run_scheduled(self) -> None:
        if self._pending:
            self.run_now()

    @guarded
    def run_now(self) -> None:
        """Attach a fresh engine to the open document and run every rule (Tools ▸ Run Checks): here
        for a small design, on a worker thread for a large one (the design stays editable)."""
        self._pending = False
        if self._job is not None:  # run again once it ends: the rules may have changed since it began
            self._rerun = True
            self.status.emit("Checking… (a full check is already running; the checks run again when it ends)")
            return
        self.prepare()
        if self._large():
            self._start_job()
            return
        self.status.emit("Checking…")
        window = self.parent()
        bar = getattr(window, "statusBar", None)
        if bar is not None:
            bar().repaint()  # say so before the run holds the event loop
        started = time.perf_counter()
        registry = self.registry_factory()
        self._adopt(lambda: self.document.attach_check_engine(registry), started, inline=True)

    def _start_job(self, fresh: bool = True) -> None:
        """A full run on a worker: a new engine's, its registry built on the worker (the first of a
        design, or Tools ▸ Run Checks), or else (`fresh` False) the one the attached engine
        deferred, with its registry, which it takes."""
        pending = self.document.checks_pending and not fresh
        job = self.document.check_job(self._engine.registry if pending else self.registry_factory)
        _background_started()
        relay = _Relay()
        relay.done.connect(self._job_done)
        self._job, self._relay, self._job_started = job, relay, time.perf_counter()

        live = self.design

        def tell(error: BaseException | None) -> None:
            # RuntimeError: the app quit while the check ran, its window and the relay are gone
            with contextlib.suppress(RuntimeError):
                relay.done.emit(job, error)

        def work() -> None:
            try:
                job.run()
                _release_snapshot(job, live)
                if pending:  # its run is taken by the attached engine, which keeps the document's graph
                    job.engine.graph.release()
            except BaseException as exc:  # reported on the GUI thread
                tell(exc)
                return
            tell(None)

        threading.Thread(target=work, name="rackstudio-checks", daemon=True).start()
        self.status.emit(f"Checking {len(self.design.racks):,} racks in the background… "
                         + ("(the findings listed are of before the last edit until it ends)" if pending else
                            "(you can keep working; findings appear when it ends)"))

    @guarded
    def _job_done(self, job: ChecksJob, error: BaseException | None) -> None:
        _background_ended()
        if job is not self._job:
            return  # a job for a document no longer open
        self._job, self._relay = None, None
        if error is not None:
            self.status.emit("The checks could not run")
            REPORT.handle(error)
            return
        self._adopt(lambda: self.document.adopt_check_engine(job), self._job_started, inline=False)
        if not self._adopting and self._engine is not None and not self.document.checks_pending:
            self.status.emit(f"Checks: {counts_text(self.counts)}")  # not taken: the edit was undone
        if self._rerun:
            self._rerun = False
            self.schedule()
            return
        self._on_changed()

    def _on_changed(self, _changes=None) -> None:
        """The attached engine deferred an edit's full run (a wide edit of a large design, or the
        edits made while the last such run went): run it on a worker, one at a time. A run that
        ends while the engine still waits is taken, else dropped (the edit was undone)."""
        if self.document.checks_pending and self._job is None and self._engine is not None:
            self._start_job(fresh=False)

    def _adopt(self, attach: Callable[[], CheckEngine | None], started: float, inline: bool) -> None:
        """Attach a finished run's engine, then index and list its findings and re-mark the views:
        now (`inline`: a design checked here, the window already held for the run), else in slices
        on later turns of the event loop. Edits meanwhile go to the new engine (`_on_delta`)."""
        old = self._engine
        engine = attach()
        if engine is None:
            return
        self._work.clear()  # an older adoption's slices, if one was still going
        if old is not engine:  # a deferred run taken keeps its engine, and its connection
            if old is not None:
                old.changed.disconnect(self._on_delta)
            engine.changed.connect(self._on_delta)
        self._engine, self._started, self._adopting = engine, started, True
        # a large design's edit that would run every rule leaves that run to a worker
        engine.defer_full = self._large()
        findings = engine.findings()
        self.counts = tally(findings)
        self._keys = Counter((f.key, f.severity) for f in findings)
        self._index.clear()
        self._targets.clear()
        unadopted: dict[Finding, int] = {}
        for f in reversed(findings):  # popitem() takes the last: the first finding comes first
            unadopted[f] = unadopted.get(f, 0) + 1
        self._unadopted, self._unadopted_count = unadopted, len(findings)
        self.reset.emit()
        self.status.emit(f"Checking… taking in the results ({len(findings):,} findings)")
        if not inline:
            self.follow(self._adoption())
            return
        self._inline += 1
        try:
            self.follow(self._adoption())
        finally:
            self._inline -= 1
        self._adopted()

    def _adoption(self) -> Iterator[None]:
        """Index and list the findings ADOPT_CHUNK at a time, in order (a `delta` of added findings
        per chunk), then re-mark everything."""
        unadopted = self._unadopted
        while unadopted:
            chunk: list[Finding] = []
            while unadopted and len(chunk) < ADOPT_CHUNK:
                f, n = unadopted.popitem()
                chunk += [f] * n
                self._unadopted_count -= n
            for f in chunk:
                self._add(f)
            self.delta.emit(FindingsDelta(added=chunk))
            yield
        self.markers_changed.emit(None)

    def _adopted(self) -> None:
        """All of the adoption's work is done: the checks are done."""
        if not self._adopting:
            return
        self._adopting = False
        engine = self._engine
        self.last_run_s = time.perf_counter() - self._started
        rules = len(engine.rules_run()) if engine is not None else 0
        self.status.emit(f"Checks: {counts_text(self.counts)} ({rules} rules, {self.last_run_s:.1f} s)")

    # --- sliced work -----------------------------------------------------------------------------

    def follow(self, work: Iterator[object]) -> None:
        """Run `work` one step (`next`) at a time on later turns of the event loop, ADOPT_BUDGET_S
        of steps a turn, after the work already queued. An adoption is done once all of it is; an
        adoption that runs at once (a design checked here) runs `work` at once too."""
        if self._inline:
            for _ in work:
                pass
            return
        self._work.append(work)
        if not self._ticker.isActive():
            self._ticker.start()

    @guarded
    def _tick(self) -> None:
        deadline = time.perf_counter() + ADOPT_BUDGET_S
        queue = self._work
        try:
            while queue:
                work = queue[0]
                paused = False
                try:
                    for _ in work:
                        if time.perf_counter() >= deadline:
                            paused = True
                            return
                finally:
                    if not paused and queue and queue[0] is work:
                        queue.popleft()  # done, or failed: not run again
        finally:
            if not queue:
                self._ticker.stop()
                self._adopted()

    # --- the document -----------------------------------------------------------------------------

    def _on_replaced(self) -> None:
        self._engine = None
        self._rerun = False
        self._job, self._relay = None, None
        self._adopting = False
        self._unadopted, self._unadopted_count = {}, 0
        self._work.clear()
        self._index.clear()
        self._targets.clear()
        self.counts = Counter()
        self._keys = Counter()
        self.reset.emit()
        self.markers_changed.emit(None)
        if self.started:
            self.schedule()

    def _on_delta(self, delta: FindingsDelta) -> None:
        """An edit's findings delta. While an adoption is going, a removed finding not adopted yet
        is dropped from those to come (never listed); added ones are adopted now."""
        touched: set[str] = set()
        removed: list[Finding] = []
        unadopted = self._unadopted
        for f in delta.removed:
            n = unadopted.get(f, 0)
            if n:
                self._unadopted_count -= 1
                if n == 1:
                    del unadopted[f]
                else:
                    unadopted[f] = n - 1
                continue
            removed.append(f)
            touched.update(self._unindex(f))
        self.counts.subtract(tally(delta.removed))
        self._keys.subtract((f.key, f.severity) for f in delta.removed)
        for f in delta.added:
            touched.update(self._add(f))
        self.counts.update(tally(delta.added))
        self._keys.update((f.key, f.severity) for f in delta.added)
        self.delta.emit(FindingsDelta(added=list(delta.added), removed=removed) if len(removed) < len(delta.removed)
                        else delta)
        if touched:
            self.markers_changed.emit(touched)
        if delta and not self._adopting:
            self.status.emit(f"Checks: {counts_text(self.counts)}")

    # --- the marker index ------------------------------------------------------------------------

    def _where(self, f: Finding) -> tuple[str, ...]:
        design = self.design
        ids = list(f.objects)
        for obj_id in f.objects:
            conn = design.connections.get(obj_id)
            if conn is not None:
                ids += [conn.a.owner, conn.b.owner]
            feed = design.feeds.get(obj_id)
            if feed is not None and feed.rack is not None:
                ids.append(feed.rack)
        return tuple(dict.fromkeys(ids))

    def _add(self, f: Finding) -> tuple[str, ...]:
        if not f.counts or f.severity not in _MARKED:
            return ()
        where = self._where(f)
        self._targets[f] = where
        for obj_id in where:
            self._index.setdefault(obj_id, []).append(f)
        return where

    def _unindex(self, f: Finding) -> tuple[str, ...]:
        where = self._targets.pop(f, ())
        for obj_id in where:
            found = self._index.get(obj_id)
            if found is not None and f in found:
                found.remove(f)
                if not found:
                    del self._index[obj_id]
        return where

    def news(self, findings: Iterable[Finding]) -> list[Finding]:
        """Of a preview's findings, the unwaived errors and warnings that are new: a key not found
        now, or found now at a milder severity (a finding that only changed its figures is not news)."""
        out = []
        for f in findings:
            if not f.counts or f.severity not in _MARKED:
                continue
            known = [s for s in Severity if self._keys[(f.key, s)] > 0]
            if not known or min(s.rank for s in known) > f.severity.rank:
                out.append(f)
        return out

    def findings_about(self, obj_id: str) -> list[Finding]:
        """Unwaived errors and warnings that name `obj_id` (or a cable or feed of it)."""
        return list(self._index.get(obj_id, ()))

    @property
    def marks_anything(self) -> bool:
        """Whether any object has a marker (none before the first run ends)."""
        return bool(self._index)

    def marker(self, ids: Iterable[str]) -> Marker | None:
        """The marker for an item that shows these objects."""
        found: list[Finding] = []
        for obj_id in ids:
            found.extend(self._index.get(obj_id, ()))
        return marker_of(found)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule `rule_id` of the engine whose results are shown."""
        engine = self._results_engine()
        return engine.registry.get(rule_id) if engine is not None else None

    def rack_load(self, rack_id: str) -> tuple[Bar, Bar] | None:
        """A rack's bars from the engine's metrics; while an edit's full run is deferred, from the
        same metrics computed on demand for the design as it is (`Document.figures`)."""
        engine = self._results_engine()
        if engine is None and self.deferred and rack_id in self.design.racks:
            return rack_summary(self.design, self.document.figures.rack_metrics(rack_id)).bars()
        if engine is None or rack_id not in engine.design.racks:
            return None
        return rack_load(engine, rack_id)


__all__ = ["Bar", "ChecksController", "Marker", "counts_text", "marker_of", "rack_load", "tally"]
