"""Ingest event files (GDELT, ACLED, ICEWS, POLECAT) into the common event table, idempotently."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import re
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb

from upheaval._countries import GROUPS, resolve_actor
from upheaval.errors import EventDataError
from upheaval.events._layouts import (
    EVENT_FORMATS,
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    GDELT2_MENTIONS_COLUMNS,
    first_lines,
    sniff_format,
)
from upheaval.events._store import DEFAULT_DB, connect

__all__ = ["FileReport", "IngestProgress", "IngestReport", "expand_paths", "ingest"]

_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".gz", ".zip")


@dataclass
class FileReport:
    """What ingesting one file did, or why it was skipped.

    Every data row read is counted once: ``rows_read == rows_added + rows_duplicated + rows_refused``.
    ``rows_added`` were stored; ``rows_duplicated`` were not, as their (dataset, id) was stored
    already or came earlier in the same file; ``rows_refused`` are the malformed rows (listed in
    ``malformed`` as (line, error)) and the rows without a date, id or event code.
    """

    path: str
    format: str
    rows_added: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)
    skipped: str = ""
    seconds: float = 0.0
    size: int = 0
    rows_read: int = 0
    rows_duplicated: int = 0
    rows_refused: int = 0


@dataclass
class IngestReport:
    """The outcome of one ``ingest`` call, file by file."""

    db: str
    files: list[FileReport] = field(default_factory=list)

    @property
    def rows_added(self) -> int:
        """Rows added to the event table (or the mentions table) over all files."""
        return sum(f.rows_added for f in self.files)

    @property
    def malformed(self) -> int:
        """Malformed rows over all files."""
        return sum(len(f.malformed) for f in self.files)

    @property
    def rows_read(self) -> int:
        """Data rows read over all files (stored, duplicated or refused)."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_duplicated(self) -> int:
        """Rows not stored because their event was stored already, over all files."""
        return sum(f.rows_duplicated for f in self.files)

    @property
    def rows_refused(self) -> int:
        """Malformed or incomplete rows over all files."""
        return sum(f.rows_refused for f in self.files)


@dataclass
class _Loaded:
    """What loading one plain file did: rows that were complete, stored, incomplete, and the malformed ones."""

    complete: int
    added: int
    incomplete: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class IngestProgress:
    """A progress tick: the file being read, how far the run is in bytes, and rows added so far
    (estimated while a plain file is being read, exact between files)."""

    path: str
    bytes_done: float
    bytes_total: int
    rows_added: int


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: each path itself, or the event files found (recursively) in a folder."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                q
                for q in p.rglob("*")
                if q.is_file() and q.name.lower().endswith(_SUFFIXES) and not q.name.lower().startswith("readme")
            )
        elif p.is_file():
            out.append(p)
        else:
            hint = (
                " (paths are read as written: let the shell expand a pattern)"
                if any(c in str(p) for c in "*?[")
                else ""
            )
            raise EventDataError(f"{p}: no such file or folder{hint}")
    return out


