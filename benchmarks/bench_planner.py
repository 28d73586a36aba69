"""The power planner over every rack of L (the 1,000-rack hall): its PSU cords are removed first
(untimed), then `plan_power` plans every PSU of every rack in one call, as Cabling ▸ Plan Power
does with all racks selected. The figure is the planning alone (the app already has the component
graph); building the graph and the flow, and applying the plan, are recorded beside it."""
from __future__ import annotations

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer
from rackstudio.checks.power_flow import FlowState
from rackstudio.commands import Composite, Disconnect
from rackstudio.commands.power_plan import plan_power
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model.parts import Category


def main() -> None:
    run = Run("planner-L", "python -m benchmarks.bench_planner")
    design = project_file.load(design_file("L")).design
    pdus = {d for d, dev in design.devices.items() if design.part_of(dev).category == Category.PDU}
    cords = [c for c, conn in design.connections.items()
             if conn.kind == "power" and conn.b.owner in pdus and conn.a.owner not in pdus]
    Composite("unplug", [Disconnect(c) for c in cords]).apply(design)
    with Timer() as state_time:
        state = FlowState.of(design, ComponentGraph(design))
    with Timer() as plan_time:
        plan = plan_power(design, sorted(design.racks), state)
    with Timer() as apply_time:
        plan.command.apply(design)
    run.figure("planner.L", plan_time.wall, cpu=round(plan_time.cpu, 3), racks=len(design.racks),
               cords=len(plan.links))
    run.figure("planner.L.state", state_time.wall)
    run.figure("planner.L.apply", apply_time.wall)
    run.note(f"{len(cords):,} PSU cords removed and {len(plan.links):,} planned over {len(design.racks):,} racks; "
             f"{len(plan.pdus):,} PDUs previewed")
    run.finish()


if __name__ == "__main__":
    main()
