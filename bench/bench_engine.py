"""Benchmark the exact CIB search: every ScenarioWizard oracle and random systems, next to PyCIB and an earlier commit.

Run: ``.venv/bin/python bench/bench_engine.py [--quick] [--limit SECONDS] [--before REV]``. Prints,
per case, the median time of ``find_consistent`` on one thread and on two (``n_jobs=2``) with
the search-tree nodes the kernels visited, the same search at commit ``--before`` (default
3f19e36; its source is taken with ``git archive``), and PyCIB's exact solver
(``find_all_consistent_exact``, run by ``bench/peer_pycib.py`` in the environment made by
``bench/setup_peers.sh``; skipped with a note when that is missing), each with the ratio of its
time to ours on one thread. Every measurement runs in its own process with compiled kernels
loaded first (compile time never counted) and is stopped at ``--limit`` seconds; the numbers of
consistent scenarios must agree. The load average is printed at the start and the end.
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
from pathlib import Path

import numpy as np

from upheaval.cib import CrossImpactMatrix, compile_system, find_consistent
from upheaval.formats import read_scw

ORACLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "scenariowizard"
HERE = Path(__file__).resolve().parent
PEER_PYTHON = HERE / ".peer-venv" / "bin" / "python"


def random_cim(
    sizes, lo, hi, zero_share, rng, influencers=None, *, standardized=False, nonzero=False
) -> CrossImpactMatrix:
    """A random matrix: off-diagonal cells uniform in lo..hi, a share of them set to 0.

    With ``influencers`` each descriptor is acted on by at most that many others (sparse).
    With ``standardized`` every row of every judgement section sums to zero, as in workshop
    matrices: a row's cells are drawn (``zero_share`` of them 0), then one cell at random is
    set to minus the sum of the others, and the row is drawn again until that cell is in lo..hi.
    With ``nonzero`` the cells are drawn from lo..hi without 0.
    """
    sizes = tuple(int(s) for s in sizes)
    n = len(sizes)
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    v = np.zeros((sum(sizes), sum(sizes)), dtype=np.int64)
    pool = np.array([x for x in range(lo, hi + 1) if x != 0 or not nonzero], dtype=np.int64)
    for j in range(n):
        if influencers is None:
            sources = [i for i in range(n) if i != j]
        else:
            k = int(rng.integers(1, influencers + 1))
            sources = rng.choice([i for i in range(n) if i != j], size=k, replace=False)
        for i in sources:
            if standardized:
                block = np.empty((sizes[i], sizes[j]), dtype=np.int64)
                for u in range(sizes[i]):
                    while True:
                        row = rng.choice(pool, size=sizes[j])
                        row[rng.random(sizes[j]) < zero_share] = 0
                        p = int(rng.integers(sizes[j]))
                        row[p] = 0
                        row[p] = -row.sum()
                        if lo <= row[p] <= hi:
                            break
                    block[u] = row
            else:
                if nonzero:
                    block = rng.choice(pool, size=(sizes[i], sizes[j]))
                else:
                    block = rng.integers(lo, hi + 1, size=(sizes[i], sizes[j]))
                block[rng.random(block.shape) < zero_share] = 0
            v[off[i] : off[i] + sizes[i], off[j] : off[j] + sizes[j]] = block
    return CrossImpactMatrix(v, sizes)


def cases(quick: bool):
    """(name, matrix, target seconds) for every benchmark case."""
    out = []
    for f in sorted(ORACLES.glob("*.scw")):
        out.append((f"oracle {f.stem}", compile_system(read_scw(f)), 0.13))

    def rng(k: int) -> np.random.Generator:
        return np.random.default_rng([2026, k])  # one stream per case: the same matrix with or without --quick

    out.append(("random 12x3, -3..3, half 0", random_cim([3] * 12, -3, 3, 0.5, rng(1)), 0.005))
    out.append(("dense 15 (5x4 + 10x3), -2..2", random_cim([4] * 5 + [3] * 10, -2, 2, 0.0, rng(2)), 0.3))
    dense_nz = random_cim([4] * 5 + [3] * 10, -2, 2, 0.0, rng(6), nonzero=True)
    out.append(("dense 15, -2..2 without 0", dense_nz, 0.3))
    if not quick:
        out.append(("random 20x4, -3..3, half 0", random_cim([4] * 20, -3, 3, 0.5, rng(3)), 5.0))
        # the same matrix restricted to a quarter (d0=v0): a search of about a second, for the threads
        out.append(("random 20x4 where d0=v0", random_cim([4] * 20, -3, 3, 0.5, rng(3)), 5.0, {0: [0]}))
    r = rng(7)
    std80 = random_cim(r.integers(2, 4, 80), -3, 3, 0.0, r, 8, standardized=True)
    out.append(("sparse 80 standardized (<=8 in)", std80, 1.0))
    if not quick:
        r = rng(8)
        std120 = random_cim(r.integers(2, 4, 120), -3, 3, 0.0, r, 8, standardized=True)
        out.append(("sparse 120 standardized (<=8 in)", std120, 30.0))
    r = rng(4)
    out.append(("sparse 80 raw, half 0 (<=8 in)", random_cim(r.integers(2, 4, 80), -3, 3, 0.5, r, 8), 1.0))
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(case: int, n_jobs: int, quick: bool) -> None:
    """Child process: time one case, print ``seconds found nodes`` (median of several runs when short)."""
    _, cim, _, *where = cases(quick)[case]
    kwargs = {"n_jobs": n_jobs} if n_jobs > 1 else {}
    if where:  # a restriction: ``where=`` (``fixed=`` in versions before the intervention/restriction split)
        import inspect

        name = "where" if "where" in inspect.signature(find_consistent).parameters else "fixed"
        kwargs[name] = where[0]

    def fn():
        return find_consistent(cim, **kwargs)

    tiny = CrossImpactMatrix(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    for kernel in ("tables", "forward", "propagate", "gac"):  # load the compiled kernels before any clock starts
        find_consistent(tiny, _kernel=kernel)  # (a commit without the tables kernel runs forward checking here)
    first = time.perf_counter()
    res = fn()
    once = time.perf_counter() - first
    if once < 10:
        once, res = timed(fn, 7 if once < 0.5 else 3)
    print(once, len(res), getattr(res, "n_nodes", -1))


def run_limited(cmd: list[str], limit: float, env: dict | None = None) -> list[str] | None:
    """Run a measuring child process; its last output line split, or None when stopped at ``limit``."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=True, env=env).stdout
    except subprocess.TimeoutExpired:
        return None
    return out.strip().splitlines()[-1].split()


