"""Bounds on the server's work: request bodies, and slow work done in a child process with a time and a memory limit.

Two walls keep one hostile request from stalling or swelling the server:

* :class:`BodyLimit`, an ASGI middleware on every route, counts the bytes of each request
  body as they arrive, with or without ``Content-Length`` (chunked bodies too), and answers
  413 at the first byte past the route's limit: uploads (paths ending in ``/upload``) get the
  upload limit, every other route :data:`MAX_BODY`.
* :func:`bounded` runs a function in a worker process (a small pool, started on first use)
  whose address space is capped (``resource.setrlimit(RLIMIT_AS)``) and which is killed and
  replaced when a call runs past its time. The server's event loop only waits for the answer;
  the parse, search or drawing runs on another core and cannot take the server's memory.

A route that parses, searches or draws something a user sent uses it as::

    from upheaval.web._bounded import bounded

    @router.get("/api/thing")
    async def thing(request: Request) -> dict:
        return await bounded(compute_thing, system, option)  # a module-level function and picklable arguments

Its exceptions come back as they were raised (a ``ModelError`` with its problems); running out
of time or memory is a :class:`~upheaval.errors.ModelError` (``too-slow``, ``too-large``) for
the reading of model files (:func:`parse_model_text`, :func:`load_model_file`) and an
:class:`~upheaval.errors.EngineError` naming the limit otherwise (both answered 422).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from upheaval.errors import EngineError, ModelError, Problem

__all__ = [
    "MAX_BODY",
    "MEMORY_LIMIT",
    "TIME_LIMIT",
    "BodyLimit",
    "WorkerPool",
    "bounded",
    "load_model_file",
    "parse_model_text",
    "run_bounded",
    "upload_name",
]

MAX_BODY = 256_000  # bytes of any request body but an upload (the largest edit is a few kB)
TIME_LIMIT = 20.0  # seconds of one call in a worker
MEMORY_LIMIT = 1 << 30  # bytes of address space of a worker, beyond what it holds once started
POOL_SIZE = 2

# ---- request bodies ------------------------------------------------------------------------------------------


class BodyLimit:
    """ASGI middleware: refuse a request body past its route's limit (413), counted as it arrives.

    ``Content-Length`` past the limit is refused before any byte is read; a body sent without
    it (``Transfer-Encoding: chunked``) is counted chunk by chunk, and the route sees the
    client as gone once the limit is passed (its own answer is then dropped for the 413).
    """

    def __init__(self, app: Any, *, max_upload: int, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_upload = max_upload
        self.max_body = max_body

    def limit(self, path: str) -> int:
        """The body limit of a route: uploads get room for the file and its multipart framing."""
        return self.max_upload + 64_000 if path.endswith("/upload") else self.max_body

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope.get("path", ""))
        api = scope.get("path", "").startswith("/api/")
        length = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit, api, bad=not length.isdigit())
            return
        state = {"received": 0, "refused": False}

        async def counted() -> dict[str, Any]:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["refused"] = True
                    await _too_large(send, limit, api)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: dict[str, Any]) -> None:
            if not state["refused"]:
                await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not state["refused"]:  # the route's own failure, not the cut-off body
                raise


async def _too_large(send: Callable, limit: int, api: bool, *, bad: bool = False) -> None:
    if bad:
        status, message = 400, "Content-Length must be a number of bytes"
    else:
        what = "upload" if limit > MAX_BODY else "request body"
        status, message = 413, f"{what} too large: the limit is {limit:,} bytes"
    body = json.dumps({"detail": message}).encode() if api else message.encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def upload_name(filename: str | None) -> str:
    """An upload's file name as shown in messages: its last part, printable, at most 120 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:120].strip()
    return name or "upload.yaml"


# ---- work in a bounded child process ---------------------------------------------------------------------------

_WORKER = r"""
import os, pickle, resource, struct, sys
limit = int(sys.argv[1])
inp, out = sys.stdin.buffer, sys.stdout.buffer
sys.stdout = sys.stderr  # a print in the work must not corrupt the answers
import upheaval.model  # noqa: F401  (loaded before the limit: the limit is on the work)
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
used = 0
with open("/proc/self/statm") as fh:
    used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
cap = used + limit
resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
out.write(b"ready\n"); out.flush()
while True:
    head = inp.read(8)
    if len(head) < 8:
        break
    (n,) = struct.unpack("<Q", head)
    try:
        fn, args = pickle.loads(inp.read(n))
        answer = ("ok", fn(*args))
    except MemoryError:
        answer = ("memory", None)
    except BaseException as exc:
        answer = ("error", exc)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as exc:
        data = pickle.dumps(("unpicklable", f"{type(answer[1]).__name__}: {exc}"))
    out.write(struct.pack("<Q", len(data)) + data)
    out.flush()
"""


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


