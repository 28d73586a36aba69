"""The example plugin on its own: its manifest and packaging, its part files, the HGX factory's
arithmetic, and its rule, first against a stub context (how a plugin author tests a rule without
a design) and then inside RackStudio's plugin host."""
from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
import rackstudio_ai_racks
from rackstudio_ai_racks import factories, rules

from rackstudio.checks.registry import RuleRegistry
from rackstudio.library.index import LibraryIndex
from rackstudio.plugins import PluginManager, read_manifest

PACKAGE = Path(rackstudio_ai_racks.__file__).parent
PROJECT = Path(__file__).resolve().parents[1]
NAME = "rackstudio-ai-racks"


def test_manifest_matches_the_project():
    manifest = read_manifest(PACKAGE / "rackstudio-plugin.toml")
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert manifest.name == project["name"] == NAME and manifest.version == project["version"]
    assert project["entry-points"]["rackstudio.plugins"] == {NAME: "rackstudio_ai_racks"}
    assert manifest.runs_code and [r.id for r in manifest.rules] == [f"{NAME}.no-air-above-35kw"]


def test_installed_entry_point():
    try:
        dist = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        pytest.skip("not installed (make test installs it)")
    (ep,) = [ep for ep in dist.entry_points if ep.group == "rackstudio.plugins"]
    assert (ep.name, ep.value) == (NAME, "rackstudio_ai_racks")
    manager = PluginManager.start(dropin_dirs=[])
    plugin = manager.plugin(NAME)
    assert plugin is not None and plugin.status == "active" and plugin.source.kind == "entry-point"


def test_part_files_load_cleanly():
    index = LibraryIndex.build(PACKAGE, cache_dir=None)
    assert len(index.files) == 5
    assert [f.path for f in index.files if f.problem] == []
    # The Q3400's total draw is not published: its draw is derived from its PSUs, and flagged so.
    assert {f.path: [flag.key for flag in f.flags] for f in index.files if f.flags} == {
        "device-types/NVIDIA/Quantum-X800-Q3400-RA.yaml": ["derived-draw"]}


@pytest.mark.parametrize(("options", "max_w", "policy", "liquid"), [
    ({}, 14300, "5+1", 0.0),  # 8 x 1,000 + 2 x 350 + 5,600 = DGX B200's 14.3 kW, 5+1 [NV-B200UG]
    ({"psu_redundancy": "n+n"}, 14300, "5+5", 0.0),
    ({"gpu": "mi300x", "gpu_count": 4}, 4 * 750 + 700 + 5600, "3+1", 0.0),
    ({"gpu": "mi355x", "cooling": "liquid"}, 8 * 1400 + 700 + 5600, "6+1", round(11900 / 17500, 3)),
    ({"gpu": "other", "gpu_tdp_w": 1200, "psu_rating_w": 5500}, 9600 + 700 + 5600, "3+1", 0.0),
])
def test_hgx_factory_arithmetic(options, max_w, policy, liquid):
    part = factories.hgx_server(**options)
    power = part["rackstudio"]["power"]
    n, m = (int(x) for x in policy.split("+"))
    assert (power["max_w"], power["psu_redundancy"], power["psu_count"]) == (max_w, policy, n + m)
    assert len(part["power-ports"]) == n + m
    assert part["rackstudio"]["cooling"]["liquid_fraction"] == liquid
    air_w = max_w * (1 - liquid)
    assert part["rackstudio"]["cooling"]["airflow_cfm"] == round(3.16 * air_w / 29.2)
    assert all("(D)" in s or "[" in s or "(U)" in s for s in part["rackstudio"]["sources"].values())


@pytest.mark.parametrize(("options", "message"), [
    ({"gpu_count": 0}, "gpu_count must be 1 to 8"),
    ({"gpu": "h999"}, "unknown GPU 'h999'"),
    ({"cooling": "oil"}, "cooling must be 'air' or 'liquid'"),
    ({"psu_redundancy": "2n"}, "psu_redundancy must be"),
    ({"psu_rating_w": 0}, "psu_rating_w must be above 0"),
])
def test_hgx_factory_refuses_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        factories.hgx_server(**options)


def _stub(heat_air_w: float) -> SimpleNamespace:
    """The part of RackStudio's PluginContext the rule uses."""
    return SimpleNamespace(rack_load=lambda rack_id: SimpleNamespace(heat_air_w=heat_air_w),
                           rack=lambda rack_id: SimpleNamespace(name="R7"), kw=lambda w: w / 1000)


def test_rule_on_a_stub_context():
    assert list(rules.no_air_above_35kw(_stub(35_000), "rk-7")) == []
    (hit,) = rules.no_air_above_35kw(_stub(42_900), "rk-7")
    assert hit.objects == ("rk-7",) and hit.figures == {"heat_air_w": 42900.0, "limit_w": 35000.0}
    assert hit.message.startswith("Rack R7: 42.9 kW of heat to air")


def test_rule_and_factory_inside_the_host():
    manager = PluginManager(rule_timeout_s=5)
    plugin = manager.register(read_manifest(PACKAGE / "rackstudio-plugin.toml"), PACKAGE)
    assert plugin.status == "active"
    registry = RuleRegistry()
    assert manager.register_rules(registry) == [f"{NAME}.no-air-above-35kw"]
    part = manager.make_part(f"{NAME}.hgx_server", cooling="liquid")
    assert part.origin == NAME and part.rackstudio.cooling.method == "hybrid"
    assert {e.source for e in manager.catalog(cache=False).entries} >= {"builtin", NAME}
