"""Very large exact searches split into independent subtrees, run in parallel or on a cluster."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from upheaval.analysis._parallel import run_chunks
from upheaval.cib import under_intervention
from upheaval.errors import EngineError

__all__ = ["split_search"]


def _subtree(cim, tolerance, fix, where):
    from upheaval.cib import find_consistent

    res = find_consistent(cim, tolerance, fix, where)
    return res.indices, res.complete


@under_intervention()
def split_search(
    cim,
    tolerance: int = 0,
    fix=None,
    where=None,
    *,
    n_subtrees: int = 32,
    n_jobs: int | None = None,
    scheduler=None,
    progress: Callable[[float], None] | None = None,
):
    """:func:`upheaval.cib.find_consistent`, split into independent subtrees run in parallel.

    The first descriptors with more than one allowed variant get each of them in turn as a
    restriction (``where``) until there are at least ``n_subtrees`` combinations
    (:func:`upheaval.cib._search.split_fixings`, which the engine's own split uses too); each
    combination is searched exactly with ``find_consistent(cim, tolerance, fix, where)``
    (locally with ``n_jobs`` threads, or on a dask ``scheduler``) and the results are
    merged. The subtrees partition the space, so the result equals the single search's,
    under the same intervention ``fix``.

    Parameters
    ----------
    cim : CrossImpactMatrix
    tolerance : int
    fix, where : mapping, optional
        The intervention and the restriction, as for :func:`upheaval.cib.find_consistent`.
    n_subtrees : int
        Least number of subtrees.
    n_jobs, scheduler, progress
        As for :func:`upheaval.analysis.robustness`.

    Returns
    -------
    ScenarioSet

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> split_search(cim, n_subtrees=4).indices.tolist()
    [[0, 0], [1, 1]]
    """
    from upheaval.cib import ScenarioSet, split_fixings

    if n_subtrees < 1:
        raise EngineError(f"n_subtrees must be >= 1; got {n_subtrees}")
    t0 = time.perf_counter()
    allowed = [where.get(i, tuple(range(n))) for i, n in enumerate(cim.sizes)]
    chunks = [
        (cim, tolerance, None, {**where, **f}) for f in split_fixings(allowed, range(cim.n_descriptors), n_subtrees)
    ]
    parts = run_chunks(_subtree, chunks, n_jobs=n_jobs, scheduler=scheduler, progress=progress)
    rows = [p[0] for p in parts]
    indices = np.concatenate(rows, axis=0) if rows else np.zeros((0, cim.n_descriptors), np.int64)
    return ScenarioSet.from_indices(
        cim,
        indices,
        complete=all(p[1] for p in parts),
        seconds=time.perf_counter() - t0,
        tolerance=int(tolerance),
        where=where,
    )
