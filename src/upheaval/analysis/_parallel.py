"""Run independent chunks of work in parallel: local threads by default, or a dask.distributed cluster."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from upheaval.cib import check_n_jobs
from upheaval.errors import EngineError

__all__ = ["check_n_jobs", "cluster_map", "dask_client", "run_chunks", "spawn_seeds"]


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


@contextmanager
def dask_client(scheduler: str | Any) -> Iterator[Any]:
    """A dask.distributed Client of ``scheduler`` (an address, or a Client, yielded as it is).

    A Client opened here is closed on leaving; open one for a whole job (``with
    dask_client(address) as client``) and pass ``client`` as the ``scheduler`` of each call
    so that they share one connection.
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the environment
        raise EngineError(
            "--scheduler needs dask.distributed; install it with `pip install 'dask[distributed]'`"
        ) from None
    if isinstance(scheduler, Client):
        yield scheduler
        return
    try:
        client = Client(scheduler, timeout="3s")
    except OSError as exc:
        raise EngineError(
            f"cannot reach the dask scheduler at {scheduler!r} ({exc}); "
            "start one with `dask scheduler` and workers with `dask worker ADDRESS`"
        ) from None
    try:
        yield client
    finally:
        client.close()


def _gather(client, futures, done: Callable[[int], None] | None) -> list[Any]:
    """The futures' results, in their order; ``done(k)`` as each finishes; the rest cancelled on an error
    or Ctrl-C."""
    from distributed import as_completed

    index = {f.key: k for k, f in enumerate(futures)}
    out: list[Any] = [None] * len(futures)
    try:
        for fut in as_completed(futures):
            out[index[fut.key]] = fut.result()
            if done is not None:
                done(index[fut.key])
    except BaseException:
        client.cancel(futures)
        raise
    return out


def _run_distributed(func, chunks, scheduler, progress) -> list[Any]:
    with dask_client(scheduler) as client:
        futures = [client.submit(func, *args, pure=False) for args in chunks]
        n = len(chunks)
        finished = [0]

        def done(_k: int) -> None:
            finished[0] += 1
            progress(finished[0] / n)

        return _gather(client, futures, None if progress is None else done)


def _call(func: Callable[[Any, Any], Any], item: Any) -> Any:
    return func(item, None)


def cluster_map(scheduler: str | Any) -> Callable[..., list[Any]]:
    """A drop-in for the engine's thread map (:func:`upheaval.cib._parallel.map_threads`) that runs
    ``func(item, None)`` for each item on a dask.distributed cluster.

    ``func`` (a closure over the engine's search plan) is sent to every worker once
    (``Client.scatter(broadcast=True)``), then each item is a task; ``done(k)`` is called
    here as each task finishes, in whatever order, so a progress bar counts the items done
    across the cluster. ``n_jobs`` is ignored (the cluster's workers decide). The cluster is
    reached only when there are items: a search that ends before splitting runs here alone.
    """

    def map_cluster(func, items, n_jobs=None, done=None) -> list[Any]:
        if not items:
            return []
        with dask_client(scheduler) as client:
            shared = client.scatter(func, broadcast=True, hash=False)
            try:
                futures = [client.submit(_call, shared, item, pure=False) for item in items]
                return _gather(client, futures, done)
            finally:
                client.cancel([shared])

    return map_cluster
