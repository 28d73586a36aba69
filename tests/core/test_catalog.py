"""The merged parts catalog: precedence, search, filters, the index cache, problems per file."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rackstudio.library import Catalog, LibrarySource, SourceKind
from rackstudio.library.catalog import default_catalog
from rackstudio.library.index import INDEX_FORMAT, LINK_LEAVES, LibraryIndex, index_cache_path
from tests.conftest import NETBOX_DATA, require_data


def device(maker: str, model: str, slug: str, u: float = 1, **extra: str) -> str:
    lines = [f"manufacturer: {maker}", f"model: {model}", f"slug: {slug}", f"u_height: {u}",
             "is_full_depth: true", *(f"{k}: {v}" for k, v in extra.items())]
    return "\n".join(lines) + "\n"


def library(root: Path, files: dict[str, str]) -> Path:
    """A folder in the NetBox layout: `files` maps 'device-types/Maker/x.yaml' to its text."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def three_sources(tmp_path):
    builtin = library(tmp_path / "builtin", {
        "device-types/Acme/x1.yaml": device("Acme", "X1", "acme-x1", 1, part_number="AX-1"),
        "device-types/Acme/s64.yaml": device("Acme", "S64", "acme-s64", 2, comments="64-port switch"),
        "rack-types/Acme/r48.yaml": "manufacturer: Acme\nmodel: R48\nslug: acme-r48\n"
                                    "form_factor: 4-post-cabinet\nwidth: 19\nu_height: 48\nstarting_unit: 1\n",
    })
    plugin = library(tmp_path / "plugin", {
        "device-types/Acme/x1.yaml": device("Acme", "X1", "acme-x1", 2),
        "device-types/Zeta/pdu.yaml": device("Zeta", "PDU-9", "zeta-pdu-9", 0) +
        "power-outlets:\n  - name: O1\n    type: iec-60320-c13\n",
    })
    user = library(tmp_path / "user", {"device-types/ACME/x1.yml": device("ACME", "x1", "acme-x1-mine", 4)})
    return [LibrarySource("builtin", builtin, SourceKind.BUILTIN),
            LibrarySource("vendor-plugin", plugin, SourceKind.PLUGIN),
            LibrarySource("my-parts", user, SourceKind.USER)]


def test_user_beats_plugin_beats_builtin(three_sources):
    catalog = Catalog(three_sources)
    entry = catalog.find("acme", "X1")
    assert (entry.source, entry.source_kind, entry.u_height) == ("my-parts", SourceKind.USER, 4)
    assert catalog.part(entry).u_height == 4 and catalog.part(entry).origin == "my-parts"
    (conflict,) = catalog.conflicts
    assert conflict.winner is entry
    assert [e.source for e in conflict.shadowed] == ["vendor-plugin", "builtin"]
    assert conflict.message.startswith("ACME x1: my-parts (")
    assert "overrides vendor-plugin (" in conflict.message
    assert [e.model for e in catalog.shadowed()] == ["X1", "X1"]
    # the listing holds each part once
    assert [e.title for e in catalog.search()] == ["Acme S64", "ACME x1", "Zeta PDU-9"]


def test_the_order_of_sources_does_not_change_precedence(three_sources):
    assert Catalog(list(reversed(three_sources))).find("Acme", "X1").source == "my-parts"


def test_same_kind_first_listed_source_wins(tmp_path):
    a = library(tmp_path / "a", {"device-types/Acme/x1.yaml": device("Acme", "X1", "acme-x1", 1)})
    b = library(tmp_path / "b", {"device-types/Acme/x1.yaml": device("Acme", "X1", "acme-x1", 3)})
    catalog = Catalog([LibrarySource("a", a), LibrarySource("b", b)])
    assert catalog.find("Acme", "X1").source == "a"
    assert [e.source for e in catalog.conflicts[0].shadowed] == ["b"]
    with pytest.raises(ValueError, match="unique"):
        Catalog([LibrarySource("a", a), LibrarySource("a", b)])


