"""Brute-force reference: score every scenario. For tests and small systems only."""

from __future__ import annotations

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.cib._compile import CrossImpactMatrix

__all__ = ["all_scenarios", "brute_force_consistent"]


@accepts_system("cim", to="matrix")
def all_scenarios(cim: CrossImpactMatrix) -> np.ndarray:
    """Every scenario as a row of 0-based variant indices (first descriptor most significant)."""
    grids = np.meshgrid(*[np.arange(s) for s in cim.sizes], indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1).astype(np.int64)


@accepts_system("cim", to="matrix")
def brute_force_consistent(
    cim: CrossImpactMatrix, tolerance: int = 0, fix=None, where=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All scenarios with inconsistency <= ``tolerance``: (scenarios, inconsistency, total impact score).

    Balances include the diagonal blocks, as in ScenarioWizard. The definitions are applied
    literally on the full matrix: a scenario must take the variants of ``fix`` and
    ``where``; an intervened descriptor (``fix``) is compared only with its other allowed
    variants (Weimer-Jehle 2006, intervention analysis), every other descriptor with all
    of its variants.
    """
    from upheaval.cib._intervene import normalize_condition

    fix_n = normalize_condition(cim, fix, "fix")
    where_n = normalize_condition(cim, where, "where")
    sc = all_scenarios(cim)
    ok = np.ones(len(sc), dtype=bool)
    for cond in (fix_n, where_n):
        for i, vs in cond.items():
            ok &= np.isin(sc[:, i], vs)
    sc = sc[ok]
    rows = sc + cim.offsets[None, :]
    balance = cim.values[rows].sum(axis=1)  # (n_scen, V): balance of every variant
    inc = np.zeros(len(sc), dtype=np.int64)
    tis = np.zeros(len(sc), dtype=np.int64)
    for i, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        block = balance[:, off : off + size]
        chosen = block[np.arange(len(sc)), sc[:, i]]
        rivals = block[:, list(fix_n[i])] if i in fix_n else block
        if rivals.shape[1]:
            inc = np.maximum(inc, rivals.max(axis=1) - chosen)
        tis += chosen
    keep = inc <= tolerance
    return sc[keep], inc[keep], tis[keep]
