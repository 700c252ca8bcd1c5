"""Sensitivity: which single judgements (cells) make or break each scenario, from balance margins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = [
    "ImpactChange",
    "JudgementEffect",
    "Sensitivity",
    "editable_impacts",
    "inert_descriptors",
    "judgement_effects",
    "sensitivity",
]


@dataclass(frozen=True)
class ImpactChange:
    """One impact change that flips a scenario's consistency.

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


@accepts_system("cim", to="matrix")
@accepts_system("system", optional=True)
def editable_impacts(cim, system=None) -> np.ndarray:
    """Which cells a judgement may be given in (boolean, the matrix's shape).

    Every cell between two different descriptors; a diagonal block (a descriptor acting on
    itself) only where the system has a section on it with ``diagonal: true``, as the model
    format requires. Without a system, the diagonal blocks that already hold a nonzero cell
    (a matrix read from a ScenarioWizard file, say) count as judged.
    """
    ok = np.ones(cim.values.shape, dtype=bool)
    diagonal = set()
    if system is not None:
        diagonal = {imp.source for imp in system.impacts if imp.source == imp.target and imp.diagonal}
    for i, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        block = np.s_[int(off) : int(off) + size, int(off) : int(off) + size]
        judged = cim.descriptor_ids[i] in diagonal if system is not None else cim.values[block].any()
        ok[block] = judged
    return ok


@accepts_system("cim", to="matrix")
def inert_descriptors(cim) -> list[int]:
    """Descriptors no cell acts on (every column of theirs is 0): every scenario is indifferent to them."""
    out = []
    for j, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        if cim.sizes[j] > 1 and not cim.values[:, int(off) : int(off) + size].any():
            out.append(j)
    return out


