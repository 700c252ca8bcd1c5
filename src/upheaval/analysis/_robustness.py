"""Robustness under judgement uncertainty: Monte Carlo over perturbed cross-impact matrices."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._basins import wilson_interval
from upheaval.analysis._parallel import run_chunks, spawn_seeds
from upheaval.errors import EngineError

__all__ = ["DEFAULT_UNCERTAINTY", "Robustness", "robustness", "sample_matrix", "uncertainty_matrix"]

DEFAULT_UNCERTAINTY = 1
"""The uncertainty of a judgement section that states none, wherever robustness is sampled
(``upheaval robustness``, ``check --audit``, the report; ``--default-uncertainty`` changes it).

One step of the scale: the usual disagreement between experts judging one cell, and the
change CIB's sensitivity checks apply to a judgement (Weimer-Jehle 2006). 0 would treat
every unstated judgement as exact and report every consistent scenario as 100 % robust."""

_CHUNK = 250  # sampled matrices per chunk


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def uncertainty_matrix(system, cim=None, default: int = DEFAULT_UNCERTAINTY) -> np.ndarray:
    """Per-cell uncertainty ``U`` (same shape as the matrix) from a system's judgement sections.

    Every cell of a section's block (the variants of ``from`` by those of ``to``) gets the
    section's ``uncertainty``; ``default`` (:data:`DEFAULT_UNCERTAINTY` unless given; 0 for
    none) is the uncertainty of sections that state none. Blocks no section judges stay 0
    (not perturbed).

    Examples
    --------
    >>> from upheaval import load
    >>> from upheaval.analysis import uncertainty_matrix
    >>> u = uncertainty_matrix(load("tests/data/tiny.yaml"), default=1)
    >>> u.tolist()
    [[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 0, 0], [1, 1, 0, 0]]
    """
    from upheaval.cib import compile_system

    cim = cim if cim is not None else compile_system(system)
    if not 0 <= default <= cim.scale:
        raise EngineError(f"default uncertainty must be 0..{cim.scale} (the model's scale); got {default}")
    u = np.zeros_like(cim.values)
    pos = {d: k for k, d in enumerate(cim.descriptor_ids)}
    for imp in system.impacts:
        i, j = pos[imp.source], pos[imp.target]
        val = imp.uncertainty or default
        ri = slice(int(cim.offsets[i]), int(cim.offsets[i]) + cim.sizes[i])
        cj = slice(int(cim.offsets[j]), int(cim.offsets[j]) + cim.sizes[j])
        u[ri, cj] = np.maximum(u[ri, cj], val)
    return u


@dataclass(frozen=True, eq=False)
class Robustness:
    """Each candidate scenario's share of sampled matrices in which it is consistent.

    ``indices`` are the candidates (the scenarios within ``candidate_tolerance`` of the
    nominal matrix), ``nominal_inconsistency`` their inconsistency there, ``hits`` in how
    many of the ``n_samples`` sampled matrices each is consistent within ``tolerance``,
    ``share`` = hits / n_samples with its Wilson interval ``low``..``high``. Given groups of
    candidates (the futures they belong to, say), ``group_hits[g]`` counts the samples in which
    at least one candidate of group ``g`` is consistent, with ``group_share`` and its interval
    ``group_low``..``group_high``; ``groups`` holds each candidate's group, in the candidates' order.
    """

    cim: object
    indices: np.ndarray
    nominal_inconsistency: np.ndarray
    hits: np.ndarray
    share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_samples: int
    tolerance: int
    candidate_tolerance: int
    seconds: float
    groups: np.ndarray | None = None
    group_hits: np.ndarray | None = None
    group_share: np.ndarray | None = None
    group_low: np.ndarray | None = None
    group_high: np.ndarray | None = None


def _inconsistency_many(values, offsets, sizes, idx) -> np.ndarray:
    """Inconsistency of each row of ``idx`` under ``values``."""
    bal = values[idx + offsets[None, :]].sum(axis=1)
    inc = np.zeros(idx.shape[0], dtype=np.int64)
    rows = np.arange(idx.shape[0])
    for j, (off, size) in enumerate(zip(offsets, sizes, strict=False)):
        block = bal[:, off : off + size]
        inc = np.maximum(inc, block.max(axis=1) - block[rows, idx[:, j]])
    return inc


def sample_matrix(values, uncertainty, rng, scale: int = 3) -> np.ndarray:
    """One sampled matrix: each cell moved by a uniform integer in ``[-U, U]``, clipped to ``-scale..scale``.

    Pass the matrix's scale (:attr:`upheaval.cib.CrossImpactMatrix.scale`): a ScenarioWizard
    model judged on -6..+6 keeps its -6 cells.
    """
    step = rng.integers(-uncertainty, uncertainty + 1)
    out = values + step
    mask = uncertainty > 0
    out[mask] = np.clip(out[mask], -scale, scale)
    return out


def _mc_chunk(values, uncertainty, offsets, sizes, idx, seed, n, tolerance, scale=3, groups=None, n_groups=0):
    """Per candidate, the samples in which it is consistent; then, per group, those in which any member is."""
    rng = np.random.default_rng(seed)
    hits = np.zeros(idx.shape[0], dtype=np.int64)
    group_hits = np.zeros(n_groups, dtype=np.int64)
    for _ in range(n):
        m = sample_matrix(values, uncertainty, rng, scale)
        ok = _inconsistency_many(m, offsets, sizes, idx) <= tolerance
        hits += ok
        if n_groups:
            group_hits += np.bincount(groups[ok], minlength=n_groups) > 0
    return np.concatenate([hits, group_hits])


@accepts_system("cim", to="matrix")
def robustness(
    cim,
    uncertainty,
    n_samples: int = 1000,
    *,
    tolerance: int = 0,
    candidate_tolerance: int = 2,
    candidates=None,
    groups=None,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
    n_jobs: int | None = None,
    scheduler=None,
    progress: Callable[[float], None] | None = None,
) -> Robustness:
    """Monte Carlo robustness of scenarios under judgement uncertainty.

    Draws ``n_samples`` matrices, each cell ``c`` moved by a uniform integer in
    ``[-U_c, U_c]`` and clipped to the matrix's scale, ``-cim.scale..cim.scale`` (cells with ``U_c = 0`` keep their value), and
    counts, for every candidate scenario, the matrices in which it is consistent within
    ``tolerance`` [1]_. Candidates are the scenarios within ``candidate_tolerance`` of
    the nominal matrix (an exact search), so scenarios that are far from consistent
    nominally are not tracked. Chunks of samples draw from seeds spawned from
    ``random_state``, so results are the same for any ``n_jobs`` or cluster.

    Parameters
    ----------
    cim : CrossImpactMatrix
    uncertainty : int or array
        Per-cell uncertainty (see :func:`uncertainty_matrix`) or one value for every
        nonzero-judged block.
    n_samples : int
    tolerance : int
        Consistency tolerance within each sampled matrix.
    candidate_tolerance : int
        Which nominal scenarios are tracked.
    candidates : array (k, N), optional
        Track these scenarios instead.
    groups : callable or array, optional
        Each candidate's group, a number 0..G-1 (the future it belongs to, say): an array in the
        candidates' order, or a function of the candidates' index array that returns it. Each
        group's share counts the samples in which any of its candidates is consistent.
    confidence : float
    random_state : int, numpy.random.Generator or None, default 0
    n_jobs : int, optional
    scheduler : str or distributed.Client, optional
    progress : callable, optional

    Returns
    -------
    Robustness
        Candidates sorted by share (highest first).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> r = robustness(cim, 0, n_samples=10, random_state=0)
    >>> r.indices.tolist(), r.share.tolist()
    ([[0, 0], [1, 1]], [1.0, 1.0])

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval.cib import find_consistent

    if n_samples < 1:
        raise EngineError(f"n_samples must be positive; got {n_samples}")
    t0 = time.perf_counter()
    u = np.asarray(uncertainty, dtype=np.int64)
    if u.ndim == 0:
        judged = np.zeros_like(cim.values, dtype=bool)
        for i, (oi, si) in enumerate(zip(cim.offsets, cim.sizes, strict=False)):
            for j, (oj, sj) in enumerate(zip(cim.offsets, cim.sizes, strict=False)):
                if i != j and cim.values[oi : oi + si, oj : oj + sj].any():
                    judged[oi : oi + si, oj : oj + sj] = True
        u = np.where(judged, int(u), 0)
    if u.shape != cim.values.shape or (u < 0).any():
        raise EngineError(f"uncertainty must be a non-negative int or a {cim.values.shape} array")
    if candidates is None:
        idx = find_consistent(cim, candidate_tolerance).indices
    else:
        idx = np.atleast_2d(np.asarray(candidates, dtype=np.int64)).reshape(-1, cim.n_descriptors)
    offsets = np.asarray(cim.offsets)
    sizes = np.asarray(cim.sizes)
    nominal = _inconsistency_many(cim.values, offsets, sizes, idx) if idx.shape[0] else np.zeros(0, np.int64)
    group = None if groups is None else np.asarray(groups(idx) if callable(groups) else groups, dtype=np.int64)
    if group is not None and group.shape != (idx.shape[0],):
        raise EngineError(f"groups must give one group number per candidate ({idx.shape[0]}); got {group.shape}")
    n_groups = int(group.max()) + 1 if group is not None and len(group) else 0
    n_chunks = math.ceil(n_samples / _CHUNK)
    seeds = spawn_seeds(random_state, n_chunks)
    chunks = [
        (cim.values, u, offsets, sizes, idx, seeds[k], min(_CHUNK, n_samples - k * _CHUNK), tolerance, cim.scale,
         group, n_groups)
        for k in range(n_chunks)
    ]  # fmt: skip
    parts = run_chunks(_mc_chunk, chunks, n_jobs=n_jobs, scheduler=scheduler, progress=progress)
    counts = np.sum(parts, axis=0) if parts else np.zeros(idx.shape[0] + n_groups, np.int64)
    counts = np.asarray(counts, dtype=np.int64).reshape(idx.shape[0] + n_groups)
    hits, group_hits = counts[: idx.shape[0]], counts[idx.shape[0] :]
    order = np.lexsort((nominal, -hits)) if idx.shape[0] else np.arange(0)
    idx, nominal, hits = idx[order], nominal[order], hits[order]
    share = hits / n_samples
    low, high = wilson_interval(hits, n_samples, confidence)
    by_group: dict[str, np.ndarray | None] = dict.fromkeys(("groups", "group_hits", "group_share", "group_low",
                                                            "group_high"))  # fmt: skip
    if group is not None:
        g_low, g_high = wilson_interval(group_hits, n_samples, confidence)
        by_group = {"groups": group[order], "group_hits": group_hits, "group_share": group_hits / n_samples,
                    "group_low": g_low, "group_high": g_high}  # fmt: skip
    return Robustness(
        cim,
        idx,
        nominal,
        hits,
        share,
        low,
        high,
        int(n_samples),
        int(tolerance),
        int(candidate_tolerance),
        time.perf_counter() - t0,
        **by_group,
    )
