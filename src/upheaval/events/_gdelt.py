"""GDELT 2.0 where the full archive lives: its public BigQuery table as the common event table.

The indicators are Ibis expressions over the common event table (``events`` in the DuckDB file).
:func:`gdelt_event_table` computes that table's columns from a table holding GDELT 2.0's own event
columns, as the BigQuery table ``gdelt-bq.gdeltv2.events`` holds them, the same way the file reader
does on ingest (actor codes, quad class and Goldstein gaps filled alike); :func:`indicators_sql`
compiles every indicator's query over it to one statement of a backend's SQL (BigQuery by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from upheaval._countries import GROUPS
from upheaval._system_arg import accepts_system
from upheaval.errors import EventDataError
from upheaval.events._codes import GOLDSTEIN
from upheaval.events._indicators import Period, indicators_query
from upheaval.events._layouts import GDELT2_COLUMNS

__all__ = ["GDELT_BIGQUERY_TABLE", "SQL_DIALECTS", "gdelt_event_table", "gdelt_schema", "indicators_sql"]

GDELT_BIGQUERY_TABLE = "gdelt-bq.gdeltv2.events"
"""GDELT 2.0's event table in BigQuery's public datasets (from February 2015)."""

SQL_DIALECTS = ("bigquery", "duckdb")
"""The SQL dialects :func:`indicators_sql` writes."""

# Column types as BigQuery's table holds them (INTEGER, FLOAT, the rest STRING); the names and
# order are those of the GDELT Event Codebook V2.0 (2015), as in the event files.
_INTEGER = {
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions", "NumSources",
    "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type", "DATEADDED",
}  # fmt: skip
_FLOAT = {"FractionDate", "GoldsteinScale", "AvgTone"} | {
    f"{place}Geo_{axis}" for place in ("Actor1", "Actor2", "Action") for axis in ("Lat", "Long")
}


def gdelt_schema() -> ibis.Schema:
    """The columns of GDELT 2.0's event table and their types, as BigQuery's public table holds them."""
    return ibis.schema(
        {c: "int64" if c in _INTEGER else "float64" if c in _FLOAT else "string" for c in GDELT2_COLUMNS}
    )


def _actor(table: ir.Table, n: int) -> ir.StringValue:
    """Actor ``n``'s model code: a known group (NATO, EU, UN) first, then its CAMEO country code."""
    group, country = table[f"Actor{n}KnownGroupCode"], table[f"Actor{n}CountryCode"]
    cases = [(group == c, code) for code, _names, cameo in GROUPS for c in cameo]
    cases += [(country == c, code) for code, _names, cameo in GROUPS for c in cameo if len(c) == 3 and code == "EU"]
    return ibis.cases(*cases, else_=country)


def _quad_class(root: ir.StringValue) -> ir.IntegerValue:
    """CAMEO's quad class of an event root (for the rare row that lacks its own)."""
    return ibis.cases((root <= "05", 1), (root <= "08", 2), (root <= "13", 3), else_=4)


def _goldstein(code: ir.StringValue, root: ir.StringValue) -> ir.FloatingValue:
    """The Goldstein score of an event code from CAMEO's table, falling back to its base code and root."""

    def score(key: ir.StringValue) -> ir.FloatingValue:
        return key.substitute(GOLDSTEIN, else_=ibis.null("float64"))

    return ibis.coalesce(score(code), score(code.substr(0, 3)), score(root))


def gdelt_event_table(table: ir.Table) -> ir.Table:
    """The common event table computed from ``table``, which holds GDELT 2.0's event columns.

    ``table`` is any Ibis table with the columns of :func:`gdelt_schema` (BigQuery's
    ``gdelt-bq.gdeltv2.events``, or the event files loaded with those types); the result has the
    columns of the event database's ``events`` table, computed as the file reader computes them,
    so every indicator, :func:`~upheaval.events._track.track` included, runs on it unchanged.

    >>> t = gdelt_event_table(ibis.table(gdelt_schema(), name="events"))
    >>> t.columns[:5]
    ('date', 'date_added', 'dataset', 'original_id', 'source')
    """
    missing = [c for c in ("GLOBALEVENTID", "SQLDATE", "EventCode", "EventRootCode") if c not in table.columns]
    if missing:
        raise EventDataError(f"the table lacks GDELT 2.0's event columns {', '.join(missing)}; see gdelt_schema()")
    t = table.filter(table.SQLDATE.notnull() & table.GLOBALEVENTID.notnull())
    return t.select(
        date=t.SQLDATE.cast("string").as_date("%Y%m%d"),
        date_added=t.DATEADDED.cast("string").as_timestamp("%Y%m%d%H%M%S"),
        dataset=ibis.literal("gdelt2"),
        original_id=t.GLOBALEVENTID.cast("string"),
        source=_actor(t, 1),
        target=_actor(t, 2),
        source_name=t.Actor1Name,
        target_name=t.Actor2Name,
        event_code=t.EventCode,
        event_root=t.EventRootCode,
        quad_class=ibis.coalesce(t.QuadClass, _quad_class(t.EventRootCode)).cast("int8"),
        intensity=ibis.coalesce(t.GoldsteinScale, _goldstein(t.EventCode, t.EventRootCode)),
        mentions=t.NumMentions.cast("int32"),
        sources=t.NumSources.cast("int32"),
        articles=t.NumArticles.cast("int32"),
        tone=t.AvgTone,
        location=t.ActionGeo_FullName,
        country=t.ActionGeo_CountryCode,
        latitude=t.ActionGeo_Lat,
        longitude=t.ActionGeo_Long,
        file_id=ibis.null("int32"),
    )


@accepts_system("system")
def indicators_sql(
    system: Any,
    periods: Sequence[Period],
    *,
    dialect: str = "bigquery",
    table: str = GDELT_BIGQUERY_TABLE,
    indicators: Sequence[Any] | None = None,
) -> str:
    """One SQL statement measuring every indicator of ``system`` in every period, over GDELT 2.0's table.

    The statement is :func:`~upheaval.events._indicators.indicators_query` over
    :func:`gdelt_event_table` of ``table`` (``project.dataset.table``), compiled by Ibis for
    ``dialect``; its rows are those the DuckDB path reads (``part`` the indicator's index, or
    -1 - k for the k-th window's totals; ``kind`` ``w`` for the window, ``b`` for its baseline).
    The periods' windows are written into the statement, so it runs as it is.
    """
    if dialect not in SQL_DIALECTS:
        raise EventDataError(f"unknown SQL dialect {dialect!r}; use one of {', '.join(SQL_DIALECTS)}")
    parts = table.split(".")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise EventDataError(f"{table!r} is not a table name; write project.dataset.table, e.g. {GDELT_BIGQUERY_TABLE}")
    *space, name = parts
    catalog, database = [None] * (2 - len(space)) + space
    source = ibis.table(gdelt_schema(), name=name, database=database, catalog=catalog)
    inds = list(system.indicators if indicators is None else indicators)
    if not inds:
        raise EventDataError(f"model {system.id} defines no indicators; add an `indicators:` section")
    query = indicators_query(gdelt_event_table(source), system, periods, inds, inline_windows=True)
    return ibis.to_sql(query, dialect=dialect)
