"""The resumable backtracking skeleton shared by the three search kernels.

Every kernel walks a depth-first tree with a per-level descriptor (``choice``) and next variant
(``vptr``), stops after a node budget and resumes by replaying the stopped path. Each runs the
same loop, with its own state and propagation in the middle::

    while level >= 0:
        a = next variant of choice[level] still possible, from vptr[level]
        if there is none: level -= 1 (backtrack)
        if the budget is spent: return paused(...)      (the path, to resume from)
        vptr[level] = a + 1; count the node; assign a at level + 1 and propagate
        if a domain is empty: continue
        j = descriptor to branch on at level + 1
        if j < 0: emit the scenario (every domain is one variant)
        else: level = descend(...)                      (replays a stopped path when resuming)
    return done(...)

The helpers here are that loop's shared steps: choosing the next variant (:func:`next_variant`,
:func:`next_bit`), going down a level (:func:`descend`), collecting solutions (:func:`grow`,
:func:`emit`) and returning a finished or paused search (:func:`done`, :func:`paused`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "borrowing",
    "copy_row",
    "descend",
    "done",
    "emit",
    "grow",
    "next_bit",
    "next_variant",
    "paused",
    "replay",
    "save_path",
]


def borrowing(fn=None, *, inline="never"):
    """Compile ``fn``, a search step that allocates nothing, with its array arguments borrowed.

    Numba counts references to every array passed to a compiled function (two atomic operations
    per array per call); for the small steps a kernel calls at every node or queue pop that cost as
    much as the step itself (sparse search 1.6x slower, dense 1.2-1.3x, when the kernels were split
    into steps). Without the runtime (numba's ``_nrt=False``) nothing is counted: the step may
    index and take views of the arrays it is given, but not create one. ``inline="always"`` inlines
    the step where it is called (numba's own inlining, worth it only without the counting).
    """
    compile_ = njit(cache=True, nogil=True, _nrt=False, inline=inline)
    return compile_ if fn is None else compile_(fn)


@borrowing(inline="always")
def copy_row(a, level):  # pragma: no cover - compiled
    """Row ``level + 1`` of ``a`` made a copy of row ``level`` (the next level starts from its parent's state)."""
    src = a[level]
    dst = a[level + 1]
    for p in range(src.shape[0]):
        dst[p] = src[p]


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


@borrowing
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


@njit(cache=True, nogil=True, inline="always")
def descend(choice, vptr, level, j, r_desc, r_start, r_len):  # pragma: no cover - compiled
    """Branch on ``j`` at ``level`` from its first variant (or the stopped path's, when resuming); the new replay length."""
    choice[level] = j
    vptr[level] = 0
    return replay(choice, vptr, level, r_desc, r_start, r_len)


@borrowing(inline="always")
def next_variant(dom, level, start, size, a):  # pragma: no cover - compiled
    """The first variant ``>= a`` still in ``level``'s domain (``dom[level, start + u]``), or ``size`` when none is."""
    while a < size and not dom[level, start + a]:
        a += 1
    return a


@njit(cache=True, nogil=True, inline="always")
def next_bit(mask, size, a):  # pragma: no cover - compiled
    """The first variant ``>= a`` still in the bit-mask domain ``mask``, or ``size`` when none is."""
    while a < size and not (mask >> a) & 1:
        a += 1
    return a


@njit(cache=True, nogil=True, inline="always")
def emit(out, n_out, row):  # pragma: no cover - compiled
    """``(out, n_out)`` with the solution ``row`` appended."""
    out = grow(out, n_out)
    out[n_out] = row
    return out, n_out + 1


@njit(cache=True, nogil=True, inline="always")
def done(out, n_out, n_nodes):  # pragma: no cover - compiled
    """What a finished search returns: its solutions, its node count and an empty path."""
    none = np.empty(0, dtype=np.int64)
    return out[:n_out].copy(), n_nodes, none, none, none, none


@njit(cache=True, nogil=True, inline="always")
def paused(out, n_out, n_nodes, dom, offsets, sizes, choice, vptr, level, a):  # pragma: no cover - compiled
    """What a search stopped at its node budget returns: its solutions so far, its node count and the path
    (:func:`save_path`) to resume from."""
    p_desc, p_start, p_k, p_rank = save_path(dom, offsets, sizes, choice, vptr, level, a)
    return out[:n_out].copy(), n_nodes, p_desc, p_start, p_k, p_rank
