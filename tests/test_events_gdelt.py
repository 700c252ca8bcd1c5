"""GDELT 2.0's public BigQuery table: the indicators compiled to BigQuery SQL, checked offline.

BigQuery itself cannot be reached from a test, so the statement is checked three ways: sqlglot
parses it as BigQuery SQL and resolves every column against the table's published schema; the
same statement, translated by sqlglot into DuckDB's dialect, runs on a DuckDB table with that
schema holding GDELT 2.0 event rows and gives exactly the rows the DuckDB path computes from the
same rows ingested as files; and the mapping onto the event table is compared row for row with
the file reader's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app
from upheaval.errors import EventDataError
from upheaval.events import connect, demo_events_path, ingest
from upheaval.events._gdelt import GDELT_BIGQUERY_TABLE, gdelt_event_table, gdelt_schema, indicators_sql
from upheaval.events._indicators import events_table, indicators_query, make_periods
from upheaval.events._layouts import GDELT2_COLUMNS
from upheaval.events._store import EVENT_COLUMNS
from upheaval.events._track import track

DATA = Path(__file__).parent / "data" / "events"
_DUCK_TYPES = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR"}
PERIODS = make_periods(dt.date(2024, 8, 1), dt.date(2024, 12, 1), "1m")
# Codes, roots both ways, a baseline, a 60-day window: the shapes of pattern and window the built-in
# model's indicators take (a statement for all fourteen takes a minute to compile and check).
CHOSEN = ("dprk_troops_deployed", "dprk_combat_at_scale", "west_aid_surge", "china_russia_diplomacy")


def _system():
    system = load()
    return system.model_copy(update={"indicators": [i for i in system.indicators if i.id in CHOSEN]})


def _edge_rows(path: Path) -> Path:
    """GDELT 2.0 rows the reader treats specially: known groups, the EU's country code, a missing
    quad class and Goldstein score, an actor without a country, each derived from a real layout row."""
    base = (DATA / "20241101.export.CSV").read_text(encoding="utf-8").splitlines()[0].split("\t")
    col = {c: k for k, c in enumerate(GDELT2_COLUMNS)}
    rows = []
    for k, change in enumerate(
        [
            {"Actor1KnownGroupCode": "IGOUNO", "Actor1CountryCode": "", "Actor2CountryCode": "RUS"},
            {"Actor1CountryCode": "EEC", "Actor2KnownGroupCode": "NAT", "Actor2CountryCode": ""},
            {"QuadClass": "", "GoldsteinScale": "", "EventCode": "0874", "EventBaseCode": "087", "EventRootCode": "08"},
            {"GoldsteinScale": "", "EventCode": "0331", "EventBaseCode": "033", "EventRootCode": "03"},
            {"Actor2CountryCode": "", "Actor2Code": "", "Actor2Name": ""},
        ]
    ):
        row = list(base)
        row[col["GLOBALEVENTID"]] = str(1300000000 + k)
        for name, value in change.items():
            row[col[name]] = value
        rows.append("\t".join(row))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gdelt(tmp_path_factory):
    """The same GDELT 2.0 rows twice: in a table typed as BigQuery's, and ingested as event files."""
    tmp = tmp_path_factory.mktemp("gdelt")
    files = [demo_events_path(), DATA / "20241101.export.CSV", _edge_rows(tmp / "edge.export.CSV")]
    raw = duckdb.connect()
    columns = ", ".join(f"'{c}': '{_DUCK_TYPES[str(t)]}'" for c, t in gdelt_schema().items())
    raw.execute("CREATE SCHEMA gdeltv2")
    raw.execute(
        "CREATE TABLE gdeltv2.events AS SELECT * FROM read_csv(?, delim='\t', header=false, quote='',"
        f" ignore_errors=true, columns={{{columns}}})",
        [[str(f) for f in files]],
    )
    db = tmp / "events.duckdb"
    ingest(files, db)
    yield raw, connect(db, read_only=True)
    raw.close()


def _table(raw: duckdb.DuckDBPyConnection):
    return ibis.duckdb.from_connection(raw).table("events", database="gdeltv2")


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_the_mapping_gives_the_file_readers_rows(gdelt):
    raw, ingested = gdelt
    cols = [c for c in EVENT_COLUMNS if c != "file_id"]
    mapped = _sorted(gdelt_event_table(_table(raw)).select(cols).to_pandas(), ["original_id"])
    stored = _sorted(events_table(ingested).select(cols).to_pandas(), ["original_id"])
    assert len(stored) > 3000 and set(stored.dataset) == {"gdelt2"}
    edge = stored[stored.original_id.str.startswith("13000000")].set_index("original_id")
    assert list(edge.source[:2]) == ["UN", "EU"] and edge.target.iloc[1] == "NATO"
    assert edge.loc["1300000002", "quad_class"] == 2 and edge.loc["1300000002", "intensity"] == 10.0
    assert edge.loc["1300000003", "intensity"] == 5.2
    pd.testing.assert_frame_equal(mapped, stored, check_dtype=False)


