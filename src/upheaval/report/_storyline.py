"""Storylines: a scenario told step by step, each step carrying the cited reasons that hold it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from upheaval.cib import CrossImpactMatrix, compile_system
from upheaval.model import System

__all__ = ["Influence", "Step", "Storyline", "storyline"]


@dataclass(frozen=True)
class Influence:
    """One judgement acting in a scenario: variant ``source`` promotes (score > 0) or hinders ``target``."""

    source_descriptor: str
    source_variant: str
    target_descriptor: str
    target_variant: str
    score: int
    rationale: str
    cites: list[str]
    source_label: str = ""

    def reason(self) -> str:
        """The rationale, or failing one, which variant acts and how strongly."""
        if self.rationale:
            return self.rationale
        verb = "promotes" if self.score > 0 else "hinders"
        return f"{self.source_label or self.source_descriptor + '=' + self.source_variant} {verb} it ({self.score:+d})."


@dataclass(frozen=True)
class Step:
    """One descriptor's variant in the scenario, with what promotes and what hinders it."""

    descriptor: str
    descriptor_label: str
    variant: str
    variant_label: str
    balance: int
    margin: int
    promoted_by: list[Influence] = field(default_factory=list)
    hindered_by: list[Influence] = field(default_factory=list)

    def sentence(self) -> str:
        """The step in plain language, with its strongest reason and its citation."""
        text = f"{self.descriptor_label}: {self.variant_label}."
        if self.promoted_by:
            top = self.promoted_by[0]
            cite = f" [{'; '.join(top.cites)}]" if top.cites else ""
            text += f" {top.reason()}{cite}"
        return text


@dataclass(frozen=True)
class Storyline:
    """A scenario as a sequence of steps, drivers first; ``name`` and ``summary`` of its named future, if any."""

    scenario: dict[str, str]
    steps: list[Step]
    name: str = ""
    summary: str = ""

    def text(self) -> str:
        """The whole storyline as one paragraph per step, after the future's name and summary when it has one."""
        head = [f"{self.name}. {self.summary}".strip()] if self.name else []
        return "\n".join(head + [s.sentence() for s in self.steps])


def _section_index(system: System) -> dict[tuple[str, str], list]:
    out: dict[tuple[str, str], list] = {}
    for imp in system.impacts:
        out.setdefault((imp.source, imp.target), []).append(imp)
    return out


def storyline(
    system: System, scenario: dict[str, str] | Sequence[int], cim: CrossImpactMatrix | None = None
) -> Storyline:
    """Tell a scenario as a storyline built from the judgements that act in it.

    Each step is one descriptor's chosen variant, with the judgements (from the other
    chosen variants) that promote or hinder it, strongest first, each carrying the
    rationale and citations of the row that acts (the acting variant's own, where its
    judgement section gives one; else the section's). Steps are ordered so that
    descriptors that drive others come first (by the total absolute impact their chosen
    variant exerts). The storyline carries the name of the system's future that the
    scenario matches first, if any.
    """
    cim = cim if cim is not None else compile_system(system)
    z = cim.scenario_indices(scenario) if isinstance(scenario, dict) else np.asarray(scenario, dtype=np.int64)
    names = cim.scenario_names(z)
    rows = z + cim.offsets
    balances = cim.values[rows].sum(axis=0)
    sections = _section_index(system)
    steps = []
    drive = []
    for j, d in enumerate(system.descriptors):
        v = d.variants[int(z[j])]
        col = cim.offsets[j] + z[j]
        block = balances[cim.offsets[j] : cim.offsets[j] + cim.sizes[j]]
        rivals = np.delete(block, z[j])
        margin = int(block[z[j]] - rivals.max()) if len(rivals) else 0
        promoted, hindered = [], []
        for i, src in enumerate(system.descriptors):
            score = int(cim.values[rows[i], col])
            if score == 0:
                continue
            av = src.variants[int(z[i])]
            a = av.id
            rationale, cites = "", []
            for imp in sections.get((src.id, d.id), []):
                if v.id in imp.values.get(a, {}):
                    rationale, row_cites = imp.reason(a)
                    cites = [c.label() for c in row_cites]
                    break
            inf = Influence(src.id, a, d.id, v.id, score, rationale, cites, f"{src.label}: {av.label}")
            (promoted if score > 0 else hindered).append(inf)
        promoted.sort(key=lambda x: -x.score)
        hindered.sort(key=lambda x: x.score)
        steps.append(Step(d.id, d.label, v.id, v.label, int(block[z[j]]), margin, promoted, hindered))
        drive.append(int(np.abs(cim.values[rows[j]]).sum()))
    order = sorted(range(len(steps)), key=lambda k: (-drive[k], k))
    future = system.future_of(names)
    return Storyline(
        names, [steps[k] for k in order], future.name if future else "", future.summary.strip() if future else ""
    )
