"""Forecasts and their scores: the scoring rules on hand cases, files, and the CLI end to end."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from upheaval.cli import app
from upheaval.errors import EventDataError
from upheaval.events import demo_events_path, ingest
from upheaval.events._forecast import (
    brier_score,
    calibration_table,
    log_score,
    murphy_decomposition,
    read_forecast,
    score_forecasts,
)

runner = CliRunner()


def test_brier_and_log_scores_by_hand():
    f = {"a": 0.7, "b": 0.2, "c": 0.1}
    # Brier (1950): (0.7 - 1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01
    assert brier_score(f, "a") == pytest.approx(0.14)
    assert brier_score(f, "c") == pytest.approx(0.49 + 0.04 + 0.81)
    assert brier_score({"a": 1.0, "b": 0.0}, "a") == 0 and brier_score({"a": 1.0, "b": 0.0}, "b") == 2
    # Good (1952): -ln p
    assert log_score(f, "a") == pytest.approx(-math.log(0.7)) == pytest.approx(0.356675, abs=1e-6)
    assert log_score({"a": 1.0, "b": 0.0}, "b") == math.inf


def test_calibration_and_murphy_decomposition_by_hand():
    pairs = [(0.8, 1), (0.8, 1), (0.8, 0), (0.2, 0), (0.2, 1)]
    table = calibration_table(pairs)
    assert [(b["bin"], b["n"]) for b in table] == [([0.2, 0.3], 2), ([0.8, 0.9], 3)]
    assert table[1]["observed"] == pytest.approx(2 / 3) and table[0]["mean_forecast"] == pytest.approx(0.2)
    m = murphy_decomposition(pairs)
    # BS = (0.04 + 0.04 + 0.64 + 0.04 + 0.64) / 5 = 0.28
    assert m["brier"] == pytest.approx(0.28)
    # reliability: (3 (0.8 - 2/3)^2 + 2 (0.2 - 1/2)^2) / 5; resolution: (3 (2/3 - 3/5)^2 + 2 (1/2 - 3/5)^2) / 5
    assert m["reliability"] == pytest.approx((3 * (0.8 - 2 / 3) ** 2 + 2 * 0.3**2) / 5)
    assert m["resolution"] == pytest.approx((3 * (2 / 3 - 0.6) ** 2 + 2 * 0.1**2) / 5)
    assert m["uncertainty"] == pytest.approx(0.24)
    assert m["brier"] == pytest.approx(m["reliability"] - m["resolution"] + m["uncertainty"])


def _forecast(horizon="2025-03-01"):
    return {
        "kind": "upheaval-forecast",
        "model": "m",
        "horizon": horizon,
        "scenarios": [
            {"label": "S1", "variants": {"x": "a", "y": "p"}, "probability": 0.6},
            {"label": "S2", "variants": {"x": "b", "y": "q"}, "probability": 0.4},
        ],
        "variants": {"x": {"a": 0.6, "b": 0.4}, "y": {"p": 0.6, "q": 0.4}},
    }


def test_score_forecasts_against_the_first_outcome_due():
    import datetime as dt

    outcomes = [
        {"date": dt.date(2025, 2, 1), "variants": {"x": "a"}},  # before the horizon: not this one
        {"date": dt.date(2025, 3, 5), "variants": {"x": "b", "y": "q"}},
    ]
    out = score_forecasts([("f1", _forecast()), ("f2", _forecast("2026-01-01"))], outcomes)
    assert out["unresolved"] == ["f2"]
    by = {i["target"]: i for i in out["items"]}
    assert by["x"]["brier"] == pytest.approx(0.36 + 0.36) and by["x"]["log"] == pytest.approx(-math.log(0.4))
    assert by["scenario"]["happened"] == "S2" and by["scenario"]["brier"] == pytest.approx(0.72)
    assert out["mean_brier"] == pytest.approx(0.72)
    with pytest.raises(EventDataError, match="no variant `c`"):
        score_forecasts([("f1", _forecast())], [{"date": dt.date(2025, 3, 5), "variants": {"x": "c"}}])


def test_read_forecast_rejects_other_files(tmp_path):
    p = tmp_path / "f.json"
    p.write_text('{"kind": "something"}')
    with pytest.raises(EventDataError, match="not an upheaval forecast"):
        read_forecast(p)
    p.write_text("{not json")
    with pytest.raises(EventDataError, match=r"f.json:1: not JSON"):
        read_forecast(p)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("events") / "events.duckdb"
    ingest([demo_events_path()], db)
    return db


def test_forecast_then_score_gives_the_hand_computed_brier(demo_db, tmp_path):
    fc = tmp_path / "fc.json"
    res = runner.invoke(app, ["forecast", "--events", str(demo_db), "--out", str(fc), "--horizon", "2025-03-01"])
    assert res.exit_code == 0, res.output
    stored = json.loads(fc.read_text())
    assert stored["horizon"] == "2025-03-01" and stored["issued"] and stored["evidence"]["period"][1] == "2024-12-01"
    assert sum(s["probability"] for s in stored["scenarios"]) == pytest.approx(1)
    probs = stored["variants"]["dprk_role"]
    hand = sum((p - (v == "combat")) ** 2 for v, p in probs.items())  # Brier 1950, by hand
    res = runner.invoke(app, ["score", str(fc), "--outcome", "dprk_role=combat", "--on", "2025-03-01", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["items"][0]["brier"] == pytest.approx(hand) and out["mean_brier"] == pytest.approx(hand)
    assert out["items"][0]["log"] == pytest.approx(-math.log(probs["combat"]))
    # pre-registered: the file is not overwritten
    res = runner.invoke(app, ["forecast", "--events", str(demo_db), "--out", str(fc)])
    assert res.exit_code == 1 and "written once" in res.output
    res = runner.invoke(app, ["score", str(fc)])
    assert res.exit_code == 2 and "no outcome" in res.output
    res = runner.invoke(app, ["score", str(fc), "--outcome", "dprk_role=zeppelins", "--on", "2025-03-01"])
    assert res.exit_code == 2 and "no variant `zeppelins`" in res.output
    outcomes = tmp_path / "outcomes.yaml"
    outcomes.write_text("- {date: 2025-03-02, variants: {dprk_role: troops}}\n")
    res = runner.invoke(app, ["score", str(fc), "--outcomes", str(outcomes)])
    assert res.exit_code == 0 and "Brier" in res.output and "Calibration" in res.output


def test_track_cli_probabilities_alerts_since_and_indicators(demo_db, tmp_path):
    res = runner.invoke(
        app,
        ["track", "--events", str(demo_db), "--json", "--alert", "dprk_role.troops>=0.5", "--since", "2024-10-01"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["prior"]["kind"] == "uniform" and "independent" in out["prior"]["independence"]
    for p in out["periods"]:
        assert sum(x["probability"] for x in p["probabilities"]) == pytest.approx(1, abs=1e-5)
        troops = p["variant_probabilities"]["dprk_role"]["troops"]
        assert bool(p["alerts"]) == (troops >= 0.5)
        for e in p["evidence"]:
            assert set(e) >= {"indicator", "value", "likelihood_ratio", "events"}
            assert all(set(ev) == {"id", "dataset", "date"} for ev in e["events"])
    assert any(v["variant"] == "dprk_role.troops" and v["change"] > 0 for v in out["changes"]["variants"])
    res = runner.invoke(
        app, ["track", "--events", str(demo_db), "--since", "2024-10-01", "--figure", str(tmp_path / "p.png")]
    )
    assert res.exit_code == 0 and "Since 2024-10-01" in res.output and (tmp_path / "p.png").stat().st_size > 0
    res = runner.invoke(app, ["track", "--events", str(demo_db), "--alert", "troops soon"])
    assert res.exit_code == 2 and "TARGET OP NUMBER" in res.output
    res = runner.invoke(app, ["track", "--events", str(demo_db), "--prior", "flat"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["indicators", "--json"])
    assert res.exit_code == 0, res.output
    sig = json.loads(res.stdout)
    from upheaval import load

    assert {i["indicator"] for i in sig["indicators"]} == {i.id for i in load().indicators}
    bits = [i["diagnosticity_bits"] for i in sig["indicators"]]
    assert bits == sorted(bits, reverse=True)
    res = runner.invoke(app, ["indicators", "--figure", str(tmp_path / "s.png")])
    assert res.exit_code == 0 and "Signposts" in res.output


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
            max_leaves=12,
        ).map(lambda v: json.dumps(v)),
    )
)
def test_hostile_forecast_and_outcome_files_give_clear_errors(tmp_path_factory, content):
    """Whatever the file holds, reading it gives a forecast/outcome list or an EventDataError, never a traceback."""
    from upheaval.events._forecast import read_outcomes

    d = tmp_path_factory.mktemp("hostile")
    p = d / "f.json"
    p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    for read in (read_forecast, read_outcomes):
        try:
            read(p)
        except EventDataError as exc:
            assert str(p) in str(exc)


def test_cli_score_hostile_files_exit_2(tmp_path):
    p = tmp_path / "f.json"
    p.write_text('{"kind": "upheaval-forecast", "horizon": "soon"}')
    res = runner.invoke(app, ["score", str(p), "--outcome", "a=b"])
    assert res.exit_code == 2 and "f.json" in res.output and "Traceback" not in res.output
    o = tmp_path / "o.yaml"
    o.write_text("- {date: tomorrow, variants: {a: b}}\n")
    res = runner.invoke(app, ["score", str(p), "--outcomes", str(o)])
    assert res.exit_code == 2 and "o.yaml" in res.output and "Traceback" not in res.output
