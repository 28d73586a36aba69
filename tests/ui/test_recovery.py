"""Keeping the user's work in the app: autosave after the preference's interval (never over the
user's file) and its clean-up, the recovery offer at start (recover, discard, show differences,
decide later) including after a real SIGKILL, Edit ▸ Preferences, and the crash handler: an
unexpected exception (a slot, a Qt override, a worker thread, a plugin) leaves a recovery copy,
a crash report and a running app."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from rackstudio import recovery
from rackstudio.commands import add_row_of_racks
from rackstudio.io import dumps, load, save
from rackstudio.ui import autosave, guard, prefs
from rackstudio.ui.dialogs.preferences import PreferencesDialog
from rackstudio.ui.dialogs.recovery import RecoveryDialog
from tests.core import builders as b
from tests.ui.helpers import run_app

ROOT = Path(__file__).resolve().parents[2]


def _edit(window, name="A"):
    design = window.editor.design
    y = 1200 + 2400 * "ABCD".index(name)
    assert window.editor.execute(add_row_of_racks(design, b.rack_type(), "hall-1", name, 2, 1200, y, "S"))
    return design


def _wait_autosaved(qtbot, window):
    qtbot.waitUntil(lambda: window.autosaver.path is not None, timeout=10000)
    window.autosaver.wait()
    return window.autosaver.path


# --- autosave -------------------------------------------------------------------------------------
def test_autosave_after_the_interval_never_touches_the_users_file(qtbot, window, dialogs, tmp_path, user_data):
    target = tmp_path / "pod.rackstudio"
    dialogs.save_path = str(target)
    _edit(window)
    window.actions_by_id["save"].trigger()
    on_disk = target.read_bytes()
    prefs.set_autosave_seconds(1)
    design = _edit(window, "B")
    assert window.autosaver.timer.isActive() and window.autosaver.timer.interval() == 1000
    path = _wait_autosaved(qtbot, window)
    assert path.parent == user_data / "autosave" and path.suffix == ".rackstudio"
    assert load(path).design.model_dump() == design.model_dump()
    assert target.read_bytes() == on_disk  # the user's file is untouched
    meta = recovery.pending(path.parent)  # this session is alive: nothing is offered
    assert meta == []
    # saving removes the autosave; so does undoing back to the saved state
    window.actions_by_id["save"].trigger()
    assert window.autosaver.path is None and not path.exists()
    _edit(window, "C")
    _wait_autosaved(qtbot, window)
    window.undo_stack.undo()
    assert window.undo_stack.isClean() and window.autosaver.path is None


def test_autosave_off_writes_nothing_and_closing_removes_the_autosave(qtbot, window, dialogs, user_data):
    prefs.set_autosave_seconds(0)
    _edit(window)
    assert not window.autosaver.timer.isActive()
    prefs.set_autosave_seconds(1)
    _edit(window, "B")
    path = _wait_autosaved(qtbot, window)
    dialogs.question = QMessageBox.StandardButton.Discard
    assert window.close()
    assert not path.exists()


def test_an_autosave_that_cannot_be_written_says_so_and_editing_goes_on(qtbot, window, user_data, monkeypatch):
    prefs.set_autosave_seconds(1)
    user_data.mkdir(parents=True)
    (user_data / "autosave").write_text("a file where the folder should be")
    messages = []
    monkeypatch.setattr(window.statusBar(), "showMessage", lambda text, *_: messages.append(text))
    _edit(window)
    qtbot.waitUntil(lambda: any(m.startswith("Autosave failed: ") for m in messages), timeout=10000)
    assert "autosave" in next(m for m in messages if m.startswith("Autosave failed"))
    _edit(window, "B")
    assert window.undo_stack.count() == 2 and window.autosaver.path is None


def test_preferences_dialog_sets_the_interval_author_and_pattern(qtbot, window, monkeypatch):
    seen = {}

    def ask(cls, parent, current):
        dialog = cls(current, parent)
        qtbot.addWidget(dialog)
        dialog.autosave.setValue(120)
        dialog.author.setText("R. Engineer")
        dialog.pattern.setText("{nonsense}")
        seen["refused"] = not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        seen["problem"] = dialog.problem.text()
        dialog.pattern.setText("{a_rack}-{a_port}")
        seen["ok"] = dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        return dialog.choice()

    monkeypatch.setattr(PreferencesDialog, "ask", classmethod(ask))
    assert prefs.autosave_seconds() == 60  # the default
    assert window.actions_by_id["preferences"].text() == "Pr&eferences…"
    window.actions_by_id["preferences"].trigger()
    assert seen == {"refused": True, "problem": seen["problem"], "ok": True} and "nonsense" in seen["problem"]
    from rackstudio.ui.comments import author
    assert (prefs.autosave_seconds(), author(), prefs.label_pattern()) == (120, "R. Engineer", "{a_rack}-{a_port}")
    _edit(window)
    assert window.autosaver.timer.interval() == 120_000


# --- recovery at start ----------------------------------------------------------------------------
def _left_behind(folder: Path, design, source: Path | None, title: str) -> recovery.Autosave:
    """An autosave of a session that is gone (its lock released)."""
    session = recovery.Session(folder).open()
    session.slot().write(design, source, title)
    session.close()
    return next(a for a in recovery.pending(folder) if a.title == title)


def _drive(monkeypatch, qtbot, script):
    """Replace RecoveryDialog.ask with one that builds the real dialog and clicks through `script`."""
    def ask(cls, parent, autosaves, on_recover):
        dialog = cls(autosaves, on_recover, parent)
        qtbot.addWidget(dialog)
        script(dialog)
    monkeypatch.setattr(RecoveryDialog, "ask", classmethod(ask))


def test_recover_shows_differences_then_opens_the_autosave_unsaved(qtbot, window, dialogs, tmp_path, user_data,
                                                                 monkeypatch):
    source = tmp_path / "pod.rackstudio"
    original = b.empty_design()
    save(original, source)
    edited = b.empty_design()
    AddRow = add_row_of_racks(edited, b.rack_type(), "hall-1", "A", 3, 1200, 1200, "S")
    AddRow.apply(edited)
    os.utime(source, (1_000_000_000, 1_000_000_000))  # the file is older than the autosave
    _left_behind(user_data / "autosave", edited, source, "pod.rackstudio")
    seen = {}

    def script(dialog):
        seen["rows"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        qtbot.mouseClick(dialog.differences_button, Qt.MouseButton.LeftButton)
        seen["differences"] = dialog.details.toPlainText()
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        seen["closed"] = dialog.result() == dialog.DialogCode.Accepted

    _drive(monkeypatch, qtbot, script)
    recovered = autosave.offer_recovery(window)
    assert recovered == [window]
    (row,) = seen["rows"]
    assert row.startswith("pod.rackstudio — ") and str(source.resolve()) in row and "autosave" in row
    assert "Racks: 3 added" in seen["differences"] and seen["closed"]
    assert window.editor.design.model_dump() == edited.model_dump()
    assert window.document.path == source.resolve() and window.isWindowModified()
    # kept under this session at once, the old one gone; Save writes the user's file
    assert window.autosaver.path is not None and recovery.pending(user_data / "autosave") == []
    window.actions_by_id["save"].trigger()
    assert load(source).design.model_dump() == edited.model_dump()
    assert window.autosaver.path is None and list((user_data / "autosave").glob("*.rackstudio")) == []


def test_two_autosaves_open_in_two_windows_discard_asks_and_later_keeps(qtbot, window, dialogs, tmp_path, user_data,
                                                                      monkeypatch):
    folder = user_data / "autosave"
    one, two, three = b.empty_design(), b.empty_design(), b.empty_design()
    one.name, two.name, three.name = "one", "two", "three"
    _left_behind(folder, one, None, "one")
    _left_behind(folder, two, None, "two")
    _left_behind(folder, three, None, "three")

    def script(dialog):
        titles = [dialog.list.item(i).data(Qt.ItemDataRole.UserRole).title for i in range(dialog.list.count())]
        for title in ("one", "two"):
            dialog.list.setCurrentRow(titles.index(title))
            titles.remove(title)
            qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        dialogs.question = QMessageBox.StandardButton.Cancel
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)  # asked, cancelled: kept
        assert dialog.list.count() == 1
        qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)

    _drive(monkeypatch, qtbot, script)
    first, second = autosave.offer_recovery(window)
    assert first is window and second is not window  # closed at the end (it deletes itself)
    assert {first.editor.design.name, second.editor.design.name} == {"one", "two"}
    assert second.editor.library is not window.editor.library and second.editor.design is not window.editor.design
    assert [a.title for a in recovery.pending(folder)] == ["three"]  # later: asked again next time

    def discard(dialog):
        dialogs.question = QMessageBox.StandardButton.Discard
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)

    _drive(monkeypatch, qtbot, discard)
    assert autosave.offer_recovery(window) == []
    assert recovery.pending(folder) == []
    dialogs.question = QMessageBox.StandardButton.Discard
    second.close()


def test_a_sigkilled_app_is_offered_for_recovery_at_the_next_start(qtbot, window, tmp_path, user_data, monkeypatch):
    """A real app window in another process edits, autosaves after 1 s and is killed with SIGKILL."""
    source = tmp_path / "pod.rackstudio"
    save(b.empty_design(), source)
    os.utime(source, (1_000_000_000, 1_000_000_000))
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(tmp_path / "child-settings")!r})
        from rackstudio import paths
        paths.user_data = lambda: Path({str(user_data)!r})
        from rackstudio.document import Document
        from rackstudio.commands import add_row_of_racks
        from rackstudio.ui import prefs
        from rackstudio.ui.main_window import MainWindow
        from tests.core import builders as b
        prefs.set_autosave_seconds(1)
        window = MainWindow(Document.open({str(source)!r})[0], None)
        window.show()
        design = window.editor.design
        window.editor.execute(add_row_of_racks(design, b.rack_type(), "hall-1", "K", 4, 1200, 1200, "S"))
        def killed():
            print("autosaved", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        window.autosaver.written.connect(lambda _p: QTimer.singleShot(0, killed))
        app.exec()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout == "autosaved\n"

    def script_(dialog):
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)

    _drive(monkeypatch, qtbot, script_)
    (recovered,) = autosave.offer_recovery(window)
    assert sorted(r.name for r in recovered.editor.design.racks.values()) == ["K01", "K02", "K03", "K04"]
    assert recovered.document.path == source.resolve() and recovered.isWindowModified()


def test_an_unreadable_autosave_is_reported_and_kept(qtbot, window, dialogs, user_data, monkeypatch):
    folder = user_data / "autosave"
    found = _left_behind(folder, b.empty_design(), None, "damaged")
    found.design_file.write_text('{"format_version": 2, "racks": 5}')

    def script(dialog):
        qtbot.mouseClick(dialog.differences_button, Qt.MouseButton.LeftButton)
        assert "cannot be read" in dialog.details.toPlainText() and "$.racks" in dialog.details.toPlainText()
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        assert dialog.list.count() == 1  # not recovered, still listed
        dialog.reject()

    _drive(monkeypatch, qtbot, script)
    assert autosave.offer_recovery(window) == []
    assert dialogs.shown[-1][0] == "warning" and "$.racks" in dialogs.shown[-1][1]
    assert recovery.pending(folder)[0].title == "damaged"


# --- the crash handler ----------------------------------------------------------------------------
@pytest.fixture
def crash_handler(strict_errors):
    """The real handler instead of the test suite's fail-the-test one, and the app's hooks."""
    from rackstudio.ui import crash

    report = guard.REPORT
    report.unexpected = report._unexpected
    crash._recent.clear()
    uninstall = crash.install(report)
    yield crash
    uninstall()
    report.unexpected = strict_errors.append


def _crash_reports(user_data):
    return recovery.crash_reports(user_data / "crash-reports")


def test_a_crash_writes_a_recovery_copy_and_a_report_and_editing_goes_on(qtbot, window, dialogs, crash_handler,
                                                                        user_data, tmp_path):
    design = _edit(window)
    before = dumps(design)
    boom = guard.guarded(lambda: 1 / 0)
    boom()
    (report,) = _crash_reports(user_data)
    text = report.read_text()
    assert "ZeroDivisionError: division by zero" in text and "Traceback:" in text
    assert "RackStudio: " in text and "platform: " in text and "Qt: " in text
    copy = window.autosaver.path
    assert copy is not None and str(copy) in text
    assert dumps(load(copy).design) == before  # the work, as it was
    kind, message = dialogs.shown[-1]
    assert kind == "warning" and str(report) in message and str(copy) in message and "keep working" in message
    # the same failure again at once (a paint raising every frame): no second report, no second dialog
    shown = len(dialogs.shown)
    boom()
    assert len(_crash_reports(user_data)) == 1 and len(dialogs.shown) == shown
    # the app goes on: edit and save
    _edit(window, "B")
    dialogs.save_path = str(tmp_path / "after-crash.rackstudio")
    window.actions_by_id["save"].trigger()
    assert load(tmp_path / "after-crash.rackstudio").design.model_dump() == window.editor.design.model_dump()
    assert window.autosaver.path is None  # saved: the recovery copy is no longer needed


def test_uncaught_exceptions_from_qt_overrides_and_threads_reach_the_handler(qtbot, window, dialogs, crash_handler,
                                                                           user_data):
    _edit(window)

    def raise_in_timer():
        raise ValueError("raised in a timer callback")

    QTimer.singleShot(0, raise_in_timer)  # not guarded: PySide6 hands it to sys.excepthook
    qtbot.waitUntil(lambda: len(_crash_reports(user_data)) == 1, timeout=5000)

    def raise_in_thread():
        raise KeyError("raised in a worker thread")

    worker = threading.Thread(target=raise_in_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(_crash_reports(user_data)) == 2, timeout=5000)
    texts = [p.read_text() for p in _crash_reports(user_data)]
    assert any("ValueError: raised in a timer callback" in t for t in texts)
    assert any("KeyError: 'raised in a worker thread'" in t for t in texts)
    assert all(str(window.autosaver.path) in t for t in texts)
    assert window.isVisible()


def test_a_crash_with_nothing_unsaved_writes_only_the_report(qtbot, window, dialogs, crash_handler, user_data):
    guard.guarded(lambda: [][1])()
    (report,) = _crash_reports(user_data)
    assert "No design had unsaved changes" in report.read_text()
    assert window.autosaver.path is None


def test_the_app_offers_recovery_at_start_and_leaves_no_lock_at_exit(qapp, monkeypatch, dialogs, user_data, qtbot):
    """`rackstudio` itself: start-up finds the autosave a dead session left and offers it; a normal
    exit releases this session's lock and removes its lock file."""
    import argparse

    from PySide6.QtWidgets import QApplication

    from rackstudio.ui import app as app_module
    from rackstudio.ui.main_window import MainWindow

    left = b.empty_design()
    left.name = "left by a crash"
    _left_behind(user_data / "autosave", left, None, "Untitled")
    offered, windows = [], []
    before = set(QApplication.topLevelWidgets())

    def script(dialog):
        offered.extend(dialog.list.item(i).text() for i in range(dialog.list.count()))
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)

    _drive(monkeypatch, qtbot, script)

    def run_once(self=None):
        for _ in range(5):
            QApplication.processEvents()
        windows.extend(w for w in QApplication.topLevelWidgets()
                       if isinstance(w, MainWindow) and w.isVisible() and w not in before)
        assert list((user_data / "autosave").glob("*.lock"))  # this session's, held while running
        return 0

    monkeypatch.setattr(QApplication, "exec", run_once)
    assert app_module.main(argparse.Namespace(file=None, screenshot=None, view="hall")) == 0
    assert len(offered) == 1 and offered[0].startswith("Untitled — never saved")
    (window,) = windows
    assert window.editor.design.name == "left by a crash" and window.isWindowModified()
    assert list((user_data / "autosave").glob("*.lock")) == []  # the exit released it
    dialogs.question = QMessageBox.StandardButton.Discard
    window.close()
    assert list((user_data / "autosave").iterdir()) == []


