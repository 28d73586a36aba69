"""Review comments and sign-off. A comment is pinned to a rack, device, connection or finding (or
the design), with its author (a preference, else the OS user), an ISO time, text and open/resolved
status; adding, resolving, reopening, editing and deleting are AddRecord / SetProperty /
RemoveRecord commands, so they undo like any edit. "Mark reviewed" appends a ReviewRecord
(reviewer, date, note, revision) with SetDesignField("reviews", ...).

The Comments panel lists them (open first), shows the review record, and selects a comment's
target in the views; open comments show as markers (a bubble with their count) on the floor
plan's racks and on devices and racks in the elevations.
"""
from __future__ import annotations

import datetime
import getpass

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QFormLayout,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.commands import AddRecord, RemoveRecord, SetDesignField, SetProperty
from rackstudio.model.design import Design
from rackstudio.model.review import Comment, ReviewRecord
from rackstudio.ui import prefs
from rackstudio.ui.dialogs import add_ok_cancel
from rackstudio.ui.forms import typed_text
from rackstudio.ui.guard import guarded

AUTHOR_KEY = "review/author"
OPEN_COLOUR = QColor(245, 180, 30)


def author() -> str:
    """Who is writing: the Review ▸ author preference, else the operating-system user."""
    name = str(prefs.settings().value(AUTHOR_KEY, "") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


def set_author(name: str) -> None:
    s = prefs.settings()
    s.setValue(AUTHOR_KEY, name.strip())
    s.sync()


def now() -> str:
    """The local time in ISO 8601 with its UTC offset, to the second."""
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def is_finding_key(target: str | None) -> bool:
    """A finding's key is '<rule id>:<object>+<object>#<aspect>'; record ids hold no colon."""
    return bool(target) and ":" in target


def target_objects(design: Design, target: str | None) -> list[str]:
    """The records a comment points at: the target itself, or a finding key's objects."""
    if not target:
        return []
    if design.kind_of(target) is not None:
        return [target]
    if is_finding_key(target):
        objects = target.split(":", 1)[1].split("#", 1)[0]
        return [o for o in objects.split("+") if design.kind_of(o) is not None]
    return []


def target_name(design: Design, target: str | None) -> str:
    if not target:
        return "design"
    obj = design.get(target)
    if obj is not None:
        kind = design.kind_of(target)[:-1].replace("connection", "cable")
        return f"{kind} {getattr(obj, 'name', None) or getattr(obj, 'label', None) or target}"
    return f"finding {target}" if is_finding_key(target) else target


# --- dialogs -------------------------------------------------------------------------------------------

class CommentDialog(QDialog):
    """What the comment is about (the selection, a finding about it, or the design) and its text."""

    def __init__(self, choices: list[tuple[str, str | None]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Add comment")
        form = QFormLayout(self)
        self.target = QComboBox()
        for label, target in choices:
            self.target.addItem(label, target)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("What should the team look at?")
        form.addRow("On", self.target)
        form.addRow("Comment", self.text)
        add_ok_cancel(self, form)

    @classmethod
    def ask(cls, parent, choices: list[tuple[str, str | None]]) -> tuple[str | None, str] | None:
        dialog = cls(choices, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.text.toPlainText().strip():
            return None
        return dialog.target.currentData(), dialog.text.toPlainText().strip()


class ReviewDialog(QDialog):
    """Sign-off: reviewer (remembered as the author), date and a note."""

    def __init__(self, reviewer: str, date: str, revision: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Mark revision {revision} reviewed")
        form = QFormLayout(self)
        self.reviewer = typed_text(QLineEdit(reviewer), "reviewer")
        self.date = typed_text(QLineEdit(date), "date")
        self.note = QPlainTextEdit()
        form.addRow("Reviewer", self.reviewer)
        form.addRow("Date", self.date)
        form.addRow("Note", self.note)
        add_ok_cancel(self, form)

    @classmethod
    def ask(cls, parent, reviewer: str, date: str, revision: str) -> tuple[str, str, str] | None:
        dialog = cls(reviewer, date, revision, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.reviewer.text().strip():
            return None
        return dialog.reviewer.text().strip(), dialog.date.text().strip(), dialog.note.toPlainText().strip()


# --- markers in the views --------------------------------------------------------------------------------

class CommentMarker(QGraphicsItem):
    """A bubble with the number of open comments, drawn at a fixed size on screen at `dx` pixels
    from the corner it is placed at (clear of the checks' severity icon in the top-right corner);
    its tooltip lists the comments. It takes no clicks."""

    SIZE = 18.0

    def __init__(self, dx: float):
        super().__init__()
        self.count = 0
        self.dx = dx
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(900)

    def set_comments(self, comments: list[Comment]) -> None:
        self.count = len(comments)
        self.setToolTip("\n".join(f"💬 {c.author}: {c.text}" for c in comments))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self.dx - 1, 1, self.SIZE + 2, self.SIZE + 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        rect = QRectF(self.dx, 2, self.SIZE, self.SIZE * 0.8)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(120, 80, 0), 1))
        painter.setBrush(QBrush(OPEN_COLOUR))
        painter.drawRoundedRect(rect, 3, 3)
        tail = [QPointF(rect.left() + 4, rect.bottom()), QPointF(rect.left() + 4, rect.bottom() + 4),
                QPointF(rect.left() + 9, rect.bottom())]
        painter.drawPolygon(tail)
        font = QFont()
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(40, 25, 0))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.count))


class CommentMarkers:
    """Keeps one marker per commented rack on the floor plan and per commented rack or device in the
    open elevations; repositioned after every edit and whenever a scene is laid out again."""

    def __init__(self, window):
        self.window = window
        self.hall_markers: dict[str, CommentMarker] = {}
        self.elevation_markers: dict[str, CommentMarker] = {}
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        window.hall_view.scene().sceneRectChanged.connect(self.schedule)
        window.elevation_view.scene().sceneRectChanged.connect(self.schedule)

    def schedule(self, *_) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _open_by_object(self) -> dict[str, list[Comment]]:
        design = self.window.editor.design
        out: dict[str, list[Comment]] = {}
        for c in sorted(design.comments.values(), key=lambda c: (c.created, c.id)):
            if c.status != "open":
                continue
            for obj in target_objects(design, c.target):
                conn = design.connections.get(obj)
                for owner in ((conn.a.owner,) if conn else (obj,)):
                    out.setdefault(owner, []).append(c)
        return out

    @guarded
    def refresh(self) -> None:
        design = self.window.editor.design
        by_object = self._open_by_object()
        hall, elevation = self.window.hall_view.hall_scene, self.window.elevation_view.elevations
        on_floor: dict[str, list[Comment]] = {}
        for obj, comments in by_object.items():
            rack = obj if obj in design.racks else _rack_of(design, obj)
            if rack is not None:
                on_floor.setdefault(rack, []).extend(c for c in comments if c not in on_floor.get(rack, []))
        floor_points = {}
        for rack, comments in on_floor.items():
            item = hall.objects.get(rack)
            if item is not None:
                floor_points[rack] = (item.pos(), comments)
        _place(hall, self.hall_markers, floor_points, 3.0)  # the top-left corner
        points = {}
        for obj, comments in by_object.items():
            if obj in elevation.frames:
                x, y, w, _ = elevation.frames[obj].block.rect()
                points[obj] = (QPointF(x + w - 20, y), comments)
            else:
                faces = [i for i in elevation.items_of(obj) if i.role in ("face", "side", "bay")]
                if faces:
                    item = faces[0]
                    points[obj] = (item.scenePos() + QPointF(item.size[0], 0), comments)
        _place(elevation, self.elevation_markers, points, -2 * CommentMarker.SIZE - 6)  # left of the checks' icon


def _rack_of(design: Design, device_id: str) -> str | None:
    from rackstudio.checks.context import rack_of_record

    return rack_of_record(design.devices.get(device_id), design.devices)


def _place(scene, markers: dict[str, CommentMarker], points: dict[str, tuple[QPointF, list[Comment]]],
           dx: float) -> None:
    for key in [k for k in markers if k not in points]:
        scene.removeItem(markers.pop(key))
    for key, (point, comments) in points.items():
        marker = markers.get(key)
        if marker is None:
            marker = markers[key] = CommentMarker(dx)
            scene.addItem(marker)
        marker.setPos(point)
        marker.set_comments(comments)


# --- the panel -------------------------------------------------------------------------------------------

class CommentsDock(QDockWidget):
    COLUMNS = ("", "On", "Comment", "Author", "Time")

    def __init__(self, controller: CommentsController, parent=None):
        super().__init__("Comments", parent)
        self.setObjectName("CommentsDock")
        self.controller = controller
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.review = QLabel()
        self.review.setWordWrap(True)
        self.mark = QPushButton("Mark Reviewed…")
        top.addWidget(self.review, 1)
        top.addWidget(self.mark)
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 28)
        self.tree.setColumnWidth(1, 150)
        self.tree.setColumnWidth(2, 340)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.add = QPushButton("Add…")
        self.resolve = QPushButton("Resolve")
        self.reopen = QPushButton("Reopen")
        self.delete = QPushButton("Delete")
        self.show_resolved = QCheckBox("Show resolved")
        self.show_resolved.setChecked(True)
        for widget in (self.add, self.resolve, self.reopen, self.delete):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.show_resolved)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.mark.clicked.connect(lambda: controller.mark_reviewed())
        self.add.clicked.connect(lambda: controller.add_comment())
        self.resolve.clicked.connect(lambda: controller.set_status(self.selected(), "resolved"))
        self.reopen.clicked.connect(lambda: controller.set_status(self.selected(), "open"))
        self.delete.clicked.connect(lambda: controller.delete(self.selected()))
        self.show_resolved.toggled.connect(lambda _on: self.fill())
        self.tree.itemSelectionChanged.connect(self._buttons)
        self.tree.itemDoubleClicked.connect(lambda item, _col: controller.show_target(item.data(0, Qt.ItemDataRole.UserRole)))

    def selected(self) -> list[str]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.tree.selectedItems()]

    def fill(self) -> None:
        design = self.controller.design
        keep = set(self.selected())
        self.tree.clear()
        comments = sorted(design.comments.values(), key=lambda c: (c.status != "open", c.created, c.id))
        for c in comments:
            if c.status == "resolved" and not self.show_resolved.isChecked():
                continue
            item = QTreeWidgetItem(["●" if c.status == "open" else "✓", target_name(design, c.target), c.text,
                                    c.author, c.created])
            item.setData(0, Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(2, c.text)
            item.setForeground(0, QBrush(OPEN_COLOUR.darker(130) if c.status == "open" else QColor(120, 120, 120)))
            if c.status == "resolved":
                for col in range(1, len(self.COLUMNS)):
                    item.setForeground(col, QBrush(QColor(120, 120, 120)))
            self.tree.addTopLevelItem(item)
            item.setSelected(c.id in keep)
        open_count = sum(1 for c in comments if c.status == "open")
        self.setWindowTitle(f"Comments ({open_count} open)" if open_count else "Comments")
        self.review.setText(review_text(design))
        self._buttons()

    def _buttons(self) -> None:
        design = self.controller.design
        chosen = [design.comments.get(i) for i in self.selected()]
        self.resolve.setEnabled(any(c is not None and c.status == "open" for c in chosen))
        self.reopen.setEnabled(any(c is not None and c.status == "resolved" for c in chosen))
        self.delete.setEnabled(bool(chosen))


def review_text(design: Design) -> str:
    if not design.reviews:
        return f"Revision {design.revision}: <b>not reviewed</b>"
    last = design.reviews[-1]
    note = f": {last.note}" if last.note else ""
    current = "" if last.revision in ("", design.revision) else \
        f" <span style='color:#b06000'>(revision {last.revision}; this is {design.revision})</span>"
    return f"Reviewed by <b>{last.reviewer}</b> on {last.date}{current}{note}"


class CommentsController:
    """Review ▸ Add Comment and Mark Reviewed, the Comments panel and the markers."""

    def __init__(self, window):
        self.window = window
        self.editor = window.editor
        self.dock = CommentsDock(self, window)
        self.markers = CommentMarkers(window)
        self.editor.bridge.changed.connect(self._on_changed)
        self.editor.bridge.replaced.connect(self._on_replaced)
        self._on_replaced()

    @property
    def design(self) -> Design:
        return self.editor.design

    def _on_replaced(self) -> None:
        self.dock.fill()
        self.markers.schedule()

    def _on_changed(self, changes) -> None:
        colls = changes.collections()
        if "comments" in colls or changes.settings or colls & {"racks", "devices", "connections"}:
            self.dock.fill()
        self.markers.schedule()

    # --- actions ---------------------------------------------------------------------------------------

    def choices(self) -> list[tuple[str, str | None]]:
        """What a new comment can be pinned to: each selected rack, device or cable, the open findings
        about them (all open findings when nothing is selected), and the design."""
        design = self.design
        selected = [i for i in self.window.selection.ids if design.kind_of(i) in ("racks", "devices", "connections")]
        out: list[tuple[str, str | None]] = [(target_name(design, i).capitalize(), i) for i in selected]
        engine = self.window.document.check_engine
        if engine is not None:
            wanted = set(selected)
            for f in engine.findings():
                if f.counts and (not wanted or wanted & set(f.objects)):
                    out.append((f"Finding {f.rule}: {f.message}"[:120], f.key))
        out.append(("The design", None))
        return out

    @guarded
    def add_comment(self, target: str | None = ..., text: str | None = None) -> bool:
        """Ask (or take) a target and text and add the comment as one undoable command."""
        if target is ... or text is None:
            answer = CommentDialog.ask(self.window, self.choices())
            if answer is None:
                return False
            target, text = answer
        comment = Comment(id=self.design.new_id("cm"), target=target, author=author(), created=now(), text=text)
        return self.editor.execute(AddRecord("comments", comment,
                                             text=f"Comment on {target_name(self.design, target)}"))

    @guarded
    def set_status(self, comment_ids: list[str], status: str) -> None:
        for comment_id in comment_ids:
            comment = self.design.comments.get(comment_id)
            if comment is not None and comment.status != status:
                verb = "Resolve" if status == "resolved" else "Reopen"
                self.editor.execute(SetProperty(comment_id, "status", status,
                                                text=f"{verb} comment on {target_name(self.design, comment.target)}"))

    @guarded
    def delete(self, comment_ids: list[str]) -> None:
        for comment_id in comment_ids:
            if comment_id in self.design.comments:
                self.editor.execute(RemoveRecord(comment_id, text="Delete comment"))

    def show_target(self, comment_id: str) -> None:
        comment = self.design.comments.get(comment_id)
        if comment is not None:
            objects = target_objects(self.design, comment.target)
            if objects:
                self.editor.selection.set(objects, source=self)

    @guarded
    def mark_reviewed(self, reviewer: str | None = None, note: str = "", date: str | None = None) -> bool:
        """Append a review record (reviewer, date, note, this revision) as one undoable command."""
        design = self.design
        if reviewer is None:
            answer = ReviewDialog.ask(self.window, author(), datetime.date.today().isoformat(), design.revision)
            if answer is None:
                return False
            reviewer, date, note = answer
            set_author(reviewer)
        record = ReviewRecord(reviewer=reviewer, date=date or datetime.date.today().isoformat(), note=note,
                              revision=design.revision)
        return self.editor.execute(SetDesignField("reviews", [*design.reviews, record],
                                                  text=f"Mark revision {design.revision} reviewed by {reviewer}"))
