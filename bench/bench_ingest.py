"""Benchmark: GDELT 2.0 rows per second into the event table, against pandas ``read_csv`` of the same file."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from upheaval.events import ingest
from upheaval.events._layouts import GDELT2_COLUMNS

ACTORS = [
    "RUS",
    "UKR",
    "PRK",
    "CHN",
    "USA",
    "KOR",
    "JPN",
    "DEU",
    "FRA",
    "GBR",
    "POL",
    "IRN",
    "TUR",
    "IND",
    "BRA",
    "ISR",
]
CODES = ["010", "020", "036", "040", "042", "043", "046", "051", "057", "062", "072", "0874", "112", "111",
         "120", "138", "141", "154", "163", "173", "190", "193", "194", "195"]  # fmt: skip


def write_gdelt2(path: Path, rows: int, seed: int = 1) -> None:
    """Write ``rows`` synthetic events in the GDELT 2.0 layout (61 tab-separated fields), with DuckDB."""
    actors = "[" + ", ".join(f"'{a}'" for a in ACTORS) + "]"
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    h = f"CAST(hash(i + {seed * 1_000_003}) % 9007199254740991 AS BIGINT)"
    fields = [
        "CAST(500000000 + i AS VARCHAR)",
        "strftime(DATE '2024-01-01' + CAST(i % 330 AS INTEGER), '%Y%m%d')",
        "strftime(DATE '2024-01-01' + CAST(i % 330 AS INTEGER), '%Y%m')",
        "'2024'",
        "'2024.5000'",
        f"{actors}[1 + {h} % 16] || 'GOV'",
        "'GOVERNMENT'",
        f"{actors}[1 + {h} % 16]",
        *["''"] * 4,
        "'GOV'",
        "''",
        "''",
        f"{actors}[1 + ({h} >> 8) % 16] || 'MIL'",
        "'MILITARY'",
        f"{actors}[1 + ({h} >> 8) % 16]",
        *["''"] * 4,
        "'MIL'",
        "''",
        "''",
        "'1'",
        f"{codes}[1 + ({h} >> 16) % 24]",
        f"left({codes}[1 + ({h} >> 16) % 24], 3)",
        f"left({codes}[1 + ({h} >> 16) % 24], 2)",
        f"CAST(1 + ({h} >> 24) % 4 AS VARCHAR)",
        "CAST(round(((" + h + " >> 28) % 200) / 10.0 - 10, 1) AS VARCHAR)",
        f"CAST(1 + ({h} >> 36) % 50 AS VARCHAR)",
        "'1'",
        f"CAST(1 + ({h} >> 36) % 50 AS VARCHAR)",
        "CAST(round(((" + h + " >> 42) % 2000) / 100.0 - 10, 6) AS VARCHAR)",
    ]
    geo = ["'4'", "'Kyiv, Kyyiv, Misto, Ukraine'", "'UP'", "'UP12'", "'28030'", "'50.4333'", "'30.5167'", "'-1044367'"]
    fields += geo * 3
    fields += [
        "strftime(DATE '2024-01-01' + CAST(i % 330 AS INTEGER), '%Y%m%d') || '031500'",
        "'https://www.example.com/news/2024/world/' || CAST(i AS VARCHAR) || '.html'",
    ]
    assert len(fields) == len(GDELT2_COLUMNS)
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT {', '.join(fields)} FROM range({rows}) t(i)) TO '{path}' "
        "(FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')"
    )
    con.close()


def _cpu() -> float:
    """CPU seconds used by this process so far (all threads, user and system)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    """The 1-minute load average against the cores, e.g. ``load 1.2/2``."""
    return f"load {os.getloadavg()[0]:.1f}/{os.cpu_count()}"


def time_upheaval(path: Path, db: Path) -> tuple[float, int, float]:
    """Seconds to ingest ``path`` into a fresh event database, the rows added and the CPU seconds used."""
    db.unlink(missing_ok=True)
    cpu, start = _cpu(), time.perf_counter()
    report = ingest([path], db)
    return time.perf_counter() - start, report.rows_added, _cpu() - cpu


def time_pandas(path: Path) -> tuple[float, int]:
    """Seconds for pandas ``read_csv`` (C engine, string event codes) to read the same file."""
    start = time.perf_counter()
    frame = pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=GDELT2_COLUMNS,
        dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str},
        quoting=3,
        low_memory=False,
    )
    return time.perf_counter() - start, len(frame)


def main() -> None:
    """Generate the file, time both readers ``--repeat`` times, and print rows/s, medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to write the file (a temporary folder by default)"
    )
    parser.add_argument(
        "--file", type=Path, default=None, help="reuse this file (written by an earlier run with --dir) if present"
    )
    parser.add_argument("--no-pandas", action="store_true", help="time only the ingest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = args.file or Path(tmp) / "gdelt2-bench.CSV"
        if not path.exists():
            start = time.perf_counter()
            write_gdelt2(path, args.rows)
            print(f"wrote {args.rows:,} GDELT 2.0 rows ({path.stat().st_size / 1e6:,.0f} MB)"
                  f" in {time.perf_counter() - start:.1f} s")  # fmt: skip
        ours, theirs = [], []
        for k in range(args.repeat):
            load = _load()
            sec, added, cpu = time_upheaval(path, Path(tmp) / "bench.duckdb")
            assert added == args.rows, (added, args.rows)
            ours.append(sec)
            line = f"run {k + 1} ({load}): upheaval ingest {args.rows / sec:,.0f} rows/s ({sec:.2f} s, {cpu:.1f} CPU s)"
            if not args.no_pandas:
                psec, n = time_pandas(path)
                assert n == args.rows
                theirs.append(psec)
                line += f"; pandas read_csv {args.rows / psec:,.0f} rows/s ({psec:.2f} s)"
            print(line, flush=True)
        mo = statistics.median(ours)
        print(f"median: upheaval ingest into DuckDB {args.rows / mo:,.0f} rows/s ({mo:.2f} s; {_load()})")
        if theirs:
            mp = statistics.median(theirs)
            print(f"median: pandas read_csv (parse only, no table) {args.rows / mp:,.0f} rows/s ({mp:.2f} s)")
            print(f"ratio: {mp / mo:.1f}x pandas")


if __name__ == "__main__":
    main()
