"""Evaluate a system's claims: conclusions written as checks over its consistent scenarios."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from upheaval import cib
from upheaval._system_arg import accepts_system
from upheaval._text import counted, of_consistent
from upheaval.model import ClaimCheck, System

__all__ = ["ClaimResult", "Outcome", "check_claims", "evaluate", "matches", "matrix_search", "verdicts"]


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one claim: whether it holds, why, and the scenarios that decide it.

    ``scenarios`` holds deciding scenarios as ``{descriptor: variant}`` mappings: the
    counterexamples when a claim fails, otherwise the scenarios that support it.
    ``support`` counts the consistent scenarios on each side the claim compares
    (e.g. ``{"premise": 4}`` for ``implies``, ``{"intervention": 3, "baseline": 9}`` for
    ``lowers``); ``vacuous`` is True when a side has none (the claim then fails);
    ``warnings`` say when a side rests on a single scenario (thin support).
    """

    id: str
    text: str
    cites: list[str]
    passed: bool
    detail: str
    scenarios: list[dict[str, str]] = field(default_factory=list)
    vacuous: bool = False
    support: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The JSON shape of ``upheaval check --json``."""
        return {
            "id": self.id,
            "text": self.text,
            "cites": self.cites,
            "passed": self.passed,
            "detail": self.detail,
            "vacuous": self.vacuous,
            "support": self.support,
            "warnings": self.warnings,
            "scenarios": self.scenarios,
        }


@dataclass(frozen=True)
class Outcome:
    """What evaluating one claim check against one matrix gives (see :func:`evaluate`)."""

    passed: bool
    detail: str
    scenarios: list[dict[str, str]] = field(default_factory=list)
    vacuous: bool = False
    support: dict[str, int] = field(default_factory=dict)

    def warnings(self) -> list[str]:
        """Thin support: a side of the comparison that rests on one scenario."""
        return [f"thin support: {side} rests on {n} consistent scenario" for side, n in self.support.items() if n == 1]


@accepts_system("cim", to="matrix")
def matches(
    cim: cib.CrossImpactMatrix, indices: np.ndarray, condition: Mapping[str, str | Sequence[str]]
) -> np.ndarray:
    """Boolean mask of the scenarios (rows of ``indices``) that satisfy ``condition``.

    A condition maps descriptors to a variant or a list of acceptable variants.
    """
    mask = np.ones(len(indices), dtype=bool)
    for d, allowed in cim.condition_indices(condition).items():
        mask &= np.isin(indices[:, d], allowed)
    return mask


def _describe(condition: Mapping[str, str | Sequence[str]]) -> str:
    parts = []
    for d, v in condition.items():
        parts.append(f"{d}={'|'.join(v) if not isinstance(v, str) else v}")
    return ", ".join(parts) or "(any)"


def _names(cim: cib.CrossImpactMatrix, rows: np.ndarray, limit: int = 5) -> list[dict[str, str]]:
    return [cim.scenario_names(r) for r in rows[:limit]]


Search = Callable[[cib.CrossImpactMatrix, int, Mapping[str, str | Sequence[str]] | None], np.ndarray]


def matrix_search() -> Search:
    """An exact search for one matrix, cached per (tolerance, intervention): claims that share a
    premise share its search. Make one per matrix (the cache does not look at the matrix).
    """
    cache: dict = {}

    def search(cim, tolerance, fix):
        key = (int(tolerance), tuple(sorted((d, str(v)) for d, v in (fix or {}).items())))
        if key not in cache:
            cache[key] = cib.find_consistent(cim, tolerance, fix=fix or None).indices
        return cache[key]

    return search


@accepts_system("cim", to="matrix")
def evaluate(
    cim: cib.CrossImpactMatrix, check: ClaimCheck, search: Search | None = None, n_jobs: int | None = None
) -> Outcome:
    """Evaluate one claim check against the matrix ``cim``.

    ``given`` and ``baseline`` are interventions (:func:`upheaval.cib.find_consistent`'s
    ``fix``), ``if`` a filter over the consistent scenarios. A side of the comparison with
    no consistent scenario makes the claim fail as vacuous. ``search(cim, tolerance,
    fix)`` may replace the exact search (e.g. with a cache); ``n_jobs`` goes to the exact search.
    """
    if search is None:

        def search(cim, tolerance, fix):
            return cib.find_consistent(cim, tolerance, fix=fix or None, n_jobs=n_jobs).indices

    chk = check
    if chk.kind == "consistent":
        scenario = cim.scenario_indices(chk.scenario)
        inc = cib.inconsistency(cim, scenario)
        ok = inc <= chk.tolerance
        return Outcome(ok, f"inconsistency {inc} (tolerance {chk.tolerance})", [chk.scenario])
    idx = search(cim, chk.tolerance, chk.fix)
    given = f" given {_describe(chk.fix)}" if chk.fix else ""
    if chk.kind == "implies":
        sel = idx[matches(cim, idx, chk.where)]
        bad = sel[~matches(cim, sel, chk.then)]
        having = f" with {_describe(chk.where)}" if chk.where else ""
        support = {"premise": len(sel)}
        if len(sel) == 0:
            return Outcome(False, f"vacuous: no consistent scenario{given}{having}", [], True, support)
        if len(bad):
            return Outcome(
                False,
                f"{len(bad)} of {counted(len(sel), 'consistent scenario')}{given}{having} "
                f"{'does' if len(bad) == 1 else 'do'} not have {_describe(chk.then)}",
                _names(cim, bad),
                support=support,
            )
        verb = "has" if len(sel) == 1 else "have"
        return Outcome(
            True,
            f"{of_consistent(len(sel))}{given}{having} {verb} {_describe(chk.then)}",
            _names(cim, sel),
            support=support,
        )
    if chk.kind in ("exists", "never"):
        support = {"consistent set": len(idx)}
        if len(idx) == 0:
            return Outcome(False, f"vacuous: no consistent scenario{given}", [], True, support)
        hit = idx[matches(cim, idx, chk.match)]
        what = f"{len(hit)} of {counted(len(idx), 'consistent scenario')}{given} match {_describe(chk.match)}"
        return Outcome((len(hit) > 0) == (chk.kind == "exists"), what, _names(cim, hit), support=support)
    # lowers
    base = search(cim, chk.tolerance, chk.baseline)
    baseline = _describe(chk.baseline) if chk.baseline else "no intervention"
    support = {"intervention": len(idx), "baseline": len(base)}
    if len(idx) == 0 or len(base) == 0:
        which = f"under the intervention {_describe(chk.fix)}" if len(idx) == 0 else f"under {baseline}"
        return Outcome(False, f"vacuous: no consistent scenario {which}: nothing to compare", [], True, support)
    share = matches(cim, idx, chk.outcome).mean()
    share0 = matches(cim, base, chk.outcome).mean()
    at_most = chk.at_most if chk.at_most is not None else 1.0
    ok = share0 > 0 and share <= at_most * share0
    detail = (
        f"share with {_describe(chk.outcome)}: {share:.0%} of {counted(len(idx), 'scenario')}{given}, "
        f"against {share0:.0%} of {len(base)} under {baseline} (required ratio <= {at_most:g})"
    )
    return Outcome(bool(ok), detail, _names(cim, idx[matches(cim, idx, chk.outcome)]), support=support)


Consistent = Callable[[int, Mapping[str, str | Sequence[str]] | None], np.ndarray]


@accepts_system("cim", to="matrix")
def verdicts(
    cim: cib.CrossImpactMatrix, check: ClaimCheck, scenarios: np.ndarray, consistent: Consistent
) -> np.ndarray:
    """Whether ``check`` passes against each of several matrices at once: :func:`evaluate`'s ``passed``, per matrix.

    ``scenarios`` holds every scenario of the matrices' space (rows of variant indices; all the
    matrices share ``cim``'s descriptors and variants); ``consistent(tolerance, fix)`` gives a
    boolean array, one row per matrix and one column per scenario, marking those consistent
    within ``tolerance`` under the intervention ``fix``, as :func:`upheaval.cib.find_consistent`
    finds them. The verdicts are :func:`evaluate`'s, read from counts over those rows (a
    ``consistent`` check passes where its scenario is in the consistent set within its
    tolerance: that set is exactly the scenarios whose inconsistency is at most the tolerance).
    """
    chk = check
    if chk.kind == "consistent":
        return (consistent(chk.tolerance, None) & matches(cim, scenarios, chk.scenario)).any(axis=1)
    ok = consistent(chk.tolerance, chk.fix)
    if chk.kind == "implies":
        sel = ok & matches(cim, scenarios, chk.where)
        return sel.any(axis=1) & ~(sel & ~matches(cim, scenarios, chk.then)).any(axis=1)
    if chk.kind in ("exists", "never"):
        hit = (ok & matches(cim, scenarios, chk.match)).any(axis=1)
        return ok.any(axis=1) & (hit if chk.kind == "exists" else ~hit)
    # lowers: the shares as evaluate's means (a count over a count, in float64)
    base = consistent(chk.tolerance, chk.baseline)
    outcome = matches(cim, scenarios, chk.outcome)
    n, n0 = ok.sum(axis=1), base.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (ok & outcome).sum(axis=1) / n
        share0 = (base & outcome).sum(axis=1) / n0
    at_most = chk.at_most if chk.at_most is not None else 1.0
    return (n > 0) & (n0 > 0) & (share0 > 0) & (share <= at_most * share0)


@accepts_system("system")
@accepts_system("cim", to="matrix", optional=True)
def check_claims(
    system: System, cim: cib.CrossImpactMatrix | None = None, n_jobs: int | None = None, search: Search | None = None
) -> list[ClaimResult]:
    """Evaluate every claim of ``system`` against its consistent scenarios.

    Parameters
    ----------
    system : System
        A validated system.
    cim : CrossImpactMatrix, optional
        Its compiled matrix (compiled here when not given).
    n_jobs : int, optional
        Worker threads of each search (see :func:`upheaval.cib.find_consistent`).
    search : callable, optional
        Replaces the exact search, as for :func:`evaluate` (e.g. :func:`matrix_search` in a
        long-running process, where the compiled kernels pay off).
    """
    cim = cim if cim is not None else cib.compile_system(system)
    out = []
    for claim in system.claims:
        res = evaluate(cim, claim.check, search, n_jobs=n_jobs)
        out.append(
            ClaimResult(
                id=claim.id,
                text=claim.text,
                cites=[c.label() for c in claim.cites],
                passed=res.passed,
                detail=res.detail,
                scenarios=res.scenarios,
                vacuous=res.vacuous,
                support=res.support,
                warnings=res.warnings(),
            )
        )
    return out
