"""`rackstudio info FILE`: load a design and summarize it (text or JSON)."""
from __future__ import annotations

import json
from collections import Counter

from rackstudio.cli.exit_codes import Exit
from rackstudio.errors import LoadError
from rackstudio.io import project_file
from rackstudio.model.design import Design
from rackstudio.power import device_draw


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="summarize a design")
    p.add_argument("file")
    p.add_argument("--format", choices=("text", "json"), default="text")


def summary(design: Design, warnings: list[tuple[str, str]]) -> dict:
    categories = Counter(design.part_of(d).category.value for d in design.devices.values())
    kinds = Counter(c.kind for c in design.connections.values())
    nameplate = allocated = 0.0
    for device in design.devices.values():
        draw = device_draw(design, device)
        nameplate += draw.max_w
        allocated += draw.allocated_w
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
        "nameplate_kw": round(nameplate / 1000, 2),
        "allocated_kw": round(allocated / 1000, 2),
        "warnings": [{"where": w, "message": m} for w, m in warnings],
    }


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
        f"  power: nameplate {info['nameplate_kw']:.1f} kW, allocated {info['allocated_kw']:.1f} kW",
    ]
    for w in info["warnings"]:
        lines.append(f"  warning: {w['where']}: {w['message']}")
    print("\n".join(lines))
    return Exit.OK
