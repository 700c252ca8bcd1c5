"""Audit of a system's claims: do they rest on their own judgements, and how robust are they?

A claim about the consistent scenarios is only worth checking if the judgements it is
about decide it. For each claim the audit finds, in the compiled matrix, the judgement
sections (blocks of cells from one descriptor to another) from its premise descriptors
(``fix``, ``where``, ``baseline``) into its conclusion descriptors (``then``, ``match``,
``outcome``; every descriptor of a ``consistent`` claim's scenario) or, when there are
none, every section into its conclusion descriptors. Each section is then reversed
(its cells negated) and removed (set to 0), one at a time and all together, and the
claim re-checked. A claim that still passes with all of them reversed is "not tested by
its own judgements": it would hold whatever the author had judged there.

A claim also "restates its judgement" when its conclusion follows from its premise by
dominance alone: holding the premise's variants, variants that lose to a rival whatever the
other descriptors take (their worst case, descriptor by descriptor) are struck out, again and
again, and what is left already decides the conclusion. Such a claim reads its own cells
back: it would hold in any system with those cells, whichever futures are consistent (see
:func:`dominance`).

The claim's robustness is the share of Monte Carlo samples of the matrix (each judged
cell moved by a uniform integer within its uncertainty, clipped to the scale, as in
:func:`upheaval.analysis.robustness`) in which it holds, with a Wilson interval. A small space's
samples are judged together on one table of all its scenarios, with the verdicts a search per sample
and claim gives (:func:`upheaval.claims.verdicts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._basins import wilson_interval
from upheaval.analysis._parallel import spawn_seeds
from upheaval.analysis._robustness import DEFAULT_UNCERTAINTY, sample_matrix, uncertainty_matrix

__all__ = [
    "ClaimAudit",
    "Dominance",
    "SectionTest",
    "audit_claims",
    "audit_note",
    "change_sections",
    "claim_sections",
    "dominance",
]


@dataclass(frozen=True)
class SectionTest:
    """One judgement section (``source`` → ``target``) and whether the claim passes with it reversed, removed."""

    source: str
    target: str
    reversed_passes: bool
    removed_passes: bool
    reversed_detail: str
    removed_detail: str

    def to_json(self) -> dict:
        return {
            "section": f"{self.source} -> {self.target}",
            "reversed_passes": self.reversed_passes,
            "removed_passes": self.removed_passes,
            "reversed_detail": self.reversed_detail,
            "removed_detail": self.removed_detail,
        }


@dataclass(frozen=True)
class ClaimAudit:
    """The audit of one claim.

    ``passed`` is the nominal result; ``sections`` the judgement sections it rests on, each
    tested; ``all_reversed_passes``/``all_removed_passes`` the claim with all of them changed
    at once (None when it rests on none); ``tested`` is False when the claim passes and
    still passes with all of them reversed, or rests on no section at all. ``restates`` says
    how its premise decides its conclusion by dominance alone ('' when it does not: see
    :func:`dominance`). ``hits`` of
    ``n_samples`` sampled matrices keep the claim passing (``share``, ``low``..``high``).
    """

    id: str
    passed: bool
    detail: str
    basis: str
    sections: list[SectionTest]
    all_reversed_passes: bool | None
    all_removed_passes: bool | None
    tested: bool
    hits: int
    n_samples: int
    share: float
    low: float
    high: float
    warnings: list[str] = field(default_factory=list)
    restates: str = ""

    @property
    def sound(self) -> bool:
        """It passes, fails with its own judgements reversed, and does not restate its judgement."""
        return self.passed and self.tested and not self.restates

    @property
    def verdict(self) -> str:
        """The audit's conclusion in words."""
        if not self.passed:
            return "fails as stated"
        if self.restates:
            return f"restates its judgement: {self.restates}; {self._reversal()}"
        return self._reversal()

    def _reversal(self) -> str:
        if not self.sections:
            return "not tested by its own judgements: no judgement section acts on its conclusion"
        if not self.tested:
            return "not tested by its own judgements: it still passes with all of them reversed"
        flips = [s for s in self.sections if not s.reversed_passes]
        if flips:
            names = ", ".join(f"{s.source} → {s.target}" for s in flips[:3])
            more = f" (and {len(flips) - 3} more, each alone)" if len(flips) > 3 else ""
            return f"tested: reversing {names}{more} makes it fail"
        return "tested: reversing all its sections together makes it fail"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "passed": self.passed,
            "detail": self.detail,
            "basis": self.basis,
            "sections": [s.to_json() for s in self.sections],
            "all_reversed_passes": self.all_reversed_passes,
            "all_removed_passes": self.all_removed_passes,
            "tested": self.tested,
            "restates": self.restates,
            "verdict": self.verdict,
            "robustness": {
                "holds_in": self.hits,
                "n_samples": self.n_samples,
                "share": self.share,
                "low": self.low,
                "high": self.high,
            },
            "warnings": self.warnings,
        }


