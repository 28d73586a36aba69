"""Qt-free. Failure simulation for the editor: fail one feed, panel, UPS, PDU, power shelf or CDU
and say what goes dark, what only loses redundancy and which survivors are pushed over capacity.

Power failures come from `graph.queries.failure_impact` (topology: dark includes PDUs left
without a live input) and `checks.rules.failover.scenario` (the load the survivors then carry).
A CDU failure takes its coolant loop: the devices it cools lose cooling when it was the loop's
only CDU, else they lose redundancy and the remaining CDUs may be over capacity.
"""
from __future__ import annotations

from dataclasses import dataclass

from rackstudio.checks import coolant
from rackstudio.checks.context import CheckContext
from rackstudio.checks.metrics import device_heat
from rackstudio.checks.phrasing import Basis
from rackstudio.checks.power_flow import is_failure_element
from rackstudio.checks.rules.failover import scenario
from rackstudio.graph import queries
from rackstudio.graph.component_graph import ComponentGraph
from rackstudio.model.design import Design

__all__ = ["Simulation", "can_fail", "simulate"]

_SHOWN = 3


@dataclass(frozen=True)
class Simulation:
    """One failure. `dark`: devices that lose power (or, for a CDU, cooling); `degraded`: devices
    that keep running on fewer paths; `overloads`: (node, load W after, what it is compared with)."""

    failed: str
    kind: str  # "power" or "coolant"
    dark: tuple[str, ...]
    degraded: tuple[str, ...]
    overloads: tuple[tuple[str, float, Basis], ...]

    def summary(self, design: Design) -> str:
        def name(obj_id: str) -> str:
            return getattr(design.get(obj_id), "name", obj_id)

        def listed(ids) -> str:
            shown = ", ".join(sorted(name(i) for i in ids)[:_SHOWN])
            return shown + (f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else "")

        loses = "cooling" if self.kind == "coolant" else "power"
        parts = [f"Failure of {name(self.failed)}:"]
        n_dark, n_deg = len(self.dark), len(self.degraded)
        parts.append(f"{n_dark} device{'s' * (n_dark != 1)} lose{'s' * (n_dark == 1)} {loses}"
                     + (f" ({listed(self.dark)})" if n_dark else "") + ";")
        parts.append(f"{n_deg} lose{'s' * (n_deg == 1)} redundancy" + (f" ({listed(self.degraded)})" if n_deg else "")
                     + ";")
        if self.overloads:
            over = "; ".join(f"{name(node)} {basis.state(load)}" for node, load, basis in self.overloads[:_SHOWN])
            more = f" and {len(self.overloads) - _SHOWN} more" if len(self.overloads) > _SHOWN else ""
            parts.append(f"overloaded: {over}{more}")
        else:
            parts.append("no survivor over capacity")
        return " ".join(parts)


def can_fail(design: Design, graph: ComponentGraph, obj_id: str) -> bool:
    """Whether the simulation can fail `obj_id`: a feed, panel, UPS, PDU, power shelf or CDU."""
    if obj_id not in graph.g:
        return False
    ctx = CheckContext(design, graph)
    return is_failure_element(ctx, obj_id) or coolant.is_cdu(ctx, obj_id)


def simulate(design: Design, graph: ComponentGraph, failed: str) -> Simulation:
    """What failing `failed` does to the design (nothing is changed). ValueError if it cannot fail."""
    ctx = CheckContext(design, graph)
    if coolant.is_cdu(ctx, failed) and not is_failure_element(ctx, failed):
        return _cdu_failure(ctx, failed)
    if failed not in graph.g or not is_failure_element(ctx, failed):
        raise ValueError(f"{failed!r} is not a feed, panel, UPS, PDU, power shelf or CDU")
    impact = queries.failure_impact(graph, failed)
    overloads = scenario(ctx, failed).overloads
    return Simulation(failed, "power", tuple(impact.loses_power), tuple(impact.loses_redundancy),
                      tuple((node, round(load, 1), cap) for node, load, cap in overloads))


def _cdu_failure(ctx: CheckContext, cdu_id: str) -> Simulation:
    loop = coolant.loop_of(ctx, cdu_id)
    served = sorted(x for x in coolant.loop_devices(ctx, loop)
                    if x != cdu_id and coolant.served_loop(ctx, x) == loop and coolant.needs_liquid(ctx, x))
    others = [c for c in loop.cdus if c != cdu_id]
    if not others:
        return Simulation(cdu_id, "coolant", tuple(served), (), ())
    heat = sum(device_heat(ctx, x).liquid_w for x in served)
    capacity = Basis(sum(coolant.cdu_spec(ctx, c).capacity_kw for c in others) * 1000, "CDU capacity",
                     f"{len(others)} remaining CDU{'s' * (len(others) != 1)}")
    overloads = ((others[0], round(heat, 1), capacity),) if heat > capacity.value else ()
    return Simulation(cdu_id, "coolant", (), tuple(served), overloads)
