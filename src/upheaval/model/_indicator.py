"""Indicators: observable patterns in event data that signal one variant of a descriptor."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from upheaval.model._common import Cites, _Part

__all__ = [
    "DEFAULT_FALSE_ALARM",
    "DEFAULT_HIT",
    "Alert",
    "EventPattern",
    "Indicator",
    "IndicatorRule",
    "PriorWeight",
    "TrackingSettings",
]

DEFAULT_HIT = 0.8
"""P(rule holds | the signalled variant) when an indicator declares no ``likelihood`` for it."""
DEFAULT_FALSE_ALARM = 0.2
"""P(rule holds | any other variant of the descriptor) when the indicator declares none for it."""

Probability = Annotated[float, Field(ge=0, le=1)]


class EventPattern(_Part):
    """Which events count: source and target actors (model codes), CAMEO codes or roots, quad classes.

    ``codes`` match as prefixes, following CAMEO's hierarchy (``"072"`` also matches ``"0721"``);
    PLOVER event types (``"AID"``) match POLECAT events. ``roots`` are two-digit CAMEO roots;
    POLECAT events carry the nearest CAMEO root of their PLOVER type. An empty list matches
    everything. ``datasets`` restricts the events to some datasets (gdelt1, gdelt2, acled,
    icews, polecat). ``both_directions`` also counts events from target to source.
    """

    source: list[str] = Field(default_factory=list)
    target: list[str] = Field(default_factory=list)
    codes: list[Annotated[str, Field(pattern=r"^[0-9]{2,4}$|^[A-Z]{3,12}$")]] = Field(default_factory=list)
    roots: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(default_factory=list)
    quad_class: list[Annotated[int, Field(ge=1, le=4)]] = Field(default_factory=list)
    datasets: list[Literal["gdelt1", "gdelt2", "acled", "icews", "polecat"]] = Field(default_factory=list)
    both_directions: bool = False


class IndicatorRule(_Part):
    """When the measure signals the variant: past a threshold, or a change against a baseline.

    ``value op threshold`` must hold; with ``baseline`` (a span before the window, e.g. 90d)
    and ``factor``, so must ``value op factor * baseline value`` (counts and sums scaled to
    the window's length). With neither, any positive value signals.
    """

    op: Literal[">=", ">", "<=", "<"] = ">="
    threshold: float | None = None
    baseline: str | None = Field(default=None, description="window before the period, e.g. 90d")
    factor: float | None = Field(default=None, gt=0)


class Indicator(_Part):
    """An observable pattern in event data that signals ``signals`` (``descriptor.variant``).

    ``measure`` is taken over the ``window`` ending at each tracking period's end:
    ``count`` of matching events, ``intensity_sum`` or ``mean_intensity`` (Goldstein scale),
    ``mean_tone`` (GDELT's average tone), or ``mention_share`` (their share of all mentions
    in the window).
    """

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")
    label: str = Field(min_length=1)
    signals: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*\.[A-Za-z][A-Za-z0-9_\-]*$")
    pattern: EventPattern
    measure: Literal["count", "intensity_sum", "mean_intensity", "mean_tone", "mention_share"] = "count"
    window: str = Field(default="30d", pattern=r"^\d+[dwmy]$")
    rule: IndicatorRule = Field(default_factory=IndicatorRule)
    likelihood: dict[str, Probability] = Field(
        default_factory=dict,
        description="P(the rule holds | variant), per variant of the signalled descriptor",
    )
    rationale: str = ""
    cites: Cites

    def holds_probability(self, variant: str) -> float:
        """P(the rule holds | the descriptor takes ``variant``): the declared ``likelihood`` or the default
        (:data:`DEFAULT_HIT` for the signalled variant, :data:`DEFAULT_FALSE_ALARM` for the others)."""
        if variant in self.likelihood:
            return float(self.likelihood[variant])
        return DEFAULT_HIT if variant == self.signals.partition(".")[2] else DEFAULT_FALSE_ALARM


class PriorWeight(_Part):
    """An analyst's prior weight: the consistent scenarios matching ``match`` (a condition such as
    ``{china_support: expanded}``) weigh ``weight``; a scenario takes its first matching entry's weight,
    and 1 when none matches."""

    match: dict[str, str | list[str]]
    weight: float = Field(gt=0)


class Alert(_Part):
    """A threshold that raises an alert in a tracking period, written ``TARGET OP NUMBER``.

    TARGET is a variant (``china_support.expanded``: its probability), a named future's id or a
    scenario label (``S3``: its probability), or an indicator id (its measured value).
    """

    when: str = Field(pattern=r"^\s*[A-Za-z][A-Za-z0-9_\-.]*\s*(>=|<=|>|<)\s*-?[0-9.]+(e-?[0-9]+)?\s*$")
    label: str = ""


class TrackingSettings(_Part):
    """How tracking turns indicators into scenario probabilities.

    ``prior``: ``uniform`` over the consistent scenarios, ``basins`` (each scenario's share of
    the starts that global succession leads to it), or a list of :class:`PriorWeight`.
    ``floor``: every likelihood is kept within [floor, 1 - floor], so that one indicator changes
    the odds between two futures by at most (1 - floor) / floor and no future is ruled out.
    """

    prior: Literal["uniform", "basins"] | list[PriorWeight] = "uniform"
    floor: float = Field(default=0.05, gt=0, lt=0.5)
    alerts: list[Alert] = Field(default_factory=list)
