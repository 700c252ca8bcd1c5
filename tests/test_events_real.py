"""The readers and tracking on real published event rows (tests/data/icews, with their source).

``tests/data/icews/events.2018.sample.even.tab``: 1,854 real ICEWS coded events of 1-2 June
2018 (the even Event IDs of the sample the ``icews`` R package ships; ICEWS Coded Event Data,
Harvard Dataverse, doi:10.7910/DVN/28075). Counts the tests expect are taken from the file
itself with the csv module, independently of the reader.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app
from upheaval.events import connect, ingest
from upheaval.events._track import track, tracking_json

ICEWS = Path(__file__).parent / "data" / "icews" / "events.2018.sample.even.tab"
SUMMIT = Path(__file__).parent / "data" / "models" / "us-dprk-summit-2018.yaml"
CODES = {
    "United States": "USA",
    "North Korea": "PRK",
    "Russian Federation": "RUS",
    "China": "CHN",
    "South Korea": "KOR",
}


def _rows() -> list[dict[str, str]]:
    with open(ICEWS, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def icews_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("icews") / "events.duckdb"
    first = ingest([ICEWS], db)
    second = ingest([ICEWS], db)
    return db, first, second


def test_the_real_icews_rows_ingest_completely_and_idempotently(icews_db):
    db, first, second = icews_db
    rows = _rows()
    assert len(rows) == 1854
    assert first.rows_added == len(rows) and first.malformed == 0
    assert second.rows_added == 0 and second.files[0].skipped.startswith("already ingested")
    con = connect(db, read_only=True)
    try:
        n, ids = con.execute(
            "SELECT count(*), count(DISTINCT original_id) FROM events WHERE dataset='icews'"
        ).fetchone()
        dyads = {
            (s, t): c
            for s, t, c in con.execute(
                "SELECT source, target, count(*) FROM events WHERE source IS NOT NULL AND target IS NOT NULL GROUP BY ALL"
            ).fetchall()
        }
        days = dict(con.execute("SELECT strftime(date, '%Y-%m-%d'), count(*) FROM events GROUP BY ALL").fetchall())
    finally:
        con.close()
    assert n == ids == len(rows)
    expected = collections.Counter(
        (CODES[r["Source Country"]], CODES[r["Target Country"]])
        for r in rows
        if r["Source Country"] in CODES and r["Target Country"] in CODES
    )
    assert expected[("USA", "PRK")] == 92 and expected[("PRK", "RUS")] == 22  # a failure here means the file changed
    for dyad, count in expected.items():
        assert dyads.get(dyad, 0) == count, dyad
    assert days == dict(collections.Counter(r["Event Date"] for r in rows))


def test_na_is_missing_in_every_column_not_malformed(tmp_path):
    """Real rows with ``NA`` written where ICEWS leaves a value out (Latitude, Longitude, Intensity)."""
    with open(ICEWS, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split("\t")
    lat, lon, inten, city = (header.index(c) for c in ("Latitude", "Longitude", "Intensity", "City"))
    out = [lines[0]]
    for line in lines[1:6]:
        cells = line.split("\t")
        cells[lat] = cells[lon] = cells[inten] = cells[city] = "NA"
        out.append("\t".join(cells))
    path = tmp_path / "icews-na.tab"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    report = ingest([path], tmp_path / "e.duckdb")
    assert report.rows_added == 5 and report.malformed == 0, report.files[0].malformed
    con = connect(tmp_path / "e.duckdb", read_only=True)
    try:
        rows = con.execute("SELECT latitude, longitude, intensity, location FROM events").fetchall()
    finally:
        con.close()
    assert all(r[0] is None and r[1] is None for r in rows)
    assert all(r[2] is not None for r in rows)  # a missing intensity falls back on the Goldstein score of the code
    assert all(r[3] != "NA" for r in rows)  # the province or country stands in for a missing city


def _hand_counts() -> dict[str, dict[str, int]]:
    """Per day, the counts behind the summit model's indicators, straight from the file."""
    out: dict[str, dict[str, int]] = collections.defaultdict(collections.Counter)
    for r in _rows():
        pair = (r["Source Country"], r["Target Country"])
        root = r["CAMEO Code"][:2]
        both = set(pair) == {"United States", "North Korea"}
        if both and root == "04":
            out[r["Event Date"]]["meetings"] += 1
        if both and root == "03":
            out[r["Event Date"]]["intent_to_meet"] += 1
        if pair == ("United States", "North Korea") and root in ("11", "12", "13"):
            out[r["Event Date"]]["us_disapproval"] += 1
    return out


