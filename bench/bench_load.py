"""Benchmark: `upheaval validate` and `convert` of 200-descriptor x 4-variant models, and the alias bomb,
against the code of commit 3f19e36 (before the loader limits and the big-model fixes) in the same run.

Every figure is the wall time of one command-line run in its own process (start-up included, as a
user sees it), median of ``--repeat`` runs, each stopped at ``--limit`` seconds. The start-up time
alone (``upheaval --help``) is printed too, for each version.

    .venv/bin/python bench/bench_load.py            # sparse and dense models, the bomb
    .venv/bin/python bench/bench_load.py --quick    # without the dense model
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "3f19e36"


def model(n: int = 200, k: int = 4, per: int | None = None, seed: int = 1) -> str:
    """A valid n x k model: each descriptor judged by ``per`` others (all others when None)."""
    rnd = random.Random(seed)
    out = ["id: big", "title: Big", "as_of: 2024", "descriptors:"]
    for i in range(n):
        out += [f"  - id: d{i}", f"    label: D{i}", "    variants:"]
        out += [f"      - {{id: v{j}, label: V{j}}}" for j in range(k)]
    out.append("impacts:")
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for j in others if per is None else rnd.sample(others, per):
            out += [f"  - from: d{j}", f"    to: d{i}", "    values:"]
            for a in range(k):
                out.append(f"      v{a}: {{" + ", ".join(f"v{b}: {rnd.randint(-3, 3)}" for b in range(k)) + "}")
    return "\n".join(out) + "\n"


def bomb() -> str:
    """The billion laughs: 9 levels of 9 aliases, the last used as the title."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "id: bomb\n" + "\n".join(lines) + "\ntitle: *i\nas_of: 2024-11\n"


def baseline_src(tmp: Path) -> Path:
    """The ``src`` folder of the baseline commit, extracted with git archive."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "src"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(tmp / "baseline", filter="data")
    return tmp / "baseline" / "src"


def run(src: Path, args: list[str], limit: float) -> tuple[float, int | None]:
    """Wall seconds of ``upheaval ARGS`` with ``src`` first on the path; (limit, None) if stopped."""
    env = os.environ | {"PYTHONPATH": str(src)}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "upheaval", *args], env=env, capture_output=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired:
        return limit, None
    return time.perf_counter() - start, proc.returncode


def measure(src: Path, args: list[str], repeat: int, limit: float) -> str:
    times, codes = [], set()
    for _ in range(repeat):
        t, code = run(src, args, limit)
        times.append(t)
        codes.add(code)
        if code is None:
            return f">{limit:.0f} s (stopped)"
    return f"{statistics.median(times):6.2f} s (exit {','.join(str(c) for c in sorted(codes))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="leave out the dense model")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=240.0, help="seconds before a run is stopped")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="upheaval-bench-") as tmp_name:
        tmp = Path(tmp_name)
        versions = {"this version": ROOT / "src", f"baseline {BASELINE}": baseline_src(tmp)}
        models = {"sparse 200x4 (1,600 sections)": model(per=8)}
        if not opts.quick:
            models["dense 200x4 (39,800 sections)"] = model()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {opts.repeat} runs")
        as_of_option = {}
        for label, src in versions.items():
            print(f"start-up ({label}): {measure(src, ['--help'], opts.repeat, opts.limit)}")
            env = os.environ | {"PYTHONPATH": str(src)}
            helptext = subprocess.run(
                [sys.executable, "-m", "upheaval", "convert", "--help"], env=env, capture_output=True, text=True
            ).stdout
            as_of_option[label] = "--as-of" in helptext
        (tmp / "bomb.yaml").write_text(bomb())
        print(f"\nalias bomb ({len((tmp / 'bomb.yaml').read_bytes())} bytes), validate")
        for label, src in versions.items():
            print(f"  {label:<20} {measure(src, ['validate', str(tmp / 'bomb.yaml')], 1, 30.0)}")
        for name, text in models.items():
            yaml_in = tmp / "big.yaml"
            yaml_in.write_text(text)
            print(f"\n{name}: {len(text.encode()):,} bytes")
            for label, src in versions.items():
                scw = tmp / f"big-{label[:4]}.scw"
                as_of = ["--as-of", "2024"] if as_of_option[label] else []  # newer versions ask for the date
                steps = [
                    ("validate", ["validate", str(yaml_in)]),
                    ("convert yaml -> scw", ["convert", str(yaml_in), str(scw)]),
                    ("convert scw -> yaml", ["convert", str(scw), str(tmp / "back.yaml"), *as_of]),
                    ("convert yaml -> yaml", ["convert", str(yaml_in), str(tmp / "copy.yaml")]),
                ]
                for step, args in steps:
                    if step == "convert scw -> yaml" and not scw.exists():
                        print(f"  {label:<20} {step:<22} (no .scw written)")
                        continue
                    print(f"  {label:<20} {step:<22} {measure(src, args, opts.repeat, opts.limit)}", flush=True)


if __name__ == "__main__":
    main()
