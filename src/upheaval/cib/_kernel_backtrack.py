"""The resumable backtracking skeleton shared by the two search kernels.

Both kernels walk a depth-first tree with a per-level descriptor (``choice``) and next variant
(``vptr``), stop after a node budget and resume by replaying the stopped path; the helpers
here save that path, replay it and collect solutions.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["grow", "replay", "save_path"]


@njit(cache=True, nogil=True)
def save_path(dom, offsets, sizes, choice, vptr, level, a):  # pragma: no cover - compiled
    """Where a stopped search is: per level its descriptor, the variant being explored (``a`` at
    ``level``: the next to try) and, for the progress estimate, the domain size and that variant's rank."""
    depth = level + 1
    r_desc = np.empty(depth, dtype=np.int64)
    r_start = np.empty(depth, dtype=np.int64)
    r_k = np.empty(depth, dtype=np.int64)
    r_rank = np.empty(depth, dtype=np.int64)
    for lv in range(depth):
        j = choice[lv]
        cur = a if lv == level else vptr[lv] - 1
        r_desc[lv] = j
        r_start[lv] = cur
        k = 0
        rank = 0
        for u in range(sizes[j]):
            if dom[lv, offsets[j] + u]:
                k += 1
                if u < cur:
                    rank += 1
        r_k[lv] = k
        r_rank[lv] = rank
    return r_desc, r_start, r_k, r_rank


@njit(cache=True, nogil=True)
def grow(out, n_out):  # pragma: no cover - compiled
    """``out`` with room for one more solution row (doubled when full)."""
    cap = out.shape[0]
    if n_out < cap:
        return out
    bigger = np.empty((cap * 2, out.shape[1]), dtype=np.int64)
    bigger[:cap] = out
    return bigger


@njit(cache=True, nogil=True)
def replay(choice, vptr, level, r_desc, r_start, r_len):  # pragma: no cover - compiled
    """While resuming, take ``level``'s descriptor and variant from the stopped path; return the new replay length.

    ``r_len`` is how many levels of ``r_desc``/``r_start`` remain to replay (0: none, searching normally).
    """
    if level < r_len:
        choice[level] = r_desc[level]
        vptr[level] = r_start[level]
        if level == r_len - 1:
            return 0
    return r_len
