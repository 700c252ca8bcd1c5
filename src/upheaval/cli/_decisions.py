"""The decision commands: levers, pick, shock, and the Delphi round (ensemble --disagreement, delphi)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from upheaval._text import counted
from upheaval.cli._app import app
from upheaval.cli._common import (
    EXIT_INVALID,
    JsonOpt,
    ModelArg,
    console,
    emit_json,
    err,
    fail,
    handle_errors,
    parse_assignments,
    search_progress,
)
from upheaval.cli._tables import fit_words
from upheaval.errors import EngineError

__all__ = ["decision_figure", "lever_map", "show_disagreement"]

LocalOpt = Annotated[bool, typer.Option("--local", help="Local succession: one descriptor at a time.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same result.")]
FigureOpt = Annotated[
    Path | None,
    typer.Option("--figure", help="Also draw the figure to this file (.png, .svg or .pdf).", dir_okay=False),
]


def _check_figure(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise fail(f"cannot write a figure to {path.name}", EXIT_INVALID, "use a .png, .svg or .pdf file name")


def _save(fig: Any, path: Path) -> None:
    from upheaval.report import save_figure

    save_figure(fig, path)
    err.print(f"wrote {path}", markup=False, highlight=False)


def lever_map(res: Any, seed: int = 0) -> Any:
    """The lever map of a result, with the destinations' basins (exact up to 2 million scenarios, else sampled)."""
    from upheaval.report import lever_figure

    shares, note = res.basin_shares(random_state=seed)
    return lever_figure(res, shares, basin_note=note)


def decision_figure(kind: str, model: Any) -> Any:
    """``upheaval figure levers|pick|shock``: the figure with each command's defaults."""
    from upheaval import analysis
    from upheaval import report as D

    if kind == "levers":
        return lever_map(analysis.levers(model))
    if kind == "pick":
        return D.pick_figure(analysis.pick(model, 4))
    from upheaval.analysis import as_system

    system, _ = as_system(model)
    if system is None or not system.shocks:
        raise fail(f"model `{getattr(system, 'id', model)}` declares no shocks", EXIT_INVALID,
                   "add `shocks:` to the model (see docs/model-format.md)")  # fmt: skip
    return D.shock_figure(analysis.shock(system, system.shocks[0].id))


def _scw_help(model: str | None) -> str:
    """How to give a ScenarioWizard file shocks: the format has no place for them."""
    if model is None or not str(model).lower().endswith(".scw"):
        return ""
    yaml = str(Path(model).with_suffix(".yaml").name)
    return f"a .scw file holds no shocks: upheaval convert {model} {yaml}, then add `shocks:` to {yaml}"


def _dim(text: str) -> None:
    console.print(f"[dim]{escape(text)}[/]")


def _let_go(res: Any, lv: Any) -> str:
    """Where the system goes once the lever is let go, in words."""
    if lv.lasting:
        return "stays there when let go"
    if lv.released_kind == "cycle" or lv.released is None:
        return "let go, it cycles"
    return f"let go, it settles in {res.labels.label(lv.released)}"


def _lever_table(title: str, res: Any, groups: list[list[Any]]) -> Group:
    """The levers under where they settle (held) and what happens when they are let go, one heading per end
    and one line per lever: who holds it, the steps to the end, how robust the end is. Columns are as wide as
    their longest entry, headings wrap at words, so no word is broken."""
    rows = [[(res.change_text(lv), " ".join(lv.actors) or "-", str(lv.steps),
              f"{lv.absorbed}/{lv.perturbations}" if lv.perturbations else "-") for lv in g] for g in groups]  # fmt: skip
    heads = ("lever", "held by", "steps", "robust")
    widths = [max(len(h), *(len(r[j]) for g in rows for r in g)) for j, h in enumerate(heads)]

    def line(cells: tuple[str, ...], style: str = "") -> Text:
        text = Text("  ")
        text.append(cells[0].ljust(widths[0]), style=style or "cyan")
        text.append("  " + cells[1].ljust(widths[1]) + "  " + cells[2].rjust(widths[2]) + "  " + cells[3].rjust(widths[3]),
                    style=style)  # fmt: skip
        return text

    out: list[Any] = [Text(title, style="bold"), line(heads, "bold")]
    for group, cells in zip(groups, rows, strict=True):
        last = None
        for lv, row in zip(group, cells, strict=True):
            head = f"{res.end_label(lv)}: {_let_go(res, lv)}"
            if head != last:
                out.append(Text(head, style="green"))
                last = head
            out.append(line(row))
    return Group(*out)


