"""Loading stays linear up to the limits: each limit refuses the first item past it, located; the cost of the
worst file of each shape grows linearly with its size (bench/bench_load.py), and within 10 s and 1 GB at 32 MB."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import upheaval.model._limits as limits
from upheaval import load
from upheaval.errors import ModelError, Problem
from upheaval.model import coverage, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402  (the benchmark's generators and its measurement in a fresh process)

TINY = (Path(__file__).parent / "data" / "tiny.yaml").read_text()


def _refused(text: str) -> Problem:
    with pytest.raises(ModelError) as info:
        parse_yaml(text, "m.yaml")
    (problem,) = info.value.problems
    return problem


def test_the_documented_limits_are_the_ones_in_force() -> None:
    doc = (ROOT / "docs" / "model-format.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([a-zA-Z -]+?) \| ([\d,]+)(?: bytes)? \|", doc, flags=re.M))
    expected = {
        "file size": limits.MAX_FILE_BYTES, "values": limits.MAX_NODES, "nesting": limits.MAX_DEPTH,
        "text": limits.MAX_STRING, "integer": limits.MAX_INT_DIGITS, "aliases": limits.MAX_ALIAS_NODES,
        "descriptors": limits.MAX_DESCRIPTORS, "variants": limits.MAX_VARIANTS,
        "variants in all": limits.MAX_TOTAL_VARIANTS, "judgement sections": limits.MAX_SECTIONS,
        "mapping entries": limits.MAX_ENTRIES, "unknown top-level fields": limits.MAX_UNKNOWN_FIELDS,
        "round-trip YAML": limits.ROUND_TRIP_BYTES,
        **{part.replace("_", " "): n for part, n in limits.MAX_ITEMS.items()},
    }  # fmt: skip
    assert {k: int(v.replace(",", "")) for k, v in table.items()} == expected


_CELLS = [("x", "y", "lo", "lo"), ("x", "y", "lo", "hi"), ("x", "y", "hi", "lo"), ("x", "y", "hi", "hi"),
          ("y", "x", "lo", "lo")]  # fmt: skip


@pytest.mark.parametrize(
    ("part", "row"),
    [
        ("actors", "  - {{code: A{0:05d}, name: Actor {0}, own_code: true}}".format),
        ("ties", "  - {{id: t{0}, from: AAA, to: BBB, kind: aid}}".format),
        ("futures", "  - {{id: f{0}, name: F{0}, match: {{x: lo}}}}".format),
        ("claims", "  - {{id: C{0}, text: Claim {0}, check: {{kind: exists, match: {{x: lo}}}}}}".format),
        ("sources", "  - {{id: s{0}, title: Source {0}}}".format),
        ("impacts", lambda i: "  - {{from: {}, to: {}, values: {{{}: {{{}: 1}}}}}}".format(*_CELLS[i])),
    ],
)
def test_each_list_is_refused_at_its_first_item_past_the_limit(part: str, row, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 3
    what = limits._ITEM_LIMITS[(part,)]
    monkeypatch.setitem(limits._ITEM_LIMITS, (part,), (limit, *what[1:]))
    head = [
        "id: m", "title: M", "as_of: 2024", "descriptors:",
        "  - {id: x, label: X, variants: [{id: lo, label: Lo}, {id: hi, label: Hi}]}",
        "  - {id: y, label: Y, variants: [{id: lo, label: Lo}, {id: hi, label: Hi}]}",
    ]  # fmt: skip
    if part != "actors":
        head += ["actors: [{code: AAA, name: A}, {code: BBB, name: B}]"]
    rows = [row(i) for i in range(limit + 2)]
    text = "\n".join([*head, f"{part}:", *rows]) + "\n"
    assert parse_yaml("\n".join([*head, f"{part}:", *rows[:limit]]) + "\n").id == "m"  # at the limit: loads
    problem = _refused(text)
    assert problem.code == "too-many" and f"more than {limit}" in problem.message, problem
    line = text.splitlines().index(rows[limit]) + 1
    assert (problem.line, problem.column) == (line, 5), problem  # where the item starts, after `  - `
    assert problem.source_line == rows[limit] and problem.help


def test_a_mapping_with_too_many_entries_is_refused_at_the_first_past_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ENTRIES", 12)  # the tiny model's tie has 8 fields
    entries = [f"      k{i}: lo" for i in range(14)]
    text = TINY + "futures:\n  - id: f\n    name: F\n    match:\n" + "\n".join(entries) + "\n"
    problem = _refused(text)
    assert problem.code == "too-many" and "entries in one mapping" in problem.message
    assert problem.line == text.splitlines().index(entries[12]) + 1


def test_too_many_values_are_refused_where_the_count_passes_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_NODES", 200)
    text = TINY + "futures:\n" + "".join(f"  - {{id: f{i}, name: F, match: {{x: lo}}}}\n" for i in range(40))
    problem = _refused(text)
    assert problem.code == "too-large" and "more than 200 values" in problem.message
    assert 1 < problem.line < len(text.splitlines())


def test_a_merge_key_is_read_in_a_small_file_and_refused_in_a_large_one() -> None:
    merged = TINY.replace(
        "descriptors:\n", "base: &b {label: Factor X}\ndescriptors:\n", 1
    )  # an unknown field holding an anchor
    small = merged.replace("  - id: x\n    label: Factor X\n", "  - <<: *b\n    id: x\n", 1)
    assert "<<" in small
    with pytest.raises(ModelError) as info:
        parse_yaml(small, "m.yaml")
    problems = info.value.problems
    assert [p.code for p in problems] == ["extra-forbidden"]  # the merge worked; only `base` is unknown
    large = small + "# padding\n" * (limits.ROUND_TRIP_BYTES // 10)
    problem = _refused(large)
    assert problem.code == "too-large" and "merge key" in problem.message
    assert problem.line == small.splitlines().index("  - <<: *b") + 1 and problem.column == 5


def test_a_syntax_error_in_a_large_file_is_located_by_the_c_parser() -> None:
    text = TINY + "# padding\n" * (limits.ROUND_TRIP_BYTES // 10) + "notes: [unclosed\n"
    problem = _refused(text)
    assert problem.code == "yaml-syntax" and problem.line >= len(text.splitlines()) - 1


def test_a_located_problem_in_a_large_file_names_its_line_column_and_source() -> None:
    """The located path reads positions from the C parser's marks: the same location as the round-trip parser's."""
    rows = [f"  - {{id: f{i}, name: Future {i}, match: {{x: lo}}}}" for i in range(5_000)]
    rows[4_321] = "  - {id: f4321, name: Future, match: {x: nowhere}}"
    text = TINY + "futures:\n" + "\n".join(rows) + "\n"
    problem = _refused(text)
    line = text.splitlines().index(rows[4_321]) + 1
    assert (problem.code, problem.line, problem.column) == ("unknown-reference", line, rows[4_321].index("nowhere") + 1)
    assert problem.source_line == rows[4_321] and problem.field == "futures[4321].match.x"


def test_warnings_in_a_large_file_are_located_without_the_round_trip_parser(tmp_path: Path) -> None:
    """A warning's file:line in a file read on the fast path comes from the C parser's marks: the round-trip
    document (whose cost grows faster than the file) is never built."""
    rows = [
        f"  - {{id: C{i}, text: Claim {i}, check: {{kind: implies, given: {{x: lo}}, then: {{y: lo}}}}}}"
        for i in range(5_000)
    ]
    text = TINY.split("claims:")[0] + "claims:\n" + "\n".join(rows) + "\n"
    assert len(text) > limits.ROUND_TRIP_BYTES
    path = tmp_path / "old-keys.yaml"
    path.write_text(text)
    system = load(path)
    findings = [f for f in coverage(system) if f.code == "claim-key"]
    assert len(findings) == 5_000
    assert findings[4_321].location == f"{path}:{text.splitlines().index(rows[4_321]) + 1}"
    assert system._document._doc is None


def test_a_dense_scw_with_more_judged_cells_than_values_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import upheaval.formats._scw as scw

    monkeypatch.setattr(scw, "MAX_NODES", 100)
    path = tmp_path / "dense.scw"
    path.write_bytes(bench_load.dense_scw(6))  # 144 judged cells
    with pytest.raises(ModelError) as info:
        load(path)
    problem = info.value.problems[0]
    assert problem.code == "too-many" and "144 cells" in problem.message and problem.line > 1


# --- growth: each shape at doubling sizes, in a fresh process per load ---------------------------------------------

GROWTH_SHAPES = ["many actors", "many ties", "many sections", "sections, all wrong", "largest valid", "deep nesting",
                 "dense .scw"]  # fmt: skip
GROWTH_SIZES = [128 << 10, 256 << 10, 512 << 10]
PER_DOUBLING = 2.6  # 2 is linear, 4 quadratic


def _per_doubling(rows: list[dict], key: str) -> float:
    """The growth per doubling of ``key`` from the smallest size to the largest (their geometric mean)."""
    first, last = max(rows[0][key], 1e-3), max(rows[-1][key], 1e-3)
    return (last / first) ** (1 / (len(rows) - 1))


@pytest.mark.parametrize("shape", GROWTH_SHAPES)
def test_loading_time_and_memory_grow_linearly(shape: str) -> None:
    """CPU time and memory of the load alone, per doubling of the file from 128 kB to 512 kB: 2 is linear, 4
    quadratic. Up to three attempts: a load spike on a shared machine does not repeat on cue; a quadratic cost does."""
    for _ in range(3):
        rows = bench_load.growth_rows([shape], GROWTH_SIZES, limit=120, out=lambda _: None)
        assert all("cpu" in r for r in rows), rows
        assert len({re.sub(r"^\d+ problem|line \d+", "", r["outcome"]) for r in rows}) == 1, rows  # one path
        cpu, memory = _per_doubling(rows, "cpu"), _per_doubling(rows, "grew_mb")
        if cpu < PER_DOUBLING and memory < PER_DOUBLING:
            break
    assert cpu < PER_DOUBLING, [(r["bytes"], r["cpu"]) for r in rows]
    assert memory < PER_DOUBLING, [(r["bytes"], r["grew_mb"]) for r in rows]
    assert memory > 1.5 or rows[-1]["grew_mb"] < 20, rows  # the memory figure measures the load


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(bench_load.SHAPES))
def test_the_32_mb_worst_case_of_each_shape_loads_within_10_s_and_1_gb(shape: str) -> None:
    """Each shape at doubling sizes from 1 MB to 32 MB (the file limit), below its limits and past them: CPU time
    of the load (what it costs on a quiet machine; the wall time under load is printed) and peak memory, and their
    growth: memory at most linear at every doubling, CPU time over the whole span."""
    sizes = [1 << 20 << k for k in range(6)]
    lines: list[str] = []
    rows = bench_load.growth_rows([shape], sizes, limit=120, out=lines.append)
    print("\n".join(lines))
    for r in rows:
        assert "cpu" in r, r
        assert r["cpu"] <= 10 and r["peak_mb"] <= 1024, "\n".join(lines)
        assert r.get("mem_ratio", 0) < PER_DOUBLING, "\n".join(lines)
    assert _per_doubling(rows, "cpu") < PER_DOUBLING, "\n".join(lines)
