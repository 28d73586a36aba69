"""Build RackStudio's one-folder desktop bundle, archive it and report its size.

    .venv/bin/python packaging/build.py [--no-trim] [--no-archive]

Runs PyInstaller on packaging/rackstudio.spec (→ dist/RackStudio/), adds the Linux desktop
files (share/applications, share/icons/hicolor, share/mime, install.sh), writes
dist/RackStudio-<version>-<os>-<arch>.tar.gz and prints the size report.

The rules for what the bundle holds (Qt modules, Qt plugins, translations, icons) are plain
data and functions here, so the spec and tests/core/test_packaging.py share one copy. This
module imports no Qt: icons are rendered by a child process.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "rackstudio.spec"
DIST = ROOT / "dist"
BUILD = ROOT / "build"
ICON_BUILD = BUILD / "icons"
ICON_SVG = ROOT / "resources" / "icons" / "rackstudio.svg"  # the app icon the window uses too

APP_NAME = "RackStudio"          # the folder, the .app, the window title
EXE_NAME = "rackstudio"          # the Linux executable: command line and GUI
APP_ID = "org.rackstudio.RackStudio"
# Example plugins bundled when installed in the build environment (with their metadata, so
# entry_points() finds them in the frozen app).
BUNDLED_PLUGINS = ("rackstudio-ai-racks",)

# --- which Python modules the bundle leaves out ---------------------------------------------

# Qt modules the app uses, or will as soon as the code imports them (QtSvg: the SVG icon engine
# and SVG export). Anything the code imports is kept whatever these lists say.
QT_MODULES_KEPT = ("QtCore", "QtGui", "QtWidgets", "QtSvg")
# pyqtgraph 0.14 needs PySide6.QtOpenGL (PlotCurveItem, Qt/OpenGLHelpers: importlib, unseen by
# PyInstaller, but QtOpenGLWidgets, which pyqtgraph imports by name, brings it): both stay
# whenever the code imports pyqtgraph, and numpy with them.
QT_MODULES_FOR_PYQTGRAPH = ("QtOpenGL", "QtOpenGLWidgets")
QT_MODULES_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
    "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
    "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools",
    "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
)
# Optional imports of our dependencies (networkx's numpy/scipy/pandas/matplotlib paths, pytest
# via networkx.utils.backends, the dev tools in the same venv) and other Qt bindings.
OPTIONAL_EXCLUDED = (
    "numpy", "scipy", "pandas", "matplotlib", "PIL", "lxml", "pydot", "pygraphviz", "IPython",
    "pytest", "_pytest", "pytestqt", "hypothesis", "atheris", "pluggy", "setuptools",
    "pkg_resources", "pip", "tkinter", "_tkinter", "PyQt5", "PyQt6", "PySide2",
)


def version() -> str:
    """The one version string, from rackstudio/_version.py (what the spec and --version use)."""
    sys.path.insert(0, str(ROOT))
    try:
        from rackstudio._version import __version__
    finally:
        sys.path.remove(str(ROOT))
    return __version__


def version_numbers(text: str) -> tuple[int, int, int, int]:
    """The four numbers of a Windows file version: "0.1.0" -> (0, 1, 0, 0)."""
    numbers = [int(n) for n in re.findall(r"\d+", text.split("+")[0])][:4]
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def imported_modules(package: Path) -> set[str]:
    """Every module named by an import statement in the .py files under `package` (dotted)."""
    names: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_excludes(imported: Iterable[str]) -> list[str]:
    """PyInstaller `excludes` for a program whose code imports `imported` (dotted names)."""
    imported = set(imported)
    tops = {name.split(".")[0] for name in imported}
    qt_used = {name.split(".")[1] for name in imported if name.startswith("PySide6.")}
    if "pyqtgraph" in tops:
        qt_used.update(QT_MODULES_FOR_PYQTGRAPH)
        tops.add("numpy")
    excludes = [f"PySide6.{m}" for m in QT_MODULES_EXCLUDED if m not in qt_used and m not in QT_MODULES_KEPT]
    excludes += [m for m in OPTIONAL_EXCLUDED if m not in tops]
    if "pyqtgraph" not in tops:
        excludes.append("pyqtgraph")
    return excludes


# --- which collected files the bundle leaves out --------------------------------------------

# Qt plugins by folder: None drops the whole folder, a set drops those plugins (file stem
# without "lib" and extension). Kept: xcb, wayland, offscreen and minimal platforms; the xdg
# portal theme; compose/ibus input; png/jpeg/gif/ico/icns/svg images; the svg icon engine.
QT_PLUGINS_DROPPED: dict[str, set[str] | None] = {
    "platforms": {"qeglfs", "qlinuxfb", "qminimalegl", "qvnc", "qvkkhrdisplay"},
    # qgtk3 loads the system's GTK 3 against the glib/cairo/pango copied from the build machine.
    "platformthemes": {"qgtk3"},
    "platforminputcontexts": {"qtvirtualkeyboardplugin"},      # links QtQuick/QtQml
    "imageformats": {"qpdf", "qtiff", "qwebp", "qtga", "qwbmp"},
    "designer": None, "egldeviceintegrations": None, "generic": None, "networkinformation": None,
    "qmllint": None, "qmltooling": None, "sqldrivers": None, "tls": None,
    "vectorimageformats": None, "wayland-graphics-integration-server": None,
}
_QT_PLUGIN = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/(?P<kind>[^/]+)/(?P<file>[^/]+)$")
_QT_TRANSLATION = re.compile(r"(?:^|/)PySide6/(?:Qt/)?translations/")


def trim_reason(dest: str) -> str | None:
    """Why a collected file (its path inside the bundle) is left out, or None to keep it."""
    dest = dest.replace("\\", "/")
    if _QT_TRANSLATION.search(dest):
        return "Qt translations (RackStudio is not translated)"
    match = _QT_PLUGIN.search(dest)
    if match and match["kind"] in QT_PLUGINS_DROPPED:
        dropped = QT_PLUGINS_DROPPED[match["kind"]]
        stem = re.sub(r"^lib", "", match["file"].split(".")[0])
        if dropped is None or stem in dropped:
            return f"unused Qt plugin ({match['kind']})"
    return None


def orphans(needed: Mapping[str, Iterable[str]], dropped: Iterable[str]) -> set[str]:
    """Libraries (basenames) that only dropped files need.

    `needed` maps every collected binary's basename to the basenames it links against. A
    library reachable from a dropped file is left out too unless a kept file also reaches it.
    """
    def closure(starts: Iterable[str]) -> set[str]:
        seen, todo = set(), list(starts)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(n for n in needed.get(name, ()) if n in needed)
        return seen

    dropped = set(dropped)
    only_via_dropped = closure(dropped) - dropped
    kept = closure(set(needed) - dropped - only_via_dropped)
    return only_via_dropped - kept


# --- icons ------------------------------------------------------------------------------------

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data (macOS 10.7+), by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}
RENDER_SIZES = tuple(sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES)))

_RENDER = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
app = QGuiApplication(["render-icons"])
renderer = QSvgRenderer(sys.argv[1])
if not renderer.isValid():
    sys.exit(f"not a valid SVG: {sys.argv[1]}")
for size in map(int, sys.argv[3:]):
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(f"{sys.argv[2]}/rackstudio-{size}.png", "PNG"):
        sys.exit(f"could not write {sys.argv[2]}/rackstudio-{size}.png")
"""


