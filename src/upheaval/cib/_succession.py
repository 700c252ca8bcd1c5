"""Succession: re-choosing variants by their impact balance until consistency or a cycle (Weimer-Jehle 2006)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.cib._compile import CrossImpactMatrix, scenario_array
from upheaval.cib._intervene import Condition, Intervention, under_intervention
from upheaval.errors import EngineError

__all__ = ["SuccessionResult", "succession", "succession_weights"]


@dataclass(frozen=True, eq=False)
class SuccessionResult:
    """Where a succession went.

    ``path`` holds every scenario visited, the start first (rows of variant indices).
    ``end_kind`` is ``"consistent"`` (then ``scenario`` is the consistent end) or ``"cycle"``
    (then ``cycle`` holds the scenarios of the cycle, in order, and ``scenario`` is None).
    """

    path: np.ndarray
    end_kind: Literal["consistent", "cycle"]
    scenario: np.ndarray | None
    cycle: np.ndarray | None = None

    def to_full(self, iv: Intervention, where: object = None) -> SuccessionResult:
        """This succession, run on the reduced matrix of intervention ``iv``, in the full matrix's numbering."""
        return SuccessionResult(
            iv.to_full(self.path),
            self.end_kind,
            None if self.scenario is None else iv.to_full(self.scenario)[0],
            None if self.cycle is None else iv.to_full(self.cycle),
        )


def _step(cim: CrossImpactMatrix, z: np.ndarray, local: bool) -> np.ndarray | None:
    """The next scenario, or None if ``z`` is consistent."""
    b = cim.values[z + cim.offsets].sum(axis=0)
    gaps = np.empty(cim.n_descriptors, dtype=np.int64)
    best_v = np.empty(cim.n_descriptors, dtype=np.int64)
    for j, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        block = b[off : off + size]
        top = block.max()
        gaps[j] = top - block[z[j]]
        # keep the current variant if it is among the maxima, otherwise the first maximum
        best_v[j] = z[j] if gaps[j] == 0 else int(np.argmax(block))
    if not gaps.any():
        return None
    nxt = z.copy()
    if local:
        j = int(np.argmax(gaps))  # the most inconsistent descriptor; ties -> lowest index
        nxt[j] = best_v[j]
    else:
        nxt = best_v
    return nxt


@accepts_system("cim", to="matrix")
@under_intervention("start", start=True)
def succession(
    cim: CrossImpactMatrix,
    start,
    mode: Literal["global", "local"] = "global",
    max_steps: int = 1000,
    fix: Condition = None,
) -> SuccessionResult:
    """Run a succession from ``start`` until it reaches a consistent scenario or a cycle.

    In ``"global"`` mode every descriptor moves at once to a variant of maximal impact
    balance (keeping its variant if that is among the maxima, otherwise taking the first
    maximum); in ``"local"`` mode only the most inconsistent descriptor (ties: the lowest
    index) moves to its best variant [1]_.

    Under an intervention ``fix`` (see :func:`upheaval.cib.find_consistent`) an intervened
    descriptor only ever moves among its allowed variants, to the best of them; held to
    one variant, it never moves. The start takes the intervention's variant where it
    allows one only; a start outside an intervention of several variants is an error.

    Parameters
    ----------
    cim : CrossImpactMatrix
    start : sequence of int or mapping
        The start scenario (0-based indices or ``{descriptor id: variant id}``).
    mode : {"global", "local"}
    max_steps : int
        Give up (raise :class:`upheaval.errors.EngineError`) after this many steps.
    fix : mapping, optional
        An intervention, ``{descriptor: variant | [variants]}``.

    Returns
    -------
    SuccessionResult

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix, succession
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> r = succession(cim, [1, 0], mode="local")
    >>> r.end_kind, r.scenario.tolist(), len(r.path)
    ('consistent', [0, 0], 2)
    >>> r = succession(cim, [1, 0])  # both descriptors jump at once and swap back
    >>> r.end_kind, r.cycle.tolist()
    ('cycle', [[1, 0], [0, 1]])

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
       https://doi.org/10.1016/j.techfore.2005.06.005
    """
    if mode not in ("global", "local"):
        raise EngineError(f"mode must be 'global' or 'local'; got {mode!r}")
    z = scenario_array(cim, start).copy()
    path = [z]
    seen = {z.tobytes(): 0}
    for _ in range(max_steps):
        nxt = _step(cim, z, mode == "local")
        if nxt is None:
            return SuccessionResult(np.array(path), "consistent", z)
        key = nxt.tobytes()
        if key in seen:
            path.append(nxt)
            return SuccessionResult(np.array(path), "cycle", None, np.array(path[seen[key] : -1]))
        seen[key] = len(path)
        path.append(nxt)
        z = nxt
    raise EngineError(f"no consistent scenario or cycle within {max_steps} steps; raise max_steps")


@accepts_system("cim", to="matrix")
def succession_weights(
    cim: CrossImpactMatrix, scenarios: np.ndarray, starts: np.ndarray | None = None, max_steps: int = 1000
) -> np.ndarray:
    """For each of ``scenarios``, how many ``starts`` end there by global succession.

    With ``starts=None`` every scenario of the system is a start (small systems only), which
    gives the weights ScenarioWizard prints in its solution lists [1]_.

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval.cib._brute import all_scenarios
    from upheaval.cib._kernel_succession import succession_kernel

    if starts is None:
        if cim.n_scenarios > 5_000_000:
            raise EngineError(f"{cim.n_scenarios:,} starts are too many to sweep; pass a sample as `starts`")
        starts = all_scenarios(cim)
    ends, kind = succession_kernel(
        cim.values, np.asarray(cim.sizes, np.int64), cim.offsets, np.asarray(starts, np.int64), False, max_steps
    )
    ends = ends[kind == 0]
    lookup = {np.asarray(s, np.int64).tobytes(): k for k, s in enumerate(scenarios)}
    out = np.zeros(len(scenarios), dtype=np.int64)
    for row in ends:
        k = lookup.get(row.tobytes())
        if k is not None:
            out[k] += 1
    return out
