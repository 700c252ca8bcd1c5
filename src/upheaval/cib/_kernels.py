"""Numba kernels of the CIB engine: the prepared bound tables and the branch-and-bound search.

The public wrappers in :mod:`upheaval.cib._search` fix dtypes once and call these.
All arrays are int64 (masks are bool); nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["prepare_bounds", "search_kernel", "succession_kernel"]


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
def _save_path(dom, offsets, sizes, choice, vptr, level, a):  # pragma: no cover - compiled
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


@njit(cache=True)
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
    visited that many and returns where it stopped (see :func:`_save_path`); passing the
    returned ``r_desc`` and ``r_start`` back continues from there (the path is replayed),
    so no work is lost. Empty ``r_desc`` starts from the beginning.
    Returns ``(solutions (n, N) int64, n_nodes, r_desc, r_start, r_k, r_rank)``; ``r_desc``
    is empty when the search is finished.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    n_pairs = diag.shape[0]
    bal = np.zeros((n + 1, n_var), dtype=np.int64)
    rem = np.zeros((n + 1, n_pairs), dtype=np.int64)
    dom = np.zeros((n + 1, n_var), dtype=np.bool_)
    cnt = np.zeros((n + 1, n), dtype=np.int64)
    z = -np.ones(n, dtype=np.int64)
    choice = np.zeros(n + 1, dtype=np.int64)
    vptr = np.zeros(n + 1, dtype=np.int64)
    cap = 64
    out = np.empty((cap, n), dtype=np.int64)
    n_out = 0
    n_nodes = 0
    for i in range(n):
        for k in range(c_ptr[i], c_ptr[i + 1]):
            rem[0, c_idx[k]] += c_val[k]
    # static order for the plain mode: by influence, descending
    order = np.argsort(-prio, kind="mergesort")
    r_len = r_desc.shape[0]
    none = np.empty(0, dtype=np.int64)
    # root domains
    for j in range(n):
        oj = offsets[j]
        c = 0
        for a in range(sizes[j]):
            ok = allowed[oj + a]
            if ok and full:
                ok = _margin_ok(bal[0], rem[0], diag, pstart, offsets, sizes, j, a, tol, True)
            dom[0, oj + a] = ok
            if ok:
                c += 1
        cnt[0, j] = c
        if c == 0:
            return out[:0].copy(), n_nodes, none, none, none, none
    if n == 0:
        return out[:0].copy(), n_nodes, none, none, none, none
    level = 0
    choice[0] = _choose(cnt[0], z, prio, order, full, 0)
    vptr[0] = 0
    if r_len > 0:
        choice[0] = r_desc[0]
        vptr[0] = r_start[0]
        if r_len == 1:
            r_len = 0
    while level >= 0:
        j = choice[level]
        oj = offsets[j]
        a = vptr[level]
        while a < sizes[j] and not dom[level, oj + a]:
            a += 1
        if a >= sizes[j]:
            z[j] = -1
            level -= 1
            continue
        if max_nodes > 0 and n_nodes >= max_nodes:
            p_desc, p_start, p_k, p_rank = _save_path(dom, offsets, sizes, choice, vptr, level, a)
            return out[:n_out].copy(), n_nodes, p_desc, p_start, p_k, p_rank
        vptr[level] = a + 1
        z[j] = a
        n_nodes += 1
        nxt = level + 1
        row = oj + a
        for c in range(n_var):
            bal[nxt, c] = bal[level, c] + values[row, c]
        rem[nxt, :] = rem[level, :]
        for k in range(c_ptr[j], c_ptr[j + 1]):
            rem[nxt, c_idx[k]] -= c_val[k]
        dom[nxt, :] = dom[level, :]
        cnt[nxt, :] = cnt[level, :]
        ok = _margin_ok(bal[nxt], rem[nxt], diag, pstart, offsets, sizes, j, a, tol, False)
        if ok:
            for q in range(t_ptr[j], t_ptr[j + 1]):
                t = t_idx[q]
                if z[t] >= 0:
                    if not _margin_ok(bal[nxt], rem[nxt], diag, pstart, offsets, sizes, t, z[t], tol, False):
                        ok = False
                        break
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
                        ok = False
                        break
        if not ok:
            continue
        if nxt == n:
            if n_out == cap:
                bigger = np.empty((cap * 2, n), dtype=np.int64)
                bigger[:cap] = out
                out = bigger
                cap *= 2
            out[n_out] = z
            n_out += 1
            continue
        choice[nxt] = _choose(cnt[nxt], z, prio, order, full, nxt)
        vptr[nxt] = 0
        if nxt < r_len:  # replaying the path where the previous call stopped
            choice[nxt] = r_desc[nxt]
            vptr[nxt] = r_start[nxt]
            if nxt == r_len - 1:
                r_len = 0
        level = nxt
    return out[:n_out].copy(), n_nodes, none, none, none, none


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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

    Resumable with ``max_nodes``, ``r_desc`` and ``r_start`` as :func:`search_kernel`, and
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
    cap = 64
    out = np.empty((cap, n), dtype=np.int64)
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
                p_desc, p_start, p_k, p_rank = _save_path(dom, offsets, sizes, choice, vptr, level, a)
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
            if n_out == cap:
                bigger = np.empty((cap * 2, n), dtype=np.int64)
                bigger[:cap] = out
                out = bigger
                cap *= 2
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
        if nxt < r_len:  # replaying the path where the previous call stopped
            choice[nxt] = r_desc[nxt]
            vptr[nxt] = r_start[nxt]
            if nxt == r_len - 1:
                r_len = 0
        level = nxt
    return out[:n_out].copy(), n_nodes, none, none, none, none


@njit(cache=True)
def measures_kernel(values, sizes, offsets, indices):  # pragma: no cover - compiled
    """Inconsistency, consistency value and total impact score of each scenario (rows of ``indices``)."""
    m = indices.shape[0]
    n = sizes.shape[0]
    n_var = values.shape[0]
    inc = np.zeros(m, dtype=np.int64)
    cval = np.full(m, (1 << 62), dtype=np.int64)
    tis = np.zeros(m, dtype=np.int64)
    bal = np.zeros(n_var, dtype=np.int64)
    # the nonzero cells of each row (CIB matrices are often sparse), so a balance costs their number
    r_ptr = np.zeros(n_var + 1, dtype=np.int64)
    for r in range(n_var):
        k = 0
        for c in range(n_var):
            if values[r, c] != 0:
                k += 1
        r_ptr[r + 1] = r_ptr[r] + k
    r_col = np.empty(r_ptr[n_var], dtype=np.int64)
    r_val = np.empty(r_ptr[n_var], dtype=np.int64)
    k = 0
    for r in range(n_var):
        for c in range(n_var):
            if values[r, c] != 0:
                r_col[k] = c
                r_val[k] = values[r, c]
                k += 1
    for s in range(m):
        bal[:] = 0
        for i in range(n):
            r = offsets[i] + indices[s, i]
            for q in range(r_ptr[r], r_ptr[r + 1]):
                bal[r_col[q]] += r_val[q]
        for j in range(n):
            oj = offsets[j]
            chosen = bal[oj + indices[s, j]]
            rival = -(1 << 62)
            for v in range(sizes[j]):
                if v != indices[s, j] and bal[oj + v] > rival:
                    rival = bal[oj + v]
            if sizes[j] > 1:
                if rival - chosen > inc[s]:
                    inc[s] = rival - chosen
                if chosen - rival < cval[s]:
                    cval[s] = chosen - rival
            tis[s] += chosen
    return inc, cval, tis


@njit(cache=True)
def components_kernel(n, t_ptr, t_idx):  # pragma: no cover - compiled
    """Label each descriptor with its weakly connected component of the influence graph."""
    label = -np.ones(n, dtype=np.int64)
    # undirected adjacency via both directions
    deg = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        for q in range(t_ptr[i], t_ptr[i + 1]):
            deg[i + 1] += 1
            deg[t_idx[q] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    adj = np.empty(deg[n], dtype=np.int64)
    fill = deg[:n].copy()
    for i in range(n):
        for q in range(t_ptr[i], t_ptr[i + 1]):
            j = t_idx[q]
            adj[fill[i]] = j
            fill[i] += 1
            adj[fill[j]] = i
            fill[j] += 1
    stack = np.empty(n, dtype=np.int64)
    k = 0
    for s in range(n):
        if label[s] >= 0:
            continue
        label[s] = k
        top = 0
        stack[top] = s
        top += 1
        while top > 0:
            top -= 1
            x = stack[top]
            for q in range(deg[x], deg[x + 1]):
                y = adj[q]
                if label[y] < 0:
                    label[y] = k
                    stack[top] = y
                    top += 1
        k += 1
    return label
