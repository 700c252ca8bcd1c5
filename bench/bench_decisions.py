"""Benchmark the decision analyses on the dense 60.5M-scenario matrix, next to a plain loop measured in the same run.

Run: ``.venv/bin/python bench/bench_decisions.py [--repeat 3]``. The matrix is bench_engine's
"dense 15 (5x4 + 10x3), -2..2" (60,466,176 scenarios), as in bench_basins. It has no present, so
the levers start from a seeded random scenario (as a present usually is: not consistent).

Printed, each the median of ``--repeat`` runs with the compiled kernels loaded first:

- ``levers`` at radius 1 and 2 (every single and paired lever, each followed by succession,
  with every end's robustness), and ``levers --to`` up to radius 3: a consistent scenario, and
  a condition on five descriptors that no set of up to three levers reaches (all 35, 570 and
  5,730 sets of each size are tried, fewer than ``max_sets``; beyond it a seeded sample is
  drawn and the bound on the share that reach it is stated);
  beside each, the plain loop: ``upheaval.cib.succession(cim, start, fix=...)`` called afresh
  for every lever and every perturbation (the same answers, no reduced matrix kept);
- the lever map's basins (``Levers.basin_shares``: exact up to 100 million scenarios) beside the
  exact sweep called directly;
- ``pick`` (k = 4) among 1,000 seeded random scenarios of the matrix: exact or not, and the time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from upheaval import analysis, cib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import random_cim


def dense():
    return random_cim([4] * 5 + [3] * 10, -2, 2, 0.0, np.random.default_rng([2026, 2]))


def plain_levers(cim, start, radius: int):
    """Every lever set up to ``radius`` with ``cib.succession(..., fix=)`` called afresh each time (the baseline)."""
    import itertools

    out = []
    for r in range(1, radius + 1):
        for ds in itertools.combinations(range(cim.n_descriptors), r):
            for vs in itertools.product(*[[v for v in range(cim.sizes[i]) if v != start[i]] for i in ds]):
                fix = dict(zip(ds, vs, strict=True))
                z = start.copy()
                z[list(ds)] = vs
                res = cib.succession(cim, z, fix=fix)
                if res.end_kind != "consistent":
                    out.append(None)
                    continue
                end = res.scenario
                absorbed = 0
                for i, s in enumerate(cim.sizes):
                    if i in fix:
                        continue
                    for v in range(s):
                        if v != end[i]:
                            w = end.copy()
                            w[i] = v
                            again = cib.succession(cim, w, fix=fix)
                            absorbed += again.end_kind == "consistent" and bool((again.scenario == end).all())
                out.append((end.tobytes(), absorbed))
    return out


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    cim = dense()
    small = random_cim([3] * 6, -2, 2, 0.0, np.random.default_rng(1))
    cib.find_consistent(small)
    analysis.succession_basins(small, "global", max_exact=0, n_samples=8)
    analysis.succession_basins(small, "global")
    start = np.array([int(np.random.default_rng([2026, 11, k]).integers(s)) for k, s in enumerate(cim.sizes)])
    t_search, found = timed(lambda: cib.find_consistent(cim), args.repeat)
    print(f"dense 15 (5x4 + 10x3), -2..2: {cim.n_scenarios:,} scenarios, {len(found)} consistent "
          f"(the search alone: {t_search:.2f} s); start {start.tolist()}")  # fmt: skip
    for radius in (1, 2):
        t, res = timed(lambda r=radius: analysis.levers(cim, start, radius=r), args.repeat)
        t_plain, plain = timed(lambda r=radius: plain_levers(cim, start, r), max(1, args.repeat // 2))
        ours = [None if lv.end is None else (lv.end.tobytes(), lv.absorbed) for lv in res.levers]
        assert ours == plain, "the levers differ from the plain loop"
        print(f"levers radius {radius}: {len(res.levers):,} lever sets in {t:.2f} s (median of {args.repeat}); "
              f"plain loop {t_plain:.2f} s: x{t_plain / t:.1f}; answers agree")  # fmt: skip
    for target in ("S2" if len(found) > 1 else "S1", "D1=v1,D2=v1,D3=v1,D4=v1,D5=v1"):
        t, res = timed(lambda tg=target: analysis.levers(cim, start, radius=3, to=tg, random_state=0), args.repeat)
        how = (f"{len(res.reaching)} smallest sets of {len(res.reaching[0].changes)}" if res.reaching
               else "none reached" + "".join(f"; size {r}: fewer than {b:.3%} reach it (95%)"
                                             for r, b in res.bound.items()))  # fmt: skip
        print(f"levers --to {target} --radius 3: {how}; sets per size {res.n_sets}, drawn "
              f"{res.sampled or 'none'}; {t:.2f} s")  # fmt: skip
    lv = analysis.levers(cim, start)
    t, (shares, note) = timed(lambda: lv.basin_shares(), args.repeat)
    t_exact, exact = timed(lambda: analysis.succession_basins(cim, "global", max_exact=10**8), 1)
    worst = max(abs(shares.get(e.tobytes(), 0.0) - s) for e, s, k in zip(exact.ends, exact.share, exact.kind,
                                                                        strict=True) if k == 0)  # fmt: skip
    print(f"lever map basins: {t:.2f} s ({note}); the exact sweep {t_exact:.2f} s; largest share error {worst:.3%}")
    rows = np.unique(np.column_stack([np.random.default_rng([2026, 12, k]).integers(s, size=1000)
                                      for k, s in enumerate(cim.sizes)]), axis=0)  # fmt: skip
    t, p = timed(lambda: analysis.pick(cim, 4, scenarios=rows), 1)
    print(f"pick -k 4 among {len(rows):,} scenarios: {t:.2f} s, {'exact' if p.exact else 'heuristic'}; smallest "
          f"distance {p.min_distance:g} (upper bound {p.upper_bound:g}), covering radius {p.radius:g}")  # fmt: skip
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
