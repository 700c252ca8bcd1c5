"""Broken event files and Ctrl-C: bad rows counted with file and line, the rest ingested, the database kept."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from upheaval.events import ingest

DATA = Path(__file__).parent / "data" / "events"
ROOT = Path(__file__).parent.parent
GDELT = DATA / "20241101.export.CSV"
ICEWS = DATA / "icews.events.2024.tab"
ACLED = DATA / "acled-2024-11.csv"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _result(path: Path, db: Path) -> tuple[int, list[int], dict[int, str]]:
    (f,) = ingest([path], db).files
    return f.rows_added, [line for line, _ in f.malformed], dict(f.malformed)


def _field(line: str, i: int, value: str, sep: str = "\t") -> str:
    fields = line.split(sep)
    fields[i] = value
    return sep.join(fields)


@pytest.mark.parametrize(("source", "row", "column"), [(GDELT, 0, 5), (ICEWS, 1, 5)])
def test_a_two_megabyte_field_is_one_malformed_row(tmp_path: Path, source: Path, row: int, column: int) -> None:
    lines = _lines(source)
    clean_added, clean_bad, _ = _result(source, tmp_path / "clean.duckdb")
    lines[row] = _field(lines[row], column, "x" * 2_000_000)
    added, bad, messages = _result(_write(tmp_path / source.name, lines), tmp_path / "ev.duckdb")
    assert added == clean_added - 1
    assert bad == sorted([row + 1, *clean_bad])
    assert "line size" in messages[row + 1]


@pytest.mark.parametrize("source", [GDELT, ICEWS, ACLED])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_a_stray_carriage_return_loses_nothing_and_keeps_line_numbers(tmp_path: Path, source: Path, where: str) -> None:
    lines = _lines(source)
    clean = _result(source, tmp_path / "clean.duckdb")
    sep = "," if source == ACLED else "\t"
    if where == "end":
        lines[1] += "\r"
    else:
        lines[1] = lines[1].replace(sep, sep + "\r", 1) if source != ACLED else lines[1] + "\r"
    broken = _write(tmp_path / source.name, lines)
    added, bad, _ = _result(broken, tmp_path / "ev.duckdb")
    assert (added, bad) == clean[:2]


def test_a_stray_carriage_return_in_a_gzipped_file(tmp_path: Path) -> None:
    lines = _lines(GDELT)
    lines[2] += "\r"
    target = tmp_path / "20241101.export.CSV.gz"
    target.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    assert _result(target, tmp_path / "ev.duckdb")[:2] == _result(GDELT, tmp_path / "clean.duckdb")[:2]


def test_crlf_files_are_read_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / GDELT.name
    target.write_bytes(GDELT.read_bytes().replace(b"\n", b"\r\n"))
    assert _result(target, tmp_path / "ev.duckdb")[:2] == _result(GDELT, tmp_path / "clean.duckdb")[:2]


@pytest.mark.parametrize(("source", "row", "column"), [(GDELT, 0, 1), (ICEWS, 1, 1), (ACLED, 1, 1)])
def test_an_empty_date_is_a_malformed_row_with_its_line(tmp_path: Path, source: Path, row: int, column: int) -> None:
    lines = _lines(source)
    clean_added, clean_bad, _ = _result(source, tmp_path / "clean.duckdb")
    lines[row] = _field(lines[row], column, "", "," if source == ACLED else "\t")
    added, bad, messages = _result(_write(tmp_path / source.name, lines), tmp_path / "ev.duckdb")
    assert added == clean_added - 1
    assert bad == sorted([row + 1, *clean_bad])
    assert "empty" in messages[row + 1]


def test_rows_with_too_many_fields_stay_malformed(tmp_path: Path) -> None:
    lines = _lines(GDELT)
    lines[1] += "\textra"
    _, bad, messages = _result(_write(tmp_path / GDELT.name, lines), tmp_path / "ev.duckdb")
    assert 2 in bad and messages[2] == "62 fields where 61 were expected"


def _sigint_as_default() -> None:
    """In the child: Ctrl-C's default action, even when the suite runs as a background job (which ignores it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _big_gdelt(path: Path, copies: int) -> Path:
    good = [r for r in _lines(GDELT) if len(r.split("\t")) == 61 and r.split("\t")[1].isdigit()]
    with open(path, "w", encoding="utf-8") as f:
        n = 0
        for _ in range(copies):
            for row in good:
                n += 1
                f.write(_field(row, 0, str(3_000_000_000 + n)) + "\n")
    return path


