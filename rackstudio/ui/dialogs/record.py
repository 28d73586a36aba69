"""A dialog that fills in a new record (hall, UPS, panel, feed) from its model's fields, with
defaults; the model validates it and the caller adds it with one AddRecord command."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QWidget

from rackstudio.model.design import Design
from rackstudio.ui import forms
from rackstudio.ui.dialogs import add_ok_cancel


class RecordDialog(QDialog):
    def __init__(self, design: Design, model: type[BaseModel], title: str, defaults: dict[str, Any],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.model, self.defaults = model, defaults
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.editors = {}
        for spec in forms.field_specs(model):
            if spec.kind == "readonly":
                continue
            widget = forms.make_editor(spec, design)
            value = defaults.get(spec.name, model.model_fields[spec.name].default)
            forms.set_value(widget, spec, None if value is PydanticUndefined else value)
            self.editors[spec.name] = (spec, widget)
            form.addRow(spec.label, widget)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00")
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        add_ok_cancel(self, form, self._try_accept)
        self.record = None

    def build(self):
        data = dict(self.defaults)
        for name, (spec, widget) in self.editors.items():
            data[name] = forms.read_value(widget, spec)
        data = {k: v for k, v in data.items() if v is not None or k == "id"}
        return self.model.model_validate(data)

    def _try_accept(self) -> None:
        try:
            self.record = self.build()
        except ValidationError as exc:
            err = exc.errors()[0]
            self.problem.setText(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
            return
        except Exception as exc:  # Refused from a number field
            self.problem.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, parent, design: Design, model: type[BaseModel], title: str, defaults: dict[str, Any]):
        dialog = cls(design, model, title, defaults, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.record
