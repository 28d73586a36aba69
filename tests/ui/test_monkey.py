"""A monkey on the real main window: thousands of random clicks, double-clicks, right-clicks,
drags, palette drops, keys, typing, menu and context-menu actions and dialog answers, with the
real crash handler installed. After every action: no unexpected exception and no crash report;
every 250 actions and at the end: the design round-trips through its file format and the graph
equals a fresh build; at the end the live findings equal a full check, the design saves and
loads back the same, and undoing everything gives back the starting design byte for byte.

RACKSTUDIO_MONKEY_ACTIONS (default 400; `make soak` runs 10,000) and RACKSTUDIO_MONKEY_SEED
(default 1) set the run; a failure prints the seed and the last actions so it can be replayed.

Left out on purpose: New, Open, Close and Quit (they replace the design under test; their own
tests cover them) and dragging inside the docks (a real QDrag runs a nested event loop that
waits for a drop no offscreen test can make).
"""
from __future__ import annotations

import os
import random
from collections import Counter, deque

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGraphicsItem,
    QLineEdit,
    QMenu,
    QMessageBox,
)

from rackstudio import paths, recovery
from rackstudio.checks.engine import CheckEngine
from rackstudio.commands import Refused, add_row_of_racks
from rackstudio.document import Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import dumps, load, parse
from rackstudio.ui import guard
from rackstudio.ui.dialogs.connect import ConnectDialog
from rackstudio.ui.dialogs.fabric import FabricDialog
from rackstudio.ui.dialogs.network_preview import NetworkPreviewDialog
from rackstudio.ui.dialogs.record import RecordDialog
from rackstudio.ui.dialogs.row import RowDialog
from rackstudio.ui.library_source import builtin_library
from rackstudio.ui.main_window import MainWindow
from tests.ui.conftest import drag_drop

ACTIONS = int(os.environ.get("RACKSTUDIO_MONKEY_ACTIONS", "400"))
SEED = int(os.environ.get("RACKSTUDIO_MONKEY_SEED", "1"))
TRACE = os.environ.get("RACKSTUDIO_MONKEY_TRACE")
CHECK_EVERY = 250
LEFT_OUT = {"new", "open", "close", "quit"}
KEYS = [Qt.Key.Key_Delete, Qt.Key.Key_R, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down,
        Qt.Key.Key_Escape, Qt.Key.Key_F, Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_Return, Qt.Key.Key_Tab,
        Qt.Key.Key_Space, Qt.Key.Key_F5]
CTRL_KEYS = [Qt.Key.Key_Z, Qt.Key.Key_Y, Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_X, Qt.Key.Key_D, Qt.Key.Key_A,
             Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_S]
# the real dialogs, not the canned answers of conftest: the monkey answers them (see _answer)
REAL_ASK = {cls: cls.__dict__["ask"] for cls in (ConnectDialog, FabricDialog, NetworkPreviewDialog, RecordDialog,
                                                  RowDialog)}


