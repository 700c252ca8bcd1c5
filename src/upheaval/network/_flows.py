"""Derived flows: figures computed from the ties' quantities, with their arithmetic and sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from upheaval._system_arg import accepts_system
from upheaval.model import System, Tie

__all__ = ["DerivedFlow", "derived_flows", "format_quantity", "tie_quantity"]

PER_YEAR = {"day": 365.0, "week": 52.0, "month": 12.0, "year": 1.0}
PER_DAY = {"day": 1.0, "week": 1 / 7, "month": 12 / 365, "year": 1 / 365}
RATE_WORD = {"day": "a day", "week": "a week", "month": "a month", "year": "a year"}
# Kinds whose quantities count people: a stock sent (troops) against a rate lost (casualties).
PERSONNEL_IN = ("troops",)
PERSONNEL_LOST = ("casualties",)
_PER = re.compile(r"^\s*(?P<num>.+?)\s*(?:\bper\b|/)\s*(?P<den>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DerivedFlow:
    """A figure derived from tie quantities.

    ``formula`` is the arithmetic as text (``10,000 soldiers × 2,000 USD per soldier a
    month × 12 = 240,000,000 USD a year``); ``ties`` the ids of the ties it used and
    ``cites`` their citations (``source §section ¶n``).
    """

    id: str
    label: str
    value: float
    unit: str
    formula: str
    ties: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """A plain-dict form, for JSON output."""
        return {
            "id": self.id,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "formula": self.formula,
            "ties": self.ties,
            "cites": self.cites,
        }


def format_quantity(x: float, digits: int = 1) -> str:
    """A number with thousands separators; whole numbers without decimals (``240,000,000``, ``6.7``)."""
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.{digits}f}"


def tie_quantity(amount: float | None, unit: str | None = None, rate: str | None = None) -> str:
    """A tie's quantity as text: ``2,000 USD per soldier a month``, ``10,000 soldiers``; empty without an amount."""
    if amount is None:
        return ""
    text = f"{format_quantity(float(amount))} {unit or ''}".strip()
    if rate and rate != "once":
        text += f" a {rate}"
    return text


def _singular(word: str) -> str:
    w = word.strip().lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _cites(*ties: Tie) -> list[str]:
    out: list[str] = []
    for t in ties:
        for c in t.cites:
            if c.label() not in out:
                out.append(c.label())
    return out


def _name(system: System, code: str) -> str:
    try:
        return system.actor(code).name
    except KeyError:
        return code


def _per_unit_flows(system: System, ties: list[Tie]) -> list[DerivedFlow]:
    """A per-head amount (``USD per soldier`` a month) times the head count between the same actors."""
    out = []
    for pay in ties:
        if pay.amount is None or not pay.unit or pay.rate not in PER_YEAR:
            continue
        m = _PER.match(pay.unit)
        if not m:
            continue
        num, den = m.group("num"), _singular(m.group("den"))
        pair = {pay.source, pay.target}
        for count in ties:
            if count is pay or count.amount is None or not count.unit or {count.source, count.target} != pair:
                continue
            if _singular(count.unit) != den or count.rate not in (None, "once"):
                continue
            per_period = count.amount * pay.amount
            yearly = per_period * PER_YEAR[pay.rate]
            factor = "" if pay.rate == "year" else f" × {format_quantity(PER_YEAR[pay.rate])} {pay.rate}s"
            formula = (
                f"{format_quantity(count.amount)} {count.unit} × {format_quantity(pay.amount)} {pay.unit} "
                f"{RATE_WORD[pay.rate]}{factor} = {format_quantity(yearly)} {num} a year"
            )
            label = (
                f"Yearly {pay.kind} from {_name(system, pay.source)} to {_name(system, pay.target)} "
                f"for {format_quantity(count.amount)} {count.unit}"
            )
            out.append(
                DerivedFlow(
                    id=f"{pay.id}__x__{count.id}",
                    label=label,
                    value=yearly,
                    unit=f"{num} per year",
                    formula=formula,
                    ties=[count.id, pay.id],
                    cites=_cites(count, pay),
                )
            )
    return out


def _offset_flows(system: System, ties: list[Tie]) -> list[DerivedFlow]:
    """How many days of an actor's losses a one-off stock of personnel sent to it makes good."""
    out = []
    for sent in ties:
        if sent.kind not in PERSONNEL_IN or sent.amount is None or sent.rate not in (None, "once"):
            continue
        for lost in ties:
            if lost.kind not in PERSONNEL_LOST or lost.amount is None or lost.rate not in PER_DAY:
                continue
            if lost.target != sent.target:
                continue
            per_day = lost.amount * PER_DAY[lost.rate]
            if per_day <= 0:
                continue
            days = sent.amount / per_day
            rate_text = f"{format_quantity(lost.amount)} {lost.unit or ''} {RATE_WORD[lost.rate]}".replace("  ", " ")
            if lost.rate != "day":
                rate_text += f" ({format_quantity(per_day)} a day)"
            formula = f"{format_quantity(sent.amount)} {sent.unit or ''} ÷ {rate_text} ≈ {days:,.1f} days".replace(
                "  ", " "
            )
            who = _name(system, sent.target)
            out.append(
                DerivedFlow(
                    id=f"{sent.id}__offsets__{lost.id}",
                    label=f"Days of {who}'s average losses offset by {_name(system, sent.source)}'s {sent.kind}",
                    value=days,
                    unit="days",
                    formula=formula,
                    ties=[sent.id, lost.id],
                    cites=_cites(sent, lost),
                )
            )
    return out


def _yearly_flows(system: System, ties: list[Tie], used: set[str]) -> list[DerivedFlow]:
    """Any other quantity given per day, week or month, expressed per year."""
    out = []
    for t in ties:
        if t.id in used or t.amount is None or t.rate not in ("day", "week", "month"):
            continue
        yearly = t.amount * PER_YEAR[t.rate]
        unit = t.unit or t.kind
        out.append(
            DerivedFlow(
                id=f"{t.id}__yearly",
                label=f"{t.kind.capitalize()}, {_name(system, t.source)} → {_name(system, t.target)}, per year",
                value=yearly,
                unit=f"{unit} per year",
                formula=f"{format_quantity(t.amount)} {unit} {RATE_WORD[t.rate]} × {format_quantity(PER_YEAR[t.rate])} "
                f"= {format_quantity(yearly)} {unit} a year",
                ties=[t.id],
                cites=_cites(t),
            )
        )
    return out


@accepts_system("system")
def derived_flows(system: System, scenario=None) -> list[DerivedFlow]:
    """Figures derived from the quantities on the ties, each with its formula and sources.

    Three generic rules, applied to the ties of the present network (or of ``scenario``):

    * **per-head amounts**: a tie whose unit is ``X per Y`` with a rate (``2,000 USD per
      soldier`` a month) times a one-off count of ``Y`` between the same two actors
      (``10,000 soldiers``) gives a yearly flow of ``X`` (240,000,000 USD a year);
    * **losses offset**: a one-off stock of troops sent to an actor divided by the rate of
      casualties that actor suffers gives the days of losses it makes good
      (10,000 ÷ 1,500 a day ≈ 6.7 days);
    * **yearly equivalents** of any other quantity given per day, week or month.

    Returns
    -------
    list of DerivedFlow
    """
    from upheaval.network._graph import scenario_ties

    ties = scenario_ties(system, scenario)
    per_unit = _per_unit_flows(system, ties)
    offsets = _offset_flows(system, ties)
    used = {t for f in per_unit for t in f.ties}
    return per_unit + offsets + _yearly_flows(system, ties, used)
