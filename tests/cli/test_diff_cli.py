"""`rackstudio diff OLD NEW`: text and JSON output, exit 0 whether or not the files differ, 2 for a
file that cannot be loaded — and no Qt on the way."""
from __future__ import annotations

import json
import subprocess
import sys

from rackstudio.cli import main
from rackstudio.io import project_file
from tests.core.test_reports_designs import revision_a, revision_b


def _files(tmp_path):
    old, new = tmp_path / "a.rackstudio", tmp_path / "b.rackstudio"
    project_file.save(revision_a().design, old)
    project_file.save(revision_b().design, new)
    return old, new


def test_text_lists_the_changes(tmp_path, capsys):
    old, new = _files(tmp_path)
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Review pod revision A → revision B")
    assert "> device srv: moved A01 U1 front → A02 U1 front" in out and "Per-rack figures: 3 rack(s)" in out


def test_same_file_is_no_difference(tmp_path, capsys):
    old, _ = _files(tmp_path)
    assert main(["diff", str(old), str(old)]) == 0
    assert capsys.readouterr().out.strip().endswith("No differences.")


def test_json(tmp_path, capsys):
    old, new = _files(tmp_path)
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1 and data["kind"] == "rackstudio-diff" and not data["identical"]
    assert {(c["kind"], c["id"]) for c in data["changes"] if c["collection"] == "devices"} == {
        ("added", "srv2"), ("removed", "bl"), ("moved", "srv")}


def test_load_error_exits_2(tmp_path, capsys):
    old, _ = _files(tmp_path)
    bad = tmp_path / "bad.rackstudio"
    bad.write_text("{not json")
    assert main(["diff", str(old), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rackstudio: ") and "bad.rackstudio" in err
    assert main(["diff", str(tmp_path / "missing.rackstudio"), str(old)]) == 2


def test_runs_headless_in_a_subprocess(tmp_path):
    old, new = _files(tmp_path)
    code = ("import sys; from rackstudio.cli import main; rc = main(['diff', sys.argv[1], sys.argv[2]]);"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'rackstudio.ui'))];"
            "assert not bad, bad; sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, str(old), str(new)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "moved A01 U1 front" in result.stdout
