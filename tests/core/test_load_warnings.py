"""What loading reports as repairable (`integrity.warnings`), read from the freshly built indexes
where it can: the same findings as walking every cable end."""
from __future__ import annotations

from rackstudio.io import dumps, parse
from rackstudio.model import integrity
from rackstudio.model.design import Connection, PortRef
from tests.core.test_project_file import small_design


def _loaded_with(*connections):
    design = small_design()
    for c in connections:
        design.put("connections", c)
    return parse(dumps(design))


def _shared(warnings):
    return [(where, what) for where, what in warnings if "already has connection" in what]


def test_a_port_with_two_cables_is_reported_on_load():
    second = Connection(id="c-second", kind="power", a=PortRef(owner="srv-1", port="PSU1"),
                        b=PortRef(owner="pdu-a", port="O2"))
    loaded = _loaded_with(second)
    first, later = sorted(c.id for c in loaded.design.connections.values() if c.a == second.a)
    expected = [(f"$.connections.{later}", f"port PSU1 of {loaded.design.devices['srv-1'].name} already has "
                                           f"connection {first}")]
    assert _shared(loaded.warnings) == expected
    assert _shared(integrity.warnings(loaded.design)) == expected  # the walk of every end agrees


def test_many_cords_from_one_feed_share_nothing():
    """A feed supplies many inlets, with or without a port name on its end."""
    cords = [Connection(id=f"c-f{i}", kind="power", a=PortRef(owner="srv-1", port=f"PSU{i}"),
                        b=PortRef(owner="feed-b", port="L1" if i == 2 else "")) for i in (2, 3)]
    loaded = _loaded_with(*cords)
    assert _shared(loaded.warnings) == [] == _shared(integrity.warnings(loaded.design))
