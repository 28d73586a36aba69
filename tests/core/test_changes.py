"""The ChangeSet: its collections are the design's tables (a misspelt one is refused where it is
written), and `touched` / `collections` name every id and table an edit touched."""
import pytest

from rackstudio.changes import ChangeSet, Collection
from rackstudio.commands.base import LIBRARY, Command, Edit
from rackstudio.model.design import COLLECTIONS, Design


def test_the_collections_are_the_design_tables_and_the_library():
    assert {c.value for c in Collection} == set(COLLECTIONS) | set(LIBRARY)
    for name in (c.value for c in Collection):
        assert isinstance(getattr(Design(), name), dict)


def test_touched_names_every_id_once_with_its_collection():
    changes = ChangeSet()
    changes.add("rk-1", Collection.RACKS)
    changes.add("srv", Collection.DEVICES)
    changes.change("feed-a", Collection.FEEDS)
    changes.remove("srv", Collection.DEVICES)  # added then removed: never there
    changes.remove("c-1", Collection.CONNECTIONS)
    changes.add("c-1", Collection.CONNECTIONS)  # removed then added: changed
    assert changes.touched() == {"rk-1": "racks", "feed-a": "feeds", "c-1": "connections"}
    assert changes.collections() == {Collection.RACKS, Collection.FEEDS, Collection.CONNECTIONS}
    assert changes.changed == {"feed-a": "feeds", "c-1": "connections"}


class _Misspelt(Command):
    def plan(self, design):
        return [Edit("rakcs", "rk-1", None, object())]


def test_a_misspelt_collection_is_refused_before_anything_changes():
    design = Design()
    with pytest.raises(ValueError, match="rakcs"):
        _Misspelt().apply(design)
    assert not design.racks
