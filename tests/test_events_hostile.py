"""Broken event files and Ctrl-C: bad rows counted with file and line, the rest ingested, the database kept."""

from __future__ import annotations

import gzip
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
