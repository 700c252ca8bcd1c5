"""Shocks: which consistent scenarios survive a named shock, and where succession goes while it lasts and after.

A shock (``shocks:`` in the model) forces variants, an intervention in CIB's sense
(Weimer-Jehle 2006, section 5: the forced descriptors take the variants given and are exempt
from the consistency test), and may add judgements to the matrix while it lasts (each cell
added to the model's own). A consistent scenario **survives** when it is still consistent
under the shock: it takes the forced variants and every other descriptor keeps a maximal
balance in the shocked matrix. From every consistent scenario (and the present), the forced
variants are applied and succession runs in the shocked matrix, the forced descriptors held,
to where the system settles **while the shock lasts**; from there succession in the model's
own matrix, nothing held, gives where it goes **after the shock lifts**.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._targets import as_system, descriptors_json, scenario_entry
from upheaval.errors import EngineError

__all__ = ["ShockPath", "ShockResult", "shock", "shocked_matrix"]


@accepts_system("cim", to="matrix")
def shocked_matrix(cim: Any, shock: Any) -> Any:
    """The matrix while ``shock`` lasts: the model's cells plus each cell of the shock's ``impacts``.

    ``shock`` is a :class:`upheaval.model.Shock` (or anything with ``impacts``: judgement
    sections with ``source``, ``target`` and ``values``).

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> from upheaval.model import Shock
    >>> cim = CrossImpactMatrix(np.zeros((4, 4), dtype=int), (2, 2), ("a", "b"), (("x", "y"), ("x", "y")))
    >>> s = Shock.model_validate({"id": "s", "label": "S", "impacts": [{"from": "a", "to": "b", "values": {"x": {"y": 2}}}]})
    >>> shocked_matrix(cim, s).values[0].tolist()
    [0, 0, 0, 2]
    """
    values = cim.values.copy()
    for imp in getattr(shock, "impacts", None) or []:
        for a, row in imp.values.items():
            i, va = cim.index_of(imp.source, a)
            r = int(cim.offsets[i]) + va
            for b, score in row.items():
                j, vb = cim.index_of(imp.target, b)
                values[r, int(cim.offsets[j]) + vb] += int(score)
    scale = max(cim.scale, int(np.abs(values).max()) if values.size else 0)
    from upheaval.cib import CrossImpactMatrix

    return CrossImpactMatrix(values, cim.sizes, cim.descriptor_ids, cim.variant_ids, scale)


@dataclass(frozen=True, eq=False)
class ShockPath:
    """Where one start goes under the shock.

    ``start`` is a consistent scenario (or the present), ``survives`` whether it is consistent
    under the shock; ``during`` is where succession settles while the shock lasts (``during_kind``
    ``"consistent"``, or ``"cycle"`` with ``during_cycle``), ``after`` where succession in the
    model's own matrix goes from there once it lifts (from a cycle: from its first member);
    ``during_steps`` and ``after_steps`` count the steps.
    """

    start: np.ndarray
    survives: bool
    during: np.ndarray
    during_kind: str
    during_cycle: np.ndarray | None
    during_steps: int
    after: np.ndarray
    after_kind: str
    after_cycle: np.ndarray | None
    after_steps: int


@dataclass(eq=False)
class ShockResult:
    """A shock's effect on a system's futures: see :func:`shock`.

    ``baseline`` is the consistent set (the S labels), ``under`` the set consistent while the
    shock lasts, ``paths`` one :class:`ShockPath` per consistent scenario in label order, then
    the present's when the model states one that is not itself consistent; ``present`` is the
    position of the present's path (None without a present).
    """

    system: Any
    cim: Any
    shocked: Any
    shock: Any
    fix: dict[int, tuple[int, ...]]
    labels: ScenarioLabels
    baseline: Any
    under: Any
    paths: list[ShockPath]
    present: int | None
    mode: str
    seconds: float

    @property
    def survivors(self) -> list[ShockPath]:
        """The consistent scenarios still consistent under the shock."""
        return [p for p in self.paths[: len(self.baseline)] if p.survives]

    @property
    def broken(self) -> list[ShockPath]:
        """The consistent scenarios the shock makes inconsistent."""
        return [p for p in self.paths[: len(self.baseline)] if not p.survives]

    @property
    def new(self) -> np.ndarray:
        """Scenarios consistent only while the shock lasts (index rows)."""
        base = {r.tobytes() for r in self.baseline.indices}
        rows = [r for r in self.under.indices if r.tobytes() not in base]
        return np.array(rows, dtype=np.int64).reshape(-1, self.cim.n_descriptors)

    def label(self, row: Any) -> str:
        """``S4 · Name`` or ``X1``, as every view labels it."""
        return self.labels.label(row)

    def to_json(self) -> dict[str, Any]:
        """The shock, each start's fate and the scenarios new under it; scenarios as ``scenarios --json``, labelled."""
        model, descriptors = descriptors_json(self.system, self.cim)
        cim, fix = self.cim, self.fix

        def scen(row, shocked=False):
            return scenario_entry(self.shocked if shocked else cim, row, self.labels, fix if shocked else None)

        s = self.shock
        return {
            "model": model,
            "descriptors": descriptors,
            "shock": {
                "id": s.id,
                "label": s.label,
                "description": s.description,
                "rationale": s.rationale,
                "fix": {cim.descriptor_ids[i]: [cim.variant_ids[i][v] for v in vs] for i, vs in fix.items()},
                "impacts": len(s.impacts),
                "cites": [c.label() for c in s.cites],
            },
            "mode": self.mode,
            "paths": [
                {
                    "start": scen(p.start),
                    "present": k == self.present,
                    "survives": p.survives,
                    "during": {"end_kind": p.during_kind, "steps": p.during_steps, "end": scen(p.during, True)},
                    "after": {"end_kind": p.after_kind, "steps": p.after_steps, "end": scen(p.after)},
                }
                for k, p in enumerate(self.paths)
            ],
            "new": [scen(r, True) for r in self.new],
            "seconds": round(self.seconds, 4),
        }


