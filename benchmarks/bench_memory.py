"""7. Memory over a long edit session on L: 1,000 edit/undo cycles through the real main window
(its undo stack, views and docks, and its live checks; a window without them gets a CheckEngine
following the document). Edits alternate: move a cabled 1U device into the unit a removed blanking panel left
(one composite step) and move one end of a cable to a free port; each is undone at once.
Growth = RSS after the 1,000 cycles against RSS after 50 warm-up cycles (caches filled), both
after a full garbage collection. (The peak RSS with L and XL open is in bench_open.)
"""
from __future__ import annotations

import gc
import itertools
import random
import time

from benchmarks import gui
from benchmarks.bench_checks import move_candidates, reconnect_candidates
from benchmarks.designs import design_file
from benchmarks.report import Run, median, rss_mib

CYCLES = 1000
WARM_UP = 50
TIME_CAP_S = 300  # keeps `make bench` bounded on a slow machine; the cycles done are recorded


def edits(design, rng: random.Random):
    """Commands to cycle through, built fresh each time (a command captures state when applied)."""
    from rackstudio.commands import Composite, Connect, Disconnect, MoveDevice, RemoveDevice
    from rackstudio.model.design import PortRef

    moves = move_candidates(design, rng)[:100]
    cables = reconnect_candidates(design, rng)
    for (dev_id, blank_id, position), (conn_id, port) in zip(itertools.cycle(moves), itertools.cycle(cables)):
        yield lambda d=dev_id, b=blank_id, p=position: Composite(
            "Move into the free unit", [RemoveDevice(b), MoveDevice(d, position=p)])
        c = design.connections[conn_id]
        yield lambda c=c, port=port: Composite("Reconnect", [Disconnect(c.id), Connect(
            c.kind, c.a, PortRef(owner=c.b.owner, port=port), media=c.media, length_m=c.length_m)])


def main() -> None:
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.document import Document

    run = Run("memory-L", "python -m benchmarks.bench_memory")
    print("7. memory over 1,000 edit/undo cycles on L", flush=True)
    window = gui.main_window()
    document = Document.open(design_file("L"))[0]
    window.set_document(document)
    gui.wait_for_checks(window)
    if document.check_engine is None:  # a window without live checks: follow the edits here
        CheckEngine(document.design, document.graph, builtin_registry()).follow(document)
    source = edits(document.design, random.Random(1))
    cycle_ms, refused = [], []

    def cycle() -> None:
        t0 = time.perf_counter()
        if not window.editor.execute(next(source)()):
            refused.append(1)
        window.undo_stack.undo()
        gui.settle(1)
        cycle_ms.append((time.perf_counter() - t0) * 1000)

    for _ in range(WARM_UP):
        cycle()
    gc.collect()
    before = rss_mib()
    start, done = time.perf_counter(), 0
    while done < CYCLES and time.perf_counter() - start < TIME_CAP_S:
        cycle()
        done += 1
    gc.collect()
    after = rss_mib()
    growth = (after - before) / before * 100
    run.figure("memory.growth", round(growth, 2), rss_before_mib=round(before, 1), rss_after_mib=round(after, 1),
               cycles=done, refused=len(refused), cycle_median_ms=round(median(cycle_ms), 1))
    run.note(f"{done} cycles (after {WARM_UP} warm-up): RSS {before:.0f} → {after:.0f} MiB; "
             f"one edit + undo (window, views, checks) median {median(cycle_ms):.0f} ms")
    if refused:
        run.note(f"{len(refused)} edits were refused (nothing changed in those cycles)")
    if done < CYCLES:
        run.note(f"stopped at the {TIME_CAP_S} s cap after {done} cycles")
    run.finish()


if __name__ == "__main__":
    main()
