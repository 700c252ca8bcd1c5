"""The decision commands end to end: levers, pick, shock, ensemble --disagreement and delphi, and their figures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upheaval.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"
STRAIT = DATA / "decisions" / "strait.yaml"
SCW = DATA / "scenariowizard" / "CIB_nested.scw"
SCENARIO_KEYS = {"variants", "indices", "total_impact_score", "inconsistency", "consistency_value"}


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def _labelled(sc: dict, consistent: list[dict]) -> None:
    """A scenario of a decision's JSON: the shape of `scenarios --json`, and an S-label that names that scenario."""
    assert set(sc) == SCENARIO_KEYS | {"label", "future"}
    key = sc["label"]
    if key.startswith("S"):
        assert consistent[int(key[1:]) - 1]["variants"] == sc["variants"]
    else:
        assert key.startswith("X") and sc["variants"] not in [c["variants"] for c in consistent]


def test_levers_json_is_labelled_as_scenarios_are() -> None:
    out = json.loads(run("levers", "--json", "--radius", "2").stdout)
    consistent = json.loads(run("scenarios", "--json").stdout)["scenarios"]
    assert out["descriptors"] == json.loads(run("scenarios", "--json").stdout)["descriptors"]
    assert out["start"]["from"] == "the present"
    assert len(out["levers"]) == sum(1 for lv in out["levers"] if len(lv["fix"]) in (1, 2)) > 0
    for lv in out["levers"]:
        if lv["end"] is not None:
            _labelled(lv["end"], consistent)
            assert lv["end"]["inconsistency"] == 0  # under the lever's intervention
        if lv["released"] is not None:
            _labelled(lv["released"], consistent)
    assert out["exact"] is True


def test_levers_to_a_future_in_words(tmp_path: Path) -> None:
    result = run("levers", STRAIT, "--to", "settlement", "--figure", tmp_path / "map.png")
    assert result.exit_code == 0, result.output
    assert "The smallest lever sets to future `settlement`" in result.output
    assert "S1 · Settlement" in result.output
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = run("levers", STRAIT, "--to", "nowhere")
    assert bad.exit_code == 2 and "settlement" in bad.output


def test_levers_to_peace_checked_by_hand_with_scenarios_fix_and_succession_fix() -> None:
    """Each smallest lever set to `peace` on the built-in model: the future is consistent under the lever
    (`scenarios --fix`), succession from the present with the lever held ends there (`succession --fix`) in the
    steps stated, and no lever set of that size outside the answer does."""
    out = json.loads(run("levers", "--to", "peace", "--json").stdout)
    every = json.loads(run("levers", "--json").stdout)["levers"]
    size = len(out["reaching"][0]["fix"])
    assert size == 1 and out["reaching"]
    reaching = {json.dumps(lv["fix"], sort_keys=True) for lv in out["reaching"]}
    for lv in every:
        fix = [f"{d}={v}" for d, v in lv["fix"].items()]
        held = json.loads(run("succession", "--start", "present", *[a for f in fix for a in ("--fix", f)],
                              "--json").stdout)  # fmt: skip
        under = json.loads(run("scenarios", *[a for f in fix for a in ("--fix", f)], "--json").stdout)["scenarios"]
        ends_in_peace = held["end"] == "consistent" and held["path"][-1]["war_path"] == "peace"
        assert ends_in_peace == (json.dumps(lv["fix"], sort_keys=True) in reaching), lv["fix"]
        if ends_in_peace:
            assert list(held["path"][-1].values()) in [sc["variants"] for sc in under]
            assert len(held["path"]) - 1 == lv["steps"]


def test_a_start_or_an_intervention_naming_no_descriptor_is_refused() -> None:
    for args in (("levers", "--from", "nowhere=x"), ("succession", "--start", "present,nowhere=x"),
                 ("succession", "--start", "present", "--fix", "nowhere=x"),
                 ("succession", "--start", "present", "--fix", "front=holds,destabilises")):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 2 and "Traceback" not in result.output, args
    assert "unknown descriptor 'nowhere'" in run("levers", "--from", "nowhere=x").output


def test_the_same_seed_gives_the_same_sample() -> None:
    args = ("levers", SCW, "--radius", "2", "--max-sets", "15", "--to", "S3", "--json")
    a, b = json.loads(run(*args, "--seed", "4").stdout), json.loads(run(*args, "--seed", "4").stdout)
    c = json.loads(run(*args, "--seed", "5").stdout)
    assert a["sampled"] and a["sampled"] == {r: 15 for r in a["sampled"]}  # more single levers than 15: drawn
    assert a["levers"] == b["levers"] and a["levers"] != c["levers"]


