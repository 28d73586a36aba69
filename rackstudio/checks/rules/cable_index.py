"""Qt-free. How the cabling rules (rules.cabling, rules.optics) skip, in a full pass, the cables and
devices they cannot fire on, without calling the rule on each of them.

A rule's per-subject function stays its definition; `batched(candidates, collection)` gives it a
`batch` that, in a full pass, runs that function only on the subjects `candidates(ctx, fn)` names (a
superset of those it fires on), and in an update on every subject asked (no whole-design table is
built then). tests/core/test_checks_cabling_batch.py holds each batch to its function.

What makes the candidates cheap is one table per pass over the network cables (`network_index`):
- cables by *kind* (`groups`): the same part and port at each end, the same media, the same optic
  or cable assembly at each end, legs and fibre. A rule whose findings on a cable depend on nothing
  else (the placement-free ones: cage, lane rate, XDR media, port roles) fires on every cable of a
  kind or on none: it runs on the first cable of each kind, and on the others only when that one
  fires (at 1,000 racks: ~600 kinds for 90,000 network cables);
- read from those kinds: the devices whose cages may hold cables naming different plugs or fibres,
  or a splitter fibre (CAB-005), and the devices with a broken-out port (CAB-006);
- whether any port holds two cables of a kind (CAB-015), from the design's port index: an entry
  of it is always a port a current cable uses (`Design.put`/`delete` drop an entry with the cable
  holding it), so as many entries as cable ends means no port is shared (model.integrity).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rackstudio.checks.context import CheckContext
from rackstudio.checks.rule import Hit, RuleFn
from rackstudio.model import optics
from rackstudio.model.design import Connection, Design, Device
from rackstudio.model.integrity import _ports_used_once
from rackstudio.model.parts import PartType

Candidates = Callable[[CheckContext, RuleFn], Iterable[str]]


def batched(candidates: Candidates, collection: str) -> Callable[[RuleFn], RuleFn]:
    """Decorator (below `@rule`): `fn.batch(ctx, subjects)`, the per-subject results of `fn` on the
    subjects `candidates(ctx, fn)` names in a full pass (the others have none), on each subject asked in
    an update. Should `candidates` fail, every subject is run, so a failure is reported where the
    rule itself fails. `collection` is the design's collection of the rule's subjects: as many
    subjects as it holds are all of them (the engine hands a batch distinct, existing subjects)."""

    def wrap(fn: RuleFn) -> RuleFn:
        def batch(ctx: CheckContext, subjects: list[str]) -> tuple[dict[str, list[Hit]], dict[str, str]]:
            run: Iterable[str] = subjects
            if ctx.full_pass:
                try:
                    chosen = list(dict.fromkeys(candidates(ctx, fn)))
                except Exception:  # the rule on each subject says what is wrong, subject by subject
                    chosen = None
                if chosen is not None and len(subjects) == len(getattr(ctx.design, collection)):
                    run = chosen
                elif chosen is not None:
                    wanted = set(subjects)
                    run = [s for s in chosen if s in wanted]
            hits: dict[str, list[Hit]] = {}
            failed: dict[str, str] = {}
            for subject in run:
                try:
                    found = list(fn(ctx, subject))
                except Exception as exc:  # as the engine reports a rule failing on one subject
                    failed[subject] = f"{type(exc).__name__}: {exc}"
                    continue
                if found:
                    hits[subject] = found
            return hits, failed

        fn.batch = batch  # type: ignore[attr-defined]
        return fn

    return wrap


@dataclass
class NetworkIndex:
    """The network cables of a design as the cabling rules' candidates read them (module docstring)."""

    groups: dict[tuple, list[Connection]] = field(default_factory=dict)  # kind of cable → its cables
    cage_suspects: set[str] = field(default_factory=set)  # devices: a cage with several plugs, a splitter fibre
    legged: set[str] = field(default_factory=set)  # devices with a network cable on a breakout leg
    ports_once: bool = True  # no two cables of a kind share a port (then no cage of one port holds two)


def network_index(ctx: CheckContext) -> NetworkIndex:
    """The pass's NetworkIndex over the whole design, built once (full passes only)."""
    found = ctx.memo.get(_INDEX)
    if found is None:
        found = ctx.memo[_INDEX] = _build(ctx)
    return found


_INDEX = "cabling network index"


