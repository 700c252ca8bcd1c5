"""Readers and ingestion: every supported layout, malformed rows, idempotence, interruption safety."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from upheaval.errors import EventDataError
from upheaval.events import _ingest, demo_events_path, goldstein, ingest, resolve_actor, sniff_format, write_demo_events

DATA = Path(__file__).parent / "data" / "events"


def _q(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _count(db: Path, table: str = "events") -> int:
    return _q(db, f"SELECT count(*) FROM {table}")[0][0]


@pytest.mark.parametrize(
    ("name", "fmt", "added", "bad_lines"),
    [
        ("20130401.export.CSV", "gdelt1", 5, [3]),
        ("20141001.export.CSV.zip", "gdelt1", 5, []),
        ("20241101.export.CSV", "gdelt2", 8, [5, 10]),
        ("20241101120000.mentions.CSV.gz", "gdelt2-mentions", 5, [7]),
        ("acled-2024-11.csv", "acled", 4, [5, 6]),
        ("icews.events.2024.tab", "icews", 4, [5, 7]),
        ("polecat-2024-w44.txt", "polecat", 4, [6, 7]),
    ],
)
def test_each_layout_is_read_and_malformed_rows_are_listed(tmp_path, name, fmt, added, bad_lines):
    assert sniff_format(DATA / name) == fmt
    report = ingest([DATA / name], tmp_path / "ev.duckdb")
    (f,) = report.files
    assert (f.format, f.rows_added) == (fmt, added)
    assert [line for line, _ in f.malformed] == bad_lines
    assert all(msg for _, msg in f.malformed)
    stored = _q(tmp_path / "ev.duckdb", "SELECT line FROM malformed_rows ORDER BY line")
    assert [r[0] for r in stored] == bad_lines


def test_malformed_messages_say_what_is_wrong(tmp_path):
    (f,) = ingest([DATA / "20241101.export.CSV"], tmp_path / "ev.duckdb").files
    messages = dict(f.malformed)
    assert "2024x010" in messages[5]
    assert messages[10] == "40 fields where 61 were expected"


def test_gdelt2_codes_keep_leading_zeros_and_actors_resolve(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "20241101.export.CSV"], db)
    rows = dict(
        (r[0], r[1:])
        for r in _q(
            db,
            "SELECT original_id, source, target, event_code, event_root, quad_class, intensity, mentions, date::VARCHAR,"
            " date_added::VARCHAR FROM events WHERE dataset = 'gdelt2'",
        )
    )
    assert rows["1200000001"][:6] == ("PRK", "RUS", "062", "06", 2, 7.4)
    assert rows["1200000008"][2:4] == ("057", "05")
    assert rows["1200000005"][:2] == ("NATO", "PRK")  # known-group code NAT
    assert rows["1200000006"][:2] == ("EU", "PRK")  # known-group code EEC
    assert rows["1200000003"][6:] == (5, "2024-10-31", "2024-11-01 12:00:00")


def test_gdelt1_57_and_58_columns(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "20130401.export.CSV", DATA / "20141001.export.CSV.zip"], db)
    assert _q(db, "SELECT count(DISTINCT original_id), min(dataset), max(dataset) FROM events") == [
        (8, "gdelt1", "gdelt1")
    ]
    assert _q(db, "SELECT date_added::VARCHAR FROM events WHERE original_id = '200000001'") == [
        ("2024-11-01 00:00:00",)
    ]


def test_mentions_are_deduplicated(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "20241101120000.mentions.CSV.gz"], db)
    assert _count(db, "mentions") == 5
    assert _q(db, "SELECT min(confidence), max(doc_tone) FROM mentions") == [(50, -2.5)]


def test_acled_actors_event_types_and_quoted_text(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "acled-2024-11.csv"], db)
    rows = {
        r[0]: r[1:]
        for r in _q(db, "SELECT original_id, source, target, event_code, quad_class, intensity, country FROM events")
    }
    assert rows["RUS12001"] == ("UKR", "PRK", "193", 4, -10.0, "RUS")
    assert rows["UKR99001"][:4] == ("KOR", "UKR", "057", 1)
    assert rows["UKR99004"][:3] == ("KOR", None, "141")


def test_icews_names_and_goldstein_fallback(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "icews.events.2024.tab"], db)
    rows = {r[0]: r[1:] for r in _q(db, "SELECT original_id, source, target, event_code, intensity FROM events")}
    assert rows["34001"] == ("RUS", "CHN", "042", 1.9)
    assert rows["34002"][:2] == ("NATO", "PRK")  # no source country: resolved by name
    assert rows["34003"] == ("USA", "PRK", "138", -7.0)  # no intensity: Goldstein of 138
    assert rows["34005"] == ("KOR", "UKR", "0140", 0.0)  # unknown 4-digit code: falls back to 014


def test_polecat_plover_types_country_numbers_and_quad_text(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "polecat-2024-w44.txt"], db)
    rows = {
        r[0]: r[1:]
        for r in _q(db, "SELECT original_id, source, target, event_code, event_root, quad_class, intensity FROM events")
    }
    assert rows["p-001"] == ("PRK", "RUS", "MOBILIZE", "15", 4, -7.2)  # PLOVER score fallback
    assert rows["p-002"][4:] == (3, -7.0)  # quad code as text; intensity from the file
    assert rows["p-004"][:2] == ("UKR", "PRK")  # COW numbers where the country code is empty


def test_ingesting_twice_adds_nothing(tmp_path):
    db = tmp_path / "ev.duckdb"
    first = ingest([DATA], db)
    n, m = _count(db), _count(db, "mentions")
    second = ingest([DATA], db)
    assert (_count(db), _count(db, "mentions")) == (n, m)
    assert second.rows_added == 0 and all(f.skipped.startswith("already ingested") for f in second.files)
    assert first.rows_added == n + m


def test_same_events_in_another_file_are_not_added_again(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "20241101.export.CSV"], db)
    before = _count(db)
    lines = (DATA / "20241101.export.CSV").read_text().splitlines()
    fields = lines[0].split("\t")
    fields[0] = "1299999999"
    (tmp_path / "overlap.CSV").write_text("\n".join([*lines[:3], "\t".join(fields)]) + "\n")
    report = ingest([tmp_path / "overlap.CSV"], db)
    assert report.rows_added == 1 and _count(db) == before + 1
    shutil.copy(DATA / "20241101.export.CSV", tmp_path / "renamed.CSV")
    assert ingest([tmp_path / "renamed.CSV"], db).files[0].skipped


def test_gzip_file_is_read(tmp_path):
    with gzip.open(tmp_path / "20241101.export.CSV.gz", "wb") as f:
        f.write((DATA / "20241101.export.CSV").read_bytes())
    report = ingest([tmp_path / "20241101.export.CSV.gz"], tmp_path / "ev.duckdb")
    assert report.files[0].format == "gdelt2" and report.rows_added == 8


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_interrupted_file_leaves_the_table_unchanged_and_a_rerun_resumes(tmp_path, monkeypatch, exc):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "icews.events.2024.tab"], db)
    before = [_count(db, t) for t in ("events", "ingested_files", "malformed_rows")]
    real = _ingest._insert_gdelt

    def fails_after_inserting(*args, **kwargs):
        real(*args, **kwargs)  # the rows are in the table, inside the transaction...
        raise exc  # ...when the run is interrupted

    monkeypatch.setattr(_ingest, "_insert_gdelt", fails_after_inserting)
    with pytest.raises(type(exc)):
        ingest([DATA / "20241101.export.CSV"], db)
    assert [_count(db, t) for t in ("events", "ingested_files", "malformed_rows")] == before
    monkeypatch.setattr(_ingest, "_insert_gdelt", real)
    report = ingest([DATA / "icews.events.2024.tab", DATA / "20241101.export.CSV"], db)
    assert report.files[0].skipped and report.files[1].rows_added == 8
    assert _count(db) == before[0] + 8


def test_broken_data_raises_event_data_error(tmp_path):
    (tmp_path / "five.tsv").write_text("a\tb\tc\td\te\n")
    with pytest.raises(EventDataError, match="cannot tell the layout"):
        ingest([tmp_path / "five.tsv"], tmp_path / "ev.duckdb")
    with pytest.raises(EventDataError, match="unknown format"):
        ingest([DATA], tmp_path / "ev.duckdb", format="gdelt3")
    with pytest.raises(EventDataError, match="no such file"):
        ingest([tmp_path / "missing.csv"], tmp_path / "ev.duckdb")
    with pytest.raises(EventDataError, match="not a icews file"):
        ingest([DATA / "acled-2024-11.csv"], tmp_path / "ev.duckdb", format="icews")


def test_progress_reports_bytes(tmp_path):
    ticks = []
    ingest(
        [DATA / "20241101.export.CSV", DATA / "icews.events.2024.tab"], tmp_path / "ev.duckdb", progress=ticks.append
    )
    assert ticks and ticks[-1].bytes_done == ticks[-1].bytes_total and ticks[-1].rows_added == 12


def test_goldstein_table_falls_back_to_base_and_root():
    assert goldstein("0874") == 10.0
    assert goldstein("0331") == goldstein("033") == 5.2
    assert goldstein("1384") == goldstein("138") == -7.0
    assert goldstein("19") == -10.0
    assert goldstein("") is None and goldstein("999") is None


def test_actor_resolution():
    assert resolve_actor("Russian Federation") == resolve_actor("365") == resolve_actor("RUS") == "RUS"
    assert resolve_actor("Military Forces of North Korea (2011-)") == "PRK"
    assert resolve_actor("Government of South Korea (2022-)") == "KOR"
    assert resolve_actor("NAT") == resolve_actor("North Atlantic Treaty Organization") == "NATO"
    assert resolve_actor("EUR") == resolve_actor("European Union") == "EU"
    assert resolve_actor("260") == "DEU"  # Gleditsch-Ward number
    assert resolve_actor("Atlantis") is None


def test_demo_file_is_deterministic_and_shipped(tmp_path):
    assert write_demo_events(tmp_path / "a.csv.gz") > 1000
    write_demo_events(tmp_path / "b.csv.gz")
    assert (tmp_path / "a.csv.gz").read_bytes() == (tmp_path / "b.csv.gz").read_bytes()
    assert (tmp_path / "a.csv.gz").read_bytes() == demo_events_path().read_bytes()
    assert sniff_format(demo_events_path()) == "gdelt2"


def test_gdelt_row_without_goldstein_gets_the_table_score(tmp_path):
    fields = (DATA / "20241101.export.CSV").read_text().splitlines()[0].split("\t")
    fields[26:30] = ["0874", "087", "08", ""]  # EventCode, EventBaseCode, EventRootCode, QuadClass
    fields[30] = ""  # GoldsteinScale
    (tmp_path / "x.export.CSV").write_text("\t".join(fields) + "\n")
    db = tmp_path / "ev.duckdb"
    ingest([tmp_path / "x.export.CSV"], db)
    assert _q(db, "SELECT event_code, event_root, quad_class, intensity FROM events") == [("0874", "08", 2, 10.0)]


def test_headed_file_with_known_and_new_ids_adds_only_the_new(tmp_path):
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "acled-2024-11.csv"], db)
    before = _count(db)
    lines = (DATA / "acled-2024-11.csv").read_text().splitlines()
    renamed = lines[3].replace("UKR99001,", "UKR99101,", 1)
    (tmp_path / "acled-more.csv").write_text("\n".join([lines[0], lines[1], renamed, lines[-1]]) + "\n")
    report = ingest([tmp_path / "acled-more.csv"], db)
    assert report.rows_added == 1 and _count(db) == before + 1
    assert _q(db, "SELECT count(*) FROM events WHERE original_id = 'UKR99101'") == [(1,)]


def test_overlap_check_compares_ids_as_stored(tmp_path):
    # Ids of different lengths order differently as text and as numbers; the range check must not miss any.
    db = tmp_path / "ev.duckdb"
    lines = (DATA / "20241101.export.CSV").read_text().splitlines()
    fields = lines[0].split("\t")

    def file(name: str, ids: list[str]) -> Path:
        rows = ["\t".join([i, *fields[1:]]) for i in ids]
        (tmp_path / name).write_text("\n".join(rows) + "\n")
        return tmp_path / name

    ingest([file("a.CSV", ["9", "100", "25"])], db)
    report = ingest([file("b.CSV", ["10", "9", "1000", "25", "3"])], db)
    assert report.rows_added == 3
    assert sorted(r[0] for r in _q(db, "SELECT original_id FROM events")) == sorted(
        ["9", "100", "25", "10", "1000", "3"]
    )


def test_zip_members_sharing_ids_add_each_id_once(tmp_path):
    lines = (DATA / "20241101.export.CSV").read_text().splitlines()
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.writestr("a.export.CSV", "\n".join(lines[:3]) + "\n")
        z.writestr("b.export.CSV", "\n".join(lines[1:4]) + "\n")
    db = tmp_path / "ev.duckdb"
    ingest([DATA / "20130401.export.CSV"], db)  # another dataset's rows are already stored
    assert ingest([tmp_path / "two.zip"], db).rows_added == 4
    assert _q(db, "SELECT count(*), count(DISTINCT original_id) FROM events WHERE dataset = 'gdelt2'") == [(4, 4)]
    # and the same for a first load, where the earlier member's rows are the only ones stored
    db2 = tmp_path / "ev2.duckdb"
    assert ingest([tmp_path / "two.zip"], db2).rows_added == 4
