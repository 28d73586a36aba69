"""The design's derived indexes: after any edits they hold what a fresh `reindex` builds (the ports in
use too, where a breakout port's legs share one port), and a check job's snapshot, reindexed with
copies of the live id table and port index, holds the same."""
from __future__ import annotations

from rackstudio.document import Document, snapshot
from rackstudio.io import load
from rackstudio.model import Connection
from rackstudio.model.design import Design, PortRef
from rackstudio.paths import example_design
from tests.core import builders


def _leg(conn_id: str, leg: int, far: str) -> Connection:
    return Connection(id=conn_id, kind="network", a=PortRef(owner="sw-1", port="Eth1", leg=leg),
                      b=PortRef(owner=far, port="Eth1"))


def _indexes(design: Design) -> tuple:
    ix = design.index
    return (ix.where, set(ix.port_use), {k: v for k, v in ix.contents.items() if v},
            {k: v for k, v in ix.attached.items() if v}, {k: v for k, v in ix.drops.items() if v})


def _fresh(design: Design) -> tuple:
    copy = snapshot(design)
    copy.reindex()
    return _indexes(copy)


def test_a_breakout_port_stays_in_use_while_any_of_its_legs_is_cabled():
    design = builders.empty_design()
    for n in (1, 2, 3):
        design.put("connections", _leg(f"cn-{n}", n, f"srv-{n}"))
    assert design.port_connection("network", "sw-1", "Eth1") == "cn-1"
    design.delete("cn-1")
    assert design.port_connection("network", "sw-1", "Eth1") == "cn-2"  # the next leg, as a reindex finds
    assert _indexes(design) == _fresh(design)
    design.delete("cn-3")
    design.delete("cn-2")
    assert design.port_connection("network", "sw-1", "Eth1") is None
    assert not design.index.shared_ports
    assert _indexes(design) == _fresh(design)


def test_replacing_a_leg_s_cable_keeps_the_port_in_use():
    design = builders.empty_design()
    design.put("connections", _leg("cn-1", 1, "srv-1"))
    design.put("connections", _leg("cn-2", 2, "srv-2"))
    design.put("connections", _leg("cn-1", 1, "srv-3"))  # the same id, another far end
    assert design.port_connection("network", "sw-1", "Eth1") is not None
    assert _indexes(design) == _fresh(design)
    design.delete("cn-2")
    assert design.port_connection("network", "sw-1", "Eth1") == "cn-1"


def test_a_check_job_s_snapshot_indexes_as_a_fresh_reindex_would():
    doc = Document(load(example_design()).design)
    job = doc.check_job()
    ids = doc.design.ids_copy()
    assert ids.where is not doc.design.index.where and ids.port_use is not doc.design.index.port_use
    job.run()
    assert _indexes(job.design) == _fresh(doc.design)
