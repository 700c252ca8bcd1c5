"""Benchmarks of upheaval.analysis: figures (medians) printed next to a baseline measured in the same run.

Run ``python bench/bench_analysis.py`` (about a minute); add ``--nested`` to sweep all
408,146,688 starts of ScenarioWizard's CIB_nested and compare with its ``.sl`` weights
(several minutes on two cores).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

from upheaval import analysis, load
from upheaval.cib import compile_system
from upheaval.formats import SolutionRecord, read_sl

ORACLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "scenariowizard"


def median_time(fn, repeat: int = 3) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_sweep(cim, starts: np.ndarray, max_steps: int = 30) -> np.ndarray:
    """Baseline: global succession of many starts at once, vectorised with numpy.

    Rows that have stopped are dropped each step; rows still moving after ``max_steps``
    (cycles) are cut off there, which spares the baseline work the compiled sweep does.
    """
    z = starts.copy()
    live = np.arange(len(z))
    offsets = cim.offsets
    for _ in range(max_steps):
        cur = z[live]
        bal = cim.values[cur + offsets[None, :]].sum(axis=1)
        new = cur.copy()
        rows = np.arange(len(cur))
        for j, (off, size) in enumerate(zip(offsets, cim.sizes, strict=True)):
            block = bal[:, off : off + size]
            keep = block[rows, cur[:, j]] == block.max(axis=1)
            new[:, j] = np.where(keep, cur[:, j], block.argmax(axis=1))
        moved = (new != cur).any(axis=1)
        z[live] = new
        live = live[moved]
        if not live.size:
            break
    return z


def compare_weights(basins, sl: list[SolutionRecord]) -> str:
    """Compare our basins with a ``.sl`` file's weights.

    When the weights sum to less than a tenth of the starts, ScenarioWizard sampled its
    starts: then our exact share must lie in the 99.9% Wilson interval of its share.
    Otherwise the counts must agree; ScenarioWizard keeps them in single precision,
    which stops counting at 2**24.
    """
    total = sum(r.weight for r in sl)
    sampled = total < basins.n_starts / 10
    ok = 0
    for rec in sl:
        idx, w = list(rec.indices), rec.weight
        got = basins.count_of(idx)
        if sampled:
            lo, hi = analysis.wilson_interval(w, round(total), 0.999)
            good = lo <= got / basins.n_starts <= hi
        else:
            good = (w >= 2**24 and got >= 2**24) or abs(got - w) <= max(1, 5e-7 * w)
        ok += bool(good)
        if not good:
            print(f"    mismatch at {[i + 1 for i in idx]}: ours {got:,}, ScenarioWizard {w:,.0f}")
    how = f"shares within the 99.9% CI of ScenarioWizard's {total:,.0f} sampled starts" if sampled else "counts equal"
    return f"{ok}/{len(sl)} .sl weights agree ({how})"


def main() -> None:
    """Print the benchmark figures."""
    natl = compile_system(load(ORACLES / "CIB_natl_regional.scw"))
    values = natl.values
    print(f"CIB_natl_regional: {natl.n_scenarios:,} scenarios, {values.shape[0]} variants")

    n = 1_000_000
    t_numba = median_time(lambda: analysis.succession_basins(natl), repeat=3) / natl.n_scenarios * n
    starts = np.array(np.unravel_index(np.arange(5_000_000, 5_020_000), natl.sizes)).T.astype(np.int64)
    t_numpy = median_time(lambda: numpy_sweep(natl, starts), repeat=3) / len(starts) * n
    print(
        f"  global-succession basins, per 1M starts: successor table {t_numba:.3f} s; numpy baseline {t_numpy:.2f} s "
        f"(20k starts, scaled; cycles cut at 30 steps); speed-up x{t_numpy / t_numba:.0f}"
    )

    for jobs in (1, 2):
        t0 = time.perf_counter()
        b = analysis.succession_basins(natl, n_jobs=jobs)
        dt = time.perf_counter() - t0
        print(f"  exact basins, all {natl.n_scenarios:,} starts, n_jobs={jobs}: {dt:.2f} s", end="")
        if jobs == 1:
            t1 = dt
            print(f"; {compare_weights(b, read_sl(ORACLES / 'CIB_natl_regional.sl'))}")
        else:
            print(f"; x{t1 / dt:.2f} vs 1 worker")

    glob = compile_system(load(ORACLES / "CIB_global.scw"))
    r1 = median_time(lambda: analysis.robustness(natl, 1, 2000, random_state=0, candidates=b.ends[:20]))
    r2 = median_time(lambda: analysis.robustness(natl, 1, 2000, random_state=0, candidates=b.ends[:20], n_jobs=2))
    print(
        f"  Monte Carlo robustness, 2000 matrices x 20 scenarios: 1 worker {r1:.2f} s, 2 workers {r2:.2f} s (x{r1 / r2:.2f})"
    )
    s1 = median_time(lambda: analysis.succession_basins(glob, max_exact=0, n_samples=400_000, random_state=0))
    s2 = median_time(lambda: analysis.succession_basins(glob, max_exact=0, n_samples=400_000, random_state=0, n_jobs=2))
    print(f"  sampled basins (CIB_global, 400k starts): 1 worker {s1:.2f} s, 2 workers {s2:.2f} s (x{s1 / s2:.2f})")

    if "--nested" in sys.argv:
        nested = compile_system(load(ORACLES / "CIB_nested.scw"))
        t0 = time.perf_counter()
        b = analysis.succession_basins(nested, max_exact=10**9, n_jobs=2)
        dt = time.perf_counter() - t0
        print(
            f"CIB_nested: exact basins of all {nested.n_scenarios:,} starts, n_jobs=2: {dt:.0f} s "
            f"({dt / nested.n_scenarios * 1e9:.0f} ns/start); {compare_weights(b, read_sl(ORACLES / 'CIB_nested.sl'))}"
        )


if __name__ == "__main__":
    main()
