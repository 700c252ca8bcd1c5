"""The import graph of the package: data flows one way, and no module takes part in an import cycle.

Every ``import`` and ``from ... import`` in every module of ``src/upheaval`` is read with :mod:`ast`,
at module level and inside functions alike. Two rules are checked:

- no edge from the core (model, cib, analysis, formats, network, events, claims, errors, _io, ...)
  into the views (report, web, cli), not even a lazy import inside a function;
- no import cycle, neither between the package's parts (subpackages and top-level modules) nor
  between its modules. Imports under ``if TYPE_CHECKING:`` never run, so they count for the first
  rule but not for cycles.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "upheaval"
VIEWS = frozenset({"report", "web", "cli"})
# The front door (upheaval/__init__) and `python -m upheaval` sit above the views.
ABOVE = frozenset({"", "__main__"})


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` (both dotted module names) at ``line``."""

    source: str
    target: str
    line: int
    typing_only: bool

    def where(self) -> str:
        return f"{self.source}:{self.line} -> {self.target}"


def modules(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its ``__init__``)."""
    out = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, typing_only: bool = False):
    """(node, typing_only) for every import statement under ``tree``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, typing_only
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), typing_only)
        else:
            yield from _imports(node, typing_only)


def edges(src: Path = SRC) -> list[Edge]:
    """Every import of one of the package's modules by another, resolved to module names.

    ``from upheaval.x import y`` is an edge to ``upheaval.x`` and, when ``y`` is itself a module,
    to ``upheaval.x.y`` (then only to it: the package's own attributes are not needed). That Python
    runs a package's ``__init__`` before any of its modules is not an edge: it is true of every
    module and orders nothing.
    """
    known = modules(src)
    out = []
    for name, path in known.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, typing_only in _imports(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (node.level - 1)]
                    base = ".".join([*pkg, base] if base else pkg)
                subs = [f"{base}.{a.name}" for a in node.names]
                # `from p import a` needs p's attributes unless every name is a submodule of p.
                targets = subs if all(t in known for t in subs) else [base, *subs]
            for t in targets:
                while t and t not in known and "." in t:
                    t = t.rsplit(".", 1)[0]  # `import upheaval.x.y` also runs upheaval.x
                if t in known and t != name:
                    out.append(Edge(name, t, node.lineno, typing_only))
    return sorted(set(out), key=lambda e: (e.source, e.line, e.target))


def part(module: str) -> str:
    """The part of the package a module belongs to: ``upheaval.cib._search`` → ``cib``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def core_to_view(all_edges: list[Edge]) -> list[Edge]:
    """Imports from the core (anything that is neither a view nor the front door) into a view."""
    return [
        e for e in all_edges if part(e.target) in VIEWS and part(e.source) not in VIEWS and part(e.source) not in ABOVE
    ]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # recursion depth is bounded by the number of modules (~100)
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def module_graph(all_edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in all_edges:
        if not e.typing_only:
            graph.setdefault(e.source, set()).add(e.target)
    return graph


def part_graph(all_edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in all_edges:
        a, b = part(e.source), part(e.target)
        if not e.typing_only and a != b and a not in ABOVE:
            graph.setdefault(a, set()).add(b)
    return graph


def _path(graph: dict[str, set[str]], comp: list[str]) -> str:
    """One shortest cycle through the component's first module, for the failure message: a -> b -> a."""
    members, start = set(comp), comp[0]
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return " -> ".join([*reversed(path), start])
                if w in members and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return " -> ".join(comp)


def describe(graph: dict[str, set[str]], comps: list[list[str]]) -> str:
    return "\n".join(f"{len(c)} in a cycle, e.g. {_path(graph, c)}: {', '.join(c)}" for c in comps)


def test_the_machinery_sees_lazy_relative_and_typing_imports(tmp_path):
    pkg = tmp_path / PACKAGE
    for sub in ("model", "report"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "model" / "_a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import _b\n"
        "if TYPE_CHECKING:\n    from upheaval.report import x\n"
        "def f():\n    import upheaval.report._html\n"
    )
    (pkg / "model" / "_b.py").write_text("from upheaval.model._a import f\n")
    (pkg / "report" / "_html.py").write_text("")
    found = edges(tmp_path)
    assert {(e.source, e.target, e.typing_only) for e in found} == {
        ("upheaval.model._a", "upheaval.model._b", False),
        ("upheaval.model._a", "upheaval.report", True),
        ("upheaval.model._a", "upheaval.report._html", False),
        ("upheaval.model._b", "upheaval.model._a", False),
    }
    assert [e.line for e in core_to_view(found)] == [4, 6]
    graph = module_graph(found)
    assert cycles(graph) == [["upheaval.model._a", "upheaval.model._b"]]
    assert "upheaval.model._a -> upheaval.model._b -> upheaval.model._a" in describe(graph, cycles(graph))


def test_no_import_from_the_core_into_the_views():
    bad = core_to_view(edges())
    assert not bad, "the core imports a view:\n" + "\n".join(e.where() for e in bad)


def test_no_cycle_between_the_parts_of_the_package():
    graph = part_graph(edges())
    comps = cycles(graph)
    assert not comps, "import cycle between parts:\n" + describe(graph, comps)


def test_no_cycle_between_modules():
    graph = module_graph(edges())
    comps = cycles(graph)
    assert not comps, "import cycle between modules:\n" + describe(graph, comps)
