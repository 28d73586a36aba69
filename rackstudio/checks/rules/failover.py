"""Qt-free. Power failure scenarios: fail one feed, panel, UPS, PDU or power shelf at a time and ask
what the rest must carry (engineering.md 2.5 failover arithmetic, 2.8).

- PWR-005, per rated survivor (a feed or a PDU inlet): its load after each failure that moves
  load onto it, against its continuous capacity; the worst scenario is reported.
- PWR-006, per device: a single element whose failure takes every PSU of a redundant device.
- PWR-010, per device: after one failure, live PSUs × PSU rating < the device's max W.

`scenario()` gives the whole picture of one failure (devices that lose power, devices that only
lose redundancy, survivors pushed over capacity) for reports and the UI.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from rackstudio.checks import power_candidates as candidates
from rackstudio.checks import power_flow
from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.checks.formulas import Capacity, feed_capacity, inlet_capacity
from rackstudio.checks.phrasing import Basis
from rackstudio.checks.power_flow import (
    NO_EDGES,
    consumers,
    downstream,
    edge_table,
    failure_flow,
    flow,
    is_failure_element,
    pdu_spec_of,
    power_order,
    upstream,
    upstream_of,
)
from rackstudio.checks.rule import Hit, Rule, Scope, Severity, rule
from rackstudio.graph import queries
from rackstudio.model.parts import Category, PartType
from rackstudio.power import psu_rating_w
from rackstudio.power.inlets import may_rate

RULES: list[Rule] = []
_NAMES_SHOWN = 4


def capacity_of(ctx: CheckContext, node: str) -> Capacity | None:
    """The continuous capacity of a rated node: a feed (its breaker) or a PDU (its inlet)."""
    if node in ctx.design.feeds:
        return feed_capacity(ctx.design.feeds[node], ctx.settings)
    if node in ctx.design.devices:
        spec = pdu_spec_of(ctx, node)
        if spec is not None:
            return inlet_capacity(spec.inlet_voltage_v, spec.inlet_amperage_a, spec.inlet_phase, ctx.settings)
    return None


def _names(ctx: CheckContext, ids: list[str]) -> str:
    shown = ", ".join(ctx.name(i) for i in ids[:_NAMES_SHOWN])
    return shown + (f" and {len(ids) - _NAMES_SHOWN} more" if len(ids) > _NAMES_SHOWN else "")


def _consumers_below(ctx: CheckContext, node: str) -> list[str]:
    return sorted(x for x in downstream(ctx, {node})
                  if x in ctx.design.devices and ctx.part(x).category not in PASS_THROUGH)


def shifting_scenarios(ctx: CheckContext, node: str) -> list[str]:
    """Elements whose failure can move load onto `node`: those on the other paths of the devices
    it feeds (not itself, what feeds it, or what it feeds)."""
    below = downstream(ctx, {node})
    dead_with = {node} | upstream(ctx, node)
    found = {u for u in upstream_of(ctx, below)  # one walk: per-device walks cost N² on a PDU chain
             if u not in dead_with and u not in below and is_failure_element(ctx, u)}
    return sorted(found)


_MOST_CARRIED = "most carried"


def most_carried(ctx: CheckContext, node: str) -> float:
    """An upper bound of the W `node` can draw in any scenario: its own load plus the bound of each
    node it feeds (a consumer splits its load over its live inputs, so what reaches `node` from
    one below it is never more than that one's demand; a device after a failure draws at most its
    full load). Memoised for the pass; summed consumers first with an explicit stack. inf on a
    loop of cables or a negative load, where the bound proves nothing."""
    memo = ctx.memo
    key = (_MOST_CARRIED, node)
    if key in memo:
        return memo[key]
    devices = ctx.design.devices

    def below(x: str) -> list[str]:
        return sorted({v for v, _ in consumers(ctx, x)})

    on_path = {node}
    stack: list[list] = [[node, below(node), 0, 0.0]]
    while stack:
        frame = stack[-1]
        x, cons, i, total = frame
        while i < len(cons):
            v = cons[i]
            i += 1
            known = memo.get((_MOST_CARRIED, v))
            if known is not None:
                total += known
            elif v in on_path:
                total = math.inf
            else:
                frame[2], frame[3] = i, total
                on_path.add(v)
                stack.append([v, below(v), 0, 0.0])
                break
        else:
            own = ctx.load_w(x) if x in devices else 0.0
            memo[(_MOST_CARRIED, x)] = total + own if own >= 0 else math.inf
            on_path.discard(x)
            stack.pop()
            if stack:  # the parent adds this node's bound when it looks at it again
                stack[-1][2] -= 1
            continue
    return memo[key]


_ONE_FAILURE = "most after one failure"


def most_after_one_failure(ctx: CheckContext, node: str) -> float | None:
    """An upper bound of the W `node` draws after any one failure, in a full pass (None in an
    update, which builds no table of the design, and for a node no source reaches): its own load
    plus, over each edge to a node it feeds, that node's bound shared by the fewest live inputs one
    failure can leave it. One failure kills an input only if it kills each of the input's live
    suppliers, so a node loses at most as many inputs as share one element that kills each
    (`_killers`): a shelf on an A and a B feed loses one of two, a busbar one of its eight shelves.
    Where `most_carried` bounds a shelf's feed by the whole busbar's load, this bounds it by a
    seventh of it. inf below a negative load, where the bound proves nothing."""
    if not ctx.full_pass:
        return None
    found = ctx.memo.get(_ONE_FAILURE)
    if found is None:
        found = ctx.memo[_ONE_FAILURE] = _one_failure_bounds(ctx)
    return found.get(node)


def _one_failure_bounds(ctx: CheckContext) -> dict[str, float]:
    """`most_after_one_failure` of every node sources reach, consumers first; each node's bound
    over its fewest live inputs (its share on each input) is kept for its suppliers to add."""
    order = power_order(ctx)
    if order is None:
        return {}
    out = edge_table(ctx)[1].get
    normal = flow(ctx)
    live_inputs = normal.live_inputs
    devices, load_w = ctx.design.devices, ctx.load_w
    bound: dict[str, float] = {}
    share: dict[str, float] = {}  # a node's bound over the fewest live inputs one failure leaves it
    for x in reversed(order):  # consumers first
        own = load_w(x) if x in devices else 0.0
        if own < 0:
            total = math.inf
        else:
            total = own
            for v, _ in out(x, NO_EDGES):
                total += share[v]
        bound[x] = total
        names = live_inputs(x)  # a node with one live input keeps it (72 % of L's nodes)
        share[x] = total / (1 if len(names) < 2 else _fewest_live_inputs(ctx, normal, x, names))
    return bound


def _live_suppliers_by_input(normal, node: str) -> tuple[tuple[str, ...], ...]:
    """Each live input's live suppliers: all that what one failure leaves a node depends on."""
    groups, live = normal.inputs(node), normal.live
    return tuple(tuple(u for u in groups[name] if live(u)) for name in normal.live_inputs(node))