def _sha256(path: Path) -> str:
    # One reused buffer and an unbuffered file: no per-chunk allocation or extra copy.
    h = hashlib.sha256()
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns_sql(cols: Sequence[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{_lit(n)}: {_lit(t)}" for n, t in cols) + "}"


def _read_csv(
    path: Path,
    cols: Sequence[tuple[str, str]],
    *,
    delim: str,
    header: bool,
    quote: bool,
    nulls: Sequence[str] = (),
    required: Sequence[str] = (),
    **opts: str,
) -> str:
    """A ``read_csv`` call with explicit column types that stores rejected rows instead of failing.

    ``nulls`` are the strings read as missing values in every column (besides the empty field).
    ``required`` columns are never read as missing: an empty date fails to convert, so its row
    is rejected and reported with its line like any other malformed row.
    """
    args = [
        _lit(str(path)),
        f"delim={_lit(delim)}",
        f"header={str(header).lower()}",
        "auto_detect=false",
        f"columns={_columns_sql(cols)}",
        "store_rejects=true",
        "rejects_table='upheaval_rejects'",
        "rejects_scan='upheaval_reject_scans'",
        "parallel=true",
    ]
    if not quote:
        args += ["quote=''", "escape=''"]
    else:
        args += ["quote='\"'", "escape='\"'"]
    if nulls:
        args.append("nullstr=[" + ", ".join(_lit(n) for n in ("", *nulls)) + "]")
    if required:
        args.append("force_not_null=[" + ", ".join(_lit(c) for c in required) + "]")
    args += [f"{k}={_lit(v)}" for k, v in opts.items()]
    return f"read_csv({', '.join(args)})"


def _gdelt_types(columns: Sequence[str], date_added: str) -> list[tuple[str, str]]:
    typed = {
        "SQLDATE": "DATE",
        "QuadClass": "TINYINT",
        "GoldsteinScale": "DOUBLE",
        "NumMentions": "INTEGER",
        "NumSources": "INTEGER",
        "NumArticles": "INTEGER",
        "AvgTone": "DOUBLE",
        "ActionGeo_Lat": "DOUBLE",
        "ActionGeo_Long": "DOUBLE",
        "DATEADDED": date_added,
        "GLOBALEVENTID": "BIGINT",  # an empty or non-numeric id: a malformed row, with its line
    }
    return [(c, typed.get(c, "VARCHAR")) for c in columns]


def _actor_case(n: int) -> str:
    """The model code of GDELT actor ``n``: a known group (NATO, EU, UN) or its CAMEO country code."""
    whens = " ".join(
        f"WHEN r.Actor{n}KnownGroupCode = {_lit(c)} THEN {_lit(code)}" for code, _, codes in GROUPS for c in codes
    )
    eu = [c for code, _, codes in GROUPS for c in codes if len(c) == 3 and code == "EU"]
    eur = " ".join(f"WHEN r.Actor{n}CountryCode = {_lit(c)} THEN 'EU'" for c in eu)
    full = f"CASE {whens} {eur} ELSE r.Actor{n}CountryCode END"
    # Most rows name no known group and a plain country: decide those with one cheap test.
    return (
        f"CASE WHEN r.Actor{n}KnownGroupCode IS NULL AND r.Actor{n}CountryCode NOT IN ({', '.join(map(_lit, eu))}) "
        f"THEN r.Actor{n}CountryCode ELSE {full} END"
    )


def _has_rows(con: duckdb.DuckDBPyConnection, table: str, dataset: str) -> bool:
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE dataset = ?)", [dataset]).fetchone()[0]


def _earlier_member(con: duckdb.DuckDBPyConnection, file_id: int) -> bool:
    """Whether rows of ``file_id`` are already in the table (from an earlier member of the same archive)."""
    return con.execute("SELECT EXISTS (SELECT 1 FROM events WHERE file_id = ?)", [file_id]).fetchone()[0]


def _drop_known(con: duckdb.DuckDBPyConnection, dataset: str, file_id: int) -> int:
    """Delete the rows just added from ``file_id`` whose (dataset, id) was already stored; returns how many.

    The rows are loaded first and checked afterwards, against only the stored rows whose ids fall
    in the new rows' id range: the table's min/max statistics skip the rest, so a file of new events
    (ids grow over time) costs two small queries instead of a join against every stored id.
    """
    lo, hi = con.execute(
        "SELECT min(original_id), max(original_id) FROM events WHERE file_id = ?", [file_id]
    ).fetchone()
    if lo is None:
        return 0
    old = "FROM events WHERE dataset = ? AND file_id <> ? AND original_id BETWEEN ? AND ?"
    args = [dataset, file_id, lo, hi]
    if not con.execute(f"SELECT EXISTS (SELECT 1 {old})", args).fetchone()[0]:
        return 0
    return int(
        con.execute(
            f"DELETE FROM events WHERE file_id = ? AND original_id IN (SELECT original_id {old})", [file_id, *args]
        ).fetchone()[0]
    )


def _n_fields(path: Path) -> int:
    lines = first_lines(path, 1)
    if not lines:
        raise EventDataError(f"{path}: the file is empty")
    return len(lines[0].split("\t"))


