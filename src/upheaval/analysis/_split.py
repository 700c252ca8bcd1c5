"""The engine's exact search with its subtrees run on local threads or on a dask.distributed cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from upheaval.analysis._parallel import cluster_map

__all__ = ["split_search"]


def split_search(
    cim,
    tolerance: int = 0,
    fix=None,
    where=None,
    *,
    n_jobs: int | None = None,
    scheduler: str | Any | None = None,
    progress: Callable[[float], None] | None = None,
):
    """:func:`upheaval.cib.find_consistent`, its subtrees run on ``n_jobs`` threads or on a dask cluster.

    The engine's plan splits a large space (from about two million scenarios) into
    independent components and, within each, into subtrees (the first descriptors' variants
    in turn, :func:`upheaval.cib.split_fixings`), after a short search of the whole that
    finishes small searches at once. The subtrees then run on ``n_jobs`` local threads or,
    with ``scheduler``, as tasks of a dask.distributed cluster (the plan is sent to each
    worker once); ``progress`` counts the subtrees done, wherever they ran. The subtrees
    partition the space and their results are merged in the plan's order, so the result is
    the same, row for row, as the search on one thread. A search that is not split (a small
    space, or one finished by the short search) runs here and does not reach the cluster.

    Parameters
    ----------
    cim : CrossImpactMatrix or System
    tolerance : int
    fix, where : mapping, optional
        The intervention and the restriction, as for :func:`upheaval.cib.find_consistent`.
    n_jobs : int, optional
        Local worker threads (None: 1; -1: all cores); ignored with ``scheduler``.
    scheduler : str or distributed.Client, optional
        The address of a running dask.distributed scheduler (``tcp://host:8786``) or a
        Client (:func:`upheaval.analysis.dask_client` shares one between searches).
    progress : callable, optional
        Called with the fraction of subtrees done.

    Returns
    -------
    ScenarioSet

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> split_search(cim).indices.tolist()
    [[0, 0], [1, 1]]
    """
    from upheaval.cib import find_consistent

    return find_consistent(
        cim,
        tolerance,
        fix,
        where,
        progress=progress,
        n_jobs=n_jobs,
        _map_subtrees=None if scheduler is None else cluster_map(scheduler),
    )
