"""Alerts: thresholds on scenario, future or variant probabilities, or on indicator values, per tracking period."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

from upheaval.errors import EventDataError

__all__ = ["AlertRule", "alerts_in", "parse_alert"]

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_RULE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-.]*)\s*(>=|<=|>|<)\s*(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*$")


@dataclass(frozen=True)
class AlertRule:
    """``target op threshold``: target is a variant ``d.v``, a future id, a scenario label or an indicator id."""

    target: str
    op: str
    threshold: float
    label: str = ""

    @property
    def text(self) -> str:
        """The rule as written: ``china_support.expanded >= 0.4``."""
        return f"{self.target} {self.op} {self.threshold:g}"


def parse_alert(text: str, label: str = "") -> AlertRule:
    """An alert rule from ``TARGET OP NUMBER`` (``china_support.expanded>=0.4``, ``S3>0.5``, ``west_statements>=5``)."""
    m = _RULE.match(text or "")
    if not m:
        raise EventDataError(
            f"alert {text!r} is not TARGET OP NUMBER; write e.g. china_support.expanded>=0.4 (a variant's "
            "probability), S2>0.5 (a scenario's), or dprk_troops_deployed>=10 (an indicator's value)"
        )
    return AlertRule(m.group(1), m.group(2), float(m.group(3)), label)


def _resolve(rule: AlertRule, system: Any, labels: list[tuple[str, str | None]]) -> tuple[str, Any]:
    """What the target names: ("indicator", id), ("variant", (d, v)), ("scenario", k) or ("future", id)."""
    if any(i.id == rule.target for i in system.indicators):
        return "indicator", rule.target
    did, dot, vid = rule.target.partition(".")
    if dot:
        try:
            if vid in [v.id for v in system.descriptor(did).variants]:
                return "variant", (did, vid)
        except KeyError:
            pass
    for k, (label, _) in enumerate(labels):
        if label == rule.target:
            return "scenario", k
    if any(f.id == rule.target for f in system.futures):
        return "future", rule.target
    raise EventDataError(
        f"alert {rule.text!r}: {rule.target!r} is no indicator, variant (descriptor.variant), "
        f"scenario label (S1..S{len(labels)}) or future of model {system.id}"
    )


def alerts_in(tracking: Any, rules: list[AlertRule]) -> list[list[dict[str, Any]]]:
    """The alerts each period raises: ``{"alert", "label", "value", "evidence"}`` per rule that holds.

    ``evidence`` lists the period's updates behind the value: the indicator's own update for an
    indicator alert, every update for a probability alert.
    """
    from upheaval.events._probability import variant_probabilities

    kinds = [(r, *_resolve(r, tracking.system, tracking.labels)) for r in rules]
    out = []
    for p in tracking.periods:
        raised = []
        probs = p.belief.probabilities
        by_variant = variant_probabilities(tracking.consistent, probs) if kinds else {}
        for rule, kind, ref in kinds:
            if kind == "indicator":
                value = next((v.value for v in p.indicators if v.id == ref), None)
                evidence = [u for u in p.belief.updates if u.indicator == ref]
            elif kind == "variant":
                value, evidence = by_variant[ref[0]][ref[1]], p.belief.updates
            elif kind == "scenario":
                value, evidence = float(probs[ref]), p.belief.updates
            else:
                of = [tracking.system.future_of(tracking.consistent.names(k)) for k in range(len(probs))]
                value = float(sum(probs[k] for k, f in enumerate(of) if f is not None and f.id == ref))
                evidence = p.belief.updates
            if value is not None and _OPS[rule.op](value, rule.threshold):
                raised.append({"alert": rule.text, "label": rule.label, "value": value, "evidence": evidence})
        out.append(raised)
    return out
