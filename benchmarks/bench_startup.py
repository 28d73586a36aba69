"""1. Start-up: process start → first painted window showing the example pod.

Each run is a fresh process (`python -m benchmarks.startup_probe FILE`, which calls the same
cli.main as the `rackstudio` script) on the offscreen platform; the clock starts in this process
just before the child is spawned and stops when the child's hall view has painted the design.
The child's CPU time at the first paint is recorded too (on a shared machine the wall time
waits for a core). Two warm-up runs first write the bytecode caches and the parts-index cache, as any second start
of an installed app would find them. `--screenshot` wall and CPU time (the whole process) are
recorded alongside.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.designs import design_file
from benchmarks.report import ROOT, Run, isolate_user_dirs, median

RUNS = 7


def child_env() -> dict:
    isolate_user_dirs()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its .pyc files
    return env


def first_paint(path: Path, env: dict) -> tuple[float, float]:
    """(wall seconds from spawning the child to its first paint, the child's CPU seconds then)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-m", "benchmarks.startup_probe", str(path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            probe = json.loads(line)
            return probe["first_paint"] - start, probe["cpu"]
    raise RuntimeError(f"the probe painted nothing (exit {out.returncode}): {out.stderr[-2000:]}")


def screenshot(path: Path, env: dict, out_png: Path) -> tuple[float, float]:
    """(wall seconds of a `rackstudio FILE --screenshot` process, its CPU seconds)."""
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sys; from rackstudio.cli import main; sys.exit(main())",
                    str(path), "--screenshot", str(out_png)], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    return time.perf_counter() - start, _children_cpu() - before


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    run = Run("startup", "python -m benchmarks startup")
    print("1. start-up", flush=True)
    path = design_file("S")
    env = child_env()
    for _ in range(2):
        first_paint(path, env)
    probes = [first_paint(path, env) for _ in range(RUNS)]
    paints, cpus = [p for p, _ in probes], [c for _, c in probes]
    with tempfile.TemporaryDirectory() as tmp:
        shots, shot_cpus = zip(*(screenshot(path, env, Path(tmp) / "shot.png") for _ in range(3)), strict=True)
    run.figure("startup.first_paint", median(paints), runs=[round(p, 3) for p in paints], best=round(min(paints), 3),
               cpu=median(cpus))
    run.figure("startup.screenshot", median(shots), runs=[round(s, 3) for s in shots], cpu=round(median(shot_cpus), 3))
    run.note(f"median of {RUNS} fresh processes after 2 warm-up runs; best {min(paints):.3f} s; "
             f"the child's CPU time to the first paint: median {median(cpus):.3f} s, best {min(cpus):.3f} s")
    run.finish()


if __name__ == "__main__":
    main()
