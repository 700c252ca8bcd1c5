"""Sensitivity: which single judgements (cells) make or break each scenario, from balance margins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upheaval.errors import EngineError

__all__ = ["CellChange", "sensitivity"]


@dataclass(frozen=True)
class CellChange:
    """One cell change that flips a scenario's consistency.

    The judgement of variant ``row`` (``descriptor.variant``) on variant ``column`` moves
    from ``old`` to ``new`` (the smallest such move); ``effect`` is ``"breaks"`` (the
    scenario stops being consistent) or ``"makes"`` (it becomes consistent). ``descriptor``
    is the descriptor whose choice flips, ``margin`` its margin before (chosen balance
    minus best rival, plus the tolerance) and ``margin_after`` after the change.
    """

    scenario: int
    row: str
    column: str
    old: int
    new: int
    effect: str
    descriptor: str
    margin: int
    margin_after: int

    @property
    def delta(self) -> int:
        """``new - old``."""
        return self.new - self.old


def _label(cim, var: int) -> str:
    d = int(np.searchsorted(cim.offsets, var, side="right") - 1)
    return f"{cim.descriptor_ids[d]}.{cim.variant_ids[d][var - int(cim.offsets[d])]}"


def sensitivity(
    cim,
    scenarios,
    *,
    tolerance: int = 0,
    max_change: int = 1,
    bounds: tuple[int, int] | None = None,
    uncertainty=None,
) -> list[list[CellChange]]:
    """Single-cell changes that make or break each scenario ("what would have to be true").

    Only the rows of the scenario's chosen variants enter its balances, and a cell
    ``(r, c)`` moves only the balance of column ``c``, so the effect of every change is
    known exactly from the balance margins, without re-searching [1]_: for the chosen
    variant ``c`` of descriptor ``j`` a change ``delta`` moves the margin
    ``m_j = b(c) - max_rival + tolerance`` by ``delta``; for a rival ``c`` the margin
    becomes ``b(chosen) - max(b(c) + delta, other rivals) + tolerance``. The scenario is
    consistent when every margin is >= 0. For each cell, the smallest change that flips
    the scenario is reported if it is at most ``max_change`` (and, with ``uncertainty``,
    at most that cell's uncertainty) and keeps the cell within ``bounds``.

    Parameters
    ----------
    cim : CrossImpactMatrix
    scenarios : array (k, N) or ScenarioSet
    tolerance : int
    max_change : int
        Largest change of one cell considered (1: "moved by +-1"; 6: to the range's ends).
    bounds : (int, int), optional
        The range a cell must stay in; by default the matrix's scale, ``(-cim.scale, cim.scale)``.
    uncertainty : array, optional
        Per-cell limit on the change (e.g. :func:`uncertainty_matrix`).

    Returns
    -------
    list of list of CellChange
        Per scenario, its flipping changes, smallest ``|delta|`` first.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 1, 1], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> [(c.row, c.column, c.old, c.new, c.effect) for c in sensitivity(cim, [[0, 0]])[0]]
    [('D1.v1', 'D2.v1', 1, 0, 'breaks'), ('D1.v1', 'D2.v2', 1, 2, 'breaks'), ('D2.v1', 'D2.v1', 0, -1, 'breaks'), ('D2.v1', 'D2.v2', 0, 1, 'breaks')]

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    idx = getattr(scenarios, "indices", scenarios)
    idx = np.atleast_2d(np.asarray(idx, dtype=np.int64))
    if idx.shape[1] != cim.n_descriptors:
        raise EngineError(f"scenarios need {cim.n_descriptors} variant indices each; got {idx.shape[1]}")
    if max_change < 1:
        raise EngineError(f"max_change must be >= 1; got {max_change}")
    lo_b, hi_b = bounds if bounds is not None else (-cim.scale, cim.scale)
    values = cim.values
    out: list[list[CellChange]] = []
    for s, z in enumerate(idx):
        active = cim.offsets + z
        bal = values[active].sum(axis=0)
        n = cim.n_descriptors
        chosen = np.array([bal[cim.offsets[j] + z[j]] for j in range(n)])
        rival1 = np.full(n, np.iinfo(np.int64).min // 4)  # best rival balance
        rival2 = np.full(n, np.iinfo(np.int64).min // 4)  # second-best rival balance
        rival_at = np.full(n, -1)
        for j in range(n):
            for v in range(cim.sizes[j]):
                if v == z[j]:
                    continue
                b = bal[cim.offsets[j] + v]
                if b > rival1[j]:
                    rival2[j], rival1[j], rival_at[j] = rival1[j], b, v
                elif b > rival2[j]:
                    rival2[j] = b
        margin = chosen - rival1 + tolerance
        consistent = bool((margin >= 0).all())
        bad = np.flatnonzero(margin < 0)
        changes: list[CellChange] = []
        for j in range(n):
            if cim.sizes[j] < 2:
                continue
            if not consistent and (len(bad) > 1 or bad[0] != j):
                continue  # a single cell moves one balance, so only the one failing descriptor can be fixed
            for v in range(cim.sizes[j]):
                col = int(cim.offsets[j] + v)
                for r in active:
                    old = int(values[r, col])
                    if v == z[j]:
                        delta = -(int(margin[j]) + 1) if consistent else -int(margin[j])
                    else:
                        other = rival2[j] if v == rival_at[j] else rival1[j]
                        if consistent:
                            delta = int(chosen[j] + tolerance - bal[col]) + 1
                        elif v == rival_at[j] and chosen[j] + tolerance - other >= 0:
                            delta = int(chosen[j] + tolerance - bal[col])
                        else:
                            continue
                    limit = max_change
                    if uncertainty is not None:
                        limit = min(limit, int(np.asarray(uncertainty)[r, col]))
                    new = old + delta
                    if delta == 0 or abs(delta) > limit or not lo_b <= new <= hi_b:
                        continue
                    if v == z[j]:
                        after = int(margin[j]) + delta
                    else:
                        after = int(chosen[j] + tolerance - max(bal[col] + delta, other))
                    changes.append(
                        CellChange(
                            s,
                            _label(cim, int(r)),
                            _label(cim, col),
                            old,
                            new,
                            "breaks" if consistent else "makes",
                            cim.descriptor_ids[j],
                            int(margin[j]),
                            after,
                        )
                    )
        changes.sort(key=lambda c: (abs(c.delta), c.descriptor, c.row, c.column))
        out.append(changes)
    return out
