"""Coverage: what a valid model leaves unjudged, unconnected or unchecked.

These are warnings, not errors: the model loads and analyses, but some results may mislead.
A descriptor that no judgement acts on receives the same impact balance (zero) for every
variant, so every scenario is indifferent to it and consistent scenarios come in copies
that differ only there (Weimer-Jehle 2006: a variant is chosen by its impact balance alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from upheaval._system_arg import accepts_system
from upheaval.model._schema import System
from upheaval.model._yaml import field_location

__all__ = ["Finding", "coverage"]


@dataclass(frozen=True)
class Finding:
    """One coverage warning: ``level`` (``warning`` or ``info``), a stable ``code``, the field it is about."""

    level: Literal["warning", "info"]
    code: str
    message: str
    field: str = ""
    help: str = ""
    location: str = ""  # ``file:line`` of the field, where the finding names one

    def to_json(self) -> dict[str, Any]:
        """As a JSON object (the web workbench and ``--json`` outputs)."""
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "help": self.help,
            "location": self.location,
        }


def _mentioned(system: System) -> set[str]:
    """Descriptors named by a claim's conditions or an indicator's signal."""
    out: set[str] = set()
    for claim in system.claims:
        chk = claim.check
        for cond in (chk.fix, chk.where, chk.then, chk.match, chk.baseline, chk.outcome, chk.scenario):
            out |= set(cond)
    for ind in system.indicators:
        out.add(ind.signals.partition(".")[0])
    return out


@accepts_system("system")
def coverage(system: System) -> list[Finding]:
    """Every coverage warning of a valid system, warnings first, then information.

    * ``unjudged-descriptor``: no judgement of another descriptor acts on it, or only rows
      that give all its variants the same value (every scenario is indifferent to it), and it
      is not marked ``context: true`` (set from outside the system);
    * ``context-acted-on``: a descriptor marked ``context: true`` that judgements act on;
    * ``bloc-key``: actors declare their camp with ``bloc:``, the old name of ``camp:``;
    * ``claim-key``: a claim writes ``given:`` or ``if:``, the old names of ``fix:`` and ``where:``
      (these two name the file and line, ``location``);
    * ``empty-section``: a judgement section with no nonzero cell;
    * ``no-discrimination``: a row of a section gives every variant of ``to`` the same
      value (it shifts all their balances equally and so decides nothing);
    * ``isolated-actor``: an actor with no tie, in the network or added by a variant;
    * ``draft-tie``: a tie marked ``status: draft``, still to be judged;
    * ``unchecked-descriptor`` (info): no claim or indicator mentions the descriptor;
    * ``own-code`` (info): a non-state actor with neither a CAMEO code nor ``own_code: true``.
    """
    out: list[Finding] = []
    acted_on: set[str] = set()
    for i, imp in enumerate(system.impacts):
        where = f"impacts[{i}]"
        pair = f"`{imp.source}` → `{imp.target}`"
        if not any(v for row in imp.values.values() for v in row.values()):
            out.append(
                Finding(
                    "warning",
                    "empty-section",
                    f"the judgement section {pair} has no nonzero cell",
                    f"{where}.values",
                    "judge how the variants act, or remove the section",
                )
            )
            continue
        try:
            targets = system.descriptor(imp.target).variant_ids()
        except KeyError:
            continue
        for a, row in imp.values.items():
            cells = {row.get(b, 0) for b in targets}
            if len(cells) > 1 and imp.source != imp.target:
                acted_on.add(imp.target)
            if len(cells) == 1:
                value = next(iter(cells))
                out.append(
                    Finding(
                        "warning",
                        "no-discrimination",
                        f"row `{imp.source}.{a}` of {pair} gives every variant of `{imp.target}` {value:+d}: it decides nothing",
                        f"{where}.values.{a}",
                        "say which variant it promotes or hinders, or leave the row out",
                    )
                )
    for i, d in enumerate(system.descriptors):
        if d.context and d.id in acted_on:
            out.append(
                Finding(
                    "warning",
                    "context-acted-on",
                    f"descriptor `{d.id}` is marked `context: true` (set from outside), but judgements act on it",
                    f"descriptors[{i}].context",
                    "drop `context: true`, or the judgement sections with `to: " + d.id + "`",
                )
            )
        elif d.id not in acted_on and not d.context:
            out.append(
                Finding(
                    "warning",
                    "unjudged-descriptor",
                    f"no judgement acts on descriptor `{d.id}`: every scenario is indifferent to it, "
                    "so consistent scenarios come in copies that differ only there",
                    f"descriptors[{i}]",
                    f"add a judgement section with `to: {d.id}`, or mark it `context: true` if it is set from "
                    "outside the system",
                )
            )
    connected = {t.source for t in system.all_ties()} | {t.target for t in system.all_ties()}
    for i, a in enumerate(system.actors):
        if a.code not in connected:
            out.append(
                Finding(
                    "warning",
                    "isolated-actor",
                    f"actor `{a.code}` ({a.name}) has no tie",
                    f"actors[{i}]",
                    "add a tie from or to it, or remove the actor",
                )
            )
    old_key = [(i, a) for i, a in enumerate(system.actors) if "bloc" in a.model_fields_set]
    if old_key:
        i, a = old_key[0]
        codes = ", ".join(a.code for _, a in old_key[:6]) + (" ..." if len(old_key) > 6 else "")
        out.append(
            Finding(
                "warning",
                "bloc-key",
                f"{len(old_key)} actor{'s declare their' if len(old_key) > 1 else ' declares its'} camp with "
                f"`bloc:` ({codes}), the old name of `camp:`; it is still read",
                f"actors[{i}].bloc",
                f"write `camp: {a.camp}` instead of `bloc: {a.camp}`",
                field_location(system, f"actors[{i}].bloc"),
            )
        )
    for k, claim in enumerate(system.claims):
        for old, new in claim.check.old_keys().items():
            out.append(
                Finding(
                    "warning",
                    "claim-key",
                    f"claim `{claim.id}` writes `{old}:`, the old name of `{new}:` (the commands' --{new}); "
                    "it is still read",
                    f"claims[{k}].check.{old}",
                    f"write `{new}:` instead of `{old}:`",
                    field_location(system, f"claims[{k}].check.{old}"),
                )
            )
    for i, t in enumerate(system.ties):
        if t.status == "draft":
            out.append(
                Finding(
                    "warning",
                    "draft-tie",
                    f"tie `{t.id}` ({t.source} → {t.target}, {t.kind}) is a draft",
                    f"ties[{i}].status",
                    "check it against the source and set its status (reported, planned, option, stance)",
                )
            )
    mentioned = _mentioned(system)
    if system.claims or system.indicators:
        for i, d in enumerate(system.descriptors):
            if d.id not in mentioned:
                out.append(
                    Finding(
                        "info",
                        "unchecked-descriptor",
                        f"no claim or indicator mentions descriptor `{d.id}`",
                        f"descriptors[{i}]",
                        "a claim or an indicator about it lets the model be checked there",
                    )
                )
    for i, a in enumerate(system.actors):
        if a.kind != "state" and not a.cameo and not a.own_code:
            out.append(
                Finding(
                    "info",
                    "own-code",
                    f"non-state actor `{a.code}` ({a.name}) has no CAMEO code",
                    f"actors[{i}].code",
                    "give its CAMEO code with `cameo:` so event data can find it, or mark a code of "
                    "the model's own with `own_code: true`",
                )
            )
    return sorted(out, key=lambda f: f.level != "warning")