def test_pick_json_and_table() -> None:
    out = json.loads(run("pick", "-k", "4", "--json").stdout)
    consistent = json.loads(run("scenarios", "--json").stdout)["scenarios"]
    assert len(out["picks"]) == 4 and out["exact"] is True
    for sc in out["picks"]:
        _labelled(sc, consistent)
    assert out["coverage"]["radius"] == max(s["distance"] for s in out["scenarios"])
    single = json.loads(run("pick", "-k", "1", "--json").stdout)  # strict JSON: no pair, no distance between picks
    assert single["min_distance"] is None and len(single["picks"]) == 1
    text = run("pick", "-k", "4").output
    assert f"every other scenario is within {out['coverage']['radius']:g} of a pick" in " ".join(text.split())


def test_shock_in_words_and_json() -> None:
    result = run("shock", "mediator-leaves", STRAIT)
    assert result.exit_code == 0, result.output
    assert "2 of 3 consistent scenarios survive" in " ".join(result.output.split())
    out = json.loads(run("shock", "collision", STRAIT, "--json").stdout)
    assert out["shock"]["fix"] == {"relations": ["crisis"]} and out["shock"]["cites"] == ["brief §Analysis ¶2"]
    assert [p["survives"] for p in out["paths"]] == [False, True, True]
    assert [p["present"] for p in out["paths"]] == [False, False, True]
    missing = run("shock", "storm", STRAIT)
    assert missing.exit_code == 2 and "collision" in missing.output


@pytest.mark.parametrize("model", [SCW, "init"])
def test_levers_and_pick_work_on_any_scw_file_and_the_init_model(model, tmp_path: Path) -> None:
    if model == "init":
        assert run("init", tmp_path / "mine.yaml").exit_code == 0
        model = tmp_path / "mine.yaml"
    lv = run("levers", model, "--json")
    assert lv.exit_code == 0, lv.output
    out = json.loads(lv.stdout)
    assert out["levers"] and out["start"]["from"].startswith("S1")  # neither states a present
    pk = run("pick", model, "-k", "2", "--json")
    assert pk.exit_code == 0 and len(json.loads(pk.stdout)["picks"]) == 2
    sh = run("shock", "any", model)
    assert sh.exit_code == 2 and "no shock" in sh.output
    assert ("upheaval convert" in sh.output) == str(model).endswith(".scw")  # the way to give a .scw shocks


def _expert(tmp_path: Path, name: str, changes: dict[str, str]) -> Path:
    text = STRAIT.read_text()
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_delphi_round_from_the_command_line(tmp_path: Path) -> None:
    a = _expert(tmp_path, "ann.yaml", {})
    b = _expert(
        tmp_path, "bo.yaml", {"cut: {held: -2, stalled: 0, collapse: 2}": "cut: {held: -2, stalled: 2, collapse: 0}"}
    )
    first = run("ensemble", a, b, "--disagreement", "--sheets", tmp_path / "round1", "--figure", tmp_path / "d.png")
    assert first.exit_code == 0, first.output
    assert "Disagreement that matters" in first.output and "trade.cut → talks.stalled" in first.output
    sheet = tmp_path / "round1" / "bo.csv"
    rows = list(csv.DictReader(sheet.read_text().splitlines()))
    assert rows and {r["row"] for r in rows} == {"trade.cut"}
    for r in rows:  # bo comes round to ann's values
        r["answer"] = r["others"]
    with sheet.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    b2 = tmp_path / "bo-round2.yaml"
    read = run("delphi", sheet, b, "-o", b2)
    assert read.exit_code == 0, read.output
    moved = json.loads(run("ensemble", a, b2, "--disagreement", "--previous", a, "--previous", b, "--json").stdout)
    assert moved["cells"] == []  # they now agree
    assert all(m["after"]["ann"] == m["after"]["bo-round2"] for m in moved["movement"])
    alone = run("ensemble", a, "--disagreement")
    assert alone.exit_code == 2 and "two or more" in alone.output
    bad = tmp_path / "bad.csv"
    bad.write_text("row,column,answer\ntrade.cut,talks.stalled,seven\n")
    refused = run("delphi", bad, b)
    assert refused.exit_code == 2 and "bad.csv:2" in refused.output


@pytest.mark.parametrize("kind", ["levers", "pick"])
def test_figure_command_draws_the_decisions(kind: str, tmp_path: Path) -> None:
    result = run("figure", kind, "-o", tmp_path / f"{kind}.svg")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{kind}.svg").read_text().lstrip().startswith("<?xml")


def test_figure_shock_needs_a_shock(tmp_path: Path) -> None:
    assert run("figure", "shock", STRAIT, "-o", tmp_path / "s.png").exit_code == 0
    result = run("figure", "shock", SCW, "-o", tmp_path / "s.png")
    assert result.exit_code == 2 and "declares no shocks" in result.output
