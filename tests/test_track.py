"""Tracking the built-in model over the shipped demonstration events; conflicts; JSON; figure; HTML; CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from upheaval import load
from upheaval._json import scenario_set_json
from upheaval.cib import compile_system
from upheaval.cli import app
from upheaval.errors import EventDataError
from upheaval.events import connect, demo_events_path, ingest
from upheaval.events._indicators import _holds, evaluate_indicators, make_periods, parse_span
from upheaval.events._track import track, tracking_json
from upheaval.model import Indicator, IndicatorRule
from upheaval.report._tracking import tracking_figure, tracking_html

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("events") / "events.duckdb"
    ingest([demo_events_path()], db)
    return db


@pytest.fixture(scope="module")
def tracked(demo_db):
    con = connect(demo_db, read_only=True)
    try:
        return track(load(), con, start=dt.date(2024, 6, 1), end=dt.date(2024, 12, 1), every="1m")
    finally:
        con.close()


def test_scenarios_narrow_as_the_commentarys_events_arrive(tracked):
    counts = [len(p.scenarios) for p in tracked.periods]
    assert counts == sorted(counts, reverse=True), counts  # never widens
    assert counts[0] < tracked.n_consistent  # China's silence on Pyongyang already observed
    assert counts[-1] == 1 < counts[0]
    june, october, november = tracked.periods[0], tracked.periods[4], tracked.periods[5]
    assert "dprk_role" not in june.observed
    assert october.observed["dprk_role"] == "troops"  # the October deployment
    assert november.observed["west_response"] == "statements"  # NATO and EU statements
    assert november.observed["china_support"] == "balancing"  # the deputy minister in Beijing
    assert not any(p.conflicts for p in tracked.periods)
    present = load().present.scenario
    assert november.scenarios.names(0) == present  # the commentary's present situation


def test_tracking_json_shape(tracked):
    out = json.loads(json.dumps(tracking_json(tracked)))
    assert set(out) >= {"periods"}
    p = out["periods"][-1]
    assert set(p) == {
        "start",
        "end",
        "indicators",
        "observed",
        "scenarios",
        "conflicts",
        "probabilities",
        "variant_probabilities",
        "evidence",
        "alerts",
    }
    assert (p["start"], p["end"]) == ("2024-11-01", "2024-12-01")
    assert {i["id"] for i in p["indicators"]} == {i.id for i in load().indicators}
    assert all(set(i) == {"id", "value", "signals"} for i in p["indicators"])
    shape = scenario_set_json(tracked.periods[-1].scenarios, load())["scenarios"]
    assert p["scenarios"] == shape
    assert set(p["scenarios"][0]) == {"variants", "indices", "total_impact_score", "inconsistency", "consistency_value"}


def _with(system, *extra):
    return system.model_copy(update={"indicators": [*system.indicators, *extra]})


def _ind(id_, signals, pattern, rule):
    cites = [{"source": "thompson2024", "section": "DPRK Deploys Troops to Russia", "paragraph": 1}]
    return Indicator.model_validate(
        {"id": id_, "label": id_, "signals": signals, "pattern": pattern, "rule": rule, "cites": cites}
    )


def test_two_variants_signalled_is_a_conflict_and_scenarios_are_ranked(demo_db):
    munitions = _ind(
        "munitions_flow",
        "dprk_role.munitions",
        {"source": ["PRK"], "target": ["RUS"], "codes": ["072"]},
        {"threshold": 1},
    )
    con = connect(demo_db, read_only=True)
    try:
        result = track(_with(load(), munitions), con, start=dt.date(2024, 11, 1), end=dt.date(2024, 12, 1))
    finally:
        con.close()
    (p,) = result.periods
    (conflict,) = p.conflicts
    assert conflict["kind"] == "two-variants" and conflict["descriptor"] == "dprk_role"
    assert conflict["variants"] == ["munitions", "troops"]
    assert "dprk_role" not in p.observed
    assert p.satisfied and len(set(p.satisfied)) == 1 and len(p.scenarios) == len(p.satisfied)
    out = tracking_json(result)["periods"][0]
    assert all("satisfies" in s for s in out["scenarios"])


def test_no_consistent_scenario_is_a_conflict(demo_db):
    # A settlement signalled while the troops are observed: no consistent scenario has both.
    peace = _ind(
        "peace_claim", "war_path.peace", {"source": ["CHN"], "target": ["RUS"], "roots": ["04", "05"]}, {"threshold": 1}
    )
    con = connect(demo_db, read_only=True)
    try:
        result = track(_with(load(), peace), con, start=dt.date(2024, 11, 1), end=dt.date(2024, 12, 1))
    finally:
        con.close()
    (p,) = result.periods
    assert [c["kind"] for c in p.conflicts] == ["no-consistent-scenario"]
    assert len(p.scenarios) >= 1 and max(p.satisfied) < len(p.conflicts[0]["observed"])


def test_rules():
    assert _holds(IndicatorRule(op=">=", threshold=3), 3.0, None)
    assert not _holds(IndicatorRule(op=">=", threshold=3), 2.0, None)
    assert _holds(IndicatorRule(op="<", threshold=1), 0.0, None)
    assert not _holds(IndicatorRule(op="<", threshold=1), None, None)  # no data, no signal
    rising = IndicatorRule(op=">=", threshold=2, baseline="90d", factor=2.0)
    assert _holds(rising, 10.0, 4.0) and not _holds(rising, 7.0, 4.0) and not _holds(rising, 10.0, None)
    assert _holds(IndicatorRule(), 1.0, None) and not _holds(IndicatorRule(), 0.0, None)
    assert parse_span("30d") == (30, "d")
    with pytest.raises(EventDataError):
        parse_span("soon")
    assert [p.end for p in make_periods(dt.date(2024, 1, 31), dt.date(2024, 4, 1), "1m")] == [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 29),
        dt.date(2024, 4, 1),
    ]


def test_measures_and_absent_data(demo_db):
    system = load()
    pat = {"source": ["PRK"], "target": ["RUS"], "codes": ["062", "154"]}
    inds = [
        _ind(f"m_{m}", "dprk_role.troops", pat, {"threshold": -100}).model_copy(update={"measure": m})
        for m in ("count", "intensity_sum", "mean_intensity", "mean_tone", "mention_share")
    ]
    periods = make_periods(dt.date(2023, 11, 1), dt.date(2024, 12, 1), "1m")
    con = connect(demo_db, read_only=True)
    try:
        values = evaluate_indicators(con, system, periods, inds)
    finally:
        con.close()
    assert all(v.value is None and v.signals is None for v in values[0])  # before the data
    count, isum, mean, tone, share = (v.value for v in values[-1])
    assert count > 10 and isum == pytest.approx(mean * count)
    assert -10 <= mean <= 10 and tone is not None and 0 < share < 1


def test_figure_and_html_section(tracked, tmp_path):
    tracking_figure(tracked, tmp_path / "t.png")
    tracking_figure(tracked, tmp_path / "t.svg")
    assert (tmp_path / "t.png").stat().st_size > 1000 and b"<svg" in (tmp_path / "t.svg").read_bytes()[:400]
    section = tracking_html(tracked)
    assert section.startswith('<section class="tracking">') and section.endswith("</section>")
    assert "dprk_troops_deployed" in section and "DPRK Deploys Troops to Russia" in section
    assert "data:image/png;base64," in section


def test_cli_demo_db_track_json_and_figure(tmp_path):
    db = tmp_path / "events.duckdb"
    res = runner.invoke(app, ["events", "demo-db", "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        [
            "track",
            "--events",
            str(db),
            "--from",
            "2024-09-01",
            "--to",
            "2024-12-01",
            "--every",
            "1m",
            "--json",
            "--figure",
            str(tmp_path / "f.png"),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    counts = [len(p["scenarios"]) for p in out["periods"]]
    assert counts[0] > 1 and counts[1:] == [1, 1], counts  # little observed at first, then one scenario
    assert (tmp_path / "f.png").exists()
    res = runner.invoke(
        app, ["track", "dprk-ukraine-2024", "--events", str(db), "--from", "2024-10-01", "--to", "2024-11-01"]
    )
    assert res.exit_code == 0 and "dprk_role=troops" in res.stdout


def test_cli_ingest_and_summary(tmp_path):
    from pathlib import Path

    data = Path(__file__).parent / "data" / "events"
    db = tmp_path / "e.duckdb"
    res = runner.invoke(app, ["events", "ingest", str(data), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["malformed"] == 10 and out["rows_added"] == 33
    res = runner.invoke(app, ["events", "ingest", str(data), "--db", str(db), "--json"])
    again = json.loads(res.stdout)
    assert again["rows_added"] == 0 and all(f["skipped"].startswith("already ingested") for f in again["files"])
    res = runner.invoke(
        app, ["events", "ingest", str(data / "icews.events.2024.tab"), "--db", str(tmp_path / "f.duckdb")]
    )
    assert res.exit_code == 0 and "icews.events.2024.tab:7: 3 fields where 20" in " ".join(res.output.split())
    res = runner.invoke(
        app, ["events", "summary", "--dyad", "USA-PRK", "--db", str(db), "--json", "--figure", str(tmp_path / "d.svg")]
    )
    assert res.exit_code == 0, res.output
    series = json.loads(res.stdout)["periods"]
    assert sum(r["events"] for r in series) == 4 and sum(r["verbal_conflict"] for r in series) == 4
    assert (tmp_path / "d.svg").exists()
    res = runner.invoke(app, ["events", "summary", "--dyad", "North Korea-Russia", "--db", str(db)])
    assert res.exit_code == 0 and "PRK" in res.stdout


def test_cli_errors(tmp_path):
    res = runner.invoke(app, ["track", "--events", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 1 and "events ingest" in res.output
    res = runner.invoke(app, ["events", "summary", "--dyad", "RUS", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 1
    res = runner.invoke(app, ["track", "--events", str(tmp_path / "x"), "--from", "June"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["events", "ingest", str(tmp_path / "nothing.csv"), "--db", str(tmp_path / "e.duckdb")])
    assert res.exit_code == 2 and "nothing.csv" in res.output  # invalid usage: the file does not exist


def test_compile_uses_the_same_engine(tracked):
    cim = compile_system(load())
    assert tracked.periods[-1].scenarios.cim.descriptor_ids == cim.descriptor_ids


def test_track_accepts_an_ibis_table_and_defaults_to_the_data_range(demo_db):
    from upheaval.events import events_table

    con = connect(demo_db, read_only=True)
    try:
        result = track(load(), events_table(con), every="3m")
    finally:
        con.close()
    assert result.periods[0].period.start == dt.date(2024, 1, 1)
    assert result.periods[-1].period.end == dt.date(2024, 12, 1)
    assert len(result.periods[-1].scenarios) == 1
