"""Ensembles: several matrices of one structure (one per expert or group), their support and their sum."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._parallel import run_chunks
from upheaval.errors import EngineError

__all__ = ["Ensemble", "check_same_structure", "ensemble"]


@accepts_system("cims", to="matrix", many=True)
def check_same_structure(cims: Sequence, names: Sequence[str] | None = None) -> None:
    """Raise :class:`upheaval.errors.EngineError` unless all matrices share descriptors and variants.

    The message names the first member that differs from the first one and what differs
    (descriptor count, a descriptor id, or a descriptor's variants).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> a = CrossImpactMatrix(np.zeros((4, 4)), (2, 2))
    >>> b = CrossImpactMatrix(np.zeros((5, 5)), (2, 3))
    >>> check_same_structure([a, b], ["a.yaml", "b.yaml"])
    Traceback (most recent call last):
    ...
    upheaval.errors.EngineError: ensemble members differ in structure: b.yaml, descriptor 'D2' has variants v1, v2, v3 where a.yaml has v1, v2
    """
    if not cims:
        raise EngineError("an ensemble needs at least one member")
    names = list(names) if names is not None else [f"member {k + 1}" for k in range(len(cims))]
    ref, ref_name = cims[0], names[0]
    head = "ensemble members differ in structure: "
    for cim, name in zip(cims[1:], names[1:], strict=True):
        if cim.descriptor_ids != ref.descriptor_ids:
            if len(cim.descriptor_ids) != len(ref.descriptor_ids):
                raise EngineError(
                    f"{head}{name} has {len(cim.descriptor_ids)} descriptors, {ref_name} has {len(ref.descriptor_ids)}"
                    f" (only in {name}: {', '.join(sorted(set(cim.descriptor_ids) - set(ref.descriptor_ids))) or '-'};"
                    f" only in {ref_name}: {', '.join(sorted(set(ref.descriptor_ids) - set(cim.descriptor_ids))) or '-'})"
                )
            k = next(i for i, (a, b) in enumerate(zip(cim.descriptor_ids, ref.descriptor_ids, strict=False)) if a != b)
            raise EngineError(
                f"{head}{name}, descriptor {k + 1} is {cim.descriptor_ids[k]!r} where {ref_name} has "
                f"{ref.descriptor_ids[k]!r}"
            )
        for d, va, vb in zip(cim.descriptor_ids, cim.variant_ids, ref.variant_ids, strict=True):
            if va != vb:
                raise EngineError(
                    f"{head}{name}, descriptor {d!r} has variants {', '.join(va)} where {ref_name} has {', '.join(vb)}"
                )


@dataclass(frozen=True, eq=False)
class Ensemble:
    """Each scenario's support across the members, and the combined matrix's consistent set.

    ``indices`` are the scenarios consistent in at least one member or in the combined
    matrix; ``members[k, m]`` is True when scenario ``k`` is consistent in member ``m``;
    ``support`` the number of members, ``share`` the fraction; ``in_combined`` whether
    it is consistent in ``combined`` (the sum of the members' matrices).
    """

    combined: object
    names: list[str]
    indices: np.ndarray
    members: np.ndarray
    support: np.ndarray
    share: np.ndarray
    in_combined: np.ndarray
    complete: bool
    seconds: float


def _member_search(cim, tolerance):
    from upheaval.cib import find_consistent

    res = find_consistent(cim, tolerance)
    return res.indices, res.complete


@accepts_system("cims", to="matrix", many=True)
def ensemble(
    cims: Sequence,
    names: Sequence[str] | None = None,
    *,
    tolerance: int = 0,
    combine: str = "sum",
    n_jobs: int | None = None,
    scheduler=None,
    progress: Callable[[float], None] | None = None,
) -> Ensemble:
    """Support of each scenario across an ensemble of matrices of the same structure.

    Each member is searched exactly (in parallel with ``n_jobs`` or on a dask
    ``scheduler``); the combined matrix is the sum of the members (``combine="sum"``).
    ``combine="mean"`` gives the same consistent scenarios as the sum at tolerance
    ``tolerance * len(cims)``, which is what is searched, so the mean matrix is never
    rounded [1]_.

    Parameters
    ----------
    cims : sequence of CrossImpactMatrix
    names : sequence of str, optional
        Member names for messages (e.g. their file names).
    tolerance : int
    combine : {"sum", "mean"}
    n_jobs, scheduler, progress
        As for :func:`upheaval.analysis.robustness`.

    Returns
    -------
    Ensemble
        Scenarios sorted by support (highest first).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> a = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> b = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, 1, -1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> e = ensemble([a, b])
    >>> e.indices.tolist(), e.support.tolist(), e.in_combined.tolist()
    ([[0, 0], [1, 1]], [2, 1], [True, True])

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval.cib import CrossImpactMatrix, find_consistent

    if combine not in ("sum", "mean"):
        raise EngineError(f"combine must be 'sum' or 'mean'; got {combine!r}")
    names = list(names) if names is not None else [f"member {k + 1}" for k in range(len(cims))]
    check_same_structure(cims, names)
    t0 = time.perf_counter()
    ref = cims[0]
    combined = CrossImpactMatrix(
        sum(c.values for c in cims), ref.sizes, ref.descriptor_ids, ref.variant_ids, sum(c.scale for c in cims)
    )
    parts = run_chunks(
        _member_search, [(c, tolerance) for c in cims], n_jobs=n_jobs, scheduler=scheduler, progress=progress
    )
    comb_tol = tolerance * len(cims) if combine == "mean" else tolerance
    comb = find_consistent(combined, comb_tol)
    rows = [p[0] for p in parts] + [comb.indices]
    allrows = np.concatenate(rows, axis=0)
    idx = np.unique(allrows, axis=0) if allrows.shape[0] else allrows.reshape(0, ref.n_descriptors)

    def member_of(found: np.ndarray) -> np.ndarray:
        if found.shape[0] == 0:
            return np.zeros(idx.shape[0], dtype=bool)
        return (idx[:, None, :] == found[None, :, :]).all(axis=2).any(axis=1)

    members = np.column_stack([member_of(p[0]) for p in parts]) if parts else np.zeros((idx.shape[0], 0), bool)
    support = members.sum(axis=1)
    in_comb = member_of(comb.indices)
    order = np.lexsort((~in_comb, -support))
    return Ensemble(
        combined,
        names,
        idx[order],
        members[order],
        support[order],
        support[order] / len(cims),
        in_comb[order],
        all(p[1] for p in parts) and comb.complete,
        time.perf_counter() - t0,
    )
