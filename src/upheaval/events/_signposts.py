"""Signposts: each indicator judged by which consistent scenarios it tells apart, and how sharply.

An indicator's likelihoods ``L(s)`` = P(its rule holds | scenario ``s``) (see
:mod:`upheaval.events._probability`) separate two scenarios when they differ. Its
**diagnosticity** is the expected information its observation brings about the scenario under
the prior: the mutual information ``I = H(O) - Σ_s P(s) H(O | s)`` in bits, where ``O`` is
"holds / does not hold" (Shannon 1948; the expected information gain of a test, Lindley 1956).
An indicator that bears on a descriptor whose variant every consistent scenario shares has
``I = 0``. The **spread** is ``max L - min L`` over the consistent scenarios, and the
**sharpest ratio** the largest likelihood ratio it can produce between two of them (either
outcome). Pairs of scenarios with equal likelihoods under every indicator cannot be told apart
by the data at all.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from upheaval.events._probability import likelihood_matrix, prior_weights, scenario_labels

__all__ = ["Signpost", "Signposts", "signposts", "signposts_json"]


@dataclass(frozen=True)
class Signpost:
    """One indicator as a signpost: the pairs of scenarios it separates and how sharply."""

    indicator: str
    signals: str
    diagnosticity: float
    spread: float
    sharpest_ratio: float
    separates: list[tuple[str, str]]
    likelihoods: list[float]


@dataclass
class Signposts:
    """Every indicator as a signpost (ranked by diagnosticity), the signpost matrix and the blind pairs.

    ``matrix[i, s]`` is P(indicator ``i`` holds | scenario ``s``) for the indicators in rank
    order; ``unseparated`` lists the pairs of scenario labels that no indicator separates.
    """

    system: Any
    labels: list[tuple[str, str | None]]
    ranked: list[Signpost]
    matrix: np.ndarray
    unseparated: list[tuple[str, str]]
    prior: np.ndarray
    floor: float


def _entropy(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-300, 1.0)
    r = np.clip(1.0 - p, 1e-300, 1.0)
    return -(p * np.log2(q) + (1.0 - p) * np.log2(r))


def signposts(system: Any, consistent: Any, *, prior: Any = None, floor: float | None = None) -> Signposts:
    """Rank ``system``'s indicators as signposts over the ``consistent`` scenarios (see the module).

    ``prior`` and ``floor`` default to the model's ``tracking`` settings.
    """
    floor = system.tracking.floor if floor is None else float(floor)
    inds = list(system.indicators)
    labels = scenario_labels(system, consistent)
    w = prior_weights(system, consistent, prior)
    L = likelihood_matrix(consistent, inds, floor)
    rows = []
    n = len(consistent)
    for i, ind in enumerate(inds):
        like = L[i]
        mix = float(w @ like) if n else 0.0
        info = float(_entropy(np.array(mix)) - w @ _entropy(like)) if n else 0.0
        pairs = [
            (labels[a][0], labels[b][0])
            for a, b in itertools.combinations(range(n), 2)
            if abs(like[a] - like[b]) > 1e-12
        ]
        if n:
            hi, lo = float(like.max()), float(like.min())
            sharp = max(hi / lo, (1 - lo) / (1 - hi))
        else:
            hi = lo = sharp = 1.0
        rows.append((Signpost(ind.id, ind.signals, max(info, 0.0), hi - lo, sharp, pairs, like.tolist()), i))
    rows.sort(key=lambda r: (-r[0].diagnosticity, -r[0].spread, r[0].indicator))
    order = [i for _, i in rows]
    blind = [
        (labels[a][0], labels[b][0])
        for a, b in itertools.combinations(range(n), 2)
        if not inds or np.allclose(L[:, a], L[:, b], atol=1e-12)
    ]
    return Signposts(system, labels, [r for r, _ in rows], L[order] if inds else L, blind, w, floor)


def signposts_json(result: Signposts, consistent: Any) -> dict[str, Any]:
    """``{"model", "floor", "futures", "indicators": [...ranked], "unseparated": [[a, b], ...]}``."""
    return {
        "model": result.system.id,
        "floor": result.floor,
        "futures": [
            {"label": label, "name": name, "prior": round(float(p), 6), "variants": consistent.names(k)}
            for k, ((label, name), p) in enumerate(zip(result.labels, result.prior, strict=True))
        ],
        "indicators": [
            {
                "indicator": s.indicator,
                "signals": s.signals,
                "diagnosticity_bits": round(s.diagnosticity, 6),
                "spread": round(s.spread, 6),
                "sharpest_ratio": round(s.sharpest_ratio, 6),
                "separates": [list(p) for p in s.separates],
                "likelihoods": {label: round(x, 6) for (label, _), x in zip(result.labels, s.likelihoods, strict=True)},
            }
            for s in result.ranked
        ],
        "unseparated": [list(p) for p in result.unseparated],
    }
