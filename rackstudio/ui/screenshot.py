"""`rackstudio FILE --screenshot OUT.png [--view hall|rack:NAME]`: render the main window once,
save it as PNG, exit. Used for docs and by the frozen-build smoke test."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from rackstudio.cli.exit_codes import Exit
from rackstudio.ui.main_window import MainWindow


def _settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def take_screenshot(window: MainWindow, out: str | Path, view: str = "hall") -> int:
    app = QApplication.instance()
    window.resize(1600, 1000)
    window.show()
    _settle(app)
    view = view or "hall"
    if view.startswith("rack:"):
        names = [n.strip() for n in view[len("rack:"):].split(",") if n.strip()]
        design = window.editor.design
        by_name = {r.name: r.id for r in design.racks.values()}
        missing = [n for n in names if n not in by_name]
        if not names or missing:
            known = ", ".join(sorted(by_name)[:12]) or "none"
            print(f"rackstudio: no rack named {missing[0] if missing else '(empty)'!r} (racks: {known})",
                  file=sys.stderr)
            return Exit.USAGE
        for name in names:
            window.open_elevation(by_name[name])
        window.show_racks()
    elif view == "hall":
        window.show_hall()
    else:
        print(f"rackstudio: --view must be 'hall' or 'rack:NAME', not {view!r}", file=sys.stderr)
        return Exit.USAGE
    _settle(app)
    window.zoom_fit()
    _settle(app)
    pixmap = window.grab()
    if pixmap.isNull() or not pixmap.save(str(out), "PNG"):
        print(f"rackstudio: could not write the screenshot to {out}", file=sys.stderr)
        return Exit.FAILED
    return Exit.OK
