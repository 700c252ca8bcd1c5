"""What a decision analysis is asked about: a system or a matrix, a start, and the futures a name picks out.

Every decision analysis (levers, picks, shocks) takes a System or a CrossImpactMatrix and
names scenarios the way every view does: ``S4`` for the fourth consistent scenario, a future's id or name for the
scenarios matching its condition, ``D=V`` pairs for a condition of one's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = ["Target", "as_system", "descriptors_json", "resolve_start", "resolve_target", "scenario_entry"]


def as_system(model: Any) -> tuple[Any, Any]:
    """``(system or None, matrix)`` for a System or a CrossImpactMatrix (a bare matrix has no system)."""
    from upheaval import cib

    if isinstance(model, cib.CrossImpactMatrix):
        return None, model
    if not hasattr(model, "descriptors"):
        raise TypeError(f"expected a System or a CrossImpactMatrix; got {model!r:.60} ({type(model).__name__})")
    return model, cib.compile_system(model)


def _condition_rows(cim: Any, condition: Mapping[str, Any]) -> Callable[[np.ndarray], np.ndarray]:
    """A test over index rows: which rows satisfy ``{descriptor: variant | [variants]}``."""
    found = cim.condition_indices(condition)

    def test(rows: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.int64))
        ok = np.ones(rows.shape[0], dtype=bool)
        for i, vs in found.items():
            ok &= np.isin(rows[:, i], vs)
        return ok

    return test


@dataclass(frozen=True)
class Target:
    """A set of scenarios named by the user: a future, one labelled scenario, or a condition.

    ``text`` is what was asked, ``description`` how it was read (e.g. ``future `peace`
    (war_path=peace)``); ``matches(rows)`` tests index rows.
    """

    text: str
    description: str
    test: Callable[[np.ndarray], np.ndarray]

    def matches(self, rows: Any) -> np.ndarray:
        """Which of the index rows lie in the target (a boolean array)."""
        return self.test(rows)


def _condition_text(cond: Mapping[str, Any]) -> str:
    return ", ".join(f"{d}={v if isinstance(v, str) else '|'.join(v)}" for d, v in cond.items())


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def resolve_target(system: Any, cim: Any, text: str, reference: np.ndarray | None = None) -> Target:
    """Read ``text`` as a future (id or name: the scenarios matching its ``match``), a label ``S4``
    (the 4th scenario of ``reference``, the unrestricted consistent set) or ``D=V[,D=V...]``.

    Raises :class:`upheaval.errors.EngineError` naming the futures known when it reads as none.
    """
    from upheaval import cib

    text = text.strip()
    futures = list(getattr(system, "futures", None) or [])
    for f in futures:
        if text in (f.id, f.name) or text.casefold() in (f.id.casefold(), f.name.casefold()):
            return Target(text, f"future `{f.id}` ({_condition_text(f.match) or 'every scenario'})",
                          _condition_rows(cim, f.match))  # fmt: skip
    head = text.split("·")[0].strip()
    if len(head) > 1 and head[0] in "Ss" and head[1:].isdigit():
        ref = reference if reference is not None else cib.find_consistent(cim).indices
        k = int(head[1:])
        if not 1 <= k <= len(ref):
            raise EngineError(
                f"no scenario {head.upper()}: the model has {len(ref)} consistent scenarios (S1..S{len(ref)})"
            )
        row = np.asarray(ref[k - 1], dtype=np.int64)
        return Target(text, f"scenario S{k}", lambda rows: (np.atleast_2d(rows) == row).all(axis=1))
    if "=" in text:
        cond: dict[str, list[str]] = {}
        for part in text.split(","):
            d, _, v = part.partition("=")
            if not d.strip() or not v.strip():
                raise EngineError(f"cannot read {part!r} as DESCRIPTOR=VARIANT")
            cond.setdefault(d.strip(), []).append(v.strip())
        return Target(text, _condition_text(cond), _condition_rows(cim, cond))
    known = ", ".join(f"`{f.id}`" for f in futures) if futures else "(the model names no futures)"
    raise EngineError(
        f"{text!r} is neither a future, a scenario label (S1, S2...) nor a condition D=V; futures: {known}"
    )


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def resolve_start(system: Any, cim: Any, start: Any, reference: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """The start scenario as index row and how it was read.

    ``start`` is None or ``"present"`` (the model's present; without one, the first consistent
    scenario S1), a label ``S4``, a mapping ``{descriptor: variant}`` (descriptors left out take
    their present variant) or a row of variant indices.
    """
    from upheaval import cib

    present = getattr(system, "present", None)
    if start is None or (isinstance(start, str) and start.strip() == "present"):
        if present is not None:
            return cim.scenario_indices(present.scenario), "the present"
        if start is not None:
            raise EngineError("the model states no `present`; start from a label (S1...) or name every descriptor")
        ref = reference if reference is not None else cib.find_consistent(cim).indices
        if not len(ref):
            raise EngineError("the model has no `present` and no consistent scenario to start from; give a start")
        return np.asarray(ref[0], dtype=np.int64), "S1 (the model states no present)"
    if isinstance(start, str):
        head = start.split("·")[0].strip()
        if len(head) > 1 and head[0] in "Ss" and head[1:].isdigit():
            t = resolve_target(system, cim, head, reference)
            ref = reference if reference is not None else cib.find_consistent(cim).indices
            return np.asarray(ref[int(head[1:]) - 1], dtype=np.int64), t.description
        raise EngineError(f"cannot read the start {start!r}: give `present`, a label (S1...) or D=V pairs")
    if isinstance(start, Mapping):
        unknown = [d for d in start if d not in cim.descriptor_ids]
        if unknown:
            raise EngineError(f"unknown descriptor {unknown[0]!r} in the start; known: {', '.join(cim.descriptor_ids)}")
        names = {**(dict(present.scenario) if present is not None else {}), **dict(start)}
        return cim.scenario_indices(names), "the given start"
    row = np.asarray(start, dtype=np.int64)
    if row.shape != (cim.n_descriptors,):
        raise EngineError(f"a start names one variant for each of the {cim.n_descriptors} descriptors")
    return row, "the given start"


def descriptors_json(system: Any, cim: Any) -> tuple[str, list[dict[str, Any]]]:
    """``(model id, descriptors)`` as ``scenarios --json`` gives them (a bare matrix: ``"matrix"`` and its ids)."""
    if system is not None:
        return system.id, [
            {"id": d.id, "label": d.label, "variants": [v.id for v in d.variants]} for d in system.descriptors
        ]
    return "matrix", [
        {"id": d, "label": d, "variants": list(vs)} for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True)
    ]


def scenario_entry(cim: Any, row: Any, labels: Any, fix: Any = None) -> dict[str, Any]:
    """A scenario as ``scenarios --json`` gives it, labelled; its measures under the intervention ``fix`` if given."""
    from upheaval import cib
    from upheaval._json import scenario_json

    z = [int(k) for k in row]
    measures = (cib.total_impact_score(cim, z, fix), cib.inconsistency(cim, z, fix), cib.consistency_value(cim, z, fix))
    return scenario_json(cim, z, labels, measures)
