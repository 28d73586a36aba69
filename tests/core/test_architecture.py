"""The layers hold and the core runs headless: the import contracts in pyproject.toml
([tool.importlinter]: the layers, and Qt only in rackstudio/ui) are kept, and the CLI's start-up
path loads no Qt."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def _loads_no_qt(setup: str, also: str = "") -> None:
    """Run `setup` in a fresh interpreter and assert it loaded no Qt (nor the modules `also` names)."""
    code = (
        f"import sys\n{setup}"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')"
        f"{also})\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_headless_entry_points_load_no_qt():
    _loads_no_qt("import rackstudio.cli, rackstudio.document, rackstudio.commands, rackstudio.graph, rackstudio.io\n"
                 "from rackstudio.cli import _available\n"
                 "_available()\n", also=" or m.startswith('rackstudio.ui')")


def test_the_gui_imports_its_core_before_qt_and_the_core_list_loads_no_qt():
    """`ui.app.import_core_first` (start-up: PySide6's import hook reads the source of every module
    imported after it) names modules that exist and are Qt-free."""
    _loads_no_qt("from rackstudio.ui.app import CORE_FIRST, import_core_first\n"
                 "import_core_first()\n"
                 "assert all(name in sys.modules for name in CORE_FIRST)\n")
