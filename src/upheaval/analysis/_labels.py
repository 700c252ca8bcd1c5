"""One label per scenario, the same in every view: its place in the unrestricted consistent set, and its future's name.

A scenario is labelled ``S4`` when it is the 4th of the system's consistent scenarios at the
given tolerance, found with no intervention and no restriction, in the engine's order
(inconsistency, then total impact score descending, then variant indices). Because that order
puts the strictly consistent scenarios first, ``S1``..``Sk`` mean the same scenarios at every
tolerance. A scenario outside that set (one that holds only under an intervention, or a
near-consistent candidate) gets ``X1``, ``X2``... in the order it is first asked for, never a
reused S-number. Where the system declares ``futures:``, the first future whose ``match`` the
scenario satisfies adds its name: ``S4 · Confrontation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system

__all__ = ["ScenarioLabels", "future_index", "scenario_labels"]

OUTSIDE = "X"  # prefix of scenarios outside the unrestricted consistent set


@dataclass
class ScenarioLabels:
    """Labels of scenarios of one system (see the module's description); build with :func:`scenario_labels`."""

    system: Any
    cim: Any
    tolerance: int
    reference: np.ndarray  # the unrestricted consistent set's index rows, in order
    _number: dict[bytes, int] = field(default_factory=dict)
    _outside: dict[bytes, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._number = {np.asarray(r, dtype=np.int64).tobytes(): k + 1 for k, r in enumerate(self.reference)}

    def key(self, row: Sequence[int]) -> str:
        """``S4`` (place in the unrestricted consistent set) or ``X1`` (outside it)."""
        b = np.asarray(row, dtype=np.int64).tobytes()
        k = self._number.get(b)
        if k is not None:
            return f"S{k}"
        k = self._outside.setdefault(b, len(self._outside) + 1)
        return f"{OUTSIDE}{k}"

    def name(self, row: Sequence[int]) -> str:
        """The name of the system's first future the scenario matches, or ''."""
        futures = getattr(self.system, "futures", None)
        if not futures:
            return ""
        future = self.system.future_of(self.cim.scenario_names(row))
        return future.name if future is not None else ""

    def label(self, row: Sequence[int]) -> str:
        """``S4 · Name``, or just ``S4`` when no future names it."""
        name = self.name(row)
        return f"{self.key(row)} · {name}" if name else self.key(row)

    def keys(self, indices: Any) -> list[str]:
        """:meth:`key` of every row of ``indices`` (an array (k, N)); fast when they are the reference itself."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1, self.reference.shape[1])
        if idx.shape == self.reference.shape and np.array_equal(idx, self.reference):
            return [f"S{k + 1}" for k in range(len(idx))]
        return [self.key(row) for row in idx]

    def names(self, indices: Any) -> list[str]:
        """:meth:`name` of every row of ``indices`` (an array (k, N)), matched in one vector pass per future."""
        codes, names = self.future_codes(indices)
        return np.array(names, dtype=object)[codes].tolist()

    def future_codes(self, indices: Any) -> tuple[np.ndarray, list[str]]:
        """Each row's future as a position in a list of names, and that list: the system's future names, then
        '' for the rows no future names (:func:`future_index`)."""
        futures = list(getattr(self.system, "futures", None) or [])
        idx = np.asarray(indices, dtype=np.int64).reshape(-1, self.reference.shape[1])
        return future_index(self.system, self.cim, idx), [f.name for f in futures] + [""]

    def inside(self, row: Sequence[int]) -> bool:
        """Whether the scenario is in the unrestricted consistent set."""
        return np.asarray(row, dtype=np.int64).tobytes() in self._number

    @property
    def outside_used(self) -> bool:
        """Whether some scenario labelled so far lies outside the unrestricted consistent set."""
        return bool(self._outside)


def future_index(system: Any, cim: Any, indices: Any) -> np.ndarray:
    """For each row of ``indices`` (variant indices, an array (k, N)), the position of the system's first
    future whose ``match`` it satisfies, or ``len(system.futures)`` when none does.

    The same rule as :meth:`upheaval.model.System.future_of`, one vector pass per future.
    """
    futures = list(getattr(system, "futures", None) or [])
    idx = np.asarray(indices, dtype=np.int64).reshape(-1, cim.n_descriptors)
    out = np.full(len(idx), len(futures), dtype=np.int64)
    position = {d: k for k, d in enumerate(cim.descriptor_ids)}
    for f, future in reversed(list(enumerate(futures))):  # the first match wins: later futures are overwritten
        hit = np.ones(len(idx), dtype=bool)
        for did, want in future.match.items():
            i = position[did]
            wanted = [want] if isinstance(want, str) else list(want)
            allowed = [cim.variant_ids[i].index(v) for v in wanted if v in cim.variant_ids[i]]
            hit &= np.isin(idx[:, i], allowed)
        out[hit] = f
    return out


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def scenario_labels(system: Any, cim: Any = None, tolerance: int = 0, reference: Any = None) -> ScenarioLabels:
    """The labeller of a system's scenarios at ``tolerance``.

    ``reference`` may pass the system's unrestricted consistent set (a ScenarioSet found with
    no intervention and no restriction at this tolerance) when it has been searched already.
    """
    from upheaval import cib

    cim = cim if cim is not None else cib.compile_system(system)
    if (
        reference is None
        or getattr(reference, "fix", None)
        or getattr(reference, "where", None)
        or getattr(reference, "tolerance", tolerance) != tolerance
    ):
        reference = cib.find_consistent(cim, tolerance)
    return ScenarioLabels(system, cim, int(tolerance), np.asarray(reference.indices, dtype=np.int64))
