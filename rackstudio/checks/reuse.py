"""Qt-free. Check results reused across the instances of a rack design.

A rule marked `rack_internal` finds in a rack, a device in it or a cable between two of its
devices only what that rack's contents say (Rule.rack_internal). Instances that follow their
rack design exactly hold the same contents under other ids and names, so such a rule is
evaluated on two of them and its findings on the others are those of the first, renamed:

- an instance *follows* its design when it has no overrides and its records are exactly what
  the design makes of it (model.rack_designs.expected_device / expected_connection: ids
  `<rack>.<design id>`, names `<rack name>-<design name>`, `{rack}` in cable labels), with no
  device more or less; instances of one design revision, rack type and hall form a *class*;
- per rule and design subject, the first instance of its class (the representative) and a
  second one (the witness) are evaluated as usual; the representative's findings with its rack
  id and name replaced by the witness's must equal the witness's own, byte for byte, else (a
  rack name that also occurs in a part name, say) every instance is evaluated as usual;
- the others get the representative's findings with its rack id and name replaced by theirs.

An instance with overrides, a device moved or added by hand, a detached rack, and every subject of
a rule not marked are evaluated as usual, and so is a class with fewer than `MIN_MEMBERS`
instances among a pass's subjects. One switch turns it off (`CheckEngine(reuse=False)`, or
`RACKSTUDIO_CHECK_REUSE=0`), so both ways can be compared: they give the same findings.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import Finding, Rule, Scope
from rackstudio.model.design import Rack, RackDesign
from rackstudio.model.rack_designs import RACK_TOKEN, SEP

ENV = "RACKSTUDIO_CHECK_REUSE"
MIN_MEMBERS = 3  # a representative and a witness are evaluated: fewer instances gain nothing
# fields an instance's records hold of their own; the rest must equal the design's
_DEVICE_OWN = ("id", "name", "name_generated", "rack", "parent", "asset_tag")
_CONNECTION_OWN = ("id", "a", "b", "label")
_SCOPES = (Scope.RACK, Scope.DEVICE, Scope.CONNECTION)


def enabled_by_default() -> bool:
    """Reuse is on unless RACKSTUDIO_CHECK_REUSE is 0, off, false or no (benchmarks compare both)."""
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "off", "false", "no")


@dataclass
class Copy:
    """One design subject of one class: evaluate `rep` and `witness`, copy to `others`
    ((subject, rack) pairs)."""

    rep: str
    rep_rack: Rack
    witness: str
    witness_rack: Rack
    others: list[tuple[str, Rack]]


def plan(ctx: CheckContext, rule: Rule, subjects: list[str]) -> tuple[list[str], list[Copy]]:
    """The subjects `rule` must be evaluated on, and the copies to make from some of them. Once
    per pass for the rules of the same scopes over the same subjects."""
    scopes = tuple(s for s in rule.scopes if s in _SCOPES)
    if not scopes:
        return subjects, []
    key = ("reuse plan", scopes, tuple(subjects))
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _plan(ctx, scopes, subjects)
    return found


def _plan(ctx: CheckContext, scopes: tuple[Scope, ...], subjects: list[str]) -> tuple[list[str], list[Copy]]:
    d = ctx.design
    by_design: dict[str, set[str]] = {}  # instances named by a subject (a rack, or `<rack>.<id>`)
    for subject in subjects:
        head = subject.partition(SEP)[0]
        rack = d.racks.get(head)
        if rack is not None and rack.rack_design is not None:
            by_design.setdefault(rack.rack_design, set()).add(head)
    wanted = set(subjects)
    copied: set[str] = set()
    copies = []
    for slug, named in by_design.items():
        if len(named) < MIN_MEMBERS or slug not in d.rack_designs:
            continue
        classes: dict[tuple, list[Rack]] = {}
        for rack_id in sorted(named):
            cls = follows(ctx, rack_id)
            if cls is not None:
                classes.setdefault(cls, []).append(d.racks[rack_id])
        rd = d.rack_designs[slug]
        locals_ = ([""] if Scope.RACK in scopes else []) + (sorted(rd.devices) if Scope.DEVICE in scopes else []) \
            + (sorted(rd.connections) if Scope.CONNECTION in scopes else [])
        for members in classes.values():
            if len(members) < MIN_MEMBERS:
                continue
            for local in locals_:
                present = [(s, r) for r in members if (s := _subject(r.id, local)) in wanted]
                pair = _pair(present) if len(present) >= MIN_MEMBERS else None
                if pair is None:
                    continue
                (rep, rep_rack), (witness, witness_rack) = pair
                others = [(s, r) for s, r in present if s != rep and s != witness]
                copied.update(s for s, _ in others)
                copies.append(Copy(rep, rep_rack, witness, witness_rack, others))
    normal = [s for s in subjects if s not in copied] if copied else subjects
    return normal, copies


def _subject(rack_id: str, local: str) -> str:
    return rack_id + SEP + local if local else rack_id


def renamer(source: Rack, target: Rack) -> Callable[[Finding], Finding]:
    """A finding about `source` as it reads about `target`: the rack's id (so its records' ids
    `<rack>.<design id>`) and its name (so its devices' names) replaced wherever they occur."""
    words = {source.id: target.id, source.name: target.name}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    def text(value: str) -> str:
        return pattern.sub(lambda m: words[m.group(0)], value)

    def figure(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, list):
            return [figure(v) for v in value]
        if isinstance(value, tuple):
            return tuple(figure(v) for v in value)
        if isinstance(value, dict):
            return {figure(k): figure(v) for k, v in value.items()}
        return value

    def rename(f: Finding) -> Finding:
        return Finding(f.rule, f.severity, text(f.message), tuple(text(o) for o in f.objects),
                       {k: figure(v) for k, v in f.figures.items()}, text(f.aspect), f.waived, f.lapse)

    return rename


# --- which instances follow their design ----------------------------------------------------------

def follows(ctx: CheckContext, rack_id: str) -> tuple | None:
    """The class of instance `rack_id` when it follows its rack design exactly (see the module
    docstring), else None. Once per rack per pass."""
    key = ("reuse class", rack_id)
    memo = ctx.memo
    if key not in memo:
        memo[key] = _follows(ctx, rack_id)
    return memo[key]


def _follows(ctx: CheckContext, rack_id: str) -> tuple | None:
    d = ctx.design
    rack = d.racks.get(rack_id)
    if rack is None or rack.rack_design is None or rack.overrides or not rack.name:
        return None
    rd = d.rack_designs.get(rack.rack_design)
    if rd is None or rd.rack_type != rack.rack_type:
        return None
    devices, connections = _design_tables(ctx, rd)
    if len(ctx.rack_devices(rack_id)) != len(devices):
        return None
    prefix = rack_id + SEP
    named = rack.name + "-"
    for local, (src, fields) in devices.items():
        dev = d.devices.get(prefix + local)
        if dev is None or dev.name != named + src.name or dev.name_generated is not None:
            return None
        if src.parent is None:
            if dev.rack != rack_id or dev.parent is not None:
                return None
        elif dev.rack is not None or dev.parent != prefix + src.parent:
            return None
        own = dev.__dict__
        if any(own[k] != v for k, v in fields):
            return None
    for local, (src, fields) in connections.items():
        conn = d.connections.get(prefix + local)
        if conn is None or any(conn.__dict__[k] != v for k, v in fields):
            return None
        for end, mine in ((src.a, conn.a), (src.b, conn.b)):
            if mine.owner != prefix + end.owner or mine.port != end.port or mine.leg != end.leg:
                return None
        label = src.label.replace(RACK_TOKEN, rack.name) if src.label else src.label
        if conn.label != label:
            return None
    # every device of the rack is one of the design's (same count, each expected one present in it)
    return rack.rack_design, id(rd), rack.rack_type, rack.hall


def _design_tables(ctx: CheckContext, rd: RackDesign) -> tuple[dict, dict]:
    """Per design device and connection: (its record, the fields an instance's record must equal)."""
    key = ("reuse design", rd.slug, id(rd))
    found = ctx.memo.get(key)
    if found is None:
        devices = {k: (v, tuple((f, x) for f, x in v.__dict__.items() if f not in _DEVICE_OWN))
                   for k, v in rd.devices.items()}
        connections = {k: (v, tuple((f, x) for f, x in v.__dict__.items() if f not in _CONNECTION_OWN))
                       for k, v in rd.connections.items()}
        found = ctx.memo[key] = (devices, connections)
    return found


# --- choosing a representative and a witness -----------------------------------------------------------

def _words(rack: Rack) -> tuple[str, str]:
    return rack.id, rack.name


def _clean(rack: Rack) -> bool:
    """A rack whose id and name can be told apart in a text: neither holds the other."""
    a, b = _words(rack)
    return bool(a and b) and a not in b and b not in a


def _apart(one: Rack, other: Rack) -> bool:
    """No word of one rack occurs in a word of the other."""
    return all(x not in y and y not in x for x in _words(one) for y in _words(other))


def _pair(members: list[tuple[str, Rack]]):
    """(representative, witness) among a class's members, or None when no two can be told apart."""
    rep = next((m for m in members if _clean(m[1])), None)
    if rep is None:
        return None
    witness = next((m for m in members if m is not rep and _clean(m[1]) and _apart(rep[1], m[1])), None)
    return None if witness is None else (rep, witness)
