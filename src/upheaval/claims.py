"""Evaluate a system's claims: conclusions written as checks over its consistent scenarios."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from upheaval import cib
from upheaval._text import counted, of_consistent
from upheaval.model import Claim, System

__all__ = ["ClaimResult", "check_claims", "matches"]


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of one claim: whether it holds, why, and the scenarios that decide it.

    ``scenarios`` holds deciding scenarios as ``{descriptor: variant}`` mappings: the
    counterexamples when a claim fails, otherwise the scenarios that support it.
    """

    id: str
    text: str
    cites: list[str]
    passed: bool
    detail: str
    scenarios: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        """The JSON shape of ``upheaval check --json``."""
        return {
            "id": self.id,
            "text": self.text,
            "cites": self.cites,
            "passed": self.passed,
            "detail": self.detail,
            "scenarios": self.scenarios,
        }


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


def _evaluate(
    cim: cib.CrossImpactMatrix, claim: Claim, n_jobs: int | None = None
) -> tuple[bool, str, list[dict[str, str]]]:
    chk = claim.check
    if chk.kind == "consistent":
        scenario = cim.scenario_indices(chk.scenario)
        inc = cib.inconsistency(cim, scenario)
        ok = inc <= chk.tolerance
        return ok, f"inconsistency {inc} (tolerance {chk.tolerance})", [chk.scenario]
    idx = cib.find_consistent(cim, chk.tolerance, fix=chk.given or None, n_jobs=n_jobs).indices
    given = f" given {_describe(chk.given)}" if chk.given else ""
    if chk.kind == "implies":
        sel = idx[matches(cim, idx, chk.if_)]
        bad = sel[~matches(cim, sel, chk.then)]
        having = f" with {_describe(chk.if_)}" if chk.if_ else ""
        if len(sel) == 0:
            return False, f"vacuous: no consistent scenario{given}{having}", []
        if len(bad):
            return (
                False,
                f"{len(bad)} of {counted(len(sel), 'consistent scenario')}{given}{having} "
                f"{'does' if len(bad) == 1 else 'do'} not have {_describe(chk.then)}",
                _names(cim, bad),
            )
        verb = "has" if len(sel) == 1 else "have"
        return True, f"{of_consistent(len(sel))}{given}{having} {verb} {_describe(chk.then)}", _names(cim, sel)
    if chk.kind in ("exists", "never"):
        hit = idx[matches(cim, idx, chk.match)]
        what = f"{len(hit)} of {counted(len(idx), 'consistent scenario')}{given} match {_describe(chk.match)}"
        return (len(hit) > 0) == (chk.kind == "exists"), what, _names(cim, hit)
    # lowers
    base = cib.find_consistent(cim, chk.tolerance, fix=chk.baseline or None, n_jobs=n_jobs).indices
    if len(idx) == 0 or len(base) == 0:
        which = "intervention" if len(idx) == 0 else "baseline"
        return False, f"no consistent scenario under the {which}: nothing to compare", []
    share = matches(cim, idx, chk.outcome).mean()
    share0 = matches(cim, base, chk.outcome).mean()
    ok = share0 > 0 and share <= chk.at_most * share0
    baseline = _describe(chk.baseline) if chk.baseline else "no intervention"
    detail = (
        f"share with {_describe(chk.outcome)}: {share:.0%} of {counted(len(idx), 'scenario')}{given}, "
        f"against {share0:.0%} of {len(base)} under {baseline} (required ratio <= {chk.at_most:g})"
    )
    return bool(ok), detail, _names(cim, idx[matches(cim, idx, chk.outcome)])


def check_claims(
    system: System, cim: cib.CrossImpactMatrix | None = None, n_jobs: int | None = None
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
    """
    cim = cim if cim is not None else cib.compile_system(system)
    out = []
    for claim in system.claims:
        passed, detail, scenarios = _evaluate(cim, claim, n_jobs)
        out.append(
            ClaimResult(
                id=claim.id,
                text=claim.text,
                cites=[c.label() for c in claim.cites],
                passed=passed,
                detail=detail,
                scenarios=scenarios,
            )
        )
    return out
