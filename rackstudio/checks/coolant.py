"""Qt-free. Coolant loops: the groups of devices joined by coolant connections and the CDUs on them.

A loop is a connected component of coolant edges (CDUs included). CDUs on one loop share its
load; a device with a liquid share and no CDU on its loop has no coolant path (COOL-003), which is
what `graph.queries.coolant_path` reports device by device.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rackstudio.checks.context import descendants
from rackstudio.model import geometry
from rackstudio.model.parts import Category, CduSpec, PartType

if TYPE_CHECKING:
    from rackstudio.checks.context import CheckContext


@dataclass(frozen=True)
class CoolantLoop:
    nodes: frozenset[str]
    cdus: tuple[str, ...]  # sorted; cdus[0] speaks for the loop in findings


def coolant_neighbours(ctx: CheckContext, node: str) -> list[str]:
    # networkx's own adjacency (other end → key → attributes), without an edge view per node:
    # a loop's walk asks every member, and a server's dozens of network edges are passed over here
    g = ctx.graph.g
    succ = g._succ.get(node)
    if succ is None:
        return []
    found = {v for v, keyed in succ.items() if any(a.get("kind") == "coolant" for a in keyed.values())}
    found.update(u for u, keyed in g._pred[node].items() if any(a.get("kind") == "coolant" for a in keyed.values()))
    return sorted(found)


def loop_of(ctx: CheckContext, node: str) -> CoolantLoop:
    """The coolant loop a node is on (a loop of one when it has no coolant connection), kept on
    the context until an edit changes loops (a move of a device in a pod's racks does not, and
    walking the pod's loop again was half of such an update)."""
    if ctx.loops_graph is not ctx.graph:
        ctx.loops.clear()
        ctx.loops_graph = ctx.graph
    found = ctx.loops.get(node)
    if found is not None:
        return found
    if ctx.full_pass and _ALL_LOOPS not in ctx.memo:
        ctx.memo[_ALL_LOOPS] = True
        _fill_loops(ctx)
        found = ctx.loops.get(node)
        if found is not None:
            return found
    seen = {node}
    queue = deque([node])
    while queue:
        for m in coolant_neighbours(ctx, queue.popleft()):
            if m not in seen:
                seen.add(m)
                queue.append(m)
    loop = CoolantLoop(frozenset(seen), tuple(sorted(n for n in seen if is_cdu(ctx, n))))
    for n in seen:
        ctx.loops[n] = loop
    return loop


_ALL_LOOPS = "every coolant loop found"  # in the memo: this full pass filled ctx.loops at once


def _fill_loops(ctx: CheckContext) -> None:
    """Every loop with a coolant connection, from one pass over the design's coolant connections
    (the graph's coolant edges, as `loop_of` walks them): a full pass asks the loop of every
    liquid-cooled device (12,000 at 1,000 racks), and walking them from the graph's adjacency took
    0.2 s. A node with no coolant connection is left to `loop_of` (a loop of one)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        top = x
        while parent[top] != top:
            top = parent[top]
        while parent[x] != top:  # halve the path for the next asks
            parent[x], x = top, parent[x]
        return top

    for conn in ctx.design.connections.values():
        if conn.kind == "coolant":
            a, b = conn.a.owner, conn.b.owner
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[rb] = ra
    members: dict[str, list[str]] = {}
    for x in parent:
        members.setdefault(root(x), []).append(x)
    for nodes in members.values():
        loop = CoolantLoop(frozenset(nodes), tuple(sorted(n for n in nodes if is_cdu(ctx, n))))
        for n in nodes:
            ctx.loops[n] = loop


def changes_loops(changes, design, old_records) -> bool:
    """Whether an applied ChangeSet can change a coolant loop or its CDUs: a coolant connection
    (as it was or is), a device given another part, a part or rack type. A device added or
    removed alone does not: it joins or leaves a loop only with its coolant connections."""
    for obj_id, coll in changes.touched().items():
        if coll in ("part_types", "rack_types"):
            return True
        if coll == "connections":
            if any(rec is not None and rec.kind == "coolant"
                   for rec in (old_records.get(obj_id), design.connections.get(obj_id))):
                return True
        elif coll == "devices":
            before, after = old_records.get(obj_id), design.devices.get(obj_id)
            if before is not None and after is not None and before.part != after.part:
                return True
    return False


def cdu_spec(ctx: CheckContext, device_id: str) -> CduSpec | None:
    device = ctx.design.devices.get(device_id)
    return None if device is None else part_cdu_spec(ctx.design.part_of(device))


def part_cdu_spec(part: PartType) -> CduSpec | None:
    ext = part.rackstudio
    return ext.cdu if ext.category == Category.CDU else None


def is_cdu(ctx: CheckContext, device_id: str) -> bool:
    return cdu_spec(ctx, device_id) is not None


def is_cdu_part(part: PartType) -> bool:
    """Whether a part makes its device a CDU (is_cdu, asked of a part)."""
    return part_cdu_spec(part) is not None


def liquid_fraction(ctx: CheckContext, device_id: str) -> float:
    """Share of a device's heat taken by coolant (engineering.md 3.6); 0 for CDUs and manifolds."""
    ext = ctx.part(device_id).rackstudio
    if ext.category in (Category.CDU, Category.MANIFOLD):
        return 0.0
    return ext.cooling.liquid_fraction


def needs_liquid(ctx: CheckContext, device_id: str) -> bool:
    return part_needs_liquid(ctx.part(device_id))


def part_needs_liquid(part: PartType) -> bool:
    """Whether a part gives some of its heat to liquid (CDUs and manifolds carry it, they need none)."""
    ext = part.rackstudio
    if ext.category in (Category.CDU, Category.MANIFOLD):
        return False
    return ext.cooling.method in ("liquid", "hybrid", "immersion") or ext.cooling.liquid_fraction > 0


def loop_devices(ctx: CheckContext, loop: CoolantLoop) -> set[str]:
    """The devices on a loop and the children in their bays (which a chassis's loop may cool)."""
    members = {x for x in loop.nodes if x in ctx.design.devices}
    for x in list(members):
        members |= descendants(ctx.design, x)
    return members


def served_loop(ctx: CheckContext, device_id: str) -> CoolantLoop:
    """The loop that cools a device: its own, or its chassis's when it sits in a bay."""
    device = ctx.design.devices.get(device_id)
    loop = loop_of(ctx, device_id)
    for _ in range(geometry.MAX_BAY_DEPTH):  # bounded: never loops on a parent cycle
        if loop.cdus or device is None or device.parent is None:
            break
        device = ctx.design.devices.get(device.parent)
        if device is not None:
            loop = loop_of(ctx, device.id)
    return loop
