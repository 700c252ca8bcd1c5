"""The examples in the docstrings run: every module of the package that has one.

They are fast (no network, no large search) and show the API as a user calls it, from the
front door (``import upheaval as uh``) down to the engine. ``__main__`` is left out: importing
it runs the command line.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules_with_examples() -> list[str]:
    out = []
    for path in sorted((SRC / "upheaval").rglob("*.py")):
        if path.name == "__main__.py" or ">>> " not in path.read_text(encoding="utf-8"):
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append(".".join(parts))
    return out


MODULES = _modules_with_examples()


def test_the_front_door_and_the_engine_have_examples():
    assert {"upheaval", "upheaval.cib._search", "upheaval._load"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, capsys):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    out = capsys.readouterr().out
    assert result.attempted > 0, f"{name}: no example found"
    assert result.failed == 0, out
