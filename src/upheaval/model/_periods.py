"""Period plans: how a system's descriptors carry over from one period to the next."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from upheaval.model._common import _Part

__all__ = ["PeriodPlan", "ScheduledChange"]


class ScheduledChange(_Part):
    """Variants fixed from the outset of one period (``fix``: descriptor -> variant)."""

    period: str
    fix: dict[str, str]


class PeriodPlan(_Part):
    """Labels of the periods, per-descriptor inertia, irreversible variants, scheduled changes.

    ``inertia[d]`` is added to the impact balance of the variant descriptor ``d`` held in
    the previous period; an ``irreversible`` variant (``descriptor.variant``), once reached,
    is kept in every later period.
    """

    labels: list[str] = Field(min_length=1)
    inertia: dict[str, Annotated[int, Field(ge=0, le=9)]] = Field(default_factory=dict)
    irreversible: list[str] = Field(default_factory=list)
    scheduled: list[ScheduledChange] = Field(default_factory=list)

    @field_validator("labels")
    @classmethod
    def _unique_labels(cls, labels: list[str]) -> list[str]:
        seen = [x for k, x in enumerate(labels) if x in labels[:k]]
        if seen:
            raise ValueError(f"period labels must be unique; `{seen[0]}` appears twice")
        return labels