def _holders_legend(res: Any, shown: list[Any]) -> None:
    system = res.system
    if system is None:
        return
    used = {a for lv in shown for a in lv.actors}
    if used:
        _dim("held by: " + ", ".join(f"{a.code} {a.name}" for a in system.actors if a.code in used))
    open_ = [d for d, h in res.holders.items() if not h.actors]
    if open_:
        _dim(f"no holder stated or derived for {', '.join(open_)} (add `held_by:` to the model)")


@app.command()
@handle_errors
def levers(
    model: ModelArg = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Start: `present` (the model's; S1 when it states none), a label S4, or D=V pairs "
            "(the rest as in the present).",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="The future to reach: a future's id or name, a label S4, or D=V pairs; lists the "
            "smallest lever sets that reach it.",
        ),
    ] = None,
    radius: Annotated[
        int, typer.Option("--radius", "-r", min=1, max=3, help="Largest lever set: 1 single changes, 2 pairs, 3.")
    ] = 1,
    local: LocalOpt = False,
    max_sets: Annotated[
        int,
        typer.Option("--max-sets", min=1, help="Lever sets of one size tried exhaustively; beyond, a seeded sample."),
    ] = 20_000,
    held: Annotated[bool, typer.Option("--held", help="Only levers some actor holds (held_by, or derived).")] = False,
    seed: SeedOpt = 0,
    json: JsonOpt = False,
    figure: FigureOpt = None,
) -> None:
    """What would it take? Every intervention from the start, followed by succession to where it settles.

    Each lever sets one descriptor (with --radius 2, two) to another variant and holds it there (an
    intervention); succession from the start then shows where the system settles while the lever is held,
    the steps it takes, whether it stays once the lever is let go, and how many of the other single changes
    the end absorbs (robust). Who holds each lever comes from the model's `held_by:`, or from the ties its
    variants change. With --to, lever sets of size 1, 2... up to --radius are tried until some reach the
    future: the smallest such sets are listed.
    """
    from upheaval._load import load
    from upheaval.analysis import as_system
    from upheaval.analysis import levers as run_levers

    _check_figure(figure)
    system, cim = as_system(load(model))
    begin: Any = start
    if start is not None and "=" in start:
        tokens = [t for t in start.split(",") if t.strip() and t.strip() != "present"]
        begin = parse_assignments(tokens, "--from")
    with search_progress("trying levers", enabled=not json) as _:
        try:
            res = run_levers(system if system is not None else cim, begin, radius=radius, to=to,
                             mode="local" if local else "global", max_sets=max_sets, random_state=seed,
                             held_only=held)  # fmt: skip
        except EngineError as exc:
            raise fail(str(exc), EXIT_INVALID) from None
    if figure is not None:
        _save(lever_map(res, seed), figure)
    if json:
        emit_json(res.to_json())
        return
    labels = res.labels
    base = res.baseline
    left = (
        "stays there" if base.end_kind == "consistent" and (base.scenario == res.start).all()
        else f"drifts to {labels.label(base.scenario)} in {counted(len(base.path) - 1, 'step')}"
        if base.end_kind == "consistent" else "runs round a cycle"
    )  # fmt: skip
    console.print(f"[bold]Levers of {escape(getattr(system, 'id', 'the matrix'))}[/] from {escape(res.start_words)}; "
                  f"left alone it {escape(left)}.")  # fmt: skip
    if res.target is not None:
        if not res.reaching:
            console.print(f"No lever set of up to {res.radius} changes reaches {escape(res.target.description)}.")
            for r, b in res.bound.items():
                _dim(f"size {r}: {res.sampled[r]:,} of {res.n_sets[r]:,} lever sets drawn at random (seed {seed}); "
                     f"at 95% confidence fewer than {b:.2%} of them reach it")  # fmt: skip
            if res.radius < 3:
                _dim(f"try --radius {res.radius + 1}")
            return
        size = len(res.reaching[0].changes)
        title = (f"The smallest lever sets to {res.target.description}: "
                 f"{counted(len(res.reaching), 'set')} of {counted(size, 'change')}")  # fmt: skip
        console.print(_lever_table(title, res, [res.reaching]))
        for lv in res.reaching[:5]:
            path = res.path(lv)
            steps = []
            for k in range(1, len(path)):
                moved = [f"{res.cim.descriptor_ids[i]} {res.cim.variant_ids[i][path[k - 1][i]]}→"
                         f"{res.cim.variant_ids[i][path[k][i]]}" for i in range(res.cim.n_descriptors)
                         if path[k][i] != path[k - 1][i]]  # fmt: skip
                steps.append(f"{k}. " + ", ".join(moved))
            console.print(escape(f"{res.change_text(lv)}: " + ("; ".join(steps) if steps else "settles at once")),
                          highlight=False)  # fmt: skip
    else:
        groups = list(res.by_destination().values())
        console.print(_lever_table(f"{counted(len(res.levers), 'lever')}, by where they settle", res, groups))
    for r, n in res.sampled.items():
        _dim(f"size {r}: {n:,} of {res.n_sets[r]:,} lever sets drawn at random (seed {seed}), not all tried")
    _dim("Each heading is where succession settles while the lever is held (an intervention), and where it goes "
         "once the lever is let go; steps: to that end; robust: single changes to that end that return to it")  # fmt: skip
    if labels.outside_used:
        _dim("X-labelled scenarios hold only while the lever is held (S-labels as in `upheaval scenarios`)")
    _holders_legend(res, res.reaching if res.target is not None else res.levers)


