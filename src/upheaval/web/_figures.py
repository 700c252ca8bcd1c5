"""The report's figures as SVG for the pages, rendered on demand and cached per model version."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import HTTPException

__all__ = ["draw_figure", "figures_available", "render_figure"]

_LOCK = threading.Lock()  # matplotlib is not thread-safe; figures are drawn one at a time


def _module() -> Any:
    from upheaval import report

    try:
        report.figure_bytes  # noqa: B018 (loads the figures: matplotlib)
    except ImportError:
        return None
    return report


def figures_available() -> bool:
    """Whether this build has the report's figures (matplotlib)."""
    return _module() is not None


def render_figure(
    ws: Any, doc: Any, kind: str, scenario: str | None, tolerance: int, fixed: Mapping[str, Sequence[str]]
) -> bytes:
    """One figure of the current model as SVG bytes (404 if figures are missing, 422 if a scenario is needed)."""
    from upheaval.web._views import parse_scenario

    mod = _module()
    if mod is None:
        raise HTTPException(404, "figures are not available in this build")
    system = doc.system
    choice = parse_scenario(system, scenario) if scenario else None
    if kind == "impact" and choice is None:
        raise HTTPException(422, "the impact diagram needs a scenario (?scenario=v1,v2,...)")
    norm = tuple(sorted((d, tuple(vs)) for d, vs in fixed.items()))
    key = (
        "figure",
        doc.key,
        doc.version,
        kind,
        scenario,
        tolerance if kind in ("landscape", "tableau") else 0,
        norm if kind in ("landscape", "tableau") else (),
    )

    def draw() -> bytes:
        from upheaval.web._bounded import run_bounded

        # drawn in a worker process, bounded in time and memory (a landscape searches and places scenarios)
        fixed_plain = {d: list(vs) for d, vs in fixed.items()}
        return run_bounded(draw_figure, system, kind, choice, tolerance, fixed_plain, what=f"the {kind} figure")

    return ws._cached(key, draw)


def draw_figure(
    system: Any, kind: str, choice: dict[str, str] | None, tolerance: int, fixed: dict[str, list[str]]
) -> bytes:
    """One of the report's figures of ``system`` as SVG bytes (run in a worker process)."""
    from upheaval import cib
    from upheaval.web._state import SEARCH_BUDGET_SECONDS

    mod = _module()
    cim = cib.compile_system(system)
    if kind == "matrix":
        fig = mod.matrix_figure(system, cim)
    elif kind == "tableau":
        result = cib.find_consistent(cim, tolerance, fixed or None, budget_seconds=SEARCH_BUDGET_SECONDS)
        fig = mod.tableau_figure(system, result)
    elif kind == "impact":
        fig = mod.impact_figure(system, choice, cim)
    elif kind == "landscape":
        fig = mod.landscape_figure(system, tolerance, fixed or None, cim)
    else:
        fig = mod.network_figure(system, choice)
    return mod.figure_bytes(fig, "svg")
