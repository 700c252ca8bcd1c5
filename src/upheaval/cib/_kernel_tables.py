"""Numba kernel of the dense search: domain-aware bounds read from per-domain tables, propagated to a fixpoint.

Every descriptor keeps a domain (a bit mask of the variants still possible; an assigned
descriptor has one). For every column ``c = (j, a)`` and rival ``v`` of ``j`` the kernel keeps
one number, the most that variant ``a`` of ``j`` can still lead ``v`` by:

    M[v, c] = tol + (values[j_a, j_a] - values[j_a, j_v])
              + sum_{i != j} max_{u in D_i} (values[i_u, j_a] - values[i_u, j_v])

The inner maximum depends only on ``i`` and its domain ``D_i``, so it is tabulated once per
descriptor and per domain (``best[i * n_mask + D_i]``, a row over all ``(v, c)``), and a
domain change is two vector operations on ``M``: add the new domain's row, subtract the old
one's. Variant ``a`` of ``j`` stays possible while ``M[v, (j, a)] >= 0`` for every rival ``v``;
a removal changes ``M`` and is propagated until nothing changes. It is the bound of the
propagation kernel (:mod:`upheaval.cib._kernel_propagate`) without its arc consistency, laid
out so that the work per node is a few passes over one contiguous array: the form that pays
for dense systems, where every descriptor acts on every other. Once every domain is a single
variant, ``M`` holds the exact margins, so a leaf is a scenario within ``tol`` (Weimer-Jehle
2006's consistency condition).

Called from :mod:`upheaval.cib._search`; nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib._kernel_backtrack import grow, replay, save_path

__all__ = ["prepare_tables", "tables_kernel"]

_UNUSED = 1 << 28  # a slot that is no rival (v == a, or v past the descriptor's variants): never binding


@njit(cache=True, nogil=True)
def prepare_tables(values, sizes, offsets, tol):  # pragma: no cover - compiled
    """``(best, base, n_mask)``: the per-domain rows and the starting margins (no domain counted yet).

    Row ``best[i * n_mask + D]`` holds, at ``v * n_var + c`` for ``c = (j, a)``, ``j != i``,
    ``max_{u in D} values[i_u, j_a] - values[i_u, j_v]``; ``base`` holds ``tol`` plus ``j``'s
    own part, and ``_UNUSED`` where ``v`` is no rival of ``a``.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    s_max = 0
    for j in range(n):
        if sizes[j] > s_max:
            s_max = sizes[j]
    n_mask = 1 << s_max
    width = s_max * n_var
    best = np.zeros((n * n_mask, width), dtype=np.int32)
    base = np.zeros(width, dtype=np.int32)
    for j in range(n):
        oj = offsets[j]
        for a in range(sizes[j]):
            for v in range(s_max):
                if v >= sizes[j] or v == a:
                    base[v * n_var + oj + a] = _UNUSED
                else:
                    base[v * n_var + oj + a] = tol + values[oj + a, oj + a] - values[oj + a, oj + v]
    for i in range(n):
        oi = offsets[i]
        for m in range(1, 1 << sizes[i]):
            row = best[i * n_mask + m]
            for j in range(n):
                if j == i:
                    continue
                oj = offsets[j]
                for a in range(sizes[j]):
                    for v in range(sizes[j]):
                        if v == a:
                            continue
                        top = -(1 << 30)
                        for u in range(sizes[i]):
                            if (m >> u) & 1:
                                d = values[oi + u, oj + a] - values[oi + u, oj + v]
                                if d > top:
                                    top = d
                        row[v * n_var + oj + a] = top
    return best, base, n_mask


@njit(cache=True, nogil=True)
def _propagate(M, lv, mask, best, n_mask, sizes, offsets, low):  # pragma: no cover - compiled
    """Shrink the domains of level ``lv`` until every remaining variant passes; False on an empty domain."""
    n = sizes.shape[0]
    n_var = low.shape[0]
    width = M.shape[1]
    s_max = width // n_var
    while True:
        for c in range(n_var):
            low[c] = M[lv, c]
        for v in range(1, s_max):
            o = v * n_var
            for c in range(n_var):
                x = M[lv, o + c]
                if x < low[c]:
                    low[c] = x
        changed = False
        for t in range(n):
            m = mask[lv, t]
            ot = offsets[t]
            nm = 0
            for b in range(sizes[t]):
                nm |= (low[ot + b] >= 0) << b
            nm &= m
            if nm == 0:
                return False
            if nm != m:
                rn = t * n_mask + nm
                ro = t * n_mask + m
                for c in range(width):
                    M[lv, c] += best[rn, c] - best[ro, c]
                mask[lv, t] = nm
                changed = True
        if not changed:
            return True


