"""The ``upheaval`` command line."""

from __future__ import annotations

import inspect

import typer

__all__ = ["app", "main"]

from upheaval.cli._app import app  # noqa: I001

# Each module registers its commands on ``app`` when imported.
from upheaval.cli import _core, _authoring, _analysis, _report, _events, _forecast, _web, _draft  # noqa: F401 (the order of --help)


def _reflow(doc: str) -> str:
    """A docstring as help text: each paragraph on one line, so the terminal wraps it at its own width."""
    paragraphs = [" ".join(p.split()) for p in inspect.cleandoc(doc).split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _reflow_help(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            info.help = _reflow(info.callback.__doc__)
    for group in typer_app.registered_groups:
        _reflow_help(group.typer_instance)


_reflow_help(app)


def main() -> None:
    """Entry point of the console script."""
    app()
