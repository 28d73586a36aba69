"""The floor-plan scene of one hall: mirrors the Document and never edits it. It rebuilds when a
different document or hall is shown and otherwise updates only the items a ChangeSet names.
Check markers and the failure simulation's look are applied the same way: only the items whose
findings or simulated state changed are touched."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from PySide6.QtCore import QPointF

from rackstudio.changes import ChangeSet, Collection
from rackstudio.checks.simulation import Simulation
from rackstudio.model import geometry
from rackstudio.model.design import Design
from rackstudio.model.floor import aisle_strips
from rackstudio.model.geometry import devices_within, mounted_root
from rackstudio.reports.totals import RackSummary, rack_summary
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded
from rackstudio.ui.hall.items import (
    OVERVIEW_PX,
    AisleLayerItem,
    CableBundleItem,
    FloorDeviceItem,
    FloorGridItem,
    FloorObjectItem,
    OverviewItem,
    RackItem,
)
from rackstudio.ui.mirrored_scene import MirroredSelectionScene
from rackstudio.ui.simulation import device_states

_POWER_IN = ("power", "supplies", "busbar")

_LAYOUT = ("racks", "rows", "halls")


class HallScene(MirroredSelectionScene):
    def __init__(self, editor: EditorContext, parent=None):
        super().__init__(editor, parent)
        self.hall_id: str | None = None
        self.grid = FloorGridItem()
        self.aisles = AisleLayerItem()
        self.addItem(self.grid)
        self.addItem(self.aisles)
        self.objects: dict[str, FloorObjectItem] = {}
        self.overview = OverviewItem(self.objects)
        self.addItem(self.overview)
        self.bundles: dict[tuple[str, str, str], CableBundleItem] = {}
        self.holder: dict[str, str] = {}  # device id -> rack or floor device it stands in
        # rack id -> where it stands as the aisles read it (`_put_rack`); a change marks them stale
        self._aisle_keys: dict[str, tuple] = {}
        self._aisles_stale = False
        self.show_cables = False
        self.simulation: Simulation | None = None
        self._sim_looks: dict[str, tuple[str | None, str, bool]] = {}  # item id -> (state, note, failed here)
        self._remarking = 0  # counts re-markings of every item (a newer one ends an older one's slices)
        editor.bridge.changed.connect(self.on_changed)
        editor.bridge.replaced.connect(self.on_replaced)
        editor.live_checks.markers_changed.connect(self.on_markers)
        editor.failure_simulation.changed.connect(self.set_simulation)
        self.selectionChanged.connect(self._follow_live)
        self.on_replaced()

    @property
    def design(self) -> Design:
        return self.editor.design

    # --- building ----------------------------------------------------------------------------

    @guarded
    def on_replaced(self) -> None:
        halls = sorted(self.design.halls.values(), key=lambda h: (h.name, h.id))
        if self.hall_id not in self.design.halls:
            self.hall_id = halls[0].id if halls else None
        self.rebuild()

    def set_hall(self, hall_id: str | None) -> None:
        self.hall_id = hall_id
        self.rebuild()

    def rebuild(self) -> None:
        for item in [*self.objects.values(), *self.bundles.values()]:
            self.removeItem(item)
        self.objects.clear()
        self.bundles.clear()
        self.holder.clear()
        self._aisle_keys.clear()
        design = self.design
        self.grid.set_hall(design.halls.get(self.hall_id) if self.hall_id else None)
        if self.hall_id is not None:
            for rack in design.racks.values():
                if rack.hall == self.hall_id:
                    self._put_rack(rack.id)
            for dev_id in design.contents(self.hall_id):
                if dev_id in design.devices:
                    self._put_floor_device(dev_id)
            for dev_id in design.devices:
                self.holder[dev_id] = self._holder_of(dev_id)
        self._refresh_aisles()
        self._refresh_bundles()
        self.setSceneRect(self.grid.boundingRect().united(self.itemsBoundingRect()))
        self.overview.set_bounds(self.sceneRect())
        self.overview.changed()

    def _holder_of(self, device_id: str) -> str | None:
        """The rack or floor device whose item shows `device_id`."""
        device = mounted_root(self.design, device_id)
        if device is None:
            return None
        if device.rack is not None:
            return device.rack
        return device.id if device.hall is not None else None

    def _put_rack(self, rack_id: str) -> None:
        design = self.design
        item = self.objects.get(rack_id)
        if not isinstance(item, RackItem):
            if item is not None:
                self.removeItem(item)
            item = RackItem(rack_id)
            self.addItem(item)
            self.objects[rack_id] = item
            self.overview.adopt(item)
        rack = design.racks[rack_id]
        item.update_from(design, geometry.rack_footprint(design, rack), lambda: self._summary(rack_id))
        self._decorate(rack_id)
        placed = (rack.hall, rack.row, rack.x_mm, rack.y_mm, rack.facing, rack.rack_type)
        if self._aisle_keys.get(rack_id) != placed:
            self._aisle_keys[rack_id] = placed
            self._aisles_stale = True

    def _summary(self, rack_id: str) -> RackSummary | None:
        """A rack's figures, read from the document's (the checks') metrics when an item first needs them.

        None (the rack shows no figures yet) while the document has neither a check engine nor a
        component graph: the first paint does not wait for the graph, and the live checks, which
        start once the window has painted, bring the figures (`on_markers` repaints the racks)."""
        document = self.editor.bridge.document
        if rack_id not in self.design.racks or (document.check_engine is None and not document.has_graph):
            return None
        return rack_summary(self.design, document.figures.rack_metrics(rack_id))

    def _put_floor_device(self, device_id: str) -> None:
        design = self.design
        item = self.objects.get(device_id)
        if item is None:
            item = FloorDeviceItem(device_id)
            self.addItem(item)
            self.objects[device_id] = item
            self.overview.adopt(item)
        item.update_from(design, geometry.floor_footprint(design, design.devices[device_id]))
        self._decorate(device_id)

    def _drop(self, obj_id: str) -> None:
        if self._aisle_keys.pop(obj_id, None) is not None:
            self._aisles_stale = True
        item = self.objects.pop(obj_id, None)
        if item is not None:
            self.removeItem(item)
            item.refresh()

    # --- level of detail -------------------------------------------------------------------------

    def set_detail(self, lod: float) -> None:
        """The view's scale (pixels per mm): zoomed far out, the overview paints the hall."""
        self.overview.set_active(lod * 600 < OVERVIEW_PX)

    def _follow_live(self) -> None:
        """The selected items paint themselves over the overview; once per batch of selection
        changes (`selecting`): per item, deselecting 2,128 items took 1 s."""
        if not self.in_batch:
            self.overview.set_live({i.obj_id for i in self.selectedItems() if isinstance(i, FloorObjectItem)})

    def selection_settled(self) -> None:
        self._follow_live()

    def _refresh_aisles(self) -> None:
        self._aisles_stale = False
        self.aisles.set_strips(aisle_strips(self.design, self.hall_id) if self.hall_id else [])

    def _refresh_bundles(self) -> None:
        """Rebuild the cable bundles; selected cables stay selected (removing a selected item
        would otherwise publish a selection without them)."""
        with self.quiet():
            self._rebuild_bundles()
            self.show_selection(set(self.editor.selection.ids))

    def _rebuild_bundles(self) -> None:
        for item in self.bundles.values():
            self.removeItem(item)
        self.bundles.clear()
        if not self.show_cables or self.hall_id is None:
            return
        groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        design = self.design
        # where each end stands: a feed's rack, else the rack or floor unit holding the device;
        # one table made here (250,000 ends at 1,000 racks, asked through a method, were 0.3 s
        # of the 0.6 s the overlay took to come up)
        ends = dict(self.holder)
        ends.update((feed_id, feed.rack) for feed_id, feed in design.feeds.items())
        objects = self.objects
        for conn in design.connections.values():
            a, b = ends.get(conn.a.owner), ends.get(conn.b.owner)
            if a is None or b is None or a == b or a not in objects or b not in objects:
                continue
            lo, hi = (a, b) if a < b else (b, a)
            groups[(lo, hi, conn.kind)].append(conn.id)
        for key, conn_ids in groups.items():
            item = CableBundleItem(key)
            a, b = self.objects[key[0]], self.objects[key[1]]
            names = f"{self.design.get(key[0]).name} ↔ {self.design.get(key[1]).name}"
            item.set_ends(self._centre(a), self._centre(b), conn_ids,
                          f"{len(conn_ids)} {key[2]} connection{'s' * (len(conn_ids) != 1)} {names}")
            self.addItem(item)
            self.bundles[key] = item

    @staticmethod
    def _centre(item: FloorObjectItem) -> QPointF:
        return item.pos() + QPointF(item.size[0] / 2, item.size[1] / 2)

    def set_show_cables(self, show: bool) -> None:
        self.show_cables = show
        self._refresh_bundles()

    # --- incremental update --------------------------------------------------------------------

    @guarded
    def on_changed(self, changes: ChangeSet) -> None:
        """Follow an edit item by item; the selection is published once after (each selected item
        removed published it: deleting a pod of 266 racks set the selection 266 times, 0.3 s)."""
        selected = len(self.selectedItems())
        with self.quiet():
            self._follow_changes(changes)
        if len(self.selectedItems()) != selected:
            self._publish_selection()

    def _follow_changes(self, changes: ChangeSet) -> None:
        design = self.design
        if self.hall_id not in design.halls or (self.hall_id is None and design.halls):
            self.on_replaced()
            return
        if self.hall_id in changes.changed:
            self.grid.set_hall(design.halls[self.hall_id])
        touched: set[str] = set()
        floor_changed = False
        for obj_id, coll in changes.removed.items():
            if coll == "racks":
                self._drop(obj_id)
            elif coll == "devices":
                old = self.holder.pop(obj_id, None)
                if old == obj_id:
                    floor_changed = True
                    self._drop(obj_id)
                elif old is not None:
                    touched.add(old)
        for obj_id, coll in (*changes.added.items(), *changes.changed.items()):
            if coll == "racks":
                if design.racks[obj_id].hall == self.hall_id:
                    self._put_rack(obj_id)
                else:
                    self._drop(obj_id)
            elif coll == "devices":
                old = self.holder.get(obj_id)
                new = self._holder_of(obj_id)
                self.holder[obj_id] = new
                floor_changed = floor_changed or obj_id in (old, new)
                if old == obj_id and new != obj_id:
                    self._drop(obj_id)
                if new == obj_id:
                    if design.devices[obj_id].hall == self.hall_id:
                        self._put_floor_device(obj_id)
                    else:
                        self._drop(obj_id)
                touched.update(h for h in (old, new) if h is not None and h != obj_id)
        for rack_id in touched:
            if rack_id in design.racks and rack_id in self.objects:
                self._put_rack(rack_id)
        colls = changes.collections()
        if changes.settings or colls & {Collection.PART_TYPES, Collection.RACK_TYPES}:  # worst case, thresholds
            for obj_id in list(self.objects):
                if obj_id not in touched:
                    if obj_id in design.racks:
                        self._put_rack(obj_id)
                    else:
                        self._decorate(obj_id)
        # the aisles follow where racks stand, not what they are called (a rename: 22 ms saved at L)
        if colls & set(_LAYOUT) - {"racks"} or changes.settings or floor_changed or self._aisles_stale:
            self._refresh_aisles()
        if self.show_cables and colls & {"connections", "racks", "devices", "feeds"}:
            self._refresh_bundles()

    # --- check markers and the failure simulation -----------------------------------------------

    def _decorate(self, obj_id: str) -> None:
        """Apply the checks' marker and bars and the simulation's look to one floor item."""
        item = self.objects.get(obj_id)
        if item is None:
            return
        live_checks = self.editor.live_checks
        item.set_marker(live_checks.marker([obj_id, *devices_within(self.design, obj_id)])
                        if live_checks.marks_anything else None)
        if isinstance(item, RackItem):
            item.set_bars(live_checks.rack_load(obj_id))
        item.set_sim(*self._sim_looks.get(obj_id, (None, "", False)))

    @guarded
    def on_markers(self, ids) -> None:
        """The findings about `ids` changed (None: all of them): re-mark the items that show them.
        All of them are re-marked as the live checks' sliced work (`follow`: an item a step, a few
        milliseconds of steps a turn of the event loop), so adopting a full check never holds the
        window for the whole hall, and the checks are not done until every item is marked."""
        if ids is None:
            self._remarking += 1
            self.editor.live_checks.follow(self._remark(list(self.objects), self._remarking))
            return
        targets = set()
        for obj_id in ids:
            if obj_id in self.objects:
                targets.add(obj_id)
            else:
                holder = self.holder.get(obj_id)
                if holder is not None:
                    targets.add(holder)
        for obj_id in targets:
            self._decorate(obj_id)

    def _remark(self, targets: list[str], generation: int) -> Iterator[None]:
        for obj_id in targets:
            if generation != self._remarking:
                return  # a newer re-marking of everything started
            self._decorate(obj_id)
            yield

    @guarded
    def set_simulation(self, sim: Simulation | None) -> None:
        """Show a failure simulation (None: none): racks dark or hatched, only changed items repainted."""
        self.simulation = sim
        looks = self._simulated_looks(sim)
        for obj_id in set(looks) | set(self._sim_looks):
            item = self.objects.get(obj_id)
            if item is not None:
                item.set_sim(*looks.get(obj_id, (None, "", False)))
        self._sim_looks = looks

    def _simulated_looks(self, sim: Simulation | None) -> dict[str, tuple[str | None, str, bool]]:
        if sim is None:
            return {}
        design = self.design
        states = device_states(sim)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for dev_id, state in states.items():
            holder = self.holder.get(dev_id)
            if holder is not None and holder != dev_id and state != "failed":
                counts[holder][0 if state == "dark" else 1] += 1
        failed_at = self.holder.get(sim.failed) if sim.failed in design.devices else (
            design.feeds[sim.failed].rack if sim.failed in design.feeds else None)
        looks: dict[str, tuple[str | None, str, bool]] = {}
        g = self.editor.bridge.document.graph.g
        for holder, (dark, degraded) in counts.items():
            powered = [d for d in devices_within(design, holder) if d in g
                       and any(kind in _POWER_IN for _, _, kind in g.in_edges(d, data="kind"))]
            state = "dark" if dark and all(states.get(d) in ("dark", "failed") for d in powered) else "degraded"
            note = f"Simulated failure: {dark} device{'s' * (dark != 1)} dark, {degraded} losing redundancy here"
            looks[holder] = (state, note, holder == failed_at)
        for dev_id, state in states.items():  # floor devices (CDUs, coolers) show their own state
            if dev_id in self.objects:
                note = {"failed": "Simulated failure: this one fails", "dark": "Simulated failure: loses its supply",
                        "degraded": "Simulated failure: loses redundancy"}[state]
                looks[dev_id] = (state, note, state == "failed")
        if failed_at is not None and failed_at not in looks:
            looks[failed_at] = (None, "Simulated failure: the failed element is here", True)
        return looks

    # --- selection -------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        ids: list[str] = []
        for item in self.selectedItems():
            if isinstance(item, FloorObjectItem):
                ids.append(item.obj_id)
            elif isinstance(item, CableBundleItem):
                ids.extend(item.conn_ids)
        return ids

    def show_selection(self, wanted: set[str]) -> None:
        for obj_id, item in self.objects.items():
            item.setSelected(obj_id in wanted)
        for item in self.bundles.values():
            item.setSelected(bool(wanted) and set(item.conn_ids) <= wanted)

    def select_all(self) -> None:
        """Every rack and floor unit, published once (`select_together`)."""
        self.select_together(self.objects.values())

    def object_at(self, pos: QPointF, transform) -> FloorObjectItem | CableBundleItem | None:
        for item in self.items(pos, deviceTransform=transform):
            if isinstance(item, FloorObjectItem | CableBundleItem):
                return item
        return None
