"""Benchmark: `upheaval validate` and `convert` of 200-descriptor x 4-variant models, and the alias bomb,
against the code of commit 3f19e36 (before the loader limits and the big-model fixes) in the same run.

Every figure is the wall time of one command-line run in its own process (start-up included, as a
user sees it), median of ``--repeat`` runs, each stopped at ``--limit`` seconds. The start-up time
alone (``upheaval --help``) is printed too, for each version.

    .venv/bin/python bench/bench_load.py            # sparse and dense models, the bomb
    .venv/bin/python bench/bench_load.py --quick    # without the dense model
    .venv/bin/python bench/bench_load.py --growth   # worst cases of each shape, doubling up to 32 MB

``--growth`` loads generated worst cases of each shape at doubling sizes up to the 32 MB file limit,
each load in a fresh process, and prints the medians of ``--repeat`` loads (wall and CPU seconds,
peak memory and its growth during the load; the interpreter and the package's modules are loaded
before the clock starts) with the growth ratio from one size to the next: 2 is linear, 4
quadratic. A file past a limit is refused at the first value over it, so its cost stops growing.
The shapes: unknown top-level keys, entries of one mapping, futures, actors, ties, claims,
indicators, shocks, the judgement sections of a shock, judgement sections (valid, one wrong, all
wrong), the largest valid model (every limit nearly reached, rationales padding it to the size),
ties after a merge key (read by the round-trip parser, in a small file only), blank lines, comment lines, texts at the length limit, lists nested to the depth limit, and a
dense ``.scw`` (every cell judged). ``--against COMMIT`` measures that commit's code in the same
run. A case is stopped at ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import json
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
        "actors:", "  - {code: AAA, name: Alpha}", "  - {code: BBB, name: Beta}",
    ]  # fmt: skip


def _rows(size: int, head: list[str], part: str | None, row) -> str:
    """``head``, then ``part:`` (when given) with rows ``row(i)`` until ``size`` bytes."""
    out, i = [*head, f"{part}:"] if part else list(head), 0
    total = sum(len(line) + 1 for line in out)
    while total + len(line := row(i)) + 1 <= size:  # up to ``size`` bytes, not past it (the file limit)
        out.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(out) + "\n"


def many_keys(size: int) -> str:
    """Unknown top-level keys (each an error to report) until ``size`` bytes."""
    return _rows(size, _tiny_head(), None, lambda i: f"unknown_{i:08d}: 1")


def many_entries(size: int) -> str:
    """One future whose ``match`` has ever more entries (unknown descriptors: each an error)."""
    return _rows(
        size, [*_tiny_head(), "futures:", "  - id: f", "    name: F", "    match:"], None, lambda i: f"      k{i}: x"
    )


def many_futures(size: int) -> str:
    """A valid model with futures until ``size`` bytes."""
    return _rows(size, _tiny_head(), "futures", lambda i: f"  - {{id: f{i}, name: Future {i}, match: {{a: x}}}}")


def many_actors(size: int) -> str:
    """A valid model with actors (codes of the model's own) until ``size`` bytes."""
    return _rows(
        size,
        _tiny_head()[:-3],
        "actors",
        lambda i: f"  - {{code: A{i:07d}, name: Actor {i}, kind: group, own_code: true}}",
    )


def many_ties(size: int) -> str:
    """A valid model with ties between its two actors until ``size`` bytes."""
    return _rows(
        size, _tiny_head(), "ties", lambda i: f"  - {{id: t{i}, from: AAA, to: BBB, kind: aid, label: Tie {i}}}"
    )


def many_claims(size: int) -> str:
    """A valid model with claims until ``size`` bytes."""
    return _rows(
        size,
        _tiny_head(),
        "claims",
        lambda i: f"  - {{id: C{i}, text: Claim {i}, check: {{kind: exists, match: {{a: x}}}}}}",
    )


def many_indicators(size: int) -> str:
    """A valid model with indicators until ``size`` bytes."""
    row = "  - {{id: i{0}, label: I{0}, signals: a.x, pattern: {{roots: ['18']}}, measure: count, window: 30d, rule: {{op: '>=', threshold: 5}}}}"
    return _rows(size, _tiny_head(), "indicators", row.format)


def _sections_head(n: int = 1000) -> list[str]:
    out = ["id: m", "title: M", "as_of: 2024", "descriptors:"]
    out += [f"  - {{id: d{i}, label: D{i}, variants: [{{id: v0, label: A}}, {{id: v1, label: B}}]}}" for i in range(n)]
    return out


def _section(i: int, n: int = 1000, target: str | None = None) -> str:
    a, b = divmod(i, n - 1)
    b += b >= a  # no self-impact
    to = target or f"d{b}"
    return f"  - {{from: d{a}, to: {to}, values: {{v0: {{v0: 1, v1: -1}}, v1: {{v0: 2, v1: -2}}}}}}"


def many_sections(size: int) -> str:
    """A valid model of 1,000 two-variant descriptors with judgement sections until ``size`` bytes."""
    return _rows(size, _sections_head(), "impacts", _section)


def sections_one_error(size: int) -> str:
    """As many_sections, with one section naming an unknown descriptor at the end (the located path)."""
    return many_sections(size - 50) + "  - {from: d1, to: nope, values: {v0: {v0: 1}}}\n"


def sections_all_wrong(size: int) -> str:
    """Sections that each name an unknown descriptor: a problem per section."""
    return _rows(size, _sections_head(), "impacts", lambda i: _section(i, target=f"nope{i}"))


def largest_valid(size: int) -> str:
    """A valid model near every limit at once: 1,000 descriptors, as many judgement sections as the limits on
    sections and values allow (fewer in a small file), each with a rationale that pads the file to ``size`` bytes."""
    head = _sections_head()
    # 1,000 descriptors take 17,000 values, a section with its rationale 22: 21,500 sections reach 490,000
    count = min(21_500, max(1, size // 120))
    used = sum(len(line) + 1 for line in head) + len("impacts:\n") + count * (len(_section(count)) + 20)
    pad = "x" * max(1, (size - used) // count)
    rows = [_section(i)[:-1] + f", rationale: {pad}}}" for i in range(count)]
    text = "\n".join([*head, "impacts:", *rows]) + "\n"
    while len(text.encode()) > size and rows:  # trim to the size (the file limit)
        rows.pop()
        text = "\n".join([*head, "impacts:", *rows]) + "\n"
    return text


def many_shocks(size: int) -> str:
    """A valid model with shocks until ``size`` bytes."""
    return _rows(size, _tiny_head(), "shocks", lambda i: f"  - {{id: s{i}, label: Shock {i}, fix: {{a: x}}}}")


def shock_impacts(size: int) -> str:
    """One shock adding ever more judgement sections (not a top-level list) to 1,000 descriptors."""
    return _rows(
        size,
        [*_sections_head(), "shocks:", "  - id: s", "    label: S", "    impacts:"],
        None,
        lambda i: "    " + _section(i),
    )


def merge_key(size: int) -> str:
    """Ties after a merge key ``<<``, which only the round-trip parser reads (a file up to its size limit)."""
    return _rows(
        size,
        [*_tiny_head(), "ties:", "  - {<<: {label: Merged}, id: m, from: AAA, to: BBB, kind: aid}"],
        None,
        lambda i: f"  - {{id: t{i}, from: AAA, to: BBB, kind: aid, label: Tie {i}}}",
    )


def blank_lines(size: int) -> str:
    """A valid model followed by blank lines until ``size`` bytes."""
    head = "\n".join(_tiny_head()) + "\n"
    return head + "\n" * (size - len(head))


def comments(size: int) -> str:
    """A valid model followed by comment lines until ``size`` bytes."""
    return _rows(size, _tiny_head(), None, lambda i: f"# a comment, number {i}, on a line of its own")


def long_strings(size: int) -> str:
    """A valid model with sources whose titles are texts at the length limit, until ``size`` bytes."""
    text = "x" * 99_990
    return _rows(size, _tiny_head(), "sources", lambda i: f"  - {{id: s{i}, title: {text}}}")


def deep_nesting(size: int) -> str:
    """A description made of lists nested 38 deep, repeated until ``size`` bytes (an error: not a text)."""
    deep = "[" * 38 + "1" + "]" * 38
    return _rows(size, _tiny_head(), "description", lambda i: f"  - {deep}")


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
    cells = [f" {v} " for v in (-3, -2, -1, 1, 2, 3)]
    out += [",".join(rnd.choices(cells, k=n * k)) for _ in range(n * k)]
    out += ["#", "# 0-0", '""', "#", "#"]
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def dense_scw_of_size(size: int) -> bytes:
    """A dense ``.scw`` of two-variant descriptors of at most ``size`` bytes (a cell takes 4.5 bytes on average)."""
    n = max(2, int((size / 4.5) ** 0.5) // 2)
    while n > 2 and len(made := dense_scw(n)) > size:
        n -= max(1, n // 100)
    return made if n > 2 else dense_scw(2)


SHAPES = {
    "many keys": many_keys, "many entries": many_entries, "many futures": many_futures,
    "many actors": many_actors, "many ties": many_ties, "many claims": many_claims,
    "many indicators": many_indicators, "many shocks": many_shocks, "shock impacts": shock_impacts,
    "many sections": many_sections, "largest valid": largest_valid,
    "sections, one error": sections_one_error, "sections, all wrong": sections_all_wrong,
    "merge key": merge_key, "blank lines": blank_lines, "comments": comments, "long strings": long_strings,
    "deep nesting": deep_nesting, "dense .scw": dense_scw_of_size,
}  # fmt: skip

# Loads one file in a fresh process and prints what it took: the load alone (the interpreter and the
# package's modules are loaded first), CPU and wall seconds, peak memory and its growth during the load.
LOADER = """
import json, resource, sys, time
import upheaval.model, upheaval.formats
from upheaval import load
from upheaval.errors import ModelError

def status(field):  # this process's own figures (ru_maxrss would carry the parent's over the fork)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024

def rss():
    return status("VmRSS")

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

before, c, w = rss(), cpu(), time.perf_counter()
try:
    load(sys.argv[1])
    outcome = "loaded"
except ModelError as exc:
    p = exc.problems[0]
    outcome = f"{len(exc.problems)} problem(s), first [{p.code}] at line {p.line}"
wall, used = time.perf_counter() - w, cpu() - c
peak = status("VmHWM")
print(json.dumps({"wall": wall, "cpu": used, "peak_mb": peak, "grew_mb": peak - before, "outcome": outcome}))
"""


def measure_load(path: Path, limit: float, src: Path = ROOT / "src") -> dict:
    """What loading ``path`` took in a fresh process (see LOADER) with ``src`` first on the path;
    ``{"stopped": limit}`` if stopped."""
    env = os.environ | {"PYTHONPATH": str(src)}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", LOADER, str(path)], env=env, capture_output=True, text=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        return {"stopped": limit}
    if proc.returncode != 0:
        return {"failed": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}
    return json.loads(proc.stdout.splitlines()[-1])


def write_case(folder: Path, name: str, size: int) -> Path:
    """The file of shape ``name`` at about ``size`` bytes, written in ``folder``."""
    made = SHAPES[name](size)
    path = folder / ("dense.scw" if name == "dense .scw" else f"{name.replace(' ', '-').replace(',', '')}.yaml")
    if isinstance(made, bytes):
        path.write_bytes(made)
    else:
        path.write_text(made, encoding="utf-8")
    return path


def measure_median(path: Path, limit: float, src: Path, repeat: int) -> dict:
    """:func:`measure_load` ``repeat`` times: the median of each figure (the first stopped or failed run if any)."""
    runs = []
    for _ in range(repeat):
        m = measure_load(path, limit, src)
        if "cpu" not in m:
            return m
        runs.append(m)
    figures = {key: statistics.median(r[key] for r in runs) for key in ("wall", "cpu", "peak_mb", "grew_mb")}
    return runs[0] | figures | {"runs": len(runs)}


def growth_rows(
    shapes: list[str],
    sizes: list[int],
    limit: float,
    out=print,
    versions: dict[str, Path] | None = None,
    repeat: int = 1,
) -> list[dict]:
    """Each shape at each size, with each version's source (this one by default): the medians of ``repeat`` loads,
    and the growth ratios of CPU time and memory from the size before."""
    versions = versions or {"": ROOT / "src"}
    rows = []
    with tempfile.TemporaryDirectory(prefix="upheaval-growth-") as tmp_name:
        for name in shapes:
            previous: dict[str, dict] = {}
            for size in sizes:
                path = write_case(Path(tmp_name), name, size)
                for label, src in versions.items():
                    if "stopped" in previous.get(label, {}):
                        continue  # larger sizes would be stopped too
                    m = measure_median(path, limit, src, repeat)
                    m |= {"shape": name, "bytes": path.stat().st_size, "version": label}
                    before = previous.get(label)
                    if before is not None and "cpu" in m and "cpu" in before:
                        m["cpu_ratio"] = m["cpu"] / max(before["cpu"], 1e-3)
                        m["mem_ratio"] = max(m["grew_mb"], 1.0) / max(before["grew_mb"], 1.0)
                    rows.append(m)
                    out(_row_text(m))
                    previous[label] = m
                path.unlink()
    return rows


VERDICT = (10.0, 1024.0)  # seconds and MB for the worst 32 MB input


def _row_text(m: dict) -> str:
    shape = f"{m['shape']} {m.get('version', '')}".strip()
    if "cpu" not in m:
        stopped = f"stopped after {m['stopped']:.0f} s" if "stopped" in m else f"failed: {m.get('failed')}"
        return f"{shape:<20} {m['bytes']:>11,} {stopped}"
    ratio = f"{m['cpu_ratio']:>5.2f} {m['mem_ratio']:>5.2f}" if "cpu_ratio" in m else f"{'':>5} {'':>5}"
    ok = "ok" if m["wall"] <= VERDICT[0] and m["peak_mb"] <= VERDICT[1] else "OVER"
    return (f"{shape:<20} {m['bytes']:>11,} {m['wall']:>7.2f} {m['cpu']:>7.2f} {m['peak_mb']:>7.0f} "
            f"{m['grew_mb']:>7.0f} {ratio}  {ok:<4} {m['outcome']}")  # fmt: skip


def growth(
    limit: float,
    top: int,
    shapes: list[str] | None = None,
    smallest: int = 1 << 20,
    against: str | None = None,
    repeat: int = 3,
) -> None:
    """Each shape at doubling sizes up to ``top`` bytes: seconds, peak MB, growth ratios and the verdict."""
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores (shared machine)")
    print(f"median of {repeat} runs per size, each in a fresh process; seconds and memory of the load alone"
          " (the interpreter and modules loaded before)")  # fmt: skip
    print(f"verdict: ok when wall <= {VERDICT[0]:.0f} s and peak <= {VERDICT[1]:.0f} MB; ratios: CPU time and memory"
          " growth over the size before (2 is linear, 4 quadratic)")  # fmt: skip
    print(f"{'shape':<20} {'bytes':>11} {'wall s':>7} {'cpu s':>7} {'peak MB':>7} {'grew MB':>7} {'cpu×':>5} {'mem×':>5}"
          "  verdict, outcome")  # fmt: skip
    sizes = []
    size = top
    while size >= smallest:
        sizes.insert(0, size)
        size //= 2
    with tempfile.TemporaryDirectory(prefix="upheaval-baseline-") as tmp_name:
        versions = {"": ROOT / "src"}
        if against:
            versions = {"(this)": ROOT / "src", f"({against})": baseline_src(Path(tmp_name), against)}
        growth_rows(shapes or list(SHAPES), sizes, limit, versions=versions, repeat=repeat)


def bomb() -> str:
    """The billion laughs: 9 levels of 9 aliases, the last used as the title."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "id: bomb\n" + "\n".join(lines) + "\ntitle: *i\nas_of: 2024-11\n"


def baseline_src(tmp: Path, commit: str = BASELINE) -> Path:
    """The ``src`` folder of a baseline commit, extracted with git archive."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True).stdout
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
    parser.add_argument("--smallest", type=int, default=1 << 20, help="smallest size of --growth, in bytes")
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="--growth of this shape only")
    parser.add_argument("--against", help="--growth of this commit's code too, in the same run (e.g. 159d597)")
    opts = parser.parse_args()
    if opts.growth:
        growth(opts.limit, opts.top, opts.shape, opts.smallest, opts.against, opts.repeat)
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
