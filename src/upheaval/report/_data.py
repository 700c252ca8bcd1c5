"""What the views compute from a system: consistent scenarios, chosen scenarios, and landscape points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from upheaval import cib
from upheaval.errors import EngineError
from upheaval.model import System

__all__ = ["LANDSCAPE_LIMIT", "classical_mds", "consistent", "hamming_matrix", "landscape_points", "pick_scenario"]

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


def hamming_matrix(indices: np.ndarray) -> np.ndarray:
    """Pairwise Hamming distances between scenarios (rows of variant indices): how many descriptors differ."""
    idx = np.asarray(indices)
    return (idx[:, None, :] != idx[None, :, :]).sum(axis=2).astype(float)


def classical_mds(distances: np.ndarray, dims: int = 2) -> np.ndarray:
    """Classical (Torgerson) multidimensional scaling of a distance matrix into ``dims`` coordinates.

    Double-centres the squared distances and keeps the leading eigenvectors scaled by the
    square roots of their (non-negative) eigenvalues.

    References
    ----------
    .. [1] W. S. Torgerson: Multidimensional scaling: I. Theory and method.
       Psychometrika 17:401--419, 1952. https://doi.org/10.1007/BF02288916
    """
    d2 = np.asarray(distances, dtype=float) ** 2
    n = d2.shape[0]
    if n == 0:
        return np.zeros((0, dims))
    # Double centring without forming the centring matrix: subtract row and column means.
    row = d2.mean(axis=1, keepdims=True)
    b = -0.5 * (d2 - row - row.T + d2.mean())
    k = min(dims, n)
    if n > 3 * dims + 10:
        # Only the leading few eigenpairs are needed: Lanczos iterations are much cheaper than a full eigh.
        from scipy.sparse.linalg import eigsh

        vals, vecs = eigsh(b, k=k, which="LA", v0=np.ones(n))
    else:
        vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals)[::-1][:k]
    coords = vecs[:, order] * np.sqrt(np.clip(vals[order], 0, None))
    if coords.shape[1] < dims:
        coords = np.hstack([coords, np.zeros((n, dims - coords.shape[1]))])
    # A fixed sign per axis, so the same input always gives the same picture.
    for k in range(dims):
        col = coords[:, k]
        if col.size and col[np.argmax(np.abs(col))] < 0:
            coords[:, k] = -col
    return coords


ENGINE_MDS_LIMIT = 500  # up to here the engine's full-eigendecomposition MDS is cheap


def _mds(distances: np.ndarray) -> np.ndarray:
    """2-D coordinates: ``upheaval.analysis.classical_mds`` for small maps, the Lanczos variant here for large ones."""
    if distances.shape[0] <= ENGINE_MDS_LIMIT:
        try:
            from upheaval.analysis import classical_mds as engine_mds
        except ImportError:
            pass
        else:
            return np.asarray(engine_mds(distances, 2)[0], dtype=float)
    return classical_mds(distances, 2)


def landscape_points(system: System, tolerance: int = 2, fix=None, cim=None, limit: int = LANDSCAPE_LIMIT):
    """Scenarios within ``tolerance`` and their 2-D coordinates by classical MDS of the Hamming distance.

    Returns ``(scenario set, coordinates (n, 2), shown)`` where ``shown`` is how many of the
    scenarios (the most consistent first, at most ``limit``) the coordinates cover.
    """
    found = consistent(system, tolerance, fix, cim)
    shown = min(len(found), limit)
    idx = found.indices[:shown]
    coords = _mds(hamming_matrix(idx)) if shown else np.zeros((0, 2))
    return found, np.asarray(coords, dtype=float), shown