def render_icons(svg: Path = ICON_SVG, out: Path = ICON_BUILD, python: str = sys.executable) -> dict[int, Path]:
    """PNGs of `svg` at RENDER_SIZES plus rackstudio.ico and .icns in `out` (redone when stale)."""
    out.mkdir(parents=True, exist_ok=True)
    pngs = {size: out / f"rackstudio-{size}.png" for size in RENDER_SIZES}
    stamp = svg.stat().st_mtime
    if not all(p.is_file() and p.stat().st_mtime >= stamp for p in pngs.values()):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        subprocess.run([python, "-c", _RENDER, str(svg), str(out), *map(str, RENDER_SIZES)],
                       check=True, env=env)
    data = {size: path.read_bytes() for size, path in pngs.items()}
    (out / "rackstudio.ico").write_bytes(ico_bytes({s: data[s] for s in ICO_SIZES}))
    (out / "rackstudio.icns").write_bytes(icns_bytes({s: data[s] for s in ICNS_TYPES}))
    return pngs


def ico_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (Vista and later), one entry per size (≤ 256 px)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = [], []
    for size, png in sorted(pngs.items()):
        if not 0 < size <= 256:
            raise ValueError(f"an .ico image is 1 to 256 px, not {size}")
        entries.append(struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset))
        images.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(images)


def icns_bytes(pngs: Mapping[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images, one element per size in ICNS_TYPES."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
                    for size, png in sorted(pngs.items()))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def install_desktop_files(bundle: Path, pngs: Mapping[int, Path], svg: Path = ICON_SVG) -> None:
    """Lay out share/ (desktop entry, hicolor icons, MIME type) and install.sh in the bundle."""
    share = bundle / "share"
    if share.exists():
        shutil.rmtree(share)
    (share / "applications").mkdir(parents=True)
    shutil.copy2(PACKAGING / "linux" / "rackstudio.desktop", share / "applications")
    for size in HICOLOR_SIZES:
        apps = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        apps.mkdir(parents=True)
        shutil.copy2(pngs[size], apps / "rackstudio.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(svg, scalable / "rackstudio.svg")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(PACKAGING / "linux" / "rackstudio-mime.xml", share / "mime" / "packages" / "rackstudio.xml")
    shutil.copy2(PACKAGING / "linux" / "install.sh", bundle / "install.sh")
    (bundle / "install.sh").chmod(0o755)


# --- what the build needs from the system -------------------------------------------------------

_GLIBC = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def glibc_versions(objdump_t: str) -> set[tuple[int, ...]]:
    """The GLIBC_x.y versions a file's undefined dynamic symbols need (`objdump -T` output)."""
    found = set()
    for line in objdump_t.splitlines():
        if "*UND*" in line:
            for match in _GLIBC.finditer(line):
                found.add(tuple(int(part) for part in match.groups() if part is not None))
    return found


def glibc_requirement(bundle: Path) -> tuple[tuple[int, ...], list[str]]:
    """The newest GLIBC symbol version any ELF file in the bundle needs, and the files needing it."""
    newest: tuple[int, ...] = ()
    files: list[str] = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)):
        out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        versions = glibc_versions(out)
        if not versions:
            continue
        top = max(versions)
        if top > newest:
            newest, files = top, []
        if top == newest:
            files.append(str(path.relative_to(bundle)))
    return newest, files


