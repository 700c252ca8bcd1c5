"""Hostile and broken model files: a located ModelError and exit 2, never a traceback, in bounded time.

The reproducers are the cases a fuzz campaign found; the property tests mutate real files
(tests/data/tiny.yaml, the built-in model, the ScenarioWizard oracles) textually and
structurally. Run ``pytest tests/test_hostile_input.py --hypothesis-show-statistics`` to
see the cases tried by kind; ``-m slow`` runs thousands.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app
from upheaval.errors import ModelError
from upheaval.model import builtin_models, parse_yaml
from upheaval.model._limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_INT_DIGITS, MAX_VARIANTS

ROOT = Path(__file__).parent.parent
TINY = (Path(__file__).parent / "data" / "tiny.yaml").read_bytes()
BUILTIN = builtin_models()["dprk-ukraine-2024"].read_bytes()
ORACLES = Path(__file__).parent / "data" / "scenariowizard"
SCW = {p.name: p.read_bytes() for p in sorted(ORACLES.glob("*.scw"))} if ORACLES.is_dir() else {}
LOCATED = re.compile(r"--> [^\n]+:\d+:\d+")
SECONDS = 10.0  # per case: the cases take milliseconds; the bound catches hangs (the alias bomb ran for minutes), not load spikes


def _bomb() -> str:
    """The 572-byte billion laughs: 9 levels of 9 aliases each, the last used as the title."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "id: bomb\n" + "\n".join(lines) + "\ntitle: *i\nas_of: 2024-11\ndescriptors: []\n"


BOMB = _bomb()


def _tiny_with(old: str, new: str) -> bytes:
    text = TINY.decode()
    assert old in text
    return text.replace(old, new, 1).encode()


def _variants(n: int) -> str:
    rows = "\n".join(f"      - {{id: v{j}, label: V{j}}}" for j in range(n))
    return f"id: m\ntitle: Many\nas_of: 2024\ndescriptors:\n  - id: d\n    label: D\n    variants:\n{rows}\n"


def _scw_with_cell(cell: str) -> bytes:
    text = SCW["CIB_global.scw"].decode()
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if line.count(",") > 3)
    cells = lines[row].split(",")
    cells[1] = cell
    lines[row] = ",".join(cells)
    return "\n".join(lines).encode()


def _check(path: Path) -> ModelError | None:
    """Load ``path`` in-process: either it loads, or a ModelError whose every problem has a line."""
    start = time.perf_counter()
    try:
        load(path)
        error = None
    except ModelError as exc:
        error = exc
        assert exc.problems, "a ModelError names at least one problem"
        for p in exc.problems:
            assert p.line >= 1, f"problem without a location: {p}"
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{path.name} took {elapsed:.1f} s"
    return error


def _cli(path: Path) -> None:
    """``upheaval validate`` (in-process): exit 0 or 2 with file:line:col, never an exception."""
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert LOCATED.search(result.output), result.output


# --- the reproducers -------------------------------------------------------------------------------------------

