"""Start-up cost of the commands, in CPU seconds (user+sys of the child process), working tree against a baseline.

usage: python bench/bench_startup.py [--baseline REV] [--runs N] [--first-run]

Both trees run with the same Python in the same run: the working tree's ``src`` and the
baseline revision's (extracted with ``git archive`` into a temporary folder) each on
PYTHONPATH. Every command runs once unmeasured (numba's cache, Python's bytecode), then N
times; the median of the children's user+sys CPU seconds (``resource.getrusage``) is printed
with the wall time, next to the targets. CPU time is what the machine's load disturbs least.

``--first-run`` also measures a new user's first ``upheaval analyze``: for each tree, a fresh
virtual environment made by the README's first command (``pip install -e .``, not timed), the
numba caches and bytecode removed, then ``upheaval analyze`` timed once (wall and CPU).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    (["--help"], 0.3),
    (["models"], 0.3),
    (["validate", "dprk-ukraine-2024"], 0.3),
    (["analyze"], 1.0),
]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``cmd``; it must succeed."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    res = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return cpu, wall


def measure(src: Path, args: list[str], runs: int, cwd: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "80"}
    cmd = [sys.executable, "-m", "upheaval", *args]
    run_once(cmd, env, cwd)  # warm: bytecode and numba's cache
    cpus, walls = zip(*(run_once(cmd, env, cwd) for _ in range(runs)), strict=True)
    return statistics.median(cpus), statistics.median(walls)


def extract(rev: str, dest: Path) -> Path:
    """The files of revision ``rev`` in ``dest`` (git archive); return its src folder."""
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def working_copy(dest: Path) -> None:
    """The working tree's files (uncommitted edits included), as a fresh clone would hold them."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, names):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            (dest / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / os.fsdecode(name))


def first_run(tree: Path) -> tuple[float, float]:
    """A new user's first ``upheaval analyze`` in ``tree``: fresh venv (not timed), no caches; (wall, CPU)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NUMBA_CACHE_DIR")}
    subprocess.run("python3 -m venv .venv && .venv/bin/pip install -q -e .", shell=True, cwd=tree, env=env,
                   check=True, capture_output=True)  # fmt: skip
    for cache in tree.joinpath("src").rglob("__pycache__"):
        shutil.rmtree(cache)
    cpu, wall = run_once([str(tree / ".venv" / "bin" / "upheaval"), "analyze"], {**env, "COLUMNS": "80"}, tree)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="3f19e36", help="baseline revision (default: before the start-up work)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--first-run", action="store_true", help="also time a first analyze in fresh venvs (minutes)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        base_src = extract(args.baseline, base)
        print(f"median of {args.runs} runs, CPU seconds (user+sys), wall in brackets; python {sys.version.split()[0]}")
        print(f"{'command':<34}{'baseline ' + args.baseline:>20}{'working tree':>20}{'ratio':>8}{'target':>8}")
        for cmd, target in COMMANDS:
            b_cpu, b_wall = measure(base_src, cmd, args.runs, Path(tmp))
            w_cpu, w_wall = measure(ROOT / "src", cmd, args.runs, Path(tmp))
            ok = "ok" if w_cpu <= target else "MISSED"
            print(f"{'upheaval ' + ' '.join(cmd):<34}{b_cpu:>10.2f} ({b_wall:5.2f})  {w_cpu:>10.2f} ({w_wall:5.2f})  "
                  f"{b_cpu / w_cpu:>6.1f}x  <={target:g} {ok}")  # fmt: skip
        if args.first_run:
            work = Path(tmp) / "work"
            work.mkdir()
            working_copy(work)
            b_wall, b_cpu = first_run(base)
            w_wall, w_cpu = first_run(work)
            print(f"{'first analyze after install (wall)':<34}{b_wall:>10.1f} s{'':>8}{w_wall:>10.1f} s{'':>9}<=10 s")
            print(f"{'first analyze after install (CPU)':<34}{b_cpu:>10.1f} s{'':>8}{w_cpu:>10.1f} s")


if __name__ == "__main__":
    main()
