"""Numba kernels of succession: one step (global or local) and runs from many starts."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["succession_kernel", "succession_step"]


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
def succession_kernel(values, sizes, offsets, starts, local, max_steps):  # pragma: no cover - compiled
    """Run succession from every start; return the end scenario's row (or -1 for a cycle) per start.

    Used to count, per consistent scenario, how many starts lead to it (the ``.sl`` weights).
    ``ends`` receives the final scenario; ``kind`` is 0 for consistent, 1 for a cycle or no end.
    """
    n_starts = starts.shape[0]
    n = sizes.shape[0]
    n_var = values.shape[0]
    ends = np.empty((n_starts, n), dtype=np.int64)
    kind = np.zeros(n_starts, dtype=np.int64)
    bal = np.zeros(n_var, dtype=np.int64)
    z = np.empty(n, dtype=np.int64)
    for s in range(n_starts):
        z[:] = starts[s]
        done = False
        for _ in range(max_steps):
            bal[:] = 0
            for i in range(n):
                r = offsets[i] + z[i]
                for c in range(n_var):
                    bal[c] += values[r, c]
            if succession_step(bal, z, sizes, offsets, local) == 0:
                done = True
                break
        ends[s] = z
        kind[s] = 0 if done else 1
    return ends, kind