class Monkey:
    def __init__(self, qtbot, window: MainWindow, rng: random.Random):
        self.qtbot, self.window, self.rng = qtbot, window, rng
        self.log: deque[str] = deque(maxlen=40)
        self.counts: Counter[str] = Counter()
        self.edits = 0  # commands pushed (merged nudges count once each)
        self.productive: Counter[str] = Counter()  # actions that pushed a command, by kind
        window.undo_stack.indexChanged.connect(self._count)
        self._index = window.undo_stack.index()

    def _count(self, index: int) -> None:
        if index > self._index:
            self.edits += index - self._index
        self._index = index

    # --- where --------------------------------------------------------------------------------
    def view(self):
        return self.window.current_view()

    def scene_point(self) -> QPointF:
        """A point on a rack or device half the time, on a rack face in an elevation a quarter of
        the time (where parts are dropped), anywhere in the view otherwise."""
        view = self.view()
        pick = self.rng.random()
        if pick < 0.5:
            items = [i for i in view.scene().items()
                     if i.isVisible() and i.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsSelectable]
            if items:
                rect = self.rng.choice(items).sceneBoundingRect()
                return QPointF(self.rng.uniform(rect.left(), rect.right()),
                               self.rng.uniform(rect.top(), rect.bottom()))
        blocks = list(self.window.elevation_view.elevations.blocks.values())
        if pick < 0.75 and view is self.window.elevation_view and blocks:
            block = self.rng.choice(blocks)
            x, y, w, h = (block.side_rect(self.rng.choice(["left", "right"])) if self.rng.random() < 0.15 else
                          block.face_rect(self.rng.choice(["front", "rear"])))
            return QPointF(self.rng.uniform(x, x + w), self.rng.uniform(y, y + h))
        vp = view.viewport().rect()
        return view.mapToScene(QPoint(self.rng.randrange(max(vp.width(), 1)), self.rng.randrange(max(vp.height(), 1))))

    def view_pos(self) -> QPoint:
        view = self.view()
        pos = view.mapFromScene(self.scene_point())
        vp = view.viewport().rect()
        return QPoint(min(max(pos.x(), 0), vp.width() - 1), min(max(pos.y(), 0), vp.height() - 1))

    def modifier(self):
        return self.rng.choice([Qt.KeyboardModifier.NoModifier] * 4 + [Qt.KeyboardModifier.ShiftModifier,
                                                                      Qt.KeyboardModifier.ControlModifier])

    # --- actions -------------------------------------------------------------------------------
    def click(self):
        pos, mod = self.view_pos(), self.modifier()
        self.qtbot.mouseClick(self.view().viewport(), Qt.MouseButton.LeftButton, mod, pos)
        return f"click {pos.x()},{pos.y()} {mod.name}"

    def double_click(self):
        pos = self.view_pos()
        scene = self.window.hall_view.hall_scene
        if self.view() is self.window.hall_view and scene.objects and self.rng.random() < 0.5:
            item = self.rng.choice(list(scene.objects.values()))  # open a rack's elevation, as users do
            pos = self.view().mapFromScene(item.sceneBoundingRect().center())
        self.qtbot.mouseDClick(self.view().viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        return f"double-click {pos.x()},{pos.y()}"

    def right_click(self):
        pos = self.view_pos()
        self.qtbot.mouseClick(self.view().viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pos)
        return f"right-click {pos.x()},{pos.y()}"

    def drag(self):
        viewport, mod = self.view().viewport(), self.modifier()
        a, b = self.view_pos(), self.view_pos()
        if self.rng.random() < 0.5:  # a short drag: a nudge-sized move of what is under the pointer
            b = a + QPoint(self.rng.randint(-40, 40), self.rng.randint(-40, 40))
        self.qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, mod, a)
        for i in range(1, 5):
            self.qtbot.mouseMove(viewport, a + (b - a) * i / 4)
        self.qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, mod, b)
        return f"drag {a.x()},{a.y()} → {b.x()},{b.y()} {mod.name}"

    def palette_drop(self):
        palette = self.window.palette_dock
        if self.rng.random() < 0.3:
            palette.search.setText(self.rng.choice(["", "nvl", "pdu", "dgx", "switch", "cdu", "rack", "blank", "zz"]))
        entries = palette.visible_entries()
        if not entries:  # filters that match nothing: clear them, as a user would
            palette.search.clear()
            palette.manufacturer.setCurrentIndex(0)
            palette.category.setCurrentIndex(0)
            entries = palette.visible_entries()
        on_floor = self.view() is self.window.hall_view
        suited = [r for r, e in enumerate(entries)  # racks, CDUs and coolers on the floor, parts in racks
                  if (e.kind == "rack-type" or e.category in ("cdu", "cooler")) == on_floor]
        row = self.rng.choice(suited) if suited and self.rng.random() < 0.8 else self.rng.randrange(len(entries))
        model = entries[row].model
        pos = self.view_pos()
        drag_drop(self.view().viewport(), palette.mime_for_row(row), pos)
        return (f"drop {model!r} at {pos.x()},{pos.y()} in {'hall' if on_floor else 'racks'} "
                f"({len(self.window.elevation_view.elevations.blocks)} open): {self.window.statusBar().currentMessage()}")

    def key(self):
        target = QApplication.focusWidget() or self.view().viewport()
        if self.rng.random() < 0.35:
            key, mod = self.rng.choice(CTRL_KEYS), Qt.KeyboardModifier.ControlModifier
        else:
            key, mod = self.rng.choice(KEYS), self.modifier()
        self.qtbot.keyClick(target, key, mod)
        return f"key {mod.name}+{key.name} to {type(target).__name__}"

    def type_text(self):
        widgets = [w for w in self.window.findChildren(QLineEdit) + self.window.findChildren(QAbstractSpinBox)
                   if w.isVisible() and w.isEnabled()]
        if not widgets:
            return "type: no field"
        widget = self.rng.choice(widgets)
        text = self.rng.choice(["0", "12", "-1", "1e9", "A", "rk", "🙂", "   ", "x" * 80, "nan", "4.5"])
        self.trace(f"typing {text[:12]!r} into {type(widget).__name__} {widget.objectName()!r} "
                   f"parent {type(widget.parent()).__name__} {widget.parent().objectName()!r}")
        widget.setFocus()
        self.qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        if text.isascii():
            self.qtbot.keyClicks(widget, text)
        else:  # QTest types ASCII only: send the key event a keyboard would
            for event_type in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(event_type, 0, Qt.KeyboardModifier.NoModifier, text))
        final = self.rng.choice([Qt.Key.Key_Return, Qt.Key.Key_Tab, Qt.Key.Key_Escape])
        self.trace(f"  then {final.name}; selection {self.window.selection.ids[:3]} inspector "
                   f"{[n for n, (_s, w) in self.window.inspector_dock.editors.items() if w is widget]}")
        self.qtbot.keyClick(widget, final)
        return f"type {text[:12]!r} into {widget.objectName() or type(widget).__name__}"

    def press_button(self):
        """Any visible button or combo of the window's docks and bars (not the views)."""
        buttons = [w for w in self.window.findChildren(QAbstractButton) + self.window.findChildren(QComboBox)
                   if w.isVisible() and w.isEnabled() and not _left_out(w)]
        if not buttons:
            return "button: none"
        widget = self.rng.choice(buttons)
        if isinstance(widget, QComboBox):
            if widget.count():
                widget.setCurrentIndex(self.rng.randrange(widget.count()))
                widget.activated.emit(widget.currentIndex())
            return f"combo {widget.objectName() or type(widget).__name__} → {widget.currentText()[:30]!r}"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        return f"button {widget.text() or widget.toolTip()[:30] or type(widget).__name__!r}"

    def menu_action(self):
        actions = [(i, a) for i, a in self.window.actions_by_id.items() if i not in LEFT_OUT and a.isEnabled()]
        if not actions:  # presentation mode: every action is off
            return "menu: nothing enabled"
        action_id, action = self.rng.choice(actions)
        action.trigger()
        return f"menu {action_id}"

    def choose_tab(self):
        self.window.tabs.setCurrentIndex(self.rng.randrange(self.window.tabs.count()))
        return f"tab {self.window.tabs.currentIndex()}"

    CHOICES = ((click, 22), (double_click, 4), (right_click, 4), (drag, 18), (palette_drop, 12), (key, 14),
               (type_text, 6), (press_button, 8), (menu_action, 8), (choose_tab, 4))

    def present(self):
        """In presentation mode the window is locked: the presenter steps through slides or leaves."""
        screen = self.window.presentation.screen
        key = self.rng.choice([Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Space,
                               Qt.Key.Key_Escape])
        self.qtbot.keyClick(screen, key)
        return f"presenting: {key.name}"

    def trace(self, text: str) -> None:
        """With RACKSTUDIO_MONKEY_TRACE=FILE each action is written before it runs (a crash of the
        interpreter itself leaves no Python traceback)."""
        if TRACE:
            with open(TRACE, "a") as handle:
                handle.write(text + "\n")

    def end_simulation(self):
        """Simulating failures, clicks fail things instead of editing: users leave with Esc."""
        self.qtbot.keyClick(self.view().viewport(), Qt.Key.Key_Escape)
        return "Esc: end the failure simulation"

    def step(self) -> str:
        what = self.rng.choices([c for c, _ in self.CHOICES], [w for _, w in self.CHOICES])[0]
        if self.window.presentation.screen is not None:
            what = Monkey.present
        elif self.window.failure_simulation.active and self.rng.random() < 0.2:
            what = Monkey.end_simulation
        self.counts[what.__name__] += 1
        self.trace(what.__name__)
        before = self.edits
        text = what(self)
        if self.edits > before:
            self.productive[what.__name__] += 1
        self.close_popups()
        QApplication.processEvents()
        return text

    def close_popups(self):
        """A context menu or combo list left open: pick an entry or dismiss it, as a user would."""
        for _ in range(3):
            popup = QApplication.activePopupWidget()
            if popup is None:
                return
            if isinstance(popup, QMenu) and self.rng.random() < 0.6:
                actions = [a for a in popup.actions() if a.isEnabled() and not a.isSeparator() and a.menu() is None
                           and a.objectName().removeprefix("action_") not in LEFT_OUT]
                popup.close()
                if actions:
                    action = self.rng.choice(actions)
                    self.log.append(f"  context menu: {action.text()}")
                    action.trigger()
            else:
                popup.close()


