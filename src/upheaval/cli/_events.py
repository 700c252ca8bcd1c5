"""The event-data commands: ``events ingest``, ``events summary``, ``events demo-db``, ``track`` and ``indicators``."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, JsonOpt, ModelArg, console, emit_json, err, fail, handle_errors
from upheaval.errors import EventDataError

events_app = typer.Typer(
    help="Event data (GDELT, ACLED, ICEWS, POLECAT): ingest files into one DuckDB event table and summarise it.",
    no_args_is_help=True,
)
app.add_typer(events_app, name="events")

DbOpt = Annotated[Path, typer.Option("--db", help="The event database (a DuckDB file; created if missing).")]
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
    paths: Annotated[
        list[Path], typer.Argument(help="Event files (plain, .gz or .zip) or folders of them.", exists=True)
    ],
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
    run resumes. Malformed rows are reported by file and line; the rest is ingested. The summary
    counts each file's rows: read = added + duplicated (an event stored already, or twice in the
    file) + refused (malformed, or without a date, id or event code).
    """
    try:
        report = _ingest_with_bar(paths, db, format, quiet=json)
    except EventDataError as exc:  # a file that cannot be read as event data: invalid input, as a bad model is
        raise fail(str(exc), EXIT_INVALID) from None
    if json:
        emit_json(
            {
                "db": str(db),
                "rows_read": report.rows_read,
                "rows_added": report.rows_added,
                "rows_duplicated": report.rows_duplicated,
                "rows_refused": report.rows_refused,
                "malformed": report.malformed,
                "files": [
                    {
                        "path": f.path,
                        "format": f.format,
                        "rows_read": f.rows_read,
                        "rows_added": f.rows_added,
                        "rows_duplicated": f.rows_duplicated,
                        "rows_refused": f.rows_refused,
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
    table.add_column("read", justify="right")
    table.add_column("added", justify="right", style="green")
    table.add_column("duplicated", justify="right")
    table.add_column("refused", justify="right", style="red")
    table.add_column("rows/s", justify="right")
    table.add_column("note", style="dim")
    for f in report.files:
        rate = f"{f.rows_added / f.seconds:,.0f}" if f.seconds > 0 and f.rows_added else ""
        counts = (f.rows_read, f.rows_added, f.rows_duplicated, f.rows_refused)
        table.add_row(escape(Path(f.path).name), f.format, *(f"{n:,}" for n in counts), rate, escape(f.skipped))
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
    console.print(
        f"{report.rows_added:,} demonstration events added to {db}; now: upheaval track --events {db}", markup=False
    )


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
    from upheaval.events import QUADS, connect, dyad_series, parse_dyad
    from upheaval.report import dyad_figure

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
    from rich import box

    short = {"verbal_cooperation": "v.coop", "material_cooperation": "m.coop", "verbal_conflict": "v.confl",
             "material_conflict": "m.confl"}  # fmt: skip
    table = Table(title=f"Events {a} {'→' if directed else '↔'} {b}", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("period", style="cyan", no_wrap=True)
    for q in ("events", *QUADS):
        table.add_column(short.get(q, q.replace("_", " ")), justify="right", no_wrap=True)
    table.add_column("intensity", justify="right", no_wrap=True)
    for r in series:
        mi = "" if r["mean_intensity"] is None else f"{r['mean_intensity']:+.2f}"
        table.add_row(r["start"], *(str(r[q]) for q in ("events", *QUADS)), mi)
    console.print(table)
    console.print(
        "[dim]v./m. coop, confl: verbal and material cooperation and conflict (CAMEO quad classes); intensity: "
        "the events' mean on the Goldstein scale (-10..+10)[/]"
    )
    if figure is not None:
        console.print(f"[dim]figure written to {escape(str(figure))}[/]")


PriorOpt = Annotated[
    str | None,
    typer.Option(
        "--prior", help="uniform, basins (succession basins), or model (default: the model's tracking.prior)."
    ),
]
FloorOpt = Annotated[
    float | None,
    typer.Option("--floor", help="Keep every likelihood within [floor, 1-floor] (default: the model's, 0.05)."),
]


def _prior(text: str | None) -> str | None:
    if text is None or text == "model":
        return None
    if text not in ("uniform", "basins"):
        raise fail(f"--prior {text}: use uniform, basins or model", EXIT_INVALID)
    return text


def _label(label: str, name: str | None) -> str:
    return f"{label} · {name}" if name else label


def _track(model, events: Path, start, end, every, prior, floor, alerts=()):
    from upheaval._load import load
    from upheaval.events import connect, parse_alert, track

    try:
        rules = [parse_alert(a) for a in alerts]
    except EventDataError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    if floor is not None and not 0 < floor < 0.5:
        raise fail(f"--floor {floor}: use a number between 0 and 0.5, e.g. 0.05", EXIT_INVALID)
    system = load(model)
    first, last = _date(start, "--from"), _date(end, "--to")
    if not Path(events).exists():
        raise fail(f"{events}: no event database; create one with `upheaval events ingest FILE --db {events}`")
    con = connect(events, read_only=True)
    try:
        return track(system, con, start=first, end=last, every=every, prior=_prior(prior), floor=floor, alerts=rules)
    finally:
        con.close()


EventsOpt = Annotated[Path, typer.Option("--events", help="The event database (see `upheaval events ingest`).")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD (default: the data's first month).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="End day, exclusive (default: after the last event).")]


@app.command("track")
@handle_errors
def track_cmd(
    model: ModelArg = None,
    events: EventsOpt = Path("events.duckdb"),
    start: FromOpt = None,
    end: ToOpt = None,
    every: EveryOpt = "1m",
    prior: PriorOpt = None,
    floor: FloorOpt = None,
    alert: Annotated[
        list[str] | None,
        typer.Option(
            "--alert",
            help="Raise an alert when TARGET OP NUMBER holds: a variant's probability (china_support.expanded>=0.4), "
            "a scenario's or future's (S2>0.5), or an indicator's value (dprk_troops_deployed>=10). Repeatable.",
        ),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Report what changed since this day YYYY-MM-DD.")] = None,
    figure: FigureOpt = None,
    json: JsonOpt = False,
) -> None:
    """Track MODEL against event data: per period, the probability of every consistent scenario.

    Each period starts from the prior and is updated by Bayes' rule with every measured
    indicator (how probable its value is under each variant it bears on), the indicators taken
    as independent and every likelihood kept off 0 and 1 by the floor. The evidence lists each
    update with its likelihood ratio and the events behind it. The hard-filter reading (the
    consistent scenarios compatible with every signalled variant) is shown beside it.
    """
    from upheaval.events import changes_since, tracking_json

    _figure_path(figure)
    day = _date(since, "--since")
    result = _track(model, events, start, end, every, prior, floor, alert or [])
    if figure is not None:
        from upheaval.report import probability_figure

        probability_figure(result, figure)
    changes = changes_since(result, day) if day is not None else None
    if json:
        out = tracking_json(result)
        if changes is not None:
            out["changes"] = changes
        emit_json(out)
        return
    _print_tracking(result, events)
    if changes is not None:
        _print_changes(changes)
    if figure is not None:
        console.print(f"[dim]figure written to {escape(str(figure))}[/]")


def _print_tracking(result, events: Path) -> None:
    import numpy as np

    system = result.system
    console.print(
        f"[bold]Tracking {system.id}[/] against {escape(str(events))}: prior {result.prior_kind}, floor {result.floor:g}; "
        "indicators taken as independent given the scenario."
    )
    from rich import box

    rows: list[list[str]] = []
    for p in result.periods:
        probs = p.belief.probabilities
        moved = sorted(
            (u for u in p.belief.updates if u.ratio is not None and u.holds),
            key=lambda u: -abs(np.log(u.ratio)),
        )
        text = ", ".join(f"{u.indicator} ×{u.ratio:.3g}" for u in moved[:2]) or "no rule holds"
        if p.alerts:
            text += " [red]alert: " + escape("; ".join(a["alert"] for a in p.alerts)) + "[/]"
        top = _most_probable(probs)
        label = escape("; ".join(_label(*result.labels[k]) for k in top) + (" (tied)" if len(top) > 1 else ""))
        row = [f"{p.period.start}", label or "-", f"{probs[top[0]]:.2f}" if top else "", text, f"{len(p.scenarios)}"]
        if rows and rows[-1][1:] == row[1:]:  # the same answer as the period before: one row for the run
            rows[-1][0] = rows[-1][0].split("\n")[0] + f"\nto {p.period.start}"
        else:
            rows.append(row)

    from upheaval.cli._tables import word_widths

    heads = ["period", "most probable", "p", "moved by (likelihood ratio)", "filter"]
    fixed = [True, False, True, False, True]
    columns = [[h, *(Text.from_markup(r[k]).plain for r in rows)] for k, h in enumerate(heads)]
    widths = word_widths(console.width, columns, fixed)
    table = Table(title="Most probable future per period (ties shown as ties)", title_justify="left",
                  box=box.SIMPLE_HEAD)  # fmt: skip
    for head, w, right in zip(heads, widths, [False, False, True, False, True], strict=True):
        table.add_column(head, width=w, justify="right" if right else "left", style="cyan" if head == "period" else "")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if result.periods:
        last = result.periods[-1]
        latest = Table(title=f"Probabilities in the latest period ({last.period.start})", title_justify="left")
        latest.add_column("future", no_wrap=True)
        latest.add_column("prior", justify="right")
        latest.add_column("now", justify="right")
        for (label, name), p0, p1 in sorted(
            zip(result.labels, result.prior, last.belief.probabilities, strict=True), key=lambda r: -r[2]
        ):
            latest.add_row(escape(_label(label, name)), f"{p0:.3f}", f"{p1:.3f}")
        console.print(latest)
        for k in _most_probable(last.belief.probabilities):
            names = result.consistent.names(k)
            console.print(
                f"[bold]Most probable now, {_label(*result.labels[k])}:[/] "
                + ", ".join(f"{d}={v}" for d, v in names.items()),
                soft_wrap=False,
            )
    console.print(
        "[dim]filter: consistent scenarios compatible with every signalled variant "
        f"(of {result.n_consistent}); --json gives the evidence with event ids.[/]"
    )


TIE = 1e-9  # probabilities this close (relative) are a tie


def _most_probable(probs) -> list[int]:
    """The positions of the largest probability and of every probability tied with it."""
    import numpy as np

    if not len(probs):
        return []
    best = float(np.max(probs))
    return [int(k) for k in np.flatnonzero(np.asarray(probs) >= best * (1 - TIE))]


def _print_changes(ch: dict) -> None:
    console.print(f"[bold]Since {ch['since']}[/] ({ch['from']} → {ch['to']}):")
    for s in sorted(ch["scenarios"], key=lambda s: -abs(s["change"])):
        if abs(s["change"]) >= 0.005:
            console.print(f"  {_label(s['label'], s['name'])}: {s['before']:.3f} → {s['now']:.3f} ({s['change']:+.3f})")
    for v in ch["variants"]:
        console.print(f"  {v['variant']}: {v['before']:.3f} → {v['now']:.3f} ({v['change']:+.3f})")
    for i in ch["indicators"]:
        console.print(f"  {i['indicator']}: {'now holds' if i['now'] else 'no longer holds'}")
    for a in ch["alerts"]:
        console.print(f"  [red]alert[/] {a['period']}: {escape(a['alert'])} (value {a['value']:.3g})")
    if not (ch["variants"] or ch["indicators"] or ch["alerts"]):
        console.print("  nothing moved by 0.05 or more; no indicator changed; no alert")


@app.command("indicators")
@handle_errors
def indicators_cmd(
    model: ModelArg = None,
    prior: PriorOpt = None,
    floor: FloorOpt = None,
    figure: FigureOpt = None,
    json: JsonOpt = False,
    sql: Annotated[
        str | None,
        typer.Option(
            "--sql",
            help="Print instead the one query measuring every indicator per period (--from, --to, --every) "
            "over GDELT 2.0's table in this SQL dialect: bigquery (on gdelt-bq.gdeltv2.events) or duckdb.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="With --sql: the first day YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="With --sql: the end day, exclusive.")] = None,
    every: EveryOpt = "1m",
) -> None:
    """Rank MODEL's indicators as signposts: which consistent scenarios each tells apart, how sharply.

    Diagnosticity is the expected information (bits) an indicator's observation gives about the
    scenario under the prior; spread is the range of its likelihoods over the scenarios. Pairs
    of futures no indicator separates are named: the data cannot tell them apart.

    With --sql, the indicators' query for GDELT's public BigQuery table instead: its rows are each
    indicator's count, intensity, tone and mentions per period window, as `track` reads them.
    """
    from upheaval._load import load
    from upheaval.cib import compile_system, find_consistent
    from upheaval.events import signposts, signposts_json

    if sql is not None:
        if json or figure is not None:
            raise fail("--sql prints a query; leave out --json and --figure, or --sql", EXIT_INVALID)
        _print_sql(model, sql, _date(start, "--from"), _date(end, "--to"), every)
        return
    _figure_path(figure)
    if floor is not None and not 0 < floor < 0.5:
        raise fail(f"--floor {floor}: use a number between 0 and 0.5, e.g. 0.05", EXIT_INVALID)
    system = load(model)
    if not system.indicators:
        raise fail(f"model {system.id} defines no indicators; add an `indicators:` section", EXIT_INVALID)
    consistent = find_consistent(compile_system(system), 0)
    result = signposts(system, consistent, prior=_prior(prior), floor=floor)
    if figure is not None:
        from upheaval.report import signpost_figure

        signpost_figure(result, figure)
    if json:
        emit_json(signposts_json(result, consistent))
        return
    table = Table(title=f"Signposts of {system.id} over {len(consistent)} consistent scenarios", title_justify="left")
    table.add_column("indicator", style="cyan", no_wrap=True)
    table.add_column("signals", no_wrap=True)
    table.add_column("bits", justify="right")
    table.add_column("pairs", justify="right")
    n_pairs = len(consistent) * (len(consistent) - 1) // 2
    for s in result.ranked:
        table.add_row(s.indicator, s.signals, f"{s.diagnosticity:.3f}", f"{len(s.separates)}/{n_pairs}")
    console.print(table)
    console.print(
        "[dim]bits: expected information of an observation about the scenario; pairs: pairs of "
        "consistent scenarios it separates (--json adds the spread and the likelihoods).[/]"
    )
    if result.unseparated:
        names = dict(result.labels)
        console.print("[bold]No indicator separates[/] (add one that does, or accept they look alike in the data):")
        for a, b in result.unseparated:
            console.print(f"  {_label(a, names[a])} and {_label(b, names[b])}: " + _difference(consistent, a, b))
    else:
        console.print("Every pair of consistent scenarios is separated by at least one indicator.")
    if figure is not None:
        console.print(f"[dim]figure written to {escape(str(figure))}[/]")


def _print_sql(model: str | None, dialect: str, start: dt.date | None, end: dt.date | None, every: str) -> None:
    from upheaval._load import load
    from upheaval.events import indicators_sql, make_periods

    if start is None or end is None:
        raise fail("--sql needs --from and --to: the days the query's periods cover", EXIT_INVALID)
    system = load(model)
    try:
        text = indicators_sql(system, make_periods(start, end, every), dialect=dialect)
    except EventDataError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    typer.echo(text.rstrip() + ";")


def _difference(consistent, a: str, b: str) -> str:
    sa, sb = consistent.names(int(a[1:]) - 1), consistent.names(int(b[1:]) - 1)
    diff = [f"{d} {sa[d]}/{sb[d]}" for d in sa if sa[d] != sb[d]]
    return "differ in " + ", ".join(diff)


__all__ = ["demo_db", "events_app", "indicators_cmd", "ingest_cmd", "summary", "track_cmd"]

_ = EventDataError  # re-exported errors reach users through handle_errors
