"""6. The parts library: index and search the NetBox device-type test data (tests/data/netbox-devicetypes), and a
6,000-file library made from it (every file copied with a numbered model and slug, so each copy is
a distinct part), cold (no index cache: every file parsed) and warm (index cache, files
unchanged); then the real parts palette over those 6,000 parts: filling it, and the search box,
keystroke by keystroke (key event, filter, repaint of the table).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.report import ROOT, Run, Timer, median, percentile

NETBOX = ROOT / "tests" / "data" / "netbox-devicetypes"
COPIES = 6000
QUERIES = ("nvidia", "poweredge c6420", "arista 7050", "apc")  # typed one key at a time, then erased
_SUFFIXES = (".yaml", ".yml")


def make_library(target: Path, count: int = COPIES) -> int:
    """`count` device-type files under target/device-types, each a numbered copy of a sample file."""
    files = sorted(p for p in (NETBOX / "device-types").rglob("*") if p.suffix in _SUFFIXES)
    if (NETBOX / "schema").is_dir():
        shutil.copytree(NETBOX / "schema", target / "schema")
    for i in range(count):
        source, k = files[i % len(files)], i // len(files)
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"^(model:\s*)(.+?)[ \t]*$", rf"\g<1>\g<2> c{k:04d}", text, count=1, flags=re.M)
        text = re.sub(r"^(slug:\s*)(.+?)[ \t]*$", rf"\g<1>\g<2>-c{k:04d}", text, count=1, flags=re.M)
        out = target / "device-types" / source.parent.name / f"{source.stem}-c{k:04d}{source.suffix}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return len(files)


def index_and_search(run: Run, key: str, root: Path, cache: Path) -> object:
    from rackstudio.library.catalog import Catalog, LibrarySource, SourceKind

    sources = [LibrarySource("library", root, SourceKind.USER)]
    with Timer() as cold:
        catalog = Catalog(sources, cache_dir=cache)
    with Timer() as warm:
        catalog = Catalog(sources, cache_dir=cache)
    words = [q[:n] for q in QUERIES for n in range(1, len(q) + 1)]
    start = time.perf_counter()
    hits = [len(catalog.search(w)) for w in words]
    per_query = (time.perf_counter() - start) / len(words) * 1000
    detail = {"entries": len(catalog.entries), "problems": len(catalog.problems)}
    run.figure(f"parts.{key}.cold", cold.wall, cpu=round(cold.cpu, 3), **detail)
    run.figure(f"parts.{key}.warm", warm.wall, cpu=round(warm.cpu, 3), **detail)
    run.figure(f"parts.{key}.search", per_query, queries=len(words), max_hits=max(hits))
    return catalog


def palette(run: Run, catalog) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from benchmarks import gui
    from rackstudio.ui.library_source import CatalogLibrary

    with Timer() as build:
        window = gui.main_window(CatalogLibrary(catalog))
    dock = window.palette_dock
    with Timer() as reload:
        dock.reload()
        gui.settle()
    times, cpu = [], []
    for query in QUERIES:
        for keys in [list(query), [Qt.Key.Key_Backspace] * len(query)]:
            for key in keys:
                c0, t0 = time.process_time(), time.perf_counter()
                QTest.keyClick(dock.search, key)
                gui.settle(1)
                dock.view.viewport().repaint()
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
    rows = len(dock.model.entries)
    run.note(f"palette keystroke CPU: median {median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms")
    run.figure("palette.6000.reload", reload.wall, cpu=round(reload.cpu, 3), rows=rows,
               window_with_palette_s=round(build.wall, 3))
    run.figure("palette.6000.keystroke.median", median(times), keystrokes=len(times), rows=rows,
               cpu_median_ms=round(median(cpu), 2))
    run.figure("palette.6000.keystroke.p95", percentile(times, 95), max_ms=round(max(times), 2), rows=rows,
               cpu_p95_ms=round(percentile(cpu, 95), 2))


def main() -> None:
    run = Run("parts", "python -m benchmarks.bench_parts")
    print("6. parts library and palette", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        index_and_search(run, "netbox", NETBOX, tmp / "cache-netbox")
        originals = make_library(tmp / "lib")
        run.note(f"6,000 files: {COPIES} numbered copies of the sample's {originals} device-type files")
        catalog = index_and_search(run, "6000", tmp / "lib", tmp / "cache-6000")
        palette(run, catalog)
    run.finish()


if __name__ == "__main__":
    main()
