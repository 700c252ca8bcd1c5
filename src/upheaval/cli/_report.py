"""The view commands: figure, report and network."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from upheaval.cli._app import app
from upheaval.cli._common import (
    EXIT_FAILED,
    EXIT_INVALID,
    DefaultUncertaintyOpt,
    ModelArg,
    console,
    emit_json,
    fail,
    handle_errors,
    parse_condition,
)
from upheaval.errors import EngineError

if TYPE_CHECKING:
    from upheaval.model import System


class FigureKind(StrEnum):
    """The figures ``upheaval figure`` draws."""

    network = "network"
    matrix = "matrix"
    tableau = "tableau"
    impact = "impact"
    landscape = "landscape"
    claims = "claims"
    levers = "levers"
    pick = "pick"
    shock = "shock"


ScenarioOpt = Annotated[
    int | None,
    typer.Option(
        "--scenario", "-s", min=1, help="Use consistent scenario N (1-based, in the order of `upheaval scenarios`)."
    ),
]
FixOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fix",
        "-f",
        help="Intervention: DESCRIPTOR takes VARIANT and is exempt from the consistency test (D=V1,V2: one of "
        "them, the best among them); repeatable. For network figures and exports the variants' tie changes are "
        "applied as given.",
    ),
]


def _scenario(system: System, number: int | None, fix: dict[str, list[str]]):
    """The scenario the options name, as variant indices, or None when they name none."""
    from upheaval.report import pick_scenario

    if number is None and not fix:
        return None
    try:
        return pick_scenario(system, number, _single(fix))
    except EngineError as exc:
        raise fail(str(exc), EXIT_INVALID) from None


def _single(fix: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """An intervention with one-variant sets written as plain variants."""
    return {d: vs[0] if len(vs) == 1 else vs for d, vs in fix.items()}


def _network_choice(system: System, number: int | None, fix: dict[str, list[str]]):
    """For network views: a consistent scenario by number, or the intervention's variants as a partial scenario."""
    from upheaval.network import scenario_choice

    if any(len(vs) > 1 for vs in fix.values()) and number is None:
        raise fail("a network shows one variant per descriptor", EXIT_INVALID, "give --fix D=V with one variant")
    try:
        if number is not None:
            return _scenario(system, number, fix)
        return scenario_choice(system, _single(fix)) or None
    except EngineError as exc:
        raise fail(str(exc), EXIT_INVALID) from None


@app.command()
@handle_errors
def figure(
    kind: Annotated[
        FigureKind,
        typer.Argument(
            help="Which figure: network, matrix, tableau, impact, landscape, claims, levers, pick or shock."
        ),
    ],
    model: ModelArg = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write; .png, .svg or .pdf picks the format.", dir_okay=False)
    ] = Path("figure.png"),
    scenario: ScenarioOpt = None,
    fix: FixOpt = None,
    tolerance: Annotated[
        int, typer.Option("--tolerance", "-t", min=0, help="Landscape only: the largest inconsistency drawn.")
    ] = 2,
) -> None:
    """Draw one figure of a model and write it as PNG, SVG or PDF.

    [bold]network[/]: actors coloured by camp, ties styled by kind, quantities labelled (with --scenario or --fix, that scenario's network). [bold]matrix[/]: the cross-impact heatmap. [bold]tableau[/]: the consistent scenarios. [bold]impact[/]: promoting and hindering influences in one scenario (the first consistent one unless --scenario or --fix says otherwise). [bold]landscape[/]: consistent and near-consistent scenarios mapped by how much they differ. [bold]claims[/]: each claim and its result. [bold]levers[/]: where each single intervention from the present leads (`upheaval levers --figure` for other starts and targets). [bold]pick[/]: four diverse consistent scenarios and how they cover the rest (`upheaval pick --figure`). [bold]shock[/]: the model's first shock, before, during and after (`upheaval shock NAME --figure`).
    """
    from upheaval import report as F

    if output.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise fail(f"cannot write a figure to {output.name}", EXIT_INVALID, "use a .png, .svg or .pdf file name")
    from upheaval._load import load

    system = load(model)
    intervention = parse_condition(fix, "--fix")
    from upheaval import cib

    if intervention:
        try:
            cib.compile_system(system).condition_indices(intervention)
        except EngineError as exc:
            raise fail(f"--fix: {exc}", EXIT_INVALID) from None
    if kind is FigureKind.network:
        fig = F.network_figure(system, _network_choice(system, scenario, intervention))
    elif kind is FigureKind.matrix:
        fig = F.matrix_figure(system)
    elif kind is FigureKind.tableau:
        from upheaval.report import consistent

        fig = F.tableau_figure(system, consistent(system, 0, intervention or None))
    elif kind is FigureKind.impact:
        from upheaval.analysis import scenario_labels

        z = _scenario(system, scenario or 1, intervention)
        label = scenario_labels(system, cib.compile_system(system), 0).label(z)
        fig = F.impact_figure(system, z, title=f"Impact diagram of {label}")
    elif kind is FigureKind.landscape:
        fig = F.landscape_figure(system, tolerance, intervention or None)
    elif kind in (FigureKind.levers, FigureKind.pick, FigureKind.shock):
        from upheaval.cli._decisions import decision_figure

        fig = decision_figure(kind.value, system)
    else:
        fig = F.claims_figure(system)
    F.save_figure(fig, output)
    console.print(f"wrote {output}")