def _count(db: Path) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return (
            con.execute("SELECT count(*) FROM events").fetchone()[0],
            con.execute("SELECT count(*) FROM ingested_files").fetchone()[0],
        )


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="watches /proc to send Ctrl-C while the file is read")
def test_ctrl_c_during_an_ingest_exits_130_and_keeps_the_database(tmp_path: Path) -> None:
    db = tmp_path / "ev.duckdb"
    ingest([ICEWS], db)
    before = _count(db)
    big = _big_gdelt(tmp_path / "big.export.CSV", 50_000)  # about 140 MB: most of a second of reading
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "upheaval", "events", "ingest", str(big), "--db", str(db), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_sigint_as_default)
    fds = Path(f"/proc/{proc.pid}/fd")
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:  # until the process has the big file open
        try:
            if any(os.readlink(fd) == str(big) for fd in fds.iterdir()):
                break
        except OSError:
            pass
        time.sleep(0.01)
    time.sleep(0.1)  # DuckDB is reading it now (a quiet machine reads 70 MB in about 0.3 s)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "interrupted" in text and "Traceback" not in text
    assert _count(db) == before


SCRIPT = Path(sys.executable).parent / "upheaval"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the upheaval console script is not installed beside this Python")
@pytest.mark.parametrize("delay", [0.1, 0.25, 0.4, 0.55, 0.7, 0.85])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(delay: float) -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    cmd = [str(SCRIPT), "validate", str(ROOT / "tests" / "data" / "tiny.yaml")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_sigint_as_default)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    # Python's own start-up (before any upheaval code runs, the console script's first import
    # included) may still print its traceback, but no frame of the package may appear in one
    assert "Traceback" not in text or f"{ROOT / 'src' / 'upheaval'}" not in text, text
    # 130 with "interrupted", or the command had already finished (0), or the signal landed
    # before Python installed its handler and ended the process as SIGINT does (-2: 130 in a shell)
    assert proc.returncode in (130, 0, -signal.SIGINT), text
    if proc.returncode == 130:
        assert "interrupted" in text


# --- event files that lie: literal paths, broken archives, header faults ------------------------------------------


def _icews_rows(n: int = 2) -> list[str]:
    return _lines(ICEWS)[: n + 1]


def test_a_path_is_read_literally_not_as_a_pattern(tmp_path: Path) -> None:
    """``ev?.tab`` (2 rows) once added every file the pattern matched (3,708 rows)."""
    for name in ("ev1.tab", "ev2.tab"):
        (tmp_path / name).write_bytes(ICEWS.read_bytes())
    for name in ("ev?.tab", "ev*.tab", "ev[1].tab"):
        _write(tmp_path / name, _icews_rows(2))
        (f,) = ingest([tmp_path / name], tmp_path / f"{len(name)}-{name.encode().hex()}.duckdb").files
        assert f.rows_added == 2, (name, f)


def test_a_truncated_gzip_is_named_with_the_reason(tmp_path: Path) -> None:
    """A cut-off download once printed only "Aborted." with exit 1."""
    from typer.testing import CliRunner

    from upheaval.cli import app
    from upheaval.errors import EventDataError

    packed = gzip.compress(ICEWS.read_bytes() * 20)
    cut = tmp_path / "icews.tab.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(EventDataError, match="truncated or corrupt"):
        ingest([cut], tmp_path / "ev.duckdb")
    res = CliRunner().invoke(app, ["events", "ingest", str(cut), "--db", str(tmp_path / "ev.duckdb")])
    assert res.exit_code == 2 and "truncated" in res.output and "Aborted" not in res.output
    assert duckdb.connect(str(tmp_path / "ev.duckdb")).execute("SELECT count(*) FROM events").fetchone()[0] == 0
    junk = tmp_path / "junk.tab.gz"
    junk.write_bytes(b"not gzip at all" * 10)
    res = CliRunner().invoke(app, ["events", "ingest", str(junk), "--db", str(tmp_path / "ev.duckdb")])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_decompression_is_capped_by_size_and_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from upheaval.errors import EventDataError
    from upheaval.events import _ingest

    monkeypatch.setattr(_ingest, "_RATIO_FROM", 1 << 20)
    bomb = b"\t" * (8 << 20)  # 8 MB of one byte: packs about a thousand times smaller
    (tmp_path / "bomb.tab.gz").write_bytes(gzip.compress(_lines(ICEWS)[0].encode() + b"\n" + bomb))
    with pytest.raises(EventDataError, match="decompression bomb"):
        ingest([tmp_path / "bomb.tab.gz"], tmp_path / "a.duckdb")
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("events.tab", _lines(ICEWS)[0] + "\n" + bomb.decode())
    with pytest.raises(EventDataError, match="decompression bomb"):
        ingest([tmp_path / "bomb.zip"], tmp_path / "b.duckdb")


