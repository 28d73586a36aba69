"""Qt-free. The power graph of a full pass as tables, and the normal flow over them in one sweep:
every power edge into and out of every node (`edge_table`), then, in one walk of Kahn's
(suppliers first, which is also `power_flow.power_order`), every node's liveness, inputs, live
inputs and the feeds at or above it, and back (consumers first) its own draw and demand
(`sweep`). A full check asks all of them (the rack figures, every power rule), so one pass over
plain dicts and lists replaces a walk, a memo key and a sorted() per node; an update asks a few
nodes and keeps `power_flow.Flow`'s walks. On a graph without loops the sweep gives, to the bit,
what the walks give: the same sums in the same order (tests/core/test_power_sweep.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import TYPE_CHECKING

from rackstudio.graph.component_graph import busbar_node
from rackstudio.model.design import Design

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext
    from rackstudio.checks.power_flow import Flow

POWER_EDGES = ("power", "supplies", "busbar")
NO_EDGES: list[tuple[str, dict]] = []

_EDGE_TABLE = "power edge table"
_INPUTS = "power inputs"
_POWER_KINDS = frozenset(POWER_EDGES)
_NO_FEEDS: frozenset[str] = frozenset()

Edges = dict[str, list[tuple[str, dict]]]


def edge_table(ctx: CheckContext) -> tuple[Edges, Edges]:
    """(into, out of) node → its power edges as `power_flow._power_edges` gives them (other end,
    attributes; sorted by other end and key), for every node at once: one scan of the graph's
    edges in a full pass, where a node asked one by one costs a memo key and a walk of all its
    edges (network ones too) each."""
    found = ctx.memo.get(_EDGE_TABLE)
    if found is None:
        found = ctx.memo[_EDGE_TABLE] = _edge_table(ctx.design, ctx.graph.g)
    return found


def _edge_table(design: Design, g) -> tuple[Edges, Edges]:
    succ, pred = g._succ, g._pred
    # every power edge leaves one of these: a UPS or panel (supplies), a cable's supplier, a
    # busbar or a shelf on it (not the rack that holds the busbar: its edges are its contents)
    ends = dict.fromkeys((*design.upses, *design.panels, *design.feeds))
    ends.update((c.b.owner, None) for c in design.connections.values() if c.kind == "power")
    for rack_id in design.racks:
        bus = busbar_node(rack_id)
        if bus in succ:
            ends[bus] = None
            ends.update((u, None) for u, keyed in pred[bus].items()
                        if any(a["kind"] in _POWER_KINDS for a in keyed.values()))
    into: Edges = {}
    out: Edges = {}
    for u in ends:
        adjacency = succ.get(u)
        if not adjacency:
            continue
        mine = [(v, a) for v, keyed in adjacency.items() for a in keyed.values() if a["kind"] in _POWER_KINDS]
        if mine:
            out[u] = mine
            for v, a in mine:
                back = into.get(v)
                if back is None:
                    into[v] = [(u, a)]
                else:
                    back.append((u, a))
    _sort(into, pred, ends)
    _sort(out, succ, succ)
    return into, out


def _sort(side: Edges, adjacency: dict, ends) -> None:
    """Each node's edges by other end, then key (most nodes have one edge, or one per other end:
    sorted by the other end alone; where two edges join the same two nodes, by their keys too,
    read again from `adjacency` where the other end is one of `ends`)."""
    for n, edges in side.items():
        if len(edges) == 1:
            continue
        if len({other for other, _ in edges}) == len(edges):
            edges.sort(key=_other_end)
        else:
            keyed = [(other, str(k), a) for other, by_key in adjacency[n].items() for k, a in by_key.items()
                     if a["kind"] in _POWER_KINDS and other in ends]
            keyed.sort(key=_other_end_and_key)
            side[n] = [(other, a) for other, _, a in keyed]


_other_end = itemgetter(0)
_other_end_and_key = itemgetter(0, 1)


def order(ctx: CheckContext) -> list[str] | None:
    """`power_flow.power_order` over the pass's edge table where a loop runs somewhere: the
    nodes sources reach (breadth first), then Kahn's walk over them; None when the loop runs
    through one of them."""
    into, out = edge_table(ctx)
    design, nodes = ctx.design, ctx.graph.g._node
    reached = [n for n in (*design.upses, *design.panels, *design.feeds)
               if n in nodes and (nodes[n].get("kind") == "ups" or n not in into)]
    seen = set(reached)
    for x in reached:  # grows as it goes
        for v, _ in out.get(x, NO_EDGES):
            if v not in seen:
                seen.add(v)
                reached.append(v)
    waiting: dict[str, int] = {}
    ready = []
    for v in reached:
        sups = into.get(v, NO_EDGES)
        n = (sups[0][0] in seen) if len(sups) == 1 else sum(1 for u, _ in sups if u in seen)
        waiting[v] = n
        if not n:
            ready.append(v)
    found = []
    while ready:
        x = ready.pop()
        found.append(x)
        for v, _ in out.get(x, NO_EDGES):
            n = waiting[v] = waiting[v] - 1
            if not n:
                ready.append(v)
    return found if len(found) == len(reached) else None


def inputs_table(ctx: CheckContext) -> dict[str, dict[str, list[str]]] | None:
    """The sweep's input name → suppliers of each reached node, or None before a sweep."""
    return ctx.memo.get(_INPUTS)


