"""Loading the compiled kernels before a timed search, so that a compile is never counted as search time.

The kernels are compiled by numba the first time they run after an install and cached on
disk; later processes load them from the cache in a fraction of a second. A search that
needs them first runs them on a tiny system (here the compile or the cache load happens),
and only then starts its clock. Views can register a notice (:func:`set_compile_notice`,
kept in the dependency-free :mod:`upheaval._notice`) that tells the user while a compile runs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import numpy as np

from upheaval._notice import set_compile_notice

__all__ = ["compiling", "kernels_loaded", "set_compile_notice", "warm_search_kernels"]

_warm: set[str] = set()


@contextlib.contextmanager
def compiling(what: str) -> Iterator[None]:
    """Run the block under the registered notice (if any); it may be a compile of ``what``."""
    from upheaval import _notice

    if _notice.compile_notice is None:
        yield
        return
    with _notice.compile_notice(what):
        yield


def kernels_loaded(kind: str) -> bool:
    """Whether this process has already loaded the search kernels of that kind."""
    return kind in _warm


def warm_search_kernels(kind: str, plan: type) -> float:
    """Run the search kernels of one kind on a tiny system once per process; return the seconds it took.

    ``kind`` is ``"propagate"`` (the propagation search), ``"tables"`` (tabulated bounds) or
    ``"forward"`` (forward checking). Each takes the same argument types as a real search, so
    what is compiled (or loaded from numba's cache) here is what the search then runs. ``plan`` is the search's plan class
    (passed in, so that this module does not import the search that imports it).
    """
    if kind in _warm:
        return 0.0
    from upheaval.cib._compile import CrossImpactMatrix

    tiny = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    t0 = time.perf_counter()
    with compiling("search kernels"):
        warm = plan(tiny, 0, {}, kind)
        for p, part in enumerate(warm.parts):
            for s in range(len(part[5])):
                warm.run(p, s)
    _warm.add(kind)
    return time.perf_counter() - t0
