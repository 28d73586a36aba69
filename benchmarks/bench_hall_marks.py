"""The cost of the hall view's rack-design marks: the hall drags of `bench_drag` on L, with every
rack drawn as a rack-design instance (one of five design tints, every other one with the
overridden corner mark) against the same racks drawn plain, two rounds each. L's racks are not
instances (linking them takes minutes), so the items are given the looks directly: what is
measured is the painting, which is all the marks add."""
from __future__ import annotations

from benchmarks import gui
from benchmarks.bench_drag import hall_drag
from benchmarks.designs import design_file
from benchmarks.report import median, percentile


def main() -> None:
    from rackstudio.document import Document
    from rackstudio.ui.hall.items import RackItem

    print("hall drags on L, racks drawn as instances and plain", flush=True)
    window = gui.main_window()
    window.set_document(Document.open(design_file("L"))[0])
    gui.wait_for_checks(window)
    design = window.editor.design
    racks = sorted(design.racks.values(), key=lambda r: (r.y_mm, r.x_mm))
    middle = racks[len(racks) // 2].id
    items = [i for i in window.hall_view.hall_scene.objects.values() if isinstance(i, RackItem)]

    def looks(instances: bool) -> None:
        for n, item in enumerate(items):
            item.rack_design, item.overrides = (f"design-{n % 5}", n % 2) if instances else (None, 0)
            item.update()
        window.hall_view.hall_scene.overview.changed()

    for round_ in (1, 2):
        for label, instances in (("plain", False), ("instances", True)):
            looks(instances)
            for zoom in (1.0, 4.8):
                frames, _handler, _paint, cpu, _drop, _scale = hall_drag(window, middle, zoom)
                print(f"  round {round_} {label:9s} zoom x{zoom:g}: CPU per frame median {median(cpu):.2f} ms, "
                      f"p95 {percentile(cpu, 95):.2f} ms; frame p95 {percentile(frames, 95):.2f} ms", flush=True)


if __name__ == "__main__":
    main()
