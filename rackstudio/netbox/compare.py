"""Qt-free. What differs between a design and the same design after a trip through NetBox.

A round trip keeps everything NetBox holds (with the `rackstudio` custom fields); the rest is
listed, not hidden: `round_trip` returns the differences in what NetBox holds (which should be
none) and, apart, what NetBox cannot hold."""
from __future__ import annotations

from rackstudio.model.design import Design
from rackstudio.netbox.export import SITE_KEPT, design_wants

# Collections NetBox holds, compared record by record
HELD = ("halls", "rows", "racks", "devices", "upses", "panels", "feeds")


def _dump(record) -> dict:
    return record.model_dump(mode="json", exclude={"origin"})


def round_trip(original: Design, pulled: Design, site: str) -> tuple[list[str], list[str]]:
    """(differences in what NetBox holds, what NetBox cannot hold) between two designs."""
    wants, not_held = design_wants(original, site)
    cabled = {cid for w in wants if w.kind == "cables" for cid in w.key.split(",")}
    diffs: list[str] = []
    installed = {key for d in original.devices.values() for key in (d.modules or {}).values()}
    for name in ("part_types", "module_types", "rack_types", *HELD):
        a, b = getattr(original, name), getattr(pulled, name)
        if name == "module_types":  # a pull reads the module types of the site's modules
            a = {k: v for k, v in a.items() if k in installed}
        for key in sorted(set(a) | set(b)):
            if key not in b:
                diffs.append(f"{name}.{key}: missing after the round trip")
            elif key not in a:
                diffs.append(f"{name}.{key}: new after the round trip")
            elif _dump(a[key]) != _dump(b[key]):
                fields = sorted(k for k, v in _dump(a[key]).items() if _dump(b[key]).get(k) != v)
                diffs.append(f"{name}.{key}: differs in {', '.join(fields)}")
    kept = {c.id: c for c in original.connections.values() if c.id in cabled}  # the rest is listed as not held
    for cid in sorted(set(kept) | set(pulled.connections)):
        if cid not in pulled.connections:
            diffs.append(f"connections.{cid}: missing after the round trip")
        elif cid not in kept:
            diffs.append(f"connections.{cid}: new after the round trip")
        elif _dump(kept[cid]) != _dump(pulled.connections[cid]):
            diffs.append(f"connections.{cid}: differs")
    for field in SITE_KEPT:
        if getattr(original, field) != getattr(pulled, field):
            diffs.append(f"design {field} differs")
    return diffs, not_held.lines()