class _Worker:
    """One child process that runs calls one at a time."""

    def __init__(self, memory: int) -> None:
        env = os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # Ctrl-C in the server's terminal stops the server, which stops its workers
        )
        self.ready = False

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Timeout
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise _Died
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def call(self, fn: Callable, args: tuple, seconds: float) -> tuple[str, Any]:
        deadline = time.monotonic() + seconds
        if not self.ready:
            start_deadline = time.monotonic() + max(seconds, 60.0)  # start-up (imports) is not the call's time
            line = b""
            while not line.endswith(b"\n"):
                line += self._read(1, start_deadline)
            if line != b"ready\n":
                raise _Died
            self.ready = True
            deadline = time.monotonic() + seconds
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(struct.pack("<Q", len(data)) + data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Died from None
        (n,) = struct.unpack("<Q", self._read(8, deadline))
        return pickle.loads(self._read(n, deadline))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class WorkerPool:
    """A few worker processes, each capped at ``memory`` bytes beyond its start, started on first use."""

    def __init__(self, size: int = POOL_SIZE, memory: int = MEMORY_LIMIT) -> None:
        self.memory = memory
        self._free: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False

    def run(self, fn: Callable, args: tuple = (), *, seconds: float = TIME_LIMIT) -> Any:
        """``fn(*args)`` in a worker: its value, or its exception raised here.

        Raises ``TimeoutError`` past ``seconds`` (the worker is killed and replaced) and
        ``MemoryError`` when the worker ran out of memory or died.
        """
        with self._slots:
            with self._lock:
                worker = self._free.pop() if self._free else None
            if worker is None or not worker.alive():
                worker = _Worker(self.memory)
            try:
                status, value = worker.call(fn, args, seconds)
            except _Timeout:
                worker.stop()
                raise TimeoutError(seconds) from None
            except (_Died, EOFError, pickle.UnpicklingError, struct.error):
                worker.stop()
                raise MemoryError from None
            with self._lock:
                if self._closed:
                    worker.stop()
                else:
                    self._free.append(worker)
        if status == "ok":
            return value
        if status == "error":
            raise value
        if status == "memory":
            raise MemoryError
        raise RuntimeError(f"a worker's answer could not be sent back: {value}")

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their call ends)."""
        with self._lock:
            self._closed = True
            workers, self._free = self._free, []
        for worker in workers:
            worker.stop()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    """The process-wide worker pool."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool()
            import atexit

            atexit.register(_POOL.close)
        return _POOL


def run_bounded(fn: Callable, *args: Any, seconds: float = TIME_LIMIT, what: str = "this request") -> Any:
    """``fn(*args)`` in a worker process with a time and a memory limit (for a sync route: it blocks its thread).

    ``fn`` must be a module-level function and ``args`` picklable. Past the limits an
    :class:`~upheaval.errors.EngineError` names them (the app answers 422).
    """
    try:
        return pool().run(fn, args, seconds=seconds)
    except TimeoutError:
        raise EngineError(f"{what} took longer than {seconds:g} s, the limit here") from None
    except MemoryError:
        raise EngineError(f"{what} needed more than {pool().memory >> 20:,} MB, the limit here") from None


async def bounded(fn: Callable, *args: Any, seconds: float = TIME_LIMIT, what: str = "this request") -> Any:
    """:func:`run_bounded` awaited from an async route, without blocking the event loop."""
    from fastapi.concurrency import run_in_threadpool

    return await run_in_threadpool(lambda: run_bounded(fn, *args, seconds=seconds, what=what))


# ---- reading model files in a worker -------------------------------------------------------------------------


def _parse_text(text: str, name: str) -> Any:
    from upheaval.model import parse_yaml, portable_system

    return portable_system(parse_yaml(text, name), text)


def _load_file(path: str) -> Any:
    from upheaval._load import load
    from upheaval.model import decode_text, portable_system

    system = load(Path(path))
    text = decode_text(Path(path).read_bytes(), path) if Path(path).suffix.lower() in (".yaml", ".yml") else None
    return portable_system(system, text)


def _refusal(name: str, code: str, message: str) -> ModelError:
    return ModelError(name, [Problem(code, message, line=1, column=1, help="check that this is a model file")])


async def _read_model(fn: Callable, args: tuple, name: str, seconds: float) -> Any:
    from fastapi.concurrency import run_in_threadpool

    try:
        return await run_in_threadpool(pool().run, fn, args, seconds=seconds)
    except TimeoutError:
        raise _refusal(name, "too-slow", f"reading this model took longer than {seconds:g} s, the limit here") from None
    except MemoryError:
        raise _refusal(
            name, "too-large", f"reading this model needed more than {pool().memory >> 20:,} MB, the limit here"
        ) from None


async def parse_model_text(text: str, name: str, *, seconds: float = TIME_LIMIT) -> Any:
    """An uploaded model's text as a System, parsed in a worker (ModelError with its problems, or past a limit)."""
    return await _read_model(_parse_text, (text, name), name, seconds)


async def load_model_file(path: Path, name: str, *, seconds: float = TIME_LIMIT) -> Any:
    """A model file (YAML or .scw) as a System, read in a worker (ModelError as for :func:`parse_model_text`)."""
    return await _read_model(_load_file, (str(path),), name, seconds)
