"""Benchmark exact succession basins of the dense 60.5M-scenario matrix, next to an earlier commit in the same run.

Run: ``.venv/bin/python bench/bench_basins.py [--before REV] [--limit SECONDS]``. The matrix is
bench_engine's "dense 15 (5x4 + 10x3), -2..2" (60,466,176 scenarios). For global and for local
succession it prints the median wall time of ``succession_basins(..., max_exact=10**8)`` on one
and two threads, the peak memory the call allocated (tracemalloc: numpy arrays included) per
scenario, and the same call at commit ``--before`` (default 3f19e36, its source taken with
``git archive``), in its own process: one untimed call, then the median of three, stopped at ``--limit``.
Compiled kernels are loaded on a small system before any clock starts. The attractors and their counts must agree.

PyCIB (when ``bench/setup_peers.sh`` has installed it) has no exact basin sweep; its fast
succession (``run_to_attractor_indices``) is timed from ``--peer-starts`` seeded random starts,
stopped at ``--peer-limit``, and its rate is printed with the time the 60.5M starts would take
at that rate (an extrapolation, marked as one). Where each sampled start ends must agree with
``upheaval.cib.succession`` from the same start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from upheaval import analysis
from upheaval.cib import succession

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import PEER_PYTHON, export_source, random_cim


def dense():
    return random_cim([4] * 5 + [3] * 10, -2, 2, 0.0, np.random.default_rng([2026, 2]))


def summary(b) -> str:
    """The attractors and counts, comparable across versions."""
    rows = sorted((int(k), tuple(e.tolist()), int(c)) for k, e, c in zip(b.kind, b.ends, b.counts, strict=True))
    return repr(rows)


def child(mode: str, n_jobs: int) -> None:
    """One timed call in this process: print ``seconds`` and the summary."""
    small = random_cim([3] * 6, -2, 2, 0.0, np.random.default_rng(1))
    analysis.succession_basins(small, mode)  # load the compiled kernels first
    cim = dense()
    # one untimed call first: an older version may compile a kernel on its first large call that the small
    # system did not need, and compile time is not work; then the median of three
    analysis.succession_basins(cim, mode, max_exact=10**8, n_jobs=n_jobs)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        b = analysis.succession_basins(cim, mode, max_exact=10**8, n_jobs=n_jobs)
        times.append(time.perf_counter() - t0)
    print(sorted(times)[1])
    print(summary(b))


def run_child(mode: str, n_jobs: int, limit: float, src: Path | None = None):
    cmd = [sys.executable, __file__, "--child", mode, "--n-jobs", str(n_jobs)]
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=True, env=env).stdout
    except subprocess.TimeoutExpired:
        return None, None
    lines = out.strip().splitlines()
    return float(lines[-2]), lines[-1]


def pycib_succession(cim, mode: str, n_starts: int, limit: float) -> tuple[str, float]:
    """PyCIB's succession from seeded random starts: its rate, the extrapolated sweep, and agreement with ours."""
    starts = np.column_stack(
        [np.random.default_rng([2026, 9, k]).integers(0, s, n_starts) for k, s in enumerate(cim.sizes)]
    )
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "m.npz", values=cim.values, sizes=np.array(cim.sizes))
        np.save(Path(tmp) / "starts.npy", starts)
        cmd = [str(PEER_PYTHON), str(Path(__file__).with_name("peer_pycib_succession.py")), str(Path(tmp) / "m.npz")]
        cmd += [str(Path(tmp) / "starts.npy"), "--rule", mode, "--limit", str(limit)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 120, check=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    for z, theirs in zip(starts, res["ends"], strict=False):
        ours = succession(cim, z, mode)
        mine = None if ours.end_kind == "cycle" else ours.scenario.tolist()
        assert mine == theirs, f"{mode}: PyCIB ends at {theirs} from {z.tolist()}, upheaval at {mine}"
    rate = res["starts"] / res["seconds"]
    return f"PyCIB succession {res['starts']:,} starts in {res['seconds']:.1f} s ({rate:,.0f}/s, ends agree)", rate


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="3f19e36", help="the earlier commit measured in the same run")
    ap.add_argument("--limit", type=float, default=600.0, help="stop the earlier commit's run after this many seconds")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-starts", type=int, default=5000, help="random starts PyCIB's succession is timed on")
    ap.add_argument("--peer-limit", type=float, default=60.0, help="stop PyCIB's succession after this many seconds")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--n-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        child(args.child, args.n_jobs)
        return 0
    cim = dense()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    print(f"dense 15 (5x4 + 10x3), -2..2: {cim.n_scenarios:,} scenarios; max_exact=10**8")
    small = random_cim([3] * 6, -2, 2, 0.0, np.random.default_rng(1))
    for mode in ("global", "local"):
        analysis.succession_basins(small, mode)
    before = export_source(args.before)
    for mode in ("global", "local"):
        line = [f"{mode:6}"]
        ref = None
        medians = {}
        for n_jobs in (1, 2):
            times = []
            for _ in range(args.repeat):
                tracemalloc.start()
                t0 = time.perf_counter()
                b = analysis.succession_basins(cim, mode, max_exact=10**8, n_jobs=n_jobs)
                times.append(time.perf_counter() - t0)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                ref = ref or summary(b)
                assert summary(b) == ref
            medians[n_jobs] = statistics.median(times)
            line.append(f"{n_jobs} thread{'s' if n_jobs > 1 else ''} {medians[n_jobs]:.2f} s")
        line.append(f"peak memory {peak / cim.n_scenarios:.2f} B/scenario")
        line.append(f"{len(b)} attractors")
        old, old_summary = run_child(mode, 2, args.limit, before)
        if old is None:
            line.append(f"{args.before} (2 threads) >{args.limit:.0f} s")
        else:
            assert old_summary == ref, f"{mode}: the attractors or counts differ from {args.before}"
            line.append(f"{args.before} (2 threads) {old:.2f} s: x{old / medians[2]:.2f}")
        print("; ".join(line), flush=True)
        if PEER_PYTHON.exists():
            text, rate = pycib_succession(cim, mode, args.peer_starts, args.peer_limit)
            sweep = cim.n_scenarios / rate
            print(
                f"       {text}; all {cim.n_scenarios:,} starts at that rate ~{sweep:,.0f} s "
                f"(extrapolated): x{sweep / medians[1]:,.0f} our 1-thread time",
                flush=True,
            )
        else:
            print("       PyCIB: not run (make its environment with: bash bench/setup_peers.sh)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
