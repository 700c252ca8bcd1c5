"""Every public function that takes a system takes it in every form the front door hands out.

The test walks the ``__all__`` of ``upheaval`` and of each public subpackage and module, finds the
callables that declare a system parameter (``upheaval._system_arg.accepts_system``), and calls each
with a ``System``, a ``CrossImpactMatrix``, the built-in model's name and a path to a YAML model, on the
built-in model with cheap arguments: the results are equal across the forms that reach the function as
the same object, a bare matrix is refused where the function needs a system's actors or texts, and 42
is refused with a ``TypeError`` naming the parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from matplotlib.text import Text

import upheaval as uh
from upheaval._system_arg import system_params

MODEL = "dprk-ukraine-2024"
# a public parameter of this name takes a system; it must be declared (or listed here with the reason it is not)
SYSTEM_NAMES = {"system", "cim", "cims", "model", "models", "system_or_graph"}
NOT_A_SYSTEM = {
    ("upheaval.web", "create_app", "models"): "file names the workbench opens and saves back to, not systems",
    ("upheaval", "load", "model"): "the loader itself: a path or a built-in name",
}


def _public_modules() -> list[str]:
    found = ["upheaval"]
    for info in pkgutil.walk_packages(uh.__path__, "upheaval."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return found


def _public_callables() -> dict[str, tuple[Callable, list[str]]]:
    """``{function name: (function, [public names it goes by])}`` for every callable in an ``__all__``."""
    out: dict[str, tuple[Callable, list[str]]] = {}
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) or not callable(obj):
                continue
            key = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', name)}"
            out.setdefault(key, (obj, []))[1].append(f"{module_name}.{name}")
    return out


PUBLIC = _public_callables()
DECLARED = {key: (f, names) for key, (f, names) in PUBLIC.items() if system_params(f)}
BY_NAME = {f.__name__: f for f, _ in DECLARED.values()}


# ---------------------------------------------------------------------------------------------------------------
# cheap calls on the built-in model: each takes the function and ``a(param)``, the value of a system parameter


@pytest.fixture(scope="module")
def ctx(tmp_path_factory) -> dict[str, Any]:
    s = uh.load(MODEL)
    cim = uh.compile_system(s)
    found = uh.find_consistent(cim)
    claim = s.claims[0].check
    sections, how = uh.analysis.claim_sections(cim, claim)
    citation = next(c for imp in s.impacts for c in imp.cites)
    imp = s.impacts[0]
    from upheaval.events import connect, demo_events_path, events_table, ingest, make_periods

    db = tmp_path_factory.mktemp("events") / "events.duckdb"
    ingest([demo_events_path()], db)
    con = connect(db, read_only=True)
    yield {
        "s": s,
        "cim": cim,
        "found": found,
        "present": dict(s.present.scenario),
        "z": cim.scenario_indices(s.present.scenario),
        "claim": claim,
        "sections": sections,
        "how": how,
        "citation": citation,
        "row": (imp.source, next(iter(imp.values)), imp.target),
        "con": con,
        "events": events_table(con),
        "periods": make_periods(dt.date(2024, 11, 1), dt.date(2024, 12, 1), "1m"),
        "tmp": tmp_path_factory.mktemp("out"),
    }
    con.close()


def _out(c: dict, name: str, suffix: str) -> Path:
    c["n"] = c.get("n", 0) + 1
    return c["tmp"] / f"{name}-{c['n']}{suffix}"


def _written(c: dict, call: Callable[[Path], Any], suffix: str) -> bytes:
    path = _out(c, "dir", "") / f"file{suffix}"  # one name in a folder of its own: a .scw file holds its name
    path.parent.mkdir()
    call(path)
    return path.read_bytes()


def _drawn(fig: Any) -> list[tuple[str, str]]:
    """What a figure shows, without rendering it: each artist's kind and each text."""
    return [(type(a).__name__, a.get_text() if isinstance(a, Text) else "") for a in fig.findobj()]


EXPENSIVE = {"write_pdf"}  # about ten seconds a call (WeasyPrint): only the refusals are tried, which cost nothing
CHEAP_REPORT = {"figures": False, "robustness_samples": 4, "max_scenarios": 3}

