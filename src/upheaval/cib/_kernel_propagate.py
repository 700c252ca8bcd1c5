"""Numba kernel of the sparse search: domain-aware bounds propagated to a fixpoint, with generalized arc consistency.

Called from :mod:`upheaval.cib._search`; all arrays are int64 (masks are bool); nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib._kernel_backtrack import grow, replay, save_path

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


@njit(cache=True, nogil=True)
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
    n_var = values.shape[0]
    n_pairs = diag.shape[0]
    maxn = 0
    for j in range(n):
        if sizes[j] > maxn:
            maxn = sizes[j]
    rem = np.zeros((n + 1, n_pairs), dtype=np.int64)
    dom = np.zeros((n + 1, n_var), dtype=np.bool_)
    cnt = np.zeros((n + 1, n), dtype=np.int64)
    choice = np.zeros(n + 1, dtype=np.int64)
    vptr = np.zeros(n + 1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    inq = np.zeros(n, dtype=np.bool_)
    removed = np.zeros(maxn, dtype=np.bool_)
    max_in = 0
    for t in range(n):
        if in_ptr[t + 1] - in_ptr[t] > max_in:
            max_in = in_ptr[t + 1] - in_ptr[t]
    g_mem = np.empty(max_in + 1, dtype=np.int64)
    g_len = np.empty(max_in + 1, dtype=np.int64)
    g_pos = np.empty(max_in + 1, dtype=np.int64)
    g_var = np.empty((max_in + 1, maxn), dtype=np.int64)
    g_sup = np.zeros((max_in + 1, maxn), dtype=np.bool_)
    g_bal = np.empty(maxn, dtype=np.int64)
    removed2 = np.zeros(maxn, dtype=np.bool_)
    out = np.empty((64, n), dtype=np.int64)
    n_out = 0
    n_nodes = 0
    r_len = r_desc.shape[0]
    none = np.empty(0, dtype=np.int64)
    if n == 0:
        return out[:0].copy(), n_nodes, none, none, none, none
    dom[0, :] = allowed
    for t in range(n):
        ot = offsets[t]
        c = 0
        for u in range(sizes[t]):
            if allowed[ot + u]:
                c += 1
        cnt[0, t] = c
        if c == 0:
            return out[:0].copy(), n_nodes, none, none, none, none
        for e in range(e_ptr[t], e_ptr[t + 1]):
            best = -(1 << 60)
            for u in range(sizes[t]):
                if allowed[ot + u]:
                    d = values[ot + u, e_ca[e]] - values[ot + u, e_cv[e]]
                    if d > best:
                        best = d
            rem[0, e_p[e]] += best
    # root propagation: everything is checked once
    qh = 0
    qn = 0
    for t in range(n):
        queue[t] = t
        inq[t] = True
    qn = n
    level = 0
    pending_root = True
    while True:
        if pending_root:
            nxt = 0
            pending_root = False
        else:
            if level < 0:
                break
            j = choice[level]
            oj = offsets[j]
            a = vptr[level]
            while a < sizes[j] and not dom[level, oj + a]:
                a += 1
            if a >= sizes[j]:
                level -= 1
                continue
            if max_nodes > 0 and n_nodes >= max_nodes:
                p_desc, p_start, p_k, p_rank = save_path(dom, offsets, sizes, choice, vptr, level, a)
                return out[:n_out].copy(), n_nodes, p_desc, p_start, p_k, p_rank
            vptr[level] = a + 1
            n_nodes += 1
            nxt = level + 1
            rem[nxt, :] = rem[level, :]
            dom[nxt, :] = dom[level, :]
            cnt[nxt, :] = cnt[level, :]
            for u in range(sizes[j]):
                removed[u] = dom[nxt, oj + u] and u != a
                if u != a:
                    dom[nxt, oj + u] = False
            cnt[nxt, j] = 1
            _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom[nxt], rem[nxt], j, removed)
            qh = 0
            qn = 0
            if gac_limit > 0:
                inq[j] = True
                queue[qn % n] = j
                qn += 1
            for q in range(t_ptr[j], t_ptr[j + 1]):
                t = t_idx[q]
                if not inq[t]:
                    inq[t] = True
                    queue[qn % n] = t
                    qn += 1
        # propagate to a fixpoint
        ok = True
        while qh < qn:
            t = queue[qh % n]
            qh += 1
            inq[t] = False
            if not ok:
                continue
            ot = offsets[t]
            nt = sizes[t]
            any_removed = False
            c = cnt[nxt, t]
            for b in range(nt):
                removed[b] = False
                if not dom[nxt, ot + b]:
                    continue
                base = pstart[t] + b * nt
                for v in range(nt):
                    if v != b and tol + diag[base + v] + rem[nxt, base + v] < 0:
                        removed[b] = True
                        any_removed = True
                        dom[nxt, ot + b] = False
                        c -= 1
                        break
            if any_removed:
                cnt[nxt, t] = c
                if c == 0:
                    ok = False
                    continue
                _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom[nxt], rem[nxt], t, removed)
                for q in range(t_ptr[t], t_ptr[t + 1]):
                    s = t_idx[q]
                    if not inq[s]:
                        inq[s] = True
                        queue[qn % n] = s
                        qn += 1
            if gac_limit <= 0:
                continue
            # generalized arc consistency on t's condition, when its scope is small enough
            prod = cnt[nxt, t]
            for q in range(in_ptr[t], in_ptr[t + 1]):
                prod *= cnt[nxt, in_idx[q]]
                if prod > gac_limit:
                    break
            if prod <= 1 or prod > gac_limit:
                continue
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
                    if dom[nxt, os_ + u]:
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
                # next combination (odometer), balances updated incrementally
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
                    break
            for k in range(m):
                s = g_mem[k]
                os_ = offsets[s]
                lost = False
                for u in range(sizes[s]):
                    removed2[u] = False
                for d in range(g_len[k]):
                    if not g_sup[k, d]:
                        u = g_var[k, d]
                        dom[nxt, os_ + u] = False
                        removed2[u] = True
                        lost = True
                if not lost:
                    continue
                c2 = 0
                for u in range(sizes[s]):
                    if dom[nxt, os_ + u]:
                        c2 += 1
                cnt[nxt, s] = c2
                if c2 == 0:
                    ok = False
                    break
                _shrink(values, offsets, sizes, e_ptr, e_p, e_ca, e_cv, dom[nxt], rem[nxt], s, removed2)
                if s != t and not inq[s]:
                    inq[s] = True
                    queue[qn % n] = s
                    qn += 1
                for q in range(t_ptr[s], t_ptr[s + 1]):
                    r = t_idx[q]
                    if r != t and not inq[r]:
                        inq[r] = True
                        queue[qn % n] = r
                        qn += 1
        if not ok:
            if nxt == 0:
                break
            continue
        # next descriptor to branch on: fewest variants left (> 1), ties -> most influencing
        best = -1
        for t in range(n):
            if cnt[nxt, t] > 1 and (
                best < 0 or cnt[nxt, t] < cnt[nxt, best] or (cnt[nxt, t] == cnt[nxt, best] and prio[t] > prio[best])
            ):
                best = t
        if best < 0:
            out = grow(out, n_out)
            for t in range(n):
                for u in range(sizes[t]):
                    if dom[nxt, offsets[t] + u]:
                        out[n_out, t] = u
            n_out += 1
            if nxt == 0:
                break
            continue
        choice[nxt] = best
        vptr[nxt] = 0
        r_len = replay(choice, vptr, nxt, r_desc, r_start, r_len)  # resuming: follow the stopped path
        level = nxt
    return out[:n_out].copy(), n_nodes, none, none, none, none
