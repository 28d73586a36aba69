"""Qt-free. Which devices each power rule can fire on, so a full pass runs it on those only
(`rules.cable_index.batched` gives a rule its batch from such a list).

A full pass hands a device rule all 34,776 devices of a 1,000-rack hall, most of them blanking
panels and gear with no power port; the power rules' first test is of the device's part (a PDU,
an AC consumer that declares redundancy, a part with PSU figures), so the devices grouped by part
(`rules.cable_index.devices_passing`, one table per pass) name each rule's candidates for the cost of
one test per part. The test given here must hold of every part the rule's function can return a
hit (or raise) on: the results are the function's own (tests/core/test_power_batch.py compares
each batch with its function).
"""
from __future__ import annotations

from collections.abc import Callable

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import RuleFn
from rackstudio.checks.rules.cable_index import batched, devices_passing
from rackstudio.model.parts import PartType


def parts(applies: Callable[[PartType], bool], feeds: bool = False) -> Callable[[RuleFn], RuleFn]:
    """Decorator (below `@rule`): a full pass runs the rule, in the subjects' order, on the devices
    whose part `applies` to (`feeds`: and on every feed, for a rule on feeds and devices)."""
    def candidates(ctx: CheckContext, fn: RuleFn) -> list[str]:
        found = devices_passing(ctx, applies)
        return sorted(ctx.design.feeds) + found if feeds else found
    return batched(candidates, "devices")
