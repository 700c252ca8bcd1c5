"""The ``upheaval`` command line."""

from __future__ import annotations

import inspect
import sys

__all__ = ["app", "main"]


def _interrupted() -> None:
    """Ctrl-C outside a command (while the command line starts): say so and exit 130, no traceback."""
    sys.stderr.write("interrupted\n")
    raise SystemExit(130)


try:
    import typer
except KeyboardInterrupt:
    _interrupted()

app = typer.Typer(
    name="upheaval",
    help="Model geopolitical systems: actors, ties and Cross-Impact Balance (CIB) scenarios.\n\n"
    "MODEL is a model file (.yaml, .yml, .scw) or a built-in model name; omitted, it is the "
    "built-in dprk-ukraine-2024. Exit codes: 0 ok, 1 a check failed or the engine could not "
    "answer, 2 invalid model or usage, 130 interrupted.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each module registers its commands on ``app`` when imported.
try:
    from upheaval.cli import _core, _authoring, _analysis, _report, _events, _forecast, _web, _draft  # noqa: F401, I001 (the order of --help)
except KeyboardInterrupt:
    _interrupted()


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
    try:
        app()
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        # Ctrl-C while typer parses the command line: it exits 130 silently; say why
        cause = getattr(exc.__context__, "__cause__", None)
        if exc.code == 130 and isinstance(cause, KeyboardInterrupt):
            sys.stderr.write("interrupted\n")
        raise