@accepts_system("cim", to="matrix")
def sensitivity(
    cim,
    scenarios,
    *,
    tolerance: int = 0,
    max_change: int = 1,
    bounds: tuple[int, int] | None = None,
    uncertainty=None,
    editable=None,
) -> list[list[ImpactChange]]:
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
    editable : boolean array, optional
        The cells that may change; by default :func:`editable_impacts` of the matrix (no
        proposal inside a diagonal block that holds no judgement).

    Returns
    -------
    list of list of ImpactChange
        Per scenario, its flipping changes, smallest ``|delta|`` first.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 1, 1], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> [(c.row, c.column, c.old, c.new, c.effect) for c in sensitivity(cim, [[0, 0]])[0]]
    [('D1.v1', 'D2.v1', 1, 0, 'breaks'), ('D1.v1', 'D2.v2', 1, 2, 'breaks')]

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
    editable = editable_impacts(cim) if editable is None else np.asarray(editable, dtype=bool)
    values = cim.values
    out: list[list[ImpactChange]] = []
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
        changes: list[ImpactChange] = []
        for j in range(n):
            if cim.sizes[j] < 2:
                continue
            if not consistent and (len(bad) > 1 or bad[0] != j):
                continue  # a single cell moves one balance, so only the one failing descriptor can be fixed
            for v in range(cim.sizes[j]):
                col = int(cim.offsets[j] + v)
                for r in active:
                    if not editable[r, col]:
                        continue
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
                        ImpactChange(
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


@dataclass(frozen=True)
class JudgementEffect:
    """One judgement change and everything it makes or breaks.

    The cell ``row`` → ``column`` (``descriptor.variant`` each) moves from ``old`` to ``new``;
    ``breaks``/``makes`` are the labels of the scenarios that stop/start being consistent
    (of those examined), ``claims_broken``/``claims_made`` the ids of the claims that stop/start
    passing.
    """

    row: str
    column: str
    old: int
    new: int
    breaks: list[str]
    makes: list[str]
    claims_broken: list[str]
    claims_made: list[str]

    @property
    def text(self) -> str:
        """The effect in words: "moving a.x → b.y from +2 to 0 breaks S4 and C1"."""

        def join(items: list[str]) -> str:
            return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

        def signed(v: int) -> str:
            return f"{v:+d}" if v else "0"

        parts = []
        if self.breaks or self.claims_broken:
            parts.append("breaks " + join(self.breaks + self.claims_broken))
        if self.makes or self.claims_made:
            parts.append("makes " + join(self.makes + self.claims_made))
        what = "; ".join(parts) or "changes nothing examined"
        return f"moving {self.row} → {self.column} from {signed(self.old)} to {signed(self.new)} {what}"

    @property
    def rank(self) -> tuple:
        """Sort key: claims moved first, then scenarios moved, then the size of the change."""
        n_claims = len(self.claims_broken) + len(self.claims_made)
        n_scen = len(self.breaks) + len(self.makes)
        return (-n_claims, -n_scen, abs(self.new - self.old), self.row, self.column)

    def to_json(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "old": self.old,
            "new": self.new,
            "breaks": self.breaks,
            "makes": self.makes,
            "claims_broken": self.claims_broken,
            "claims_made": self.claims_made,
            "text": self.text,
        }


@dataclass(frozen=True)
class Sensitivity:
    """What a modeller can act on: the ranked judgement changes, and the descriptors nothing acts on.

    ``per_scenario[k]`` holds the :class:`ImpactChange` list of scenario ``k`` of ``scenarios``
    (an exact search at ``max(tolerance, near)``), labelled ``labels[k]``.
    """

    effects: list[JudgementEffect]
    inert: list[str]
    scenarios: object
    labels: list[str]
    per_scenario: list[list[ImpactChange]]

    def inert_notes(self) -> list[str]:
        """One line per descriptor nothing acts on."""
        return [f"nothing acts on {d}: every scenario is indifferent to it" for d in self.inert]


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def judgement_effects(
    system,
    cim=None,
    *,
    tolerance: int = 0,
    near: int = 1,
    max_change: int = 1,
    claims: bool = True,
) -> Sensitivity:
    """Sensitivity of a system as a modeller can act on it.

    The consistent scenarios (and, with ``near``, those within that inconsistency) are
    examined with :func:`sensitivity`, over the cells the model format allows
    (:func:`editable_impacts`) and leaving out the columns of descriptors nothing acts on
    (:func:`inert_descriptors`, flagged once instead); so are the scenarios under each
    claim's interventions (``given``, ``baseline``), which decide the claims. Each distinct
    change is then applied
    to the matrix: the scenarios it breaks or makes are found by recomputing their
    inconsistency, and, with ``claims``, the claims it breaks or makes by checking them
    again. Changes are ranked by effect: those that move claims first, then by the number
    of scenarios they move. Scenario labels are those of the system's unrestricted
    consistent set (:func:`upheaval.analysis.scenario_labels`).
    """
    from upheaval.analysis._labels import scenario_labels
    from upheaval.cib import batch_measures, compile_system, find_consistent, intervene

    cim = cim if cim is not None else compile_system(system)
    reach = max(int(tolerance), int(near))
    found = find_consistent(cim, reach)
    names = scenario_labels(system, cim, reach, found)
    labels = [names.key(row) for row in found.indices]
    inert = inert_descriptors(cim)

    def changes(matrix, scenarios) -> list[list[ImpactChange]]:
        cells = editable_impacts(matrix, system)
        for j in inert:
            off = int(matrix.offsets[j])
            cells[:, off : off + matrix.sizes[j]] = False
        return sensitivity(matrix, scenarios, tolerance=tolerance, max_change=max_change, editable=cells)

    per = changes(cim, found.indices)
    flat = [f"{d}.{v}" for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True) for v in vs]
    index = {name: k for k, name in enumerate(flat)}
    candidates = {(c.row, c.column, c.new) for row in per for c in row}
    if claims:
        # the scenarios the claims decide on: those under each claim's interventions
        premises = {tuple(sorted((d, str(v)) for d, v in cond.items())): cond
                    for c in system.claims for cond in (c.check.fix, c.check.baseline) if cond}  # fmt: skip
        for cond in premises.values():
            iv = intervene(cim, cond)
            under = find_consistent(iv.cim, reach)
            candidates |= {(c.row, c.column, c.new) for row in changes(iv.cim, under.indices) for c in row}
    candidates = sorted(candidates)
    before = found.inconsistency <= tolerance
    nominal = {}
    evaluate = None
    if claims and system.claims:
        from upheaval.claims import evaluate, matrix_search

        nominal = {c.id: evaluate(cim, c.check, matrix_search()).passed for c in system.claims}
        slack = max((abs(new - int(cim.values[index[row], index[col]])) for row, col, new in candidates), default=0)
        near_sets = _OneCellAway(cim, slack)
    effects = []
    for row, col, new in candidates:
        r, c = index[row], index[col]
        values = cim.values.copy()
        old = int(values[r, c])
        values[r, c] = new
        changed = cim.with_values(values)
        inc, _, _ = batch_measures(changed, found.indices)
        after = inc <= tolerance
        breaks = [labels[k] for k in np.flatnonzero(before & ~after)]
        makes = [labels[k] for k in np.flatnonzero(~before & after)]
        c_broken, c_made = [], []
        if evaluate is not None:
            search = near_sets.search(r, c, new)
            for claim in system.claims:
                now = evaluate(changed, claim.check, search).passed
                if now != nominal[claim.id]:
                    (c_made if now else c_broken).append(claim.id)
        effects.append(JudgementEffect(row, col, old, int(new), breaks, makes, c_broken, c_made))
    effects.sort(key=lambda e: e.rank)
    return Sensitivity(effects, [cim.descriptor_ids[j] for j in inert], found, labels, per)