def missing_qt_libraries(bundle: Path) -> list[str]:
    """`file: libQt6X` for every Qt library a bundled ELF file links against that is not bundled."""
    present = {p.name for p in bundle.rglob("libQt6*")}
    missing = []
    for path in sorted(p for p in bundle.rglob("*.so*") if p.is_file() and not p.is_symlink() and is_elf(p)):
        out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
        for lib in re.findall(r"NEEDED\s+(libQt6\S+)", out):
            if lib not in present:
                missing.append(f"{path.relative_to(bundle)}: {lib}")
    return missing


# --- size report and archive ---------------------------------------------------------------

def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def largest_parts(bundle: Path, count: int = 12) -> list[tuple[str, int]]:
    """The biggest pieces of a bundle: single Qt libraries, else the top folders or files."""
    parts: dict[str, int] = {}
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = PurePosixPath(path.relative_to(bundle).as_posix())
        depth = 5 if rel.parts[1:4] == ("PySide6", "Qt", "lib") else 4 if "PySide6" in rel.parts else 2
        key = "/".join(rel.parts[:depth])
        parts[key] = parts.get(key, 0) + path.stat().st_size
    return sorted(parts.items(), key=lambda item: -item[1])[:count]


def platform_tag() -> str:
    system = {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    return f"{system}-{platform.machine().lower()}"


def make_archive(bundle: Path, out: Path) -> Path:
    """tar.gz of the bundle folder (one top folder, files sorted, owner root)."""
    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=bundle.name, filter=owner)
    return out


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def report(bundle: Path, archive: Path | None, seconds: float) -> dict:
    scan = sys.platform.startswith("linux") and shutil.which("objdump")
    glibc, needing = glibc_requirement(bundle) if scan else ((), [])
    result = {
        "version": version(), "bundle": str(bundle), "bundle_bytes": tree_size(bundle),
        "files": sum(1 for p in bundle.rglob("*") if p.is_file()),
        "archive": str(archive) if archive else None,
        "archive_bytes": archive.stat().st_size if archive else None,
        "build_seconds": round(seconds, 1),
        "glibc": ".".join(map(str, glibc)) or None, "glibc_needed_by": needing[:8],
        "largest": largest_parts(bundle),
    }
    print(f"\n{APP_NAME} {result['version']}: {bundle} {megabytes(result['bundle_bytes'])} "
          f"in {result['files']} files (built in {result['build_seconds']} s)")
    if archive:
        print(f"archive: {archive} {megabytes(result['archive_bytes'])}")
    if result["glibc"]:
        print(f"needs glibc >= {result['glibc']} (e.g. {', '.join(needing[:3])})")
    print("largest parts:")
    for name, size in result["largest"]:
        print(f"  {megabytes(size):>9}  {name}")
    return result


# --- the build ----------------------------------------------------------------------------

def plugin_notes() -> list[str]:
    """Say which example plugins will be bundled, and which exist but are not installed."""
    from importlib import metadata

    notes = []
    for name in BUNDLED_PLUGINS:
        try:
            notes.append(f"bundling plugin {name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            where = ROOT / "plugins" / name
            hint = f" (install it: {sys.executable} -m pip install -e {where})" if where.is_dir() else ""
            notes.append(f"plugin {name} is not installed in this environment: not bundled{hint}")
    return notes


def run_pyinstaller(trim: bool) -> None:
    env = dict(os.environ, RACKSTUDIO_TRIM="1" if trim else "0")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(SPEC)],
                   check=True, env=env, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-trim", action="store_true",
                        help="keep every module, plugin and translation PyInstaller collects (to compare sizes)")
    parser.add_argument("--no-archive", action="store_true", help="skip the .tar.gz")
    args = parser.parse_args(argv)

    for note in plugin_notes():
        print(note)
    started = time.perf_counter()
    run_pyinstaller(trim=not args.no_trim)
    bundle = DIST / APP_NAME
    if sys.platform.startswith("linux"):
        install_desktop_files(bundle, render_icons())
        missing = missing_qt_libraries(bundle) if shutil.which("objdump") else []
        if missing:
            print("Qt libraries linked but not bundled:\n  " + "\n  ".join(missing), file=sys.stderr)
            return 1
    archive = None
    if not args.no_archive:
        archive = make_archive(bundle, DIST / f"{APP_NAME}-{version()}-{platform_tag()}.tar.gz")
    result = report(bundle, archive, time.perf_counter() - started)
    (DIST / "build-report.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
