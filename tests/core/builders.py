"""Small hand-made parts and designs for core tests (figures from docs/engineering.md)."""
from __future__ import annotations

from rackstudio.commands import add_row_of_racks
from rackstudio.document import Document
from rackstudio.model import Design, Feed, Hall, Panel, PartType, RackType, Ups


def rack_type(**kw) -> RackType:
    base = {"model": "Generic 48U", "slug": "generic-48u", "u_height": 48, "outer_width_mm": 600,
            "outer_depth_mm": 1200, "mounting_depth_mm": 1000, "max_weight_kg": 1360, "weight_kg": 150}
    base.update(kw)
    return RackType.model_validate(base)


def server(**kw) -> PartType:
    """DGX B200-class: 10U, 14.3 kW max, 6 × 3.3 kW PSUs 5+1 [NV-B200UG]."""
    base = {
        "manufacturer": "NVIDIA", "model": "DGX B200", "slug": "nvidia-dgx-b200", "u_height": 10,
        "is_full_depth": True, "airflow": "front-to-rear", "weight": 142.4, "weight_unit": "kg",
        "power-ports": [{"name": f"PSU{i}", "type": "iec-60320-c20", "maximum_draw": 3300} for i in range(1, 7)],
        "interfaces": [{"name": f"nic{i}", "type": "400gbase-x-osfp"} for i in range(1, 9)]
        + [{"name": "bmc", "type": "1000base-t", "mgmt_only": True}],
        "rackstudio": {"category": "server", "depth_mm": 897.1,
                       "power": {"max_w": 14300, "allocated_w": 14300, "psu_count": 6, "psu_rating_w": 3300,
                                 "psu_redundancy": "5+1"},
                       "cooling": {"method": "air", "airflow_cfm": 1550}},
    }
    base.update(kw)
    return PartType.model_validate(base)


def switch(**kw) -> PartType:
    base = {
        "manufacturer": "NVIDIA", "model": "QM9700", "slug": "nvidia-qm9700", "u_height": 1,
        "is_full_depth": False, "airflow": "front-to-rear", "weight": 14.8, "weight_unit": "kg",
        "power-ports": [{"name": "PS1", "type": "iec-60320-c14", "maximum_draw": 1720},
                        {"name": "PS2", "type": "iec-60320-c14", "maximum_draw": 1720}],
        "interfaces": [{"name": f"p{i}", "type": "400gbase-x-osfp"} for i in range(1, 65)],
        "rackstudio": {"category": "switch", "depth_mm": 660,
                       "power": {"max_w": 1720, "allocated_w": 747, "psu_count": 2, "psu_redundancy": "1+1"}},
    }
    base.update(kw)
    return PartType.model_validate(base)


def pdu(**kw) -> PartType:
    outlets = [{"name": f"O{i}", "type": "iec-60320-c19", "power_port": "Inlet", "feed_leg": "ABC"[i % 3]}
               for i in range(12)]
    base = {
        "manufacturer": "Generic", "model": "PDU 415V 32A", "slug": "generic-pdu-415-32", "u_height": 0,
        "is_full_depth": False, "power-ports": [{"name": "Inlet", "type": "iec-60309-3p-n-e-6h"}],
        "power-outlets": outlets,
        "rackstudio": {"category": "pdu", "power": {"max_w": 0},
                       "pdu": {"inlet_voltage_v": 415, "inlet_amperage_a": 32,
                               "banks": [{"name": f"B{b}", "breaker_a": 16,
                                          "outlets": [f"O{i}" for i in range(b * 4, b * 4 + 4)]} for b in range(3)]}},
    }
    base.update(kw)
    return PartType.model_validate(base)


def blank(**kw) -> PartType:
    base = {"manufacturer": "Generic", "model": "Blank 1U", "slug": "generic-blank-1u", "u_height": 1,
            "is_full_depth": False, "rackstudio": {"category": "blank"}}
    base.update(kw)
    return PartType.model_validate(base)


def half_width(**kw) -> PartType:
    base = {"manufacturer": "Generic", "model": "Half 1U", "slug": "generic-half-1u", "u_height": 1,
            "is_full_depth": True, "rackstudio": {"category": "server", "half_width": True}}
    base.update(kw)
    return PartType.model_validate(base)


def chassis() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Generic", "model": "Chassis 2U", "slug": "generic-chassis-2u", "u_height": 2,
        "subdevice_role": "parent", "device-bays": [{"name": f"Bay{i}"} for i in range(1, 5)],
        "rackstudio": {"category": "server"}})


def node() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Generic", "model": "Node", "slug": "generic-node", "u_height": 0,
        "subdevice_role": "child", "interfaces": [{"name": "eth0", "type": "25gbase-x-sfp28"}],
        "rackstudio": {"category": "server", "power": {"max_w": 500, "source": "none"}}})


def cdu() -> PartType:
    return PartType.model_validate({
        "manufacturer": "Generic", "model": "In-row CDU", "slug": "generic-cdu", "u_height": 0,
        "rackstudio": {"category": "cdu", "footprint_mm": [600, 1200],
                       "cdu": {"capacity_kw": 1000, "flow_lpm": 1500},
                       "cooling": {"coolant_ports": [{"name": f"L{i}"} for i in range(1, 9)]}}})


def empty_design(width_mm: float = 20000, depth_mm: float = 12000) -> Design:
    d = Design(name="test")
    d.put("halls", Hall(id="hall-1", name="Hall 1", width_mm=width_mm, depth_mm=depth_mm,
                        floor_rating_kg_m2=1500))
    d.put("upses", Ups(id="ups-a", name="UPS A", capacity_kw=1000, side="A"))
    d.put("upses", Ups(id="ups-b", name="UPS B", capacity_kw=1000, side="B"))
    d.put("panels", Panel(id="pnl-a", name="Panel A", ups="ups-a", side="A"))
    d.put("panels", Panel(id="pnl-b", name="Panel B", ups="ups-b", side="B"))
    d.put("feeds", Feed(id="feed-a", name="Feed A", panel="pnl-a", side="A", voltage_v=415, amperage_a=32))
    d.put("feeds", Feed(id="feed-b", name="Feed B", panel="pnl-b", side="B", voltage_v=415, amperage_a=32))
    return d


def row_document(count: int = 2) -> Document:
    """`empty_design` in a Document with row A of `count` south-facing racks A01, A02, ... from
    (1200, 1200)."""
    document = Document(empty_design())
    document.execute(add_row_of_racks(document.design, rack_type(), "hall-1", "A", count, 1200, 1200, "S"))
    return document


def rack_named(design: Design, name: str) -> str:
    return next(r.id for r in design.racks.values() if r.name == name)
