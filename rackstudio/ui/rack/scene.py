"""The elevation scene: the open racks side by side (front and rear faces of each), so devices
can be dragged within a rack and across to another open rack. Mirrors the Document; a
ChangeSet rebuilds only the racks whose devices it names; check markers and the failure
simulation's look touch only the items whose findings or simulated state changed."""
from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from rackstudio.changes import ChangeSet, Collection
from rackstudio.checks.simulation import Simulation
from rackstudio.model.design import Design
from rackstudio.model.geometry import mounted_root
from rackstudio.reports.totals import rack_summary
from rackstudio.ui import elevation_layout as lay
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.mirrored_scene import MirroredSelectionScene
from rackstudio.ui.rack.items import DeviceItem, RackFrameItem
from rackstudio.ui.rack.ports import PortsItem
from rackstudio.ui.render.elevation import DeviceShape, rack_shapes
from rackstudio.ui.simulation import device_states


class ElevationScene(MirroredSelectionScene):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(editor, parent)
        self.open_racks: list[str] = []
        self.blocks: dict[str, lay.RackBlock] = {}
        self.frames: dict[str, RackFrameItem] = {}
        self.device_items: dict[str, list[DeviceItem]] = {}  # rack id -> its device items
        self.device_rack: dict[str, str] = {}  # device id -> the open rack it shows in
        self.hint = self.addText("No rack is open. Double-click a rack on the hall floor plan\n"
                                 "(or use its context menu) to open its elevation here.")
        self.hint.setDefaultTextColor(QColor(110, 110, 120))
        self.sim_states: dict[str, str] = {}  # device id -> its look under the failure simulation
        self.port_items: dict[str, PortsItem] = {}  # device id -> its port cells, where shown
        self.strip_ids: set[str] = set()  # devices whose ports are shown
        self.wiring = None  # (verdicts, source) while a cable is drawn
        editor.selection.changed.connect(self._selection_strips)
        editor.bridge.changed.connect(self.on_changed)
        editor.bridge.replaced.connect(self.on_replaced)
        editor.live_checks.markers_changed.connect(self.on_markers)
        editor.live_checks.reset.connect(self._refresh_headers)
        editor.failure_simulation.changed.connect(self.set_simulation)

    @property
    def design(self) -> Design:
        return self.editor.design

    # --- which racks are open ------------------------------------------------------------------

    def open_rack(self, rack_id: str) -> None:
        if rack_id not in self.design.racks:
            return
        if rack_id not in self.open_racks:
            self.open_racks.append(rack_id)
            self.relayout()

    def close_rack(self, rack_id: str) -> None:
        if rack_id in self.open_racks:
            self.open_racks.remove(rack_id)
            self.relayout()

    def close_all(self) -> None:
        self.open_racks = []
        self.relayout()

    @guarded
    def on_replaced(self) -> None:
        self.open_racks = [r for r in self.open_racks if r in self.design.racks]
        self.relayout()

    def relayout(self) -> None:
        design = self.design
        with self.quiet():
            for rack_id in list(self.frames):
                self._clear_rack(rack_id)
            blocks = lay.blocks_for([(r, design.rack_type_of(design.racks[r]).u_height) for r in self.open_racks])
            self.blocks = {b.rack_id: b for b in blocks}
            for block in blocks:
                self._build_rack(block.rack_id)
        self.hint.setVisible(not blocks)
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-40, -40, 40, 40) if not rect.isEmpty() else QRectF(0, 0, 400, 300))

    def block_list(self) -> list[lay.RackBlock]:
        return [self.blocks[r] for r in self.open_racks if r in self.blocks]

    # --- building one rack ---------------------------------------------------------------------

    def _clear_rack(self, rack_id: str) -> None:
        for dev_id in [d for d, item in self.port_items.items() if item.rack_id == rack_id]:
            del self.port_items[dev_id]  # removed with its device item
        frame = self.frames.pop(rack_id, None)
        if frame is not None:
            self.removeItem(frame)
        for item in self.device_items.pop(rack_id, []):
            if item.parentItem() is None:
                self.removeItem(item)
        for dev_id in [d for d, r in self.device_rack.items() if r == rack_id]:
            del self.device_rack[dev_id]

    def _build_rack(self, rack_id: str) -> None:
        design = self.design
        block = self.blocks[rack_id]
        frame = RackFrameItem(block)
        frame.update_from(design, self._summary(rack_id))
        self.addItem(frame)
        self.frames[rack_id] = frame
        items: list[DeviceItem] = []
        for dev_id in design.contents(rack_id):
            self.device_rack[dev_id] = rack_id
        for shape in rack_shapes(design, block):  # the same layout the exporters paint
            item = self._device_item(shape, rack_id)
            for child in shape.children:
                child_item = self._device_item(child, rack_id)
                child_item.setParentItem(item)
                self.device_rack[child.device_id] = rack_id
                items.append(child_item)
            self.addItem(item)
            items.append(item)
        self.device_items[rack_id] = items
        live_checks = self.editor.live_checks
        frame.set_marker(live_checks.marker([rack_id]))
        for item in items:
            item.set_marker(live_checks.marker([item.obj_id]))
            item.set_sim(self.sim_states.get(item.obj_id))
        wanted = set(self.editor.selection.ids)
        with self.quiet():
            frame.setSelected(rack_id in wanted)
            for item in items:
                item.setSelected(item.obj_id in wanted and item.role != "shadow")
        self._apply_ports()

    def _summary(self, rack_id: str):
        """The rack's figures for its header, from the document's (the checks') metrics; None
        while they come with the check under way (`ChecksController.figures_pending`)."""
        if self.editor.live_checks.figures_pending:
            return None
        return rack_summary(self.design, self.editor.bridge.document.figures.rack_metrics(rack_id))

    def _refresh_headers(self) -> None:
        """The checks' figures arrived (or were replaced): every open rack's header reads them."""
        for rack_id, frame in self.frames.items():
            frame.update_from(self.design, self._summary(rack_id))

    def _device_item(self, shape: DeviceShape, rack_id: str) -> DeviceItem:
        item = DeviceItem(shape.device_id, rack_id, shape.role)
        item.set_rect(shape.rect)
        item.set_device(self.design, shape.device_id)
        item.bays = shape.bays
        return item

    def refresh_rack(self, rack_id: str) -> None:
        if rack_id in self.blocks:
            with self.quiet():
                self._clear_rack(rack_id)
                self._build_rack(rack_id)

    def items_of(self, device_id: str) -> list[DeviceItem]:
        rack_id = self.device_rack.get(device_id)
        return [i for i in self.device_items.get(rack_id, []) if i.obj_id == device_id]

    # --- incremental update --------------------------------------------------------------------

    def _rack_of(self, device_id: str) -> str | None:
        device = mounted_root(self.design, device_id)
        return device.rack if device is not None else None

    @guarded
    def on_changed(self, changes: ChangeSet) -> None:
        design = self.design
        closed = [r for r in self.open_racks if r not in design.racks]
        heights_changed = any(design.rack_type_of(design.racks[r]).u_height != self.blocks[r].u_height
                              for r in self.open_racks if r in design.racks and r in self.blocks)
        if closed or heights_changed:
            self.open_racks = [r for r in self.open_racks if r in design.racks]
            self.relayout()
            return
        touched: set[str] = set()
        if Collection.CONNECTIONS in changes.collections():
            self._drop_ports()  # a port's state changed: redraw the cells shown
        for obj_id, coll in changes.touched().items():
            if coll == "racks" and obj_id in self.blocks:
                touched.add(obj_id)
            elif coll == "devices":
                old = self.device_rack.get(obj_id)
                new = self._rack_of(obj_id) if obj_id in design.devices else None
                touched.update(r for r in (old, new) if r in self.blocks)
        for rack_id in touched:
            self.refresh_rack(rack_id)
        if changes.settings or changes.collections() & {Collection.PART_TYPES, Collection.RACK_TYPES}:
            # worst-case mode, part or rack figures: every open rack's header
            for rack_id, frame in self.frames.items():
                if rack_id not in touched:
                    frame.update_from(design, self._summary(rack_id))
        self._apply_ports()

    # --- port cells ------------------------------------------------------------------------------

    def _selection_strips(self, *_):
        """The selected device (one) shows its ports, unless a cable is being drawn."""
        if self.wiring is not None:
            return
        ids = [i for i in self.editor.selection.ids if i in self.design.devices]
        self.show_ports(ids if len(ids) == 1 else ())

    def show_ports(self, ids, verdicts=None, source=None) -> None:
        """Show the port cells of `ids` (only), coloured by `verdicts` from `source` while wiring."""
        self.strip_ids = set(ids)
        self.wiring = (verdicts, source) if verdicts is not None else None
        self._apply_ports()

    def _drop_ports(self) -> None:
        for item in self.port_items.values():
            self.removeItem(item)
        self.port_items.clear()

    def _apply_ports(self) -> None:
        for dev_id in [d for d in self.port_items if d not in self.strip_ids]:
            self.removeItem(self.port_items.pop(dev_id))
        for dev_id in self.strip_ids:
            face = next((i for i in self.items_of(dev_id) if i.role != "shadow"), None)
            if face is None or dev_id not in self.design.devices:
                continue
            item = self.port_items.get(dev_id)
            if item is None:
                item = self.port_items[dev_id] = PortsItem(face, self.design, dev_id, face.size)
            item.set_wiring(*(self.wiring or (None, None)))

    def port_at(self, pos) -> tuple[str, object] | None:
        """(device id, port cell) under scene point `pos`, among the ports shown."""
        for item in self.port_items.values():
            cell = item.cell_at(item.mapFromScene(pos))
            if cell is not None and item.isVisible():
                return item.device_id, cell
        return None

    # --- check markers and the failure simulation -----------------------------------------------

    @guarded
    def on_markers(self, ids) -> None:
        """The findings about `ids` changed (None: all): re-mark the device and rack items showing them."""
        checks = self.editor.live_checks
        if ids is None:
            for rack_id, frame in self.frames.items():
                frame.set_marker(checks.marker([rack_id]))
            for items in self.device_items.values():
                for item in items:
                    item.set_marker(checks.marker([item.obj_id]))
            return
        for obj_id in ids:
            frame = self.frames.get(obj_id)
            if frame is not None:
                frame.set_marker(checks.marker([obj_id]))
            for item in self.items_of(obj_id):
                item.set_marker(checks.marker([obj_id]))

    @guarded
    def set_simulation(self, sim: Simulation | None) -> None:
        """Show a failure simulation (None: none), repainting only devices whose look changes."""
        states = device_states(sim)
        for dev_id in set(states) | set(self.sim_states):
            for item in self.items_of(dev_id):
                item.set_sim(states.get(dev_id))
        self.sim_states = states

    # --- selection -----------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        selected = self.selectedItems()
        return list(dict.fromkeys([*(i.rack_id for i in selected if isinstance(i, RackFrameItem)),
                                   *(i.obj_id for i in selected if isinstance(i, DeviceItem))]))

    def show_selection(self, wanted: set[str]) -> None:
        for rack_id, frame in self.frames.items():
            frame.setSelected(rack_id in wanted)
        for items in self.device_items.values():
            for item in items:
                item.setSelected(item.obj_id in wanted and item.role != "shadow")

    def select_all(self) -> None:
        """Every device of the open racks (the racks themselves are not among "all" here),
        published once (`select_together`)."""
        with self.quiet():
            for frame in self.frames.values():
                frame.setSelected(False)
        self.select_together(item for items in self.device_items.values() for item in items
                             if item.role != "shadow")
