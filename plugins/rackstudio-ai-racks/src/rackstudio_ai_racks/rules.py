"""The rule pack: site standards RackStudio's built-in rules do not impose.

A rule is `fn(context, subject_id)` yielding `Hit`s; `context` is RackStudio's read-only
`PluginContext` (SI units) and the subject is the id of what the manifest's `scope` names.
"""
from __future__ import annotations

from collections.abc import Iterator

from rackstudio.plugins.api import Hit, PluginContext

# Site standard (U, a project choice): at most 35 kW of heat to room air per rack. Air ceilings:
# ~25-30 kW per rack typical, ~41 kW with perfect containment; passive rear doors to ~35 kW
# (engineering.md 3.3 [FLASHGENIUS], [AIDCG-5.3], [YOBITEL]).
AIR_LIMIT_W = 35_000.0


def no_air_above_35kw(context: PluginContext, rack_id: str) -> Iterator[Hit]:
    """A rack whose heat to air (its devices' load less what goes to liquid) is above 35 kW."""
    load = context.rack_load(rack_id)
    if load.heat_air_w > AIR_LIMIT_W:
        rack = context.rack(rack_id)
        yield Hit(f"Rack {rack.name}: {context.kw(load.heat_air_w):.1f} kW of heat to air; the site standard "
                  f"allows {context.kw(AIR_LIMIT_W):g} kW per air-cooled rack (move load to liquid cooling or "
                  "spread it over more racks)",
                  (rack_id,), {"heat_air_w": round(load.heat_air_w, 1), "limit_w": AIR_LIMIT_W})
