"""One table of every menu and toolbar action: id, menu, text, shortcut, handler (a dotted path
from the main window), status tip. `build_actions` creates the QActions; the main window lays
out the menus and the toolbar from the same ids. A handler is looked up when its action is
triggered, so a controller the window builds on first use is not built at start-up."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

from rackstudio.ui.guard import guarded

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str
    menu: str
    text: str
    handler: str
    shortcut: tuple = ()
    tip: str = ""
    checkable: bool = False
    args: tuple = ()


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "File", "&New", "new_design", (Std.New,), "Start an empty design"),
    ActionSpec("open", "File", "&Open…", "open_dialog", (Std.Open,), "Open a .rackstudio design"),
    ActionSpec("save", "File", "&Save", "save", (Std.Save,), "Save the design"),
    ActionSpec("save_as", "File", "Save &As…", "save_as", ("Ctrl+Shift+S",), "Save under another name"),
    ActionSpec("close", "File", "&Close", "close_design", (Std.Close,), "Close the design"),
    ActionSpec("export_elevations", "File/Export", "Rack &Elevations…", "exports.elevations", (),
               "Front and rear elevations of the selected racks (else the open ones, else all): PDF, SVG, PNG"),
    ActionSpec("export_floorplan", "File/Export", "&Floor Plan…", "exports.floorplan", (),
               "The hall on screen with title block, legend and scale: PDF, SVG, PNG"),
    ActionSpec("export_bom", "File/Export", "&Bill of Materials…", "exports.bom", (),
               "Parts per rack, cables by media and length, optics: XLSX or CSV"),
    ActionSpec("export_cables", "File/Export", "&Cable Schedule…", "exports.cables", (),
               "Every cable with both ends, media and length: XLSX or CSV"),
    ActionSpec("export_report", "File/Export", "Design &Report…", "exports.report", (),
               "Summary, power and cooling per rack, findings and waivers, comments, review record: PDF"),
    ActionSpec("netbox_pull", "File/NetBox", "&Pull from NetBox…", "netbox.pull", (),
               "Read a NetBox site (racks, devices, cables, power) into a new design"),
    ActionSpec("netbox_push", "File/NetBox", "P&ush to NetBox…", "netbox.push", (),
               "Publish the design to a NetBox site: preview the change list, then write it"),
    ActionSpec("quit", "File", "&Quit", "close", (Std.Quit,), "Quit RackStudio"),
    ActionSpec("cut", "Edit", "Cu&t", "editing.cut_selection", (Std.Cut,)),
    ActionSpec("copy", "Edit", "&Copy", "editing.copy_selection", (Std.Copy,)),
    ActionSpec("paste", "Edit", "&Paste", "editing.paste", (Std.Paste,)),
    ActionSpec("duplicate", "Edit", "D&uplicate", "editing.duplicate", ("Ctrl+D",)),
    ActionSpec("delete", "Edit", "&Delete", "editing.delete_selection", ("Del",), "Delete the selection"),
    ActionSpec("select_all", "Edit", "Select &All", "editing.select_all", (Std.SelectAll,)),
    ActionSpec("make_rack_design", "Edit/Rack Design", "&Make Rack Design from Selection…",
               "rack_designs.make_from_selection", (),
               "Make a rack design from the selected rack; the rack becomes its first instance"),
    ActionSpec("edit_rack_design", "Edit/Rack Design", "&Edit Rack Design", "rack_designs.edit_selection", (),
               "Open the selected instance's rack design in its tab; applying updates every instance"),
    ActionSpec("compare_rack_designs", "Edit/Rack Design", "&Compare Rack Designs…", "rack_designs.compare_dialog", (),
               "Two rack designs side by side: elevations, power, heat, flow, weight, ports and the BOM delta"),
    ActionSpec("swap_generation", "Edit/Rack Design", "&Swap Generation…", "rack_designs.swap_selection", (),
               "Make the selected instances instances of another rack design, after an impact preview"),
    ActionSpec("save_rack_design", "Edit/Rack Design", "Save Rack Design to &Parts Folder", "rack_designs.save_to_parts",
               (), "Save the selected instance's rack design as a file in your parts folder, to share it"),
    ActionSpec("add_rack_design", "Edit/Rack Design", "&Add Rack Design from File…", "rack_designs.add_from_file", (),
               "Add a rack design saved as a file (with its rack type and parts) to this design"),
    ActionSpec("detach_instance", "Edit/Rack Design", "&Detach from Rack Design", "rack_designs.detach_selection",
               (), "Turn the selected instances into ordinary racks, keeping their devices and cables"),
    ActionSpec("preferences", "Edit", "Pr&eferences…", "open_preferences", (Std.Preferences,),
               "Autosave interval, comment author, cable label pattern"),
    ActionSpec("rotate", "Arrange", "&Rotate", "hall_view.rotate_selection", ("R",),
               "Turn the selected racks a quarter turn clockwise"),
    ActionSpec("align_left", "Arrange/Align", "&Left edges", "editing.align", (), args=("left",)),
    ActionSpec("align_right", "Arrange/Align", "&Right edges", "editing.align", (), args=("right",)),
    ActionSpec("align_top", "Arrange/Align", "&Top edges (north)", "editing.align", (), args=("top",)),
    ActionSpec("align_bottom", "Arrange/Align", "&Bottom edges (south)", "editing.align", (), args=("bottom",)),
    ActionSpec("distribute_x", "Arrange/Distribute", "&Horizontally", "editing.distribute", (), args=("x",)),
    ActionSpec("distribute_y", "Arrange/Distribute", "&Vertically", "editing.distribute", (), args=("y",)),
    ActionSpec("zoom_in", "View", "Zoom &In", "zoom_in", (Std.ZoomIn, "Ctrl+=")),
    ActionSpec("zoom_out", "View", "Zoom &Out", "zoom_out", (Std.ZoomOut,)),
    ActionSpec("zoom_fit", "View", "Zoom to &Fit", "zoom_fit", ("F",)),
    ActionSpec("view_hall", "View", "&Hall Floor Plan", "show_hall", ("Ctrl+1",)),
    ActionSpec("view_racks", "View", "&Rack Elevations", "show_racks", ("Ctrl+2",)),
    ActionSpec("cable_overlay", "View", "&Cable Overlay", "set_cable_overlay", ("Ctrl+Shift+L",),
               "Show connections between racks on the floor plan", checkable=True),
    ActionSpec("close_elevations", "View", "Close All &Elevations", "elevation_view.elevations.close_all"),
    ActionSpec("add_hall", "Insert", "&Hall…", "editing.add_hall"),
    ActionSpec("add_row", "Insert", "&Row of Racks…", "editing.add_row", ("Ctrl+Shift+R",),
               "Create a row of N racks side by side"),
    ActionSpec("add_ups", "Insert", "&UPS…", "editing.add_ups"),
    ActionSpec("add_panel", "Insert", "&Panel…", "editing.add_panel"),
    ActionSpec("add_feed", "Insert", "Power &Feed…", "editing.add_feed", (), "A feed, dropped to the selected rack"),
    ActionSpec("connect_psus", "Cabling", "Plan &Power (PSUs to PDU A/B)…", "editing.connect_psus", (),
               "Plan every free PSU of the selected devices or racks onto PDU A and B: mating plugs, "
               "redundancy, balanced banks and phases; preview before applying"),
    ActionSpec("connect_leaf", "Cabling", "Connect NICs to a &Leaf…", "editing.connect_leaf", (),
               "The selected servers' NICs to the next free ports of a leaf switch"),
    ActionSpec("rail_fabric", "Cabling", "&Rail-optimised Fabric…", "editing.rail_fabric", (),
               "NIC k of every selected server to leaf k, leaves to spines"),
    ActionSpec("connect_liquid", "Cabling", "Connect Liquid &Cooling", "editing.connect_liquid", (),
               "Liquid-cooled devices to the rack manifold, the manifold to a CDU"),
    ActionSpec("relabel", "Cabling", "Re&label Cables", "cable_dock.relabel"),
    ActionSpec("label_pattern", "Cabling", "Cable Label &Pattern…", "cable_dock.edit_pattern"),
    ActionSpec("run_checks", "Tools", "Run All &Checks", "live_checks.run_now", ("F5",),
               "Check the whole design again (edits are checked as you make them)"),
    ActionSpec("simulate_failure", "Tools", "&Simulate Failure", "failure_simulation.set_active", ("Ctrl+Shift+X",),
               "Fail a feed, panel, UPS, PDU or CDU and see what goes dark or loses redundancy (Esc ends it)",
               checkable=True),
    ActionSpec("plugins", "Tools", "&Plugins…", "tools.open_plugins", (), "Installed plugins, what they add, failures"),
    ActionSpec("new_part", "Tools", "&New Part…", "tools.new_part", (), "Define a part for your parts library"),
    ActionSpec("edit_part", "Tools", "&Edit Part…", "tools.edit_part", (),
               "Edit a copy of the selected device's part (or the Parts panel's row) in your parts library"),
    ActionSpec("present", "Review", "&Presentation Mode", "presentation.start", ("F11",),
               "Full screen and read-only: step through rows and racks with the arrow keys, Esc leaves"),
    ActionSpec("add_comment", "Review", "Add &Comment…", "comments.add_comment", ("Ctrl+Alt+M",),
               "Pin a comment to the selected rack, device or connection (or the design)"),
    ActionSpec("mark_reviewed", "Review", "Mark &Reviewed…", "comments.mark_reviewed", (),
               "Sign off this revision: reviewer, date and a note, saved in the design"),
    ActionSpec("compare", "Review", "Compare with &Revision…", "diff.compare_dialog", (),
               "Show what changed since another revision: added green, removed red, moved with an arrow"),
    ActionSpec("export_diff", "Review", "E&xport Comparison…", "diff.export_report", (),
               "The comparison as a text or JSON report"),
    ActionSpec("clear_compare", "Review", "C&lear Comparison", "diff.clear"),
    ActionSpec("about", "Help", "&About RackStudio", "about"),
)


def _resolve(window, dotted: str):
    target = window
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def build_actions(window) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, window)
        action.setObjectName(f"action_{spec.id}")
        keys = [QKeySequence(k) for k in spec.shortcut]
        if keys:
            action.setShortcuts(keys)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable)
        if spec.checkable:
            action.toggled.connect(guarded(lambda on, *, h=spec.handler: _resolve(window, h)(on)))
        else:
            action.triggered.connect(guarded(lambda *, h=spec.handler, a=spec.args: _resolve(window, h)(*a)))
        actions[spec.id] = action
    return actions
