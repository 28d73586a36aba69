"""The Plugins dialog (each plugin, its source, contributions, enabled state, code or data, and
failure reasons, live), plugin parts in the palette, and the part editor (validation as you
type, heat and airflow, saving NetBox YAML to the user's parts folder)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from rackstudio import paths  # noqa: E402
from rackstudio.library import Catalog, LibrarySource, load_device_type  # noqa: E402
from rackstudio.plugins import ContributionFailed, Stage  # noqa: E402
from rackstudio.ui.dialogs.part_editor import PartEditorDialog, open_part_editor_dialog, part_file  # noqa: E402
from rackstudio.ui.dialogs.plugins import PluginsDialog, load_disabled_plugins, open_plugins_dialog  # noqa: E402
from rackstudio.ui.library_source import CatalogLibrary  # noqa: E402
from rackstudio.ui.palette import PartsPaletteModel  # noqa: E402
from tests.core.test_plugins import EXAMPLE, fake_site, plugin_engine, small_design  # noqa: E402


@pytest.fixture(name="site")
def _site(tmp_path, monkeypatch):
    yield from fake_site(tmp_path, monkeypatch)


def _children(item) -> list[list[str]]:
    return [[item.child(i).text(c) for c in range(5)] for i in range(item.childCount())]


def _row(item) -> list[str]:
    return [item.text(c) for c in range(5)]


# --- the Plugins dialog ------------------------------------------------------------------------------
def test_plugins_dialog_shows_sources_contributions_code_and_failures(qtbot, site):
    site.example()
    site.install("raising-rule")
    site.dropin("bad-manifest")
    site.dropin("good-dropin")
    manager = site.start()
    manager.catalog()
    dialog = PluginsDialog(manager)
    qtbot.addWidget(dialog)
    items = dialog.plugin_items()
    assert _row(items["builtin"]) == ["RackStudio built-in parts", "0.1.0", "built-in", "active", "data only"]
    assert not items["builtin"].flags() & Qt.ItemFlag.ItemIsUserCheckable  # cannot be disabled
    assert _row(items[EXAMPLE]) == ["AI rack parts", "1.0.0", "installed", "active", "runs code"]
    assert items[EXAMPLE].checkState(0) == Qt.CheckState.Checked
    assert _children(items[EXAMPLE]) == [
        ["Parts: parts library .", "", EXAMPLE, "data", "data"],
        ["Rack designs: rack designs rack-designs", "", f"{EXAMPLE}/rack-designs", "data", "data"],
        ["Part factory: HGX 8-GPU server (configurable)", "", "rackstudio-ai-racks.hgx_server", "not loaded yet", "code"],
        ["Rule: Site standard: no air-cooled rack above 35 kW", "", "rackstudio-ai-racks.no-air-above-35kw",
         "not loaded yet", "code"]]
    assert _row(items["good-dropin"])[2:] == ["drop-in folder", "active", "data only"]
    bad = items["bad-manifest"]
    assert _row(bad)[2:4] == ["drop-in folder", "failed"]
    (failure,) = _children(bad)
    assert failure[0].startswith("Failed at manifest: ") and "api: Field required" in failure[0]
    assert bad.child(0).isFirstColumnSpanned()
    dialog.tree.setCurrentItem(bad.child(0))
    assert "bad-manifest: manifest:" in dialog.details.toPlainText()
    dialog.tree.setCurrentItem(items[EXAMPLE])
    text = dialog.details.toPlainText()
    assert "Runs code: yes" in text and "Source: entry point rackstudio-ai-racks" in text


def test_a_failure_recorded_while_the_dialog_is_open_appears(qtbot, site):
    site.install("raising-rule")
    manager = site.start()
    dialog = PluginsDialog(manager)
    qtbot.addWidget(dialog)
    plugin_engine(manager, small_design((1,))).run_full()  # the rule raises: recorded, disabled
    item = dialog.plugin_items()["fixture-raising-rule"]
    assert item.text(3) == "active with problems"
    rows = _children(item)
    assert rows[0][3] == "failed"
    assert rows[1][0].startswith(f"Failed at {Stage.RULE_RAISED.value} (fixture-raising-rule.rule): ZeroDivisionError: rule bug")
    dialog.close()
    manager.failed.emit(manager.failures[0])  # the closed dialog no longer listens


def test_disabling_a_plugin_is_saved_and_announced(qtbot, site):
    site.dropin("good-dropin")
    manager = site.start()
    dialog = open_plugins_dialog(None, manager)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    item = dialog.plugin_items()["good-dropin"]
    with qtbot.waitSignal(dialog.enabled_changed) as signal:
        item.setCheckState(0, Qt.CheckState.Unchecked)
    assert signal.args == ["good-dropin", False]
    assert item.text(3) == "disabled" and not manager.plugin("good-dropin").enabled
    assert load_disabled_plugins() == ["good-dropin"]
    assert manager.catalog().by_slug("acme-rack-fan-tray-1u") is None


# --- plugin parts in the palette -----------------------------------------------------------------------
def test_plugin_parts_reach_the_palette_with_their_source(qtbot, site):
    site.example()
    library = CatalogLibrary(site.start().catalog())
    model = PartsPaletteModel(library)
    model.set_entries(library.entries())
    rows = {e.key: i for i, e in enumerate(model.entries)}
    row = rows["nvidia-gb300-nvl72-compute-tray"]
    assert model.entries[row].source == EXAMPLE
    assert "from the rackstudio-ai-racks" in model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(row, 2)) == "6.6 kW"
    assert model.entries[rows["nvidia-gb300-nvl72-rack"]].kind == "rack-type"
    assert model.entries[rows["nvidia-dgx-b200"]].source == "builtin"


# --- the part editor ---------------------------------------------------------------------------------
def _save_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_new_part_validates_as_you_type_and_saves_netbox_yaml(qtbot, tmp_path):
    dialog = PartEditorDialog(root=tmp_path)
    qtbot.addWidget(dialog)
    assert not _save_button(dialog).isEnabled() and dialog.problem.text().startswith("Manufacturer: ")
    qtbot.keyClicks(dialog.manufacturer, "Acme")
    qtbot.keyClicks(dialog.model, "GPU Box 8")
    assert dialog.slug.text() == "acme-gpu-box-8"  # follows until edited
    dialog.u_height.clear()
    qtbot.keyClicks(dialog.u_height, "1.3")
    assert dialog.problem.text() == "Height (U): Value error, u_height must be a multiple of 0.5"
    dialog.u_height.clear()
    qtbot.keyClicks(dialog.u_height, "10")
    qtbot.keyClicks(dialog.max_w, "14.3 kW")
    assert dialog.problem.text().startswith("Maximum (W): Input should be a valid number")
    assert not _save_button(dialog).isEnabled()
    dialog.max_w.clear()
    qtbot.keyClicks(dialog.max_w, "14300")
    qtbot.keyClicks(dialog.airflow_cfm, "1550")
    qtbot.keyClicks(dialog.weight, "142.4")
    qtbot.keyClicks(dialog.psu_redundancy, "5+1")
    for _ in range(6):
        dialog.add_port("power-port", draw=2383)
    dialog.add_port("interface", "bmc", "1000base-t", mgmt=True)
    dialog.add_port("interface", "bmc", "1000base-t")
    assert dialog.problem.text() == "port 8: a interface named 'bmc' already exists"
    dialog.ports.item(7, 1).setText("nic0")
    assert dialog.problem.text() == "" and _save_button(dialog).isEnabled()
    # 14.3 kW = 48,792 BTU/h, all to air; 1,550 CFM -> 3.16 x 14,300 / 1,550 = 29.2 F (engineering.md 1.2)
    assert dialog.heat.text() == ("Heat: 14.30 kW (48,792 BTU/h): 14.30 kW to air, 0.00 kW to liquid; "
                                  "1550 CFM means an air rise of 29.2 °F (16.2 K)")
    with qtbot.waitSignal(dialog.saved) as signal:
        path = dialog.save()
    assert path == tmp_path / "device-types" / "Acme" / "acme-gpu-box-8.yaml" and signal.args == [str(path)]
    loaded = load_device_type(path)
    assert loaded.error is None and loaded.part.content_hash() == dialog.part().content_hash()
    assert [p.maximum_draw for p in loaded.part.power_ports] == [2383] * 6
    assert str(loaded.part.rackstudio.power.psu_redundancy) == "5+1" and loaded.part.category == "server"
    catalog = Catalog([LibrarySource("mine", tmp_path)])
    assert catalog.by_slug("acme-gpu-box-8").source == "mine"


def test_liquid_share_splits_the_heat(qtbot, tmp_path):
    dialog = PartEditorDialog(root=tmp_path)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.manufacturer, "Acme")
    qtbot.keyClicks(dialog.model, "Cold Plate Box")
    qtbot.keyClicks(dialog.max_w, "10000")
    dialog.cooling.setCurrentText("hybrid")
    dialog.liquid_fraction.clear()
    qtbot.keyClicks(dialog.liquid_fraction, "1.5")
    assert dialog.problem.text().startswith("Liquid share (0-1): Input should be less than or equal to 1")
    dialog.liquid_fraction.clear()
    qtbot.keyClicks(dialog.liquid_fraction, "0.8")
    assert dialog.heat.text().startswith("Heat: 10.00 kW (34,120 BTU/h): 2.00 kW to air, 8.00 kW to liquid")


def test_editing_a_library_part_saves_a_user_copy_that_wins(qtbot, site):
    site.example()
    manager = site.start()
    original = manager.catalog().part("nvidia-spectrum-4-sn5610")
    dialog = open_part_editor_dialog(None, original)  # deletes itself when closed: not qtbot's to close
    assert dialog.isVisible() and dialog.windowTitle() == "Edit part Spectrum-4 SN5610"
    assert (dialog.manufacturer.text(), dialog.max_w.text(), dialog.ports.rowCount()) == ("NVIDIA", "2080", 70)
    dialog.max_w.clear()
    qtbot.keyClicks(dialog.max_w, "2200")
    with qtbot.waitSignal(dialog.destroyed):
        path = dialog.save()
    assert path == part_file(original) and path.is_relative_to(paths.user_parts())
    catalog = manager.catalog()
    entry = catalog.by_slug("nvidia-spectrum-4-sn5610")
    assert entry.source == "user" and catalog.conflicts[0].shadowed[0].source == EXAMPLE
    edited = catalog.part(entry)
    assert edited.rackstudio.power.max_w == 2200
    assert edited.interfaces[1].description == original.interfaces[1].description  # untouched fields kept
    assert edited.rackstudio.sources == original.rackstudio.sources


def test_an_existing_file_is_replaced_only_when_confirmed(qtbot, tmp_path):
    def new_part(max_w: str, answer: bool, asked: list) -> PartEditorDialog:
        dialog = PartEditorDialog(root=tmp_path)
        qtbot.addWidget(dialog)
        dialog.confirm_overwrite = lambda path: asked.append(path) or answer
        qtbot.keyClicks(dialog.manufacturer, "Acme")
        qtbot.keyClicks(dialog.model, "Twin")
        qtbot.keyClicks(dialog.max_w, max_w)
        return dialog

    asked: list = []
    path = new_part("100", False, asked).save()  # no file yet: nothing to ask
    assert path is not None and asked == []
    assert new_part("101", False, asked).save() is None
    assert new_part("102", True, asked).save() == path
    assert asked == [path, path]
    assert load_device_type(path).part.rackstudio.power.max_w == 102


# --- the broken plugins in the running app ---------------------------------------------------------------
def test_broken_plugins_leave_the_app_running_with_the_users_work(qtbot, site, dialogs, strict_errors,
                                                                    user_data, tmp_path):
    """Every failure mode at once, in the real main window with the real crash handler: the app
    starts, checks, edits and saves; the failures are listed; no crash report is written."""
    from rackstudio import recovery
    from rackstudio.checks.engine import RULE_FAILED
    from rackstudio.commands import PlaceDevice
    from rackstudio.document import Document
    from rackstudio.io import load
    from rackstudio.ui import crash, guard
    from rackstudio.ui.main_window import MainWindow
    from tests.core import builders
    from tests.core.test_plugins import FAILED_RULES, FAILURES, RULE, small_design, start_with_every_failure

    manager = start_with_every_failure(site)
    report = guard.REPORT
    report.unexpected = report._unexpected
    uninstall = crash.install(report)
    try:
        window = MainWindow(Document(small_design((3, 2))), CatalogLibrary(manager.catalog()))
        window.plugins = manager
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.live_checks.engine is not None and not window.live_checks.running, timeout=20000)
        findings = window.live_checks.findings()
        assert {f.rule for f in findings if f.aspect == RULE_FAILED} == FAILED_RULES
        assert [f.objects for f in findings if f.rule == RULE] == [("rk-1",)]  # a working plugin's rule
        with pytest.raises(ContributionFailed, match="factory bug"):  # a factory fails when it is used
            manager.make_part("fixture-raising-factory.server")
        with pytest.raises(ContributionFailed, match="ran out of memory"):  # over the worker's memory limit
            manager.make_part("fixture-memory-factory.server")
        window.actions_by_id["plugins"].trigger()
        items = window.tools.dialogs[-1].plugin_items()
        for name, (stage, _words) in FAILURES.items():  # each one is listed with why it failed
            reasons = [row[0] for row in _children(items[name]) if row[0].startswith("Failed at")]
            assert len(reasons) == 1 and reasons[0].startswith(f"Failed at {stage.value}"), (name, reasons)
        assert "Plugin code runs in a separate process" in window.tools.dialogs[-1].details.toPlainText()
        # the user's work goes on: an edit, checked live, and a save
        assert window.editor.execute(PlaceDevice(builders.server(), rack="rk-2", position=30, device_id="new"))
        qtbot.waitUntil(lambda: not window.live_checks.running, timeout=20000)
        dialogs.save_path = str(tmp_path / "with-broken-plugins.rackstudio")
        assert window.save()
        assert "new" in load(tmp_path / "with-broken-plugins.rackstudio").design.devices
        assert recovery.crash_reports(user_data / "crash-reports") == []
        assert window.isVisible() and not strict_errors
    finally:
        uninstall()
        report.unexpected = strict_errors.append
