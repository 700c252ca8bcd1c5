"""Load and save a system by file type: YAML, a ScenarioWizard .scw project, or a built-in name.

This sits above both the model (YAML) and the file formats (.scw), which do not import each other.
"""

from __future__ import annotations

from pathlib import Path

from upheaval._system_arg import accepts_system
from upheaval.errors import ModelError, Problem
from upheaval.model import BUILTIN_DEFAULT, System, builtin_models, read_yaml, write_yaml

__all__ = ["MODEL_SUFFIXES", "load", "save_system"]

MODEL_SUFFIXES = (".yaml", ".yml", ".scw")


def load(model: str | Path | None = None) -> System:
    """Load a system from a path (``.yaml``, ``.yml``, ``.scw``) or a built-in name.

    With no argument, the built-in default model (``dprk-ukraine-2024``) is loaded.
    Raises :class:`upheaval.errors.ModelError` listing every problem found.

    >>> load().id
    'dprk-ukraine-2024'
    """
    if model is None:
        model = BUILTIN_DEFAULT
    path = Path(model)
    builtins = builtin_models()
    if path.suffix.lower() not in MODEL_SUFFIXES:
        if str(model) in builtins:
            path = builtins[str(model)]
        else:
            names = ", ".join(builtins)
            raise ModelError(
                str(model),
                [
                    Problem(
                        "unknown-model",
                        f"`{model}` is neither a model file (.yaml, .yml, .scw) nor a built-in model",
                        help=f"built-in models: {names}",
                    )
                ],
            )
    if not path.exists():
        raise ModelError(str(path), [Problem("not-found", "no such file", help="check the path")])
    if path.suffix.lower() == ".scw":
        from upheaval.formats import read_scw  # numpy and the .scw reader only for .scw files

        return read_scw(path)
    return read_yaml(path)


@accepts_system("system")
def save_system(system: System, path: str | Path) -> None:
    """Save a system, atomically, as YAML or (by suffix) as a ScenarioWizard .scw file."""
    path = Path(path)
    if path.suffix.lower() == ".scw":
        from upheaval.formats import write_scw

        write_scw(system, path)
    else:
        write_yaml(system, path)
