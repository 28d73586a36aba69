"""Hand-made designs and parts for the check tests (figures from docs/engineering.md).

`Bench` wraps a Document with short helpers (place, power, cable, coolant) so each test builds
only what its rule reads; `findings(design, rule)` runs a fresh engine over the design.
"""
from __future__ import annotations

from rackstudio.checks import CheckEngine, Finding
from rackstudio.commands import AddRack, AddRecord, Connect, PlaceDevice, SetProperty, SetSetting
from rackstudio.document import Document
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import Design, Feed, PartType, PortRef, RackType, Row
from tests.core import builders


def findings(design: Design, rule_id: str | None = None) -> list[Finding]:
    found = CheckEngine(design, ComponentGraph(design)).run_full()
    return [f for f in found if rule_id is None or f.rule == rule_id]


def load(watts: float, ports: int = 1, slug: str | None = None, **ext) -> PartType:
    """A 1U consumer drawing `watts` (allocated = max) through `ports` inlets."""
    power = {"max_w": watts, "allocated_w": watts, **ext.pop("power", {})}
    return PartType.model_validate({
        "manufacturer": "Test", "model": f"Load {watts:g} W", "slug": slug or f"load-{watts:g}w-{ports}p".replace(".", "-"),
        "u_height": ext.pop("u_height", 1), "is_full_depth": True, "weight": ext.pop("weight", 10.0), "weight_unit": "kg",
        "airflow": ext.pop("airflow", "front-to-rear"),
        "power-ports": [{"name": f"PSU{i}", "type": "iec-60320-c20"} for i in range(1, ports + 1)],
        "interfaces": ext.pop("interfaces", []),
        "rackstudio": {"category": "server", "power": power, **ext},
    })


def pdu(volts: float = 415, amps: float = 32, phase: str = "three-phase", slug: str = "test-pdu", **spec) -> PartType:
    """A 0U PDU with 12 outlets O0..O11 on legs A, B, C in turn and three 4-outlet banks."""
    banks = spec.pop("banks", [{"name": f"B{b}", "breaker_a": spec.pop("bank_a", 16),
                                "outlets": [f"O{i}" for i in range(b * 4, b * 4 + 4)]} for b in range(3)])
    return builders.pdu(slug=slug, model=f"PDU {volts:g}V {amps:g}A",
                        rackstudio={"category": "pdu", "power": {"max_w": 0},
                                    "pdu": {"inlet_voltage_v": volts, "inlet_amperage_a": amps, "inlet_phase": phase,
                                            "banks": banks, **spec}})


def shelf(psus: int = 6, rating_w: float = 5500, policy: str = "5+1") -> PartType:
    return PartType.model_validate({
        "manufacturer": "Test", "model": "Power shelf", "slug": "test-shelf", "u_height": 1, "weight": 20,
        "weight_unit": "kg", "power-ports": [{"name": "AC1", "type": "iec-60309-3p-n-e-6h"}],
        "rackstudio": {"category": "power-shelf", "power": {"source": "ac"},
                       "shelf": {"psu_count": psus, "psu_rating_w": rating_w, "redundancy": policy, "output_v": 50,
                                 "input_range_v": [200, 277]}}})


def tray(watts: float = 6600, liquid: float = 0.85, slug: str = "test-tray", **cooling) -> PartType:
    """A busbar-fed 1U compute tray with a coolant port (GB300-class: ~6.6 kW [EPIUM-MS])."""
    return PartType.model_validate({
        "manufacturer": "Test", "model": "Compute tray", "slug": slug, "u_height": 1, "weight": 32,
        "weight_unit": "kg", "airflow": "front-to-rear",
        "rackstudio": {"category": "server", "power": {"max_w": watts, "allocated_w": watts, "source": "busbar"},
                       "cooling": {"method": "hybrid", "liquid_fraction": liquid,
                                   "coolant_ports": [{"name": "Q1"}], **cooling}}})


