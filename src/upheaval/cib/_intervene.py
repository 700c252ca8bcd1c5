"""Interventions and restrictions: the two ways of holding descriptors to chosen variants.

An **intervention** (``fix``) sets descriptor D from outside the system (a policy, a
shock): D takes one of the given variants S and is exempt from the consistency test;
the other descriptors must be consistent with it as usual. With a set S of several
variants, D takes one of them and must be the best among S only (its balance is
compared with the other variants of S, not with variants outside S). This is CIB's
intervention analysis (Weimer-Jehle 2006, section 5; the ScenarioWizard manual,
"intervention analysis": a descriptor set by an intervention is excluded from the
consistency check).

A **restriction** (``where``) is a filter over the consistent scenarios: D must take
one of the given variants and keeps its own consistency test against all its variants.

An intervention is computed as a smaller matrix: for each intervened descriptor only the
rows and columns of the variants in S are kept. Then D's balance is compared within S
only, and with one variant (``|S| = 1``) D has no rival, so it always passes; impact
balances, the consistency value and the total impact score of the reduced matrix are
those of the definition (a descriptor with a single allowed variant takes no part in the
consistency value). Every search, succession and measure runs unchanged on it, and the
scenarios are mapped back to the variant numbering of the full matrix.

References
----------
.. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
   cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
   https://doi.org/10.1016/j.techfore.2005.06.005
.. [2] W. Weimer-Jehle: ScenarioWizard 4.4, Constructing Consistent Scenarios Using
   Cross-Impact Balance Analysis, Manual. ZIRIUS, University of Stuttgart, 2022.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.cib._compile import CrossImpactMatrix, compile_system, scenario_array
from upheaval.errors import EngineError

__all__ = ["Condition", "Intervention", "intervene", "normalize_condition", "under_intervention"]

F = TypeVar("F", bound=Callable)

Condition = Mapping[int, Sequence[int]] | Mapping[str, str | Sequence[str]] | None


def normalize_condition(cim: CrossImpactMatrix, condition: Condition, name: str = "fix") -> dict[int, tuple[int, ...]]:
    """``condition`` as ``{descriptor index: sorted variant indices}``.

    Accepts ``{descriptor index: variant index | [variant indices]}`` or
    ``{descriptor id: variant id | [variant ids]}``; ``name`` (``"fix"`` or ``"where"``)
    prefixes error messages. Raises :class:`upheaval.errors.EngineError` for unknown names,
    out-of-range indices or an empty list of variants.
    """
    if not condition:
        return {}
    out: dict[int, set[int]] = {}
    for key, val in condition.items():
        vals = [val] if isinstance(val, str | int | np.integer) else list(val)
        if not vals:
            raise EngineError(f"{name}: descriptor {key!r} is given no variant")
        if isinstance(key, int | np.integer):
            i = int(key)
            if not 0 <= i < cim.n_descriptors:
                raise EngineError(f"{name}: descriptor index {i} out of range 0..{cim.n_descriptors - 1}")
            for v in vals:
                if not 0 <= int(v) < cim.sizes[i]:
                    raise EngineError(
                        f"{name}: variant index {v} out of range for descriptor {cim.descriptor_ids[i]!r} "
                        f"(0..{cim.sizes[i] - 1})"
                    )
            out.setdefault(i, set()).update(int(v) for v in vals)
        else:
            try:
                found = cim.condition_indices({key: vals})
            except EngineError as exc:
                raise EngineError(f"{name}: {exc}") from None
            for i, vs in found.items():
                out.setdefault(i, set()).update(vs)
    return {i: tuple(sorted(v)) for i, v in sorted(out.items())}


@dataclass(frozen=True, eq=False)
class Intervention:
    """A matrix under an intervention: the reduced matrix and how its variants map back.

    ``cim`` is the reduced matrix, ``keep[i]`` the variant indices of the full matrix that
    descriptor ``i`` keeps (all of them unless it is intervened on), ``fix`` the
    intervention itself (``{descriptor index: variant indices}``).
    """

    full: CrossImpactMatrix
    cim: CrossImpactMatrix
    keep: tuple[np.ndarray, ...]
    fix: dict[int, tuple[int, ...]]

    def to_full(self, indices: np.ndarray) -> np.ndarray:
        """Scenarios of the reduced matrix (rows of variant indices) in the full matrix's numbering."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1, self.full.n_descriptors)
        out = idx.copy()
        for i in self.fix:
            out[:, i] = self.keep[i][idx[:, i]]
        return out

    def to_reduced(self, indices: np.ndarray) -> np.ndarray:
        """Scenarios of the full matrix in the reduced numbering; EngineError if one leaves the intervention."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1, self.full.n_descriptors)
        out = idx.copy()
        for i, vs in self.fix.items():
            pos = np.searchsorted(self.keep[i], idx[:, i])
            pos = np.minimum(pos, len(vs) - 1)
            bad = self.keep[i][pos] != idx[:, i]
            if bad.any():
                d = self.full.descriptor_ids[i]
                got = self.full.variant_ids[i][int(idx[np.flatnonzero(bad)[0], i])]
                allowed = ", ".join(self.full.variant_ids[i][v] for v in vs)
                raise EngineError(f"scenario has {d}={got}, outside the intervention {d}={allowed}")
            out[:, i] = pos
        return out

    def restrict(self, where: Mapping[int, Sequence[int]]) -> dict[int, tuple[int, ...]]:
        """A restriction (full numbering) in the reduced numbering.

        A descriptor restricted to variants the intervention excludes gets no variant at all
        (an empty tuple): nothing is allowed, and a search finds nothing.
        """
        return {
            i: tuple(int(np.searchsorted(self.keep[i], v)) for v in vs if v in self.fix[i])
            if i in self.fix
            else tuple(vs)
            for i, vs in where.items()
        }

    def start(self, scenario: np.ndarray) -> np.ndarray:
        """A start scenario (full numbering) in the reduced numbering, set to the intervention's variant
        where it allows one only; EngineError if it leaves an intervention of several variants."""
        z = np.array(scenario, dtype=np.int64)
        for i, vs in self.fix.items():
            if len(vs) == 1:
                z[i] = vs[0]
        return self.to_reduced(z)[0]


@accepts_system("cim", to="matrix")
def intervene(cim: CrossImpactMatrix, fix: Condition) -> Intervention:
    """The matrix under the intervention ``fix`` (see the module docstring for the definition).

    Parameters
    ----------
    cim : CrossImpactMatrix
    fix : mapping
        ``{descriptor: variant | [variants]}`` (ids or 0-based indices): each such
        descriptor takes one of these variants and must be best among them only.

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    >>> iv = intervene(cim, {0: 1})
    >>> iv.cim.sizes, iv.cim.values.tolist()
    ((1, 2), [[0, -1, 1], [-3, 0, 0], [1, 0, 0]])
    >>> iv.to_full([[0, 1]]).tolist()
    [[1, 1]]
    """
    fix_n = normalize_condition(cim, fix, "fix")
    keep = tuple(
        np.asarray(fix_n[i], dtype=np.int64) if i in fix_n else np.arange(size, dtype=np.int64)
        for i, size in enumerate(cim.sizes)
    )
    if not fix_n:
        return Intervention(cim, cim, keep, {})
    cols = np.concatenate([cim.offsets[i] + keep[i] for i in range(cim.n_descriptors)])
    reduced = CrossImpactMatrix(
        cim.values[np.ix_(cols, cols)],
        tuple(len(k) for k in keep),
        cim.descriptor_ids,
        tuple(tuple(cim.variant_ids[i][int(v)] for v in keep[i]) for i in range(cim.n_descriptors)),
        cim.scale,
    )
    return Intervention(cim, reduced, keep, fix_n)


def under_intervention(scenario: str | None = None, *, start: bool = False) -> Callable[[F], F]:
    """Decorate a function of a matrix so that its ``fix`` argument is an intervention.

    The decorated function takes ``cim`` (a System is compiled first), ``fix`` and
    optionally ``where`` and a scenario argument named ``scenario``. On entry ``fix`` and
    ``where`` are checked and normalized (:func:`normalize_condition`); with an
    intervention the function runs on the reduced matrix (:func:`intervene`) with ``fix``
    set to None, ``where`` in the reduced numbering (:meth:`Intervention.restrict`) and
    the scenario too (:meth:`Intervention.to_reduced`, or :meth:`Intervention.start` with
    ``start=True``), and a result with a ``to_full(iv, where)`` method is mapped back to
    the full matrix's numbering by it (other results, such as measures, are returned as
    they are). The function's body thus never sees an intervention.
    """

    def decorate(func: F) -> F:
        names = list(inspect.signature(func).parameters)
        at = {name: names.index(name) for name in ("cim", "fix", "where", scenario) if name in names}

        @functools.wraps(func)
        def run(*args, **kwargs):
            given = dict(zip(names, args, strict=False))  # the arguments by name (cheaper than Signature.bind)
            given.update(kwargs)
            cim = given["cim"] if isinstance(given["cim"], CrossImpactMatrix) else compile_system(given["cim"])
            fix = normalize_condition(cim, given.get("fix"), "fix")
            where = normalize_condition(cim, given.get("where"), "where")
            change = {"cim": cim, "where": where}
            if fix:
                iv = intervene(cim, fix)
                change = {"cim": iv.cim, "fix": None, "where": iv.restrict(where)}
                if scenario is not None:
                    z = scenario_array(cim, given[scenario])
                    change[scenario] = iv.start(z) if start else iv.to_reduced(z)[0]
            args = list(args)
            for name, value in change.items():
                if name not in at:
                    continue
                if at[name] < len(args):
                    args[at[name]] = value
                else:
                    kwargs[name] = value
            out = func(*args, **kwargs)
            return out.to_full(iv, where) if fix and hasattr(out, "to_full") else out

        return run  # type: ignore[return-value]

    return decorate
