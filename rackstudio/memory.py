"""The cyclic garbage collector around bulk work on a whole design.

Loading, building the component graph and a full check each allocate hundreds of thousands of
small objects, none in reference cycles; every collection they set off would walk the whole
loaded design (about a million objects at 1,000 racks), which is a quarter or more of their time
(BENCHMARKS.md). Pausing the collector for the duration is the one remedy, kept here once."""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic GC for the block (a no-op inside another pause). With `freeze`, what is
    alive after a block that succeeded moves out of the collector's generations (`gc.freeze`), so
    later collections never walk it; frozen objects are still freed when their last reference
    goes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if was_enabled and freeze:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def release(table: dict, slice_size: int = 20000) -> None:
    """Empty a large dict. On the main thread in one `clear()`; on any other thread a slice at a
    time, because one `clear()` of a full check's memo (about a million objects at 1,000 racks) is
    a single C call that holds the GIL, so the GUI thread could not run for its whole length (the
    window stalled 60 ms and more); popped in slices, the interpreter can switch threads between.
    Only references are dropped: a value may be shared with what outlives the table."""
    if threading.current_thread() is threading.main_thread():
        table.clear()
        return
    while table:
        for _ in range(min(len(table), slice_size)):
            table.popitem()
