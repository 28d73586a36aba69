"""Files and the window: save, reopen and compare; an open error leaves the design alone; the
title's unsaved marker; the close prompt; recent files and window layout kept in QSettings;
the --screenshot path."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from rackstudio.commands import PlaceDevice, add_row_of_racks
from rackstudio.io import project_file
from rackstudio.ui import prefs
from rackstudio.ui.main_window import MainWindow
from tests.core import builders as b
from tests.ui.conftest import tiny_library


def _small_pod(window):
    design = window.editor.design
    window.editor.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "A", 2, 1200, 1200, "S"))
    rack = next(r.id for r in design.racks.values() if r.name == "A01")
    window.editor.execute(PlaceDevice(b.server(), rack=rack, position=1))
    return design


def test_save_reopen_and_compare(window, dialogs, tmp_path, monkeypatch):
    design = _small_pod(window)
    assert window.isWindowModified() and window.windowTitle().startswith("Untitled[*]")
    target = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(target)
    window.actions_by_id["save"].trigger()
    assert target.exists() and not window.isWindowModified()
    assert window.windowTitle().startswith("pod.rackstudio")
    saved = design.model_dump(mode="json")
    window.actions_by_id["new"].trigger()
    assert not window.editor.design.racks
    dialogs.open_path = str(target)
    from PySide6.QtWidgets import QApplication

    from rackstudio.document import Document

    working, opened = [], Document.open
    monkeypatch.setattr(Document, "open", classmethod(lambda cls, path: working.append(
        (QApplication.overrideCursor().shape().name, window.statusBar().currentMessage())) or opened(path)))
    window.actions_by_id["open"].trigger()
    assert working == [("WaitCursor", "Opening pod.rackstudio…")]  # a large design takes seconds
    assert QApplication.overrideCursor() is None and window.statusBar().currentMessage() == "Opened pod.rackstudio"
    assert window.editor.design.model_dump(mode="json") == saved
    assert window.document.path == target
    assert prefs.recent_files()[0] == str(target.resolve())


def test_an_open_error_shows_the_message_and_keeps_the_design(window, dialogs, tmp_path):
    design = _small_pod(window)
    before = design.model_dump()
    bad = tmp_path / "broken.rackstudio"
    bad.write_text('{"format_version": 2, "racks": 5}')
    dialogs.open_path = str(bad)
    dialogs.question = QMessageBox.StandardButton.Discard
    window.actions_by_id["open"].trigger()
    kind, text = dialogs.shown[-1]
    assert kind == "warning" and "broken.rackstudio" in text and "$.racks" in text
    assert window.editor.design is design and design.model_dump() == before
    assert window.undo_stack.count() == 2  # the history is still there


def test_closing_with_unsaved_changes_asks_first(window, dialogs):
    _small_pod(window)
    dialogs.question = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert dialogs.shown[-1][0] == "question"
    dialogs.question = QMessageBox.StandardButton.Discard
    assert window.close()


def test_new_with_unsaved_changes_can_be_cancelled(window, dialogs):
    design = _small_pod(window)
    dialogs.question = QMessageBox.StandardButton.Cancel
    window.actions_by_id["new"].trigger()
    assert window.editor.design is design


def test_undo_back_to_the_saved_state_clears_the_marker(window, dialogs, tmp_path):
    _small_pod(window)
    dialogs.save_path = str(tmp_path / "a.rackstudio")
    window.save()
    window.editor.execute(PlaceDevice(b.switch(), rack=next(iter(window.editor.design.racks)), position=40))
    assert window.isWindowModified()
    window.undo_stack.undo()
    assert not window.isWindowModified()


def test_window_layout_and_recent_files_persist(qtbot, tmp_path):
    first = MainWindow(library=tiny_library())
    qtbot.addWidget(first)
    first.show()
    first.cable_dock.show()
    first.resize(640, 620)
    prefs.add_recent(tmp_path / "x.rackstudio")
    first.save_layout()
    second = MainWindow(library=tiny_library())
    qtbot.addWidget(second)
    assert second.height() == first.height() == 620  # (the offscreen screen is 800 px wide: width is clamped)
    assert not second.cable_dock.isHidden()
    second._fill_recent()
    assert [a.text() for a in second.recent_menu.actions()][0] == "x.rackstudio"


def test_screenshot_renders_the_window_and_exits(qapp, tmp_path):
    from rackstudio.ui.app import main

    design = b.empty_design()
    project = tmp_path / "pod.rackstudio"
    project_file.save(design, project)
    out = tmp_path / "shot.png"
    args = argparse.Namespace(file=str(project), screenshot=str(out), view="hall")
    assert main(args) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    args = argparse.Namespace(file=str(project), screenshot=str(out), view="rack:NOPE")
    assert main(args) == 64


def test_command_line_screenshot_of_a_rack(tmp_path):
    design = b.empty_design()
    from rackstudio.document import Document

    doc = Document(design)
    doc.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "A", 1, 1200, 1200, "S"))
    project = tmp_path / "pod.rackstudio"
    project_file.save(design, project)
    out = tmp_path / "rack.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "rackstudio", str(project), "--screenshot", str(out),
                             "--view", "rack:A01"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000
    bad = tmp_path / "bad.rackstudio"
    bad.write_text(json.dumps({"format_version": 99}))
    result = subprocess.run([sys.executable, "-m", "rackstudio", str(bad), "--screenshot", str(out)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2 and "bad.rackstudio" in result.stderr and "Traceback" not in result.stderr


def test_starting_with_a_broken_file_shows_why_and_keeps_an_empty_design(qapp, monkeypatch, dialogs, tmp_path):
    from PySide6.QtWidgets import QApplication

    from rackstudio.ui import app as app_module

    bad = tmp_path / "bad.rackstudio"
    bad.write_text("{not json")
    windows = []
    before = set(QApplication.topLevelWidgets())

    def run_once(self=None):
        for _ in range(5):
            QApplication.processEvents()
        windows.extend(w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.isVisible() and w not in before)
        return 0

    monkeypatch.setattr(QApplication, "exec", run_once)
    assert app_module.main(argparse.Namespace(file=str(bad), screenshot=None, view="hall")) == 0
    kind, text = dialogs.shown[-1]
    assert kind == "warning" and "bad.rackstudio" in text and "line 1" in text
    window = windows[-1]
    assert not window.editor.design.racks and window.windowTitle().startswith("Untitled")
    window.close()


def test_a_save_that_would_not_load_is_refused_and_the_work_kept_in_an_autosave(window, dialogs, tmp_path):
    """A model broken behind the commands' back (here: a device moved to a rack that does not
    exist) is not written over the good file; the work goes to an autosave and the message says
    why and where."""
    design = _small_pod(window)
    target = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(target)
    window.actions_by_id["save"].trigger()
    before = target.read_bytes()
    device = next(iter(design.devices.values()))
    design.devices[device.id] = device.model_copy(update={"rack": "rk-gone"})
    window.actions_by_id["save"].trigger()
    kind, text = dialogs.shown[-1]
    assert kind == "warning" and "would not load again" in text and "rk-gone" in text
    assert "kept in the autosave" in text
    kept = window.autosaver.slot.design_file
    assert kept.exists() and "rk-gone" in kept.read_text()
    assert target.read_bytes() == before


def test_saving_over_a_file_changed_on_disk_asks_first(window, dialogs, tmp_path):
    """Someone else saved the file after it was opened: Save asks, Cancel keeps their file, Save
    replaces it."""
    _small_pod(window)
    target = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(target)
    window.actions_by_id["save"].trigger()
    theirs = target.read_text().replace('"name": "A01"', '"name": "Z99"')
    target.write_text(theirs)
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    dialogs.question = QMessageBox.StandardButton.Cancel
    window.actions_by_id["save"].trigger()
    kind, text = dialogs.shown[-1]
    assert kind == "question" and "changed on disk" in text
    assert target.read_text() == theirs
    dialogs.question = QMessageBox.StandardButton.Save
    window.actions_by_id["save"].trigger()
    assert target.read_text() != theirs and not window.document.changed_on_disk()
