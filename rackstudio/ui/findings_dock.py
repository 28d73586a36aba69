"""The Findings panel: the live checks' findings grouped by severity and rule with counts.

Clicking a finding selects its objects and shows them (a rack on the floor plan, a device in its
rack's elevation: `focus_requested`); the context menu waives a finding (reason and author, one
undoable AddRecord) or removes its waiver. Waived findings stay listed, greyed, and are not
counted. The list follows each edit's FindingsDelta, adding and removing only those rows, each
in its sorted place; adopting a full check lists its findings the same way, a chunk per delta,
and the header says so until the whole result is in. While a failure simulation runs, a banner
at the top says what failed and what it takes down.
"""
from __future__ import annotations

import getpass
from bisect import bisect_right
from datetime import UTC, datetime

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.checks import Finding, FindingsDelta, Severity
from rackstudio.checks.waivers import waiver_for
from rackstudio.commands import AddRecord, Composite, RemoveRecord
from rackstudio.model.review import Waiver
from rackstudio.ui.dialogs.waiver import WaiverDialog
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.live_checks import counts_text

_ROLE = Qt.ItemDataRole.UserRole
_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
_COLOURS = {Severity.ERROR: QColor(190, 30, 45), Severity.WARNING: QColor(180, 105, 0), Severity.INFO: QColor(60, 90, 150)}
_WAIVED = QBrush(QColor(150, 150, 155))
AUTHOR_KEY = "review/author"


class _Tree(QTreeWidget):
    def sizeHint(self) -> QSize:
        return QSize(220, 300)  # no wider than the inspector above it: the canvas keeps its width


def default_author() -> str:
    saved = QSettings().value(AUTHOR_KEY, "")
    if saved:
        return str(saved)
    try:
        return getpass.getuser()
    except Exception:  # no user name on this system: the dialog asks
        return ""


