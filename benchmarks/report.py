"""What every benchmark prints and records: the machine, the figures against their targets, and
one JSON line per run in benchmarks/results/results.jsonl (gitignored)."""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "results.jsonl"
RUN_ID = os.environ.get("RACKSTUDIO_BENCH_RUN") or time.strftime("%Y%m%dT%H%M%S")


# figure key → (what it is, unit, target, "<=" or ">=" or "==") ; target None: reported, no target
TARGETS: dict[str, tuple[str, str, float | bool | None, str]] = {
    "startup.first_paint": ("start-up: process start → first painted window, example pod", "s", 0.5, "<="),
    "startup.screenshot": ("start-up: `rackstudio FILE --screenshot` wall time, example pod", "s", None, ""),
    "open.L": ("open L: load + validate + graph + hall scene + first paint", "s", 1.5, "<="),
    "open.L.load": ("open L: load + validate (project_file.load)", "s", None, ""),
    "open.L.graph": ("open L: component graph build", "s", None, ""),
    "open.L.scene": ("open L: window.set_document (hall scene, docks)", "s", None, ""),
    "open.L.paint": ("open L: first paint of the hall view", "s", None, ""),
    "open.L.checks": ("open L: live checks after the first paint, until adopted", "s", 2.5, "<="),
    "open.L.stall": ("open L: worst GUI-thread stall while the background full check runs", "ms", 50.0, "<="),
    "open.XL": ("open XL: load + validate + graph + hall scene + first paint", "s", 8.0, "<="),
    "open.XL.load": ("open XL: load + validate", "s", None, ""),
    "open.XL.graph": ("open XL: component graph build", "s", None, ""),
    "open.XL.scene": ("open XL: window.set_document", "s", None, ""),
    "open.XL.paint": ("open XL: first paint of the hall view", "s", None, ""),
    "open.XL.checks": ("open XL: live checks after the first paint, until adopted", "s", None, ""),
    "open.XL.stall": ("open XL: worst GUI-thread stall while the background full check runs", "ms", 50.0, "<="),
    "rss.L": ("peak RSS with L open in the window, its live checks done", "MiB", 1024, "<="),
    "rss.XL": ("peak RSS with XL open in the window, its live checks done", "MiB", 3072, "<="),
    "save.L": ("save L (atomic, fsync, backup)", "s", 1.0, "<="),
    "save.L.reopen_identical": ("reopen the saved L: same bytes, same design", "", True, "=="),
    "check.full.L": ("full check of L (CheckEngine.run_full)", "s", 1.0, "<="),
    "check.move.median": ("incremental check after moving a device, median", "ms", 5.0, "<="),
    "check.move.p95": ("incremental check after moving a device, p95", "ms", 16.0, "<="),
    "check.reconnect.median": ("incremental check after reconnecting a cable, median", "ms", 5.0, "<="),
    "check.reconnect.p95": ("incremental check after reconnecting a cable, p95", "ms", 16.0, "<="),
    "planner.L": ("power planner over every rack of L (plan_power, all racks)", "s", 2.0, "<="),
    "planner.L.state": ("power planner on L: component graph + flow state", "s", None, ""),
    "planner.L.apply": ("power planner on L: apply the plan (one Composite)", "s", None, ""),
    "check.ratio": ("full check / median incremental check (worse of the two edits)", "×", 100, ">="),
    "drag.elevation.median": ("drag a device in a rack elevation, frame median", "ms", None, ""),
    "drag.elevation.p95": ("drag a device in a rack elevation, frame p95", "ms", 16.0, "<="),
    "drag.hall.median": ("drag a rack across the hall of L (zoomed to fit), frame median", "ms", None, ""),
    "drag.hall.p95": ("drag a rack across the hall of L (zoomed to fit), frame p95", "ms", 16.0, "<="),
    "drag.hall_zoomed.p95": ("drag a rack across the hall of L (zoomed ×4 on a pod), frame p95", "ms", 16.0, "<="),
    "zoom_fit.L": ("hall zoom-to-fit + repaint, L", "ms", 50.0, "<="),
    "parts.netbox.cold": ("index the NetBox sample (no index cache)", "s", None, ""),
    "parts.netbox.warm": ("index the NetBox sample (index cache)", "s", None, ""),
    "parts.netbox.search": ("catalog search, NetBox sample, per query", "ms", None, ""),
    "parts.6000.cold": ("index 6,000 part files (no index cache)", "s", None, ""),
    "parts.6000.warm": ("index 6,000 part files (index cache)", "s", None, ""),
    "parts.6000.search": ("catalog search over 6,000 parts, per query", "ms", None, ""),
    "palette.6000.reload": ("palette filled with 6,000 parts (PaletteDock.reload)", "s", None, ""),
    "palette.6000.keystroke.median": ("palette search per keystroke, 6,000 parts, median", "ms", None, ""),
    "palette.6000.keystroke.p95": ("palette search per keystroke, 6,000 parts, p95", "ms", 16.0, "<="),
    "memory.growth": ("RSS growth over 1,000 edit/undo cycles on L", "%", 5.0, "<"),
    "wide_edit.delete.L": ("L: delete a pod of racks in the window (the window's time: command, graph, checks, views)",
                           "s", None, ""),
    "wide_edit.checks.L": ("L: that delete's full check, on the worker, until its results are taken", "s", None, ""),
    "wide_edit.stall.L": ("L: worst GUI-thread stall while that check runs", "ms", 50.0, "<="),
    "wide_edit.undo.L": ("L: undo of that delete in the window", "s", None, ""),
    "wide_edit.redo.L": ("L: redo of that delete in the window", "s", None, ""),
    "rack_designs.link.L": ("L: make rack designs from the first rack of each kind, link the racks holding them", "s",
                            None, ""),
    "rack_designs.edit.L": ("L: one rack-design edit applied to every instance (command + graph + checks)", "s",
                            None, ""),
    "rack_designs.edit.L.command": ("L: one rack-design edit, the command alone (plan + write)", "s", None, ""),
    "rack_designs.apply_previewed.L": ("L: that edit applied by its preview's Apply (command as previewed + graph + checks)",
                                       "s", None, ""),
    "rack_designs.undo.L": ("L: undo of that edit (command + graph + checks)", "s", None, ""),
    "rack_designs.redo.L": ("L: redo of that edit after the undo (command + graph + checks)", "s", None, ""),
    "rack_designs.preview.L": ("L: impact preview of that edit (apply, checks, figures, revert)", "s", None, ""),
    "actions.select_rack.L": ("L: select a rack (Inspector, totals, hall)", "ms", 16.0, "<="),
    "actions.select_all.L": ("L: Select All in the hall (2,128 racks and floor units)", "ms", 16.0, "<="),
    "actions.select_none.L": ("L: select nothing after Select All", "ms", 16.0, "<="),
    "actions.rename_rack.L": ("L: rename a rack (command, checks, views)", "ms", 16.0, "<="),
    "actions.move_rack.L": ("L: move a rack 100 mm into its aisle (command, checks, views)", "ms", 16.0, "<="),
    "actions.delete_device.L": ("L: delete a device in a rack (command, checks, views)", "ms", 16.0, "<="),
    "actions.paste_rack.L": ("L: copy a rack and paste it (command, checks, views)", "ms", 16.0, "<="),
    "actions.unplug_optics.L": ("L: take the optics out of a cable's two ends (command, checks, views)", "ms", 16.0,
                                "<="),
    "actions.open_elevation.L": ("L: open a rack's elevation", "ms", 16.0, "<="),
    "actions.cable_overlay.L": ("L: turn the hall's cable overlay on", "ms", 16.0, "<="),
    "plugins.rule_pass.L": ("L: one pass of the example plugin's rack rule over every rack, in its worker process",
                            "ms", None, ""),
    "plugins.first_full.L": ("L: first full check with only the plugin's rules (starting its worker)", "s", None, ""),
    "plugins.move.median": ("L: incremental check after moving a device, the plugin's rule registered, median", "ms",
                            5.0, "<="),
    "reuse.full.L.off": ("full check of LD (L from rack designs), results not reused across instances", "s", None, ""),
    "reuse.full.L.on": ("full check of LD, rack-internal results reused across instances", "s", 1.0, "<="),
    "reuse.edit.L.off": ("LD: one rack-design edit on its 448 instances, command + graph + checks, no reuse", "s",
                         None, ""),
    "reuse.edit.L.on": ("LD: one rack-design edit on its 448 instances, command + graph + checks, reuse", "s",
                        None, ""),
}


