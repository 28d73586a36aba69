"""Plugins: manifests read without importing code, the example plugin's parts, factory and rule,
every failure mode isolated and recorded by stage while the host keeps running, drop-ins that
run no code, and library drift. Installed plugins are faked with a `*.dist-info` folder (with an
entry point) on sys.path, never pip-installed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from rackstudio.checks.engine import RULE_FAILED, CheckEngine
from rackstudio.checks.registry import RuleRegistry
from rackstudio.checks.rule import Severity
from rackstudio.commands import AddRack, PlaceDevice, RemoveDevice
from rackstudio.commands.records import update_parts
from rackstudio.document import Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.library.drift import part_drift, updatable_parts
from rackstudio.plugins import (
    ContributionFailed,
    FactoryRefused,
    ManifestError,
    PluginContext,
    PluginManager,
    Stage,
    dropin_folder,
    read_manifest,
    snapshot,
)
from rackstudio.plugins.api import RevokedContext
from tests.core import builders

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "plugins"
EXAMPLE_SRC = ROOT / "plugins" / "rackstudio-ai-racks" / "src"
EXAMPLE = "rackstudio-ai-racks"
RULE = "rackstudio-ai-racks.no-air-above-35kw"
FACTORY = "rackstudio-ai-racks.hgx_server"

# installed fixture plugins: folder -> (distribution and plugin name, package)
INSTALLED = {
    "wrong-prefix": ("fixture-wrong-prefix", "fixture_wrong_prefix"),
    "import-error": ("fixture-import-error", "fixture_import_error"),
    "raising-factory": ("fixture-raising-factory", "fixture_raising_factory"),
    "raising-rule": ("fixture-raising-rule", "fixture_raising_rule"),
    "hanging-rule": ("fixture-hanging-rule", "fixture_hanging_rule"),
    "garbage-rule": ("fixture-garbage-rule", "fixture_garbage_rule"),
    "regex-rule": ("fixture-regex-rule", "fixture_regex_rule"),
    "exit-at-import": ("fixture-exit-at-import", "fixture_exit_at_import"),
    "memory-factory": ("fixture-memory-factory", "fixture_memory_factory"),
    "many-hits-rule": ("fixture-many-hits-rule", "fixture_many_hits_rule"),
    "reaching-rule": ("fixture-reaching-rule", "fixture_reaching_rule"),
}
DROPINS = ("bad-manifest", "newer-api", "path-escape", "dropin-with-code", "bad-yaml", "good-dropin")
# the failure modes: plugin name -> (stage, words the reason must contain)
FAILURES = {
    "bad-manifest": (Stage.MANIFEST, ["runs_code: Extra inputs are not permitted", "api: Field required"]),
    "fixture-wrong-prefix": (Stage.MANIFEST, ["'someone-else.rule'", "must be 'fixture-wrong-prefix.<local id>'"]),
    "newer-api": (Stage.INCOMPATIBLE, ["targets plugin API 99", "supports 1"]),
    "fixture-import-error": (Stage.IMPORT, ["ModuleNotFoundError", "rackstudio_no_such_module"]),
    "path-escape": (Stage.MANIFEST, ["'../good-dropin' leaves the plugin folder"]),
    "dropin-with-code": (Stage.MANIFEST, ["data only", "dropin_with_code_rules:anything"]),
    "fixture-raising-factory": (Stage.CONTRIBUTE, ["RuntimeError: factory bug", "factories.py:2"]),
    "fixture-raising-rule": (Stage.RULE_RAISED, ["ZeroDivisionError: rule bug", "on rk-1"]),
    "fixture-hanging-rule": (Stage.RULE_TIMEOUT, ["no result within 2.01 s on rk-1, rk-2"]),
    "fixture-garbage-rule": (Stage.RULE_GARBAGE, ["rule returned garbage on rk-1: a int"]),
    "fixture-regex-rule": (Stage.RULE_TIMEOUT, ["no result within 2.01 s on rk-1, rk-2"]),
    "fixture-exit-at-import": (Stage.IMPORT, ["the plugin process ended (importing fixture_exit_at_import.rules)",
                                              "it exited with code 3"]),
    "fixture-memory-factory": (Stage.CONTRIBUTE, ["running the factory", "ran out of memory", "256 MiB"]),
    "fixture-many-hits-rule": (Stage.RULE_CAPPED, ["more than 1,000 findings in one check", "from rk-1 on"]),
    "fixture-reaching-rule": (Stage.RULE_RAISED, ["AttributeError", "_ctx", "on rk-1"]),
}
FAILED_RULES = {"fixture-import-error.rule", "fixture-raising-rule.rule", "fixture-hanging-rule.rule",
                "fixture-garbage-rule.rule", "fixture-regex-rule.rule", "fixture-exit-at-import.rule",
                "fixture-many-hits-rule.rule", "fixture-reaching-rule.rule"}
MEMORY_MIB = 256  # the worker's memory limit in these tests: a few hundred MiB
LIMIT_S = 2.0  # the call limit in these tests (the app's): generous enough for a busy machine


# --- helpers shared with the CLI tests -------------------------------------------------------------
def fake_dist(site: Path, dist: str, value: str) -> None:
    """A distribution's metadata with one rackstudio.plugins entry point, as pip would leave it."""
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[rackstudio.plugins]\n{dist} = {value}\n")


