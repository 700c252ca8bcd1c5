"""The analysis commands: basins, robustness, sensitivity, ensemble, pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from upheaval._text import counted
from upheaval.cli._app import app
from upheaval.cli._common import (
    EXIT_INVALID,
    DefaultUncertaintyOpt,
    ModelArg,
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

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Random seed; the same seed gives the same result.")]
JobsOpt = Annotated[int, typer.Option("--n-jobs", "-j", help="Local worker threads (-1: all cores).")]
SchedOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on this dask.distributed scheduler (e.g. tcp://127.0.0.1:8786)."),
]
TolOpt = Annotated[int, typer.Option("--tolerance", "-t", min=0, help="Inconsistency tolerance.")]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write every row to this CSV file.", dir_okay=False, show_default=False),
]


def _names(cim, row) -> dict[str, str]:
    return cim.scenario_names(row)


def _short(cim, row) -> str:
    return " ".join(f"{d}={v}" for d, v in _names(cim, row).items())


def _wrote(path: Path, n: int, noun: str) -> None:
    err.print(f"wrote {path} ({counted(n, noun)})", markup=False, highlight=False, soft_wrap=True)


@app.command()
@handle_errors
def basins(
    model: ModelArg = None,
    local: Annotated[bool, typer.Option("--local", help="Local succession (one descriptor at a time).")] = False,
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="Random starts when the space is too large to sweep.")
    ] = 200_000,
    max_exact: Annotated[
        int, typer.Option("--max-exact", min=0, help="Sweep every start when there are at most this many scenarios.")
    ] = 50_000_000,
    seed: SeedOpt = 0,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = None,
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix",
            "-f",
            help="Intervention: DESCRIPTOR takes VARIANT (D=V1,V2: moves only among them) and is exempt from the "
            "consistency test; the starts are the scenarios it allows; repeatable.",
        ),
    ] = None,
) -> None:
    """How many start scenarios lead to each consistent scenario and cycle under succession.

    Exact (every start swept) up to --max-exact scenarios, otherwise estimated from
    --samples seeded random starts with 95% Wilson intervals. These counts are the
    "weights" ScenarioWizard lists with its solutions.
    """
    from upheaval import analysis, cib
    from upheaval._load import load_system

    system = load_system(model)
    cim = cib.compile_system(system)
    mode = "local" if local else "global"
    intervention = parse_condition(fix, "--fix")
    try:
        cim.condition_indices(intervention)
    except EngineError as exc:
        raise fail(f"--fix: {exc}", EXIT_INVALID) from None
    with search_progress(f"{mode} succession from {cim.n_scenarios:,} starts", enabled=not json) as progress:
        res = analysis.succession_basins(
            cim,
            mode,
            max_exact=max_exact,
            n_samples=samples,
            random_state=seed,
            n_jobs=n_jobs,
            scheduler=scheduler,
            progress=progress,
            fix=intervention or None,
        )
    labels = analysis.scenario_labels(system, cim, 0)
    if csv is not None:
        from upheaval.cli._tables import scenario_csv_rows, write_csv

        header, rows = scenario_csv_rows(system, labels, res.ends)
        for k, row in enumerate(rows):
            if res.kind[k] != 0:
                row[0], row[1] = f"cycle {k + 1}", ""
            row += ["consistent" if res.kind[k] == 0 else f"cycle of {len(res.cycles[k])}", int(res.counts[k]),
                    f"{res.share[k]:.6f}", f"{res.low[k]:.6f}", f"{res.high[k]:.6f}"]  # fmt: skip
        write_csv(csv, [*header, "kind", "starts", "share", "low", "high"], rows)
        _wrote(csv, len(rows), "attractor")
    if json:
        emit_json(
            {
                "model": system.id,
                "mode": mode,
                "exact": res.exact,
                "n_starts": res.n_starts,
                "unresolved": res.unresolved,
                "complete": res.complete,
                "attractors": [
                    {
                        "label": labels.label(res.ends[k]) if res.kind[k] == 0 else f"cycle {k + 1}",
                        "kind": "consistent" if res.kind[k] == 0 else "cycle",
                        "scenario": _names(cim, res.ends[k]),
                        "cycle": [_names(cim, r) for r in res.cycles[k]],
                        "count": int(res.counts[k]),
                        "share": float(res.share[k]),
                        "low": float(res.low[k]),
                        "high": float(res.high[k]),
                    }
                    for k in range(len(res))
                ],
                "seconds": round(res.seconds, 4),
            }
        )
        return
    how = "exact, every start" if res.exact else f"estimated from {res.n_starts:,} random starts (95% CI)"
    table = Table(title=f"Basins of {mode} succession ({how})", header_style="bold")
    table.add_column("attractor", style="cyan")
    table.add_column("starts", justify="right", style="green")
    table.add_column("share", justify="right")
    if not res.exact:
        table.add_column("95% CI", justify="right")
    cycles = []
    for k in range(len(res)):
        if res.kind[k] == 0:
            what = labels.label(res.ends[k])
        else:
            what = f"cycle {k + 1} ({counted(len(res.cycles[k]), 'scenario')})"
            cycles.append(k)
        row = [what, f"{int(res.counts[k]):,}", f"{res.share[k]:.2%}"]
        if not res.exact:
            row.append(f"{res.low[k]:.2%}..{res.high[k]:.2%}")
        table.add_row(*row)
    console.print(table)
    console.print("[dim]S-labels as in `upheaval scenarios`; --csv or --json for every attractor's variants[/]")
    if labels.outside_used:
        console.print("[dim]X-labelled attractors are not consistent without the intervention[/]")
    for k in cycles:
        members = [_names(cim, r) for r in res.cycles[k]]
        moving = [d for d in members[0] if len({m[d] for m in members}) > 1]
        steps = "; ".join(f"{d} {' -> '.join(m[d] for m in members)}" for d in moving)
        console.print(f"cycle {k + 1}: {steps} (the other descriptors fixed)", markup=False, highlight=False)
    if res.unresolved:
        console.print(f"[yellow]{res.unresolved:,} starts reached neither an end nor a cycle within the step limit[/]")
    if not res.complete:
        console.print(
            "[yellow]the exact search for the consistent scenarios ran out of time: only those reached are listed[/]"
        )


def _uncertainty_note(system, default: int, perturbed: int) -> str:
    """Which uncertainty the samples use, in words (the same rule as the report and the audit)."""
    stated = sum(1 for imp in system.impacts if imp.uncertainty)
    rest = len(system.impacts) - stated
    if not perturbed:
        return "every judgement is taken as exact (uncertainty 0): each sample equals the nominal matrix"
    return (
        f"uncertainty: {stated} judgement sections state their own; the other {rest} are taken as "
        f"±{default} (--default-uncertainty {default})"
    )


@app.command()
@handle_errors
def robustness(
    model: ModelArg = None,
    samples: Annotated[int, typer.Option("--samples", min=1, help="Sampled matrices.")] = 1000,
    default_uncertainty: DefaultUncertaintyOpt = None,
    tolerance: TolOpt = 0,
    candidates: Annotated[
        int,
        typer.Option("--candidates", min=0, help="Track the scenarios within this tolerance of the nominal matrix."),
    ] = 2,
    seed: SeedOpt = 0,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = None,
) -> None:
    """Monte Carlo over the judgements' uncertainty: how often each scenario stays consistent.

    Every cell of a judgement section moves by a random integer within the section's
    `uncertainty`, or --default-uncertainty (1) where the model states none, clipped to the
    model's scale (-3..3 unless it declares another); each scenario's share of consistent samples comes
    with a 95% Wilson interval.
    """
    from upheaval import analysis, cib
    from upheaval._load import load_system

    system = load_system(model)
    cim = cib.compile_system(system)
    default = analysis.DEFAULT_UNCERTAINTY if default_uncertainty is None else default_uncertainty
    u = analysis.uncertainty_matrix(system, cim, default=default)
    if not json:
        console.print(_uncertainty_note(system, default, int(u.any())), style="dim")
    with search_progress(f"sampling {samples:,} matrices", enabled=not json) as progress:
        res = analysis.robustness(
            cim,
            u,
            samples,
            tolerance=tolerance,
            candidate_tolerance=candidates,
            random_state=seed,
            n_jobs=n_jobs,
            scheduler=scheduler,
            progress=progress,
        )
    labels = analysis.scenario_labels(system, cim, max(candidates, tolerance))
    if csv is not None:
        from upheaval.cli._tables import scenario_csv_rows, write_csv

        header, rows = scenario_csv_rows(system, labels, res.indices)
        for k, row in enumerate(rows):
            row += [int(res.nominal_inconsistency[k]), int(res.hits[k]), f"{res.share[k]:.6f}", f"{res.low[k]:.6f}",
                    f"{res.high[k]:.6f}"]  # fmt: skip
        write_csv(csv, [*header, "nominal_inconsistency", "consistent_in", "share", "low", "high"], rows)
        _wrote(csv, len(rows), "scenario")
    if json:
        emit_json(
            {
                "model": system.id,
                "n_samples": res.n_samples,
                "default_uncertainty": default,
                "tolerance": res.tolerance,
                "scenarios": [
                    {
                        "label": labels.label(res.indices[k]),
                        "scenario": _names(cim, res.indices[k]),
                        "nominal_inconsistency": int(res.nominal_inconsistency[k]),
                        "consistent_in": int(res.hits[k]),
                        "share": float(res.share[k]),
                        "low": float(res.low[k]),
                        "high": float(res.high[k]),
                    }
                    for k in range(len(res.hits))
                ],
                "seconds": round(res.seconds, 4),
            }
        )
        return
    table = Table(title=f"Robustness over {res.n_samples:,} sampled matrices", header_style="bold")
    table.add_column("scenario", style="cyan")
    table.add_column("nominal inconsistency", justify="right")
    table.add_column("consistent in", justify="right", style="green")
    table.add_column("95% CI", justify="right")
    never = 0
    for k in range(len(res.hits)):
        if res.hits[k] == 0 and res.nominal_inconsistency[k] > 0:
            never += 1
            continue
        table.add_row(
            labels.label(res.indices[k]),
            str(int(res.nominal_inconsistency[k])),
            f"{res.share[k]:.1%}",
            f"{res.low[k]:.1%}..{res.high[k]:.1%}",
        )
    console.print(table)
    if never:
        console.print(
            f"[dim]{counted(never, 'near-consistent candidate')} (nominal inconsistency 1..{candidates}) "
            f"{'was' if never == 1 else 'were'} consistent in no sample (listed by --csv and --json)[/]"
        )
    console.print("[dim]S-labels as in `upheaval scenarios --tolerance N`; --csv for every scenario's variants[/]")


@app.command()
@handle_errors
def sensitivity(
    model: ModelArg = None,
    tolerance: TolOpt = 0,
    near: Annotated[
        int,
        typer.Option(
            "--near",
            min=0,
            help="Also list the changes that would make scenarios within this inconsistency consistent.",
        ),
    ] = 1,
    max_change: Annotated[
        int,
        typer.Option("--max-change", min=1, max=6, help="Largest change of one judgement (6: to the range's ends)."),
    ] = 1,
    json: JsonOpt = False,
    csv: CsvOpt = None,
) -> None:
    """Which single judgements, moved by at most --max-change, make or break scenarios and claims.

    Exact, from the impact balance margins: "what would have to be true" for a consistent
    scenario to fail, or for a near-consistent one to hold. Each change is then applied and
    the claims checked again; changes are ranked by effect, those that move claims first.
    Only cells the model format allows are proposed (no diagonal block without
    `diagonal: true`); a descriptor nothing acts on is named once.
    """
    from upheaval import analysis, cib
    from upheaval._load import load_system

    system = load_system(model)
    cim = cib.compile_system(system)
    with search_progress("checking judgement changes", enabled=not json) as _:
        res = analysis.judgement_effects(system, cim, tolerance=tolerance, near=near, max_change=max_change)
    found = res.scenarios
    labels = analysis.scenario_labels(system, cim, max(tolerance, near), found)
    if csv is not None:
        from upheaval.cli._tables import write_csv

        fields = ("row", "column", "old", "new", "effect", "descriptor", "margin", "margin_after")
        rows = [
            [labels.key(found.indices[k]), labels.name(found.indices[k]), int(found.inconsistency[k]),
             *(getattr(c, f) for f in fields)]
            for k in range(len(found))
            for c in res.per_scenario[k]
        ]  # fmt: skip
        write_csv(csv, ["label", "future", "inconsistency", *fields], rows)
        _wrote(csv, len(rows), "judgement change")
    if json:
        emit_json(
            {
                "model": system.id,
                "tolerance": tolerance,
                "max_change": max_change,
                "inert": res.inert,
                "changes": [e.to_json() for e in res.effects],
                "scenarios": [
                    {
                        "label": labels.label(found.indices[k]),
                        "scenario": _names(cim, found.indices[k]),
                        "inconsistency": int(found.inconsistency[k]),
                        "changes": [
                            {
                                "row": c.row,
                                "column": c.column,
                                "old": c.old,
                                "new": c.new,
                                "effect": c.effect,
                                "descriptor": c.descriptor,
                                "margin": c.margin,
                                "margin_after": c.margin_after,
                            }
                            for c in res.per_scenario[k]
                        ],
                    }
                    for k in range(len(found))
                ],
            }
        )
        return
    for note in res.inert_notes():
        console.print(f"[yellow]note[/]: {note}")
    if not res.effects:
        console.print(f"No single judgement moved by at most {max_change} makes or breaks a scenario or a claim.")
        return
    shown = 20
    table = Table(
        title=f"Judgements that move scenarios or claims (changes of at most {max_change})",
        header_style="bold",
        title_justify="left",
    )
    table.add_column("judgement change and what it moves")
    for e in res.effects[:shown]:
        table.add_row(e.text)
    if len(res.effects) > shown:
        table.add_row(f"[dim]... {len(res.effects) - shown} more (see --csv or --json)[/]")
    console.print(table)
    moving = sum(1 for e in res.effects if e.claims_broken or e.claims_made)
    console.print(
        f"[dim]{len(res.effects)} changes; {moving} move a claim. Scenarios: S-labels of the consistent set "
        f"at tolerance {max(tolerance, near)} (see `upheaval scenarios`); claims by id (see `upheaval check`).[/]"
    )


@app.command()
@handle_errors
def ensemble(
    models: Annotated[
        list[str], typer.Argument(help="Two or more model files of the same structure (one per expert or group).")
    ],
    tolerance: TolOpt = 0,
    mean: Annotated[bool, typer.Option("--mean", help="Combine by the mean instead of the sum.")] = False,
    n_jobs: JobsOpt = 1,
    scheduler: SchedOpt = None,
    json: JsonOpt = False,
    disagreement: Annotated[
        bool,
        typer.Option(
            "--disagreement",
            help="The judgements the experts differ on, ranked by how much the choice "
            "between their values changes the consistent set.",
        ),
    ] = False,
    sheets: Annotated[
        Path | None,
        typer.Option(
            "--sheets",
            help="With --disagreement: write each expert a Delphi sheet (CSV) of the cells that "
            "matter to this folder; `upheaval delphi` reads the answers back.",
            file_okay=False,
        ),
    ] = None,
    previous: Annotated[
        list[str] | None,
        typer.Option(
            "--previous",
            help="With --disagreement: each expert's file of the previous round (in the same "
            "order; repeat): show how they moved.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="With --disagreement: cells shown.")] = 20,
    figure: Annotated[
        Path | None,
        typer.Option(
            "--figure", help="With --disagreement: also draw it to this file (.png, .svg, .pdf).", dir_okay=False
        ),
    ] = None,
) -> None:
    """Each scenario's support across several matrices, and the combined matrix's scenarios.

    With --disagreement: the cells where the experts differ, ranked by how much taking one expert's value
    rather than another's changes the group's consistent set (the Delphi round's questions).
    """
    from upheaval import analysis, cib
    from upheaval._load import load_system

    if disagreement:
        from upheaval.cli._decisions import show_disagreement

        show_disagreement(models, tolerance, n_jobs, scheduler, json, sheets, previous, top, figure)
        return
    if sheets is not None or previous or figure is not None:
        raise fail("--sheets, --previous and --figure go with --disagreement", EXIT_INVALID)

    systems = [load_system(m) for m in models]
    cims = [cib.compile_system(s) for s in systems]
    with search_progress(f"searching {len(cims)} matrices", enabled=not json) as progress:
        res = analysis.ensemble(
            cims,
            models,
            tolerance=tolerance,
            combine="mean" if mean else "sum",
            n_jobs=n_jobs,
            scheduler=scheduler,
            progress=progress,
        )
    cim = res.combined
    if json:
        emit_json(
            {
                "models": models,
                "combine": "mean" if mean else "sum",
                "scenarios": [
                    {
                        "scenario": _names(cim, res.indices[k]),
                        "support": int(res.support[k]),
                        "share": float(res.share[k]),
                        "members": [m for m, hit in zip(models, res.members[k], strict=True) if hit],
                        "in_combined": bool(res.in_combined[k]),
                    }
                    for k in range(len(res.support))
                ],
                "complete": res.complete,
            }
        )
        return
    table = Table(title=f"Ensemble of {len(models)} matrices", header_style="bold")
    table.add_column("scenario", style="cyan")
    table.add_column("support", justify="right", style="green")
    table.add_column("combined", justify="center")
    for k in range(len(res.support)):
        table.add_row(
            _short(cim, res.indices[k]),
            f"{int(res.support[k])}/{len(models)}",
            "yes" if res.in_combined[k] else "",
        )
    console.print(table)


@app.command()
@handle_errors
def pathways(
    model: ModelArg = None,
    start: Annotated[
        list[str] | None,
        typer.Option(
            "--start",
            "-s",
            help="Start scenario: `present`, D=V,... pairs, or both; descriptors not given are as in the present "
            "(default: the present).",
        ),
    ] = None,
    tolerance: TolOpt = 0,
    max_nodes: Annotated[int, typer.Option("--max-nodes", min=2, help="Stop branching beyond this many nodes.")] = 200,
    json: JsonOpt = False,
) -> None:
    """Branching pathways through the model's periods, with where they split and why.

    Uses the model's `periods` plan: inertia favours the variant held in the previous
    period, irreversible variants stay once reached, scheduled fixes apply in their period.
    """
    from upheaval import analysis, cib
    from upheaval._load import load_system

    system = load_system(model)
    if system.periods is None:
        raise fail(
            f"model `{system.id}` has no `periods` plan",
            EXIT_INVALID,
            "add `periods: {labels: [2025, 2026], inertia: {descriptor: 1}}` to the model",
        )
    cim = cib.compile_system(system)
    names = parse_start(system, start)
    if names is None:
        if system.present is None:
            raise fail("give the start scenario with --start D=V,... (the model has no `present`)", EXIT_INVALID)
        names = dict(system.present.scenario)
    try:
        z0 = cim.scenario_indices(names)
    except EngineError as exc:
        raise fail(f"--start: {exc}", EXIT_INVALID) from None
    res = analysis.pathways(cim, system.periods, z0, tolerance=tolerance, max_nodes=max_nodes)

    def changes_json(node):
        return {
            str(p): [
                {
                    "descriptor": t.descriptor,
                    "from": t.old,
                    "to": t.new,
                    "balance_to": t.balance_new,
                    "balance_from": t.balance_old,
                    "drivers": [{"variant": v, "push": w} for v, w in t.drivers],
                }
                for t in ts
            ]
            for p, ts in node.changes.items()
        }

    if json:
        emit_json(
            {
                "model": system.id,
                "periods": res.labels,
                "truncated": res.truncated,
                "nodes": [
                    {
                        "id": n.id,
                        "period": n.label,
                        "scenario": _names(cim, n.scenario),
                        "parents": n.parents,
                        "children": n.children,
                        "dead_end": n.dead_end,
                        "changes": changes_json(n),
                    }
                    for n in res.nodes
                ],
                "paths": res.paths(),
            }
        )
        return
    console.print(f"[bold]Pathways of {system.id}[/] from {_short(cim, z0)}")
    for n in res.nodes[1:]:
        split = "  [magenta](splits)[/]" if len(n.children) > 1 else ""
        dead = "  [red](no consistent successor)[/]" if n.dead_end else ""
        console.print(f"[cyan]{n.label}[/] #{n.id} <- {', '.join(f'#{p}' for p in n.parents)}{split}{dead}")
        for p, ts in n.changes.items():
            for t in ts:
                why = ", ".join(f"{v} (+{w})" for v, w in t.drivers) or "inertia lost"
                console.print(
                    f"    from #{p}: {t.descriptor}: {t.old} -> {t.new} "
                    f"(balance {t.balance_new} vs {t.balance_old}; driven by {why})"
                )
            if not ts:
                console.print(f"    from #{p}: unchanged")
    if res.truncated:
        console.print(f"[yellow]partial: stopped at {max_nodes} nodes (raise --max-nodes)[/]")
    if len(res.splits()) == 0:
        console.print("[dim]no splits: a single pathway[/]")
