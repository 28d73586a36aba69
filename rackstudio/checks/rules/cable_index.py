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

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

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
    lengths: dict[tuple, list[float | None]] = field(default_factory=dict)  # kind → its cables' length_m, in order
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
    """The index, from one walk over the connections that reads each record's fields from its
    `__dict__` (pydantic keeps them there): an attribute read of a pydantic record goes through its
    class's `__getattr__` hook, and 13 of them per cable were a third of the walk (0.13 s at 1,000
    racks). The cables' lengths are kept by kind as the walk passes them: reading them again from
    90,000 records scattered in memory took CAB-001's candidates 23 ms more."""
    design = ctx.design
    index = NetworkIndex(ports_once=_ports_used_once(design))
    part_key = _part_keys(ctx)[0].get  # None: not a device
    kinds: dict[tuple, tuple[list[Connection], list[float | None]]] = {}
    for conn in design.connections.values():
        fields = conn.__dict__
        if fields["kind"] != "network":
            continue
        a, b = fields["a"], fields["b"]  # ends are slotted dataclasses: plain attribute reads
        key = (part_key(a.owner), a.port, a.leg, fields["a_end"], part_key(b.owner), b.port, b.leg,
               fields["b_end"], fields["media"], fields["fibre"])
        kind = kinds.get(key)
        if kind is None:
            kinds[key] = ([conn], [fields["length_m"]])
        else:
            kind[0].append(conn)
            kind[1].append(fields["length_m"])
    index.groups = {key: same for key, (same, _) in kinds.items()}
    index.lengths = {key: lengths for key, (_, lengths) in kinds.items()}
    _cage_facts(design, index)
    return index


def longer_than(index: NetworkIndex, key: tuple, limit: float) -> list[str]:
    """The ids of the cables of a kind with no length or one over `limit` m, read from the kind's
    lengths (most kinds have none, and are passed over without touching a cable)."""
    lengths = index.lengths[key]
    if None not in lengths and max(lengths) <= limit:
        return []
    return [conn.id for conn, length in zip(index.groups[key], lengths, strict=True) if length is None or length > limit]


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
        found = ctx.memo[_BY_PART] = [(design.part_of(same[0]), same) for same in _part_keys(ctx)[1].values()]
    return found


_BY_PART = "cabling devices by part"


def _part_keys(ctx: CheckContext) -> tuple[dict[str, str | tuple[str]], dict[str | tuple[str], list[Device]]]:
    """(device id → its part key, part key → its devices), once per full pass from one walk over the
    devices (read from their `__dict__`, as `_build` reads cables: 34,000 devices walked once for
    the network index and `devices_by_part` both, not twice, 15 ms each at 1,000 racks). A device's
    part key is its part's slug, or for a device with modules its own id (its fitted part)."""
    found = ctx.memo.get(_PART_KEYS)
    if found is None:
        keys: dict[str, str | tuple[str]] = {}
        by_key: dict[str | tuple[str], list[Device]] = {}
        for device in ctx.design.devices.values():
            fields = device.__dict__
            key = keys[fields["id"]] = fields["part"] if not fields["modules"] else (fields["id"],)
            same = by_key.get(key)
            if same is None:
                by_key[key] = [device]
            else:
                same.append(device)
        found = ctx.memo[_PART_KEYS] = keys, by_key
    return found


_PART_KEYS = "cabling part keys"


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


def network_ends(ctx: CheckContext) -> dict[tuple[str | tuple[str], str], int]:
    """(part key, port) → how many network cable ends are on that port of the devices with that
    part key (see `_part_keys`), counted kind by kind, once per full pass."""
    found = ctx.memo.get(_ENDS)
    if found is None:
        found = ctx.memo[_ENDS] = {}
        for key, same in network_index(ctx).groups.items():
            for end in (key[0:2], key[4:6]):
                if end[0] is not None:
                    found[end] = found.get(end, 0) + len(same)
    return found


_ENDS = "network cable ends by part and port"


def devices_keyed(ctx: CheckContext) -> list[tuple[str | tuple[str], PartType, list[Device]]]:
    """`devices_by_part` with each part's key (see `_part_keys`)."""
    return [(key, part, devices) for key, (part, devices) in zip(_part_keys(ctx)[1], devices_by_part(ctx), strict=True)]


def fires(ctx: CheckContext, fn: RuleFn, subject: str) -> bool:
    """Whether `fn` fires (or fails) on `subject`: the first subject of a kind speaks for its kind."""
    try:
        return next(iter(fn(ctx, subject)), None) is not None
    except Exception:
        return True


def device_kinds_firing(ctx: CheckContext, fn: RuleFn, applies: Callable[[PartType], bool],
                        kind: Callable[[dict[str, Any]], Hashable]) -> Iterator[str]:
    """Candidates of a device rule whose findings on a device depend on nothing but its part and
    `kind(fields)` of its record's fields (None: it never fires): every device of each part that
    `applies` and each kind whose first device `fn` fires on (or fails on). The fields are the
    record's `__dict__`, as `_build` reads cables."""
    for part, devices in devices_by_part(ctx):
        if not applies(part):
            continue
        kinds: dict[Hashable, list[str]] = {}
        for device in devices:
            fields = device.__dict__
            found = kind(fields)
            if found is not None:
                same = kinds.get(found)
                if same is None:
                    kinds[found] = [fields["id"]]
                else:
                    same.append(fields["id"])
        for same in kinds.values():
            if fires(ctx, fn, same[0]):
                yield from same


def kinds_firing(ctx: CheckContext, fn: RuleFn) -> Iterator[str]:
    """Candidates of a placement-free connection rule: every cable of each kind whose first cable
    `fn` fires on (or fails on)."""
    for same in network_index(ctx).groups.values():
        if fires(ctx, fn, same[0].id):
            yield from [conn.id for conn in same]