@app.command()
@handle_errors
def pick(
    model: ModelArg = None,
    k: Annotated[int, typer.Option("-k", min=1, help="How many futures to pick.")] = 4,
    must: Annotated[
        list[str] | None,
        typer.Option("--must", help="A future (id or name), label S4 or D=V pairs the picks must include; repeatable."),
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", "-w", help="A descriptor's weight in the distance, D=W (default 1); repeatable."),
    ] = None,
    tolerance: Annotated[
        int, typer.Option("--tolerance", "-t", min=0, help="Pick among scenarios this consistent.")
    ] = 0,
    seed: SeedOpt = 0,
    json: JsonOpt = False,
    figure: FigureOpt = None,
) -> None:
    """A diverse few to write up: the k consistent scenarios most different from each other, and how well they
    cover the rest.

    The picks maximise the smallest number of descriptors (weighted with --weight) in which any two differ;
    ties go to the set that leaves no scenario far from a pick. Exact (every k-subset accounted for by a
    branch and bound) where its budget allows, and said so; otherwise a seeded heuristic with a stated bound.
    """
    from upheaval._load import load
    from upheaval.analysis import as_system
    from upheaval.analysis import pick as run_pick

    _check_figure(figure)
    system, cim = as_system(load(model))
    weights: dict[str, float] = {}
    for d, w in parse_assignments(weight, "--weight").items():
        try:
            weights[d] = float(w)
        except ValueError:
            raise fail(f"--weight {d}={w}: the weight must be a number", EXIT_INVALID) from None
    with search_progress("picking", enabled=not json) as _:
        try:
            res = run_pick(system if system is not None else cim, k, must=must or (), weights=weights or None,
                           tolerance=tolerance, random_state=seed)  # fmt: skip
        except EngineError as exc:
            raise fail(str(exc), EXIT_INVALID) from None
    if figure is not None:
        from upheaval.report import pick_figure

        _save(pick_figure(res), figure)
    if json:
        emit_json(res.to_json())
        return
    from upheaval import cib
    from upheaval.cli._tables import scenario_tableaus

    picked = cib.ScenarioSet.from_indices(cim, res.pick_rows, complete=True, seconds=0.0)  # label order
    if system is not None:
        for table in scenario_tableaus(system, picked, res.labels, f"{res.k} picks of {len(res.scenarios)}",
                                       console.width, measures=False):  # fmt: skip
            console.print(table)
    unit = "descriptor" if not weights else "weighted descriptor"
    unit += "" if res.min_distance == 1 else "s"
    if res.everyone:
        console.print(f"There are only {counted(len(res.scenarios), 'consistent scenario')}: the picks are all of them"
                      + (f", any two differing in at least {res.min_distance:g} {unit}." if res.k > 1 else "."))  # fmt: skip
    else:
        console.print(f"Any two picks differ in at least {res.min_distance:g} {unit}; every other scenario is within "
                      f"{res.radius:g} of a pick (mean {res.mean:.2f}).")  # fmt: skip
    table = Table(title="Coverage: each scenario's nearest pick", header_style="bold", title_justify="left")
    table.add_column("scenario", style="cyan")
    table.add_column("nearest pick")
    table.add_column("differs in", justify="right")
    for s in range(len(res.scenarios)):
        if s in res.picks:
            continue
        table.add_row(escape(res.label(s)), escape(res.label(res.picks[int(res.nearest[s])])), f"{res.distance[s]:g}")
    if table.row_count:
        console.print(fit_words(table, console.width))
    if not res.everyone:
        how = (f"exact: every one of the {res.n_subsets:,} {res.k}-subsets accounted for" if res.exact
               else f"{res.method}; no {res.k} picks can differ pairwise in more than {res.upper_bound:g}")  # fmt: skip
        _dim(how)


