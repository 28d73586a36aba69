"""The Waive dialog: why a finding is accepted and who accepts it (both required)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from rackstudio.checks import Finding
from rackstudio.ui.dialogs import add_ok_cancel
from rackstudio.ui.forms import typed_text


class WaiverDialog(QDialog):
    def __init__(self, finding: Finding, author: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Waive {finding.rule}")
        form = QFormLayout(self)
        about = QLabel(f"<b>{finding.rule}</b> ({finding.severity.value}): {finding.message}")
        about.setWordWrap(True)
        form.addRow(about)
        note = QLabel("A waived finding stays listed, greyed, with this reason, and no longer counts "
                      "against the design. The waiver is saved in the design and can be undone.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555")
        form.addRow(note)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why this is acceptable (e.g. load-bank test, accepted by the site owner)")
        self.reason.setMinimumHeight(70)
        self.author = typed_text(QLineEdit(author), "author")
        form.addRow("Reason:", self.reason)
        form.addRow("Author:", self.author)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00")
        form.addRow(self.problem)
        add_ok_cancel(self, form, self._try_accept)
        self.resize(480, 260)

    def answer(self) -> tuple[str, str] | None:
        reason, author = self.reason.toPlainText().strip(), self.author.text().strip()
        return (reason, author) if reason and author else None

    def _try_accept(self) -> None:
        if self.answer() is None:
            self.problem.setText("Give a reason and an author.")
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, finding: Finding, author: str = "") -> tuple[str, str] | None:
        """(reason, author), or None when cancelled (tests replace this)."""
        dialog = cls(finding, author, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
