"""The event database: one DuckDB file holding the common event table and its bookkeeping."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from upheaval._countries import actor_lookup_rows
from upheaval.errors import EventDataError
from upheaval.events._codes import GOLDSTEIN, PLOVER

__all__ = ["DEFAULT_DB", "EVENT_COLUMNS", "connect"]

DEFAULT_DB = "events.duckdb"

EVENT_COLUMNS: dict[str, str] = {
    "date": "DATE",  # when the event happened
    "date_added": "TIMESTAMP",  # when the dataset recorded it
    "dataset": "VARCHAR",  # gdelt1, gdelt2, acled, icews, polecat
    "original_id": "VARCHAR",  # the dataset's own event id
    "source": "VARCHAR",  # source actor as a model code (ISO alpha-3, NATO, EU, UN) or the raw country code
    "target": "VARCHAR",
    "source_name": "VARCHAR",  # the actor as the dataset names it
    "target_name": "VARCHAR",
    "event_code": "VARCHAR",  # CAMEO code (string: leading zeros matter) or PLOVER type
    "event_root": "VARCHAR",  # two-digit CAMEO root (for PLOVER, the nearest CAMEO root)
    "quad_class": "TINYINT",  # 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict
    "intensity": "DOUBLE",  # Goldstein scale (CAMEO) or PLOVER intensity, -10..+10
    "mentions": "INTEGER",
    "sources": "INTEGER",
    "articles": "INTEGER",
    "tone": "DOUBLE",
    "location": "VARCHAR",
    "country": "VARCHAR",  # the location's country as the dataset codes it
    "latitude": "DOUBLE",
    "longitude": "DOUBLE",
    "file_id": "INTEGER",  # the ingested file the row came from
}

# Event ids are nearly all distinct, so dictionary compression never pays for them and FSST
# costs a tenth of a bulk load's CPU time for a few bytes a row: they are stored as they are.
_COMPRESSION = {"original_id": "uncompressed"}

_EVENT_DDL = ", ".join(
    f"{k} {v}" + (f" USING COMPRESSION {_COMPRESSION[k]}" if k in _COMPRESSION else "")
    for k, v in EVENT_COLUMNS.items()
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS events ({_EVENT_DDL});
CREATE TABLE IF NOT EXISTS mentions (
    dataset VARCHAR, event_id VARCHAR, event_time TIMESTAMP, mention_time TIMESTAMP,
    mention_type TINYINT, source_name VARCHAR, identifier VARCHAR, sentence INTEGER,
    confidence INTEGER, doc_tone DOUBLE, file_id INTEGER);
CREATE TABLE IF NOT EXISTS ingested_files (
    file_id INTEGER PRIMARY KEY, path VARCHAR, sha256 VARCHAR UNIQUE, format VARCHAR,
    size BIGINT, rows_read BIGINT, rows_added BIGINT, malformed BIGINT, seconds DOUBLE,
    ingested_at TIMESTAMP DEFAULT current_timestamp);
CREATE TABLE IF NOT EXISTS malformed_rows (file_id INTEGER, path VARCHAR, line BIGINT, error VARCHAR);
CREATE TABLE IF NOT EXISTS actor_keys (key VARCHAR, code VARCHAR);
CREATE TABLE IF NOT EXISTS event_scores (code VARCHAR, score DOUBLE, quad_class TINYINT, root VARCHAR);
"""


def connect(db: str | Path = DEFAULT_DB, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the event database ``db`` with its tables.

    ``":memory:"`` gives a database that lives only as long as the connection.
    """
    path = str(db)
    if read_only and path != ":memory:" and not Path(path).exists():
        raise EventDataError(
            f"no event database at {path}; create one with `upheaval events ingest FILE --db {path}`"
            f" (or `upheaval events demo-db --db {path}` for the demonstration events)"
        )
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        raise EventDataError(f"cannot open event database {path}: {exc}") from None
    if not read_only:
        # Bulk loads: one worker per usable core, and rows may be written in any order.
        con.execute(f"SET threads = {_cores()}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(_SCHEMA)
        _refresh_lookups(con)
    return con


def _cores() -> int:
    """The cores this process may run on (the affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _values(rows: list[tuple]) -> str:
    def lit(v: object) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return repr(v)

    return ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)


def _refresh_lookups(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the small lookup tables (actor keys, event scores) from the code tables if they changed."""
    keys = actor_lookup_rows()
    scores = [(code, score, None, code[:2]) for code, score in GOLDSTEIN.items()]
    scores += [(name, score, quad, root) for name, (quad, root, score) in PLOVER.items()]
    have = con.execute("SELECT (SELECT count(*) FROM actor_keys), (SELECT count(*) FROM event_scores)").fetchone()
    if have == (len(keys), len(scores)):
        return
    con.execute("BEGIN")
    con.execute("DELETE FROM actor_keys")
    con.execute(f"INSERT INTO actor_keys VALUES {_values(keys)}")
    con.execute("DELETE FROM event_scores")
    con.execute(f"INSERT INTO event_scores VALUES {_values(scores)}")
    con.execute("COMMIT")