def _insert_gdelt(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, file_id: int) -> tuple[_Loaded, int]:
    n_fields = _n_fields(path)
    if fmt == "gdelt1":  # DATEADDED is a day; older files stop before SOURCEURL
        columns = GDELT1_COLUMNS if n_fields >= 58 else GDELT1_COLUMNS[:57]
        added_type, added, stamp = "DATE", "CAST(r.DATEADDED AS TIMESTAMP)", {}
    else:  # DATEADDED is a 15-minute timestamp
        columns = GDELT2_COLUMNS
        added_type, added, stamp = "TIMESTAMP", "r.DATEADDED", {"timestampformat": "%Y%m%d%H%M%S"}
    source = _read_csv(
        path,
        _gdelt_types(columns, added_type),
        delim="\t",
        header=False,
        quote=False,
        required=("SQLDATE", "GLOBALEVENTID"),
        dateformat="%Y%m%d",
        **stamp,
    )
    # Rows whose (dataset, id) is already stored are dropped after loading (see _drop_known). The
    # later members of a zip archive share its file id, so they are checked with a join instead.
    had_rows = _has_rows(con, "events", fmt)
    earlier = had_rows and _earlier_member(con, file_id)
    anti = (
        f"ANTI JOIN (SELECT original_id FROM events WHERE dataset = '{fmt}') old"
        " ON old.original_id = CAST(r.GLOBALEVENTID AS VARCHAR)"
        if earlier
        else ""
    )
    # rows read: those the insert takes, or (when earlier members' ids are joined out) a count of its own
    complete = int(con.execute(f"SELECT count(*) FROM {source} r").fetchone()[0]) if earlier else None
    sql = f"""
    INSERT INTO events
    SELECT r.SQLDATE, {added}, '{fmt}', CAST(r.GLOBALEVENTID AS VARCHAR), {_actor_case(1)}, {_actor_case(2)},
           r.Actor1Name, r.Actor2Name, r.EventCode, r.EventRootCode,
           COALESCE(r.QuadClass, CASE WHEN r.EventRootCode <= '05' THEN 1 WHEN r.EventRootCode <= '08' THEN 2
                                      WHEN r.EventRootCode <= '13' THEN 3 ELSE 4 END),
           r.GoldsteinScale, r.NumMentions, r.NumSources, r.NumArticles, r.AvgTone,
           r.ActionGeo_FullName, r.ActionGeo_CountryCode, r.ActionGeo_Lat, r.ActionGeo_Long, {file_id}
    FROM {source} r {anti}
    WHERE r.SQLDATE IS NOT NULL AND r.GLOBALEVENTID IS NOT NULL
    """
    added_rows = int(con.execute(sql).fetchone()[0])
    if complete is None:
        complete = added_rows
    if had_rows and not earlier:
        added_rows -= _drop_known(con, fmt, file_id)
    # GDELT rows nearly always carry a Goldstein score; fill the rare gaps from our table.
    con.execute(
        f"""UPDATE events SET intensity = COALESCE(
                (SELECT s.score FROM event_scores s WHERE s.code = events.event_code),
                (SELECT s.score FROM event_scores s WHERE s.code = substr(events.event_code, 1, 3)),
                (SELECT s.score FROM event_scores s WHERE s.code = events.event_root))
            WHERE file_id = {file_id} AND intensity IS NULL"""
    )
    return _Loaded(complete, added_rows), len(columns)


def _insert_mentions(con: duckdb.DuckDBPyConnection, path: Path, file_id: int) -> tuple[_Loaded, int]:
    n_fields = _n_fields(path)
    columns = GDELT2_MENTIONS_COLUMNS[: max(15, min(n_fields, 16))]
    typed = {
        "EventTimeDate": "TIMESTAMP",
        "MentionTimeDate": "TIMESTAMP",
        "MentionType": "TINYINT",
        "SentenceID": "INTEGER",
        "Confidence": "INTEGER",
        "MentionDocTone": "DOUBLE",
    }
    source = _read_csv(
        path,
        [(c, typed.get(c, "VARCHAR")) for c in columns],
        delim="\t",
        header=False,
        quote=False,
        timestampformat="%Y%m%d%H%M%S",
    )
    con.execute("DROP TABLE IF EXISTS upheaval_stage")
    con.execute(f"CREATE TEMP TABLE upheaval_stage AS SELECT * FROM {source}")
    total, incomplete = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE GLOBALEVENTID IS NULL) FROM upheaval_stage"
    ).fetchone()
    sql = f"""
    INSERT INTO mentions
    SELECT 'gdelt2', r.GLOBALEVENTID, r.EventTimeDate, r.MentionTimeDate, r.MentionType, r.MentionSourceName,
           r.MentionIdentifier, r.SentenceID, r.Confidence, r.MentionDocTone, {file_id}
    FROM upheaval_stage r
    WHERE r.GLOBALEVENTID IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM mentions m WHERE m.dataset = 'gdelt2' AND m.event_id = r.GLOBALEVENTID
          AND m.identifier IS NOT DISTINCT FROM r.MentionIdentifier
          AND m.sentence IS NOT DISTINCT FROM r.SentenceID)
    QUALIFY row_number() OVER (PARTITION BY r.GLOBALEVENTID, r.MentionIdentifier, r.SentenceID) = 1
    """
    added = int(con.execute(sql).fetchone()[0])
    con.execute("DROP TABLE upheaval_stage")
    return _Loaded(total - incomplete, added, incomplete), len(columns)


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().strip('"').lower()).strip("_")


def _date_format(sample: str) -> str:
    s = sample.strip().strip('"')
    if re.fullmatch(r"\d{8}", s):
        return "%Y%m%d"
    if re.fullmatch(r"\d{1,2} [A-Za-z]+ \d{4}", s):
        return "%d %B %Y"
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", s):
        return "%m/%d/%Y"
    return "%Y-%m-%d"


