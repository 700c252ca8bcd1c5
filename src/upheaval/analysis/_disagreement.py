"""Disagreement that matters: the judgements experts differ on, ranked by how much they change the consistent set.

Several experts (or groups) judge the same descriptors, one model file each; their group
matrix is the mean of theirs (``upheaval ensemble``). A cell where they differ matters when
taking one expert's value rather than another's changes which scenarios are consistent. For
each such cell the group matrix is recomputed with the cell set to each expert's value in
turn (as if every expert had judged it so), the rest left as the group judged it; the cell's
**effect** is the number of scenarios consistent under some of those values but not all.
Cells are ranked by effect, then by the spread of the experts' values.

A Delphi round (Dalkey & Helmer 1963) then asks each expert again about exactly those cells,
shown the group's answers: :func:`delphi_sheet` lists them for one expert, :func:`apply_answers`
writes the answers back into the expert's system, :func:`movement` compares two rounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._ensemble import check_same_structure
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._parallel import run_chunks
from upheaval.analysis._targets import as_system, descriptors_json, scenario_entry
from upheaval.errors import EngineError

__all__ = ["Disagreement", "DisputedCell", "Movement", "apply_answers", "delphi_sheet", "disagreement", "movement"]


@dataclass(frozen=True, eq=False)
class DisputedCell:
    """One cell the experts judge differently.

    ``row`` and ``column`` are the variants (``descriptor.variant``) of the cell, ``values``
    each expert's value (in the order of the experts), ``effect`` how many scenarios are
    consistent under some of the experts' values but not all, ``consistent[v]`` the scenarios
    (index rows) consistent with the cell at value ``v``.
    """

    row: str
    column: str
    r: int
    c: int
    values: tuple[int, ...]
    effect: int
    consistent: dict[int, np.ndarray]

    @property
    def spread(self) -> int:
        """The largest value minus the smallest."""
        return max(self.values) - min(self.values)

    @property
    def changed(self) -> np.ndarray:
        """The scenarios whose consistency depends on whose value is taken (index rows, sorted)."""
        sets = [{r.tobytes(): r for r in rows} for rows in self.consistent.values()]
        union = {k: v for s in sets for k, v in s.items()}
        common = set.intersection(*(set(s) for s in sets)) if sets else set()
        rows = [union[k] for k in sorted(set(union) - common, key=lambda b: union[b].tolist())]
        width = next(iter(self.consistent.values())).shape[1]
        return np.array(rows, dtype=np.int64).reshape(len(rows), width)


@dataclass(eq=False)
class Disagreement:
    """The experts' disputed cells, ranked: see :func:`disagreement`.

    ``group`` is the group matrix (the sum of the experts', consistent exactly where their mean
    is), ``group_set`` its consistent scenarios (labelled S1, S2... in ``labels``), ``cells`` the
    disputed cells, those that matter first.
    """

    names: list[str]
    systems: list[Any]
    cims: list[Any]
    group: Any
    group_set: Any
    labels: ScenarioLabels
    cells: list[DisputedCell]
    tolerance: int
    seconds: float

    @property
    def mattering(self) -> list[DisputedCell]:
        """The cells whose experts' values change the consistent set."""
        return [c for c in self.cells if c.effect > 0]

    def to_json(self) -> dict[str, Any]:
        """The experts, the group's consistent set and every disputed cell; scenarios as ``scenarios --json``."""
        model, descriptors = descriptors_json(self.systems[0], self.cims[0])

        def scen(row):
            return scenario_entry(self.group, row, self.labels)

        return {
            "model": model,
            "descriptors": descriptors,
            "experts": self.names,
            "tolerance": self.tolerance,
            "group": [scen(r) for r in self.group_set.indices],
            "cells": [
                {
                    "row": c.row,
                    "column": c.column,
                    "values": dict(zip(self.names, c.values, strict=True)),
                    "spread": c.spread,
                    "effect": c.effect,
                    "changed": [scen(r) for r in c.changed],
                    "consistent": {str(v): [self.labels.key(r) for r in rows] for v, rows in c.consistent.items()},
                }
                for c in self.cells
            ],
            "seconds": round(self.seconds, 4),
        }


