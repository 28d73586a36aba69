"""The recovery dialog shown at start when a crashed or killed session left autosaves: each one
with its file and time, and Recover, Discard, Show Differences, or Decide Later (kept for the
next start)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from rackstudio.errors import LoadError
from rackstudio.recovery import Autosave


class RecoveryDialog(QDialog):
    def __init__(self, autosaves: list[Autosave], on_recover: Callable[[Autosave], bool], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved designs")
        self.on_recover = on_recover
        layout = QVBoxLayout(self)
        intro = QLabel("RackStudio did not close normally last time. These designs have changes that were "
                       "autosaved but never saved to their files:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        for autosave in autosaves:
            item = QListWidgetItem(autosave.describe())
            item.setData(Qt.ItemDataRole.UserRole, autosave)
            item.setToolTip(str(autosave.design_file))
            self.list.addItem(item)
        self.list.setMaximumHeight(150)  # usually one or two designs; the differences get the room
        layout.addWidget(self.list)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Show Differences lists what the autosave holds that the file does not.")
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        self.recover_button = QPushButton("&Recover")
        self.discard_button = QPushButton("&Discard…")
        self.differences_button = QPushButton("Show &Differences")
        self.later_button = QPushButton("Decide &Later")
        self.later_button.setToolTip("Keep the autosaves and ask again at the next start")
        for button in (self.recover_button, self.discard_button, self.differences_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        layout.addLayout(buttons)
        self.recover_button.clicked.connect(self.recover_current)
        self.discard_button.clicked.connect(self.discard_current)
        self.differences_button.clicked.connect(self.show_differences)
        self.later_button.clicked.connect(self.reject)
        self.list.currentRowChanged.connect(lambda _row: self.details.clear())
        self.list.setCurrentRow(0)
        self.recover_button.setDefault(True)
        self.resize(760, 420)

    def current(self) -> Autosave | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _done_with_current(self) -> None:
        self.list.takeItem(self.list.currentRow())
        if self.list.count() == 0:
            self.accept()

    def recover_current(self) -> None:
        autosave = self.current()
        if autosave is not None and self.on_recover(autosave):
            self._done_with_current()

    def discard_current(self) -> None:
        autosave = self.current()
        if autosave is None:
            return
        answer = QMessageBox.question(
            self, "Discard autosave", f"Discard the autosaved changes to {autosave.title}? They cannot be recovered.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            autosave.discard()
            self._done_with_current()

    def show_differences(self) -> None:
        autosave = self.current()
        if autosave is None:
            return
        try:
            text = autosave.differences()
        except LoadError as exc:
            text = f"The autosave cannot be read: {exc.message}"
        self.details.setPlainText(text)

    @classmethod
    def ask(cls, parent, autosaves: list[Autosave], on_recover: Callable[[Autosave], bool]) -> None:
        cls(autosaves, on_recover, parent).exec()
