"""Exact search and measures with numpy alone, for small scenario spaces (nothing to compile).

A space of at most :data:`SMALL_LIMIT` scenarios is searched by enumerating every scenario
in chunks. Impact balances are sums of one matrix row per descriptor, so the descriptors are
split into an outer and an inner group: the partial balances of every combination of each
group are computed once, and a scenario's balances are its outer row plus its inner row (one
addition per cell). The descriptors are tested one after the other, each on the scenarios
that passed the ones before, so most scenarios cost one descriptor's cells. A scenario is kept when, for every descriptor with more than one
variant, its chosen variant's balance comes within the tolerance of the descriptor's best
balance over *all* its variants (a restricted descriptor keeps its own consistency test),
the definition of Weimer-Jehle (2006) applied literally, with the diagonal blocks counted
as ScenarioWizard counts them.

References
----------
.. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
   cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
   https://doi.org/10.1016/j.techfore.2005.06.005
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from upheaval.cib._compile import CrossImpactMatrix

__all__ = ["SMALL_LIMIT", "allowed_choices", "measures_numpy", "search_numpy", "space_size"]

SMALL_LIMIT = 1 << 20  # scenarios (after restrictions) searched with numpy instead of the compiled kernels
_CELLS = 1 << 21  # balance cells per chunk (int64: 16 MiB)
_INNER = 4096  # largest inner group of the enumeration
_PAIRS = 1 << 17  # scenarios tested at a time
_NO_RIVAL = 1 << 62  # the consistency value when no descriptor has a rival variant, as the kernels report it


def allowed_choices(cim: CrossImpactMatrix, fixed: Mapping[int, Sequence[int]]) -> list[np.ndarray]:
    """Each descriptor's allowed variant indices: those of ``fixed``, else all of them."""
    return [
        np.asarray(sorted(fixed[i]) if i in fixed else range(size), dtype=np.int64) for i, size in enumerate(cim.sizes)
    ]


def space_size(cim: CrossImpactMatrix, fixed: Mapping[int, Sequence[int]]) -> int:
    """How many scenarios a search with these allowed variants covers."""
    return math.prod(len(c) for c in allowed_choices(cim, fixed))


def _group(cim: CrossImpactMatrix, members: list[int], choices: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every combination of the members' allowed variants (rows, first member slowest) and its partial balances."""
    n_var = cim.values.shape[0]
    combos = np.zeros((1, 0), dtype=np.int64)
    partial = np.zeros((1, n_var), dtype=np.int64)
    for i in members:
        c = choices[i]
        rows = cim.values[cim.offsets[i] + c]  # (k, V)
        partial = (partial[:, None, :] + rows[None, :, :]).reshape(-1, n_var)
        combos = np.concatenate([np.repeat(combos, len(c), axis=0), np.tile(c, combos.shape[0])[:, None]], axis=1)
    return combos, partial


def search_numpy(
    cim: CrossImpactMatrix,
    tolerance: int,
    fixed: Mapping[int, Sequence[int]],
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Every scenario (rows of 0-based variant indices) whose inconsistency is at most ``tolerance``.

    Only variants allowed by ``fixed`` (``{descriptor index: [variant indices]}``) are
    enumerated; consistency is judged against all variants. Exact; memory stays bounded
    by chunking. Meant for spaces of at most :data:`SMALL_LIMIT` scenarios.
    """
    n = cim.n_descriptors
    choices = allowed_choices(cim, fixed)
    # the inner group: the last descriptors, as many as fit in _INNER combinations
    inner: list[int] = []
    count = 1
    for i in range(n - 1, -1, -1):
        if count * len(choices[i]) > _INNER:
            break
        inner.insert(0, i)
        count *= len(choices[i])
    outer = [i for i in range(n) if i not in inner]
    in_combos, in_bal = _group(cim, inner, choices)
    out_combos, out_bal = _group(cim, outer, choices)
    m_in, m_out = in_combos.shape[0], out_combos.shape[0]
    # per descriptor with a rival: its balance columns in each group, and where its chosen variant is read
    checks = []
    for j in range(n):
        if cim.sizes[j] < 2:
            continue
        cols = slice(int(cim.offsets[j]), int(cim.offsets[j]) + cim.sizes[j])
        side = (out_combos, outer.index(j)) if j in outer else (in_combos, inner.index(j))
        checks.append((np.ascontiguousarray(out_bal[:, cols]), np.ascontiguousarray(in_bal[:, cols]), j in outer, side))
    # the descriptors most likely to fail first: those with the most variants
    checks.sort(key=lambda c: -c[0].shape[1])
    batch = max(1, _PAIRS // max(1, m_in))
    found = []
    for lo in range(0, m_out, batch):
        hi = min(m_out, lo + batch)
        oi = np.repeat(np.arange(lo, hi, dtype=np.int64), m_in)
        ii = np.tile(np.arange(m_in, dtype=np.int64), hi - lo)
        # every descriptor's test in turn, on the scenarios that passed the previous ones
        for o_bal, i_bal, is_outer, (combos, pos) in checks:
            if oi.size == 0:
                break
            bal = o_bal[oi] + i_bal[ii]
            z = combos[oi if is_outer else ii, pos]
            chosen = bal[np.arange(bal.shape[0]), z]
            keep = bal.max(axis=1) - chosen <= tolerance
            oi, ii = oi[keep], ii[keep]
        if oi.size:
            rows = np.empty((oi.size, n), dtype=np.int64)
            rows[:, outer] = out_combos[oi]
            rows[:, inner] = in_combos[ii]
            found.append(rows)
        if progress is not None:
            progress(hi / m_out)
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
