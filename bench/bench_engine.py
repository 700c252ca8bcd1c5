"""Benchmark the exact CIB search: every ScenarioWizard oracle and random systems, each next to a baseline.

Run: ``.venv/bin/python bench/bench_engine.py [--quick]``. Prints, per case, the median time of
``find_consistent`` over several runs (numba compile time excluded, reported once), a baseline
measured in the same run (the numpy brute force where it fits in memory, otherwise a plain
branch-and-bound with only the margin bound, fixed order and no forward checking), and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from upheaval.cib import CrossImpactMatrix, brute_force_consistent, compile_system, estimate_search, find_consistent
from upheaval.formats import read_scw

ORACLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "scenariowizard"
BRUTE_LIMIT = 3e8  # scenarios x descriptors x variants (int64 cells) up to which the numpy brute force is run


def random_cim(sizes, lo, hi, zero_share, rng, influencers=None) -> CrossImpactMatrix:
    """A random matrix: off-diagonal cells uniform in lo..hi, a share of them set to 0.

    With ``influencers`` each descriptor is acted on by at most that many others (sparse).
    """
    sizes = tuple(int(s) for s in sizes)
    n = len(sizes)
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    v = np.zeros((sum(sizes), sum(sizes)), dtype=np.int64)
    for j in range(n):
        if influencers is None:
            sources = [i for i in range(n) if i != j]
        else:
            k = int(rng.integers(1, influencers + 1))
            sources = rng.choice([i for i in range(n) if i != j], size=k, replace=False)
        for i in sources:
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
    if not quick:
        out.append(("random 20x4, -3..3, half 0", random_cim([4] * 20, -3, 3, 0.5, rng(3)), 5.0))
    r = rng(4)
    out.append(("sparse 80 (2-3 var, <=8 in)", random_cim(r.integers(2, 4, 80), -3, 3, 0.5, r, 8), 1.0))
    if not quick:
        r = rng(5)
        out.append(("sparse 120 (2-3 var, <=8 in)", random_cim(r.integers(2, 4, 120), -3, 3, 0.5, r, 8), 30.0))
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def run_or_estimate(cim, limit: float, kernel: str | None, repeat_hint: bool) -> tuple[float, int | None, bool]:
    """(median seconds, scenarios found, measured) or, above ``limit``, (estimated seconds, None, False)."""
    est = estimate_search(cim, sample_seconds=min(2.0, limit / 10), _kernel=kernel)
    if est.estimated_seconds > limit:
        return est.estimated_seconds, None, False
    first = time.perf_counter()
    res = find_consistent(cim, _kernel=kernel)
    once = time.perf_counter() - first
    if not repeat_hint or once > 10:
        return once, len(res), True
    med, res = timed(lambda: find_consistent(cim, _kernel=kernel), 7 if once < 0.5 else 3)
    return med, len(res), True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the slowest cases (random 20x4, sparse 120)")
    ap.add_argument("--limit", type=float, default=120.0, help="estimate instead of running a search above this (s)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    for kernel in (None, "forward", "propagate", "plain"):
        find_consistent(
            CrossImpactMatrix(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), (2, 2)),
            _kernel=kernel,
        )
    print(f"numba compile / cache load: {time.perf_counter() - t0:.2f} s (excluded below)")
    print("times in seconds; '~' marks an estimate from timed subtrees (search not run to the end)")
    header = f"{'case':38} {'scenarios':>14} {'found':>6} {'median':>9} {'target':>6}     {'baseline':>20} {'time':>9} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, cim, target in cases(args.quick):
        n_scen = cim.n_scenarios
        med, found, measured = run_or_estimate(cim, args.limit, None, True)
        if n_scen * cim.n_descriptors * cim.values.shape[0] <= BRUTE_LIMIT:
            base_name = "numpy brute force"
            b_med, b_res = timed(lambda cim=cim: brute_force_consistent(cim), 1 if n_scen > 1e5 else 3)
            b_measured = True
            assert found is None or len(b_res[0]) == found, name
        else:
            base_name = "plain B&B"
            b_med, b_found, b_measured = run_or_estimate(cim, args.limit, "plain", False)
            assert found is None or b_found is None or b_found == found, name
        ok = "ok" if measured and med <= target else "MISS"
        print(
            f"{name:38} {n_scen:>14.4g} {found if found is not None else '?':>6} "
            f"{'' if measured else '~'}{med:>8.4f} {target:>6g} {ok:4} "
            f"{base_name:>20} {'' if b_measured else '~'}{b_med:>8.3f} {b_med / med:>6.2g}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