@app.command()
@handle_errors
def shock(
    name: Annotated[str, typer.Argument(help="The shock's id, as the model's `shocks:` names it.")],
    model: ModelArg = None,
    local: LocalOpt = False,
    tolerance: Annotated[int, typer.Option("--tolerance", "-t", min=0, help="Inconsistency tolerance.")] = 0,
    json: JsonOpt = False,
    figure: FigureOpt = None,
) -> None:
    """Which futures survive a named shock, which become inconsistent, and where succession goes from each
    while the shock lasts and after it lifts.

    A shock (the model's `shocks:`) forces variants (an intervention) and may add judgements while it lasts.
    From every consistent scenario (and the present) the forced variants are applied and succession runs in
    the shocked matrix; from where it settles, succession in the model's own matrix shows where the system
    goes once the shock lifts.
    """
    from upheaval._load import load
    from upheaval.analysis import as_system
    from upheaval.analysis import shock as run_shock

    _check_figure(figure)
    system, _cim = as_system(load(model))
    try:
        res = run_shock(system, name, mode="local" if local else "global", tolerance=tolerance)
    except EngineError as exc:
        raise fail(str(exc), EXIT_INVALID, _scw_help(model) if not system.shocks else "") from None
    if figure is not None:
        from upheaval.report import shock_figure

        _save(shock_figure(res), figure)
    if json:
        emit_json(res.to_json())
        return
    s = res.shock
    console.print(f"[bold]Shock `{escape(s.id)}`: {escape(s.label)}[/]")
    for text in (s.description, s.rationale):
        if text:
            console.print(escape(text.strip()))
    forced = ", ".join(f"{res.cim.descriptor_ids[i]}={'|'.join(res.cim.variant_ids[i][v] for v in vs)}"
                       for i, vs in res.fix.items())  # fmt: skip
    parts = ([f"forces {forced}"] if forced else []) + ([counted(len(s.impacts), "added judgement section")]
                                                        if s.impacts else [])  # fmt: skip
    _dim("; ".join(parts) + (f"; cites {', '.join(c.label() for c in s.cites)}" if s.cites else ""))
    table = Table(title="Each future under the shock", header_style="bold", title_justify="left")
    table.add_column("scenario", style="cyan")
    table.add_column("under the shock")
    table.add_column("while it lasts", style="green")
    table.add_column("after it lifts", style="green")
    for k, p in enumerate(res.paths):
        who = res.label(p.start) + (" (the present)" if k == res.present else "")
        fate = "survives" if p.survives else "[red]inconsistent[/]"
        during = res.label(p.during) if p.during_kind == "consistent" else f"cycle from {res.label(p.during)}"
        after = res.label(p.after) if p.after_kind == "consistent" else f"cycle from {res.label(p.after)}"
        table.add_row(escape(who), fate, escape(f"{during} ({counted(p.during_steps, 'step')})"),
                      escape(f"{after} ({counted(p.after_steps, 'step')})"))  # fmt: skip
    console.print(fit_words(table, console.width))
    new = res.new
    console.print(f"{len(res.survivors)} of {len(res.baseline)} consistent scenarios survive; "
                  f"{counted(len(new), 'scenario')} hold only while the shock lasts"
                  + escape(f": {', '.join(res.label(r) for r in new)}" if len(new) else "") + ".")  # fmt: skip
    _dim("X-labelled scenarios are not consistent in the model without the shock (S-labels as in `upheaval scenarios`)")


