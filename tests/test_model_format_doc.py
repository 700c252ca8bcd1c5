"""The reference page docs/model-format.md against the format's JSON Schema: every field documented, every example valid."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from upheaval.model import parse_yaml
from upheaval.model._jsonschema import system_json_schema
from upheaval.model._schema import TIE_KINDS

DOC = Path(__file__).resolve().parents[1] / "docs" / "model-format.md"
SCHEMA = system_json_schema()
DEFS = {"System": SCHEMA, **SCHEMA["$defs"]}


def _sections() -> dict[str, str]:
    """The page's `## Name` sections, by name."""
    parts = re.split(r"^## (\S+)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return {parts[k]: parts[k + 1] for k in range(1, len(parts), 2)}


def _table_fields(body: str) -> list[str]:
    return re.findall(r"^\| `([^`]+)` \|", body, flags=re.M)


def _examples() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"<!-- example: (\w+) -->\n```yaml\n(.*?)```", text, flags=re.S)


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("name", sorted(DEFS))
def test_every_part_of_the_schema_has_a_section_listing_exactly_its_fields(name: str) -> None:
    sections = _sections()
    assert name in sections, f"docs/model-format.md has no section `## {name}`"
    documented = [f for f in _table_fields(sections[name]) if f not in TIE_KINDS]
    assert documented == list(DEFS[name]["properties"]), (
        f"## {name}: documented fields {documented} differ from the schema's {list(DEFS[name]['properties'])}"
    )


def test_no_section_documents_a_part_the_schema_lacks() -> None:
    assert set(_sections()) - set(DEFS) == {"Errors"}


def test_every_built_in_tie_kind_is_documented_with_its_sign() -> None:
    from upheaval.model._schema import HOSTILE_KINDS

    rows = dict(re.findall(r"^\| `(\w+)` \| (cooperative|hostile) \|", _sections()["Tie"], flags=re.M))
    assert sorted(rows) == sorted(TIE_KINDS)
    assert {k for k, sign in rows.items() if sign == "hostile"} == set(HOSTILE_KINDS)


def test_every_part_has_an_example() -> None:
    assert {name for name, _ in _examples()} == set(DEFS)


@pytest.mark.parametrize(("name", "body"), _examples(), ids=[n for n, _ in _examples()])
def test_examples_validate_against_the_schema(name: str, body: str) -> None:
    schema = SCHEMA if name == "System" else {"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]}
    data = _plain(yaml.safe_load(body))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert not errors, [e.message for e in errors]
    if name == "System":
        parse_yaml(body, "example.yaml")  # the loader's own checks too


def test_the_schema_refuses_an_example_spoiled() -> None:
    """The example check can fail: an unknown field in a documented example is caught."""
    body = next(b for n, b in _examples() if n == "Tie")
    data = _plain(yaml.safe_load(body)) | {"colour": "red"}
    schema = {"$ref": "#/$defs/Tie", "$defs": SCHEMA["$defs"]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_readme_model_example_is_a_valid_model() -> None:
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The model format", 1)[1]
    body = re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(_plain(yaml.safe_load(body))))
    system = parse_yaml(body, "README.md")
    assert system.indicators and system.periods and system.futures and system.tie_kinds