class _OneCellAway:
    """The claims' searches on matrices one cell away from ``cim``, without searching each again.

    A change of cell ``(r, c)`` by ``delta`` moves the balance of column ``c`` by ``delta`` in
    the scenarios that choose ``r`` and leaves every other balance as it was, so a scenario's
    inconsistency moves by at most ``|delta|`` (under an intervention too, whose matrix is a
    selection of the same cells). The scenarios within ``tolerance`` after a change of at most
    ``slack`` are therefore among those within ``tolerance + slack`` before: each (tolerance,
    intervention) is searched once at that reach, and each changed matrix only re-measures them.
    """

    def __init__(self, cim, slack: int) -> None:
        self.cim = cim
        self.slack = int(slack)
        self.reach: dict = {}

    def _near(self, tolerance: int, fix):
        from upheaval.cib import find_consistent, intervene

        key = (int(tolerance), tuple(sorted((d, str(v)) for d, v in (fix or {}).items())))
        if key not in self.reach:
            iv = intervene(self.cim, fix)
            near = find_consistent(iv.cim, int(tolerance) + self.slack)
            # the full matrix's column of each of the reduced matrix's columns
            cols = np.concatenate([self.cim.offsets[i] + k for i, k in enumerate(iv.keep)])
            self.reach[key] = (iv, near.indices, near.inconsistency, cols)
        return self.reach[key]

    def search(self, row: int, col: int, new: int):
        """The exact search (as :func:`upheaval.claims.matrix_search`) of the matrix with cell ``(row, col)`` set to ``new``."""
        from upheaval.cib import batch_measures

        delta = abs(int(new) - int(self.cim.values[row, col]))

        def search(_changed, tolerance, fix):
            iv, rows, inc, cols = self._near(tolerance, fix)
            within = inc <= int(tolerance) + delta
            rows, inc = rows[within], inc[within]
            at_r, at_c = np.flatnonzero(cols == row), np.flatnonzero(cols == col)
            if at_r.size and at_c.size:  # the cell is part of the intervention's matrix
                values = iv.cim.values.copy()
                values[at_r[0], at_c[0]] = new
                inc, _, _ = batch_measures(iv.cim.with_values(values), rows)
            return iv.to_full(rows[inc <= int(tolerance)])

        return search
