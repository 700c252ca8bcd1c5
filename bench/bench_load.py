"""Benchmark: `upheaval validate` and `convert` of 200-descriptor x 4-variant models, and the alias bomb,
against the code of commit 3f19e36 (before the loader limits and the big-model fixes) in the same run.

Every figure is the wall time of one command-line run in its own process (start-up included, as a
user sees it), median of ``--repeat`` runs, each stopped at ``--limit`` seconds. The start-up time
alone (``upheaval --help``) is printed too, for each version.

    .venv/bin/python bench/bench_load.py            # sparse and dense models, the bomb
    .venv/bin/python bench/bench_load.py --quick    # without the dense model
    .venv/bin/python bench/bench_load.py --growth   # worst cases of each shape, doubling up to 32 MB

``--growth`` loads generated worst cases of each shape at doubling sizes (each load in its own
process: wall seconds and peak memory, start-up included) and prints the growth ratio from one
size to the next: 2 is linear, 4 quadratic. The shapes: many unknown top-level keys, many
futures, many actors, blank lines (all of one YAML file), and a dense ``.scw`` of 125 to 1,000
descriptors. A case is stopped at ``--limit`` seconds.
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


def _tiny_head() -> list[str]:
    return [
        "id: m", "title: M", "as_of: 2024", "descriptors:",
        "  - {id: a, label: A, variants: [{id: x, label: X}, {id: y, label: Y}]}",
        "  - {id: b, label: B, variants: [{id: x, label: X}, {id: y, label: Y}]}",
        "impacts:", "  - {from: a, to: b, values: {x: {x: 1}, y: {y: 1}}}",
    ]  # fmt: skip


def many_keys(size: int) -> str:
    """Unknown top-level keys (each an error to report) until ``size`` bytes."""
    n = size // 16
    return "\n".join(_tiny_head() + [f"unknown_{i:08d}: 1" for i in range(n)]) + "\n"


def many_futures(size: int) -> str:
    """A valid model with futures until ``size`` bytes."""
    n = size // 60
    rows = [f"  - {{id: f{i}, name: Future {i}, match: {{a: x}}}}" for i in range(n)]
    return "\n".join([*_tiny_head(), "futures:", *rows]) + "\n"


def many_actors(size: int) -> str:
    """A valid model with actors (codes of the model's own) until ``size`` bytes."""
    n = size // 50
    rows = [f"  - {{code: A{i:07d}, name: Actor {i}, kind: group, own_code: true}}" for i in range(n)]
    return "\n".join([*_tiny_head(), "actors:", *rows]) + "\n"


def blank_lines(size: int) -> str:
    """A valid model followed by ``size`` blank lines."""
    return "\n".join(_tiny_head()) + "\n" * size


def dense_scw(n: int, k: int = 2) -> bytes:
    """A ScenarioWizard file of ``n`` descriptors of ``k`` variants, every cell judged."""
    rnd = random.Random(n)
    out = ["$ ScenarioWizard 4.0", "dense.scw"]
    for i in range(n):
        out.append(f"&D{i}")
        out += [f" -v{j}" for j in range(k)]
    out.append("#")
    for _ in range(n):
        out.append("&")
        out += [" "] * k
    out += ["#", "#"] + ["FFFFFF"] * (n * k) + ["#", "#"]
    out += [",".join(f" {rnd.randint(-3, 3)} " for _ in range(n * k)) for _ in range(n * k)]
    out += ["#", "# 0-0", '""', "#", "#"]
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


LOADER = "import sys; from upheaval import load_system; load_system(sys.argv[1])"


def measure_load(path: Path, limit: float) -> tuple[float, float, int | None]:
    """(wall seconds, peak MB, exit code) of loading ``path`` in a fresh process; (limit, nan, None) if stopped."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = start + limit
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode
        if time.perf_counter() > deadline:
            proc.kill()
            proc.wait()
            return limit, float("nan"), None
        time.sleep(0.02)


def growth(limit: float, top: int) -> None:
    """Each shape at doubling sizes up to ``top`` bytes: seconds, peak MB, and the growth ratio."""
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine); one run per size")
    print(f"{'shape':<22} {'bytes':>12} {'seconds':>9} {'ratio':>6} {'peak MB':>8} exit")
    with tempfile.TemporaryDirectory(prefix="upheaval-growth-") as tmp_name:
        tmp = Path(tmp_name)
        empty = tmp / "empty.yaml"
        empty.write_text("\n".join(_tiny_head()) + "\n")
        t0, m0, _ = measure_load(empty, limit)
        print(f"{'start-up (tiny model)':<22} {empty.stat().st_size:>12,} {t0:>9.2f} {'':>6} {m0:>8.0f}")
        sizes = [top >> k for k in (3, 2, 1, 0)]
        shapes = {"many keys": many_keys, "many futures": many_futures, "many actors": many_actors,
                  "blank lines": blank_lines}  # fmt: skip
        for name, make in shapes.items():
            previous = None
            for size in sizes:
                path = tmp / f"{name.replace(' ', '-')}.yaml"
                path.write_text(make(size))
                t, m, code = measure_load(path, limit)
                ratio = (
                    f"{(t - t0) / max(previous - t0, 1e-3):.2f}" if previous is not None and code is not None else ""
                )
                shown = f"{t:>9.2f}" if code is not None else f">{limit:>8.0f}"
                print(f"{name:<22} {path.stat().st_size:>12,} {shown} {ratio:>6} {m:>8.0f} {code}", flush=True)
                previous = t if code is not None else None
        previous = None
        for n in (125, 250, 500, 1000):
            path = tmp / "dense.scw"
            path.write_bytes(dense_scw(n))
            t, m, code = measure_load(path, limit)
            ratio = f"{(t - t0) / max(previous - t0, 1e-3):.2f}" if previous is not None and code is not None else ""
            shown = f"{t:>9.2f}" if code is not None else f">{limit:>8.0f}"
            print(f"{'dense .scw ' + str(n):<22} {path.stat().st_size:>12,} {shown} {ratio:>6} {m:>8.0f} {code}",
                  flush=True)  # fmt: skip
            previous = t if code is not None else None


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
    parser.add_argument("--growth", action="store_true", help="worst cases of each shape at doubling sizes")
    parser.add_argument("--top", type=int, default=32 << 20, help="largest size of --growth, in bytes")
    opts = parser.parse_args()
    if opts.growth:
        growth(opts.limit, opts.top)
        return
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
