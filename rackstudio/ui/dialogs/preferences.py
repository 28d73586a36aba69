"""Edit ▸ Preferences: how often unsaved work is autosaved, the name comments and sign-offs are
written under, and the cable label pattern (checked as it is typed)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox

from rackstudio.commands.labels import pattern_problem
from rackstudio.ui import prefs
from rackstudio.ui.dialogs import add_ok_cancel
from rackstudio.ui.forms import typed_text


@dataclass(frozen=True)
class Preferences:
    autosave_seconds: int
    author: str
    label_pattern: str

    @classmethod
    def current(cls) -> Preferences:
        from rackstudio.ui.comments import author

        return cls(prefs.autosave_seconds(), author(), prefs.label_pattern())

    def apply(self) -> None:
        from rackstudio.ui.comments import set_author

        prefs.set_autosave_seconds(self.autosave_seconds)
        set_author(self.author)
        prefs.set_label_pattern(self.label_pattern)


class PreferencesDialog(QDialog):
    def __init__(self, current: Preferences, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        form = QFormLayout(self)
        self.autosave = QSpinBox()
        self.autosave.setRange(*prefs.AUTOSAVE_RANGE_S)
        self.autosave.setSingleStep(10)
        self.autosave.setSuffix(" s")
        self.autosave.setSpecialValueText("Off")
        self.autosave.setValue(current.autosave_seconds)
        self.autosave.setToolTip("Seconds after the first unsaved change before the design is autosaved to the "
                                 "user data folder (never over your file); Off never autosaves")
        self.author = typed_text(QLineEdit(current.author), "comment author")
        self.pattern = typed_text(QLineEdit(current.label_pattern), "pattern")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        form.addRow("Autosave after", self.autosave)
        form.addRow("Comment author", self.author)
        form.addRow("Cable label pattern", self.pattern)
        form.addRow("", self.problem)
        self.buttons = add_ok_cancel(self, form)
        self.pattern.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        problem = pattern_problem(self.pattern.text().strip())
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def choice(self) -> Preferences:
        return Preferences(self.autosave.value(), self.author.text().strip(), self.pattern.text().strip())

    @classmethod
    def ask(cls, parent, current: Preferences) -> Preferences | None:
        dialog = cls(current, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
