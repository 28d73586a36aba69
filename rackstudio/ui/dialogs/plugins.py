"""The Plugins dialog: every plugin found at start-up, where it came from, what it contributes,
whether it is enabled, whether it runs code or is data only, and why anything failed.

It reads a `rackstudio.plugins.PluginManager` and changes only which plugins are enabled (saved
in QSettings under `plugins/disabled`, applied by the app when it next builds the catalog and
the rules). Failures recorded while the dialog is open (a rule that hangs) appear at once.
"""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.plugins import Contribution, Failure, Plugin, PluginManager, dropin_folder

__all__ = ["PluginsDialog", "load_disabled_plugins", "open_plugins_dialog", "save_disabled_plugins"]

SETTINGS_KEY = "plugins/disabled"
COLUMNS = ("Plugin", "Version", "Source", "Status", "Code")
_FAILED = QBrush(QColor("#b00020"))
_KIND = {"parts": "Parts", "rack-designs": "Rack designs", "part-factory": "Part factory", "rule": "Rule"}


def load_disabled_plugins() -> list[str]:
    """Plugin names the user disabled (pass to `PluginManager.start(disabled=...)`)."""
    value = QSettings().value(SETTINGS_KEY, [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-item list
        value = [value] if value else []
    return [str(v) for v in value or []]


def save_disabled_plugins(names: list[str]) -> None:
    QSettings().setValue(SETTINGS_KEY, list(names))


def _details(plugin: Plugin) -> str:
    m = plugin.manifest
    lines = [f"{m.display_name if m else plugin.name} ({plugin.name}{' ' + m.version if m else ''})"]
    if m and m.vendor:
        lines.append(f"Vendor: {m.vendor}")
    if m and m.description:
        lines.append(m.description)
    lines += [f"Source: {plugin.source.detail}", f"Status: {plugin.status}",
              "Runs code: yes (imported on first use, each call time-limited)" if plugin.runs_code
              else "Runs code: no (data only)"]
    if m:
        lines.append(f"Plugin API: {', '.join(m.api)}")
    lines += [f"Failed at {f.stage.value}{' (' + f.contribution + ')' if f.contribution else ''}: {f.reason}"
              for f in plugin.failures]
    return "\n".join(lines)


def _contribution_details(c: Contribution) -> str:
    lines = [f"{_KIND[c.kind]} {c.id}: {c.title}", f"State: {c.state}"]
    if c.python_name:
        lines.append(f"Code: {c.python_name}")
    if c.path is not None:
        lines.append(f"Folder: {c.path}")
    if c.entries is not None:
        lines.append(f"Parts listed: {c.entries}")
    if c.failure is not None:
        lines.append(f"Disabled until restart: {c.failure.stage.value}: {c.failure.reason}")
    return "\n".join(lines)


class PluginsDialog(QDialog):
    """Lists `manager.plugins`; `enabled_changed(name, enabled)` after the user toggles one."""

    enabled_changed = Signal(str, bool)

    def __init__(self, manager: PluginManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.manager = manager
        self.setWindowTitle("Plugins")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Installed plugins are Python packages (pip install); drop-in folders in {dropin_folder()} "
                       "hold parts only and never run code. Enabling or disabling a plugin applies when the "
                       "parts library and the checks are next loaded.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setColumnWidth(0, 360)
        self.tree.setColumnWidth(2, 280)
        for column in (1, 3, 4):
            self.tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setSizes([380, 140])
        layout.addWidget(splitter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.tree.currentItemChanged.connect(self._show_details)
        self.tree.itemChanged.connect(self._toggled)
        manager.failed.connect(self._on_failure)
        self.finished.connect(self._stop_listening)
        self.destroyed.connect(lambda *_: manager.failed.disconnect(self._on_failure))
        self.refresh()

    # --- filling ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for plugin in self.manager.plugins:
                item = self._plugin_item(plugin)
                self.tree.addTopLevelItem(item)
                for i in range(item.childCount()):  # spanning works once the row is in the tree
                    if item.child(i).data(0, Qt.ItemDataRole.UserRole)[0] == "failure":
                        item.child(i).setFirstColumnSpanned(True)  # the reason gets the whole row
            self.tree.expandAll()
        finally:
            self.tree.blockSignals(False)
        self.details.setPlainText(f"{len(self.manager.plugins)} plugin(s), {len(self.manager.active())} active, "
                                  f"{len(self.manager.failures)} failure(s)\n{self.manager.worker_status()}")

    def _plugin_item(self, plugin: Plugin) -> QTreeWidgetItem:
        m = plugin.manifest
        item = QTreeWidgetItem([m.display_name if m else plugin.name, m.version if m else "",
                                {"builtin": "built-in", "entry-point": "installed",
                                 "drop-in": "drop-in folder"}[plugin.source.kind],
                                plugin.status, "runs code" if plugin.runs_code else "data only"])
        item.setData(0, Qt.ItemDataRole.UserRole, ("plugin", plugin))
        item.setToolTip(0, plugin.name)
        item.setToolTip(2, plugin.source.detail)
        if plugin.loaded and plugin.source.kind != "builtin":
            item.setCheckState(0, Qt.CheckState.Checked if plugin.enabled else Qt.CheckState.Unchecked)
        else:  # only loaded plugins other than the built-ins can be switched off
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        if plugin.failures:
            item.setForeground(3, _FAILED)
        for c in plugin.contributions:
            child = QTreeWidgetItem([f"{_KIND[c.kind]}: {c.title}", "", c.id, c.state, "code" if c.python_name else "data"])
            child.setData(0, Qt.ItemDataRole.UserRole, ("contribution", c))
            if c.failure is not None:
                child.setForeground(3, _FAILED)
            item.addChild(child)
        for f in plugin.failures:
            what = f" ({f.contribution})" if f.contribution and f.contribution != plugin.name else ""
            child = QTreeWidgetItem([f"Failed at {f.stage.value}{what}: {f.reason}"])
            child.setData(0, Qt.ItemDataRole.UserRole, ("failure", f))
            child.setToolTip(0, f.reason)
            child.setForeground(0, _FAILED)
            item.addChild(child)
        return item

    # --- reactions -------------------------------------------------------------------------------
    def _show_details(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        kind, obj = item.data(0, Qt.ItemDataRole.UserRole)
        if kind == "plugin":
            self.details.setPlainText(_details(obj))
        elif kind == "contribution":
            self.details.setPlainText(_contribution_details(obj))
        else:
            self.details.setPlainText(str(obj))

    def _toggled(self, item: QTreeWidgetItem, column: int) -> None:
        kind, plugin = item.data(0, Qt.ItemDataRole.UserRole)
        if kind != "plugin" or column != 0 or not plugin.loaded or plugin.source.kind == "builtin":
            return
        enabled = item.checkState(0) == Qt.CheckState.Checked
        if enabled == plugin.enabled:
            return
        self.manager.set_enabled(plugin.name, enabled)
        save_disabled_plugins(self.manager.disabled)
        self.tree.blockSignals(True)
        item.setText(3, plugin.status)
        self.tree.blockSignals(False)
        self.enabled_changed.emit(plugin.name, enabled)

    def _on_failure(self, _failure: Failure) -> None:
        self.refresh()

    def _stop_listening(self, *_args) -> None:
        self.manager.failed.disconnect(self._on_failure)

    def plugin_items(self) -> dict[str, QTreeWidgetItem]:
        """Top-level rows by plugin name (tests, and selecting a plugin from elsewhere)."""
        out = {}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            out[item.data(0, Qt.ItemDataRole.UserRole)[1].name] = item
        return out


def open_plugins_dialog(parent: QWidget | None, manager: PluginManager) -> PluginsDialog:
    """Show the Plugins dialog (modeless) and return it; connect `enabled_changed` to rebuild."""
    dialog = PluginsDialog(manager, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
