"""Autosaves and crash reports (rackstudio.recovery): a killed app's autosaves are offered, a
running app's never are, autosaves overtaken by a save are dropped, and crash reports say what
happened, on which version and platform, and where the recovery copies are."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rackstudio import recovery
from rackstudio.io import dumps, load, save
from tests.core.test_project_file import small_design

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "autosave"


def _changed(name: str = "changed"):
    design = small_design()
    design.name = name
    return design


def test_a_running_sessions_autosaves_are_not_offered_and_a_closed_ones_are(folder, tmp_path):
    session = recovery.Session(folder).open()
    slot = session.slot()
    assert slot.write(_changed(), None, "Untitled")
    assert slot.exists and slot.design_file.parent == folder
    assert recovery.pending(folder) == []  # the lock is held: that app is still running
    session.close()
    (found,) = recovery.pending(folder)
    assert found.source is None and found.title == "Untitled" and found.reason == "autosave"
    assert found.newer_than_source()
    assert dumps(found.load().design) == dumps(_changed())
    assert "never saved" in found.describe()
    found.discard()
    assert recovery.pending(folder) == [] and list(folder.iterdir()) == []


def test_a_killed_app_leaves_its_autosave_to_be_offered(folder, tmp_path):
    """A process that autosaves and is then SIGKILLed: its lock dies with it, the autosave is offered."""
    source = tmp_path / "pod.rackstudio"
    save(small_design(), source)
    time.sleep(0.02)  # the autosave is written after the file (mtime resolution)
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r})
        from rackstudio import recovery
        from tests.core.test_project_file import small_design
        session = recovery.Session(Path({str(folder)!r})).open()
        design = small_design()
        design.name = "edited, never saved"
        session.slot().write(design, Path({str(source)!r}), "pod.rackstudio")
        print("written", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout == "written\n"
    assert len(list(folder.glob("*.lock"))) == 1  # left behind, but nobody holds it
    (found,) = recovery.pending(folder)
    assert found.source == source.resolve()
    assert found.load().design.name == "edited, never saved"
    assert "name test → edited, never saved" in found.differences()
    assert "pod.rackstudio" in found.describe()


def test_an_autosave_older_than_its_file_was_overtaken_and_is_removed(folder, tmp_path):
    source = tmp_path / "pod.rackstudio"
    session = recovery.Session(folder).open()
    slot = session.slot()
    slot.write(_changed(), source, "pod")
    session.close()
    time.sleep(0.02)
    save(small_design(), source)  # saved later, e.g. by another session
    assert recovery.pending(folder) == []
    assert not slot.exists and list(folder.iterdir()) == []


def test_an_autosave_whose_file_is_gone_is_offered(folder, tmp_path):
    session = recovery.Session(folder).open()
    session.slot().write(_changed(), tmp_path / "deleted.rackstudio", "deleted")
    session.close()
    (found,) = recovery.pending(folder)
    assert found.source_mtime is None and "(the file is gone)" in found.describe()
    assert "cannot be read" in found.differences()


def test_a_late_write_never_replaces_a_newer_one(folder):
    session = recovery.Session(folder).open()
    slot = session.slot()
    early = slot.next_sequence()
    late = slot.next_sequence()
    assert slot.write(_changed("crash copy"), None, "x", reason="crash", sequence=late)
    assert not slot.write(_changed("older autosave"), None, "x", sequence=early)
    assert load(slot.design_file).design.name == "crash copy"
    slot.remove()
    assert not slot.write(_changed("in flight when removed"), None, "x", sequence=late)
    assert not slot.exists
    session.close()


def test_a_damaged_description_still_offers_the_design(folder):
    session = recovery.Session(folder).open()
    slot = session.slot()
    slot.write(_changed(), None, "x")
    session.close()
    slot.meta_file.write_text("{not json")
    (found,) = recovery.pending(folder)
    assert found.title == slot.design_file.stem and found.source is None
    assert found.saved_at == pytest.approx(slot.design_file.stat().st_mtime)
    slot.meta_file.write_bytes(b"x" * (recovery.META_MAX_BYTES + 1))
    assert recovery.pending(folder)[0].title == slot.design_file.stem


def test_a_normal_exit_leaves_nothing_behind(folder):
    session = recovery.Session(folder).open()
    slot = session.slot()
    slot.write(_changed(), None, "x")
    slot.remove()
    session.close()
    assert list(folder.iterdir()) == []


def test_dead_sessions_lock_files_are_tidied(folder):
    folder.mkdir()
    (folder / "20260101-000000-1-abcdef.lock").write_bytes(b"")
    assert recovery.pending(folder) == []
    assert list(folder.iterdir()) == []


def test_a_crash_report_names_the_version_platform_copies_and_traceback(tmp_path):
    def failing_slot():
        raise RuntimeError("a plugin broke")

    try:
        failing_slot()
    except RuntimeError as exc:
        path = recovery.write_crash_report(exc, recovered=[tmp_path / "copy.rackstudio"],
                                           problems=["pod: disk full"], context={"Qt": "6.11.3"},
                                           folder=tmp_path / "reports")
    text = path.read_text()
    assert recovery.crash_reports(tmp_path / "reports") == [path]
    from rackstudio._version import __version__
    assert f"RackStudio: {__version__}" in text
    assert f"Python: {sys.version.split()[0]}" in text and "platform: " in text and "Qt: 6.11.3" in text
    assert str(tmp_path / "copy.rackstudio") in text and "not written: pod: disk full" in text
    assert "in failing_slot" in text and "RuntimeError: a plugin broke" in text
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [path.name]  # no temp file left


def test_the_folders_are_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert recovery.autosave_folder() == tmp_path / "RackStudio" / "autosave"
        assert recovery.crash_folder() == tmp_path / "RackStudio" / "crash-reports"
    assert os.path.commonpath([recovery.autosave_folder(), recovery.crash_folder()]) != "/"


def test_bad_entries_in_the_autosave_folder_are_skipped_and_reported(folder):
    """A folder named like an autosave and a saved_at of 1e400 (an OverflowError when shown) each
    cost only their own entry: the good autosaves are still offered, the bad ones reported."""
    good = recovery.Session(folder).open()
    good.slot().write(_changed("good"), None, "Good")
    good.close()
    huge = recovery.Session(folder).open()
    huge_slot = huge.slot()
    huge_slot.write(_changed("huge"), None, "Huge")
    huge.close()
    meta = huge_slot.meta_file.read_text()
    huge_slot.meta_file.write_text(meta.replace('"saved_at": ', '"saved_at": 1e400, "was": '))
    (folder / "20260101-000000-1-abcdef-1.rackstudio").mkdir()
    problems: list[str] = []
    found = recovery.pending(folder, problems)
    assert sorted(a.title for a in found) == ["Good", "Huge"]
    assert all(a.describe() for a in found)  # 1e400 falls back to the file's time
    assert len(problems) == 1 and "20260101-000000-1-abcdef-1.rackstudio: skipped: not a regular file" in problems[0]
    assert (folder / "20260101-000000-1-abcdef-1.rackstudio").is_dir()  # not ours to remove
