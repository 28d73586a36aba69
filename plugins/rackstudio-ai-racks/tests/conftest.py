"""Run against the installed plugin (`pip install -e plugins/rackstudio-ai-racks`), or from a plain
checkout with src/ on the path; RackStudio itself must be importable. User folders are isolated."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    import rackstudio_ai_racks  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    for name, sub in (("HOME", "home"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                      ("XDG_CONFIG_HOME", "config")):
        monkeypatch.setenv(name, str(tmp_path / sub))
