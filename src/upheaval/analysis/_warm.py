"""Loading every compiled kernel of the engine and the analyses at once, so that an installation compiles once."""

from __future__ import annotations

import time

import numpy as np

__all__ = ["load_kernels"]


def load_kernels() -> float:
    """Load every compiled kernel, compiling those numba's cache lacks; return the seconds it took.

    The search kernels of every kind, the measures of large batches, succession from many starts
    and the succession basins' sweep, each run once on a tiny system. A view that has to wait for
    one compile calls it, so that the installation compiles everything in that one wait instead of
    again for each kind of kernel a later command needs (a larger model may use any of them).
    """
    from upheaval.analysis._basins import _load_kernels
    from upheaval.cib import CrossImpactMatrix, compiling, find_consistent, heuristic_search, measures_kernel

    t0 = time.perf_counter()
    tiny = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    with compiling("kernels"):
        for kind in ("propagate", "tables", "forward"):
            find_consistent(tiny, _kernel=kind)
        heuristic_search(tiny, n_starts=4)
        measures_kernel(tiny.values, np.asarray(tiny.sizes, np.int64), tiny.offsets, np.zeros((1, 2), np.int64))
        _load_kernels()
    return time.perf_counter() - t0
