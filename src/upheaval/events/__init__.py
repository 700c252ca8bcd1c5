"""Event data: readers for GDELT, ACLED, ICEWS and POLECAT, the common event table, indicators and tracking."""

from upheaval._countries import resolve_actor
from upheaval.events._codes import goldstein
from upheaval.events._demo import demo_events_path, write_demo_events
from upheaval.events._gdelt import GDELT_BIGQUERY_TABLE, gdelt_event_table, gdelt_schema, indicators_sql
from upheaval.events._indicators import (
    IndicatorValue,
    Period,
    evaluate_indicators,
    events_table,
    indicator_query,
    indicators_query,
    make_periods,
)
from upheaval.events._ingest import FileReport, IngestProgress, IngestReport, expand_paths, ingest
from upheaval.events._layouts import FORMATS, sniff_format
from upheaval.events._store import DEFAULT_DB, EVENT_COLUMNS, connect
from upheaval.events._summary import dyad_series, parse_dyad
from upheaval.events._track import PeriodTrack, Tracking, track, tracking_json

__all__ = [
    "DEFAULT_DB",
    "EVENT_COLUMNS",
    "FORMATS",
    "GDELT_BIGQUERY_TABLE",
    "FileReport",
    "IndicatorValue",
    "IngestProgress",
    "IngestReport",
    "Period",
    "PeriodTrack",
    "Tracking",
    "connect",
    "demo_events_path",
    "dyad_series",
    "evaluate_indicators",
    "events_table",
    "expand_paths",
    "gdelt_event_table",
    "gdelt_schema",
    "goldstein",
    "indicator_query",
    "indicators_query",
    "indicators_sql",
    "ingest",
    "make_periods",
    "parse_dyad",
    "resolve_actor",
    "sniff_format",
    "track",
    "tracking_json",
    "write_demo_events",
]
