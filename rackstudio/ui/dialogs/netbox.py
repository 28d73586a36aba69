"""File ▸ NetBox: pull a NetBox site into a new design, or push the open design to a site.

The dialog asks for the server, the site's slug and (unless the environment or the system
keyring already has one) an API token, which it can keep in the keyring; the token is never
written to the design or the preferences. A push always shows NetBox's change list first (a dry
run: create / update / unchanged / would-delete per object type) and writes only when asked.
The REST calls run on a worker thread: a push of a whole pod takes minutes, and the window keeps
painting meanwhile.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from rackstudio.document import Document, snapshot
from rackstudio.errors import RackStudioError
from rackstudio.ui.guard import guarded

__all__ = ["NetboxController", "NetboxDialog", "open_server"]

SETTINGS_URL, SETTINGS_SITE = "netbox/url", "netbox/site"


def open_server(url: str, token: str, remember: bool, verify_tls: bool):
    """A connected `rackstudio.netbox.server.Server`: the typed token (kept in the keyring when
    asked), else the one in the environment or keyring."""
    from rackstudio.netbox.client import Credentials, connect, find_token, store_token
    from rackstudio.netbox.server import Server

    if token:
        creds = Credentials(url, token, "dialog")
        if remember:
            store_token(url, token)
    else:
        creds = find_token(url)
    return Server(connect(creds, verify_tls=verify_tls))


class _Job(QObject):
    """One call on a worker thread; its answer or its one-line failure comes back as a signal
    (delivered on the GUI thread)."""

    done = Signal(object)
    failed = Signal(str)

    def start(self, work: Callable[[], Any]) -> None:
        threading.Thread(target=self._run, args=(work,), name="rackstudio-netbox", daemon=True).start()

    def _run(self, work) -> None:
        try:
            answer = work()
        except RackStudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # an unexpected answer from the server: one line, never a traceback
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.done.emit(answer)


class NetboxDialog(QDialog):
    """Pull (`mode="pull"`) or push (`mode="push"`, with the design to publish)."""

    pulled = Signal(object, list)  # the design and the pull report's lines

    def __init__(self, mode: str, design=None, parent=None):
        super().__init__(parent)
        self.mode, self.design = mode, design
        self.setWindowTitle("Pull from NetBox" if mode == "pull" else "Push to NetBox")
        self.setObjectName(f"netbox-{mode}")
        settings = QSettings()
        self.url = QLineEdit(str(settings.value(SETTINGS_URL, "") or ""))
        self.url.setPlaceholderText("https://netbox.example.com")
        self.site = QLineEdit(str(settings.value(SETTINGS_SITE, "") or ""))
        self.site.setPlaceholderText("the site's slug, e.g. dc1")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("empty: RACKSTUDIO_NETBOX_TOKEN or the system keyring")
        self.remember = QCheckBox("Keep this token in the system keyring")
        self.verify = QCheckBox("Verify the server's TLS certificate")
        self.verify.setChecked(True)
        form = QFormLayout()
        form.addRow("NetBox URL:", self.url)
        form.addRow("Site:", self.site)
        form.addRow("API token:", self.token)
        form.addRow("", self.remember)
        form.addRow("", self.verify)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.changes = QPlainTextEdit()
        self.changes.setReadOnly(True)
        self.changes.setPlaceholderText("Preview the changes to see what the push would do in NetBox.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        if mode == "pull":
            self.go = QPushButton("Pull")
            self.buttons.addButton(self.go, QDialogButtonBox.ButtonRole.AcceptRole)
            self.go.clicked.connect(guarded(self._pull))
        else:
            self.preview = QPushButton("Preview Changes")
            self.go = QPushButton("Push")
            self.go.setEnabled(False)  # only once the change list has been seen
            self.buttons.addButton(self.preview, QDialogButtonBox.ButtonRole.ActionRole)
            self.buttons.addButton(self.go, QDialogButtonBox.ButtonRole.AcceptRole)
            self.preview.clicked.connect(guarded(self._preview))
            self.go.clicked.connect(guarded(self._push))
            for edit in (self.url, self.site):
                edit.textChanged.connect(lambda _t: self.go.setEnabled(False))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if mode == "push":
            layout.addWidget(self.changes, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(640, 520 if mode == "push" else 260)
        self._job: _Job | None = None
        self._then: Callable[[Any], None] = lambda _answer: None

    # --- running a job -------------------------------------------------------------------------
    def _start(self, what: str, work: Callable[[Any], Any], then: Callable[[Any], None]) -> None:
        url, site = self.url.text().strip(), self.site.text().strip()
        if not url.startswith(("http://", "https://")) or not site:
            self.status.setText("Give the server's URL (http:// or https://) and the site's slug.")
            return
        settings = QSettings()
        settings.setValue(SETTINGS_URL, url)
        settings.setValue(SETTINGS_SITE, site)
        token, remember, verify = self.token.text().strip(), self.remember.isChecked(), self.verify.isChecked()
        self._set_busy(True, what)
        self._then = then
        job = self._job = _Job(self)
        job.done.connect(self._job_done)  # bound slots: delivered on the GUI thread
        job.failed.connect(self._job_failed)
        job.start(lambda: work(open_server(url, token, remember, verify)))

    @guarded
    def _job_done(self, answer) -> None:
        self._set_busy(False, "")
        self._then(answer)

    def _job_failed(self, message: str) -> None:
        self._set_busy(False, "")
        self.status.setText(message)

    def _set_busy(self, busy: bool, what: str) -> None:
        for widget in (self.url, self.site, self.token, self.remember, self.verify, self.go,
                       self.buttons.button(QDialogButtonBox.StandardButton.Close)):
            widget.setEnabled(not busy)
        if self.mode == "push":
            self.preview.setEnabled(not busy)
        self.busy.setVisible(busy)
        if busy:
            self.status.setText(what)

    @property
    def running(self) -> bool:
        return self.busy.isVisible()

    def reject(self) -> None:
        if not self.running:  # a request under way finishes first (NetBox writes each one whole)
            super().reject()

    # --- pull ------------------------------------------------------------------------------------
    def _pull(self) -> None:
        from rackstudio.netbox.pull import pull

        site = self.site.text().strip()
        self._start(f"Reading site {site}…", lambda server: pull(server, site), self._pulled)

    def _pulled(self, answer) -> None:
        design, report = answer
        self.accept()
        self.pulled.emit(design, report.lines())

    # --- push ------------------------------------------------------------------------------------
    def _preview(self) -> None:
        from rackstudio.netbox.push import push

        site = self.site.text().strip()
        self._start(f"Comparing the design with site {site}…",
                    lambda server: push(server, self.design, site, dry_run=True)[0], self._planned)

    def _planned(self, plan) -> None:
        self.changes.setPlainText("\n".join(plan.lines()))
        if plan.changes:
            self.status.setText(f"{plan.changes} changes to make in NetBox. Push writes them.")
            self.go.setEnabled(True)
        else:
            self.status.setText("NetBox already holds this design: nothing to push.")
            self.go.setEnabled(False)

    def _push(self) -> None:
        from rackstudio.netbox.push import push

        site = self.site.text().strip()
        self._start(f"Writing to site {site}… (a large design takes minutes)",
                    lambda server: push(server, self.design, site), self._pushed)

    def _pushed(self, answer) -> None:
        plan, result = answer
        self.go.setEnabled(False)
        if result is None:
            self.status.setText("NetBox already holds this design: nothing written.")
            return
        self.changes.setPlainText("\n".join(["Written:", *result.lines(), "", "Plan:", *plan.lines()]))
        self.status.setText("Pushed: NetBox holds the design." if result.complete else
                            "NetBox refused part of the design: what was written and what was not is "
                            "listed above. Fix the cause and push again to finish.")


class NetboxController:
    """The File ▸ NetBox actions of the main window."""

    def __init__(self, window):
        self.window = window
        self.dialog: NetboxDialog | None = None

    @guarded
    def pull(self) -> None:
        if not self.window.maybe_save():
            return
        self.dialog = NetboxDialog("pull", parent=self.window)
        self.dialog.pulled.connect(self._open)
        self.dialog.open()

    @guarded
    def push(self) -> None:
        self.dialog = NetboxDialog("push", snapshot(self.window.editor.design), self.window)
        self.dialog.open()

    def _open(self, design, lines: list[str]) -> None:
        """The pulled site as a new, unsaved design (Save As… gives it a file)."""
        self.window.set_document(Document(design))
        self.window.undo_stack.resetClean()  # not saved: the title shows it, closing asks
        self.window.show_status(f"Pulled {len(design.racks)} racks, {len(design.devices)} devices from NetBox "
                                "(not saved yet: File ▸ Save As… keeps it)")
        QMessageBox.information(self.window, "Pulled from NetBox", "\n".join(lines))
