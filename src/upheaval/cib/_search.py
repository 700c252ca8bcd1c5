"""Exact search for the consistent scenarios (branch-and-bound), its estimate, and the heuristic fallback."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval._text import counted
from upheaval.cib._balance import batch_measures
from upheaval.cib._compile import CrossImpactMatrix
from upheaval.cib._intervene import Condition, Intervention, under_intervention
from upheaval.cib._parallel import check_n_jobs, map_threads
from upheaval.cib._small import numpy_suffices, search_numpy, space_size
from upheaval.errors import EngineError, SearchBudgetExceeded

__all__ = [
    "ScenarioSet",
    "SearchEstimate",
    "SearchPlan",
    "check_random_state",
    "estimate_search",
    "find_consistent",
    "heuristic_search",
]


def check_random_state(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        Pass an int for reproducible results across calls; a Generator is used as is;
        None draws fresh entropy from the operating system.

    Examples
    --------
    >>> int(check_random_state(0).integers(10)) == int(check_random_state(0).integers(10))
    True
    """
    if random_state is None or isinstance(random_state, int | np.integer):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise EngineError(f"random_state must be an int, a numpy Generator or None; got {random_state!r}")


@dataclass(frozen=True, eq=False)
class ScenarioSet:
    """Scenarios found by a search, with their measures.

    Sorted by inconsistency (ascending), then total impact score (descending), then the
    variant indices (lexicographic). ``complete`` is True only when an exact search
    covered every scenario allowed. ``fix`` is the intervention and ``where`` the
    restriction the set was found under (``{descriptor index: variant indices}``, see
    :func:`find_consistent`); the measures follow the intervention's definition.
    ``n_nodes`` counts the search tree's nodes the compiled kernels visited (0 for the
    numpy enumeration of small spaces); ``plan`` is how :func:`find_consistent` searched
    (:class:`SearchPlan`; None for other sets).
    """

    cim: CrossImpactMatrix
    indices: np.ndarray
    inconsistency: np.ndarray
    consistency_value: np.ndarray
    total_impact_score: np.ndarray
    complete: bool
    seconds: float
    tolerance: int = 0
    fix: dict[int, tuple[int, ...]] = field(default_factory=dict)
    where: dict[int, tuple[int, ...]] = field(default_factory=dict)
    n_nodes: int = 0
    plan: SearchPlan | None = None

    def __len__(self) -> int:
        return int(self.indices.shape[0])

    def __repr__(self) -> str:
        n, cim = len(self), self.cim

        def condition(word: str, cond: dict[int, tuple[int, ...]]) -> str:
            pairs = (f"{cim.descriptor_ids[i]}={'|'.join(cim.variant_ids[i][v] for v in vs)}" for i, vs in cond.items())
            return f", {word} {' '.join(pairs)}" if cond else ""

        return (
            f"<ScenarioSet: {n} consistent scenario{'' if n == 1 else 's'} of {cim.n_scenarios:,}, "
            f"{cim.n_descriptors} descriptors, tolerance {self.tolerance}"
            f"{condition('fix', self.fix)}{condition('where', self.where)}, "
            f"{'complete' if self.complete else 'incomplete'}>"
        )

    def to_frame(self):  # -> pandas.DataFrame (pandas is imported only here)
        """The scenarios as a :class:`pandas.DataFrame`: one row per scenario, labelled S1, S2...

        One column per descriptor holding its variant id, then ``inconsistency``,
        ``consistency_value`` and ``total_impact_score``.

        >>> import numpy as np
        >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
        >>> find_consistent(cim).to_frame()
            D1  D2  inconsistency  consistency_value  total_impact_score
        S1  v1  v1              0                  4                   5
        S2  v2  v2              0                  2                   2
        """
        import pandas as pd

        cim = self.cim
        data: dict[str, object] = {
            d: pd.Categorical([cim.variant_ids[i][int(k)] for k in self.indices[:, i]], categories=cim.variant_ids[i])
            for i, d in enumerate(cim.descriptor_ids)
        }
        data["inconsistency"] = self.inconsistency
        data["consistency_value"] = self.consistency_value
        data["total_impact_score"] = self.total_impact_score
        return pd.DataFrame(data, index=[f"S{k + 1}" for k in range(len(self))])

    def names(self, k: int) -> dict[str, str]:
        """Scenario ``k`` as ``{descriptor id: variant id}``."""
        return self.cim.scenario_names(self.indices[k])

    def signatures(self) -> np.ndarray:
        """Each scenario's signature ``sum_i u_i * prod_{j<i} n_j`` (first descriptor least significant).

        This is how tools compare scenario sets; see the ScenarioWizard oracle notes.
        """
        weights = np.concatenate([[1], np.cumprod(self.cim.sizes)[:-1]]).astype(object)
        return np.array([int(np.dot(row.astype(object), weights)) for row in self.indices], dtype=object)

    @classmethod
    def from_indices(
        cls,
        cim: CrossImpactMatrix,
        indices: np.ndarray | list[np.ndarray],
        *,
        complete: bool,
        seconds: float,
        tolerance: int = 0,
        where: dict[int, tuple[int, ...]] | None = None,
        unique: bool = True,
        n_nodes: int = 0,
        plan: SearchPlan | None = None,
    ) -> ScenarioSet:
        """Measure and sort scenarios given as index rows (duplicates removed unless ``unique=False``).

        The measures are those of ``cim`` as it is (no intervention: see :func:`find_consistent`).
        A list of index arrays is taken as the parts of one set, stacked.
        """
        n = cim.n_descriptors
        if isinstance(indices, list):  # parts of one set (a search's subtrees), gathered only once sorted
            chunks = [c for c in (np.asarray(c, dtype=np.int64).reshape(-1, n) for c in indices) if c.shape[0]]
            if sum(c.shape[0] for c in chunks) * n <= _GATHER_CELLS:  # small: one array is quicker
                chunks = [np.concatenate(chunks, axis=0)] if chunks else []
            chunks = chunks or [np.empty((0, n), dtype=np.int64)]
        else:
            chunks = [np.asarray(indices, dtype=np.int64).reshape(-1, n)]
        if unique and (len(chunks) > 1 or chunks[0].shape[0] > 1):
            chunks = [np.unique(np.concatenate(chunks, axis=0), axis=0)]
        inc, cval, tis = (np.concatenate(m) for m in zip(*(batch_measures(cim, c) for c in chunks), strict=True))
        order = np.lexsort([*_row_keys(chunks, cim.sizes), -tis, inc]) if inc.shape[0] else np.arange(0)
        return cls(
            cim,
            _gather(chunks, order),
            inc[order],
            cval[order],
            tis[order],
            complete,
            seconds,
            tolerance,
            {},
            dict(where or {}),
            n_nodes,
            plan,
        )

    def to_full(self, iv: Intervention, where: dict[int, tuple[int, ...]]) -> ScenarioSet:
        """This set, found on the reduced matrix of intervention ``iv``, in the full matrix's terms
        (``where``: the restriction in the full matrix's numbering)."""
        return ScenarioSet(
            iv.full,
            iv.to_full(self.indices),
            self.inconsistency,
            self.consistency_value,
            self.total_impact_score,
            self.complete,
            self.seconds,
            self.tolerance,
            dict(iv.fix),
            dict(where),
            self.n_nodes,
            self.plan,
        )


