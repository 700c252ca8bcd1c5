"""Scenario probabilities from indicator evidence: a stated prior updated by Bayes' rule in each period.

An indicator bears on one descriptor (the one its ``signals`` names). Its likelihoods say how
probable it is that its rule holds under each variant of that descriptor (declared in the model,
with defaults from the rule: :data:`~upheaval.model.DEFAULT_HIT` for the signalled variant,
:data:`~upheaval.model.DEFAULT_FALSE_ALARM` for the others). In a period where the indicator
is measured, the observation is "the rule holds" or "it does not"; its probability under a
scenario is the likelihood of the scenario's variant of the descriptor (or one minus it).

Bayes' rule then gives each consistent scenario ``s``::

    P(s | observations) ∝ P(s) · Π_i P(observation_i | s)

**Independence assumption**: the indicators are conditionally independent given the scenario
(a naive-Bayes update; two indicators that count the same events count them twice).
**Floor**: every likelihood is kept within ``[floor, 1 - floor]`` so that no single indicator
changes the odds between two futures by more than ``(1 - floor) / floor`` and no future is ever
ruled out. An indicator with no data in its window (the value ``None``) leaves the
probabilities alone. Periods do not chain: each period starts from the stated prior, and its
indicators' windows carry the memory (the world may change between periods).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from upheaval.errors import EventDataError

__all__ = [
    "Belief",
    "Update",
    "bayes_factor",
    "likelihood_matrix",
    "posterior",
    "prior_weights",
    "scenario_labels",
    "variant_probabilities",
]


@dataclass(frozen=True)
class Update:
    """One indicator's update of one period's probabilities.

    ``likelihood`` is P(observation | variant) for each variant of the descriptor (floored);
    ``ratio`` the Bayes factor of the signalled variant against the descriptor's other
    variants under the period's prior (:func:`bayes_factor`; ``None`` when every consistent
    scenario has the same variant); ``events`` the first events behind the value
    (``{"id", "dataset", "date"}``) and ``n_events`` how many matched in the window.
    """

    indicator: str
    signals: str
    value: float | None
    holds: bool
    likelihood: dict[str, float]
    ratio: float | None
    n_events: int
    events: list[dict[str, str]] = field(default_factory=list)
    window: tuple[dt.date, dt.date] | None = None


@dataclass
class Belief:
    """A period's prior and posterior over the consistent scenarios, and the updates between them."""

    prior: np.ndarray
    probabilities: np.ndarray
    updates: list[Update]


def scenario_labels(system: Any, consistent: Any) -> list[tuple[str, str | None]]:
    """``(label, name)`` of each consistent scenario: ``S1``, ``S2``... in the order of the unfixed
    consistent set, and the name of the first of the model's ``futures`` whose ``match`` it satisfies
    (:func:`upheaval.analysis.scenario_labels`, the labels of every view)."""
    from upheaval.analysis import scenario_labels as labeller

    labels = labeller(system, consistent.cim, consistent.tolerance, consistent)
    return [(labels.key(row), labels.name(row) or None) for row in consistent.indices]


def likelihood_matrix(consistent: Any, indicators: list[Any], floor: float) -> np.ndarray:
    """``L[i, s]`` = P(indicator ``i``'s rule holds | consistent scenario ``s``), kept in [floor, 1 - floor]."""
    cim = consistent.cim
    out = np.empty((len(indicators), len(consistent)), dtype=np.float64)
    for i, ind in enumerate(indicators):
        did = ind.signals.partition(".")[0]
        d = cim.descriptor_ids.index(did)
        variants = cim.variant_ids[d]
        p = np.array([ind.holds_probability(v) for v in variants], dtype=np.float64)
        out[i] = p[consistent.indices[:, d]] if len(consistent) else p[:0]
    return np.clip(out, floor, 1.0 - floor)


