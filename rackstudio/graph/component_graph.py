"""Qt-free. The component graph: a networkx MultiDiGraph derived from a design.

Nodes: halls, rows, racks, devices, UPSes, panels, feeds, and one busbar node per busbar rack
(`<rack>#busbar`). Ports are edge attributes, never nodes: a port-per-node graph took 7.4 s and
548 MiB at 4,000 racks (docs/platform.md). Edges carry `kind`:
  contains  container → child (hall→row→rack→device, parent device→child, hall→floor device)
  power     supplier → consumer (UPS→panel→feed, feed/outlet→PSU inlet, shelf→busbar→tray)
  network   a → b of a cable (read undirected)
  coolant   a → b of a coolant connection (read undirected)
Edges from connections are keyed by the connection id. `apply(changes)` updates only the
nodes and edges an edit touched; the graph is never rebuilt during editing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rackstudio.changes import ChangeSet
from rackstudio.memory import empty, gc_paused, release
from rackstudio.model.design import Design
from rackstudio.model.parts import Category

if TYPE_CHECKING:
    import networkx as nx

NODE_COLLECTIONS = ("halls", "rows", "racks", "devices", "upses", "panels", "feeds")
_KIND = {"halls": "hall", "rows": "row", "racks": "rack", "devices": "device", "upses": "ups",
         "panels": "panel", "feeds": "feed"}
_STRUCTURAL = ("contains", "supplies", "busbar")
_END_TABLES = 64  # ComponentGraph._conn_ends: tables of cable ends, by key hash


def busbar_node(rack_id: str) -> str:
    return f"{rack_id}#busbar"


_VIEWS_OF_THE_GRAPH = ("edges", "out_edges", "in_edges", "degree", "in_degree", "out_degree")


class ComponentGraph:
    def __init__(self, design: Design):
        import networkx as nx  # here, not at import: 0.14 s of the app's start-up, and the first paint needs no graph

        self.design = design
        self.g = nx.MultiDiGraph()
        with gc_paused(freeze=True):  # the build's new dicts would set off collections that walk the design,
            # and the one after it the graph itself (0.1-0.45 s at 1,000 racks): it outlives the build
            nodes = self._nodes()
            structural = []
            for name in NODE_COLLECTIONS:
                for obj_id in getattr(design, name):
                    for edge in self._own_edges(obj_id, name, nodes.__contains__):
                        if name == "racks" and edge[1] == busbar_node(obj_id):
                            nodes[edge[1]] = {"kind": "busbar", "rack": obj_id}
                        structural.append(edge)
            cables = [self._connection_edge(c) for c in design.connections.values()]
            _bulk_build(self.g, nodes, structural + cables)
            # each cable's (u, v), in 64 tables by its key's hash: one table of 600,000 cables
            # (5,000 racks) grew by resizes that each held the GIL for 50-60 ms on a check's worker
            self._conn_ends: list[dict[str, tuple[str, str]]] = [{} for _ in range(_END_TABLES)]
            ends = self._conn_ends
            for u, v, key, _ in cables:
                ends[hash(key) % _END_TABLES][key] = (u, v)
            for temporary in (cables, structural, nodes):  # on a worker, not freed whole on return
                empty(temporary)

    def __del__(self) -> None:
        """Drop the edge views networkx keeps on the graph (cached properties): each refers back to
        the graph, and a cycle of objects the build froze (`gc_paused(freeze=True)`) is never
        collected, so a dropped graph would stay in memory for good."""
        cached = getattr(getattr(self, "g", None), "__dict__", None)
        if cached:
            for name in _VIEWS_OF_THE_GRAPH:
                cached.pop(name, None)

    def release(self) -> None:
        """Empty a graph no one will read again, its tables a slice at a time off the main thread
        (`memory.release`): a check job's graph that the document does not take (it has its own)
        would otherwise be freed whole where the job is dropped, on the window's thread, a million
        small dicts in one go at 1,000 racks (80-90 ms)."""
        for owner in (self.g, self):
            for value in list(vars(owner).values()):
                if isinstance(value, dict):
                    release(value)
        for table in self._conn_ends:
            release(table)

    def _nodes(self) -> dict[str, dict]:
        """Node id → attributes, as `_add_node` sets them, in the order it adds them."""
        d = self.design
        nodes: dict[str, dict] = {}
        for name in NODE_COLLECTIONS:
            table = getattr(d, name)
            if name == "devices":
                parts = d.part_types
                for obj_id, device in table.items():
                    nodes[obj_id] = {"kind": "device", "category": parts[device.part].rackstudio.category.value}
            else:
                kind = _KIND[name]
                for obj_id in table:
                    nodes[obj_id] = {"kind": kind}
        return nodes

    # --- incremental update ------------------------------------------------------------------

    def apply(self, changes: ChangeSet) -> None:
        g = self.g
        for obj_id, coll in changes.removed.items():
            if coll == "connections":
                self._remove_connection(obj_id)
        for obj_id, coll in changes.removed.items():
            if coll in _KIND and obj_id in g:
                if coll == "racks":
                    self._drop_busbar(obj_id)
                g.remove_node(obj_id)
        touched = [(i, c) for i, c in (*changes.added.items(), *changes.changed.items()) if c in _KIND]
        for obj_id, coll in touched:
            self._add_node(obj_id, coll)
        for obj_id, coll in touched:
            self._detach(obj_id)
            self._attach(obj_id, coll)
            if coll == "racks" and obj_id in changes.changed:
                self._drop_busbar(obj_id)
                self._attach(obj_id, coll)
                for dev_id in self.design.contents(obj_id):
                    self._detach(dev_id)
                    self._attach(dev_id, "devices")
        for obj_id, coll in changes.changed.items():
            if coll == "connections":
                self._remove_connection(obj_id)
        for obj_id, coll in (*changes.added.items(), *changes.changed.items()):
            if coll == "connections":
                self._add_connection(obj_id)

    # --- building blocks -----------------------------------------------------------------------

    def _add_node(self, obj_id: str, coll: str) -> None:
        attrs = {"kind": _KIND[coll]}
        if coll == "devices":
            device = self.design.devices[obj_id]
            attrs["category"] = self.design.part_types[device.part].rackstudio.category.value
        self.g.add_node(obj_id, **attrs)

    def _detach(self, obj_id: str) -> None:
        """Drop the structural edges that follow from a record's own fields (not its cables)."""
        g = self.g
        stale = [(u, v, k) for u, v, k, kind in g.in_edges(obj_id, keys=True, data="kind") if kind in _STRUCTURAL]
        stale += [(u, v, k) for u, v, k, kind in g.out_edges(obj_id, keys=True, data="kind") if kind == "busbar"]
        g.remove_edges_from(stale)

    def _drop_busbar(self, rack_id: str) -> None:
        node = busbar_node(rack_id)
        if node in self.g:
            self.g.remove_node(node)

    def _attach(self, obj_id: str, coll: str) -> None:
        g = self.g
        for u, v, key, attrs in self._own_edges(obj_id, coll, g.__contains__):
            if coll == "racks" and v == busbar_node(obj_id):
                g.add_node(v, kind="busbar", rack=obj_id)
            g.add_edge(u, v, key=key, **attrs)

    def _own_edges(self, obj_id: str, coll: str, exists) -> list[tuple[str, str, str, dict]]:
        """The structural edges that follow from a record's own fields, as (u, v, key, attrs).
        A busbar rack's edge to its busbar node comes only while `exists` says that node is not
        there yet: the caller then adds the node."""
        d = self.design
        obj = getattr(d, coll)[obj_id]
        if coll == "rows":
            return [(obj.hall, obj_id, "contains", {"kind": "contains"})]
        if coll == "racks":
            edges = [(obj.row or obj.hall, obj_id, "contains", {"kind": "contains"})]
            if d.rack_types[obj.rack_type].busbar is not None and not exists(busbar_node(obj_id)):
                edges.append((obj_id, busbar_node(obj_id), "contains", {"kind": "contains"}))
            return edges
        if coll == "devices":
            edges = [(obj.parent or obj.rack or obj.hall, obj_id, "contains", {"kind": "contains"})]
            bus = busbar_node(obj.rack) if obj.rack else None
            if bus and exists(bus):
                ext = d.part_types[obj.part].rackstudio
                if ext.category == Category.POWER_SHELF:
                    edges.append((obj_id, bus, obj_id, {"kind": "busbar"}))
                elif ext.power.source == "busbar":
                    edges.append((bus, obj_id, "busbar", {"kind": "busbar"}))
            return edges
        if coll == "panels" and obj.ups:
            return [(obj.ups, obj_id, "supplies", {"kind": "supplies"})]
        if coll == "feeds" and obj.panel:
            return [(obj.panel, obj_id, "supplies", {"kind": "supplies"})]
        return []

    @staticmethod
    def _connection_edge(c) -> tuple[str, str, str, dict]:
        if c.kind == "power":  # supplier → consumer
            return c.b.owner, c.a.owner, c.id, {"kind": "power", "supplier_port": c.b.port,
                                                  "consumer_port": c.a.port}
        return c.a.owner, c.b.owner, c.id, {"kind": c.kind, "a_port": c.a.port, "b_port": c.b.port}

    def _add_connection(self, conn_id: str) -> None:
        u, v, key, attrs = self._connection_edge(self.design.connections[conn_id])
        self.g.add_edge(u, v, key=key, **attrs)
        self._conn_ends[hash(conn_id) % _END_TABLES][conn_id] = (u, v)

    def _remove_connection(self, conn_id: str) -> None:
        ends = self._conn_ends[hash(conn_id) % _END_TABLES].pop(conn_id, None)
        if ends is not None and self.g.has_edge(*ends, key=conn_id):
            self.g.remove_edge(*ends, key=conn_id)

    # --- comparison (tests, integrity) -------------------------------------------------------

    def snapshot(self) -> tuple[list, list]:
        """Sorted nodes with attributes and sorted edges with attributes."""
        nodes = sorted((n, tuple(sorted(a.items()))) for n, a in self.g.nodes(data=True))
        edges = sorted((u, v, str(k), tuple(sorted(a.items()))) for u, v, k, a in self.g.edges(keys=True, data=True))
        return nodes, edges


