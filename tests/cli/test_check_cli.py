"""`rackstudio check`: exit codes 0/1/2, text and JSON output, waivers and --fail-on."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rackstudio.cli import main
from rackstudio.io import project_file
from rackstudio.model import Waiver
from tests.core.check_builders import Bench, load


def _save(bench: Bench, tmp_path, name: str = "d.rackstudio"):
    path = tmp_path / name
    project_file.save(bench.design, path)
    return path


def _clean(tmp_path):
    b = Bench()
    b.rack(y=4000)
    b.place(load(1000, slug="small", u_height=48), "d0", position=1)
    b.power("d0", "PSU1", "feed-a")
    return _save(b, tmp_path)


def _overloaded(tmp_path, waive: bool = False):
    b = Bench()
    b.rack(y=4000)
    b.place(load(30000, slug="big", u_height=48), "big", position=1)
    b.power("big", "PSU1", "feed-a")
    if waive:
        b.design.put("waivers", Waiver(id="wv-1", finding="PWR-001:feed-a", reason="load bank test", author="jo",
                                       created="2026-11-23"))
    return _save(b, tmp_path)


def test_clean_design_exits_0(tmp_path, capsys):
    assert main(["check", str(_clean(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "0 errors" in out and "not checked: CAB-008, CAB-009, CAB-013, PWR-017" in out


def test_error_exits_1_with_text_report(tmp_path, capsys):
    assert main(["check", str(_overloaded(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert ("error   PWR-001   Feed A: 30.0 kW of the 18.4 kW derated limit (163 %; "
            "rating 23.0 kVA × PF 1.00 × 0.80)") in out


def test_json_report_structure(tmp_path, capsys):
    assert main(["check", str(_overloaded(tmp_path)), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1 and data["passed"] is False and data["fail_on"] == "error"
    assert set(data) >= {"summary", "findings", "waivers_applied", "waivers_unmatched", "rules_run",
                         "disabled_rules", "not_checked", "severity_overrides"}
    [pwr] = [f for f in data["findings"] if f["rule"] == "PWR-001"]
    assert pwr == {"rule": "PWR-001", "severity": "error", "key": "PWR-001:feed-a",
                   "message": ("Feed A: 30.0 kW of the 18.4 kW derated limit (163 %; "
                               "rating 23.0 kVA × PF 1.00 × 0.80)"), "objects": ["feed-a"],
                   "figures": pwr["figures"], "waived": False}
    assert pwr["figures"]["netbox_available_va"] == 18401
    assert data["summary"]["error"] >= 1
    assert {"rule": "CAB-008", "reason": "cable tray segments and cable routes are not in the model"} in data["not_checked"]
    assert "PWR-001" in data["rules_run"]


def test_waived_error_passes_and_is_reported(tmp_path, capsys):
    assert main(["check", str(_overloaded(tmp_path, waive=True)), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["waived"] for f in data["findings"] if f["rule"] == "PWR-001"] == [True]
    assert data["waivers_applied"][0]["reason"] == "load bank test"
    assert data["summary"]["waived"] == 1


def test_fail_on_warning(tmp_path, capsys):
    b = Bench()
    b.rack(y=4000)
    b.place(load(14300, slug="mid", u_height=48), "d0", position=1)
    b.power("d0", "PSU1", "feed-a")  # 14.3 ÷ 23.0 kVA = 0.62 > 0.60 → PWR-002 warning only
    path = _save(b, tmp_path)
    assert main(["check", str(path)]) == 0
    assert main(["check", str(path), "--fail-on", "warning"]) == 1
    capsys.readouterr()


def test_disabled_rules_are_listed(tmp_path, capsys):
    b = Bench()
    b.rack(y=4000)
    b.settings(disabled_rules=("PWR-001",))
    b.place(load(30000, slug="big", u_height=48), "big", position=1)
    b.power("big", "PSU1", "feed-a")
    assert main(["check", str(_save(b, tmp_path)), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["disabled_rules"] == ["PWR-001"] and "PWR-001" not in data["rules_run"]


@pytest.mark.parametrize("content", [b"{not json", b'{"format_version": 999}'])
def test_unloadable_file_exits_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.rackstudio"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rackstudio: ") and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.rackstudio")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_subprocess_runs_without_qt(tmp_path):
    path = _overloaded(tmp_path)
    probe = (f"import sys, runpy; sys.argv = ['rackstudio', 'check', {str(path)!r}, '--format', 'json'];"
             "from rackstudio.cli import main; code = main(sys.argv[1:]);"
             "assert 'PySide6' not in sys.modules; sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["error"] >= 1


# --- the command line checks with the app's rules: installed plugins included -----------------------

PLUGIN_RULE = "rackstudio-ai-racks.no-air-above-35kw"


def _hot_air_rack(tmp_path):
    """A rack with 40 kW of heat to air: the example plugin's site standard allows 35 kW."""
    b = Bench()
    b.rack(y=4000)
    b.place(load(40000, slug="hot", u_height=48), "hot", position=1)
    return _save(b, tmp_path)


