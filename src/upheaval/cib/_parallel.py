"""Worker threads for the engine's searches: the kernels release the GIL, so threads use every core."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from upheaval.errors import EngineError

__all__ = ["check_n_jobs", "map_threads"]


def check_n_jobs(n_jobs: int | None) -> int:
    """Turn ``n_jobs`` into a worker count: None -> 1, -1 -> all cores, k >= 1 -> k.

    Examples
    --------
    >>> check_n_jobs(None), check_n_jobs(2)
    (1, 2)
    """
    if n_jobs is None:
        return 1
    if int(n_jobs) != n_jobs or n_jobs == 0 or n_jobs < -1:
        raise EngineError(f"n_jobs must be a positive integer or -1 (all cores); got {n_jobs!r}")
    return os.cpu_count() or 1 if n_jobs == -1 else int(n_jobs)


def map_threads(
    func: Callable[[Any, threading.Event], Any],
    items: Sequence[Any],
    n_jobs: int | None,
    done: Callable[[int], None] | None = None,
) -> list[Any]:
    """``[func(item, stop) for item in items]`` on ``n_jobs`` threads, results in the order of ``items``.

    ``func`` should look at ``stop`` between its steps: it is set when the caller is
    interrupted (Ctrl-C) or another item failed, and the error is raised here once the
    running items have stopped. ``done(k)`` is called (in the calling thread) after each item.
    """
    stop = threading.Event()
    workers = min(check_n_jobs(n_jobs), max(1, len(items)))
    out: list[Any] = [None] * len(items)
    if workers == 1:
        for k, item in enumerate(items):
            out[k] = func(item, stop)
            if done is not None:
                done(k)
        return out
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    def guarded(item: Any) -> Any:
        if stop.is_set():  # an item failed or the caller was interrupted: start nothing new
            raise KeyboardInterrupt
        try:
            return func(item, stop)
        except BaseException:
            stop.set()  # the other running items stop at their next step
            raise

    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {pool.submit(guarded, item): k for k, item in enumerate(items)}
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
            for fut in finished:
                out[futures[fut]] = fut.result()
                if done is not None:
                    done(futures[fut])
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return out
