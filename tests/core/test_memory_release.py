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


class _Watched(list):
    """A list that records the slices deleted from it."""

    def __init__(self, items, deleted):
        super().__init__(items)
        self.deleted = deleted

    def __delitem__(self, index):
        self.deleted.append(index)
        super().__delitem__(index)


def test_a_large_table_held_only_by_the_released_one_is_emptied_in_slices_too():
    deleted: list = []
    shared = _Watched(range(50_000), [])
    table = {"whole design": _Watched(range(50_000), deleted), "kept elsewhere": shared}
    worker = threading.Thread(target=memory.release, args=(table, 20_000))
    worker.start()
    worker.join()
    assert table == {} and len(deleted) == 3  # 50,000 items dropped 20,000 at a time
    assert len(shared) == 50_000 and shared.deleted == []  # another holder's is left as it is


class _Flow:
    """A value holding a large table in an attribute, as a pass's power flow does."""

    def __init__(self, table):
        self.table = table


def test_large_tables_inside_a_released_tuple_or_object_are_emptied_in_slices():
    in_tuple, in_object, shared = [], [], _Watched(range(50_000), [])
    table = {"edges": (_Watched(range(50_000), in_tuple), shared), "flow": _Flow(_Watched(range(50_000), in_object))}
    worker = threading.Thread(target=memory.release, args=(table, 20_000))
    worker.start()
    worker.join()
    assert table == {} and len(in_tuple) == 3 and len(in_object) == 3
    assert len(shared) == 50_000 and shared.deleted == []
