"""Dependencies declared once in pyproject.toml, each one used: what src/ imports is declared, what is declared is imported."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# Declared but never imported by name, each for a reason: FastAPI parses uploaded forms with python-multipart,
# and the Dask scheduler is imported through its distributed package (``dask[distributed]``).
USED_WITHOUT_IMPORT = {"python-multipart": "FastAPI's form parser", "dask": "imported as distributed"}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def imported_distributions(folder: Path) -> dict[str, str]:
    """The installed distributions the modules under ``folder`` import, each with one file that imports it."""
    dists = packages_distributions()
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top in sys.stdlib_module_names or top == "upheaval":
                    continue
                for dist in dists.get(top, [f"(no installed distribution provides `{top}`)"]):
                    found.setdefault(dist.lower().replace("_", "-"), str(path))
    return found


def test_each_dependency_is_declared_once():
    names = [_name(r) for r in PROJECT["dependencies"]]
    assert len(names) == len(set(names))
    for extra, requirements in PROJECT["optional-dependencies"].items():  # an extra may add a package's own extra
        assert not {_name(r) for r in requirements if "[" not in r} & set(names), extra


def test_what_src_imports_is_declared_and_what_is_declared_is_imported():
    declared = {_name(r): r for r in PROJECT["dependencies"]}
    imported = imported_distributions(ROOT / "src")
    # dask[distributed] declares the distributed package through its extra
    undeclared = {d: f for d, f in imported.items() if d not in declared and d != "distributed"}
    assert undeclared == {}
    unused = set(declared) - set(imported) - set(USED_WITHOUT_IMPORT)
    assert unused == set()
    assert "distributed" not in imported or "dask[distributed]" in declared["dask"]


def test_the_check_sees_an_undeclared_import(tmp_path):
    (tmp_path / "m.py").write_text("import json\nimport numpy as np\ndef f():\n    from networkx import DiGraph\n")
    assert set(imported_distributions(tmp_path)) == {"numpy", "networkx"}
