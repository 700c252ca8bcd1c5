"""The package's layers: import-linter's contracts in pyproject.toml, and the one rule they cannot state.

The contracts (``[tool.importlinter]``) declare the layer order, from the views down to the base
modules every layer may use, and that no two parts of a package import each other in a cycle.
import-linter reads every import, lazy ones inside functions and ``if TYPE_CHECKING:`` ones too, so
nothing below the views imports them even lazily. What it cannot state is that no module at all
takes part in an import cycle (a package's ``__init__`` and its own modules included): that is
checked here on the same import graph (grimp's, which import-linter builds), leaving out
``TYPE_CHECKING`` imports, which never run.
"""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(config: Path, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(config)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_contracts_of_pyproject_are_kept():
    run = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 3 kept, 0 broken." in run.stdout


def test_import_linter_sees_lazy_and_typing_imports_across_layers(tmp_path):
    """The contracts could fail: a lower layer's lazy and typing-only imports of a higher one are both reported."""
    pkg = tmp_path / "pkg"
    for sub in ("view", "core"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "view" / "_page.py").write_text("")
    (pkg / "core" / "_engine.py").write_text(
        textwrap.dedent("""\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.view import _page
            def draw():
                import pkg.view._page
            """)
    )
    config = tmp_path / "contracts.toml"
    config.write_text(
        textwrap.dedent("""\
            [tool.importlinter]
            root_package = "pkg"
            [[tool.importlinter.contracts]]
            name = "views on top"
            type = "layers"
            containers = ["pkg"]
            exhaustive = true
            layers = ["view", "core"]
            """)
    )
    run = lint_imports(config, tmp_path, pythonpath=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "pkg.core._engine -> pkg.view._page (l.3, l.5)" in run.stdout


def module_cycles(package: str) -> list[list[str]]:
    """The modules of ``package`` that take part in an import cycle, one sorted list per cycle of them."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    g = nx.DiGraph((m, t) for m in graph.modules for t in graph.find_modules_directly_imported_by(m))
    return sorted(sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1)


def test_module_cycles_are_found(tmp_path, monkeypatch):
    """A package's ``__init__`` importing its own module that imports the package back is a cycle."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from cyc._a import f\n")
    (pkg / "_a.py").write_text("import cyc\ndef f():\n    return cyc\n")
    (pkg / "_b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cyc\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert module_cycles("cyc") == [["cyc", "cyc._a"]]


def test_no_module_takes_part_in_an_import_cycle():
    assert module_cycles("upheaval") == []


def test_the_private_modules_contract_reports_an_import_of_another_packages_private_module(tmp_path):
    """pyproject's own private-modules contract, on a throw-away package: a view importing the core's private
    module is reported; the core's own modules and the root's private base modules stay free to use."""
    contract = next(
        c for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
        if c["type"] == "private_modules"
    )  # fmt: skip
    pkg = tmp_path / "pkg"
    for sub in ("view", "core"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "_base.py").write_text("")
    (pkg / "core" / "_engine.py").write_text("import pkg._base\n")
    (pkg / "core" / "_plan.py").write_text("from pkg.core._engine import *\n")
    (pkg / "view" / "_page.py").write_text("import pkg._base\ndef draw():\n    from pkg.core import _engine\n")
    config = tmp_path / "contracts.toml"
    options = "\n".join(f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in contract.items())
    config.write_text(f'[tool.importlinter]\nroot_package = "pkg"\n[[tool.importlinter.contracts]]\n{options}\n')
    run = lint_imports(config, tmp_path, pythonpath=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "pkg.view._page -> pkg.core._engine (l.3)" in run.stdout
    assert "pkg.core._plan" not in run.stdout and "pkg._base" not in run.stdout


def test_no_package_imports_another_packages_private_names():
    """What import-linter does not see: ``from upheaval.model import _name`` from outside ``upheaval.model``."""
    src = ROOT / "src"
    found = []
    for path in src.rglob("*.py"):
        module = ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("upheaval."):
                parts = node.module.split(".")
                owner = ".".join(parts[: next((i for i, x in enumerate(parts) if x.startswith("_")), len(parts))])
                inside = module == owner or module.startswith(owner + ".")
                found += [f"{module}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__") and not inside]  # fmt: skip
    assert found == []


SHARED_PACKAGES = ("analysis", "cib", "events", "model", "report", "web")


def test_plumbing_is_shared_but_not_public():
    """What a package shares with the others (``_SHARED``) loads from it, outside its public ``__all__``;
    analysis's worker pools and statistics helpers among them."""
    shared = {}
    for name in SHARED_PACKAGES:
        module = importlib.import_module(f"upheaval.{name}")
        shared[name] = set(module._SHARED)
        assert not shared[name] & set(module.__all__), name
        for helper in module._SHARED:
            assert getattr(module, helper) is not None, (name, helper)
        for public in module.__all__:
            assert getattr(module, public).__doc__, f"upheaval.{name}.{public} has no docstring"
    assert {"check_n_jobs", "run_chunks", "spawn_seeds", "split_search", "wilson_interval", "classical_mds"} <= shared[
        "analysis"
    ]
