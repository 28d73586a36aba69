"""What the Edit, Insert and Cabling menus do: each handler turns the selection (and a dialog's
answer) into one command or Composite and pushes it; refusals go to the status bar. Each dialog
(and the power planner) is imported by the handler that opens it: none is needed for the first
paint, where their imports were ≈ 15 ms of the start-up."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from rackstudio.checks.power_flow import FlowState
from rackstudio.commands import (
    AddRecord,
    Command,
    Composite,
    Refused,
    add_row_of_racks,
    arrange,
    bulk,
    clipboard,
    network_plan,
)
from rackstudio.commands.labels import labeler
from rackstudio.commands.removal import removal_commands
from rackstudio.model.design import Design, Feed, Hall, Panel, Ups
from rackstudio.model.floor import free_spot
from rackstudio.model.geometry import devices_within, mounted_root
from rackstudio.ui import prefs
from rackstudio.ui.editor import EditorContext
from rackstudio.ui.guard import guarded

if TYPE_CHECKING:
    from rackstudio.ui.main_window import MainWindow


class EditingController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.clip_text: str | None = None

    @property
    def editor(self) -> EditorContext:
        return self.window.editor

    @property
    def design(self) -> Design:
        return self.editor.design

    def _push(self, commands: list[Command], text: str) -> bool:
        if not commands:
            raise Refused("nothing selected")
        return self.editor.execute(commands[0] if len(commands) == 1 else Composite(text, commands))

    # --- edit ----------------------------------------------------------------------------------

    @guarded
    def delete_selection(self) -> None:
        ids = self.editor.selection.ids
        self._push(removal_commands(self.design, ids), f"Delete {len(ids)} objects")

    @guarded
    def copy_selection(self) -> None:
        clip = clipboard.copy(self.design, self.editor.selection.ids)
        if not clip:
            raise Refused("select racks or devices to copy")
        self.clip_text = clip.to_json()
        data = QMimeData()
        data.setData(clipboard.CLIP_FORMAT, self.clip_text.encode())
        QApplication.clipboard().setMimeData(data)
        self.window.show_status(f"Copied {len(clip.racks)} racks and {len(clip.devices)} devices")

    @guarded
    def cut_selection(self) -> None:
        self.copy_selection()
        if self.clip_text:
            self.delete_selection()

    @staticmethod
    def release_clipboard() -> None:
        """Drop the copied racks and devices from the system clipboard before the app exits: Qt
        would delete that data after Python has shut down, and the process would crash on the
        way out. (The data is RackStudio's own format: no other program reads it.)"""
        board = QApplication.clipboard()
        data = board.mimeData()
        if data is not None and data.hasFormat(clipboard.CLIP_FORMAT):
            board.clear()

    def _clipboard(self) -> clipboard.Clip | None:
        data = QApplication.clipboard().mimeData()
        text = None
        if data is not None and data.hasFormat(clipboard.CLIP_FORMAT):
            text = bytes(data.data(clipboard.CLIP_FORMAT).data()).decode()
        text = text or self.clip_text
        return clipboard.Clip.from_json(text) if text else None

    @guarded
    def paste(self) -> None:
        clip = self._clipboard()
        if not clip:
            raise Refused("the clipboard holds no racks or devices")
        hall_id, at, rack_id = self.window.paste_target()
        self.editor.execute(clipboard.paste(self.design, clip, hall_id, at, rack_id))

    @guarded
    def duplicate(self) -> None:
        clip = clipboard.copy(self.design, self.editor.selection.ids)
        if not clip:
            raise Refused("select racks or devices to duplicate")
        self.editor.execute(clipboard.paste(self.design, clip, text="Duplicate"))

    @guarded
    def select_all(self) -> None:
        self.window.current_scene().select_all()

    # --- floor layout --------------------------------------------------------------------------

    def _floor_ids(self) -> list[str]:
        design = self.design
        return [i for i in self.editor.selection.ids
                if i in design.racks or (i in design.devices and design.devices[i].hall is not None)]

    @guarded
    def align(self, edge: str) -> None:
        ids = self._floor_ids()
        if len(ids) < 2:
            raise Refused("select two or more racks to align")
        self.editor.execute(arrange.ordered_moves(self.design, arrange.align(self.design, ids, edge),
                                                  f"Align {edge} edges"))

    @guarded
    def distribute(self, axis: str) -> None:
        ids = self._floor_ids()
        if len(ids) < 3:
            raise Refused("select three or more racks to distribute")
        self.editor.execute(arrange.ordered_moves(self.design, arrange.distribute(self.design, ids, axis),
                                                  "Distribute " + ("horizontally" if axis == "x" else "vertically")))

    # --- insert --------------------------------------------------------------------------------

    def _add_record(self, collection: str, model, title: str, prefix: str, defaults: dict) -> None:
        from rackstudio.ui.dialogs.record import RecordDialog

        defaults = {"id": self.design.new_id(prefix), **defaults}
        record = RecordDialog.ask(self.window, self.design, model, title, defaults)
        if record is not None:
            self.editor.execute(AddRecord(collection, record))

    @guarded
    def add_hall(self) -> None:
        n = len(self.design.halls) + 1
        self._add_record("halls", Hall, "Add a hall", "hall",
                         {"name": f"Hall {n}", "width_mm": 24000.0, "depth_mm": 16800.0, "tile_mm": 600.0})

    @guarded
    def add_ups(self) -> None:
        side = "B" if any(u.side == "A" for u in self.design.upses.values()) else "A"
        self._add_record("upses", Ups, "Add a UPS", "ups", {"name": f"UPS {side}", "capacity_kw": 1000.0, "side": side})

    @guarded
    def add_panel(self) -> None:
        side = "B" if any(p.side == "A" for p in self.design.panels.values()) else "A"
        ups = next((u.id for u in self.design.upses.values() if u.side == side), None)
        self._add_record("panels", Panel, "Add a panel", "pnl", {"name": f"Panel {side}", "side": side, "ups": ups})

    @guarded
    def add_feed(self) -> None:
        racks = self._racks()
        rack = racks[0] if racks else None
        sides = {self.design.feeds[f].side for f in self.design.feeds_dropped_to(rack)}
        side = "B" if "A" in sides else "A"
        panel = next((p.id for p in self.design.panels.values() if p.side == side), None)
        name = f"{self.design.racks[rack].name}-{side}" if rack else f"Feed {side}"
        self._add_record("feeds", Feed, "Add a power feed", "feed",
                         {"name": name, "side": side, "rack": rack, "panel": panel})

    @guarded
    def add_row(self) -> None:
        from rackstudio.ui.dialogs.row import RowDialog

        design = self.design
        hall_id = self.window.hall_view.hall_scene.hall_id
        if hall_id is None:
            raise Refused("add a hall first (Insert ▸ Hall)")
        rack_types = self.editor.library.all_rack_types()
        if not rack_types:
            raise Refused("there is no rack type in the library or the design")
        hall = design.halls[hall_id]
        rows = {r.name for r in design.rows.values()}
        name = next(chr(c) for c in range(65, 91) if chr(c) not in rows) if len(rows) < 26 else f"Row {len(rows) + 1}"
        spot = free_spot(design, hall_id, rack_types[0].outer_width_mm, rack_types[0].outer_depth_mm,
                         (hall.tile_mm * 2, hall.tile_mm * 2), hall.tile_mm) or (0.0, 0.0)
        choice = RowDialog.ask(self.window, rack_types, spot, name)
        if choice is None:
            return
        rt = self.editor.library.rack_type(choice.rack_type)
        self.editor.execute(add_row_of_racks(design, rt, hall_id, choice.name, choice.count,
                                             choice.x_mm, choice.y_mm, choice.facing))

    # --- cabling -------------------------------------------------------------------------------

    def _racks(self) -> list[str]:
        """Selected racks, or the racks of the selected devices."""
        design = self.design
        found: list[str] = []
        for obj_id in self.editor.selection.ids:
            if obj_id in design.racks:
                found.append(obj_id)
            elif obj_id in design.devices:
                device = mounted_root(design, obj_id)
                if device is not None and device.rack is not None:
                    found.append(device.rack)
        return list(dict.fromkeys(found))

    def _each_rack(self, build, text: str) -> None:
        racks = self._racks()
        if not racks:
            raise Refused("select a rack (or a device in it) first")
        label = labeler(prefs.label_pattern())
        commands = [build(self.design, rack, labeler=label) for rack in racks]
        self._push(commands, f"{text} ({len(racks)} racks)")

    @guarded
    def connect_psus(self) -> None:
        """The power planner over the selected devices (or all devices of the selected racks),
        previewed; Apply makes it one undo step."""
        from rackstudio.commands.power_plan import plan_power
        from rackstudio.ui.dialogs.power_plan import PowerPlanDialog

        design = self.design
        targets = [i for i in self.editor.selection.ids if i in design.racks or i in design.devices]
        if not targets:
            raise Refused("select a rack (or devices in it) first")
        state = FlowState.of(design, self.editor.bridge.document.graph)
        plan = plan_power(design, targets, state, labeler=labeler(prefs.label_pattern()))
        if PowerPlanDialog.ask(self.window, design, plan):
            self.editor.execute(plan.command)

    @guarded
    def connect_liquid(self) -> None:
        self._each_rack(bulk.connect_liquid, "Connect liquid cooling")

    def _servers(self) -> list[str]:
        design = self.design
        ids: list[str] = []
        for obj_id in self.editor.selection.ids:
            if obj_id in design.racks:
                ids.extend(devices_within(design, obj_id))
            elif obj_id in design.devices:
                ids.append(obj_id)
        return [i for i in dict.fromkeys(ids) if network_plan.data_ports(design.part_of(design.devices[i]))
                and str(design.part_of(design.devices[i]).category) != "switch"]

    def _cable(self, plan: network_plan.NetworkPlan) -> None:
        """Preview the plan (cables by family and length, what could not be placed), then apply it."""
        from rackstudio.ui.dialogs.network_preview import NetworkPreviewDialog

        if not plan.links:
            raise Refused(plan.nothing + (f": {plan.unplaced[0]}" if plan.unplaced else ""))
        if NetworkPreviewDialog.ask(self.window, self.design, plan):
            self.editor.execute(plan.command(self.design, labeler(prefs.label_pattern())))

    @guarded
    def connect_leaf(self) -> None:
        from rackstudio.ui.dialogs.fabric import FabricDialog

        servers = self._servers()
        if not servers:
            raise Refused("select the servers (or their racks) to cable")
        choice = FabricDialog.ask(self.window, self.design, rails=False)
        if choice is None:
            return
        self._cable(network_plan.plan_to_leaf(self.design, servers, choice.leaves[0], choice.mgmt_switch))

    @guarded
    def rail_fabric(self) -> None:
        from rackstudio.ui.dialogs.fabric import FabricDialog

        servers = self._servers()
        if not servers:
            raise Refused("select the servers (or their racks) to cable")
        choice = FabricDialog.ask(self.window, self.design, rails=True)
        if choice is None:
            return
        leaves = sorted(choice.leaves, key=lambda i: self.design.devices[i].name)
        self._cable(network_plan.plan_rails(self.design, servers, leaves, choice.spines, choice.mgmt_switch))