# Strings the headed layouts write for a missing value, in any column: ICEWS and POLECAT
# write ``NA`` (R's missing value; e.g. Latitude, Longitude, Intensity, Source Sectors in the
# ICEWS Coded Event Data), ACLED leaves the field empty.
_MISSING = ("NA",)

# For headed layouts: the column that holds the date, and numeric columns.
_HEADED = {
    "acled": {"sep": ",", "date": "event_date", "numeric": {"latitude": "DOUBLE", "longitude": "DOUBLE"}},
    "icews": {
        "sep": "\t",
        "date": "event_date",
        "numeric": {"intensity": "DOUBLE", "latitude": "DOUBLE", "longitude": "DOUBLE"},
    },
    "polecat": {
        "sep": "\t",
        "date": "event_date",
        "numeric": {"intensity": "DOUBLE", "latitude": "DOUBLE", "longitude": "DOUBLE"},
    },
}
_REQUIRED = {
    "acled": ("event_id_cnty", "event_date", "event_type", "actor1"),
    "icews": ("event_id", "event_date", "source_country", "cameo_code", "target_country"),
    "polecat": ("event_id", "event_date", "event_type", "actor_country", "recipient_country"),
}

# ACLED event and sub-event types to the nearest CAMEO code (our own mapping, from the
# ACLED Codebook 2023 definitions and the CAMEO codebook v1.1b3).
ACLED_CAMEO = {
    "armed clash": "193",
    "government regains territory": "192",
    "non-state actor overtakes territory": "192",
    "chemical weapon": "204",
    "air/drone strike": "195",
    "suicide bomb": "183",
    "shelling/artillery/missile attack": "194",
    "remote explosive/landmine/ied": "180",
    "grenade": "180",
    "sexual violence": "182",
    "attack": "180",
    "abduction/forced disappearance": "181",
    "peaceful protest": "141",
    "protest with intervention": "141",
    "excessive force against protesters": "175",
    "violent demonstration": "145",
    "mob violence": "145",
    "agreement": "057",
    "arrests": "173",
    "change to group/activity": "010",
    "disrupted weapons use": "190",
    "headquarters or base established": "154",
    "looting/property destruction": "171",
    "non-violent transfer of territory": "080",
    "other": "010",
    "battles": "190",
    "explosions/remote violence": "195",
    "violence against civilians": "180",
    "protests": "141",
    "riots": "145",
    "strategic developments": "010",
}


