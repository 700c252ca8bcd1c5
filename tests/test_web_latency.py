"""The server never stalls: another client's latency, and the event loop's own, during each hostile request.

The server runs in its own process with a monitor task on its event loop: every 10 ms it
sleeps and records how late it woke (the loop's lag; a parse or a body held on the loop shows
as a lag of its whole length). Meanwhile this process sends the hostile request and, from
another thread, probes ``GET /api/model`` every 20 ms.

Policy, for a machine shared with other work: a hostile request passes when, in one of up to
three attempts, the p99 of the loop's lag and the p99 of the probes' latency are both under
200 ms, and its answer is the expected 2xx/4xx. A stall of the loop repeats in every attempt
(the same request holds it the same way), so retrying does not hide one; a load spike from
other processes on the machine does not repeat on cue. Each failing attempt's figures are
kept in the assertion message, with the machine's load average.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

DATA = Path(__file__).parent / "data"
BOUND = 0.200  # seconds: p99 of the loop's lag and of the probes' latency
ATTEMPTS = 3

SERVER = r"""
import asyncio, os, struct, sys, time
import uvicorn
from upheaval.web import create_app

root, port, lag_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = create_app(["tiny.yaml"], root=root)


async def monitor(server):
    with open(lag_file, "ab", buffering=0) as out:
        while not server.should_exit:
            start = time.monotonic()
            await asyncio.sleep(0.01)
            now = time.monotonic()
            out.write(struct.pack("<dd", now, now - start - 0.01))


async def main():
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    await asyncio.gather(server.serve(), monitor(server))


asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A workbench in a child process, with its event loop's lag recorded to a file."""

    def __init__(self, root: Path) -> None:
        shutil.copy(DATA / "tiny.yaml", root / "tiny.yaml")
        self.lag_file = root / "lag.bin"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(root), str(self.port), str(self.lag_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/api/model", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start: " + self.proc.stderr.read().decode()[-2000:])

    def lags(self, start: float, end: float) -> list[float]:
        import struct

        raw = self.lag_file.read_bytes()
        pairs = [struct.unpack_from("<dd", raw, i) for i in range(0, len(raw) - 15, 16)]
        return [lag for at, lag in pairs if start <= at <= end]

    def rss(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            return next(int(line.split()[1]) << 10 for line in fh if line.startswith("VmRSS:"))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    srv = Server(tmp_path_factory.mktemp("latency"))
    yield srv
    srv.stop()


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0


def _measure(server: Server, hostile: Callable[[], int]) -> tuple[int, dict[str, float]]:
    """Send the hostile request while probing; its status, and the figures of the window it took."""
    result: dict[str, int] = {}
    worker = threading.Thread(target=lambda: result.setdefault("status", hostile()))
    probes: list[float] = []
    with httpx.Client(base_url=server.base, timeout=30) as client:
        start = time.monotonic()
        worker.start()
        while worker.is_alive() or len(probes) < 10:
            t = time.perf_counter()
            client.get("/api/model").raise_for_status()
            probes.append(time.perf_counter() - t)
            time.sleep(0.02)
        worker.join()
        end = time.monotonic()
    lags = server.lags(start, end)
    figures = {
        "seconds": end - start,
        "probes": len(probes),
        "probe_p99": p99(probes),
        "probe_median": statistics.median(probes),
        "lag_samples": len(lags),
        "lag_p99": p99(lags),
        "lag_max": max(lags, default=0.0),
    }
    return result.get("status", 0), figures


def _holds(server: Server, hostile: Callable[[], int], expected: set[int]) -> dict[str, float]:
    tried = []
    for _ in range(ATTEMPTS):
        status, figures = _measure(server, hostile)
        assert status in expected, (status, figures)
        tried.append(figures)
        if figures["probe_p99"] < BOUND and figures["lag_p99"] < BOUND:
            return figures
    pytest.fail(f"stalled in every attempt (load {os.getloadavg()}): " + json.dumps(tried, indent=1))


# --- the hostile requests --------------------------------------------------------------------------------------


def _big_model(per: int) -> bytes:
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from bench_load import model

    return model(n=200, per=per).encode()


def _bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return ("id: bomb\n" + "\n".join(lines) + "\ntitle: *i\nas_of: 2024-11\n").encode()


def _chunks(total: int, size: int = 1 << 16):
    block = b"[" + b"0," * (size // 2 - 1) + b"0]"
    sent = 0
    yield b'{"source": "x", "target": "y", "rationale": '
    while sent < total:
        yield block
        sent += len(block)
    yield b"}"


def _post(server: Server, path: str, **kwargs) -> int:
    with httpx.Client(base_url=server.base, timeout=120) as client:
        try:
            return client.post(path, **kwargs).status_code
        except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
            return 413  # the server answered 413 and closed while the body was still being sent


BIG = _big_model(40)  # about 1.6 MB, under the 2 MB upload limit: its parse takes seconds
HOSTILE = {
    "page upload of a 1.6 MB model": (
        lambda s: _post(s, "/ui/upload", files={"file": ("big.yaml", BIG)}, follow_redirects=False),
        {303, 422},
    ),
    "API upload of a 1.6 MB model": (
        lambda s: _post(s, "/api/models/upload", files={"file": ("big.yaml", BIG)}),
        {200, 422},
    ),
    "alias bomb upload": (lambda s: _post(s, "/api/models/upload", files={"file": ("bomb.yaml", _bomb())}), {422}),
    "NUL in the file name": (
        lambda s: _post(s, "/api/models/upload", files={"file": ("a\x00b.yaml", (DATA / "tiny.yaml").read_bytes())}),
        {200},
    ),
    "50 MB chunked JSON body": (
        lambda s: _post(
            s, "/api/edit/section", content=_chunks(50 << 20), headers={"content-type": "application/json"}
        ),
        {413},
    ),
    "2 MB JSON body with its length": (
        lambda s: _post(
            s, "/api/succession", content=b"[" + b"0," * (1 << 20) + b"0]", headers={"content-type": "application/json"}
        ),
        {413},
    ),
    "250 kB JSON of 125,000 numbers": (
        lambda s: _post(
            s, "/api/edit/section", content=b"[" + b"0," * 124_000 + b"0]", headers={"content-type": "application/json"}
        ),
        {422},
    ),
    "landscape of a 200-descriptor model": (lambda s: _landscape(s), {200, 422}),
}


def _landscape(server: Server) -> int:
    assert _post(server, "/api/models/upload", files={"file": ("m.yaml", _big_model(8))}) in (200, 422)
    return httpx.get(server.base + "/api/figures/landscape", timeout=120).status_code


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_server_answers_others_during(name: str, server: Server) -> None:
    hostile, expected = HOSTILE[name]
    rss = server.rss()
    figures = _holds(server, lambda: hostile(server), expected)
    assert figures["lag_samples"] > 0 and figures["probes"] >= 10
    assert server.rss() - rss < 300 << 20, "the server's memory grew by more than 300 MB"
    assert httpx.get(server.base + "/api/model", timeout=10).status_code == 200
