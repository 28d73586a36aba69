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
