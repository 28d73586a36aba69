"""`rackstudio info FILE`: load a design and summarize it (text or JSON)."""
from __future__ import annotations

import json
from collections import Counter

from rackstudio.checks.metrics import OnDemandMetrics, floor_load, plus_unknown, totals
from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import LoadError
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.io import project_file
from rackstudio.model.design import Design
from rackstudio.reports.totals import optics_text, power_basis


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="summarize a design")
    p.add_argument("file")
    p.add_argument("--format", choices=("text", "json"), default="text")


def summary(design: Design, warnings: list[tuple[str, str]]) -> dict:
    categories = Counter(design.part_of(d).category.value for d in design.devices.values())
    kinds = Counter(c.kind for c in design.connections.values())
    figures = OnDemandMetrics(design, ComponentGraph(design))
    racks = totals(figures.rack_metrics(r) for r in sorted(design.racks))
    floor = floor_load(figures.ctx)
    return {
        "name": design.name,
        "revision": design.revision,
        "format_version": design.format_version,
        "halls": len(design.halls),
        "rows": len(design.rows),
        "racks": len(design.racks),
        "devices": len(design.devices),
        "devices_by_category": dict(sorted(categories.items())),
        "connections": len(design.connections),
        "connections_by_kind": dict(sorted(kinds.items())),
        "feeds": len(design.feeds),
        "part_types": len(design.part_types),
        "nameplate_kw": _kw(racks.max_w + floor.max_w),
        "allocated_kw": _kw(racks.allocated_w + floor.allocated_w),
        "checked_basis": power_basis(design.settings.worst_case),
        "racks_power": {"allocated_kw": _kw(racks.allocated_w), "max_kw": _kw(racks.max_w),
                        "checked_kw": _kw(racks.checked_w), "unknown_devices": racks.unknown_power},
        "floor_equipment_power": {"devices": floor.devices, "allocated_kw": _kw(floor.allocated_w),
                                  "max_kw": _kw(floor.max_w), "checked_kw": _kw(floor.checked_w)},
        "optics": _optics(design, figures),
        "heat_air_kw": _kw(racks.heat_air_w),
        "heat_liquid_kw": _kw(racks.heat_liquid_w),
        "weight_kg": round(racks.weight_kg, 1),
        "units_used": racks.units_used,
        "units_total": racks.units_total,
        "warnings": [{"where": w, "message": m} for w, m in warnings],
    }


def _optics(design: Design, figures: OnDemandMetrics) -> list[dict]:
    """Per hall: the power of every optic and active cable plug in its racks' cages, and how much of
    it device figures that already count their optics (SN5610, QM9700) hold (engineering.md 4.2)."""
    out = []
    for hall_id in sorted(design.halls):
        metrics = [figures.rack_metrics(r) for r in sorted(design.racks) if design.racks[r].hall == hall_id]
        t = totals(metrics)
        out.append({"hall": design.halls[hall_id].name, "optics_kw": _kw(t.optics_w), "plugs": t.optics_plugs,
                    "in_device_figures_kw": _kw(t.optics_in_figures_w),
                    "added_kw": _kw(t.optics_w - t.optics_in_figures_w), "text": optics_text(metrics)})
    return out


def _kw(watts: float) -> float:
    return round(watts / 1000, 2)


def run(args) -> int:
    try:
        loaded = project_file.load(args.file)
    except LoadError as exc:
        print(f"rackstudio: {exc.message}", file=__import__("sys").stderr)
        return Exit.LOAD
    info = summary(loaded.design, loaded.warnings)
    if args.format == "json":
        print(json.dumps(info, indent=2))
        return Exit.OK
    lines = [
        f"{info['name']} (revision {info['revision']}, format {info['format_version']})",
        f"  halls {info['halls']}, rows {info['rows']}, racks {info['racks']}, devices {info['devices']}",
        "  devices by category: " + (", ".join(f"{k} {v}" for k, v in info["devices_by_category"].items()) or "none"),
        f"  connections {info['connections']}: "
        + (", ".join(f"{k} {v}" for k, v in info["connections_by_kind"].items()) or "none"),
        f"  power: nameplate {info['nameplate_kw']:.1f} kW, allocated {info['allocated_kw']:.1f} kW"
        f"{plus_unknown(info['racks_power']['unknown_devices'])} "
        f"(racks {info['racks_power']['allocated_kw']:.1f} kW, floor equipment "
        f"{info['floor_equipment_power']['allocated_kw']:.1f} kW); the checks count "
        f"{info['racks_power']['checked_kw']:.1f} kW in racks ({info['checked_basis']})",
        f"  racks: {info['units_used']:g} of {info['units_total']} U used, heat to air {info['heat_air_kw']:.1f} kW, "
        f"to liquid {info['heat_liquid_kw']:.1f} kW, {info['weight_kg']:,.0f} kg",
    ]
    for o in info["optics"]:
        lines.append(f"  optics, {o['hall']}: {o.pop('text')}")
    for w in info["warnings"]:
        lines.append(f"  warning: {w['where']}: {w['message']}")
    print("\n".join(lines))
    return Exit.OK