def test_summit_diplomacy_tracked_over_the_real_rows(icews_db):
    """The June 2018 summit model over the real rows, day by day.

    Derivation by hand from the file (``_hand_counts`` recounts it here): on 1 June (Kim
    Yong-chol at the White House) the two sides have 76 consultations, visits and negotiations
    (CAMEO root 04, either direction), 11 expressions of intent to meet (root 03) and one US
    disapproval (roots 11-13); on 2 June (the summit announced as back on) 38, 15 and 1. With
    the thresholds 50, 12 and 2, ``meetings`` holds on 1 June only, ``intent_to_meet`` on 2 June
    only, ``us_disapproval`` on neither.

    The model's three consistent scenarios: S1 (off, distant, maintained), S2 (on, high_level,
    eased), S3 (on, distant, eased). With a uniform prior and the declared likelihoods
    (meetings 0.9/0.1, intent 0.7/0.2, disapproval by default 0.8/0.2), 1 June gives
    S1 ∝ 0.1·0.8·0.2 = 0.016, S2 ∝ 0.9·0.3·0.8 = 0.216, S3 ∝ 0.1·0.3·0.8 = 0.024 (sum 0.256):
    0.0625, 0.84375, 0.09375. On 2 June S1 ∝ 0.9·0.2·0.2 = 0.036, S2 ∝ 0.1·0.7·0.8 = 0.056,
    S3 ∝ 0.9·0.7·0.8 = 0.504 (sum 0.596). So "high-level meetings" falls from 0.84 to 0.09 as
    the visit ends, while the summit stays likely (0.94) on both days.
    """
    counts = _hand_counts()
    assert counts["2018-06-01"] == {"meetings": 76, "intent_to_meet": 11, "us_disapproval": 1}
    assert counts["2018-06-02"] == {"meetings": 38, "intent_to_meet": 15, "us_disapproval": 1}
    db, _, _ = icews_db
    system = load(SUMMIT)
    con = connect(db, read_only=True)
    try:
        result = track(system, con, every="1d")
    finally:
        con.close()
    assert [p.period.start for p in result.periods] == [dt.date(2018, 6, 1), dt.date(2018, 6, 2)]
    names = [result.consistent.names(k) for k in range(len(result.consistent))]
    order = [
        {"summit": "off", "talks": "distant", "pressure": "maintained"},
        {"summit": "on", "talks": "high_level", "pressure": "eased"},
        {"summit": "on", "talks": "distant", "pressure": "eased"},
    ]
    assert sorted(map(str, names)) == sorted(map(str, order))
    hand = {
        0: [0.016 / 0.256, 0.216 / 0.256, 0.024 / 0.256],
        1: [0.036 / 0.596, 0.056 / 0.596, 0.504 / 0.596],
    }
    for k, p in enumerate(result.periods):
        values = {v.id: v.value for v in p.indicators}
        assert values == {i: float(n) for i, n in counts[p.period.start.isoformat()].items()}
        for s, scenario in enumerate(order):
            got = p.belief.probabilities[names.index(scenario)]
            assert got == pytest.approx(hand[k][s], abs=1e-9)
    out = tracking_json(result)
    june1, june2 = out["periods"]
    assert (
        june1["variant_probabilities"]["talks"]["high_level"]
        > 0.8
        > 0.1
        > june2["variant_probabilities"]["talks"]["high_level"]
    )
    assert june1["variant_probabilities"]["summit"]["on"] > 0.9 and june2["variant_probabilities"]["summit"]["on"] > 0.9
    meet = next(e for e in june1["evidence"] if e["indicator"] == "meetings")
    assert meet["holds"] and meet["likelihood_ratio"] == pytest.approx(9.0) and meet["n_events"] == 76
    ids = {r["Event ID"] for r in _rows() if r["Event Date"] == "2018-06-01"}
    assert meet["events"] and all(e["id"] in ids and e["date"] == "2018-06-01" for e in meet["events"])


