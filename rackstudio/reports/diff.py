"""Qt-free. What changed between two revisions of a design: records added, removed, moved
(placement only) and changed (other fields), connections, embedded parts and rack types, the
design's own fields, and per-rack power, heat and weight deltas.

Records are matched by id (ids are stable within a design's history; a rename is a change, not
a remove + add). Rack figures come from the checks' metrics (`checks.metrics`), so a diff's
"+14.3 kW" is the figure the power rules compare. `diff_designs(a, a)` is empty.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rackstudio.checks import CheckEngine, RackMetrics, RuleRegistry
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design

# Compared record collections, in report order; each record is matched by id.
RECORDS = ("halls", "rows", "racks", "devices", "upses", "panels", "feeds", "connections", "comments", "waivers")
LIBRARY = ("part_types", "rack_types")
DESIGN_FIELDS = ("name", "revision", "site", "settings", "reviews")
# Fields that only say where a record is: a change to one of these is a move.
PLACEMENT = {
    "devices": frozenset({"rack", "position", "face", "side", "lateral", "parent", "bay", "hall", "x_mm",
                          "y_mm", "facing"}),
    "racks": frozenset({"hall", "row", "x_mm", "y_mm", "facing"}),
}
# A per-rack figure must change by more than this to be listed (float sums reorder).
EPSILON = {"power_w": 0.05, "heat_air_w": 0.05, "heat_liquid_w": 0.05, "weight_kg": 0.005, "units_used": 0.0}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any  # JSON values (model_dump(mode="json"))
    new: Any


@dataclass(frozen=True)
class RecordChange:
    """One record that differs. `kind`: added, removed, moved (a placement field changed; `fields`
    may also hold other changed fields) or changed. `where_*` say where a rack or device stands."""

    kind: str
    collection: str
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()
    where_before: str = ""
    where_after: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "collection": self.collection, "id": self.id, "name": self.name}
        if self.fields:
            data["fields"] = [{"field": f.field, "old": f.old, "new": f.new} for f in self.fields]
        if self.where_before:
            data["where_before"] = self.where_before
        if self.where_after:
            data["where_after"] = self.where_after
        return data


@dataclass(frozen=True)
class RackDelta:
    """A rack's figures before and after (None when it is not in that revision). W, kg, U."""

    rack: str
    name: str
    before: dict[str, float] | None
    after: dict[str, float] | None

    def delta(self, key: str) -> float:
        return (self.after or {}).get(key, 0.0) - (self.before or {}).get(key, 0.0)

    def to_json(self) -> dict[str, Any]:
        return {"rack": self.rack, "name": self.name, "before": self.before, "after": self.after,
                "delta": {k: round(self.delta(k), 3) for k in EPSILON}}


@dataclass
class DesignDiff:
    old_name: str
    old_revision: str
    new_name: str
    new_revision: str
    changes: list[RecordChange] = field(default_factory=list)
    racks: list[RackDelta] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.racks

    def of(self, collection: str, kind: str | None = None) -> list[RecordChange]:
        return [c for c in self.changes if c.collection == collection and (kind is None or c.kind == kind)]

    def by_id(self) -> dict[str, RecordChange]:
        return {c.id: c for c in self.changes if c.collection in RECORDS}

    def counts(self) -> dict[str, dict[str, int]]:
        """collection → kind → number of records, for the summary line."""
        out: dict[str, dict[str, int]] = {}
        for c in self.changes:
            kinds = out.setdefault(c.collection, {})
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        return out


# --- comparing -------------------------------------------------------------------------------------

def _dump(record: Any) -> dict[str, Any]:
    return record.model_dump(mode="json", by_alias=False)


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new))
                 if old.get(k) != new.get(k))


def where(design: Design, obj_id: str) -> str:
    """Where a rack or device stands, in words: 'R01 U10 front', 'R01 left side', 'CH1 bay 2',
    'Hall 1 (3.6, 2.4 m)', 'row A (1.2, 1.2 m) facing S'."""
    device = design.devices.get(obj_id)
    if device is not None:
        if device.parent is not None:
            parent = design.devices.get(device.parent)
            return f"{parent.name if parent else device.parent} bay {device.bay}"
        if device.rack is not None:
            rack = design.racks.get(device.rack)
            if rack is None:
                return device.rack
            if device.position is None:
                return f"{rack.name} {device.side or 'left'} side"
            label = design.rack_type_of(rack).unit_label(device.position)
            half = f" {device.lateral} half" if device.lateral else ""
            return f"{rack.name} U{label:g} {device.face}{half}"
        hall = design.halls.get(device.hall or "")
        return f"{hall.name if hall else device.hall} ({(device.x_mm or 0) / 1000:g}, {(device.y_mm or 0) / 1000:g} m)"
    rack = design.racks.get(obj_id)
    if rack is not None:
        row = design.rows.get(rack.row or "")
        home = f"row {row.name}" if row else (design.halls[rack.hall].name if rack.hall in design.halls else rack.hall)
        return f"{home} ({rack.x_mm / 1000:g}, {rack.y_mm / 1000:g} m) facing {rack.facing}"
    return ""


