"""Numba kernel of the sparse search: domain-aware bounds propagated to a fixpoint, with generalized arc consistency.

Called from :mod:`upheaval.cib._search`; all arrays are int64 (masks are bool); nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib._kernel_backtrack import borrowing, copy_row, descend, done, grow, next_variant, paused

__all__ = ["prepare_entries", "propagate_kernel"]


@njit(cache=True, nogil=True)
def prepare_entries(sizes, offsets, pstart, t_ptr, t_idx):  # pragma: no cover - compiled
    """For each descriptor ``t``, the pairs it can shift: CSR ``e_ptr`` over (pair, column a, column v).

    One entry per descriptor ``j`` that ``t`` influences and per ordered pair ``a != v`` of
    ``j``'s variants; ``t``'s contribution to that pair's margin is
    ``values[t_u, j_a] - values[t_u, j_v]`` for its variant ``u``.
    """
    n = sizes.shape[0]
    e_ptr = np.zeros(n + 1, dtype=np.int64)
    for t in range(n):
        k = 0
        for q in range(t_ptr[t], t_ptr[t + 1]):
            j = t_idx[q]
            k += sizes[j] * (sizes[j] - 1)
        e_ptr[t + 1] = e_ptr[t] + k
    e_p = np.empty(e_ptr[n], dtype=np.int64)
    e_ca = np.empty(e_ptr[n], dtype=np.int64)
    e_cv = np.empty(e_ptr[n], dtype=np.int64)
    k = 0
    for t in range(n):
        for q in range(t_ptr[t], t_ptr[t + 1]):
            j = t_idx[q]
            nj = sizes[j]
            for a in range(nj):
                for v in range(nj):
                    if a != v:
                        e_p[k] = pstart[j] + a * nj + v
                        e_ca[k] = offsets[j] + a
                        e_cv[k] = offsets[j] + v
                        k += 1
    return e_ptr, e_p, e_ca, e_cv


@borrowing
def _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom, rem, t, removed):  # pragma: no cover - compiled
    """Lower ``rem`` after the variants flagged in ``removed`` left ``t``'s domain (``dom`` already updated)."""
    ot = offsets[t]
    nt = sizes[t]
    for e in range(e_ptr[t], e_ptr[t + 1]):
        ca = e_ca[e]
        cv = e_cv[e]
        new = -(1 << 60)
        old = -(1 << 60)
        for u in range(nt):
            d = values[ot + u, ca] - values[ot + u, cv]
            if dom[ot + u]:
                if d > new:
                    new = d
            elif removed[u] and d > old:
                old = d
        if old > new:
            rem[e_p[e]] -= old - new


