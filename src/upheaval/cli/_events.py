"""The event-data commands: ``events ingest``, ``events summary``, ``events demo-db`` and ``track``."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from upheaval.cli import app
from upheaval.cli._common import EXIT_INVALID, ModelArg, console, emit_json, err, fail, handle_errors
from upheaval.errors import EventDataError

events_app = typer.Typer(
    help="Event data (GDELT, ACLED, ICEWS, POLECAT): ingest files into one DuckDB event table and summarise it.",
    no_args_is_help=True,
)
app.add_typer(events_app, name="events")

DbOpt = Annotated[Path, typer.Option("--db", help="The event database (a DuckDB file; created if missing).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")]
EveryOpt = Annotated[str, typer.Option("--every", help="Period length: a number and d, w, m or y (1w, 1m...).")]
FigureOpt = Annotated[
    Path | None, typer.Option("--figure", help="Write a figure to this file (.png or .svg).", show_default=False)
]


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} expects a date YYYY-MM-DD, got {text!r}", EXIT_INVALID) from None


def _figure_path(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise fail(f"--figure {path}: use a .png or .svg file name", EXIT_INVALID)


def _ingest_with_bar(paths: list[Path], db: Path, fmt: str, quiet: bool):
    from upheaval.events import ingest

    start = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:>12,} rows"),
        TextColumn("{task.fields[rate]:>10,.0f} rows/s"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task("ingesting", total=1.0, rows=0, rate=0.0)

        def tick(p) -> None:
            elapsed = max(time.perf_counter() - start, 1e-9)
            rows = p.rows_added
            bar.update(
                task,
                completed=p.bytes_done / max(p.bytes_total, 1),
                description=Path(p.path).name[:32],
                rows=rows,
                rate=rows / elapsed,
            )

        return ingest(paths, db, format=fmt, progress=tick)


@events_app.command("ingest")
@handle_errors
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Event files (plain, .gz or .zip) or folders of them.")],
    db: DbOpt = Path("events.duckdb"),
    format: Annotated[
        str,
        typer.Option(
            "--format", help="auto (sniffed per file), gdelt1, gdelt2, gdelt2-mentions, acled, icews or polecat."
        ),
    ] = "auto",
    json: JsonOpt = False,
) -> None:
    """Read event files into the event table of --db, skipping files and events already there.

    Each file is one transaction: an interrupted run leaves the table as it was and a new
    run resumes. Malformed rows are reported by file and line; the rest is ingested.
    """
    report = _ingest_with_bar(paths, db, format, quiet=json)
    if json:
        emit_json(
            {
                "db": str(db),
                "rows_added": report.rows_added,
                "malformed": report.malformed,
                "files": [
                    {
                        "path": f.path,
                        "format": f.format,
                        "rows_added": f.rows_added,
                        "skipped": f.skipped or None,
                        "seconds": round(f.seconds, 4),
                        "malformed": [{"line": line, "error": msg} for line, msg in f.malformed],
                    }
                    for f in report.files
                ],
            }
        )
        return
    table = Table(title=f"Ingested into {db}")
    table.add_column("file", style="cyan")
    table.add_column("format")
    table.add_column("rows added", justify="right", style="green")
    table.add_column("malformed", justify="right", style="red")
    table.add_column("rows/s", justify="right")
    table.add_column("note", style="dim")
    for f in report.files:
        rate = f"{f.rows_added / f.seconds:,.0f}" if f.seconds > 0 and f.rows_added else ""
        table.add_row(Path(f.path).name, f.format, f"{f.rows_added:,}", str(len(f.malformed)), rate, f.skipped)
    console.print(table)
    for f in report.files:
        for line, msg in f.malformed[:20]:
            err.print(f"{f.path}:{line}: {msg}", markup=False, highlight=False)
        if len(f.malformed) > 20:
            err.print(f"{f.path}: ... and {len(f.malformed) - 20} more malformed rows", markup=False)


@events_app.command("demo-db")
@handle_errors
def demo_db(db: DbOpt = Path("events.duckdb"), json: JsonOpt = False) -> None:
    """Ingest the demonstration events shipped with upheaval (GDELT 2.0 layout) into --db.

    Then try: upheaval track --events events.duckdb
    """
    from upheaval.events import demo_events_path

    report = _ingest_with_bar([demo_events_path()], db, "gdelt2", quiet=json)
    if json:
        emit_json({"db": str(db), "rows_added": report.rows_added, "file": str(demo_events_path())})
        return
    console.print(f"{report.rows_added:,} demonstration events added to {db}; now: upheaval track --events {db}")


@events_app.command("summary")
@handle_errors
def summary(
    dyad: Annotated[str, typer.Option("--dyad", help="Two actors A-B (codes or names), e.g. RUS-PRK.")],
    db: DbOpt = Path("events.duckdb"),
    every: EveryOpt = "1m",
    directed: Annotated[bool, typer.Option("--directed", help="Only events from A to B.")] = False,
    figure: FigureOpt = None,
    json: JsonOpt = False,
) -> None:
    """A dyad's series: events per period by quad class, and their mean intensity (Goldstein scale)."""
    from upheaval.events import connect
    from upheaval.events._summary import QUADS, dyad_series, parse_dyad
    from upheaval.report._tracking import dyad_figure

    _figure_path(figure)
    a, b = parse_dyad(dyad)
    con = connect(db, read_only=True)
    try:
        series = dyad_series(con, a, b, every=every, directed=directed)
    finally:
        con.close()
    if figure is not None:
        dyad_figure(series, f"{a} {'→' if directed else '↔'} {b}", figure)
    if json:
        emit_json({"dyad": [a, b], "directed": directed, "periods": series})
        return
    table = Table(title=f"Events {a} {'→' if directed else '↔'} {b}")
    table.add_column("period", style="cyan")
    for q in ("events", *QUADS):
        table.add_column(q.replace("_", " "), justify="right")
    table.add_column("mean intensity", justify="right")
    for r in series:
        mi = "" if r["mean_intensity"] is None else f"{r['mean_intensity']:+.2f}"
        table.add_row(r["start"], *(str(r[q]) for q in ("events", *QUADS)), mi)
    console.print(table)
    if figure is not None:
        console.print(f"[dim]figure written to {figure}[/]")


