"""Multi-period pathways: each period's consistent scenarios given the carry-over from the last."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = ["PathNode", "Pathways", "Transition", "pathways"]


@dataclass(frozen=True)
class Transition:
    """Why descriptor ``descriptor`` changed from ``old`` to ``new`` between two periods.

    ``balance_new`` and ``balance_old`` are the two variants' impact balances in the new
    period's scenario (inertia included, which favours ``old``); ``drivers`` lists the
    descriptors whose chosen variants pushed hardest towards ``new`` (``descriptor.variant``,
    contribution to ``balance_new - balance_old``), strongest first.
    """

    descriptor: str
    old: str
    new: str
    balance_new: int
    balance_old: int
    drivers: list[tuple[str, int]]


@dataclass
class PathNode:
    """One scenario in one period, reached from ``parents`` (node ids in the previous period)."""

    id: int
    period: int
    label: str
    scenario: np.ndarray
    parents: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    changes: dict[int, list[Transition]] = field(default_factory=dict)
    fix: dict[str, str] = field(default_factory=dict)
    dead_end: bool = False


@dataclass(frozen=True, eq=False)
class Pathways:
    """The branching pathways through the periods of a plan.

    ``nodes`` are period-scenario pairs (identical scenarios in a period are merged, as
    the next period depends only on the scenario before it); node 0 is the start (period
    -1). ``changes`` of a node, keyed by parent id, explain each changed descriptor. A
    node with several children is a split; a ``dead_end`` node has no consistent
    successor. ``truncated`` is True when ``max_nodes`` cut the tree.
    """

    cim: object
    labels: list[str]
    nodes: list[PathNode]
    truncated: bool

    def splits(self) -> list[PathNode]:
        """The nodes where pathways branch (more than one child)."""
        return [n for n in self.nodes if len(n.children) > 1]

    def paths(self) -> list[list[int]]:
        """Every pathway from the start to the last period (or a dead end), as node ids."""
        out: list[list[int]] = []

        def walk(k: int, acc: list[int]) -> None:
            node = self.nodes[k]
            if not node.children:
                out.append(acc + [k])
                return
            for c in node.children:
                walk(c, acc + [k])

        walk(0, [])
        return out


def _plan_arrays(cim, plan) -> tuple[np.ndarray, dict[int, int], list[dict[int, int]]]:
    """Inertia per descriptor, irreversible variants and scheduled fixes per period, as indices."""
    labels = list(plan.labels)
    if len(set(labels)) != len(labels):
        raise EngineError(f"period labels must be unique; got {', '.join(labels)}")
    inertia = np.zeros(cim.n_descriptors, dtype=np.int64)
    for d, w in plan.inertia.items():
        if d not in cim.descriptor_ids:
            raise EngineError(f"periods.inertia: unknown descriptor {d!r}; known: {', '.join(cim.descriptor_ids)}")
        if w < 0:
            raise EngineError(f"periods.inertia[{d!r}] must be >= 0; got {w}")
        inertia[cim.descriptor_ids.index(d)] = int(w)
    irreversible: dict[int, set[int]] = {}
    for ref in plan.irreversible:
        if "." not in ref:
            raise EngineError(f"periods.irreversible: {ref!r} should be DESCRIPTOR.VARIANT")
        i, v = cim.index_of(ref)
        irreversible.setdefault(i, set()).add(v)
    scheduled: list[dict[int, int]] = [{} for _ in labels]
    for change in plan.scheduled:
        if change.period not in labels:
            raise EngineError(
                f"periods.scheduled: unknown period {change.period!r}; the plan's periods are {', '.join(labels)}"
            )
        p = labels.index(change.period)
        for d, v in change.fix.items():
            i, k = cim.index_of(d, v)
            scheduled[p][i] = k
    return inertia, irreversible, scheduled


def _carry(cim, prev: np.ndarray, inertia: np.ndarray):
    """The matrix of a period: the inertia bonus on each previous variant, as a diagonal-block column."""

    values = cim.values.copy()
    for i, w in enumerate(inertia):
        if w:
            off = int(cim.offsets[i])
            values[off : off + cim.sizes[i], off + int(prev[i])] += w
    return cim.with_values(values)


def _explain(cim, period_cim, prev: np.ndarray, z: np.ndarray) -> list[Transition]:
    out = []
    active = period_cim.offsets + z
    bal = period_cim.values[active].sum(axis=0)
    for j in np.flatnonzero(prev != z):
        off = int(cim.offsets[j])
        c_new, c_old = off + int(z[j]), off + int(prev[j])
        contrib = period_cim.values[active, c_new] - period_cim.values[active, c_old]
        order = np.argsort(-contrib, kind="stable")
        drivers = [
            (f"{cim.descriptor_ids[i]}.{cim.variant_ids[i][int(z[i])]}", int(contrib[i]))
            for i in order[:3]
            if contrib[i] > 0
        ]
        out.append(
            Transition(
                cim.descriptor_ids[j],
                cim.variant_ids[j][int(prev[j])],
                cim.variant_ids[j][int(z[j])],
                int(bal[c_new]),
                int(bal[c_old]),
                drivers,
            )
        )
    return out


@accepts_system("cim", to="matrix")
def pathways(
    cim,
    plan,
    start,
    *,
    tolerance: int = 0,
    max_nodes: int = 200,
) -> Pathways:
    """Branching pathways from ``start`` through the periods of ``plan``.

    For each period and each scenario reached in the period before, the period's matrix
    adds ``plan.inertia[d]`` to the impact balance of the variant descriptor ``d`` held
    before (a constant bonus, written into ``d``'s diagonal block, which every scenario's
    balance counts); irreversible variants already reached and the period's scheduled
    fixes are interventions (each such descriptor takes its variant and is exempt from the
    consistency test, as in CIB intervention analysis); the consistent scenarios (within
    ``tolerance``, exact search) are that period's branches [1]_. Identical scenarios within a period are merged.

    Parameters
    ----------
    cim : CrossImpactMatrix
    plan : upheaval.model.PeriodPlan
    start : sequence of int or mapping
        The scenario before the first period.
    tolerance : int
    max_nodes : int
        Stop branching beyond this many nodes (the result is marked ``truncated``).

    Returns
    -------
    Pathways

    Raises
    ------
    EngineError
        For a plan naming unknown descriptors, variants or periods.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> from upheaval.model import PeriodPlan
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> pw = pathways(cim, PeriodPlan(labels=["2025", "2026"]), [0, 1])
    >>> [(n.label, n.scenario.tolist()) for n in pw.nodes]
    [('start', [0, 1]), ('2025', [0, 0]), ('2025', [1, 1]), ('2026', [0, 0]), ('2026', [1, 1])]

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval.cib import find_consistent

    if isinstance(start, Mapping):
        z0 = cim.scenario_indices(start)
    else:
        z0 = np.asarray(start, dtype=np.int64)
        if z0.shape != (cim.n_descriptors,) or (z0 < 0).any() or (z0 >= np.asarray(cim.sizes)).any():
            raise EngineError(f"start must give a valid variant index for each of the {cim.n_descriptors} descriptors")
    inertia, irreversible, scheduled = _plan_arrays(cim, plan)
    labels = list(plan.labels)
    nodes = [PathNode(0, -1, "start", z0)]
    frontier = [0]
    truncated = False
    for p, label in enumerate(labels):
        seen: dict[tuple, int] = {}
        nxt: list[int] = []
        for k in frontier:
            prev = nodes[k].scenario
            fix: dict[int, list[int]] = {}
            for i, vs in irreversible.items():
                if int(prev[i]) in vs:
                    fix[i] = [int(prev[i])]
            for i, v in scheduled[p].items():
                if i in fix and fix[i] != [v]:
                    raise EngineError(
                        f"period {label!r} schedules {cim.descriptor_ids[i]}.{cim.variant_ids[i][v]}, but the "
                        f"irreversible {cim.descriptor_ids[i]}.{cim.variant_ids[i][fix[i][0]]} was already reached"
                    )
                fix[i] = [v]
            period_cim = _carry(cim, prev, inertia)
            found = find_consistent(period_cim, tolerance, fix or None)
            if len(found) == 0:
                nodes[k].dead_end = True
                continue
            for z in found.indices:
                key = tuple(int(x) for x in z)
                if key not in seen:
                    if len(nodes) >= max_nodes:
                        truncated = True
                        continue
                    seen[key] = len(nodes)
                    names = {cim.descriptor_ids[i]: cim.variant_ids[i][vs[0]] for i, vs in fix.items()}
                    nodes.append(PathNode(len(nodes), p, label, z.copy(), fix=names))
                    nxt.append(seen[key])
                child = nodes[seen[key]]
                child.parents.append(k)
                child.changes[k] = _explain(cim, period_cim, prev, z)
                nodes[k].children.append(child.id)
        frontier = nxt
        if not frontier:
            break
    return Pathways(cim, labels, nodes, truncated)
