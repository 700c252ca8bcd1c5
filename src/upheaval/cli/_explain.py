"""The `explain` command: the balance view of one scenario, descriptor by descriptor."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, console, emit_json, fail, handle_errors, parse_condition
from upheaval.errors import EngineError

__all__ = ["print_balance_view"]


def _signed(x: int) -> str:
    return f"{x:+d}" if x else "0"


def print_balance_view(view, title: str) -> None:
    """Print a :class:`upheaval.analysis.BalanceView`: per descriptor, every variant's balance, the
    chosen one's margin, and the rows that make it, largest first, with rationales and citations."""
    cv = view.consistency_value
    ties = [d.descriptor for d in view.ties]
    near = [d.descriptor for d in view.descriptors if d.near_tie]
    low = [d.descriptor for d in view.descriptors if d.inconsistent]
    console.print(f"[bold]{escape(title)}[/]")
    summary = f"consistency value {cv if cv is not None else '-'} · inconsistency {view.inconsistency}"
    if view.fix:
        summary += " · intervention " + ", ".join(f"{d}={','.join(v)}" for d, v in view.fix.items())
    console.print(f"[dim]{escape(summary)}[/]")
    if low:
        console.print(f"[bold red]not consistent[/]: a rival scores higher for {', '.join(low)}")
    if ties:
        console.print(f"[bold red]ties[/]: {', '.join(ties)} (a rival variant is as consistent)")
    if near:
        console.print(f"[yellow]near ties[/] (margin 1): {', '.join(near)}")
    if not (low or ties or near):
        console.print("[green]every descriptor chosen by a margin of 2 or more[/]" if cv is not None else "")
    for d in view.descriptors:
        chosen = d.variant_labels[d.chosen]
        if d.exempt:
            verdict = (
                "[dim]set by the intervention[/]" if d.exempt == "intervention" else "[dim]context: set from outside[/]"
            )
            if d.margin is not None:
                verdict += f" [dim](margin {d.margin} among the variants it allows)[/]"
        elif d.margin is None:
            verdict = "[dim]no rival[/]"
        elif d.margin < 0:
            verdict = f"[bold red]{escape(d.variant_labels[d.rival])} scores {-d.margin} higher[/]"
        else:
            colour = "bold red" if d.tie else "yellow" if d.near_tie else "green"
            word = "TIE with" if d.tie else "margin " + str(d.margin) + " over"
            verdict = f"[{colour}]{word} {escape(d.variant_labels[d.rival])}[/]"
        console.print()
        console.print(f"[bold cyan]{escape(d.label)}[/] [dim]({d.descriptor})[/]: [bold]{escape(chosen)}[/]")
        balances = " · ".join(
            f"{'[bold]' if k == d.chosen else ''}{escape(label)} {_signed(b)}{'[/]' if k == d.chosen else ''}"
            for k, (label, b) in enumerate(zip(d.variant_labels, d.balances, strict=True))
        )
        console.print(Padding(f"{verdict}; balances: {balances}", (0, 0, 0, 2)))
        if not d.rows:
            console.print("  [dim]no judgement acts on it in this scenario[/]")
            continue
        table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False, expand=False)
        table.add_column("effect", justify="right", no_wrap=True, style="bold")
        table.add_column("row", overflow="fold")
        for r in d.rows:
            cells = " ".join(_signed(x) for x in r.values)
            head = f"{escape(r.source_label)}: {escape(r.variant_label)} [dim]({r.source}={r.variant}; {cells})[/]"
            why = escape(r.rationale) if r.rationale else "[dim](no rationale)[/]"
            cites = f" [dim][{escape('; '.join(r.cites))}][/]" if r.cites else ""
            table.add_row(f"  {_signed(r.effect)}", f"{head}\n{why}{cites}")
        console.print(table)


@app.command()
@handle_errors
def explain(
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="[MODEL] SCENARIO",
            help="The scenario: `present`, a label such as S4, a future's id or name, or D=V pairs (the rest as "
            "in the present); after it, optionally, the model (a file or a built-in name) before it.",
            show_default=False,
        ),
    ],
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix", "-f", help="An intervention the scenario holds under: those descriptors are exempt (D=V)."
        ),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of the view.")] = False,
) -> None:
    """Why each descriptor of a scenario takes its variant: the balance view.

    For every descriptor, each variant's impact balance, the margin of the chosen variant over
    its best rival, and the rows that make it, largest contribution first, with their
    rationales and citations; ties (margin 0) and near ties (margin 1) are flagged. SCENARIO is
    `present`, a label (S4), a future's id or name (its first consistent scenario), or D=V,...
    pairs, the other descriptors as in the present. E.g. `upheaval explain present`,
    `upheaval explain model.yaml S2`.
    """
    from upheaval import cib
    from upheaval._load import load
    from upheaval.analysis import explain as balance_view
    from upheaval.analysis import resolve_scenario, scenario_labels

    if len(targets) > 2:
        raise fail(
            f"explain takes [MODEL] SCENARIO; got {len(targets)} arguments", EXIT_INVALID, "e.g. upheaval explain S2"
        )
    model, text = (targets[0], targets[1]) if len(targets) == 2 else (None, targets[0])
    system = load(model)
    cim = cib.compile_system(system)
    try:
        scenario, note = resolve_scenario(system, text, cim)
        intervention = parse_condition(fix, "--fix")
        view = balance_view(system, scenario, cim, fix=intervention or None)
    except EngineError as exc:
        raise fail(str(exc), EXIT_INVALID) from None
    labels = scenario_labels(system, cim)
    z = cim.scenario_indices(scenario)
    label = labels.label(z) if labels.inside(z) else "not in the consistent set"
    if json:
        emit_json({"model": system.id, "asked": text, "resolved": note, "label": label, **view.to_json()})
        return
    # A label asked for is named once ("S3 · Wider war"); anything else says what it resolved to, then its label.
    heading = label if label.split(" · ")[0] == text else f"{text} ({note}) · {label}"
    print_balance_view(view, f"{system.id}: {heading}")
