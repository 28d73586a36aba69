"""Qt-free. Two rack designs side by side (generations: GB200 NVL72 against GB300 NVL72): power
(maximum, allocated, per feed side as a placed instance of each is fed), heat to air and to liquid, coolant flow, weight empty and
loaded, centre of gravity, network ports by speed, and the BOM delta (devices, then optics by part). Each design is read as its
build package reads it (one rack alone, `reports.build_package`), so the figures are the ones the
checks and the build package give.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rackstudio.checks.context import CheckContext
from rackstudio.checks.metrics import compute_rack
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model import interfaces
from rackstudio.model.design import Design
from rackstudio.model.rack_designs import instances
from rackstudio.reports.bom import optic_lines
from rackstudio.reports.build_package import RACK, build


@dataclass(frozen=True)
class Row:
    figure: str
    a: float | int | str
    b: float | int | str

    @property
    def delta(self) -> float | None:
        if isinstance(self.a, int | float) and isinstance(self.b, int | float):
            return round(self.b - self.a, 3)
        return None


def _ports(design: Design) -> Counter:
    """Network ports by speed ("400G"), over every device of the rack."""
    found: Counter = Counter()
    for device in design.devices.values():
        for port in design.part_of(device).interfaces:
            cls = interfaces.classify(port.type)
            if cls is not None and not port.mgmt_only:
                found[f"{cls.speed_gbps:g}G"] += 1
    return found


def compare(design: Design, a: str, b: str) -> tuple[list[Row], list[Row]]:
    """(figures, BOM delta) of rack designs `a` and `b` (names or slugs): each row holds A's and
    B's value; the BOM rows count each part in each design."""
    pa, pb = build(design, a), build(design, b)
    rows: list[Row] = [Row("Rack design", pa.rd.name, pb.rd.name), Row("Revision", pa.rd.revision, pb.rd.revision)]
    ma, mb = (compute_rack(CheckContext(p.design, ComponentGraph(p.design)), RACK) for p in (pa, pb))
    kw = 1000.0
    for label, attr in (("Maximum power kW", "max_w"), ("Allocated power kW", "allocated_w"),
                        ("Heat to air kW", "heat_air_w"), ("Heat to liquid kW", "heat_liquid_w")):
        rows.append(Row(label, round(getattr(ma, attr) / kw, 2), round(getattr(mb, attr) / kw, 2)))
    # per feed side only where the rack is fed: from a placed instance, if the design has one
    placed = [instances(design, p.rd.slug) for p in (pa, pb)]
    if all(placed):
        ctx = CheckContext(design, ComponentGraph(design))
        ia, ib = (compute_rack(ctx, p[0]) for p in placed)
        for side, attr in (("A", "side_a_w"), ("B", "side_b_w")):
            rows.append(Row(f"Side {side} kW (instances {design.racks[placed[0][0]].name}, "
                            f"{design.racks[placed[1][0]].name})",
                            round(getattr(ia, attr) / kw, 2), round(getattr(ib, attr) / kw, 2)))
    rows.append(Row("Coolant flow L/min", round(ma.liquid_lpm, 1), round(mb.liquid_lpm, 1)))
    rows.append(Row("Airflow CFM", round(ma.airflow_cfm), round(mb.airflow_cfm)))
    rows.append(Row("Weight empty kg", round(pa.weight_empty_kg, 1), round(pb.weight_empty_kg, 1)))
    rows.append(Row("Weight loaded kg", round(pa.weight_loaded_kg, 1), round(pb.weight_loaded_kg, 1)))
    rows.append(Row("Centre of gravity above U1 mm", round(pa.cog_mm), round(pb.cog_mm)))
    rows.append(Row("Units used", ma.units_used, mb.units_used))
    ports_a, ports_b = _ports(pa.design), _ports(pb.design)
    for speed in sorted(ports_a.keys() | ports_b.keys(), key=lambda s: float(s[:-1])):
        rows.append(Row(f"Network ports {speed}", ports_a[speed], ports_b[speed]))
    rows.append(Row("Internal cables", len(pa.design.connections), len(pb.design.connections)))
    bom_a = Counter(d.part for d in pa.design.devices.values())
    bom_b = Counter(d.part for d in pb.design.devices.values())
    parts = {**pa.design.part_types, **pb.design.part_types}
    bom = [Row(f"{parts[s].manufacturer} {parts[s].model}", bom_a[s], bom_b[s])
           for s in sorted(bom_a.keys() | bom_b.keys(), key=lambda s: (parts[s].category.value, s))]
    optics_a, optics_b = ({(o.manufacturer, o.part_number or o.item): o.total for o in optic_lines(p.design)}
                          for p in (pa, pb))
    bom += [Row(f"{maker} {item} (optic)", optics_a.get((maker, item), 0), optics_b.get((maker, item), 0))
            for maker, item in sorted(optics_a.keys() | optics_b.keys())]
    return rows, bom


__all__ = ["Row", "compare"]
