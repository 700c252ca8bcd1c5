"""Run independent chunks of work in parallel: local threads by default, or a dask.distributed cluster."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from upheaval.cib import check_n_jobs
from upheaval.errors import EngineError

__all__ = ["check_n_jobs", "run_chunks", "spawn_seeds"]


def spawn_seeds(random_state: int | np.random.Generator | None, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child seeds of ``random_state`` (``numpy.random.SeedSequence.spawn``).

    The chunks of a sampling job each draw from their own child, so the result does not
    depend on how many workers run them, nor on where.

    Examples
    --------
    >>> [int(np.random.default_rng(s).integers(100)) for s in spawn_seeds(0, 2)] == [
    ...     int(np.random.default_rng(s).integers(100)) for s in spawn_seeds(0, 2)]
    True
    """
    if isinstance(random_state, np.random.Generator):
        root = np.random.SeedSequence(int(random_state.integers(2**63)))
    elif random_state is None or isinstance(random_state, int | np.integer):
        root = np.random.SeedSequence(None if random_state is None else int(random_state))
    else:
        raise EngineError(f"random_state must be an int, a numpy Generator or None; got {random_state!r}")
    return root.spawn(int(n))


def run_chunks(
    func: Callable[..., Any],
    chunks: Sequence[tuple],
    *,
    n_jobs: int | None = None,
    scheduler: str | Any | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[Any]:
    """``[func(*args) for args in chunks]``, in order, run in parallel.

    Parameters
    ----------
    func : callable
        A module-level (picklable) function; it should release the GIL (numba
        ``nogil`` kernels, numpy) for local threads to help.
    chunks : sequence of tuples
        The arguments of each call.
    n_jobs : int, optional
        Local worker threads (None: 1, run in this thread; -1: all cores). Ignored when
        ``scheduler`` is given.
    scheduler : str or distributed.Client, optional
        The address of a running dask.distributed scheduler (``tcp://host:8786``) or a
        Client; the chunks are submitted to it.
    progress : callable, optional
        Called with the fraction of chunks done.

    Returns
    -------
    list
        One result per chunk, in the order of ``chunks``.
    """
    n = len(chunks)
    out: list[Any] = [None] * n
    if scheduler is not None:
        return _run_distributed(func, chunks, scheduler, progress)
    workers = check_n_jobs(n_jobs)
    if workers == 1 or n <= 1:
        for k, args in enumerate(chunks):
            out[k] = func(*args)
            if progress is not None:
                progress((k + 1) / n)
        return out
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(func, *args): k for k, args in enumerate(chunks)}
        for done, fut in enumerate(as_completed(futures), start=1):
            out[futures[fut]] = fut.result()
            if progress is not None:
                progress(done / n)
    return out


def _run_distributed(func, chunks, scheduler, progress) -> list[Any]:
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise EngineError(
            "--scheduler needs dask.distributed; install it with `pip install 'dask[distributed]'`"
        ) from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout="3s") if own else scheduler
    except OSError as exc:
        raise EngineError(
            f"cannot reach the dask scheduler at {scheduler!r} ({exc}); "
            "start one with `dask scheduler` and workers with `dask worker ADDRESS`"
        ) from None
    try:
        futures = [client.submit(func, *args, pure=False) for args in chunks]
        index = {f.key: k for k, f in enumerate(futures)}
        out: list[Any] = [None] * len(chunks)
        for done, fut in enumerate(as_completed(futures), start=1):
            out[index[fut.key]] = fut.result()
            if progress is not None:
                progress(done / len(chunks))
        return out
    finally:
        if own:
            client.close()