def _descriptors(*conds) -> list[str]:
    out: list[str] = []
    for cond in conds:
        for d in cond:
            if d not in out:
                out.append(d)
    return out


@accepts_system("cim", to="matrix")
def claim_sections(cim, check) -> tuple[list[tuple[int, int]], str]:
    """The judgement sections a claim check rests on, as (source, target) descriptor indices, and why.

    Sections are the nonzero blocks of the compiled matrix: those from the premise
    descriptors into the conclusion descriptors, or, when there are none, every block
    into the conclusion descriptors (see the module docstring).
    """
    premise = _descriptors(check.fix, check.where, check.baseline)
    conclusion = _descriptors(check.then, check.match, check.outcome, check.scenario)
    pos = {d: k for k, d in enumerate(cim.descriptor_ids)}
    p = [pos[d] for d in premise if d in pos]
    q = [pos[d] for d in conclusion if d in pos]

    def nonzero(i: int, j: int) -> bool:
        oi, oj = int(cim.offsets[i]), int(cim.offsets[j])
        return bool(cim.values[oi : oi + cim.sizes[i], oj : oj + cim.sizes[j]].any())

    direct = [(i, j) for j in q for i in p if nonzero(i, j)]
    if direct:
        return direct, "from its premise into its conclusion"
    into = [(i, j) for j in q for i in range(cim.n_descriptors) if nonzero(i, j)]
    what = "no section from its premise into its conclusion; " if p else ""
    return into, what + "every section into its conclusion"


@accepts_system("cim", to="matrix")
def change_sections(cim, sections: list[tuple[int, int]], how: str):
    """A copy of ``cim`` with the given sections reversed (``how="reverse"``: cells negated) or removed (zeroed)."""
    values = cim.values.copy()
    for i, j in sections:
        oi, oj = int(cim.offsets[i]), int(cim.offsets[j])
        block = values[oi : oi + cim.sizes[i], oj : oj + cim.sizes[j]]
        block[...] = -block if how == "reverse" else 0
    return cim.with_values(values)


@dataclass(frozen=True)
class Dominance:
    """What a claim's premise decides by dominance alone (see :func:`dominance`).

    ``decided`` maps each descriptor whose variants the premise narrows to the variants left
    to it, in the order they were narrowed; ``by`` maps it to the descriptors whose rows did
    it. ``restates`` is True when that already decides the claim; ``reason`` says how.
    """

    decided: dict[str, tuple[str, ...]]
    by: dict[str, tuple[str, ...]]
    restates: bool
    reason: str = ""

    def to_json(self) -> dict:
        return {
            "restates": self.restates,
            "reason": self.reason,
            "decided": {d: list(v) for d, v in self.decided.items()},
        }