def _disagreement(models: list[str], names: list[str], previous: list[str] | None, tolerance: int, n_jobs: int,
                  scheduler: str | None, progress: Any) -> tuple[Any, Any]:  # fmt: skip
    """(movement since the previous round or None, this round's disagreement)."""
    from upheaval import analysis
    from upheaval._load import load

    if not previous:
        return None, analysis.disagreement([load(m) for m in models], names, tolerance=tolerance,
                                           n_jobs=n_jobs, scheduler=scheduler, progress=progress)  # fmt: skip
    if len(previous) != len(models):
        raise fail(f"--previous names {len(previous)} files for {len(models)} experts", EXIT_INVALID,
                   "give each expert's previous file, in the same order")  # fmt: skip
    moved = analysis.movement([load(m) for m in previous], [load(m) for m in models], names,
                              tolerance=tolerance, n_jobs=n_jobs)  # fmt: skip
    return moved, moved.after


def show_disagreement(
    models: list[str], tolerance: int, n_jobs: int, scheduler: str | None, json: bool,
    sheets: Path | None, previous: list[str] | None, top: int, figure: Path | None = None,
) -> None:  # fmt: skip
    """``ensemble --disagreement``: the disputed cells that change the consistent set, the experts' sheets for
    the next round, and the movement since the previous one."""
    from upheaval import analysis

    _check_figure(figure)
    stems = [Path(m).stem for m in models]
    names = stems if len(set(stems)) == len(stems) else list(models)
    with search_progress("recomputing each disputed cell", enabled=not json) as progress:
        try:
            moved, res = _disagreement(models, names, previous, tolerance, n_jobs, scheduler, progress)
        except EngineError as exc:
            raise fail(str(exc), EXIT_INVALID) from None
    if figure is not None:
        from upheaval.report import disagreement_figure

        _save(disagreement_figure(res, top), figure)
    if sheets is not None:
        sheets.mkdir(parents=True, exist_ok=True)
        for k, name in enumerate(names):
            _write_sheet(sheets / f"{name}.csv", analysis.delphi_sheet(res, k))
        err.print(f"wrote {counted(len(names), 'sheet')} of {counted(len(res.mattering), 'cell')} to {sheets}/",
                  markup=False, highlight=False)  # fmt: skip
    if json:
        out = res.to_json()
        if moved is not None:
            out["movement"] = [
                {"row": c.row, "column": c.column, "before": dict(zip(names, c.values, strict=True)),
                 "after": dict(zip(names, after, strict=True))}
                for c, after in moved.cells
            ]  # fmt: skip
        emit_json(out)
        return
    console.print(f"[bold]{counted(len(res.cells), 'cell')}[/] where {len(names)} experts differ; "
                  f"{len(res.mattering)} change the consistent set of the group's matrix "
                  f"({counted(len(res.group_set), 'consistent scenario')}).")  # fmt: skip
    if not res.cells:
        return
    from upheaval.cli._tables import member_codes

    codes = member_codes(len(names))
    table = Table(title="Disagreement that matters", header_style="bold", title_justify="left")
    table.add_column("judgement", style="cyan")
    for code in codes:
        table.add_column(code, justify="right", no_wrap=True)
    table.add_column("decides", justify="right", style="green", no_wrap=True)
    table.add_column("scenarios decided")
    for c in res.cells[:top]:
        changed = "; ".join(res.labels.label(r) for r in c.changed[:4]) + (" ..." if len(c.changed) > 4 else "")
        table.add_row(escape(f"{c.row} → {c.column}"), *(f"{v:+d}" for v in c.values), str(c.effect),
                      escape(changed) or "-")  # fmt: skip
    if len(res.cells) > top:
        table.add_row(f"[dim]... {len(res.cells) - top} more (--top, --json)[/]", *[""] * (len(names) + 2))
    console.print(fit_words(table, console.width))
    console.print(escape("  ".join(f"{c} {n}" for c, n in zip(codes, names, strict=True))), highlight=False)
    if moved is not None:
        conv = moved.converged
        console.print(f"Since the previous round: the experts now agree on {len(conv)} of the "
                      f"{len(moved.before.cells)} cells they disputed; {len(res.mattering)} still change the "
                      f"consistent set (were {len(moved.before.mattering)}).")  # fmt: skip
    _dim("decides: the scenarios consistent with some expert's value of the cell but not with all, the rest of the "
         "matrix as the group judged it (the mean); S-labels are places in the group matrix's consistent set, "
         "X-labels scenarios outside it")  # fmt: skip


