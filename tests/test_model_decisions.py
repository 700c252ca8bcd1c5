"""The model format's `held_by:` on descriptors and `shocks:`: loading, located errors, schema, .scw losses."""

from __future__ import annotations

from pathlib import Path

import pytest

from upheaval.errors import ModelError
from upheaval.model import dump_yaml, parse_yaml
from upheaval.model._jsonschema import system_json_schema

STRAIT = Path(__file__).parent / "data" / "decisions" / "strait.yaml"


def _problems(text: str) -> list:
    with pytest.raises(ModelError) as info:
        parse_yaml(text, "m.yaml")
    return info.value.problems


def test_held_by_and_shocks_load_and_round_trip() -> None:
    text = STRAIT.read_text()
    system = parse_yaml(text)
    assert system.descriptor("talks").held_by == ["AAA", "BBB"]
    assert system.descriptor("trade").held_by == []
    collision = system.shock("collision")
    assert collision.fix == {"relations": "crisis"} and collision.impacts[0].values == {"aggressive": {"collapse": 2}}
    assert [s.id for s in system.shocks] == ["collision", "mediator-leaves"]
    assert dump_yaml(system) == text


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ("held_by: [AAA, BBB]", "held_by: [AAA, BXB]", "unknown-reference", "descriptors[0].held_by[1]"),
        ("held_by: [CCC]", "held_by: CCC", "list-type", "descriptors[3].held_by"),
        ("fix: {relations: crisis}", "fix: {relation: crisis}", "unknown-reference", "shocks[0].fix.relation"),
        ("fix: {relations: crisis}", "fix: {relations: storm}", "unknown-reference", "shocks[0].fix.relations"),
        ("values: {aggressive: {collapse: 2}}", "values: {aggressive: {collapse: 5}}", "out-of-range",
         "shocks[0].impacts[0].values.aggressive.collapse"),
        ("      - from: patrols\n        to: talks", "      - from: patrol\n        to: talks", "unknown-reference",
         "shocks[0].impacts[0].from"),
        ("    fix: {mediator: absent}", "    description: Nothing forced.", "value-error", "shocks[1]"),
        ("  - id: mediator-leaves", "  - id: collision", "duplicate-id", "shocks[1].id"),
        ("section: Analysis, paragraph: 2}]\n  - id: mediator", "section: Analysys, paragraph: 2}]\n  - id: mediator",
         "unknown-section", "shocks[0].cites[0].section"),
        ("    label: The mediator withdraws\n", "", "missing", "shocks[1].label"),
    ],
)  # fmt: skip
def test_problems_in_held_by_and_shocks_are_located(old: str, new: str, code: str, field: str) -> None:
    text = STRAIT.read_text()
    bad = text.replace(old, new)
    assert bad != text
    found = _problems(bad)
    assert (code, field) in [(p.code, p.field) for p in found], [(p.code, p.field, p.message) for p in found]
    problem = next(p for p in found if (p.code, p.field) == (code, field))
    line = text[: text.index(old)].count("\n") + 1  # where the change starts
    assert problem.line > 0 and abs(problem.line - line) <= 2


def test_a_shock_that_does_nothing_says_what_it_needs() -> None:
    text = STRAIT.read_text().replace("    fix: {mediator: absent}", "    description: Nothing forced.")
    problem = next(p for p in _problems(text) if p.field == "shocks[1]")
    assert "`fix`" in problem.message and "`impacts`" in problem.message


def test_the_schema_describes_held_by_and_shocks() -> None:
    schema = system_json_schema()
    assert "shocks" in schema["properties"]
    fields = {"id", "label", "description", "fix", "impacts", "rationale", "cites"}
    assert set(schema["$defs"]["Shock"]["properties"]) == fields
    assert schema["$defs"]["Descriptor"]["properties"]["held_by"]["type"] == "array"


def test_scw_says_it_loses_shocks_and_holders() -> None:
    from upheaval.formats._scw import scw_losses

    lost = scw_losses(parse_yaml(STRAIT.read_text()))
    assert "2 shocks" in lost and "who holds 3 descriptors (held_by)" in lost
