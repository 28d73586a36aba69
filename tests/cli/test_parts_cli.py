"""`rackstudio parts list|check`: the merged catalog with plugin, drop-in and user parts and its
filters; validation of NetBox YAML folders with file, key and line; exit codes 0/1/2/64."""
from __future__ import annotations

import json
import shutil

import pytest

from rackstudio import paths
from rackstudio.cli import main
from tests.conftest import NETBOX_DATA
from tests.core.test_plugins import DATA, EXAMPLE, EXAMPLE_SRC, fake_site

TRAY = EXAMPLE_SRC / "rackstudio_ai_racks" / "device-types" / "NVIDIA" / "GB300-NVL72-Compute-Tray.yaml"


@pytest.fixture(name="site")
def _site(tmp_path, monkeypatch):
    yield from fake_site(tmp_path, monkeypatch)


def _rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if "[" in line]


def test_list_shows_builtin_plugin_and_dropin_parts_with_their_source(site, capsys):
    site.example()
    site.dropin("good-dropin")
    assert main(["parts", "list"]) == 0
    out = capsys.readouterr().out
    assert any(r.startswith(EXAMPLE) and "NVIDIA GB300 NVL72 Compute Tray" in r for r in _rows(out))
    assert any(r.startswith("good-dropin") and "Acme Rack Fan Tray 1U" in r for r in _rows(out))
    assert any(r.startswith("builtin") and "NVIDIA DGX B200" in r for r in _rows(out))
    assert f"{EXAMPLE} 5" in out.splitlines()[-1]


def test_list_filters(site, capsys):
    site.example()
    assert main(["parts", "list", "--source", EXAMPLE]) == 0
    assert len(_rows(capsys.readouterr().out)) == 5
    assert main(["parts", "list", "--source", EXAMPLE, "--category", "switch"]) == 0
    assert [r.split("  ")[-2].strip() for r in _rows(capsys.readouterr().out)] == [
        "NVIDIA Quantum-X800 Q3400-RA", "NVIDIA Spectrum-4 SN5610"]
    assert main(["parts", "list", "--manufacturer", "ocp"]) == 0
    out = capsys.readouterr().out
    assert "OCP ORv3 HPR Power Shelf 33kW" in out and "OCP Open Rack V3 44OU" in out and "NVIDIA" not in out
    assert main(["parts", "list", "--search", "gb300 rack"]) == 0
    assert [r.split()[0] for r in _rows(capsys.readouterr().out)] == [EXAMPLE]


def test_list_json(site, capsys):
    site.example()
    assert main(["parts", "list", "--format", "json", "--source", EXAMPLE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["sources"]][:2] == ["builtin", EXAMPLE]
    tray = next(p for p in data["parts"] if p["slug"] == "nvidia-gb300-nvl72-compute-tray")
    assert (tray["source"], tray["source_kind"], tray["category"], tray["u_height"]) == (EXAMPLE, "plugin", "server", 1)
    assert {p["kind"] for p in data["parts"]} == {"device-type", "rack-type"}


def test_list_adds_library_folders_and_the_users_parts(site, capsys, tmp_path):
    site.example()
    mine = paths.user_parts() / "device-types" / "NVIDIA"
    mine.mkdir(parents=True)
    shutil.copy(TRAY, mine / "my-tray.yaml")  # the user's own copy wins over the plugin's
    assert main(["parts", "list", "--library", str(NETBOX_DATA), "--search", "sn2201"]) == 0
    sources = [r.split()[0] for r in _rows(capsys.readouterr().out)]
    assert str(NETBOX_DATA) in sources and "builtin" in sources
    assert main(["parts", "list", "--search", "gb300 tray", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["source"] for p in data["parts"]] == ["user"]
    assert any("overrides" in c and EXAMPLE in c for c in data["conflicts"])
    assert main(["parts", "list", "--library", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_check_reports_each_problem_with_file_key_and_line(capsys):
    assert main(["parts", "check", str(DATA / "bad-yaml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("device-types/Acme/Broken-Server.yaml: key power-ports[0].maximum_draw, line 9, column 19: "
                      "expected a number, found text 'lots'")
    assert out[-1].startswith("2 file(s) checked: 1 load, 1 refused")


def test_check_loose_folders_json_and_notes(tmp_path, capsys):
    for name in ("Broken-Server.yaml", "Fine-Server.yaml"):
        shutil.copy(DATA / "bad-yaml" / "device-types" / "Acme" / name, tmp_path / name)
    assert main(["parts", "check", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["files"], data["refused"]) == (2, 1)
    assert data["problems"] == [{"file": "Broken-Server.yaml", "key": "power-ports[0].maximum_draw", "line": 9,
                                 "column": 19, "reason": "expected a number, found text 'lots'"}]
    assert main(["parts", "check", str(DATA / "good-dropin"), "--flags"]) == 0
    assert "1 file(s) checked: 1 load, 0 refused" in capsys.readouterr().out


def test_check_the_example_plugin_and_the_netbox_sample(capsys):
    assert main(["parts", "check", str(EXAMPLE_SRC / "rackstudio_ai_racks")]) == 0
    assert "5 file(s) checked: 5 load, 0 refused" in capsys.readouterr().out
    assert main(["parts", "check", str(NETBOX_DATA)]) == 0
    assert ", 0 refused," in capsys.readouterr().out


def test_check_exit_codes(tmp_path, capsys):
    assert main(["parts", "check", str(tmp_path / "missing")]) == 2
    assert "cannot read the folder" in capsys.readouterr().err
    assert main(["parts", "check", str(TRAY)]) == 2
    assert main(["parts", "check", str(tmp_path)]) == 2
    assert "no .yaml or .yml part files" in capsys.readouterr().err
    assert main(["parts"]) == 64
    assert main(["parts", "list", "--format", "xml"]) == 64
