"""The ``upheaval`` command line."""

from __future__ import annotations

__all__ = ["app", "main"]

from upheaval.cli._app import app  # noqa: I001

# Each module registers its commands on ``app`` when imported.
from upheaval.cli import _core, _authoring, _analysis, _report, _events, _forecast, _web  # noqa: F401 (the order of --help)


def main() -> None:
    """Entry point of the console script."""
    app()
