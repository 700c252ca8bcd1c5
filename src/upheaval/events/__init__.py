"""Event data: readers for GDELT, ACLED, ICEWS and POLECAT, the common event table, indicators and tracking."""

from upheaval.events._codes import goldstein, resolve_actor
from upheaval.events._demo import demo_events_path, write_demo_events
from upheaval.events._ingest import FileReport, IngestProgress, IngestReport, expand_paths, ingest
from upheaval.events._layouts import FORMATS, sniff_format
from upheaval.events._store import DEFAULT_DB, EVENT_COLUMNS, connect

__all__ = [
    "DEFAULT_DB",
    "EVENT_COLUMNS",
    "FORMATS",
    "FileReport",
    "IngestProgress",
    "IngestReport",
    "connect",
    "demo_events_path",
    "expand_paths",
    "goldstein",
    "ingest",
    "resolve_actor",
    "sniff_format",
    "write_demo_events",
]
