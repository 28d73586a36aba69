"""Waivers remember what they waived: a finding that gets worse than its waiver (beyond the
design's tolerance) is open again, says "waived at X, now Y" in its message and its JSON, and the
command line counts it; a better one stays waived; a version 2 waiver (no figures) keeps covering
its finding by key."""
from __future__ import annotations

import json

from rackstudio.checks import CheckEngine
from rackstudio.checks.waivers import Waivers, figure_text, waiver_for
from rackstudio.cli import main
from rackstudio.commands import AddRecord, RemoveDevice
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps, parse
from rackstudio.model import Waiver
from tests.core import builders
from tests.core.check_builders import Bench


def _open_units(b: Bench) -> list:
    return [f for f in CheckEngine(b.design, ComponentGraph(b.design)).run_full() if f.rule == "COOL-011"]


def _bench_with_8_open_units() -> tuple[Bench, CheckEngine]:
    b = Bench()
    b.rack(rack_type=builders.rack_type(slug="r28", model="28U", u_height=28))
    b.place(builders.server(), "srv-1", position=1)
    b.place(builders.server(), "srv-2", position=11)
    engine = CheckEngine(b.design, b.doc.graph)
    engine.follow(b.doc)
    return b, engine


def _waive(b: Bench, finding) -> None:
    b.doc.execute(AddRecord("waivers", waiver_for(finding, "wv-1", "blanking panels on order", "ana",
                                                  "2026-12-06T10:00:00+00:00")))


def test_a_waived_finding_that_gets_worse_is_open_again():
    b, engine = _bench_with_8_open_units()
    [finding] = [f for f in engine.findings() if f.rule == "COOL-011"]
    assert finding.figures["open_units"] == 8 and finding.counts
    _waive(b, finding)
    assert b.design.waivers["wv-1"].figures == {"open_units": 8.0}
    [waived] = [f for f in engine.findings() if f.rule == "COOL-011"]
    assert waived.waived and not waived.counts and waived.lapse is None

    b.doc.execute(RemoveDevice("srv-2"))  # U11-U20 open as well: 18
    b.place(builders.switch(), "sw-1", position=11)  # 17
    [worse] = [f for f in engine.findings() if f.rule == "COOL-011"]
    assert worse.figures["open_units"] == 17
    assert worse.counts and not worse.waived
    assert worse.lapse is not None and (worse.lapse.waived_at, worse.lapse.now) == (8, 17)
    assert worse.message.endswith("(waived at 8 open units, now 17 open units)")
    assert worse.to_json()["waiver_lapsed"] == {"waiver": "wv-1", "figure": "open_units", "waived_at": 8.0,
                                                "now": 17.0}
    assert engine.findings() == CheckEngine(b.design, ComponentGraph(b.design)).run_full()  # incremental == full

    b.doc.undo()
    b.doc.undo()  # back to 8: covered again
    assert [f.waived for f in engine.findings() if f.rule == "COOL-011"] == [True]


def test_a_better_finding_stays_waived_and_the_tolerance_is_a_setting():
    b, engine = _bench_with_8_open_units()
    [finding] = [f for f in engine.findings() if f.rule == "COOL-011"]
    _waive(b, finding)
    b.place(builders.blank(), "bl-1", position=28)  # 7 open units: better
    assert [(f.figures["open_units"], f.waived) for f in engine.findings() if f.rule == "COOL-011"] == [(7, True)]
    b.doc.undo()
    b.doc.execute(RemoveDevice("srv-2"))  # 18 open units: 125 % worse
    assert [f.waived for f in engine.findings() if f.rule == "COOL-011"] == [False]
    b.settings(waiver_tolerance=1.5)  # worse by up to 150 % is accepted
    assert [f.waived for f in engine.findings() if f.rule == "COOL-011"] == [True]
    assert engine.findings() == CheckEngine(b.design, ComponentGraph(b.design)).run_full()


def test_a_waiver_without_figures_covers_its_finding_by_key():
    b, engine = _bench_with_8_open_units()
    b.doc.execute(AddRecord("waivers", Waiver(id="wv-1", finding="COOL-011:rk-1", reason="old file",
                                              author="jo", created="2025-01-01")))
    b.doc.execute(RemoveDevice("srv-2"))
    assert [(f.figures["open_units"], f.waived) for f in engine.findings() if f.rule == "COOL-011"] == [(18, True)]


def test_a_version_2_waiver_migrates_without_figures_and_still_waives():
    b, _engine = _bench_with_8_open_units()
    b.doc.execute(AddRecord("waivers", waiver_for(_open_units(b)[0], "wv-1", "on order", "jo", "2025-01-01")))
    data = json.loads(dumps(b.design))
    data["format_version"] = 2
    del data["waivers"]["wv-1"]["figures"]
    del data["settings"]["waiver_tolerance"]
    loaded = parse(json.dumps(data), "old.rackstudio")
    assert loaded.migrated_from == 2
    assert loaded.design.waivers["wv-1"].figures == {} and loaded.design.settings.waiver_tolerance == 0.05
    found = [f for f in CheckEngine(loaded.design, ComponentGraph(loaded.design)).run_full() if f.rule == "COOL-011"]
    assert [f.waived for f in found] == [True]


def test_check_reports_the_lapsed_waiver_in_text_and_json(tmp_path, capsys):
    b, engine = _bench_with_8_open_units()
    _waive(b, [f for f in engine.findings() if f.rule == "COOL-011"][0])
    b.doc.execute(RemoveDevice("srv-2"))
    path = tmp_path / "worse.rackstudio"
    b.doc.save(path)
    assert main(["check", str(path), "--format", "json", "--fail-on", "warning"]) == 1
    data = json.loads(capsys.readouterr().out)
    [lapsed] = data["waivers_lapsed"]
    assert (lapsed["id"], lapsed["waived_at"], lapsed["now"]) == ("wv-1", 8.0, 18.0)
    assert data["waivers_applied"] == [] and data["summary"]["waived"] == 0
    main(["check", str(path)])
    text = capsys.readouterr().out
    assert "(waived at 8 open units, now 18 open units)" in text
    assert "waiver wv-1 no longer covers COOL-011:rk-1" in text


def test_figures_read_as_quantities():
    assert figure_text("open_units", 8) == "8 open units"
    assert figure_text("load_w", 28600) == "28.6 kW load"
    assert figure_text("width_mm", 1150) == "1,150 mm width"
    assert figure_text("imbalance_pct", 23.5) == "23.5% imbalance"
    assert Waivers(Bench().design).keys == frozenset()
