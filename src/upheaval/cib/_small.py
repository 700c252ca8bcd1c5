"""Exact search and measures with numpy alone, for small scenario spaces (nothing to compile).

A space of at most :data:`SMALL_LIMIT` scenarios is searched with numpy (:func:`numpy_suffices`
is the size rule every caller follows, so that no model of up to about a million scenarios
waits for a compile). The search assigns one descriptor at a time to every partial scenario
at once (a frontier of rows, processed depth first in chunks of bounded size). Each row keeps
its partial impact balances; a row is dropped as soon as one of its assigned descriptors can
no longer come within the tolerance of a rival, even if every unassigned descriptor took,
among its allowed variants, the one most favourable to that descriptor's margin (a sound
bound, so nothing consistent is lost). After the last descriptor the bound is the exact test:
a scenario is kept when, for every descriptor with more than one variant, its chosen
variant's balance comes within the tolerance of the descriptor's best balance over *all*
its variants (a restricted descriptor keeps its own consistency test), the definition of
Weimer-Jehle (2006) applied literally, with the diagonal blocks counted as ScenarioWizard
counts them.

References
----------
.. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
   cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
   https://doi.org/10.1016/j.techfore.2005.06.005
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from upheaval.cib._compile import CrossImpactMatrix

__all__ = ["SMALL_LIMIT", "allowed_choices", "measures_numpy", "numpy_suffices", "search_numpy", "space_size"]

SMALL_LIMIT = 1 << 20  # scenarios (after restrictions) searched with numpy instead of the compiled kernels
_CELLS = 1 << 21  # balance cells per chunk (int64: 16 MiB)
_FRONTIER = 1 << 14  # partial scenarios expanded at a time by the search
_NO_RIVAL = 1 << 62  # the consistency value when no descriptor has a rival variant, as the kernels report it


def allowed_choices(cim: CrossImpactMatrix, fixed: Mapping[int, Sequence[int]]) -> list[np.ndarray]:
    """Each descriptor's allowed variant indices: those of ``fixed``, else all of them."""
    return [
        np.asarray(sorted(fixed[i]) if i in fixed else range(size), dtype=np.int64) for i, size in enumerate(cim.sizes)
    ]


def numpy_suffices(n_scenarios: int) -> bool:
    """The size rule: a space of at most :data:`SMALL_LIMIT` scenarios is searched (and swept)
    with numpy alone, so that no model of up to about a million scenarios waits for a compile."""
    return n_scenarios <= SMALL_LIMIT


def space_size(cim: CrossImpactMatrix, fixed: Mapping[int, Sequence[int]]) -> int:
    """How many scenarios a search with these allowed variants covers."""
    return math.prod(len(c) for c in allowed_choices(cim, fixed))