def test_the_bigquery_statement_parses_and_reads_gdelts_columns_only():
    system = _system()
    sql = indicators_sql(system, PERIODS)
    tree = sqlglot.parse_one(sql, read="bigquery")
    schema = {"gdelt-bq": {"gdeltv2": {"events": {c: str(t).upper() for c, t in gdelt_schema().items()}}}}
    qualify(tree.copy(), schema=schema, dialect="bigquery", validate_qualify_columns=True)  # every column resolves
    tables = {".".join(p.name for p in t.parts) for t in tree.find_all(exp.Table) if t.name == "events"}
    assert tables == {GDELT_BIGQUERY_TABLE}
    read = {c.name for c in tree.find_all(exp.Column) if c.name in gdelt_schema()}
    assert read == {
        "GLOBALEVENTID", "SQLDATE", "DATEADDED", "Actor1KnownGroupCode", "Actor1CountryCode", "Actor1Name",
        "Actor2KnownGroupCode", "Actor2CountryCode", "Actor2Name", "EventCode", "EventRootCode", "QuadClass",
        "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_FullName",
        "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
    }  # fmt: skip
    assert "PARSE_DATE('%Y%m%d'" in sql and "ibis_pandas_memtable" not in sql  # the windows are in the statement


def test_the_statement_gives_the_duckdb_paths_rows(gdelt):
    """BigQuery's statement (translated by sqlglot) and DuckDB's, run on the raw rows, equal the
    DuckDB path over the ingested files, indicator by indicator and window by window."""
    raw, ingested = gdelt
    system = _system()
    keys = ["part", "period", "kind"]
    expected = _sorted(indicators_query(events_table(ingested), system, PERIODS, system.indicators).to_pandas(), keys)
    assert expected.n.sum() > 0 and min(expected.part) < 0 < max(expected.part)  # indicators and totals
    bigquery = sqlglot.transpile(indicators_sql(system, PERIODS), read="bigquery", write="duckdb")[0]
    bigquery = bigquery.replace('"gdelt-bq"."gdeltv2"."events"', '"gdeltv2"."events"')
    duck = indicators_sql(system, PERIODS, dialect="duckdb", table="gdeltv2.events")
    for sql in (bigquery, duck):
        got = _sorted(raw.execute(sql).df(), keys)
        pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_tracking_runs_unchanged_on_the_mapped_table(gdelt):
    raw, ingested = gdelt
    system = _system()
    start, end = dt.date(2024, 9, 1), dt.date(2024, 12, 1)
    mapped = track(system, gdelt_event_table(_table(raw)), start=start, end=end)
    stored = track(system, ingested, start=start, end=end)
    assert [p.belief.probabilities.tolist() for p in mapped.periods] == [
        p.belief.probabilities.tolist() for p in stored.periods
    ]
    assert [p.observed for p in mapped.periods] == [p.observed for p in stored.periods]
    assert any(p.observed for p in stored.periods)


def test_bad_names_and_dialects_are_refused():
    system = load()
    with pytest.raises(EventDataError, match="unknown SQL dialect"):
        indicators_sql(system, PERIODS, dialect="oracle")
    with pytest.raises(EventDataError, match="not a table name"):
        indicators_sql(system, PERIODS, table="a..b")
    with pytest.raises(EventDataError, match=r"lacks GDELT 2\.0's event columns"):
        gdelt_event_table(ibis.table({"x": "int64"}, name="t"))


def test_the_command_prints_the_statement():
    runner = CliRunner()
    out = runner.invoke(app, ["indicators", "--sql", "bigquery", "--from", "2024-10-01", "--to", "2024-12-01"])
    assert out.exit_code == 0, out.output
    tree = sqlglot.parse_one(out.stdout, read="bigquery")
    assert {".".join(p.name for p in t.parts) for t in tree.find_all(exp.Table) if t.name == "events"} == {
        GDELT_BIGQUERY_TABLE
    }
    missing = runner.invoke(app, ["indicators", "--sql", "bigquery"])
    assert missing.exit_code == 2 and "--from" in missing.output
    mixed = runner.invoke(
        app, ["indicators", "--sql", "bigquery", "--from", "2024-10-01", "--to", "2024-12-01", "--json"]
    )
    assert mixed.exit_code == 2 and "--json" in mixed.output