@njit(cache=True, nogil=True)
def propagate_kernel(
    values,
    sizes,
    offsets,
    tol,
    allowed,
    pstart,
    diag,
    t_ptr,
    t_idx,
    prio,
    e_ptr,
    e_p,
    e_ca,
    e_cv,
    in_ptr,
    in_idx,
    gac_limit,
    max_nodes,
    r_desc,
    r_start,
):  # pragma: no cover - compiled
    """Branch-and-bound with domain-aware bounds propagated to a fixpoint.

    Every descriptor ``i`` keeps a domain ``D_i`` of variants still possible (an assigned
    descriptor has one). ``rem[(j, a, v)] = sum_{i != j} max_{u in D_i} (values[i_u, j_a] -
    values[i_u, j_v])`` is the most the other descriptors can add to the margin of ``a``
    over ``v``; it is exact once every domain is a single variant. Variant ``a`` of ``j``
    stays in ``D_j`` only while ``tol + diag(j, a, v) + rem[(j, a, v)] >= 0`` for every rival
    ``v``; a removal lowers ``rem`` for the descriptors ``j`` influences, which are then
    re-checked, until nothing changes. An empty domain prunes the branch; when every domain
    is a single variant the scenario is consistent within ``tol``. Branches on the
    descriptor with the fewest variants left (ties: the most influencing).

    With ``gac_limit > 0`` each descriptor's own consistency condition (a constraint over
    it and its influencers ``in_idx[in_ptr[t]:in_ptr[t+1]]``) is also made generalized
    arc consistent whenever the product of the domain sizes in its scope is at most
    ``gac_limit``: every combination of the still-possible variants is enumerated, and a
    variant of any member (the influencers included) that takes part in no combination
    under which ``t``'s choice is within ``tol`` of its best rival is removed. This prunes
    influencers as soon as they are forced, not only when they are assigned.

    Resumable with ``max_nodes``, ``r_desc`` and ``r_start`` as :func:`upheaval.cib._kernel_forward.search_kernel`, and
    returns the same.
    """
    n = sizes.shape[0]
    rem = np.zeros((n + 1, diag.shape[0]), dtype=np.int64)
    dom = np.zeros((n + 1, values.shape[0]), dtype=np.bool_)
    cnt = np.zeros((n + 1, n), dtype=np.int64)
    choice = np.zeros(n + 1, dtype=np.int64)
    vptr = np.zeros(n + 1, dtype=np.int64)
    out = np.empty((64, n), dtype=np.int64)
    n_out = 0
    n_nodes = 0
    if n == 0 or not _root(values, sizes, offsets, allowed, e_ptr, e_p, e_ca, e_cv, rem[0], dom[0], cnt[0]):
        return done(out, n_out, n_nodes)
    queue = np.arange(n)  # root propagation: everything is checked once
    inq = np.ones(n, dtype=np.bool_)
    removed, g_mem, g_len, g_pos, g_var, g_sup, g_bal = _gac_work(sizes, in_ptr)
    model = (values, sizes, offsets, tol, pstart, diag, t_ptr, t_idx, e_ptr, e_p, e_ca, e_cv, in_ptr, in_idx)
    gac = (gac_limit, g_mem, g_len, g_pos, g_var, g_sup, g_bal)
    if not _fixpoint(model, gac, rem, dom, cnt, 0, -1, 0, queue, inq, n, removed):
        return done(out, n_out, n_nodes)
    level = 0
    jj = _choose(cnt, 0, prio)
    if jj < 0:
        out = grow(out, 0)
        _scenario(out[0], dom[0], offsets, sizes)
        return done(out, 1, n_nodes)
    r_len = descend(choice, vptr, 0, jj, r_desc, r_start, r_desc.shape[0])
    while level >= 0:
        j = choice[level]
        a = next_variant(dom, level, offsets[j], sizes[j], vptr[level])
        if a >= sizes[j]:
            level -= 1
            continue
        if max_nodes > 0 and n_nodes >= max_nodes:
            return paused(out, n_out, n_nodes, dom, offsets, sizes, choice, vptr, level, a)
        vptr[level] = a + 1
        n_nodes += 1
        nxt = level + 1
        if not _fixpoint(model, gac, rem, dom, cnt, nxt, j, a, queue, inq, 0, removed):
            continue
        jj = _choose(cnt, nxt, prio)
        if jj < 0:  # every domain is one variant: a scenario within the tolerance
            out = grow(out, n_out)
            _scenario(out[n_out], dom[nxt], offsets, sizes)
            n_out += 1
            continue
        r_len = descend(choice, vptr, nxt, jj, r_desc, r_start, r_len)
        level = nxt
    return done(out, n_out, n_nodes)


@njit(cache=True, nogil=True)
def _gac_work(sizes, in_ptr):  # pragma: no cover - compiled
    """The work arrays of :func:`_fixpoint` (``removed``) and of :func:`_gac` (``g_mem, g_len, g_pos, g_var,
    g_sup, g_bal``), sized for the largest domain and scope."""
    maxn = 0
    max_in = 0
    for t in range(sizes.shape[0]):
        maxn = max(maxn, sizes[t])
        max_in = max(max_in, in_ptr[t + 1] - in_ptr[t])
    return (
        np.zeros(maxn, dtype=np.bool_),
        np.empty(max_in + 1, dtype=np.int64),
        np.empty(max_in + 1, dtype=np.int64),
        np.empty(max_in + 1, dtype=np.int64),
        np.empty((max_in + 1, maxn), dtype=np.int64),
        np.zeros((max_in + 1, maxn), dtype=np.bool_),
        np.empty(maxn, dtype=np.int64),
    )


@njit(cache=True, nogil=True)
def _root(values, sizes, offsets, allowed, e_ptr, e_p, e_ca, e_cv, rem, dom, cnt):  # pragma: no cover - compiled
    """Level 0: the allowed variants and the bounds they give; False when a domain is empty."""
    dom[:] = allowed
    for t in range(sizes.shape[0]):
        ot = offsets[t]
        cnt[t] = _count(dom, ot, sizes[t])
        if cnt[t] == 0:
            return False
        for e in range(e_ptr[t], e_ptr[t + 1]):
            best = -(1 << 60)
            for u in range(sizes[t]):
                if allowed[ot + u]:
                    d = values[ot + u, e_ca[e]] - values[ot + u, e_cv[e]]
                    if d > best:
                        best = d
            rem[e_p[e]] += best
    return True


