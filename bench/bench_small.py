"""Commands on a small model (the built-in one, 196,608 scenarios): the working tree against a baseline revision.

usage: python bench/bench_small.py [--baseline REV] [--runs N] [--commands "check --audit" ...]

Both trees run with the same Python in the same run, each on PYTHONPATH (the baseline extracted
with ``git archive``). For each command and tree: a first run with an empty numba cache (what a
new installation sees; a compile, if the command needs one, is part of it and reported as such,
with the compiled kernels counted), then N runs with the cache as the first run left it, whose
median wall and CPU seconds are the command's own work. The baseline's default is the revision
before small models stopped compiling (the claims' searches forced the compiled kernels; basins
always swept with them).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["scenarios --json", "check --audit", "sensitivity", "basins", "robustness --seed 1"]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(src: Path, args: str, cache: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``upheaval ARGS`` from ``src``, numba caching into ``cache``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80", "NUMBA_CACHE_DIR": str(cache)}
    cpu0, t0 = _children_cpu(), time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "upheaval", *args.split()], env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if res.returncode not in (0, 1) or "Traceback" in res.stderr:
        raise SystemExit(f"upheaval {args} failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="b125223", help="baseline revision (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3, help="runs after the first, per command and tree")
    ap.add_argument("--commands", nargs="*", default=COMMANDS)
    opts = ap.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "archive", opts.baseline, "src"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        trees = {"baseline": base / "src", "now": ROOT / "src"}
        print(f"baseline {opts.baseline}; first run: empty numba cache; then median of {opts.runs} runs (wall, CPU s)")
        print(f"{'command':24} {'tree':9} {'first run':>10} {'kernels':>8} {'wall':>8} {'CPU':>8}")
        for args in opts.commands:
            for name, src in trees.items():
                cache = Path(tmp) / f"cache-{name}-{args.replace(' ', '_')}"
                cache.mkdir()
                first, _ = run(src, args, cache)
                compiled = len(list(cache.rglob("*.nbi")))
                later = [run(src, args, cache) for _ in range(opts.runs)]
                wall = statistics.median(w for w, _ in later)
                cpu = statistics.median(c for _, c in later)
                print(f"{args:24} {name:9} {first:10.1f} {compiled:8d} {wall:8.2f} {cpu:8.2f}", flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
