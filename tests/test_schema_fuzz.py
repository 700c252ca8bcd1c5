"""Models generated from the format's own JSON Schema (``upheaval schema``): valid shapes and near-misses.

Each generated document is written as YAML and loaded: it loads, or every problem is a located
``ModelError`` (a line, a code) and ``validate`` exits 2; never another exception, never past
the time bound. Near-misses take a generated shape and break one thing: a field set to null,
to a wrong type or to a huge value, a required field removed, an unknown field added.

The strategy is our own walk of the schema (objects, arrays, strings with their patterns,
bounded numbers, enums, ``anyOf``, ``$ref``): hypothesis-jsonschema, the library for this,
fails with the Hypothesis release the project uses. ``-m slow`` runs many more cases.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from upheaval.cli import app
from upheaval.errors import ModelError
from upheaval.model import parse_yaml
from upheaval.model._jsonschema import system_json_schema

SCHEMA = system_json_schema()
DEFS = SCHEMA.get("$defs", {})
SECONDS = 10.0
LOCATED = re.compile(r"--> [^\n]+:\d+:\d+")
IDS = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)


def _strategy(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy:
    """Values matching the schema ``node`` (a best effort: patterns and bounds kept, cross-references not)."""
    if "$ref" in node:
        return st.deferred(lambda: _strategy(DEFS[node["$ref"].rsplit("/", 1)[-1]], depth + 1))
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return st.one_of([_strategy(n, depth) for n in node[key]])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of([_strategy({**node, "type": k}, depth) for k in kind])
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        if depth > 4:  # deep optional parts left out: the shapes stay small
            props = {k: v for k, v in props.items() if k in required}
        fixed = {k: _strategy(v, depth + 1) for k, v in props.items() if k in required}
        optional = {k: _strategy(v, depth + 1) for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(fixed, optional=optional)
    if kind == "array":
        items = node.get("items", {})
        low = node.get("minItems", 0)
        return st.lists(_strategy(items, depth + 1), min_size=low, max_size=max(low, 3 if depth < 3 else 1))
    if kind == "string":
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: len(s) < 60)
        return st.one_of(IDS, st.text(min_size=node.get("minLength", 0), max_size=min(node.get("maxLength", 20), 20)))
    if kind == "integer":
        low = node.get("minimum", node.get("exclusiveMinimum", -5) + ("exclusiveMinimum" in node))
        high = node.get("maximum", node.get("exclusiveMaximum", 10) - ("exclusiveMaximum" in node))
        return st.integers(min_value=low, max_value=max(low, high))
    if kind == "number":
        return st.floats(min_value=node.get("minimum", -10.0), max_value=node.get("maximum", 10.0))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return st.one_of(st.none(), IDS, st.integers(-3, 3))


VALID = _strategy(SCHEMA)
BREAKS = [None, "", -1, 10**30, 1.5, "x" * 300, [], {}, [None], {"unknown_field": 1}, True]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:4]):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def near_miss(draw: st.DrawFn) -> Any:
    """A generated shape with one thing broken."""
    data = draw(VALID)
    paths = [p for p in _paths(data) if p]
    if not paths:
        return data
    path = draw(st.sampled_from(paths))
    node = data
    for key in path[:-1]:
        node = node[key]
    kind = draw(st.sampled_from(["replace", "delete", "unknown"]))
    event(f"near miss: {kind}")
    if kind == "replace":
        node[path[-1]] = draw(st.sampled_from(BREAKS))
    elif kind == "delete":
        del node[path[-1]]
    elif isinstance(node, dict):
        node["not_a_field"] = 1
    return data


def _load(data: Any, tmp: Path) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)
    start = time.perf_counter()
    try:
        parse_yaml(text, "m.yaml")
        event("outcome: loads")
    except ModelError as exc:
        event(f"outcome: refused: {exc.problems[0].code}")
        assert exc.problems
        for p in exc.problems:
            assert p.line >= 1, f"problem without a line: {p}"
            assert len(p.message) < 2_000, p.message[:200]
    assert time.perf_counter() - start < SECONDS
    path = tmp / "m.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert LOCATED.search(result.output) or "problem" in result.output, result.output


FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
SLOW = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def test_the_schema_is_the_format_s_own() -> None:
    assert json.loads(json.dumps(SCHEMA))["required"] == ["id", "title", "as_of", "descriptors"]


@FAST
@given(data=st.one_of(VALID, near_miss()))
def test_schema_shapes_load_or_are_refused_at_their_line(data: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    _load(data, tmp_path_factory.mktemp("s"))


@pytest.mark.slow
@SLOW
@given(data=st.one_of(VALID, near_miss()))
def test_schema_shapes_long(data: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    _load(data, tmp_path_factory.mktemp("s"))