@functools.lru_cache(maxsize=64)
def _pairs(sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Every (chosen, rival) pair of columns of the same descriptor (a scenario's margin on a
    pair is balance(chosen) - balance(rival)), for descriptors of these sizes."""
    offsets = np.cumsum((0, *sizes[:-1]))
    pairs = [
        (off + a, off + b)
        for off, size in zip(offsets.tolist(), sizes, strict=True)
        for a in range(size)
        for b in range(size)
        if a != b
    ]
    chosen, rival = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    chosen.flags.writeable = rival.flags.writeable = False
    return chosen, rival


def search_numpy(
    cim: CrossImpactMatrix,
    tolerance: int,
    fixed: Mapping[int, Sequence[int]],
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Every scenario (rows of 0-based variant indices) whose inconsistency is at most ``tolerance``.

    Only variants allowed by ``fixed`` (``{descriptor index: [variant indices]}``) are
    enumerated; consistency is judged against all variants. Exact; memory stays bounded by
    the frontier's chunks. Meant for spaces of at most :data:`SMALL_LIMIT` scenarios, though
    correct for any.

    Examples
    --------
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> search_numpy(cim, 0, {}).tolist()
    [[0, 0], [1, 1]]
    """
    n = cim.n_descriptors
    values = np.asarray(cim.values, dtype=np.int64)
    n_var = values.shape[0]
    choices = allowed_choices(cim, fixed)
    # descriptors with the fewest allowed variants first: the restricted ones cost no branching
    order = sorted(range(n), key=lambda i: len(choices[i]))
    chosen_col, rival_col = _pairs(tuple(cim.sizes))
    lift = values[:, chosen_col] - values[:, rival_col]
    # floor[k]: the least each margin must reach once order[:k] is assigned, for the rest to lift it to -tolerance
    floor = np.empty((n + 1, chosen_col.size), dtype=np.int64)
    floor[n] = -int(tolerance)
    for k in range(n - 1, -1, -1):
        i = order[k]
        floor[k] = floor[k + 1] - lift[cim.offsets[i] + choices[i]].max(axis=0)
    rest = [1]  # rest[k]: the scenarios below one row of level k
    for i in reversed(order):
        rest.insert(0, rest[0] * len(choices[i]))
    covered = 0
    reported = -1.0
    found = []
    stack = [(0, np.zeros((1, n), np.int64), np.zeros((1, n_var), np.int64), np.zeros((1, n_var), bool))]
    while stack:
        k, rows, balance, onehot = stack.pop()
        if k == n:
            found.append(rows)
            covered += rows.shape[0]
        else:
            i = order[k]
            c = choices[i]
            m, s = rows.shape[0], len(c)
            rows = np.repeat(rows, s, axis=0)
            rows[:, i] = np.tile(c, m)
            cols = cim.offsets[i] + rows[:, i]
            balance = (balance[:, None, :] + values[cim.offsets[i] + c][None, :, :]).reshape(m * s, n_var)
            onehot = np.repeat(onehot, s, axis=0)
            onehot[np.arange(m * s), cols] = True
            failing = (balance[:, chosen_col] - balance[:, rival_col] < floor[k + 1]) & onehot[:, chosen_col]
            keep = ~failing.any(axis=1)
            covered += int(m * s - np.count_nonzero(keep)) * rest[k + 1]
            rows, balance, onehot = rows[keep], balance[keep], onehot[keep]
            for lo in range(0, rows.shape[0], _FRONTIER):
                stack.append((k + 1, *(part[lo : lo + _FRONTIER] for part in (rows, balance, onehot))))
        if progress is not None and (covered - reported >= rest[0] / 100 or not stack):
            reported = covered
            progress(covered / rest[0])
    return np.concatenate(found, axis=0) if found else np.empty((0, n), dtype=np.int64)


def measures_numpy(cim: CrossImpactMatrix, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inconsistency, consistency value and total impact score of each scenario (rows of ``indices``).

    The same numbers as the compiled measures kernel: the inconsistency is the largest gap
    ``max_v b_j(v) - b_j(z_j)``, the consistency value the smallest margin over the best
    rival (``2**62`` when no descriptor has a rival), both over the descriptors with more
    than one variant; the total impact score sums the chosen variants' balances.
    """
    idx = np.asarray(indices, dtype=np.int64).reshape(-1, cim.n_descriptors)
    m, n = idx.shape
    n_var = cim.values.shape[0]
    inc = np.zeros(m, dtype=np.int64)
    cval = np.full(m, _NO_RIVAL, dtype=np.int64)
    tis = np.zeros(m, dtype=np.int64)
    multi = np.asarray(cim.sizes) > 1
    step = max(1, _CELLS // max(1, n_var))
    for lo in range(0, m, step):
        z = idx[lo : lo + step]
        cols = cim.offsets + z
        bal = np.zeros((z.shape[0], n_var), dtype=np.int64)
        for i in range(n):
            bal += cim.values[cols[:, i]]
        chosen = np.take_along_axis(bal, cols, axis=1)
        tis[lo : lo + step] = chosen.sum(axis=1)
        if not multi.any():
            continue
        others = bal.copy()
        np.put_along_axis(others, cols, -_NO_RIVAL, axis=1)
        rival = np.maximum.reduceat(others, cim.offsets, axis=1)[:, multi]
        c = chosen[:, multi]
        inc[lo : lo + step] = np.maximum((rival - c).max(axis=1), 0)
        cval[lo : lo + step] = (c - rival).min(axis=1)
    return inc, cval, tis