def _insert_headed(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, file_id: int) -> _Loaded:
    spec = _HEADED[fmt]
    lines = first_lines(path, 2)
    if not lines:
        raise EventDataError(f"{path}: the file is empty")
    # a column without a name gets its position as a name (its values are not read)
    header = [_snake(c) or f"unnamed_{i + 1}" for i, c in enumerate(lines[0].lstrip("\ufeff").split(spec["sep"]))]
    missing = [c for c in _REQUIRED[fmt] if c not in header]
    if missing:
        raise EventDataError(f"{path}: not a {fmt} file: no column {', '.join(missing)}")
    seen: dict[str, int] = {}
    names = []
    for c in header:  # make duplicate names unique
        seen[c] = seen.get(c, 0) + 1
        names.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    date_col = spec["date"]
    sample = lines[1].split(spec["sep"])[header.index(date_col)] if len(lines) > 1 else ""
    types = [(c, "DATE" if c == date_col else spec["numeric"].get(c, "VARCHAR")) for c in names]
    source = _read_csv(
        path,
        types,
        delim=spec["sep"],
        header=True,
        quote=fmt == "acled",
        nulls=_MISSING,
        required=(date_col,),
        dateformat=_date_format(sample),
    )
    con.execute("DROP TABLE IF EXISTS upheaval_stage")
    con.execute(f"CREATE TEMP TABLE upheaval_stage AS SELECT * FROM {source}")
    rejects = _rejects(con, len(names), spec["sep"])
    key_cols = {
        "acled": ["actor1", "actor2", "country"],
        "icews": ["source_country", "source_name", "target_country", "target_name", "country"],
        "polecat": [
            "actor_country",
            "actor_cow",
            "actor_name",
            "recipient_country",
            "recipient_cow",
            "recipient_name",
            "country",
        ],
    }[fmt]
    key_cols = [c for c in key_cols if c in names]
    values = set()
    for c in key_cols:
        values.update(
            v for (v,) in con.execute(f"SELECT DISTINCT {c} FROM upheaval_stage WHERE {c} IS NOT NULL").fetchall()
        )
    con.execute("DROP TABLE IF EXISTS upheaval_names")
    con.execute("CREATE TEMP TABLE upheaval_names (name VARCHAR, code VARCHAR)")
    resolved = [(v, code) for v in values if (code := resolve_actor(v))]
    if resolved:  # no name may resolve (the rows then keep their names and no actor code)
        con.executemany("INSERT INTO upheaval_names VALUES (?, ?)", resolved)

    def col(c: str) -> str:
        return f"r.{c}" if c in names else "NULL"

    def code_of(*cols: str) -> str:
        present = [c for c in cols if c in names]
        if not present:
            return "NULL"
        return (
            "COALESCE("
            + ", ".join(f"(SELECT n.code FROM upheaval_names n WHERE n.name = r.{c})" for c in present)
            + ")"
        )

    if fmt == "acled":
        con.execute("DROP TABLE IF EXISTS upheaval_acled")
        con.execute("CREATE TEMP TABLE upheaval_acled (k VARCHAR, code VARCHAR)")
        con.executemany("INSERT INTO upheaval_acled VALUES (?, ?)", list(ACLED_CAMEO.items()))
        code = (
            "COALESCE((SELECT k.code FROM upheaval_acled k WHERE k.k = lower(r.sub_event_type)),"
            " (SELECT k.code FROM upheaval_acled k WHERE k.k = lower(r.event_type)), '010')"
        )
        select = f"""
        SELECT r.event_date AS date, NULL::TIMESTAMP AS date_added, r.event_id_cnty AS original_id,
               {code_of("actor1")} AS source, {code_of("actor2")} AS target, r.actor1 AS source_name,
               {col("actor2")} AS target_name, {code} AS event_code, NULL::DOUBLE AS intensity, NULL AS quad,
               {col("location")} AS location, {code_of("country")} AS country,
               {col("latitude")} AS latitude, {col("longitude")} AS longitude
        FROM upheaval_stage r"""
    elif fmt == "icews":
        select = f"""
        SELECT r.event_date AS date, NULL::TIMESTAMP AS date_added, r.event_id AS original_id,
               {code_of("source_country", "source_name")} AS source, {code_of("target_country", "target_name")} AS target,
               {col("source_name")} AS source_name, {col("target_name")} AS target_name,
               r.cameo_code AS event_code, {col("intensity")} AS intensity, NULL AS quad,
               COALESCE({col("city")}, {col("province")}, {col("country")}) AS location, {code_of("country")} AS country,
               {col("latitude")} AS latitude, {col("longitude")} AS longitude
        FROM upheaval_stage r"""
    else:
        quad = col("quad_code")
        select = f"""
        SELECT r.event_date AS date, TRY_CAST({col("publication_date")} AS TIMESTAMP) AS date_added,
               r.event_id AS original_id,
               {code_of("actor_country", "actor_cow", "actor_name")} AS source,
               {code_of("recipient_country", "recipient_cow", "recipient_name")} AS target,
               {col("actor_name")} AS source_name, {col("recipient_name")} AS target_name,
               upper(trim(r.event_type)) AS event_code, {col("intensity")} AS intensity,
               CASE WHEN TRY_CAST({quad} AS INTEGER) BETWEEN 1 AND 4 THEN TRY_CAST({quad} AS INTEGER)
                    WHEN upper({quad}) LIKE '%VERBAL%COOP%' THEN 1 WHEN upper({quad}) LIKE '%MATERIAL%COOP%' THEN 2
                    WHEN upper({quad}) LIKE '%VERBAL%CONF%' THEN 3 WHEN upper({quad}) LIKE '%MATERIAL%CONF%' THEN 4
               END AS quad,
               COALESCE({col("placename")}, {col("city")}, {col("province")}) AS location, {code_of("country")} AS country,
               {col("latitude")} AS latitude, {col("longitude")} AS longitude
        FROM upheaval_stage r"""
    total, incomplete = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE x.date IS NULL OR x.original_id IS NULL OR x.event_code IS NULL)"
        f" FROM ({select}) x"
    ).fetchone()
    if incomplete:
        rejects.append((0, f"{incomplete} row(s) without a date, id or event code were left out"))
    had_rows = _has_rows(con, "events", fmt)
    earlier = had_rows and _earlier_member(con, file_id)
    known = f"AND x.original_id NOT IN (SELECT original_id FROM events WHERE dataset = '{fmt}')" if earlier else ""
    sql = f"""
    INSERT INTO events
    SELECT x.date, x.date_added, '{fmt}', x.original_id, x.source, x.target, x.source_name, x.target_name,
           x.event_code, COALESCE(s1.root, substr(x.event_code, 1, 2)),
           COALESCE(x.quad, s1.quad_class,
                    CASE WHEN substr(x.event_code, 1, 2) <= '05' THEN 1 WHEN substr(x.event_code, 1, 2) <= '08' THEN 2
                         WHEN substr(x.event_code, 1, 2) <= '13' THEN 3 ELSE 4 END),
           COALESCE(x.intensity, s1.score, s2.score, s3.score),
           NULL, NULL, NULL, NULL, x.location, x.country, x.latitude, x.longitude, {file_id}
    FROM ({select}) x
    LEFT JOIN event_scores s1 ON s1.code = x.event_code
    LEFT JOIN event_scores s2 ON s2.code = substr(x.event_code, 1, 3)
    LEFT JOIN event_scores s3 ON s3.code = substr(x.event_code, 1, 2)
    WHERE x.date IS NOT NULL AND x.original_id IS NOT NULL AND x.event_code IS NOT NULL {known}
    QUALIFY row_number() OVER (PARTITION BY x.original_id) = 1
    """
    added = int(con.execute(sql).fetchone()[0])
    if had_rows and not earlier:  # ids already stored: checked only in the new rows' id range, as for GDELT
        added -= _drop_known(con, fmt, file_id)
    con.execute("DROP TABLE upheaval_stage")
    return _Loaded(total - incomplete, added, incomplete, rejects)