def _build(ctx: CheckContext) -> NetworkIndex:
    design = ctx.design
    index = NetworkIndex(ports_once=_ports_used_once(design))
    groups = index.groups
    # a device's part by its slug, a device with modules by its own fitted part; None: not a device
    part_key = {d.id: d.part if not d.modules else (d.id,) for d in design.devices.values()}.get
    for conn in design.connections.values():
        if conn.kind != "network":
            continue
        a, b = conn.a, conn.b
        key = (part_key(a.owner), a.port, a.leg, conn.a_end, part_key(b.owner), b.port, b.leg, conn.b_end,
               conn.media, conn.fibre)
        same = groups.get(key)
        if same is None:
            groups[key] = [conn]
        else:
            same.append(conn)
    _cage_facts(design, index)
    return index


def _cage_facts(design: Design, index: NetworkIndex) -> None:
    """CAB-005's and CAB-006's devices, read kind by kind (the cables of a kind have the same part,
    port, leg, plug and fibre at each end): a cage of a part whose cables name more than one plug or
    fibre (a twin-port cage, a broken-out port) makes every device of the part with a cable in such
    a cage a suspect."""
    plugs: dict[tuple, set[tuple[str | None, str | None]]] = {}  # (part, cage) → (plug, fibre) in it
    caged: list[tuple[tuple, list[Connection], str]] = []  # ((part, cage), cables of a kind, side)
    parts = {}
    for key, same in index.groups.items():
        fibre = key[9]
        for side, (part_key, port, leg, plug) in (("a", key[0:4]), ("b", key[4:8])):
            if part_key is None:  # not a device
                continue
            if leg is not None:
                index.legged.update(getattr(conn, side).owner for conn in same)
            if fibre == "splitter":
                index.cage_suspects.update(getattr(conn, side).owner for conn in same)
            part = parts.get(part_key)
            if part is None:
                part = parts[part_key] = (design.part_types[part_key] if isinstance(part_key, str)
                                          else design.part_of(design.devices[part_key[0]]))
            if leg is not None or part.rackstudio.ports_per_cage == 2:
                cage = (part_key, optics.cage_of(part, port))
                plugs.setdefault(cage, set()).add((plug, fibre))
                caged.append((cage, same, side))
    for cage, same, side in caged:
        if len(plugs[cage]) > 1:
            index.cage_suspects.update(getattr(conn, side).owner for conn in same)


def devices_by_part(ctx: CheckContext) -> list[tuple[PartType, list[Device]]]:
    """The design's devices by part (a device with modules alone, by its fitted part), once per full
    pass: a device rule's candidates test a part once, not once per device."""
    found = ctx.memo.get(_BY_PART)
    if found is None:
        design = ctx.design
        by_key: dict[str | tuple[str], list[Device]] = {}
        for device in design.devices.values():
            by_key.setdefault(device.part if not device.modules else (device.id,), []).append(device)
        found = ctx.memo[_BY_PART] = [(design.part_of(same[0]), same) for same in by_key.values()]
    return found


_BY_PART = "cabling devices by part"


def devices_passing(ctx: CheckContext, applies: Callable[[PartType], bool]) -> list[str]:
    """The ids, sorted, of the devices whose part `applies` (asked once per part), from one table
    per full pass of every device id, sorted, with its part's place in `devices_by_part`: a dozen
    device rules each ask, and sorting each one's candidates anew took up to 15 ms at 1,000 racks."""
    by_part = devices_by_part(ctx)
    table = ctx.memo.get(_SORTED_BY_PART)
    if table is None:
        place = {d.id: i for i, (_, same) in enumerate(by_part) for d in same}
        ids = sorted(place)
        table = ctx.memo[_SORTED_BY_PART] = (ids, [place[x] for x in ids])
    ids, places = table
    ok = {i for i, (part, _) in enumerate(by_part) if applies(part)}
    return [x for x, i in zip(ids, places, strict=True) if i in ok]


_SORTED_BY_PART = "device ids sorted, with their part's place"


def kinds_firing(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """Candidates of a placement-free connection rule: every cable of each kind whose first cable
    `fn` fires on (or fails on)."""
    for same in network_index(ctx).groups.values():
        try:
            fires = next(iter(fn(ctx, same[0].id)), None) is not None
        except Exception:
            fires = True
        if fires:
            yield from [conn.id for conn in same]
