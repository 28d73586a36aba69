"""Rack designs in the app: Make Rack Design from Selection, Detach, Link, leave a slot empty or
reset it (Inspector), and the rack-design tab: the design's rack in the usual elevation editor, on
a document of its own, with "Apply to Instances…" showing the impact preview (instances changed,
overrides met, findings added and cleared, power per feed, heat per CDU and hall) before the one
undoable edit. The decisions are the core's (commands.rack_designs, reports.rack_design_impact).
"""
from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rackstudio.checks import CheckEngine
from rackstudio.commands import Composite, Refused
from rackstudio.commands.rack_designs import (
    DetachInstance,
    EditRackDesign,
    MakeRackDesign,
    SetOverride,
    SwapGeneration,
    from_rack,
    scratch,
)
from rackstudio.commands.removal import removal_commands
from rackstudio.document import Document
from rackstudio.errors import LoadError
from rackstudio.library import rack_design_files
from rackstudio.model.design import DeviceOverride
from rackstudio.model.rack_designs import RACK_TOKEN, describe, design_of_device, instances, local_id
from rackstudio.ui.bridge import DocumentBridge
from rackstudio.ui.busy import busy
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import REPORT, guarded
from rackstudio.ui.live_checks import ChecksController
from rackstudio.ui.rack.view import ElevationView
from rackstudio.ui.selection import SelectionModel
from rackstudio.ui.simulation import FailureSimulation
from rackstudio.ui.undo import UndoStack

if TYPE_CHECKING:
    from rackstudio.reports.rack_design_impact import Impact
    from rackstudio.ui.main_window import MainWindow

SCRATCH_RACK = "rk"