CALLS: dict[str, Callable[[Callable, Callable[[str], Any], dict], Any]] = {
    # the engine
    "all_scenarios": lambda f, a, c: f(a("cim")),
    "brute_force_consistent": lambda f, a, c: f(a("cim")),
    "compile_system": lambda f, a, c: f(a("system")),
    "consistency_value": lambda f, a, c: f(a("cim"), c["z"]),
    "estimate_search": lambda f, a, c: type(f(a("cim"), sample_seconds=0.01)).__name__,  # timed: its figures vary
    "find_consistent": lambda f, a, c: f(a("cim")),
    "heuristic_search": lambda f, a, c: f(a("cim"), n_starts=20),
    "impact_balances": lambda f, a, c: f(a("cim"), c["z"]),
    "inconsistency": lambda f, a, c: f(a("cim"), c["z"]),
    "intervene": lambda f, a, c: f(a("cim"), {"front": "holds"}),
    "is_consistent": lambda f, a, c: f(a("cim"), c["z"]),
    "succession": lambda f, a, c: f(a("cim"), c["z"]),
    "succession_weights": lambda f, a, c: f(a("cim"), c["found"].indices, starts=c["found"].indices),
    "total_impact_score": lambda f, a, c: f(a("cim"), c["z"]),
    # analyses
    "apply_answers": lambda f, a, c: f(a("system"), {}).model_dump(),
    "audit_claims": lambda f, a, c: [x.to_json() for x in f(a("system"), a("cim"), n_samples=4)],
    "change_sections": lambda f, a, c: f(a("cim"), c["sections"], c["how"]),
    "check_same_structure": lambda f, a, c: f(a("cims")),
    "claim_sections": lambda f, a, c: f(a("cim"), c["claim"]),
    "disagreement": lambda f, a, c: f(a("models"), ["a", "b"]),
    "dominance": lambda f, a, c: f(a("cim"), c["claim"]),
    "editable_impacts": lambda f, a, c: f(a("cim"), a("system")),
    "ensemble": lambda f, a, c: f(a("cims"), ["a", "b"]),
    "explain": lambda f, a, c: f(a("system"), c["present"], a("cim")),
    "inert_descriptors": lambda f, a, c: f(a("cim")),
    "judgement_effects": lambda f, a, c: f(a("system"), a("cim"), claims=False),
    "landscape": lambda f, a, c: f(a("cim"), 0, max_scenarios=20),
    "lever_holders": lambda f, a, c: f(a("system")),
    "levers": lambda f, a, c: f(a("model"), radius=1, max_sets=10),
    "modelling_warnings": lambda f, a, c: f(a("system"), a("cim"), budget_seconds=0.5),
    "movement": lambda f, a, c: f(a("before"), a("after"), ["a", "b"]),
    "pathways": lambda f, a, c: f(a("cim"), c["s"].periods, c["z"], max_nodes=5),
    "pick": lambda f, a, c: f(a("model"), 2),
    "resolve_scenario": lambda f, a, c: f(a("system"), "present", a("cim")),
    "resolve_start": lambda f, a, c: f(a("system"), a("cim"), None),
    "resolve_target": lambda f, a, c: f(a("system"), a("cim"), "S1").description,
    "robustness": lambda f, a, c: f(a("cim"), np.ones_like(c["cim"].values), 8),
    "row_reason": lambda f, a, c: f(a("system"), *c["row"]),
    "scenario_labels": lambda f, a, c: f(a("system"), a("cim")).keys(c["found"].indices),
    "sensitivity": lambda f, a, c: f(a("cim"), c["found"].indices[:1]),
    "shock": lambda f, a, c: f(a("model"), c["s"].shocks[0]),
    "shocked_matrix": lambda f, a, c: f(a("cim"), c["s"].shocks[0]),
    "succession_basins": lambda f, a, c: f(a("cim"), max_exact=0, n_samples=50),
    "tie_descriptors": lambda f, a, c: f(a("cim"), c["found"].indices),
    "uncertainty_matrix": lambda f, a, c: f(a("system"), a("cim")),
    # claims
    "check_claims": lambda f, a, c: f(a("system"), a("cim")),
    "evaluate": lambda f, a, c: f(a("cim"), c["claim"]),
    "matches": lambda f, a, c: f(a("cim"), c["found"].indices, {"front": "holds"}),
    "verdicts": lambda f, a, c: f(
        a("cim"), c["claim"], c["found"].indices, lambda t, fix: np.ones((1, len(c["found"])), dtype=bool)
    ),
    # the model and its files
    "cited_paragraph": lambda f, a, c: f(a("system"), c["citation"]),
    "coverage": lambda f, a, c: f(a("system")),
    "dump_yaml": lambda f, a, c: f(a("system")),
    "save_system": lambda f, a, c: _written(c, lambda p: f(a("system"), p), ".yaml"),
    "scw_losses": lambda f, a, c: f(a("system")),
    "source_text": lambda f, a, c: f(a("system"), c["s"].sources[0].id),
    "write_matrix_csv": lambda f, a, c: _written(c, lambda p: f(a("cim"), p), ".csv"),
    "write_scenarios": lambda f, a, c: _written(
        c,
        lambda p: f(
            p, c["found"], a("system"), ["S"] * len(c["found"]), (np.zeros(len(c["found"]), dtype=np.int64), [""])
        ),
        ".json",
    ),
    "write_scenarios_json": lambda f, a, c: _stream(
        lambda b: f(
            b, c["found"], a("system"), ["S"] * len(c["found"]), (np.zeros(len(c["found"]), dtype=np.int64), [""])
        )
    ),
    "write_scw": lambda f, a, c: _written(c, lambda p: f(a("system"), p), ".scw"),
    # the actor network
    "actor_network": lambda f, a, c: f(a("system")),
    "brokers": lambda f, a, c: f(a("system_or_graph")),
    "camps": lambda f, a, c: f(a("system_or_graph")),
    "derived_flows": lambda f, a, c: f(a("system")),
    "network_difference": lambda f, a, c: f(a("system"), c["present"]),
    "scenario_choice": lambda f, a, c: f(a("system"), c["present"]),
    "scenario_ties": lambda f, a, c: f(a("system"), c["present"]),
    # event data
    "evaluate_indicators": lambda f, a, c: f(c["events"], a("system"), c["periods"]),
    "indicator_query": lambda f, a, c: f(c["events"], c["s"].indicators[0], c["periods"], a("system")).execute(),
    "indicators_query": lambda f, a, c: f(c["events"], a("system"), c["periods"], c["s"].indicators[:2]).execute(),
    "indicators_sql": lambda f, a, c: f(a("system"), c["periods"], indicators=c["s"].indicators[:2]),
    "track": lambda f, a, c: f(a("system"), c["con"], start=dt.date(2024, 11, 1), end=dt.date(2024, 12, 1)),
    # views
    "claims_figure": lambda f, a, c: _drawn(f(a("system"), [])),
    "impact_figure": lambda f, a, c: _drawn(f(a("system"), c["present"], a("cim"))),
    "landscape_figure": lambda f, a, c: _drawn(f(a("system"), 0, None, a("cim"))),
    "matrix_figure": lambda f, a, c: _drawn(f(a("system"), a("cim"))),
    "network_figure": lambda f, a, c: _drawn(f(a("system"))),
    "render_report": lambda f, a, c: len(f(a("system"), **CHEAP_REPORT)) > 0,  # stamped with the time it is written
    "scenario_set_html": lambda f, a, c: f(c["found"], a("system")),
    "storyline": lambda f, a, c: f(a("system"), c["present"], a("cim")),
    "system_html": lambda f, a, c: f(a("system"), figure=False),
    "tableau_figure": lambda f, a, c: _drawn(f(a("system"), c["found"], max_scenarios=2)),
    "write_pdf": lambda f, a, c: f(a("system"), _out(c, "report", ".pdf"), **CHEAP_REPORT).exists(),
    "write_report": lambda f, a, c: f(a("system"), _out(c, "report", ".html"), **CHEAP_REPORT).exists(),
}


