"""A diverse few: the k consistent scenarios most different from each other, and how well they cover the rest.

Workshops write three to five storylines, not every consistent scenario. Choosing a subset
that is maximally diverse and covers the rest is published practice for scenario sets (Lord,
Helfgott & Vervoort 2016; Seeve & Vilkkumaa 2018; Tietje 2005). Here the k picks maximise the
smallest (weighted) Hamming distance between any two of them: the max-min diversity problem.
Among sets that tie, the one whose farthest other scenario lies nearest to a pick wins (the
smaller covering radius), then the smaller sum of every scenario's distance to its nearest
pick, then the earliest labels.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._landscape import scenario_distances
from upheaval.analysis._targets import Target, as_system, descriptors_json, resolve_target, scenario_entry
from upheaval.errors import EngineError

__all__ = ["Pick", "pick", "pick_key"]


def pick_key(distances: np.ndarray, subset: Sequence[int]) -> tuple[float, float, float, tuple[int, ...]]:
    """The objective of a subset, smaller is better: (-smallest pairwise distance, covering radius, total, subset).

    ``distances`` is the (n, n) distance matrix of all the scenarios; the covering radius is
    the largest distance from any scenario to its nearest member of ``subset``, the total the
    sum of those distances. A single pick has no pair: its smallest pairwise distance is
    infinite, so the covering radius decides.

    Examples
    --------
    >>> d = np.array([[0, 1, 3], [1, 0, 2], [3, 2, 0]], dtype=float)
    >>> pick_key(d, (0, 2))
    (-3.0, 1.0, 1.0, (0, 2))
    """
    s = tuple(sorted(int(x) for x in subset))
    sub = distances[np.ix_(s, s)]
    smallest = float(sub[np.triu_indices(len(s), 1)].min()) if len(s) > 1 else math.inf
    near = distances[:, s].min(axis=1)
    return (-smallest, float(near.max()), float(near.sum()), s)


@dataclass(eq=False)
class Pick:
    """The picks and their coverage: see :func:`pick`.

    ``scenarios`` are the candidates (index rows; the consistent set unless given), ``picks``
    the chosen positions in it, ``min_distance`` the smallest distance between two picks,
    ``nearest[s]`` the pick nearest to scenario ``s`` (a position in ``picks``) and
    ``distance[s]`` its distance, ``radius`` the largest of those (the covering radius) and
    ``mean`` their mean over the scenarios not picked. ``exact`` says whether every k-subset
    was accounted for (branch and bound); otherwise ``method`` names the heuristic and
    ``upper_bound`` bounds the best smallest distance any k picks could have.
    """

    system: Any
    cim: Any
    labels: ScenarioLabels
    scenarios: np.ndarray
    k: int
    weights: np.ndarray
    picks: tuple[int, ...]
    min_distance: float
    nearest: np.ndarray
    distance: np.ndarray
    radius: float
    mean: float
    exact: bool
    method: str
    upper_bound: float
    n_subsets: int
    n_evaluated: int
    must: list[Target]
    seconds: float

    def label(self, s: int) -> str:
        """The label of candidate ``s`` (``S4 · Name``)."""
        return self.labels.label(self.scenarios[s])

    @property
    def everyone(self) -> bool:
        """Whether the picks are every candidate (k at least their number): then nothing is left to cover."""
        return len(self.picks) == len(self.scenarios)

    @property
    def pick_rows(self) -> np.ndarray:
        """The picks' index rows."""
        return self.scenarios[list(self.picks)]

    def to_json(self) -> dict[str, Any]:
        """The picks and every scenario's nearest pick as JSON; scenarios as ``scenarios --json`` gives them, labelled."""
        model, descriptors = descriptors_json(self.system, self.cim)
        return {
            "model": model,
            "descriptors": descriptors,
            "k": self.k,
            "weights": {d: float(w) for d, w in zip(self.cim.descriptor_ids, self.weights, strict=True)},
            "must": [{"text": t.text, "reads": t.description} for t in self.must],
            "picks": [scenario_entry(self.cim, self.scenarios[p], self.labels) for p in self.picks],
            "min_distance": self.min_distance if math.isfinite(self.min_distance) else None,  # None: a single pick
            "coverage": {"radius": self.radius, "mean": self.mean},
            "scenarios": [
                {
                    **scenario_entry(self.cim, row, self.labels),
                    "nearest_pick": self.labels.key(self.scenarios[self.picks[int(self.nearest[s])]]),
                    "distance": float(self.distance[s]),
                    "picked": s in self.picks,
                }
                for s, row in enumerate(self.scenarios)
            ],
            "exact": self.exact,
            "method": self.method,
            "upper_bound": self.upper_bound if math.isfinite(self.upper_bound) else None,
            "subsets": self.n_subsets,
            "seconds": round(self.seconds, 4),
        }