@app.command()
@handle_errors
def report(
    model: ModelArg = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.", dir_okay=False)] = Path(
        "report.html"
    ),
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Also write the same report as a PDF beside the HTML (same name, .pdf)."),
    ] = False,
    tolerance: Annotated[
        int, typer.Option("--tolerance", "-t", min=0, help="Inconsistency tolerance of the search.")
    ] = 0,
    max_scenarios: Annotated[
        int,
        typer.Option(
            "--max-scenarios",
            min=1,
            help="At most this many scenarios get a section of their own; the rest are listed in an appendix.",
        ),
    ] = 60,
    default_uncertainty: DefaultUncertaintyOpt = None,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="An event database: adds the probabilities over time (see `upheaval track`)."),
    ] = None,
    every: Annotated[str, typer.Option("--every", help="Tracking period with --events (1w, 1m...).")] = "1m",
) -> None:
    """Write the report: one self-contained HTML file (and optionally a PDF) that opens offline.

    Sections: the system (sources, actors, network, derived flows, camps and brokers), the judgements (matrix, each section with its rationale and citations), how the model reads its sources, the consistent scenarios (the futures, tableau, landscape, then every future with a section for each of its scenarios: storyline, impact diagram, network difference), the claims and their audit, robustness, and the signposts (with --events, the probabilities over time). The PDF is the same report laid out by WeasyPrint, which needs the Pango library of the operating system; without it --pdf says what to install.
    """
    from upheaval._load import load
    from upheaval.report import write_report

    if pdf:
        from upheaval.report import PDF_HELP, pdf_unavailable

        why = pdf_unavailable()
        if why:  # before any work: say what to install rather than write a different document
            raise fail(f"--pdf: {why}", EXIT_FAILED, PDF_HELP)
    system = load(model)
    tracking = None
    if events is not None:
        from upheaval.cli._events import _track

        tracking = _track(model, events, None, None, every, None, None)
    path = write_report(
        system,
        output,
        pdf=pdf,
        tolerance=tolerance,
        max_scenarios=max_scenarios,
        default_uncertainty=default_uncertainty,
        tracking=tracking,
    )
    console.print(f"wrote {path}")
    if pdf:
        console.print(f"wrote {path.with_suffix('.pdf')} (the same report, laid out on A4 pages by WeasyPrint)")


