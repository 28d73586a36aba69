"""`rackstudio check` and `info` on a real Dell PowerEdge R760xs (PSUs as module bays): with no PSU
module installed its power is an unknown-power finding and the totals say "+ unknown"; with two
Dell PSU modules installed and cabled it draws through them."""
from __future__ import annotations

import json

from rackstudio.cli import main
from rackstudio.commands import InstallModule
from rackstudio.io import project_file
from rackstudio.library import load_device_type, load_module_type
from tests.conftest import NETBOX_DATA, require_data
from tests.core.check_builders import Bench


def _design(tmp_path, psus: int):
    require_data(NETBOX_DATA / "device-types")
    b = Bench()
    b.rack()
    b.place(load_device_type(NETBOX_DATA / "device-types/Dell/PowerEdge-R760xs.yaml").part, "r760", position=10)
    psu = load_module_type(NETBOX_DATA / "module-types/Dell/D750E-S6.yaml").part
    for i, feed in zip(range(1, psus + 1), ("feed-a", "feed-b"), strict=False):
        b.doc.execute(InstallModule("r760", f"PSU-{i}", psu))
        b.power("r760", f"PSU-{i}", feed)
    path = tmp_path / f"r760-{psus}.rackstudio"
    project_file.save(b.design, path)
    return str(path)


def test_without_psu_modules_check_reports_unknown_power(tmp_path, capsys):
    path = _design(tmp_path, 0)
    assert main(["check", path, "--format", "json", "--no-plugins"]) == 0  # a warning: exit 0 at --fail-on error
    report = json.loads(capsys.readouterr().out)
    [found] = [f for f in report["findings"] if f["rule"] == "PWR-016"]
    assert found["severity"] == "warning" and "no PSU module installed" in found["message"]
    assert main(["check", path, "--fail-on", "warning", "--no-plugins"]) == 1
    capsys.readouterr()
    assert main(["info", path]) == 0
    assert "allocated 0.0 kW + unknown (1 device)" in capsys.readouterr().out


def test_with_two_psu_modules_it_draws_through_them(tmp_path, capsys):
    path = _design(tmp_path, 2)
    assert main(["check", path, "--format", "json", "--no-plugins"]) == 0
    report = json.loads(capsys.readouterr().out)
    pwr016 = [f for f in report["findings"] if f["rule"] == "PWR-016"]
    assert [f["severity"] for f in pwr016] == ["info"]  # derived from the PSU ratings, not unknown
    assert not [f for f in report["findings"] if f["rule"] == "PWR-019"]  # both module inlets are fed
    assert main(["info", path, "--format", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["racks_power"] == {"allocated_kw": 0.75, "max_kw": 0.75, "checked_kw": 0.75, "unknown_devices": 0}


def test_the_design_report_says_plus_unknown(tmp_path):
    from rackstudio.reports import json_report
    from rackstudio.reports.metrics_series import MetricsSeries

    design = project_file.load(_design(tmp_path, 0)).design
    report = json_report.design_report(MetricsSeries(design), [], "2026-12-06")
    assert report["summary"]["unknown_power_devices"] == 1
    assert [r["unknown_power_devices"] for r in report["power"]] == [1]
