"""Qt-free entry point. `rackstudio [FILE]` opens the app; headless subcommands run without Qt.

Exit codes for every subcommand are `exit_codes.Exit`: 0 success, 1 findings at the fail-on level
(or parts and plugins that failed), 2 a file that cannot be loaded, 64 a usage error.
Each subcommand lives in its own module here with `add_parser(subparsers)` and `run(args)`.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from contextlib import contextmanager

from rackstudio._version import __version__
from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import RackStudioError

STARTED = time.perf_counter()  # the GUI's start-up report (RACKSTUDIO_STARTUP_REPORT) counts from here


# subcommand name -> module under rackstudio.cli
SUBCOMMANDS = {
    "info": "info",
    "check": "check",
    "parts": "parts",
    "diff": "diff",
    "export": "export",
    "generate": "generate",
    "plugins": "plugins",
    "netbox": "netbox",
}


class UsageError(Exception):
    pass


class VisibleText:
    """A text stream that writes control characters as escapes: a name holding ESC [ 2 J or a
    bell reaches the terminal as `\x1b[2J`, never as a command to it (every subcommand's text
    output, and its errors, go through one)."""

    def __init__(self, stream):
        from rackstudio.model.text import visible

        self._stream = stream
        self._visible = visible

    def write(self, text: str) -> int:
        return self._stream.write(self._visible(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def visible_output():
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleText(out), VisibleText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 64 instead of 2."""

    def error(self, message: str):  # noqa: D401 - argparse override
        raise UsageError(f"{self.prog}: {message}")


def _available(only: str | None = None) -> dict[str, object]:
    """The subcommand modules present in this build (only `only`, when given, so one broken
    subcommand cannot take the others down)."""
    modules = {}
    for name, module in SUBCOMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            modules[name] = importlib.import_module(f"rackstudio.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"rackstudio.cli.{module}":
                raise
    return modules


def build_parser(modules: dict[str, object]) -> Parser:
    parser = Parser(prog="rackstudio", description="Design AI data-center racks and halls.")
    parser.add_argument("--version", action="version", version=f"RackStudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in modules.values():
        module.add_parser(sub)
    return parser


def gui_parser() -> Parser:
    parser = Parser(prog="rackstudio", description="Open RackStudio (subcommands: "
                    + ", ".join(SUBCOMMANDS) + ").")
    parser.add_argument("--version", action="version", version=f"RackStudio {__version__}")
    parser.add_argument("file", nargs="?", help="a .rackstudio design to open")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the window once, save it, exit")
    parser.add_argument("--view", default="hall", help="hall or rack:NAME (with --screenshot)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            modules = _available(argv[0])
            if argv[0] not in modules:
                raise UsageError(f"rackstudio: '{argv[0]}' is not available in this build")
            args = build_parser(modules).parse_args(argv)
            with visible_output():
                return int(modules[args.command].run(args) or 0)
        if argv and argv[0] in ("-h", "--help"):
            build_parser(_available()).print_help()
            return Exit.OK
        args = gui_parser().parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return Exit.USAGE
    except RackStudioError as exc:
        print(f"rackstudio: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", Exit.LOAD)
    except BrokenPipeError:
        return Exit.OK
    from rackstudio.ui.app import main as gui_main  # Qt only on the GUI path

    return gui_main(args)
