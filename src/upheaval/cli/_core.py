"""The core commands: analyze, scenarios, check, succession, validate, convert, models."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from upheaval._text import counted
from upheaval.cli._app import app
from upheaval.cli._common import (
    EXIT_FAILED,
    EXIT_INVALID,
    DefaultUncertaintyOpt,
    JobsOpt,
    JsonOpt,
    ModelArg,
    SchedOpt,
    TolOpt,
    VerboseOpt,
    cluster,
    console,
    emit_json,
    err,
    fail,
    handle_errors,
    parse_condition,
    parse_start,
    search_progress,
)
from upheaval.errors import EngineError

if TYPE_CHECKING:  # the engine and the model load inside the commands that use them (fast start-up)
    from upheaval import cib
    from upheaval.claims import ClaimResult
    from upheaval.model import System

FixOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fix",
        "-f",
        help="Intervention: DESCRIPTOR takes VARIANT and is exempt from the consistency test "
        "(D=V1,V2: it takes one of them, the best among them); repeatable.",
    ),
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        "-w",
        help="Restriction: keep only the consistent scenarios with DESCRIPTOR=VARIANT (D=V1,V2: one of "
        "them); the descriptor keeps its own consistency test; repeatable.",
    ),
]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write every row to this CSV file.", dir_okay=False, show_default=False),
]


def _search(
    system: System,
    tolerance: int,
    fix: list[str] | None,
    where: list[str] | None,
    *,
    quiet: bool = False,
    n_jobs: int = 1,
    client=None,
    verbose: bool = False,
) -> cib.ScenarioSet:
    """The consistent scenarios under the ``--fix`` intervention and the ``--where`` restriction; a large
    search's subtrees run on ``n_jobs`` threads, or on the dask ``client``'s cluster (the bar counts them);
    with ``verbose``, how the search ran (its plan) on stderr."""
    from upheaval import cib
    from upheaval.analysis import split_search

    cim = cib.compile_system(system)
    conditions = {}
    for option, items in (("--fix", fix), ("--where", where)):
        cond = parse_condition(items, option)
        try:
            cim.condition_indices(cond)
        except EngineError as exc:
            raise fail(f"{option}: {exc}", EXIT_INVALID) from None
        conditions[option] = cond or None
    with search_progress(f"searching {cim.n_scenarios:,} scenarios", enabled=not quiet) as progress:
        result = split_search(
            cim,
            tolerance,
            conditions["--fix"],
            conditions["--where"],
            n_jobs=n_jobs,
            scheduler=client,
            progress=progress,
        )
    if verbose:
        err.print(f"search plan: {result.plan.explain()}; {result.seconds:.3f} s, {result.n_nodes:,} nodes",
                  markup=False, soft_wrap=True)  # fmt: skip
    return result


def _claim_search(client):
    """The claims' searches on the dask ``client``'s cluster (None without one: the default search)."""
    if client is None:
        return None
    from upheaval.analysis import split_search

    def search(cim, tolerance, fix):
        return split_search(cim, tolerance, fix or None, scheduler=client).indices

    return search


def _longest_word(texts: list[str]) -> int:
    return max((len(w) for t in texts for w in t.split()), default=1)


def _conditions_text(result: cib.ScenarioSet) -> str:
    """What the set was found under, in words ("" for neither an intervention nor a restriction)."""
    cim = result.cim

    def pairs(cond: dict[int, tuple[int, ...]]) -> str:
        return ", ".join(
            f"{cim.descriptor_ids[i]}={','.join(cim.variant_ids[i][v] for v in vs)}" for i, vs in cond.items()
        )

    parts = []
    if result.fix:
        parts.append(f"intervention {pairs(result.fix)} (exempt from the consistency test)")
    if result.where:
        parts.append(f"restricted to {pairs(result.where)}")
    return "; ".join(parts)


def _labels(system: System, result: cib.ScenarioSet, tolerance: int):
    """The labeller of the system's scenarios; the search result is its reference when nothing was fixed."""
    from upheaval.analysis import scenario_labels

    return scenario_labels(system, result.cim, tolerance, None if result.fix or result.where else result)


