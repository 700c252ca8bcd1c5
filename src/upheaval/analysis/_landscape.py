"""Distances between scenarios and the scenario landscape: a 2-D map by classical MDS."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = ["Landscape", "classical_mds", "landscape", "scenario_distances"]


def scenario_distances(a, b=None, weights=None) -> np.ndarray:
    """Hamming distances between scenarios (rows of variant indices), optionally weighted.

    ``d(x, y) = sum_i w_i [x_i != y_i]``; with no weights every descriptor counts 1.

    Parameters
    ----------
    a : array (n, N)
    b : array (m, N), optional
        Defaults to ``a``.
    weights : array (N,), optional
        Non-negative weight of each descriptor.

    Returns
    -------
    numpy.ndarray
        (n, m) float array.

    Examples
    --------
    >>> scenario_distances([[0, 0, 1], [1, 0, 0]]).tolist()
    [[0.0, 2.0], [2.0, 0.0]]
    >>> scenario_distances([[0, 0]], [[1, 1]], weights=[2, 0.5]).tolist()
    [[2.5]]
    """
    a = np.atleast_2d(np.asarray(a, dtype=np.int64))
    b = a if b is None else np.atleast_2d(np.asarray(b, dtype=np.int64))
    if a.shape[1] != b.shape[1]:
        raise EngineError(f"scenarios of different length: {a.shape[1]} and {b.shape[1]} descriptors")
    w = np.ones(a.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (a.shape[1],) or (w < 0).any():
        raise EngineError(f"weights must be {a.shape[1]} non-negative numbers, one per descriptor")
    return ((a[:, None, :] != b[None, :, :]) * w).sum(axis=2)


def classical_mds(distances, n_components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Classical (Torgerson) multidimensional scaling of a distance matrix.

    Double-centres the squared distances, ``B = -J D^2 J / 2``, and takes the leading
    eigenvectors of ``B`` scaled by the square roots of their (non-negative) eigenvalues;
    above ``LANCZOS_FROM`` points only those leading eigenpairs are computed (Lanczos).

    Returns
    -------
    (points, eigenvalues) : (n, n_components) coordinates and the leading eigenvalues.

    Examples
    --------
    >>> pts, _ = classical_mds([[0, 3, 4], [3, 0, 5], [4, 5, 0]])
    >>> from upheaval.analysis import scenario_distances
    >>> bool(np.allclose(np.hypot(*(pts[0] - pts[1])), 3))
    True

    References
    ----------
    .. [1] W. S. Torgerson: Multidimensional scaling: I. Theory and method.
       Psychometrika 17:401--419, 1952. https://doi.org/10.1007/BF02288916
    """
    d = np.asarray(distances, dtype=float)
    n = d.shape[0]
    if d.shape != (n, n):
        raise EngineError(f"a distance matrix must be square; got shape {d.shape}")
    if n == 0:
        return np.zeros((0, n_components)), np.zeros(n_components)
    b = _centred((d + d.T) / 2)
    k = min(n_components, n)
    if n > LANCZOS_FROM:
        # Only the leading few eigenpairs are needed: Lanczos iterations are much cheaper than a full eigh.
        from scipy.sparse.linalg import ArpackError, eigsh

        # The start vector must not lie in B's null space: a vector of ones always does (B's rows
        # sum to 0), so ARPACK would stop with "starting vector is zero". A seeded random one
        # keeps the result deterministic; should ARPACK still fail, the full eigh answers.
        start = np.random.default_rng(0).standard_normal(n)
        try:
            vals, vecs = eigsh(b, k=k, which="LA", v0=start)
        except ArpackError:
            vals, vecs = np.linalg.eigh(b)
    else:
        vals, vecs = np.linalg.eigh(b)
    order = np.argsort(vals)[::-1][:k]
    vals = np.clip(vals[order], 0, None)
    pts = vecs[:, order] * np.sqrt(vals)
    # a deterministic orientation: the largest |coordinate| of each axis is positive
    for k in range(pts.shape[1]):
        if pts[np.argmax(np.abs(pts[:, k])), k] < 0:
            pts[:, k] *= -1
    if pts.shape[1] < n_components:
        pts = np.hstack([pts, np.zeros((n, n_components - pts.shape[1]))])
        vals = np.concatenate([vals, np.zeros(n_components - vals.shape[0])])
    return pts, vals


LANCZOS_FROM = 500  # above this many points the leading eigenpairs come from Lanczos iterations (scipy)


def _centred(d: np.ndarray) -> np.ndarray:
    """``B = -J D^2 J / 2`` without forming ``J``: subtract the row and column means of ``D^2``."""
    d2 = d**2
    row = d2.mean(axis=1, keepdims=True)
    return -0.5 * (d2 - row - row.T + d2.mean())


@dataclass(frozen=True, eq=False)
class Landscape:
    """The consistent and near-consistent scenarios placed on a 2-D map.

    ``points[k]`` are scenario ``indices[k]``'s coordinates; map distances approximate
    ``distances`` (weighted Hamming). ``inconsistency`` and ``total_impact_score`` are
    the scenarios' measures; ``eigenvalues`` the two axes' MDS eigenvalues and ``explained``
    (computed on first use) the share of all positive eigenvalues they carry.
    """

    cim: object
    points: np.ndarray
    indices: np.ndarray
    inconsistency: np.ndarray
    total_impact_score: np.ndarray
    distances: np.ndarray
    eigenvalues: np.ndarray
    tolerance: int

    @cached_property
    def explained(self) -> float:
        """Share of the positive eigenvalues of the double-centred distances that the two axes carry."""
        if not len(self.indices):
            return 1.0
        spectrum = np.linalg.eigvalsh(_centred(self.distances))
        pos = spectrum[spectrum > 1e-9].sum()
        return float(self.eigenvalues.sum() / pos) if pos > 0 else 1.0


@accepts_system("cim", to="matrix")
def landscape(cim, tolerance: int = 2, *, weights=None, max_scenarios: int = 2000, scenarios=None) -> Landscape:
    """The landscape of scenarios within ``tolerance`` of consistency, mapped to 2-D.

    Finds every scenario with inconsistency at most ``tolerance`` (exact search) unless
    ``scenarios`` is given, computes their (weighted) Hamming distances and places them by
    classical MDS (:func:`classical_mds`).

    Parameters
    ----------
    cim : CrossImpactMatrix
    tolerance : int
        1-2 shows the near-consistent scenarios around the consistent ones.
    weights : array, optional
        Weight of each descriptor in the distance.
    max_scenarios : int
        Refuse larger maps (the distance matrix is dense).
    scenarios : ScenarioSet, optional
        Map these instead of searching.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> land = landscape(cim, tolerance=0)
    >>> land.points.shape, land.distances.tolist()
    ((2, 2), [[0.0, 2.0], [2.0, 0.0]])
    """
    from upheaval.cib import find_consistent

    found = scenarios if scenarios is not None else find_consistent(cim, tolerance)
    if len(found) > max_scenarios:
        raise EngineError(
            f"{len(found):,} scenarios within tolerance {tolerance}: more than max_scenarios={max_scenarios:,}; "
            "lower the tolerance or raise max_scenarios"
        )
    dist = scenario_distances(found.indices, weights=weights)
    pts, vals = classical_mds(dist, 2)
    return Landscape(cim, pts, found.indices, found.inconsistency, found.total_impact_score, dist, vals, int(tolerance))
