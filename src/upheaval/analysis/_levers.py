"""Levers: the interventions from a start (the present) that move a system to another future, and who holds them.

A **lever** sets one descriptor (radius 1) or two (radius 2) to a variant other than the
start's, as an intervention (Weimer-Jehle 2006, section 5; the ScenarioWizard manual's
intervention analysis): the levered descriptors take the variants given and are exempt from
the consistency test while the lever is held, the rest follow by succession from the start
with the change applied, until a scenario consistent under the intervention (or a cycle).
Where that end goes once the lever is let go is a free succession from it: a lever whose end
is consistent on its own leaves the system in a new future for good.

Each end's robustness is, as in JuCIB's transition graph, the share of single-descriptor
changes to it that succession (the lever still held) brings back to it.

Who holds a lever is the descriptor's ``held_by`` where the model states it; otherwise it is
derived from the ties its variants add or remove when they all run from one actor (that actor
acts; ties from several actors leave it open).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._targets import (
    Target,
    as_system,
    descriptors_json,
    resolve_start,
    resolve_target,
    scenario_entry,
)
from upheaval.errors import EngineError

__all__ = ["Holders", "Lever", "Levers", "lever_holders", "levers"]

_REFERENCES = """
    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
       https://doi.org/10.1016/j.techfore.2005.06.005
    .. [2] W. Weimer-Jehle: ScenarioWizard 4.4, Constructing Consistent Scenarios Using
       Cross-Impact Balance Analysis, Manual. ZIRIUS, University of Stuttgart, 2022.
"""


@dataclass(frozen=True)
class Holders:
    """The actors that hold a descriptor's lever (codes) and how that is known (``declared``, ``derived`` or ``""``)."""

    actors: tuple[str, ...]
    how: Literal["declared", "derived", ""]
    note: str = ""


@accepts_system("system", optional=True)
def lever_holders(system: Any) -> dict[str, Holders]:
    """Who holds each descriptor: its ``held_by``, else the actors the ties its variants change run from.

    A descriptor whose variants add or remove ties that all run from one or two actors is
    derived to be held by them (the note names the ties): those actors act when it changes.
    Ties from three or more actors, or none, leave it open (no actors). A matrix without a
    system (``None``) holds nothing.

    Examples
    --------
    >>> import upheaval as uh
    >>> lever_holders(uh.load("dprk-ukraine-2024"))["us_deal"].actors
    ('USA',)
    """
    if system is None:
        return {}
    ties = {t.id: t for t in system.ties}
    out: dict[str, Holders] = {}
    for d in system.descriptors:
        if d.held_by:
            out[d.id] = Holders(tuple(d.held_by), "declared", "held_by")
            continue
        origin: dict[str, list[str]] = {}
        for v in d.variants:
            if v.ties is None:
                continue
            for t in [*v.ties.add, *(ties[t] for t in v.ties.remove if t in ties)]:
                ids = origin.setdefault(t.source, [])
                if t.id not in ids:
                    ids.append(t.id)
        if 1 <= len(origin) <= 2:
            shown = [t for ids in origin.values() for t in ids]
            note = (f"every tie its variants change runs from {' or '.join(origin)}: "
                    + ", ".join(shown[:4]) + (" ..." if len(shown) > 4 else ""))  # fmt: skip
            out[d.id] = Holders(tuple(origin), "derived", note)
        else:
            out[d.id] = Holders((), "", f"its variants change ties from {len(origin)} actors" if origin else "")
    return out


@dataclass(frozen=True, eq=False)
class Lever:
    """One lever set and where it leads.

    ``changes`` are ``(descriptor index, variant index)`` pairs set by intervention; ``steps``
    the succession steps under it from the start (with the changes applied) to ``end``, where
    it settles while held (``end_kind`` ``"consistent"``), or to the first repeat when it runs
    round a cycle (``end_kind`` ``"cycle"``; ``cycle`` is then its smallest member, by variant
    indices; :meth:`Levers.path` gives every scenario on the way); ``released`` where a
    free succession goes from ``end`` once the lever is let go (``end`` itself when ``end`` is
    consistent without it; a cycle's first member), ``released_kind`` likewise; ``absorbed`` of
    ``perturbations`` single-descriptor changes to ``end`` return to it (the lever held): its
    robustness.
    """

    changes: tuple[tuple[int, int], ...]
    actors: tuple[str, ...]
    steps: int
    end_kind: str
    end: np.ndarray | None
    cycle: np.ndarray | None
    released: np.ndarray | None
    released_kind: str
    absorbed: int
    perturbations: int

    @property
    def robustness(self) -> float | None:
        """Share of single changes to the end that return to it (None for a cycle)."""
        return self.absorbed / self.perturbations if self.perturbations else None

    @property
    def lasting(self) -> bool:
        """Whether the end stays once the lever is let go (it is consistent on its own)."""
        return (
            self.end is not None
            and self.released_kind == "consistent"
            and self.released is not None
            and bool((self.released == self.end).all())
        )