def print_tableaus(
    system: System, result: cib.ScenarioSet, labels, title: str, limit: int | None = None, of: str = ""
) -> None:
    """The consistent scenarios: as a tableau of words when they fit side by side in the terminal, else as the
    compact tableau (one line per scenario, a key below); at most ``limit`` of them, saying how many and how to
    see the rest. The heading is ``title: N`` then ``of`` (say, `` of 12,288 in 5 named futures``)."""
    from upheaval.cli._tables import compact_tableau, fits_one_tableau, scenario_tableaus

    n = len(result)
    shown = n if limit is None or limit <= 0 else min(n, limit)
    keys = labels.keys(result.indices[:shown])
    every = f"{n:,}{of}" + ("" if shown == n else f" ({shown:,} shown)")
    if fits_one_tableau(system, [labels.label(r) for r in result.indices[:shown]], console.width):
        part = replace(result, indices=result.indices[:shown], total_impact_score=result.total_impact_score[:shown],
                       inconsistency=result.inconsistency[:shown], consistency_value=result.consistency_value[:shown])  # fmt: skip
        for table in scenario_tableaus(system, part, labels, f"{title}: {every}", console.width):
            console.print(table)
    else:
        console.print(f"[bold]{title}[/]: {every}, one line each:", highlight=False)
        body, key = compact_tableau(system, result.indices[:shown], labels, console.width)
        for line in body:
            console.print(line, soft_wrap=True)
        console.print("[dim]key: columns are descriptors, numbers their variants (ids as in --fix); dim: the most "
                      "common[/]")  # fmt: skip
        for line in key:
            console.print(line, soft_wrap=True)
    if shown < n:
        console.print(
            f"[yellow]{shown:,} of {n:,} shown ({keys[0]} to {keys[-1]}); {n - shown:,} more[/]: `upheaval scenarios "
            "--limit 0` prints every one; --csv FILE, --json or --parquet FILE write them all"
        )
    if labels.outside_used:
        console.print(
            "[dim]X-labelled scenarios are not consistent without the intervention (S-labels are places in the "
            "model's consistent set)[/]"
        )


def _write_scenarios(path: Path, system: System, result: cib.ScenarioSet, labels, fmt: str) -> None:
    """Every scenario to ``path`` (CSV, JSON or Parquet), streamed in chunks; its name and row count on stderr."""
    from upheaval.formats import write_scenarios

    write_scenarios(path, result, system, labels.keys(result.indices), labels.future_codes(result.indices), fmt)
    err.print(f"wrote {path} ({counted(len(result), 'scenario')})", markup=False, highlight=False, soft_wrap=True)


