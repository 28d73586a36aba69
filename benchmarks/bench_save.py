"""3. Save L as the app saves it (`Document.save` of a design opened with `Document.open`):
serialise, check what changed since the design last met the load rules, atomic write with fsync,
backup of the previous file; then reopen the saved file: it must hold the same bytes as the file
that was opened and load to the same design. The check of the whole design (what a save of a
design with no known baseline does) is timed on its own, for comparison."""
from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer, median

RUNS = 3


def main() -> None:
    from rackstudio.document import Document
    from rackstudio.io import project_file

    run = Run("save-L", "python -m benchmarks.bench_save")
    print("3. save L", flush=True)
    source = design_file("L")
    document, _ = Document.open(source)
    design = document.design
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "hall.rackstudio"
        times, cpus = [], []
        for _ in range(RUNS):  # the second and later saves also keep a .bak of the previous file
            with Timer() as t:
                document.save(target)
            times.append(t.wall)
            cpus.append(t.cpu)
        with Timer() as dumps:
            text = project_file.dumps(design)
        with Timer() as whole:
            project_file.verify(design)
        same_bytes = target.read_bytes() == source.read_bytes()
        same_design = project_file.dumps(project_file.load(target).design) == text
    run.figure("save.L", median(times), cpu=round(median(cpus), 3), runs=[round(t, 3) for t in times],
               serialise=round(dumps.wall, 3), verify_whole=round(whole.wall, 3))
    run.figure("save.L.reopen_identical", same_bytes and same_design, same_bytes=same_bytes, same_design=same_design)
    run.note(f"of which serialising {dumps.wall:.3f} s; median of {RUNS} saves; checking the whole design "
             f"instead of what changed would add {whole.wall:.3f} s")
    run.finish()


if __name__ == "__main__":
    main()
