"""Reference-data quality rules LIB-001..005 (docs/engineering.md §1.7)."""
from __future__ import annotations

import pytest

from rackstudio.checks.rule import Severity
from tests.core import builders
from tests.core.check_builders import Bench, findings


def part_findings(part, rule):
    b = Bench()
    b.design.part_types[part.slug] = part  # embedded, not placed: LIB rules read every embedded part
    return findings(b.design, rule)


def test_lib001_no_maximum_draw():
    bare = builders.switch(slug="bare", rackstudio={"category": "switch"}, **{"power-ports": [{"name": "PS1"}]})
    assert [f.objects for f in part_findings(bare, "LIB-001")] == [("bare",)]
    # NetBox per-port maximum_draw counts as a maximum
    ported = builders.switch(slug="ported", rackstudio={"category": "switch"},
                             **{"power-ports": [{"name": "PS1", "maximum_draw": 500}]})
    assert not part_findings(ported, "LIB-001")
    assert not part_findings(builders.blank(), "LIB-001")  # no inlets, nothing to draw


def test_lib002_sources():
    sourced = builders.server(slug="sourced", rackstudio={
        "category": "server", "source": "P [NV-B200UG]", "power": {"max_w": 14300}})
    assert not part_findings(sourced, "LIB-002")
    unverified = builders.server(slug="unverified", rackstudio={
        "category": "server", "source": "P [NV-B200UG]", "sources": {"max_w": "U"}, "power": {"max_w": 14300}})
    [found] = part_findings(unverified, "LIB-002")
    assert found.figures == {"unsourced": [], "unverified": ["max_w"]} and found.severity is Severity.INFO


def test_lib003_weight():
    assert [f.objects for f in part_findings(builders.server(slug="light", weight=None, weight_unit=None), "LIB-003")] == [
        ("light",)]
    assert not part_findings(builders.server(), "LIB-003")
    assert not part_findings(builders.blank(), "LIB-003")


def test_lib004_psu_policy():
    # DGX B200: 6 PSUs, 5+1, 5 × 3,300 = 16,500 W ≥ 14,300 W → consistent
    assert not part_findings(builders.server(), "LIB-004")
    # 4+1 with 6 PSUs: count mismatch; 4 × 3,300 = 13,200 < 14,300: rating short
    bad = builders.server(slug="bad", rackstudio={
        "category": "server", "power": {"max_w": 14300, "psu_count": 6, "psu_rating_w": 3300, "psu_redundancy": "4+1"}})
    assert sorted(f.aspect for f in part_findings(bad, "LIB-004")) == ["count", "rating"]


@pytest.mark.parametrize(("cfm", "fires"), [(1550, False), (500, True)])
def test_lib005_airflow_delta_t(cfm, fires):
    # ΔT = 3.16 × 14,300 ÷ 1,550 ÷ 1.8 = 16.2 K (within 5-25); at 500 CFM 50.2 K
    part = builders.server(slug="cfm", rackstudio={"category": "server", "power": {"max_w": 14300},
                                                   "cooling": {"airflow_cfm": cfm}})
    found = part_findings(part, "LIB-005")
    assert bool(found) is fires
    if fires:
        assert found[0].figures["delta_t_k"] == pytest.approx(50.21, abs=0.01)
