"""The balance view: why each descriptor of a scenario takes its variant, row by row.

For every descriptor, each variant's impact balance under the scenario (the sum of the
impacts it receives from the scenario's chosen variants, the self-impact block included, as
ScenarioWizard counts it), the margin of the chosen variant over its best rival, and the
rows that make it: each chosen variant of another descriptor with its cells into every
variant, largest contribution to the margin first, with the rationale and citations of the
row that acts. A margin of 0 is a tie (the rival is as consistent as the chosen variant);
a margin of 1 is a near tie (one step of one cell changes the answer). This is the view a
ScenarioWizard user debugs a matrix with (Weimer-Jehle 2006, section 3; the ScenarioWizard
manual's "impact balance" display).

A descriptor set by an intervention is exempt from the consistency test (it has no margin);
so is a context descriptor (``context: true``, ScenarioWizard's autonomous descriptor),
which nothing in the system acts on and which is set from outside the system.

References
----------
.. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
   cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
   https://doi.org/10.1016/j.techfore.2005.06.005
.. [2] W. Weimer-Jehle: ScenarioWizard 4.4, Constructing Consistent Scenarios Using
   Cross-Impact Balance Analysis, Manual. ZIRIUS, University of Stuttgart, 2022.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = [
    "NEAR_TIE",
    "BalanceRow",
    "BalanceView",
    "DescriptorBalance",
    "explain",
    "resolve_scenario",
    "row_reason",
]

NEAR_TIE = 1
"""A margin at most this (and above 0) is flagged as a near tie: one step of one cell decides it."""


@dataclass(frozen=True)
class BalanceRow:
    """One acting row: descriptor ``source`` in its chosen ``variant``, with its cells into every variant.

    ``values[k]`` is the impact on the explained descriptor's ``k``-th variant; ``effect`` what
    the row adds to the chosen variant's margin over the best rival (its cell into the chosen
    variant minus its cell into that rival).
    """

    source: str
    source_label: str
    variant: str
    variant_label: str
    values: tuple[int, ...]
    effect: int
    rationale: str
    cites: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "variant": self.variant,
            "values": list(self.values),
            "effect": self.effect,
            "rationale": self.rationale,
            "cites": list(self.cites),
        }


@dataclass(frozen=True)
class DescriptorBalance:
    """One descriptor under the scenario: every variant's balance, the chosen one's margin and the rows.

    ``margin`` is the chosen variant's balance minus its best rival's (negative when a rival
    scores higher, i.e. the scenario is not consistent there); None when the descriptor is
    ``exempt`` (set by an intervention, or a context descriptor) or has no rival.
    """

    descriptor: str
    label: str
    variants: tuple[str, ...]
    variant_labels: tuple[str, ...]
    balances: tuple[int, ...]
    chosen: int
    rival: int | None
    margin: int | None
    rows: tuple[BalanceRow, ...]
    exempt: str = ""  # "intervention", "context" or ""

    @property
    def variant(self) -> str:
        """The chosen variant's id."""
        return self.variants[self.chosen]

    @property
    def tie(self) -> bool:
        """The chosen variant and its best rival have the same balance."""
        return self.margin == 0

    @property
    def near_tie(self) -> bool:
        """The margin is positive but at most :data:`NEAR_TIE`."""
        return self.margin is not None and 0 < self.margin <= NEAR_TIE

    @property
    def inconsistent(self) -> bool:
        """A rival scores higher than the chosen variant."""
        return self.margin is not None and self.margin < 0

    def to_json(self) -> dict[str, Any]:
        return {
            "descriptor": self.descriptor,
            "variant": self.variant,
            "balances": dict(zip(self.variants, self.balances, strict=True)),
            "rival": None if self.rival is None else self.variants[self.rival],
            "margin": self.margin,
            "tie": self.tie,
            "near_tie": self.near_tie,
            "exempt": self.exempt or None,
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass(frozen=True)
class BalanceView:
    """The balance view of one scenario: a :class:`DescriptorBalance` per descriptor, in the model's order.

    ``consistency_value`` is the smallest margin over the descriptors that take part in the
    consistency test (None when none does); ``inconsistency`` how far the worst one falls
    short of its best variant (0 for a consistent scenario).
    """

    scenario: dict[str, str]
    descriptors: list[DescriptorBalance]
    fix: dict[str, list[str]] = field(default_factory=dict)

    @property
    def consistency_value(self) -> int | None:
        margins = [d.margin for d in self.descriptors if d.margin is not None]
        return min(margins) if margins else None

    @property
    def inconsistency(self) -> int:
        return max([0] + [-d.margin for d in self.descriptors if d.margin is not None and d.margin < 0])

    @property
    def ties(self) -> list[DescriptorBalance]:
        """The descriptors whose chosen variant ties with a rival."""
        return [d for d in self.descriptors if d.tie]

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "fix": self.fix,
            "consistency_value": self.consistency_value,
            "inconsistency": self.inconsistency,
            "descriptors": [d.to_json() for d in self.descriptors],
        }


