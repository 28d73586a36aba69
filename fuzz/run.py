"""Run the loader and check-engine fuzzers, count the inputs, and report line coverage.

    .venv/bin/python fuzz/run.py                      # 100,000 inputs a loader, atheris if installed
    .venv/bin/python fuzz/run.py --runs 5000 --engine structured --loader design
    .venv/bin/python fuzz/run.py --runs 5000 --loader check-engine   # not in `all`: ~0.1 s an input

`check-engine` fully checks graph-shaped designs (fuzz/graphs.py `from_bytes`) and fails an input
past the counted work of fuzz/targets.py `check_engine`.

Engines: `atheris` (libFuzzer, coverage-guided, with the structure-aware custom mutator of
fuzz/mutations.py; inputs counted from libFuzzer's "Done N runs") and `structured` (the same
mutations drawn from a seeded random.Random, in this process; no extra dependency). Coverage
is measured with coverage.py: for atheris by replaying the corpus the run kept (libFuzzer keeps
every input that reached new code), for structured over every input. Failing inputs are saved
under --out (atheris: crash-*, timeout-*, oom-*); copy the ones that found a bug into
tests/data/fuzz-corpus/. Exit status 1 when any loader broke its promise (fuzz/targets.py).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import random
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

MODULES = {
    "design": ["rackstudio/io/project_file.py", "rackstudio/io/limits.py", "rackstudio/io/migrations.py",
               "rackstudio/model/integrity.py"],
    "netbox": ["rackstudio/library/safe_yaml.py", "rackstudio/library/netbox_yaml.py",
               "rackstudio/library/netbox_schema.py", "rackstudio/library/quality.py"],
    "check-engine": ["rackstudio/checks/power_flow.py", "rackstudio/checks/engine.py",
                     "rackstudio/checks/rules/power.py"],
}
HARNESS = {"design": "design_loader.py", "netbox": "netbox_loader.py", "check-engine": "check_engine.py"}


def _target(loader: str):
    from fuzz import graphs, targets

    if loader == "check-engine":
        def checked(data: bytes) -> str:
            targets.check_engine(graphs.from_bytes(data))
            return "loaded"

        return checked
    return targets.design if loader == "design" else lambda data: targets.netbox(
        data.decode("utf-8", "replace") if isinstance(data, bytes) else data)


class _NoCoverage:
    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def _coverage():
    """coverage.py over the loader modules, or a stand-in when it is not installed."""
    try:
        import coverage
    except ImportError:
        print("coverage.py is not installed (.venv/bin/pip install coverage): no coverage figures")
        return _NoCoverage()
    return coverage.Coverage(data_file=None, include=[str(ROOT / m) for ms in MODULES.values() for m in ms],
                             branch=False)


def _percentages(cov, loader: str) -> dict[str, float | None]:
    if isinstance(cov, _NoCoverage):
        return {"all": None}
    out, hit, total = {}, 0, 0
    for module in MODULES[loader]:
        _, statements, _, missing, _ = cov.analysis2(str(ROOT / module))
        out[module] = round(100 * (len(statements) - len(missing)) / max(len(statements), 1), 1)
        hit += len(statements) - len(missing)
        total += len(statements)
    out["all"] = round(100 * hit / max(total, 1), 1)
    return out


def run_structured(loader: str, runs: int, out: Path, seed: int) -> dict:
    from fuzz import mutations

    target = _target(loader)
    if loader == "check-engine":  # any bytes are a design (graphs.from_bytes)
        seeds = [b""]
        mutate = lambda rng, _: rng.randbytes(3 + 3 * rng.randint(0, 16))  # noqa: E731
    else:
        seeds = mutations.design_seeds() if loader == "design" else mutations.netbox_seeds()
        mutate = mutations.mutant_design if loader == "design" else mutations.mutant_netbox
    rng = random.Random(seed)
    outcomes = {"loaded": 0, "refused": 0, "failed": 0}
    failures: list[str] = []
    slowest = 0.0
    cov = _coverage()
    cov.start()
    began = time.perf_counter()
    try:
        for i in range(runs):
            data = mutate(rng, rng.choice(seeds))
            t = time.perf_counter()
            try:
                outcomes[target(data)] += 1
            except Exception:  # noqa: BLE001 - every exception here is a finding
                outcomes["failed"] += 1
                name = out / "failures" / f"{loader}-{seed}-{i}"
                name.parent.mkdir(parents=True, exist_ok=True)
                name.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
                name.with_suffix(".txt").write_text(traceback.format_exc())
                failures.append(str(name))
            slowest = max(slowest, time.perf_counter() - t)
    finally:
        cov.stop()
    return {"loader": loader, "engine": "structured", "inputs": runs, "seconds": round(time.perf_counter() - began, 1),
            "outcomes": outcomes, "slowest_input_s": round(slowest, 2), "failures": failures,
            "coverage": _percentages(cov, loader)}


def run_atheris(loader: str, runs: int, out: Path, timeout: int) -> dict:
    work = out / loader
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    harness = HERE / HARNESS[loader]
    command = [sys.executable, str(harness), f"-runs={runs}", "-max_len=262144", f"-timeout={timeout}",
               "-rss_limit_mb=4096", "-print_final_stats=1", f"-artifact_prefix={work}/", str(corpus),
               str(HERE / "seeds" / loader)]
    began = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, errors="replace")
    seconds = round(time.perf_counter() - began, 1)
    (work / "libfuzzer.log").write_text(proc.stderr)
    done = re.search(r"Done (\d+) runs in (\d+) second", proc.stderr)
    artifacts = sorted(str(p) for p in work.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-", "leak-")))
    cov = _coverage()
    cov.start()
    try:
        target = _target(loader)
        replayed = 0
        for path in [*sorted(corpus.iterdir()), *sorted((HERE / "seeds" / loader).iterdir())]:
            with contextlib.suppress(Exception):  # libFuzzer saved any failure as an artifact
                target(path.read_bytes())
            replayed += 1
    finally:
        cov.stop()
    return {"loader": loader, "engine": "atheris", "inputs": int(done.group(1)) if done else None,
            "seconds": seconds, "exit_code": proc.returncode, "corpus_replayed": replayed,
            "failures": artifacts, "coverage": _percentages(cov, loader),
            "stats": dict(re.findall(r"stat::(\w+):\s+(\d+)", proc.stderr))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per loader (default 100,000)")
    parser.add_argument("--loader", choices=[*MODULES, "all"], default="all", help="all: design and netbox")
    parser.add_argument("--engine", choices=["atheris", "structured", "auto"], default="auto")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "fuzz")
    parser.add_argument("--seed", type=int, default=1, help="structured engine's random seed")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take (atheris)")
    args = parser.parse_args(argv)
    engine = args.engine
    if engine == "auto":
        engine = "atheris" if importlib.util.find_spec("atheris") else "structured"
    args.out.mkdir(parents=True, exist_ok=True)
    reports = []
    for loader in (["design", "netbox"] if args.loader == "all" else [args.loader]):
        if engine == "atheris":
            report = run_atheris(loader, args.runs, args.out, args.timeout)
        else:
            report = run_structured(loader, args.runs, args.out, args.seed)
        reports.append(report)
        cov = report["coverage"]
        shown = "n/a" if cov["all"] is None else f"{cov['all']:5.1f} %"
        print(f"{loader:7s} {report['engine']:10s} inputs {report['inputs'] or 0:>8,}  {report['seconds']:>7.1f} s  "
              f"coverage {shown}  failures {len(report['failures'])}")
        for module, pct in cov.items():
            if module != "all":
                print(f"          {module:42s} {pct:5.1f} %")
    (args.out / "report.json").write_text(json.dumps(reports, indent=1) + "\n")
    return 1 if any(r["failures"] or r.get("exit_code") for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
