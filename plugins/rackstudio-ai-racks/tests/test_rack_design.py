"""The plugin's GB300 NVL72 rack design: offered through its manifest (plugin API 2) without
importing plugin code, rebuilt from its parts byte for byte, compared with the GB200 NVL72 design
of RackStudio's example pod, and swapped in for a row of it: the checks after the swap are what
its preview said, and the row keeps its feeds and CDU hoses."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
import rackstudio_ai_racks

from rackstudio.checks import CheckEngine
from rackstudio.commands.rack_designs import SwapGeneration
from rackstudio.document import Document
from rackstudio.generate import example_pod
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps
from rackstudio.model.rack_designs import drift, instances
from rackstudio.plugins import PluginManager, read_manifest
from rackstudio.reports.rack_design_compare import compare
from rackstudio.reports.rack_design_impact import preview

PACKAGE = Path(rackstudio_ai_racks.__file__).parent
TOOLS = Path(__file__).resolve().parents[1] / "tools" / "build_rack_designs.py"
NAME = "rackstudio-ai-racks"
SLUG = "nvidia-gb300-nvl72"


def _builder():
    spec = importlib.util.spec_from_file_location("build_rack_designs", TOOLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shared():
    manager = PluginManager()
    plugin = manager.register(read_manifest(PACKAGE / "rackstudio-plugin.toml"), PACKAGE)
    assert plugin.status == "active" and not plugin.failures
    shelf = manager.rack_design_shelf()
    [item] = [s for s in shelf.items() if s.origin == NAME]
    assert item.problem is None and item.rack_design.slug == SLUG
    assert [c.entries for c in plugin.contributions if c.kind == "rack-designs"] == [1]
    return item


def test_the_manifest_offers_it_under_api_2():
    manifest = read_manifest(PACKAGE / "rackstudio-plugin.toml")
    assert set(manifest.api) == {"1", "2"} and [r.path for r in manifest.rack_designs] == ["rack-designs"]


def test_the_shipped_file_is_what_its_parts_build(shared):
    """Rebuilt from the plugin's rack type and tray and the shared NVL72 parts, byte for byte: a
    part changed without rebuilding the design fails here."""
    module = _builder()
    built = dumps(module.build())
    # the file in this source tree, and the one RackStudio reads from the installed package
    assert built == module.OUT.read_text(encoding="utf-8") == shared.path.read_text(encoding="utf-8")
    parts, rack_type = module.catalog_parts()
    assert shared.source.rack_types == {rack_type.slug: rack_type}
    assert shared.source.part_types == parts


def test_its_contents_are_an_nvl72(shared):
    rd, source = shared.rack_design, shared.source
    count = Counter(d.part for d in rd.devices.values())
    assert count["nvidia-gb300-nvl72-compute-tray"] == 18 and count["nvidia-gb200-nvl72-nvlink-switch-tray"] == 9
    assert count["nvidia-gb200-nvl72-power-shelf-33kw"] == 8 and count["nvidia-gb200-nvl72-coolant-manifold"] == 1
    kinds = Counter(c.kind for c in rd.connections.values())
    assert kinds == {"coolant": 27, "network": 45}  # every tray on the manifold; 18 x 2 + 9 BMCs out of band
    assert rd.rack_type == "nvidia-gb300-nvl72-rack" and source.rack_types[rd.rack_type].u_height == 48


@pytest.fixture()
def pod_with_gb300(shared):
    doc = Document(example_pod())
    doc.attach_check_engine()
    doc.execute(shared.command())
    gb200 = next(rd.slug for rd in doc.design.rack_designs.values() if rd.rack_type == "nvidia-gb200-nvl72-rack")
    return doc, gb200


def test_compared_with_the_gb200_design(pod_with_gb300):
    doc, gb200 = pod_with_gb300
    design = doc.design
    rows, bom = compare(design, gb200, SLUG)
    by = {r.figure: r for r in rows}
    tray200 = design.part_types["nvidia-gb200-nvl72-compute-tray"].rackstudio.power.max_w
    tray300 = design.part_types["nvidia-gb300-nvl72-compute-tray"].rackstudio.power.max_w
    assert by["Maximum power kW"].delta == pytest.approx(18 * (tray300 - tray200) / 1000, abs=0.01)
    assert by["Maximum power kW"].b <= 142  # "up to 142 kW" [NV-ERA-GB300]
    bom_rows = {r.figure: (r.a, r.b) for r in bom}
    assert bom_rows["NVIDIA GB300 NVL72 Compute Tray"] == (0, 18)
    assert bom_rows["NVIDIA GB200 NVL72 Compute Tray"] == (18, 0)


def test_swap_a_row_to_it_checks_as_previewed(pod_with_gb300):
    doc, gb200 = pod_with_gb300
    design = doc.design
    row = instances(design, gb200)
    before = dumps(design)
    shelves = [d for r in row for d in design.contents(r) if design.devices[d].part.endswith("power-shelf-33kw")]
    fed = {c for d in shelves for c in design.connections_of(d)}
    findings = {(f.key, f.message) for f in doc.check_engine.findings()}
    swap = SwapGeneration(row, SLUG)
    impact = preview(doc.check_engine, swap)
    doc.execute(swap)
    assert all(design.racks[r].rack_design == SLUG and drift(design, r) == [] for r in row)
    after = {(f.key, f.message) for f in doc.check_engine.findings()}
    assert after - findings == {(f.key, f.message) for f in impact.added}
    assert findings - after == {(f.key, f.message) for f in impact.cleared}
    fresh = CheckEngine(design, ComponentGraph(design))
    assert {(f.key, f.message) for f in fresh.run_full()} == after
    # the feeds' whips stay on the shelves in the same units, the CDU's hoses on the manifold
    shelves = [d for r in row for d in design.contents(r) if design.devices[d].part.endswith("power-shelf-33kw")]
    assert {c for d in shelves for c in design.connections_of(d)} >= fed and len(fed) == len(row) * 16
    assert not [f for f in impact.added if f.rule.startswith(("PWR", "COOL-003"))]
    # what is lost is the NDR compute fabric (the XDR trays have other ports), listed before
    assert swap.conflicts and all("cx7-" in c.why for c in swap.conflicts)
    doc.undo()
    assert dumps(design) == before