def _rejects(con: duckdb.DuckDBPyConnection, fields: int = 0, delim: str = "\t") -> list[tuple[int, str]]:
    """Rejected rows of the last ``read_csv``: one (line, error) per line, the first error of each."""
    try:
        rows = con.execute(
            "SELECT line, arg_min(error_type, coalesce(column_idx, -1)), arg_min(error_message, coalesce(column_idx, -1)),"
            " any_value(csv_line)"
            " FROM upheaval_rejects GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.CatalogException:
        return []
    out = []
    for line, kind, message, raw in rows:
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS") and raw is not None:
            message = f"{len(raw.split(delim))} fields where {fields} were expected"
        message = _short(message or kind or "malformed row")
        if kind == "CAST" and message.endswith('". '):  # DuckDB names the column but not the (empty) value
            message += "The field is empty."
        out.append((int(line), message))
    return out


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


MAX_UNPACKED = 8 << 30  # bytes one compressed file or archive member may unpack to
MAX_RATIO = 200  # and at most this many times its compressed size (beyond 64 MB unpacked)
_RATIO_FROM = 64 << 20


def _check_unpacked(path: Path, packed: int, unpacked: int) -> None:
    """Refuse decompression past :data:`MAX_UNPACKED` bytes or :data:`MAX_RATIO` times the packed size."""
    if unpacked > MAX_UNPACKED or (unpacked > _RATIO_FROM and unpacked > MAX_RATIO * max(packed, 1)):
        raise EventDataError(
            f"{path}: unpacks to more than {unpacked:,} bytes from {packed:,} "
            f"(limits: {MAX_UNPACKED:,} bytes, {MAX_RATIO} times the packed size); "
            "a real event file compresses far less, so this looks like a decompression bomb"
        )


def _line_endings(path: Path) -> str:
    """How a plain or gzipped file ends its lines: ``lf`` (or CRLF throughout), ``stray`` (carriage returns
    other than a CRLF at the end of every line) or ``cr`` (carriage returns alone, as old Mac files do).

    DuckDB's reader counts a stray ``\r`` as a line break (so every later line number would be
    off) or, in strict mode, stops at it; such a file is read from a normalized copy instead. A
    gzipped file is read whole here, so a truncated or corrupt one is named before any row is read.
    """
    cr = lf = crlf = unpacked = 0
    last = b""
    gz = path.suffix.lower() == ".gz"
    packed = path.stat().st_size
    try:
        with _open(path) as f:
            while chunk := f.read(1 << 22):
                cr += chunk.count(b"\r")
                lf += chunk.count(b"\n")
                crlf += chunk.count(b"\r\n") + (last == b"\r" and chunk[:1] == b"\n")
                last = chunk[-1:]
                unpacked += len(chunk)
                if gz:
                    _check_unpacked(path, packed, unpacked)
    except (EOFError, OSError, zlib.error) as exc:
        if not gz:
            raise
        reason = "it ends before its end marker (a cut-off download)" if isinstance(exc, EOFError) else str(exc)
        raise EventDataError(f"{path}: the gzip file is truncated or corrupt: {reason}; download it again") from None
    if cr == 0 or cr == crlf == lf or (cr == crlf == lf - 1 and last == b"\n"):
        return "lf"
    return "cr" if lf == 0 else "stray"


def _normalized(path: Path, tmp: Path) -> Path:
    """``path`` itself, or a copy in ``tmp`` with LF line ends: CRLF becomes LF and a stray CR a space (same
    lines, same numbers); in a file whose lines all end with a CR alone, each CR is a line end."""
    endings = _line_endings(path)
    if endings == "lf":
        return path
    target = tmp / f"lf_{len(list(tmp.iterdir()))}_{_plain_name(path)}"
    lone = b"\n" if endings == "cr" else b" "
    with _open(path) as src, open(target, "wb") as dst:
        carry = b""
        while chunk := src.read(1 << 22):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            if carry:
                chunk = chunk[:-1]
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", lone))
        dst.write(carry.replace(b"\r", lone))
    return target


def _plain_name(path: Path) -> str:
    """A file name DuckDB reads literally: no glob characters (``*``, ``?``, ``[``), no ``.gz``."""
    name = path.name.removesuffix(".gz").removesuffix(".GZ")
    return "".join("_" if ch in "*?[]{}\\" else ch for ch in name)


def _literal(path: Path, tmp: Path) -> Path:
    """``path``, or a link to it in ``tmp`` when its name holds glob characters: DuckDB's ``read_csv`` reads
    ``ev?.tab`` as a pattern (every matching file), and the user named one file."""
    if not any(ch in str(path) for ch in "*?[{"):
        return path
    link = (
        tmp / f"literal_{len(list(tmp.iterdir()))}_{_plain_name(path)}{'.gz' if path.suffix.lower() == '.gz' else ''}"
    )
    link.symlink_to(path.resolve())
    return link


def _short(message: str) -> str:
    return str(message).split("\n")[0][:300]


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS upheaval_rejects")
    con.execute("DROP TABLE IF EXISTS upheaval_reject_scans")


def _load_one(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, file_id: int) -> _Loaded:
    """Insert one plain or gzipped file; returns what it held and what was stored."""
    _drop_rejects(con)
    if fmt in ("gdelt1", "gdelt2"):
        loaded, fields = _insert_gdelt(con, path, fmt, file_id)
    elif fmt == "gdelt2-mentions":
        loaded, fields = _insert_mentions(con, path, file_id)
    else:
        return _insert_headed(con, path, fmt, file_id)
    loaded.malformed = _rejects(con, fields)
    return loaded


def _members(path: Path, tmp: Path) -> list[Path]:
    """The files to read for ``path``: itself, or the members of a zip archive extracted to ``tmp``."""
    if path.suffix.lower() != ".zip":
        return [path]
    try:
        with zipfile.ZipFile(path) as z:
            out = []
            for i, name in enumerate(n for n in z.namelist() if not n.endswith("/")):
                info = z.getinfo(name)
                target = tmp / f"{i}_{_plain_name(Path(name))}"
                _check_unpacked(path / name, info.compress_size, info.file_size)  # as declared...
                unpacked = 0
                with z.open(name) as src, open(target, "wb") as dst:
                    while chunk := src.read(1 << 22):
                        unpacked += len(chunk)
                        _check_unpacked(path / name, info.compress_size, unpacked)  # ...and as it unpacks
                        dst.write(chunk)
                out.append(target)
            return out
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise EventDataError(
            f"{path}: not a valid zip archive, or a truncated one ({exc}); download it again"
        ) from None


def ingest(
    paths: Iterable[str | Path],
    db: str | Path | duckdb.DuckDBPyConnection = DEFAULT_DB,
    *,
    format: str = "auto",
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestReport:
    """Read event files into the common event table of ``db`` (a DuckDB file, created if missing).

    Each file is ingested in one transaction: an interrupted run leaves the table as it
    was before that file, and running again resumes with the files not yet recorded.
    A file whose content (SHA-256) was already ingested is skipped, and rows whose
    (dataset, original id) are already in the table are not added again, so ingesting
    the same data twice adds nothing. (Within one GDELT file event ids are unique by
    construction and are not checked again; headed layouts keep the first row of an id.) Malformed rows are listed by file and line in the
    report (and in the ``malformed_rows`` table); the other rows are ingested. A value
    written as ``NA`` (ICEWS, POLECAT) or left empty, in any column, is missing, not malformed.

    The readers are tested on real published rows where they can be had offline: ICEWS on
    1,854 events of June 2018 (ICEWS Coded Event Data, Harvard Dataverse, doi:10.7910/DVN/28075,
    via the sample of the ``icews`` R package); GDELT 1.0 and 2.0 events and 2.0 mentions on
    the rows the ``gdelt`` package (PyPI) ships, written back in GDELT's tab layout. ACLED and
    POLECAT are tested on hand-written rows in their published layouts (ACLED Codebook 2023;
    POLECAT/PLOVER codebook), for lack of real rows that install without an account.

    Parameters
    ----------
    paths : files (plain, ``.gz`` or ``.zip``) or folders of them
    db : the event database path, or an open DuckDB connection
    format : ``auto`` (sniffed per file) or one of gdelt1, gdelt2, gdelt2-mentions, acled, icews, polecat
    progress : called with an :class:`IngestProgress` while files are read
    """
    if format != "auto" and format not in EVENT_FORMATS:
        raise EventDataError(f"unknown format {format!r}; use auto or one of {', '.join(EVENT_FORMATS)}")
    files = expand_paths(paths)
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    con = connect(db) if own else db
    report = IngestReport(db=str(db) if own else "<connection>")
    total = sum(f.stat().st_size for f in files)
    done = 0
    try:
        for path in files:
            size = path.stat().st_size
            fr = _ingest_file(con, path, format, size, done, total, progress, report.rows_added)
            report.files.append(fr)
            done += size
            if progress:
                progress(IngestProgress(str(path), done, total, report.rows_added))
    finally:
        if own:
            con.close()
    return report


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    format: str,
    size: int,
    done: int,
    total: int,
    progress: Callable[[IngestProgress], None] | None,
    rows_before: int = 0,
) -> FileReport:
    start = time.perf_counter()
    try:
        fmt = format if format != "auto" else sniff_format(path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise EventDataError(f"{path}: the gzip file is truncated or corrupt ({exc}); download it again") from None
    # The content hash is computed while the rows are read (hashlib releases the GIL); it is
    # awaited first only when a recorded file has the same size and so could be this one.
    hashed: dict[str, str] = {}
    hasher = threading.Thread(target=lambda: hashed.setdefault("sha256", _sha256(path)), daemon=True)
    hasher.start()
    if con.execute("SELECT count(*) FROM ingested_files WHERE size = ?", [size]).fetchone()[0]:
        hasher.join()
        seen = con.execute("SELECT path FROM ingested_files WHERE sha256 = ?", [hashed["sha256"]]).fetchone()
        if seen:
            return FileReport(str(path), fmt, skipped=f"already ingested (as {seen[0]})", size=size)
    stop = threading.Event()
    if progress:
        # Rows so far are estimated from the query's progress and the first lines' length
        # (plain files only: a compressed file's size says little about its rows).
        sample = first_lines(path, 50) if path.suffix.lower() not in (".gz", ".zip") else []
        per_row = sum(len(line) + 1 for line in sample) / len(sample) if sample else 0.0

        def poll() -> None:
            while not stop.wait(0.25):
                try:
                    pct = max(con.query_progress(), 0.0) / 100.0
                except Exception:  # the connection is busy or closed; try again on the next tick
                    pct = 0.0
                rows = rows_before + (int(pct * size / per_row) if per_row else 0)
                progress(IngestProgress(str(path), done + pct * size, total, rows))

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
    con.execute("BEGIN TRANSACTION")
    try:
        file_id = con.execute("SELECT COALESCE(max(file_id), 0) + 1 FROM ingested_files").fetchone()[0]
        added, complete, incomplete, malformed = 0, 0, 0, []
        with tempfile.TemporaryDirectory(prefix="upheaval-") as tmp:
            for member in _members(path, Path(tmp)):
                mfmt = fmt if format != "auto" or member == path else sniff_format(member)
                loaded = _load_one(con, _literal(_normalized(member, Path(tmp)), Path(tmp)), mfmt, file_id)
                added += loaded.added
                complete += loaded.complete
                incomplete += loaded.incomplete
                malformed += loaded.malformed
        if malformed:
            con.executemany(
                "INSERT INTO malformed_rows VALUES (?, ?, ?, ?)",
                [(file_id, str(path), line, msg) for line, msg in malformed],
            )
        refused = sum(1 for line, _ in malformed if line > 0) + incomplete  # line 0: the incomplete rows' note
        read = complete + refused
        hasher.join()
        if "sha256" not in hashed:
            raise EventDataError(f"{path}: cannot read the file to hash it")
        digest = hashed["sha256"]
        seconds = time.perf_counter() - start
        con.execute(
            "INSERT INTO ingested_files (file_id, path, sha256, format, size, rows_read, rows_added, malformed, seconds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [file_id, str(path), digest, fmt, size, read, added, len(malformed), seconds],
        )
        _drop_rejects(con)
        con.execute("COMMIT")
    except BaseException as exc:
        stop.set()
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if isinstance(exc, duckdb.InterruptException) or (
            isinstance(exc, (duckdb.Error, RuntimeError)) and "interrupted" in str(exc).lower()
        ):
            raise KeyboardInterrupt from None  # Ctrl-C while DuckDB ran a query: the file is rolled back
        if isinstance(exc, duckdb.Error):
            raise EventDataError(f"{path}: cannot ingest as {fmt}: {_short(str(exc))}") from None
        raise
    finally:
        stop.set()
    seconds = time.perf_counter() - start
    return FileReport(str(path), fmt, added, malformed, "", seconds, size, read, complete - added, refused)