def _weights(cim: Any, weights: Any) -> np.ndarray:
    if weights is None:
        return np.ones(cim.n_descriptors)
    if isinstance(weights, dict):
        w = np.ones(cim.n_descriptors)
        for d, x in weights.items():
            if d not in cim.descriptor_ids:
                raise EngineError(f"weights: unknown descriptor {d!r}; known: {', '.join(cim.descriptor_ids)}")
            w[cim.descriptor_ids.index(d)] = float(x)
        weights = w
    w = np.asarray(weights, dtype=float)
    if w.shape != (cim.n_descriptors,) or (w < 0).any() or not np.isfinite(w).all():
        raise EngineError(f"weights must be {cim.n_descriptors} non-negative numbers, one per descriptor")
    return w


def _best_completion(d: np.ndarray, chosen: list[int], smallest: float, near: np.ndarray, cand: np.ndarray,
                     groups: list[np.ndarray], worst: tuple | None) -> tuple | None:  # fmt: skip
    """The best key of ``chosen`` plus one of ``cand`` (vectorised), or None when none beats ``worst``'s bound.

    ``smallest`` is the smallest distance within ``chosen``, ``near`` every scenario's distance
    to its nearest member of ``chosen``; candidates whose smallest distance falls below
    ``worst``'s are left out, and so are sets that miss a required group.
    """
    if not len(cand):
        return None
    mins = np.minimum(smallest, d[np.ix_(chosen, cand)].min(axis=0)) if chosen else np.full(len(cand), math.inf)
    if worst is not None:
        keep = -mins <= worst[0]
        cand, mins = cand[keep], mins[keep]
    if groups and len(cand):
        ok = np.ones(len(cand), dtype=bool)
        for g in groups:
            if not g[chosen].any():
                ok &= g[cand]
        cand, mins = cand[ok], mins[ok]
    if not len(cand):
        return None
    near_all = np.minimum(near[:, None], d[:, cand])
    radius, total = near_all.max(axis=0), near_all.sum(axis=0)
    order = np.lexsort((cand, total, radius, -mins))
    j = order[0]
    return (-float(mins[j]), float(radius[j]), float(total[j]), tuple(sorted((*chosen, int(cand[j])))))


class _Search:
    """Branch and bound over k-subsets in lexicographic order, pruning partial sets already worse."""

    def __init__(self, d: np.ndarray, k: int, groups: list[np.ndarray], max_nodes: int, best: tuple | None) -> None:
        self.d, self.k, self.groups, self.max_nodes = d, k, groups, max_nodes
        self.n = d.shape[0]
        self.best = best
        self.nodes = 0
        self.evaluated = 0

    def run(self) -> bool:
        """True when finished within ``max_nodes``."""
        try:
            self._extend([], math.inf, np.full(self.n, math.inf))
        except _Stop:
            return False
        return True

    def _extend(self, chosen: list[int], smallest: float, near: np.ndarray) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _Stop
        first = chosen[-1] + 1 if chosen else 0
        left = self.k - len(chosen)
        last = self.n - left  # the largest position the next pick may take
        if left == 1:
            cand = np.arange(first, last + 1)
            self.evaluated += len(cand)
            self.nodes += len(cand)
            key = _best_completion(self.d, chosen, smallest, near, cand, self.groups, self.best)
            if key is not None and (self.best is None or key < self.best):
                self.best = key
            return
        cand = np.arange(first, last + 1)
        small = (
            np.minimum(smallest, self.d[np.ix_(chosen, cand)].min(axis=0)) if chosen else np.full(len(cand), math.inf)
        )
        if self.best is not None:  # a partial set already below the best smallest distance cannot recover
            keep = -small <= self.best[0]
            cand, small = cand[keep], small[keep]
        for j, new_small in zip(cand.tolist(), small.tolist(), strict=True):
            if self.best is not None and -new_small > self.best[0]:
                continue  # the best has improved since the filter
            self._extend([*chosen, j], new_small, np.minimum(near, self.d[:, j]))


