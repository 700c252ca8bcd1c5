"""The built-in models: YAML files shipped with the package (light: importing this loads no model code)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["builtin_paths"]


def builtin_paths() -> dict[str, Path]:
    """The built-in models, by name, with the path of their YAML file."""
    root = resources.files(__name__)
    return {
        Path(str(f)).stem: Path(str(f))
        for f in sorted(root.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".yaml")
    }
