"""The Tools menu's plugin side: the plugin manager the app started (failures to the status bar),
the Plugins dialog (switching a plugin on or off reloads the parts palette and re-runs the checks
with its rules), the part editor (a saved part reloads the palette), and library drift: after a
design opens, embedded parts that differ from the library are offered as one undoable
"Update Parts" step in a bar in the status bar."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from rackstudio.checks import RuleRegistry
from rackstudio.commands.records import update_parts
from rackstudio.ui.guard import guarded
from rackstudio.ui.library_source import CatalogLibrary, PartsLibrary, builtin_library, plugin_library

if TYPE_CHECKING:
    from rackstudio.library.drift import PartDrift
    from rackstudio.plugins import Failure, PluginManager
    from rackstudio.ui.main_window import MainWindow


class DriftBar(QWidget):
    """"N parts differ from the library  [Update Parts] [×]" in the status bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.button = QPushButton("Update Parts")
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Keep the design's own part definitions")
        self.close_button.setAutoRaise(True)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        self.setStyleSheet("DriftBar { background: #fff4d6; }")
        self.hide()


class ToolsController(QObject):
    plugin_failed = Signal(object)  # Failure, re-emitted on the GUI thread

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._plugins: PluginManager | None = None
        self.drifts: list[PartDrift] = []
        self.drift_bar = DriftBar()
        self.drift_bar.button.clicked.connect(guarded(self.update_parts))
        self.drift_bar.close_button.clicked.connect(self.hide_drift)
        self.plugin_failed.connect(self._show_failure)
        self.dialogs: list = []  # the modeless dialogs opened (tests read them)

    # --- plugins -------------------------------------------------------------------------------

    @property
    def plugins(self) -> PluginManager | None:
        return self._plugins

    def set_plugins(self, manager: PluginManager | None) -> None:
        """Use `manager` (started by the app): its rules join the checks, its failures go to the
        status bar."""
        if self._plugins is not None:
            self._plugins.failed.disconnect(self._on_failed)
        self._plugins = manager
        if manager is not None:
            manager.failed.connect(self._on_failed)
        self.window.live_checks.registry_factory = self.registry
        if self.window.live_checks.engine is not None:
            self.window.live_checks.schedule()

    def manager(self) -> PluginManager:
        """The plugin manager, started now if the app did not give one (never raises)."""
        from rackstudio.cli.rule_packs import start_plugins
        from rackstudio.ui.dialogs.plugins import load_disabled_plugins

        if self._plugins is None:
            self.set_plugins(start_plugins(disabled=load_disabled_plugins()))
        return self._plugins

    def registry(self) -> RuleRegistry:
        """The built-in rules plus the active plugins' rules (as `rackstudio check` has them)."""
        from rackstudio.cli.rule_packs import checks_registry  # the plugins' modules load when first used

        return checks_registry(self._plugins)

    def _on_failed(self, failure: Failure) -> None:
        self.plugin_failed.emit(failure)  # a rule may fail on a worker's watch: hop to the GUI thread

    def _show_failure(self, failure: Failure) -> None:
        self.window.show_status(f"Plugin problem: {failure} (Tools ▸ Plugins… for details)")

    @guarded
    def open_plugins(self) -> None:
        from rackstudio.ui.dialogs.plugins import open_plugins_dialog  # dialogs load when first opened

        dialog = open_plugins_dialog(self.window, self.manager())
        dialog.enabled_changed.connect(guarded(lambda _name, _on: self.plugins_changed()))
        self._keep(dialog)

    def plugins_changed(self) -> None:
        self.reload_library()
        self.window.live_checks.schedule()

    # --- parts ---------------------------------------------------------------------------------

    def reload_library(self) -> None:
        """Rebuild the parts library (plugins switched, a part saved) and refill the palette."""
        current = self.window.editor.library
        if isinstance(current, CatalogLibrary):
            library: PartsLibrary = (plugin_library(self._plugins) if self._plugins is not None
                                     else builtin_library())
        else:
            library = current  # a library given directly (tests, tools): nothing to rebuild
        self.set_library(library)

    def set_library(self, library: PartsLibrary) -> None:
        editor = self.window.editor
        library.design_getter = lambda: editor.bridge.document.design
        editor.library = library
        self.window.palette_dock.model.library = library
        self.window.palette_dock.reload()

    @guarded
    def new_part(self) -> None:
        from rackstudio.ui.dialogs.part_editor import open_part_editor_dialog

        dialog = open_part_editor_dialog(self.window)
        dialog.saved.connect(guarded(lambda _path: self.reload_library()))
        self._keep(dialog)

    @guarded
    def edit_part(self) -> None:
        """Edit (a copy of) the part of the selected device, else of the palette's current row."""
        part = None
        design = self.window.editor.design
        for obj_id in self.window.selection.ids:
            if obj_id in design.devices:
                part = design.part_of(design.devices[obj_id])
                break
        if part is None:
            entry = self.window.palette_dock.current_entry()
            if entry is not None and entry.kind == "part":
                part = self.window.editor.library.part(entry.key)
        if part is None:
            self.window.show_status("Select a device, or a part in the Parts panel, to edit its part")
            return
        from rackstudio.ui.dialogs.part_editor import open_part_editor_dialog

        dialog = open_part_editor_dialog(self.window, part)
        dialog.saved.connect(guarded(lambda _path: self.reload_library()))
        self._keep(dialog)

    def _keep(self, dialog) -> None:
        self.dialogs = [d for d in self.dialogs if _alive(d)] + [dialog]

    # --- library drift ---------------------------------------------------------------------------

    @guarded
    def check_drift(self) -> list[PartDrift]:
        """After a design opens: offer the library's newer definitions of its embedded parts."""
        library = self.window.editor.library
        self.drifts = []
        if isinstance(library, CatalogLibrary):  # the catalog (and library.drift) are loaded by then
            from rackstudio.library.drift import part_drift

            self.drifts = [d for d in part_drift(self.window.editor.design, library.catalog) if d.updatable]
        if not self.drifts:
            self.hide_drift()
            return []
        n = len(self.drifts)
        self.drift_bar.label.setText(f"{n} part{'s' * (n != 1)} in this design differ{'s' * (n == 1)} "
                                     "from the library")
        self.drift_bar.setToolTip("\n".join(d.describe() for d in self.drifts))
        if self.drift_bar.parent() is None:  # in the status bar only while shown: it makes it taller
            self.window.statusBar().insertPermanentWidget(0, self.drift_bar)
        self.drift_bar.show()
        return self.drifts

    def hide_drift(self) -> None:
        if self.drift_bar.parent() is not None:
            self.window.statusBar().removeWidget(self.drift_bar)
            self.drift_bar.setParent(None)
        self.drift_bar.hide()

    def update_parts(self) -> bool:
        from rackstudio.library.drift import updatable_parts

        command = update_parts(updatable_parts(self.drifts))
        if command is None:
            self.hide_drift()
            return False
        done = self.window.editor.execute(command)
        if done:
            self.hide_drift()
            self.window.show_status(f"{command.text} (Edit ▸ Undo to go back)")
        return done


def _alive(widget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # deleted on close
        return False
    return True


__all__ = ["DriftBar", "ToolsController"]