@app.command("track")
@handle_errors
def track_cmd(
    model: ModelArg = None,
    events: Annotated[Path, typer.Option("--events", help="The event database (see `upheaval events ingest`).")] = Path(
        "events.duckdb"
    ),
    start: Annotated[
        str | None, typer.Option("--from", help="First day YYYY-MM-DD (default: the data's first month).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End day, exclusive (default: after the last event).")] = None,
    every: EveryOpt = "1m",
    figure: FigureOpt = None,
    json: JsonOpt = False,
) -> None:
    """Track MODEL against event data: per period, each indicator's value and the variant it signals,
    the observed variants and the consistent scenarios still compatible with them (conflicts shown).
    """
    from upheaval.events import connect
    from upheaval.events._track import track, tracking_json
    from upheaval.report._tracking import tracking_figure

    _figure_path(figure)
    from upheaval.model import load_system

    system = load_system(model)
    first, last = _date(start, "--from"), _date(end, "--to")
    con = connect(events, read_only=True)
    try:
        result = track(system, con, start=first, end=last, every=every)
    finally:
        con.close()
    if figure is not None:
        tracking_figure(result, figure)
    if json:
        emit_json(tracking_json(result))
        return
    table = Table(title=f"Tracking {system.id} against {events}")
    table.add_column("period", style="cyan", no_wrap=True)
    table.add_column("signalled", style="green")
    table.add_column("observed variants")
    table.add_column("scenarios", justify="right")
    table.add_column("conflicts", style="red")
    for p in result.periods:
        sig = ", ".join(v.id for v in p.indicators if v.signals)
        obs = ", ".join(f"{d}={v}" for d, v in p.observed.items())
        conf = "; ".join(
            f"{c['descriptor']}: {'/'.join(c['variants'])}" if c["kind"] == "two-variants" else "no scenario fits all"
            for c in p.conflicts
        )
        table.add_row(f"{p.period.start}", sig, obs, f"{len(p.scenarios)} of {result.n_consistent}", conf)
    console.print(table)
    if result.periods:
        last_p = result.periods[-1]
        if len(last_p.scenarios):
            names = last_p.scenarios.names(0)
            console.print(
                "[bold]Latest period, first compatible scenario:[/] " + ", ".join(f"{d}={v}" for d, v in names.items())
            )
    if figure is not None:
        console.print(f"[dim]figure written to {figure}[/]")


__all__ = ["demo_db", "events_app", "ingest_cmd", "summary", "track_cmd"]

_ = EventDataError  # re-exported errors reach users through handle_errors
