"""PWR-006 and PWR-010 read one answer per set of suppliers: what each failure above a device
that takes one of its live inputs leaves it (`failover._left_after_each_failure`). A rack's
devices on the same PDUs share it; each device's answer must equal its own failure flows,
computed from scratch."""
from __future__ import annotations

import random

from rackstudio.checks import power_flow
from rackstudio.checks.context import CheckContext
from rackstudio.checks.rules import failover
from rackstudio.graph.component_graph import ComponentGraph
from tests.core.test_power_batch import _broken_hall


def test_each_device_reads_what_its_own_failure_flows_say():
    design = _broken_hall()
    graph = ComponentGraph(design)
    scratch = CheckContext(design, graph)
    devices = random.Random(11).sample(sorted(design.devices), 150)
    for full in (True, False):
        ctx = CheckContext(design, graph)
        ctx.new_pass(full=full)
        for device_id in devices:
            got = failover._left_after_each_failure(ctx, device_id)
            live = len(power_flow.flow(scratch).live_inputs(device_id))
            want = tuple((u, left) for u in power_flow.upstream(scratch, device_id)
                         if power_flow.is_failure_element(scratch, u)
                         for left in [len(power_flow.failure_flow(scratch, u).live_inputs(device_id))]
                         if left < live)
            assert sorted(got) == sorted(want), device_id
        by_device, by_suppliers = ctx.memo[failover._LEFT_AFTER]
        assert len(by_device) == len(devices)
        assert len(by_suppliers) < len(devices) / 2  # devices on the same PDUs shared an answer
