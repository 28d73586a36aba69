"""Run the built RackStudio bundle as a user's machine would, and compare it with the source.

    .venv/bin/python packaging/smoke_test.py [--bundle dist/RackStudio] [--runs 3] [--keep]

The bundle is copied to a read-only temporary folder whose name has a space, and run with an
empty environment apart from HOME, temporary XDG folders, QT_QPA_PLATFORM=offscreen and
LANG=C.UTF-8 (no PATH, no PYTHONPATH, no venv). The same commands run from the source (this
venv's `rackstudio`) with their own empty folders, and the outputs must match. A subcommand the
source does not have yet is skipped with a note; one the source has must work frozen too.
Exit 0 only if every check passed.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import build  # packaging/build.py: this script's folder is sys.path[0]

ROOT = build.ROOT
EXAMPLE = ROOT / "resources" / "examples" / "ai-pod.rackstudio"
# Qt pieces a trimmed bundle must not hold (build.py QT_MODULES_EXCLUDED, trim_reason).
FORBIDDEN = re.compile(r"libQt6(Qml|Quick|WebEngine|3D|Designer|Pdf|VirtualKeyboard)|/translations/.*\.qm$")
VOLATILE_KEYS = re.compile(r"(time|elapsed|duration|seconds|generated|timestamp)", re.I)


class Results:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, status: str, name: str, detail: str = "") -> None:
        self.rows.append((status, name, detail))
        print(f"{status:4} {name}" + (f": {detail}" if detail else ""), flush=True)

    def check(self, ok: bool, name: str, detail: str = "") -> bool:
        self.add("PASS" if ok else "FAIL", name, detail)
        return ok

    @property
    def failed(self) -> int:
        return sum(1 for status, _, _ in self.rows if status == "FAIL")


class App:
    """One way to run RackStudio (frozen or from source) in its own empty environment."""

    def __init__(self, command: Sequence[str], home: Path) -> None:
        self.command = list(command)
        for sub in ("home", "config", "data", "cache", "runtime"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        (home / "runtime").chmod(0o700)
        self.env = {
            "HOME": str(home / "home"), "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(home / "runtime"), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8",
        }

    def run(self, *args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
        started = time.perf_counter()
        done = subprocess.run([*self.command, *args], env=self.env, cwd=cwd, capture_output=True,
                              text=True, timeout=120)
        return done, time.perf_counter() - started


def normalize(text: str, paths: dict[str, str]) -> str:
    """Output with machine-specific paths replaced by placeholders, so two runs compare."""
    for path, name in sorted(paths.items(), key=lambda item: -len(item[0])):
        text = text.replace(path, name)
    return text


def without_volatile(value):
    """JSON with timing and timestamp fields removed (they differ between any two runs)."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if not VOLATILE_KEYS.search(k)}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def diff(a: str, b: str) -> str:
    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), "source", "frozen", lineterm="", n=1)
    return "\n".join(list(lines)[:30])


def png_size(path: Path) -> tuple[int, int] | None:
    data = path.read_bytes()[:24] if path.is_file() else b""
    if len(data) < 24 or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def set_writable(root: Path, writable: bool) -> None:
    write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


