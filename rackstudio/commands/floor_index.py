"""Qt-free. Where footprints stand on each hall's floor, in tile buckets, so "does this box overlap
anything" looks at the few footprints near the box instead of every footprint of the hall.

The fit predicate (`fit._floor_fit`) asks it on every snapped step of a drag and for every rack
and floor unit a command places; without it a 1,000-rack hall tests ~2,000 footprints per
question, and generating a 5,000-rack hall is quadratic.

One index per design, built on the first question and kept up to date by the command writes
(`note`, called by `commands.base` for every record a command puts or removes, on apply and on
revert). It remembers the part and rack types whose footprints it holds and is built again
when one of them is no longer the design's (an updated type, or a fit tried with a type swapped
in, as `UpdatePartType` does). An edit made straight through `Design.put` outside a command (tests, loaders building a
design) is not seen: call `forget(design)` after such edits if the index may exist.
"""
from __future__ import annotations

import math
import weakref
from collections.abc import Iterator

from rackstudio.model import geometry
from rackstudio.model.design import Design, Device, Rack

Box = tuple[float, float, float, float]
BUCKET_MM = 1200.0  # a rack's depth: a typical footprint covers one to four buckets
_MAX_BUCKETS = 64  # a footprint over more buckets than this is tested with every question


def _buckets(box: Box) -> list[tuple[int, int]] | None:
    """The buckets a box covers, or None for one too large (or not finite) to bucket."""
    x0, y0, x1, y1 = box
    if not math.isfinite(x0 + y0 + x1 + y1):
        return None
    bx0, bx1 = sorted((math.floor(x0 / BUCKET_MM), math.floor(x1 / BUCKET_MM)))
    by0, by1 = sorted((math.floor(y0 / BUCKET_MM), math.floor(y1 / BUCKET_MM)))
    if (bx1 - bx0 + 1) * (by1 - by0 + 1) > _MAX_BUCKETS:
        return None
    return [(bx, by) for bx in range(bx0, bx1 + 1) for by in range(by0, by1 + 1)]


class FloorIndex:
    """Footprints per hall in tile buckets: id → (hall, box, buckets); (hall, bucket) → ids."""

    def __init__(self, design: Design):
        self._where: dict[str, tuple[str, Box, list[tuple[int, int]] | None]] = {}
        self._bucket: dict[tuple[str, int, int], set[str]] = {}
        self._wide: dict[str, set[str]] = {}  # hall → ids tested with every question
        self._types: dict[tuple[str, str], object] = {}  # ("rack_types" | "part_types", slug) → the type used
        for rack in design.racks.values():
            self.update(design, rack.id, rack)
        for hall_id in design.halls:
            for dev_id in design.contents(hall_id):
                self.update(design, dev_id, design.devices.get(dev_id))

    def _add(self, obj_id: str, hall_id: str, box: Box) -> None:
        cells = _buckets(box)
        self._where[obj_id] = (hall_id, box, cells)
        if cells is None:
            self._wide.setdefault(hall_id, set()).add(obj_id)
            return
        for bx, by in cells:
            self._bucket.setdefault((hall_id, bx, by), set()).add(obj_id)

    def _remove(self, obj_id: str) -> None:
        entry = self._where.pop(obj_id, None)
        if entry is None:
            return
        hall_id, _, cells = entry
        if cells is None:
            self._wide[hall_id].discard(obj_id)
            return
        for bx, by in cells:
            ids = self._bucket[(hall_id, bx, by)]
            ids.discard(obj_id)
            if not ids:
                del self._bucket[(hall_id, bx, by)]

    def update(self, design: Design, obj_id: str, record: Rack | Device | None) -> None:
        """Follow one record written (None: removed)."""
        self._remove(obj_id)
        if isinstance(record, Rack):
            if record.hall in design.halls and record.rack_type in design.rack_types:
                self._types[("rack_types", record.rack_type)] = design.rack_types[record.rack_type]
                self._add(obj_id, record.hall, geometry.rack_footprint(design, record))
        elif isinstance(record, Device) and record.hall is not None and record.rack is None \
                and record.parent is None and record.part in design.part_types:
            self._types[("part_types", record.part)] = design.part_types[record.part]
            self._add(obj_id, record.hall, geometry.floor_footprint(design, record))

    def current(self, design: Design) -> bool:
        """Whether every type it measured footprints with is still the design's."""
        return all(getattr(design, table).get(slug) is used for (table, slug), used in self._types.items())

    def overlapping(self, hall_id: str, box: Box) -> Iterator[str]:
        """Ids whose footprints share area with `box` on the hall's floor, by id."""
        cells = _buckets(box)
        near: set[str] = set(self._wide.get(hall_id, ()))
        if cells is None:
            near.update(i for i, (h, _, _) in self._where.items() if h == hall_id)
        else:
            for bx, by in cells:
                near.update(self._bucket.get((hall_id, bx, by), ()))
        hits = [i for i in near if geometry.boxes_overlap(box, self._where[i][1])]
        return iter(sorted(hits))


_INDEXES: dict[int, tuple[weakref.ref, FloorIndex]] = {}


def of(design: Design) -> FloorIndex:
    """The design's floor index, built on first use."""
    key = id(design)
    entry = _INDEXES.get(key)
    if entry is not None and entry[0]() is design   and entry[1].current(design):
        return entry[1]
    index = FloorIndex(design)
    _INDEXES[key] = (weakref.ref(design, lambda _, k=key: _INDEXES.pop(k, None)), index)
    return index


def forget(design: Design) -> None:
    """Drop the design's index (built again when next asked)."""
    entry = _INDEXES.get(id(design))
    if entry is not None and entry[0]() is design:
        del _INDEXES[id(design)]


def note(design: Design, collection: str, key: str, record) -> None:
    """A command wrote `record` (None: removed) under `key` in `collection`: follow it."""
    entry = _INDEXES.get(id(design))
    if entry is None or entry[0]() is not design:
        return
    if collection in ("racks", "devices"):
        entry[1].update(design, key, record)