def _name(record: Any, fallback: str) -> str:
    name = getattr(record, "name", None) or getattr(record, "label", None)
    if name:
        return name
    if hasattr(record, "model"):
        return f"{record.manufacturer} {record.model}"
    if hasattr(record, "text"):
        return record.text[:40]
    return fallback


def _records(old: Design, new: Design, collection: str) -> list[RecordChange]:
    before, after = getattr(old, collection), getattr(new, collection)
    placement = PLACEMENT.get(collection, frozenset())
    out: list[RecordChange] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a is None:
            out.append(RecordChange("added", collection, key, _name(b, key), where_after=where(new, key)))
        elif b is None:
            out.append(RecordChange("removed", collection, key, _name(a, key), where_before=where(old, key)))
        elif a != b:
            fields = _field_changes(_dump(a), _dump(b))
            if not fields:
                continue
            moved = any(f.field in placement for f in fields)
            # a device whose rack was renamed has a new 'where' but did not move: placement fields decide
            out.append(RecordChange("moved" if moved else "changed", collection, key, _name(b, key), fields,
                                    where(old, key) if moved else "", where(new, key) if moved else ""))
    return out


def _design_fields(old: Design, new: Design) -> list[RecordChange]:
    fields = tuple(f for name in DESIGN_FIELDS for f in _field_changes(
        {name: _jsonable(getattr(old, name))}, {name: _jsonable(getattr(new, name))}))
    return [RecordChange("changed", "design", "design", new.name, fields)] if fields else []


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def rack_figures(metrics: RackMetrics) -> dict[str, float]:
    """The per-rack figures a diff compares: checked power, heat to air and to liquid (W), weight
    (kg), units used."""
    return {"power_w": round(metrics.checked_w, 3), "heat_air_w": round(metrics.heat_air_w, 3),
            "heat_liquid_w": round(metrics.heat_liquid_w, 3), "weight_kg": round(metrics.weight_kg, 3),
            "units_used": metrics.units_used}


def all_rack_figures(design: Design, engine: CheckEngine | None = None) -> dict[str, dict[str, float]]:
    """rack id → figures, from an engine that follows the design (the GUI's) or a metrics-only one."""
    if engine is None:
        engine = CheckEngine(design, ComponentGraph(design), RuleRegistry())
        engine.run_full()
    return {rack_id: rack_figures(engine.rack_metrics(rack_id)) for rack_id in sorted(design.racks)}


def _rack_deltas(old: Design, new: Design, old_figures: dict, new_figures: dict) -> list[RackDelta]:
    out = []
    for rack_id in sorted(set(old_figures) | set(new_figures)):
        a, b = old_figures.get(rack_id), new_figures.get(rack_id)
        if a is not None and b is not None and all(abs(b[k] - a[k]) <= eps for k, eps in EPSILON.items()):
            continue
        rack = new.racks.get(rack_id) or old.racks.get(rack_id)
        out.append(RackDelta(rack_id, rack.name, a, b))
    return out


def diff_designs(old: Design, new: Design, old_figures: dict | None = None,
                 new_figures: dict | None = None) -> DesignDiff:
    """Everything that differs from `old` to `new`. Pass figures from `all_rack_figures` when they
    are at hand (the GUI keeps the open design's); otherwise both designs are measured here."""
    result = DesignDiff(old.name, old.revision, new.name, new.revision)
    result.changes.extend(_design_fields(old, new))
    for collection in LIBRARY:
        result.changes.extend(_records(old, new, collection))
    for collection in RECORDS:
        result.changes.extend(_records(old, new, collection))
    if not _figures_may_differ(old, new, result.changes):
        return result
    old_figures = old_figures if old_figures is not None else all_rack_figures(old)
    new_figures = new_figures if new_figures is not None else all_rack_figures(new)
    result.racks = _rack_deltas(old, new, old_figures, new_figures)
    return result


