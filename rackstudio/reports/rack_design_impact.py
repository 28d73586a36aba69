"""Qt-free. What an edit of a rack design (or a generation swap) would do across the whole design,
before it is applied: the instances it changes, the overrides it meets, the findings it adds and
clears, and the figures it moves (power per feed, heat to liquid per CDU, heat and weight per
hall and per floor area).

The preview applies a copy of the command, lets the graph and the check engine follow as they do
for any edit, reads the figures, and reverts: what it promises is what the checks report after.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rackstudio.checks import coolant, power_flow
from rackstudio.checks.engine import CheckEngine
from rackstudio.checks.metrics import device_heat, rack_feeds
from rackstudio.checks.rule import Finding
from rackstudio.commands.base import Command
from rackstudio.model.rack_designs import Conflict


@dataclass(frozen=True)
class Figure:
    """One figure before and after (W, kg, kg/m²)."""

    subject: str  # id
    name: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass
class Impact:
    instances: list[str] = field(default_factory=list)  # racks whose records change
    conflicts: list[Conflict] = field(default_factory=list)
    added: list[Finding] = field(default_factory=list)  # findings the edit brings
    cleared: list[Finding] = field(default_factory=list)  # findings it removes
    feed_w: list[Figure] = field(default_factory=list)  # power through each feed of a changed rack
    cdu_liquid_w: list[Figure] = field(default_factory=list)  # heat to liquid in each CDU's loop
    hall_air_w: list[Figure] = field(default_factory=list)
    hall_liquid_w: list[Figure] = field(default_factory=list)
    hall_kg_m2: list[Figure] = field(default_factory=list)  # rack weight per hall floor area
    # the command as the preview planned and applied it: applied next, to the design unchanged, it
    # makes the very design previewed, and the check engine takes the state it checked (`trial`)
    planned: Command | None = None

    def lines(self) -> list[str]:
        """The preview as text, one line per figure that moves (the dialog and the CLI print it)."""
        out = [f"{len(self.instances)} racks change; {len(self.added)} new findings, {len(self.cleared)} cleared"]
        out += [f"conflict: {c.why}" for c in self.conflicts]
        out += [f"new: {f.severity.value} {f.rule} {f.message}" for f in self.added]
        out += [f"cleared: {f.rule} {f.message}" for f in self.cleared]
        for title, figures, unit, scale in (("feed", self.feed_w, "kW", 1e-3), ("CDU liquid heat", self.cdu_liquid_w, "kW", 1e-3),
                                            ("hall air heat", self.hall_air_w, "kW", 1e-3),
                                            ("hall liquid heat", self.hall_liquid_w, "kW", 1e-3),
                                            ("hall weight", self.hall_kg_m2, "kg/m²", 1.0)):
            for f in figures:
                if abs(f.delta) > 1e-9:
                    digits = 1 if unit == "kW" else 2
                    out.append(f"{title} {f.name}: {f.before * scale:,.{digits}f} → {f.after * scale:,.{digits}f} "
                               f"{unit} ({f.delta * scale:+,.{digits}f})")
        return out


def preview(engine: CheckEngine, command: Command) -> Impact:
    """The impact of `command` on the design the engine checks (its graph and findings are left as
    they were). Raises Refused, changing nothing, when the command cannot run."""
    with engine.trial(command) as (trial, changes, delta):
        racks = sorted({r for r in (_rack(engine, i) for i in changes.touched()) if r is not None}
                       | set(getattr(trial, "instances", ())))
        subjects = _subjects(engine, racks)
        after = _figures(engine, *subjects)
    before = _figures(engine, *subjects)
    impact = Impact(instances=list(getattr(trial, "instances", None) or racks),
                    conflicts=list(getattr(trial, "conflicts", [])),
                    added=sorted(delta.added, key=Finding.sort_key), cleared=sorted(delta.removed, key=Finding.sort_key),
                    planned=trial)
    for name, b in before.items():
        a = after[name]
        setattr(impact, name, [Figure(k, b[k][0], b[k][1], a.get(k, (b[k][0], 0.0))[1]) for k in sorted(b)])
    return impact


def _rack(engine: CheckEngine, obj_id: str) -> str | None:
    design = engine.design
    if obj_id in design.racks:
        return obj_id
    if obj_id in design.devices:
        return engine.ctx.rack_of(obj_id)
    head = obj_id  # a removed instance record: its id starts with its rack's
    while "." in head:
        head = head.rsplit(".", 1)[0]
        if head in design.racks:
            return head
    return None


def _subjects(engine: CheckEngine, racks: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """The racks, the feeds and CDUs serving them, and their halls (as they are now)."""
    ctx = engine.ctx
    design = engine.design
    racks = [r for r in racks if r in design.racks]
    feeds: set[str] = set()
    cdus: set[str] = set()
    for rack_id in racks:
        feeds.update(rack_feeds(ctx, rack_id))
        for dev_id in ctx.rack_devices(rack_id):
            cdus.update(coolant.served_loop(ctx, dev_id).cdus)
    halls = sorted({design.racks[r].hall for r in racks})
    return racks, sorted(feeds), sorted(cdus), halls


def _figures(engine: CheckEngine, racks, feeds, cdus, halls) -> dict[str, dict[str, tuple[str, float]]]:
    ctx = engine.ctx
    ctx.new_pass()
    design = engine.design
    flow = power_flow.flow(ctx)
    out: dict[str, dict[str, tuple[str, float]]] = {"feed_w": {}, "cdu_liquid_w": {}, "hall_air_w": {},
                                                    "hall_liquid_w": {}, "hall_kg_m2": {}}
    for feed_id in feeds:
        if feed_id in design.feeds:
            out["feed_w"][feed_id] = (design.feeds[feed_id].name, sum(flow.feed_leg_power(feed_id)))
    for cdu in cdus:
        if cdu in design.devices:
            loop = coolant.loop_of(ctx, cdu)
            watts = sum(device_heat(ctx, d).liquid_w for d in coolant.loop_devices(ctx, loop) if d in design.devices)
            out["cdu_liquid_w"][cdu] = (design.devices[cdu].name, watts)
    for hall_id in halls:
        hall = design.halls[hall_id]
        metrics = [engine.rack_metrics(r.id) for r in design.racks.values() if r.hall == hall_id]
        area_m2 = hall.width_mm * hall.depth_mm / 1e6
        out["hall_air_w"][hall_id] = (hall.name, sum(m.heat_air_w for m in metrics))
        out["hall_liquid_w"][hall_id] = (hall.name, sum(m.heat_liquid_w for m in metrics))
        out["hall_kg_m2"][hall_id] = (hall.name, sum(m.weight_kg for m in metrics) / area_m2)
    return out


__all__ = ["Figure", "Impact", "preview"]
