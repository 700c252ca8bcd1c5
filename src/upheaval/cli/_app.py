"""The Typer application; each command module registers its commands on it."""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(
    name="upheaval",
    help="Model geopolitical systems: actors, ties and Cross-Impact Balance (CIB) scenarios.\n\n"
    "MODEL is a model file (.yaml, .yml, .scw) or a built-in model name; omitted, it is the "
    "built-in dprk-ukraine-2024. Exit codes: 0 ok, 1 a check failed or the engine could not "
    "answer, 2 invalid model or usage, 130 interrupted.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)