def slug_for(name: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "rack-design"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ImpactDialog(QDialog):
    """The impact preview of a rack-design edit: what applying it would do, before it is done."""

    def __init__(self, title: str, impact: Impact, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.impact = impact
        layout = QVBoxLayout(self)
        self.summary = QLabel(impact.lines()[0])
        self.details = QPlainTextEdit("\n".join(impact.lines()[1:]) or "No findings or figures change.")
        self.details.setReadOnly(True)
        self.details.setMinimumSize(640, 320)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent, title: str, impact: Impact) -> bool:
        """Show the preview; True when the user applies."""
        return cls(title, impact, parent).exec() == QDialog.DialogCode.Accepted


class RackDesignTab(QWidget):
    """One rack design in the usual elevation editor, on a scratch document; its edits are the
    tab's own (its own undo) until "Apply to Instances…" makes them one edit of the design."""

    applied = Signal(str)

    def __init__(self, controller: RackDesignsController, slug: str):
        super().__init__()
        self.controller, self.slug = controller, slug
        window = controller.window
        rd = window.editor.design.rack_designs[slug]
        self.document = Document(scratch(window.editor.design, rd))
        self.bridge = DocumentBridge(self.document, self)
        self.undo = UndoStack(self.document, self)
        self.selection = SelectionModel(self)
        self.checks = ChecksController(self.bridge, self)
        library = copy.copy(window.editor.library)  # the drops look parts up in this tab's design
        self.editor = EditorContext(self.bridge, self.undo, self.selection, library, self.checks,
                                    FailureSimulation(self.bridge, self.selection, self))
        self.view = ElevationView(self.editor)
        self.revision = QLineEdit(rd.revision)
        self.revision.setMaximumWidth(80)
        self.apply_button = QPushButton("Apply to Instances…")
        self.apply_button.clicked.connect(guarded(self.apply))
        undo, redo = QPushButton("Undo"), QPushButton("Redo")
        undo.clicked.connect(self.undo.undo)
        redo.clicked.connect(self.undo.redo)
        self.status = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel(f"Rack design {rd.name}, revision"))
        bar.addWidget(self.revision)
        bar.addWidget(undo)
        bar.addWidget(redo)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.view.show_rack(SCRATCH_RACK)
        self.outdated = False  # the design's rack design changed under this tab's own edits (`follow`)
        # undoing the tab's last edit of an outdated draft leaves nothing of its own: show the design's
        self.undo.indexChanged.connect(lambda _i: self.follow() if self.outdated and not self.undo.index()
                                       else self._count())
        self._count()
        # the tab's own keys: Delete removes from the design's rack, undo and redo are the tab's
        for keys, slot in ((QKeySequence.StandardKey.Delete, self.delete_selection),
                           (QKeySequence.StandardKey.Undo, self.undo.undo), (QKeySequence.StandardKey.Redo, self.undo.redo)):
            for key in QKeySequence.keyBindings(keys):
                shortcut = QShortcut(key, self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(guarded(slot))

    def delete_selection(self) -> None:
        ids = [i for i in self.selection.ids if i in self.document.design.devices]
        commands = removal_commands(self.document.design, ids)
        if commands:
            self.editor.execute(commands[0] if len(commands) == 1 else Composite(f"Delete {len(ids)} devices", commands))

    def _count(self) -> None:
        n = len(instances(self.controller.window.editor.design, self.slug))
        edits = self.undo.index()  # the tab's edits in force (an undone one is not applied either)
        text = f"{n} instances · {edits} edit{'s' * (edits != 1)} not applied yet" if edits else f"{n} instances"
        if edits and self.outdated:
            text += " · the design's rack design changed since: applying replaces it with this tab's"
        self.status.setText(text)

    def follow(self) -> None:
        """The design's rack design changed by an edit this tab did not apply (the main Undo of an
        apply, a swap, a design added from a file): with no edits of its own the tab shows it as it
        now is; with some it keeps them, and says so until they are applied or undone."""
        design = self.controller.window.editor.design
        rd = design.rack_designs[self.slug]
        if self.edited()[0] == rd:
            self.outdated = False
        elif self.undo.index():
            self.outdated = True
        else:
            self.document = Document(scratch(design, rd))
            self.selection.set([])
            self.undo.set_document(self.document)
            self.bridge.set_document(self.document)
            self.revision.setText(rd.revision)
            self.view.show_rack(SCRATCH_RACK)
            self.outdated = False
        self._count()

    def edited(self):
        """The rack design as the tab now holds it, and the parts it uses."""
        window = self.controller.window
        old = window.editor.design.rack_designs[self.slug]
        rd = from_rack(self.document.design, SCRATCH_RACK, old.slug, old.name, self.revision.text().strip() or old.revision,
                       old.notes)
        return rd, list(self.document.design.part_types.values())

    def command(self) -> EditRackDesign:
        rd, parts = self.edited()
        return EditRackDesign(rd, parts)

    def apply(self) -> bool:
        """Preview the edit across the design, then apply it as one undoable step if accepted."""
        command = self.command()
        impact = self.controller.impact(command)
        if impact is None:
            return False
        self.controller.last_impact = impact
        if not ImpactDialog.ask(self, f"Apply {command.rd.name} revision {command.rd.revision}", impact):
            return False
        if not self.controller.window.editor.execute(self.controller.previewed(impact, command)):
            return False
        self.undo.clear()
        self.outdated = False
        self._count()
        self.applied.emit(self.slug)
        return True


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class InstancePanel(QWidget):
    """In the Inspector: which rack design a rack or device comes from, the rack's overrides with
    a Reset each, and "Leave Slot Empty" for a device of an instance."""

    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 4, 0, 4)
        self.buttons: dict[str, QPushButton] = {}

    def show_for(self, ids: list[str]) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.buttons = {}
        design = self.editor.design
        rack = device = cable = None
        if len(ids) == 1 and ids[0] in design.racks:
            rack = design.racks[ids[0]]
        elif len(ids) == 1 and ids[0] in design.devices:
            found = design_of_device(design, ids[0])
            if found is not None:
                rack, device = found
        elif len(ids) == 1 and ids[0] in design.connections:
            found = design_of_cable(design, ids[0])
            if found is not None:
                rack, cable = found
        if rack is None or rack.rack_design not in design.rack_designs:
            self.hide()
            return
        rd = design.rack_designs[rack.rack_design]
        overrides = rack.overrides or {}
        if cable is not None:
            self._cable(rack, rd, cable)
        elif device is None:
            text = f"Instance of rack design <b>{rd.name}</b> (revision {rd.revision})"
            text += f", {len(overrides)} override{'s' * (len(overrides) != 1)}" if overrides else ", as designed"
            self.layout_.addWidget(_wrapped(text))
            for local, override in sorted(overrides.items()):
                what = describe(override)
                shown = rd.devices[local].name if local in rd.devices else \
                    f"cable {rd.connections[local].label or local}".replace(RACK_TOKEN, rack.name) \
                    if local in rd.connections else local
                row = QHBoxLayout()
                row.addWidget(_wrapped(f"{shown}: {what}"), 1)
                button = QPushButton("Reset")
                button.clicked.connect(guarded(lambda *_, r=rack.id, k=local: self.editor.execute(SetOverride(r, k, None))))
                self.buttons[f"reset:{local}"] = button
                row.addWidget(button)
                holder = QWidget()
                holder.setLayout(row)
                self.layout_.addWidget(holder)
        else:
            override = overrides.get(device)
            text = f"From rack design <b>{rd.name}</b> (its {rd.devices[device].name})"
            if override is not None:
                text += f"; in this rack it {describe(override).replace('holds', 'is')} (an override)"
            self.layout_.addWidget(_wrapped(text))
            button = QPushButton("Leave Slot Empty in This Rack")
            button.clicked.connect(guarded(lambda *_, r=rack.id, k=device: self.editor.execute(
                SetOverride(r, k, DeviceOverride(empty=True)))))
            self.buttons["empty"] = button
            self.layout_.addWidget(button)
            if override is not None:
                reset = QPushButton("Reset to Rack Design")
                reset.clicked.connect(guarded(lambda *_, r=rack.id, k=device: self.editor.execute(SetOverride(r, k, None))))
                self.buttons["reset"] = reset
                self.layout_.addWidget(reset)
        self.show()

    def _cable(self, rack, rd, local: str) -> None:
        """A cable of an instance: its design's, with this rack's own optics when it has them."""
        override = (rack.overrides or {}).get(local)
        text = f"From rack design <b>{rd.name}</b> (its cable {local})"
        text += f"; this rack has {describe(override)} on it (an override)" if override is not None else \
            "; its optics are the design's (changing them here makes an override of this rack)"
        self.layout_.addWidget(_wrapped(text))
        if override is not None:
            reset = QPushButton("Reset Optics to Rack Design")
            reset.clicked.connect(guarded(lambda *_, r=rack.id, k=local: self.editor.execute(SetOverride(r, k, None))))
            self.buttons["reset"] = reset
            self.layout_.addWidget(reset)


