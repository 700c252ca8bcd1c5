"""The core commands end to end, through the Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def uh_consistent():
    from upheaval import cib

    return cib.find_consistent(cib.compile_system(load()))


def test_analyze_default_model_shows_scenarios_storylines_and_claims() -> None:
    result = run("analyze")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "dprk-ukraine-2024" in out
    assert f"Consistent scenarios: {len(uh_consistent())} of {load().n_scenarios:,}" in out
    assert "thompson2024 §" not in out  # the summary; storylines on request
    system = load()
    assert f"claims: {len(system.claims)} of {len(system.claims)} pass" in out
    assert "upheaval analyze --storylines" in out  # what to run next
    told = run("analyze", "--storylines").output
    assert "thompson2024 §" in told  # storylines cite their source
    assert told.count("• ") >= len(system.descriptors) * 2


def test_scenarios_json_shape() -> None:
    result = run("scenarios", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "model", "descriptors", "scenarios", "fix", "where", "tolerance", "complete", "seconds", "n_scenarios"
    }  # fmt: skip
    assert data["n_scenarios"] == len(data["scenarios"])
    assert data["model"] == "dprk-ukraine-2024" and data["complete"] is True
    ids = [d["id"] for d in data["descriptors"]]
    system = load()
    assert data["scenarios"], "the built-in model has consistent scenarios"
    assert [sc["label"] for sc in data["scenarios"]] == [f"S{k + 1}" for k in range(len(data["scenarios"]))]
    for sc in data["scenarios"]:
        assert set(sc) == {
            "label", "future", "variants", "indices", "total_impact_score", "inconsistency", "consistency_value"
        }  # fmt: skip
        names = dict(zip(ids, sc["variants"], strict=True))
        future = system.future_of(names)
        assert sc["future"] == (future.name if future else "")
        assert len(sc["variants"]) == len(ids)
        for d, v, k in zip(data["descriptors"], sc["variants"], sc["indices"], strict=True):
            assert d["variants"][k] == v
        assert sc["inconsistency"] == 0


def test_fix_is_an_intervention_and_where_a_restriction() -> None:
    fixed = json.loads(run("scenarios", "--json", "--fix", "front=destabilises").stdout)
    front = [d["id"] for d in fixed["descriptors"]].index("front")
    assert fixed["scenarios"]
    assert fixed["fix"] == {"front": ["destabilises"]} and fixed["where"] == {}
    assert all(sc["variants"][front] == "destabilises" for sc in fixed["scenarios"])
    follow = str(DATA / "follow.yaml")
    out = json.loads(run("scenarios", follow, "--json", "--fix", "a=a2").stdout)
    assert [sc["variants"] for sc in out["scenarios"]] == [["a2", "b2"]]
    assert "No consistent scenario" in run("scenarios", follow, "--where", "a=a2").output
    both = json.loads(run("scenarios", follow, "--json", "--fix", "a=a1,a2").stdout)
    assert both["fix"] == {"a": ["a1", "a2"]}
    assert [sc["variants"] for sc in both["scenarios"]] == [["a1", "b1"]]
    text = run("scenarios", follow, "--fix", "a=a2").output
    assert "intervention a=a2" in text
    basins = json.loads(run("basins", follow, "--fix", "a=a2", "--json").stdout)
    assert basins["n_starts"] == 2  # the starts the intervention allows: a2 with b1 or b2
    assert [(a["scenario"], a["count"]) for a in basins["attractors"]] == [({"a": "a2", "b": "b2"}, 2)]


def test_bad_fix_is_a_usage_error() -> None:
    result = run("scenarios", "--fix", "front=colapses")
    assert result.exit_code == 2
    assert "no variant 'colapses'" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert run("scenarios", "--fix", "nonsense").exit_code == 2


def test_check_json() -> None:
    result = run("check", "--json")
    assert result.exit_code == 0
    claims = json.loads(result.stdout)["claims"]
    assert [c["id"] for c in claims] == [c.id for c in load().claims] and len(claims) >= 6
    for c in claims:
        assert {"id", "text", "cites", "passed", "detail"} <= set(c)
        assert c["passed"] is True


def test_check_fails_with_exit_1(tmp_path: Path, tiny_path: Path) -> None:
    text = tiny_path.read_text().replace("then: {y: lo}", "then: {y: hi}")
    bad = tmp_path / "claims.yaml"
    bad.write_text(text)
    result = run("check", str(bad), "--json")
    assert result.exit_code == 1
    c1 = json.loads(result.stdout)["claims"][0]
    assert c1["passed"] is False and "not have y=hi" in c1["detail"]


def test_validate_reports_every_problem_with_exit_2(tmp_path: Path, tiny_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        tiny_path.read_text().replace("to: BBB", "to: BBX").replace("hi: {lo: -1, hi: 1}", "hi: {lo: -1, hi: 7}")
    )
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:18:9" in result.stderr and "did you mean `BBB`?" in result.stderr
    assert "impacts run from -3 to +3" in result.stderr
    assert "2 problems in" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("validate", str(tiny_path)).exit_code == 0


def test_unknown_model_name() -> None:
    result = run("analyze", "no-such-model")
    assert result.exit_code == 2
    assert "built-in models: dprk-ukraine-2024" in result.stderr


def test_convert_round_trip_through_scw(tmp_path: Path) -> None:
    scw = tmp_path / "model.scw"
    back = tmp_path / "back.yaml"
    assert run("convert", "dprk-ukraine-2024", str(scw)).exit_code == 0
    assert run("convert", str(scw), str(back)).exit_code == 2  # a .scw file holds no date: none is invented
    assert run("convert", str(scw), str(back), "--as-of", "2024-11").exit_code == 0
    assert "as_of: 2024-11" in back.read_text(encoding="utf-8")
    a = json.loads(run("scenarios", "--json").stdout)["scenarios"]
    b = json.loads(run("scenarios", str(back), "--json").stdout)["scenarios"]
    assert [s["indices"] for s in a] == [s["indices"] for s in b]
    assert run("convert", "dprk-ukraine-2024", str(tmp_path / "x.txt")).exit_code == 2


def test_succession_reaches_an_end() -> None:
    system = load()
    start = ",".join(f"{d.id}={d.variants[0].id}" for d in system.descriptors)
    result = run("succession", "--start", start, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["end"] in ("consistent", "cycle")
    assert data["path"][0] == dict(item.split("=") for item in start.split(","))
    partial = json.loads(run("succession", "--start", "front=destabilises", "--json").stdout)["path"][0]
    assert partial == {**system.present.scenario, "front": "destabilises"}  # the rest as in the present
    assert json.loads(run("succession", "--start", "present", "--json").stdout)["path"][0] == system.present.scenario
    assert run("succession", "--start", "front=nowhere").exit_code == 2
    assert run("succession").exit_code == 2


def test_models_lists_builtin() -> None:
    data = json.loads(run("models", "--json").stdout)
    assert any(m["id"] == "dprk-ukraine-2024" for m in data["models"])


@pytest.mark.parametrize("name", ["CIB_global.scw", "CIB_nested.scw"])
def test_scw_is_a_model(name: str, data_dir: Path) -> None:
    result = run("scenarios", str(data_dir / "scenariowizard" / name), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["scenarios"]


def test_scw_with_wide_scale_converts_to_a_valid_yaml_model(tmp_path: Path, data_dir: Path) -> None:
    scw = data_dir / "scenariowizard" / "CIB_nested.scw"
    out = tmp_path / "nested.yaml"
    assert run("convert", str(scw), str(out), "--as-of", "2018").exit_code == 0
    assert "scale: 6" in out.read_text()  # ScenarioWizard judgements reach beyond -3..+3
    a = json.loads(run("scenarios", str(scw), "--json").stdout)["scenarios"]
    b = json.loads(run("scenarios", str(out), "--json").stdout)["scenarios"]
    assert len(a) == 20 and [s["indices"] for s in a] == [s["indices"] for s in b]


def test_n_jobs_gives_the_same_scenarios_and_claims():
    one = json.loads(run("scenarios", "--json").stdout)
    two = json.loads(run("scenarios", "--json", "--n-jobs", "2").stdout)
    assert one["scenarios"] == two["scenarios"]
    assert run("check", "-j", "-1").exit_code == run("check").exit_code
    for command in ("scenarios", "basins", "robustness", "ensemble"):  # one option, checked the same everywhere
        bad = run(command, "--n-jobs", "0")
        assert bad.exit_code == 2 and "--n-jobs" in bad.output


def test_verbose_says_how_the_search_ran() -> None:
    """--verbose on scenarios and analyze: the search's plan, one line on stderr; without it, nothing."""
    plan = uh_consistent().plan.explain()
    for command in ("scenarios", "analyze"):
        result = run(command, "--verbose")
        assert result.exit_code == 0, result.output
        line = next(x for x in result.stderr.splitlines() if x.startswith("search plan: "))
        assert line.startswith(f"search plan: {plan.split(':')[0]}:") and "scenarios" in line
        assert "search plan" not in run(command).stderr