class FindingsDock(QDockWidget):
    focus_requested = Signal(object)  # tuple of object ids to select and show

    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Findings", parent)
        self.setObjectName("FindingsDock")
        self.editor, self.live_checks = editor, editor.live_checks
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #3a3c42; color: #f0f0f0; padding: 6px; border-left: 5px solid #e88c00;")
        self.banner.hide()
        self.summary = QLabel("Checks have not run yet")
        self.summary.setWordWrap(True)
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.setWidget(body)
        self._severity_items: dict[Severity, QTreeWidgetItem] = {}
        self._rule_items: dict[tuple[Severity, str], QTreeWidgetItem] = {}
        self._rows: dict[Finding, list[QTreeWidgetItem]] = {}
        self._tally: dict[tuple[Severity, str], list[int]] = {}  # (severity, rule) -> [counted, waived]
        self._order: dict[tuple[Severity, str], list[tuple]] = {}  # a rule row's children's sort keys
        self._rule_order: dict[Severity, list[str]] = {}  # a severity row's children's rule ids
        self._unexpanded: set[Severity] = set()  # opened when their first rule row comes
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.live_checks.reset.connect(self.reload)
        self.live_checks.delta.connect(self.apply_delta)
        self.live_checks.status.connect(lambda _text: self._update_summary())
        simulation = editor.failure_simulation
        simulation.changed.connect(self._show_simulation)
        simulation.active_changed.connect(lambda _on: self._show_simulation(simulation.current))
        self.reload()

    # --- filling -------------------------------------------------------------------------------

    @guarded
    def reload(self) -> None:
        """List the checks' findings anew: all of them, or, while a full check's result is being
        adopted, none yet (the adoption's deltas list them a chunk at a time)."""
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            self._severity_items.clear()
            self._rule_items.clear()
            self._rows.clear()
            self._tally.clear()
            self._order.clear()
            self._rule_order = {severity: [] for severity in _TITLES}
            self._unexpanded = {Severity.ERROR, Severity.WARNING}
            for severity in _TITLES:
                item = QTreeWidgetItem()
                item.setData(0, _ROLE, ("severity", severity))
                font = QFont(item.font(0))
                font.setBold(True)
                item.setFont(0, font)
                item.setForeground(0, QBrush(_COLOURS[severity]))
                self.tree.addTopLevelItem(item)
                self._severity_items[severity] = item
                self._label_severity(severity)
        finally:
            self.tree.setUpdatesEnabled(True)
        findings = self.live_checks.findings()
        if findings:
            self.apply_delta(FindingsDelta(added=findings))
        else:
            self._update_summary()

    @guarded
    def apply_delta(self, delta: FindingsDelta) -> None:
        touched: set[tuple[Severity, str]] = set()
        self.tree.setUpdatesEnabled(False)
        try:
            for f in delta.removed:
                items = self._rows.get(f)
                if not items:
                    continue
                item = items.pop()
                if not items:
                    del self._rows[f]
                key = (f.severity, f.rule)
                parent = item.parent()
                del self._order[key][parent.indexOfChild(item)]
                parent.removeChild(item)
                self._tally[key][0 if f.counts else 1] -= 1
                touched.add(key)
            for f in delta.added:
                self._add(f)
                touched.add((f.severity, f.rule))
            for key in touched:
                rule_item = self._rule_items.get(key)
                if rule_item is None:
                    continue
                if rule_item.childCount() == 0:
                    severity_item = self._severity_items[key[0]]
                    rules = self._rule_order[key[0]]
                    del rules[severity_item.indexOfChild(rule_item)]
                    severity_item.removeChild(rule_item)
                    del self._rule_items[key], self._tally[key], self._order[key]
                else:
                    self._label_rule(rule_item)
            for severity in {s for s, _ in touched}:
                self._label_severity(severity)
        finally:
            self.tree.setUpdatesEnabled(True)
        self._update_summary()

    def _add(self, f: Finding) -> QTreeWidgetItem:
        """A row for `f` in its sorted place (under its rule's row, made when it is the first)."""
        key = (f.severity, f.rule)
        rule_item = self._rule_items.get(key)
        if rule_item is None:
            rule_item = QTreeWidgetItem()
            rule_item.setData(0, _ROLE, ("rule", f.rule))
            parent = self._severity_items[f.severity]
            rules = self._rule_order[f.severity]
            index = bisect_right(rules, f.rule)
            rules.insert(index, f.rule)
            parent.insertChild(index, rule_item)
            self._rule_items[key] = rule_item
            self._order[key] = []
            if f.severity in self._unexpanded:
                self._unexpanded.discard(f.severity)
                parent.setExpanded(True)
        item = QTreeWidgetItem([("[waived] " if f.waived else "") + f.message])
        item.setData(0, _ROLE, ("finding", f))
        item.setToolTip(0, self._tooltip(f))
        if f.waived:
            item.setForeground(0, _WAIVED)
            font = QFont(item.font(0))
            font.setItalic(True)
            item.setFont(0, font)
        order = self._order[key]
        sort_key = f.sort_key()
        index = bisect_right(order, sort_key)
        order.insert(index, sort_key)
        rule_item.insertChild(index, item)
        self._rows.setdefault(f, []).append(item)
        self._tally.setdefault(key, [0, 0])[0 if f.counts else 1] += 1
        return item

    def _label_rule(self, item: QTreeWidgetItem) -> None:
        rule_id = item.data(0, _ROLE)[1]
        rule = self.live_checks.rule(rule_id)
        severity = item.parent().data(0, _ROLE)[1]
        counted, waived = self._tally.get((severity, rule_id), (0, 0))
        title = f" {rule.title}" if rule is not None else ""
        item.setText(0, f"{rule_id}{title} — {counted}" + (f" ({waived} waived)" if waived else ""))
        if rule is not None:
            item.setToolTip(0, rule.source or rule.title)
        if not counted:
            item.setForeground(0, _WAIVED)
        else:
            item.setData(0, Qt.ItemDataRole.ForegroundRole, None)

    def _label_severity(self, severity: Severity) -> None:
        item = self._severity_items[severity]
        counted = sum(c for (s, _), (c, _w) in self._tally.items() if s == severity)
        waived = sum(w for (s, _), (_c, w) in self._tally.items() if s == severity)
        item.setText(0, f"{_TITLES[severity]} — {counted}" + (f" ({waived} waived)" if waived else ""))

    def _tooltip(self, f: Finding) -> str:
        lines = [f"{f.rule} ({f.severity.value}): {f.message}", f"Key: {f.key}"]
        if f.figures:
            lines.append("Figures: " + ", ".join(f"{k} = {v}" for k, v in list(f.figures.items())[:8]))
        for w in self._waivers_of(f):
            lines.append(f"Waived by {w.author} on {w.created[:10]}: {w.reason}"
                         + (" (no longer covers it: the finding got worse)" if f.lapse is not None else ""))
        return "\n".join(lines)

    def _update_summary(self) -> None:
        if self.live_checks.adopting:
            total = sum(self.live_checks.counts.values())
            listed = total - self.live_checks.unadopted()
            self.summary.setText(f"Checking… taking in the results: {listed:,} of {total:,} findings listed")
            return
        if self.live_checks.engine is None:
            self.summary.setText("Checking the last edit in the background… the findings listed are of before it"
                                 if self.live_checks.deferred else
                                 "Checking in the background… findings appear when it ends"
                                 if self.live_checks.in_background else
                                 "Checking…" if self.live_checks.running or self.live_checks.started else
                                 "Checks have not run yet")
            return
        took = f" · full check {self.live_checks.last_run_s:.1f} s" if self.live_checks.last_run_s is not None else ""
        self.summary.setText(f"{counts_text(self.live_checks.counts)}{took}")

    def _show_simulation(self, sim) -> None:
        simulation = self.editor.failure_simulation
        if not simulation.active:
            self.banner.hide()
            return
        self.banner.setText(f"<b>Failure simulation</b> — {simulation.summary}<br><small>Esc or Tools ▸ Simulate "
                            "Failure ends it</small>" if sim is not None else
                            "<b>Failure simulation</b> — select a feed, panel or UPS (Site panel) or a PDU, power "
                            "shelf or CDU to fail it. <small>Esc ends it.</small>")
        self.banner.show()

    # --- reading it (tests, reports) -----------------------------------------------------------

    def listed(self) -> list[Finding]:
        """The findings the panel lists, sorted as the engine sorts them."""
        return sorted((f for f, items in self._rows.items() for _ in items), key=Finding.sort_key)

    def row_of(self, f: Finding) -> QTreeWidgetItem | None:
        items = self._rows.get(f)
        if items:
            return items[0]
        return next((items[0] for g, items in self._rows.items() if g.key == f.key and items), None)

    # --- reactions -----------------------------------------------------------------------------

    @guarded
    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        kind, value = item.data(0, _ROLE)
        if kind == "finding" and value.objects:
            self.focus_requested.emit(tuple(value.objects))

    def _context_menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        if item is None or item.data(0, _ROLE)[0] != "finding":
            return
        f: Finding = item.data(0, _ROLE)[1]
        menu = QMenu(self)
        self.fill_menu(menu, f)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def fill_menu(self, menu: QMenu, f: Finding) -> None:
        if f.objects:
            menu.addAction("Show").triggered.connect(lambda: self.focus_requested.emit(tuple(f.objects)))
        if f.waived:
            menu.addAction("Remove Waiver").triggered.connect(guarded(lambda: self.remove_waiver(f)))
        else:
            title = "Waive Again…" if f.lapse is not None else "Waive…"
            menu.addAction(title).triggered.connect(guarded(lambda: self.waive(f)))
        menu.addSeparator()
        menu.addAction("Copy").triggered.connect(
            lambda: QGuiApplication.clipboard().setText(f"{f.rule} {f.severity.value}: {f.message} [{f.key}]"))

    def _waivers_of(self, f: Finding) -> list[Waiver]:
        return sorted((w for w in self.editor.design.waivers.values() if w.finding == f.key), key=lambda w: w.id)

    def waive(self, f: Finding) -> bool:
        """Ask for a reason and an author and waive `f` as it is now (one undoable step; a waiver
        it outgrew is replaced)."""
        answer = WaiverDialog.ask(self, f, default_author())
        if answer is None:
            return False
        reason, author = answer
        design = self.editor.design
        waiver = waiver_for(f, design.new_id("wv"), reason, author, datetime.now(UTC).isoformat(timespec="seconds"))
        QSettings().setValue(AUTHOR_KEY, author)
        text = f"Waive {f.rule} ({_short(f.message)})"
        add = AddRecord("waivers", waiver, text=text)
        old = [RemoveRecord(w.id) for w in self._waivers_of(f)]
        return self.editor.execute(Composite(text, [*old, add]) if old else add)

    def remove_waiver(self, f: Finding) -> bool:
        waivers = self._waivers_of(f)
        if not waivers:
            return False
        commands = [RemoveRecord(w.id, text=f"Remove waiver of {f.rule}") for w in waivers]
        return self.editor.execute(commands[0] if len(commands) == 1 else
                                   Composite(f"Remove waivers of {f.rule}", commands))


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["FindingsDock", "default_author"]