@dataclass(eq=False)
class Levers:
    """The levers from one start: see :func:`levers`.

    ``baseline`` is where succession goes from the start with no lever (a
    :class:`upheaval.cib.SuccessionResult`); ``levers`` every lever set tried, in order of
    size, then descriptor and variant; ``target`` and ``reaching`` the lever sets that bring
    the system into the target (:meth:`reaches`; the smallest ones, none of which contains
    another), when one was asked; ``held_only`` whether only held descriptors were levers; ``sampled[r]`` how many lever sets of size r were drawn at random instead of all
    being tried (``n_sets[r]`` of them exist), with ``bound[r]`` the 95 % upper bound on the
    share of size-r sets that reach the target when none sampled did (the rule of three).
    """

    system: Any
    cim: Any
    labels: ScenarioLabels
    start: np.ndarray
    start_text: str
    mode: str
    radius: int
    holders: dict[str, Holders]
    baseline: Any
    levers: list[Lever]
    target: Target | None = None
    held_only: bool = False
    reaching: list[Lever] = field(default_factory=list)
    n_sets: dict[int, int] = field(default_factory=dict)
    sampled: dict[int, int] = field(default_factory=dict)
    bound: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def start_words(self) -> str:
        """The start in words with its label, the label said once: ``the present (S2 · Name)``, ``S1 · Name (the
        model states no present)``."""
        key, label = self.labels.key(self.start), self.labels.label(self.start)
        if key in self.start_text.split(" "):
            return self.start_text.replace(key, label, 1)
        return f"{self.start_text} ({label})"

    def change_text(self, lever: Lever) -> str:
        """``us_deal=pushes_deal + front=holds``."""
        cim = self.cim
        return " + ".join(f"{cim.descriptor_ids[i]}={cim.variant_ids[i][v]}" for i, v in lever.changes)

    def end_label(self, lever: Lever) -> str:
        """The end's label (``S4 · Name``, ``X1``) or ``cycle through X2``."""
        if lever.end is None:
            return f"cycle through {self.labels.key(lever.cycle)}" if lever.cycle is not None else "cycle"
        return self.labels.label(lever.end)

    def by_destination(self) -> dict[str, list[Lever]]:
        """The levers grouped by where they settle (the end's label): first those whose end stays when they are
        let go, then those that tip the system elsewhere, then those it returns from; larger groups first."""
        rank = {"lasting": 0, "tipping": 1, "held": 2, "cycle": 3}
        groups: dict[str, list[Lever]] = {}
        for lv in self.levers:
            groups.setdefault(self.end_label(lv), []).append(lv)
        return dict(sorted(groups.items(), key=lambda kv: (rank[self.kind(kv[1][0])], -len(kv[1]), kv[0])))

    @property
    def exact(self) -> bool:
        """Whether every lever set up to the radius (or up to the answer) was tried."""
        return not self.sampled

    def path(self, lever: Lever) -> np.ndarray:
        """Every scenario succession visits under the lever, from the start with the lever applied to where it
        settles (or to the cycle's repeat), as index rows."""
        from upheaval import cib

        z = self.start.copy()
        for i, v in lever.changes:
            z[i] = v
        return cib.succession(self.cim, z, self.mode, fix={i: [v] for i, v in lever.changes}).path

    def reaches(self, lever: Lever) -> bool:
        """Whether the lever brings the system into the target: where it settles while held, or, let go, where it
        settles then."""
        if self.target is None or lever.end is None:
            return False
        if self.target.matches(lever.end)[0]:
            return True
        return lever.released_kind == "consistent" and bool(self.target.matches(lever.released)[0])

    def kind(self, lever: Lever) -> str:
        """``"lasting"`` (its end stays when it is let go), ``"tipping"`` (let go, the system settles in another
        future than the start's), ``"held"`` (let go, it returns to where it started, or cycles) or ``"cycle"``."""
        if lever.end is None:
            return "cycle"
        if lever.lasting:
            return "lasting"
        back = self.baseline.scenario if self.baseline.end_kind == "consistent" else None
        if lever.released_kind == "consistent" and (back is None or not (lever.released == back).all()):
            return "tipping"
        return "held"

    def basin_shares(
        self, *, max_exact: int = 100_000_000, n_samples: int = 200_000, random_state: int = 0
    ) -> tuple[dict[bytes, float], str]:
        """Each consistent end's basin share (keyed by its index row's bytes) and how it was found, in words.

        Exact (every start followed) up to ``max_exact`` scenarios, otherwise from ``n_samples``
        seeded random starts (:func:`upheaval.analysis.succession_basins`, with 95 % Wilson intervals).
        """
        from upheaval.analysis._basins import succession_basins

        b = succession_basins(self.cim, self.mode, max_exact=max_exact, n_samples=n_samples, random_state=random_state)
        shares = {b.ends[k].tobytes(): float(b.share[k]) for k in range(len(b.counts)) if b.kind[k] == 0}
        if b.exact:
            return shares, f"basins: {self.mode} succession from every one of the {b.n_starts:,} scenarios"
        half = float(np.max(b.high - b.low)) / 2 if len(b.counts) else 0.0
        return shares, (f"basins: estimated from {b.n_starts:,} random starts (seed {random_state}), "
                        f"each share within ±{half:.1%} at 95%")  # fmt: skip

    def lever_json(self, lever: Lever) -> dict[str, Any]:
        """One lever as JSON: its changes, holders, where it settles (held and let go) and its robustness."""
        cim = self.cim
        fix = {cim.descriptor_ids[i]: cim.variant_ids[i][v] for i, v in lever.changes}

        def scen(row, fixed=None):
            return None if row is None else scenario_entry(cim, row, self.labels, fixed)

        return {
            "lever": self.change_text(lever),
            "fix": fix,
            "actors": list(lever.actors),
            "steps": lever.steps,
            "end_kind": lever.end_kind,
            "end": scen(lever.end, fix),
            "cycle": scen(lever.cycle, fix),
            "released_kind": lever.released_kind,
            "released": scen(lever.released),
            "lasting": lever.lasting,
            "kind": self.kind(lever),
            "absorbed": lever.absorbed,
            "perturbations": lever.perturbations,
            "robustness": lever.robustness,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything as one JSON object; scenarios in the shape of ``scenarios --json``, each with its label."""
        model, descriptors = descriptors_json(self.system, self.cim)
        base = self.baseline
        end = base.scenario if base.end_kind == "consistent" else base.cycle[0]
        return {
            "model": model,
            "descriptors": descriptors,
            "start": {"from": self.start_text, **scenario_entry(self.cim, self.start, self.labels)},
            "mode": self.mode,
            "radius": self.radius,
            "baseline": {
                "end_kind": base.end_kind,
                "steps": len(base.path) - 1,
                "end": scenario_entry(self.cim, end, self.labels),
            },
            "holders": {d: {"actors": list(h.actors), "how": h.how, "note": h.note} for d, h in self.holders.items()},
            "levers": [self.lever_json(lv) for lv in self.levers],
            "target": None if self.target is None else {"text": self.target.text, "reads": self.target.description},
            "held_only": self.held_only,
            "reaching": [self.lever_json(lv) for lv in self.reaching],
            "lever_sets": {str(r): n for r, n in self.n_sets.items()},
            "sampled": {str(r): n for r, n in self.sampled.items()},
            "bound": {str(r): b for r, b in self.bound.items()},
            "exact": self.exact,
            "seconds": round(self.seconds, 4),
        }


def _holders_of(holders: dict[str, Holders], cim: Any, changes: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    out: list[str] = []
    for i, _ in changes:
        for a in holders.get(cim.descriptor_ids[i], Holders((), "")).actors:
            if a not in out:
                out.append(a)
    return tuple(out)


def _count_sets(sizes_minus_one: Sequence[int], r: int) -> int:
    """How many lever sets of size r: sum over r-subsets of descriptors of the product of their other variants."""
    e = [1] + [0] * r  # elementary symmetric polynomial, by dynamic programming
    for m in sizes_minus_one:
        for k in range(r, 0, -1):
            e[k] += e[k - 1] * m
    return e[r]


def _all_sets(start: np.ndarray, sizes: Sequence[int], r: int) -> Iterator[tuple[tuple[int, int], ...]]:
    movable = [i for i, s in enumerate(sizes) if s > 1]
    for ds in itertools.combinations(movable, r):
        choices = [[v for v in range(sizes[i]) if v != start[i]] for i in ds]
        for vs in itertools.product(*choices):
            yield tuple(zip(ds, vs, strict=True))


def _sample_sets(start: np.ndarray, sizes: Sequence[int], r: int, n: int, rng: np.random.Generator):
    """``n`` distinct lever sets of size r, each drawn with its probability among all of them (weighted by variants)."""
    movable = np.array([i for i, s in enumerate(sizes) if s > 1])
    seen: set[tuple[tuple[int, int], ...]] = set()
    out = []
    weights = np.array([sizes[i] - 1 for i in movable], dtype=float)
    tries = 0
    while len(out) < n and tries < 20 * n:
        tries += 1
        # a uniform draw over sets: descriptors by sequential weighted choice without replacement
        # is not uniform over sets, so draw uniformly over (descriptor subset, variants) by rejection
        ds = np.sort(rng.choice(movable, size=r, replace=False))
        accept = np.prod([sizes[i] - 1 for i in ds]) / (weights.max() ** r)
        if rng.random() > accept:
            continue
        key = tuple((int(i), int(rng.choice([v for v in range(sizes[i]) if v != start[i]]))) for i in ds)
        if key not in seen:
            seen.add(key)
            out.append(key)
    return sorted(out)


class _Runner:
    """Successions under interventions, each intervention's reduced matrix built once."""

    def __init__(self, cim: Any, mode: str, max_steps: int) -> None:
        from upheaval.cib import numpy_suffices

        self.cim, self.mode, self.max_steps = cim, mode, max_steps
        self._robust: dict[bytes, tuple[int, int]] = {}
        self._released: dict[bytes, tuple[np.ndarray, str]] = {}
        # the model's size decides, not each intervention's smaller space: a large model's levers all run compiled
        self.compiled = not numpy_suffices(cim.n_scenarios)

    def run(self, start: np.ndarray, changes: tuple[tuple[int, int], ...], holders: tuple[str, ...]) -> Lever:
        from upheaval import cib

        iv = cib.intervene(self.cim, {i: [v] for i, v in changes})
        z = start.copy()
        for i, v in changes:
            z[i] = v
        zr = iv.to_reduced(z)
        local = self.mode == "local"
        ends, kind, steps = _successions(iv.cim, zr, local, self.max_steps, self.compiled)
        if kind[0] == 2:  # no end within max_steps: the engine's succession says so
            cib.succession(iv.cim, zr[0], self.mode, self.max_steps)
        if kind[0] != 0:  # a cycle, shown by its smallest member
            return Lever(changes, holders, int(steps[0]), "cycle", None, iv.to_full(ends)[0], None, "", 0, 0)
        end = iv.to_full(ends)[0]
        released, released_kind = self._release(end)
        absorbed, total = self._robustness(iv, ends[0], changes)
        return Lever(changes, holders, int(steps[0]), "consistent", end, None, released, released_kind, absorbed,
                     total)  # fmt: skip

    def _release(self, end: np.ndarray) -> tuple[np.ndarray, str]:
        """Where a free succession from ``end`` goes once the lever is let go (a cycle: its first member)."""
        from upheaval import cib

        key = end.tobytes()
        local = self.mode == "local"
        if key not in self._released:
            free_end, free_kind, free_steps = _successions(self.cim, end[None, :], local, self.max_steps, self.compiled)
            if free_kind[0] == 0:
                self._released[key] = (free_end[0], "consistent")
            elif free_kind[0] == 1 and self.compiled:
                # the cycle's first member is where the path stands a cycle's length before the repeat: the
                # length is the steps from its smallest member back to itself
                _, _, length = _successions(self.cim, free_end[:1], local, self.max_steps, True)
                first, _, _ = _successions(self.cim, end[None, :], local, int(free_steps[0] - length[0]), True)
                self._released[key] = (first[0], "cycle")
            else:
                free = cib.succession(self.cim, end, self.mode, self.max_steps)
                self._released[key] = (free.cycle[0], free.end_kind)
        return self._released[key]

    def _robustness(self, iv: Any, end_reduced: np.ndarray, changes) -> tuple[int, int]:
        """How many single-descriptor changes to the end (the lever held) succession brings back to it.

        Every change is one start of a batch of successions on the intervention's reduced matrix
        (the analyses' compiled succession kernel, the rule of :func:`upheaval.cib.succession`).
        """
        key = repr(changes).encode() + end_reduced.tobytes()
        if key in self._robust:
            return self._robust[key]
        starts = []
        for i, size in enumerate(iv.cim.sizes):
            for v in range(size):
                if v != end_reduced[i]:
                    z = end_reduced.copy()
                    z[i] = v
                    starts.append(z)
        if not starts:
            self._robust[key] = (0, 0)
            return 0, 0
        ends, kind, _ = _successions(iv.cim, np.array(starts, dtype=np.int64), self.mode == "local", self.max_steps,
                                     self.compiled)  # fmt: skip
        absorbed = int(((kind == 0) & (ends == end_reduced).all(axis=1)).sum())
        self._robust[key] = (absorbed, len(starts))
        return absorbed, len(starts)


_LOADED: list[bool] = []


def _successions(
    cim: Any, starts: np.ndarray, local: bool, max_steps: int, compiled: bool | None = None
) -> tuple[np.ndarray, ...]:
    """``(ends, kind, steps)`` of succession from each start: ``kind`` 0 for a consistent end, 1 for a cycle
    (``ends`` then holds its smallest member), 2 when ``max_steps`` ran out.

    A space small enough for numpy (:func:`upheaval.cib.numpy_suffices`, the engine's size
    rule) runs :func:`upheaval.cib.succession` start by start, so nothing is compiled; a larger one
    runs the analyses' compiled succession kernel (the same rule), loaded once under the compile
    notice. ``compiled`` overrides the rule (the levers of a large model pass True for every
    intervention's smaller space).
    """
    from upheaval.cib import numpy_suffices

    if not (compiled if compiled is not None else not numpy_suffices(cim.n_scenarios)):
        from upheaval import cib

        n = starts.shape[0]
        ends = np.empty_like(starts)
        kind = np.zeros(n, dtype=np.int64)
        steps = np.zeros(n, dtype=np.int64)
        mode = "local" if local else "global"
        for k in range(n):
            try:
                r = cib.succession(cim, starts[k], mode, max_steps)
            except EngineError:
                ends[k], kind[k], steps[k] = starts[k], 2, max_steps
                continue
            steps[k] = len(r.path) - 1
            if r.end_kind == "consistent":
                ends[k] = r.scenario
            else:
                ends[k], kind[k] = min(r.cycle.tolist()), 1
        return ends, kind, steps
    from upheaval.analysis._kernels import successions_from_rows

    args = (np.asarray(cim.sizes, dtype=np.int64), np.asarray(cim.offsets, dtype=np.int64))
    if not _LOADED:
        from upheaval.cib import compiling

        with compiling("succession kernels"):
            successions_from_rows(cim.values, *args, starts[:1], local, max_steps)
        _LOADED.append(True)
    return successions_from_rows(cim.values, *args, starts, local, max_steps)


@accepts_system("model", to="either")
def levers(
    model: Any,
    start: Any = None,
    *,
    radius: int = 1,
    to: str | Target | None = None,
    mode: str = "global",
    max_sets: int = 20_000,
    random_state: int | np.random.Generator | None = 0,
    max_steps: int = 1000,
    held_only: bool = False,
) -> Levers:
    """Every single (and, with ``radius=2``, paired) intervention from a start, followed by succession.

    Each lever set sets its descriptors to variants other than the start's (an intervention);
    succession from the start with those variants, the lever held, gives where it settles,
    the steps taken, whether the end stays when the lever is let go, and how many single
    changes to the end succession brings back (robustness). The holders of each lever come
    from the model (:func:`lever_holders`).

    With ``to`` (a future's id or name, a label ``S4`` or ``D=V`` pairs), lever sets of size 1,
    2, ... up to ``radius`` are tried until some bring the system into the target (where it
    settles while held, or once let go): ``reaching`` holds the smallest such sets (none
    containing another). With ``held_only`` only descriptors some actor holds are levers.

    Where there are more than ``max_sets`` lever sets of one size, ``max_sets`` of them are
    drawn at random (seeded by ``random_state``) and the result says so: when none drawn
    reaches the target, the share of that size's sets that do is below ``bound[r]`` at 95 %
    confidence (``1 - 0.05 ** (1 / n)``; the rule of three).

    Parameters
    ----------
    model : System or CrossImpactMatrix
    start : None, "present", a label ("S3"), a mapping or a row of variant indices
        None: the model's present (without one, the first consistent scenario S1).
    radius : int, 1..3
        Largest lever set tried.
    to : str, optional
        The future to reach.
    mode : {"global", "local"}
        Succession mode.
    max_sets : int
        Lever sets of one size tried exhaustively; beyond, a seeded sample of this many.
    random_state : int, numpy.random.Generator or None, default 0
        Seed of the sample (only used beyond ``max_sets``).
    max_steps : int
        Steps before a succession gives up.
    held_only : bool
        Only descriptors with holders (:func:`lever_holders`) are levers.

    Returns
    -------
    Levers

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -2, 2], [2, -2, 0, 0], [-2, 2, 0, 0]]), (2, 2))
    >>> res = levers(cim, [0, 0])
    >>> [(res.change_text(lv), res.end_label(lv), lv.lasting) for lv in res.levers]
    [('D1=v2', 'S2', True), ('D2=v2', 'S2', True)]
    """
    from upheaval import cib

    if radius not in (1, 2, 3):
        raise EngineError(f"radius must be 1, 2 or 3; got {radius!r}")
    if mode not in ("global", "local"):
        raise EngineError(f"mode must be 'global' or 'local'; got {mode!r}")
    t0 = time.perf_counter()
    system, cim = as_system(model)
    reference = cib.find_consistent(cim)
    labels = scenario_labels(system, cim, 0, reference)
    z0, start_text = resolve_start(system, cim, start, reference.indices)
    target = resolve_target(system, cim, to, reference.indices) if isinstance(to, str) else to
    holders = lever_holders(system)
    runner = _Runner(cim, mode, max_steps)
    baseline = cib.succession(cim, z0, mode, max_steps)
    rng = cib.check_random_state(random_state)
    out = Levers(system, cim, labels, z0, start_text, mode, radius, holders, baseline, [], target, held_only)
    sizes = [  # a descriptor no one holds counts as having no other variant when only held levers are tried
        s if not held_only or holders.get(d, Holders((), "")).actors else 1
        for d, s in zip(cim.descriptor_ids, cim.sizes, strict=True)
    ]
    reached: list[Lever] = []
    for r in range(1, radius + 1):
        n_sets = _count_sets([s - 1 for s in sizes], r)
        out.n_sets[r] = n_sets
        if n_sets > max_sets:
            sets = _sample_sets(z0, sizes, r, max_sets, rng)
            out.sampled[r] = len(sets)
        else:
            sets = list(_all_sets(z0, sizes, r))
        found_here = []
        for changes in sets:
            if target is not None and any(set(x.changes) <= set(changes) for x in reached):
                continue  # contains a smaller set that reaches the target: not among the smallest
            lv = runner.run(z0, changes, _holders_of(holders, cim, changes))
            out.levers.append(lv)
            if target is not None and out.reaches(lv):
                found_here.append(lv)
        reached += found_here
        if target is not None and r in out.sampled and not found_here:
            out.bound[r] = 1 - 0.05 ** (1 / max(out.sampled[r], 1))
        if target is not None and found_here:
            break
    if target is not None:
        out.reaching = sorted(reached, key=lambda lv: (len(lv.changes), not lv.lasting, lv.steps, lv.changes))
    out.seconds = time.perf_counter() - t0
    return out


levers.__doc__ = (levers.__doc__ or "") + _REFERENCES
