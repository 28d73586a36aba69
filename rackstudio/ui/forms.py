"""Property editors built from a record's pydantic fields (used by the inspector and the
"add hall/feed/..." dialogs): text and numbers in line edits, choices and references to other
records in combo boxes, flags in check boxes; anything structured is shown read-only.
Values are validated by the model through SetProperty, never here."""
from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from rackstudio.commands import Refused
from rackstudio.model.design import Design

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


def make_editor(spec: FieldSpec, design: Design) -> QWidget:
    if spec.kind == "bool":
        return QCheckBox()
    if spec.kind in ("choice", "ref"):
        combo = QComboBox()
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
    edit = QLineEdit()
    if spec.optional:
        edit.setPlaceholderText("—")
    return edit


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={v}" for k, v in value.model_dump(exclude_none=True).items())
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