def _left_out(widget) -> bool:
    action = getattr(widget, "defaultAction", lambda: None)()
    return action is not None and action.objectName().removeprefix("action_") in LEFT_OUT


def _answer(rng: random.Random):
    """QDialog.exec for the monkey: press OK (the dialog's own validation decides) or Cancel."""
    def exec_(dialog):
        box = dialog.findChild(QDialogButtonBox)
        ok = box.button(QDialogButtonBox.StandardButton.Ok) if box is not None else None
        if ok is not None and ok.isEnabled() and rng.random() < 0.6:
            ok.click()
        if dialog.result() != QDialog.DialogCode.Accepted:
            dialog.reject()
        return dialog.result()
    return exec_


def _add_empty_racks(document: Document) -> None:
    """The example pod's racks are full: a row of four empty 48U racks gives drops and moves room."""
    design = document.design
    rack_type = design.rack_types["generic-rack-48u-600x1200"]
    for x, y in ((2400, 7200), (2400, 600), (600, 600)):
        try:
            document.execute(add_row_of_racks(design, rack_type, "hall-1", "M", 4, x, y, "S"))
            return
        except Refused:
            continue
    raise AssertionError("no room for the monkey's empty row")


def _consistent(window: MainWindow) -> None:
    design = window.editor.design
    text = dumps(design)
    assert dumps(parse(text).design) == text, "the design does not round-trip through its file format"
    assert window.document.graph.snapshot() == ComponentGraph(design).snapshot(), "graph differs from a fresh build"


