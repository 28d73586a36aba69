"""The main window: the hall floor plan and the rack elevations as tabs, the parts palette,
inspector and cable list as docks (`add_dock` is the hook for more, e.g. the findings dock),
menus and toolbar from ui.actions, the title with the unsaved marker, recent files, and a
prompt before unsaved changes are lost. Window layout and recent files persist in QSettings.

Live checks (ui.live_checks) run on every open document once the window has painted; the
Findings panel lists them, both views mark what they name, Tools ▸ Simulate Failure shows what a
failure takes down, and Tools holds the plugin and part-editor entries (ui.tools)."""
from __future__ import annotations

import copy
from functools import cached_property
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rackstudio import paths
from rackstudio._version import __version__
from rackstudio.document import Document
from rackstudio.errors import LoadError, SaveError, UnloadableDesign
from rackstudio.io.project_file import SUFFIX
from rackstudio.reports.totals import FIGURES_PENDING, Totals, selection_totals
from rackstudio.ui import prefs
from rackstudio.ui.actions import ACTIONS, build_actions
from rackstudio.ui.autosave import Autosaver
from rackstudio.ui.bridge import DocumentBridge
from rackstudio.ui.busy import busy
from rackstudio.ui.cables import CableListDock
from rackstudio.ui.comments import CommentsController
from rackstudio.ui.dashboard import DashboardDock
from rackstudio.ui.diff_view import DiffController
from rackstudio.ui.editing import EditingController
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.findings_dock import FindingsDock
from rackstudio.ui.guard import REPORT, guarded
from rackstudio.ui.hall.view import HallView
from rackstudio.ui.infrastructure import SiteDock
from rackstudio.ui.inspector import InspectorDock
from rackstudio.ui.library_source import PartsLibrary, builtin_library
from rackstudio.ui.live_checks import ChecksController
from rackstudio.ui.navigate import focus_objects
from rackstudio.ui.palette import PaletteDock
from rackstudio.ui.rack.view import ElevationView
from rackstudio.ui.rack_designs import RackDesignsController
from rackstudio.ui.selection import SelectionModel
from rackstudio.ui.simulation import FailureSimulation
from rackstudio.ui.tools import ToolsController
from rackstudio.ui.undo import UndoStack

FILE_FILTER = f"RackStudio designs (*{SUFFIX});;All files (*)"
MENUS = ("File", "Edit", "View", "Arrange", "Insert", "Cabling", "Tools", "Review", "Help")
TOOLBAR = ("new", "open", "save", None, "undo", "redo", None, "zoom_in", "zoom_out", "zoom_fit", None,
           "view_hall", "view_racks", "cable_overlay", None, "rotate", "add_row", None, "simulate_failure")
LEGEND = ("<span style='color:#5096ff'>■</span> cold aisle &nbsp; <span style='color:#ff6e50'>■</span> hot aisle"
          " &nbsp; <span style='color:#1e3c8c'>▬</span> rack front &nbsp; bars: "
          "<span style='color:#466ec8'>■</span> units, <span style='color:#3caa50'>■</span> power, "
          "<span style='color:#3caa50'>■</span> air cooling &nbsp; <span style='color:#d73a49'>●!</span> error "
          "<span style='color:#e88c00'>▲!</span> warning &nbsp; <small>double-click a rack for its elevation</small>")
LEGEND_TIP = ("Bars, top to bottom: units used; power against the rack's budget; heat to air against its air "
              "cooling. Amber: near the limit (the design's warning threshold), red: over it.\n"
              "Outlines and badges: red for errors, amber for warnings found by the checks (their messages are "
              "in the tooltip and the Findings panel).")
_STD_ICONS = {"new": "SP_FileIcon", "open": "SP_DialogOpenButton", "save": "SP_DialogSaveButton",
              "undo": "SP_ArrowBack", "redo": "SP_ArrowForward"}