def _cell_sets(group_values, sizes, tolerance, n, r, c, values):
    """The group matrix's consistent set with cell (r, c) at each value (as ``n`` experts agreeing on it)."""
    from upheaval.cib import CrossImpactMatrix, find_consistent

    out = {}
    for v in values:
        vals = group_values.copy()
        vals[r, c] = n * v
        out[v] = find_consistent(CrossImpactMatrix(vals, sizes), tolerance * n).indices
    return out


def _variant_name(cim: Any, var: int) -> str:
    d = int(np.searchsorted(cim.offsets, var, side="right") - 1)
    return f"{cim.descriptor_ids[d]}.{cim.variant_ids[d][var - int(cim.offsets[d])]}"


@accepts_system("models", to="either", many=True)
def disagreement(
    models: Sequence[Any],
    names: Sequence[str] | None = None,
    *,
    tolerance: int = 0,
    n_jobs: int | None = None,
    scheduler=None,
    progress: Callable[[float], None] | None = None,
) -> Disagreement:
    """The cells where experts differ, ranked by how much the choice between their values changes the consistent set.

    For every cell where the experts' values are not all equal, the group matrix (the mean of
    the experts' matrices) is searched with the cell at each expert's value in turn, every
    other cell as the group judged it; the cell's effect is the number of scenarios consistent
    under some of these values but not all. Ranked by effect, then spread, then position.

    Parameters
    ----------
    models : sequence of System or CrossImpactMatrix
        Two or more, of the same descriptors and variants.
    names : sequence of str, optional
        The experts' names (their file names by default).
    tolerance : int
        Inconsistency tolerance on the mean matrix.
    n_jobs, scheduler, progress
        As for :func:`upheaval.analysis.robustness`.

    Returns
    -------
    Disagreement

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> a = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> b = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, 1, -1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> d = disagreement([a, b], ["a", "b"])
    >>> [(c.row, c.column, c.values, c.effect) for c in d.cells]
    [('D1.v2', 'D2.v1', (-1, 1), 1), ('D1.v2', 'D2.v2', (1, -1), 1)]

    References
    ----------
    .. [1] N. Dalkey, O. Helmer: An experimental application of the Delphi method to the use
       of experts. Management Science 9(3):458--467, 1963. https://doi.org/10.1287/mnsc.9.3.458
    .. [2] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    from upheaval import cib
    from upheaval.analysis._sensitivity import editable_impacts

    t0 = time.perf_counter()
    if len(models) < 2:
        raise EngineError("disagreement needs two or more experts' models")
    loaded = [as_system(m) for m in models]
    systems = [s for s, _ in loaded]
    cims = [c for _, c in loaded]
    names = (
        list(names)
        if names is not None
        else [getattr(s, "id", None) or f"expert {k + 1}" for k, s in enumerate(systems)]
    )
    check_same_structure(cims, names)
    ref = cims[0]
    n = len(cims)
    stack = np.stack([c.values for c in cims])
    group_values = stack.sum(axis=0)
    group = cib.CrossImpactMatrix(
        group_values, ref.sizes, ref.descriptor_ids, ref.variant_ids, n * max(c.scale for c in cims)
    )
    group_set = cib.find_consistent(group, tolerance * n)
    labels = scenario_labels(systems[0], group, tolerance * n, group_set)
    editable = editable_impacts(ref, systems[0])
    differ = (stack != stack[0]).any(axis=0) & editable
    rs, cs = np.nonzero(differ)
    tasks = [
        (group_values, ref.sizes, tolerance, n, int(r), int(c), sorted({int(x) for x in stack[:, r, c]}))
        for r, c in zip(rs, cs, strict=True)
    ]
    sets = run_chunks(_cell_sets, tasks, n_jobs=n_jobs, scheduler=scheduler, progress=progress) if tasks else []
    cells = []
    for task, consistent in zip(tasks, sets, strict=True):
        r, c = task[4], task[5]
        keys = [{row.tobytes() for row in rows} for rows in consistent.values()]
        effect = len(set.union(*keys) - set.intersection(*keys))
        cells.append(DisputedCell(_variant_name(ref, r), _variant_name(ref, c), r, c,
                                  tuple(int(x) for x in stack[:, r, c]), effect, consistent))  # fmt: skip
    cells.sort(key=lambda x: (-x.effect, -x.spread, x.r, x.c))
    return Disagreement(names, systems, cims, group, group_set, labels, cells, tolerance, time.perf_counter() - t0)


def delphi_sheet(result: Disagreement, expert: int, *, only_mattering: bool = True) -> list[dict[str, Any]]:
    """One expert's sheet for the next round: the disputed cells, their own value and the group's answers.

    Each row: ``row``, ``column`` (``descriptor.variant``), ``effect``, ``yours`` (this expert's
    value), ``others`` (the other experts' values, sorted: the group's answers without names),
    ``median`` (of every expert's value), and ``answer`` and ``reason`` left empty for the
    expert to fill in. Only the cells that change the consistent set unless ``only_mattering``
    is False.
    """
    if not 0 <= expert < len(result.names):
        raise EngineError(f"expert {expert} out of range 0..{len(result.names) - 1}")
    rows = []
    for cell in result.mattering if only_mattering else result.cells:
        others = sorted(v for k, v in enumerate(cell.values) if k != expert)
        rows.append({
            "row": cell.row, "column": cell.column, "effect": cell.effect, "yours": cell.values[expert],
            "others": others, "median": float(np.median(cell.values)), "answer": "", "reason": "",
        })  # fmt: skip
    return rows


@accepts_system("system")
def apply_answers(system: Any, answers: Mapping[tuple[str, str], int]) -> Any:
    """``system`` with each answered cell set: ``{("from.variant", "to.variant"): value}``.

    The value goes into the first judgement section for the descriptor pair (a new section
    when there is none; a 0 where none exists adds nothing) and the cell is cleared in any
    other section of that pair, so the compiled cell equals the answer. The returned system
    keeps the YAML document of ``system`` (comments and order survive a save) and is checked
    as a loaded model is.
    """
    from upheaval.model import System, cross_references, set_judgement

    data = system.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="python")
    for (row, column), value in answers.items():
        src, _, a = row.partition(".")
        tgt, _, b = column.partition(".")
        try:
            variants = (system.descriptor(src).variant_ids(), system.descriptor(tgt).variant_ids())
        except KeyError as exc:
            raise EngineError(f"answer for {row} -> {column}: unknown descriptor {exc.args[0]!r}") from None
        if a not in variants[0] or b not in variants[1]:
            raise EngineError(f"answer for {row} -> {column}: no such variant")
        if not isinstance(value, int) or abs(value) > system.scale:
            raise EngineError(f"answer for {row} -> {column}: {value!r} is outside -{system.scale}..+{system.scale}")
        set_judgement(data, src, a, tgt, b, value)
    new = System.model_validate(data)
    new._document = getattr(system, "_document", None)
    new._folder = getattr(system, "_folder", None)
    problems = cross_references(new)
    if problems:
        raise EngineError("; ".join(f"{p.field}: {p.message}" for p in problems[:4]))
    return new


@dataclass(eq=False)
class Movement:
    """How the experts moved between two rounds on the cells they disputed in the first.

    ``cells[k]`` pairs a first-round :class:`DisputedCell` with the experts' values in the
    second round (``after``); ``before`` and ``after`` are the two rounds' results (the second
    one's cells those still disputed), ``converged`` the cells the experts now agree on.
    """

    before: Disagreement
    after: Disagreement
    cells: list[tuple[DisputedCell, tuple[int, ...]]] = field(default_factory=list)

    @property
    def converged(self) -> list[DisputedCell]:
        """First-round disputed cells on which every expert now gives the same value."""
        return [c for c, vals in self.cells if len(set(vals)) == 1]


@accepts_system("before", to="either", many=True)
@accepts_system("after", to="either", many=True)
def movement(
    before: Sequence[Any], after: Sequence[Any], names: Sequence[str] | None = None, **kwargs: Any
) -> Movement:
    """The movement between two Delphi rounds: each first-round disputed cell's values in both, and both rankings.

    ``before`` and ``after`` are the experts' models of each round, in the same order.
    """
    if len(before) != len(after):
        raise EngineError(f"the rounds have {len(before)} and {len(after)} experts; give the same experts in both")
    first = disagreement(before, names, **kwargs)
    second = disagreement(after, names, **kwargs)
    check_same_structure([first.group, second.group], ["the first round", "the second round"])
    pairs = [(c, tuple(int(m.values[c.r, c.c]) for m in second.cims)) for c in first.cells]
    return Movement(first, second, pairs)
