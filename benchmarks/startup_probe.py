"""Child process of bench_startup: runs the GUI exactly as `rackstudio FILE` does (cli.main), and
prints the wall-clock time at which the hall view has finished painting the opened design (and
the process's CPU time then), then quits. The app has no first-paint hook, so the hall view's paintEvent is wrapped from outside."""
from __future__ import annotations

import json
import sys
import time


def main(path: str) -> int:
    from rackstudio.ui.app import import_core_first

    import_core_first()  # as cli.main does, before this probe's own Qt imports
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QGraphicsView

    from rackstudio.ui.hall.view import HallView

    done = []

    def paint_event(view, event) -> None:
        QGraphicsView.paintEvent(view, event)
        if not done and view.editor.design.racks:
            done.append(time.time())
            print(json.dumps({"first_paint": done[0], "cpu": time.process_time()}), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)

    HallView.paintEvent = paint_event

    from rackstudio.cli import main as cli_main

    return cli_main([path])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
