"""Impact balances and the consistency measures of one scenario (Weimer-Jehle 2006)."""

from __future__ import annotations

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.cib._compile import CrossImpactMatrix, scenario_array
from upheaval.cib._intervene import Condition, under_intervention
from upheaval.errors import EngineError

__all__ = [
    "consistency_value",
    "impact_balances",
    "inconsistency",
    "is_consistent",
    "scenario_array",
    "total_impact_score",
]

_REFERENCE = """
    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
       https://doi.org/10.1016/j.techfore.2005.06.005
"""


@accepts_system("cim", to="matrix")
def impact_balances(cim: CrossImpactMatrix, scenario) -> np.ndarray:
    """The impact balance of every variant under a scenario.

    ``b[c] = sum_i values[offsets[i] + z[i], c]`` over all descriptors ``i``, the
    descriptor's own (diagonal) block included, as ScenarioWizard counts it [1]_.

    Parameters
    ----------
    cim : CrossImpactMatrix
    scenario : sequence of int or mapping
        0-based variant index per descriptor, or ``{descriptor id: variant id}``.

    Returns
    -------
    numpy.ndarray
        int64 array of length V (all variants, descriptor by descriptor).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, impact_balances
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> impact_balances(cim, [0, 0]).tolist()
    [3, -3, 2, -2]
    """
    z = scenario_array(cim, scenario)
    return cim.values[z + cim.offsets].sum(axis=0)


def _gaps(cim: CrossImpactMatrix, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per descriptor: chosen balance, best balance, best rival balance (-inf-like if none)."""
    b = cim.values[z + cim.offsets].sum(axis=0)
    chosen = b[cim.offsets + z]
    best = np.empty(cim.n_descriptors, dtype=np.int64)
    rival = np.empty(cim.n_descriptors, dtype=np.int64)
    for j, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        block = b[off : off + size]
        best[j] = block.max()
        others = np.delete(block, z[j])
        rival[j] = others.max() if others.size else np.iinfo(np.int64).min // 2
    return chosen, best, rival


@accepts_system("cim", to="matrix")
@under_intervention("scenario")
def inconsistency(cim: CrossImpactMatrix, scenario, fix: Condition = None) -> int:
    """How far a scenario is from consistency: ``max_j (max_v b_j(v) - b_j(z_j))`` [1]_.

    0 means consistent; a scenario is consistent within tolerance ``k`` when this is ``<= k``.
    Under an intervention ``fix`` (see :func:`upheaval.cib.find_consistent`) an intervened
    descriptor's rivals are its other allowed variants only.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, inconsistency
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> inconsistency(cim, [0, 0]), inconsistency(cim, [0, 1])
    (0, 4)
    """
    chosen, best, _ = _gaps(cim, scenario_array(cim, scenario))
    return int((best - chosen).max())


@accepts_system("cim", to="matrix")
@under_intervention("scenario")
def consistency_value(cim: CrossImpactMatrix, scenario, fix: Condition = None) -> int:
    """The smallest margin of a chosen variant over its best rival: ``min_j (b_j(z_j) - max_{v != z_j} b_j(v))`` [1]_.

    Non-negative for a consistent scenario (0 means a tie somewhere); negative otherwise.
    Under an intervention ``fix`` an intervened descriptor's rivals are its other allowed
    variants only, and a descriptor held to one variant takes no part.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, consistency_value
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> consistency_value(cim, [0, 0])
    4
    """
    chosen, _, rival = _gaps(cim, scenario_array(cim, scenario))
    return int((chosen - rival).min())


@accepts_system("cim", to="matrix")
@under_intervention("scenario")
def total_impact_score(cim: CrossImpactMatrix, scenario, fix: Condition = None) -> int:
    """The sum of the chosen variants' impact balances, ``sum_j b_j(z_j)`` [1]_.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, total_impact_score
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> total_impact_score(cim, [0, 0])
    5
    """
    chosen, _, _ = _gaps(cim, scenario_array(cim, scenario))
    return int(chosen.sum())


@accepts_system("cim", to="matrix")
def is_consistent(cim: CrossImpactMatrix, scenario, tolerance: int = 0, fix: Condition = None) -> bool:
    """True if the scenario's inconsistency is at most ``tolerance`` [1]_.

    Under an intervention ``fix`` the scenario must take the intervention's variants, and
    an intervened descriptor's balance is compared only with its other allowed variants
    (see :func:`upheaval.cib.find_consistent`).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, is_consistent
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> is_consistent(cim, [0, 0]), is_consistent(cim, [0, 1]), is_consistent(cim, [0, 1], tolerance=4)
    (True, False, True)
    """
    if tolerance < 0:
        raise EngineError(f"tolerance must be >= 0; got {tolerance}")
    return inconsistency(cim, scenario, fix) <= tolerance


def batch_measures(cim: CrossImpactMatrix, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inconsistency, consistency value and total impact score of many scenarios (rows of ``indices``).

    With numpy (nothing to compile) for small batches (up to 20 million cells of balances,
    scenarios x descriptors x variants) and for any batch of a small system (the size rule,
    :func:`upheaval.cib._small.numpy_suffices`); larger ones with the compiled kernel, which
    costs each scenario only its rows' nonzero cells.
    """
    from upheaval.cib._small import measures_numpy, numpy_suffices

    idx = np.ascontiguousarray(indices, dtype=np.int64).reshape(-1, cim.n_descriptors)
    if idx.shape[0] * cim.n_descriptors * cim.values.shape[0] <= 20_000_000 or numpy_suffices(cim.n_scenarios):
        return measures_numpy(cim, idx)
    from upheaval.cib._kernel_measures import measures_kernel

    return measures_kernel(cim.values, np.asarray(cim.sizes, dtype=np.int64), cim.offsets, idx)


batch_measures.__doc__ = (batch_measures.__doc__ or "") + _REFERENCE
for _f in (impact_balances, inconsistency, consistency_value, total_impact_score, is_consistent):
    _f.__doc__ = (_f.__doc__ or "") + _REFERENCE