class SmokeTest:
    def __init__(self, bundle: Path, tmp: Path, runs: int) -> None:
        self.results = Results()
        self.runs = runs
        self.tmp = tmp
        self.bundle = tmp / "Rack Studio"  # a space in the path, as in "Program Files"
        shutil.copytree(bundle, self.bundle, symlinks=True)
        set_writable(self.bundle, False)   # installed under /opt: the app must not write beside itself
        self.before = snapshot(self.bundle)  # (root ignores the modes, so compare too)
        self.work = tmp / "work"
        self.work.mkdir()
        self.example = self.work / "ai-pod.rackstudio"
        shutil.copy2(EXAMPLE, self.example)
        self.frozen = App([str(self.bundle / build.EXE_NAME)], tmp / "frozen-env")
        script = Path(sys.executable).with_name("rackstudio")
        self.source = App([str(script)] if script.exists() else [sys.executable, "-m", "rackstudio"],
                          tmp / "source-env")
        resources = sorted(self.bundle.rglob("resources/examples"))
        self.bundled_resources = resources[0].parent if resources else None
        self.paths = {str(self.tmp): "<TMP>", str(ROOT / "resources"): "<RESOURCES>"}
        if self.bundled_resources:
            self.paths[str(self.bundled_resources)] = "<RESOURCES>"
        self.plugins = self._bundled_plugins()

    def _bundled_plugins(self) -> dict[str, Path | None]:
        """Bundled example plugins (their dist-info is in the bundle) -> their package folder."""
        found = {}
        for name in build.BUNDLED_PLUGINS:
            module = name.replace("-", "_")
            if not any(self.bundle.rglob(f"{module}-*.dist-info")):
                continue
            found[name] = next(self.bundle.rglob(module), None)
            source = importlib.util.find_spec(module)  # where the source run finds it
            for folder in [found[name], *(source.submodule_search_locations if source else [])]:
                if folder:
                    self.paths[str(folder)] = f"<PLUGIN {name}>"
        return found

    # --- running both --------------------------------------------------------------------

    def both(self, *args: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
        source, _ = self.source.run(*args, cwd=self.work)
        frozen, _ = self.frozen.run(*args, cwd=self.work)
        if "Traceback" in frozen.stderr:
            self.results.add("FAIL", f"rackstudio {' '.join(args)}: frozen traceback",
                             frozen.stderr.strip()[-800:])
        return source, frozen

    def same_output(self, name: str, source: subprocess.CompletedProcess, frozen: subprocess.CompletedProcess,
                    as_json: bool = False, exits: tuple[int, ...] = (0,)) -> bool:
        """Frozen and source exit alike, with an expected code, and print the same (paths aside)."""
        if frozen.returncode not in exits:
            return self.results.check(False, name, f"exit {frozen.returncode}: {frozen.stderr.strip()[-400:]}")
        a, b = normalize(source.stdout, self.paths), normalize(frozen.stdout, self.paths)
        if as_json:
            try:
                a, b = (json.dumps(without_volatile(json.loads(t)), indent=1, sort_keys=True) for t in (a, b))
            except ValueError as exc:
                return self.results.check(False, name, f"not JSON ({exc}): {frozen.stdout[:200]!r}")
        same = source.returncode == frozen.returncode and a == b
        detail = (f"exit {frozen.returncode}" if same else
                  f"exit source {source.returncode} frozen {frozen.returncode}; {frozen.stderr.strip()[:300]}\n{diff(a, b)}")
        return self.results.check(same, name, detail)

    def available(self, command: str) -> bool:
        """Whether the source has a subcommand; if it does, the bundle must have it too."""
        source, frozen = self.both(command, "--help")
        if source.returncode == 64 and "not available" in source.stderr:
            self.results.add("SKIP", f"rackstudio {command}", "not in the source yet")
            return False
        if source.returncode != 0:
            return self.results.check(False, f"rackstudio {command} --help", "fails from the source too: "
                                      + source.stderr.strip()[-400:])
        return self.results.check(frozen.returncode == 0, f"rackstudio {command} is in the bundle",
                                  frozen.stderr.strip()[:300])

    # --- the checks ---------------------------------------------------------------------

    def check_version(self) -> None:
        done, seconds = self.frozen.run("--version", cwd=self.work)
        self.results.check(done.returncode == 0 and done.stdout.split()[-1:] == [build.version()],
                           "--version", f"{done.stdout.strip()!r} (expected {build.version()}, {seconds:.2f} s)")

    def check_info(self) -> None:
        bundled = self.bundled_resources / "examples" / "ai-pod.rackstudio" if self.bundled_resources else None
        if not self.results.check(bool(bundled and bundled.read_bytes() == EXAMPLE.read_bytes()),
                                  "the example design is bundled", str(bundled)):
            return
        for fmt in ("text", "json"):
            source, _ = self.source.run("info", str(EXAMPLE), "--format", fmt, cwd=self.work)
            frozen, _ = self.frozen.run("info", str(bundled), "--format", fmt, cwd=self.work)
            self.same_output(f"info --format {fmt} on the bundled example", source, frozen, fmt == "json")

    def check_check(self) -> None:
        if self.available("check"):
            source, frozen = self.both("check", str(self.example), "--format", "json")
            self.same_output("check --format json equals the source run", source, frozen, as_json=True,
                             exits=(0, 1))

    def check_parts(self) -> None:
        if not self.available("parts"):
            return
        source, frozen = self.both("parts", "list")
        self.same_output("parts list equals the source run", source, frozen)
        builtin = models(ROOT / "resources" / "builtin")
        self.results.check(any(m in frozen.stdout for m in builtin), "parts list shows the built-in parts",
                           f"{len(builtin)} built-in models")
        for name, package in self.plugins.items():
            theirs = models(package) if package else set()
            self.results.check(any(m in frozen.stdout for m in theirs), f"parts list shows {name}'s parts",
                               f"{len(theirs)} models in the plugin")

    def check_plugins(self) -> None:
        if not self.available("plugins"):
            return
        source, frozen = self.both("plugins", "list")
        self.same_output("plugins list equals the source run", source, frozen)
        self.results.check(re.search(r"built-?in", frozen.stdout, re.I) is not None,
                           "plugins list shows the built-in parts")
        for name in self.plugins:
            self.results.check(name in frozen.stdout, f"plugins list shows the bundled plugin {name}")
        if not self.plugins:
            self.results.add("SKIP", "plugins list shows the example plugin", "no example plugin in this bundle")
        for name, package in self.plugins.items():
            self.check_plugin_rule(name, package)

    def check_plugin_rule(self, name: str, package: Path | None) -> None:
        """The bundled plugin's rule runs on the example in the frozen app's plugin worker (the
        executable started again with --plugin-worker) and finds what the source run finds."""
        spec = importlib.util.find_spec(name.replace("-", "_"))
        if package is None or spec is None or not spec.submodule_search_locations:
            self.results.add("SKIP", f"{name}'s rule runs in the frozen app", "package folder not found")
            return
        args = ("--check", str(self.example))
        source, _ = self.source.run("plugins", "validate", spec.submodule_search_locations[0], *args, cwd=self.work)
        frozen, seconds = self.frozen.run("plugins", "validate", str(package), *args, cwd=self.work)
        ran = [line for line in frozen.stdout.splitlines() if line.strip().startswith(("checked ", "error:", "warning:"))]
        expected = [line for line in source.stdout.splitlines()
                    if line.strip().startswith(("checked ", "error:", "warning:"))]
        self.results.check(frozen.returncode == 0 and bool(ran) and ran == expected and "failed" not in frozen.stdout,
                           f"{name}'s rule runs in the frozen app's plugin worker",
                           f"exit {frozen.returncode}, {seconds:.2f} s: {ran or frozen.stdout.strip()[-300:]}"
                           f"{'' if ran == expected else f' (source: {expected})'}")

    # what to export and in which formats: `rackstudio export FILE --what W -o OUT.<fmt>`
    EXPORTS = (("elevations", "svg"), ("elevations", "pdf"), ("floorplan", "png"), ("bom", "csv"),
               ("bom", "xlsx"), ("cables", "csv"), ("report", "pdf"))

    def check_export(self) -> None:
        if not self.available("export"):
            return
        for what, fmt in self.EXPORTS:
            self.check_export_format(what, fmt)

    def check_export_format(self, what: str, fmt: str) -> None:
        outputs = {}
        for who, app in (("source", self.source), ("frozen", self.frozen)):
            out = self.work / f"export-{what}-{who}.{fmt}"
            done, _ = app.run("export", str(self.example), "--what", what, "-o", str(out),
                              "--date", "2026-01-01", cwd=self.work)
            outputs[who] = (done, out)
        (source, src_out), (frozen, out) = outputs["source"], outputs["frozen"]
        size = out.stat().st_size if out.is_file() else 0
        src_size = src_out.stat().st_size if src_out.is_file() else 0
        same = fmt in ("csv", "svg") and size and out.read_bytes() == src_out.read_bytes()
        self.results.check(frozen.returncode == source.returncode == 0 and signature_ok(fmt, out)
                           and size > 0.5 * src_size,
                           f"export {what} {fmt}", f"{size} bytes (source {src_size}{', identical' if same else ''}), "
                           f"exit {frozen.returncode} {frozen.stderr.strip()[:200]}")

    def check_screenshots(self) -> None:
        racks = json.loads(EXAMPLE.read_text(encoding="utf-8")).get("racks", {})
        names = sorted(r.get("name", "") for r in racks.values() if isinstance(r, dict))
        views = ["hall"] + ([f"rack:{names[0]}"] if names else [])
        for view in views:
            self.screenshot(view)

    def screenshot(self, view: str) -> None:
        timings: dict[str, list[tuple[float, float]]] = {"source": [], "frozen": []}
        slug = view.replace(":", "-")
        for _ in range(self.runs):
            for who, app in (("source", self.source), ("frozen", self.frozen)):
                out = self.work / f"screenshot-{slug}-{who}.png"
                out.unlink(missing_ok=True)
                wall_start = time.time()
                done, seconds = app.run(str(self.example), "--screenshot", str(out), "--view", view, cwd=self.work)
                written = out.stat().st_mtime - wall_start if out.is_file() else float("nan")
                timings[who].append((written, seconds))
                if who == "frozen" and (done.returncode != 0 or "Traceback" in done.stderr):
                    self.results.check(False, f"--screenshot --view {view}", done.stderr.strip()[-600:])
                    return
        frozen_png = self.work / f"screenshot-{slug}-frozen.png"
        source_png = self.work / f"screenshot-{slug}-source.png"
        size, src_size = frozen_png.stat().st_size, source_png.stat().st_size
        dims = png_size(frozen_png)
        ok = bool(dims and dims[0] >= 800 and dims[1] >= 500 and size >= max(30_000, 0.5 * src_size))
        same = "identical to" if frozen_png.read_bytes() == source_png.read_bytes() else "differs from"
        self.results.check(ok, f"--screenshot --view {view}",
                           f"{dims} {size} bytes, {same} the source run's ({src_size} bytes)")
        best = {who: min(t, key=lambda item: item[1]) for who, t in timings.items()}
        self.results.add("INFO", f"start-up --view {view} (best of {self.runs})",
                         f"frozen: PNG written {best['frozen'][0]:.2f} s, exit {best['frozen'][1]:.2f} s; "
                         f"source: PNG written {best['source'][0]:.2f} s, exit {best['source'][1]:.2f} s")

    def check_bundle(self) -> None:
        files = [p for p in self.bundle.rglob("*") if p.is_file() or p.is_symlink()]
        forbidden = [str(p.relative_to(self.bundle)) for p in files if FORBIDDEN.search(p.as_posix())]
        self.results.check(not forbidden, "no QML/Quick/WebEngine/3D/Designer/PDF libraries, no translations",
                           ", ".join(forbidden[:5]))
        dangling = [str(p.relative_to(self.bundle)) for p in files if p.is_symlink() and not p.exists()]
        self.results.check(not dangling, "no dangling symbolic links", ", ".join(dangling[:5]))
        self.results.add("INFO", "bundle size", f"{build.megabytes(build.tree_size(self.bundle))} in {len(files)} files")
        if sys.platform.startswith("linux") and shutil.which("objdump"):
            glibc, needing = build.glibc_requirement(self.bundle)
            self.results.add("INFO", "oldest glibc it runs on", f"{'.'.join(map(str, glibc))} "
                             f"(needed by {', '.join(needing[:4])}{' ...' if len(needing) > 4 else ''})")

    def check_untouched(self) -> None:
        after = snapshot(self.bundle)
        changed = sorted(set(after) ^ set(self.before) | {p for p in after if after[p] != self.before.get(p)})
        self.results.check(not changed, "the app wrote nothing inside its own folder", ", ".join(changed[:5]))

    def run_all(self) -> int:
        steps: list[Callable[[], None]] = [
            self.check_bundle, self.check_version, self.check_info, self.check_check, self.check_parts,
            self.check_plugins, self.check_export, self.check_screenshots, self.check_untouched,
        ]
        for step in steps:
            try:
                step()
            except Exception as exc:  # one broken step must not hide the others
                self.results.add("FAIL", step.__name__, f"{type(exc).__name__}: {exc}")
        failed = self.results.failed
        print(f"\n{'FAILED' if failed else 'PASSED'}: {len(self.results.rows)} checks, {failed} failed")
        return 1 if failed else 0


def models(folder: Path) -> set[str]:
    """The `model:` names of the NetBox device-type YAML files under a folder."""
    found = set()
    for path in folder.rglob("*.y*ml"):
        match = re.search(r"^model:\s*['\"]?(.+?)['\"]?\s*$", path.read_text(encoding="utf-8"), re.M)
        if match:
            found.add(match.group(1))
    return found


def signature_ok(fmt: str, path: Path) -> bool:
    head = path.read_bytes()[:512] if path.is_file() else b""
    expected = {"png": (b"\x89PNG",), "pdf": (b"%PDF",), "svg": (b"<?xml", b"<svg"), "xlsx": (b"PK",)}
    if fmt in expected:
        return head.lstrip().startswith(expected[fmt]) and (fmt != "svg" or b"<svg" in path.read_bytes())
    return len(head.strip()) > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=build.DIST / build.APP_NAME)
    parser.add_argument("--runs", type=int, default=3, help="screenshot runs to time (best is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (screenshots, outputs)")
    args = parser.parse_args(argv)
    if not (args.bundle / build.EXE_NAME).is_file():
        print(f"no bundle at {args.bundle}: run `python packaging/build.py` first", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="rackstudio-smoke-"))
    try:
        test = SmokeTest(args.bundle.resolve(), tmp, max(1, args.runs))
        return test.run_all()
    finally:
        if (tmp / "Rack Studio").exists():
            set_writable(tmp / "Rack Studio", True)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
