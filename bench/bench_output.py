"""Benchmark writing a large scenario set: CSV, JSON and Parquet against the search that found it, next to an
earlier commit's writers, in the same run.

Run: ``.venv/bin/python bench/bench_output.py [--before REV] [--repeat N] [--limit SECONDS]``.

The system: 44 descriptors of 2 or 3 variants, each acted on by at most 3 others, cells drawn from -3..3 with
60 % of them 0 (sparse and weakly judged; ``bench_engine.random_cim`` with the stream ``[2026, 21, 27]``). Such a
system leaves most descriptors free, so its exact search finds 159,876 consistent scenarios (about as many as the
161,628 of the system that showed the problem). It is written as a YAML model file first and loaded as a user's
model would be.

Each measurement runs in its own process: the system is loaded and searched (compiled kernels loaded before
the clock), then one writer runs: ``csv`` (``scenarios --csv``), ``json`` (``scenarios --json``, to a file),
``parquet`` (``scenarios --parquet``), each with the labels and future names the command computes. A process
that only loads and searches gives the memory baseline: a writer's extra peak memory is its process's peak
resident set minus that one's, set beside the result's own arrays (the index array and the three measures).
The earlier commit (``--before``, default 0c2f7d4: its source taken with ``git archive``) runs its own
``scenarios --csv`` and ``--json`` code paths the same way, each stopped at ``--limit`` seconds. Medians of
``--repeat`` runs; the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_TIME = 2.0  # a writer within twice the search
TARGET_MEMORY = 2.0  # and its extra peak memory within twice the result's arrays


def big_model(path: Path) -> Path:
    """Write the benchmark's system (see the module's description) as a YAML model file."""
    sys.path.insert(0, str(HERE))
    from bench_engine import random_cim

    r = np.random.default_rng([2026, 21, 27])
    cim = random_cim(r.integers(2, 4, 44), -3, 3, 0.6, r, 3)
    lines = ["id: big-sparse", "title: A sparse, weakly judged system", "as_of: 2026-01", "descriptors:"]
    for i, size in enumerate(cim.sizes):
        lines.append(f"  - id: d{i + 1}\n    label: Descriptor {i + 1}\n    variants:")
        lines += [f"      - {{id: v{k + 1}, label: Variant {k + 1}}}" for k in range(size)]
    lines.append("impacts:")
    off = cim.offsets
    for i, si in enumerate(cim.sizes):
        for j, sj in enumerate(cim.sizes):
            block = cim.values[off[i] : off[i] + si, off[j] : off[j] + sj]
            if i == j or not block.any():
                continue
            rows = {
                f"v{a + 1}": {f"v{b + 1}": int(block[a, b]) for b in range(sj) if block[a, b]}
                for a in range(si)
                if block[a].any()
            }
            values = ", ".join(f"{a}: {{{', '.join(f'{b}: {x}' for b, x in row.items())}}}" for a, row in rows.items())
            lines.append(f"  - from: d{i + 1}\n    to: d{j + 1}\n    values: {{{values}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CHILD = r"""
import io, json, os, resource, sys, time
model, what, out = sys.argv[1], sys.argv[2], sys.argv[3]
from upheaval._load import load
from upheaval import cib
system = load(model)
cim = cib.compile_system(system)
cib.find_consistent(cim, 0, budget_seconds=600)  # kernels loaded (or compiled) before any clock
t0 = time.perf_counter()
result = cib.find_consistent(cim, 0)
search = time.perf_counter() - t0
arrays = result.indices.nbytes + result.inconsistency.nbytes + result.consistency_value.nbytes + result.total_impact_score.nbytes
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if what != "search":
    from upheaval.analysis import scenario_labels
    labels = scenario_labels(system, cim, 0, result)
    if NEW:
        from upheaval.formats import write_scenarios
        write_scenarios(out, result, system, labels.keys(result.indices), labels.future_codes(result.indices), what)
    elif what == "csv":
        from upheaval.cli._core import _write_scenarios_csv
        _write_scenarios_csv(__import__("pathlib").Path(out), system, result, labels)
    else:
        from upheaval._json import scenario_set_json
        from upheaval.cli._common import emit_json
        sys.stdout = open(out, "w", encoding="utf-8")
        emit_json(scenario_set_json(result, system))
        sys.stdout.close()
        sys.stdout = sys.__stdout__
write = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"n": len(result), "search": search, "write": write, "arrays": arrays, "rss_before": base * 1024,
                  "rss_peak": peak * 1024, "bytes": os.path.getsize(out) if what != "search" else 0}))
"""


def run_child(src: Path, model: Path, what: str, out: Path, new: bool, limit: float) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = CHILD.replace("NEW", "True" if new else "False")
    try:
        res = subprocess.run(
            [sys.executable, "-c", code, str(model), what, str(out)],
            capture_output=True, text=True, env=env, timeout=limit, cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None
    if res.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def export_source(rev: str, where: Path) -> Path:
    """The ``src`` folder of commit ``rev``, exported with git archive."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where / "src"


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="0c2f7d4", help="earlier commit to run beside (default 0c2f7d4)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--limit", type=float, default=300.0, help="stop a run after this many seconds")
    ap.add_argument("--skip-before", action="store_true", help="do not run the earlier commit's writers")
    args = ap.parse_args(argv)
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()), "(2 cores, shared)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = big_model(tmp / "big.yaml")
        current = ROOT / "src"
        rows = []
        search_runs = [run_child(current, model, "search", tmp / "none", True, args.limit) for _ in range(args.repeat)]
        search = median(search_runs, "search")
        rss0 = median(search_runs, "rss_peak")
        n, arrays = search_runs[0]["n"], search_runs[0]["arrays"]
        print(f"{n:,} consistent scenarios; search {search:.2f} s (median); the result's arrays {arrays / 1e6:.1f} MB;"
              f" peak resident set after the search {rss0 / 1e6:.0f} MB")  # fmt: skip
        plans = [("this commit", current, True, ("csv", "json", "parquet"))]
        if not args.skip_before:
            plans.append((args.before, export_source(args.before, tmp), False, ("csv", "json")))
        for name, src, new, kinds in plans:
            for what in kinds:
                runs = []
                for _ in range(args.repeat if new else 1):
                    r = run_child(src, model, what, tmp / f"out.{what}", new, args.limit)
                    if r is None:
                        break
                    runs.append(r)
                if not runs:
                    rows.append((name, what, None, None, None, None))
                    continue
                write = median(runs, "write")
                extra = median(runs, "rss_peak") - rss0
                rows.append((name, what, write, write / median(runs, "search"), extra, median(runs, "bytes")))
        print(
            f"{'writer':<24}{'seconds':>9}{'x search':>10}{'extra peak MB':>15}{'x arrays':>10}{'file MB':>9}  target"
        )
        for name, what, write, ratio, extra, size in rows:
            if write is None:
                print(f"{name + ' ' + what:<24}{'>' + format(args.limit, '.0f'):>9}")
                continue
            ok = ratio <= TARGET_TIME and extra / arrays <= TARGET_MEMORY
            print(f"{name + ' ' + what:<24}{write:>9.2f}{ratio:>10.2f}{extra / 1e6:>15.0f}{extra / arrays:>10.2f}"
                  f"{size / 1e6:>9.1f}  {'ok' if ok else 'MISSED'}")  # fmt: skip
    print("load average at end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
