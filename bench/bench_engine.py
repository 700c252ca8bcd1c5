"""Benchmark the exact CIB search: every ScenarioWizard oracle and random systems, each next to a baseline.

Run: ``.venv/bin/python bench/bench_engine.py [--quick] [--limit SECONDS]``. Prints, per case, the
median time of ``find_consistent`` over several runs (numba compile time excluded, reported once),
a baseline measured in the same run (the numpy brute force where it fits in memory, otherwise a
plain branch-and-bound with only the margin bound, fixed order and no forward checking), and the
ratio. Each measurement runs in its own process and is stopped at ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from upheaval.cib import CrossImpactMatrix, brute_force_consistent, compile_system, find_consistent
from upheaval.formats import read_scw

ORACLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "scenariowizard"
BRUTE_LIMIT = 3e8  # scenarios x descriptors x variants (int64 cells) up to which the numpy brute force is run


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


def measure(case: int, kernel: str | None, quick: bool) -> None:
    """Child process: time one case with one kernel, print ``seconds found`` (median of several runs)."""
    _, cim, _ = cases(quick)[case]
    if kernel == "brute":
        fn = lambda: len(brute_force_consistent(cim)[0])  # noqa: E731
    else:
        fn = lambda: len(find_consistent(cim, _kernel=kernel))  # noqa: E731
    tiny = CrossImpactMatrix(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    find_consistent(tiny, _kernel=None if kernel == "brute" else kernel)  # load the compiled kernels first
    first = time.perf_counter()
    found = fn()
    once = time.perf_counter() - first
    if once < 10:
        once, found = timed(fn, 7 if once < 0.5 else 3)
    print(once, found)


def run_limited(case: int, kernel: str | None, quick: bool, limit: float) -> tuple[float, int | None]:
    """Run :func:`measure` in a fresh process (numba cache warm); give up after ``limit`` seconds."""
    cmd = [sys.executable, __file__, "--measure", str(case), "--kernel", kernel or "auto"]
    if quick:
        cmd.append("--quick")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, check=True).stdout.split()
    except subprocess.TimeoutExpired:
        return limit, None
    return float(out[-2]), int(out[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the slowest cases (random 20x4, sparse 120)")
    ap.add_argument("--limit", type=float, default=120.0, help="stop a measurement after this many seconds")
    ap.add_argument("--measure", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--kernel", default="auto", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure is not None:
        measure(args.measure, None if args.kernel == "auto" else args.kernel, args.quick)
        return 0

    t0 = time.perf_counter()
    tiny = CrossImpactMatrix(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    for kernel in (None, "forward", "propagate", "gac", "plain"):
        find_consistent(tiny, _kernel=kernel)
    print(f"numba compile / cache load: {time.perf_counter() - t0:.2f} s (excluded below)")
    print(f"times in seconds (median of 3-7 runs when under 10 s); '>' = stopped at the {args.limit:g} s limit")
    header = f"{'case':38} {'scenarios':>10} {'found':>6} {'median':>9} {'target':>6}      {'baseline':>18} {'time':>9} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for k, (name, cim, target) in enumerate(cases(args.quick)):
        med, found = run_limited(k, None, args.quick, args.limit)
        if cim.n_scenarios * cim.n_descriptors * cim.values.shape[0] <= BRUTE_LIMIT:
            base_name, base_kernel = "numpy brute force", "brute"
        else:
            base_name, base_kernel = "plain B&B", "plain"
        b_med, b_found = run_limited(k, base_kernel, args.quick, args.limit)
        assert found is None or b_found is None or b_found == found, name
        ok = "ok" if found is not None and med <= target else "MISS"
        ratio = f"{b_med / med:>6.2g}x" if found is not None else "      ?"
        if found is not None and b_found is None:
            ratio = ">" + ratio.strip()
        print(
            f"{name:38} {cim.n_scenarios:>10.3g} {found if found is not None else '?':>6} "
            f"{'' if found is not None else '>'}{med:>8.4f} {target:>6g} {ok:4} "
            f"{base_name:>18} {'' if b_found is not None else '>'}{b_med:>8.3f} {ratio:>7}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
