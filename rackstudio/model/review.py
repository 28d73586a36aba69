"""Qt-free. What reviewers add to a design: comments, check waivers, sign-off records,
and the per-design check thresholds."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from rackstudio.model.base import Record


class CheckSettings(Record):
    """Thresholds the checks use, saved with the design. Defaults follow engineering.md; those it
    marks U (unverified) are project choices a user may change."""

    derating: float = Field(default=0.80, gt=0, le=1, description="continuous-load limit (NEC 210.20(A))")
    breaker_warning: float = Field(default=0.60, gt=0, le=1, description="PWR-002 (U)")
    bank_warning: float = Field(default=0.64, gt=0, le=1, description="PWR-003 warning (U)")
    imbalance_warning_pct: float = Field(default=20.0, gt=0, description="PWR-008 [STECH-IMB]")
    imbalance_info_pct: float = Field(default=10.0, gt=0)
    rack_budget_warning: float = Field(default=0.90, gt=0, le=1)
    shelf_margin_warning: float = Field(default=0.10, ge=0, le=1)
    air_density_limit_kw: float = Field(default=30.0, gt=0, description="COOL-002 (U)")
    air_capacity_warning: float = Field(default=0.80, gt=0, le=1)
    cdu_capacity_warning: float = Field(default=0.90, gt=0, le=1)
    air_delta_t_k: float = Field(default=15.0, gt=0, description="server air ΔT for CFM estimates")
    weight_warning: float = Field(default=0.90, gt=0, le=1)
    cable_slack_min_m: float = Field(default=0.5, ge=0, description="engineering.md 4.5 (U)")
    cable_slack_pct: float = Field(default=0.10, ge=0)
    tray_drop_mm: float = Field(default=300, ge=0)
    dac_margin: float = Field(default=0.80, gt=0, le=1)
    cold_aisle_min_mm: float = Field(default=1200, gt=0, description="SPC-008 [RISA]")
    max_row_racks: int = Field(default=20, ge=1)
    inrush_trip_multiple: float = Field(default=5.0, gt=0, description="PWR-015 instantaneous trip × rating (U)")
    delta_t_range_k: tuple[float, float] = Field(default=(5.0, 25.0), description="LIB-005 plausible air ΔT (U)")
    connector_length_mm: float = Field(default=0.0, ge=0, description="CAB-010 plug length behind a port (U)")
    front_setback_mm: float = Field(default=0.0, ge=0, description="front rail behind the rack front (U)")
    dew_point_margin_k: float = Field(default=2.0, ge=0, description="COOL-007 supply above dew point")
    cog_limit: float = Field(default=0.50, gt=0, le=1, description="SPC-005 centre of gravity share of height (U)")
    panel_clearance_mm: float = Field(default=914.0, ge=0, description="SPC-010 NFPA 70 110.26 [RF-NEC] (S)")
    wall_clearance_mm: float = Field(default=1200.0, ge=0, description="SPC-010 cabinets to walls [NL] (S)")
    netbox_compat: bool = False
    worst_case: bool = Field(default=False, description="check on max_W instead of allocated_W")
    waiver_tolerance: float = Field(default=0.05, ge=0, description=(
        "a waived finding is open again once its measure is worse than when it was waived by more "
        "than this share of the waived figure (U)"))
    disabled_rules: tuple[str, ...] = ()
    severity_overrides: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)


class Comment(Record):
    id: str
    target: str | None = Field(default=None, description="id of a rack, device, connection, or a finding key")
    author: str
    created: str = Field(description="ISO 8601 time")
    text: str
    status: Literal["open", "resolved"] = "open"


class Waiver(Record):
    """A finding accepted on purpose: it stays listed but no longer counts as an error."""

    id: str
    finding: str = Field(description="the finding's key: rule id and the objects it is about")
    reason: str = Field(min_length=1)
    author: str
    created: str
    figures: dict[str, float] = Field(default_factory=dict, description=(
        "the finding's figures when it was waived (numbers only; none in files before format 3)"))


class ReviewRecord(Record):
    reviewer: str
    date: str
    note: str = ""
    revision: str = ""
