"""The ``upheaval`` command line."""

from __future__ import annotations

__all__ = ["app", "main"]

# Each module registers its commands on ``app`` when imported.
from upheaval.cli import _analysis, _core, _events, _report, _web  # noqa: F401 (the order of --help)
from upheaval.cli._app import app


def main() -> None:
    """Entry point of the console script."""
    app()
