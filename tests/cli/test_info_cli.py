"""`rackstudio info`: summary, JSON, and exit codes (0, 2 unreadable file, 64 usage)."""
from __future__ import annotations

import json

from rackstudio.cli import main
from rackstudio.io import save
from tests.core.test_project_file import small_design


def test_info_text_and_json(tmp_path, capsys):
    path = tmp_path / "pod.rackstudio"
    save(small_design(), path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "racks 1, devices 2" in out
    assert "power: nameplate 14.3 kW, allocated 14.3 kW" in out  # one DGX B200, 14.3 kW [NV-B200UG]
    assert main(["info", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["devices_by_category"] == {"pdu": 1, "server": 1}
    assert data["connections_by_kind"] == {"power": 2}
    assert data["allocated_kw"] == 14.3


def test_info_exit_codes(tmp_path, capsys):
    bad = tmp_path / "bad.rackstudio"
    bad.write_text("{ not json")
    assert main(["info", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rackstudio: {bad} at line 1, column 3: not valid JSON")
    assert "Traceback" not in err
    assert main(["info"]) == 64
    assert main(["info", str(bad), "--format", "xml"]) == 64
    assert main(["nonsense-subcommand-file-that-does-not-exist.rackstudio", "--bogus"]) == 64
