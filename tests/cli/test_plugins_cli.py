"""`rackstudio plugins list|validate`: what was found and why anything failed; one plugin checked
without running its code unless `--imports` asks (and says so)."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from rackstudio.cli import main
from tests.core.test_plugins import DATA, EXAMPLE, EXAMPLE_SRC, fake_site

PROJECT = EXAMPLE_SRC.parent


@pytest.fixture(name="site")
def _site(tmp_path, monkeypatch):
    yield from fake_site(tmp_path, monkeypatch)


def test_list_names_each_plugin_its_state_and_failures(site, capsys, tmp_path):
    site.example()
    site.install("raising-rule")
    site.dropin("bad-manifest")
    site.dropin("good-dropin")
    assert main(["plugins", "list"]) == 0
    out = capsys.readouterr().out
    assert "builtin 0.1.0 - RackStudio built-in parts [active, data only]" in out
    assert f"{EXAMPLE} 1.0.0 - AI rack parts [active, runs code]" in out
    assert "rule rackstudio-ai-racks.no-air-above-35kw: Site standard: no air-cooled rack above 35 kW (not loaded yet)" in out
    assert f"parts {EXAMPLE}: parts library . (data, 5 part(s))" in out
    assert "good-dropin 1.0.0 - Good drop-in parts [active, data only]" in out
    assert "bad-manifest [failed, data only]" in out
    assert "failed at manifest: " in out and "api: Field required" in out
    assert out.splitlines()[-1] == "5 plugin(s), 4 active, 1 failure(s)"
    assert not (tmp_path / "marker").exists()  # listing imported no plugin code


def test_list_json(site, capsys):
    site.example()
    site.dropin("newer-api")
    assert main(["plugins", "list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    example = next(p for p in data["plugins"] if p["name"] == EXAMPLE)
    assert (example["runs_code"], example["source_kind"], example["status"]) == (True, "entry-point", "active")
    assert [c["kind"] for c in example["contributions"]] == ["parts", "rack-designs", "part-factory", "rule"]
    assert example["contributions"][1]["entries"] == 1 and example["api"] == ["1", "2"]
    (failure,) = data["failures"]
    assert (failure["plugin"], failure["stage"]) == ("newer-api", "incompatible")


def test_validate_runs_no_code_unless_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RACKSTUDIO_FIXTURE_MARKER", str(tmp_path / "marker"))
    package = shutil.copytree(DATA / "raising-rule" / "fixture_raising_rule", tmp_path / "fixture_raising_rule")
    assert main(["plugins", "validate", str(package)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1].endswith("rackstudio-plugin.toml: valid")
    assert "--imports" not in captured.err and not (tmp_path / "marker").exists()
    try:
        assert main(["plugins", "validate", str(package), "--imports"]) == 0
        captured = capsys.readouterr()
        assert "--imports: importing the plugin's code (this runs it)" in captured.err
        assert "(loaded)" in captured.out and (tmp_path / "marker").exists()
    finally:
        for name in [m for m in sys.modules if m.startswith("fixture_raising_rule")]:
            del sys.modules[name]


def test_validate_the_example_project(capsys):
    assert main(["plugins", "validate", str(PROJECT)]) == 0
    out = capsys.readouterr().out
    assert "note: it declares code, so it must be installed as a Python package" in out
    assert "rack-designs rackstudio-ai-racks/rack-designs: rack designs rack-designs (data, 1 rack design(s))" in out
    assert out.splitlines()[-1].endswith("valid")
    assert main(["plugins", "validate", str(PROJECT), "--dropin"]) == 1
    assert "a drop-in folder is data only" in capsys.readouterr().out


def test_validate_reports_problems(capsys, tmp_path):
    assert main(["plugins", "validate", str(DATA / "bad-manifest")]) == 1
    assert "api: Field required" in capsys.readouterr().out
    assert main(["plugins", "validate", str(DATA / "newer-api"), "--dropin"]) == 1
    assert "failed at incompatible: targets plugin API 99" in capsys.readouterr().out
    assert main(["plugins", "validate", str(DATA / "bad-yaml"), "--dropin", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert not data["valid"]
    assert any("Broken-Server.yaml at power-ports[0].maximum_draw, line 9" in p for p in data["problems"])
    package = shutil.copytree(DATA / "import-error" / "fixture_import_error", tmp_path / "fixture_import_error")
    assert main(["plugins", "validate", str(package), "--imports"]) == 1
    assert ("failed at import (fixture-import-error.rule): importing fixture_import_error.rules: "
            "ModuleNotFoundError") in capsys.readouterr().out


def test_validate_imports_in_a_child_process_and_reports_its_exit(tmp_path, capsys):
    """A module that calls os._exit(3) when imported: the import runs in the plugin worker, so the
    command survives it and reports the failure."""
    package = shutil.copytree(DATA / "exit-at-import" / "fixture_exit_at_import", tmp_path / "fixture_exit_at_import")
    assert main(["plugins", "validate", str(package), "--imports"]) == 1
    out = capsys.readouterr().out
    assert ("failed at import (fixture-exit-at-import.rule): the plugin process ended "
            "(importing fixture_exit_at_import.rules): it exited with code 3") in out
    assert "fixture_exit_at_import" not in sys.modules


def test_validate_runs_the_rules_on_a_design(tmp_path, capsys):
    from rackstudio.io import project_file
    from tests.core.test_plugins import RULE, small_design

    design = tmp_path / "pod.rackstudio"
    project_file.save(small_design((3, 2)), design)
    assert main(["plugins", "validate", str(PROJECT), "--check", str(design)]) == 0
    out = capsys.readouterr().out
    assert f"checked pod.rackstudio: rule {RULE} ran on 2 subject(s): 1 finding(s)" in out
    assert "error: Rack " in out and "42.9 kW of heat to air" in out
    assert main(["plugins", "validate", str(PROJECT), "--check", str(tmp_path / "missing.rackstudio")]) == 1
    assert "problem: " in capsys.readouterr().out


def test_validate_checks_the_project_entry_point(tmp_path, capsys):
    project = tmp_path / "acme"
    shutil.copytree(DATA / "good-dropin", project / "src" / "acme_parts")
    manifest = project / "src" / "acme_parts" / "rackstudio-plugin.toml"
    manifest.write_text(manifest.read_text().replace('name = "good-dropin"', 'name = "acme-parts"'))
    (project / "pyproject.toml").write_text('[project]\nname = "acme-other"\n')
    assert main(["plugins", "validate", str(project)]) == 1
    out = capsys.readouterr().out
    assert "name 'acme-parts' must equal the distribution name 'acme-other'" in out
    assert 'no [project.entry-points."rackstudio.plugins"] entry' in out
    (project / "pyproject.toml").write_text('[project]\nname = "acme-parts"\n[project.entry-points."rackstudio.plugins"]\n'
                                            'acme-parts = "acme_parts"\n')
    assert main(["plugins", "validate", str(project)]) == 0


def test_validate_exit_codes(tmp_path, capsys):
    assert main(["plugins", "validate", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["plugins", "validate", str(tmp_path)]) == 2
    assert main(["plugins", "validate", str(DATA)]) == 2
    assert "several manifests" in capsys.readouterr().err
    assert main(["plugins", "validate", str(PROJECT / "pyproject.toml")]) == 2
    assert main(["plugins"]) == 64
