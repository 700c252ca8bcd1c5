"""Literal CIB for the tests: impact balances, consistency under an intervention and succession, written out
loop by loop from the definitions (Weimer-Jehle 2006), sharing no code with the engine."""

from __future__ import annotations

import itertools

import numpy as np


def offsets(sizes):
    out, at = [], 0
    for s in sizes:
        out.append(at)
        at += s
    return out


def balances(values, sizes, z):
    """balance[j][v]: the sum over descriptors i of the impact of z[i] on variant v of j."""
    off = offsets(sizes)
    out = []
    for j, sj in enumerate(sizes):
        row = []
        for v in range(sj):
            row.append(sum(values[off[i] + z[i]][off[j] + v] for i in range(len(sizes))))
        out.append(row)
    return out


def allowed(sizes, fix, j):
    return list(fix[j]) if j in fix else list(range(sizes[j]))


def consistent(values, sizes, z, fix=None, tolerance=0):
    """Every descriptor's chosen variant within ``tolerance`` of the best of its allowed variants."""
    fix = fix or {}
    b = balances(values, sizes, z)
    for j in range(len(sizes)):
        ok = allowed(sizes, fix, j)
        if z[j] not in ok:
            return False
        if max(b[j][v] for v in ok) - b[j][z[j]] > tolerance:
            return False
    return True


def all_consistent(values, sizes, fix=None, tolerance=0):
    return [
        list(z) for z in itertools.product(*(range(s) for s in sizes)) if consistent(values, sizes, z, fix, tolerance)
    ]


def succession(values, sizes, z, fix=None, max_steps=1000):
    """Global succession: every descriptor to its first best allowed variant (kept when among the best).

    Returns ("consistent", end, path) or ("cycle", cycle members, path).
    """
    fix = fix or {}
    z = list(z)
    path = [tuple(z)]
    for _ in range(max_steps):
        b = balances(values, sizes, z)
        nxt = []
        for j in range(len(sizes)):
            ok = allowed(sizes, fix, j)
            top = max(b[j][v] for v in ok)
            nxt.append(z[j] if b[j][z[j]] == top else next(v for v in ok if b[j][v] == top))
        if nxt == z:
            return "consistent", tuple(z), path
        if tuple(nxt) in path:
            k = path.index(tuple(nxt))
            return "cycle", path[k:], path + [tuple(nxt)]
        z = nxt
        path.append(tuple(z))
    raise AssertionError("no end")


def random_matrix(rng, sizes, lo=-3, hi=3, zero=0.3):
    n = sum(sizes)
    v = rng.integers(lo, hi + 1, size=(n, n))
    v[rng.random((n, n)) < zero] = 0
    off = offsets(sizes)
    for i, s in enumerate(sizes):
        v[off[i] : off[i] + s, off[i] : off[i] + s] = 0
    return np.asarray(v, dtype=np.int64)