def test_a_crash_of_the_interpreter_leaves_a_report_and_the_autosave(tmp_path):
    """A segmentation fault runs no Python handler: faulthandler's stacks land in the crash-reports
    folder, and the autosave written before it is offered at the next start."""
    result = run_app(tmp_path, """
        import ctypes
        from rackstudio.commands import AddRecord
        from rackstudio.model import Hall
        window.editor.execute(AddRecord("halls", Hall(id="hall-9", name="Hall 9", width_mm=9000, depth_mm=6000)))
        window.autosaver.autosave().join()
        ctypes.string_at(0)  # a segmentation fault, as a broken C extension would cause
    """)
    assert result.returncode == -signal.SIGSEGV, result.stderr[-2000:]
    data = tmp_path / "data" / "RackStudio"
    (native,) = (data / "crash-reports").glob("crash-*-native.txt")
    text = native.read_text()
    assert text.startswith("RackStudio crash report\n") and "platform: " in text and "PySide6: " in text
    assert "Fatal Python error: Segmentation fault" in text and "in session" in text
    (found,) = recovery.pending(data / "autosave")
    assert "hall-9" in found.load().design.halls


def test_a_normal_exit_leaves_no_crash_report_and_no_autosave(tmp_path):
    result = run_app(tmp_path, """
        window.close()
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    data = tmp_path / "data" / "RackStudio"
    assert list((data / "crash-reports").glob("*")) == [] and list((data / "autosave").glob("*")) == []
