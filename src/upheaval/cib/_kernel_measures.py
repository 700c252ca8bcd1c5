"""Numba kernels of measures: inconsistency, consistency value and total impact score of many scenarios, and the components of the influence graph."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["components_kernel", "measures_kernel"]


@njit(cache=True, nogil=True)
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
        # consecutive rows (a search's solutions) often differ in a few descriptors: update their cells only
        changed = n
        if s > 0:
            changed = 0
            for i in range(n):
                if indices[s, i] != indices[s - 1, i]:
                    changed += 1
        if 2 * changed >= n:
            bal[:] = 0
        for i in range(n):
            r = offsets[i] + indices[s, i]
            if 2 * changed < n:
                if indices[s, i] == indices[s - 1, i]:
                    continue
                old = offsets[i] + indices[s - 1, i]
                for q in range(r_ptr[old], r_ptr[old + 1]):
                    bal[r_col[q]] -= r_val[q]
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


@njit(cache=True, nogil=True)
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