class Site:
    """A folder on sys.path for fake installed plugins, and the user's drop-in folder (under the
    per-test user data folder that tests/conftest.py sets up)."""

    def __init__(self, root: Path, monkeypatch):
        self.root, self.monkeypatch = root, monkeypatch
        self.dropins = dropin_folder()
        self.dropins.mkdir(parents=True)

    def install(self, case: str) -> str:
        dist, package = INSTALLED[case]
        shutil.copytree(DATA / case / package, self.root / package)
        fake_dist(self.root, dist, package)
        return dist

    def dropin(self, case: str) -> Path:
        return Path(shutil.copytree(DATA / case, self.dropins / case))

    def example(self) -> None:
        """The example plugin as an installed plugin (faked unless `make test` pip-installed it)."""
        try:
            metadata.distribution(EXAMPLE)
        except metadata.PackageNotFoundError:
            fake_dist(self.root, EXAMPLE, "rackstudio_ai_racks")
            self.monkeypatch.syspath_prepend(str(EXAMPLE_SRC))

    def rule_plugin(self, package: str, rules_py: str) -> str:
        """An installed plugin with one rule, `<package>.rules:rule`, whose module is `rules_py`."""
        name = package.replace("_", "-")
        folder = self.root / package
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "rules.py").write_text(rules_py)
        (folder / "rackstudio-plugin.toml").write_text(_toml({
            "name": name, "display_name": f"Fixture {name}", "version": "1.0", "api": ["1"],
            "rules": [{"id": f"{name}.rule", "title": "Fixture rule", "python_name": f"{package}.rules:rule"}]}))
        fake_dist(self.root, name, package)
        return name

    def start(self, **options) -> PluginManager:
        return PluginManager.start(dropin_dirs=[self.dropins], **options)