@dataclass(frozen=True)
class SearchEstimate:
    """How long a complete search is expected to take.

    ``n_subtrees`` is how many independent subtrees the search is split into,
    ``sampled`` how many were timed (finished or stopped at the time limit and extrapolated),
    ``estimated_seconds`` the extrapolation.
    """

    n_scenarios: int
    n_subtrees: int
    sampled: int
    estimated_seconds: float
    components: int = 1


class _Plan:
    """A search split into components and, within each, subtrees (prefix assignments)."""

    def __init__(
        self, cim: CrossImpactMatrix, tolerance: int, where: dict[int, tuple[int, ...]], kernel: str | None = None
    ):
        from upheaval.cib._kernel_forward import prepare_bounds
        from upheaval.cib._kernel_propagate import prepare_entries
        from upheaval.cib._kernel_tables import prepare_tables

        full = kernel != "plain"
        self.cim = cim
        self.tolerance = int(tolerance)
        self.full = full
        self.kind = _kernel_kind(cim, tolerance, kernel)
        allowed = np.ones(cim.values.shape[0], dtype=np.bool_)
        for i, vs in where.items():
            off = int(cim.offsets[i])
            allowed[off : off + cim.sizes[i]] = False
            allowed[[off + v for v in vs]] = True
        self.allowed = allowed
        sizes_all = np.asarray(cim.sizes, dtype=np.int64)
        tables_all = prepare_bounds(cim.values, sizes_all, cim.offsets, allowed)
        t_ptr, t_idx = tables_all[5], tables_all[6]
        n = cim.n_descriptors
        self.propagate = self.kind == "propagate"
        self.gac_limit = _GAC_LIMIT if kernel in (None, "gac") else 0
        self.components = _components(n, t_ptr, t_idx) if full else [list(range(n))]
        self.parts = []
        for comp in self.components:
            if len(comp) == n:
                sub, sub_allowed, sizes, tables = cim, allowed, sizes_all, tables_all
            else:
                sub = _submatrix(cim, comp)
                sub_allowed = np.concatenate(
                    [allowed[int(cim.offsets[i]) : int(cim.offsets[i]) + cim.sizes[i]] for i in comp]
                )
                sizes = np.asarray(sub.sizes, dtype=np.int64)
                tables = prepare_bounds(sub.values, sizes, sub.offsets, sub_allowed)
            pstart, diag, _, _, _, tp, ti, prio = tables
            if self.kind == "tables":
                tight = 3 * max(int(np.abs(sub.values).max(initial=0)), 1)  # rows summed: within 3 cells of failing
                tables = (*prepare_tables(sub.values, sizes, sub.offsets, self.tolerance), tight, prio)
            elif self.propagate:
                in_ptr, in_idx = _transpose(len(sizes), tp, ti)
                tables = (pstart, diag, tp, ti, prio, *prepare_entries(sizes, sub.offsets, pstart, tp, ti))
                tables = (*tables, in_ptr, in_idx, self.gac_limit)
            subtrees = _split(sub, sizes, sub_allowed, prio)
            self.parts.append((comp, sub, sizes, sub_allowed, tables, subtrees))
        self.n_subtrees = sum(len(p[5]) for p in self.parts)

    def call(
        self, part: int, subtree: int, max_nodes: int, r_desc: np.ndarray, r_start: np.ndarray
    ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One kernel call on a subtree: at most ``max_nodes`` nodes, resuming at ``r_desc``/``r_start``."""
        return self.call_mask(part, self.parts[part][5][subtree], max_nodes, r_desc, r_start)

    def call_mask(
        self, part: int, allowed: np.ndarray, max_nodes: int, r_desc: np.ndarray, r_start: np.ndarray
    ) -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One kernel call on the scenarios of one component that ``allowed`` (a variant mask) admits."""
        from upheaval.cib._kernel_forward import search_kernel
        from upheaval.cib._kernel_propagate import propagate_kernel
        from upheaval.cib._kernel_tables import tables_kernel

        _, sub, sizes, _, tables, _ = self.parts[part]
        max_nodes = max(int(max_nodes), len(sizes) + 2)  # more than a replayed path: always progress
        try:
            if self.kind == "tables":
                return tables_kernel(sizes, sub.offsets, allowed, *tables, max_nodes, r_desc, r_start)
            if self.propagate:
                return propagate_kernel(
                    sub.values, sizes, sub.offsets, self.tolerance, allowed, *tables, max_nodes, r_desc, r_start
                )
            return search_kernel(
                sub.values, sizes, sub.offsets, self.tolerance, allowed, *tables, self.full, max_nodes, r_desc, r_start
            )
        except SystemError as exc:
            _reraise_interrupt(exc)
            raise

    def run(self, part: int, subtree: int, node_budget: int = 0, stop=None) -> tuple[np.ndarray, int]:
        """Solutions of one subtree of one component (rows in the component's descriptor order), and its nodes.

        The kernel is called with at most ``node_budget`` nodes at a time (default: about
        0.1-0.3 s of work) and resumed, so Python can act on Ctrl-C between calls; a set
        ``stop`` event (another thread was interrupted) raises KeyboardInterrupt there.
        """
        budget = node_budget or (_NODE_BUDGET_PROPAGATE if self.propagate else _NODE_BUDGET)
        r_desc = r_start = _EMPTY
        chunks = []
        nodes = 0
        while True:
            sols, n_nodes, r_desc, r_start, _, _ = self.call(part, subtree, budget, r_desc, r_start)
            chunks.append(sols)
            nodes += int(n_nodes)
            if r_desc.shape[0] == 0:
                break
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
        return (chunks[0] if len(chunks) == 1 else np.concatenate(chunks, axis=0)), nodes


def _row_keys(chunks: list[np.ndarray], sizes: Sequence[int]) -> list[np.ndarray]:
    """Sort keys that order the rows of ``chunks`` (stacked) lexicographically, first column most significant, as
    :func:`numpy.lexsort` takes them (least significant first): the columns packed into 63-bit words.

    A few words instead of one key per column: sorting a search's hundreds of thousands of scenarios of
    a hundred descriptors by the columns themselves costs more than the search.
    """
    n = len(sizes)
    bits = max(1, (max(sizes, default=1) - 1).bit_length())
    per = 63 // bits
    words = []
    for start in range(0, n, per):
        stop = min(n, start + per)
        weights = np.left_shift(1, np.arange(stop - start - 1, -1, -1, dtype=np.int64) * bits)
        words.append(np.concatenate([c[:, start:stop] @ weights for c in chunks]))
    return words[::-1]


def _gather(chunks: list[np.ndarray], order: np.ndarray) -> np.ndarray:
    """``np.concatenate(chunks)[order]`` without the concatenated copy: each chunk's rows go to their places."""
    if len(chunks) == 1:
        return chunks[0][order]
    out = np.empty((order.shape[0], chunks[0].shape[1]), dtype=np.int64)
    place = np.empty_like(order)
    place[order] = np.arange(order.shape[0])
    start = 0
    for c in chunks:
        out[place[start : start + c.shape[0]]] = c
        start += c.shape[0]
    return out


def _reraise_interrupt(exc: BaseException) -> None:
    """Ctrl-C that lands while numba boxes a kernel's result surfaces as a SystemError caused by a
    KeyboardInterrupt; raise the KeyboardInterrupt itself."""
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        seen = seen.__cause__ or seen.__context__


_EMPTY = np.empty(0, dtype=np.int64)
_NODE_BUDGET = 200_000  # nodes per kernel call: Ctrl-C is seen between calls
_NODE_BUDGET_PROPAGATE = 20_000
_GATHER_CELLS = 1 << 20  # scenario sets given in parts are sorted without stacking them from this size on
_SPLIT_MIN = 2_000_000  # spaces from this size on are split into subtrees (run in parallel with n_jobs)
_WHOLE_FIRST = 2_000  # nodes a split component is first searched whole for (a small search ends there)
_TABLE_BYTES_LIMIT = 256 * 1024 * 1024  # larger dense systems use forward checking
_TABLE_VALUE_LIMIT = 1 << 26  # the tables hold margins in int32, with 2**28 marking slots that are no rival
_GAC_LIMIT = 243  # largest scope (product of domain sizes) enumerated for generalized arc consistency


def _transpose(n: int, t_ptr: np.ndarray, t_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Influencers of each descriptor (CSR), from the lists of descriptors each one influences."""
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(t_ptr))
    order = np.argsort(t_idx, kind="stable")
    in_idx = src[order].astype(np.int64)
    in_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t_idx, minlength=n), out=in_ptr[1:])
    return in_ptr, in_idx


def _components(n: int, t_ptr: np.ndarray, t_idx: np.ndarray) -> list[list[int]]:
    """Weakly connected components of the influence graph (diagonal blocks ignored)."""
    from upheaval.cib._kernel_measures import components_kernel

    labels = components_kernel(n, t_ptr, t_idx)
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(labels.tolist()):
        groups.setdefault(k, []).append(i)
    return list(groups.values())


def _submatrix(cim: CrossImpactMatrix, comp: list[int]) -> CrossImpactMatrix:
    if len(comp) == cim.n_descriptors:
        return cim
    cols = np.concatenate([np.arange(cim.offsets[i], cim.offsets[i] + cim.sizes[i]) for i in comp])
    return CrossImpactMatrix(
        cim.values[np.ix_(cols, cols)],
        tuple(cim.sizes[i] for i in comp),
        tuple(cim.descriptor_ids[i] for i in comp),
        tuple(cim.variant_ids[i] for i in comp),
        cim.scale,
    )


def split_fixings(
    allowed: Sequence[Sequence[int]], order: Sequence[int], n_subtrees: int
) -> list[dict[int, tuple[int, ...]]]:
    """Split a search into subtrees that partition it: each fixes a prefix of descriptors to one variant.

    ``allowed[i]`` are the variants descriptor ``i`` may take. Descriptors are taken in
    ``order``, skipping those with a single allowed variant, until the product of their
    allowed counts reaches ``n_subtrees``; each combination of their variants is one subtree
    (``{descriptor: (variant,)}``). Every scenario lies in exactly one subtree (none when a
    descriptor may take no variant).

    >>> split_fixings([[0, 1], [0], [0, 1, 2]], [0, 1, 2], 4)
    [{0: (0,), 2: (0,)}, {0: (0,), 2: (1,)}, {0: (0,), 2: (2,)}, {0: (1,), 2: (0,)}, {0: (1,), 2: (1,)}, {0: (1,), 2: (2,)}]
    """
    if any(len(a) == 0 for a in allowed):
        return []
    chosen: list[int] = []
    count = 1
    for i in order:
        if count >= n_subtrees:
            break
        if len(allowed[i]) <= 1:
            continue
        chosen.append(int(i))
        count *= len(allowed[i])
    return [
        {i: (int(v),) for i, v in zip(chosen, combo, strict=True)}
        for combo in itertools.product(*[allowed[i] for i in chosen])
    ]


def _split(sub: CrossImpactMatrix, sizes: np.ndarray, allowed: np.ndarray, prio: np.ndarray) -> list[np.ndarray]:
    """Subtrees as allowed-masks: fix the most influencing descriptors until there are ~32 of them."""
    if sub.n_scenarios < _SPLIT_MIN:
        return [allowed]
    variants = [[v for v in range(sizes[i]) if allowed[sub.offsets[i] + v]] for i in range(len(sizes))]
    out = []
    for fixing in split_fixings(variants, np.argsort(-prio, kind="mergesort"), 32):
        mask = allowed.copy()
        for i, (v,) in fixing.items():
            off = int(sub.offsets[i])
            mask[off : off + sizes[i]] = False
            mask[off + v] = True
        out.append(mask)
    return out


def _check_tolerance(tolerance: int) -> int:
    if int(tolerance) != tolerance or tolerance < 0:
        raise EngineError(f"tolerance must be a non-negative integer; got {tolerance!r}")
    return int(tolerance)


def _done_fraction(r_k: np.ndarray, r_rank: np.ndarray) -> float:
    """Share of a subtree already searched, from where a stopped search stands.

    Level ``l`` of the path has ``r_k[l]`` variants, ``r_rank[l]`` of them finished; assuming
    siblings cost alike, the finished share is ``sum_l r_rank[l]/r_k[l] * prod_{m<l} 1/r_k[m]``
    (the path's own probability, ``prod 1/r_k``, is a floor: some progress was made).
    """
    frac = 0.0
    weight = 1.0
    for k, rank in zip(r_k.tolist(), r_rank.tolist(), strict=True):
        k = max(int(k), 1)
        frac += weight * rank / k
        weight /= k
    return max(frac, weight)


def _sample_timing(plan: _Plan, rng: np.random.Generator, max_seconds: float) -> tuple[float, dict, int]:
    """Time a random sample of subtrees; return (estimated seconds, results of the finished subtrees, sample size).

    Kernel calls are capped at a small node budget, so this returns within about
    ``max_seconds`` even when a single subtree would take hours: a subtree stopped before
    its end is extrapolated from the share of it already searched (:func:`_done_fraction`).
    """
    done: dict[tuple[int, int], tuple[np.ndarray, int]] = {}
    total_est = 0.0
    share = max_seconds / max(1, len(plan.parts))
    budget = 20_000
    n_timed = 0
    for p, part in enumerate(plan.parts):
        n = len(part[5])
        perm = rng.permutation(n)
        spent = 0.0
        est_sum = 0.0
        timed = 0
        for s in perm:
            t0 = time.perf_counter()
            r_desc = r_start = _EMPTY
            chunks = []
            nodes = 0
            while True:
                sols, n_nodes, r_desc, r_start, r_k, r_rank = plan.call(p, int(s), budget, r_desc, r_start)
                chunks.append(sols)
                nodes += int(n_nodes)
                if r_desc.shape[0] == 0 or time.perf_counter() - t0 + spent > share:
                    break
            took = time.perf_counter() - t0
            spent += took
            timed += 1
            if r_desc.shape[0] == 0:
                done[(p, int(s))] = (np.concatenate(chunks, axis=0), nodes)
                est_sum += took
            else:
                est_sum += took / _done_fraction(r_k, r_rank)
            if spent > share or timed >= max(3, n // 8):
                break
        total_est += est_sum / timed * n
        n_timed += timed
    return total_est, done, n_timed


@accepts_system("cim", to="matrix")
@under_intervention()
def estimate_search(
    cim: CrossImpactMatrix,
    tolerance: int = 0,
    fix: Condition = None,
    where: Condition = None,
    *,
    sample_seconds: float = 0.5,
    random_state: int | np.random.Generator | None = 0,
    _kernel: str | None = None,
) -> SearchEstimate:
    """Estimate how long :func:`find_consistent` will take, by timing a random sample of its subtrees.

    The search is split into independent components of the influence graph and, within
    each, into subtrees by fixing its most influencing descriptors; a random sample of
    subtrees is searched (for at most about ``sample_seconds``: the kernel runs in capped
    steps of nodes) and the mean time per subtree extrapolated. A subtree not finished in
    time is extrapolated from the share of it already searched (the finished share of each
    level of the current path, siblings assumed alike, in the spirit of Knuth's estimate of
    a backtrack tree). Small searches are simply run, so the estimate is exact.

    Parameters
    ----------
    cim : CrossImpactMatrix
    tolerance : int
        Maximum inconsistency accepted (0: strictly consistent).
    fix, where : mapping, optional
        The intervention and the restriction, as for :func:`find_consistent`.
    sample_seconds : float
        Time to spend on the sample.
    random_state : int, numpy.random.Generator or None, default 0
        Which subtrees are sampled.

    Returns
    -------
    SearchEstimate

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    plan = plan_search(cim, _check_tolerance(tolerance), where, kernel=_kernel)
    if plan.engine == "none":
        return SearchEstimate(cim.n_scenarios, 0, 0, 0.0, 0)
    if plan.engine == "numpy":  # small: simply run
        return SearchEstimate(cim.n_scenarios, 1, 1, plan.run().seconds, 1)
    est, _, n_timed = _sample_timing(plan.layout, check_random_state(random_state), sample_seconds)
    return SearchEstimate(cim.n_scenarios, plan.subtrees, n_timed, est, plan.components)


@accepts_system("cim", to="matrix")
@under_intervention()
def find_consistent(
    cim: CrossImpactMatrix,
    tolerance: int = 0,
    fix: Condition = None,
    where: Condition = None,
    *,
    budget_seconds: float | None = None,
    progress: Callable[[float], None] | None = None,
    n_jobs: int | None = None,
    _kernel: str | None = None,
    _node_budget: int = 0,
    _map_subtrees: Callable | None = None,
) -> ScenarioSet:
    """All scenarios whose inconsistency is at most ``tolerance``, by a complete exact search [1]_.

    :func:`plan_search` decides how to search (numpy or a compiled branch-and-bound, which one, its
    split into subtrees and threads) and :meth:`SearchPlan.run` runs it; the result's ``plan`` says how.

    Parameters
    ----------
    cim : CrossImpactMatrix or System
    tolerance : int, default 0
        Maximum inconsistency accepted.
    fix, where : mapping, optional
        An intervention and a restriction, ``{descriptor: variant | [variants]}`` (ids, or indices
        keyed by descriptor index), as :mod:`upheaval.cib._intervene` defines them.
    budget_seconds, progress, n_jobs : optional
        As for :meth:`SearchPlan.run` and :func:`plan_search`; the result is the same for any ``n_jobs``.

    Examples
    --------
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> find_consistent(cim).indices.tolist(), find_consistent(cim, where={0: 1}).indices.tolist()
    ([[0, 0], [1, 1]], [[1, 1]])

    .. [1] W. Weimer-Jehle: Cross-impact balances. Technol. Forecast. Soc. Change 73:334--361, 2006.
    """
    plan = plan_search(cim, _check_tolerance(tolerance), where, n_jobs=n_jobs, kernel=_kernel, node_budget=_node_budget)
    return plan.run(progress, budget_seconds, _map_subtrees)


@dataclass(frozen=True)
class SearchPlan:
    """How :func:`find_consistent` searches, decided by :func:`plan_search` before it starts.

    ``engine`` is ``"numpy"`` (a small space, nothing to compile: :func:`upheaval.cib._small.search_numpy`),
    ``"kernels"`` (the compiled branch-and-bound) or ``"none"`` (the restriction allows no scenario).
    ``kernel`` is the compiled search: ``"propagate"`` (the bound propagated along the influence
    graph; with ``gac``, arc consistency on each descriptor's own condition), ``"tables"`` (the bound
    read from tables, with a second bound on the sum of nearly failing conditions) or ``"forward"``
    (forward checking). ``components`` counts the independent parts of the influence graph (searched
    separately, their consistent sets combined as a product), ``subtrees`` the subtrees they are
    split into (prefix assignments of the most influencing descriptors) and ``threads`` the worker
    threads that run them (``cluster``: they ran on a dask cluster instead). ``n_scenarios`` is the size of the space searched, ``why`` the reasons in
    words, and :meth:`explain` all of it in one line.
    """

    engine: Literal["none", "numpy", "kernels"]
    n_scenarios: int
    why: str
    kernel: str | None = None
    gac: bool = False
    components: int = 1
    subtrees: int = 1
    threads: int = 1
    cluster: bool = False
    cim: CrossImpactMatrix | None = field(default=None, repr=False, compare=False)
    tolerance: int = 0
    where: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    node_budget: int = field(default=0, repr=False)
    setup_seconds: float = field(default=0.0, repr=False, compare=False)
    layout: _Plan | None = field(default=None, repr=False, compare=False)  # dropped once run (its tables)

    def explain(self) -> str:
        """The plan in one line, e.g. ``kernels: propagate (with arc consistency), 1 component in 32 subtrees on 2 threads``."""
        if self.engine != "kernels":
            return f"{self.engine}: {self.n_scenarios:,} scenarios ({self.why})"
        gac = " with arc consistency" if self.gac else ""
        split = f"{counted(self.components, 'component')} in {counted(self.subtrees, 'subtree')}"
        where = "a dask cluster" if self.cluster else counted(self.threads, "thread")
        return f"kernels: {self.kernel}{gac}, {split} on {where}; {self.n_scenarios:,} scenarios ({self.why})"

    def run(
        self,
        progress: Callable[[float], None] | None = None,
        budget_seconds: float | None = None,
        map_subtrees: Callable | None = None,
    ) -> ScenarioSet:
        """Run the search as planned: the consistent scenarios, with ``complete=True``.

        ``progress`` is called with the fraction done (0..1) after each subtree. With
        ``budget_seconds`` a compiled search is first timed on a sample of its subtrees
        (:func:`estimate_search`) and :class:`upheaval.errors.SearchBudgetExceeded` raised, saying
        how to run :func:`heuristic_search` instead, when the estimate exceeds the budget.
        ``map_subtrees`` (the contract of :func:`upheaval.cib._parallel.map_threads`) runs the
        subtrees elsewhere instead of on the plan's threads: a dask cluster
        (:func:`upheaval.analysis.split_search`).
        """
        t0 = time.perf_counter()
        n_nodes = 0
        if self.engine == "kernels":
            indices, n_nodes = _run_subtrees(self, progress, budget_seconds, map_subtrees)
        elif self.engine == "numpy":
            indices = search_numpy(self.cim, self.tolerance, self.where, progress)
        else:
            indices = np.empty((0, self.cim.n_descriptors), dtype=np.int64)
        return ScenarioSet.from_indices(
            self.cim,
            indices,
            complete=True,
            seconds=self.setup_seconds + time.perf_counter() - t0,
            tolerance=self.tolerance,
            where=self.where,
            unique=self.engine != "kernels",
            n_nodes=n_nodes,
            plan=replace(self, layout=None, cluster=map_subtrees is not None and self.engine == "kernels"),
        )


def plan_search(
    cim: CrossImpactMatrix,
    tolerance: int = 0,
    where: dict[int, tuple[int, ...]] | None = None,
    *,
    n_jobs: int | None = None,
    kernel: str | None = None,
    node_budget: int = 0,
) -> SearchPlan:
    """Decide how :func:`find_consistent` searches ``cim`` within the restriction ``where`` (normalized).

    A space of at most :data:`upheaval.cib._small.SMALL_LIMIT` scenarios is searched with numpy
    while the compiled kernels it would need are not loaded in this process (so a small analysis
    never waits for a compile, and a process that has them uses them). Otherwise a depth-first
    branch-and-bound (compiled with numba) assigns one descriptor at a time, keeps the impact
    balances up to date incrementally, and cuts a branch when some descriptor's variant can no
    longer come within ``tolerance`` of a rival even if every other descriptor took, among its
    open variants, the one most favourable to it (a sound bound: nothing consistent is lost);
    failing variants are removed until nothing changes, and it branches on the descriptor with
    the fewest variants left. Sparse systems (fewer than half the descriptor pairs judged)
    propagate the bound along the influence graph, dense ones read it from tables while they fit
    (:func:`_kernel_choice`). Balances count the diagonal blocks, as ScenarioWizard does. The
    kernels are loaded (or compiled, once) here, so that the search's clock never counts it.

    ``n_jobs`` are the worker threads for the subtrees (None: 1; -1: all cores; the kernels
    release the GIL); ``kernel`` forces a choice (``"numpy"``, ``"kernels"`` for the compiled
    search's own choice, ``"propagate"`` without and ``"gac"`` with arc consistency, ``"tables"``,
    ``"forward"``, ``"plain"``: forward checking on the whole graph); ``node_budget`` caps the nodes
    of one kernel call (Ctrl-C is seen between calls).
    """
    from upheaval.cib._warm import kernels_loaded, warm_search_kernels

    where = where or {}
    threads = check_n_jobs(n_jobs)
    space = space_size(cim, where)
    given = {"cim": cim, "tolerance": tolerance, "where": where, "node_budget": node_budget}
    if space == 0:
        return SearchPlan("none", 0, "the restriction allows no scenario", **given)
    if kernel == "numpy":
        return SearchPlan("numpy", space, "asked for", **given)
    kind, why = _kernel_choice(cim, tolerance, None if kernel == "kernels" else kernel)
    if kernel is None and numpy_suffices(space) and not kernels_loaded(kind):
        return SearchPlan("numpy", space, "a small space, the compiled kernels not loaded", **given)
    option = (
        {"propagate": "gac", "tables": "tables", "forward": "forward"}[kind] if kernel in (None, "kernels") else kernel
    )
    warm_search_kernels(kind, _Plan)
    t0 = time.perf_counter()
    layout = _Plan(cim, tolerance, where, option)
    return SearchPlan(
        "kernels",
        space,
        why,
        kind,
        layout.propagate and layout.gac_limit > 0,
        len(layout.components),
        layout.n_subtrees,
        min(threads, layout.n_subtrees),
        setup_seconds=time.perf_counter() - t0,
        layout=layout,
        **given,
    )


def _run_subtrees(
    plan: SearchPlan,
    progress: Callable[[float], None] | None,
    budget_seconds: float | None,
    map_subtrees: Callable | None,
) -> tuple[np.ndarray | list[np.ndarray], int]:
    """The compiled search of a plan: its consistent scenarios (as the subtrees' parts, a list, when the
    search is one component) and the search-tree nodes visited.

    With a budget, a sample of subtrees is timed first (and kept); a component split into
    subtrees is first searched whole for a few nodes (a small search ends there, without a
    kernel start per subtree, the same on any number of threads); the rest of the subtrees run
    on the plan's threads (or by ``map_subtrees``) and the components' sets are combined.
    """
    layout, cim = plan.layout, plan.cim
    done: dict[tuple[int, int], tuple[np.ndarray, int]] = {}
    if budget_seconds is not None:
        est, done, _ = _sample_timing(layout, np.random.default_rng(0), min(0.5, budget_seconds / 4))
        if est > budget_seconds:
            raise SearchBudgetExceeded(
                f"a complete search of {cim.n_scenarios:,} scenarios is estimated to take {est:,.1f} s, "
                f"more than the budget of {budget_seconds:g} s; raise the budget, restrict some descriptors, "
                "or run the incomplete heuristic instead: "
                "upheaval.cib.heuristic_search(cim, tolerance, fix, where, n_starts=10_000, random_state=0)"
            )
    whole: dict[int, np.ndarray] = {}
    tried = 0
    for p, part in enumerate(layout.parts):
        if len(part[5]) > 1 and not done and _WHOLE_FIRST > 0:
            sols, nodes, r_desc, _, _, _ = layout.call_mask(p, part[3], _WHOLE_FIRST, _EMPTY, _EMPTY)
            tried += int(nodes)
            if r_desc.shape[0] == 0:
                whole[p] = sols
    tasks = [(p, s) for p, part in enumerate(layout.parts) if p not in whole for s in range(len(part[5]))]
    if progress is not None and not tasks:
        progress(1.0)

    node_budget = plan.node_budget

    def subtree(task: tuple[int, int], stop) -> tuple[np.ndarray, int]:
        sampled = done.get(task)  # already searched while estimating
        return sampled if sampled is not None else layout.run(*task, node_budget, stop)

    # ``map_subtrees`` (same contract as map_threads) runs them elsewhere: upheaval.analysis's dask cluster
    found = (map_subtrees or map_threads)(
        subtree, tasks, plan.threads, None if progress is None else _counter(progress, len(tasks))
    )
    by_part: list[list[np.ndarray]] = [[whole[p]] if p in whole else [] for p in range(len(layout.parts))]
    for (p, _), (sols, _) in zip(tasks, found, strict=True):
        by_part[p].append(sols)
    nodes = tried + sum(nodes for _, nodes in found)
    if len(layout.components) == 1 and layout.components[0] == list(range(cim.n_descriptors)):
        return by_part[0], nodes  # the subtrees' parts, gathered once sorted (ScenarioSet.from_indices)
    results = [
        np.concatenate(sols, axis=0) if sols else np.empty((0, len(part[0])), np.int64)
        for sols, part in zip(by_part, layout.parts, strict=True)
    ]
    return _product(cim, layout.components, results), nodes


def _counter(progress: Callable[[float], None], total: int) -> Callable[[int], None]:
    """``progress`` fed with the share of ``total`` items finished, in whatever order they finish."""
    finished = [0]

    def done(_k: int) -> None:
        finished[0] += 1
        progress(finished[0] / total)

    return done


def _kernel_kind(cim: CrossImpactMatrix, tolerance: int, kernel: str | None) -> str:
    """Which compiled kernel a search runs: ``"propagate"``, ``"tables"`` or ``"forward"`` (see :func:`_kernel_choice`)."""
    return _kernel_choice(cim, tolerance, kernel)[0]


def _kernel_choice(cim: CrossImpactMatrix, tolerance: int, kernel: str | None) -> tuple[str, str]:
    """Which compiled kernel a search runs, ``"propagate"``, ``"tables"`` or ``"forward"``, and why.

    By default sparse systems (fewer than half the descriptor pairs judged) use propagation
    with arc consistency, dense ones the tabulated bounds while their tables fit in memory and
    their margins in 32 bits (else forward checking). ``"propagate"``/``"gac"``, ``"tables"``,
    ``"forward"``/``"plain"`` force one.
    """
    if kernel in ("propagate", "gac"):
        return "propagate", "asked for"
    if kernel in ("forward", "plain"):
        return "forward", "asked for"
    n = cim.n_descriptors
    judged = 1.0
    if kernel is None:
        blocks = np.add.reduceat(np.add.reduceat(cim.values != 0, cim.offsets, axis=0), cim.offsets, axis=1) > 0
        np.fill_diagonal(blocks, False)
        judged = int(blocks.sum()) / (n * (n - 1)) if n > 1 else 1.0
        if judged < 0.5:
            return "propagate", f"sparse: {judged:.0%} of descriptor pairs judged"
    reach = int(tolerance) + 2 * int(np.abs(cim.values).max(initial=0)) * (n + 1)  # the largest margin
    s = max(cim.sizes, default=0)
    table_bytes = n * (1 << s) * max(s - 1, 1) * s * n * 4  # int32 rows: one per descriptor and domain
    if kernel == "tables":
        return "tables", "asked for"
    if table_bytes <= _TABLE_BYTES_LIMIT and reach < _TABLE_VALUE_LIMIT:
        size = f"{table_bytes / 2**20:,.1f} MiB" if table_bytes >= 2**20 / 10 else "under 0.1 MiB"
        return "tables", f"dense: {judged:.0%} of descriptor pairs judged, tables of {size}"
    return "forward", f"dense: {judged:.0%} of descriptor pairs judged, tables too large or margins too wide"


def _product(cim: CrossImpactMatrix, comps: list[list[int]], parts: list[np.ndarray]) -> np.ndarray:
    """Combine per-component solutions into full scenarios (their Cartesian product)."""
    if len(comps) == 1 and comps[0] == list(range(cim.n_descriptors)):
        return parts[0]
    n_total = math.prod(p.shape[0] for p in parts)
    if n_total > 50_000_000:
        raise EngineError(
            f"{n_total:,} consistent scenarios: too many to list; fix some descriptors or lower the tolerance"
        )
    out = np.zeros((n_total, cim.n_descriptors), dtype=np.int64)
    if n_total == 0:
        return out
    rep = n_total
    tile = 1
    for comp, sols in zip(comps, parts, strict=True):
        m = sols.shape[0]
        rep //= m
        block = np.repeat(sols, rep, axis=0)
        block = np.tile(block, (tile, 1))
        out[:, comp] = block
        tile *= m
    return out


@accepts_system("cim", to="matrix")
@under_intervention()
def heuristic_search(
    cim: CrossImpactMatrix,
    tolerance: int = 0,
    fix: Condition = None,
    where: Condition = None,
    n_starts: int = 1000,
    random_state: int | np.random.Generator | None = 0,
) -> ScenarioSet:
    """Consistent scenarios reachable by global succession from random starts (incomplete).

    Draws ``n_starts`` random scenarios (within ``fix`` and ``where``), runs global
    succession from each [1]_ (under the intervention ``fix``, whose descriptors stay within
    their variants) and keeps the ends whose inconsistency is at most ``tolerance`` and
    that satisfy ``where``. Fast on any size, but it may miss consistent scenarios, so the
    result has ``complete=False``. Use it when :func:`find_consistent` is too slow.

    Parameters
    ----------
    cim : CrossImpactMatrix
    tolerance : int
    fix, where : mapping, optional
        The intervention and the restriction, as for :func:`find_consistent`.
    n_starts : int
    random_state : int, numpy.random.Generator or None, default 0
        Pass an int for reproducible results across calls.

    Returns
    -------
    ScenarioSet

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval.cib._kernel_succession import succession_kernel

    tolerance = _check_tolerance(tolerance)
    where_n = where
    if space_size(cim, where_n) == 0:  # a restriction an intervention leaves nothing of
        empty = np.empty((0, cim.n_descriptors), dtype=np.int64)
        return ScenarioSet.from_indices(cim, empty, complete=False, seconds=0.0, tolerance=tolerance, where=where_n)
    rng = check_random_state(random_state)
    t0 = time.perf_counter()
    starts = np.empty((int(n_starts), cim.n_descriptors), dtype=np.int64)
    for i, size in enumerate(cim.sizes):
        choices = np.asarray(where_n.get(i, range(size)), dtype=np.int64)
        starts[:, i] = rng.choice(choices, size=int(n_starts))
    ends, _ = succession_kernel(cim.values, np.asarray(cim.sizes, np.int64), cim.offsets, starts, False, 1000)
    if ends.shape[0]:
        ends = np.unique(ends, axis=0)
    inc, _, _ = batch_measures(cim, ends)
    keep = inc <= tolerance
    for i, vs in where_n.items():
        keep &= np.isin(ends[:, i], vs)
    return ScenarioSet.from_indices(
        cim, ends[keep], complete=False, seconds=time.perf_counter() - t0, tolerance=tolerance, where=where_n
    )