def test_search_and_filters(three_sources):
    catalog = Catalog(three_sources)
    titles = lambda entries: [e.title for e in entries]  # noqa: E731
    assert titles(catalog.search("ax-1")) == []  # the winning ACME x1 has no part number
    assert titles(catalog.search("s64 SWITCH")) == ["Acme S64"]  # category guessed from its comments
    assert titles(catalog.search("64-port")) == []  # comments themselves are not searched
    assert titles(catalog.search("acme-s64")) == ["Acme S64"]  # slug
    assert titles(catalog.search("PDU")) == ["Zeta PDU-9"]  # model and category
    assert titles(catalog.search("", category="pdu")) == ["Zeta PDU-9"]
    assert titles(catalog.search("", manufacturer="acme")) == ["Acme S64", "ACME x1"]
    assert titles(catalog.search("x1 mine")) == ["ACME x1"]  # every word must match
    assert titles(catalog.search(kind="rack-type")) == ["Acme R48"]
    assert catalog.manufacturers() == ["Acme", "Zeta"]
    assert catalog.categories() == ["other", "pdu", "switch"]  # a part with no components is "other"
    assert catalog.by_slug("zeta-pdu-9").model == "PDU-9"
    assert catalog.part("zeta-pdu-9").power_outlets[0].name == "O1"
    assert catalog.part("nope") is None
    rack = catalog.rack_type(catalog.search(kind="rack-type")[0])
    assert rack.u_height == 48 and rack.origin == "builtin"


def test_a_broken_file_is_reported_and_the_rest_load(tmp_path):
    root = library(tmp_path / "lib", {
        "device-types/Acme/good.yaml": device("Acme", "Good", "acme-good"),
        "device-types/Acme/bad.yaml": device("Acme", "Bad", "acme-bad") + "interfaces: [eth0\n",
        "device-types/Acme/tall.yaml": device("Acme", "Tall", "acme-tall", "tall"),
        "device-types/Acme/bomb.yaml": "a: &a [x]\nb: [*a, *a]\n",
        "device-types/Acme/notes.txt": "not a part file",
    })
    catalog = Catalog([LibrarySource("lib", root)])
    assert [e.model for e in catalog.entries] == ["Good"]
    problems = {Path(p.problem.path).name: p for p in catalog.problems}
    assert sorted(problems) == ["bad.yaml", "bomb.yaml", "tall.yaml"]
    assert problems["bad.yaml"].problem.line == 7
    assert problems["tall.yaml"].problem.where == "u_height"
    assert str(problems["bomb.yaml"]).startswith("[lib] ")


def test_a_folder_that_is_not_a_library_is_reported(tmp_path):
    flat = library(tmp_path / "flat", {"x1.yaml": device("Acme", "X1", "acme-x1")})
    catalog = Catalog([LibrarySource("flat", flat), LibrarySource("gone", tmp_path / "gone")])
    assert len(catalog) == 0
    assert [(p.source, p.problem.reason) for p in catalog.problems] == [
        ("flat", "no device-types/, module-types/ or rack-types/ folder (the NetBox library layout is "
                 "expected)"),
        ("gone", "library folder not found")]