def _figures_may_differ(old: Design, new: Design, changes: list[RecordChange]) -> bool:
    """Rack figures read records, parts and the check settings only: when none of those differ the
    figures are equal, and measuring two 1,000-rack halls (seconds) is skipped."""
    if old.settings != new.settings:
        return True
    return any(c.collection not in ("design", "comments", "waivers") for c in changes)


# --- text ------------------------------------------------------------------------------------------

_MARK = {"added": "+", "removed": "-", "moved": ">", "changed": "~"}
_SINGULAR = {"halls": "hall", "rows": "row", "racks": "rack", "devices": "device", "upses": "UPS",
             "panels": "panel", "feeds": "feed", "connections": "connection", "comments": "comment",
             "waivers": "waiver", "part_types": "part", "rack_types": "rack type", "design": "design"}
_HEADING = {"halls": "Halls", "rows": "Rows", "racks": "Racks", "devices": "Devices", "upses": "UPSes",
            "panels": "Panels", "feeds": "Feeds", "connections": "Connections", "comments": "Comments",
            "waivers": "Waivers", "part_types": "Parts", "rack_types": "Rack types", "design": "Design"}


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def describe(change: RecordChange) -> str:
    """One line: '> device srv moved: R01 U1 front → R02 U5 front'."""
    head = f"{_MARK[change.kind]} {_SINGULAR.get(change.collection, change.collection)} {change.name}"
    if change.kind == "added":
        return head + (f" in {change.where_after}" if change.where_after else "")
    if change.kind == "removed":
        return head + (f" from {change.where_before}" if change.where_before else "")
    others = [f for f in change.fields if f.field not in PLACEMENT.get(change.collection, ())]
    parts = [f"{f.field} {_short(f.old)} → {_short(f.new)}" for f in others]
    if change.kind == "moved":
        parts.insert(0, f"moved {change.where_before} → {change.where_after}")
    return f"{head}: " + "; ".join(parts)


def _kw(watts: float) -> str:
    return f"{watts / 1000:+.1f} kW"


def describe_rack(delta: RackDelta) -> str:
    """'A02: power +14.3 kW (0.7 → 15.0 kW), heat to air +14.3 kW, weight +142 kg, units +10 U'; only
    the figures that changed."""
    if delta.before is None or delta.after is None:
        figures, state = (delta.after, "added") if delta.before is None else (delta.before, "removed")
        return f"{delta.name} ({state}): {figures['power_w'] / 1000:.1f} kW, {figures['weight_kg']:.0f} kg"
    parts = []
    if abs(delta.delta("power_w")) > EPSILON["power_w"]:
        parts.append(f"power {_kw(delta.delta('power_w'))} ({delta.before['power_w'] / 1000:.1f} → "
                     f"{delta.after['power_w'] / 1000:.1f} kW)")
    for key, label in (("heat_air_w", "heat to air"), ("heat_liquid_w", "heat to liquid")):
        if abs(delta.delta(key)) > EPSILON[key]:
            parts.append(f"{label} {_kw(delta.delta(key))}")
    if abs(delta.delta("weight_kg")) > EPSILON["weight_kg"]:
        parts.append(f"weight {delta.delta('weight_kg'):+.1f} kg")
    if delta.delta("units_used"):
        parts.append(f"units {delta.delta('units_used'):+g} U")
    return f"{delta.name}: " + ", ".join(parts)


def to_text(diff: DesignDiff) -> str:
    title = (f"{diff.old_name} revision {diff.old_revision} → " +
             (f"{diff.new_name} " if diff.new_name != diff.old_name else "") + f"revision {diff.new_revision}")
    if diff.is_empty:
        return f"{title}\nNo differences."
    lines = [title]
    order = ("design", *LIBRARY, *RECORDS)
    for collection in order:
        changes = diff.of(collection)
        if not changes:
            continue
        counts = diff.counts()[collection]
        summary = ", ".join(f"{counts[k]} {k}" for k in ("added", "removed", "moved", "changed") if k in counts)
        lines.append(f"{_HEADING[collection]}: {summary}")
        lines.extend(f"  {describe(c)}" for c in changes)
    if diff.racks:
        lines.append(f"Per-rack figures: {len(diff.racks)} rack(s) changed")
        lines.extend(f"  {describe_rack(d)}" for d in diff.racks)
    return "\n".join(lines)