REPRODUCERS = {
    "alias-bomb.yaml": (BOMB.encode(), "alias-limit"),
    "descriptors-negative.yaml": (b"id: x\ntitle: t\nas_of: 2024\ndescriptors: -1\n", "list-type"),
    "variants-huge-float.yaml": (
        _tiny_with(
            "    variants:\n      - {id: lo, label: Low}\n      - {id: hi, label: High}\n  - id: y",
            "    variants: 1.0e+308\n  - id: y",
        ),
        "list-type",
    ),
    "nested-maps-1200.yaml": (
        _tiny_with("title: Tiny test system", "title: " + "{a: " * 1200 + "1" + "}" * 1200),
        "too-deep",
    ),
    "nested-lists-1200.yaml": (_tiny_with("title: Tiny test system", "title: " + "[" * 1200 + "]" * 1200), "too-deep"),
    "nested-lists-100000.yaml": (
        _tiny_with("title: Tiny test system", "title: " + "[" * 100_000 + "]" * 100_000),
        "too-deep",
    ),
    "integer-5000-digits.yaml": (_tiny_with("amount: 5 ", "amount: " + "7" * 5000 + " "), "too-large"),
    "variants-100000.yaml": (_variants(100_000).encode(), "too-many"),
    "invalid-utf8.yaml": (
        TINY.replace(b"Factor Y", b"Factor \xff Y"),
        "encoding",
    ),
    "control-character.yaml": (_tiny_with("Factor Y", "Factor \x07 Y"), "control-character"),
    "nul-byte.yaml": (_tiny_with("Factor Y", "Factor \x00 Y"), "control-character"),
    "bad-date.yaml": (_tiny_with("as_of: 2024-11-30", "as_of: 2024-13-45"), "bad-date"),
    "python-tag.yaml": (_tiny_with("title: Tiny test system", "title: !!python/object:os.system echo"), "yaml-tag"),
    "recursive-alias.yaml": (_tiny_with("title: Tiny test system", "title: &r [*r]"), "bad-alias"),
}
if SCW:
    REPRODUCERS |= {
        "cell-100.scw": (_scw_with_cell(" 100 "), "out-of-range"),
        "cell-2-63.scw": (_scw_with_cell(f" {2**63} "), "bad-cell"),
        "cell-underscore.scw": (_scw_with_cell(" 1_0 "), "bad-cell"),
        "cell-arabic-digit.scw": (_scw_with_cell(" \u0661 "), "bad-cell"),
        "scw-control-character.scw": (SCW["CIB_global.scw"].replace(b"\n", b"\x01\n", 3), "control-character"),
        "scw-many-variants.scw": (
            b"$ ScenarioWizard 4.0\r\nx.scw\r\n&D\r\n" + b" -v\r\n" * (MAX_VARIANTS + 1) + b"#\r\n",
            "too-many",
        ),
    }


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_reproducer_is_a_located_error(name: str, tmp_path: Path) -> None:
    raw, code = REPRODUCERS[name]
    path = tmp_path / name
    path.write_bytes(raw)
    error = _check(path)
    assert error is not None
    assert error.problems[0].code == code, error.render()
    _cli(path)


def test_the_bomb_is_refused_in_milliseconds() -> None:
    assert len(BOMB.encode()) < 600  # about the size of the fuzz campaign's 572-byte file
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        parse_yaml(BOMB, "bomb.yaml")
    assert time.perf_counter() - start < 0.5
    assert f"more than {MAX_ALIAS_NODES:,} values" in info.value.render()


def test_limits_are_named_in_the_message(tmp_path: Path) -> None:
    for name, limit in [
        ("nested-maps-1200.yaml", f"more than {MAX_DEPTH} levels"),
        ("integer-5000-digits.yaml", f"limited to {MAX_INT_DIGITS}"),
        ("variants-100000.yaml", f"more than {MAX_VARIANTS} variants"),
        ("invalid-utf8.yaml", "at byte offset"),
    ]:
        path = tmp_path / name
        path.write_bytes(REPRODUCERS[name][0])
        with pytest.raises(ModelError) as info:
            load(path)
        assert limit in info.value.render()


def test_a_few_aliases_still_load() -> None:
    text = TINY.decode().replace(
        "      - {source: doc, section: Intro, paragraph: 1}", "      - &c {source: doc, section: Intro, paragraph: 1}"
    )
    text = text.replace("      - {source: doc, section: Body, paragraph: 2}", "      - *c")
    system = parse_yaml(text)
    assert system.impacts[0].cites[0].section == "Intro"