def test_index_cache_is_reused_and_follows_changes(tmp_path):
    root = library(tmp_path / "lib", {
        "device-types/Acme/a.yaml": device("Acme", "A", "acme-a"),
        "device-types/Acme/b.yaml": device("Acme", "B", "acme-b"),
    })
    cache = tmp_path / "cache"
    first = LibraryIndex.build(root, cache)
    assert (first.parsed, first.reused) == (2, 0)
    cache_file = index_cache_path(root, cache)
    data = json.loads(cache_file.read_text())  # plain JSON, no pickle
    assert [f["path"] for f in data["files"]] == ["device-types/Acme/a.yaml", "device-types/Acme/b.yaml"]
    again = LibraryIndex.build(root, cache)
    assert (again.parsed, again.reused) == (0, 2)
    assert [f.summary for f in again.files] == [f.summary for f in first.files]

    path_b = root / "device-types/Acme/b.yaml"
    path_b.write_text(device("Acme", "B", "acme-b", 2))
    os.utime(path_b, ns=(path_b.stat().st_atime_ns, path_b.stat().st_mtime_ns + 10**9))
    (root / "device-types/Acme/a.yaml").unlink()
    changed = LibraryIndex.build(root, cache)
    assert (changed.parsed, changed.reused) == (1, 0)
    assert [f.summary["u_height"] for f in changed.files] == [2]

    cache_file.write_text("{not json")
    assert LibraryIndex.build(root, cache).parsed == 1  # a damaged cache is rebuilt, not trusted


def test_catalog_uses_the_cache(three_sources, tmp_path):
    Catalog(three_sources, cache_dir=tmp_path / "cache")
    warm = Catalog(three_sources, cache_dir=tmp_path / "cache")
    assert all(index.parsed == 0 for index in warm.indexes.values())
    assert len(warm) == 4


def test_an_entry_is_parsed_when_opened_and_again_when_changed(tmp_path):
    root = library(tmp_path / "lib", {"device-types/Acme/a.yaml": device("Acme", "A", "acme-a")})
    catalog = Catalog([LibrarySource("lib", root)])
    entry = catalog.find("Acme", "A")
    assert catalog.part(entry) is catalog.part(entry)  # kept while the file is unchanged
    entry.path.write_text(device("Acme", "A", "acme-a", "oops"))
    os.utime(entry.path, ns=(entry.path.stat().st_atime_ns, entry.path.stat().st_mtime_ns + 10**9))
    result = catalog.load(entry)
    assert result.part is None and result.error.where == "u_height"
    entry.path.unlink()
    assert catalog.load(entry).error.reason.startswith("cannot read")


def test_default_catalog_holds_the_builtin_parts(tmp_path):
    catalog = default_catalog(user_folders=[library(tmp_path / "mine", {
        "device-types/NVIDIA/tray.yaml": device("NVIDIA", "GB200 NVL72 Compute Tray", "my-tray", 2)})])
    assert not catalog.problems
    tray = catalog.find("NVIDIA", "GB200 NVL72 Compute Tray")
    assert tray.source_kind == SourceKind.USER and tray.u_height == 2
    assert [e.source for e in catalog.conflicts[0].shadowed] == ["builtin"]


def test_the_netbox_library_sample(tmp_path):
    """Every file indexes; the library's own schema is found and used for choice values."""
    require_data(NETBOX_DATA)
    catalog = Catalog([LibrarySource("netbox", NETBOX_DATA)], cache_dir=tmp_path)
    assert catalog.problems == ()
    assert len(catalog.search()) == 97 and len(catalog.search(kind="module-type")) == 5
    assert catalog.indexes["netbox"].vocabulary.source.endswith("generated_schema.json")
    vp7 = catalog.find("Vertiv", "VP7N32A0")
    assert vp7 is not None and vp7.category == "pdu"
    assert "unknown power outlet type 'eaton-c39'" in vp7.flags[0].message
    assert [e.model for e in catalog.search("mellanox sn")] == ["SN2201", "SN2700", "SN3700", "SN4600C",
                                                                 "SN4700"]
    assert len(catalog.search("", manufacturer="Supermicro", category="server")) == 12
    warm = Catalog([LibrarySource("netbox", NETBOX_DATA)], cache_dir=tmp_path)
    assert warm.indexes["netbox"].reused == 102 and warm.entries == catalog.entries