@borrowing(inline="always")
def _assign(model, gac_limit, rem, dom, cnt, level, j, a, queue, inq, removed):  # pragma: no cover - compiled
    """Level ``level + 1``: ``level``'s state with variant ``a`` of ``j`` assigned and its bounds lowered; the
    descriptors to re-check are queued (``j`` too with arc consistency) and their number returned."""
    values, sizes, offsets, _, _, _, t_ptr, t_idx, e_ptr, e_p, e_ca, e_cv, _, _ = model
    nxt = level + 1
    oj = offsets[j]
    copy_row(rem, level)
    copy_row(dom, level)
    copy_row(cnt, level)
    for u in range(sizes[j]):
        removed[u] = dom[nxt, oj + u] and u != a
        if u != a:
            dom[nxt, oj + u] = False
    cnt[nxt, j] = 1
    _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom[nxt], rem[nxt], j, removed)
    qn = 0
    if gac_limit > 0:
        qn = _push(queue, inq, qn, j)
    for q in range(t_ptr[j], t_ptr[j + 1]):
        qn = _push(queue, inq, qn, t_idx[q])
    return qn


@borrowing(inline="always")
def _count(dom, start, size):  # pragma: no cover - compiled
    """How many variants are left in the domain ``dom[start:start + size]``."""
    c = 0
    for u in range(size):
        if dom[start + u]:
            c += 1
    return c


@borrowing(inline="always")
def _push(queue, inq, qn, t):  # pragma: no cover - compiled
    """Queue ``t`` (a ring of one slot per descriptor) unless it is queued; the new queue end."""
    if not inq[t]:
        inq[t] = True
        queue[qn % queue.shape[0]] = t
        qn += 1
    return qn


@borrowing
def _fixpoint(model, gac, rem_all, dom_all, cnt_all, lv, j, a, queue, inq, qn, removed):  # pragma: no cover - compiled
    """Re-check the ``qn`` queued descriptors of level ``lv``, and those their removals affect, until nothing changes.

    With ``j >= 0`` level ``lv`` is first made from its parent with variant ``a`` of ``j`` assigned
    (:func:`_assign`, which queues what to re-check): one call per node. A variant goes when its
    bound says it cannot lead a rival (:func:`_revise`); with ``gac_limit`` the descriptor's
    condition is also made arc consistent (:func:`_gac_scope`, :func:`_gac_support`,
    :func:`_gac_prune`) when its scope is small enough. False on an empty domain (the queue is
    emptied either way).
    """
    values, sizes, offsets, tol, pstart, diag, t_ptr, t_idx, e_ptr, e_p, e_ca, e_cv, in_ptr, in_idx = model
    gac_limit = gac[0]
    if j >= 0:
        qn = _assign(model, gac_limit, rem_all, dom_all, cnt_all, lv - 1, j, a, queue, inq, removed)
    rem, dom, cnt = rem_all[lv], dom_all[lv], cnt_all[lv]
    n = queue.shape[0]
    qh = 0
    ok = True
    while qh < qn:
        t = queue[qh % n]
        qh += 1
        inq[t] = False
        if not ok:
            continue
        c = _revise(sizes, offsets, tol, pstart, diag, rem, dom, t, cnt[t], removed)
        if c != cnt[t]:
            cnt[t] = c
            if c == 0:
                ok = False
                continue
            _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom, rem, t, removed)
            for q in range(t_ptr[t], t_ptr[t + 1]):
                qn = _push(queue, inq, qn, t_idx[q])
        if gac_limit > 0 and _scope_fits(cnt, in_ptr, in_idx, t, gac_limit):
            m, tpos, zt = _gac_scope(model, gac, dom, t)
            _gac_support(model, gac, t, m, tpos, zt)
            ok, qn = _gac_prune(model, gac, rem, dom, cnt, t, m, queue, inq, qn, removed)
    return ok


@borrowing(inline="always")
def _revise(sizes, offsets, tol, pstart, diag, rem, dom, t, c, removed):  # pragma: no cover - compiled
    """Remove the variants of ``t`` (``c`` left) that cannot lead some rival, flagged in ``removed``; the count left."""
    ot = offsets[t]
    nt = sizes[t]
    for b in range(nt):
        removed[b] = False
        if not dom[ot + b]:
            continue
        base = pstart[t] + b * nt
        for v in range(nt):
            if v != b and tol + diag[base + v] + rem[base + v] < 0:
                removed[b] = True
                dom[ot + b] = False
                c -= 1
                break
    return c


@borrowing(inline="always")
def _scope_fits(cnt, in_ptr, in_idx, t, gac_limit):  # pragma: no cover - compiled
    """Is arc consistency on ``t``'s condition worth it: more than one and at most ``gac_limit`` combinations?"""
    prod = cnt[t]
    for q in range(in_ptr[t], in_ptr[t + 1]):
        prod *= cnt[in_idx[q]]
        if prod > gac_limit:
            break
    return 1 < prod <= gac_limit


