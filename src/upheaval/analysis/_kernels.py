"""Numba kernels of the analysis layer: the succession table of a whole scenario space, and runs from many starts."""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib import successions_from_rows

__all__ = ["count_basins", "resolve_table", "successions_from_rows", "successor_table"]


MARK = -1  # a table entry on the path being resolved; resolved entries hold -2 - attractor


@njit(cache=True, nogil=True)
def successor_table(values, sizes, offsets, n_suffix, p_lo, p_hi, local, succ, hit):  # pragma: no cover - compiled
    """Fill ``succ`` with the succession successor of every scenario of prefixes ``[p_lo, p_hi)``.

    Scenarios are numbered by their linear index (C order: the last descriptor fastest).
    The last ``n_suffix`` descriptors form a block of ``S`` combinations whose contribution
    to every column is tabulated once (``T``); the other descriptors (the prefix) are run
    by a mixed-radix odometer that updates their balance ``P`` by one row delta per step.
    For each prefix the ``S`` balances ``P + T[:, s]`` are scanned column by column in
    branch-free loops over ``s`` (vectorised), so a scenario costs a few operations per
    variant. ``succ[k]`` receives the successor of scenario ``p_lo * S + k``, and
    ``hit[t]`` is set to 1 for every successor ``t`` (the image of succession).

    Global succession: each descriptor takes its first max-balance variant unless its
    current one is among the maxima. Local: only the descriptor with the largest gap
    (the first on ties) moves, to its first max-balance variant. ``values`` and ``succ``
    are int32 (32-bit vector lanes): the balances and the linear indices must fit.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    first = n - n_suffix
    strides = np.ones(n, dtype=np.int32)
    for i in range(n - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    n_s = 1
    for i in range(first, n):
        n_s *= sizes[i]
    table = np.zeros((n_var, n_s), dtype=np.int32)
    digits = np.zeros((n_suffix, n_s), dtype=np.int32)
    for s in range(n_s):
        rem = s
        for k in range(n_suffix - 1, -1, -1):
            i = first + k
            d = rem % sizes[i]
            rem //= sizes[i]
            digits[k, s] = d
            for c in range(n_var):
                table[c, s] += values[offsets[i] + d, c]
    zp = np.zeros(max(first, 1), dtype=np.int64)
    rem = p_lo
    for i in range(first - 1, -1, -1):
        zp[i] = rem % sizes[i]
        rem //= sizes[i]
    bal = np.zeros(n_var, dtype=np.int32)
    for i in range(first):
        for c in range(n_var):
            bal[c] += values[offsets[i] + zp[i], c]
    mx = np.empty(n_s, dtype=np.int32)
    cur_bal = np.empty(n_s, dtype=np.int32)
    dig = np.empty(n_s, dtype=np.int32)
    nxt = np.empty(n_s, dtype=np.int32)
    gap = np.empty(n_s, dtype=np.int32)
    move = np.empty(n_s, dtype=np.int32)
    out = 0
    for p in range(p_lo, p_hi):
        for s in range(n_s):
            nxt[s] = 0
            gap[s] = 0
            move[s] = 0
        for j in range(n):
            oj = offsets[j]
            nj = sizes[j]
            sj = strides[j]
            b0 = bal[oj]
            for s in range(n_s):
                mx[s] = np.int32(b0 + table[oj, s])
            for v in range(1, nj):
                bv = bal[oj + v]
                for s in range(n_s):
                    x = np.int32(bv + table[oj + v, s])
                    mx[s] = x if x > mx[s] else mx[s]
            for s in range(n_s):
                dig[s] = 0
            for v in range(nj - 1, -1, -1):  # the first variant reaching the maximum
                bv = bal[oj + v]
                for s in range(n_s):
                    dig[s] = np.int32(v) if np.int32(bv + table[oj + v, s]) == mx[s] else dig[s]
            if j < first:
                cur = np.int32(zp[j])
                bc = bal[oj + cur]
                for s in range(n_s):
                    cur_bal[s] = np.int32(bc + table[oj + cur, s])
                if local:
                    for s in range(n_s):
                        g = np.int32(mx[s] - cur_bal[s])
                        big = g > gap[s]
                        gap[s] = g if big else gap[s]
                        move[s] = np.int32((dig[s] - cur) * sj) if big else move[s]
                else:
                    for s in range(n_s):
                        nxt[s] = np.int32(nxt[s] + (cur if cur_bal[s] == mx[s] else dig[s]) * sj)
            else:
                k = j - first
                for s in range(n_s):
                    cur_bal[s] = np.int32(bal[oj + digits[k, s]] + table[oj + digits[k, s], s])
                if local:
                    for s in range(n_s):
                        g = np.int32(mx[s] - cur_bal[s])
                        big = g > gap[s]
                        gap[s] = g if big else gap[s]
                        move[s] = np.int32((dig[s] - digits[k, s]) * sj) if big else move[s]
                else:
                    for s in range(n_s):
                        nxt[s] = np.int32(nxt[s] + (digits[k, s] if cur_bal[s] == mx[s] else dig[s]) * sj)
        base = p * n_s
        for s in range(n_s):
            t = base + s + move[s] if local else nxt[s]
            succ[out + s] = t
            hit[t] = 1
        out += n_s
        i = first - 1  # advance the prefix odometer and its balances
        while i >= 0:
            r = offsets[i] + zp[i]
            if zp[i] + 1 < sizes[i]:
                for c in range(n_var):
                    bal[c] += values[r + 1, c] - values[r, c]
                zp[i] += 1
                break
            for c in range(n_var):
                bal[c] += values[offsets[i], c] - values[r, c]
            zp[i] = 0
            i -= 1


@njit(cache=True, nogil=True)
def resolve_table(succ, hit):  # pragma: no cover - compiled
    """Resolve every scenario in the image of succession (``hit``) to its attractor, in place.

    Follows ``succ`` from each unresolved image scenario, marking the path (``MARK``) until
    it meets a resolved entry (the path takes its attractor), a fixed point (a consistent
    scenario: a new attractor) or a marked entry (the path closed a cycle: a new attractor
    for the whole cycle). Every entry on the path is then overwritten with ``-2 - attractor``
    (path compression: each scenario is walked once). Entries outside the image keep their
    successor. Returns the attractors' keys: the linear index of a consistent scenario, or
    ``-(smallest linear index on the cycle) - 1`` for a cycle.
    """
    keys = np.empty(16, dtype=np.int64)
    n_attr = 0
    path = np.empty(64, dtype=np.int64)
    for y in range(succ.shape[0]):
        if hit[y] == 0 or succ[y] < 0:
            continue
        depth = 0
        x = y
        while True:
            v = succ[x]
            if v < MARK:  # resolved: the path joins that attractor
                label = v
                break
            if v == MARK or v == x:  # noqa: SIM109 - numba; a new attractor: a cycle closed at x, or a fixed point
                if n_attr == keys.shape[0]:
                    bigger = np.empty(2 * n_attr, dtype=np.int64)
                    bigger[:n_attr] = keys
                    keys = bigger
                if v == x:
                    keys[n_attr] = x
                else:
                    low = x
                    for k in range(depth - 1, -1, -1):
                        if path[k] == x:
                            break
                        if path[k] < low:
                            low = path[k]
                    keys[n_attr] = -low - 1
                label = -2 - n_attr
                n_attr += 1
                succ[x] = label
                break
            if depth == path.shape[0]:
                bigger = np.empty(2 * depth, dtype=np.int64)
                bigger[:depth] = path
                path = bigger
            path[depth] = x
            depth += 1
            succ[x] = MARK
            x = v
        for k in range(depth):
            succ[path[k]] = label
    return keys[:n_attr].copy()


@njit(cache=True, nogil=True)
def count_basins(succ, lo, hi, n_attr):  # pragma: no cover - compiled
    """How many scenarios of ``[lo, hi)`` lead to each attractor, from a resolved table.

    A scenario in the image of succession holds its attractor; any other holds its
    successor, which is in the image and so holds the attractor.
    """
    counts = np.zeros(n_attr, dtype=np.int64)
    for x in range(lo, hi):
        v = succ[x]
        if v >= 0:
            v = succ[v]
        counts[-2 - v] += 1
    return counts
