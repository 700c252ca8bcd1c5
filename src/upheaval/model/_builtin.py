"""The built-in models shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BUILTIN_DEFAULT", "builtin_models"]

BUILTIN_DEFAULT = "dprk-ukraine-2024"


def builtin_models() -> dict[str, Path]:
    """The built-in models, by name, with the path of their YAML file."""
    root = resources.files("upheaval.systems")
    return {
        Path(str(f)).stem: Path(str(f))
        for f in sorted(root.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".yaml")
    }