def test_entries_carry_power_and_weight_so_listing_parses_no_part(tmp_path):
    root = library(tmp_path / "lib", {
        "device-types/Acme/figures.yaml": device("Acme", "Figures", "acme-figures", weight="12.5", weight_unit="kg")
        + "rackstudio:\n  category: server\n  power:\n    max_w: 1800\n    allocated_w: 1500\n",
        "device-types/Acme/ports.yaml": device("Acme", "Ports", "acme-ports")
        + "power-ports:\n  - name: PSU1\n    maximum_draw: 700\n  - name: PSU2\n    maximum_draw: 700\n",
        "device-types/Acme/bare.yaml": device("Acme", "Bare", "acme-bare"),
        "module-types/Acme/psu.yaml": "manufacturer: Acme\nmodel: PSU-M\nweight: 2\nweight_unit: kg\n"
                                      "power-ports:\n  - name: IN\n    allocated_draw: 250\n",
        "rack-types/Acme/r48.yaml": "manufacturer: Acme\nmodel: R48\nslug: acme-r48\nform_factor: 4-post-cabinet\n"
                                    "width: 19\nu_height: 48\nstarting_unit: 1\nweight: 150\nweight_unit: kg\n",
    })
    catalog = Catalog([LibrarySource("lib", root)], cache_dir=tmp_path / "cache")
    figures = {e.model: (e.max_power_w, e.weight_kg) for e in catalog.entries}
    # Ports: two 700 W PSUs with no allocated_draw draw at most what one of them (1+1) carries
    assert figures == {"Figures": (1800, 12.5), "Ports": (700, None), "Bare": (None, None),
                       "PSU-M": (250, 2), "R48": (None, 150)}
    assert not catalog._loaded  # from the index alone
    warm = Catalog([LibrarySource("lib", root)], cache_dir=tmp_path / "cache")
    assert warm.indexes["lib"].reused == 5 and warm.entries == catalog.entries


def test_an_index_cache_of_an_older_format_is_rebuilt(tmp_path):
    root = library(tmp_path / "lib", {"device-types/Acme/a.yaml": device("Acme", "A", "acme-a")})
    cache = tmp_path / "cache"
    LibraryIndex.build(root, cache)
    cache_file = index_cache_path(root, cache)
    data = json.loads(cache_file.read_text())
    data["header"]["format"] = INDEX_FORMAT - 1
    for f in data["files"]:
        del f["summary"]["max_power_w"], f["summary"]["weight_kg"]
    cache_file.write_text(json.dumps(data))
    rebuilt = LibraryIndex.build(root, cache)
    assert (rebuilt.parsed, rebuilt.reused) == (1, 0) and "max_power_w" in rebuilt.files[0].summary


def test_links_inside_a_library_are_followed_and_links_out_of_it_are_problems(tmp_path):
    root = library(tmp_path / "lib", {"device-types/Acme/a.yaml": device("Acme", "A", "acme-a")})
    outside = library(tmp_path / "outside", {"Evil/b.yaml": device("Evil", "B", "evil-b"),
                                             "c.yaml": device("Evil", "C", "evil-c")})
    (root / "device-types/Acme/alias.yaml").symlink_to(root / "device-types/Acme/a.yaml")
    (root / "device-types/Acme/c.yaml").symlink_to(outside / "c.yaml")
    (root / "device-types/Evil").symlink_to(outside / "Evil", target_is_directory=True)
    (root / "rack-types").symlink_to(outside, target_is_directory=True)
    catalog = Catalog([LibrarySource("lib", root)], cache_dir=tmp_path / "cache")
    assert [e.path.name for e in catalog.entries] == ["a.yaml"]  # alias.yaml: the same part, a conflict
    assert [c.shadowed[0].path.name for c in catalog.conflicts] == ["alias.yaml"]
    assert sorted((Path(p.problem.path).relative_to(root).as_posix(), p.problem.reason) for p in catalog.problems) == [
        ("device-types/Acme/c.yaml", LINK_LEAVES), ("device-types/Evil", LINK_LEAVES), ("rack-types", LINK_LEAVES)]
    assert LINK_LEAVES == "link leaves the library folder"
