"""memory.release: a full check's memo emptied off the main thread by dropping references a slice
at a time (values shared with what outlives the memo stay as they are); on the main thread at once."""
from __future__ import annotations

import threading

from rackstudio import memory


def test_release_on_a_worker_empties_the_table_and_leaves_shared_values_alone():
    shared = list(range(50))
    table = {i: shared if i % 7 == 0 else i for i in range(45_001)}
    worker = threading.Thread(target=memory.release, args=(table,))
    worker.start()
    worker.join()
    assert table == {}
    assert shared == list(range(50))


def test_release_on_the_main_thread_clears_at_once():
    table = {i: [i] for i in range(100)}
    memory.release(table)
    assert table == {}
