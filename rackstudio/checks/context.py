"""Qt-free. What a rule function receives: the design, its component graph, the cached per-rack
metrics and a memo that lives for one engine pass (a full run or one incremental update), so
rules that ask the same question (a device's draw, a rack's devices, a power flow) ask it once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.memory import release
from rackstudio.model import geometry, optics
from rackstudio.model.design import Design, Device
from rackstudio.model.parts import PartType
from rackstudio.model.review import CheckSettings
from rackstudio.power import PASS_THROUGH, DeviceDraw, device_draw

if TYPE_CHECKING:
    from rackstudio.checks.metrics import MetricsCache

_PART_DRAWS = "part draws"  # the memo's table of each part's draw (power.device_draw's part_draws)

_HALL_CAGES = "cages of every device"  # in the memo: this pass filled CheckContext.cages for the design


class CheckContext:
    def __init__(self, design: Design, graph: ComponentGraph):
        self.design = design
        self.graph = graph
        self.memo: dict[Any, Any] = {}
        # each device's draw, checked load and heat in this pass: tables of their own beside the
        # memo, so no one table of the pass grows past the design's device count (at 5,000 racks
        # the memo grew to 700,000 entries, each resize one C call holding the GIL for 50 ms)
        self.draws: dict[str, DeviceDraw] = {}
        self.loads: dict[str, float] = {}
        self.heats: dict[str, Any] = {}
        self.full_pass = False  # a full run: a rule may build a table over the whole design at once
        self.metrics: MetricsCache | None = None
        # coolant loop of each node asked, kept across passes: the engine clears it when an edit
        # changes a coolant connection or what part a device is (coolant.changes_loops)
        self.loops: dict[str, Any] = {}
        self.loops_graph = graph  # the graph they were found in (a context may be handed another)
        # optics in each device's cages, kept across passes: a move recomputes its rack's figures
        # and draws, and the cables did not change; the engine forgets a device's entry when an
        # edit replugs one of its cables or gives it another part (scope.stale_cages)
        self.cages: dict[str, dict[str, tuple[float, list[str]]]] = {}
        self._parts: dict[str, PartType] | None = None  # each device's part, during a full run

    @property
    def settings(self) -> CheckSettings:
        return self.design.settings

    def kept_tables(self) -> tuple[dict, ...]:
        """What the context keeps across passes and a full run clears: coolant loops, cage optics
        (CheckEngine keeps and restores them: `trial`, and the undo of a wide update's step)."""
        return self.loops, self.cages

    def new_pass(self, full: bool = False) -> None:
        for table in self.pass_tables():
            table.clear()
        self.full_pass = full
        self._parts = {} if full else None

    def end_pass(self) -> None:
        """Forget a full run's memo and part table when it ends, while the collector is still
        paused: left alive, its million small objects would be walked by the collection that
        follows (0.26 s at 1,000 racks, one C call holding the GIL: longer than this `clear()`)
        and then freed by the next pass anyway. Off the main thread (the app's background check)
        it is emptied in slices, so the window keeps running meanwhile (`memory.release`)."""
        for table in self.pass_tables():
            release(table)
        self._parts = None

    def pass_tables(self) -> tuple[dict, ...]:
        """What lives for one pass: the memo and the per-device tables beside it."""
        return self.memo, self.draws, self.loads, self.heats

    def remember(self, key: Any, compute) -> Any:
        """The memoised value for `key` in this pass, computed once by `compute()`."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = compute()
            return value

    # --- devices -------------------------------------------------------------------------------

    def part(self, device_id: str) -> PartType:
        """The device's part with its modules fitted (Design.part_of); looked up once per device
        in a full run, whose rules ask it over a million times at 1,000 racks."""
        parts = self._parts
        if parts is None:
            return self.design.part_of(self.design.devices[device_id])
        found = parts.get(device_id)
        if found is None:
            found = parts[device_id] = self.design.part_of(self.design.devices[device_id])
        return found

    def draw(self, device_id: str) -> DeviceDraw:
        found = self.draws.get(device_id)  # once per pass, as `remember` would (asked 250,000 times at L)
        if found is None:
            part_draws = self.memo.get(_PART_DRAWS)
            if part_draws is None:
                part_draws = self.memo[_PART_DRAWS] = {}
            found = self.draws[device_id] = device_draw(self.design, self.design.devices[device_id],
                                                 lambda: self.optics_w(device_id), part_draws)
        return found

    def cage_optics(self, device_id: str) -> dict[str, tuple[float, list[str]]]:
        """The optics in a device's cages (model.optics.cage_optics), kept until an edit replugs
        them: the rack's figures, the device's draw and CAB-011 read them. Read-only."""
        found = self.cages.get(device_id)
        if found is None:
            if self.full_pass and not self.cages:  # a full run: every device's at once
                self.cages.update(optics.hall_cage_optics(self.design))
                self.memo[_HALL_CAGES] = True
                found = self.cages.get(device_id)
            if found is None:
                found = self.cages[device_id] = ({} if self.memo.get(_HALL_CAGES)
                                                 else optics.cage_optics(self.design, device_id))
        return found

    def optics_w(self, device_id: str) -> float:
        """W of the optics in a device's cages, as optics.device_optics_w sums them."""
        return sum(watts for watts, _ in self.cage_optics(device_id).values())

    def load_w(self, device_id: str) -> float:
        """The W the checks count for a device: allocated, or max in worst-case mode (engineering.md 2.6);
        0 for pass-through infrastructure (PDUs, power shelves, UPSes). Once per pass."""
        found = self.loads.get(device_id)
        if found is None:
            if self.part(device_id).category in PASS_THROUGH:
                found = 0.0
            else:
                draw = self.draw(device_id)
                found = draw.max_w if self.settings.worst_case else draw.allocated_w
            self.loads[device_id] = found
        return found

    def rack_of(self, device_id: str) -> str | None:
        """The rack a device is in, following bays up to the chassis."""
        return rack_of_record(self.design.devices.get(device_id), self.design.devices)

    def hall_of(self, device_id: str) -> str | None:
        device = geometry.mounted_root(self.design, device_id)  # bounded: never loops on a parent cycle
        if device is None:
            return None
        if device.rack is not None:
            rack = self.design.racks.get(device.rack)
            return rack.hall if rack else None
        return device.hall

    def rack_devices(self, rack_id: str) -> tuple[str, ...]:
        """Every device in a rack at any depth (children in bays included), sorted."""
        return self.remember(("rack_devices", rack_id), lambda: tuple(sorted(descendants(self.design, rack_id))))

    def name(self, obj_id: str) -> str:
        obj = self.design.get(obj_id)
        return getattr(obj, "name", obj_id) if obj is not None else obj_id


def rack_of_record(device: Device | None, devices: dict[str, Device]) -> str | None:
    """The top rack of a device record, resolving parents in `devices` (current or remembered)."""
    seen: set[str] = set()
    while device is not None and device.parent is not None and device.id not in seen:
        seen.add(device.id)
        device = devices.get(device.parent)
    return device.rack if device is not None else None


def descendants(design: Design, container_id: str) -> set[str]:
    """Ids inside a container at any depth (racks hold devices, devices hold children)."""
    found: set[str] = set()
    stack = [container_id]
    while stack:
        for child in design.contents(stack.pop()):
            if child not in found and child in design.devices:
                found.add(child)
                stack.append(child)
    return found