class MainWindow(QMainWindow):
    first_painted = Signal()  # once, when the window has first painted (checks start, start-up timing)

    def __init__(self, document: Document | None = None, library: PartsLibrary | None = None):
        super().__init__()
        self.setObjectName("RackStudioMainWindow")
        self.bridge = DocumentBridge(document or Document(), self)
        self.undo_stack = UndoStack(self.bridge.document, self)
        self.selection = SelectionModel(self)
        self.live_checks = ChecksController(self.bridge, self)
        self.failure_simulation = FailureSimulation(self.bridge, self.selection, self)
        self.editor = EditorContext(self.bridge, self.undo_stack, self.selection, library or builtin_library(),
                                    self.live_checks, self.failure_simulation)
        self.editing = EditingController(self)
        self._build_central()
        self.palette_dock = PaletteDock(self.editor, self)
        self.inspector_dock = InspectorDock(self.editor, self)
        self.cable_dock = CableListDock(self.editor, self)
        self.site_dock = SiteDock(self.editor, self)
        self.diff = DiffController(self)
        self.comments = CommentsController(self)
        self.dashboard_dock = DashboardDock(self.editor, self, lambda: self.hall_view.hall_scene.hall_id)
        self.findings_dock = FindingsDock(self.editor, self)
        self.tools = ToolsController(self)
        self.rack_designs = RackDesignsController(self)
        self._build_status_bar()
        self.actions_by_id = build_actions(self)
        self.actions_by_id["undo"] = self.undo_stack.createUndoAction(self, "&Undo")
        self.actions_by_id["redo"] = self.undo_stack.createRedoAction(self, "&Redo")
        self.actions_by_id["undo"].setShortcuts([Qt.Modifier.CTRL | Qt.Key.Key_Z])
        for action_id, word in (("undo", "Undo"), ("redo", "Redo")):
            # the menu says what will be undone; the toolbar keeps one word so it never reflows
            self.actions_by_id[action_id].setIconText(word)
        self.actions_by_id["redo"].setShortcuts([Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_Z,
                                                 Qt.Modifier.CTRL | Qt.Key.Key_Y])
        self._build_menus()
        self._build_toolbar()
        self.add_dock(self.palette_dock, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock(self.inspector_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock(self.cable_dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.add_dock(self.site_dock, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.palette_dock, self.site_dock, Qt.Orientation.Vertical)
        self.add_dock(self.findings_dock, Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.inspector_dock, self.findings_dock, Qt.Orientation.Vertical)
        self.cable_dock.hide()
        for dock in (self.dashboard_dock, self.comments.dock, self.diff.dock):  # review panels (View ▸ Panels)
            self.add_dock(dock, Qt.DockWidgetArea.BottomDockWidgetArea)
            dock.hide()
        self._wire_checks()
        self.autosaver = Autosaver(self)
        REPORT.status = self.show_status
        REPORT.message = self._message
        self.undo_stack.cleanChanged.connect(self._update_title)
        self.bridge.replaced.connect(self._on_replaced)
        self.bridge.changed.connect(self._on_changed)
        self.selection.changed.connect(self._update_totals)
        self._set_icon()
        self.resize(1400, 880)
        self._layout_restored = self._restore_layout()
        self._shown_once = False
        self._painted = False
        self._on_replaced()

    # --- controllers built on first use ------------------------------------------------------------
    # Presentation mode, File ▸ Export and File ▸ NetBox: their modules (painters for paper, the SVG
    # writer, the NetBox dialogs) are imported by the first action that needs them, not before the
    # first paint (ui.actions resolves a handler when it is triggered).

    @cached_property
    def presentation(self):
        from rackstudio.ui.presentation import PresentationController

        return PresentationController(self)

    @cached_property
    def exports(self):
        from rackstudio.ui.export import ExportController

        return ExportController(self)

    @cached_property
    def netbox(self):
        from rackstudio.ui.dialogs.netbox import NetboxController

        return NetboxController(self)

    # --- building ------------------------------------------------------------------------------

    def _build_central(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        hall_page = QWidget()
        layout = QVBoxLayout(hall_page)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        self.hall_combo = QComboBox()
        self.hall_combo.setMinimumWidth(200)
        self.hall_hint = QLabel()
        # the legend may be clipped rather than widen the central area and squeeze the docks
        self.hall_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(QLabel("Hall:"))
        bar.addWidget(self.hall_combo)
        bar.addWidget(self.hall_hint, 1)
        layout.addLayout(bar)
        self.hall_view = HallView(self.editor)
        self.elevation_view = ElevationView(self.editor)
        layout.addWidget(self.hall_view, 1)
        self.tabs.addTab(hall_page, "Hall")
        self.tabs.addTab(self.elevation_view, "Racks")
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.cursor_label.clear())
        self.hall_combo.activated.connect(lambda _i: self._choose_hall())
        self.hall_view.open_rack.connect(self.open_elevation)
        for view in (self.hall_view, self.elevation_view):
            view.status_text.connect(self.show_status)
            view.cursor_text.connect(self._show_cursor)
            view.context_menu.connect(self._context_menu)
        self.elevation_view.rack_context.connect(self._rack_context_menu)

    def _build_status_bar(self) -> None:
        self.cursor_label = QLabel()
        self.totals_label = QLabel()
        self.cursor_label.setMinimumWidth(260)
        self.statusBar().addPermanentWidget(self.cursor_label)
        self.statusBar().addPermanentWidget(self.totals_label)

    def _wire_checks(self) -> None:
        """Checks, findings, failure simulation: status messages, the toggle, Esc, focusing."""
        self.live_checks.status.connect(self.show_status)
        self.live_checks.reset.connect(self._update_totals)  # the figures the selection waited for
        self.failure_simulation.status.connect(self.show_status)
        self.findings_dock.focus_requested.connect(guarded(self.focus_objects))
        toggle = self.actions_by_id["simulate_failure"]
        self.failure_simulation.active_changed.connect(toggle.setChecked)
        self.stop_simulation = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.stop_simulation.setContext(Qt.ShortcutContext.WindowShortcut)
        self.stop_simulation.setEnabled(False)
        self.stop_simulation.activated.connect(self.failure_simulation.stop)
        self.failure_simulation.active_changed.connect(self.stop_simulation.setEnabled)

    def _build_menus(self) -> None:
        menus: dict[str, QMenu] = {}
        bar = self.menuBar()
        for title in MENUS:
            menus[title] = bar.addMenu(f"&{title}")
        edit = menus["Edit"]
        edit.addAction(self.actions_by_id["undo"])
        edit.addAction(self.actions_by_id["redo"])
        edit.addSeparator()
        for spec in ACTIONS:
            top, _, sub = spec.menu.partition("/")
            menu = menus[top]
            if sub:
                key = spec.menu
                if key not in menus:
                    menus[key] = menu.addMenu(f"&{sub}")
                menu = menus[key]
            if spec.id in ("quit", "preferences"):
                menu.addSeparator()
            menu.addAction(self.actions_by_id[spec.id])
            if spec.id == "open":
                self.recent_menu = menu.addMenu("Open &Recent")
                self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.panels_menu = menus["View"].addMenu("&Panels")
        self.menus = menus

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("MainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action_id in TOOLBAR:
            if action_id is None:
                bar.addSeparator()
                continue
            action = self.actions_by_id[action_id]
            if action_id in _STD_ICONS:
                action.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, _STD_ICONS[action_id])))
            bar.addAction(action)
        self.addToolBar(bar)

    def add_dock(self, dock: QDockWidget, area=Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """Add a dock (the findings dock plugs in here) with a toggle in View ▸ Panels."""
        if not dock.objectName():
            dock.setObjectName(type(dock).__name__)
        self.addDockWidget(area, dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _set_icon(self) -> None:
        try:
            icon_path = paths.icons() / "rackstudio.png"
        except FileNotFoundError:
            return
        if icon_path.exists():
            self.setWindowIcon(QIcon(str(icon_path)))

    # --- documents -------------------------------------------------------------------------------

    @property
    def document(self) -> Document:
        return self.bridge.document

    def set_document(self, document: Document) -> None:
        self.selection.set([])
        self.undo_stack.set_document(document)
        self.bridge.set_document(document)

    def _on_replaced(self) -> None:
        self._fill_halls()
        self._update_title()
        self._update_totals()
        self.hall_view.zoom_fit()

    def _on_changed(self, changes) -> None:
        if changes.collections() & {"halls"}:
            self._fill_halls()
            if "halls" in changes.added.values():
                self.hall_view.zoom_fit()
        design = self.editor.design
        self.selection.prune(lambda i: design.kind_of(i) is not None)
        self._update_totals()

    def _fill_halls(self) -> None:
        design = self.editor.design
        self.hall_combo.clear()
        for hall in sorted(design.halls.values(), key=lambda h: (h.name, h.id)):
            self.hall_combo.addItem(f"{hall.name} ({hall.width_mm / 1000:g} × {hall.depth_mm / 1000:g} m)", hall.id)
        index = self.hall_combo.findData(self.hall_view.hall_scene.hall_id)
        self.hall_combo.setCurrentIndex(max(index, 0))
        if self.hall_view.hall_scene.hall_id is None and design.halls:
            self._choose_hall()
        self.hall_hint.setText(LEGEND if design.halls else
                               "This design has no hall yet: Insert ▸ Hall… to start a floor plan.")
        self.hall_hint.setToolTip(LEGEND_TIP if design.halls else "")

    def _choose_hall(self) -> None:
        hall_id = self.hall_combo.currentData()
        if hall_id != self.hall_view.hall_scene.hall_id:
            self.hall_view.hall_scene.set_hall(hall_id)
            self.hall_view.zoom_fit()

    def _update_title(self, *_):
        path = self.document.path
        name = path.name if path else "Untitled"
        self.setWindowTitle(f"{name}[*] — RackStudio")
        self.setWindowModified(not self.undo_stack.isClean())

    def maybe_save(self) -> bool:
        """True when it is fine to drop the open design (saved, discarded or unchanged)."""
        if self.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to {self.windowTitle().split('[')[0]}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    @guarded
    def new_design(self) -> None:
        if self.maybe_save():
            self.set_document(Document())

    @guarded
    def close_design(self) -> None:
        self.new_design()

    @guarded
    def open_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open design", start, FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a design; on a load error show the message and keep the open design untouched."""
        if ask and not self.maybe_save():
            return False
        try:
            with busy(self, f"Opening {Path(path).name}…"):  # a 1,000-rack design: 2 s
                document, warnings = Document.open(path)
        except LoadError as exc:
            QMessageBox.warning(self, "Cannot open design", exc.message)
            return False
        self.set_document(document)
        prefs.add_recent(path)
        self.tools.check_drift()
        if warnings:
            where, what = warnings[0]
            more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
            self.show_status(f"Opened with warnings: {where}: {what}{more}")
        else:
            self.show_status(f"Opened {Path(path).name}")
        return True

    @guarded
    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    @guarded
    def save_as(self) -> bool:
        start = str(self.document.path or Path.home() / f"design{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save design as", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(SUFFIX) and "." not in Path(path).name:
            path += SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        if self.document.changed_on_disk(path):
            answer = QMessageBox.question(
                self, "File changed on disk",
                f"{path.name} was changed on disk since you opened or last saved it (by another program "
                "or person). Replace it with this design? Their changes would be lost.",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Save:
                self.show_status(f"Not saved: {path.name} changed on disk")
                return False
        try:
            self.document.save(path)
        except UnloadableDesign as exc:
            QMessageBox.warning(self, "Cannot save design", f"{exc}\n\n{self._keep_refused_work()}")
            return False
        except SaveError as exc:
            QMessageBox.warning(self, "Cannot save design", str(exc))
            return False
        self.undo_stack.setClean()
        prefs.add_recent(path)
        self._update_title()
        self.show_status(f"Saved {path.name}")
        return True

    def _keep_refused_work(self) -> str:
        """A save refused because the model would not load again: the work goes to an autosave
        (offered for recovery at the next start), and the message says where."""
        try:
            kept = self.autosaver.write_now()
        except (OSError, SaveError) as exc:
            return f"Your work could not be kept in an autosave either: {exc}"
        return f"Your work is kept in the autosave {kept}; it is offered for recovery at the next start."

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = prefs.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(guarded(lambda *, p=path: self.open_path(p)))
        if not files:
            self.recent_menu.addAction("No recent designs").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List").triggered.connect(lambda: prefs.clear_recent())

    # --- views -----------------------------------------------------------------------------------

    def current_view(self):
        return self.hall_view if self.tabs.currentIndex() == 0 else self.elevation_view

    def focus_objects(self, ids) -> bool:
        """Select `ids` and show them: a device in its rack's elevation, racks on the floor plan."""
        return focus_objects(self, ids)

    def current_scene(self):
        return self.current_view().scene()

    def show_hall(self) -> None:
        self.tabs.setCurrentIndex(0)

    def show_racks(self) -> None:
        self.tabs.setCurrentIndex(1)

    @guarded
    def open_elevation(self, rack_id: str) -> None:
        self.show_racks()
        self.elevation_view.show_rack(rack_id)

    def zoom_in(self) -> None:
        self.current_view().zoom_in()

    def zoom_out(self) -> None:
        self.current_view().zoom_out()

    def zoom_fit(self) -> None:
        self.current_view().zoom_fit()

    def set_cable_overlay(self, on: bool) -> None:
        self.hall_view.hall_scene.set_show_cables(on)

    def paste_target(self) -> tuple[str | None, tuple[float, float] | None, str | None]:
        """(hall, floor point, rack) a paste goes to, from the view in use."""
        hall_id = self.hall_view.hall_scene.hall_id
        at = None
        last = self.hall_view.last_pos
        if self.tabs.currentIndex() == 0 and last is not None:
            at = (last.x(), last.y())
        rack_id = None
        if self.tabs.currentIndex() == 1:
            design = self.editor.design
            selected = [design.devices[i].rack for i in self.selection.ids if i in design.devices]
            open_racks = self.elevation_view.elevations.open_racks
            rack_id = next((r for r in selected if r), None) or (open_racks[0] if open_racks else None)
        return hall_id, at, rack_id

    def _context_menu(self, global_pos, obj_id) -> None:
        menu = QMenu(self)
        design = self.editor.design
        if obj_id in design.racks:
            menu.addAction("Open Elevation").triggered.connect(lambda: self.open_elevation(obj_id))
            menu.addSeparator()
            instance = design.racks[obj_id].rack_design is not None
            for action_id in ("edit_rack_design", "swap_generation", "detach_instance") if instance \
                    else ("make_rack_design",):
                menu.addAction(self.actions_by_id[action_id])
            menu.addSeparator()
        for action_id in ("rotate", "duplicate", "delete", None, "connect_psus", "connect_liquid", "connect_leaf"):
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_by_id[action_id])
        menu.popup(global_pos)

    def _rack_context_menu(self, global_pos, rack_id) -> None:
        menu = QMenu(self)
        menu.addAction("Close Elevation").triggered.connect(
            lambda: self.elevation_view.elevations.close_rack(rack_id))
        menu.addAction(self.actions_by_id["paste"])
        menu.popup(global_pos)

    # --- status ----------------------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def _message(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _show_cursor(self, text: str) -> None:
        self.cursor_label.setText(text)

    def _update_totals(self, *_):
        if not self.selection.ids:  # nothing to sum: no figures needed (an open design builds none yet)
            self.totals_label.setText(Totals().text())
            return
        if self.live_checks.figures_pending:
            self.totals_label.setText(f"{len(self.selection.ids)} selected · {FIGURES_PENDING}")
            return
        figures = self.document.figures
        self.totals_label.setText(selection_totals(figures.ctx, figures.rack_metrics, self.selection.ids).text())

    def about(self) -> None:
        QMessageBox.about(self, "About RackStudio",
                          f"<b>RackStudio {__version__}</b><br>Design AI data-center racks and halls: "
                          "elevations, power, cooling and cabling.")

    # --- window state ----------------------------------------------------------------------------

    def _restore_layout(self) -> bool:
        settings = prefs.settings()
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray | bytes):
            restored = bool(self.restoreState(state))
            if self.diff.old is None:
                self.diff.dock.hide()  # nothing to compare yet: the design gets the room
            return restored
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._layout_restored:
                QTimer.singleShot(0, self._default_dock_sizes)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.live_checks.start()  # the first full check runs (deferred) now that the window is on screen
            self.first_painted.emit()

    @property
    def plugins(self):
        """The PluginManager the app started (None in tests and tools that start none)."""
        return self.tools.plugins

    @plugins.setter
    def plugins(self, manager) -> None:
        self.tools.set_plugins(manager)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.palette_dock, self.inspector_dock], [400, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([self.palette_dock, self.site_dock], [3, 1], Qt.Orientation.Vertical)
        self.resizeDocks([self.inspector_dock, self.findings_dock], [2, 3], Qt.Orientation.Vertical)

    def save_layout(self) -> None:
        settings = prefs.settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.autosaver.remove()  # saved or discarded: nothing to recover
        self.save_layout()
        event.accept()

    def new_window(self, document: Document | None = None) -> MainWindow:
        """Another main window over the same parts and plugins (a second recovered design opens
        in one). It lives until it is closed."""
        window = MainWindow(document, copy.copy(self.editor.library))  # its own design_getter
        if self.plugins is not None:
            window.plugins = self.plugins
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _WINDOWS.add(window)
        window.destroyed.connect(lambda *_: _WINDOWS.discard(window))
        window.show()
        return window

    @guarded
    def open_preferences(self) -> bool:
        from rackstudio.ui.dialogs.preferences import Preferences, PreferencesDialog

        choice = PreferencesDialog.ask(self, Preferences.current())
        if choice is None:
            return False
        choice.apply()
        self.show_status("Preferences saved")
        return True


_WINDOWS: set[MainWindow] = set()  # windows opened by new_window, kept alive until closed


__all__ = ["MainWindow"]