def claims_table(results: list[ClaimResult]) -> Table:
    """One row per claim: id, pass/fail, text and the deciding detail."""
    table = Table(title="Claims", header_style="bold", show_lines=True)
    table.add_column("claim", style="cyan", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("what the source says, and what the model shows")
    for r in results:
        verdict = "[green]pass[/]" if r.passed else "[bold red]FAIL[/]"
        cites = f" [dim]({escape('; '.join(r.cites))})[/]" if r.cites else ""
        warn = "".join(f"\n[yellow]{escape(w)}[/]" for w in r.warnings)
        table.add_row(r.id, verdict, f"{escape(r.text)}{cites}\n[dim]{escape(r.detail)}[/]{warn}")
    return table


def audit_table(audits: list) -> Table:
    """One row per claim: the audit's verdict, the sections it rests on, and its robustness."""
    table = Table(title="Audit: do the claims rest on their own judgements?", header_style="bold", show_lines=True)
    table.add_column("claim", style="cyan", no_wrap=True)
    table.add_column("audit")
    table.add_column("holds in", justify="right", no_wrap=True)
    for a in audits:
        verdict = a.verdict if a.tested and not a.restates else f"[bold red]{escape(a.verdict)}[/]"
        rows = [
            f"{s.source} → {s.target}: reversed, the claim {'passes' if s.reversed_passes else 'fails'}; "
            f"removed, it {'passes' if s.removed_passes else 'fails'}"
            for s in a.sections[:4]
        ]
        if len(a.sections) > 4:
            rows.append(f"and {len(a.sections) - 4} more sections (see --json)")
        detail = escape("\n".join(rows))
        robust = f"{a.share:.0%}" if a.n_samples else "-"
        table.add_row(a.id, f"{verdict}\n[dim]{detail}[/]" if detail else verdict, robust)
    return table


def _summary(system: System) -> Panel:
    src = "; ".join(
        f"{s.author + ', ' if s.author else ''}{s.title}{' (' + s.publisher + ')' if s.publisher else ''}"
        for s in system.sources
    )
    lines = [
        f"[bold]{escape(system.title)}[/]  [dim]({system.id}{', as of ' + system.as_of if system.as_of else ''})[/]",
        f"sources: {escape(src)}" if src else "",
        f"{len(system.actors)} actors, {len(system.ties)} ties, {len(system.descriptors)} descriptors, "
        f"{len(system.impacts)} judgement sections, {system.n_scenarios:,} scenarios, {len(system.claims)} claims",
    ]
    return Panel("\n".join(line for line in lines if line), title="System", expand=False)


ANALYZE_ROWS = 24  # scenarios in analyze's tableau; the rest are counted and reachable through `scenarios`


def _in_futures(system: System, labels, result: cib.ScenarioSet) -> str:
    """`` in 9 named futures`` (and how many scenarios no future names), or '' for a model without futures."""
    if not system.futures:
        return ""
    names = labels.names(result.indices)
    named = {n for n in names if n}
    rest = names.count("")
    return f" in {counted(len(named), 'named future')}" + (f" ({rest:,} unnamed)" if rest else "")


def print_claims_summary(results: list[ClaimResult]) -> None:
    """One line per claim that passes (its text cut at a word), every failing claim in full with its detail."""
    from upheaval.cli._tables import clip_words

    passed = sum(r.passed for r in results)
    console.print(f"[bold]claims: {passed} of {len(results)} pass[/] [dim](`upheaval check` for the evidence)[/]")
    width = max(20, console.width - 12)
    for r in results:
        if r.passed:
            console.print(f" {r.id:<5} [green]pass[/]  {escape(clip_words(r.text, width))}")
            continue
        console.print(f" {r.id:<5} [bold red]FAIL[/]  {escape(r.text)}")
        console.print(f"             [dim]{escape(r.detail)}[/]")
        for w in r.warnings:
            console.print(f"             [yellow]{escape(w)}[/]")


def _next_steps(model: str | None, storylines: bool) -> None:
    name = f" {model}" if model else ""
    steps = [] if storylines else [(f"upheaval analyze{name} --storylines", "every scenario's story, cited")]
    steps += [
        (f"upheaval report{name} -o report.html", "the whole report, every future"),
        (f"upheaval robustness{name}", "how often each future survives"),
        (f"upheaval sensitivity{name}", "judgements that make or break futures"),
        (f"upheaval check{name} --audit", "do the claims rest on their judgements?"),
    ]
    width = max(len(c) for c, _ in steps)
    console.print("[bold]Next[/]:")
    for command, what in steps:
        if 2 + width + 2 + len(what) <= console.width:
            console.print(f"  {escape(command.ljust(width))}  [dim]{what}[/]", highlight=False)
        else:
            console.print(f"  {command}", markup=False, highlight=False)
            console.print(f"      [dim]{what}[/]", highlight=False)


@app.command()
@handle_errors
def analyze(
    model: ModelArg = None,
    tolerance: TolOpt = 0,
    fix: FixOpt = None,
    where: WhereOpt = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the HTML report to this file.", dir_okay=False)
    ] = None,
    storylines: Annotated[
        bool, typer.Option("--storylines", help="Also tell each scenario's storyline, every step with its citations.")
    ] = False,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Analyse a model: a one-screen summary of the system, its consistent scenarios with their futures' names,
    and the claims; --storylines tells each scenario's storyline too.

    This is the main job; with no MODEL it analyses the built-in dprk-ukraine-2024.
    """
    from upheaval._load import load
    from upheaval.claims import check_claims
    from upheaval.cli._authoring import print_coverage

    system = load(model)
    with cluster(scheduler) as client:
        result = _search(system, tolerance, fix, where, n_jobs=n_jobs, client=client, verbose=verbose)
        claims = check_claims(system, result.cim, n_jobs, _claim_search(client)) if system.claims else []
    console.print(_summary(system))
    print_coverage(system, limit=3, modelling=True, cim=result.cim, result=result)
    if _conditions_text(result):
        console.print(_conditions_text(result))
    if len(result) == 0:
        console.print("[yellow]No consistent scenario[/] at this tolerance; try --tolerance 1.")
    else:
        labels = _labels(system, result, tolerance)
        print_tableaus(
            system,
            result,
            labels,
            "Consistent scenarios",
            None if storylines else ANALYZE_ROWS,
            of=f" of {system.n_scenarios:,}{_in_futures(system, labels, result)}",
        )
        if storylines:
            from upheaval.report import storyline

            for row in result.indices:
                story = storyline(system, row, result.cim)
                console.rule(f"[bold]{escape(labels.label(row))}[/]", characters="─")
                for step in story.steps:
                    console.print(f"• {step.sentence()}", markup=False, highlight=False)
    if claims:
        print_claims_summary(claims)
    if report is not None:
        from upheaval.report import write_report

        write_report(system, report)
        console.print(f"report written to {report}", markup=False)
    _next_steps(model, storylines)


ParquetOpt = Annotated[
    Path | None,
    typer.Option("--parquet", help="Write every row to this Parquet file.", dir_okay=False, show_default=False),
]
LimitOpt = Annotated[
    int, typer.Option("--limit", min=0, help="Print at most this many scenarios (0: every one); files get all.")
]
SCREENFUL = 40  # scenarios `upheaval scenarios` prints by default


@app.command()
@handle_errors
def scenarios(
    model: ModelArg = None,
    tolerance: TolOpt = 0,
    fix: FixOpt = None,
    where: WhereOpt = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print every scenario as one compact JSON object on stdout, streamed.")
    ] = False,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Write every row to this CSV file (no table).", dir_okay=False, show_default=False),
    ] = None,
    parquet: ParquetOpt = None,
    limit: LimitOpt = SCREENFUL,
    verbose: VerboseOpt = False,
) -> None:
    """List the consistent scenarios (complete search), optionally under an intervention (--fix), a restriction
    (--where) and a tolerance.

    Scenarios are labelled by their place in the model's consistent set (S1, S2...; X1...
    for a scenario outside it, found only under an intervention), and by the model's future
    names where it declares `futures:`. The terminal shows the first screenful and the count
    (--limit 0: every one); --csv, --json and --parquet write every scenario, streamed, without
    printing tables.
    """
    from upheaval._load import load

    system = load(model)
    with cluster(scheduler) as client:
        result = _search(system, tolerance, fix, where, quiet=json, n_jobs=n_jobs, client=client, verbose=verbose)
    labels = _labels(system, result, tolerance)
    if json:
        from upheaval.formats import write_scenarios_json

        write_scenarios_json(
            sys.stdout.buffer, result, system, labels.keys(result.indices), labels.future_codes(result.indices)
        )
        sys.stdout.flush()
        return
    files = [(p, fmt) for p, fmt in ((csv, "csv"), (parquet, "parquet")) if p is not None]
    for path, fmt in files:
        _write_scenarios(path, system, result, labels, fmt)
    under = _conditions_text(result)
    if under:
        console.print(under)
    if files:
        console.print(f"{counted(len(result), 'scenario')} of {system.n_scenarios:,} (tolerance {tolerance}), "
                      f"complete search in {result.seconds:.3f} s")  # fmt: skip
        return
    if len(result) == 0:
        console.print("No consistent scenario.")
        return
    print_tableaus(system, result, labels, f"Consistent scenarios of {system.id} at tolerance {tolerance}", limit,
                   of=f" of {system.n_scenarios:,}")  # fmt: skip
    console.print(
        f"[dim]{counted(len(result), 'scenario')} of {system.n_scenarios:,}, complete search in {result.seconds:.3f} s[/]"
    )


@app.command()
@handle_errors
def check(
    model: ModelArg = None,
    json: JsonOpt = False,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    audit: Annotated[
        bool,
        typer.Option(
            "--audit",
            help="Also audit each claim: reverse and remove the judgement sections it rests on, and sample its "
            "robustness; exit 1 if a claim is not tested by its own judgements or restates its judgement (its "
            "premise decides it by dominance, whatever the other descriptors take).",
        ),
    ] = False,
    samples: Annotated[int, typer.Option("--samples", min=0, help="Audit: Monte Carlo samples (0: none).")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Audit: random seed; the same seed gives the same result.")] = 0,
    default_uncertainty: DefaultUncertaintyOpt = None,
) -> None:
    """Evaluate the model's claims; exit 1 if any fails (or, with --audit, is not tested by its own judgements or
    restates its judgement: its premise decides its conclusion by dominance, whatever the other descriptors take)."""
    from upheaval._load import load
    from upheaval.claims import check_claims

    system = load(model)
    with cluster(scheduler) as client:
        results = check_claims(system, n_jobs=n_jobs, search=_claim_search(client))
    if not json:
        from upheaval.cli._authoring import print_coverage

        print_coverage(system, modelling=True, structural=False, limit=8)
    audits = []
    note = ""
    default = default_uncertainty
    if audit and results:
        from upheaval.analysis import DEFAULT_UNCERTAINTY, audit_claims, audit_note

        default = DEFAULT_UNCERTAINTY if default_uncertainty is None else default_uncertainty
        try:
            audits = audit_claims(system, n_samples=samples, default_uncertainty=default, random_state=seed)
        except EngineError as exc:
            raise fail(str(exc), EXIT_INVALID) from None
        note = audit_note(default, samples, seed) if samples else "robustness: not sampled (--samples 0)"
    if json:
        out = {"model": system.id, "claims": [r.to_json() for r in results]}
        if audit:
            out["audit"] = {"note": note, "default_uncertainty": default, "claims": [a.to_json() for a in audits]}
        emit_json(out)
    else:
        if not results:
            console.print("This model states no claims.")
        else:
            console.print(claims_table(results))
            console.print(f"{sum(r.passed for r in results)} of {len(results)} claims pass")
        if audits:
            console.print(audit_table(audits))
            console.print(f"[dim]{note}[/]")
            untested = [a.id for a in audits if not a.tested]
            if untested:
                console.print(f"[bold red]not tested by their own judgements[/]: {', '.join(untested)}")
            restating = [a.id for a in audits if a.passed and a.restates]
            if restating:
                console.print(
                    f"[bold red]restate their judgement[/] (decided by their premise alone): {', '.join(restating)}"
                )
    if any(not a.tested or (a.passed and a.restates) for a in audits):
        raise typer.Exit(EXIT_FAILED)
    if any(not r.passed for r in results):
        raise typer.Exit(EXIT_FAILED)


@app.command()
@handle_errors
def succession(
    model: ModelArg = None,
    start: Annotated[
        list[str] | None,
        typer.Option(
            "--start",
            "-s",
            help="Start scenario: `present` (the model's), D=V,... pairs, or both; descriptors not given are as in "
            "the present.",
        ),
    ] = None,
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix",
            "-f",
            help="Intervention held throughout: DESCRIPTOR takes VARIANT (set in the start too) and never moves; "
            "repeatable.",
        ),
    ] = None,
    local: Annotated[bool, typer.Option("--local", help="Local succession: one descriptor at a time.")] = False,
    json: JsonOpt = False,
) -> None:
    """Run a succession from a start scenario until it reaches a consistent scenario or a cycle.

    With --fix the intervention is held while the rest moves (the start takes its variants), as a lever
    of `upheaval levers` is held.
    """
    from upheaval import cib
    from upheaval._load import load

    system = load(model)
    cim = cib.compile_system(system)
    names = parse_start(system, start)
    if names is None:
        d = system.descriptors[0]
        raise fail(
            "give the start scenario with --start",
            EXIT_INVALID,
            f"e.g. --start present, or --start present,{d.id}={d.variants[-1].id}",
        )
    held = parse_condition(fix, "--fix")
    if any(len(vs) > 1 for vs in held.values()):
        raise fail("--fix holds one variant per descriptor in a succession", EXIT_INVALID, "e.g. --fix front=holds")
    try:
        cim.condition_indices(held)
    except EngineError as exc:
        raise fail(f"--fix: {exc}", EXIT_INVALID) from None
    try:
        z = cim.scenario_indices({**names, **{d: vs[0] for d, vs in held.items()}})
    except EngineError as exc:
        raise fail(f"--start: {exc}", EXIT_INVALID) from None
    res = cib.succession(cim, z, mode="local" if local else "global", fix=held or None)
    path = [cim.scenario_names(p) for p in res.path]
    from upheaval.analysis import scenario_labels
    from upheaval.cli._tables import fits_one_tableau

    labels = scenario_labels(system, cim, 0)
    if json:
        from upheaval._json import succession_json

        emit_json({"model": system.id, **succession_json(res, cim, "local" if local else "global", labels)})
        return
    heads = ["start" if k == 0 else f"step {k}" for k in range(len(path))]
    names = [labels.name(p) for p in res.path]
    texts = [[d.variants[int(p[i])].label for i, d in enumerate(system.descriptors)] for p in res.path]
    if fits_one_tableau(system, heads, console.width, names):
        table = Table(title=f"{'Local' if local else 'Global'} succession", header_style="bold")
        table.add_column("descriptor", style="cyan", min_width=_longest_word([d.label for d in system.descriptors]))
        for head, name, cells in zip(heads, names, texts, strict=True):
            table.add_column(head, min_width=_longest_word([name, *cells]))
        if system.futures:
            table.add_row("future", *(escape(n or "-") for n in names), style="bold")
        for i, d in enumerate(system.descriptors):
            row = [escape(t[i]) for t in texts]
            table.add_row(escape(d.label), *(f"[bold yellow]{x}[/]" if k and res.path[k][i] != res.path[k - 1][i] else x
                                     for k, x in enumerate(row)))  # fmt: skip
        console.print(table)
    else:
        console.print(f"[bold]{'Local' if local else 'Global'} succession[/], {counted(len(path) - 1, 'step')}")
        console.print(f"start: {escape(', '.join(f'{d}={v}' for d, v in path[0].items()))}", highlight=False)
        for k in range(1, len(path)):
            moved = "; ".join(f"{d} {path[k - 1][d]} -> {v}" for d, v in path[k].items() if v != path[k - 1][d])
            future = f" ({escape(names[k])})" if names[k] else ""
            console.print(f"step {k}{future}: {escape(moved)}", highlight=False)
    if res.end_kind == "cycle":
        members = " -> ".join(labels.name(r) or "-" for r in res.cycle)
        console.print(f"ends in a cycle of {counted(len(res.cycle), 'scenario')}" + (f": {members}" if system.futures
                                                                                      else ""))  # fmt: skip
    else:
        console.print(f"ends in {escape(labels.label(res.path[-1]))}, a consistent scenario (as in "
                      "`upheaval scenarios`)")  # fmt: skip


@app.command()
@handle_errors
def validate(model: Annotated[str, typer.Argument(help="A model file (.yaml, .yml, .scw) or built-in name.")]) -> None:
    """Validate a model file; print every problem with file, line and column (exit 2 if any), then coverage warnings (which never change the exit code)."""
    from upheaval._load import load
    from upheaval.cli._authoring import print_coverage

    system = load(model)
    console.print(
        f"[green]ok[/]: {system.id}: {len(system.descriptors)} descriptors, {len(system.impacts)} judgement sections, "
        f"{len(system.actors)} actors, {len(system.ties)} ties, {len(system.claims)} claims"
    )
    print_coverage(system, modelling=True)


@app.command()
@handle_errors
def convert(
    source: Annotated[str, typer.Argument(help="Model to read (.yaml, .yml, .scw or a built-in name).")],
    target: Annotated[Path, typer.Argument(help="File to write; its suffix (.yaml, .yml, .scw) picks the format.")],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The date the model describes (YYYY, YYYY-MM or YYYY-MM-DD), for a .scw "
            "source, whose format holds none.",
        ),
    ] = None,
) -> None:
    """Convert a model between YAML and ScenarioWizard .scw (written atomically).

    A .scw file holds descriptors, variants, the matrix and texts: what else the model has
    (actors, ties, sources, claims, citations...) is listed on stderr as dropped. A .scw
    file holds no date, so converting one to YAML asks for --as-of.
    """
    if target.suffix.lower() not in (".yaml", ".yml", ".scw"):
        raise fail(f"cannot write {target}: unknown format", EXIT_INVALID, "use a .yaml, .yml or .scw file name")
    from upheaval._load import load, save_system

    system = load(source)
    if as_of is not None:
        from upheaval.model import check_partial_date

        try:
            system.as_of = check_partial_date(as_of)
        except ValueError as exc:
            raise fail(f"--as-of: {exc}", EXIT_INVALID) from None
    if target.suffix.lower() == ".scw":
        from upheaval.formats import scw_losses

        lost = scw_losses(system)
        save_system(system, target)
        if lost:
            err.print(f"dropped: {', '.join(lost)}; use YAML to keep them", markup=False, highlight=False)
    else:
        if system.as_of is None:
            raise fail(
                f"{source} states no date (a .scw file holds none), and a YAML model needs `as_of`",
                EXIT_INVALID,
                f"give the date the judgements describe: upheaval convert {source} {target} --as-of 2024-11",
            )
        save_system(system, target)
    console.print(f"wrote {target}", markup=False)


@app.command()
@handle_errors
def models(json: JsonOpt = False) -> None:
    """List the built-in models."""
    import math

    import yaml

    from upheaval.systems import builtin_paths

    # the listing reads the shipped files' headings only (no validation: the test suite validates them),
    # so that it starts as fast as --help
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    rows = []
    for name, path in builtin_paths().items():
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        descriptors = doc.get("descriptors", [])
        n = math.prod(len(d.get("variants", [])) for d in descriptors)
        rows.append({"id": name, "title": doc.get("title", ""), "descriptors": len(descriptors), "scenarios": n})
    if json:
        emit_json({"models": rows})
        return
    table = Table(title="Built-in models", header_style="bold")
    table.add_column("name", style="cyan")
    table.add_column("title")
    table.add_column("descriptors", justify="right")
    table.add_column("scenarios", justify="right")
    for r in rows:
        table.add_row(r["id"], r["title"], str(r["descriptors"]), f"{r['scenarios']:,}")
    console.print(table)
