"""Qt-free. Power flow over the component graph in one scenario (nothing failed, or a set of
failed feeds/panels/UPSes/PDUs/shelves): which nodes are live, what each node demands and what
each edge carries, in W.

Model (engineering.md 2.5, 2.8): a consumer splits its load equally over its live inputs (PSU inlets,
or for a busbar tray the busbar, for a busbar the live shelves); a device that lost an input draws
its declared single-feed (throttled) figure when the part gives one, else its full load; PDUs,
shelves and UPSes pass power on (their own losses are ignored). Liveness follows
`graph.queries.failure_impact`: UPSes and supplier-less feeds and panels are sources.

Every walk is linear in the power graph: liveness and demand are computed once per node per
scenario, without recursion (a chain of 3,000 daisy-chained PDUs is as deep as it is long), and
the live suppliers of an input once per scenario (10,000 cables into one inlet). `Flow.visits`
counts the edge steps a scenario took, so tests bound the work by counting, not timing.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable

from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.checks.power_sweep import NO_EDGES, POWER_EDGES, edge_table, inputs_table, sweep
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design
from rackstudio.model.parts import PduSpec
from rackstudio.power.electrical import leg_power, outlet_legs, outlet_voltage
from rackstudio.power.inlets import pdu_spec

NOTHING_FAILED: frozenset[str] = frozenset()


def _power_edges(ctx: CheckContext, node: str, incoming: bool) -> list[tuple[str, dict]]:
    """(other end, edge attributes) of the power edges into or out of `node`, sorted (memoised; in
    a full pass read from `edge_table`)."""
    if ctx.full_pass:
        return edge_table(ctx)[0 if incoming else 1].get(node, NO_EDGES)
    key = ("power_edges", node, incoming)
    found = ctx.memo.get(key)
    if found is None:
        # networkx's own adjacency dicts (other end → key → attributes), in the order its
        # in_edges/out_edges views would give them, without building a view per node
        g = ctx.graph.g
        adjacency = (g._pred if incoming else g._succ).get(node, {})
        edges = [(other, k, a) for other, keyed in adjacency.items() for k, a in keyed.items()
                 if a["kind"] in POWER_EDGES]
        found = ctx.memo[key] = [(n, a) for n, _, a in sorted(edges, key=lambda e: (e[0], str(e[1])))]
    return found


def suppliers(ctx: CheckContext, node: str) -> list[tuple[str, dict]]:
    """(supplier, edge attributes) of every power edge into `node`, sorted by supplier."""
    return _power_edges(ctx, node, True)


def consumers(ctx: CheckContext, node: str) -> list[tuple[str, dict]]:
    """(consumer, edge attributes) of every power edge out of `node`, sorted by consumer."""
    return _power_edges(ctx, node, False)


def input_name(supplier: str, attrs: dict) -> str:
    """The input an edge arrives at: the PSU inlet for cables, else the supplier itself."""
    return (attrs.get("consumer_port") or supplier) if attrs["kind"] == "power" else supplier


def downstream(ctx: CheckContext, nodes: Iterable[str]) -> set[str]:
    """Every node fed, directly or not, by any of `nodes` (the nodes themselves excluded)."""
    return _reach(ctx, [n for n in nodes if n in ctx.graph.g], consumers)


def _reach(ctx: CheckContext, nodes: Iterable[str], step) -> set[str]:
    """Every node reached from `nodes` by `step` (consumers or suppliers), breadth first, once each."""
    seen: set[str] = set()
    queue = deque(nodes)
    if ctx.full_pass and step in (suppliers, consumers):  # the pass's table, read directly
        edges = edge_table(ctx)[0 if step is suppliers else 1].get
        while queue:
            for v, _ in edges(queue.popleft(), NO_EDGES):
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
        return seen
    while queue:
        for v, _ in step(ctx, queue.popleft()):
            if v not in seen:
                seen.add(v)
                queue.append(v)
    return seen


def upstream(ctx: CheckContext, node: str) -> frozenset[str]:
    """Every supplier above a node, memoised for the pass: built from its suppliers' own sets
    (suppliers first, with an explicit stack), so the nodes of a chain are each walked once."""
    memo = ctx.memo
    key = ("upstream", node)
    if key in memo:
        return memo[key]
    building = {node}
    looped = False
    stack: list[list] = [[node, suppliers(ctx, node), 0]]
    while stack:
        frame = stack[-1]
        x, sups, i = frame
        while i < len(sups) and ("upstream", sups[i][0]) in memo:
            i += 1
        if i < len(sups):
            u = sups[i][0]
            frame[2] = i
            if u in building:  # a loop of cables: the sets along it are walked one by one below
                looped = True
                memo[("upstream", u)] = frozenset()
                continue
            building.add(u)
            stack.append([u, suppliers(ctx, u), 0])
            continue
        stack.pop()
        above: set[str] = set()
        for u, _ in sups:
            above.add(u)
            above |= memo[("upstream", u)]
        memo[("upstream", x)] = frozenset(above)
    if looped:
        for x in building:
            memo[("upstream", x)] = frozenset(upstream_of(ctx, (x,)))
    return memo[key]


def upstream_of(ctx: CheckContext, nodes: Iterable[str]) -> set[str]:
    """Every supplier above any of `nodes` (the nodes themselves only when one feeds another):
    one walk for the whole set, where a union of `upstream` per node would walk the shared part
    of their paths once per node."""
    return _reach(ctx, nodes, suppliers)


def is_failure_element(ctx: CheckContext, node: str) -> bool:
    """What a failover scenario may fail: feeds, panels, UPSes, PDUs, power shelves (engineering.md 2.8)."""
    attrs = ctx.graph.g._node.get(node)
    kind = attrs.get("kind") if attrs is not None else None
    if kind in ("feed", "panel", "ups"):
        return True
    return kind == "device" and ctx.part(node).category in PASS_THROUGH


def flow(ctx: CheckContext, failed: frozenset[str] = NOTHING_FAILED) -> Flow:
    """The (memoised) flow for one scenario."""
    return ctx.remember(("flow", failed), lambda: _new_flow(ctx, failed))


def _new_flow(ctx: CheckContext, failed: frozenset[str]) -> Flow:
    found = Flow(ctx, failed)
    if not failed and ctx.full_pass:
        found.fill()
    return found


class Flow:
    def __init__(self, ctx: CheckContext, failed: frozenset[str]):
        self.ctx = ctx
        self.failed = failed
        self._live: dict[str, bool] = {}
        self._live_inputs: dict[str, list[str]] = {}
        self._live_count: dict[tuple[str, str], int] = {}
        self._demand: dict[str, float] = {}
        self._outlets: dict[str, dict[str, float]] = {}
        self._own: dict[str, float] = {}
        self._filled = False  # `fill` decided every node a source reaches: the others are dead
        self.above: dict[str, frozenset[str]] | None = None  # after `fill`: feeds at or above each node
        self.order: list[str] | None = None  # after `fill`: `power_order`
        self.visits = 0  # edge steps taken: at most a few per node and edge of the power graph

    def fill(self) -> None:
        """Decide every node at once, as the walks below would (`power_sweep.sweep`: a full pass
        asks them all), with the feeds at or above each (`above`) and the order they were decided
        in (`order`, `power_order`'s). Nodes no source reaches are dead with no live input."""
        self.order = sweep(self, lambda u: frozenset(
            f for f in {u} | upstream(self.ctx, u) if f in self.ctx.design.feeds))
        self._filled = self.order is not None

    def live(self, node: str) -> bool:
        """Whether power reaches `node`: it is a source, or any supplier is live. Depth-first over
        suppliers with an explicit stack (no recursion limit on a deep chain); a node still being
        decided counts as dead to the walks that meet it again (a loop of cables feeds nothing)."""
        known = self._live.get(node)
        if known is not None:
            return known
        if self._filled:
            return False
        stack: list[list] = []
        settled = self._enter_live(node, stack)
        if settled is not None:
            return settled
        while stack:
            frame = stack[-1]
            x, sups, i = frame
            result = None
            while i < len(sups):
                u = sups[i][0]
                i += 1
                self.visits += 1
                known = self._live.get(u)
                if known is None:
                    known = self._enter_live(u, stack)
                    if known is None:  # pushed: look at u again once it is decided
                        frame[2] = i - 1
                        break
                if known:
                    result = True
                    break
            else:
                result = False
            if result is not None:
                self._live[x] = result
                stack.pop()
        return self._live[node]

    def _enter_live(self, node: str, stack: list[list]) -> bool | None:
        """Decide a source or a node outside the scenario at once; else push it (None)."""
        self._live[node] = False  # the guard while it is being decided
        g = self.ctx.graph.g
        if node in self.failed or node not in g:
            return False
        sups = suppliers(self.ctx, node)
        kind = g.nodes[node].get("kind")
        if kind == "ups" or (kind in ("feed", "panel") and not sups):
            self._live[node] = True
            return True
        stack.append([node, sups, 0])
        return None

    def inputs(self, node: str) -> dict[str, list[str]]:
        """Input name → its suppliers (connected inputs only); the same in every scenario."""
        if self.ctx.full_pass:  # the sweep's table (an update has none)
            table = inputs_table(self.ctx)
            if table is not None:
                found = table.get(node)
                if found is not None:
                    return found
        key = ("inputs", node)
        if key not in self.ctx.memo:
            groups: dict[str, list[str]] = {}
            for u, attrs in suppliers(self.ctx, node):
                groups.setdefault(input_name(u, attrs), []).append(u)
            self.ctx.memo[key] = groups
        return self.ctx.memo[key]

    def live_inputs(self, node: str) -> list[str]:
        if node not in self._live_inputs:
            if self._filled:
                return []
            self._live_inputs[node] = sorted(name for name, sups in self.inputs(node).items()
                                             if any(self.live(u) for u in sups))
        return self._live_inputs[node]

    def degraded(self, node: str) -> bool:
        """Live, but with fewer live inputs than connected ones."""
        live = self.live_inputs(node)
        return bool(live) and len(live) < len(self.inputs(node))

    def own_w(self, node: str) -> float:
        found = self._own.get(node)
        if found is not None:
            return found
        if node not in self.ctx.design.devices:
            return 0.0
        if self._filled:  # a device the sweep did not decide has no live input: its whole load
            return self.ctx.load_w(node)
        load = self.ctx.load_w(node)
        single = self.ctx.part(node).rackstudio.power.single_feed_w
        if single is not None and self.degraded(node):
            return min(load, single)
        return load

    def demand(self, node: str) -> float:
        """W a node draws from its inputs: its own load plus everything it passes on. Consumers
        first, with an explicit stack; a node still being summed counts 0 W to a loop back to it."""
        if node in self._demand:
            return self._demand[node]
        self._demand[node] = 0.0  # the guard while it is being summed
        stack: list[list] = [[node, consumers(self.ctx, node), 0]]
        while stack:
            frame = stack[-1]
            x, cons, i = frame
            while i < len(cons):
                v = cons[i][0]
                i += 1
                self.visits += 1
                if v not in self._demand:
                    frame[2] = i
                    self._demand[v] = 0.0
                    stack.append([v, consumers(self.ctx, v), 0])
                    break
            else:
                stack.pop()
                self._demand[x] = self.own_w(x) + sum(self.carried(x, v, a) for v, a in cons)
        return self._demand[node]

    def carried(self, supplier: str, consumer: str, attrs: dict) -> float:
        """W on one edge supplier → consumer."""
        if not self.live(supplier):
            return 0.0
        live = self.live_inputs(consumer)
        name = input_name(supplier, attrs)
        if name not in live:
            return 0.0
        key = (consumer, name)
        count = self._live_count.get(key)
        if count is None:  # once per input, not once per cable into it
            count = self._live_count[key] = sum(1 for u in self.inputs(consumer)[name] if self.live(u))
            self.visits += count
        return self.demand(consumer) / len(live) / count

    def outlet_flows(self, device_id: str) -> dict[str, float]:
        """W leaving each outlet of a PDU (or any device with outlets)."""
        if device_id not in self._outlets:
            out: dict[str, float] = {}
            for v, attrs in consumers(self.ctx, device_id):
                if attrs["kind"] == "power":
                    port = attrs.get("supplier_port") or ""
                    out[port] = out.get(port, 0.0) + self.carried(device_id, v, attrs)
            self._outlets[device_id] = out
        return self._outlets[device_id]

    def feed_leg_power(self, feed_id: str) -> tuple[float, float, float]:
        """W per feed leg (A, B, C) from the outlet→leg map of the PDUs on the feed; loads with no
        leg (three-phase inlets, outlets without `feed_leg`) count as balanced (engineering.md 2.4)."""
        legs = [0.0, 0.0, 0.0]
        for v, attrs in consumers(self.ctx, feed_id):
            through = self.carried(feed_id, v, attrs)
            if not through:
                continue
            total = self.demand(v)
            leg_map = _outlet_legs(self.ctx, v)
            if not leg_map or not total:
                for i in range(3):
                    legs[i] += through / 3
                continue
            share = through / total
            for i, watts in enumerate(leg_power(leg_map, self.outlet_flows(v), self.own_w(v))):
                legs[i] += watts * share
        return legs[0], legs[1], legs[2]


class FailureFlow(Flow):
    """The flow with one element failed, worked out from the normal flow: only the nodes the
    failure reaches are decided again. Dead are the failed element and the nodes whose every
    supplier is dead; a node with a dead supplier splits its load anew (and a device that declares
    a single-feed figure may draw less); the demand of the dead, of those devices and of
    everything above a node that splits anew is summed again, and every other node's liveness,
    inputs and demand are the normal flow's. On a power graph without loops each figure equals, to the bit, the
    one `Flow(ctx, {failed})` computes from scratch (the same sums in the same order), for the
    work of the nodes that change (a full check asks thousands of scenarios of a hall)."""

    def __init__(self, ctx: CheckContext, failed: str, base: Flow):
        super().__init__(ctx, frozenset({failed}))
        self.base = base
        dead = {failed} if base.live(failed) else set()
        queue = deque(dead)
        nodes = ctx.graph.g._node
        into, out = edge_table(ctx)  # a FailureFlow is made in a full pass only
        while queue:
            for v, _ in out.get(queue.popleft(), NO_EDGES):
                if v in dead or not base.live(v) or nodes[v].get("kind") == "ups":
                    continue
                if all(u in dead or not base.live(u) for u, _ in into.get(v, NO_EDGES)):
                    dead.add(v)
                    queue.append(v)
        self.dead = dead
        self.resplit = {v for x in dead for v, _ in out.get(x, NO_EDGES)}
        self._changed: set[str] | None = None

    @property
    def changed(self) -> set[str]:
        """The nodes whose demand is summed again (found when a demand is first asked: PWR-006,
        PWR-010 and PWR-012 ask liveness only)."""
        if self._changed is None:
            ctx, devices = self.ctx, self.ctx.design.devices
            drawing_less = {v for v in self.resplit
                            if v in devices and ctx.part(v).rackstudio.power.single_feed_w is not None}
            self._changed = self.dead | drawing_less | upstream_of(ctx, self.dead | self.resplit)
        return self._changed

    def live(self, node: str) -> bool:
        return node not in self.dead and self.base.live(node)

    def live_inputs(self, node: str) -> list[str]:
        return super().live_inputs(node) if node in self.resplit else self.base.live_inputs(node)

    def demand(self, node: str) -> float:
        """`Flow.demand` over the changed nodes only (consumers first, with an explicit stack),
        every other node's demand the normal flow's; `carried` written out (thousands of
        scenarios ask it), the same divisions and sum in the same order."""
        changed = self.changed
        if node not in changed:
            return self.base.demand(node)
        demand = self._demand
        found = demand.get(node)
        if found is not None:
            return found
        out = edge_table(self.ctx)[1]
        demand[node] = 0.0  # the guard while it is being summed
        stack: list[list] = [[node, out.get(node, NO_EDGES), 0]]
        while stack:
            frame = stack[-1]
            x, cons, i = frame
            while i < len(cons):
                v = cons[i][0]
                i += 1
                self.visits += 1
                if v in changed and v not in demand:
                    frame[2] = i
                    demand[v] = 0.0
                    stack.append([v, out.get(v, NO_EDGES), 0])
                    break
            else:
                stack.pop()
                demand[x] = self.own_w(x) + self._carried_from(x, cons)
        return demand[node]

    def _carried_from(self, x: str, cons: list[tuple[str, dict]]):
        """Σ `carried(x, v)` over x's consumers, in order, as `sum` adds them."""
        if not self.live(x):
            return 0.0 if cons else 0
        total = 0
        changed, demand, base = self.changed, self._demand, self.base
        for v, a in cons:
            live_v = self.live_inputs(v)
            name = (a.get("consumer_port") or x) if a["kind"] == "power" else x
            if name not in live_v:
                total += 0.0
                continue
            count = self._live_count.get((v, name))
            if count is None:
                count = self._live_count[(v, name)] = sum(1 for u in self.inputs(v)[name] if self.live(u))
                self.visits += count
            total += (demand[v] if v in changed else base.demand(v)) / len(live_v) / count
        return total


def failure_flow(ctx: CheckContext, failed: str) -> Flow:
    """The flow with `failed` failed, memoised for the pass: in a full run, a FailureFlow over the
    normal flow when the power graph that carries power has no loop (where a walk's guard makes
    figures depend on the order nodes are asked in); else (an update asks a few scenarios, not
    worth the walk over the whole graph that tells a loop) the flow computed from scratch."""
    if not ctx.full_pass or not acyclic(ctx):
        return flow(ctx, frozenset({failed}))
    return ctx.remember(("failure flow", failed), lambda: FailureFlow(ctx, failed, flow(ctx)))


_KILLERS = "power killers"


def killers(ctx: CheckContext) -> dict[str, frozenset[str]] | None:
    """In a full pass on a power graph without loops: each live node → the elements whose one
    failure leaves it dead (itself among them), as FailureFlow decides the dead: a node dies when
    every live supplier does, a UPS and a source only by their own failure. Suppliers first, once
    per pass. None otherwise (an update builds no table of the design)."""
    if not ctx.full_pass:
        return None
    if _KILLERS not in ctx.memo:
        order = power_order(ctx)
        ctx.memo[_KILLERS] = None if order is None else _killers(ctx, order)
    return ctx.memo[_KILLERS]


class _Killers(dict):
    """`killers`' table: a node that feeds nothing (a device; 16,000 of L's 29,000 live nodes) is
    worked out when first asked, from its suppliers' sets; the failure rules ask the suppliers'
    sets, so a full check of L builds 45 % of the table (0.10 → 0.05 s)."""

    def __init__(self, ctx: CheckContext):
        super().__init__()
        self.into = edge_table(ctx)[0]
        self.live = flow(ctx).live
        self.nodes = ctx.graph.g._node

    def __missing__(self, x: str) -> frozenset[str]:
        if not self.live(x):
            raise KeyError(x)
        found = self[x] = self.of(x)
        return found

    def of(self, x: str) -> frozenset[str]:
        """Its live suppliers' sets in common, and itself (theirs are in the table)."""
        live = self.live
        sups = [u for u, _ in self.into.get(x, NO_EDGES) if live(u)]
        if not sups or self.nodes[x].get("kind") == "ups":
            return frozenset((x,))
        if len(sups) == 1:
            return self[sups[0]] | {x}
        common = set(self[sups[0]])
        for u in sups[1:]:
            common &= self[u]
        common.add(x)
        return frozenset(common)


def _killers(ctx: CheckContext, order: list[str]) -> dict[str, frozenset[str]]:
    found = _Killers(ctx)
    out, of = edge_table(ctx)[1], found.of
    for x in order:
        if x in out:  # suppliers first: the nodes that feed nothing are left to `_Killers.__missing__`
            found[x] = of(x)
    return found


def inputs_left(ctx: CheckContext, node: str, failed: str) -> list[str]:
    """`failure_flow(ctx, failed).live_inputs(node)`; in a full pass read from `killers`: a live
    input survives a failure unless it kills each of the input's live suppliers."""
    table = killers(ctx)
    if table is None:
        return failure_flow(ctx, failed).live_inputs(node)
    normal = flow(ctx)
    groups = normal.inputs(node)
    return [name for name in normal.live_inputs(node)
            if any(failed not in table[u] for u in groups[name] if normal.live(u))]


def live_after(ctx: CheckContext, node: str, failed: str) -> bool:
    """`failure_flow(ctx, failed).live(node)`; in a full pass read from `killers`."""
    table = killers(ctx)
    if table is None:
        return failure_flow(ctx, failed).live(node)
    return flow(ctx).live(node) and failed not in table[node]


def acyclic(ctx: CheckContext) -> bool:
    """Whether no loop of power runs through a node that sources reach (a loop nothing feeds is
    dead whichever way it is walked)."""
    return power_order(ctx) is not None


def power_order(ctx: CheckContext) -> list[str] | None:
    """The nodes sources reach, every supplier before its consumers (Kahn's walk, once per pass),
    or None when a loop of power runs through one of them."""
    if ctx.full_pass:  # the normal flow's sweep finds it
        return flow(ctx).order

    def compute() -> list[str] | None:
        g = ctx.graph.g
        design = ctx.design
        sources = [n for n in (*design.upses, *design.panels, *design.feeds)
                   if n in g and (g.nodes[n].get("kind") == "ups" or not suppliers(ctx, n))]
        into_of, out_of = (lambda n: suppliers(ctx, n)), (lambda n: consumers(ctx, n))
        reached = set(sources) | _reach(ctx, sources, consumers)
        waiting = {v: sum(1 for u, _ in into_of(v) if u in reached) for v in reached}
        ready = [v for v, n in waiting.items() if not n]
        order = []
        while ready:
            x = ready.pop()
            order.append(x)
            for v, _ in out_of(x):
                waiting[v] -= 1
                if not waiting[v]:
                    ready.append(v)
        return order if len(order) == len(reached) else None
    return ctx.remember("power order", compute)


def _outlet_legs(ctx: CheckContext, node: str) -> dict[str, int]:
    return outlet_legs(ctx.part(node)) if node in ctx.design.devices else {}


def supply_voltage(ctx: CheckContext, supplier: str) -> float | None:
    """The voltage a PSU inlet sees from its supplier: a feed directly, or a PDU's outlets."""
    feed = ctx.design.feeds.get(supplier)
    if feed is not None:
        return abs(feed.voltage_v) if feed.supply == "dc" else outlet_voltage(feed.voltage_v, feed.phase)
    if supplier in ctx.design.devices:
        spec = pdu_spec_of(ctx, supplier)
        if spec is not None:
            return outlet_voltage(spec.inlet_voltage_v, spec.inlet_phase)
    return None


def pdu_spec_of(ctx: CheckContext, device_id: str) -> PduSpec | None:
    """A placed PDU's rating as every power rule reads it: the type's figures, or its inlet type's
    and its feed's (`power.inlets.pdu_spec`, engineering.md 2.10), once per pass."""
    return ctx.remember(("pdu_spec", device_id), lambda: pdu_spec(ctx.design, device_id))


def feeds_above(ctx: CheckContext, node: str) -> Collection[str]:
    """The feeds above a node that is not a feed: in a full pass the normal flow's table of them
    (`Flow.above`), else (and for a node the sweep did not reach) its `upstream` walk."""
    above = flow(ctx).above
    found = above.get(node) if above is not None else None
    if found is None:
        feeds = ctx.design.feeds
        return [u for u in upstream(ctx, node) if u in feeds]
    return found


def feed_power_factor(ctx: CheckContext, node: str) -> float:
    """The power factor of the single feed above a node, or 1.0 when there is none or several."""
    feeds = feeds_above(ctx, node)
    return ctx.design.feeds[next(iter(feeds))].power_factor if len(feeds) == 1 else 1.0


class FlowState:
    """The normal-operation flow as the power planner reads it (`commands.power_plan.PowerState`):
    the planner sits below the checks, so it is handed this rather than importing them."""

    def __init__(self, ctx: CheckContext):
        self.ctx = ctx

    @classmethod
    def of(cls, design: Design, graph: ComponentGraph | None = None) -> FlowState:
        return cls(CheckContext(design, graph if graph is not None else ComponentGraph(design)))

    def live(self, node: str) -> bool:
        return flow(self.ctx).live(node)

    def outlet_w(self, pdu_id: str) -> dict[str, float]:
        return dict(flow(self.ctx).outlet_flows(pdu_id))

    def power_factor(self, pdu_id: str) -> float:
        return feed_power_factor(self.ctx, pdu_id)

    def load_w(self, device_id: str) -> float:
        return self.ctx.load_w(device_id)