def ours(case: int, quick: bool, limit: float, n_jobs: int = 1, src: Path | None = None):
    """(seconds, found, nodes) of find_consistent on this case, or None past the limit."""
    cmd = [sys.executable, __file__, "--measure", str(case), "--n-jobs", str(n_jobs)] + (["--quick"] if quick else [])
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": str(src)}
    out = run_limited(cmd, limit, env)
    return None if out is None else (float(out[0]), int(out[1]), int(out[2]))


def pycib(cim: CrossImpactMatrix, limit: float) -> dict | None:
    """PyCIB's exact solver on this matrix (its own process and environment); None past the limit."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.npz"
        np.savez(path, values=cim.values, sizes=np.array(cim.sizes))
        cmd = [str(PEER_PYTHON), str(HERE / "peer_pycib.py"), str(path), "--limit", str(limit)]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 30, check=True).stdout
        except subprocess.TimeoutExpired:
            return None
    res = json.loads(out.strip().splitlines()[-1])
    if res.get("comparable") and not res["complete"]:
        return None
    return res


def export_source(rev: str) -> Path:
    """The package source at commit ``rev``, unpacked in a temporary folder (its ``src``; removed at exit)."""
    import atexit
    import shutil

    root = Path(tempfile.mkdtemp(prefix="upheaval-before-"))
    atexit.register(shutil.rmtree, root, True)
    repo = HERE.parent
    archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root / "src"


def fmt(t: float | None, limit: float) -> str:
    return f">{limit:.0f}" if t is None else f"{t:.4f}" if t < 10 else f"{t:.1f}"


def ratio(other: float | None, mine: float | None, limit: float) -> str:
    if mine is None:
        return "?"
    if other is None:
        return f">{limit / mine:.3g}x"
    return f"{other / mine:.3g}x"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the slowest cases (random 20x4, sparse 120)")
    ap.add_argument("--limit", type=float, default=120.0, help="stop a measurement after this many seconds")
    ap.add_argument("--before", default="3f19e36", help="the earlier commit measured in the same run")
    ap.add_argument("--no-peer", action="store_true", help="do not run PyCIB")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this")
    ap.add_argument("--measure", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--n-jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure is not None:
        measure(args.measure, args.n_jobs, args.quick)
        return 0

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    t0 = time.perf_counter()
    tiny = CrossImpactMatrix(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    for kernel in ("tables", "forward", "propagate", "gac", "plain"):
        find_consistent(tiny, _kernel=kernel)
    print(f"numba compile / cache load: {time.perf_counter() - t0:.2f} s (excluded below; each child loads first)")
    before = export_source(args.before)
    t0 = time.perf_counter()
    ours(0, args.quick, 3600.0, src=before)  # compile the earlier commit's kernels once, outside any limit
    print(f"{args.before}: compile / cache load {time.perf_counter() - t0:.1f} s (excluded below)")
    peer = not args.no_peer and PEER_PYTHON.exists()
    if not peer:
        print("PyCIB: not run (make its environment with: bash bench/setup_peers.sh)")
    print(
        f"median seconds (3-7 runs when under 10 s); '>' = stopped at {args.limit:g} s; "
        f"target met (ok) on one thread or both cores; "
        f"ratio = their time / ours on 1 thread"
    )
    header = (
        f"{'case':36} {'scenarios':>9} {'found':>6} {'nodes':>9} {'1 thread':>9} {'target':>6}    "
        f"{'2 threads':>9} {'x':>5} {args.before[:9]:>9} {'ratio':>7} {'PyCIB':>8} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for k, (name, cim, target, *where) in enumerate(cases(args.quick)):
        if args.only not in name:
            continue
        one = ours(k, args.quick, args.limit)
        two = ours(k, args.quick, args.limit, n_jobs=2) if one is None or one[0] >= 0.5 else None
        old = ours(k, args.quick, args.limit, src=before)
        t1 = None if one is None else one[0]
        found = None if one is None else one[1]
        for other in (two, old):
            assert other is None or found is None or other[1] == found, name
        speed = "" if two is None or one is None else f"{t1 / two[0]:.2f}"
        p = pycib(cim, args.limit) if peer and not where else None
        if p is not None and p.get("comparable"):
            assert found is None or p["found"] == found, (name, p)
            p_time, p_text = p["seconds"], fmt(p["seconds"], args.limit)
        elif p is not None:
            p_time, p_text = None, "n/a"
        else:
            p_time, p_text = None, fmt(None, args.limit) if peer and not where else "-"
        times = [t for t in (t1, None if two is None else two[0]) if t is not None]
        ok = "ok" if times and min(times) <= target else "MISS"  # on this machine: one thread or both cores
        print(
            f"{name[:36]:36} {cim.n_scenarios:>9.3g} {found if found is not None else '?':>6} "
            f"{one[2] if one is not None else '?':>9} {fmt(t1, args.limit):>9} {target:>6g} {ok:4} "
            f"{fmt(two[0], args.limit) if two is not None else '':>8} {speed:>5} "
            f"{fmt(None if old is None else old[0], args.limit):>9} {ratio(None if old is None else old[0], t1, args.limit):>7} "
            f"{p_text:>8} {ratio(p_time, t1, args.limit) if p_text not in ('n/a', '-') else '':>8}",
            flush=True,
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
