"""Qt-free. Which devices and cables each power rule can fire on, so a full pass runs it on those
only (`rules.cable_index.batched` gives a rule its batch from such a list).

A full pass hands a device rule all 34,776 devices of a 1,000-rack hall, most of them blanking
panels and gear with no power port; the power rules' first test is of the device's part (a PDU,
an AC consumer that declares redundancy, a part with PSU figures), so the devices grouped by part
once per pass name each rule's candidates for the cost of one test per part. The test given here
must hold of every part the rule's function can return a hit (or raise) on: the results are the
function's own (tests/core/test_power_batch.py compares each batch with its function).
"""
from __future__ import annotations

import heapq
from collections.abc import Callable

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import RuleFn
from rackstudio.checks.rules.cable_index import batched
from rackstudio.model.parts import PartType

_PARTS = "devices by part"
_CORDS = "power cords"


def devices_by_part(ctx: CheckContext) -> list[tuple[PartType | None, list[str]]]:
    """(part, its devices in order) for every part a device is (a device with modules is its
    fitted part; None: devices whose part cannot be read), once per pass."""
    found = ctx.memo.get(_PARTS)
    if found is None:
        groups: dict[int, tuple[PartType | None, list[str]]] = {}
        devices = ctx.design.devices
        part_of = ctx.design.part_of
        for dev_id in sorted(devices):
            try:
                part = part_of(devices[dev_id])
            except Exception:  # a device whose part is missing: left to the rules, which report it
                part = None
            group = groups.get(id(part))
            if group is None:
                group = groups[id(part)] = (part, [])
            group[1].append(dev_id)
        found = ctx.memo[_PARTS] = list(groups.values())
    return found


def _devices(ctx: CheckContext, applies: Callable[[PartType], bool]) -> list[str]:
    """The devices whose part `applies` to (and those whose part cannot be read), in order."""
    return list(heapq.merge(*(devices for part, devices in devices_by_part(ctx)
                              if part is None or applies(part))))


def parts(applies: Callable[[PartType], bool], feeds: bool = False) -> Callable[[RuleFn], RuleFn]:
    """Decorator (below `@rule`): a full pass runs the rule on the devices whose part `applies` to
    (`feeds`: and on every feed, for a rule on feeds and devices)."""
    def candidates(ctx: CheckContext, fn: RuleFn) -> list[str]:
        found = _devices(ctx, applies)
        return sorted(ctx.design.feeds) + found if feeds else found
    return batched(candidates, "devices")


def power_cords(ctx: CheckContext, fn: RuleFn) -> list[str]:
    """The power cables of the design, in order, once per pass."""
    found = ctx.memo.get(_CORDS)
    if found is None:
        found = ctx.memo[_CORDS] = sorted(c for c, conn in ctx.design.connections.items() if conn.kind == "power")
    return found
