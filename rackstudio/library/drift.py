"""Qt-free. Library drift: which parts a design embeds differ from the catalog's current ones.

A design embeds every part it uses, so a library or plugin update never changes an open design
by itself. `part_drift` lists the embedded parts whose definition (`PartType.content_hash`,
origin excluded) differs from the catalog's, or that the catalog no longer has. Taking the newer
definitions is one undoable command (`commands.records.update_parts` over `updatable_parts`),
which the UI offers and the user accepts or not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rackstudio.library.catalog import Catalog
from rackstudio.model.design import Design
from rackstudio.model.parts import PartType

__all__ = ["PartDrift", "part_drift", "updatable_parts"]

DriftStatus = Literal["changed", "not-in-library", "unreadable"]


@dataclass(frozen=True)
class PartDrift:
    """One embedded part that differs from the library. `current` is the library's definition
    (None when the library no longer has it or cannot read it); `devices` how many use it."""

    slug: str
    status: DriftStatus
    embedded: PartType
    current: PartType | None
    source: str | None  # the catalog source now defining it
    devices: int
    reason: str = ""

    @property
    def updatable(self) -> bool:
        return self.current is not None

    def describe(self) -> str:
        name = f"{self.embedded.manufacturer} {self.embedded.model}"
        used = f"{self.devices} device{'s' if self.devices != 1 else ''}"
        if self.status == "changed":
            return f"{name} ({used}): the {self.source} library has a different definition"
        if self.status == "unreadable":
            return f"{name} ({used}): the {self.source} library definition cannot be read: {self.reason}"
        return f"{name} ({used}): no longer in the library; the design keeps its own definition"


def part_drift(design: Design, catalog: Catalog, include_missing: bool = False) -> list[PartDrift]:
    """Embedded parts whose catalog definition differs, sorted by slug. With `include_missing`,
    also those the catalog does not have (a factory-made or since-removed part)."""
    users: dict[str, int] = {}
    for device in design.devices.values():
        users[device.part] = users.get(device.part, 0) + 1
    out = []
    for slug in sorted(design.part_types):
        embedded = design.part_types[slug]
        entry = catalog.by_slug(slug)
        if entry is None:
            if include_missing:
                out.append(PartDrift(slug, "not-in-library", embedded, None, None, users.get(slug, 0)))
            continue
        result = catalog.load(entry)
        if result.part is None:
            out.append(PartDrift(slug, "unreadable", embedded, None, entry.source, users.get(slug, 0),
                                 str(result.error)))
        elif result.part.content_hash() != embedded.content_hash():
            out.append(PartDrift(slug, "changed", embedded, result.part, entry.source, users.get(slug, 0)))
    return out


def updatable_parts(drifts: list[PartDrift]) -> list[PartType]:
    """The library's definitions of the drifts it still has (for `update_parts`)."""
    return [d.current for d in drifts if d.current is not None]
