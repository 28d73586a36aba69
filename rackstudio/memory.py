"""The cyclic garbage collector around bulk work on a whole design.

Loading, building the component graph and a full check each allocate hundreds of thousands of
small objects, none in reference cycles; every collection they set off would walk the whole
loaded design (about a million objects at 1,000 racks), which is a quarter or more of their time
(BENCHMARKS.md). Pausing the collector for the duration is the one remedy, kept here once."""
from __future__ import annotations

import gc
import sys
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
    getrefcount = sys.getrefcount
    while table:
        for _ in range(min(len(table), slice_size)):
            value = table.popitem()[1]
            if getrefcount(value) <= 2:  # held only here: it goes with this reference
                _shed(value, slice_size)


_EMPTIED = (dict, list, set)


def _shed(value: object, slice_size: int) -> None:
    """Before the last reference to `value` goes: empty the large tables it alone holds, itself,
    its items (a tuple) or its attributes. Freed whole, a memo's whole-design table (600,000
    entries at 5,000 racks, or a power flow's tables) is one C call holding the GIL for 50-70 ms."""
    getrefcount = sys.getrefcount
    if isinstance(value, _EMPTIED):
        if len(value) > slice_size:
            empty(value, slice_size)
    elif isinstance(value, tuple):
        for item in value:  # referenced by the tuple, `item` and the call's argument
            if isinstance(item, _EMPTIED) and len(item) > slice_size and getrefcount(item) <= 3:
                empty(item, slice_size)
    else:
        attrs = getattr(value, "__dict__", None)
        if attrs is None:
            return
        for name in [n for n, v in attrs.items() if isinstance(v, _EMPTIED) and len(v) > slice_size]:
            item = attrs.pop(name)  # the object goes now: its table is let go first
            if getrefcount(item) <= 2:
                empty(item, slice_size)


def empty(value: dict | list | set, slice_size: int = 20000) -> None:
    """`release` for a dict, list or set: a worker's large temporary table (a graph build's
    600,000 cable edges at 5,000 racks) emptied a slice at a time before it goes."""
    if isinstance(value, dict):
        release(value, slice_size)
    elif threading.current_thread() is threading.main_thread():
        value.clear()
    elif isinstance(value, list):
        while value:
            del value[-slice_size:]
    else:
        while value:
            for _ in range(min(len(value), slice_size)):
                value.pop()
