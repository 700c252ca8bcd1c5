"""What the views compute from a system: consistent scenarios, chosen scenarios, and landscape points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from upheaval import cib
from upheaval.analysis import landscape
from upheaval.errors import EngineError
from upheaval.model import System

__all__ = ["LANDSCAPE_LIMIT", "consistent", "landscape_points", "pick_scenario"]

LANDSCAPE_LIMIT = 1200  # scenarios drawn on a landscape, the most consistent first


def consistent(
    system: System,
    tolerance: int = 0,
    fix: Mapping[str, str | Sequence[str]] | None = None,
    cim=None,
    where: Mapping[str, str | Sequence[str]] | None = None,
) -> cib.ScenarioSet:
    """The scenarios of ``system`` whose inconsistency is at most ``tolerance`` (complete search),
    under the intervention ``fix`` and the restriction ``where`` (see :func:`upheaval.cib.find_consistent`)."""
    cim = cim if cim is not None else cib.compile_system(system)
    return cib.find_consistent(cim, tolerance, fix or None, where or None)


def pick_scenario(
    system: System, number: int | None = None, fix: Mapping[str, str] | None = None, cim=None
) -> np.ndarray:
    """One full scenario as variant indices: consistent scenario ``number`` (1-based), under the intervention ``fix``.

    If ``fix`` names every descriptor it is the scenario itself; otherwise the
    ``number``-th (default first) consistent scenario under the intervention ``fix``.
    Raises :class:`upheaval.errors.EngineError` if there is none.
    """
    cim = cim if cim is not None else cib.compile_system(system)
    fix = dict(fix or {})
    if fix and set(fix) >= set(cim.descriptor_ids) and all(isinstance(v, str) for v in fix.values()):
        return cim.scenario_indices(fix)
    found = consistent(system, 0, fix, cim)
    k = (number or 1) - 1
    if not 0 <= k < len(found):
        where = f" with {', '.join(f'{d}={v}' for d, v in fix.items())}" if fix else ""
        raise EngineError(
            f"there is no consistent scenario number {k + 1}{where}: the model has {len(found)}; "
            "pick another number, or fix every descriptor with --fix"
        )
    return found.indices[k]


def landscape_points(system: System, tolerance: int = 2, fix=None, cim=None, limit: int = LANDSCAPE_LIMIT):
    """Scenarios within ``tolerance`` and their 2-D coordinates (:func:`upheaval.analysis.landscape`).

    Returns ``(scenario set, coordinates (n, 2), shown)`` where ``shown`` is how many of the
    scenarios (the most consistent first, at most ``limit``) the coordinates cover.
    """
    cim = cim if cim is not None else cib.compile_system(system)
    found = consistent(system, tolerance, fix, cim)
    shown = min(len(found), limit)
    first = replace(
        found,
        indices=found.indices[:shown],
        inconsistency=found.inconsistency[:shown],
        consistency_value=found.consistency_value[:shown],
        total_impact_score=found.total_impact_score[:shown],
    )
    return found, landscape(cim, tolerance, scenarios=first, max_scenarios=limit).points, shown
