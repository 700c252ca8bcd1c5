"""The analysis commands: basins, robustness, sensitivity, ensemble, pathways."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from upheaval._text import counted
from upheaval.cli._app import app
from upheaval.cli._common import (
    EXIT_INVALID,
    DefaultUncertaintyOpt,
    JobsOpt,
    JsonOpt,
    ModelArg,
    SchedOpt,
    TolOpt,
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

SCREENFUL = 40  # rows a listing prints by default; --csv and --json hold every row

SeedOpt = Annotated[int | None, typer.Option("--seed", help="Random seed; the same seed gives the same result.")]
CsvOpt = Annotated[
    Path | None,
    typer.Option("--csv", help="Also write every row to this CSV file.", dir_okay=False, show_default=False),
]


def _names(cim, row) -> dict[str, str]:
    return cim.scenario_names(row)


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
    from upheaval._load import load

    system = load(model)
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
    cycle_no = {k: n + 1 for n, k in enumerate(k for k in range(len(res)) if res.kind[k] != 0)}

    def label(k: int) -> str:
        return labels.key(res.ends[k]) if res.kind[k] == 0 else f"C{cycle_no[k]}"

    if csv is not None:
        from upheaval.cli._tables import scenario_csv_rows, write_csv

        header, rows = scenario_csv_rows(system, labels, res.ends)
        for k, row in enumerate(rows):
            if res.kind[k] != 0:
                row[0], row[1] = label(k), _cycle_futures(labels, res.cycles[k])
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
                        "label": label(k),
                        "future": labels.name(res.ends[k]) if res.kind[k] == 0 else "",
                        "futures": [labels.name(r) for r in res.cycles[k]],
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
            what = f"{label(k)} · cycle of {len(res.cycles[k])}: {_cycle_futures(labels, res.cycles[k])}"
            cycles.append(k)
        row = [escape(what), f"{int(res.counts[k]):,}", f"{res.share[k]:.2%}"]
        if not res.exact:
            row.append(f"{res.low[k]:.2%}..{res.high[k]:.2%}")
        table.add_row(*row)
    console.print(table)
    console.print("[dim]S-labels as in `upheaval scenarios`; --csv or --json for every attractor's variants[/]")
    if labels.outside_used:
        console.print("[dim]X-labelled attractors are not consistent without the intervention[/]")
    for k, text in zip(cycles, _cycle_texts(cim, [res.cycles[k] for k in cycles]), strict=True):
        console.print(f"{label(k)}: {text}", markup=False, highlight=False)
    if res.unresolved:
        console.print(f"[yellow]{res.unresolved:,} starts reached neither an end nor a cycle within the step limit[/]")
    if not res.complete:
        console.print(
            "[yellow]the exact search for the consistent scenarios ran out of time: only those reached are listed[/]"
        )


def _cycle_futures(labels, members) -> str:
    """The futures a cycle passes through, by name (``A ⇄ B``), or '' when none is named."""
    names = list(dict.fromkeys(labels.name(r) for r in members))
    return " ⇄ ".join(n or "(no named future)" for n in names) if any(names) else ""


def _cycle_texts(cim, cycles: list) -> list[str]:
    """What each cycle does: the descriptors that move and how; and, where two cycles move alike, the
    descriptors that hold each one apart (the values they keep)."""
    members = [[_names(cim, r) for r in c] for c in cycles]
    moving = [[d for d in m[0] if len({x[d] for x in m}) > 1] for m in members]
    steps = [
        "; ".join(f"{d} {' -> '.join(x[d] for x in m)}" for d in mv) for m, mv in zip(members, moving, strict=True)
    ]
    out = []
    for k, (m, text) in enumerate(zip(members, steps, strict=True)):
        twins = [j for j, t in enumerate(steps) if t == text and j != k]
        held = [d for d in m[0] if d not in moving[k] and any(members[j][0].get(d) != m[0][d] for j in twins)]
        where = f", while {', '.join(f'{d}={m[0][d]}' for d in held)}" if held else ""
        out.append(f"{text}{where} (the other descriptors fixed)")
    return out


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
    """Monte Carlo over the judgements' uncertainty: how often each future survives, and each scenario.

    Every cell of a judgement section moves by a random integer within the section's
    `uncertainty`, or --default-uncertainty (1) where the model states none, clipped to the
    model's scale (-3..3 unless it declares another). A future survives a sampled matrix when
    one of its scenarios is consistent in it (the tracked scenarios are those within --candidates
    of consistent in the model itself); each share comes with a 95% Wilson interval.
    """
    from upheaval import analysis, cib
    from upheaval._load import load
    from upheaval.analysis import future_index

    system = load(model)
    cim = cib.compile_system(system)
    default = analysis.DEFAULT_UNCERTAINTY if default_uncertainty is None else default_uncertainty
    u = analysis.uncertainty_matrix(system, cim, default=default)
    if not json:
        console.print(_uncertainty_note(system, default, int(u.any())), style="dim")
    futures = [f.name for f in system.futures]
    with search_progress(f"sampling {samples:,} matrices", enabled=not json) as progress:
        res = analysis.robustness(
            cim,
            u,
            samples,
            tolerance=tolerance,
            candidate_tolerance=candidates,
            groups=(lambda idx: future_index(system, cim, idx)) if futures else None,
            random_state=seed,
            n_jobs=n_jobs,
            scheduler=scheduler,
            progress=progress,
        )
    labels = analysis.scenario_labels(system, cim, max(candidates, tolerance))
    keys = labels.keys(res.indices)
    names = labels.names(res.indices)
    if csv is not None:
        from upheaval.cli._tables import scenario_csv_rows, write_csv

        header, rows = scenario_csv_rows(system, labels, res.indices)
        for k, row in enumerate(rows):
            row += [int(res.nominal_inconsistency[k]), int(res.hits[k]), f"{res.share[k]:.6f}", f"{res.low[k]:.6f}",
                    f"{res.high[k]:.6f}"]  # fmt: skip
        write_csv(csv, [*header, "nominal_inconsistency", "consistent_in", "share", "low", "high"], rows)
        _wrote(csv, len(rows), "scenario")
    groups = _future_rows(res, futures, keys) if futures else []
    if json:
        emit_json(
            {
                "model": system.id,
                "n_samples": res.n_samples,
                "seed": seed,
                "default_uncertainty": default,
                "tolerance": res.tolerance,
                "candidate_tolerance": res.candidate_tolerance,
                "futures": [
                    {
                        "future": g["name"],
                        "consistent": g["consistent"],
                        "near": g["near"],
                        "survives_in": g["hits"],
                        "share": g["share"],
                        "low": g["low"],
                        "high": g["high"],
                    }
                    for g in groups
                ],
                "scenarios": [
                    {
                        "label": keys[k],
                        "future": names[k],
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
    if groups:
        _print_future_robustness(res, groups, keys, candidates)
    else:
        _print_scenario_robustness(res, keys, labels, candidates)
    console.print(
        f"[dim]S-labels as in `upheaval scenarios --tolerance {max(candidates, tolerance)}`; --csv or --json for "
        "every tracked scenario[/]"
    )


def _future_rows(res, futures: list[str], keys: list[str]) -> list[dict]:
    """One row per future (and one for the scenarios no future names, if any are tracked): its consistent and
    near-consistent scenarios, and the samples it survives in, highest share first."""
    rows = []
    for g, name in enumerate([*futures, ""]):
        members = np.flatnonzero(res.groups == g)
        if g >= len(res.group_hits) or (not len(members) and name == ""):
            continue
        consistent = sorted((keys[k] for k in members if res.nominal_inconsistency[k] == 0), key=_label_order)
        rows.append({
            "name": name, "consistent": consistent, "near": int(sum(res.nominal_inconsistency[members] > 0)),
            "hits": int(res.group_hits[g]), "share": float(res.group_share[g]),
            "low": float(res.group_low[g]), "high": float(res.group_high[g]),
        })  # fmt: skip
    for g, name in enumerate(futures):  # a future no tracked scenario belongs to: never consistent here
        if g >= len(res.group_hits):
            rows.append({"name": name, "consistent": [], "near": 0, "hits": 0, "share": 0.0, "low": 0.0,
                         "high": 0.0})  # fmt: skip
    return sorted(rows, key=lambda r: (-r["share"], r["name"] == ""))


def _label_order(key: str) -> tuple[str, int]:
    return key[0], int(key[1:])


def _print_future_robustness(res, groups: list[dict], keys: list[str], candidates: int) -> None:
    from rich import box

    table = Table(
        title=f"How often each future survives, over {res.n_samples:,} sampled matrices",
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("future", style="cyan", ratio=5)
    table.add_column("consistent scenarios", ratio=3)
    table.add_column("survives", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="right", no_wrap=True)
    for g in groups:
        near = f" +{g['near']} near" if g["near"] else ""
        table.add_row(
            escape(g["name"] or "(no named future)"),
            (" ".join(g["consistent"]) or "none") + near,
            f"{g['share']:.1%}",
            f"{g['low']:.1%}–{g['high']:.1%}",
        )
    console.print(table)
    best = ", ".join(f"{keys[k]} {res.share[k]:.1%}" for k in range(min(3, len(res.hits))))
    console.print(
        f"[dim]A future survives a sample when one of its scenarios is consistent in it; near: scenarios of "
        f"inconsistency 1..{candidates} in the model that a sample may make consistent. Most robust single "
        f"scenarios: {best}.[/]"
    )


def _print_scenario_robustness(res, keys: list[str], labels, candidates: int) -> None:
    table = Table(title=f"Robustness over {res.n_samples:,} sampled matrices", header_style="bold")
    table.add_column("scenario", style="cyan")
    table.add_column("nominal inconsistency", justify="right")
    table.add_column("consistent in", justify="right", style="green")
    table.add_column("95% CI", justify="right")
    shown = never = 0
    for k in range(len(res.hits)):
        if res.hits[k] == 0 and res.nominal_inconsistency[k] > 0:
            never += 1
            continue
        if shown == SCREENFUL:
            continue
        shown += 1
        table.add_row(escape(labels.label(res.indices[k])), str(int(res.nominal_inconsistency[k])), f"{res.share[k]:.1%}",
                      f"{res.low[k]:.1%}..{res.high[k]:.1%}")  # fmt: skip
    console.print(table)
    rest = len(res.hits) - never - shown
    if rest:
        console.print(f"[yellow]{shown} of {shown + rest} shown, the most robust first[/]; --csv or --json list all")
    if never:
        console.print(
            f"[dim]{counted(never, 'near-consistent candidate')} (nominal inconsistency 1..{candidates}) "
            f"{'was' if never == 1 else 'were'} consistent in no sample (listed by --csv and --json)[/]"
        )


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
    from upheaval._load import load

    system = load(model)
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
                        "label": labels.key(found.indices[k]),
                        "future": labels.name(found.indices[k]),
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
    groups = _effect_groups(res.effects)
    futures = _FutureCounts(labels, found, tolerance)
    ranked = sorted(groups, key=lambda g: futures.rank(g[0]))
    console.print(
        f"[bold]Judgements that make or break the futures[/], by consequence: {len(ranked)} distinct effects of "
        f"{len(res.effects):,} changes of at most {max_change}"
    )
    used, shown, named = 0, 0, []
    for effect, changes in ranked:
        what = futures.text(effect)
        e = changes[0]
        example = f"{e.row} → {e.column} from {_signed(e.old)} to {_signed(e.new)}"
        example = f"{example}, 1 of {len(changes)} changes that do this" if len(changes) > 1 else example
        lines = [f"{shown + 1:>2}. {what}", f"    [dim]{escape(example)}[/]"]
        height = sum(-(-len(Text.from_markup(x).plain) // console.width) for x in lines)
        if used + height > EFFECT_LINES and shown:
            break
        for line in lines:
            console.print(line, highlight=False)
        used, shown = used + height, shown + 1
        named += [*effect[0], *effect[1]]
    if len(ranked) > shown:
        console.print(f"[yellow]{shown} of {len(ranked)} effects shown[/]; --csv or --json list every change")
    if named:
        console.print(f"[dim]their futures:[/] {escape(futures.key(named))}", highlight=False)
    moving = sum(1 for e in res.effects if e.claims_broken or e.claims_made)
    console.print(
        f"[dim]{moving} of the changes move a claim. Scenarios: S-labels of the consistent set at tolerance "
        f"{max(tolerance, near)} (see `upheaval scenarios`); claims by id (see `upheaval check`).[/]"
    )


EFFECT_LINES = 44  # lines of effects sensitivity prints by default


def _signed(v: int) -> str:
    return f"{v:+d}" if v else "0"


def _effect_groups(effects) -> list[tuple[tuple, list]]:
    """The changes grouped by what they do (the scenarios and claims they break and make), in first-seen order."""
    groups: dict[tuple, list] = {}
    for e in effects:
        key = (tuple(e.breaks), tuple(e.makes), tuple(e.claims_broken), tuple(e.claims_made))
        groups.setdefault(key, []).append(e)
    return list(groups.items())


class _FutureCounts:
    """Which named futures an effect removes whole (breaks every consistent scenario of) or brings in (makes a
    scenario of a future none of whose scenarios is consistent)."""

    def __init__(self, labels, found, tolerance: int) -> None:
        self.name = {labels.key(row): labels.name(row) for row in found.indices}
        self.total: dict[str, int] = {}
        for k, row in enumerate(found.indices):
            if found.inconsistency[k] <= tolerance:
                self.total[labels.name(row)] = self.total.get(labels.name(row), 0) + 1

    def gone(self, breaks: tuple[str, ...]) -> list[str]:
        hit: dict[str, int] = {}
        for key in breaks:
            hit[self.name.get(key, "")] = hit.get(self.name.get(key, ""), 0) + 1
        return [n for n, k in hit.items() if n and k >= self.total.get(n, 0)]

    def new(self, makes: tuple[str, ...]) -> list[str]:
        return list(dict.fromkeys(n for key in makes if (n := self.name.get(key, "")) and not self.total.get(n)))

    def rank(self, effect: tuple) -> tuple:
        """Claims moved first, then futures lost or gained whole, then scenarios moved."""
        breaks, makes, c_broken, c_made = effect
        whole = len(self.gone(breaks)) + len(self.new(makes))
        return (-(len(c_broken) + len(c_made)), -whole, -(len(breaks) + len(makes)), effect)

    def key(self, keys: list[str]) -> str:
        """The futures of the scenarios ``keys`` name, each with its scenarios: ``S1 S7 Satisfactory peace; ...``."""
        by: dict[str, list[str]] = {}
        for key in dict.fromkeys(keys):
            by.setdefault(self.name.get(key) or "no named future", []).append(key)
        order = sorted(by.items(), key=lambda kv: int(kv[1][0][1:]) if kv[1][0][1:].isdigit() else 0)
        return "; ".join(f"{' '.join(ks)}: {name}" for name, ks in order)

    def text(self, effect: tuple) -> str:
        """What an effect does: the claims it fails or passes, the scenarios it breaks or makes, by label, and
        the futures it removes or brings in, by name."""
        breaks, makes, c_broken, c_made = effect
        parts = []
        if c_broken:
            parts.append(f"[bold red]fails {', '.join(c_broken)}[/]")
        if c_made:
            parts.append(f"[green]passes {', '.join(c_made)}[/]")
        if breaks:
            gone = self.gone(breaks)
            parts.append(f"breaks {' '.join(breaks)}" + (f": [bold]{escape(_and(gone))}[/] gone" if gone else ""))
        if makes:
            new = self.new(makes)
            parts.append(f"makes {' '.join(makes)}" + (f": [bold]{escape(_and(new))}[/] new" if new else ""))
        return "; ".join(parts)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


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
    """Each scenario's support across several experts' matrices, and whether their combined matrix holds it.

    Each MODEL is one expert's (or group's) judgements of the same descriptors. A scenario's
    support is how many experts' matrices hold it consistent; the combined matrix is the sum of
    all the matrices (--mean: their mean), the pooled judgement searched as one model.

    With --disagreement: the cells where the experts differ, ranked by how much taking one expert's value
    rather than another's changes the group's consistent set (the Delphi round's questions).
    """
    from upheaval import analysis, cib
    from upheaval._load import load

    if disagreement:
        from upheaval.cli._decisions import show_disagreement

        show_disagreement(models, tolerance, n_jobs, scheduler, json, sheets, previous, top, figure)
        return
    if sheets is not None or previous or figure is not None:
        raise fail("--sheets, --previous and --figure go with --disagreement", EXIT_INVALID)

    systems = [load(m) for m in models]
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
    combined_set = cib.find_consistent(cim, tolerance * len(cims) if mean else tolerance)
    labels = analysis.scenario_labels(systems[0], cim, combined_set.tolerance, combined_set)
    if json:
        emit_json(
            {
                "models": models,
                "combine": "mean" if mean else "sum",
                "scenarios": [
                    {
                        "label": labels.key(res.indices[k]),
                        "future": labels.name(res.indices[k]),
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
    from rich import box

    from upheaval.cli._tables import member_codes

    codes = member_codes(len(models))
    how = "mean" if mean else "sum"
    table = Table(
        title=f"Ensemble of {len(models)} experts: each future's support", title_justify="left", box=box.SIMPLE_HEAD
    )
    table.add_column("scenario", style="cyan", ratio=1)
    for c in codes:
        table.add_column(c, justify="center", no_wrap=True)
    table.add_column("support", justify="right", no_wrap=True)
    table.add_column("combined", justify="center", no_wrap=True)
    n = len(res.support)
    shown = min(n, SCREENFUL)
    for k in range(shown):
        row = res.indices[k]
        table.add_row(
            escape(labels.label(row)),
            *("✓" if hit else "·" for hit in res.members[k]),
            f"{int(res.support[k])} of {len(models)}",
            "yes" if res.in_combined[k] else "no",
        )
    console.print(table)
    for c, m in zip(codes, models, strict=True):
        console.print(f"  [bold]{c}[/] {escape(m)}", highlight=False, soft_wrap=True)
    if shown < n:
        console.print(f"[yellow]{shown} of {n} scenarios shown, the best supported first[/]; --json lists all")
    console.print(
        f"[dim]✓: consistent in that expert's matrix. combined: consistent in the {how} of the {len(models)} "
        f"matrices (all judgements pooled, as one model); S-labels are places in the combined matrix's consistent "
        f"set, X-labels scenarios consistent only in some expert's matrix.[/]"
    )


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
    detail: Annotated[
        bool, typer.Option("--detail", help="Also list every step: each descriptor that changes, and what drove it.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Branching pathways through the model's periods: per period, the futures reached and from which, and where
    the pathways end.

    Uses the model's `periods` plan: inertia favours the variant held in the previous
    period, irreversible variants stay once reached, scheduled fixes apply in their period.
    --detail lists each step with the descriptors that change and why; --json the whole graph.
    """
    from upheaval import analysis, cib
    from upheaval._load import load

    system = load(model)
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

    labels = analysis.scenario_labels(system, cim, tolerance)
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
                        "label": labels.key(n.scenario),
                        "future": labels.name(n.scenario),
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
    _print_pathways(system, res, labels)
    if detail:
        _print_pathway_steps(res, labels)
    if res.truncated:
        console.print(f"[yellow]partial: stopped at {max_nodes} nodes (raise --max-nodes)[/]")
    if not detail:
        console.print("[dim]--detail: every step with what drove it; --json: the whole graph[/]")


def _print_pathways(system, res, labels) -> None:
    """The futures by period: the share of pathways in each future in each period, the futures each one leads
    to in the next period (the branching), and the scenarios each holds."""
    from rich import box

    from upheaval.cli._tables import member_codes

    nodes = res.nodes
    future = {n.id: labels.name(n.scenario) or "(no named future)" for n in nodes}
    into = [0] * len(nodes)  # pathways from the start to each node
    into[0] = 1
    for n in nodes[1:]:
        into[n.id] = sum(into[p] for p in n.parents)
    onward = [1] * len(nodes)  # pathways from each node to an end
    for n in reversed(nodes):
        if n.children:
            onward[n.id] = sum(onward[c] for c in n.children)
    total = onward[0]
    order = list(dict.fromkeys(future[n.id] for n in sorted(nodes, key=lambda n: (n.period, -into[n.id]))))
    codes = dict(zip(order, member_codes(len(order)), strict=True))
    share = {(f, p): 0 for f in order for p in range(-1, len(res.labels))}
    leads: dict[str, set[str]] = {f: set() for f in order}
    members: dict[str, list[str]] = {f: [] for f in order}
    for n in nodes:
        share[future[n.id], n.period] += into[n.id] * onward[n.id]
        leads[future[n.id]].update(future[c] for c in n.children)
        if n.id and labels.key(n.scenario) not in members[future[n.id]]:
            members[future[n.id]].append(labels.key(n.scenario))
    console.print(
        f"[bold]Pathways of {system.id}[/] through {', '.join(res.labels)}, from "
        f"{escape(labels.label(nodes[0].scenario))}: {counted(total, 'pathway')} through "
        f"{counted(len({labels.key(n.scenario) for n in nodes[1:]}), 'scenario')} in {counted(len(order), 'future')}"
    )
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", title_justify="left",
                  title="Share of the pathways in each future, per period, and where each future leads next")  # fmt: skip
    table.add_column("")
    table.add_column("future", style="cyan", ratio=1)
    periods = [p for p in range(len(res.labels)) if any(n.period == p for n in nodes)]
    for p in periods:
        table.add_column(res.labels[p], justify="right", no_wrap=True)
    table.add_column("leads to", no_wrap=False)
    for f in order:
        cells = [f"{share[f, p] / total:.0%}" if share[f, p] else "·" for p in periods]
        nxt = " ".join(codes[g] for g in order if g in leads[f]) or "(end)"
        table.add_row(codes[f], escape(f), *cells, nxt)
    console.print(table)
    console.print(
        "scenarios: "
        + "; ".join(f"[bold]{codes[f]}[/] {' '.join(_compress(members[f]))}" for f in order if members[f]),
        highlight=False,
    )
    dead = [labels.key(n.scenario) for n in nodes if n.dead_end]
    if dead:
        console.print(f"[red]no consistent successor[/]: {' '.join(dead)}")
    console.print(
        "[dim]S-labels: consistent without the periods' carry-over (as in `upheaval scenarios`); X-labels: "
        "consistent only with it (inertia, irreversible variants, scheduled changes)[/]"
    )


