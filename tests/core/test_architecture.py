"""The core runs headless: no module outside rackstudio/ui imports Qt, and the CLI's start-up
path loads none."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|pyqtgraph)\b", re.M)


def test_no_qt_import_outside_ui():
    offenders = []
    for path in (ROOT / "rackstudio").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("rackstudio/ui/"):
            continue
        if QT.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []


def test_headless_entry_points_load_no_qt():
    code = (
        "import sys\n"
        "import rackstudio.cli, rackstudio.document, rackstudio.commands, rackstudio.graph, rackstudio.io\n"
        "from rackstudio.cli import _available\n"
        "_available()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')"
        " or m.startswith('rackstudio.ui'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