def machine() -> dict:
    """CPU model, cores, RAM, Python, Qt and the load average while the benchmark ran."""
    cpu = platform.processor() or platform.machine()
    ram_mib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_mib = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {PySide6.__version__}, Qt {qVersion()}"
    except ImportError:
        qt = "not installed"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": cores, "ram_mib": ram_mib, "python": platform.python_version(),
            "qt": qt, "os": platform.platform(terse=True), "load_avg": [round(x, 2) for x in os.getloadavg()]}


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def met(key: str, value) -> bool | None:
    _, _, target, op = TARGETS[key]
    if target is None or value is None:
        return None
    if op == "<=":
        return value <= target
    if op == "<":
        return value < target
    if op == ">=":
        return value >= target
    return value == target


def describe_machine(m: dict) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['ram_mib'] / 1024:.1f} GiB RAM, Python {m['python']}, "
            f"{m['qt']}, load average {' '.join(map(str, m['load_avg']))}")


@dataclass
class Run:
    """One benchmark's figures; `finish` prints and records them."""

    name: str
    command: str = ""
    figures: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def figure(self, key: str, value, **detail) -> None:
        label, unit, target, op = TARGETS[key]
        if isinstance(value, float):
            value = round(value, 4)
        self.figures[key] = {"label": label, "value": value, "unit": unit, "target": target, "op": op,
                             "met": met(key, value), **detail}
        mark = {True: "met", False: "MISSED", None: ""}[met(key, value)]
        goal = f"(target {op} {target}{unit})" if target is not None else ""
        cpu = f"cpu {detail['cpu']:.3f} s" if "cpu" in detail else ""
        print(f"  {key:32} {_fmt(value):>10} {unit:4} {goal:22} {mark:6} {cpu}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def finish(self) -> None:
        m = machine()
        print(f"  machine: {describe_machine(m)}", flush=True)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        line = {"run": RUN_ID, "benchmark": self.name, "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "revision": git_revision(), "command": self.command or " ".join([sys.executable, *sys.argv]),
                "machine": m, "figures": self.figures, "notes": self.notes, **self.extra}
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): a value that was measured, never interpolated."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rss_mib() -> float:
    """Current resident set size (VmRSS), MiB."""
    return _status_mib("VmRSS:")


def peak_rss_mib() -> float:
    """Peak resident set size of this process (VmHWM), MiB."""
    return _status_mib("VmHWM:")


def _status_mib(field_name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name):
            return int(line.split()[1]) / 1024
    return float("nan")


def isolate_user_dirs() -> None:
    """Point the app's settings, caches and user parts at benchmarks/.cache/home (QSettings,
    the parts-index cache), so a user's own files never change a figure."""
    home = Path(__file__).resolve().parent / ".cache" / "home"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data")):
        os.environ[var] = str(home / sub)


class Timer:
    """Wall and CPU time of a block: `with Timer() as t: ...; t.wall, t.cpu` (seconds)."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
