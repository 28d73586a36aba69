"""`rackstudio check` and `info` on a breakout: an 800G twin-port switch port to two 400G NICs checks
clean with the right optics and fails with CAB-005 when one leg has the wrong fibre; `info` shows
the hall's optics power."""
from __future__ import annotations

import json

from rackstudio.cli import main
from rackstudio.commands import PlaceDevice
from rackstudio.io import project_file
from tests.core import builders as b
from tests.core.builders import rack_named
from tests.core.test_optics import breakout, builtin


def _pod(tmp_path, fibres=None):
    doc = b.row_document(3)
    dgx = builtin("DGX-B200")
    doc.execute(PlaceDevice(dgx, rack=rack_named(doc.design, "A01"), position=2, device_id="dgx1"))
    doc.execute(PlaceDevice(dgx, rack=rack_named(doc.design, "A01"), position=13, device_id="dgx2"))
    doc.execute(PlaceDevice(builtin("SN5600"), rack=rack_named(doc.design, "A02"), position=40, device_id="leaf"))
    breakout(doc, fibres=fibres)
    path = tmp_path / "breakout.rackstudio"
    project_file.save(doc.design, path)
    return path


def _cabling(out: str) -> list[str]:
    return [f["rule"] for f in json.loads(out)["findings"] if f["rule"] in ("CAB-003", "CAB-004", "CAB-005",
                                                                            "CAB-006", "CAB-011")]


def test_the_right_optics_check_clean_and_the_wrong_fibre_is_cab005(tmp_path, capsys):
    """(The pod has no power cabled, so the power rules have their say; the optics rules none.)"""
    main(["check", str(_pod(tmp_path)), "--format", "json", "--no-plugins"])
    assert _cabling(capsys.readouterr().out) == []
    assert main(["check", str(_pod(tmp_path, ("straight", "splitter"))), "--format", "json", "--no-plugins"]) == 1
    assert _cabling(capsys.readouterr().out) == ["CAB-005"]


def test_info_shows_the_halls_optics_power(tmp_path, capsys):
    assert main(["info", str(_pod(tmp_path))]) == 0
    out = capsys.readouterr().out
    # 17 W twin-port in the SN5600 (in its own figure) + 2 x 9 W ConnectX-7 optics added to the servers
    assert "optics, Hall 1: 0.04 kW in 3 cages (0.02 kW added to device draw, 0.02 kW already in device figures)" in out
