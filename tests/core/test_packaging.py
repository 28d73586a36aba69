"""The desktop bundle's rules, checked without building it: which Qt modules, plugins and files
the spec leaves out, the icon files, and the Linux desktop entry, MIME type and install script.
Qt-free (packaging/build.py renders icons in a child process, never here)."""
from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / "rackstudio.desktop"
MIME = PACKAGING / "linux" / "rackstudio-mime.xml"


def _load_build():
    spec = importlib.util.spec_from_file_location("rackstudio_packaging_build", PACKAGING / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build()


# --- Python and Qt modules --------------------------------------------------------------------

def test_unused_qt_modules_are_excluded_and_used_ones_kept():
    imported = build.imported_modules(ROOT / "rackstudio")
    excludes = set(build.module_excludes(imported))
    for heavy in ("QtQml", "QtQuick", "QtQuickWidgets", "QtWebEngineCore", "QtWebEngineWidgets",
                  "Qt3DCore", "QtDesigner", "QtMultimedia", "QtPdf", "QtCharts", "QtTest"):
        assert f"PySide6.{heavy}" in excludes
    used_qt = {name for name in imported if name.startswith("PySide6.")}
    assert not used_qt & excludes, "the spec would exclude a Qt module the code imports"
    for kept in build.QT_MODULES_KEPT:
        assert f"PySide6.{kept}" not in excludes
    assert not {name.split(".")[0] for name in imported} & excludes


def test_pyqtgraph_brings_opengl_and_numpy_along():
    without = build.module_excludes({"PySide6.QtWidgets"})
    assert {"pyqtgraph", "numpy", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= set(without)
    with_charts = build.module_excludes({"PySide6.QtWidgets", "pyqtgraph"})
    assert not {"pyqtgraph", "numpy", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} & set(with_charts)


def test_a_module_the_code_imports_is_never_excluded():
    excludes = build.module_excludes({"PySide6.QtPrintSupport", "PySide6.QtNetwork.QNetworkReply", "numpy"})
    assert not {"PySide6.QtPrintSupport", "PySide6.QtNetwork", "numpy"} & set(excludes)


def test_every_installed_pyside6_module_has_a_decision():
    """A PySide6 upgrade that adds a module must make someone decide whether the bundle needs it."""
    package = Path(sysconfig.get_paths()["purelib"]) / "PySide6"
    if not package.is_dir():
        pytest.skip("PySide6 is not installed here")
    modules = {p.name.split(".")[0] for p in package.glob("Qt*.pyi")}
    decided = set(build.QT_MODULES_KEPT) | set(build.QT_MODULES_FOR_PYQTGRAPH) | set(build.QT_MODULES_EXCLUDED)
    assert modules - decided == set()


def test_imported_modules_reads_imports_without_running_them(tmp_path):
    (tmp_path / "a.py").write_text("import os.path\nfrom PySide6.QtSvg import QSvgRenderer\n"
                                   "from . import sibling\ndef f():\n    import pyqtgraph\n")
    assert build.imported_modules(tmp_path) == {"os.path", "PySide6.QtSvg", "PySide6.QtSvg.QSvgRenderer",
                                                "pyqtgraph"}


# --- collected files ----------------------------------------------------------------------------

@pytest.mark.parametrize(("dest", "dropped"), [
    ("PySide6/Qt/translations/qtbase_de.qm", True),
    ("PySide6\\translations\\qt_fr.qm", True),                       # Windows wheel layout
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
    ("PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so", True),
    ("PySide6/Qt/lib/libQt6Core.so.6", False),
    ("resources/builtin/device-types/NVIDIA/DGX-B200.yaml", False),
])
def test_trim_reason(dest, dropped):
    assert (build.trim_reason(dest) is not None) is dropped


def test_orphans_are_libraries_only_dropped_files_need():
    needed = {
        "libqgtk3.so": {"libgtk-3.so.0", "libcairo.so.2", "libglib-2.0.so.0"},
        "libcairo.so.2": {"libpixman-1.so.0"},
        "libpixman-1.so.0": set(),
        "libqxcb.so": {"libQt6XcbQpa.so.6"},
        "libQt6XcbQpa.so.6": {"libglib-2.0.so.0"},
        "libglib-2.0.so.0": set(),
        "libctypes-loaded.so": set(),                      # nothing links it: kept
    }
    assert build.orphans(needed, {"libqgtk3.so"}) == {"libcairo.so.2", "libpixman-1.so.0"}
    assert build.orphans(needed, set()) == set()


def test_version_numbers():
    assert build.version_numbers("0.1.0") == (0, 1, 0, 0)
    assert build.version_numbers("1.2.3.4.5+local") == (1, 2, 3, 4)
    assert build.version_numbers("2.0rc1") == (2, 0, 1, 0)


def test_glibc_versions_read_from_objdump():
    out = ("0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.34) __libc_start_main\n"
           "0000000000000000      DF *UND*\t0000000000000000  GLIBC_2.2.5 free\n"
           "0000000000000000      DF *UND*\t0000000000000000 (GLIBCXX_3.4.30) _ZSt4cout\n"
           "0000000000012340 g    DF .text\t0000000000000010  Base        defined_here\n")
    assert build.glibc_versions(out) == {(2, 34), (2, 2, 5)}


# --- icons -------------------------------------------------------------------------------------

def test_icon_svg_is_square_and_has_no_text():
    root = ET.parse(build.ICON_SVG).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    _, _, width, height = map(float, root.get("viewBox").split())
    assert width == height
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")  # fonts differ between machines


def test_ico_holds_one_png_per_size():
    pngs = {size: b"\x89PNG" + bytes([size % 256]) * 10 for size in build.ICO_SIZES}
    data = build.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(pngs))
    for i, size in enumerate(sorted(pngs)):
        w, h, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert (w or 256, h or 256, planes, bits) == (size, size, 1, 32)
        assert data[offset:offset + length] == pngs[size]
    with pytest.raises(ValueError, match="256"):
        build.ico_bytes({512: b"x"})


def test_icns_holds_one_png_per_size():
    pngs = {size: b"\x89PNG" + b"x" * size for size in build.ICNS_TYPES}
    data = build.icns_bytes(pngs)
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    offset, seen = 8, {}
    while offset < len(data):
        kind, length = data[offset:offset + 4], struct.unpack_from(">I", data, offset + 4)[0]
        seen[kind] = data[offset + 8:offset + length]
        offset += length
    assert seen == {build.ICNS_TYPES[size]: png for size, png in pngs.items()}


# --- the Linux desktop entry, MIME type and install script ------------------------------------

MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
                   "Network", "Office", "Science", "Settings", "System", "Utility"}
