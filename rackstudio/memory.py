"""The cyclic garbage collector around bulk work on a whole design.

Loading, building the component graph and a full check each allocate hundreds of thousands of
small objects, none in reference cycles; every collection they set off would walk the whole
loaded design (about a million objects at 1,000 racks), which is a quarter or more of their time
(BENCHMARKS.md). Pausing the collector for the duration is the one remedy, kept here once."""
from __future__ import annotations

import gc
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
