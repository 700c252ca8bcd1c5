"""Commands for writing models: init (a commented starting model) and schema (the format's JSON Schema)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, console, fail, handle_errors

__all__ = ["print_coverage"]


def print_coverage(
    system, *, limit: int | None = None, modelling: bool = False, cim=None, result=None, structural: bool = True
) -> None:
    """Print the model's coverage warnings (``structural``) and, with ``modelling``, its modelling warnings (ties,
    unmatched futures, claims that restate their judgement, constant descriptors); they never change the exit code."""
    from upheaval.model import coverage

    findings = coverage(system) if structural else []
    if modelling:
        from upheaval.analysis import modelling_warnings

        found = modelling_warnings(system, cim, result)
        findings = sorted(findings + found, key=lambda f: f.level != "warning")
    if not findings:
        return
    shown = findings if limit is None else findings[:limit]
    for f in shown:
        colour = "yellow" if f.level == "warning" else "cyan"
        console.print(
            f"[{colour}]{f.level}[/]{escape(f'[{f.code}]')}: {escape(f.message)} "
            f"[dim]({escape(f.location + ', ' if f.location else '')}field `{escape(f.field)}`)[/]"
        )
        if f.help:
            console.print(f"  [dim]help: {escape(f.help)}[/]")
    if len(shown) < len(findings):
        console.print(f"[dim]... and {len(findings) - len(shown)} more: upheaval validate MODEL lists them all[/]")


def _template() -> str:
    from importlib import resources

    return (resources.files("upheaval.cli") / "new-model.yaml").read_text(encoding="utf-8")


def _model_id(stem: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_\-]+", "-", stem).strip("-_") or "my-system"
    return ident if ident[0].isalpha() else f"m-{ident}"


@app.command()
@handle_errors
def init(
    name: Annotated[
        str, typer.Argument(help="The model file to write (.yaml added when missing); its name becomes the model's id.")
    ] = "model.yaml",
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a small, valid, commented model to start from: two actors, a tie, three descriptors, judgements, a claim and an indicator.

    `upheaval analyze NAME` runs on it at once; replace the example part by part.
    """
    from upheaval._io import write_text_atomic
    from upheaval.model import parse_yaml

    path = Path(name)
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_name(path.name + ".yaml")
    if path.exists() and not force:
        raise fail(
            f"{path} exists already; nothing written",
            EXIT_INVALID,
            "choose another name, or pass --force to replace it",
        )
    if path.is_dir():
        raise fail(f"{path} is a folder", EXIT_INVALID, "give a file name, e.g. my-system.yaml")
    if not path.parent.is_dir():
        raise fail(f"no folder {path.parent}", EXIT_INVALID, "create the folder first")
    ident = _model_id(path.stem)
    title = ident.replace("-", " ").replace("_", " ").strip().capitalize()
    text = _template().replace("__ID__", ident).replace("__TITLE__", title).replace("__FILE__", str(path))
    parse_yaml(text, path, folder=path.parent)  # never write a model the loader would refuse
    write_text_atomic(path, text)
    console.print(f"wrote {escape(str(path))} (model `{ident}`); next: [bold]upheaval analyze {escape(str(path))}[/]")


@app.command()
@handle_errors
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the schema to this file (atomically) instead of stdout.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the model format, for editors' completion and validation of model files.

    With yaml-language-server (e.g. VS Code's YAML extension), write it next to your model and
    start the model with `# yaml-language-server: $schema=model.schema.json`.
    """
    import json

    from upheaval._io import write_text_atomic
    from upheaval.model import system_json_schema

    text = json.dumps(system_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    write_text_atomic(output, text)
    console.print(f"wrote {output}")
