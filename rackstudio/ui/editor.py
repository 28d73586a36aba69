"""The editing context every view and dock receives: the open document (via the bridge), the
undo stack that is the only way to change it, the shared selection, the parts library, the live
checks (the open document's check engine seen from Qt) and the failure simulation."""
from __future__ import annotations

from rackstudio.commands import Command
from rackstudio.model.design import Design
from rackstudio.ui.bridge import DocumentBridge
from rackstudio.ui.library_source import PartsLibrary
from rackstudio.ui.live_checks import ChecksController
from rackstudio.ui.selection import SelectionModel
from rackstudio.ui.simulation import FailureSimulation
from rackstudio.ui.undo import UndoStack


class EditorContext:
    def __init__(self, bridge: DocumentBridge, undo: UndoStack, selection: SelectionModel,
                 library: PartsLibrary, live_checks: ChecksController, failure_simulation: FailureSimulation):
        self.bridge, self.undo, self.selection, self.library = bridge, undo, selection, library
        self.live_checks, self.failure_simulation = live_checks, failure_simulation
        library.design_getter = lambda: self.bridge.document.design
        self.label_pattern = "{a} / {b}"

    @property
    def design(self) -> Design:
        return self.bridge.document.design

    def execute(self, command: Command) -> bool:
        """Push a command if it applies; a refusal goes to the status bar and changes nothing."""
        return self.undo.execute(command)