@borrowing(inline="always")
def _gac_scope(model, gac, dom, t):  # pragma: no cover - compiled
    """The members of ``t``'s scope (its influencers and itself) with more than one variant left (``g_mem``,
    their variants ``g_var``, none supported yet) and ``t``'s balance with every member at its first
    variant (``g_bal``).

    Returns ``(m, tpos, zt)``: the number of such members, ``t``'s place among them (-1 when ``t`` is
    down to one variant) and then ``t``'s variant ``zt``.
    """
    values, sizes, offsets, _, _, _, _, _, _, _, _, _, in_ptr, in_idx = model
    _, g_mem, g_len, g_pos, g_var, g_sup, g_bal = gac
    ot = offsets[t]
    nt = sizes[t]
    for c2 in range(nt):
        g_bal[c2] = 0
    m = 0
    tpos = -1
    zt = 0
    for q in range(in_ptr[t], in_ptr[t + 1] + 1):
        s = t if q == in_ptr[t + 1] else in_idx[q]
        os_ = offsets[s]
        if s == t:
            tpos = m
        k = 0
        for u in range(sizes[s]):
            if dom[os_ + u]:
                g_var[m, k] = u
                g_sup[m, k] = False
                k += 1
        row = os_ + g_var[m, 0]
        for c2 in range(nt):
            g_bal[c2] += values[row, ot + c2]
        if k == 1:
            if s == t:
                zt = g_var[m, 0]
                tpos = -1
            continue
        g_mem[m] = s
        g_len[m] = k
        g_pos[m] = 0
        m += 1
    return m, tpos, zt


@borrowing(inline="always")
def _gac_support(model, gac, t, m, tpos, zt):  # pragma: no cover - compiled
    """Enumerate every combination of the scope's variants (an odometer, balances updated incrementally)
    and mark in ``g_sup`` the variants of those under which ``t``'s variant is within ``tol`` of its best rival."""
    values, sizes, offsets, tol, _, _, _, _, _, _, _, _, _, _ = model
    _, g_mem, g_len, g_pos, g_var, g_sup, g_bal = gac
    ot = offsets[t]
    nt = sizes[t]
    while True:
        if tpos >= 0:
            zt = g_var[tpos, g_pos[tpos]]
        top = g_bal[0]
        for c2 in range(1, nt):
            if g_bal[c2] > top:
                top = g_bal[c2]
        if g_bal[zt] + tol >= top:
            for k in range(m):
                g_sup[k, g_pos[k]] = True
        k = 0
        while k < m:
            os_ = offsets[g_mem[k]]
            row = os_ + g_var[k, g_pos[k]]
            for c2 in range(nt):
                g_bal[c2] -= values[row, ot + c2]
            g_pos[k] += 1
            if g_pos[k] == g_len[k]:
                g_pos[k] = 0
            row = os_ + g_var[k, g_pos[k]]
            for c2 in range(nt):
                g_bal[c2] += values[row, ot + c2]
            if g_pos[k] != 0:
                break
            k += 1
        if k == m:
            return


@borrowing(inline="always")
def _gac_prune(model, gac, rem, dom, cnt, t, m, queue, inq, qn, removed):  # pragma: no cover - compiled
    """Remove the scope's unsupported variants, lower the bounds and queue what they affect: ``(ok, qn)``."""
    values, sizes, offsets, _, _, _, t_ptr, t_idx, e_ptr, e_p, e_ca, e_cv, _, _ = model
    _, g_mem, g_len, _, g_var, g_sup, _ = gac
    for k in range(m):
        s = g_mem[k]
        os_ = offsets[s]
        lost = False
        for u in range(sizes[s]):
            removed[u] = False
        for d in range(g_len[k]):
            if not g_sup[k, d]:
                u = g_var[k, d]
                dom[os_ + u] = False
                removed[u] = True
                lost = True
        if not lost:
            continue
        cnt[s] = _count(dom, os_, sizes[s])
        if cnt[s] == 0:
            return False, qn
        _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom, rem, s, removed)
        if s != t:
            qn = _push(queue, inq, qn, s)
        for q in range(t_ptr[s], t_ptr[s + 1]):
            if t_idx[q] != t:
                qn = _push(queue, inq, qn, t_idx[q])
    return True, qn


@borrowing(inline="always")
def _choose(cnt_all, lv, prio):  # pragma: no cover - compiled
    """The descriptor to branch on at level ``lv``: fewest variants left (> 1), ties -> most influencing; -1 when
    none has more."""
    cnt = cnt_all[lv]
    best = -1
    for t in range(cnt.shape[0]):
        if cnt[t] > 1 and (best < 0 or cnt[t] < cnt[best] or (cnt[t] == cnt[best] and prio[t] > prio[best])):
            best = t
    return best


@borrowing
def _scenario(row, dom, offsets, sizes):  # pragma: no cover - compiled
    """Write into ``row`` the variant of every descriptor, each down to one (``dom[offsets[t]:offsets[t] + sizes[t]]``)."""
    for t in range(sizes.shape[0]):
        for u in range(sizes[t]):
            if dom[offsets[t] + u]:
                row[t] = u