class _Stop(Exception):
    pass


def _upper_bound(d: np.ndarray, k: int) -> float:
    """An upper bound on the best smallest pairwise distance of k picks: the largest threshold t at which
    k scenarios remain when those with fewer than k-1 others at distance >= t are removed repeatedly."""
    if k < 2:
        return math.inf
    n = d.shape[0]
    for t in sorted({float(x) for x in d[np.triu_indices(n, 1)]}, reverse=True):
        alive = np.ones(n, dtype=bool)
        adj = d >= t
        np.fill_diagonal(adj, False)
        while True:
            deg = (adj & alive[None, :]).sum(axis=1)
            drop = alive & (deg < k - 1)
            if not drop.any():
                break
            alive &= ~drop
        if alive.sum() >= k:
            return t
    return 0.0


def _heuristic(d: np.ndarray, k: int, groups: list[np.ndarray], rng: np.random.Generator, starts: int) -> tuple | None:
    """Farthest-first from seeded starts, then the best single swap while one improves the objective."""
    n = d.shape[0]
    best = None
    everyone = np.arange(n)
    for _ in range(starts):
        chosen: list[int] = []
        for g in groups:  # one member of each required group first
            if not any(g[c] for c in chosen):
                chosen.append(int(rng.choice(np.flatnonzero(g))))
        if not chosen:
            chosen.append(int(rng.integers(n)))
        while len(chosen) < k:
            far = d[:, chosen].min(axis=1)
            far[chosen] = -1
            chosen.append(int(rng.choice(np.flatnonzero(far == far.max()))))
        key = pick_key(d, chosen) if all(g[chosen].any() for g in groups) else None
        while key is not None:
            step = None
            for pos in range(k):
                rest = [c for m, c in enumerate(key[3]) if m != pos]
                sub = d[np.ix_(rest, rest)]
                smallest = float(sub[np.triu_indices(len(rest), 1)].min()) if len(rest) > 1 else math.inf
                cand = np.setdiff1d(everyone, key[3])
                trial = _best_completion(d, rest, smallest, d[:, rest].min(axis=1) if rest else np.full(n, math.inf),
                                         cand, groups, None)  # fmt: skip
                if trial is not None and trial < key and (step is None or trial < step):
                    step = trial
            if step is None:
                break
            key = step
        if key is not None and (best is None or key < best):
            best = key
    return best


