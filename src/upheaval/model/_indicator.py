"""Indicators: observable patterns in event data that signal one variant of a descriptor."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from upheaval.model._common import Cites, _Part

__all__ = ["EventPattern", "Indicator", "IndicatorRule"]


class EventPattern(_Part):
    """Which events count: source and target actors (model codes), CAMEO codes or roots, quad classes."""

    source: list[str] = Field(default_factory=list)
    target: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    roots: list[str] = Field(default_factory=list)
    quad_class: list[int] = Field(default_factory=list)
    both_directions: bool = False


class IndicatorRule(_Part):
    """When the measure signals the variant: above a threshold, or a change against a baseline."""

    op: Literal[">=", ">", "<=", "<"] = ">="
    threshold: float | None = None
    baseline: str | None = Field(default=None, description="window before the period, e.g. 90d")
    factor: float | None = Field(default=None, gt=0)


class Indicator(_Part):
    """An observable pattern in event data that signals ``signals`` (``descriptor.variant``)."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    label: str = Field(min_length=1)
    signals: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*\.[A-Za-z][A-Za-z0-9_\-]*$")
    pattern: EventPattern
    measure: Literal["count", "intensity_sum", "mean_intensity", "mean_tone", "mention_share"] = "count"
    window: str = Field(default="30d", pattern=r"^\d+[dwmy]$")
    rule: IndicatorRule = Field(default_factory=IndicatorRule)
    rationale: str = ""
    cites: Cites
