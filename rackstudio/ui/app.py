"""The GUI entry point, called by `rackstudio [FILE] [--screenshot OUT.png --view ...]`.

Steps (orange-canvas Main.run style): set up the application, create the main window, open the
file (a load error is a clear message and the app keeps an empty design), once the window has
painted start the plugins (failures are recorded, never fatal) and fill the parts library from
their catalog, offer to recover what a crashed session autosaved, then run — or, with --screenshot, render once, save
the PNG and exit. Uncaught exceptions go to ui.crash (recovery copies, a report, the app goes on).

RACKSTUDIO_STARTUP_REPORT=1 prints "first-paint <seconds>" to stderr when the main window first
paints (seconds since `rackstudio.cli` was imported); =exit also quits then (benchmarks).
A windowed build may have no stderr: messages for it are dropped, never raised.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import time

from rackstudio.errors import LoadError
from rackstudio.memory import gc_paused

_IMPORTED = time.perf_counter()
STARTUP_REPORT = "RACKSTUDIO_STARTUP_REPORT"
# The Qt-free modules the window imports. Once PySide6 is imported, its import hook
# (shibokensupport.feature) reads the source of every module imported after it, looking for
# "PySide6"; importing these first spares their ≈ 300 modules that (≈ 0.03 s CPU of a start-up).
CORE_FIRST = ("rackstudio.document", "rackstudio.commands", "rackstudio.checks", "rackstudio.recovery",
              "rackstudio.library.rack_design_files", "rackstudio.reports.diff",
              "rackstudio.reports.json_report", "rackstudio.reports.metrics_series", "rackstudio.reports.totals")
# Importing the app and building its window allocate a few hundred thousand objects that live as
# long as the process, in no reference cycles; the collections they set off walk them all (≈ 40 ms
# of the CPU before the first paint). The collector is paused from import_core_first until the
# window is built, and what exists then is moved out of its sight (memory.gc_paused).
_START_UP = contextlib.ExitStack()


def import_core_first() -> None:
    """Import CORE_FIRST, before PySide6 (a no-op once it is imported: nothing is gained then),
    with the collector paused until `main` has built the window."""
    if "PySide6" in sys.modules:
        return
    _START_UP.enter_context(gc_paused(freeze=True))
    import importlib

    for name in CORE_FIRST:
        importlib.import_module(name)


def _eprint(text: str) -> None:
    """Print to stderr when there is one (a windowed Windows build has none)."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):  # a closed or broken stream
        print(text, file=stream, flush=True)


def _headless() -> bool:
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux")


def main(args) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot and _headless():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import_core_first()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from rackstudio.ui import autosave, crash
    from rackstudio.ui.editing import EditingController
    from rackstudio.ui.guard import REPORT
    from rackstudio.ui.library_source import PartsLibrary
    from rackstudio.ui.main_window import MainWindow

    if sys.stderr is not None:
        logging.basicConfig(level=logging.WARNING, format="rackstudio: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("RackStudio")
    app.setOrganizationName("RackStudio")
    QGuiApplication.setDesktopFileName("rackstudio")
    restore_hooks = crash.install(REPORT)
    native_log = crash.native_crash_log()
    try:
        if screenshot:  # one render: everything first
            plugins = _start_plugins()
            window = MainWindow(library=_library(plugins))
            if plugins is not None:
                window.plugins = plugins
        else:
            window = MainWindow(library=PartsLibrary(source="library"))
            _plug_in_after_first_paint(window)
        _START_UP.close()  # the collector runs again (see _START_UP)
        report = os.environ.get(STARTUP_REPORT)
        if report and not screenshot:
            window.first_painted.connect(lambda: _startup_report(window, report))
        path = getattr(args, "file", None)
        if screenshot:
            from rackstudio.ui.screenshot import take_screenshot

            if path:
                try:
                    window.set_document(_load(path))
                except LoadError as exc:
                    _eprint(f"rackstudio: {exc.message}")
                    return exc.exit_code
            try:
                return take_screenshot(window, screenshot, getattr(args, "view", "hall") or "hall")
            finally:
                window.hide()
                window.deleteLater()
        window.show()

        def start() -> None:
            if path:
                window.open_path(path, ask=False)
            autosave.offer_recovery(window)

        QTimer.singleShot(0, start)
        return app.exec()
    finally:
        _START_UP.close()
        if native_log is not None:
            native_log.close()
        restore_hooks()
        autosave.close_session()
        EditingController.release_clipboard()


def _plug_in_after_first_paint(window) -> None:
    """Start the plugins and fill the palette from their catalog once the window has painted
    (discovery, manifests and the catalog were ≈ 80 ms before the first paint). The first full
    check asks for its rules right after that paint: if it comes first, it starts the plugins
    itself, so plugin rules are in the first run either way."""
    from PySide6.QtCore import QTimer

    started = []

    def plug_in() -> None:
        if started:
            return
        started.append(True)
        plugins = _start_plugins()
        if plugins is not None:
            window.plugins = plugins  # their rules join the checks from now on
        window.tools.set_library(_library(plugins))

    window.live_checks.prepare = plug_in  # Qt work: on the GUI thread, before the first run
    window.live_checks.registry_factory = window.tools.registry  # may run on the check's worker
    window.first_painted.connect(lambda: QTimer.singleShot(0, plug_in))


def _start_plugins():
    """The plugin manager (built-in parts, installed and drop-in plugins), or None if even that
    failed; failures inside are recorded by the manager and shown in Tools ▸ Plugins…."""
    try:
        from rackstudio.cli.rule_packs import start_plugins
        from rackstudio.ui.dialogs.plugins import load_disabled_plugins

        return start_plugins(disabled=load_disabled_plugins())
    except Exception as exc:  # plugins must never stop the app from starting
        logging.getLogger("rackstudio.ui").warning("plugins not loaded: %s", exc)
        return None


def _library(plugins):
    """The palette's library from the plugins' catalog (built-in, plugin and user parts) and their
    rack designs."""
    from rackstudio.ui.library_source import builtin_library, plugin_library

    if plugins is not None:
        try:
            return plugin_library(plugins)
        except Exception as exc:  # an unreadable catalog: the built-in library, as without plugins
            logging.getLogger("rackstudio.ui").warning("plugin parts not loaded: %s", exc)
    return builtin_library()


def _startup_report(window, mode: str) -> None:
    """Print the time to the first paint; with "exit", quit before anything else (the checks) runs."""
    started = getattr(sys.modules.get("rackstudio.cli"), "STARTED", _IMPORTED)
    _eprint(f"first-paint {time.perf_counter() - started:.3f}")
    if mode.strip().lower() == "exit":
        from PySide6.QtWidgets import QApplication

        window.live_checks.cancel()
        QApplication.instance().exit(0)


def _load(path):
    from rackstudio.document import Document

    document, _warnings = Document.open(path)
    return document