SHEET_COLUMNS = ("row", "column", "effect", "yours", "others", "median", "answer", "reason")


def _write_sheet(path: Path, rows: list[dict[str, Any]]) -> None:
    from upheaval.cli._tables import write_csv

    def cell(r: dict[str, Any], c: str) -> Any:
        if c == "others":
            return " ".join(f"{v:+d}" for v in r[c])
        return f"{r[c]:+d}" if c == "yours" else r[c]

    write_csv(path, SHEET_COLUMNS, [[cell(r, c) for c in SHEET_COLUMNS] for r in rows])


def read_sheet(path: Path, scale: int) -> dict[tuple[str, str], int]:
    """The answers of a filled Delphi sheet: ``{(row, column): value}`` for every row with an answer."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror or exc}", EXIT_INVALID) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("row", "column", "answer") if c not in (reader.fieldnames or [])]
    if missing:
        raise fail(f"{path}: no column {', '.join(missing)}", EXIT_INVALID,
                   "fill in the sheet `upheaval ensemble --disagreement --sheets DIR` wrote")  # fmt: skip
    out: dict[tuple[str, str], int] = {}
    for n, row in enumerate(reader, start=2):
        answer = (row.get("answer") or "").strip()
        if not answer:
            continue
        try:
            value = int(answer.lstrip("+"))
        except ValueError:
            raise fail(f"{path}:{n}: answer {answer!r} is not a whole number", EXIT_INVALID,
                       f"answer with a judgement from -{scale} to +{scale}") from None  # fmt: skip
        if abs(value) > scale:
            raise fail(f"{path}:{n}: answer {value:+d} is outside -{scale}..+{scale}", EXIT_INVALID)
        out[(row["row"].strip(), row["column"].strip())] = value
    return out


@app.command()
@handle_errors
def delphi(
    sheet: Annotated[
        Path,
        typer.Argument(help="An expert's filled sheet (CSV) from `ensemble --disagreement --sheets`.", dir_okay=False),
    ],
    model: Annotated[str, typer.Argument(help="That expert's model file (.yaml).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the next round's file here (default: in place).", dir_okay=False),
    ] = None,
) -> None:
    """Read an expert's answers from a Delphi sheet into their model file, for the next round.

    Each answered row sets its judgement (the `answer` column; rows left blank keep theirs); the file keeps
    its comments and order. Then `upheaval ensemble ... --disagreement --previous ...` shows the movement.
    """
    from upheaval._io import write_text_atomic
    from upheaval._load import load
    from upheaval.analysis import apply_answers
    from upheaval.model import dump_yaml

    if Path(model).suffix.lower() not in (".yaml", ".yml"):
        raise fail(f"{model}: answers are written into YAML model files", EXIT_INVALID,
                   "convert it first: upheaval convert MODEL.scw MODEL.yaml")  # fmt: skip
    system = load(model)
    answers = read_sheet(sheet, system.scale)
    try:
        new = apply_answers(system, answers)
    except EngineError as exc:
        raise fail(f"{sheet}: {exc}", EXIT_INVALID) from None
    target = output or Path(model)
    write_text_atomic(target, dump_yaml(new))
    console.print(f"wrote {target} ({counted(len(answers), 'answer')})", markup=False, highlight=False)