def test_track_cli_on_real_rows(icews_db):
    db, _, _ = icews_db
    res = CliRunner().invoke(app, ["track", str(SUMMIT), "--events", str(db), "--every", "1d", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    for p in out["periods"]:
        assert sum(x["probability"] for x in p["probabilities"]) == pytest.approx(1, abs=1e-5)


# --- GDELT: the real rows the `gdelt` package (PyPI, 0.1.14; a test extra) ships in its wheel's data
# files, as pandas pickles of GDELT 1.0 and 2.0 events and 2.0 mentions. The test writes them back
# in GDELT's own layout (tab-separated, no header, the codebook's column order) and reads that.


def _gdelt_sample(name: str):
    import importlib.metadata as md

    import pandas as pd

    files = {f.name: f for f in md.distribution("gdelt").files or []}
    return pd.read_pickle(files[name].locate(), compression="gzip")


def _cell(v) -> str:
    import math

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y%m%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _write_native(df, columns, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        for rec in df[columns].itertuples(index=False):
            f.write("\t".join(_cell(v) for v in rec) + "\n")


@pytest.mark.parametrize(("sample", "fmt"), [("events1samp.gz", "gdelt1"), ("events2samp.gz", "gdelt2")])
def test_real_gdelt_events_from_the_gdelt_package(tmp_path, sample, fmt):
    from upheaval.events._layouts import GDELT1_COLUMNS, GDELT2_COLUMNS, sniff_format

    df = _gdelt_sample(sample)
    columns = GDELT1_COLUMNS if fmt == "gdelt1" else GDELT2_COLUMNS
    path = tmp_path / f"{fmt}.export.CSV"
    _write_native(df, columns, path)
    assert sniff_format(path) == fmt
    db = tmp_path / "e.duckdb"
    first, again = ingest([path], db), ingest([path], db)
    assert first.rows_added == df.GLOBALEVENTID.nunique() == len(df) and first.malformed == 0
    assert again.rows_added == 0
    con = connect(db, read_only=True)
    try:
        codes = dict(con.execute("SELECT event_code, count(*) FROM events GROUP BY ALL").fetchall())
        days = dict(con.execute("SELECT strftime(date, '%Y%m%d'), count(*) FROM events GROUP BY ALL").fetchall())
        tones = con.execute("SELECT original_id, tone FROM events").fetchall()
    finally:
        con.close()
    assert codes == dict(collections.Counter(df.EventCode.astype(str)))
    assert days == dict(collections.Counter(_cell(v) for v in df.SQLDATE))
    want = {str(i): t for i, t in zip(df.GLOBALEVENTID, df.AvgTone, strict=True)}
    assert all(t == pytest.approx(want[i]) for i, t in tones)


def test_real_gdelt_mentions_from_the_gdelt_package(tmp_path):
    from upheaval.events._layouts import GDELT2_MENTIONS_COLUMNS

    df = _gdelt_sample("mentionssamp.gz")
    path = tmp_path / "20170701234500.mentions.CSV"
    _write_native(df, GDELT2_MENTIONS_COLUMNS, path)
    db = tmp_path / "e.duckdb"
    report = ingest([path], db)
    assert report.rows_added == len(df) == 50 and report.malformed == 0
    con = connect(db, read_only=True)
    try:
        n, ids = con.execute("SELECT count(*), count(DISTINCT event_id) FROM mentions").fetchone()
    finally:
        con.close()
    assert n == len(df) and ids == df.GLOBALEVENTID.nunique()
