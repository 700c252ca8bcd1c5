"""Numba kernel of the dense search: branch-and-bound with forward checking and static best-case bounds.

Called from :mod:`upheaval.cib._search`; all arrays are int64 (masks are bool); nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib._kernel_backtrack import borrowing, descend, done, emit, next_variant, paused

__all__ = ["prepare_bounds", "search_kernel"]


@njit(cache=True, nogil=True)
def prepare_bounds(values, sizes, offsets, allowed):  # pragma: no cover - compiled
    """Tables for the sound bound of the search.

    Pairs ``(j, a, v)`` (descriptor ``j``, its variants ``a`` and ``v``) are numbered
    ``pstart[j] + a * sizes[j] + v``. For every descriptor ``i`` and every pair of
    another descriptor ``j`` the best case that ``i`` can still add to the margin of
    ``a`` over ``v`` is ``max_u values[i_u, j_a] - values[i_u, j_v]`` over the allowed
    variants ``u`` of ``i``; the nonzero ones are stored per ``i`` (CSR ``c_ptr``,
    ``c_idx``, ``c_val``). ``diag[p]`` is the self-impact part ``values[j_a, j_a] - values[j_a, j_v]``.
    ``t_ptr``/``t_idx`` list, per descriptor, the other descriptors it influences, and
    ``prio`` ranks descriptors by how much they influence (branch on them first).
    """
    n = sizes.shape[0]
    pstart = np.zeros(n + 1, dtype=np.int64)
    for j in range(n):
        pstart[j + 1] = pstart[j] + sizes[j] * sizes[j]
    n_pairs = pstart[n]
    diag = np.zeros(n_pairs, dtype=np.int64)
    for j in range(n):
        oj = offsets[j]
        nj = sizes[j]
        for a in range(nj):
            for v in range(nj):
                diag[pstart[j] + a * nj + v] = values[oj + a, oj + a] - values[oj + a, oj + v]
    # influence structure
    influences = np.zeros((n, n), dtype=np.bool_)
    prio = np.zeros(n, dtype=np.int64)
    for i in range(n):
        oi = offsets[i]
        for j in range(n):
            if i == j:
                continue
            oj = offsets[j]
            s = 0
            for u in range(sizes[i]):
                for a in range(sizes[j]):
                    s += abs(values[oi + u, oj + a])
            if s > 0:
                influences[i, j] = True
                prio[i] += s
    t_ptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        t_ptr[i + 1] = t_ptr[i] + influences[i].sum()
    t_idx = np.empty(t_ptr[n], dtype=np.int64)
    k = 0
    for i in range(n):
        for j in range(n):
            if influences[i, j]:
                t_idx[k] = j
                k += 1
    # best-case contributions
    cap = 0
    for i in range(n):
        for q in range(t_ptr[i], t_ptr[i + 1]):
            j = t_idx[q]
            cap += sizes[j] * sizes[j]
    c_ptr = np.zeros(n + 1, dtype=np.int64)
    c_idx = np.empty(cap, dtype=np.int64)
    c_val = np.empty(cap, dtype=np.int64)
    k = 0
    for i in range(n):
        oi = offsets[i]
        for q in range(t_ptr[i], t_ptr[i + 1]):
            j = t_idx[q]
            oj = offsets[j]
            nj = sizes[j]
            for a in range(nj):
                for v in range(nj):
                    if a == v:
                        continue
                    best = -(1 << 60)
                    for u in range(sizes[i]):
                        if not allowed[oi + u]:
                            continue
                        d = values[oi + u, oj + a] - values[oi + u, oj + v]
                        if d > best:
                            best = d
                    if best != 0 and best > -(1 << 59):
                        c_idx[k] = pstart[j] + a * nj + v
                        c_val[k] = best
                        k += 1
        c_ptr[i + 1] = k
    return pstart, diag, c_ptr, c_idx[:k].copy(), c_val[:k].copy(), t_ptr, t_idx, prio


@borrowing
def _margin_ok(bal, rem, diag, pstart, offsets, sizes, j, a, tol, with_diag):  # pragma: no cover - compiled
    """Can variant ``a`` of ``j`` still beat every rival within ``tol``, at best?"""
    oj = offsets[j]
    nj = sizes[j]
    base = pstart[j] + a * nj
    ba = bal[oj + a] + tol
    for v in range(nj):
        if v == a:
            continue
        m = ba - bal[oj + v] + rem[base + v]
        if with_diag:
            m += diag[base + v]
        if m < 0:
            return False
    return True


@njit(cache=True, nogil=True)
def search_kernel(
    values,
    sizes,
    offsets,
    tol,
    allowed,
    pstart,
    diag,
    c_ptr,
    c_idx,
    c_val,
    t_ptr,
    t_idx,
    prio,
    full,
    max_nodes,
    r_desc,
    r_start,
):  # pragma: no cover - compiled
    """Depth-first branch-and-bound over scenarios; returns every one with inconsistency <= ``tol``.

    ``allowed`` (bool, one per variant) restricts the variants each descriptor may take.
    With ``full`` true the search also does forward checking (variants of unassigned
    descriptors that can no longer be consistent are removed; an empty domain prunes)
    and branches on the descriptor with the fewest variants left (ties: most influencing);
    with ``full`` false it is a plain branch-and-bound in a fixed order with only the
    margin bound on assigned descriptors (the benchmark's baseline).

    Resumable: with ``max_nodes > 0`` the search stops before its next node once it has
    visited that many and returns where it stopped (see :func:`upheaval.cib._kernel_backtrack.save_path`); passing the
    returned ``r_desc`` and ``r_start`` back continues from there (the path is replayed),
    so no work is lost. Empty ``r_desc`` starts from the beginning.
    Returns ``(solutions (n, N) int64, n_nodes, r_desc, r_start, r_k, r_rank)``; ``r_desc``
    is empty when the search is finished.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    bal = np.zeros((n + 1, n_var), dtype=np.int64)
    rem = np.zeros((n + 1, diag.shape[0]), dtype=np.int64)
    dom = np.zeros((n + 1, n_var), dtype=np.bool_)
    cnt = np.zeros((n + 1, n), dtype=np.int64)
    z = -np.ones(n, dtype=np.int64)
    choice = np.zeros(n + 1, dtype=np.int64)
    vptr = np.zeros(n + 1, dtype=np.int64)
    out = np.empty((64, n), dtype=np.int64)
    n_out = 0
    n_nodes = 0
    bounds = (values, sizes, offsets, tol, pstart, diag, c_ptr, c_idx, c_val, t_ptr, t_idx)
    if not _root(bounds, allowed, full, bal[0], rem[0], dom[0], cnt[0]) or n == 0:
        return done(out, 0, n_nodes)
    order = np.argsort(-prio, kind="mergesort")  # static order for the plain mode: by influence, descending
    level = 0
    r_len = descend(choice, vptr, 0, _choose(cnt[0], z, prio, order, full, 0), r_desc, r_start, r_desc.shape[0])
    while level >= 0:
        j = choice[level]
        a = next_variant(dom, level, offsets[j], sizes[j], vptr[level])
        if a >= sizes[j]:
            z[j] = -1
            level -= 1
            continue
        if max_nodes > 0 and n_nodes >= max_nodes:
            return paused(out, n_out, n_nodes, dom, offsets, sizes, choice, vptr, level, a)
        vptr[level] = a + 1
        z[j] = a
        n_nodes += 1
        nxt = level + 1
        if not _assign(bounds, full, bal, rem, dom, cnt, z, level, j, a):
            continue
        if nxt == n:  # every descriptor assigned: a scenario within the tolerance
            out, n_out = emit(out, n_out, z)
            continue
        r_len = descend(choice, vptr, nxt, _choose(cnt[nxt], z, prio, order, full, nxt), r_desc, r_start, r_len)
        level = nxt
    return done(out, n_out, n_nodes)


@njit(cache=True, nogil=True)
def _root(bounds, allowed, full, bal, rem, dom, cnt):  # pragma: no cover - compiled
    """The root's bounds and domains (every allowed variant; with ``full``, those that can still be consistent);
    False when a domain is empty."""
    _, sizes, offsets, tol, pstart, diag, c_ptr, c_idx, c_val, _, _ = bounds
    for i in range(sizes.shape[0]):
        for k in range(c_ptr[i], c_ptr[i + 1]):
            rem[c_idx[k]] += c_val[k]
    for j in range(sizes.shape[0]):
        oj = offsets[j]
        c = 0
        for a in range(sizes[j]):
            ok = allowed[oj + a]
            if ok and full:
                ok = _margin_ok(bal, rem, diag, pstart, offsets, sizes, j, a, tol, True)
            dom[oj + a] = ok
            if ok:
                c += 1
        cnt[j] = c
        if c == 0:
            return False
    return True


@borrowing
def _assign(bounds, full, bal, rem, dom, cnt, z, level, j, a):  # pragma: no cover - compiled
    """Level ``level + 1``: ``level``'s state with variant ``a`` of ``j`` assigned (``z[j] == a``), its bound
    checked and the descriptors ``j`` influences checked (``full``: their domains filtered); False to prune."""
    values, sizes, offsets, tol, pstart, diag, c_ptr, c_idx, c_val, t_ptr, t_idx = bounds
    nxt = level + 1
    row = offsets[j] + a
    for c in range(values.shape[0]):
        bal[nxt, c] = bal[level, c] + values[row, c]
    for p in range(rem.shape[1]):
        rem[nxt, p] = rem[level, p]
    for k in range(c_ptr[j], c_ptr[j + 1]):
        rem[nxt, c_idx[k]] -= c_val[k]
    for p in range(dom.shape[1]):
        dom[nxt, p] = dom[level, p]
    for p in range(cnt.shape[1]):
        cnt[nxt, p] = cnt[level, p]
    if not _margin_ok(bal[nxt], rem[nxt], diag, pstart, offsets, sizes, j, a, tol, False):
        return False
    for q in range(t_ptr[j], t_ptr[j + 1]):
        t = t_idx[q]
        if z[t] >= 0:
            if not _margin_ok(bal[nxt], rem[nxt], diag, pstart, offsets, sizes, t, z[t], tol, False):
                return False
        elif full:
            ot = offsets[t]
            c = 0
            for b in range(sizes[t]):
                if dom[nxt, ot + b]:
                    if _margin_ok(bal[nxt], rem[nxt], diag, pstart, offsets, sizes, t, b, tol, True):
                        c += 1
                    else:
                        dom[nxt, ot + b] = False
            cnt[nxt, t] = c
            if c == 0:
                return False
    return True


@borrowing
def _choose(cnt, z, prio, order, full, depth):  # pragma: no cover - compiled
    """The next descriptor to branch on."""
    if not full:
        for k in range(order.shape[0]):
            if z[order[k]] < 0:
                return order[k]
    best = -1
    for j in range(cnt.shape[0]):
        if z[j] >= 0:
            continue
        if best < 0 or cnt[j] < cnt[best] or (cnt[j] == cnt[best] and prio[j] > prio[best]):
            best = j
    return best
