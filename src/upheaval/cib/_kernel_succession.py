"""Numba kernels of succession: one step (global or local) and runs from many starts."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["succession_kernel", "succession_step", "successions_from_rows"]


@njit(cache=True, nogil=True)
def succession_step(bal, z, sizes, offsets, local):  # pragma: no cover - compiled
    """One succession step in place on ``z``; return the number of descriptors changed.

    Global: every descriptor moves to its first max-balance variant unless its current
    variant is among the maxima. Local: only the descriptor with the largest gap (the
    first on ties) moves, to its first max-balance variant.
    """
    n = sizes.shape[0]
    if local:
        worst = -1
        worst_gap = 0
        for j in range(n):
            oj = offsets[j]
            best = bal[oj]
            for v in range(1, sizes[j]):
                if bal[oj + v] > best:
                    best = bal[oj + v]
            gap = best - bal[oj + z[j]]
            if gap > worst_gap:
                worst_gap = gap
                worst = j
        if worst < 0:
            return 0
        oj = offsets[worst]
        best_v = 0
        for v in range(1, sizes[worst]):
            if bal[oj + v] > bal[oj + best_v]:
                best_v = v
        z[worst] = best_v
        return 1
    changed = 0
    for j in range(n):
        oj = offsets[j]
        best = bal[oj + z[j]]
        best_v = z[j]
        for v in range(sizes[j]):
            if bal[oj + v] > best:
                best = bal[oj + v]
                best_v = v
        if best_v != z[j]:
            z[j] = best_v
            changed += 1
    return changed


@njit(cache=True, nogil=True)
def successions_from_rows(values, sizes, offsets, starts, local, max_steps):  # pragma: no cover - compiled
    """Succession from each row of ``starts``; return ``(ends, kind, steps)``.

    ``ends[s]`` is the consistent end, or for a cycle its lexicographically smallest
    member (a canonical representative); ``kind[s]`` is 0 (consistent), 1 (cycle) or
    2 (``max_steps`` ran out). Works for any number of scenarios (no linear index).
    """
    return _successions(values, sizes, offsets, starts, local, max_steps, False)


@njit(cache=True, nogil=True)
def succession_kernel(values, sizes, offsets, starts, local, max_steps):  # pragma: no cover - compiled
    """Run succession from every start for ``max_steps`` steps at most; return ``(ends, kind)``.

    ``kind`` is 0 where the run reaches a consistent scenario (``ends``), 1 where it does not:
    ``ends`` is then where it stands after ``max_steps`` steps (on a cycle, found once the cycle
    closes). Used to count, per consistent scenario, how many starts lead to it (the ``.sl``
    weights), and by the heuristic search.
    """
    ends, kind, _ = _successions(values, sizes, offsets, starts, local, max_steps, True)
    return ends, np.minimum(kind, 1)


@njit(cache=True, nogil=True)
def _successions(values, sizes, offsets, starts, local, max_steps, last):  # pragma: no cover - compiled
    """Succession from each row of ``starts`` (see :func:`successions_from_rows`); with ``last`` a
    cycle's end is the scenario the run reaches after ``max_steps`` steps instead of its smallest member."""
    n_starts = starts.shape[0]
    n = sizes.shape[0]
    n_var = values.shape[0]
    ends = np.empty((n_starts, n), dtype=np.int64)
    kind = np.zeros(n_starts, dtype=np.int64)
    steps_out = np.zeros(n_starts, dtype=np.int64)
    path = np.empty((max_steps + 1, n), dtype=np.int64)
    bal = np.empty(n_var, dtype=np.int64)
    z = np.empty(n, dtype=np.int64)
    old = np.empty(n, dtype=np.int64)
    for s in range(n_starts):
        z[:] = starts[s]
        bal[:] = 0
        for i in range(n):
            r = offsets[i] + z[i]
            for c in range(n_var):
                bal[c] += values[r, c]
        path[0] = z
        steps = 0
        k_kind = 2
        while steps < max_steps:
            old[:] = z
            if succession_step(bal, z, sizes, offsets, local) == 0:
                k_kind = 0
                ends[s] = z
                break
            for i in range(n):
                if z[i] != old[i]:
                    for c in range(n_var):
                        bal[c] += values[offsets[i] + z[i], c] - values[offsets[i] + old[i], c]
            steps += 1
            hit = -1
            for k in range(steps):
                same = True
                for i in range(n):
                    if path[k, i] != z[i]:
                        same = False
                        break
                if same:
                    hit = k
                    break
            if hit >= 0:
                k_kind = 1
                best = hit
                if last:  # path[t] = path[hit + (t - hit) % period] for t >= hit
                    ends[s] = path[hit + (max_steps - hit) % (steps - hit)]
                    break
                for m in range(hit + 1, steps):
                    for i in range(n):
                        if path[m, i] != path[best, i]:
                            if path[m, i] < path[best, i]:
                                best = m
                            break
                ends[s] = path[best]
                break
            path[steps] = z
        if k_kind == 2:
            ends[s] = z
        kind[s] = k_kind
        steps_out[s] = steps
    return ends, kind, steps_out