def _bulk_build(g: nx.MultiDiGraph, nodes: dict[str, dict], edges: list[tuple[str, str, str, dict]]) -> None:
    """Fill an empty MultiDiGraph with `nodes`, then `edges`, through its node and adjacency
    dicts: what `add_node`/`add_edge` would store, in the same insertion order (so every query
    iterates the same way), without their per-call checks and cache clearing, which were most of
    the build (BENCHMARKS.md). An edge to a node that is not in the design adds that node without
    attributes, as `add_edge` does. Relies on networkx 3's layout (`_node`, `_succ`, `_pred`;
    pinned < 3.7 in pyproject.toml); the tests compare a built graph with one kept up to date
    edit by edit through the public API."""
    node, succ, pred = g._node, g._succ, g._pred
    # each table sized once: an empty dict updated from a dict copies its table whole (4 ms for
    # 200,000 nodes at 5,000 racks), then the values are replaced; grown an insert at a time,
    # their resizes held the GIL 50 ms on a check's worker (`dict.fromkeys`, 20)
    node.update(nodes)
    succ.update(nodes)
    pred.update(nodes)
    for n in nodes:
        succ[n] = {}
        pred[n] = {}
    for u, v, key, attrs in edges:
        if u not in succ or v not in succ:
            for n in (u, v):
                if n is None:
                    raise ValueError("None cannot be a node")
                if n not in succ:
                    node[n], succ[n], pred[n] = {}, {}, {}
        out = succ[u]
        keydict = out.get(v)
        if keydict is None:
            out[v] = pred[v][u] = {key: attrs}
        elif key in keydict:
            keydict[key].update(attrs)
        else:
            keydict[key] = attrs
    import networkx as nx

    nx._clear_cache(g)
