"""The ``upheaval`` command line."""

from __future__ import annotations

import sys

__all__ = ["app", "main"]


def _interrupted() -> None:
    """Ctrl-C outside a command (while the command line starts): say so and exit 130, no traceback."""
    sys.stderr.write("interrupted\n")
    raise SystemExit(130)


try:
    import inspect

    import typer

    # Each module registers its commands on ``app`` when imported.
    from upheaval.cli import (  # noqa: F401 (the order of --help)
        _analysis,
        _authoring,
        _core,
        _decisions,
        _draft,
        _events,
        _explain,
        _forecast,
        _report,
        _web,
    )
    from upheaval.cli._app import app
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
    """Run the command line (the entry point, `upheaval.__main__.main`, loads it first)."""
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