def _fewest_live_inputs(ctx: CheckContext, normal, node: str, names: list[str]) -> int:
    """The fewest of its live inputs `names` (≥ 2) a node keeps after one failure while one still
    feeds it (≥ 1). Of two, one when either has a single supplier, whose own failure takes that
    input: answered without `_inputs_lost` for 6,776 of the 8,120 such nodes of L (with the one-input
    nodes, PWR-005 on L 0.31 → 0.20 s, `killers` included)."""
    if len(names) == 2:
        groups = normal.inputs(node)
        if len(groups[names[0]]) == 1 or len(groups[names[1]]) == 1:
            return 1
    live, lost = _inputs_lost(ctx, _live_suppliers_by_input(normal, node))
    return max(1, live - max(lost.values(), default=0))


_INPUTS_LOST = "inputs lost by failure"


def _inputs_lost(ctx: CheckContext, key: tuple[tuple[str, ...], ...]) -> tuple[int, Counter[str]]:
    """In a full pass on a power graph without loops: (a node's live inputs, each element → how
    many of them its one failure takes), from each live input's live suppliers (`key`,
    `_live_suppliers_by_input`). One failure takes an input when it kills each of the input's live
    suppliers (`power_flow.killers`); a rack's devices on the same PDUs answer alike, once a pass."""
    known = ctx.memo.get(_INPUTS_LOST)
    if known is None:
        known = ctx.memo[_INPUTS_LOST] = {}
    found = known.get(key)
    if found is None:
        killers = power_flow.killers(ctx)
        lost: Counter[str] = Counter()
        for sups in key:
            common = set(killers[sups[0]])
            for u in sups[1:]:
                common &= killers[u]
            lost.update(common)
        found = known[key] = (len(key), lost)
    return found


@rule("PWR-005", "Failover overloads a feed or PDU", Severity.ERROR, (Scope.FEED, Scope.DEVICE), RULES,
      measure="load_w")