def _stream(call: Callable[[io.BytesIO], Any]) -> bytes:
    buf = io.BytesIO()
    call(buf)
    return buf.getvalue()


def _same(x: Any, y: Any, depth: int = 0) -> bool:
    """Equal as results: arrays by value, dataclasses and plain objects field by field."""
    if depth > 8:
        return True
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return np.array_equal(np.asarray(x), np.asarray(y))
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(_same(x[k], y[k], depth + 1) for k in x)
    if isinstance(x, list | tuple):
        return len(x) == len(y) and all(_same(a, b, depth + 1) for a, b in zip(x, y, strict=True))
    if isinstance(x, nx.Graph):
        return nx.utils.graphs_equal(x, y)
    if hasattr(x, "model_dump"):
        return x.model_dump() == y.model_dump()
    if dataclasses.is_dataclass(x):  # timings apart (a result's seconds, its plan's setup_seconds)
        fields = [f.name for f in dataclasses.fields(x) if not f.name.endswith("seconds")]
        return all(_same(getattr(x, n), getattr(y, n), depth + 1) for n in fields)
    if hasattr(x, "to_json"):
        return _same(x.to_json(), y.to_json(), depth + 1)
    if hasattr(x, "equals"):  # a pandas frame
        return bool(x.equals(y))
    if hasattr(x, "__dict__") and not callable(x):
        return _same(vars(x), vars(y), depth + 1)
    if isinstance(x, float) and np.isnan(x):
        return bool(np.isnan(y))
    return x == y


# ---------------------------------------------------------------------------------------------------------------


