"""Event data: readers for GDELT, ACLED, ICEWS and POLECAT, the common event table, indicators and tracking."""

from upheaval._countries import resolve_actor
from upheaval._lazy import lazy_names

# The readers and indicators pull in DuckDB and Ibis; every name loads its module on first use, so that a
# view needing one part (the signposts of a report, say) does not pay for the rest.
_LAZY = {
    "goldstein": "_codes",
    "demo_events_path": "_demo",
    "write_demo_events": "_demo",
    "GDELT_BIGQUERY_TABLE": "_gdelt",
    "gdelt_event_table": "_gdelt",
    "gdelt_schema": "_gdelt",
    "indicators_sql": "_gdelt",
    "IndicatorValue": "_indicators",
    "Period": "_indicators",
    "evaluate_indicators": "_indicators",
    "events_table": "_indicators",
    "indicator_query": "_indicators",
    "indicators_query": "_indicators",
    "make_periods": "_indicators",
    "FileReport": "_ingest",
    "IngestProgress": "_ingest",
    "IngestReport": "_ingest",
    "expand_paths": "_ingest",
    "ingest": "_ingest",
    "EVENT_FORMATS": "_layouts",
    "sniff_format": "_layouts",
    "DEFAULT_DB": "_store",
    "EVENT_COLUMNS": "_store",
    "connect": "_store",
    "dyad_series": "_summary",
    "parse_dyad": "_summary",
    "PeriodTrack": "_track",
    "Tracking": "_track",
    "track": "_track",
    "tracking_json": "_track",
}

__all__ = [
    "DEFAULT_DB",
    "EVENT_COLUMNS",
    "EVENT_FORMATS",
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

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "parse_alert": "_alerts",
    "forecast_from_tracking": "_forecast",
    "read_forecast": "_forecast",
    "read_outcomes": "_forecast",
    "score_forecasts": "_forecast",
    "write_forecast": "_forecast",
    "variant_probabilities": "_probability",
    "signposts": "_signposts",
    "signposts_json": "_signposts",
    "QUADS": "_summary",
    "changes_since": "_track",
}

__getattr__ = lazy_names(__name__, _LAZY | _SHARED, globals(), {"FORMATS": "EVENT_FORMATS"})
