"""Rack designs on L: the racks of L become instances of rack designs made from the first rack of
each repeated layout (`link_layouts`, as `rackstudio generate --rack-designs` does), then one
edit of the design with the most instances (a compute tray's allocated power changed, which moves every instance's feeds) is
applied to all of them as the app does (command, graph, incremental checks), previewed, undone and redone;
and applied as the preview's Apply does (the command as the preview planned it: the checks take the
state the preview checked).
"""
from __future__ import annotations

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer


def main() -> None:
    from rackstudio.checks import CheckEngine, builtin_registry
    from rackstudio.commands.rack_designs import EditRackDesign, link_layouts
    from rackstudio.document import Document
    from rackstudio.io import project_file
    from rackstudio.model.rack_designs import drift, instances
    from rackstudio.reports.rack_design_impact import preview

    run = Run("rack-designs-L", "python -m benchmarks.bench_rack_designs")
    print("rack designs on L", flush=True)
    doc = Document(project_file.load(design_file("L")).design)
    design = doc.design
    with Timer() as link:  # the generator's --rack-designs: repeated layouts become designs and instances
        for command in link_layouts(design):
            command.apply(design)
    with Timer() as full:  # checks attached after the linking, as a file of instances opens
        engine = CheckEngine(design, doc.graph, builtin_registry())
        engine.run_full()
    doc.check_engine = engine
    counts = {slug: len(instances(design, slug)) for slug in design.rack_designs}
    total = sum(counts.values())
    slug = max(counts, key=counts.get)
    rd = design.rack_designs[slug]
    tray = next(k for k, d in sorted(rd.devices.items()) if design.part_types[d.part].category.value == "server")
    edited = rd.model_copy(update={"revision": "B", "devices": {
        **rd.devices, tray: rd.devices[tray].model_copy(update={"allocated_w": 4000.0})}})
    with Timer() as impact_t:
        impact = preview(engine, EditRackDesign(edited))
    with Timer() as accepted:  # the preview's Apply: the command as the preview planned it
        doc.apply_command(impact.planned)
    as_promised = engine.findings() == engine.run_full()
    doc.revert_command(impact.planned)
    command = EditRackDesign(edited)
    with Timer() as whole:  # as the app's undo stack applies it: command, graph, checks
        changes = doc.apply_command(command)
    with Timer() as undo:
        doc.revert_command(command)
    with Timer() as redo:
        doc.apply_command(command)
    doc.revert_command(command)
    # the command alone, on a fresh copy of the step (planned again)
    again = EditRackDesign(edited)
    with Timer() as alone:
        again.apply(design)
    again.revert(design)
    same = engine.findings() == engine.run_full()
    followed = all(not drift(design, r) for r in instances(design, slug))
    run.figure("rack_designs.link.L", link.wall, racks=len(design.racks), instances=total,
               designs=len(design.rack_designs))
    run.figure("rack_designs.edit.L", whole.wall, cpu=round(whole.cpu, 3), instances=len(command.instances),
               records=len(changes.touched()))
    run.figure("rack_designs.edit.L.command", alone.wall, cpu=round(alone.cpu, 3))
    run.figure("rack_designs.apply_previewed.L", accepted.wall, cpu=round(accepted.cpu, 3))
    run.figure("rack_designs.undo.L", undo.wall, cpu=round(undo.cpu, 3))
    run.figure("rack_designs.redo.L", redo.wall, cpu=round(redo.cpu, 3))
    run.figure("rack_designs.preview.L", impact_t.wall, cpu=round(impact_t.cpu, 3), new=len(impact.added),
               cleared=len(impact.cleared), feeds=len(impact.feed_w))
    run.note(f"full check of L with its racks as instances: {full.wall:.2f} s")
    run.note(f"{total} of {len(design.racks)} racks are instances of {len(design.rack_designs)} rack designs "
             f"({', '.join(f'{design.rack_designs[s].name}: {c}' for s, c in sorted(counts.items(), key=lambda x: -x[1]))})")
    run.note(f"the edit of {rd.name} changed {len(command.instances)} instances, {len(changes.touched())} records; "
             f"applied after its preview, the findings {'equal' if as_promised else 'DIFFER FROM'} a full run's; "
             f"after undo the incremental findings {'equal' if same else 'DIFFER FROM'} a full run; "
             f"instances {'follow' if followed else 'DO NOT FOLLOW'} their design")
    run.finish()


if __name__ == "__main__":
    main()
