"""Qt-free. Reference-data quality of the part types a design embeds (engineering.md 1.7, LIB-001..005).
Subject: a part slug."""
from __future__ import annotations

from collections.abc import Iterator

from rackstudio.checks.context import PASS_THROUGH, CheckContext
from rackstudio.checks.formulas import cfm_delta_t_k
from rackstudio.checks.rule import Hit, Rule, Scope, Severity, rule
from rackstudio.model.parts import Category, PartType
from rackstudio.power import part_draw, psu_rating_w
from rackstudio.power.inlets import impossible_legs, pdu_inlet

RULES: list[Rule] = []

# LIB-005's plausible air ΔT band, K (engineering.md 1.7: U thresholds; not yet a CheckSettings field).

# Figures LIB-002 asks a source for: (field, section of PartExtension).
_SOURCED = (("max_w", "power"), ("typical_w", "power"), ("allocated_w", "power"), ("psu_rating_w", "power"),
            ("single_feed_w", "power"), ("inrush_a", "power"), ("airflow_cfm", "cooling"),
            ("liquid_fraction", "cooling"))


def _label(part: PartType) -> str:
    return f"{part.manufacturer} {part.model}"


@rule("LIB-001", "Part has no maximum draw", Severity.WARNING, Scope.PART, RULES)
def lib001_no_max_draw(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """A powered part (inlets or busbar) with no max_W: its load is left out of every sum.
    engineering.md 1.7; NetBox `maximum_draw` [NB-PORT]."""
    part = ctx.design.part_types[slug]
    power = part.rackstudio.power
    if power.source == "none" or part.category in PASS_THROUGH:
        return
    if not part.power_ports and power.source != "busbar":
        return
    if power.max_w is None and all(p.maximum_draw is None for p in part.power_ports):
        yield Hit(f"{_label(part)}: no maximum draw (max_w or power-port maximum_draw)", (slug,))


def _source_of(part: PartType, name: str) -> str | None:
    ext = part.rackstudio
    return ext.sources.get(name) or ext.source


def _unverified(source: str) -> bool:
    text = source.strip().upper()
    return text == "U" or text.startswith("U ") or "(U)" in text or "[U]" in text


@rule("LIB-002", "Figure without a source", Severity.INFO, Scope.PART, RULES)
def lib002_unsourced(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """A declared figure with no source, or one tagged U (unverified): listed so a report shows
    which numbers are assumptions (a declared 0, e.g. no liquid share, claims nothing). engineering.md 0
    (evidence tags), 1.7."""
    part = ctx.design.part_types[slug]
    ext = part.rackstudio
    declared = [name for name, section in _SOURCED
                if name in getattr(ext, section).model_fields_set and getattr(getattr(ext, section), name)]
    if ext.depth_mm is not None:
        declared.append("depth_mm")
    if part.weight is not None:
        declared.append("weight")
    missing = [n for n in declared if _source_of(part, n) is None]
    unverified = [n for n in declared if n not in missing and _unverified(_source_of(part, n) or "")]
    if missing or unverified:
        parts = []
        if missing:
            parts.append("no source for " + ", ".join(missing))
        if unverified:
            parts.append("unverified (U): " + ", ".join(unverified))
        yield Hit(f"{_label(part)}: " + "; ".join(parts), (slug,),
                  {"unsourced": missing, "unverified": unverified})


@rule("LIB-003", "Part has no weight", Severity.WARNING, Scope.PART, RULES)
def lib003_no_weight(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """Weight missing or ≤ 0 for a part of 1U or more: rack weight and floor load leave it out.
    engineering.md 1.7; blanking panels are exempt (negligible weight)."""
    part = ctx.design.part_types[slug]
    if part.u_height < 1 or part.category == Category.BLANK:
        return
    weight = part.weight_kg
    if weight is None or weight <= 0:
        yield Hit(f"{_label(part)} ({part.u_height:g}U): no weight", (slug,), {"weight_kg": weight})


@rule("LIB-004", "PSU redundancy inconsistent", Severity.ERROR, Scope.PART, RULES)
def lib004_psu_policy(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """psu_count ≠ N + M, or N × psu_rating_W < max_W (the N PSUs cannot carry the maximum).
    engineering.md 1.7, 2.5 (DGX B200 5+1 × 3.3 kW [NV-B200UG])."""
    part = ctx.design.part_types[slug]
    power = part.rackstudio.power
    policy = power.psu_redundancy
    if policy is None:
        return
    count = power.psu_count if power.psu_count is not None else (len(part.power_ports) or None)
    if count is not None and count != policy.n + policy.m:
        yield Hit(f"{_label(part)}: {count} PSUs but redundancy {policy} needs {policy.n + policy.m}",
                  (slug,), {"psu_count": count, "n": policy.n, "m": policy.m}, aspect="count")
    rating = psu_rating_w(part)
    max_w = part_draw(part).max_w
    if rating is not None and max_w and policy.n * rating < max_w:
        yield Hit(f"{_label(part)}: N = {policy.n} PSUs × {rating:,.0f} W = {policy.n * rating:,.0f} W "
                  f"< max {max_w:,.0f} W", (slug,),
                  {"n": policy.n, "psu_rating_w": rating, "max_w": max_w}, aspect="rating")


@rule("LIB-005", "Airflow and power imply an odd ΔT", Severity.WARNING, Scope.PART, RULES)
def lib005_airflow_delta_t(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """ΔT_K = 3.16 × W ÷ CFM ÷ 1.8 outside 5-25 K (U band): airflow or power is likely wrong. W is
    the air share of max_W (1 − liquid_fraction). engineering.md 1.7, 3.1 [INSIDEHPC]."""
    part = ctx.design.part_types[slug]
    cfm = part.rackstudio.cooling.airflow_cfm
    max_w = part_draw(part).max_w
    if not cfm or not max_w:
        return
    air_w = max_w * (1 - part.rackstudio.cooling.liquid_fraction)
    dt = cfm_delta_t_k(air_w, cfm)
    low, high = ctx.settings.delta_t_range_k
    if not low <= dt <= high:
        yield Hit(f"{_label(part)}: {air_w:,.0f} W at {cfm:,.0f} CFM implies ΔT {dt:.1f} K "
                  f"(expected {low:g}-{high:g} K)", (slug,),
                  {"air_w": air_w, "airflow_cfm": cfm, "delta_t_k": round(dt, 2)})


@rule("LIB-006", "PDU outlets on legs its inlet does not have", Severity.WARNING, Scope.PART, RULES)
def lib006_impossible_legs(ctx: CheckContext, slug: str) -> Iterator[Hit]:
    """A PDU whose outlets name feed legs its inlet type cannot supply (legs B and C on a
    single-phase inlet): its phase figures would be made up. engineering.md 2.10 [NEMA-WD6]."""
    part = ctx.design.part_types[slug]
    wrong = impossible_legs(part)
    if wrong:
        inlet = pdu_inlet(part)
        yield Hit(f"{_label(part)}: {len(wrong)} outlet(s) on legs a {inlet.phase} {inlet.type} inlet does not "
                  f"have ({', '.join(wrong[:4])}{' ...' if len(wrong) > 4 else ''})", (slug,),
                  {"outlets": wrong, "inlet_type": inlet.type, "phase": inlet.phase})
