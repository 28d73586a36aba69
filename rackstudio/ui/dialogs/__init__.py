"""Small modal dialogs. Each has a classmethod `ask(...)` returning the answer or None, which
tests replace so nothing blocks."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout


def add_ok_cancel(dialog: QDialog, form: QFormLayout, accept=None) -> QDialogButtonBox:
    """OK/Cancel buttons at the bottom of a form dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(accept or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return buttons