DESKTOP_KEYS = {"Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden",
                "OnlyShowIn", "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal",
                "Actions", "MimeType", "Categories", "Implements", "Keywords", "StartupNotify",
                "StartupWMClass", "URL", "PrefersNonDefaultGPU", "SingleMainWindow"}


def _desktop_entry() -> dict[str, str]:
    text = DESKTOP.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "[Desktop Entry]"
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(text)
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_desktop_entry_follows_the_spec():
    entry = _desktop_entry()
    assert set(entry) <= DESKTOP_KEYS | {k for k in entry if k.startswith("X-")}
    assert entry["Type"] == "Application" and entry["Name"] == "RackStudio"
    assert entry["Terminal"] in ("true", "false") and entry["StartupNotify"] in ("true", "false")
    for key in ("Categories", "MimeType", "Keywords"):
        assert entry[key].endswith(";"), f"{key} is a list and ends with ';'"
    assert MAIN_CATEGORIES & set(entry["Categories"].split(";"))
    program, *codes = entry["Exec"].split()
    assert program == build.EXE_NAME and entry["TryExec"] == build.EXE_NAME
    assert codes in ([], ["%f"], ["%F"], ["%u"], ["%U"])
    assert entry["Icon"] == "rackstudio"  # a theme name: the hicolor files build.py installs


def test_desktop_entry_opens_the_mime_type_it_installs():
    root = ET.parse(MIME).getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = root.find("m:mime-type", ns)
    assert mime.find("m:glob", ns).get("pattern") == "*.rackstudio"
    assert _desktop_entry()["MimeType"] == f"{mime.get('type')};"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_file_validate_accepts_it():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "Rack Studio"
    bundle.mkdir()
    (bundle / build.EXE_NAME).write_text("#!/bin/sh\necho RackStudio\n")
    (bundle / build.EXE_NAME).chmod(0o755)
    pngs = {}
    for size in build.HICOLOR_SIZES:
        pngs[size] = tmp_path / f"rackstudio-{size}.png"
        pngs[size].write_bytes(b"\x89PNG" + str(size).encode())
    build.install_desktop_files(bundle, pngs)
    return bundle


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="install.sh is for Linux (GNU sed)")
def test_install_script_installs_and_removes_every_file(tmp_path):
    bundle = _fake_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", str(bundle / "install.sh"), str(prefix)], check=True, env=env, capture_output=True)
    share = prefix / "share"
    for size in build.HICOLOR_SIZES:
        assert (share / f"icons/hicolor/{size}x{size}/apps/rackstudio.png").read_bytes().endswith(str(size).encode())
    assert (share / "icons/hicolor/scalable/apps/rackstudio.svg").is_file()
    assert (share / "mime/packages/rackstudio.xml").is_file()
    assert (prefix / "bin" / build.EXE_NAME).resolve() == (bundle / build.EXE_NAME).resolve()
    desktop = (share / "applications/rackstudio.desktop").read_text()
    assert f'Exec="{bundle}/rackstudio" %f' in desktop   # quoted: the folder name has a space

    subprocess.run(["sh", str(bundle / "install.sh"), "--uninstall", str(prefix)], check=True, env=env,
                   capture_output=True)
    assert not [p for p in prefix.rglob("*") if p.is_file() and "rackstudio" in p.name]


def test_archive_has_one_top_folder_and_keeps_modes_and_links(tmp_path):
    bundle = _fake_bundle(tmp_path)
    (bundle / "link").symlink_to(build.EXE_NAME)
    archive = build.make_archive(bundle, tmp_path / "out.tar.gz")
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert {name.split("/")[0] for name in members} == {bundle.name}
    assert members[f"{bundle.name}/{build.EXE_NAME}"].mode & 0o111
    assert members[f"{bundle.name}/link"].issym()
    assert {m.uname for m in members.values()} == {"root"}


# --- the spec ------------------------------------------------------------------------------------

def test_spec_is_one_folder_without_upx_and_reads_the_version():
    spec = (PACKAGING / "rackstudio.spec").read_text(encoding="utf-8")
    assert "from rackstudio._version import __version__" in spec
    assert re.search(r"exclude_binaries\"?\s*[:=]\s*True", spec) and "COLLECT(" in spec  # one folder
    assert not re.search(r"upx\"?\s*[:=]\s*True", spec)
    assert 'copy_metadata("rackstudio")' in spec and "copy_metadata(name)" in spec
