"""Qt-free. Questions the checks, the views and the reports ask of the component graph.

All answers are sorted, so they are the same on every run and every machine.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from rackstudio.graph.component_graph import ComponentGraph, busbar_node
from rackstudio.model.parts import Category

_POWER = ("power", "supplies", "busbar")


def _suppliers(cg: ComponentGraph, node: str) -> list[tuple[str, str, dict]]:
    return [(u, k, a) for u, _, k, a in cg.g.in_edges(node, keys=True, data=True) if a["kind"] in _POWER]


def inlet_suppliers(cg: ComponentGraph, device_id: str, port: str) -> list[str]:
    """Nodes feeding one power inlet of a device (normally one outlet's device or a feed)."""
    return sorted(u for u, _, a in _suppliers(cg, device_id)
                  if a["kind"] == "power" and a.get("consumer_port") == port)


def upstream(cg: ComponentGraph, node: str) -> list[str]:
    """Every supplier above a node, up to the UPSes: the node's whole power path."""
    seen: set[str] = set()
    queue = deque([node])
    while queue:
        for u, _, _ in _suppliers(cg, queue.popleft()):
            if u not in seen:
                seen.add(u)
                queue.append(u)
    return sorted(seen)


def feeds_of(cg: ComponentGraph, node: str, port: str | None = None) -> list[str]:
    """The feeds a device (or one of its inlets) ultimately draws from."""
    start = inlet_suppliers(cg, node, port) if port is not None else [node]
    found: set[str] = set()
    for s in start:
        if cg.g.nodes[s].get("kind") == "feed":
            found.add(s)
        found.update(n for n in upstream(cg, s) if cg.g.nodes[n].get("kind") == "feed")
    return sorted(found)


def power_path(cg: ComponentGraph, device_id: str, port: str) -> list[list[str]]:
    """Each chain from a PSU inlet up to a feed (and its panel and UPS), nearest first."""
    paths: list[list[str]] = []

    def walk(node: str, trail: list[str]) -> None:
        sups = _suppliers(cg, node)
        if not sups:
            paths.append(trail)
            return
        for u, _, _ in sorted(sups, key=lambda s: s[0]):
            if u not in trail:
                walk(u, [*trail, u])

    for s in inlet_suppliers(cg, device_id, port):
        walk(s, [s])
    return sorted(paths)


@dataclass(frozen=True)
class FailureImpact:
    failed: str
    loses_power: list[str]
    loses_redundancy: list[str]


def failure_impact(cg: ComponentGraph, failed: str) -> FailureImpact:
    """Fail a feed, panel, UPS, PDU or power shelf: which devices go dark, which only lose a path.

    A device is powered while any of its inlets reaches a live source; it loses redundancy when
    at least one inlet (or, for busbar trays, one shelf) that was live is now dead.
    """
    g = cg.g
    below = _downstream_power(cg, failed)
    cache_before: dict[str, bool] = {}
    cache_after: dict[str, bool] = {}
    dark, degraded = [], []
    for node in sorted(below):
        if g.nodes[node].get("kind") != "device":
            continue
        live_before = _live_inputs(cg, node, None, cache_before)
        live_after = _live_inputs(cg, node, failed, cache_after)
        if live_before and not live_after:
            dark.append(node)
        elif len(live_after) < len(live_before):
            degraded.append(node)
    return FailureImpact(failed, dark, degraded)


def _downstream_power(cg: ComponentGraph, node: str) -> set[str]:
    seen: set[str] = set()
    queue = deque([node])
    while queue:
        n = queue.popleft()
        for _, v, kind in cg.g.out_edges(n, data="kind"):
            if kind in _POWER and v not in seen:
                seen.add(v)
                queue.append(v)
    return seen


def _live_inputs(cg: ComponentGraph, node: str, failed: str | None, cache: dict[str, bool]) -> list[str]:
    """The inputs of a node (inlet names, or supplier ids for busbars and infrastructure) that are live."""
    live = []
    for u, _, a in _suppliers(cg, node):
        if _is_live(cg, u, failed, cache):
            live.append(a.get("consumer_port") or u)
    return sorted(set(live))


def _is_live(cg: ComponentGraph, node: str, failed: str | None, cache: dict[str, bool]) -> bool:
    if node in cache:
        return cache[node]
    cache[node] = False  # cycle guard
    if node == failed:
        return False
    kind = cg.g.nodes[node].get("kind")
    sups = _suppliers(cg, node)
    if kind in ("ups",) or (kind == "feed" and not sups) or (kind == "panel" and not sups):
        result = True  # a source: live unless failed
    else:
        result = any(_is_live(cg, u, failed, cache) for u, _, _ in sups)
    cache[node] = result
    return result


def coolant_path(cg: ComponentGraph, device_id: str) -> list[str]:
    """The shortest coolant chain from a device to the nearest CDU (device, manifold, ..., CDU)."""
    g = cg.g
    prev: dict[str, str | None] = {device_id: None}
    queue = deque([device_id])
    while queue:
        n = queue.popleft()
        if n != device_id and g.nodes[n].get("category") == Category.CDU.value:
            path = [n]
            while prev[path[-1]] is not None:
                path.append(prev[path[-1]])
            return path[::-1]
        neighbours = [v for _, v, kind in g.out_edges(n, data="kind") if kind == "coolant"]
        neighbours += [u for u, _, kind in g.in_edges(n, data="kind") if kind == "coolant"]
        for m in sorted(set(neighbours)):
            if m not in prev:
                prev[m] = n
                queue.append(m)
    return []


def far_end(cg: ComponentGraph, conn_id: str, owner: str) -> tuple[str, str] | None:
    """The other end (owner, port) of a connection, seen from `owner`."""
    c = cg.design.connections.get(conn_id)
    if c is None:
        return None
    end = c.b if c.a.owner == owner else c.a
    return end.owner, end.port


def cable_at(cg: ComponentGraph, kind: str, owner: str, port: str) -> tuple[str, str] | None:
    """The far end of whatever cable is plugged into `port` of `owner`."""
    conn_id = cg.design.port_connection(kind, owner, port)
    return None if conn_id is None else far_end(cg, conn_id, owner)


def contents(cg: ComponentGraph, container: str) -> list[str]:
    """Everything inside a hall, row, rack or chassis, at any depth (busbar nodes excluded)."""
    seen: set[str] = set()
    queue = deque([container])
    while queue:
        n = queue.popleft()
        for _, v, kind in cg.g.out_edges(n, data="kind"):
            if kind == "contains" and v not in seen and not v.endswith("#busbar"):
                seen.add(v)
                queue.append(v)
    return sorted(seen)


def rack_devices(cg: ComponentGraph, rack_id: str) -> list[str]:
    return [n for n in contents(cg, rack_id) if cg.g.nodes[n].get("kind") == "device"]


def busbar_of(rack_id: str) -> str:
    return busbar_node(rack_id)
