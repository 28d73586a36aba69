"""The inspector: edit the selected object's properties (each edit is one SetProperty; with
several objects selected, the properties they share, as one undo step), a summary for racks,
and for a device its modules (a drop target for module types) and its port panel, and the optics
at each end of a network cable (one SetEnds)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rackstudio.changes import ChangeSet
from rackstudio.commands import Composite, SetEnds, SetProperty
from rackstudio.model import optics
from rackstudio.model.design import Design
from rackstudio.power import device_draw
from rackstudio.reports.totals import FIGURES_PENDING, rack_summary
from rackstudio.ui import forms
from rackstudio.ui.dialogs.connect import fibre_combo, optic_combo
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.modules_panel import ModulePanel
from rackstudio.ui.ports import PortPanel
from rackstudio.ui.rack_designs import InstancePanel

_PLACEMENT_HIDDEN = {
    "rack": {"hall", "x_mm", "y_mm", "facing", "parent", "bay"},
    "bay": {"rack", "position", "face", "side", "lateral", "hall", "x_mm", "y_mm", "facing"},
    "floor": {"rack", "position", "face", "side", "lateral", "parent", "bay"},
}
_READ_ONLY = {"connections": {"kind"}}
# kept by the commands: a typed name clears name_generated; modules are the Modules section's; a
# cable's optics have their own editors; a rack's rack design and overrides are the instance panel's
_NOT_SHOWN = {"devices": {"name_generated", "modules"}, "connections": {"a_end", "b_end", "fibre"},
              "racks": {"rack_design", "overrides"}}
_KIND_NAMES = {"halls": "Hall", "rows": "Row", "racks": "Rack", "devices": "Device", "upses": "UPS",
               "panels": "Panel", "feeds": "Feed", "connections": "Connection", "comments": "Comment",
               "waivers": "Waiver"}


def shared_specs(design: Design, ids: list[str]) -> list[forms.FieldSpec]:
    """The editable fields every selected object has (same name and kind of editor)."""
    common: dict[str, forms.FieldSpec] | None = None
    for obj_id in ids:
        obj = design.get(obj_id)
        coll = design.kind_of(obj_id)
        hidden = set(_PLACEMENT_HIDDEN.get(obj.placement, ())) if coll == "devices" else set()
        hidden |= _NOT_SHOWN.get(coll, set())
        specs = {}
        for spec in forms.field_specs(type(obj)):
            if spec.name in hidden:
                continue
            if spec.name in _READ_ONLY.get(coll, ()):
                spec = forms.FieldSpec(spec.name, "readonly", spec.optional)
            specs[spec.name] = spec
        common = specs if common is None else {k: v for k, v in common.items() if specs.get(k) == v}
    return list((common or {}).values())


class InspectorDock(QDockWidget):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__("Inspector", parent)
        self.setObjectName("InspectorDock")
        self.editor = editor
        self.ids: list[str] = []
        self.editors: dict[str, tuple[forms.FieldSpec, QWidget]] = {}
        self.optics: dict[str, QComboBox] = {}
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.layout_.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel("Nothing selected")
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.ports = PortPanel(editor)
        self.modules = ModulePanel(editor)
        self.instance = InstancePanel(editor)
        self.layout_.addWidget(self.title)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.instance)
        self.layout_.addWidget(self.form_host)
        self.layout_.addWidget(self.modules)
        self.layout_.addWidget(self.ports, 1)
        self.layout_.addStretch(0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.setWidget(scroll)
        editor.selection.changed.connect(self._on_selection)
        editor.bridge.changed.connect(self._on_changed)
        editor.bridge.replaced.connect(self._on_selection)
        editor.live_checks.reset.connect(self._on_figures)
        self._rebuild()

    @property
    def design(self) -> Design:
        return self.editor.design

    def _on_figures(self) -> None:
        """The checks' figures arrived (or were replaced): the rack summary and a PDU's outlet map read them."""
        self.summary.setText(self._summary_text())
        self.ports.refresh()

    def _on_selection(self, *_):
        self.ids = [i for i in self.editor.selection.ids if self.design.kind_of(i) is not None]
        self._rebuild()

    @guarded
    def _on_changed(self, changes: ChangeSet) -> None:
        ids = [i for i in self.ids if self.design.kind_of(i) is not None]
        if ids != self.ids:
            self.ids = ids
            self._rebuild()
        elif changes.touched().keys() & set(ids) or changes.settings:
            self._refresh_values()
        else:
            self.summary.setText(self._summary_text())  # a rack's fill changes with its devices
        if changes.touched().keys() & set(ids):
            self.modules.refresh()
        self.ports.refresh()

    def _rebuild(self) -> None:
        # an edit can lead here from inside the editor's own focus-out or Return (editingFinished
        # → command → selection change): the old editors are hidden now and deleted later, never
        # while Qt is still inside one of their event handlers
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.blockSignals(True)  # hiding a focused editor would finish its edit
                    widget.hide()
                    widget.deleteLater()
        self.editors.clear()
        design = self.design
        ids = self.ids
        self.ports.set_device(ids[0] if len(ids) == 1 and ids[0] in design.devices else None)
        self.modules.set_device(ids[0] if len(ids) == 1 and ids[0] in design.devices else None)
        if not ids:
            self.instance.show_for([])
            self.title.setText("Nothing selected")
            self.summary.setText("Select a rack, a device or a cable to edit its properties.")
            return
        self.title.setText(self._title_text())
        for spec in shared_specs(design, ids):
            widget = forms.make_editor(spec, design)
            self.editors[spec.name] = (spec, widget)
            self.form.addRow(spec.label, widget)
            self._connect(spec, widget)
        self.optics: dict[str, QComboBox] = {}
        conn = design.connections.get(ids[0]) if len(ids) == 1 else None
        if conn is not None and conn.kind == "network":
            for key, label, combo in (("a_end", f"Optic at {conn.a.port}", optic_combo()),
                                      ("b_end", f"Optic at {conn.b.port}", optic_combo()), ("fibre", "Fibre", fibre_combo())):
                self.optics[key] = combo
                self.form.addRow(label, combo)
                combo.activated.connect(lambda _i: self._optics_edited())
        self._refresh_values()

    def _connect(self, spec: forms.FieldSpec, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.editingFinished.connect(lambda name=spec.name: self._edited(name))
        elif isinstance(widget, QComboBox):
            widget.activated.connect(lambda _i, name=spec.name: self._edited(name))
        elif isinstance(widget, QCheckBox):
            widget.clicked.connect(lambda _c, name=spec.name: self._edited(name))

    def _refresh_values(self) -> None:
        design = self.design
        for name, (spec, widget) in self.editors.items():
            values = [getattr(design.get(i), name) for i in self.ids]
            mixed = any(v != values[0] for v in values[1:])
            forms.set_value(widget, spec, values[0], mixed)
        conn = design.connections.get(self.ids[0]) if len(self.ids) == 1 and self.optics else None
        for key, combo in self.optics.items():
            combo.setCurrentIndex(max(combo.findData(getattr(conn, key)), 0) if conn is not None else 0)
        self.title.setText(self._title_text())  # a generated name follows its device
        self.summary.setText(self._summary_text())
        self.instance.show_for(self.ids)

    def _title_text(self) -> str:
        design, ids = self.design, self.ids
        if len(ids) == 1:
            obj = design.get(ids[0])
            kind = _KIND_NAMES.get(design.kind_of(ids[0]), "Object")
            return f"<b>{kind} {getattr(obj, 'name', '') or obj.id}</b> <small>({obj.id})</small>"
        names = ", ".join(sorted({_KIND_NAMES.get(design.kind_of(i), design.kind_of(i)) + "s" for i in ids}))
        return f"<b>{len(ids)} objects</b> ({names}): shared properties"

    def _summary_text(self) -> str:
        design = self.design
        if len(self.ids) == 1 and self.ids[0] in design.racks:
            if self.editor.live_checks.figures_pending:
                return FIGURES_PENDING.capitalize()
            s = rack_summary(design, self.editor.bridge.document.figures.rack_metrics(self.ids[0]))
            return f"{s.used_u:g} of {s.total_u} U used · {s.power_text()} · {s.weight_text()}"
        if len(self.ids) == 1 and self.ids[0] in design.devices:
            part = design.part_of(design.devices[self.ids[0]])
            draw = device_draw(design, design.devices[self.ids[0]])
            power = " · power unknown" if not draw.known else f" · {draw.allocated_w:,.0f} W" + (
                " (derived from its PSUs)" if draw.derived else "")
            return f"{part.manufacturer} {part.model} · {part.u_height:g} U · {part.category}{power}"
        conn = design.connections.get(self.ids[0]) if len(self.ids) == 1 else None
        if conn is not None and optics.carries_optics(conn):
            watts = [optics.end_power_w(design, conn, side) for side in ("a", "b")]
            legs = [f"{end.port} leg {end.leg}" for end in (conn.a, conn.b) if end.leg is not None]
            return (f"Optics {watts[0]:g} W + {watts[1]:g} W" + (f" · {conn.fibre} fibre" if conn.fibre else "")
                    + (f" · breakout {', '.join(legs)}" if legs else ""))
        return "The status bar shows the selection's units, power and weight." if len(self.ids) > 1 else ""

    @guarded
    def _edited(self, name: str) -> None:
        spec, widget = self.editors[name]
        if isinstance(widget, QComboBox) and widget.currentData() == forms.MIXED:
            return
        value = forms.read_value(widget, spec)
        ids = [i for i in self.ids if getattr(self.design.get(i), name) != value]
        if not ids:
            return
        label = spec.label
        if len(ids) == 1:
            obj = self.design.get(ids[0])
            command = SetProperty(ids[0], name, value, text=f"Set {label} of {getattr(obj, 'name', obj.id)}")
        else:
            command = Composite(f"Set {label} of {len(ids)} objects", [SetProperty(i, name, value) for i in ids])
        if not self.editor.execute(command):
            self._refresh_values()

    @guarded
    def _optics_edited(self) -> None:
        conn = self.design.connections.get(self.ids[0]) if len(self.ids) == 1 else None
        if conn is None:
            return
        values = {key: combo.currentData() for key, combo in self.optics.items()}
        if all(getattr(conn, k) == v for k, v in values.items()):
            return
        if not self.editor.execute(SetEnds(conn.id, values["a_end"], values["b_end"], values["fibre"])):
            self._refresh_values()

    # --- for tests -------------------------------------------------------------------------------

    def editor_for(self, name: str) -> QWidget:
        return self.editors[name][1]
