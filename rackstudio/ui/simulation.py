"""Failure-simulation mode (Tools ▸ Simulate Failure): while it is on, selecting a feed, panel
or UPS (Site panel) or a PDU, power shelf or CDU (either view) fails it; both views show what
goes dark and what loses redundancy, the status bar and the Findings panel say what happened and
which survivors are overloaded. Nothing in the design changes. Esc or the toggle ends it.

The arithmetic is the core's (`rackstudio.checks.simulation`); this only follows the selection
and the document and tells the views.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from rackstudio.changes import ChangeSet
from rackstudio.checks.simulation import Simulation, can_fail, simulate
from rackstudio.model.design import Design
from rackstudio.ui.bridge import DocumentBridge
from rackstudio.ui.guard import guarded
from rackstudio.ui.selection import SelectionModel

HINT = ("Simulate Failure: select a feed, panel or UPS in the Site panel, or a PDU, power shelf or CDU "
        "in a view, to fail it (Esc ends the simulation)")


class FailureSimulation(QObject):
    changed = Signal(object)  # Simulation or None
    active_changed = Signal(bool)
    status = Signal(str)

    def __init__(self, bridge: DocumentBridge, selection: SelectionModel, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge, self.selection = bridge, selection
        self.active = False
        self.current: Simulation | None = None
        self.summary = ""
        selection.changed.connect(self._on_selection)
        bridge.changed.connect(self._on_document_changed)
        bridge.replaced.connect(lambda: self.set_active(False))

    @property
    def design(self) -> Design:
        return self.bridge.document.design

    @guarded
    def set_active(self, on: bool) -> None:
        on = bool(on)
        if on == self.active:
            return
        self.active = on
        self.active_changed.emit(on)
        if on:
            self.status.emit(HINT)
            self._on_selection(None)
        else:
            self._set(None)
            self.status.emit("Failure simulation ended")

    def stop(self) -> None:
        self.set_active(False)

    def fail(self, obj_id: str) -> Simulation:
        """Fail one element now (the simulation must be on)."""
        design = self.design
        name = getattr(design.get(obj_id), "name", obj_id)
        self.status.emit(f"Simulating the failure of {name}…")  # a UPS of a large hall takes seconds
        bar = getattr(self.parent(), "statusBar", None)
        if bar is not None:
            bar().repaint()
        sim = simulate(design, self.bridge.document.graph, obj_id)
        self._set(sim)
        return sim

    def _set(self, sim: Simulation | None) -> None:
        self.current = sim
        self.summary = sim.summary(self.design) if sim is not None else ""
        self.changed.emit(sim)
        if sim is not None:
            self.status.emit(self.summary)

    @guarded
    def _on_selection(self, _source) -> None:
        if not self.active:
            return
        design, graph = self.design, self.bridge.document.graph
        for obj_id in self.selection.ids:
            if can_fail(design, graph, obj_id):
                if self.current is None or self.current.failed != obj_id:
                    self.fail(obj_id)
                return

    @guarded
    def _on_document_changed(self, _changes: ChangeSet) -> None:
        if not self.active or self.current is None:
            return
        design, graph = self.design, self.bridge.document.graph
        if can_fail(design, graph, self.current.failed):
            self.fail(self.current.failed)
        else:
            self._set(None)
            self.status.emit(HINT)


def device_states(sim: Simulation | None) -> dict[str, str]:
    """How each affected device looks under a simulation: "failed", "dark" or "degraded"."""
    if sim is None:
        return {}
    states = dict.fromkeys(sim.degraded, "degraded")
    states.update(dict.fromkeys(sim.dark, "dark"))
    states[sim.failed] = "failed"
    return states


__all__ = ["HINT", "FailureSimulation", "device_states"]
