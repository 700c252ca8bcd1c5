"""The forecast commands: ``forecast`` (write a dated, pre-registered forecast) and ``score``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, ModelArg, console, emit_json, err, fail, handle_errors, parse_assignments
from upheaval.cli._events import EventsOpt, EveryOpt, FloorOpt, FromOpt, PriorOpt, ToOpt, _track
from upheaval.errors import EventDataError

__all__ = ["forecast_cmd", "score_cmd"]

SHOWN = 10  # scenarios `forecast` prints; the file holds them all


@app.command("forecast")
@handle_errors
def forecast_cmd(
    model: ModelArg = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The forecast file to write (JSON; never overwritten).")
    ] = Path("forecast.json"),
    horizon: Annotated[
        str,
        typer.Option("--horizon", help="When the forecast resolves: a date YYYY-MM-DD or a span after the data (3m)."),
    ] = "3m",
    events: EventsOpt = Path("events.duckdb"),
    start: FromOpt = None,
    end: ToOpt = None,
    every: EveryOpt = "1m",
    prior: PriorOpt = None,
    floor: FloorOpt = None,
    json: Annotated[bool, typer.Option("--json", help="Also print the forecast as JSON on stdout.")] = False,
) -> None:
    """Write a dated, pre-registered forecast: MODEL's scenario and variant probabilities at a horizon.

    The probabilities are those of the last tracked period (see `upheaval track`), stated for
    the horizon; the file records when it was issued and from which evidence. It is written
    atomically and never over an existing file. Score it later with `upheaval score`.
    """
    from upheaval.events import forecast_from_tracking, write_forecast

    result = _track(model, events, start, end, every, prior, floor)
    try:
        fc = forecast_from_tracking(result, horizon, events=str(events))
    except EventDataError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    write_forecast(fc, out)
    if json:
        emit_json(fc)
        return
    console.print(
        f"Forecast for {fc['horizon']} written to {out} (issued {fc['issued']}, model {fc['model']}).", markup=False
    )
    ranked = sorted(fc["scenarios"], key=lambda s: -s["probability"])
    shown = ranked[:SHOWN]
    table = Table(title="Scenario probabilities", title_justify="left")
    table.add_column("future")
    table.add_column("p", justify="right")
    for s in shown:
        table.add_row(escape(f"{s['label']} · {s['name']}" if s["name"] else s["label"]), f"{s['probability']:.3f}")
    console.print(table)
    if len(shown) < len(ranked):
        rest = sum(s["probability"] for s in ranked[len(shown) :])
        console.print(
            f"{len(shown)} of {len(ranked)} scenarios shown, the most probable first; the other {len(ranked) - len(shown)}"
            f" hold {rest:.3f} together: {out} lists every one (or --json)"
        )


@app.command("score")
@handle_errors
def score_cmd(
    forecasts: Annotated[list[Path], typer.Argument(help="Forecast files written by `upheaval forecast`.")],
    outcomes: Annotated[
        Path | None,
        typer.Option(
            "--outcomes", help="Recorded outcomes (YAML/JSON list of {date, variants: {d: v}}).", show_default=False
        ),
    ] = None,
    outcome: Annotated[
        list[str] | None, typer.Option("--outcome", help="An outcome D=V (repeatable), recorded on --on.")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="The date of the --outcome values (default: today).")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")] = False,
) -> None:
    """Score stored forecasts against outcomes recorded later: Brier (1950) and log (Good 1952) scores.

    Each forecast is scored against the first outcome dated on or after its horizon, per
    descriptor named by the outcome (and per scenario when the outcome names every
    descriptor); a calibration table and Murphy's (1973) decomposition pool every variant.
    Lower scores are better.
    """
    from upheaval.events import read_forecast, read_outcomes, score_forecasts

    try:
        recorded = read_outcomes(outcomes) if outcomes is not None else []
    except EventDataError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    if outcome:
        day = dt.date.today()
        if on is not None:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise fail(f"--on expects a date YYYY-MM-DD, got {on!r}", EXIT_INVALID) from None
        recorded.append({"date": day, "variants": parse_assignments(outcome, "--outcome")})
    if not recorded:
        raise fail("no outcome to score against: pass --outcomes FILE or --outcome D=V", EXIT_INVALID)
    try:
        loaded = [(str(p), read_forecast(p)) for p in forecasts]
        result = score_forecasts(loaded, recorded)
    except EventDataError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    for item in result["late"]:  # loud on stderr, whatever the output format
        err.print(
            f"warning: {item['forecast']} was issued {item['issued'] or 'on an unknown day'}, after its horizon "
            f"{item['horizon']}: it is not pre-registered (the outcome could be known when it was made); "
            "its scores are marked late",
            markup=False,
            highlight=False,
        )
    if json:
        emit_json(result)
        return
    for name, method in result["methods"].items():
        console.print(f"method ({Path(name).name}): {method}", markup=False, highlight=False)
    table = Table(title="Scores (lower is better)", title_justify="left")
    for c in ("forecast", "horizon", "target", "happened", "p", "Brier", "log", "late"):
        table.add_column(c, justify="right" if c in ("p", "Brier", "log") else "left")
    for i in result["items"]:
        log = "inf" if i["log"] is None else f"{i['log']:.3f}"
        table.add_row(
            Path(i["forecast"]).name, i["horizon"], i["target"], i["happened"], f"{i['probability']:.3f}",
            f"{i['brier']:.3f}", log, "LATE" if i["late"] else "",
        )  # fmt: skip
    console.print(table)
    if "mean_brier" in result:
        mean_log = "inf" if result["mean_log"] is None else f"{result['mean_log']:.3f}"
        m = result["murphy"]
        console.print(
            f"mean Brier {result['mean_brier']:.3f}, mean log {mean_log} over the descriptors; binary Brier "
            f"{m['brier']:.3f} = reliability {m['reliability']:.3f} - resolution {m['resolution']:.3f} "
            f"+ uncertainty {m['uncertainty']:.3f} (Murphy 1973)"
        )
        cal = Table(title="Calibration (every variant)", title_justify="left")
        for c in ("forecast p", "n", "mean forecast", "observed"):
            cal.add_column(c, justify="right")
        for b in result["calibration"]:
            cal.add_row(
                f"{b['bin'][0]:.1f}-{b['bin'][1]:.1f}", str(b["n"]), f"{b['mean_forecast']:.3f}", f"{b['observed']:.3f}"
            )
        console.print(cal)
    if result["unresolved"]:
        console.print(
            "[dim]not yet resolved (no outcome on or after the horizon): "
            + escape(", ".join(result["unresolved"]))
            + "[/]"
        )
