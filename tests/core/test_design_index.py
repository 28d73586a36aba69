"""The design's derived indexes: after any edits they hold what a fresh `reindex` builds (the ports in
use too, where a breakout port's legs share one port), and a check job's snapshot, reindexed with
the id table and port index the live design lends it, holds the same."""
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
    job.run()
    assert _indexes(job.design) == _fresh(doc.design)


def _tables(tables: dict) -> dict:
    """The contents of lent tables (`Design.lend`), copied to compare later."""
    return {name: {k: list(v) if isinstance(v, list) else v for k, v in table.items()}
            for name, table in tables.items()}


def test_a_check_job_borrows_the_live_tables_and_edits_meanwhile_copy_them_first():
    doc = Document(load(example_design()).design)
    live = doc.design
    for n in (1, 2):  # a breakout port, so the shared-ports table has something to lend
        live.put("connections", _leg(f"cn-leg-{n}", n, f"srv-{n}"))
    job = doc.check_job()
    # nothing is copied when the job starts: the snapshot reads the live design's own tables
    assert job.design.devices is live.devices and job.design.connections is live.connections
    assert job.lent["where"] is live.index.where and job.lent["port_use"] is live.index.port_use
    before = _tables(job.lent)
    connections = live.connections
    live.delete("cn-leg-1")  # a write copies the connections and the id and port tables first
    assert live.connections is not connections and job.design.connections is connections
    live.put("connections", _leg("cn-leg-3", 3, "srv-3"))
    device = next(iter(live.devices.values()))
    live.delete(device.id)
    live.put("devices", device)
    assert _tables(job.lent) == before  # the snapshot's tables never changed under it
    job.run()
    assert job.design.index.where is job.lent["where"]  # the snapshot indexed with the lent tables
    assert _indexes(live) == _fresh(live)
    assert doc.adopt_check_engine(job) is not None
    assert not live.index.lent  # given back: later writes go in place
    where = live.index.where
    live.delete("cn-leg-3")
    assert live.index.where is where


def test_a_table_lent_to_two_jobs_stays_lent_until_both_give_it_back():
    design = load(example_design()).design
    first, second = design.lend(), design.lend()
    design.give_back(first)
    where = design.index.where
    design.delete(next(iter(design.connections)))
    assert design.index.where is not where and second["where"] is where  # copied: the second still reads it
    design.give_back(second)
    assert not design.index.lent


def test_new_ids_read_every_prefix_in_one_pass_as_one_scan_per_prefix_would():
    """`new_id` reads the largest number of every prefix at once (the first paste at 5,000 racks
    scanned the ids once per prefix, 1.7 s); each prefix gets what a scan of its own would give."""
    design = load(example_design()).design

    def scanned(prefix: str) -> int:  # the rule: one more than the largest N of the ids `prefix-...-N`
        return 1 + max((int(k.rsplit("-", 1)[1]) for k in design.index.where
                        if k.startswith(prefix + "-") and k.rsplit("-", 1)[1].isdigit()), default=0)

    prefixes = sorted({k[:i] for k in design.index.where for i, ch in enumerate(k) if ch == "-"})
    expected = {p: f"{p}-{scanned(p)}" for p in prefixes + ["new"]}
    assert len(prefixes) > 5
    assert {p: design.new_id(p) for p in expected} == expected
    assert design.new_id(prefixes[0]) == f"{prefixes[0]}-{scanned(prefixes[0]) + 1}"  # never the same twice