@candidates.parts(may_rate, feeds=True)
def pwr005_failover(ctx: CheckContext, node: str) -> Iterator[Hit]:
    """For each failure of a partner feed, panel, UPS, PDU or shelf, the load left on this feed (or
    PDU inlet): Σ of each dual-fed device's full load (or declared single_feed_W) over its surviving
    PSUs, against the continuous capacity (engineering.md 2.5; worked examples 2 and 4)."""
    cap = capacity_of(ctx, node)
    if cap is None:
        return
    if cap.capacity_w > 0:
        bound = most_after_one_failure(ctx, node)  # a full pass's table: read first
        if bound is not None and cap.utilisation(bound * (1 + 1e-9)) <= 1:
            return  # no failure can put more on it than the bound of what it carries after one
        if cap.utilisation(most_carried(ctx, node) * (1 + 1e-9)) <= 1:
            return  # nor than everything below it draws at full load
    normal = flow(ctx).demand(node)
    over = []
    for failed in shifting_scenarios(ctx, node):
        after = failure_flow(ctx, failed).demand(node)
        if after > normal + 1e-9 and cap.utilisation(after) > 1:
            over.append((after, failed))
    if not over:
        return
    after, failed = min(over, key=lambda x: (-x[0], x[1]))
    scenario = failure_flow(ctx, failed)
    shifted = [x for x in _consumers_below(ctx, node) if scenario.degraded(x)]
    yield Hit(f"{ctx.name(node)} after loss of {ctx.name(failed)}: {cap.describe(after)}; "
              f"{len(shifted)} device{'s' * (len(shifted) != 1)} move load onto it ({_names(ctx, shifted)})",
              (node,), {**cap.figures(after), "failed": failed, "normal_load_w": round(normal, 1),
                        "shifted": shifted, "scenarios_over": sorted(f for _, f in over)})


def _declares_redundancy(part: PartType) -> bool:
    policy = part.rackstudio.power.psu_redundancy
    return len(part.power_ports) >= 2 or (policy is not None and policy.m >= 1)


_COMMON_ORDER = {"device": 0, "feed": 1, "panel": 2}


_LEFT_AFTER = "left after each failure"


def _left_after_each_failure(ctx: CheckContext, device_id: str) -> tuple[tuple[str, int], ...]:
    """(element, live inputs the device keeps after it fails) for each failure element above a
    device that takes at least one of them (PWR-006 reads the zeros, PWR-010 the rest; one that
    takes none leaves what nothing failed leaves). Both follow only from which suppliers feed each
    input, so the rack's devices on the same PDUs share one answer in a pass (kept by device and by
    suppliers in two tables of their own, not 8,000 more keys in the pass's memo)."""
    tables = ctx.memo.get(_LEFT_AFTER)
    if tables is None:
        tables = ctx.memo[_LEFT_AFTER] = ({}, {})
    by_device, by_suppliers = tables
    found = by_device.get(device_id)
    if found is None:
        normal = flow(ctx)
        key = tuple(map(tuple, normal.inputs(device_id).values()))
        found = by_suppliers.get(key)
        if found is None:
            if power_flow.killers(ctx) is None:
                live = len(normal.live_inputs(device_id))
                found = tuple((u, left) for u in upstream(ctx, device_id) if is_failure_element(ctx, u)
                              for left in [len(power_flow.inputs_left(ctx, device_id, u))] if left < live)
            else:  # the elements that take an input, counted at once (PWR-006 on L 0.12 → 0.05 s)
                live, lost = _inputs_lost(ctx, _live_suppliers_by_input(normal, device_id))
                found = tuple((u, live - n) for u, n in lost.items() if is_failure_element(ctx, u))
            by_suppliers[key] = found
        by_device[device_id] = found
    return found


def _redundant_ac(part: PartType) -> bool:
    """An AC consumer that declares redundancy: what PWR-006 looks at."""
    return part.category not in PASS_THROUGH and part.rackstudio.power.source == "ac" and _declares_redundancy(part)