@pytest.mark.parametrize("name", ["alias-bomb.yaml", "nested-lists-100000.yaml", "cell-2-63.scw"])
def test_cli_exits_2_without_a_traceback(name: str, tmp_path: Path) -> None:
    if name not in REPRODUCERS:
        pytest.skip("the ScenarioWizard oracles are not beside the repository")
    path = tmp_path / name
    path.write_bytes(REPRODUCERS[name][0])
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "upheaval", "validate", str(path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{path}:" in proc.stderr and LOCATED.search(proc.stderr)
    assert time.perf_counter() - start < 30  # start-up included; the refusal itself takes milliseconds


# --- generated mutations ---------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufeff", "\r", "\t", "\n", "\r\n", "'", '"', "{", "}", "[", "]", ":", ": ",
    "- ", "&a ", "*a", "*zz", "!!str ", "!!python/name:os.system ", "<<: *a", "#", "%YAML 1.1\n", "---\n", "...\n",
    "1_0", "2024-02-30", "-1", "1.0e+308", "1e999", ".nan", "9" * 40, "\U0001f600", "\ud7ff", "é",
]  # fmt: skip
HOSTILE_VALUES = [
    -1, 0, 1.0e308, float("inf"), 10**30, "", "x" * 200, [], {}, [[[[1]]]], {"a": {"a": {"a": 1}}}, None, True,
    "2024-13-45", [1, 2, 3], {"id": 3}, "a b",
]  # fmt: skip
BAD_BYTES = [b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"]


@st.composite
def text_mutation(draw: st.DrawFn, base: bytes) -> bytes:
    """Delete, insert, duplicate or cut at random places (byte level, so invalid UTF-8 too)."""
    raw = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "bytes", "duplicate-line", "truncate", "swap-lines"]))
        event(f"text: {kind}")
        at = draw(st.integers(0, len(raw)))
        if kind == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            raw[at:at] = draw(st.sampled_from(HOSTILE_TEXT)).encode("utf-8", "surrogatepass")
        elif kind == "bytes":
            raw[at:at] = draw(st.sampled_from(BAD_BYTES))
        elif kind == "truncate":
            del raw[at:]
        else:
            lines = bytes(raw).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "duplicate-line":
                lines.insert(i, lines[i])
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            raw = bytearray(b"\n".join(lines))
    return bytes(raw)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:6]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def structural_mutation(draw: st.DrawFn, base: bytes) -> bytes:
    """Replace, delete or repeat a node of the parsed model, then write it back as YAML."""
    data = yaml.safe_load(base)
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            kind = draw(st.sampled_from(["replace", "delete", "repeat", "nest"]))
            event(f"structure: {kind}")
            if kind == "replace":
                node[path[-1]] = draw(st.sampled_from(HOSTILE_VALUES))
            elif kind == "delete":
                del node[path[-1]]
            elif kind == "repeat":
                node[path[-1]] = [node[path[-1]]] * draw(st.sampled_from([2, 60, 2000]))
            else:
                value = node[path[-1]]
                for _ in range(draw(st.sampled_from([3, 50]))):
                    value = {"a": value} if draw(st.booleans()) else [value]
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # the path went away with an earlier mutation
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096).encode()


SCW_CELLS = [" 100 ", f" {2**63} ", " 1_0 ", " \u0661 ", " ", "", " - ", " 1 2 ", " 1.5 ", " -99 ", " +3 ", " 0x1 "]


@st.composite
def scw_mutation(draw: st.DrawFn) -> bytes:
    """A ScenarioWizard oracle with hostile cells, lines or bytes."""
    raw = SCW[draw(st.sampled_from(sorted(SCW)))]
    kind = draw(st.sampled_from(["cell", "line", "text", "variants"]))
    event(f"scw: {kind}")
    lines = raw.split(b"\n")
    if kind == "cell":
        rows = [i for i, line in enumerate(lines) if line.count(b",") > 2]
        i = draw(st.sampled_from(rows))
        cells = lines[i].split(b",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(SCW_CELLS)).encode()
        lines[i] = b",".join(cells)
    elif kind == "line":
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "hash", "amp"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines.insert(i, b"#" if op == "hash" else b"&Extra")
    elif kind == "variants":
        i = next(i for i, line in enumerate(lines) if line.startswith(b"&"))
        lines[i + 1 : i + 1] = [b" -v\r"] * draw(st.sampled_from([1, 60, 4000]))
    else:
        return draw(text_mutation(raw))
    return b"\n".join(lines)


def _run_case(raw: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"case{suffix}"
    path.write_bytes(raw)
    error = _check(path)
    event("outcome: " + ("loads" if error is None else "refused: " + error.problems[0].code))
    _cli(path)


FAST = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), database=None)
SLOW = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@FAST
@given(raw=st.one_of(text_mutation(TINY), structural_mutation(TINY)))
def test_mutated_tiny_model(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run_case(raw, ".yaml", tmp_path_factory.mktemp("m"))


@settings(FAST, max_examples=15)
@given(raw=st.one_of(text_mutation(BUILTIN), structural_mutation(BUILTIN)))
def test_mutated_builtin_model(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run_case(raw, ".yaml", tmp_path_factory.mktemp("b"))


@pytest.mark.skipif(not SCW, reason="the ScenarioWizard oracles are not beside the repository")
@FAST
@given(raw=scw_mutation())
def test_mutated_scw(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run_case(raw, ".scw", tmp_path_factory.mktemp("s"))


@pytest.mark.slow
@SLOW
@given(raw=st.one_of(text_mutation(TINY), structural_mutation(TINY), text_mutation(BUILTIN)))
def test_mutated_models_long(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run_case(raw, ".yaml", tmp_path_factory.mktemp("m"))


@pytest.mark.slow
@pytest.mark.skipif(not SCW, reason="the ScenarioWizard oracles are not beside the repository")
@SLOW
@given(raw=scw_mutation())
def test_mutated_scw_long(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run_case(raw, ".scw", tmp_path_factory.mktemp("s"))