def prior_weights(system: Any, consistent: Any, prior: Any = None, *, random_state: int = 0) -> np.ndarray:
    """The prior over the consistent scenarios (summing to 1).

    ``prior`` is ``"uniform"``, ``"basins"`` (each scenario's basin under global succession
    over the whole space, the "weight" ScenarioWizard lists; sampled with ``random_state``
    when the space is too large to sweep) or a list of weights (``{match, weight}``: a scenario
    weighs its first matching entry's weight, 1 if none); by default the model's
    ``tracking.prior``.
    """
    if prior is None:
        prior = system.tracking.prior
    n = len(consistent)
    if n == 0:
        return np.zeros(0)
    if prior == "uniform":
        w = np.ones(n)
    elif prior == "basins":
        from upheaval.analysis import succession_basins

        basins = succession_basins(consistent.cim, random_state=random_state)
        w = np.array([basins.count_of(consistent.indices[k]) for k in range(n)], dtype=np.float64)
        if w.sum() == 0:
            raise EventDataError("no start reaches a consistent scenario by succession; use prior `uniform`")
        w = np.maximum(w, 1e-12)
    elif isinstance(prior, str):
        raise EventDataError(f"unknown prior {prior!r}; use uniform, basins, or weights in the model's `tracking:`")
    else:
        w = np.ones(n)
        for k in range(n):
            names = consistent.names(k)
            for entry in prior:
                match = entry.match if hasattr(entry, "match") else entry["match"]
                weight = entry.weight if hasattr(entry, "weight") else entry["weight"]
                if all(names.get(d) in ([v] if isinstance(v, str) else list(v)) for d, v in match.items()):
                    w[k] = float(weight)
                    break
    return w / w.sum()


def bayes_factor(prior: np.ndarray, like: np.ndarray, has_variant: np.ndarray) -> float | None:
    """P(observation | d = v) / P(observation | d ≠ v), each side the prior-weighted mean likelihood
    of the scenarios on it; ``None`` when one side holds no scenario (or no prior mass)."""
    a, b = prior[has_variant], prior[~has_variant]
    if a.sum() <= 0 or b.sum() <= 0:
        return None
    return float((a @ like[has_variant]) / a.sum() / ((b @ like[~has_variant]) / b.sum()))


def posterior(
    prior: np.ndarray,
    consistent: Any,
    indicators: list[Any],
    values: list[Any],
    floor: float,
    events: dict[int, dict[str, Any]] | None = None,
    windows: list[tuple[dt.date, dt.date] | None] | None = None,
) -> Belief:
    """Bayes' rule over one period: ``prior`` times each measured indicator's likelihood, normalised.

    ``values`` is the period's :class:`~upheaval.events.IndicatorValue` list in the order of
    ``indicators``; ``events`` (by indicator index) the events behind each value
    (:func:`~upheaval.events._indicators.indicator_events`); ``floor`` as
    in :func:`likelihood_matrix`. Works in log space, so many updates do not underflow.
    """
    cim = consistent.cim
    likelihoods = likelihood_matrix(consistent, indicators, floor)
    log_post = np.log(np.maximum(prior, 1e-300))
    updates = []
    for i, (ind, val) in enumerate(zip(indicators, values, strict=True)):
        if val.value is None:
            continue
        holds = val.signals is not None
        like = likelihoods[i] if holds else 1.0 - likelihoods[i]
        log_post = log_post + np.log(like)
        did, _, vid = ind.signals.partition(".")
        d = cim.descriptor_ids.index(did)
        variants = cim.variant_ids[d]
        per_variant = {}
        for v in variants:
            p = min(max(ind.holds_probability(v), floor), 1.0 - floor)
            per_variant[v] = p if holds else 1.0 - p
        found = (events or {}).get(i, {"n": 0, "events": []})
        updates.append(
            Update(
                indicator=ind.id,
                signals=ind.signals,
                value=val.value,
                holds=holds,
                likelihood=per_variant,
                ratio=bayes_factor(prior, like, consistent.indices[:, d] == variants.index(vid)),
                n_events=int(found["n"]),
                events=list(found["events"]),
                window=(windows or [None] * len(indicators))[i],
            )
        )
    post = np.exp(log_post - log_post.max()) if len(log_post) else log_post
    return Belief(prior=prior, probabilities=post / post.sum() if len(post) else post, updates=updates)


def variant_probabilities(consistent: Any, probabilities: np.ndarray) -> dict[str, dict[str, float]]:
    """Each variant's probability: the sum of the probabilities of the consistent scenarios that have it."""
    cim = consistent.cim
    out: dict[str, dict[str, float]] = {}
    for d, did in enumerate(cim.descriptor_ids):
        col = consistent.indices[:, d] if len(consistent) else np.zeros(0, dtype=np.int64)
        out[did] = {v: float(probabilities[col == j].sum()) for j, v in enumerate(cim.variant_ids[d])}
    return out