@rule("PWR-006", "Redundant PSUs share one feed, PDU or panel", Severity.ERROR, Scope.DEVICE, RULES)
@candidates.parts(_redundant_ac)
def pwr006_single_point(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """A device that declares redundancy (≥ 2 PSUs or N+M with M ≥ 1) whose connected PSUs all
    depend on one feed, PDU or panel: error when dual-corded, warning when only one PSU is
    connected. engineering.md 2.5, 2.9."""
    part = ctx.part(device_id)
    if not _redundant_ac(part):
        return
    g = ctx.graph.g
    common = [u for u, left in _left_after_each_failure(ctx, device_id)  # none on a device with no live input
              if not left and g.nodes[u].get("kind") in _COMMON_ORDER]
    if not common:
        return
    normal = flow(ctx)
    connected = sorted(normal.inputs(device_id))
    if not connected or not normal.live_inputs(device_id):
        return
    common.sort(key=lambda u: (_COMMON_ORDER[g.nodes[u]["kind"]], u))
    name = ctx.name(device_id)
    total = len(part.power_ports)
    if len(connected) >= 2:
        yield Hit(f"{name}: all {len(connected)} connected PSUs depend on {ctx.name(common[0])}; its failure "
                  f"takes the device down", (device_id,), {"inlets": connected, "common": common})
    else:
        yield Hit(f"{name}: only {connected[0]} of {total} PSUs connected (via {ctx.name(common[0])}); "
                  "the device declares redundancy", (device_id,), {"inlets": connected, "common": common},
                  Severity.WARNING)


@rule("PWR-010", "PSU redundancy lost after a failure", Severity.ERROR, Scope.DEVICE, RULES, measure="max_w")
@candidates.parts(lambda part: part.category not in PASS_THROUGH and part.rackstudio.power.source == "ac"
               and bool(psu_rating_w(part)))
def pwr010_psu_redundancy(ctx: CheckContext, device_id: str) -> Iterator[Hit]:
    """Live PSUs × PSU rating < the device's max W with nothing failed or after one upstream
    failure: warning when the device throttles on feed loss (declares single_feed_W or
    throttles_on_feed_loss), else error; info after a failure that leaves a throttling device at
    least half its PSUs (the most even A/B split there is). engineering.md 2.5 (DGX H100 4+2,
    B200 5+1), 2.9."""
    part = ctx.part(device_id)
    power = part.rackstudio.power
    rating = psu_rating_w(part)
    max_w = ctx.draw(device_id).max_w
    if part.category in PASS_THROUGH or power.source != "ac" or not rating or not max_w:
        return
    live_now = flow(ctx).live_inputs(device_id)  # connected ones among them
    if not live_now:
        return
    cases = [(len(live_now), "", None)]
    cases += [(live, u, u) for u, live in _left_after_each_failure(ctx, device_id) if live]
    short = [c for c in cases if c[0] * rating < max_w]
    if not short:
        return
    live, _, failed = min(short)
    throttles = power.throttles_on_feed_loss or power.single_feed_w is not None
    when = f"after loss of {ctx.name(failed)}" if failed else "with nothing failed"
    # after a failure, a throttling device whose PSUs are split as evenly as their count allows
    # (3 + 3 of a DGX B200's 5+1) cannot do better by cabling: the vendor's design throttles (info)
    even = failed is not None and throttles and live >= len(part.power_ports) // 2
    note = " (throttles; the most even split its PSUs allow)" if even else " (throttles)" if throttles else ""
    yield Hit(f"{ctx.name(device_id)} {when}: {live} live PSU{'s' * (live != 1)} × {rating:,.0f} W = "
              f"{live * rating:,.0f} W < max {max_w:,.0f} W" + note,
              (device_id,), {"live_psus": live, "psu_rating_w": rating, "max_w": max_w, "failed": failed},
              Severity.INFO if even else Severity.WARNING if throttles else Severity.ERROR)


@dataclass(frozen=True)
class Scenario:
    """One failure: devices that go dark, devices that only lose a path, rated nodes pushed over."""

    failed: str
    loses_power: list[str]
    loses_redundancy: list[str]
    overloads: list[tuple[str, float, Basis]]  # (node, load W after, what it is compared with)


def scenario(ctx: CheckContext, failed: str) -> Scenario:
    """Fail one element (graph.queries.failure_impact gives the topology) and check the survivors."""
    impact = queries.failure_impact(ctx.graph, failed)
    after = flow(ctx, frozenset({failed}))
    rated = sorted({u for x in impact.loses_redundancy for u in upstream(ctx, x)
                    if after.live(u) and capacity_of(ctx, u) is not None})
    overloads = []
    for node in rated:
        cap = capacity_of(ctx, node)
        load = after.demand(node)
        if cap.utilisation(load) > 1:
            overloads.append((node, load, cap.basis))
    devices = ctx.design.devices
    return Scenario(failed,
                    [x for x in impact.loses_power if x in devices and ctx.part(x).category != Category.PDU],
                    [x for x in impact.loses_redundancy if x in devices], overloads)
