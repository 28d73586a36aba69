"""Qt-free. The exit codes of every `rackstudio` subcommand, defined once.

argparse's own usage status (2) would be ambiguous with "cannot load", so usage errors exit 64
(EX_USAGE of sysexits.h).
"""
from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILED = 1  # findings at the --fail-on level, or parts / plugins that failed their check
    LOAD = 2  # a file that cannot be loaded
    USAGE = 64  # a usage error, or an export that cannot be made as asked
