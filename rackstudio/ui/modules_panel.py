"""The Inspector's "Modules" section for one device: its module bays, what is installed in each
(with a Remove button), and a drop target: a module type dragged from the parts palette onto it
goes into the first suitable free bay (`commands.install_here`), one undo step, as a drop onto
the device in the elevation does."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from rackstudio.commands import RemoveModule, install_here
from rackstudio.ui import mime
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded


class ModulePanel(QGroupBox):
    def __init__(self, editor: EditorContext, parent: QWidget | None = None):
        super().__init__("Modules", parent)
        self.editor = editor
        self.device_id: str | None = None
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 6, 6, 6)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, tuple[QLabel, QLabel, QPushButton | None]] = {}
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.setAcceptDrops(True)
        self.hide()

    def set_device(self, device_id: str | None) -> None:
        self.device_id = device_id
        self.refresh()

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.hint:
                widget.hide()
                widget.deleteLater()
        self.rows.clear()

    def refresh(self) -> None:
        design = self.editor.design
        device = design.devices.get(self.device_id) if self.device_id else None
        part = design.part_types.get(device.part) if device is not None else None
        self._clear()
        if part is None or not part.module_bays:
            self.hide()
            return
        installed = device.modules or {}
        for row, bay in enumerate(part.module_bays):
            key = installed.get(bay.name)
            name = QLabel(bay.name)
            what = QLabel(design.module_types[key].model if key else "<i>empty</i>")
            if key:
                what.setToolTip(design.module_types[key].name)
            remove = None
            if key:
                remove = QPushButton("Remove")
                remove.setToolTip(f"Take {design.module_types[key].model} out of {bay.name} (its cables go too)")
                remove.clicked.connect(lambda _c=False, b=bay.name: self._remove(b))
                self.grid.addWidget(remove, row, 2)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(what, row, 1)
            self.rows[bay.name] = (name, what, remove)
        self.hint.setText(f"{len(installed)} of {len(part.module_bays)} bays filled. Drag a module from the "
                          "parts palette here or onto the device to install it.")
        self.grid.addWidget(self.hint, len(part.module_bays), 0, 1, 3)
        self.show()

    @guarded
    def _remove(self, bay: str) -> None:
        if self.device_id is not None:
            self.editor.execute(RemoveModule(self.device_id, bay))

    def _command(self, event):
        payload = mime.decode(event.mimeData())
        if payload is None or payload[0] != "module" or self.device_id is None:
            return None, None
        module = self.editor.library.module(payload[1])
        if module is None:
            return None, f"unknown module {payload[1]!r}"
        command, fit = install_here(self.editor.design, self.device_id, module)
        return command, fit.reason

    def dragEnterEvent(self, event) -> None:
        command, _ = self._command(event)
        if command is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    @guarded
    def dropEvent(self, event) -> None:
        command, reason = self._command(event)
        if command is None:
            if reason:
                self.hint.setText(reason)
            event.ignore()
            return
        event.acceptProposedAction()
        self.editor.execute(command)

    # --- for tests -------------------------------------------------------------------------------

    def installed(self) -> dict[str, str]:
        """Bay → what the panel shows in it."""
        return {bay: what.text() for bay, (_, what, _) in self.rows.items()}
