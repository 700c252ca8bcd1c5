"""A diverse few against a literal brute force over every k-subset."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from upheaval import load
from upheaval.analysis import pick
from upheaval.cib import CrossImpactMatrix, find_consistent
from upheaval.errors import EngineError


def _brute(rows, k, weights, must=()):
    """The best k-subset by (max smallest distance, min covering radius, min total, earliest), literally."""
    rows = [list(r) for r in rows]
    n = len(rows)

    def dist(a, b):
        return sum(w for x, y, w in zip(a, b, weights, strict=True) if x != y)

    table = [[dist(a, b) for b in rows] for a in rows]
    best = None
    for subset in itertools.combinations(range(n), k):
        if not all(any(s in group for s in subset) for group in must):
            continue
        smallest = min((table[a][b] for a, b in itertools.combinations(subset, 2)), default=math.inf)
        near = [min(table[s][p] for p in subset) for s in range(n)]
        key = (-smallest, max(near), sum(near), subset)
        if best is None or key < best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(10))
def test_picks_equal_the_brute_force_over_every_subset(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = (3, 2, 3, 2, 2, 3)
    rows = np.unique(np.column_stack([rng.integers(s, size=14) for s in sizes]), axis=0)
    weights = rng.integers(1, 4, size=len(sizes)).astype(float) if seed % 2 else np.ones(len(sizes))
    k = 2 + seed % 4
    cim = CrossImpactMatrix(np.zeros((sum(sizes), sum(sizes)), dtype=int), sizes)
    res = pick(cim, k, weights=weights, scenarios=rows)
    expected = _brute(rows, k, weights)
    assert res.exact
    assert res.picks == expected[3]
    assert (-res.min_distance, res.radius, float(res.distance.sum())) == expected[:3]


@pytest.mark.parametrize("seed", range(4))
def test_must_keeps_a_scenario_of_each_future(seed: int) -> None:
    rng = np.random.default_rng(50 + seed)
    sizes = (2, 2, 3, 2, 2)
    rows = np.unique(np.column_stack([rng.integers(s, size=16) for s in sizes]), axis=0)
    cim = CrossImpactMatrix(np.zeros((sum(sizes), sum(sizes)), dtype=int), sizes)
    res = pick(cim, 3, scenarios=rows, must=["D3=v3", "D1=v1,D2=v2"])
    groups = [
        {s for s in range(len(rows)) if rows[s][2] == 2},
        {s for s in range(len(rows)) if rows[s][0] == 0 and rows[s][1] == 1},
    ]
    groups = [g for g in groups if g]
    expected = _brute(rows, 3, [1.0] * len(sizes), [g for g in groups])
    assert res.picks == expected[3]


def test_the_heuristic_beyond_the_budget_says_so_and_stays_below_its_bound() -> None:
    rng = np.random.default_rng(9)
    sizes = (3, 3, 2, 3, 2, 3, 2)
    rows = np.unique(np.column_stack([rng.integers(s, size=30) for s in sizes]), axis=0)
    cim = CrossImpactMatrix(np.zeros((sum(sizes), sum(sizes)), dtype=int), sizes)
    res = pick(cim, 4, scenarios=rows, max_nodes=5, random_state=1)
    again = pick(cim, 4, scenarios=rows, max_nodes=5, random_state=1)
    best = _brute(rows, 4, [1.0] * len(sizes))
    assert not res.exact and "heuristic" in res.method
    assert res.picks == again.picks
    assert len(set(res.picks)) == 4
    assert res.min_distance <= -best[0] <= res.upper_bound


def test_pick_on_the_builtin_model_equals_every_4_subset() -> None:
    res = pick(load("dprk-ukraine-2024"), 4)
    rows = find_consistent(res.cim).indices
    expected = _brute(rows, 4, [1.0] * res.cim.n_descriptors)
    assert res.exact and res.picks == expected[3] and len(res.picks) == 4
    assert (-res.min_distance, res.radius, float(res.distance.sum())) == expected[:3]
    labels = [res.label(p) for p in res.picks]
    assert all(lb.startswith("S") for lb in labels)


def test_k_larger_than_the_set_picks_them_all_and_bad_must_is_refused() -> None:
    cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -2, 2], [2, -2, 0, 0], [-2, 2, 0, 0]]), (2, 2))
    res = pick(cim, 5)
    assert res.picks == (0, 1) and res.k == 2
    with pytest.raises(EngineError, match="cannot be picked"):
        pick(cim, 1, must=["D1=v1,D2=v2"])
    with pytest.raises(EngineError, match="positive"):
        pick(cim, 0)