@app.command()
@handle_errors
def network(
    model: ModelArg = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Export to .graphml, .gexf (Gephi) or .json (node-link) instead of printing.",
            dir_okay=False,
        ),
    ] = None,
    scenario: ScenarioOpt = None,
    fix: FixOpt = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print camps, brokers and derived flows as one JSON object.")
    ] = False,
) -> None:
    """Show the actor network: camps, brokers and derived flows; or export it with -o.

    With --scenario N or --fix D=V the network is that scenario's: every chosen variant's tie changes are applied, and the ties added and removed are listed.
    """
    from upheaval._load import load
    from upheaval.network import (
        NETWORK_FORMATS,
        actor_network,
        brokers,
        camps,
        derived_flows,
        network_difference,
        write_network,
    )

    system = load(model)
    choice = _network_choice(system, scenario, parse_condition(fix, "--fix"))
    G = actor_network(system, choice)
    if output is not None:
        if output.suffix.lower() not in NETWORK_FORMATS:
            raise fail(
                f"cannot write a network to {output.name}", EXIT_INVALID, f"use one of {', '.join(NETWORK_FORMATS)}"
            )
        write_network(G, output)
        console.print(f"wrote {output} ({NETWORK_FORMATS[output.suffix.lower()]}: {G.number_of_nodes()} actors, "
                      f"{G.number_of_edges()} ties)")  # fmt: skip
        return
    if not G.number_of_nodes() and not json:
        console.print(f"{system.id} has no actors, so it has no actor network (a pure cross-impact model).")
        return
    part = camps(G)
    ranked = brokers(G, partition=part)
    flows = derived_flows(system, choice)
    diff = network_difference(system, choice) if choice is not None else None
    if json:
        emit_json(
            {
                "model": system.id,
                "scenario": G.graph.get("scenario", ""),
                **part.to_json(),
                "brokers": ranked,
                "derived_flows": flows,
                "added": [t.id for t in diff.added] if diff else [],
                "removed": [t.id for t in diff.removed] if diff else [],
            }
        )
        return
    title = f"Camps of {system.id}" + (f" under {G.graph['scenario']}" if G.graph.get("scenario") else "")
    camps = Table(title=title, header_style="bold")
    camps.add_column("camp", style="cyan", no_wrap=True)
    camps.add_column("actors")
    for camp, members in part.camps.items():
        camps.add_row(camp, ", ".join(f"{G.nodes[m].get('name', m)} ({m})" for m in members))
    console.print(camps)
    frustrated = ", ".join(f"{a}–{b} ({'cooperative' if s > 0 else 'hostile'})" for a, b, s in part.frustrated)
    console.print(f"frustration {part.frustration} of {part.signed_pairs} signed actor pairs" +
                  (f": {frustrated}" if frustrated else ""), markup=False)  # fmt: skip
    if part.structural != part.camp_of:
        console.print(f"declared camps; structural balance alone has frustration {part.structural_frustration}"
                      + ("" if part.disagreements else " and agrees"), markup=False)  # fmt: skip
        for d in part.disagreements:
            console.print(f"  disagreement: {d.sentence()}", markup=False)
    table = Table(title="Brokers", header_style="bold")
    table.add_column("actor", style="cyan", ratio=2)
    table.add_column("camp")
    table.add_column("betweenness", justify="right")
    table.add_column("coop.", justify="right")
    table.add_column("hostile", justify="right")
    table.add_column("coop. across", justify="right")
    table.add_column("hostile within", justify="right")
    for b in ranked:
        name = f"{b.name} ({b.actor})" + (" ◆" if b.between_camps else "")
        table.add_row(name, b.camp, f"{b.betweenness:.3f}", str(b.cooperative_degree), str(b.hostile_degree),
                      str(b.cooperative_across), str(b.hostile_within))  # fmt: skip
    console.print(table)
    console.print(
        "betweenness on the cooperative graph; counts are actor pairs; ◆ stands between the camps: "
        "cooperates across camps or is at odds with its own",
        style="dim",
    )
    if flows:
        ft = Table(title="Derived flows", header_style="bold", show_lines=True)
        ft.add_column("figure")
        ft.add_column("value", justify="right", no_wrap=True)
        ft.add_column("arithmetic")
        ft.add_column("sources", style="dim")
        from upheaval.network import format_quantity

        for f in flows:
            ft.add_row(f.label, f"{format_quantity(f.value)} {f.unit}", f.formula, "; ".join(f.cites))
        console.print(ft)
    if diff is not None:
        dt = Table(title="Ties changed by the scenario", header_style="bold")
        dt.add_column("change")
        dt.add_column("tie", style="cyan")
        dt.add_column("from → to")
        dt.add_column("kind")
        dt.add_column("because of", style="dim")
        for what, ties in (
            ("added", diff.added),
            ("removed", diff.removed),
            ("changed", [b for _a, b in diff.changed]),
        ):
            for t in ties:
                dt.add_row(what, t.id, f"{t.source} → {t.target}", t.kind, diff.by_variant.get(t.id, ""))
        console.print(dt if not diff.empty else "The scenario leaves the network unchanged.")