def design_of_cable(design, conn_id: str):
    """(instance rack, the design's cable id) for an internal cable of an instance, else None."""
    conn = design.connections.get(conn_id)
    found = design_of_device(design, conn.a.owner) if conn is not None else None
    if found is None:
        return None
    rack = found[0]
    local = local_id(rack.id, conn_id)
    return (rack, local) if local is not None and local in design.rack_designs[rack.rack_design].connections else None


def elevation_picture(design, name: str, width: int = 560, height: int = 400) -> QPixmap:
    """A rack design's front and rear elevation as a picture (drawn by the export's painter)."""
    from rackstudio.checks.metrics import OnDemandMetrics
    from rackstudio.graph.component_graph import ComponentGraph
    from rackstudio.reports.build_package import RACK, find
    from rackstudio.ui.export import _categories, _elevation_page
    from rackstudio.ui.render import sheet

    built = scratch(design, find(design, name))
    block = sheet.title_block(built, built.name)
    page = _elevation_page(built, [RACK], block, sheet.elevation_legend(_categories(built, [RACK])), "",
                           OnDemandMetrics(built, ComponentGraph(built)))
    scale = 2.0
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(scale * width / 842.0, scale * height / 600.0)
    page(painter, QRectF(0, 0, 842.0, 600.0))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(scale)
    return pixmap


class CompareDialog(QDialog):
    """Two rack designs side by side: elevations, the figures table and the BOM delta."""

    def __init__(self, design, a: str, b: str, parent=None):
        super().__init__(parent)
        from rackstudio.reports.rack_design_compare import compare  # brings openpyxl: when first used

        self.rows, self.bom = compare(design, a, b)
        self.setWindowTitle(f"Compare {self.rows[0].a} and {self.rows[0].b}")
        layout = QVBoxLayout(self)
        pictures = QHBoxLayout()
        for name in (a, b):
            label = QLabel()
            label.setPixmap(elevation_picture(design, name))
            pictures.addWidget(label)
        layout.addLayout(pictures)
        self.table = QTableWidget(len(self.rows) + len(self.bom), 4)
        self.table.setHorizontalHeaderLabels(["Figure", str(self.rows[0].a), str(self.rows[0].b), "Δ (B − A)"])
        for i, row in enumerate([*self.rows, *self.bom]):
            for j, value in enumerate((row.figure if i < len(self.rows) else f"BOM: {row.figure}", row.a, row.b,
                                       "" if row.delta is None else f"{row.delta:+g}")):
                self.table.setItem(i, j, QTableWidgetItem(f"{value:g}" if isinstance(value, float) else str(value)))
        self.table.resizeColumnsToContents()
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(1180, 900)


