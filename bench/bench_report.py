"""Benchmark the report against the main job: ``upheaval report -o r.html`` next to ``upheaval analyze`` on the
built-in model, in the same run, as a user runs them.

Run: ``.venv/bin/python bench/bench_report.py [--repeat N] [--before REV]``.

The two commands run alternately, each in a fresh process (start-up, imports and the numba cache load
included, as a user waits for them), ``--repeat`` times; the table gives the median wall time and the median
CPU time (user + system, worker processes included) of each, and the report's ratio to analyze. With
``--before REV`` the report of that commit (its source taken with ``git archive``) runs in the same rounds.
The target: the report within 3x analyze. The load average is printed at the start and the end; on a shared
machine the wall times move with the load, the ratio of medians much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 3.0


def timed(args: list[str], src: Path, cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one run of ``python -m upheaval args``."""
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "100"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "upheaval", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def export_source(rev: str, where: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where / "src"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds (median)")
    ap.add_argument("--before", default=None, help="also time this commit's report (e.g. 0c2f7d4)")
    args = ap.parse_args(argv)
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()), "(2 cores, shared)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plans = [("analyze", ["analyze"], ROOT / "src"), ("report -o r.html", ["report", "-o", "r.html"], ROOT / "src")]
        if args.before:
            plans.append((f"report at {args.before}", ["report", "-o", "old.html"], export_source(args.before, tmp)))
        for _name, cmd, src in plans:  # once each first: the numba cache and the file system warmed
            timed(cmd, src, tmp)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in plans}
        for _ in range(args.repeat):
            for name, cmd, src in plans:
                runs[name].append(timed(cmd, src, tmp))
    wall = {n: statistics.median(w for w, _ in r) for n, r in runs.items()}
    cpu = {n: statistics.median(c for _, c in r) for n, r in runs.items()}
    print(f"{'command':<28}{'wall s':>8}{'cpu s':>8}{'x analyze (wall)':>18}{'x analyze (cpu)':>17}")
    for name in runs:
        print(f"{name:<28}{wall[name]:>8.2f}{cpu[name]:>8.2f}{wall[name] / wall['analyze']:>18.2f}"
              f"{cpu[name] / cpu['analyze']:>17.2f}")  # fmt: skip
    ratio = wall["report -o r.html"] / wall["analyze"]
    print(
        f"report within {TARGET:g}x analyze (wall, medians of {args.repeat}): {'ok' if ratio <= TARGET else 'MISSED'}"
    )
    print("load average at end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
