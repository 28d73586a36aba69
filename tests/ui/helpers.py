"""Small helpers for driving the editor's widgets in tests."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from rackstudio.ui import elevation_layout as lay


def palette_mime(window, model: str):
    """Search the palette for `model` and return the drag payload its row starts."""
    palette = window.palette_dock
    palette.search.setText(model)
    for row, entry in enumerate(palette.visible_entries()):
        if entry.model == model:
            return palette.mime_for_row(row)
    raise AssertionError(f"{model!r} is not in the palette: {[e.model for e in palette.visible_entries()]}")


def to_view(view, scene_point: QPointF) -> QPoint:
    return view.mapFromScene(scene_point)


def unit_point(window, rack_id: str, position: float, face: str = "front", height: float = 1,
               lateral: str | None = None) -> QPointF:
    """Scene point at the centre of where a `height`-U device at `position` would be drawn."""
    block = window.elevation_view.elevations.blocks[rack_id]
    return QRectF(*block.span_rect(face, position, height, lateral)).center()


def side_point(window, rack_id: str, side: str, face: str = "front") -> QPointF:
    """The middle of a side channel beside `face` (a 0U device dropped there mounts on that face)."""
    block = window.elevation_view.elevations.blocks[rack_id]
    return QRectF(*block.side_rect(side, face)).center()


def rack_centre(window, rack_id: str) -> QPointF:
    item = window.hall_view.hall_scene.objects[rack_id]
    return item.pos() + QPointF(item.size[0] / 2, item.size[1] / 2)


def mouse_drag(qtbot, view, start: QPointF, end: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at scene point `start`, move in steps to `end`, release."""
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, a)
    for i in range(1, 5):
        qtbot.mouseMove(viewport, a + (b - a) * i / 4)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, b)


def click(qtbot, view, at: QPointF, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, view.mapFromScene(at))


def double_click(qtbot, widget, at: QPoint) -> None:
    """One double-click as the window system delivers it: press and release, then the second
    press as a double-click (QTest's mouseDClick sends only the second half)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=at)


def run_app(tmp_path, session_body: str):
    """`rackstudio` in another process, offscreen, its user data and settings in tmp_path;
    `session_body` runs in place of the event loop with `window` (the main window) at hand.
    Returns the CompletedProcess (a crash shows in its returncode)."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = f"""
import sys
sys.path.insert(0, {str(root)!r})
from PySide6.QtWidgets import QApplication
from rackstudio.ui.main_window import MainWindow

def session(self=None):
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
{textwrap.indent(textwrap.dedent(session_body), "    ")}
    return 0

QApplication.exec = session
from rackstudio.cli import main
sys.exit(main([]))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)


def undo_texts(window) -> list[str]:
    stack = window.undo_stack
    return [stack.text(i) for i in range(stack.count())]


__all__ = ["lay", "palette_mime", "to_view", "unit_point", "side_point", "rack_centre", "mouse_drag", "click",
           "undo_texts", "run_app"]


def add_hall_and_power_chain(window, dialogs) -> None:
    """Insert ▸ Hall (12 × 9 m), two UPSes and two panels (A and B), through the menu's dialogs."""
    dialogs.record_overrides = {"width_mm": 12000.0, "depth_mm": 9000.0}
    window.actions_by_id["add_hall"].trigger()
    dialogs.record_overrides = {}
    for action in ("add_ups", "add_ups", "add_panel", "add_panel"):
        window.actions_by_id[action].trigger()


def hall_and_power_chain(doc) -> None:
    """The same as `add_hall_and_power_chain`, as core commands on a Document over an empty design."""
    from rackstudio.commands import AddRecord
    from rackstudio.model.design import Hall, Panel, Ups

    d = doc.design
    doc.execute(AddRecord("halls", Hall(id=d.new_id("hall"), name="Hall 1", width_mm=12000, depth_mm=9000)))
    doc.execute(AddRecord("upses", Ups(id=d.new_id("ups"), name="UPS A", capacity_kw=1000, side="A")))
    doc.execute(AddRecord("upses", Ups(id=d.new_id("ups"), name="UPS B", capacity_kw=1000, side="B")))
    doc.execute(AddRecord("panels", Panel(id=d.new_id("pnl"), name="Panel A", side="A", ups="ups-1")))
    doc.execute(AddRecord("panels", Panel(id=d.new_id("pnl"), name="Panel B", side="B", ups="ups-2")))