class RackDesignsController(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.tabs: dict[str, RackDesignTab] = {}
        self.last_impact: Impact | None = None  # the impact preview shown last
        self._previewed: tuple[object, int] | None = None  # the document and its edit count at the last preview
        self._keys: dict[str, list] = {}
        window.bridge.replaced.connect(self._close_all)
        window.bridge.changed.connect(guarded(self._follow))
        window.tabs.currentChanged.connect(guarded(self._on_tab))

    # The main window's edit actions act on the design, not on a rack design's tab: while a tab is
    # current they are off (undo and redo lose their keys, which the tab's own shortcuts take).
    MAIN_ONLY = ("cut", "copy", "paste", "duplicate", "delete", "select_all", "rotate")

    def _on_tab(self, _index: int) -> None:
        in_tab = isinstance(self.window.tabs.currentWidget(), RackDesignTab)
        actions = self.window.actions_by_id
        for action_id in self.MAIN_ONLY:
            actions[action_id].setEnabled(not in_tab)
        for action_id in ("undo", "redo"):
            if in_tab and action_id not in self._keys:
                self._keys[action_id] = actions[action_id].shortcuts()
                actions[action_id].setShortcuts([])
            elif not in_tab and action_id in self._keys:
                actions[action_id].setShortcuts(self._keys.pop(action_id))

    @property
    def design(self):
        return self.window.editor.design

    def _selected_racks(self) -> list[str]:
        return [i for i in self.window.selection.ids if i in self.design.racks]

    # --- actions ---------------------------------------------------------------------------------

    def make_from_selection(self, name: str | None = None) -> bool:
        racks = self._selected_racks()
        if len(racks) != 1:
            self.window.show_status("Select one rack to make a rack design from it")
            return False
        rack = self.design.racks[racks[0]]
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Make Rack Design", "Name of the rack design:",
                                            text=rack.name)
            if not ok or not name.strip():
                return False
        slug = slug_for(name, self.design.rack_designs)
        return self.window.editor.execute(MakeRackDesign(rack.id, name.strip(), slug))

    def detach_selection(self) -> bool:
        racks = [r for r in self._selected_racks() if self.design.racks[r].rack_design]
        if not racks:
            self.window.show_status("Select instances of a rack design to detach them")
            return False
        return self.window.editor.execute(DetachInstance(racks))

    def edit_selection(self) -> RackDesignTab | None:
        """Open the rack design of the selected instance in its tab."""
        racks = [r for r in self._selected_racks() if self.design.racks[r].rack_design]
        if not racks:
            self.window.show_status("Select an instance of a rack design to edit the design")
            return None
        return self.open_tab(self.design.racks[racks[0]].rack_design)

    def swap_selection(self, slug: str | None = None) -> bool:
        """Swap the selected instances (a row: select its racks) to another rack design, after the
        same impact preview an edit shows."""
        racks = [r for r in self._selected_racks() if self.design.racks[r].rack_design]
        if not racks:
            self.window.show_status("Select instances of a rack design to swap their generation")
            return False
        current = {self.design.racks[r].rack_design for r in racks}
        choices = {rd.name: rd.slug for rd in self.design.rack_designs.values() if rd.slug not in current}
        if not choices:
            self.window.show_status("There is no other rack design to swap to")
            return False
        if slug is None:
            name, ok = QInputDialog.getItem(self.window, "Swap Generation", f"Make {len(racks)} racks instances of:",
                                            sorted(choices), 0, False)
            if not ok:
                return False
            slug = choices[name]
        command = SwapGeneration(racks, slug)
        impact = self.impact(command)
        if impact is None:
            return False
        self.last_impact = impact
        if not ImpactDialog.ask(self.window, f"Swap {len(racks)} racks to {self.design.rack_designs[slug].name}",
                                impact):
            return False
        return self.window.editor.execute(self.previewed(impact, command))

    def compare_dialog(self, a: str | None = None, b: str | None = None) -> CompareDialog | None:
        """Compare two rack designs (the selected instance's first, when there is one)."""
        names = sorted(rd.name for rd in self.design.rack_designs.values())
        if len(names) < 2:
            self.window.show_status("Compare needs two rack designs in the design")
            return None
        if a is None or b is None:
            racks = [r for r in self._selected_racks() if self.design.racks[r].rack_design]
            first = self.design.rack_designs[self.design.racks[racks[0]].rack_design].name if racks else names[0]
            a, ok = QInputDialog.getItem(self.window, "Compare Rack Designs", "First:", names, names.index(first), False)
            if not ok:
                return None
            others = [n for n in names if n != a]
            b, ok = QInputDialog.getItem(self.window, "Compare Rack Designs", f"Compare {a} with:", others, 0, False)
            if not ok:
                return None
        dialog = CompareDialog(self.design, a, b, self.window)
        dialog.show()
        return dialog

    def save_to_parts(self) -> bool:
        """Save the selected instance's rack design to the parts folder (one file per design)."""
        racks = [r for r in self._selected_racks() if self.design.racks[r].rack_design]
        if not racks:
            self.window.show_status("Select an instance of a rack design to save its design")
            return False
        path = rack_design_files.save(self.design, self.design.racks[racks[0]].rack_design)
        self.window.palette_dock.reload()  # listed from the parts folder now, for every design
        self.window.show_status(f"Saved the rack design to {path}")
        return True

    def add_from_file(self, path: str | None = None) -> bool:
        """Add a rack design from a rack-design file (the parts folder's, or any)."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Add Rack Design", str(rack_design_files.folder()),
                                                  "Rack designs (*.rackstudio)")
            if not path:
                return False
        try:
            command = rack_design_files.add_command(path)
        except LoadError as exc:
            REPORT.refused(Refused(exc.message))
            return False
        return self.window.editor.execute(command)

    def open_tab(self, slug: str) -> RackDesignTab:
        tab = self.tabs.get(slug)
        if tab is None:
            tab = self.tabs[slug] = RackDesignTab(self, slug)
            self.window.tabs.addTab(tab, f"Design: {self.design.rack_designs[slug].name}")
        self.window.tabs.setCurrentWidget(tab)
        return tab

    def leave_empty(self, device_id: str) -> bool:
        found = design_of_device(self.design, device_id)
        if found is None:
            return False
        return self.window.editor.execute(SetOverride(found[0].id, found[1], DeviceOverride(empty=True)))

    def reset(self, rack_id: str, local: str) -> bool:
        return self.window.editor.execute(SetOverride(rack_id, local, None))

    def impact(self, command) -> Impact | None:
        from rackstudio.reports.rack_design_impact import preview

        engine = self.window.live_checks.engine
        document = self.window.bridge.document
        self._previewed = (document, document.edits)
        try:
            with busy(self.window, "Working out what the edit does across the design…"):
                if engine is None:  # checks not run yet: a full run here, for an honest preview
                    engine = CheckEngine(document.design, document.graph, self.window.live_checks.registry_factory())
                    engine.run_full()
                return preview(engine, command)
        except Refused as exc:
            REPORT.refused(exc)
            return None

    def previewed(self, impact: Impact, command):
        """What to apply once `impact`'s preview is accepted: the command as the preview planned it,
        while the design is still the one previewed (the checks then take the state the preview
        checked, at once: `CheckEngine.trial`), else `command` itself, planned anew."""
        document = self.window.bridge.document
        if impact.planned is not None and self._previewed == (document, document.edits):
            return impact.planned
        return command

    def _follow(self, changes) -> None:
        """Each open tab whose rack design an edit touched follows it (`RackDesignTab.follow`); a
        tab whose rack design is gone (the Undo of making it) closes."""
        touched = changes.touched()
        for slug, tab in list(self.tabs.items()):
            if touched.get(slug) != "rack_designs":
                continue
            if slug in self.design.rack_designs:
                tab.follow()
            else:
                self._close(tab)

    def _close(self, tab: RackDesignTab) -> None:
        index = self.window.tabs.indexOf(tab)
        if index >= 0:
            self.window.tabs.removeTab(index)
        tab.deleteLater()
        self.tabs.pop(tab.slug, None)

    def _close_all(self) -> None:
        for tab in list(self.tabs.values()):
            self._close(tab)


__all__ = ["CompareDialog", "ImpactDialog", "InstancePanel", "RackDesignTab", "RackDesignsController", "slug_for"]