def manifold(ports: int = 24) -> PartType:
    return PartType.model_validate({
        "manufacturer": "Test", "model": "Manifold", "slug": "test-manifold", "u_height": 0,
        "rackstudio": {"category": "manifold", "cooling": {"coolant_ports": [{"name": f"M{i}"} for i in range(ports + 1)]}}})


def cdu(capacity_kw: float = 1000, flow_lpm: float = 1500, slug: str = "test-cdu", **spec) -> PartType:
    return PartType.model_validate({
        "manufacturer": "Test", "model": f"CDU {capacity_kw:g} kW", "slug": slug, "u_height": 0,
        "rackstudio": {"category": "cdu", "footprint_mm": [600, 1200],
                       "cdu": {"capacity_kw": capacity_kw, "flow_lpm": flow_lpm, **spec},
                       "cooling": {"coolant_ports": [{"name": f"L{i}"} for i in range(1, 9)]}}})


def busbar_rack(**kw) -> RackType:
    base = {"model": "Busbar 48U", "slug": "busbar-48u", "cooling_capability": "hybrid",
                "busbar": {"voltage_v": 50, "rating_a": 1400}}
    base.update(kw)
    return builders.rack_type(**base)


class Bench:
    """A design with hall-1, UPS A/B, panels A/B, feeds A/B (415 V 32 A three-phase) and rows on demand."""

    def __init__(self, design: Design | None = None):
        self.doc = Document(design if design is not None else builders.empty_design())

    @property
    def design(self) -> Design:
        return self.doc.design

    def findings(self, rule_id: str | None = None) -> list[Finding]:
        return findings(self.design, rule_id)

    def row(self, row_id: str = "row-1", **kw) -> str:
        self.doc.execute(AddRecord("rows", Row(id=row_id, name=kw.pop("name", row_id.upper()), hall="hall-1", **kw)))
        return row_id

    def rack(self, rack_id: str = "rk-1", x: float = 1000, y: float = 1000, rack_type: RackType | None = None,
             **kw) -> str:
        name = kw.pop("name", f"R{rack_id.rsplit('-', 1)[-1]}")
        self.doc.execute(AddRack(rack_type or builders.rack_type(), "hall-1", x, y, name=name, rack_id=rack_id, **kw))
        return rack_id

    def feed(self, feed_id: str, **kw) -> str:
        self.doc.execute(AddRecord("feeds", Feed(id=feed_id, name=kw.pop("name", feed_id), **kw)))
        return feed_id

    def set(self, obj_id: str, field: str, value) -> None:
        self.doc.execute(SetProperty(obj_id, field, value))

    def place(self, part: PartType, device_id: str, rack: str = "rk-1", position: float | None = None,
              **kw) -> str:
        where = {"rack": rack, "position": position} if position is not None else {"rack": rack}
        if position is None and "side" not in kw and "hall" not in kw:
            kw["side"] = "left"
        if "hall" in kw:
            where = {}
        self.doc.execute(PlaceDevice(part, name=kw.pop("name", device_id), device_id=device_id, **where, **kw))
        return device_id

    def power(self, device_id: str, port: str, supplier: str, outlet: str = "") -> None:
        self.doc.execute(Connect("power", PortRef(owner=device_id, port=port), PortRef(owner=supplier, port=outlet)))

    def cable(self, a: tuple[str, str], b: tuple[str, str], media: str | None = None,
              length_m: float | None = None, conn_id: str | None = None) -> str:
        cmd = Connect("network", PortRef(owner=a[0], port=a[1]), PortRef(owner=b[0], port=b[1]), media=media,
                      length_m=length_m, conn_id=conn_id)
        changes = self.doc.execute(cmd)
        return next(iter(changes.added))

    def coolant(self, a: tuple[str, str], b: tuple[str, str]) -> None:
        self.doc.execute(Connect("coolant", PortRef(owner=a[0], port=a[1]), PortRef(owner=b[0], port=b[1])))

    def settings(self, **kw) -> None:
        for field, value in kw.items():
            self.doc.execute(SetSetting(field, value))
