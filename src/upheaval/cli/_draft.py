"""``upheaval draft``: a commentary's text to a cited draft model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, console, err, fail, handle_errors


@app.command()
@handle_errors
def draft(
    text: Annotated[Path, typer.Argument(help="The commentary: a .txt, .md or .html file.", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Model file to write (.yaml); refuses to overwrite without --force."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the draft report (.md or .html): every element with its quote."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The date the text speaks from (YYYY-MM); places months given without a year."),
    ] = None,
    system_id: Annotated[
        str | None, typer.Option("--id", help="The draft model's id (default: from the title).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Draft a model from a commentary: its source, actors, ties with figures and dates, candidate
    descriptors, empty judgement sections and candidate claims, each cited to section and paragraph.

    Nothing is judged: ties are marked status: draft, judgement sections are empty, candidate
    claims are comments. Without -o the model is printed.
    """
    import re

    from upheaval._io import write_text_atomic
    from upheaval.draft import draft as make_draft
    from upheaval.draft import draft_yaml
    from upheaval.model import parse_yaml

    if as_of is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", as_of):
        raise fail(f"--as-of expects YYYY, YYYY-MM or YYYY-MM-DD, got {as_of!r}", EXIT_INVALID, "e.g. --as-of 2024-11")
    if system_id is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]{0,79}", system_id):
        raise fail(
            f"--id {system_id!r} is not an id", EXIT_INVALID, "letters, digits, '_' and '-', starting with a letter"
        )
    for target in (output, report):
        if target is not None and target.exists() and not force:
            raise fail(f"{target} exists", EXIT_INVALID, "choose another name, or pass --force to overwrite it")
    if output is not None and output.suffix.lower() not in (".yaml", ".yml"):
        raise fail(f"cannot write {output}: a draft is a YAML model", EXIT_INVALID, "use a .yaml file name")
    if report is not None and report.suffix.lower() not in (".md", ".html", ".htm"):
        raise fail(f"cannot write {report}: unknown report format", EXIT_INVALID, "use a .md or .html file name")
    d = make_draft(text, as_of=as_of, system_id=system_id)
    source_path = None
    if output is not None and d.document.checkable:
        # a text beside (or below) the model is pointed at, so citations are checked against it
        try:
            source_path = text.resolve().relative_to(output.resolve().parent).as_posix()
        except ValueError:
            source_path = None
    yaml_text = draft_yaml(d, source_path)
    parse_yaml(yaml_text, output or "draft.yaml")  # the draft must validate as it is
    if output is None:
        typer.echo(yaml_text, nl=False)
    else:
        write_text_atomic(output, yaml_text)
    if report is not None:
        from upheaval.report import draft_report_html, draft_report_markdown

        body = draft_report_markdown(d) if report.suffix.lower() == ".md" else draft_report_html(d)
        write_text_atomic(report, body)
    out = err if output is None else console
    linked = sum(1 for t in d.ties if t.amount is not None)
    out.print(
        f"drafted {len(d.actors)} actors, {len(d.ties)} ties ({linked} with figures), {len(d.descriptors)} candidate "
        f"descriptors, {len(d.sections)} empty judgement sections, {len(d.claims)} candidate claims; "
        f"{len(d.unplaced)} items not placed" + (f" (see {report})" if report else " (see --report)"),
        markup=False,
    )
    if output is not None:
        out.print(f"wrote {output}", markup=False)
