"""upheaval init, upheaval schema, and coverage warnings in validate and analyze."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app
from upheaval.model import builtin_models, coverage
from upheaval.model._jsonschema import system_json_schema

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _plain(value):
    """YAML as JSON sees it (dates as ISO text), the way an editor's YAML 1.2 parser reads a model."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _validator() -> jsonschema.Draft202012Validator:
    schema = system_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_init_writes_a_model_that_validates_and_analyses(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "red-sea")
    assert result.exit_code == 0, result.output
    path = tmp_path / "red-sea.yaml"
    system = load(path)
    assert system.id == "red-sea"
    assert len(system.actors) == 2 and len(system.descriptors) == 3 and system.claims and system.indicators
    assert any(t.amount is not None for t in system.ties)  # a tie with a figure
    assert any(imp.rows for imp in system.impacts)  # per-row rationales
    assert coverage(system) == []  # the starting point shows how a complete model looks
    text = path.read_text()
    assert text.count("#") > 20  # commented
    analysed = run("analyze", str(path))
    assert analysed.exit_code == 0, analysed.output
    assert "claims: 1 of 1 pass" in analysed.output
    assert run("check", str(path)).exit_code == 0


def test_init_claim_can_fail(tmp_path: Path) -> None:
    """The template's claim is a real check: turn the judgement round and it fails."""
    assert run("init", str(tmp_path / "m.yaml")).exit_code == 0
    text = (tmp_path / "m.yaml").read_text()
    text = text.replace("collapse: {calm: -2, crisis: 2}", "collapse: {calm: 3, crisis: -3}")
    (tmp_path / "m.yaml").write_text(text)
    assert run("check", str(tmp_path / "m.yaml")).exit_code == 1


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("my work\n")
    result = run("init", str(path))
    assert result.exit_code == 2
    assert "exists already" in result.output and "--force" in result.output
    assert path.read_text() == "my work\n"
    assert run("init", str(path), "--force").exit_code == 0
    assert load(path).id == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_init_into_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "nowhere" / "m.yaml"))
    assert result.exit_code == 2 and "no folder" in result.output


def test_schema_prints_json_schema_that_validates_every_builtin_model_and_the_template(tmp_path: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == system_json_schema()
    validator = _validator()
    for path in builtin_models().values():
        errors = list(validator.iter_errors(_plain(yaml.safe_load(path.read_text()))))
        assert not errors, [e.message for e in errors[:3]]
    run("init", str(tmp_path / "m.yaml"))
    assert not list(validator.iter_errors(_plain(yaml.safe_load((tmp_path / "m.yaml").read_text()))))


def test_schema_rejects_what_the_loader_rejects() -> None:
    validator = _validator()
    base = _plain(yaml.safe_load(builtin_models()["dprk-ukraine-2024"].read_text()))
    bad = json.loads(json.dumps(base))
    bad["ties"][0]["colour"] = "red"  # unknown field
    assert list(validator.iter_errors(bad))
    bad = json.loads(json.dumps(base))
    del bad["as_of"]  # required
    assert list(validator.iter_errors(bad))
    bad = json.loads(json.dumps(base))
    bad["ties"][0]["status"] = "rumoured"
    assert list(validator.iter_errors(bad))


def test_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "model.schema.json"
    assert run("schema", "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text())["title"] == "upheaval model"


def test_validate_and_analyze_show_coverage_warnings_without_changing_the_exit_code(tmp_path: Path) -> None:
    run("init", str(tmp_path / "m.yaml"))
    path = tmp_path / "m.yaml"
    text = path.read_text().replace(
        "  - {code: BBB, name: Country B, camp: south}\n",
        "  - {code: BBB, name: Country B, camp: south}\n  - {code: CCC, name: Country C}\n",
    )
    path.write_text(text)
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "warning" in result.output and "isolated-actor" in result.output and "CCC" in result.output
    result = run("analyze", str(path))
    assert result.exit_code == 0 and "isolated-actor" in result.output


@pytest.mark.parametrize("command", ["validate", "analyze"])
def test_builtin_model_shows_no_warning(command: str) -> None:
    args = [command, "dprk-ukraine-2024"]
    result = run(*args)
    assert result.exit_code == 0
    assert "warning[" not in result.output