def sweep(flow: Flow, feeds_outside: Callable[[str], frozenset[str]]) -> list[str] | None:
    """Fill `flow` (nothing failed, a full pass) as `Flow.live`, `inputs`, `live_inputs`, `own_w`
    and `demand` give them, and `flow.above`: each node's feeds at or above it (itself if a
    feed). Returns `power_flow.power_order`: the nodes sources reach, suppliers first (the live
    ones, in a graph without loops), or None when a loop of power runs through one of them.
    Every node with a power edge is decided in one walk of Kahn's when no loop runs anywhere;
    else again, over the nodes sources reach (`order`), a supplier outside them being dead and
    `feeds_outside` giving its feeds."""
    ctx = flow.ctx
    into, out = edge_table(ctx)
    design, nodes = ctx.design, ctx.graph.g._node
    alone = [n for n in (*design.upses, *design.panels, *design.feeds)
             if n in nodes and n not in into and n not in out]
    every: list[str] = []
    _forward(flow, _suppliers_first(into, out, alone, every), feeds_outside)
    if len(every) == len(into) + len(alone) + sum(1 for u in out if u not in into):
        _backward(flow, every)
        return [x for x in every if flow._live[x]]
    for table in (flow._live, flow._live_inputs, flow._own):  # a loop somewhere: start again
        table.clear()
    found = order(ctx)
    if found is None:
        del ctx.memo[_INPUTS]
        flow.above = None
        return None
    _forward(flow, found, feeds_outside)
    _backward(flow, found)
    return found


def _suppliers_first(into: Edges, out: Edges, alone: list[str], every: list[str]) -> Iterator[str]:
    """Kahn's walk over every node with a power edge (and `alone`), each node once its every
    supplier is: those it reached are in `every` (all of them but the ones a loop holds)."""
    waiting = {v: len(sups) for v, sups in into.items()}
    ready = [u for u in out if u not in waiting]
    ready += alone
    while ready:
        x = ready.pop()
        every.append(x)
        yield x
        for v, _ in out.get(x, NO_EDGES):
            n = waiting[v] = waiting[v] - 1
            if not n:
                ready.append(v)


def _forward(flow: Flow, order: Iterable[str], feeds_outside: Callable[[str], frozenset[str]]) -> None:
    """Liveness, inputs, live inputs and the feeds above, suppliers first."""
    ctx = flow.ctx
    into = edge_table(ctx)[0]
    nodes = ctx.graph.g._node
    feeds = ctx.design.feeds
    live, live_inputs = flow._live, flow._live_inputs
    groups_of: dict[str, dict[str, list[str]]] = {}
    ctx.memo[_INPUTS] = groups_of
    above: dict[str, frozenset[str]] = {}
    unions: dict[tuple, frozenset[str]] = {}
    visits = 0
    for x in order:
        sups = into.get(x, NO_EDGES)
        visits += len(sups)
        if len(sups) == 1:
            u, a = sups[0]
            name = (a.get("consumer_port") or u) if a["kind"] == "power" else u
            groups_of[x] = {name: [u]}
            if live.get(u, False):
                live[x] = True
                live_inputs[x] = [name]
            else:
                live[x] = nodes[x].get("kind") == "ups"
                live_inputs[x] = []
            found = above.get(u)
            if found is None:
                found = feeds_outside(u)
        elif not sups:
            groups_of[x] = {}
            live[x] = nodes[x].get("kind") in ("ups", "feed", "panel")
            live_inputs[x] = []
            found = _NO_FEEDS
        else:
            groups: dict[str, list[str]] = {}
            names = []  # the inputs with a live supplier
            sets = []
            for u, a in sups:
                name = (a.get("consumer_port") or u) if a["kind"] == "power" else u
                group = groups.get(name)
                if group is None:
                    groups[name] = [u]
                else:
                    group.append(u)
                if live.get(u, False) and name not in names:
                    names.append(name)
                f = above.get(u)
                sets.append(f if f is not None else feeds_outside(u))
            groups_of[x] = groups
            names.sort()
            live_inputs[x] = names
            live[x] = bool(names) or nodes[x].get("kind") == "ups"
            key = tuple(sets)  # the devices under the same PDUs share one set
            found = unions.get(key)
            if found is None:
                found = unions[key] = frozenset().union(*sets)
        above[x] = found | {x} if x in feeds else found
    flow.above = above
    flow.visits += visits


def _backward(flow: Flow, order: list[str]) -> None:
    """Own draw and demand, consumers first."""
    ctx = flow.ctx
    out = edge_table(ctx)[1]
    devices = ctx.design.devices
    live, live_inputs = flow._live, flow._live_inputs
    groups_of = ctx.memo[_INPUTS]
    visits = 0
    demand, own, counts = flow._demand, flow._own, flow._live_count  # counts of one are not kept
    load_w, part = ctx.load_w, ctx.part
    for x in reversed(order):  # `Flow.carried` written out: the same divisions and sum, in order
        cons = out.get(x, NO_EDGES)
        visits += len(cons)
        if live[x]:
            total = 0
            for v, a in cons:
                live_v = live_inputs[v]
                name = (a.get("consumer_port") or x) if a["kind"] == "power" else x
                if name not in live_v:
                    total += 0.0
                    continue
                group = groups_of[v][name]
                if len(group) == 1:  # live, since the input is
                    count = 1
                else:
                    key = (v, name)
                    count = counts.get(key)
                    if count is None:
                        count = counts[key] = sum(1 for u in group if live.get(u, False))
                        visits += count
                total += demand[v] / len(live_v) / count
        else:
            total = 0.0 if cons else 0
        if x in devices:  # `Flow.own_w`
            w = load_w(x)
            names = live_inputs[x]
            if names and len(names) < len(groups_of[x]):
                single = part(x).rackstudio.power.single_feed_w
                if single is not None:
                    w = min(w, single)
            own[x] = w
            demand[x] = w + total
        else:
            demand[x] = 0.0 + total
    flow.visits += visits
