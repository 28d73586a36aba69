"""Qt-free. What the power rules (`rules.power`) read of the design and the normal flow, answered
in a full pass from tables built once per pass instead of a walk or a part test per subject, and
in an update (no tables) subject by subject as before; tests/core/test_power_candidates.py holds
each rule's full pass to its update, on random designs."""
from __future__ import annotations

from collections.abc import Callable

from rackstudio.checks.context import CheckContext
from rackstudio.checks.power_flow import flow, killers, live_after
from rackstudio.checks.rules.cable_index import devices_by_part
from rackstudio.model.parts import PartType


def rack_devices_with(ctx: CheckContext, rack_id: str, applies: Callable[[PartType], bool]) -> list[str]:
    """A rack's devices whose part `applies`, in its order: in a full pass read from
    `devices_with` (PWR-012 and 013 would read 34,776 devices' parts at 1,000 racks), else each
    device's part tested."""
    if not ctx.full_pass:
        return [x for x in ctx.rack_devices(rack_id) if applies(ctx.part(x))]
    passing = devices_with(ctx, applies)
    return [x for x in ctx.rack_devices(rack_id) if x in passing]


def devices_with(ctx: CheckContext, applies: Callable[[PartType], bool]) -> set[str]:
    """The ids of the devices whose part `applies`, once per full pass (a test per part,
    `devices_by_part`); full passes only."""
    key = ("devices of parts", applies)
    passing = ctx.memo.get(key)
    if passing is None:
        passing = ctx.memo[key] = {d.id for part, same in devices_by_part(ctx) if applies(part) for d in same}
    return passing


def survivors(ctx: CheckContext, nodes: list[str]) -> Callable[[str], list[str]]:
    """`failed` → the `nodes` still live after it fails (`live_after`), in their order: in a full
    pass each node's entry of `killers` is read once, not once per failure (PWR-012 asks each
    shelf of 448 racks once per feed above them: 28,672 questions at 1,000 racks)."""
    table = killers(ctx)
    if table is None:
        return lambda failed: [x for x in nodes if live_after(ctx, x, failed)]
    live = flow(ctx).live
    lost = [(x, table[x]) for x in nodes if live(x)]
    return lambda failed: [x for x, killed_by in lost if failed not in killed_by]
