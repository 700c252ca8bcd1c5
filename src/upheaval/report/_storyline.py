"""Storylines: a scenario told step by step, each step carrying the cited reasons that hold it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from upheaval._system_arg import accepts_system
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
    """One descriptor's variant in the scenario, with what promotes and what hinders it.

    ``balance`` is the chosen variant's impact balance and ``margin`` its lead over the best
    rival (``rival``); ``balances`` holds every variant's, in the descriptor's order (labels in
    ``variant_labels``). ``reason`` is the row that does most for the margin (the balance view's
    first row that favours the chosen variant over the rival), which the step's sentence quotes.
    """

    descriptor: str
    descriptor_label: str
    variant: str
    variant_label: str
    balance: int
    margin: int
    promoted_by: list[Influence] = field(default_factory=list)
    hindered_by: list[Influence] = field(default_factory=list)
    balances: tuple[int, ...] = ()
    variant_labels: tuple[str, ...] = ()
    rival: str = ""
    reason: Influence | None = None

    @property
    def tie(self) -> bool:
        """The chosen variant's balance equals its best rival's."""
        return bool(self.rival) and self.margin == 0

    @property
    def near_tie(self) -> bool:
        """A margin of 1: one step of one cell decides it."""
        return self.margin == 1

    def sentence(self) -> str:
        """The step in plain language, with the reason that does most for it and its citation."""
        text = f"{self.descriptor_label}: {self.variant_label}."
        top = self.reason or (self.promoted_by[0] if self.promoted_by else None)
        if top is not None:
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


@accepts_system("system")
@accepts_system("cim", to="matrix", optional=True)
def storyline(
    system: System, scenario: dict[str, str] | Sequence[int], cim: CrossImpactMatrix | None = None
) -> Storyline:
    """Tell a scenario as a storyline built from the judgements that act in it.

    Each step is one descriptor's chosen variant, read from the balance view
    (:func:`upheaval.analysis.explain`): the judgements (from the other chosen variants) that
    promote or hinder it, strongest first, each carrying the rationale and citations of the
    row that acts (the acting variant's own, where its judgement section gives one; else the
    section's), every variant's balance and the margin over the best rival. The step's sentence
    quotes the row that does most for that margin. Steps are ordered so that descriptors that
    drive others come first (by the total absolute impact their chosen variant exerts). The
    storyline carries the name of the system's future that the scenario matches first, if any.
    """
    from upheaval.analysis import explain

    cim = cim if cim is not None else compile_system(system)
    z = cim.scenario_indices(scenario) if isinstance(scenario, dict) else np.asarray(scenario, dtype=np.int64)
    view = explain(system, z, cim)
    rows = z + cim.offsets
    steps = []
    drive = []
    for j, d in enumerate(view.descriptors):
        c = d.chosen
        promoted, hindered, reason = [], [], None
        for r in d.rows:
            score = r.values[c]
            inf = Influence(
                r.source, r.variant, d.descriptor, d.variant, score, r.rationale, list(r.cites),
                f"{r.source_label}: {r.variant_label}",
            )  # fmt: skip
            if reason is None and r.effect > 0:
                reason = inf
            if score > 0:
                promoted.append(inf)
            elif score < 0:
                hindered.append(inf)
        promoted.sort(key=lambda x: -x.score)
        hindered.sort(key=lambda x: x.score)
        margin = d.margin if d.margin is not None else 0
        rival = d.variants[d.rival] if d.rival is not None else ""
        steps.append(
            Step(
                d.descriptor, d.label, d.variant, d.variant_labels[c], d.balances[c], margin, promoted, hindered,
                d.balances, d.variant_labels, rival, reason,
            )
        )  # fmt: skip
        drive.append(int(np.abs(cim.values[rows[j]]).sum()))
    order = sorted(range(len(steps)), key=lambda k: (-drive[k], k))
    future = system.future_of(view.scenario)
    return Storyline(
        view.scenario,
        [steps[k] for k in order],
        future.name if future else "",
        future.summary.strip() if future else "",
    )
