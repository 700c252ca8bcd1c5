"""Succession basins: how many start scenarios lead to each consistent scenario or cycle."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._parallel import run_chunks, spawn_seeds
from upheaval.cib import numpy_suffices, under_intervention
from upheaval.errors import EngineError

__all__ = ["Basins", "succession_basins", "wilson_interval"]

_REFERENCE = """
References
----------
.. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
   cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
   https://doi.org/10.1016/j.techfore.2005.06.005
"""

_CHUNK = 4_000_000  # scenarios per chunk of the successor table
_BLOCK = 256  # most combinations of the last descriptors tabulated at once by the table kernel
_MAX_TABLE = 2**31 - 2  # a table of int32 linear indices
_SAMPLE_CHUNK = 20_000  # random starts per sampling chunk
_NUMPY_CELLS = 1 << 21  # balance cells per chunk of the numpy sweep (int64: 16 MiB)
_BLOCK_NUMPY = 4096  # most combinations of the last descriptors tabulated at once by the numpy sweep
_loaded: list[bool] = []  # whether this process has loaded the succession kernels


def wilson_interval(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the share ``k / n`` (arrays allowed).

    Parameters
    ----------
    k : int or array of int
        Successes.
    n : int
        Trials (> 0).
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    (low, high) : arrays of float

    Examples
    --------
    >>> lo, hi = wilson_interval(50, 100)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.404, 0.596)

    References
    ----------
    .. [1] E. B. Wilson: Probable inference, the law of succession, and statistical
       inference. Journal of the American Statistical Association 22:209--212, 1927.
       https://doi.org/10.1080/01621459.1927.10502953
    """
    if n <= 0:
        raise EngineError(f"wilson_interval needs n > 0 trials; got {n}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = np.asarray(k, dtype=float) / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = np.where(p <= 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(p >= 1, 1.0, np.clip(centre + half, 0, 1))
    return low, high


@dataclass(frozen=True, eq=False)
class Basins:
    """The attractors of succession and the size of their basins.

    ``ends`` holds one row per attractor: a consistent scenario (``kind`` 0) or, for a
    cycle (``kind`` 1), the cycle's smallest member; ``cycles[k]`` lists a cycle's members
    in the order succession visits them (empty for a consistent end). ``counts[k]`` is
    how many start scenarios (exact) or sampled starts lead there, ``share`` the fraction
    of all starts, ``low``/``high`` its confidence interval (equal to ``share`` when
    ``exact``). ``n_starts`` is the number of starts swept or sampled, ``unresolved`` how
    many ran out of ``max_steps``. When sampled, every consistent scenario (each is an
    attractor) is listed, those no start reached with a count of 0 and an upper bound
    above 0; ``complete`` is False when the exact search for them ran out of time, so
    only the consistent scenarios the sample reached are listed.
    """

    cim: object
    mode: str
    ends: np.ndarray
    kind: np.ndarray
    cycles: list[np.ndarray]
    counts: np.ndarray
    share: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_starts: int
    exact: bool
    unresolved: int
    seconds: float
    complete: bool = True

    def __len__(self) -> int:
        return int(self.ends.shape[0])

    def names(self, k: int) -> dict[str, str]:
        """Attractor ``k`` as ``{descriptor id: variant id}``."""
        return self.cim.scenario_names(self.ends[k])

    def count_of(self, scenario) -> int:
        """The basin count of a scenario given by indices (0 when it is no attractor)."""
        z = np.asarray(scenario, dtype=np.int64)
        hit = np.flatnonzero((self.ends == z).all(axis=1) & (self.kind == 0))
        return int(self.counts[hit[0]]) if hit.size else 0

    def to_full(self, iv, where=None) -> Basins:
        """These basins, found on the reduced matrix of intervention ``iv``, in the full matrix's numbering."""
        return replace(self, cim=iv.full, ends=iv.to_full(self.ends), cycles=[iv.to_full(c) for c in self.cycles])


def _arrays(cim):
    return cim.values, np.asarray(cim.sizes, dtype=np.int64), np.asarray(cim.offsets, dtype=np.int64)


def _table_fits(cim) -> bool:
    """Do the linear indices and the balances fit the table kernel's int32 lanes?"""
    widest = int(np.abs(cim.values).sum(axis=0).max()) if cim.values.size else 0
    return cim.n_scenarios <= _MAX_TABLE and widest < 2**30


def _suffix(sizes) -> int:
    """How many of the last descriptors the table kernel tabulates (their product at most ``_BLOCK``)."""
    m, prod = 1, int(sizes[-1])
    while m < len(sizes) and prod * int(sizes[-1 - m]) <= _BLOCK:
        prod *= int(sizes[-1 - m])
        m += 1
    return m


def _fill_chunk(values, sizes, offsets, n_suffix, p_lo, p_hi, local, succ, hit):
    from upheaval.analysis._kernels import successor_table

    successor_table(values, sizes, offsets, n_suffix, p_lo, p_hi, local, succ, hit)


def _fill_remote(values, sizes, offsets, n_suffix, p_lo, p_hi, local):
    """The table rows of prefixes ``[p_lo, p_hi)``, computed where the chunk runs (a cluster worker)."""
    from upheaval.analysis._kernels import successor_table

    block = int(np.prod(sizes[len(sizes) - n_suffix :]))
    succ = np.empty((p_hi - p_lo) * block, dtype=values.dtype)
    successor_table(values, sizes, offsets, n_suffix, p_lo, p_hi, local, succ, np.zeros(0, np.uint8))
    return succ


def _count_chunk(succ, lo, hi, n_attr):
    from upheaval.analysis._kernels import count_basins

    return count_basins(succ, lo, hi, n_attr)


def _exact(cim, local: bool, n_jobs, scheduler, progress):
    """Attractor keys and basin counts of every start, from the succession table.

    One table entry (int32) per scenario holds its successor, filled in parallel chunks;
    the image of succession (one byte per scenario) is then resolved to attractors with
    path compression and every scenario counted by its successor's attractor, also in
    parallel: 5 bytes of memory per scenario.
    """
    from upheaval.analysis._kernels import resolve_table

    values = cim.values.astype(np.int32)
    sizes = np.asarray(cim.sizes, dtype=np.int64)
    offsets = np.asarray(cim.offsets, dtype=np.int64)
    total = cim.n_scenarios
    n_suffix = _suffix(sizes)
    block = int(np.prod(sizes[len(sizes) - n_suffix :]))
    n_prefix = total // block
    step = max(1, _CHUNK // block)
    bounds = [*range(0, n_prefix, step), n_prefix]
    report = (lambda f: progress(0.8 * f)) if progress is not None else None
    succ = np.empty(total, dtype=np.int32)
    if scheduler is None:
        hit = np.zeros(total, dtype=np.uint8)
        chunks = [
            (values, sizes, offsets, n_suffix, lo, hi, local, succ[lo * block : hi * block], hit)
            for lo, hi in itertools.pairwise(bounds)
        ]
        run_chunks(_fill_chunk, chunks, n_jobs=n_jobs, progress=report)
    else:
        chunks = [(values, sizes, offsets, n_suffix, lo, hi, local) for lo, hi in itertools.pairwise(bounds)]
        parts = run_chunks(_fill_remote, chunks, scheduler=scheduler, progress=report)
        for (lo, hi), part in zip(itertools.pairwise(bounds), parts, strict=True):
            succ[lo * block : hi * block] = part
        hit = np.zeros(total, dtype=np.uint8)
        hit[succ] = 1
    keys = resolve_table(succ, hit)
    del hit
    spans = [*range(0, total, _CHUNK), total]
    parts = run_chunks(_count_chunk, [(succ, lo, hi, len(keys)) for lo, hi in itertools.pairwise(spans)], n_jobs=n_jobs)
    if progress is not None:
        progress(1.0)
    return keys, np.sum(parts, axis=0, dtype=np.int64)


def _successors_numpy(cim, local: bool, progress) -> np.ndarray:
    """The succession successor of every scenario (linear indices, the last descriptor fastest), with numpy.

    The same step as the compiled kernels: global succession moves every descriptor to its
    first max-balance variant unless its current one is among the maxima; local succession
    moves only the descriptor with the largest gap (the first on ties). The balances of the
    last descriptors' combinations are tabulated once (``suffix``), and each chunk of the
    other descriptors' combinations adds its own to them (one addition per cell).
    """
    sizes = [int(s) for s in cim.sizes]
    n, total = len(sizes), cim.n_scenarios
    values = np.asarray(cim.values, dtype=np.int64)
    n_var = values.shape[0]
    strides = [math.prod(sizes[i + 1 :]) for i in range(n)]
    first = n  # the suffix: the last descriptors, at most _BLOCK_NUMPY combinations
    while first > 0 and strides[first - 1] * sizes[first - 1] <= _BLOCK_NUMPY:
        first -= 1
    suffix = np.zeros((n_var, 1), dtype=np.int64)  # (variant columns, suffix combinations)
    for i in range(first, n):
        rows = values[cim.offsets[i] : cim.offsets[i] + sizes[i]].T
        suffix = (suffix[:, :, None] + rows[:, None, :]).reshape(n_var, -1)
    n_suffix = suffix.shape[1]
    succ = np.empty(total, dtype=np.int64)
    step = max(1, _NUMPY_CELLS // (n_var * n_suffix))
    for p_lo in range(0, total // n_suffix, step):
        p_hi = min(total // n_suffix, p_lo + step)
        prefix = np.zeros((n_var, p_hi - p_lo), dtype=np.int64)
        for i, digit in enumerate(np.unravel_index(np.arange(p_lo, p_hi), sizes[:first]) if first else ()):
            prefix += values[cim.offsets[i] + digit].T
        balance = (prefix[:, :, None] + suffix[:, None, :]).reshape(n_var, -1)
        lin = np.arange(p_lo * n_suffix, p_hi * n_suffix, dtype=np.int64)
        cols = np.arange(lin.size)
        move = np.zeros(lin.size, dtype=np.int64)
        worst = np.zeros(lin.size, dtype=np.int64)
        for j in range(n):
            if sizes[j] == 1:
                continue
            block = balance[cim.offsets[j] : cim.offsets[j] + sizes[j]]
            z = (lin // strides[j]) % sizes[j]
            gap = block.max(axis=0) - block[z, cols]
            delta = (block.argmax(axis=0) - z) * strides[j]  # to the first maximum
            if local:  # only the descriptor with the largest gap moves (the first on ties)
                larger = gap > worst
                worst = np.where(larger, gap, worst)
                move = np.where(larger, delta, move)
            else:
                move += np.where(gap > 0, delta, 0)
        succ[lin] = lin + move
        if progress is not None:
            progress(0.8 * p_hi * n_suffix / total)
    return succ


def _resolve_numpy(succ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each scenario's attractor: ``(key, members, member_key, cycle_length)``.

    ``key[x]`` is the attractor of scenario ``x`` (its linear index for a consistent
    scenario, ``-(smallest linear index on the cycle) - 1`` for a cycle, as the compiled
    sweep keys them). ``members`` are the scenarios on an attractor, with the key and the
    cycle length (1 for a consistent scenario) of each. Following ``succ`` at least as many
    steps as there are scenarios (by repeated squaring) lands every scenario on its
    attractor, and lands on every scenario of every attractor.
    """
    far = succ.copy()
    for _ in range(max(1, int(succ.size - 1).bit_length())):
        far = far[far]
    members = np.unique(far)
    low = members.copy()
    length = np.ones(members.size, dtype=np.int64)
    walk = succ[members]
    open_ = walk != members
    while open_.any():  # around each cycle once: its smallest member and its length
        low[open_] = np.minimum(low[open_], walk[open_])
        length[open_] += 1
        walk[open_] = succ[walk[open_]]
        open_ &= walk != members
    member_key = np.where(length == 1, members, -low - 1)
    key = member_key[np.searchsorted(members, far)]
    return key, members, member_key, length


def _tails_numpy(succ: np.ndarray, members: np.ndarray, limit: int) -> np.ndarray:
    """How many steps each scenario takes to reach its attractor (``limit + 1`` when more than ``limit``)."""
    tail = np.full(succ.size, limit + 1, dtype=np.int64)
    tail[members] = 0
    for k in range(1, limit + 1):
        reach = (tail > limit) & (tail[succ] == k - 1)
        if not reach.any():
            break
        tail[reach] = k
    return tail


def _sample_chunk(values, sizes, offsets, seed, n, local, max_steps):
    from upheaval.analysis._kernels import successions_from_rows

    rng = np.random.default_rng(seed)
    starts = np.empty((n, sizes.shape[0]), dtype=np.int64)
    for i, s in enumerate(sizes):
        starts[:, i] = rng.integers(0, s, size=n)
    ends, kind, _ = successions_from_rows(values, sizes, offsets, starts, local, max_steps)
    rows, _inv, counts = np.unique(np.column_stack([kind, ends]), axis=0, return_inverse=True, return_counts=True)
    return rows, counts


def _sample_table(cim, seed, n, key_of, tail, cycle_length, max_steps):
    """As :func:`_sample_chunk` (the same starts for the same seed), each start's end read from the resolved table.

    A start counts as unresolved (kind 2) when the compiled runs would stop first: a path to
    a consistent scenario of ``max_steps`` moves or more, or to a cycle whose tail and length
    take more than ``max_steps`` moves before a scenario repeats.
    """
    rng = np.random.default_rng(seed)
    starts = np.empty((n, cim.n_descriptors), dtype=np.int64)
    for i, s in enumerate(cim.sizes):
        starts[:, i] = rng.integers(0, s, size=n)
    lin = np.ravel_multi_index(tuple(starts.T), cim.sizes)
    key = key_of[lin]
    kind = np.where(key >= 0, 0, 1)
    laps = np.array([cycle_length[k] if k < 0 else 0 for k in key.tolist()], dtype=np.int64)
    ran_out = np.where(kind == 0, tail[lin] >= max_steps, tail[lin] + laps > max_steps)
    kind[ran_out] = 2
    ends = np.stack(np.unravel_index(np.where(key >= 0, key, -key - 1), cim.sizes), axis=1)
    rows, counts = np.unique(np.column_stack([kind, ends]), axis=0, return_counts=True)
    return rows, counts


def _cycle_of(cim, succ: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The members of the cycle through ``start``, in the order succession visits them, from the table."""
    first = int(np.ravel_multi_index(tuple(start), cim.sizes))
    members = [first]
    while (x := int(succ[members[-1]])) != first:
        members.append(x)
    return np.stack(np.unravel_index(np.array(members), cim.sizes), axis=1).astype(np.int64)


def _load_kernels() -> None:
    """Run the succession kernels once per process on a tiny system (loaded from numba's cache, or
    compiled once, announced) so that the basins' clock starts after them."""
    if _loaded:
        return
    from upheaval.cib import CrossImpactMatrix, compiling

    tiny = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    with compiling("succession kernels"):
        _exact(tiny, False, None, None, None)
        _sample_chunk(*_arrays(tiny), 0, 8, False, 10)
    _loaded.append(True)


def _consistent_attractors(cim, seconds: float) -> tuple[np.ndarray, bool]:
    """Every consistent scenario (each is an attractor of both successions), and whether the search finished."""
    from upheaval.cib import find_consistent
    from upheaval.errors import SearchBudgetExceeded

    try:
        return find_consistent(cim, budget_seconds=seconds).indices, True
    except SearchBudgetExceeded:
        return np.empty((0, cim.n_descriptors), dtype=np.int64), False


def _cycle_members(cim, start: np.ndarray, local: bool, max_steps: int) -> np.ndarray:
    """The members of the cycle that succession from ``start`` (a cycle member) runs around."""
    from upheaval.analysis._kernels import successions_from_rows

    values, sizes, offsets = _arrays(cim)
    z = start.copy()
    members = [z.copy()]
    for _ in range(max_steps):
        z, _, _ = successions_from_rows(values, sizes, offsets, z[None, :], local, 1)
        z = z[0]
        if (z == start).all():
            break
        members.append(z.copy())
    return np.array(members, dtype=np.int64)


@accepts_system("cim", to="matrix")
@under_intervention()
def succession_basins(
    cim,
    mode: str = "global",
    *,
    max_exact: int = 50_000_000,
    n_samples: int = 200_000,
    confidence: float = 0.95,
    max_steps: int = 1000,
    random_state: int | np.random.Generator | None = 0,
    n_jobs: int | None = None,
    scheduler=None,
    progress: Callable[[float], None] | None = None,
    search_seconds: float = 60.0,
    fix=None,
    _kernel: str | None = None,
) -> Basins:
    """The basin of every consistent scenario and every cycle under succession.

    Under an intervention ``fix`` (``{descriptor: variant | [variants]}``, as for
    :func:`upheaval.cib.find_consistent`) the starts are the scenarios it allows and an
    intervened descriptor moves only among its variants (held to one, it never moves).

    When the space holds at most ``max_exact`` scenarios (fewer than 2**31, balances
    within 32 bits), the
    successor of every scenario is tabulated (one int32 each: a mixed-radix odometer
    updates the balances by one row per step, vectorised over blocks of the last
    descriptors, in parallel chunks), the scenarios that are some scenario's successor are
    resolved to their attractor with path compression, and every start is counted by its
    successor's attractor: exact counts, every path followed to its end (``max_steps``
    plays no part). ScenarioWizard lists these counts as the "weight" of each solution [1]_.
    Otherwise ``n_samples`` uniformly random starts are drawn (seeded; per-chunk seeds
    from :func:`numpy.random.SeedSequence.spawn`, so the result is the same for any
    ``n_jobs`` or cluster) and each share carries a Wilson confidence interval; the
    consistent scenarios come from the exact search (:func:`upheaval.cib.find_consistent`,
    within ``search_seconds``), so one that no sampled start reached is listed with a
    count of 0 and an upper bound above 0, not left out.

    A space of at most a million scenarios (:func:`upheaval.cib._small.numpy_suffices`) is
    swept with numpy, with the same results and nothing to compile: the successor of every
    scenario, then each followed to its attractor by repeated squaring (sampled starts are
    looked up in that table); larger ones run the compiled kernels, loaded (or compiled,
    once) before the clock starts.

    Global succession moves every descriptor at once to its first max-balance variant,
    keeping the current one when it is among the maxima; local succession moves only the
    descriptor with the largest gap (the first on ties). Balances count diagonal blocks.

    Parameters
    ----------
    cim : CrossImpactMatrix
    mode : {"global", "local"}
    max_exact : int
        Largest number of scenarios swept exactly.
    n_samples : int
        Random starts when the space is larger than ``max_exact``.
    confidence : float
        Level of the confidence intervals (sampling only).
    max_steps : int
        Succession steps before a sampled start counts as unresolved.
    random_state : int, numpy.random.Generator or None, default 0
        Pass an int for reproducible sampling.
    n_jobs : int, optional
        Local worker threads (-1: all cores).
    scheduler : str or distributed.Client, optional
        Run the chunks on this dask.distributed cluster instead.
    progress : callable, optional
        Called with the fraction done.
    search_seconds : float
        Time budget of the exact search for the consistent scenarios (sampling only).
    fix : mapping, optional
        An intervention.

    Returns
    -------
    Basins
        Attractors sorted by basin size (largest first), then by indices.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> b = succession_basins(cim)
    >>> b.ends.tolist(), b.kind.tolist(), b.counts.tolist(), b.exact
    ([[0, 1], [0, 0], [1, 1]], [1, 0, 0], [2, 1, 1], True)
    >>> b.cycles[0].tolist()  # [0, 1] and [1, 0] swap forever under global succession
    [[0, 1], [1, 0]]
    """
    if mode not in ("global", "local"):
        raise EngineError(f"mode must be 'global' or 'local'; got {mode!r}")
    if max_steps < 1 or n_samples < 1:
        raise EngineError("max_steps and n_samples must be positive")
    local = mode == "local"
    small = _kernel == "numpy" or (_kernel is None and numpy_suffices(cim.n_scenarios))
    if not small:
        _load_kernels()
    t0 = time.perf_counter()
    values, sizes, offsets = _arrays(cim)
    total = cim.n_scenarios
    exact = total <= max_exact and _table_fits(cim)
    searched = True
    if small:  # the successor of every scenario, resolved to its attractor, with numpy
        succ = _successors_numpy(cim, local, progress if exact else None)
        key_of, members, member_key, length = _resolve_numpy(succ)
    if exact:
        if small:
            keys, counts_of = np.unique(key_of, return_counts=True)
            if progress is not None:
                progress(1.0)
        else:
            keys, counts_of = _exact(cim, local, n_jobs, scheduler, progress)
        unresolved = 0
        rows, kinds, counts = [], [], []
        for key, c in zip(keys.tolist(), counts_of.tolist(), strict=True):
            lin = key if key >= 0 else -key - 1
            rows.append(np.array(np.unravel_index(lin, cim.sizes), dtype=np.int64))
            kinds.append(0 if key >= 0 else 1)
            counts.append(c)
        n_starts = total
    else:
        n_chunks = math.ceil(n_samples / _SAMPLE_CHUNK)
        seeds = spawn_seeds(random_state, n_chunks)
        sizes_of = [min(_SAMPLE_CHUNK, n_samples - k * _SAMPLE_CHUNK) for k in range(n_chunks)]
        if small:  # each sampled start looked up in the resolved table
            tail = _tails_numpy(succ, members, max_steps)
            cycle_length = dict(zip(member_key.tolist(), length.tolist(), strict=True))
            parts = [_sample_table(cim, seeds[k], sizes_of[k], key_of, tail, cycle_length, max_steps)
                     for k in range(n_chunks)]  # fmt: skip
        else:
            chunks = [(values, sizes, offsets, seeds[k], sizes_of[k], local, max_steps) for k in range(n_chunks)]
            parts = run_chunks(_sample_chunk, chunks, n_jobs=n_jobs, scheduler=scheduler, progress=progress)
        agg2: dict[tuple, int] = {}
        for prow, pcount in parts:
            for r, c in zip(prow.tolist(), pcount.tolist(), strict=False):
                agg2[tuple(r)] = agg2.get(tuple(r), 0) + c
        unresolved = sum(c for r, c in agg2.items() if r[0] == 2)
        rows = [np.array(r[1:], dtype=np.int64) for r in agg2 if r[0] != 2]
        kinds = [r[0] for r in agg2 if r[0] != 2]
        counts = [c for r, c in agg2.items() if r[0] != 2]
        n_starts = int(n_samples)
        known, searched = _consistent_attractors(cim, search_seconds)
        seen = {tuple(r.tolist()) for r, k in zip(rows, kinds, strict=True) if k == 0}
        for z in known:
            if tuple(z.tolist()) not in seen:  # never hit: a share of 0 with an upper bound above 0
                rows.append(z)
                kinds.append(0)
                counts.append(0)
    ends = np.array(rows, dtype=np.int64).reshape(-1, cim.n_descriptors)
    kind = np.array(kinds, dtype=np.int64)
    cnt = np.array(counts, dtype=np.int64)
    keys = [ends[:, k] for k in range(cim.n_descriptors - 1, -1, -1)] + [-cnt]
    order = np.lexsort(keys) if len(cnt) else np.arange(0)
    ends, kind, cnt = ends[order], kind[order], cnt[order]
    cycles = [
        np.empty((0, cim.n_descriptors), np.int64)
        if kind[k] == 0
        else _cycle_of(cim, succ, ends[k])
        if small
        else _cycle_members(cim, ends[k], local, max_steps)
        for k in range(len(cnt))
    ]
    share = cnt / n_starts
    if exact:
        low, high = share.copy(), share.copy()
    else:
        low, high = wilson_interval(cnt, n_starts, confidence)
    return Basins(
        cim,
        mode,
        ends,
        kind,
        cycles,
        cnt,
        share,
        low,
        high,
        n_starts,
        exact,
        int(unresolved),
        time.perf_counter() - t0,
        searched,
    )


succession_basins.__doc__ = (succession_basins.__doc__ or "").replace(
    "    Examples\n", _REFERENCE.replace("\n", "\n    ").rstrip(" ") + "\n    Examples\n", 1
)
