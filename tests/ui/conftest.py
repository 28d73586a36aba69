"""GUI test set-up: offscreen Qt, isolated QSettings, modal dialogs replaced (nothing blocks),
unexpected errors in slots fail the test, and drag-and-drop synthesised with real Qt events
(QTest cannot start a drag)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from rackstudio.document import Document  # noqa: E402
from rackstudio.ui import guard  # noqa: E402
from rackstudio.ui.dialogs.connect import ConnectDialog  # noqa: E402
from rackstudio.ui.dialogs.fabric import FabricDialog  # noqa: E402
from rackstudio.ui.dialogs.network_preview import NetworkPreviewDialog  # noqa: E402
from rackstudio.ui.dialogs.power_plan import PowerPlanDialog  # noqa: E402
from rackstudio.ui.dialogs.record import RecordDialog  # noqa: E402
from rackstudio.ui.dialogs.row import RowDialog  # noqa: E402
from rackstudio.ui.library_source import PartsLibrary  # noqa: E402
from tests.core import builders  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield tmp_path / "qsettings"


@pytest.fixture(autouse=True, scope="session")
def release_clipboard(qapp):
    """As the app does when it exits: Qt must not delete Python-made clipboard data after Python
    has shut down (the test process would crash on the way out)."""
    yield
    from rackstudio.ui.editing import EditingController

    EditingController.release_clipboard()


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    """Autosaves and crash reports go to a folder of the test's own (platformdirs reads
    XDG_DATA_HOME on Linux); the autosave session is closed after the test."""
    from rackstudio import paths
    from rackstudio.ui import autosave

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setattr(paths, "user_data", lambda: tmp_path / "xdg-data" / "RackStudio")
    autosave.close_session()
    yield tmp_path / "xdg-data" / "RackStudio"
    autosave.close_session()


@pytest.fixture(autouse=True)
def strict_errors():
    """An unexpected exception inside a guarded slot fails the test instead of showing a message."""
    seen: list[BaseException] = []
    report = guard.REPORT
    saved = (report.status, report.message, report.unexpected)
    report.unexpected = seen.append
    yield seen
    report.status, report.message, report.unexpected = saved
    assert not seen, f"unexpected errors in slots: {seen!r}"


@dataclass
class Dialogs:
    """Answers the replaced dialogs give, and what they were asked."""

    question: Any = QMessageBox.StandardButton.Discard
    open_path: str = ""
    save_path: str = ""
    text: tuple[str, bool] = ("", False)
    item: tuple[str, bool] = ("", False)  # QInputDialog.getItem: Cancel unless a test chooses
    connect: list = field(default_factory=list)  # ConnectChoice answers, in order
    row: Any = None
    fabric: Any = None
    power_plan_apply: bool = True
    power_plans: list = field(default_factory=list)  # the preview dialogs built, for their figures
    cable_preview: bool = True  # the network helpers' preview: cable (True) or cancel
    record_overrides: dict = field(default_factory=dict)
    shown: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    d = Dialogs()

    def message(kind):
        def show(parent, title, text, *args, **kwargs):
            d.shown.append((kind, text))
            return d.question if kind == "question" else QMessageBox.StandardButton.Ok
        return staticmethod(show)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, message(kind))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a, **k: d.shown.append(("about", ""))))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (d.open_path, "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (d.save_path, "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: d.text))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: d.item))
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a, **k: d.connect.pop(0) if d.connect else None))
    monkeypatch.setattr(RowDialog, "ask", classmethod(lambda cls, *a, **k: d.row))
    monkeypatch.setattr(FabricDialog, "ask", classmethod(lambda cls, *a, **k: d.fabric))
    monkeypatch.setattr(NetworkPreviewDialog, "ask", classmethod(lambda cls, *a, **k: d.cable_preview))

    def record_ask(cls, parent, design, model, title, defaults):
        dialog = cls(design, model, title, {**defaults, **d.record_overrides}, parent)
        return dialog.build()

    monkeypatch.setattr(RecordDialog, "ask", classmethod(record_ask))

    def power_plan_ask(cls, parent, design, plan):
        d.power_plans.append(cls(design, plan, parent))
        return d.power_plan_apply

    monkeypatch.setattr(PowerPlanDialog, "ask", classmethod(power_plan_ask))
    return d


def tiny_library() -> PartsLibrary:
    b = builders
    return PartsLibrary([b.server(), b.switch(), b.pdu(), b.blank(), b.half_width(), b.chassis(), b.node(),
                         b.cdu()], [b.rack_type()])


@pytest.fixture
def make_window(qtbot):
    from rackstudio.ui.main_window import MainWindow

    def make(design=None, path=None):
        window = MainWindow(Document(design if design is not None else builders.empty_design(), path),
                            tiny_library())
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def pod(window):
    """A window over a hall with a row of two racks (A01, A02) and a server "srv" in A01 at U1;
    the history starts empty. Returns (window, design, A01 id, A02 id)."""
    from rackstudio.commands import PlaceDevice, add_row_of_racks

    design = window.editor.design
    window.editor.execute(add_row_of_racks(design, builders.rack_type(), "hall-1", "A", 2, 1200, 1200, "S"))
    r1, r2 = sorted(design.racks, key=lambda r: design.racks[r].name)
    window.editor.execute(PlaceDevice(builders.server(), rack=r1, position=1, device_id="srv"))
    window.undo_stack.clear()
    return window, design, r1, r2


# --- drag and drop ---------------------------------------------------------------------------------

def _event_pos(pos) -> QPointF:
    return QPointF(pos) if not isinstance(pos, QPointF) else pos


def drag_move(viewport, mime: QMimeData, pos: QPoint, enter: bool = True) -> bool:
    """Send drag-enter (optionally) and drag-move at `pos`; True when the move was accepted."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    if enter:
        ev = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, ev)
    ev = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, ev)
    return ev.isAccepted()


def drag_drop(viewport, mime: QMimeData, pos: QPoint) -> bool:
    """A whole drag: enter, move, drop at `pos` (the drop is sent even when the move was refused,
    to prove a refused drop changes nothing). Returns whether the last move was accepted."""
    accepted = drag_move(viewport, mime, pos)
    drop = QDropEvent(_event_pos(pos), Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    return accepted


def drag_leave(viewport) -> None:
    QApplication.sendEvent(viewport, QDragLeaveEvent())
