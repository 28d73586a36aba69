"""Builds the plugin's GB300 NVL72 rack design (`rack-designs/nvidia-gb300-nvl72.rackstudio`) from
the plugin's own parts and the NVL72 parts the two generations share, laid out like the GB200
NVL72 rack of RackStudio's example pod. Run it after changing a part; the plugin's tests rebuild
the file and compare, so the shipped file never drifts from its parts.

    python plugins/rackstudio-ai-racks/tools/build_rack_designs.py

Layout [NV-ERA-GB300], [NV-GB200UG]: 8 × 1U 33 kW power shelves (U1-4, U45-48), 18 × 1U compute
trays (U6-14, U26-34) around 9 × 1U NVLink switch trays (U16-24), the out-of-band management
switch at U40, blanking panels in every other free unit, the coolant manifold in the right side
channel with one quick-disconnect pair per tray.
"""
from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rackstudio_ai_racks"
OUT = PACKAGE / "rack-designs" / "nvidia-gb300-nvl72.rackstudio"
SLUG = "nvidia-gb300-nvl72"
NAME = "GB300 NVL72"
REVISION = "A"

# The plugin's own parts (its parts folder) and the NVL72 parts both generations share (RackStudio's
# built-in library): the power shelf [NV-BCM-PS] (GB300: "8 shelves of 33 kW, 6 x 5.5 kW PSUs each"
# [NV-ERA-GB300]), the NVLink 5 switch tray (9 per rack in both [NV-ERA-GB300]), the manifold with
# 18 + 9 quick-disconnect pairs, the SN2201 out-of-band switch [NV-ERA-GB300], blanking panels.
RACK = "nvidia-gb300-nvl72-rack"
COMPUTE = "nvidia-gb300-nvl72-compute-tray"
SHARED = {"shelf": "nvidia-gb200-nvl72-power-shelf-33kw", "switch": "nvidia-gb200-nvl72-nvlink-switch-tray",
          "manifold": "nvidia-gb200-nvl72-coolant-manifold", "oob": "nvidia-spectrum-sn2201",
          "blank": "generic-blanking-panel-1u"}
SHELF_UNITS = (1, 2, 3, 4, 45, 46, 47, 48)
COMPUTE_UNITS = (*range(6, 15), *range(26, 35))
SWITCH_UNITS = tuple(range(16, 25))
OOB_UNIT = 40
NOTES = ("GB300 NVL72 [NV-ERA-GB300]: 18 compute trays (2 Grace + 4 Blackwell Ultra, 4 x ConnectX-8 800G XDR, "
         "BlueField-3), 9 NVLink switch trays, 8 x 33 kW power shelves, liquid manifold; up to 142 kW. "
         "NVIDIA lists 2 SN2201 out-of-band switches DC-powered from the busbar; RackStudio's SN2201 is the "
         "AC-fed catalogue part, so this design holds one, fed like the GB200 NVL72 example's, with every "
         "tray BMC and BlueField-3 BMC on it (45 of its 48 ports).")


def catalog_parts():
    """The parts and the rack type the design is built from, from the plugin's folder and the
    built-in library (the same files RackStudio lists)."""
    from rackstudio.library.catalog import Catalog, LibrarySource, SourceKind, builtin_source

    catalog = Catalog([builtin_source(), LibrarySource("rackstudio-ai-racks", PACKAGE, SourceKind.PLUGIN)])
    by_slug = {e.slug: e for e in catalog.entries if e.slug}
    parts = {slug: catalog.part(by_slug[slug]) for slug in (COMPUTE, *SHARED.values())}
    return parts, catalog.rack_type(by_slug[RACK])


def build():
    """The rack-design file's design: one rack design, its rack type and parts, no racks."""
    from rackstudio.commands import AddRack, Connect, PlaceDevice
    from rackstudio.commands.network_plan import cable_for
    from rackstudio.commands.rack_design_capture import MakeRackDesign
    from rackstudio.library.rack_design_files import as_file_design
    from rackstudio.model import Design, Hall, PortRef

    parts, rack_type = catalog_parts()
    d = Design(name=NAME)
    d.put("halls", Hall(id="hall", name="Build", width_mm=6000, depth_mm=6000))
    AddRack(rack_type, "hall", 1200, 1200, name="NVL72", rack_id="rk").apply(d)

    def place(device_id, slug, **where):
        PlaceDevice(parts[slug], rack="rk", device_id=device_id, **where).apply(d)
        return device_id

    shelves = [place(f"shelf-{i + 1}", SHARED["shelf"], position=u) for i, u in enumerate(SHELF_UNITS)]
    trays = [place(f"compute-{i + 1:02d}", COMPUTE, position=u) for i, u in enumerate(COMPUTE_UNITS)]
    switches = [place(f"nvswitch-{i + 1}", SHARED["switch"], position=u) for i, u in enumerate(SWITCH_UNITS)]
    oob = place("oob-1", SHARED["oob"], position=OOB_UNIT)
    manifold = place("manifold", SHARED["manifold"], side="right")
    taken = {*SHELF_UNITS, *COMPUTE_UNITS, *SWITCH_UNITS, OOB_UNIT}
    for u in range(1, rack_type.u_height + 1):
        if u not in taken:
            place(f"blank-u{u}", SHARED["blank"], position=u)

    def connect(kind, conn_id, a, b):
        ends = PortRef(owner=a[0], port=a[1]), PortRef(owner=b[0], port=b[1])
        if kind == "network":
            link = cable_for(d, *ends)
            Connect(kind, *ends, media=link.media, ends=link.ends, fibre=link.fibre, conn_id=conn_id).apply(d)
        else:
            Connect(kind, *ends, conn_id=conn_id).apply(d)

    # out of band: every tray's BMC, every BlueField-3's BMC and every switch tray's BMC to the SN2201
    oob_ports = iter(f"swp{n}" for n in range(1, 49))
    for tray in trays:
        for port in ("bmc", "bmc-bf3"):
            connect("network", f"oob-{tray}-{port}", (tray, port), (oob, next(oob_ports)))
    for switch in switches:
        connect("network", f"oob-{switch}-bmc", (switch, "bmc"), (oob, next(oob_ports)))
    # coolant: one quick-disconnect pair per tray to its manifold port
    for i, tray in enumerate(trays):
        connect("coolant", f"cool-{tray}", (tray, "coolant"), (manifold, f"compute-{i + 1:02d}"))
    for i, switch in enumerate(switches):
        connect("coolant", f"cool-{switch}", (switch, "coolant"), (manifold, f"switch-{i + 1:02d}"))
    del shelves  # fed from the rack's A and B feeds, which belong to each instance
    MakeRackDesign("rk", NAME, SLUG, REVISION, NOTES, link=False).apply(d)
    return as_file_design(d, SLUG)


def main() -> int:
    from rackstudio.io import project_file

    OUT.parent.mkdir(parents=True, exist_ok=True)
    project_file.save(build(), OUT, backup=False)
    print(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