@njit(cache=True, nogil=True)
def _choose(mask, lv, popc, prio):  # pragma: no cover - compiled
    """The descriptor to branch on: the fewest variants left above one (ties: the most influencing); -1 if none."""
    best = -1
    k_best = 0
    for t in range(mask.shape[1]):
        k = popc[mask[lv, t]]
        if k > 1 and (best < 0 or k < k_best or (k == k_best and prio[t] > prio[best])):
            best = t
            k_best = k
    return best


@njit(cache=True, nogil=True)
def _domains(mask, offsets, sizes, n_var, depth):  # pragma: no cover - compiled
    """The bit-mask domains of levels ``0..depth-1`` as the boolean rows :func:`save_path` reads."""
    dom = np.zeros((depth, n_var), dtype=np.bool_)
    for lv in range(depth):
        for t in range(sizes.shape[0]):
            for u in range(sizes[t]):
                dom[lv, offsets[t] + u] = (mask[lv, t] >> u) & 1
    return dom


@njit(cache=True, nogil=True)
def tables_kernel(
    sizes, offsets, allowed, best, base, n_mask, prio, max_nodes, r_desc, r_start
):  # pragma: no cover - compiled
    """Depth-first search with the tabulated bounds; returns every scenario within the tolerance the tables hold.

    ``allowed`` (bool, one per variant) restricts the variants each descriptor may take.
    Branches on the descriptor with the fewest variants left (ties: most influencing, ``prio``).
    Resumable with ``max_nodes``, ``r_desc`` and ``r_start`` as
    :func:`upheaval.cib._kernel_forward.search_kernel`, and returns the same
    ``(solutions, n_nodes, r_desc, r_start, r_k, r_rank)``.
    """
    n = sizes.shape[0]
    n_var = allowed.shape[0]
    width = base.shape[0]
    M = np.empty((n + 1, width), dtype=np.int32)
    mask = np.zeros((n + 1, n), dtype=np.int64)
    choice = np.zeros(n + 1, dtype=np.int64)
    vptr = np.zeros(n + 1, dtype=np.int64)
    low = np.empty(n_var, dtype=np.int32)
    popc = np.zeros(n_mask, dtype=np.int64)
    for q in range(1, n_mask):
        popc[q] = popc[q >> 1] + (q & 1)
    out = np.empty((64, n), dtype=np.int64)
    n_out = 0
    n_nodes = 0
    none = np.empty(0, dtype=np.int64)
    if n == 0:
        return out[:0].copy(), n_nodes, none, none, none, none
    M[0] = base
    for t in range(n):
        m = 0
        for u in range(sizes[t]):
            if allowed[offsets[t] + u]:
                m |= 1 << u
        if m == 0:
            return out[:0].copy(), n_nodes, none, none, none, none
        mask[0, t] = m
        r = t * n_mask + m
        for c in range(width):
            M[0, c] += best[r, c]
    if not _propagate(M, 0, mask, best, n_mask, sizes, offsets, low):
        return out[:0].copy(), n_nodes, none, none, none, none
    r_len = r_desc.shape[0]
    level = 0
    nxt = 0
    root = True
    while True:
        if not root:
            if level < 0:
                break
            j = choice[level]
            m = mask[level, j]
            a = vptr[level]
            while a < sizes[j] and not (m >> a) & 1:
                a += 1
            if a >= sizes[j]:
                level -= 1
                continue
            if max_nodes > 0 and n_nodes >= max_nodes:
                dom = _domains(mask, offsets, sizes, n_var, level + 1)
                p_desc, p_start, p_k, p_rank = save_path(dom, offsets, sizes, choice, vptr, level, a)
                return out[:n_out].copy(), n_nodes, p_desc, p_start, p_k, p_rank
            vptr[level] = a + 1
            n_nodes += 1
            nxt = level + 1
            rn = j * n_mask + (1 << a)
            ro = j * n_mask + m
            for c in range(width):
                M[nxt, c] = M[level, c] + best[rn, c] - best[ro, c]
            for t in range(n):
                mask[nxt, t] = mask[level, t]
            mask[nxt, j] = 1 << a
            if not _propagate(M, nxt, mask, best, n_mask, sizes, offsets, low):
                continue
        root = False
        jj = _choose(mask, nxt, popc, prio)
        if jj < 0:  # every domain is one variant: a scenario within the tolerance
            out = grow(out, n_out)
            for t in range(n):
                u = 0
                while (mask[nxt, t] >> u) != 1:
                    u += 1
                out[n_out, t] = u
            n_out += 1
            if nxt == 0:
                break
            continue
        choice[nxt] = jj
        vptr[nxt] = 0
        r_len = replay(choice, vptr, nxt, r_desc, r_start, r_len)  # resuming: follow the stopped path
        level = nxt
    return out[:n_out].copy(), n_nodes, none, none, none, none