@accepts_system("system")
def row_reason(system: Any, source: str, variant: str, target: str, target_variant: str | None = None):
    """The rationale and citation labels of the row ``source=variant`` acting on ``target``.

    Taken from the first judgement section from ``source`` to ``target`` whose row for
    ``variant`` has a nonzero cell (into ``target_variant`` when given): the row's own
    rationale where the section gives one, else the section's (:meth:`upheaval.model.Impact.reason`).
    ``("", ())`` when no section explains it (e.g. a matrix read from a ``.scw`` file
    without texts).
    """
    for imp in system.impact_sections(source, target):
        row = imp.values.get(variant, {})
        if row.get(target_variant, 0) if target_variant is not None else any(row.values()):
            rationale, cites = imp.reason(variant)
            return rationale, tuple(c.label() for c in cites)
    return "", ()


def _context_ids(system: Any) -> set[str]:
    return {d.id for d in getattr(system, "descriptors", []) if getattr(d, "context", False)}


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def explain(
    system: Any,
    scenario: Mapping[str, str] | Sequence[int] | np.ndarray,
    cim: Any = None,
    fix: Mapping[str, str | Sequence[str]] | None = None,
) -> BalanceView:
    """The balance view of ``scenario``: each descriptor's balances, margin and the rows that make it.

    Parameters
    ----------
    system : System
        Its judgement sections give the rows' rationales and citations (``uh.load`` opens a
        model file or a built-in model).
    scenario : mapping or sequence of int
        ``{descriptor id: variant id}`` (every descriptor), or 0-based variant indices; see
        :func:`resolve_scenario` for labels (``S4``), futures' names and ``present``.
    cim : CrossImpactMatrix, optional
        The system's compiled matrix.
    fix : mapping, optional
        An intervention the scenario holds under: its descriptors are exempt from the
        consistency test and, with several variants, compared within them only.

    Returns
    -------
    BalanceView

    Examples
    --------
    >>> from upheaval import load
    >>> s = load("tests/data/tiny.yaml")
    >>> view = explain(s, {"x": "lo", "y": "lo"})
    >>> [(d.descriptor, d.variant, d.balances, d.margin) for d in view.descriptors]
    [('x', 'lo', (1, 0), 1), ('y', 'lo', (2, -2), 4)]

    References
    ----------
    .. [1] W. Weimer-Jehle 2006 (see the module's references).
    """
    from upheaval.cib import compile_system, scenario_array

    cim = cim if cim is not None else compile_system(system)
    z = scenario_array(cim, scenario)
    fixed = cim.condition_indices(fix) if fix else {}
    for i, vs in fixed.items():
        if int(z[i]) not in vs:
            raise EngineError(
                f"the scenario has {cim.descriptor_ids[i]}={cim.variant_ids[i][int(z[i])]}, which the "
                f"intervention does not allow ({', '.join(cim.variant_ids[i][v] for v in vs)})"
            )
    context = _context_ids(system)
    rows_of = z + cim.offsets
    balances = cim.values[rows_of].sum(axis=0)
    out = []
    for j, d in enumerate(system.descriptors):
        off, size, c = int(cim.offsets[j]), int(cim.sizes[j]), int(z[j])
        block = [int(x) for x in balances[off : off + size]]
        exempt = "intervention" if j in fixed else "context" if d.id in context else ""
        candidates = sorted(set(fixed[j]) - {c}) if j in fixed else [k for k in range(size) if k != c]
        rival = max(candidates, key=lambda k: (block[k], -k)) if candidates else None
        margin = None if rival is None or exempt == "context" else block[c] - block[rival]
        rows = []
        for i, src in enumerate(system.descriptors):
            cells = tuple(int(x) for x in cim.values[int(rows_of[i]), off : off + size])
            if not any(cells):
                continue
            a = src.variants[int(z[i])]
            effect = cells[c] - (cells[rival] if rival is not None else 0)
            rationale, cites = row_reason(system, src.id, a.id, d.id)
            rows.append(BalanceRow(src.id, src.label, a.id, a.label, cells, effect, rationale, cites))
        rows.sort(key=lambda r: (-abs(r.effect), -r.values[c], r.source))
        out.append(
            DescriptorBalance(
                d.id,
                d.label,
                tuple(v.id for v in d.variants),
                tuple(v.label for v in d.variants),
                tuple(block),
                c,
                rival,
                margin,
                tuple(rows),
                exempt,
            )
        )
    names = cim.scenario_names(z)
    return BalanceView(
        names, out, {cim.descriptor_ids[i]: [cim.variant_ids[i][v] for v in vs] for i, vs in fixed.items()}
    )


