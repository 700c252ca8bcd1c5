"""Modelling warnings: what the consistent scenarios reveal about a valid model's judgements.

Coverage warnings (:func:`upheaval.model.coverage`) read the model file alone; these need the
engine. A modeller is warned when

* ``tie``: a consistent scenario stands on a tie (consistency value 0): some descriptor's
  rival variant has the same impact balance as the chosen one, so the scenario is consistent
  only by the rule that lets ties pass, and the next small change of a judgement decides it
  (Weimer-Jehle 2006, on the consistency value as a measure of a scenario's stability);
* ``unmatched-future``: a named future matches no consistent scenario, nor any under the
  interventions the model itself declares (claims' ``given`` and ``baseline``, period plans'
  scheduled changes), so its name and summary describe nothing the model produces;
* ``restates-judgement``: a claim's premise decides its conclusion by dominance, whatever the
  other descriptors take (:func:`upheaval.analysis.dominance`): it reads its own cells back
  and tests nothing of the system;
* ``constant-descriptor``: a descriptor takes the same variant in every consistent scenario,
  so within the model it is not uncertain (its other variants occur only under interventions).

Context descriptors (``context: true``, set from outside the system) are exempt from the tie
warning, as from the consistency test.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system

__all__ = ["TIE_LIST_LIMIT", "modelling_warnings", "tie_descriptors"]

TIE_LIST_LIMIT = 10
"""Up to this many tied scenarios are warned about one by one; beyond it, in one summary."""


@accepts_system("cim", to="matrix")
def tie_descriptors(cim: Any, indices: np.ndarray, exempt: set[int] = frozenset()) -> list[list[int]]:
    """For each scenario (row of ``indices``), the descriptors whose chosen variant ties with a rival.

    A descriptor ties when its chosen variant's impact balance equals the best balance among its
    other variants (margin 0); descriptors in ``exempt`` and those with a single variant are
    left out.
    """
    idx = np.asarray(indices, dtype=np.int64).reshape(-1, cim.n_descriptors)
    if not len(idx):
        return []
    bal = cim.values[idx + cim.offsets[None, :]].sum(axis=1)
    rows = np.arange(len(idx))
    tied = np.zeros(idx.shape, dtype=bool)
    for j, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
        if size < 2 or j in exempt:
            continue
        block = bal[:, int(off) : int(off) + size]
        chosen = block[rows, idx[:, j]]
        others = np.where(np.arange(size)[None, :] == idx[:, j][:, None], np.iinfo(np.int64).min, block)
        tied[:, j] = chosen == others.max(axis=1)
    return [np.flatnonzero(t).tolist() for t in tied]


def _declared_interventions(system: Any) -> list[tuple[str, dict]]:
    """The interventions the model declares: claims' ``fix`` and ``baseline``, scheduled changes."""
    out: list[tuple[str, dict]] = []
    for claim in system.claims:
        for name in ("fix", "baseline"):
            cond = getattr(claim.check, name)
            if cond:
                out.append((f"claim {claim.id} ({name})", dict(cond)))
    if system.periods is not None:
        for change in system.periods.scheduled:
            out.append((f"period {change.period}", dict(change.fix)))
    seen, unique = set(), []
    for where, cond in out:
        key = tuple(sorted((d, v if isinstance(v, str) else tuple(v)) for d, v in cond.items()))
        if key not in seen:
            seen.add(key)
            unique.append((where, cond))
    return unique


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def modelling_warnings(system: Any, cim: Any = None, result: Any = None, *, budget_seconds: float = 10.0) -> list:
    """Every modelling warning of a valid system (see the module's description), as coverage findings.

    Parameters
    ----------
    system : System
    cim : CrossImpactMatrix, optional
        Its compiled matrix.
    result : ScenarioSet, optional
        Its consistent scenarios at tolerance 0 with no intervention, when already searched.
    budget_seconds : float
        A search estimated to take longer is not run; one ``info`` finding says so instead.

    Returns
    -------
    list of :class:`upheaval.model.Finding`

    Examples
    --------
    >>> from upheaval import load
    >>> sorted({f.code for f in modelling_warnings(load("tests/data/rigged.yaml"))})
    ['constant-descriptor', 'restates-judgement', 'tie']
    """
    from upheaval import cib
    from upheaval.analysis._audit import dominance
    from upheaval.analysis._labels import scenario_labels
    from upheaval.errors import SearchBudgetExceeded
    from upheaval.model import Finding

    cim = cim if cim is not None else cib.compile_system(system)
    out: list[Finding] = []
    for k, claim in enumerate(system.claims):
        dom = dominance(cim, claim.check)
        if dom.restates:
            out.append(
                Finding(
                    "warning",
                    "restates-judgement",
                    f"claim `{claim.id}` restates its judgement: {dom.reason}",
                    f"claims[{k}].check",
                    "state a conclusion the rest of the system decides (a descriptor further along, or a premise "
                    "that leaves its drivers open), or drop the claim",
                )
            )
    if result is None or result.fix or result.where or result.tolerance:
        try:
            result = cib.find_consistent(cim, 0, budget_seconds=budget_seconds)
        except SearchBudgetExceeded:
            out.append(
                Finding(
                    "info",
                    "search-skipped",
                    f"the consistent scenarios were not searched (estimated over {budget_seconds:g} s), so ties, "
                    "futures and constant descriptors are not checked",
                    "descriptors",
                    "run `upheaval scenarios MODEL` to search them",
                )
            )
            return out
    indices = np.asarray(result.indices, dtype=np.int64)
    context = {j for j, d in enumerate(system.descriptors) if getattr(d, "context", False)}
    labels = scenario_labels(system, cim, 0, result)
    ties = [(row, t) for row, t in zip(indices, tie_descriptors(cim, indices, context), strict=True) if t]
    ids = cim.descriptor_ids
    help_tie = "strengthen or weaken a judgement into that descriptor so that one variant wins"
    if len(ties) <= TIE_LIST_LIMIT:
        for row, t in ties:
            label = labels.label(row)
            names = ", ".join(f"{ids[j]} ({cim.variant_ids[j][int(row[j])]})" for j in t)
            out.append(
                Finding(
                    "warning",
                    "tie",
                    f"consistent scenario {label} stands on a tie (consistency value 0): {names}",
                    "impacts",
                    f"{help_tie}; `upheaval explain {labels.key(row)}` shows the rows",
                )
            )
    else:
        count: dict[int, int] = {}
        for _row, t in ties:
            for j in t:
                count[j] = count.get(j, 0) + 1
        top = ", ".join(f"{ids[j]} ({n})" for j, n in sorted(count.items(), key=lambda x: -x[1])[:5])
        first = ", ".join(labels.key(row) for row, _ in ties[:TIE_LIST_LIMIT])
        out.append(
            Finding(
                "warning",
                "tie",
                f"{len(ties)} of {len(indices)} consistent scenarios stand on a tie (consistency value 0), e.g. "
                f"{first}; descriptors that tie most: {top}",
                "impacts",
                f"{help_tie}; `upheaval explain S1` shows the rows",
            )
        )
    if len(indices) >= 2:
        for j, d in enumerate(system.descriptors):
            if j in context:
                continue
            used = set(indices[:, j].tolist())
            if len(used) == 1:
                v = d.variants[used.pop()]
                out.append(
                    Finding(
                        "warning",
                        "constant-descriptor",
                        f"descriptor `{d.id}` is `{v.id}` in every consistent scenario ({len(indices)}): within "
                        "the model it is not uncertain",
                        f"descriptors[{j}]",
                        "check the judgements into it, or merge or drop it",
                    )
                )
    if system.futures:
        names = [cim.scenario_names(r) for r in indices]
        unmatched = [(k, f) for k, f in enumerate(system.futures) if not any(f.matches(n) for n in names)]
        if unmatched:
            declared = _declared_interventions(system)
            under: list[list[dict[str, str]]] = []  # the consistent scenarios under each, searched once

            def matched(future) -> bool:
                for k, (_where, cond) in enumerate(declared):
                    if k == len(under):
                        under.append([cim.scenario_names(r) for r in cib.find_consistent(cim, 0, fix=cond).indices])
                    if any(future.matches(n) for n in under[k]):
                        return True
                return False

            where = " nor any under the model's interventions" if declared else ""
            for k, f in unmatched:
                if not matched(f):
                    out.append(
                        Finding(
                            "warning",
                            "unmatched-future",
                            f"future `{f.id}` ({f.name}) matches no consistent scenario{where}",
                            f"futures[{k}].match",
                            "narrow or drop its `match`, or check the judgements that should make it consistent",
                        )
                    )
    return out
