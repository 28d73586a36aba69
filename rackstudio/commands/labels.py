"""Qt-free. Cable labels from a user pattern, e.g. "{a} / {b}" or "{a_rack}U{a_unit}:{a_port}-{b_rack}U{b_unit}:{b_port}".

Fields for each end (prefix a_ or b_): rack, unit (the printed rail number of the device's
lowest unit; empty for 0U, bay and floor devices), device, port; and {a}, {b}: the end as
"<rack>-U<unit>-<port>" (or "<device>-<port>" off the rails), and {kind}, {media}.
"""
from __future__ import annotations

import string

from rackstudio.model.design import Design, PortRef
from rackstudio.model.geometry import mounted_root
from rackstudio.model.text import typed_problem

DEFAULT_PATTERN = "{a} / {b}"
_END_FIELDS = ("rack", "unit", "device", "port")
FIELDS = ("a", "b", "kind", "media", *(f"{e}_{f}" for e in "ab" for f in _END_FIELDS))


def _end(design: Design, end: PortRef) -> dict[str, str]:
    obj = design.get(end.owner)
    device = design.devices.get(end.owner)
    rack_name = unit = ""
    if device is not None:
        holder = mounted_root(design, device.id) or device
        rack = design.racks.get(holder.rack or "")
        if rack is not None:
            rack_name = rack.name
            if holder.position is not None and holder is device:
                unit = f"{design.rack_type_of(rack).unit_label(holder.position):g}"
    elif obj is not None and getattr(obj, "rack", None) in design.racks:
        rack_name = design.racks[obj.rack].name
    name = obj.name if obj is not None else end.owner
    if rack_name and unit:
        whole = "-".join(p for p in (rack_name, f"U{unit}", end.port) if p)
    else:
        whole = "-".join(p for p in (name, end.port) if p)
    return {"rack": rack_name, "unit": unit, "device": name, "port": end.port, "": whole}


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern cannot be used, or None."""
    if problem := typed_problem("pattern", pattern):
        return problem
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        return f"the pattern is not valid: {exc}"
    unknown = sorted({n for n in names if n not in FIELDS})
    if unknown:
        return f"unknown field {{{unknown[0]}}}; use one of " + ", ".join("{" + f + "}" for f in FIELDS)
    if not names:
        return "the pattern uses no field, so every cable would get the same label"
    return None


def cable_label(design: Design, a: PortRef, b: PortRef, pattern: str = DEFAULT_PATTERN,
                kind: str = "", media: str | None = None) -> str:
    if pattern_problem(pattern):
        pattern = DEFAULT_PATTERN
    values = {"kind": kind, "media": media or ""}
    for prefix, end in (("a", a), ("b", b)):
        fields = _end(design, end)
        values[prefix] = fields.pop("")
        values.update({f"{prefix}_{k}": v for k, v in fields.items()})
    return pattern.format_map(values)


def labeler(pattern: str):
    """A labeller for the bulk helpers (`Labeler` in commands.bulk)."""
    def label(design: Design, a: PortRef, b: PortRef) -> str:
        return cable_label(design, a, b, pattern)
    return label


__all__ = ["DEFAULT_PATTERN", "FIELDS", "cable_label", "labeler", "pattern_problem"]