def _compress(keys: list[str]) -> list[str]:
    """S-labels as they are, X-labels counted: ``S5 S8 +11 X``."""
    s_keys = sorted((k for k in keys if k.startswith("S")), key=_label_order)
    x = len(keys) - len(s_keys)
    return s_keys + ([f"+{x} X"] if x else [])


def _print_pathway_steps(res, labels) -> None:
    """Every node with its parents and each descriptor that changed, with what drove the change."""
    for n in res.nodes[1:]:
        split = "  [magenta](splits)[/]" if len(n.children) > 1 else ""
        dead = "  [red](no consistent successor)[/]" if n.dead_end else ""
        parents = ", ".join(labels.key(res.nodes[p].scenario) for p in n.parents)
        console.print(f"[cyan]{n.label}[/] {escape(labels.label(n.scenario))} <- {parents}{split}{dead}")
        for p, ts in n.changes.items():
            origin = labels.key(res.nodes[p].scenario)
            for t in ts:
                why = ", ".join(f"{v} (+{w})" for v, w in t.drivers) or "inertia lost"
                console.print(
                    f"    from {origin}: {t.descriptor}: {t.old} -> {t.new} "
                    f"(balance {t.balance_new} vs {t.balance_old}; driven by {why})",
                    highlight=False,
                )
            if not ts:
                console.print(f"    from {origin}: unchanged")