def fake_site(tmp_path: Path, monkeypatch) -> Iterator[Site]:
    """The `site` fixture's body, for the CLI and UI test modules to declare their own."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("RACKSTUDIO_FIXTURE_MARKER", str(tmp_path / "marker"))
    yield Site(root, monkeypatch)
    for name in [m for m in sys.modules if m.startswith(("fixture_", "dropin_with_code"))]:
        del sys.modules[name]


@pytest.fixture(name="site")
def _site(tmp_path, monkeypatch):
    yield from fake_site(tmp_path, monkeypatch)


def small_design(servers_per_rack=(3, 2)):
    """One hall, a rack per entry, each with that many DGX B200s (14.3 kW air-cooled each [NV-B200UG])."""
    design = builders.empty_design()
    server = builders.server()
    for i, count in enumerate(servers_per_rack):
        AddRack(builders.rack_type(), "hall-1", 1200 + i * 600, 2400, rack_id=f"rk-{i + 1}").apply(design)
        for k in range(count):
            PlaceDevice(server, rack=f"rk-{i + 1}", position=1 + 10 * k, device_id=f"dv-{i + 1}-{k}").apply(design)
    return design


def gb300_rack(catalog):
    return catalog.rack_type(catalog.find("NVIDIA", "GB300 NVL72 rack (MGX)", kind="rack-type"))


def plugin_engine(manager: PluginManager, design) -> CheckEngine:
    registry = RuleRegistry()
    manager.register_rules(registry)
    return CheckEngine(design, ComponentGraph(design), registry)


# --- manifests -------------------------------------------------------------------------------------
def _toml(data: dict) -> str:
    def value(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v).lower() if isinstance(v, bool) else str(v)
    lines = [f"{k} = {value(v)}" for k, v in data.items() if not (isinstance(v, list) and v and isinstance(v[0], dict))]
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for table in v:
                lines += ["", f"[[{k}]]"] + [f"{tk} = {value(tv)}" for tk, tv in table.items()]
    return "\n".join(lines) + "\n"


def valid_manifest() -> dict:
    return {"name": "acme-racks", "display_name": "Acme rack parts", "version": "1.2.0", "api": ["1"],
            "parts": [{"path": "."}],
            "rules": [{"id": "acme-racks.rule", "title": "A rule", "python_name": "acme_racks.rules:rule"}]}


def missing_api(m):
    """api: Field required"""
    del m["api"]


def declares_runs_code(m):
    """runs_code: Extra inputs are not permitted"""
    m["runs_code"] = False


def wrong_prefix(m):
    """id 'other.rule' must be 'acme-racks.<local id>'"""
    m["rules"][0]["id"] = "other.rule"


def duplicate_id(m):
    """id 'acme-racks.rule' is declared twice"""
    m["rules"].append(dict(m["rules"][0]))


def locals_in_python_name(m):
    """rules.0.python_name: String should match pattern"""
    m["rules"][0]["python_name"] = "acme_racks.rules:make.<locals>.rule"


def absolute_path(m):
    """parts.0.path: path '/etc' must be relative"""
    m["parts"][0]["path"] = "/etc"


def parent_path(m):
    """parts.0.path: path 'parts/../..' leaves the plugin folder"""
    m["parts"][0]["path"] = "parts/../.."


def bad_name(m):
    """name: String should match pattern"""
    m["name"] = "acme racks!"


def short_display_name(m):
    """display_name: String should match pattern"""
    m["display_name"] = "AI"


def unknown_scope(m):
    """rules.0.scope.0: Input should be"""
    m["rules"][0]["scope"] = "galaxy"


def unknown_severity(m):
    """rules.0.default_severity: Input should be 'error', 'warning' or 'info'"""
    m["rules"][0]["default_severity"] = "fatal"


def rack_designs_on_api_1(m):
    """rack_designs needs plugin API 2, and api declares only 1: add "2" to api"""
    m["rack_designs"] = [{"path": "rack-designs"}]


def rack_design_path_escapes(m):
    """rack_designs.0.path: path '../x' leaves the plugin folder"""
    m["api"] = ["1", "2"]
    m["rack_designs"] = [{"path": "../x"}]


@pytest.mark.parametrize("mutate", [missing_api, declares_runs_code, wrong_prefix, duplicate_id, locals_in_python_name,
                                    absolute_path, parent_path, bad_name, short_display_name, unknown_scope,
                                    unknown_severity, rack_designs_on_api_1, rack_design_path_escapes])
def test_each_way_to_break_a_manifest_names_the_key(tmp_path, mutate):
    path = tmp_path / "rackstudio-plugin.toml"
    path.write_text(_toml(valid_manifest()))
    assert read_manifest(path).runs_code
    data = valid_manifest()
    mutate(data)
    path.write_text(_toml(data))
    with pytest.raises(ManifestError) as caught:
        read_manifest(path)
    assert mutate.__doc__ in str(caught.value)
    assert str(caught.value).startswith(str(path))


def _rack_design_plugin(tmp_path, api, text: str | None = None) -> Path:
    """A data-only plugin folder offering one rack-design file (`text`: the file's content)."""
    from rackstudio.commands.rack_designs import MakeRackDesign
    from rackstudio.library import rack_design_files

    root = tmp_path / "acme-racks"
    (root / "rack-designs").mkdir(parents=True)
    data = {k: v for k, v in valid_manifest().items() if k != "rules"}
    (root / "rackstudio-plugin.toml").write_text(_toml({**data, "api": api, "rack_designs": [{"path": "rack-designs"}]}))
    design = small_design((1,))
    MakeRackDesign("rk-1", "Acme DGX rack", "acme-dgx").apply(design)
    path = rack_design_files.save(design, "acme-dgx", tmp_path / "made")
    (root / "rack-designs" / path.name).write_bytes(path.read_bytes())
    if text is not None:
        (root / "rack-designs" / "broken.rackstudio").write_text(text)
    return root


def test_api_1_plugins_load_unchanged_and_rack_designs_need_api_2(tmp_path):
    """API 2 adds rack designs; a plugin declaring only "1" keeps loading as before, and one that
    declares rack_designs with only "1" is refused naming the key."""
    from rackstudio.plugins.api import API_VERSION, SUPPORTED_API_VERSIONS

    assert API_VERSION == "2"
    assert {"1", "2"} == SUPPORTED_API_VERSIONS
    old = tmp_path / "old" / "rackstudio-plugin.toml"
    old.parent.mkdir()
    old.write_text(_toml(valid_manifest()))
    manager = PluginManager()
    plugin = manager.register(read_manifest(old), old.parent)
    assert plugin.status == "active" and plugin.manifest.api == ("1",) and not plugin.failures
    assert manager.rack_design_sources() == []
    with pytest.raises(ManifestError, match='rack_designs needs plugin API 2, and api declares only 1'):
        read_manifest(_rack_design_plugin(tmp_path / "a", ["1"]) / "rackstudio-plugin.toml")


def test_a_plugins_rack_designs_are_offered_and_a_bad_file_is_recorded_against_it(tmp_path):
    root = _rack_design_plugin(tmp_path, ["1", "2"], text='{"format_version": 8,')
    manager = PluginManager()
    plugin = manager.register(read_manifest(root / "rackstudio-plugin.toml"), root, kind="drop-in")
    assert plugin.status == "active"
    assert manager.rack_design_sources() == [("acme-racks", root / "rack-designs")]
    shelf = manager.rack_design_shelf()
    by_name = {s.path.name: s for s in shelf.items()}
    assert by_name["acme-dgx.rackstudio"].rack_design.name == "Acme DGX rack"
    assert by_name["acme-dgx.rackstudio"].origin == "acme-racks" and shelf.find("acme-dgx") is by_name["acme-dgx.rackstudio"]
    bad = by_name["broken.rackstudio"]
    assert bad.rack_design is None and bad.problem.startswith(str(root / "rack-designs" / "broken.rackstudio"))
    [failure] = plugin.failures
    assert failure.stage == Stage.CONTRIBUTE and failure.reason == bad.problem
    assert [c.entries for c in plugin.contributions if c.kind == "rack-designs"] == [1]
    manager.rack_design_shelf()  # listed again: counted and recorded once
    assert len(plugin.failures) == 1 and plugin.contributions[-1].entries == 1
    # a host of API 1 only loads the plugin (it targets 1 too) without its rack designs
    older = PluginManager(api_versions={"1"})
    plugin = older.register(read_manifest(root / "rackstudio-plugin.toml"), root, kind="drop-in")
    assert plugin.status == "active with problems" and older.rack_design_sources() == []
    assert plugin.failures[0].stage == Stage.INCOMPATIBLE and "rack designs need plugin API 2" in plugin.failures[0].reason


def test_manifest_syntax_errors_and_unreadable_files(tmp_path):
    path = tmp_path / "rackstudio-plugin.toml"
    path.write_text('name = "x"\napi = [1\n')
    with pytest.raises(ManifestError, match="TOML syntax"):
        read_manifest(path)
    path.write_bytes(b"name = '\xff'")
    with pytest.raises(ManifestError, match="not UTF-8"):
        read_manifest(path)
    with pytest.raises(ManifestError, match="no rackstudio-plugin.toml"):
        read_manifest(tmp_path / "missing" / "rackstudio-plugin.toml")


def test_builtin_parts_are_registered_through_the_plugin_path():
    manager = PluginManager.start(entry_points=False, dropin_dirs=[])
    (builtin,) = manager.plugins
    assert (builtin.name, builtin.status, builtin.runs_code, builtin.source.kind) == ("builtin", "active", False, "builtin")
    catalog = manager.catalog()
    assert catalog.sources[0].name == "builtin" and len(catalog) >= 19
    assert {e.source for e in catalog.entries} == {"builtin"}
    with pytest.raises(ValueError, match="cannot be disabled"):
        manager.set_enabled("builtin", False)


# --- discovery -------------------------------------------------------------------------------------
def test_discovery_and_registration_import_no_plugin_code(site, tmp_path):
    site.install("raising-rule")
    manager = site.start()
    plugin = manager.plugin("fixture-raising-rule")
    assert plugin.status == "active" and plugin.runs_code
    assert [c.state for c in plugin.contributions] == ["not loaded yet"]
    plugin_engine(manager, small_design())  # registering the rule imports nothing either
    manager.catalog()
    assert not (tmp_path / "marker").exists()
    plugin_engine(manager, small_design()).run_full()  # first use imports it
    assert (tmp_path / "marker").read_text() == "fixture_raising_rule imported"


def test_entry_point_rules(site):
    shutil.copytree(DATA / "garbage-rule" / "fixture_garbage_rule", site.root / "fixture_garbage_rule")
    fake_dist(site.root, "another-name", "fixture_garbage_rule")
    fake_dist(site.root, "points-at-attribute", "fixture_garbage_rule.rules:rule")
    fake_dist(site.root, "points-nowhere", "fixture_no_such_package")
    manager = site.start()
    reasons = {f.plugin: f.reason for f in manager.failures}
    assert "must equal the distribution name 'another-name'" in reasons["fixture-garbage-rule"]
    assert "must name a package, not an attribute" in reasons["points-at-attribute"]
    assert "package 'fixture_no_such_package' cannot be found" in reasons["points-nowhere"]
    assert {f.stage for f in manager.failures} == {Stage.MANIFEST}


def test_a_second_plugin_with_a_taken_name_is_refused(site):
    site.dropin("good-dropin")
    other = site.dropins.parent / "more"
    shutil.copytree(DATA / "good-dropin", other / "good-dropin")
    manager = PluginManager.start(dropin_dirs=[site.dropins, other])
    first, second = [p for p in manager.plugins if p.name == "good-dropin"]
    assert first.status == "active" and second.status == "failed"
    assert "a plugin named 'good-dropin' is already loaded from drop-in folder" in second.failures[0].reason


# --- the example plugin ----------------------------------------------------------------------------
def test_example_plugin_parts_are_in_the_catalog_with_the_plugin_as_source(site):
    site.example()
    manager = site.start()
    plugin = manager.plugin(EXAMPLE)
    assert plugin.status == "active" and plugin.source.kind == "entry-point" and plugin.runs_code
    catalog = manager.catalog()
    mine = {e.slug: e for e in catalog.entries if e.source == EXAMPLE}
    assert set(mine) == {"nvidia-gb300-nvl72-compute-tray", "nvidia-quantum-x800-q3400-ra", "nvidia-spectrum-4-sn5610",
                         "ocp-orv3-hpr-power-shelf-33kw", "nvidia-gb300-nvl72-rack"}
    assert catalog.by_slug("nvidia-dgx-b200").source == "builtin"  # the built-ins are still there
    assert plugin.contributions[0].entries == 5
    assert catalog.part("nvidia-gb300-nvl72-compute-tray").origin == EXAMPLE
    assert [e.title for e in catalog.search("q3400")] == ["NVIDIA Quantum-X800 Q3400-RA"]


def test_example_plugin_figures_carry_their_sources(site):
    site.example()
    catalog = site.start().catalog()
    tray, q3400 = catalog.part("nvidia-gb300-nvl72-compute-tray"), catalog.part("nvidia-quantum-x800-q3400-ra")
    sn5610, shelf = catalog.part("nvidia-spectrum-4-sn5610"), catalog.part("ocp-orv3-hpr-power-shelf-33kw")
    rack = gb300_rack(catalog)
    # GB300 tray: 4 x ConnectX-8 800G XDR, busbar-fed, liquid [NV-ERA-GB300], 32 kg [DTL-ARS121], ~6.6 kW (S)
    assert [i.name for i in tray.interfaces if i.type == "infiniband-xdr"] == ["cx8-0", "cx8-1", "cx8-2", "cx8-3"]
    assert (tray.rackstudio.power.source, tray.rackstudio.power.max_w, tray.power_ports) == ("busbar", 6600, ())
    assert tray.rackstudio.cooling.method == "hybrid" and tray.weight_kg == 32
    # Q3400-RA [DTL-Q3400]: 4U, 144 x 800G over 72 twin-port OSFP cages, 8 x C20 at 875 W, 60 kg
    assert (q3400.u_height, q3400.weight_kg) == (4, 60)
    assert len([i for i in q3400.interfaces if i.type == "infiniband-xdr"]) == 144
    assert len({i.name.split("/")[0] for i in q3400.interfaces if i.type == "infiniband-xdr"}) == 72
    assert [(p.type, p.maximum_draw) for p in q3400.power_ports] == [("iec-60320-c20", 875)] * 8
    # SN5610 [RK-3287]: 2U, 64 x 800G + 2 x SFP28, 0.9 / 2.08 kW, 26.9 kg, 775 mm
    assert [i.type for i in sn5610.interfaces].count("800gbase-x-osfp") == 64
    assert (sn5610.rackstudio.power.typical_w, sn5610.rackstudio.power.max_w, sn5610.rackstudio.depth_mm) == (900, 2080, 775)
    # ORv3 HPR shelf [OCP-HPR]: 6 x 5.5 kW = 33 kW, 1 OU, 21-inch, 50 V [OCP-ORV3-PWR]
    assert (shelf.rackstudio.shelf.psu_count, shelf.rackstudio.shelf.psu_rating_w) == (6, 5500)
    assert (shelf.rackstudio.unit_system, shelf.rackstudio.width_class, shelf.rackstudio.shelf.output_v) == ("ou", "21in", 50)
    # GB300 NVL72 rack: up to 142 kW [NV-ERA-GB300]; 142 kW / 50 V = 2,840 A <= 3 x 1,400 A (U)
    assert rack.power_capacity_kw == 142 and rack.busbar.rating_a * rack.busbar.sections >= 142_000 / 50
    for part in (tray, q3400, sn5610, shelf):
        assert part.rackstudio.source and part.rackstudio.sources
        for figure, source in part.rackstudio.sources.items():
            assert "[" in source or "assumption (U)" in source or "(D)" in source, (part.slug, figure)


def test_example_rule_fires_on_a_small_design_and_follows_edits(site):
    site.example()
    manager = site.start()
    document = Document(small_design((3, 2)))
    engine = plugin_engine(manager, document.design)
    assert engine.registry.get(RULE).default_severity == Severity.ERROR
    (finding,) = engine.run_full()
    assert (finding.rule, finding.severity, finding.objects) == (RULE, Severity.ERROR, ("rk-1",))
    assert finding.figures == {"heat_air_w": 42900.0, "limit_w": 35000.0}  # 3 x 14.3 kW to air
    assert "42.9 kW of heat to air" in finding.message
    engine.follow(document)
    document.execute(RemoveDevice("dv-1-2"))  # 28.6 kW left: within the site standard
    assert engine.findings() == []


def test_example_rule_passes_a_liquid_cooled_gb300_rack(site):
    site.example()
    manager = site.start()
    catalog = manager.catalog()
    tray = catalog.part("nvidia-gb300-nvl72-compute-tray")
    design = builders.empty_design()
    AddRack(gb300_rack(catalog), "hall-1", 1200, 2400, rack_id="rk-1").apply(design)
    for k in range(18):
        PlaceDevice(tray, rack="rk-1", position=10 + k).apply(design)
    engine = plugin_engine(manager, design)
    assert engine.run_full() == []  # 18 x 6.6 kW = 118.8 kW, 15 % of it (17.8 kW) to air
    assert engine.rack_metrics("rk-1").heat_air_w == pytest.approx(18 * 6600 * 0.15)


def test_factory_power_and_heat_follow_the_configuration(site):
    site.example()
    manager = site.start()
    air = manager.make_part(FACTORY)  # 8 x B200 1,000 W + 2 x 350 W + 5,600 W = DGX B200's 14.3 kW
    power, cooling = air.rackstudio.power, air.rackstudio.cooling
    assert (power.max_w, str(power.psu_redundancy), power.psu_count, len(air.power_ports)) == (14300, "5+1", 6, 6)
    assert (air.u_height, cooling.method, cooling.liquid_fraction, cooling.airflow_cfm) == (10, "air", 0.0, 1548)
    assert air.origin == EXAMPLE and air.slug.startswith("rackstudio-ai-racks-hgx-8x-b200-air-5p1-")
    liquid = manager.make_part(FACTORY, gpu="mi355x", cooling="liquid", psu_redundancy="n+n")
    assert liquid.rackstudio.power.max_w == 8 * 1400 + 700 + 5600
    assert str(liquid.rackstudio.power.psu_redundancy) == "6+6"  # ceil(17,500 / 3,300) = 6, N+N
    assert liquid.rackstudio.cooling.liquid_fraction == pytest.approx(11900 / 17500, abs=1e-3)
    assert (liquid.u_height, liquid.rackstudio.cooling.method) == (4, "hybrid")
    assert liquid.slug != air.slug
    with pytest.raises(FactoryRefused, match="gpu_count must be 1 to 8"):
        manager.make_part(FACTORY, gpu_count=9)
    with pytest.raises(FactoryRefused, match="unexpected keyword argument 'colour'"):
        manager.make_part(FACTORY, colour="red")
    assert manager.make_part(FACTORY, gpu_count=4).rackstudio.power.max_w == 4000 + 700 + 5600  # still enabled
    assert manager.failures == []
    assert manager.factory_parameters(FACTORY)["gpu_count"] == 8
    design = small_design((0,))
    PlaceDevice(liquid, rack="rk-1", position=1).apply(design)
    assert design.part_types[liquid.slug].origin == EXAMPLE


# --- failures: every mode isolated, recorded, the host running -------------------------------------
def start_with_every_failure(site) -> PluginManager:
    """The example plugin, every broken fixture installed or dropped in, a 2 s call limit and a
    256 MiB memory limit."""
    site.example()
    for case in INSTALLED:
        site.install(case)
    for case in DROPINS:
        site.dropin(case)
    return site.start(rule_timeout_s=LIMIT_S, memory_mib=MEMORY_MIB)


def test_every_failure_mode_is_recorded_and_the_host_keeps_running(site, tmp_path):
    manager = start_with_every_failure(site)
    catalog = manager.catalog()
    document = Document(small_design((3, 2)))
    engine = plugin_engine(manager, document.design)
    findings = engine.run_full()
    with pytest.raises(ContributionFailed, match="factory bug"):
        manager.make_part("fixture-raising-factory.server")
    with pytest.raises(ContributionFailed, match="ran out of memory"):
        manager.make_part("fixture-memory-factory.server")
    for name, (stage, words) in FAILURES.items():
        failures = manager.plugin(name).failures if manager.plugin(name) else \
            [f for f in manager.failures if f.plugin == name]
        assert [f.stage for f in failures] == [stage], name
        for word in words:
            assert word in failures[0].reason, (name, failures[0].reason)
    # the working plugins keep working, in a worker restarted after each one it lost
    assert [f.objects for f in findings if f.rule == RULE] == [("rk-1",)]
    assert {e.source for e in catalog.entries} >= {"builtin", EXAMPLE, "good-dropin", "bad-yaml"}
    assert manager.make_part(FACTORY).rackstudio.power.max_w == 14300
    assert manager.worker.starts >= 4  # the hung, the regex, the exiting import, the memory hog
    failed_rules = {f.rule for f in findings if f.aspect == RULE_FAILED}
    assert failed_rules == FAILED_RULES
    assert sum(1 for f in findings if f.rule == "fixture-many-hits-rule.rule" and f.aspect != RULE_FAILED) == 1000
    # disabled until restart: a later run records nothing new and still runs the working rule
    recorded = len(manager.failures)
    document.execute(RemoveDevice("dv-2-1"))
    again = engine.run_full()
    assert len(manager.failures) == recorded
    assert [f.objects for f in again if f.rule == RULE] == [("rk-1",)]
    assert {f.rule for f in again if f.aspect == RULE_FAILED} == FAILED_RULES
    assert (tmp_path / "marker").read_text() == "fixture_raising_rule imported"  # never the drop-in's


@pytest.mark.parametrize("case", ["raising-rule", "hanging-rule", "garbage-rule", "import-error", "regex-rule",
                                  "exit-at-import", "reaching-rule"])
def test_a_failing_rule_is_one_rule_failed_finding_and_the_others_still_run(site, case):
    site.example()
    name = site.install(case)
    manager = site.start(rule_timeout_s=LIMIT_S, memory_mib=MEMORY_MIB)
    document = Document(small_design((3, 2)))
    engine = plugin_engine(manager, document.design)
    findings = engine.run_full()
    failed = [f for f in findings if f.aspect == RULE_FAILED]
    assert [f.rule for f in failed] == [f"{name}.rule"]
    assert failed[0].figures["failed_subjects"] == 2  # both racks, the second refused at once
    stage, words = FAILURES[name]
    assert all(word in failed[0].message for word in words) and stage.value in failed[0].message
    assert [f.rule for f in findings if f.aspect != RULE_FAILED] == [RULE]
    c = manager.contribution(f"{name}.rule")
    assert c.state == "failed" and manager.plugin(name).status == "active with problems"
    # the next check works: an edit re-runs the example rule in a (restarted) worker
    engine.follow(document)
    document.execute(RemoveDevice("dv-1-2"))
    assert [f.rule for f in engine.findings() if f.aspect != RULE_FAILED] == []
    document.undo()
    assert [f.objects for f in engine.findings() if f.rule == RULE] == [("rk-1",)]
    assert engine.findings() == engine.run_full()  # the batched calls' incremental results equal a full run
    assert [f.stage for f in manager.plugin(name).failures] == [stage]


@pytest.mark.parametrize(("returned", "why"), [
    ("'text'", "a str, not an iterable of Hits"),
    ("{'a': 1}", "a dict, not an iterable of Hits"),
    ("[1]", "a int instead of a Hit"),
    ("[Hit('')]", "a Hit without a message"),
    ("[Hit('m', objects='rk-1')]", "objects are not a list of ids"),
    ("[Hit('m', figures={'w': object()})]", "figures are not named numbers or text"),
    ("[Hit('m', severity='fatal')]", "unknown severity 'fatal'"),
])
def test_garbage_results_are_refused_with_the_reason(site, returned, why):
    name = site.rule_plugin("fixture_garbage_kinds", "from rackstudio.plugins.api import Hit\n\n"
                                                     f"def rule(context, subject):\n    return {returned}\n")
    manager = site.start()
    plugin_engine(manager, small_design((1,))).run_full()
    (failure,) = manager.plugin(name).failures
    assert failure.stage == Stage.RULE_GARBAGE and why in failure.reason


def test_dropins_run_no_code_and_add_parts(site, tmp_path):
    site.dropin("dropin-with-code")
    site.dropin("good-dropin")
    manager = site.start()
    catalog = manager.catalog()
    plugin_engine(manager, small_design()).run_full()
    good, code = manager.plugin("good-dropin"), [p for p in manager.plugins if p.name == "dropin-with-code"][0]
    assert (good.status, good.runs_code, good.source.kind) == ("active", False, "drop-in")
    assert catalog.by_slug("acme-rack-fan-tray-1u").source == "good-dropin"
    assert code.status == "failed" and not code.loaded
    assert [c for c in manager.rule_contributions() if manager.plugin(c.plugin).source.kind == "drop-in"] == []
    assert "dropin_with_code_rules" not in sys.modules
    assert not (tmp_path / "marker").exists()


def test_a_symlink_out_of_the_plugin_folder_is_refused(site, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(DATA / "good-dropin" / "device-types", outside / "device-types")
    plugin = site.dropins / "linked"
    plugin.mkdir()
    (plugin / "parts").symlink_to(outside, target_is_directory=True)
    (plugin / "rackstudio-plugin.toml").write_text(_toml({
        "name": "linked", "display_name": "Linked parts", "version": "1", "api": ["1"], "parts": [{"path": "parts"}]}))
    manager = site.start()
    (failure,) = manager.failures
    assert failure.stage == Stage.MANIFEST and "parts path 'parts' leaves the plugin folder" in failure.reason
    assert manager.catalog().by_slug("acme-rack-fan-tray-1u") is None


def test_malformed_yaml_in_a_plugin_is_reported_with_file_and_key(site):
    site.dropin("bad-yaml")
    manager = site.start()
    catalog = manager.catalog()
    plugin = manager.plugin("bad-yaml")
    (failure,) = plugin.failures
    assert failure.stage == Stage.CONTRIBUTE and failure.contribution == "bad-yaml"
    assert "device-types/Acme/Broken-Server.yaml at power-ports[0].maximum_draw, line 9" in failure.reason
    assert catalog.by_slug("acme-fine-server").source == "bad-yaml"  # the rest of the folder loads
    assert plugin.status == "active with problems" and plugin.contributions[0].failure is None
    manager.catalog()
    assert len(plugin.failures) == 1  # a rebuild does not record it twice


def test_missing_parts_folder_fails_that_contribution_only(site):
    folder = site.dropins / "empty-parts"
    folder.mkdir()
    (folder / "rackstudio-plugin.toml").write_text(_toml({
        "name": "empty-parts", "display_name": "Empty parts", "version": "1", "api": ["1"],
        "parts": [{"path": "nothing-here"}]}))
    manager = site.start()
    (failure,) = manager.failures
    assert failure.stage == Stage.CONTRIBUTE and "does not exist" in failure.reason
    assert manager.plugin("empty-parts").status == "active with problems"
    assert "empty-parts" not in {s.name for s in manager.library_sources()}


def test_a_disabled_plugin_contributes_nothing(site):
    site.example()
    site.dropin("good-dropin")
    manager = site.start(disabled=["good-dropin"])
    assert manager.plugin("good-dropin").status == "disabled" and manager.disabled == ["good-dropin"]
    assert manager.catalog().by_slug("acme-rack-fan-tray-1u") is None
    manager.set_enabled("good-dropin", True)
    manager.set_enabled(EXAMPLE, False)
    catalog = manager.catalog()
    assert catalog.by_slug("acme-rack-fan-tray-1u") is not None
    assert catalog.by_slug("nvidia-gb300-nvl72-compute-tray") is None
    assert plugin_engine(manager, small_design()).registry.get(RULE) is None
    with pytest.raises(KeyError):
        manager.make_part(FACTORY)


def test_plugin_context_is_plain_data_and_revoked_after_the_call():
    design = small_design((3,))
    engine = CheckEngine(design, ComponentGraph(design), RuleRegistry())
    engine.run_full()
    asked = []

    def fetch(kind, key):
        asked.append((kind, key))
        reply = snapshot.answer(engine.ctx, kind, key)
        if "missing" in reply:
            raise KeyError(key)
        return reply["data"]

    api = PluginContext(snapshot.views(engine.ctx, ["rk-1"]), fetch)
    assert api.rack("rk-1").rack_type == "generic-48u" and api.rack_ids() == ("rk-1",)
    assert api.rack_load("rk-1").heat_air_w == 42900.0 and api.kw(42900.0) == 42.9
    assert asked == []  # a rack subject's rack and load travel with the call
    assert [d.max_w for d in api.devices_in("rk-1")] == [14300.0] * 3
    assert asked[0] == ("devices_in", "rk-1")  # the rest is asked for by id
    with pytest.raises(KeyError):
        api.rack("rk-9")
    assert not hasattr(api, "_ctx") and not hasattr(api, "__dict__")  # plain data, nothing else
    api.revoke()
    with pytest.raises(RevokedContext):
        api.rack("rk-1")


def test_a_capped_rule_keeps_the_first_findings_and_says_so(site):
    site.example()
    name = site.install("many-hits-rule")
    manager = site.start(rule_timeout_s=5)
    document = Document(small_design((3, 2)))
    engine = plugin_engine(manager, document.design)
    findings = engine.run_full()
    mine = [f for f in findings if f.rule == f"{name}.rule"]
    capped = [f for f in mine if f.aspect == RULE_FAILED]
    assert len(mine) == 1000 + 1 and len(capped) == 1
    assert "more than 1,000 findings in one check" in capped[0].message
    assert capped[0].figures["failed_subjects"] == 2  # rk-1 cut at the cap, rk-2 not run
    (failure,) = manager.plugin(name).failures
    assert failure.stage == Stage.RULE_CAPPED and manager.contribution(f"{name}.rule").state == "loaded"
    assert [f.objects for f in findings if f.rule == RULE] == [("rk-1",)]
    engine.run_full()  # still enabled: capped again, recorded once
    assert len(manager.plugin(name).failures) == 1


def test_a_rule_cannot_reach_the_live_design_or_the_hosts_modules(site, tmp_path):
    """The rule empties every Design it can find, nulls every RackStudio function it can see and
    reaches for the context's private attribute: in its own process, so the host's design, its
    serialiser and the saved file are untouched."""
    from rackstudio.io import project_file

    before = {k: v for k, v in vars(project_file).items() if callable(v)}
    name = site.install("reaching-rule")
    site.example()
    manager = site.start(rule_timeout_s=5)
    document = Document(small_design((3, 2)))
    devices = set(document.design.devices)
    findings = plugin_engine(manager, document.design).run_full()
    (failure,) = manager.plugin(name).failures
    assert failure.stage == Stage.RULE_RAISED and "'PluginContext' object has no attribute '_ctx'" in failure.reason
    assert set(document.design.devices) == devices
    assert {k: v for k, v in vars(project_file).items() if callable(v)} == before
    project_file.save(document.design, tmp_path / "after.rackstudio")
    assert set(project_file.load(tmp_path / "after.rackstudio").design.devices) == devices
    assert [f.objects for f in findings if f.rule == RULE] == [("rk-1",)]  # a fresh worker ran it


def test_a_factory_over_the_memory_limit_fails_and_the_next_call_works(site):
    site.example()
    name = site.install("memory-factory")
    manager = site.start(memory_mib=MEMORY_MIB)
    with pytest.raises(ContributionFailed) as caught:
        manager.make_part(f"{name}.server")
    assert caught.value.failure.stage == Stage.CONTRIBUTE and "ran out of memory" in caught.value.failure.reason
    assert manager.make_part(FACTORY).rackstudio.power.max_w == 14300  # in a fresh worker
    assert manager.worker.starts == 2
    with pytest.raises(ContributionFailed):  # disabled until restart
        manager.make_part(f"{name}.server")


def test_plugin_code_that_exits_does_not_end_the_host(site):
    site.rule_plugin("fixture_exits", "import sys\n\ndef rule(context, subject):\n    sys.exit(3)\n")
    manager = site.start()
    plugin_engine(manager, small_design((1,))).run_full()
    assert "SystemExit: 3" in manager.failures[0].reason


def test_missing_attribute_fails_at_activate(site):
    shutil.copytree(DATA / "raising-rule" / "fixture_raising_rule", site.root / "fixture_raising_rule")
    text = (site.root / "fixture_raising_rule" / "rackstudio-plugin.toml").read_text()
    (site.root / "fixture_raising_rule" / "rackstudio-plugin.toml").write_text(text.replace("rules:rule", "rules:nope"))
    fake_dist(site.root, "fixture-raising-rule", "fixture_raising_rule")
    manager = site.start()
    plugin_engine(manager, small_design((1,))).run_full()
    (failure,) = manager.failures
    assert failure.stage == Stage.ACTIVATE and "has no attribute 'nope'" in failure.reason


# --- library drift -----------------------------------------------------------------------------------
def test_drift_lists_changed_parts_and_builds_one_undoable_update(site, tmp_path):
    site.example()
    manager = site.start()
    catalog = manager.catalog()
    document = Document(builders.empty_design())
    rack = gb300_rack(catalog)
    document.execute(AddRack(rack, "hall-1", 1200, 2400, rack_id="rk-1"))
    for k, slug in enumerate(["nvidia-gb300-nvl72-compute-tray", "nvidia-spectrum-4-sn5610"]):
        document.execute(PlaceDevice(catalog.part(slug), rack="rk-1", position=10 + 3 * k))
    document.execute(PlaceDevice(manager.make_part(FACTORY, cooling="liquid"), rack="rk-1", position=20))
    assert part_drift(document.design, catalog) == []
    # the vendor ships a newer tray: a user folder overriding it stands in for the plugin update
    newer = tmp_path / "newer" / "device-types" / "NVIDIA"
    newer.mkdir(parents=True)
    source = EXAMPLE_SRC / "rackstudio_ai_racks" / "device-types" / "NVIDIA" / "GB300-NVL72-Compute-Tray.yaml"
    (newer / "tray.yaml").write_text(source.read_text().replace("max_w: 6600", "max_w: 7000"))
    updated = manager.catalog(user_folders=[tmp_path / "newer"])
    (drift,) = part_drift(document.design, updated)
    assert (drift.slug, drift.status, drift.devices) == ("nvidia-gb300-nvl72-compute-tray", "changed", 1)
    assert drift.embedded.rackstudio.power.max_w == 6600 and drift.current.rackstudio.power.max_w == 7000
    assert "different definition" in drift.describe()
    missing = [d for d in part_drift(document.design, updated, include_missing=True) if d.status == "not-in-library"]
    assert [d.embedded.origin for d in missing] == [EXAMPLE]  # the factory part: kept as embedded
    command = update_parts(updatable_parts([drift]))
    assert command.text == "Update part GB300 NVL72 Compute Tray"
    document.execute(command)
    assert document.design.part_types[drift.slug].rackstudio.power.max_w == 7000
    assert part_drift(document.design, updated) == []
    document.undo()
    assert document.design.part_types[drift.slug].rackstudio.power.max_w == 6600
    assert update_parts(updatable_parts(missing)) is None


def test_listing_parts_imports_no_plugin_code(tmp_path):
    """What `rackstudio parts list` does (discover, build the catalog) in a fresh interpreter: the
    example plugin's parts are listed and no module of it is imported."""
    fake_dist(tmp_path, EXAMPLE, "rackstudio_ai_racks")
    code = ("import sys; from rackstudio.plugins import PluginManager\n"
            "m = PluginManager.start(); c = m.catalog()\n"
            "assert c.by_slug('nvidia-gb300-nvl72-compute-tray').source == 'rackstudio-ai-racks'\n"
            "assert not [k for k in sys.modules if k.startswith('rackstudio_ai_racks')]\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp_path), str(EXAMPLE_SRC)]))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