def test_the_walk_finds_the_functions_that_take_a_system():
    names = set(BY_NAME)
    assert len(BY_NAME) == len(DECLARED), "two public functions that take a system share a name"
    assert {
        "find_consistent",
        "succession",
        "succession_basins",
        "sensitivity",
        "robustness",
        "landscape",
        "levers",
        "explain",
        "actor_network",
        "camps",
        "storyline",
        "write_report",
        "check_claims",
        "track",
        "compile_system",
        "disagreement",
    } <= names
    assert len(DECLARED) >= 80, sorted(names)
    assert "upheaval.succession_basins" in {n for _, ns in DECLARED.values() for n in ns}
    assert set(CALLS) == names, (sorted(names - set(CALLS)), sorted(set(CALLS) - names))


def test_every_parameter_named_for_a_system_is_declared():
    undeclared = []
    for f, public in PUBLIC.values():
        try:
            params = inspect.signature(f).parameters
        except (TypeError, ValueError):
            continue
        declared = {p.name for p in system_params(f)}
        module = public[0].rpartition(".")[0]
        for p in (SYSTEM_NAMES & set(params)) - declared:
            if not any((m, f.__name__, p) in NOT_A_SYSTEM for m in {module, *(n.rpartition(".")[0] for n in public)}):
                undeclared.append(f"{public[0]}({p})")
    assert not undeclared, undeclared


def test_one_name_per_function_at_the_front_door():
    assert "load_system" not in uh.__all__
    seen: dict[int, str] = {}
    for name in uh.__all__:
        obj = getattr(uh, name)
        if callable(obj) and not inspect.isclass(obj):
            assert id(obj) not in seen, f"uh.{name} and uh.{seen[id(obj)]} are one function"
            seen[id(obj)] = name


CASES = sorted((name, p.name) for name, f in BY_NAME.items() for p in system_params(f))


@pytest.mark.parametrize(("name", "param"), CASES)
def test_each_form_of_the_system(name, param, ctx):
    f = BY_NAME[name]
    spec = next(p for p in system_params(f) if p.name == param)
    others = {p.name: [ctx["s"], ctx["s"]] if p.many else ctx["s"] for p in system_params(f)}
    forms = {
        "system": ctx["s"],
        "matrix": ctx["cim"],
        "name": MODEL,
        "path": uh.builtin_models()[MODEL],
    }

    def run(value: Any) -> Any:
        args = {**others, param: [value, value] if spec.many else value}
        return CALLS[name](f, lambda p: args[p], ctx)

    with pytest.raises(TypeError, match=f"The '{param}' parameter of {name} must be .*; got 42 \\(int\\)"):
        run(42)
    if name in EXPENSIVE:
        if spec.to == "system":
            with pytest.raises(TypeError, match=f"'{param}' parameter of {name} must be a System, or a model path"):
                run(forms["matrix"])
        return
    expected = run(forms["system"])
    for form in ("name", "path"):
        assert _same(run(forms[form]), expected), f"{name}({param}=<{form}>) differs from the System's result"
    if spec.to == "system":
        with pytest.raises(TypeError, match=f"'{param}' parameter of {name} must be a System, or a model path"):
            run(forms["matrix"])
    elif spec.to == "matrix":
        assert _same(run(forms["matrix"]), expected), f"{name}({param}=<matrix>) differs from the System's result"
    else:  # "either": a bare matrix has no system (no present, no futures): its result may differ, not its type
        assert type(run(forms["matrix"])) is type(expected)


def test_a_model_path_of_ones_own_and_a_bad_one(tmp_path, tiny_path):
    own = tmp_path / "own.yaml"
    own.write_text(tiny_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert uh.find_consistent(own).indices.tolist() == uh.find_consistent(uh.load(tiny_path)).indices.tolist()
    assert uh.find_consistent(str(own)).indices.tolist() == uh.find_consistent(own).indices.tolist()
    with pytest.raises(uh.ModelError, match="neither a model file"):
        uh.succession_basins("no-such-model")
    with pytest.raises(TypeError, match=r"'models' parameter of disagreement .*; got 42 \(int\) as item 1"):
        uh.disagreement([MODEL, 42])
    with pytest.raises(TypeError, match="'cims' parameter of ensemble must be a sequence"):
        uh.analysis.ensemble(MODEL)


def test_the_comparison_tells_results_apart(ctx):
    cim = ctx["cim"]
    assert _same(uh.find_consistent(cim), uh.find_consistent(uh.compile_system(ctx["s"])))
    assert not _same(uh.find_consistent(cim, 1), uh.find_consistent(cim))
    assert not _same(uh.landscape(cim, 0, max_scenarios=20), uh.landscape(cim, 1, max_scenarios=20))
    assert not _same(uh.actor_network(ctx["s"]), uh.actor_network(ctx["s"], {"dprk_role": "munitions"}))
