"""The built-in models shipped with the package."""

from __future__ import annotations

from pathlib import Path

__all__ = ["BUILTIN_DEFAULT", "builtin_models"]

BUILTIN_DEFAULT = "dprk-ukraine-2024"


def builtin_models() -> dict[str, Path]:
    """The built-in models, by name, with the path of their YAML file."""
    from upheaval.systems import builtin_paths

    return builtin_paths()
