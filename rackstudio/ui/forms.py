"""Property editors built from a record's pydantic fields (used by the inspector and the
"add hall/feed/..." dialogs): text and numbers in line edits, choices and references to other
records in combo boxes, flags in check boxes; anything structured is shown read-only.
Values are validated by the model through SetProperty, never here. The mouse wheel over a
field that does not have the keyboard focus scrolls the panel it sits in and never edits the
field (a wheel turned to scroll a long inspector must not change a PDU's side)."""
from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, is_dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QToolTip,
    QWidget,
)

from rackstudio.commands import Refused
from rackstudio.model.design import Design
from rackstudio.model.text import CONTROL, typed_problem

MIXED = "(mixed)"
# field name -> the design collection its value refers to
REFERENCES = {"rack": "racks", "row": "rows", "hall": "halls", "part": "part_types", "rack_type": "rack_types",
              "panel": "panels", "ups": "upses", "parent": "devices"}
UNITS = {"_mm": "mm", "_kw": "kW", "_w": "W", "_kg": "kg", "_v": "V", "_a": "A", "_m": "m", "_c": "°C",
         "_m2": "kg/m²", "_lpm": "L/min"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # "text", "number", "integer", "bool", "choice", "ref", "readonly"
    optional: bool
    choices: tuple[str, ...] = ()
    ref: str | None = None

    @property
    def label(self) -> str:
        text = self.name.replace("_", " ")
        for suffix, unit in UNITS.items():
            if self.name.endswith(suffix):
                return text[: -len(suffix)].strip() + f" ({unit})"
        return text


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            inner, _ = _unwrap(args[0])
            return inner, optional
        return annotation, optional
    return annotation, False


@cache
def field_specs(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    specs = []
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        annotation, optional = _unwrap(info.annotation)
        if name in REFERENCES and annotation is str:
            specs.append(FieldSpec(name, "ref", optional, ref=REFERENCES[name]))
        elif annotation is bool:
            specs.append(FieldSpec(name, "bool", optional))
        elif typing.get_origin(annotation) is Literal:
            specs.append(FieldSpec(name, "choice", optional, tuple(str(a) for a in typing.get_args(annotation))))
        elif annotation is float:
            specs.append(FieldSpec(name, "number", optional))
        elif annotation is int:
            specs.append(FieldSpec(name, "integer", optional))
        elif annotation is str:
            specs.append(FieldSpec(name, "text", optional))
        else:
            specs.append(FieldSpec(name, "readonly", optional))
    return tuple(specs)


def ref_choices(design: Design, spec: FieldSpec) -> list[tuple[str, str]]:
    """(label, value) pairs for a reference field."""
    table = getattr(design, spec.ref)
    if spec.ref in ("part_types", "rack_types"):
        rows = [(f"{v.manufacturer} {v.model}", k) for k, v in table.items()]
    elif spec.ref == "devices":
        rows = [(v.name, k) for k, v in table.items() if design.part_of(v).device_bays]
    else:
        rows = [(getattr(v, "name", k), k) for k, v in table.items()]
    return sorted(rows)


class _WheelScrollsPanel(QObject):
    """Event filter: a wheel event over an unfocused editor goes to its parent (the scroll area)."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        panel = watched.parentWidget()
        while panel is not None and not isinstance(panel, QAbstractScrollArea):
            panel = panel.parentWidget()
        if panel is None:
            event.ignore()  # no panel to scroll: let the parents have it
            return True
        forwarded = QWheelEvent(event.position(), event.globalPosition(), event.pixelDelta(), event.angleDelta(),
                                event.buttons(), event.modifiers(), event.phase(), event.inverted())
        QApplication.sendEvent(panel.viewport(), forwarded)
        event.accept()  # handled here: a real wheel event must not also bubble to the panel
        return True


_WHEEL_FILTER: _WheelScrollsPanel | None = None


def wheel_scrolls_panel(widget: QWidget) -> QWidget:
    """Make the wheel over `widget` (a combo or spin box) edit it only once it has the focus;
    until then it scrolls the panel. Returns the widget."""
    global _WHEEL_FILTER
    if _WHEEL_FILTER is None:
        _WHEEL_FILTER = _WheelScrollsPanel(QApplication.instance())
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone never takes the focus
    widget.installEventFilter(_WHEEL_FILTER)
    return widget


def make_editor(spec: FieldSpec, design: Design) -> QWidget:
    if spec.kind == "bool":
        return QCheckBox()
    if spec.kind in ("choice", "ref"):
        combo = QComboBox()
        wheel_scrolls_panel(combo)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        if spec.optional:
            combo.addItem("—", None)
        if spec.kind == "choice":
            for value in spec.choices:
                combo.addItem(value, value)
        else:
            for label, value in ref_choices(design, spec):
                combo.addItem(label, value)
        return combo
    if spec.kind == "readonly":
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label
    edit = typed_text(QLineEdit(), spec.label)
    if spec.optional:
        edit.setPlaceholderText("—")
    return edit


class TypedText(QValidator):
    """Refuses, as it is typed or pasted, text that adds a control character (the commands' one rule,
    `typed_problem`) and says why in a tooltip; text that already held them (a loaded design) can still
    be edited, so a rename can repair it."""

    def __init__(self, edit: QLineEdit, field: str):
        super().__init__(edit)
        self.edit, self.field, self.message = edit, field, ""
        self.before = edit.text()  # the line edit already holds the changed text when it asks
        edit.textChanged.connect(self._changed)

    def _changed(self, text: str) -> None:
        self.before = text

    def validate(self, text: str, pos: int):
        if len(CONTROL.findall(text)) > len(CONTROL.findall(self.before)):
            self.message = typed_problem(self.field, text) or ""
            if self.edit.hasFocus():  # typed or pasted, not a loaded name being shown
                QToolTip.showText(self.edit.mapToGlobal(self.edit.rect().bottomLeft()), self.message, self.edit)
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos


def typed_text(edit: QLineEdit, field: str) -> QLineEdit:
    """`edit` with a `TypedText` validator for `field`. Returns the line edit."""
    edit.setValidator(TypedText(edit, field))
    return edit


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel) or is_dataclass(value):  # a record, or a connection's end
        fields = value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else asdict(value)
        return ", ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    if isinstance(value, tuple | list):
        return ", ".join(_show(v) for v in value) or "—"
    return str(value)


def set_value(widget: QWidget, spec: FieldSpec, value: Any, mixed: bool = False) -> None:
    widget.blockSignals(True)
    try:
        if isinstance(widget, QCheckBox):
            widget.setTristate(mixed)
            widget.setCheckState(Qt.CheckState.PartiallyChecked if mixed else
                                 Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
        elif isinstance(widget, QComboBox):
            if mixed:
                if widget.findText(MIXED) < 0:
                    widget.insertItem(0, MIXED, MIXED)
                widget.setCurrentIndex(widget.findText(MIXED))
            else:
                index = widget.findData(value)
                if index < 0 and value is not None:
                    widget.addItem(str(value), value)
                    index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if mixed else _show(value))
            widget.setPlaceholderText(MIXED if mixed else ("—" if spec.optional else ""))
        elif isinstance(widget, QLabel):
            widget.setText(MIXED if mixed else (_show(value) or "—"))
    finally:
        widget.blockSignals(False)


def read_value(widget: QWidget, spec: FieldSpec) -> Any:
    """The editor's value for SetProperty; raises Refused for text that is not a number."""
    if isinstance(widget, QCheckBox):
        return widget.checkState() == Qt.CheckState.Checked
    if isinstance(widget, QComboBox):
        return widget.currentData()
    text = widget.text().strip() if isinstance(widget, QLineEdit) else ""
    if text == "" and spec.optional:
        return None
    if spec.kind in ("number", "integer"):
        try:
            return int(text) if spec.kind == "integer" else float(text.replace(",", "."))
        except ValueError:
            raise Refused(f"{spec.label}: {text!r} is not a number") from None
    return text
