"""NetBox YAML: every real library file's exact outcome, hostile and malformed input, export."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rackstudio.library import (
    Vocabulary,
    dump_device_type,
    load_device_type,
    load_module_type,
    load_rack_type,
    parse_device_type,
    parse_module_type,
    parse_rack_type,
)
from rackstudio.library.netbox_yaml import DEVICE_TYPE_KEYS
from rackstudio.library.safe_yaml import MAX_FILE_BYTES
from rackstudio.model.parts import Category
from tests.conftest import NETBOX_DATA, require_data

DEVICE_TYPES = NETBOX_DATA / "device-types"
needs_library = pytest.mark.usefixtures("library_files")

ZERO_U = "zero-u: 0U part: takes no rack units (side channel, bay or rack top)"
NO_DEPTH = "missing-field: no is_full_depth; assumed true (NetBox's default)"
NO_DRAW = "no-power-draw: no power draw: no power port declares maximum_draw or allocated_draw"
NOT_POWERED = "not-powered: is_powered is false: the part's power is not counted"
LEGACY_POWERED = "schema: '_is_powered' is not a NetBox key; read as is_powered"
EXPORT_DUMP = "unknown-key: unknown key 'default_platform' ignored"

# path: (category, u_height, counts, total maximum_draw W, weight kg rounded, flags)
# counts: interfaces, power ports, outlets, console ports, console-server ports, front ports,
#         rear ports, device bays, module bays.
# Each row was checked against the YAML: counts, u_height, draw and weight against a plain
# yaml.safe_load of the file (the two differences are the flagged ones: z9264f's duplicated
# 'Ethernet 1/1/6' and SR630's slot entries under power-ports), flags against SOURCE.md's notes.
EXPECTED = {
    "APC/AP4423.yaml": ("pdu", 1, (1, 2, 9, 1, 0, 0, 0, 0, 0), 0, 3.7, []),
    "APC/AP7900B.yaml": ("pdu", 1, (1, 1, 8, 1, 0, 0, 0, 0, 0), 0, 2.2, []),
    "APC/AP8868.yaml": ("pdu", 0, (1, 1, 42, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DEPTH,
        ZERO_U,
    ]),
    "APC/AP8886.yaml": ("pdu", 0, (1, 1, 42, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DEPTH,
        ZERO_U,
    ]),
    "APC/AP8941.yaml": ("pdu", 0, (1, 1, 24, 1, 0, 0, 0, 0, 0), 0, None, [
        ZERO_U,
        'empty-value: null or empty values read as not set: comments',
    ]),
    "APC/AP8965.yaml": ("pdu", 0, (1, 1, 24, 1, 0, 0, 0, 0, 0), 0, None, [
        ZERO_U,
    ]),
    "Arista/DCS-7010TX-48-F.yaml": ("switch", 1, (53, 2, 0, 1, 0, 0, 0, 0, 0), 212, 3.9, []),
    "Arista/DCS-7050CX3-32S-F.yaml": ("switch", 1, (35, 0, 0, 1, 0, 0, 0, 0, 2), 0, 9.1, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Arista/DCS-7050CX4-24D8-F.yaml": ("switch", 1, (33, 0, 0, 1, 0, 0, 0, 0, 2), 0, 10.4, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Arista/DCS-7050DX4-32S-F.yaml": ("switch", 1, (35, 0, 0, 1, 0, 0, 0, 0, 2), 0, 11.1, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Cisco/N9K-C93180YC-FX.yaml": ("switch", 1, (55, 2, 0, 1, 0, 0, 0, 0, 0), 850, None, []),
    "Cisco/N9K-C9336C-FX2.yaml": ("switch", 1, (37, 0, 0, 2, 0, 0, 0, 0, 5), 0, 8.5, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Dell/EMC-MD1420.yml": ("storage", 2, (0, 1, 0, 0, 0, 0, 0, 0, 24), 600, None, [
        'derived-draw: no allocated_draw: draw bounded at 600 W, 1 of 1 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Dell/Networking-z9264f-on-os10.yaml": ("switch", 1, (66, 2, 0, 2, 0, 0, 0, 0, 0), 1270, None, [
        "duplicate-name: duplicate interface name 'Ethernet 1/1/6', later one dropped at interfaces[6]",
    ]),
    "Dell/Networking_N3248TE-ON.yaml": ("switch", 1, (55, 2, 0, 1, 0, 0, 0, 0, 0), 1100, None, []),
    "Dell/Networking_s5248f-on-os10.yaml": ("switch", 1, (55, 2, 0, 1, 0, 0, 0, 0, 0), 1270, None, []),
    "Dell/Networking_z9332f-on-os10.yaml": ("switch", 1, (35, 2, 0, 2, 0, 0, 0, 0, 0), 1270, None, []),
    "Dell/PowerEdge-C6400.yaml": ("server", 2, (0, 2, 0, 0, 0, 0, 0, 24, 4), 4800, 44.0, [
        'derived-draw: no allocated_draw: draw bounded at 2400 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Dell/PowerEdge-C6420.yaml": ("server", 0, (2, 0, 0, 0, 0, 0, 0, 0, 0), 0, 5.0, [
        ZERO_U,
    ]),
    "Dell/PowerEdge-C6525.yaml": ("server", 2, (1, 0, 0, 1, 0, 0, 0, 0, 3), 0, None, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Dell/PowerEdge-FC640.yaml": ("server", 0, (7, 0, 0, 6, 0, 0, 0, 6, 0), 0, None, [
        "duplicate-key: duplicate key 'subdevice_role' at line 9; the last value is kept",
        "schema: slug 'dell-poweredge-FC640' does not match ^[-a-z0-9_]+$; read as 'dell-poweredge-fc640'",
        ZERO_U,
        'no-power-inlet: powered, with no power port: unknown unless a draw is given',
    ]),
    "Dell/PowerEdge-FX2S.yaml": ("server", 2, (0, 2, 0, 3, 0, 0, 0, 4, 10), 0, None, [
        NO_DRAW,
        'empty-value: null or empty values read as not set: part_number, airflow, comments (+26 more)',
    ]),
    "Dell/PowerEdge-R760.yaml": ("server", 2, (3, 2, 0, 8, 0, 0, 0, 8, 13), 1600, 28.6, [
        "unknown-key: unknown key 'position' ignored at power-ports[0].position (+1 more)",
        'missing-field: module bay without a position at module-bays[2] (+10 more)',
        "unknown-key: unknown key 'lable' ignored at module-bays[5].lable (+7 more)",
        'derived-draw: no allocated_draw: draw bounded at 800 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Dell/PowerEdge-R760xs.yaml": ("server", 2, (3, 0, 0, 1, 0, 0, 0, 0, 9), 0, 19.4, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Eaton/5PX3000IRT2U.yaml": ("ups", 2, (1, 1, 9, 0, 0, 0, 0, 0, 0), 2700, 38.1, []),
    "Eaton/9PX6K.yaml": ("ups", 3, (1, 1, 4, 3, 0, 0, 0, 0, 0), 0, None, []),
    "Eaton/9PXEBM72RT2U.yaml": ("ups", 2, (4, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, []),
    "Eaton/PDUMH30HVNET.yaml": ("pdu", 2, (1, 1, 16, 2, 0, 0, 0, 0, 0), 0, 6.3, []),
    "Eaton/Tripp-Lite-N054-024.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 24, 24, 0, 0), 0, None, [
        EXPORT_DUMP,
        'empty-value: null or empty values read as not set: airflow, weight, weight_unit (+146 more)',
    ]),
    "Eaton/Tripp-Lite-PDUMH20HVAT.yaml": ("pdu", 1, (0, 2, 10, 1, 0, 0, 0, 0, 0), 7680, 4.7, []),
    "Eaton/eats16.yaml": ("pdu", 1, (1, 2, 9, 1, 1, 0, 0, 0, 0), 0, 3.5, []),
    "Generic/0u-fan-panel.yaml": ("other", 0, (0, 1, 0, 0, 0, 0, 0, 0, 0), 50, 4.0, [
        "unknown-type: unknown airflow 'bottom-to-top' at airflow",
        ZERO_U,
    ]),
    "Generic/24-port-copper-patch-panel.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 24, 24, 0, 0), 0, None, [
        NO_DEPTH,
    ]),
    "Generic/Blanking-Panel-1U.yaml": ("blank", 1, (0, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, [
        LEGACY_POWERED,
    ]),
    "Generic/LC-24-port-fiber-patch-panel.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 24, 24, 0, 0), 0, None, []),
    "Generic/LC-48-port-fiber-patch-panel-high-density.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 48, 48, 0, 0), 0, None, []),
    "Generic/Modular-Patch-Panel-Fibers.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 0, 0, 0, 6), 0, None, []),
    "Generic/Vented-Blanking-Panel-2U.yaml": ("blank", 2, (0, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, []),
    "Generic/cable-management-panel-1u.yaml": ("cable-manager", 1, (0, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, [
        LEGACY_POWERED,
    ]),
    "HPE/Alletra-6070.yaml": ("storage", 4, (9, 0, 0, 1, 0, 0, 0, 0, 4), 0, 54.0, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "HPE/Apollo-R2800-chassis.yaml": ("server", 2, (0, 0, 0, 0, 0, 0, 0, 4, 3), 0, 25.0, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "HPE/Aruba-10000-48Y6C-Front-To-Back.yaml": ("switch", 1, (55, 2, 0, 3, 0, 0, 0, 0, 0), 1500, None, [
        'derived-draw: no allocated_draw: draw bounded at 750 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Juniper/EX4100-48T.yaml": ("switch", 1, (57, 0, 0, 2, 0, 0, 0, 0, 4), 0, 4.5, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Juniper/QFX5120-48Y.yaml": ("switch", 1, (57, 2, 0, 1, 0, 0, 0, 0, 0), 1300, None, [
        NO_DEPTH,
        'derived-draw: no allocated_draw: draw bounded at 650 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Lenovo/Modular-Enclosure-ThinkSystem-Type-7X22.yaml": ("server", 2, (2, 0, 0, 0, 0, 0, 0, 4, 0), 0, None, [
        EXPORT_DUMP,
        'no-power-inlet: powered, with no power port: unknown unless a draw is given',
        'empty-value: null or empty values read as not set: part_number, weight, weight_unit (+17 more)',
    ]),
    "Lenovo/ThinkSystem-DG5200.yaml": ("server", 2, (2, 2, 0, 2, 0, 0, 0, 0, 8), 0, 25.3, [
        NO_DRAW,
    ]),
    "Lenovo/ThinkSystem-SD650-N-V2.yaml": ("server", 1, (2, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, [
        EXPORT_DUMP,
        'no-power-inlet: powered, with no power port: unknown unless a draw is given',
        'empty-value: null or empty values read as not set: part_number, airflow, weight (+12 more)',
    ]),
    "Lenovo/ThinkSystem-SR630-v3.yaml": ("server", 1, (1, 2, 0, 0, 0, 0, 0, 0, 6), 0, 20.8, [
        'schema: power port with a position and no type read as a module bay at power-ports[2] (+5 more)',
        NO_DRAW,
    ]),
    "Lenovo/ThinkSystem-SR650-v3.yaml": ("server", 2, (1, 0, 0, 0, 0, 0, 0, 0, 11), 0, 38.8, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Lenovo/ThinkSystem-SR665-v3.yaml": ("server", 2, (1, 0, 0, 0, 0, 0, 0, 0, 15), 0, 38.8, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Lenovo/ThinkSystem-SR675-v3.yaml": ("server", 3, (1, 0, 0, 0, 0, 0, 0, 0, 19), 0, 39.0, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Lenovo/ThinkSystem-SR680a-v3.yaml": ("server", 8, (1, 0, 0, 0, 0, 0, 0, 0, 18), 0, 102.9, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Lenovo/ThinkSystem-SR685a-v3.yaml": ("server", 8, (1, 8, 0, 0, 0, 0, 0, 0, 0), 20800, 109.4, [
        "unknown-key: unknown key 'module-slots' ignored",
        'derived-draw: no allocated_draw: draw bounded at 10400 W, 4 of 8 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Mellanox/QM8790.yaml": ("switch", 1, (40, 0, 0, 0, 0, 0, 0, 0, 2), 0, 11.4, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Mellanox/SB7800.yml": ("switch", 1, (37, 2, 0, 1, 0, 0, 0, 0, 0), 920, None, [
        'derived-draw: no allocated_draw: draw bounded at 460 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Mellanox/SN2201.yml": ("switch", 1, (53, 2, 0, 2, 0, 0, 0, 0, 6), 600, 7.4, [
        'derived-draw: no allocated_draw: draw bounded at 300 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Mellanox/SN2700.yml": ("switch", 1, (34, 2, 0, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DRAW,
        'empty-value: null or empty values read as not set: part_number, subdevice_role, comments (+4 more)',
    ]),
    "Mellanox/SN3700.yml": ("switch", 1, (33, 2, 0, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DRAW,
    ]),
    "Mellanox/SN4600C.yml": ("switch", 1, (65, 2, 0, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DRAW,
    ]),
    "Mellanox/SN4700.yml": ("switch", 1, (33, 2, 0, 1, 0, 0, 0, 0, 0), 0, None, [
        NO_DRAW,
    ]),
    "Mellanox/qm8700.yml": ("switch", 1, (41, 2, 0, 1, 0, 0, 0, 0, 0), 2200, None, [
        'derived-draw: no allocated_draw: draw bounded at 1100 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "NetApp/AFF-A90-Chassis.yaml": ("storage", 4, (0, 0, 0, 0, 0, 0, 0, 2, 0), 0, 53.5, [
        NOT_POWERED,
    ]),
    "NetApp/AFF-A90-Controller.yaml": ("storage", 0, (10, 0, 0, 1, 0, 0, 0, 0, 2), 0, None, [
        ZERO_U,
    ]),
    "NetApp/DS224C.yaml": ("storage", 2, (0, 0, 0, 0, 0, 0, 0, 2, 2), 0, 24.4, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "NetApp/DS460C.yaml": ("storage", 4, (0, 0, 0, 0, 0, 0, 0, 0, 4), 0, None, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Nvidia/DGC-A100.yaml": ("server", 6, (37, 2, 0, 7, 0, 0, 0, 0, 0), 2142, None, [
        "unknown-type: unknown console port type '1000base-t' at console-ports[3].type",
        "duplicate-name: duplicate console port name 'Rear VGA', later one dropped at console-ports[5]",
    ]),
    "Opengear/CM8148.yaml": ("other", 1, (2, 2, 0, 3, 48, 0, 0, 0, 0), 100, None, []),
    "Opengear/OM2224-24E-10G.yaml": ("other", 1, (27, 2, 0, 2, 34, 0, 0, 0, 0), 0, 3.5, []),
    "Opengear/OM2248-L.yaml": ("other", 1, (3, 2, 0, 2, 58, 0, 0, 0, 0), 0, None, []),
    "Panduit/CMPH1C.yaml": ("cable-manager", 1, (0, 0, 0, 0, 0, 0, 0, 0, 0), 0, None, []),
    "Panduit/FRME1U.yaml": ("patch-panel", 1, (0, 0, 0, 0, 0, 0, 0, 0, 3), 0, None, []),
    "Pure Storage/FA-X90R3-Chassis.yaml": ("storage", 3, (0, 2, 0, 2, 0, 0, 0, 2, 0), 0, None, [
        NO_DRAW,
    ]),
    "Pure Storage/FA-X90R3-Controller.yaml": ("storage", 0, (18, 0, 0, 2, 0, 0, 0, 0, 0), 0, None, [
        ZERO_U,
    ]),
    "Raritan/DSX2-16.yaml": ("other", 1, (2, 2, 0, 16, 6, 0, 0, 0, 0), 44, None, [
        'derived-draw: no allocated_draw: draw bounded at 22 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
        'empty-value: null or empty values read as not set: comments, power-ports[0].allocated_draw, power-ports[1].allocated_draw',
    ]),
    "Raritan/PX3-5496JV.yaml": ("pdu", 0, (2, 1, 24, 1, 0, 0, 0, 0, 0), 0, 13.0, [
        ZERO_U,
    ]),
    "Raritan/PX3-5724V.yaml": ("pdu", 0, (2, 1, 36, 1, 0, 0, 0, 0, 0), 0, None, [
        ZERO_U,
    ]),
    "Raritan/PX3-5870V.yaml": ("pdu", 0, (2, 1, 30, 1, 0, 0, 0, 0, 0), 0, None, [
        'coerced: number read as text at power-outlets[1].name (+28 more)',
        ZERO_U,
    ]),
    "Raritan/PX4-5884J-E7.yaml": ("pdu", 0, (2, 1, 24, 3, 0, 0, 0, 0, 0), 0, 5.4, [
        ZERO_U,
    ]),
    "Supermicro/ARS-121GL-NB3-LCC-R1.yaml": ("server", 1, (9, 0, 0, 0, 0, 0, 0, 0, 0), 0, 32.0, [
        NOT_POWERED,
    ]),
    "Supermicro/AS-1125HS-TNR.yml": ("server", 1, (1, 2, 0, 0, 0, 0, 0, 0, 15), 2400, 23.1, [
        'derived-draw: no allocated_draw: draw bounded at 1200 W, 1 of 2 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Supermicro/AS-4125GS-TNRT.yml": ("server", 4, (3, 4, 0, 1, 0, 0, 0, 0, 36), 0, 29.7, [
        NO_DRAW,
    ]),
    "Supermicro/AS-4126GS-NMR-LCC.yml": ("server", 4, (2, 4, 0, 0, 0, 0, 0, 0, 47), 26400, 53.0, [
        'derived-draw: no allocated_draw: draw bounded at 13200 W, 2 of 4 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Supermicro/AS-8125GS-TNMR2.yml": ("server", 8, (14, 6, 0, 0, 0, 0, 0, 0, 60), 18000, 75.3, [
        'derived-draw: no allocated_draw: draw bounded at 9000 W, 3 of 6 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Supermicro/LCS-SCDU-250L4001.yml": ("cdu", 4, (1, 0, 0, 0, 0, 0, 0, 0, 0), 0, 100.0, [
        NO_DEPTH,
        'no-power-inlet: powered, with no power port: unknown unless a draw is given',
    ]),
    "Supermicro/SSE-G3648B.yaml": ("switch", 1, (53, 0, 0, 0, 0, 0, 0, 0, 2), 0, 8.2, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Supermicro/SSG-640P-E1CR36L.yaml": ("storage", 4, (5, 0, 0, 1, 0, 0, 0, 0, 8), 0, 48.0, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Supermicro/SYS-2029TP-HTR-NODE.yaml": ("server", 0, (1, 0, 0, 0, 0, 0, 0, 0, 24), 0, None, [
        ZERO_U,
    ]),
    "Supermicro/SYS-2029TP-HTR.yaml": ("server", 2, (0, 0, 0, 0, 0, 0, 0, 4, 14), 0, 32.7, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Supermicro/SYS-220BT-HNTR-NODE.yaml": ("server", 0, (1, 0, 0, 0, 0, 0, 0, 0, 30), 0, None, [
        ZERO_U,
    ]),
    "Supermicro/SYS-220BT-HNTR.yaml": ("server", 2, (0, 0, 0, 0, 0, 0, 0, 4, 26), 0, 30.0, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Supermicro/SYS-221H-TNR.yaml": ("server", 2, (1, 0, 0, 0, 0, 0, 0, 0, 8), 0, 18.2, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Supermicro/SYS-4029GP-TRT.yaml": ("server", 4, (3, 4, 0, 0, 0, 0, 0, 0, 0), 8000, 45.3, [
        'derived-draw: no allocated_draw: draw bounded at 4000 W, 2 of 4 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Supermicro/SYS-421GE-TNRT.yaml": ("server", 4, (3, 0, 0, 1, 0, 0, 0, 0, 18), 0, 29.7, [
        'no-power-inlet: powered, with no power port: unknown until PSU modules are installed in its module bays or a draw is given',
    ]),
    "Vertiv/ACS8048SAC.yaml": ("other", 1, (2, 1, 0, 1, 48, 0, 0, 0, 0), 35, None, [
        'derived-draw: no allocated_draw: draw bounded at 35 W, 1 of 1 PSUs × their maximum_draw (engineering.md 2.6)',
    ]),
    "Vertiv/GXT5-3000IRT2UXL.yaml": ("ups", 2, (1, 2, 7, 3, 0, 0, 0, 0, 0), 0, 28.5, []),
    "Vertiv/MG01D4W1-36PT63-3PS6B2A10-S.yaml": ("pdu", 0, (0, 1, 24, 0, 0, 0, 0, 0, 1), 7360, 7.3, [
        ZERO_U,
    ]),
    "Vertiv/VP7N32A0.yaml": ("pdu", 2, (0, 1, 24, 0, 0, 0, 0, 0, 1), 4900, 8.2, [
        "unknown-type: unknown power outlet type 'eaton-c39' at power-outlets[0].type (+23 more)",
    ]),
}

MODULES = {  # path: (interfaces, power ports, total maximum_draw W)
    "Arista/DCS-7800R3A-36D-LC.yaml": (36, 0, 0),
    "Arista/PWR-1900-AC-F.yaml": (0, 1, 1900),
    "Arista/PWR-500AC-F.yaml": (0, 1, 500),
    "Dell/D750E-S6.yaml": (0, 1, 750),
    "Dell/H700E-S1.yaml": (0, 1, 700),
}


@pytest.fixture
def library_files() -> None:
    """The NetBox fixture set (tests/data): a test that reads it fails in CI when it is missing."""
    require_data(DEVICE_TYPES)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_schema(require_data(NETBOX_DATA / "schema" / "generated_schema.json"))


def _library_files() -> list[str]:
    return sorted(str(p.relative_to(DEVICE_TYPES)) for p in DEVICE_TYPES.glob("*/*.y*ml"))


@needs_library
def test_the_table_covers_every_file():
    assert _library_files() == sorted(EXPECTED)
    assert len(EXPECTED) == 97


@needs_library
@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_every_library_file_loads_as_expected(rel, vocabulary):
    category, u_height, counts, draw, weight, flags = EXPECTED[rel]
    result = load_device_type(DEVICE_TYPES / rel, vocabulary)
    assert result.error is None, str(result.error)
    part = result.part
    assert part.category == Category(category)
    assert part.u_height == u_height
    assert (len(part.interfaces), len(part.power_ports), len(part.power_outlets), len(part.console_ports),
            len(part.console_server_ports), len(part.front_ports), len(part.rear_ports),
            len(part.device_bays), len(part.module_bays)) == counts
    assert sum(p.maximum_draw or 0 for p in part.power_ports) == draw
    assert (None if part.weight_kg is None else round(part.weight_kg, 1)) == weight
    assert [str(f) for f in result.flags] == flags


@needs_library
def test_outcome_summary(vocabulary):
    """97 of 97 real files load, 74 of them with flags (a derived or unknown draw is flagged); none is
    refused."""
    results = [load_device_type(DEVICE_TYPES / rel, vocabulary) for rel in _library_files()]
    assert sum(r.ok for r in results) == 97
    assert sum(bool(r.flags) for r in results) == sum(bool(row[5]) for row in EXPECTED.values()) == 74


@needs_library
@pytest.mark.parametrize("rel", sorted(MODULES))
def test_module_types(rel, vocabulary):
    result = load_module_type(NETBOX_DATA / "module-types" / rel, vocabulary)
    assert result.ok and result.flags == ()
    module = result.part
    interfaces, ports, draw = MODULES[rel]
    assert (len(module.interfaces), len(module.power_ports)) == (interfaces, ports)
    assert sum(p.maximum_draw or 0 for p in module.power_ports) == draw
    assert module.name == f"{Path(rel).parent} {Path(rel).stem}" and module.is_psu == (ports == 1)


@needs_library
def test_without_a_schema_unknown_choice_values_go_unchecked():
    result = load_device_type(DEVICE_TYPES / "Vertiv/VP7N32A0.yaml")
    assert result.ok and result.flags == ()
    assert result.part.power_outlets[0].type == "eaton-c39"  # NetBox values kept as they are


# --- export ----------------------------------------------------------------------------------------
STRUCTURAL = {"duplicate-key", "unknown-key", "empty-value", "missing-field", "coerced", "schema",
              "not-kept", "duplicate-name"}


@needs_library
@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_export_round_trips(rel, vocabulary):
    part = load_device_type(DEVICE_TYPES / rel, vocabulary).part
    text = dump_device_type(part)
    again = parse_device_type(text, "export", vocabulary)
    assert again.ok, str(again.error)
    assert again.part.model_dump(exclude={"origin"}) == part.model_dump(exclude={"origin"})
    # the export is clean NetBox: no quirk of the source survives it (a module bay given no position
    # keeps none: NetBox allows it, and the export makes none up)
    assert not {f.key for f in again.flags if "without a position" not in f.message} & STRUCTURAL
    data = yaml.safe_load(text)
    assert "rackstudio" not in data and "origin" not in data
    assert list(data) == [k for k in DEVICE_TYPE_KEYS if k in data]


def test_export_strips_rackstudio_keeps_netbox_order():
    text = (
        "manufacturer: Acme\nmodel: X1\nslug: acme-x1\nu_height: 2\nis_full_depth: false\n"
        "comments: a server\nweight: 12.5\nweight_unit: kg\n"
        "interfaces:\n  - name: eth0\n    type: 1000base-t\n    mgmt_only: false\n"
        "power-ports:\n  - name: PSU1\n    type: iec-60320-c14\n    maximum_draw: 500.0\n"
        "rackstudio:\n  category: server\n  power: {max_w: 500}\n"
    )
    part = parse_device_type(text, origin="user").part
    assert part.rackstudio.power.max_w == 500 and part.origin == "user"
    out = dump_device_type(part)
    assert out == (
        "---\nmanufacturer: Acme\nmodel: X1\nslug: acme-x1\nu_height: 2\nis_full_depth: false\n"
        "weight: 12.5\nweight_unit: kg\npower-ports:\n  - name: PSU1\n    type: iec-60320-c14\n"
        "    maximum_draw: 500\ninterfaces:\n  - name: eth0\n    type: 1000base-t\ncomments: a server\n"
    )


# --- hostile and malformed input ----------------------------------------------------------------
GOOD = "manufacturer: Acme\nmodel: X1\nslug: acme-x1\nu_height: 1\nis_full_depth: true\n"


def test_bad_syntax_names_line_and_column():
    result = parse_device_type(GOOD + "interfaces: [eth0\n", "bad.yaml")
    assert not result.ok and result.part is None
    assert result.error.path == "bad.yaml"
    assert result.error.line == 7 and result.error.column == 1
    assert result.error.reason.startswith("YAML syntax:")
    assert "line 7, column 1" in str(result.error)


def test_python_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    text = GOOD + f"comments: !!python/object/apply:os.system ['touch {marker}']\n"
    result = parse_device_type(text)
    assert not result.ok
    assert result.error.reason.startswith("YAML tag !!python/object/apply:os.system is not allowed")
    assert (result.error.line, result.error.column) == (6, 11)
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!binary aGk=", "!custom x", "!!set {a}"])
def test_only_core_tags(tag):
    assert "is not allowed" in parse_device_type(GOOD + f"comments: {tag}\n").error.reason


def test_billion_laughs_is_refused_fast():
    bomb = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""  # 342 bytes, 9^9 = 387 million "lol"s once expanded
    assert len(bomb.encode()) == 342
    start = time.perf_counter()
    result = parse_device_type(bomb)
    assert time.perf_counter() - start < 0.05
    assert result.error.reason == "YAML anchors (&a) are not allowed"


def test_a_lone_alias_is_refused():
    text = GOOD.replace("model: X1", "model: &m X1") + "description: *m\n"
    assert "not allowed" in parse_device_type(text).error.reason


def test_deep_nesting_and_size_are_capped(tmp_path):
    assert "nested deeper" in parse_device_type("a: " + "[" * 200 + "]" * 200).error.reason
    big = tmp_path / "big.yaml"
    big.write_bytes(GOOD.encode() + b"#" * MAX_FILE_BYTES)
    assert load_device_type(big).error.reason.startswith("larger than 2 MiB")


@pytest.mark.parametrize(("text", "where", "reason"), [
    (GOOD.replace("u_height: 1", 'u_height: "tall"'), "u_height", "expected a number, found text 'tall'"),
    (GOOD.replace("u_height: 1", "u_height: 1.3"), "u_height", "must be a multiple of 0.5 (found 1.3)"),
    (GOOD.replace("u_height: 1", "u_height: -1"), "u_height", "must not be negative (found -1)"),
    (GOOD.replace("u_height: 1\n", "u_height:\n"), "u_height", "required, but empty"),
    (GOOD.replace("manufacturer: Acme\n", ""), "manufacturer", "required, but missing"),
    (GOOD.replace("model: X1", "model: ''"), "model", "required, but empty"),
    (GOOD.replace("is_full_depth: true", "is_full_depth: 'yes'"), "is_full_depth",
     "expected true or false, found text 'yes'"),
    (GOOD + "power-ports:\n  - name: PSU1\n    type: iec-60320-c14\n  - name: PSU2\n"
            "    maximum_draw: lots\n", "power-ports[1].maximum_draw", "expected a number, found text 'lots'"),
    (GOOD + "interfaces: eth0\n", "interfaces", "expected a list, found text"),
    (GOOD + "interfaces:\n  - type: 1000base-t\n", "interfaces[0].name", "required, but missing"),
    (GOOD + "rackstudio:\n  category: toaster\n", "rackstudio.category",
     "Input should be 'server', 'switch', 'pdu', 'power-shelf', 'ups', 'cdu', 'manifold', 'cooler', "
     "'patch-panel', 'cable-manager', 'blank', 'storage' or 'other'"),
])
def test_wrong_types_are_refused_with_the_key_path(text, where, reason):
    result = parse_device_type(text, "part.yaml")
    assert result.part is None
    assert (result.error.where, result.error.reason) == (where, reason)


def test_a_file_without_u_height_is_one_unit_as_in_netbox():
    """Early-2024 library files omit u_height (the schema did not require it then); NetBox makes
    such a device type 1U, so it loads as 1U with a flag rather than being refused."""
    result = parse_device_type(GOOD.replace("u_height: 1\n", ""), "part.yaml")
    assert result.ok and result.part.u_height == 1
    flags = [(f.key, f.message) for f in result.flags]
    assert ("missing-field", "no u_height; assumed 1 (NetBox's default)") in flags


def test_refusal_points_at_the_line():
    text = GOOD + "power-ports:\n  - name: PSU1\n    maximum_draw: lots\n"
    error = parse_device_type(text, "p.yaml").error
    assert str(error) == "p.yaml at power-ports[0].maximum_draw, line 8, column 19: " \
                         "expected a number, found text 'lots'"


def test_top_level_must_be_a_mapping():
    assert parse_device_type("- a\n- b\n").error.reason == "expected a mapping of NetBox fields, found a list"
    assert parse_device_type("").error.reason == "the file is empty"


def test_quirks_load_with_flags(vocabulary):
    text = (
        "manufacturer: Acme\nmodel: Y 2\nu_height: 1\nweight: 3\nsubdevice_role: child\n"
        "subdevice_role: parent\nfront_image: true\ncolour: red\n"
        "interfaces:\n  - name: e1\n    type: 1000base-tx\n  - name: e1\n    type: 1000base-t\n"
        "  - name: 7\n    type: 400gbase-x-osfp\n    bridge: br0\n"
        "power-ports:\n  - name: PSU\n    type: iec-60320-c14\n    maximum_draw: 100\n    allocated_draw: 150\n"
        "inventory-items:\n  - name: cpu\n"
    )
    result = parse_device_type(text, vocabulary=vocabulary)
    assert result.ok
    assert [str(f) for f in result.flags] == [
        "duplicate-key: duplicate key 'subdevice_role' at line 6; the last value is kept",
        "unknown-key: unknown key 'colour' ignored",
        "missing-field: no slug; derived 'acme-y-2'",
        "missing-field: no is_full_depth; assumed true (NetBox's default)",
        "schema: weight 3 has no weight_unit; not kept",
        "unknown-type: unknown interface type '1000base-tx' at interfaces[0].type",
        "duplicate-name: duplicate interface name 'e1', later one dropped at interfaces[1]",
        "coerced: number read as text at interfaces[2].name",
        "not-kept: bridge not kept at interfaces[2].bridge",
        "not-kept: 1 inventory items not kept",
        "allocated-above-maximum: power port 'PSU': allocated_draw 150 W is above maximum_draw 100 W",
    ]
    part = result.part
    assert part.slug == "acme-y-2" and part.subdevice_role == "parent" and part.weight is None
    assert [i.name for i in part.interfaces] == ["e1", "7"]


def test_unknown_airflow_outside_the_model_is_dropped():
    result = parse_device_type(GOOD + "airflow: sideways\n")
    assert result.part.airflow is None
    assert [f.message for f in result.flags] == ["unknown airflow 'sideways', not kept at airflow"]


def test_busbar_tray_without_inlets_is_not_flagged_for_draw():
    text = GOOD + "rackstudio:\n  category: server\n  power: {max_w: 5400, source: busbar}\n"
    assert parse_device_type(text).flags == ()
    bare = GOOD + "rackstudio:\n  category: server\n  power: {source: busbar}\n"
    assert [f.key for f in parse_device_type(bare).flags] == ["no-power-draw"]


# --- module and rack types ------------------------------------------------------------------------
def test_module_type_needs_manufacturer_and_model():
    assert parse_module_type("model: PSU\n").error.where == "manufacturer"
    result = parse_module_type("manufacturer: A\nmodel: PSU\npower-ports:\n  - name: '{module}'\n"
                               "    type: iec-60320-c14\n    maximum_draw: 500\n")
    assert result.ok and result.part.power_ports[0].maximum_draw == 500


RACK = ("manufacturer: Acme\nmodel: R48\nslug: acme-r48\nform_factor: 4-post-cabinet\nwidth: 19\n"
        "u_height: 48\nstarting_unit: 1\nouter_width: 24\nouter_depth: 48\nouter_unit: in\n"
        "mounting_depth: 1000\nweight: 400\nmax_weight: 3000\nweight_unit: lb\n")


def test_rack_type_maps_netbox_fields_to_mm_and_kg():
    result = parse_rack_type(RACK)
    assert result.ok and result.flags == ()
    rack = result.part
    assert (rack.u_height, rack.width_class, rack.unit_system) == (48, "19in", "eia")
    assert (rack.outer_width_mm, rack.outer_depth_mm, rack.mounting_depth_mm) == (609.6, 1219.2, 1000)
    assert round(rack.max_weight_kg, 1) == 1360.8 and round(rack.weight_kg, 1) == 181.4


def test_rack_type_refusals_and_extension():
    assert parse_rack_type(RACK.replace("width: 19", "width: 23")).error.reason == \
        "23-inch racks are not supported (19 or 21 inch)"
    assert parse_rack_type(RACK + "rackstudio:\n  colour: red\n").error.where == "rackstudio.colour"
    ou = parse_rack_type(RACK.replace("width: 19", "width: 21") + "rackstudio:\n  busbar: "
                         "{voltage_v: 50, rating_a: 360}\n").part
    assert (ou.unit_system, ou.width_class, ou.busbar.rating_a) == ("ou", "21in", 360)
    loose = parse_rack_type("manufacturer: A\nmodel: B\nslug: a-b\nu_height: 42\n")
    assert [f.message for f in loose.flags] == ["no form_factor", "no width; assumed 19 inch",
                                                "no starting_unit; assumed 1"]


def test_load_functions_report_unreadable_files(tmp_path):
    missing = tmp_path / "gone.yaml"
    for load in (load_device_type, load_module_type, load_rack_type):
        result = load(missing)
        assert result.part is None and result.error.reason.startswith("cannot read")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"manufacturer: Caf\xe9\n")
    assert load_device_type(latin).error.reason == "not UTF-8 text (byte 17)"


# --- never a traceback ----------------------------------------------------------------------------
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                     st.text(max_size=12))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "type", "maximum_draw",
                                                                  "position", "x"]), inner, max_size=3)),
    max_leaves=8)
_KEYS = st.sampled_from(["manufacturer", "model", "slug", "u_height", "is_full_depth", "airflow", "weight",
                         "weight_unit", "subdevice_role", "is_powered", "interfaces", "power-ports",
                         "power-outlets", "front-ports", "module-bays", "device-bays", "rackstudio", "junk"])


@given(st.text(max_size=200))
def test_any_text_gives_a_result_not_an_exception(text):
    result = parse_device_type(text)
    assert (result.part is None) == (result.error is not None)


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_any_field_values_give_a_result_and_loaded_parts_export(changes):
    data = {**yaml.safe_load(GOOD), **changes}
    result = parse_device_type(yaml.safe_dump(data))
    assert (result.part is None) == (result.error is not None)
    if result.ok:
        again = parse_device_type(dump_device_type(result.part))
        assert again.ok and again.part.model_dump(exclude={"rackstudio"}) == \
            result.part.model_dump(exclude={"rackstudio"})


@needs_library
def test_category_from_fields_before_comments(vocabulary):
    """The DGX A100 file lists 36 switch-like interfaces and its comments mention storage ("Internal
    Storage: 30TB", "connection to storage"); its model names a DGX: a server. A JBOD with drive
    slots as module bays and no interfaces is storage by its fields alone (its comments only link a
    datasheet)."""
    dgx = load_device_type(DEVICE_TYPES / "Nvidia/DGC-A100.yaml", vocabulary).part
    assert "storage" in dgx.comments.lower() and len(dgx.interfaces) == 37
    assert dgx.category == Category.SERVER
    assert load_device_type(DEVICE_TYPES / "Dell/EMC-MD1420.yml", vocabulary).part.category == Category.STORAGE