def test_an_installed_plugins_rule_fires_in_check_and_the_packs_that_ran_are_listed(tmp_path, capsys):
    path = _hot_air_rack(tmp_path)
    main(["check", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    [hit] = [f for f in data["findings"] if f["rule"] == PLUGIN_RULE]
    assert hit["objects"] == ["rk-1"] and hit["severity"] == "error"
    assert hit["message"].startswith("Rack R1: 40.0 kW of heat to air; the site standard allows 35 kW")
    assert PLUGIN_RULE in data["rules_run"] and data["plugins_used"] is True
    [pack] = [p for p in data["rule_packs"] if p["plugin"] == "rackstudio-ai-racks"]
    assert pack["rules"] == [PLUGIN_RULE]
    assert {"built-in power", "built-in cooling", "built-in space"} <= {p["name"] for p in data["rule_packs"]}
    [plugin] = [p for p in data["plugins"] if p["name"] == "rackstudio-ai-racks"]
    assert plugin["version"] == "1.0.0" and plugin["rules"] == [PLUGIN_RULE]

    main(["check", str(path)])
    text = capsys.readouterr().out
    assert f"error   {PLUGIN_RULE}" in text
    assert "rackstudio-ai-racks (1)" in text.split("rule packs: ", 1)[1].splitlines()[0]


def test_no_plugins_leaves_the_plugins_out(tmp_path, capsys):
    main(["check", str(_hot_air_rack(tmp_path)), "--format", "json", "--no-plugins"])
    data = json.loads(capsys.readouterr().out)
    assert not [f for f in data["findings"] if f["rule"] == PLUGIN_RULE] and PLUGIN_RULE not in data["rules_run"]
    assert data["plugins_used"] is False and data["plugins"] == []
    assert all(p["plugin"] is None for p in data["rule_packs"])
    main(["check", str(_hot_air_rack(tmp_path)), "--no-plugins"])
    assert "plugins left out (--no-plugins)" in capsys.readouterr().out


def test_the_report_is_checked_with_the_plugins_too(tmp_path, capsys):
    path, out = _hot_air_rack(tmp_path), tmp_path / "report.json"
    assert main(["export", str(path), "--what", "report", "-o", str(out), "--date", "2026-12-06"]) == 0
    assert "rackstudio-ai-racks (1)" in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert [f["objects"] for f in report["findings"] if f["rule"] == PLUGIN_RULE] == [["rk-1"]]
    assert report["checked_with"]["plugins_used"] is True
    assert main(["export", str(path), "--what", "report", "-o", str(out), "--no-plugins"]) == 0
    assert not [f for f in json.loads(out.read_text())["findings"] if f["rule"] == PLUGIN_RULE]


def test_every_subcommand_exits_with_the_one_set_of_codes(tmp_path, capsys):
    from rackstudio.cli.exit_codes import Exit

    missing = str(tmp_path / "missing.rackstudio")
    for argv in (["check", missing], ["info", missing], ["export", missing, "--what", "bom", "-o", "x.csv"],
                 ["diff", missing, missing]):
        assert main(argv) == Exit.LOAD, argv
    assert main(["check"]) == Exit.USAGE
    assert main(["check", str(_clean(tmp_path))]) == Exit.OK
    assert main(["check", str(_overloaded(tmp_path))]) == Exit.FAILED
    capsys.readouterr()
