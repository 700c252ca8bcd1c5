"""Numba kernels of the analysis layer: succession sweeps over ranges of start scenarios."""

from __future__ import annotations

import numpy as np
from numba import njit

from upheaval.cib._kernel_succession import succession_step

__all__ = ["successions_from_rows", "sweep_range"]


@njit(cache=True, nogil=True)
def _linear(z, strides):  # pragma: no cover - compiled
    s = 0
    for i in range(z.shape[0]):
        s += z[i] * strides[i]
    return s


@njit(cache=True, nogil=True)
def _run(values, sizes, offsets, strides, z, bal, old, path, local, max_steps):  # pragma: no cover - compiled
    """Succession from ``z`` (with balances ``bal``), both updated in place.

    Returns ``(key, length)``: the end key is the linear index of the consistent end
    (>= 0), or ``-(smallest linear index on the cycle) - 1`` for a cycle, or ``-(2**62)``
    when ``max_steps`` ran out; ``path[:length]`` holds the linear indices visited.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    steps = 0
    path[0] = _linear(z, strides)
    while True:
        old[:] = z
        if succession_step(bal, z, sizes, offsets, local) == 0:
            return path[steps], steps + 1
        for i in range(n):
            if z[i] != old[i]:
                r_new = offsets[i] + z[i]
                r_old = offsets[i] + old[i]
                for c in range(n_var):
                    bal[c] += values[r_new, c] - values[r_old, c]
        steps += 1
        if steps >= max_steps:
            return -(2**62), steps
        lin = _linear(z, strides)
        for k in range(steps):
            if path[k] == lin:
                low = lin
                for m in range(k, steps):
                    if path[m] < low:
                        low = path[m]
                return -low - 1, steps
        path[steps] = lin


@njit(cache=True, nogil=True)
def sweep_range(values, sizes, offsets, lo, hi, local, max_steps, cache_size):  # pragma: no cover - compiled
    """Run succession from every start with linear index in ``[lo, hi)`` (last descriptor fastest).

    Returns ``(keys, counts)``: each distinct end key (see :func:`_run`) and how many
    starts reach it. Balances of the start scenarios are updated incrementally as the
    odometer advances; the first step is taken on them directly, and the scenario it
    reaches is looked up in a direct-mapped cache of ``cache_size`` slots (scenario ->
    end), so most starts cost one argmax per descriptor and one memory access.
    """
    n = sizes.shape[0]
    n_var = values.shape[0]
    strides = np.ones(n, dtype=np.int64)
    for i in range(n - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    start = np.empty(n, dtype=np.int64)
    rem = lo
    for i in range(n):
        start[i] = rem // strides[i]
        rem -= start[i] * strides[i]
    bal0 = np.zeros(n_var, dtype=np.int64)
    for i in range(n):
        r = offsets[i] + start[i]
        for c in range(n_var):
            bal0[c] += values[r, c]
    z = np.empty(n, dtype=np.int64)
    old = np.empty(n, dtype=np.int64)
    bal = np.empty(n_var, dtype=np.int64)
    path = np.empty(max_steps + 1, dtype=np.int64)
    cap = 64
    keys = np.empty(cap, dtype=np.int64)
    counts = np.zeros(cap, dtype=np.int64)
    n_keys = 0
    last = 0
    # a direct-mapped cache: linear index of a scenario reached after one step -> end key
    cache_keys = np.full(cache_size, -1, dtype=np.int64)
    cache_vals = np.empty(cache_size, dtype=np.int64)
    for s in range(lo, hi):
        z[:] = start
        if succession_step(bal0, z, sizes, offsets, local) == 0:
            key = s
        else:
            lin1 = _linear(z, strides)
            slot = lin1 % cache_size
            if cache_keys[slot] == lin1:
                key = cache_vals[slot]
            else:
                bal[:] = bal0
                for i in range(n):
                    if z[i] != start[i]:
                        for c in range(n_var):
                            bal[c] += values[offsets[i] + z[i], c] - values[offsets[i] + start[i], c]
                key, length = _run(values, sizes, offsets, strides, z, bal, old, path, local, max_steps)
                if key != -(2**62):
                    for m in range(length):
                        slot = path[m] % cache_size
                        cache_keys[slot] = path[m]
                        cache_vals[slot] = key
        if n_keys > 0 and keys[last] == key:
            counts[last] += 1
        else:
            found = -1
            for k in range(n_keys):
                if keys[k] == key:
                    found = k
                    break
            if found < 0:
                if n_keys == cap:
                    k2 = np.empty(cap * 2, dtype=np.int64)
                    c2 = np.zeros(cap * 2, dtype=np.int64)
                    k2[:cap] = keys
                    c2[:cap] = counts
                    keys = k2
                    counts = c2
                    cap *= 2
                keys[n_keys] = key
                found = n_keys
                n_keys += 1
            counts[found] += 1
            last = found
        # advance the odometer and its balances
        i = n - 1
        while i >= 0:
            r = offsets[i] + start[i]
            if start[i] + 1 < sizes[i]:
                for c in range(n_var):
                    bal0[c] += values[r + 1, c] - values[r, c]
                start[i] += 1
                break
            for c in range(n_var):
                bal0[c] += values[offsets[i], c] - values[r, c]
            start[i] = 0
            i -= 1
    return keys[:n_keys].copy(), counts[:n_keys].copy()


@njit(cache=True, nogil=True)
def successions_from_rows(values, sizes, offsets, starts, local, max_steps):  # pragma: no cover - compiled
    """Succession from each row of ``starts``; return ``(ends, kind, steps)``.

    ``ends[s]`` is the consistent end, or for a cycle its lexicographically smallest
    member (a canonical representative); ``kind[s]`` is 0 (consistent), 1 (cycle) or
    2 (``max_steps`` ran out). Works for any number of scenarios (no linear index).
    """
    n_starts = starts.shape[0]
    n = sizes.shape[0]
    n_var = values.shape[0]
    ends = np.empty((n_starts, n), dtype=np.int64)
    kind = np.zeros(n_starts, dtype=np.int64)
    steps_out = np.zeros(n_starts, dtype=np.int64)
    path = np.empty((max_steps + 1, n), dtype=np.int64)
    bal = np.empty(n_var, dtype=np.int64)
    z = np.empty(n, dtype=np.int64)
    old = np.empty(n, dtype=np.int64)
    for s in range(n_starts):
        z[:] = starts[s]
        bal[:] = 0
        for i in range(n):
            r = offsets[i] + z[i]
            for c in range(n_var):
                bal[c] += values[r, c]
        path[0] = z
        steps = 0
        k_kind = 2
        while steps < max_steps:
            old[:] = z
            if succession_step(bal, z, sizes, offsets, local) == 0:
                k_kind = 0
                ends[s] = z
                break
            for i in range(n):
                if z[i] != old[i]:
                    for c in range(n_var):
                        bal[c] += values[offsets[i] + z[i], c] - values[offsets[i] + old[i], c]
            steps += 1
            hit = -1
            for k in range(steps):
                same = True
                for i in range(n):
                    if path[k, i] != z[i]:
                        same = False
                        break
                if same:
                    hit = k
                    break
            if hit >= 0:
                k_kind = 1
                best = hit
                for m in range(hit + 1, steps):
                    for i in range(n):
                        if path[m, i] != path[best, i]:
                            if path[m, i] < path[best, i]:
                                best = m
                            break
                ends[s] = path[best]
                break
            path[steps] = z
        if k_kind == 2:
            ends[s] = z
        kind[s] = k_kind
        steps_out[s] = steps
    return ends, kind, steps_out