def test_header_faults_are_named_or_read(tmp_path: Path) -> None:
    """Empty column names, no actor that resolves, CR-only line ends: DuckDB's own words once, exit 1."""
    rows = _icews_rows(2)
    names = rows[0].split("\t")
    blank = list(names)
    blank[3] = blank[5] = ""  # two columns the reader does not need, without a name
    (f,) = ingest([_write(tmp_path / "blank.tab", ["\t".join(blank), *rows[1:]])], tmp_path / "a.duckdb").files
    assert f.rows_added == 2
    unknown = [rows[0]]
    for row in rows[1:]:
        for i, value in ((2, "Nobody Known"), (4, "Atlantis"), (8, "Someone Else"), (10, "Lemuria"), (17, "Utopia")):
            row = _field(row, i, value)
        unknown.append(row)
    (f,) = ingest([_write(tmp_path / "unknown.tab", unknown)], tmp_path / "b.duckdb").files
    assert f.rows_added == 2
    con = duckdb.connect(str(tmp_path / "b.duckdb"))
    assert (
        con.execute("SELECT count(*) FROM events WHERE source IS NULL AND source_name = 'Nobody Known'").fetchone()[0]
        == 2
    )
    con.close()
    (tmp_path / "cr.tab").write_bytes("\r".join(rows).encode() + b"\r")
    (f,) = ingest([tmp_path / "cr.tab"], tmp_path / "c.duckdb").files
    assert f.rows_added == 2 and not f.malformed


# --- the summary counts every row: read = added + duplicated + refused ---------------------------------------------


def _counts(f) -> tuple[int, int, int, int]:
    return f.rows_read, f.rows_added, f.rows_duplicated, f.rows_refused


def test_the_summary_counts_rows_read_added_duplicated_and_refused(tmp_path: Path) -> None:
    """A headed file with a row stored already, a row twice, a malformed row and a row without an id."""
    from typer.testing import CliRunner

    from upheaval.cli import app

    header, a, b, c = _lines(ICEWS)[:4]
    db = tmp_path / "ev.duckdb"
    assert _counts(ingest([_write(tmp_path / "first.tab", [header, b])], db).files[0]) == (1, 1, 0, 0)
    rows = [header, a, a, b, a + "\textra", _field(c, 0, ""), c]  # a twice, b stored, one malformed, one without id
    (f,) = ingest([_write(tmp_path / "second.tab", rows)], db).files
    assert _counts(f) == (6, 2, 2, 2), f
    assert [line for line, _ in f.malformed] == [5, 0]  # the malformed row by line; a note for the incomplete one
    res = CliRunner().invoke(
        app,
        [
            "events",
            "ingest",
            str(_write(tmp_path / "third.tab", [*rows, _field(c, 0, "99999")])),
            "--db",
            str(db),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    (g,) = out["files"]
    assert (g["rows_read"], g["rows_added"], g["rows_duplicated"], g["rows_refused"]) == (7, 1, 4, 2), g
    assert (out["rows_read"], out["rows_added"], out["rows_duplicated"], out["rows_refused"]) == (7, 1, 4, 2)
    table = CliRunner().invoke(
        app, ["events", "ingest", str(_write(tmp_path / "fourth.tab", rows[:3])), "--db", str(db)]
    )
    assert table.exit_code == 0 and "duplicated" in table.stdout and "refused" in table.stdout, table.output


def test_a_headless_file_counts_rows_stored_already_and_rows_without_an_id(tmp_path: Path) -> None:
    """GDELT: an event stored by an earlier file is a duplicate; an empty event id is a malformed row with its line."""
    lines = _lines(GDELT)
    clean = ingest([GDELT], tmp_path / "clean.duckdb").files[0]
    db = tmp_path / "ev.duckdb"
    ingest([_write(tmp_path / "first.CSV", lines[:2])], db)
    rows = [*lines[:3], _field(lines[0], 0, "")]
    (f,) = ingest([_write(tmp_path / "second.CSV", rows)], db).files
    assert _counts(f) == (4, 1, 2, 1), f
    assert [line for line, _ in f.malformed] == [4]
    assert clean.rows_read == clean.rows_added + clean.rows_duplicated + clean.rows_refused
    assert clean.rows_refused == len(clean.malformed) and clean.rows_read == len(lines)