@accepts_system("model", to="either")
def pick(
    model: Any,
    k: int = 4,
    *,
    must: Sequence[str | Target] = (),
    weights: Any = None,
    scenarios: Any = None,
    tolerance: int = 0,
    max_nodes: int = 300_000,
    random_state: int | np.random.Generator | None = 0,
    starts: int = 20,
) -> Pick:
    """The ``k`` consistent scenarios most different from each other, and how well they cover the rest.

    The picks maximise the smallest weighted Hamming distance between two of them
    (``d(x, y) = sum_i w_i [x_i != y_i]``); ties go to the smaller covering radius (the largest
    distance from any scenario to its nearest pick), then the smaller total distance to the
    nearest pick, then the earliest labels. A heuristic first finds good picks (farthest-first
    from ``starts`` seeded starts, then the best single swap while one improves the objective);
    a branch and bound over the k-subsets in lexicographic order then drops every partial set
    whose smallest distance is already below the best found, which gives the exact answer
    (equal to trying every k-subset) within ``max_nodes``. Beyond, the answer is the best found
    so far, ``exact`` is False and ``upper_bound`` bounds the best smallest distance any k picks
    could have (the largest threshold at which k scenarios each keep k-1 others at least that far).

    Parameters
    ----------
    model : System or CrossImpactMatrix
    k : int
        How many picks.
    must : sequence of str
        Futures (id or name), labels (``S3``) or ``D=V`` conditions the picks must each
        include one scenario of.
    weights : mapping or sequence, optional
        Each descriptor's weight in the distance (``{descriptor id: weight}`` or one per
        descriptor); 1 by default.
    scenarios : array, optional
        Candidates (index rows); the consistent scenarios at ``tolerance`` by default.
    tolerance : int
    max_nodes : int
        Branch-and-bound nodes before the heuristic takes over.
    random_state : int, numpy.random.Generator or None, default 0
        Seed of the heuristic's starts.
    starts : int
        The heuristic's starts.

    Returns
    -------
    Pick

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.zeros((6, 6), dtype=int), (2, 2, 2))  # every scenario consistent
    >>> p = pick(cim, 2)
    >>> [p.label(s) for s in p.picks], p.min_distance, p.radius, p.exact
    (['S1', 'S8'], 3.0, 1.0, True)

    References
    ----------
    .. [1] J. Lord, A. Helfgott, J. M. Vervoort: Choosing diverse sets of plausible scenarios
       in multidimensional exploratory futures techniques. Futures 77:11--27, 2016.
       https://doi.org/10.1016/j.futures.2015.12.003
    .. [2] T. Seeve, E. Vilkkumaa: Identifying and visualizing a diverse set of plausible
       scenarios for strategic planning. European Journal of Operational Research
       265(3):1156--1170, 2018. https://doi.org/10.1016/j.ejor.2017.08.035
    """
    from upheaval import cib

    t0 = time.perf_counter()
    if int(k) != k or k < 1:
        raise EngineError(f"k must be a positive whole number; got {k!r}")
    k = int(k)
    system, cim = as_system(model)
    reference = cib.find_consistent(cim, tolerance)
    labels = scenario_labels(system, cim, tolerance, reference)
    rows = reference.indices if scenarios is None else np.atleast_2d(np.asarray(scenarios, dtype=np.int64))
    n = rows.shape[0]
    if n == 0:
        raise EngineError("there is no consistent scenario to pick from")
    w = _weights(cim, weights)
    d = scenario_distances(rows, weights=w)
    targets = [m if isinstance(m, Target) else resolve_target(system, cim, m, reference.indices) for m in must]
    groups = [t.matches(rows) for t in targets]
    for t, g in zip(targets, groups, strict=True):
        if not g.any():
            raise EngineError(f"no candidate scenario is in {t.description} ({t.text!r}): it cannot be picked")
    k_used = min(k, n)
    n_subsets = math.comb(n, k_used)
    rng = cib.check_random_state(random_state)
    incumbent = _heuristic(d, k_used, groups, rng, starts) if n_subsets > 1 else None
    search = _Search(d, k_used, groups, max_nodes, incumbent)
    exact = search.run()
    best = search.best
    if best is None:
        needed = ", ".join(t.text for t in targets)
        raise EngineError(f"no {k_used} scenarios include one of each of: {needed}")
    method = "branch and bound over every k-subset (exact)"
    bound = -best[0] if exact else _upper_bound(d, k_used)
    if not exact:
        method = (f"heuristic: farthest-first from {starts} seeded starts, then the best single swap while one "
                  f"improves; C({n}, {k_used}) = {n_subsets:,} subsets exceed the exact search's budget")  # fmt: skip
    picks = best[3]
    near_d = d[:, list(picks)]
    nearest = near_d.argmin(axis=1)
    distance = near_d.min(axis=1)
    others = np.setdiff1d(np.arange(n), picks)
    return Pick(
        system, cim, labels, rows, k_used, w, tuple(int(p) for p in picks), -best[0], nearest, distance,
        float(distance.max()), float(distance[others].mean()) if len(others) else 0.0, exact, method,
        float(bound), n_subsets, search.evaluated, targets, time.perf_counter() - t0,
    )  # fmt: skip