def _fix_of(cim: Any, shock: Any) -> dict[int, tuple[int, ...]]:
    from upheaval.cib import normalize_condition

    fix = getattr(shock, "fix", None) or {}
    return normalize_condition(cim, dict(fix), "fix")


def _path(cib: Any, cim: Any, shocked: Any, fix: dict, start: np.ndarray, mode: str, steps: int,
          under: set[bytes]) -> ShockPath:  # fmt: skip
    z = start.copy()
    for i, vs in fix.items():
        if z[i] not in vs:
            z[i] = vs[0]  # a forced set the start is outside of: its first variant to begin with
    during = cib.succession(shocked, z, mode, steps, fix=fix or None)
    d_end = during.scenario if during.end_kind == "consistent" else during.cycle[0]
    after = cib.succession(cim, d_end, mode, steps)
    a_end = after.scenario if after.end_kind == "consistent" else after.cycle[0]
    return ShockPath(
        start, start.tobytes() in under, d_end, during.end_kind, during.cycle, len(during.path) - 1,
        a_end, after.end_kind, after.cycle, len(after.path) - 1,
    )  # fmt: skip


@accepts_system("model", to="either")
def shock(
    model: Any,
    name: Any,
    *,
    mode: str = "global",
    tolerance: int = 0,
    max_steps: int = 1000,
) -> ShockResult:
    """Which consistent scenarios survive a shock, which break, and where succession goes during and after it.

    Parameters
    ----------
    model : System (or a CrossImpactMatrix, with a Shock object)
    name : str or upheaval.model.Shock
        The shock's id in the model's ``shocks:``, or a Shock.
    mode : {"global", "local"}
        Succession mode.
    tolerance : int
        Inconsistency tolerance of both consistent sets.
    max_steps : int

    Returns
    -------
    ShockResult

    Examples
    --------
    >>> import numpy as np
    >>> from upheaval.cib import CrossImpactMatrix
    >>> from upheaval.model import Shock
    >>> cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -2, 2], [2, -2, 0, 0], [-2, 2, 0, 0]]), (2, 2),
    ...                         ("a", "b"), (("x", "y"), ("x", "y")))
    >>> r = shock(cim, Shock(id="s", label="S", fix={"a": "y"}))
    >>> [(r.label(p.start), p.survives, r.label(p.during), r.label(p.after)) for p in r.paths]
    [('S1', False, 'S2', 'S2'), ('S2', True, 'S2', 'S2')]

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
       https://doi.org/10.1016/j.techfore.2005.06.005
    """
    from upheaval import cib

    t0 = time.perf_counter()
    system, cim = as_system(model)
    if isinstance(name, str):
        if system is None:
            raise EngineError("a matrix alone has no shocks; pass a Shock object")
        try:
            the_shock = system.shock(name)
        except KeyError:
            known = ", ".join(f"`{s.id}`" for s in system.shocks) or "none (add `shocks:` to the model)"
            raise EngineError(f"model `{system.id}` has no shock {name!r}; its shocks: {known}") from None
    elif isinstance(name, Mapping):
        from upheaval.model import Shock

        the_shock = Shock.model_validate(dict(name))
    else:
        the_shock = name
    fix = _fix_of(cim, the_shock)
    shocked = shocked_matrix(cim, the_shock)
    baseline = cib.find_consistent(cim, tolerance)
    under = cib.find_consistent(shocked, tolerance, fix=fix or None)
    labels = scenario_labels(system, cim, tolerance, baseline)
    in_under = {r.tobytes() for r in under.indices}
    paths = [_path(cib, cim, shocked, fix, row, mode, max_steps, in_under) for row in baseline.indices]
    at = None
    if getattr(system, "present", None) is not None:
        z = cim.scenario_indices(system.present.scenario)
        at = next((n for n, r in enumerate(baseline.indices) if (r == z).all()), None)
        if at is None:
            paths.append(_path(cib, cim, shocked, fix, z, mode, max_steps, in_under))
            at = len(paths) - 1
    return ShockResult(system, cim, shocked, the_shock, fix, labels, baseline, under, paths, at, mode,
                       time.perf_counter() - t0)  # fmt: skip