@pytest.fixture
def monkey_window(qtbot, monkeypatch, dialogs, strict_errors, tmp_path):
    from rackstudio.ui import crash

    for cls, ask in REAL_ASK.items():
        monkeypatch.setattr(cls, "ask", ask)
    rng = random.Random(SEED)
    monkeypatch.setattr(QDialog, "exec", _answer(rng))
    dialogs.question = 0  # neither Save nor Discard: "Cancel" to every question
    dialogs.save_path = str(tmp_path / "monkey.rackstudio")
    dialogs.text = ("monkey", True)
    report = guard.REPORT
    report.unexpected = report._unexpected  # the real crash handler: it must never write a report
    crash._recent.clear()
    uninstall = crash.install(report)
    document, _ = Document.open(paths.example_design())
    document.path = tmp_path / "pod.rackstudio"  # Save writes here, never the example
    _add_empty_racks(document)
    window = MainWindow(document, builtin_library())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.live_checks.engine is not None, timeout=30000)
    yield window, rng
    uninstall()
    report.unexpected = strict_errors.append


@pytest.fixture(params=["checked at once", "wide edits on the worker"])
def deferring(request, monkeypatch):
    """The second run checks the pod as a large design is checked: every edit's update would run
    in full, and each such run goes to the worker (`CheckEngine.defer_full`) while the monkey goes
    on: undos, redos and edits meet runs going and runs taken."""
    if request.param == "wide edits on the worker":
        from rackstudio.checks import engine as engine_module
        from rackstudio.ui import live_checks

        monkeypatch.setattr(live_checks, "BACKGROUND_RECORDS", 0)
        monkeypatch.setattr(engine_module, "FULL_RUN_INSTEAD", 0)
        monkeypatch.setattr(engine_module, "_cheaper_in_full", lambda pairs, design: True)
    return request.param


def test_random_gui_actions_break_nothing(qtbot, deferring, monkey_window, user_data, strict_errors, dialogs):
    window, rng = monkey_window
    start = dumps(window.editor.design)
    monkey = Monkey(qtbot, window, rng)
    for n in range(1, ACTIONS + 1):
        try:
            monkey.log.append(f"{n}: {monkey.step()}")
            monkey.trace(monkey.log[-1])
            reports = recovery.crash_reports(user_data / "crash-reports")
            assert not reports, reports[0].read_text()
            assert not strict_errors, strict_errors
            if n % CHECK_EVERY == 0:
                _consistent(window)
        except BaseException:
            print(f"monkey seed {SEED}, action {n}; last actions:\n" + "\n".join(monkey.log))
            raise
    print(f"monkey: {ACTIONS} actions, seed {SEED}: {dict(monkey.counts)}; {monkey.edits} edits pushed, "
          f"undo stack {window.undo_stack.count()}; edits by kind {dict(monkey.productive)}")
    # the end: consistent, the live findings are a full check's, it saves and loads back
    for dialog in QApplication.topLevelWidgets():
        if isinstance(dialog, QDialog) and dialog.isVisible():
            dialog.close()
    window.presentation.stop()
    _consistent(window)
    qtbot.waitUntil(lambda: not window.live_checks.running, timeout=60000)
    design = window.editor.design
    live = sorted(f.key for f in window.live_checks.findings())
    full = CheckEngine(design, ComponentGraph(design), window.live_checks.engine.registry)
    assert live == sorted(f.key for f in full.run_full())
    # exports may have written over the design's file (they share the dialog's answer): Save asks
    # before replacing a file changed on disk, and this answer replaces it
    dialogs.question = QMessageBox.StandardButton.Save
    assert window.save()
    assert dumps(load(window.document.path).design) == dumps(design)
    # undo all: the example, byte for byte
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert dumps(window.editor.design) == start
    qtbot.waitUntil(lambda: not window.live_checks.running, timeout=60000)  # a run the undos left to the worker
    assert sorted(f.key for f in window.live_checks.findings()) == sorted(
        f.key for f in CheckEngine(design, ComponentGraph(design), window.live_checks.engine.registry).run_full())
    assert recovery.crash_reports(user_data / "crash-reports") == []
