"""Saving never leaves a partial file: fail the save at every step in turn, and kill saving
processes at random moments; the old file or the new one is always there, whole and loadable."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rackstudio.errors import SaveError
from rackstudio.io import dumps, load, project_file, save
from tests.core.test_project_file import small_design

ROOT = Path(__file__).resolve().parents[2]


class Boom(OSError):
    pass


def _steps():
    """Every system call the save makes, as (module attribute to patch, label)."""
    return [("os.fdopen", "open temp"), ("os.fsync", "fsync"), ("shutil.copy2", "backup copy"),
            ("os.replace", "rename"), ("tempfile.mkstemp", "create temp")]


@pytest.mark.parametrize(("target", "label"), _steps(), ids=[s[1] for s in _steps()])
def test_a_failing_step_leaves_the_old_file(tmp_path, monkeypatch, target, label):
    path = tmp_path / "pod.rackstudio"
    old = small_design()
    save(old, path)
    before = path.read_bytes()
    new = small_design()
    new.name = "changed"
    module_name, attr = target.split(".")
    module = {"os": os, "shutil": shutil, "tempfile": project_file.tempfile}[module_name]

    def fail(*args, **kwargs):
        raise Boom(5, f"injected failure at {label}")

    monkeypatch.setattr(module, attr, fail)
    with pytest.raises(SaveError, match=label):
        save(new, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load(path).design.name == "test"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failing_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "pod.rackstudio"
    save(small_design(), path)
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            raise Boom(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(SaveError, match="No space left"):
        save(small_design(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before


KILL_SCRIPT = """
import sys
from rackstudio.io import save, parse
text = open(sys.argv[1]).read()
design = parse(text).design
i = 0
while True:
    design.name = f"revision {i}"
    save(design, sys.argv[2])
    if i == 0:
        print("saving", flush=True)
    i += 1
"""


def test_killed_saves_never_leave_a_partial_file(tmp_path):
    """SIGKILL a process that saves in a loop, at random moments (CI runs 20; `make soak` 200)."""
    trials = int(os.environ.get("RACKSTUDIO_KILL_TRIALS", "20"))
    source = tmp_path / "source.rackstudio"
    source.write_text(dumps(small_design()))
    target = tmp_path / "pod.rackstudio"
    save(small_design(), target)
    rng = random.Random(7)
    saved_by_child = 0
    for _ in range(trials):
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(source), str(target)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline() == "saving\n"  # the child is in its save loop
        time.sleep(rng.random() * 0.05)  # a random moment within the next saves
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = load(target).design  # whole and loadable, old or new
        assert loaded.name == "test" or loaded.name.startswith("revision ")
        saved_by_child += loaded.name.startswith("revision ")
    assert saved_by_child == trials  # every kill landed while the child was saving


# --- filesystem attacks and a full disk during the backup -----------------------------------------

def test_a_full_disk_while_backing_up_keeps_the_previous_backup(tmp_path, monkeypatch):
    """The backup copy runs out of space half-way: the old .bak stays whole and loadable."""
    path = tmp_path / "pod.rackstudio"
    first = small_design()
    first.name = "first"
    save(first, path)
    save(small_design(), path)  # pod.rackstudio.bak now holds "first"
    bak = tmp_path / "pod.rackstudio.bak"
    good_backup, good_file = bak.read_bytes(), path.read_bytes()
    real_copy = shutil.copy2

    def half_copy(src, dst, **kwargs):
        with open(dst, "wb") as out:
            out.write(Path(src).read_bytes()[:100])
        raise Boom(28, "No space left on device")

    monkeypatch.setattr(shutil, "copy2", half_copy)
    with pytest.raises(SaveError, match="No space left"):
        save(small_design(), path)
    monkeypatch.setattr(shutil, "copy2", real_copy)
    assert bak.read_bytes() == good_backup and load(bak).design.name == "first"
    assert path.read_bytes() == good_file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.rackstudio", "pod.rackstudio.bak"]


def test_a_planted_backup_link_is_replaced_not_written_through(tmp_path):
    """Someone with write access to a shared folder links pod.rackstudio.bak to another file:
    saving replaces the link with the backup and leaves that file alone."""
    path = tmp_path / "pod.rackstudio"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    save(small_design(), path)
    bak = tmp_path / "pod.rackstudio.bak"
    bak.symlink_to(victim)
    before = path.read_bytes()
    save(small_design(), path)
    assert victim.read_text() == "precious\n"
    assert not bak.is_symlink() and bak.read_bytes() == before


def test_a_symlinked_design_is_saved_through_its_link_which_is_kept(tmp_path):
    """A design opened through a link: the real file is replaced (atomically, beside itself), the
    link still points at it, and the backup sits beside the real file."""
    real_folder, link_folder = tmp_path / "real", tmp_path / "links"
    real_folder.mkdir()
    link_folder.mkdir()
    real = real_folder / "pod.rackstudio"
    save(small_design(), real)
    link = link_folder / "pod.rackstudio"
    link.symlink_to(real)
    design = small_design()
    design.name = "through the link"
    save(design, link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert load(real).design.name == "through the link"
    assert load(real_folder / "pod.rackstudio.bak").design.name == "test"
    assert sorted(p.name for p in link_folder.iterdir()) == ["pod.rackstudio"]


def test_a_model_that_would_not_load_is_not_saved_over_a_good_file(tmp_path):
    """A model changed behind the commands' back (a device deleted under its cables): saving it
    would write a file that refuses to load, so save refuses and the file stays as it was."""
    from rackstudio.errors import UnloadableDesign

    path = tmp_path / "pod.rackstudio"
    design = small_design()
    save(design, path)
    before = path.read_bytes()
    del design.devices["srv-1"]  # its power cable now dangles
    with pytest.raises(UnloadableDesign, match=r"would not load again \(\$\.connections\.[^ ]+\.a\.owner: refers to 'srv-1'"):
        save(design, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.rackstudio"]


def test_a_file_changed_on_disk_since_it_was_read_is_noticed(tmp_path):
    from rackstudio.document import Document

    path = tmp_path / "pod.rackstudio"
    save(small_design(), path)
    document, _ = Document.open(path)
    assert not document.changed_on_disk()
    other = small_design()
    other.name = "someone else's"
    save(other, path)
    assert document.changed_on_disk() and not document.changed_on_disk(tmp_path / "copy.rackstudio")
    document.save(path)
    assert not document.changed_on_disk()
