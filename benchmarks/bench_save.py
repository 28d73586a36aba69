"""3. Save L: project_file.save (serialise, atomic write with fsync, backup of the previous
file), then reopen the saved file: it must hold the same bytes as the file that was opened and
load to the same design."""
from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.designs import design_file
from benchmarks.report import Run, Timer, median

RUNS = 3


def main() -> None:
    from rackstudio.io import project_file

    run = Run("save-L", "python -m benchmarks.bench_save")
    print("3. save L", flush=True)
    source = design_file("L")
    design = project_file.load(source).design
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "hall.rackstudio"
        times, cpus = [], []
        for _ in range(RUNS):  # the second and later saves also keep a .bak of the previous file
            with Timer() as t:
                project_file.save(design, target)
            times.append(t.wall)
            cpus.append(t.cpu)
        with Timer() as dumps:
            text = project_file.dumps(design)
        same_bytes = target.read_bytes() == source.read_bytes()
        same_design = project_file.dumps(project_file.load(target).design) == text
    run.figure("save.L", median(times), cpu=round(median(cpus), 3), runs=[round(t, 3) for t in times],
               serialise=round(dumps.wall, 3))
    run.figure("save.L.reopen_identical", same_bytes and same_design, same_bytes=same_bytes, same_design=same_design)
    run.note(f"of which serialising (model_dump_json) {dumps.wall:.3f} s; median of {RUNS} saves")
    run.finish()


if __name__ == "__main__":
    main()