@accepts_system("system", optional=True)
@accepts_system("cim", to="matrix", optional=True)
def resolve_scenario(system: Any, text: str, cim: Any = None, tolerance: int = 0) -> tuple[dict[str, str], str]:
    """A scenario named as the command line names it, and how it was found.

    ``text`` is ``present`` (the model's present), a label of the unrestricted consistent set
    (``S4``), a future's id or name (its first consistent scenario), or ``D=V,...`` pairs
    (descriptors not given as in the present; with ``present,D=V`` too). Returns the scenario
    and a note saying what was resolved (e.g. ``future `peace`: S3 (also S5, S7)``). Raises
    :class:`upheaval.errors.EngineError` with what to write instead when nothing fits.
    """
    from upheaval import cib

    cim = cim if cim is not None else cib.compile_system(system)
    text = text.strip()
    present = dict(system.present.scenario) if system.present is not None else None
    tokens = [t.strip() for t in text.split(",") if t.strip()]
    pairs = [t for t in tokens if "=" in t]
    if pairs or text == "present":
        words = [t for t in tokens if "=" not in t]
        if any(w != "present" for w in words):
            raise EngineError(f"cannot read {text!r}: give D=V pairs, optionally with `present`")
        given = dict(p.split("=", 1) for p in pairs)
        given = {d.strip(): v.strip() for d, v in given.items()}
        for d, v in given.items():
            cim.index_of(d, v)  # an unknown descriptor or variant, named
        missing = [d.id for d in system.descriptors if d.id not in given]
        if missing and present is None:
            raise EngineError(
                f"no variant given for {', '.join(missing)}, and model `{system.id}` states no `present` to take "
                "them from; give every descriptor as D=V"
            )
        scenario = {**(present or {}), **given}
        cim.scenario_indices(scenario)  # checks every name
        note = "the present" if not given else ("the present with " + ", ".join(pairs) if missing else "as given")
        return scenario, note
    result = cib.find_consistent(cim, tolerance)
    rows = [cim.scenario_names(r) for r in result.indices]
    if len(text) > 1 and text[0] in "Ss" and text[1:].isdigit():
        k = int(text[1:])
        if not 1 <= k <= len(rows):
            raise EngineError(f"no scenario {text}: the model has {len(rows)} consistent scenarios (S1..S{len(rows)})")
        return rows[k - 1], f"S{k}"
    for future in getattr(system, "futures", []):
        if text.lower() in (future.id.lower(), future.name.lower()):
            named = [k + 1 for k, r in enumerate(rows) if system.future_of(r) is future]
            if not named:
                raise EngineError(
                    f"future `{future.id}` ({future.name}) names no consistent scenario; explain one of its "
                    f"scenarios as D=V pairs, e.g. {','.join(f'{d}={v if isinstance(v, str) else v[0]}' for d, v in future.match.items())}"
                )
            also = f" (also {', '.join(f'S{k}' for k in named[1:])})" if len(named) > 1 else ""
            return rows[named[0] - 1], f"future `{future.id}`: S{named[0]}{also}"
    futures = ", ".join(f.id for f in getattr(system, "futures", []))
    raise EngineError(
        f"cannot read scenario {text!r}: give `present`, a label such as S1 (1..{len(rows)}), "
        + (f"a future ({futures}), " if futures else "")
        + "or D=V pairs"
    )
