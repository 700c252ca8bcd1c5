"""What the views compute from a system: consistent scenarios, chosen scenarios, and landscape points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from upheaval import cib
from upheaval.analysis._landscape import landscape
from upheaval.errors import EngineError
from upheaval.model import System

__all__ = ["LANDSCAPE_LIMIT", "consistent", "landscape_points", "pick_scenario"]

LANDSCAPE_LIMIT = 1200  # scenarios drawn on a landscape, the most consistent first


def consistent(
    system: System, tolerance: int = 0, fixed: Mapping[str, str | Sequence[str]] | None = None, cim=None
) -> cib.ScenarioSet:
    """The scenarios of ``system`` whose inconsistency is at most ``tolerance`` (complete search)."""
    cim = cim if cim is not None else cib.compile_system(system)
    return cib.find_consistent(cim, tolerance, fixed or None)


def pick_scenario(
    system: System, number: int | None = None, fixed: Mapping[str, str] | None = None, cim=None
) -> np.ndarray:
    """One full scenario as variant indices: consistent scenario ``number`` (1-based) or one matching ``fixed``.

    If ``fixed`` names every descriptor it is the scenario itself; otherwise the
    ``number``-th (default first) consistent scenario among those matching ``fixed``.
    Raises :class:`upheaval.errors.EngineError` if there is none.
    """
    cim = cim if cim is not None else cib.compile_system(system)
    fixed = dict(fixed or {})
    if fixed and set(fixed) >= set(cim.descriptor_ids):
        return cim.scenario_indices(fixed)
    found = consistent(system, 0, fixed, cim)
    k = (number or 1) - 1
    if not 0 <= k < len(found):
        where = f" with {', '.join(f'{d}={v}' for d, v in fixed.items())}" if fixed else ""
        raise EngineError(
            f"there is no consistent scenario number {k + 1}{where}: the model has {len(found)}; "
            "pick another number, or fix every descriptor with --fix"
        )
    return found.indices[k]


def landscape_points(system: System, tolerance: int = 2, fixed=None, cim=None, limit: int = LANDSCAPE_LIMIT):
    """Scenarios within ``tolerance`` and their 2-D coordinates (:func:`upheaval.analysis.landscape`).

    Returns ``(scenario set, coordinates (n, 2), shown)`` where ``shown`` is how many of the
    scenarios (the most consistent first, at most ``limit``) the coordinates cover.
    """
    cim = cim if cim is not None else cib.compile_system(system)
    found = consistent(system, tolerance, fixed, cim)
    shown = min(len(found), limit)
    first = replace(
        found,
        indices=found.indices[:shown],
        inconsistency=found.inconsistency[:shown],
        consistency_value=found.consistency_value[:shown],
        total_impact_score=found.total_impact_score[:shown],
    )
    return found, landscape(cim, tolerance, scenarios=first, max_scenarios=limit).points, shown
