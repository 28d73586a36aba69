"""Qt-free. Where RackStudio's files live: its bundled resources and the user's folders.

Resources are found in one of three places, in order: a frozen bundle (PyInstaller's
`sys._MEIPASS`), an installed wheel (`rackstudio/resources`), or the source tree
(`<repo>/resources`, for editable installs). Nothing else builds a resource path.
"""
from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import platformdirs

APP_NAME = "RackStudio"
APP_AUTHOR = "RackStudio"


@cache
def resources() -> Path:
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    package = Path(__file__).resolve().parent
    candidates += [package / "resources", package.parent / "resources"]
    for path in candidates:
        if (path / "builtin").is_dir():
            return path
    raise FileNotFoundError("RackStudio's resources folder is missing from this installation: looked in "
                            + ", ".join(str(p) for p in candidates))


def builtin_parts() -> Path:
    return resources() / "builtin"


def examples() -> Path:
    return resources() / "examples"


def example_design() -> Path:
    return examples() / "ai-pod.rackstudio"


def icons() -> Path:
    return resources() / "icons"


def user_data() -> Path:
    """Autosaves, crash reports, the user's own parts (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_parts() -> Path:
    return user_data() / "parts"


def user_cache() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def user_config() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