def _strike(
    cim, domains: list[set[int]], pools: dict[int, list[int]], start: list[set[int]]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Strike out, until nothing changes, each variant some rival beats whatever the other descriptors take.

    Variant ``u`` of descriptor ``j`` goes when a rival ``w`` (any variant of ``j``, or one of
    ``pools[j]`` for a descriptor held by an intervention) has the higher balance in the worst
    case, ``sum_i min over the variants a open to descriptor i of (V[a, w] - V[a, u]) > 0``.
    Sound: a struck-out variant is in no consistent scenario. Returns, for each narrowed
    descriptor, the descriptors whose rows told ``w`` and ``u`` apart, and those of them that
    had been narrowed already (from ``start``) when they did.
    """
    V, off = cim.values, cim.offsets
    by: dict[int, set[int]] = {}
    needs: dict[int, set[int]] = {}
    changed = True
    while changed:
        changed = False
        rows = [np.array([int(off[i]) + a for a in sorted(domains[i])]) for i in range(cim.n_descriptors)]
        for j in range(cim.n_descriptors):
            oj = int(off[j])
            for u in sorted(domains[j]):
                if len(domains[j]) == 1:
                    break
                for w in pools.get(j, range(cim.sizes[j])):
                    if w == u:
                        continue
                    diffs = [V[r, oj + w] - V[r, oj + u] for r in rows]
                    if sum(int(d.min()) for d in diffs) > 0:
                        domains[j].discard(u)
                        movers = {i for i, d in enumerate(diffs) if d.any()}
                        by.setdefault(j, set()).update(movers)
                        needs.setdefault(j, set()).update(i for i in movers if i != j and domains[i] != start[i])
                        rows[j] = np.array([oj + a for a in sorted(domains[j])])
                        changed = True
                        break
    return by, needs


@accepts_system("cim", to="matrix")
def dominance(cim, check) -> Dominance:
    """Whether a claim check restates its judgement: its premise decides it by dominance alone.

    The premise's variants are held (``fix`` as allowed sets, compared among themselves
    only; ``if`` narrowing the descriptor's own variants). Then every variant that a rival
    beats whatever the other descriptors take (each at its worst) is struck out, again and
    again as the struck variants narrow the rest: a sound relaxation of CIB's consistency
    condition (Weimer-Jehle 2006), a chain of single judgements with no feedback from the
    rest of the system. The claim *restates its judgement* when what is left decides it: for
    ``implies`` every descriptor of ``then`` keeps only variants ``then`` allows; for
    ``exists`` likewise for ``match``; for ``never`` some descriptor of ``match`` keeps none of
    them, with the rest of ``match`` held too (each way round); for ``lowers`` the outcome is
    ruled out under ``fix``. It would then hold in any
    system with those cells, whichever futures are consistent. ``consistent`` claims are
    about one scenario and never restate.

    Examples
    --------
    >>> from upheaval import load
    >>> from upheaval.cib import compile_system
    >>> s = load("tests/data/rigged.yaml")
    >>> [dominance(compile_system(s), c.check).restates for c in s.claims]
    [True, True]
    """
    if check.kind == "consistent":
        return Dominance({}, {}, False)
    if check.kind == "never" and len(check.match) > 1:
        # "never A and B" is "if A then not B" read every way round: it restates when holding
        # all of the match but one descriptor already rules that one out
        for d in check.match:
            rest = {k: v for k, v in check.match.items() if k != d}
            split = check.model_copy(update={"where": {**check.where, **rest}, "match": {d: check.match[d]}})
            found = dominance(cim, split)
            if found.restates:
                return found
        return Dominance({}, {}, False)
    domains = [set(range(n)) for n in cim.sizes]
    given = cim.condition_indices(check.fix)
    for i, vs in given.items():
        domains[i] = set(vs)
    for i, vs in cim.condition_indices(check.where).items():
        domains[i] &= set(vs)
    start = [set(d) for d in domains]
    by, needs = _strike(cim, domains, {i: sorted(vs) for i, vs in given.items()}, start)
    want = {
        i: set(vs)
        for i, vs in cim.condition_indices(
            {"implies": check.then, "exists": check.match, "never": check.match}.get(check.kind, check.outcome)
        ).items()
    }
    if check.kind in ("implies", "exists"):
        restates = all(domains[i] <= vs for i, vs in want.items())
    else:  # never, lowers: some descriptor of the match (outcome) keeps none of its variants
        restates = any(not domains[i] & vs for i, vs in want.items())
    ids, names = cim.descriptor_ids, cim.variant_ids
    decided = {ids[j]: tuple(names[j][v] for v in sorted(domains[j])) for j in by if domains[j] != start[j]}
    movers = {ids[j]: tuple(ids[i] for i in sorted(by[j])) for j in by}
    reason = ""
    if restates:
        chain, todo = set(), [ids[i] for i in want]
        while todo:  # the narrowed descriptors the conclusion's own narrowing rests on
            d = todo.pop()
            if d in decided and d not in chain:
                chain.add(d)
                todo += [ids[i] for i in needs.get(ids.index(d), ())]
        steps = [f"{d}={'|'.join(v)} (rows of {', '.join(movers[d])})" for d, v in decided.items() if d in chain]
        reason = "its premise decides " + (", then ".join(steps) or "it") + ", whatever the other descriptors take"
    return Dominance(decided, {d: movers[d] for d in decided}, restates, reason)


class _SpaceTable:
    """Every scenario of a small space, judged against many sampled matrices at once.

    The samples' impact balances are built for the whole space as a product (one descriptor's rows
    added at a time, the last descriptor varying fastest), and each scenario's gap per descriptor
    (best balance minus chosen) read from them; a scenario is consistent within a tolerance under an
    intervention when it takes the intervention's variants and every other descriptor with a rival
    has a gap within the tolerance, an intervened descriptor with several variants being compared
    among them only: the definition :func:`upheaval.cib.find_consistent` searches, evaluated for
    every scenario. It pays where the space is small (:attr:`CELLS` balance cells at most), where a
    search per sample and claim costs more in setting up than in searching.
    """

    CELLS = 1 << 21  # scenarios x variants: the largest space judged on a table
    CHUNK = 1 << 22  # balance cells per batch of samples

    def __init__(self, cim) -> None:
        self.cim = cim
        self.scenarios = np.indices(cim.sizes).reshape(cim.n_descriptors, -1).T.copy()
        self._regions: dict = {}

    @classmethod
    def fits(cls, cim) -> bool:
        return cim.n_scenarios * cim.values.shape[0] <= cls.CELLS

    def chunk(self) -> int:
        """Samples judged in one batch."""
        return max(1, self.CHUNK // (len(self.scenarios) * self.cim.values.shape[0]))

    def judge(self, values: np.ndarray):
        """``consistent(tolerance, fix)`` (as :func:`upheaval.claims.verdicts` takes it) for the matrices ``values``."""
        from upheaval.cib import normalize_condition

        cim = self.cim
        n_var, n_s = values.shape[-1], len(values)
        reach = 2 * cim.n_descriptors * max(int(np.abs(values).max(initial=0)), 1)  # bounds balances and gaps
        dtype = next(t for t in (np.int8, np.int16, np.int64) if reach <= np.iinfo(t).max)
        # bal[c, s, z]: the balance of variant column c in scenario z under sample s
        # built from the last descriptor (fastest varying) outwards, so the long axis stays innermost
        bal = np.zeros((n_var, n_s, 1), dtype=dtype)
        for off, size in reversed(list(zip(cim.offsets, cim.sizes, strict=True))):
            rows = values[:, off : off + size, :].transpose(2, 0, 1).astype(dtype)
            bal = (rows[:, :, :, None] + bal[:, :, None, :]).reshape(n_var, n_s, -1)
        blocks, chosen = [], []
        for j, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
            block = bal[off : off + size]
            before, after = math.prod(cim.sizes[:j]), math.prod(cim.sizes[j + 1 :])
            # the chosen variant's balance: the diagonal of (variant column, descriptor j's own variant)
            own = np.diagonal(block.reshape(size, n_s, before, size, after), axis1=0, axis2=3)
            chosen.append(np.moveaxis(own, -1, 2).reshape(n_s, -1))
            blocks.append(block)
        gap = np.stack([b.max(axis=0) - c for b, c in zip(blocks, chosen, strict=True)])
        within: dict[int, np.ndarray] = {}
        masks: dict = {}

        def consistent(tolerance: int, fix) -> np.ndarray:
            fixed = normalize_condition(cim, fix, "fix")
            key = (int(tolerance), tuple(fixed.items()))
            if key in masks:
                return masks[key]
            if key[0] not in within:
                within[key[0]] = gap <= min(key[0], reach)
            tested = [j for j, size in enumerate(cim.sizes) if size > 1 and j not in fixed]
            ok = within[key[0]][tested].all(axis=0) & self._region(key[1])
            for j, vs in fixed.items():
                if len(vs) > 1:  # best among its allowed variants only
                    ok &= blocks[j][list(vs)].max(axis=0) - chosen[j] <= min(key[0], reach)
            masks[key] = ok
            return ok

        return consistent

    def _region(self, fixed: tuple) -> np.ndarray:
        if fixed not in self._regions:
            mask = np.ones(len(self.scenarios), dtype=bool)
            for j, vs in fixed:
                mask &= np.isin(self.scenarios[:, j], vs)
            self._regions[fixed] = mask
        return self._regions[fixed]


def _evaluate_each(cim, jobs: list) -> list:
    """:func:`upheaval.claims.evaluate` of each ``(check, matrix)`` (matrices of ``cim``'s space); a small space's
    matrices are judged together on one table (:class:`_SpaceTable`), in batches, instead of searched one by one."""
    from upheaval.claims import evaluate, matrix_search

    if not _SpaceTable.fits(cim):
        return [evaluate(m, check, matrix_search()) for check, m in jobs]
    table = _SpaceTable(cim)
    out = []
    for lo in range(0, len(jobs), table.chunk()):
        batch = jobs[lo : lo + table.chunk()]
        consistent = table.judge(np.stack([m.values for _, m in batch]))
        for s, (check, m) in enumerate(batch):

            def search(_cim, tolerance, fix, s=s, consistent=consistent):
                return table.scenarios[consistent(tolerance, fix)[s]]

            out.append(evaluate(m, check, search))
    return out


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def audit_claims(
    system,
    cim=None,
    *,
    n_samples: int = 200,
    default_uncertainty: int = DEFAULT_UNCERTAINTY,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> list[ClaimAudit]:
    """Audit every claim of ``system``: the sections it rests on, reversed and removed, and its robustness.

    Parameters
    ----------
    system : System
    cim : CrossImpactMatrix, optional
        Its compiled matrix.
    n_samples : int
        Monte Carlo samples for the robustness (0: none).
    default_uncertainty : int
        The uncertainty of sections that state none (see :data:`DEFAULT_UNCERTAINTY`).
    confidence : float
        Of the Wilson interval.
    random_state : int, numpy.random.Generator or None
        Seeds the samples: same seed, same result.

    Returns
    -------
    list of ClaimAudit
        In the order of the claims.

    Examples
    --------
    >>> from upheaval import load
    >>> [a.verdict for a in audit_claims(load("tests/data/follow.yaml"), n_samples=0)]
    []
    """
    from upheaval.cib import compile_system
    from upheaval.claims import evaluate, matrix_search, verdicts

    cim = cim if cim is not None else compile_system(system)
    u = uncertainty_matrix(system, cim, default=default_uncertainty)
    hits = np.zeros(len(system.claims), dtype=np.int64)
    if n_samples > 0 and system.claims:
        rng = np.random.default_rng(spawn_seeds(random_state, 1)[0])
        checks = [claim.check for claim in system.claims]
        if _SpaceTable.fits(cim):
            table = _SpaceTable(cim)
            chunk = table.chunk()
            samples = [sample_matrix(cim.values, u, rng, cim.scale) for _ in range(int(n_samples))]
            for lo in range(0, len(samples), chunk):
                consistent = table.judge(np.stack(samples[lo : lo + chunk]))
                for k, check in enumerate(checks):
                    hits[k] += int(np.count_nonzero(verdicts(cim, check, table.scenarios, consistent)))
        else:
            for _ in range(int(n_samples)):
                sampled = cim.with_values(sample_matrix(cim.values, u, rng, cim.scale))
                sample_search = matrix_search()
                for k, check in enumerate(checks):
                    hits[k] += evaluate(sampled, check, sample_search).passed
    low, high = wilson_interval(hits, max(int(n_samples), 1), confidence)
    # every claim against the matrix, each of its sections reversed and removed, then all of them at once
    bases = [claim_sections(cim, claim.check) for claim in system.claims]
    jobs = []
    for claim, (sections, _) in zip(system.claims, bases, strict=True):
        jobs.append((claim.check, cim))
        for sec in sections:
            jobs += [(claim.check, change_sections(cim, [sec], how)) for how in ("reverse", "remove")]
        if sections:
            jobs += [(claim.check, change_sections(cim, sections, how)) for how in ("reverse", "remove")]
    outcomes = iter(_evaluate_each(cim, jobs))
    out = []
    for k, (claim, (sections, basis)) in enumerate(zip(system.claims, bases, strict=True)):
        nominal = next(outcomes)
        tests = []
        for sec in sections:
            rev, rem = next(outcomes), next(outcomes)
            tests.append(
                SectionTest(
                    cim.descriptor_ids[sec[0]],
                    cim.descriptor_ids[sec[1]],
                    rev.passed,
                    rem.passed,
                    rev.detail,
                    rem.detail,
                )
            )
        all_rev = all_rem = None
        if sections:
            all_rev, all_rem = next(outcomes).passed, next(outcomes).passed
        tested = (not nominal.passed) or (bool(sections) and not all_rev)
        n = int(n_samples)
        out.append(
            ClaimAudit(
                claim.id,
                nominal.passed,
                nominal.detail,
                basis,
                tests,
                all_rev,
                all_rem,
                tested,
                int(hits[k]) if n else 0,
                n,
                float(hits[k] / n) if n else float("nan"),
                float(low[k]) if n else float("nan"),
                float(high[k]) if n else float("nan"),
                nominal.warnings(),
                dominance(cim, claim.check).reason,
            )
        )
    return out


def audit_note(default_uncertainty: int, n_samples: int, seed) -> str:
    """How the robustness was sampled, in words (shown by every view of the audit)."""
    return (
        f"robustness: {n_samples} sampled matrices (seed {seed}); each judged cell moves by up to its section's "
        f"stated uncertainty, ±{default_uncertainty} where none is stated (--default-uncertainty), "
        "clipped to the model's scale"
    )
