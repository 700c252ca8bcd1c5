"""Tracking: which variants the event data show, period by period, and the consistent scenarios they leave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np

from upheaval._json import scenario_set_json
from upheaval._system_arg import accepts_system
from upheaval.cib import compile_system
from upheaval.errors import EventDataError
from upheaval.events._indicators import (
    IndicatorValue,
    Period,
    _add,
    evaluate_indicators,
    events_table,
    indicator_events,
    make_periods,
    parse_span,
)
from upheaval.events._probability import Belief, posterior, prior_weights, scenario_labels, variant_probabilities

__all__ = [
    "INDEPENDENCE",
    "PeriodTrack",
    "Tracking",
    "changes_since",
    "data_range",
    "probabilities_json",
    "track",
    "tracking_json",
    "update_json",
]


def _find_consistent(cim: Any, observed: dict[str, str] | None = None) -> Any:
    """The consistent scenarios that have the observed variants (a restriction: observations
    are facts about the world, not interventions, so each keeps its own consistency test)."""
    from upheaval.cib import find_consistent

    return find_consistent(cim, 0, where=observed or None)


@dataclass
class PeriodTrack:
    """One tracking period: indicator values, the probabilities they give, and the hard-filter reading.

    ``belief`` holds the probability of every consistent scenario after Bayes' rule (see
    :mod:`upheaval.events._probability`) and the updates behind it. The hard-filter reading of
    the same indicators: ``observed`` (the variants signalled) and ``scenarios`` (a ScenarioSet
    of the consistent scenarios with them); when observations conflict it holds those that
    satisfy the most observations, and ``satisfied`` how many each satisfies.
    """

    period: Period
    indicators: list[IndicatorValue]
    observed: dict[str, str]
    scenarios: Any
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    satisfied: list[int] | None = None
    belief: Belief | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tracking:
    """The tracking of a system over an event table: one :class:`PeriodTrack` per period.

    ``consistent`` is the unfixed consistent set the probabilities are over, ``labels`` each
    scenario's (label, future name); ``prior`` the stated prior (``prior_kind`` its name) and
    ``floor`` the likelihood floor.
    """

    system: Any
    periods: list[PeriodTrack]
    n_consistent: int
    consistent: Any = None
    labels: list[tuple[str, str | None]] = field(default_factory=list)
    prior: Any = None
    prior_kind: str = "uniform"
    floor: float = 0.05


def data_range(events: Any) -> tuple[dt.date, dt.date]:
    """The first and last event dates in the event table (a DuckDB connection or an Ibis table)."""
    if hasattr(events, "execute") and not isinstance(events, ir.Table):
        lo, hi = events.execute("SELECT min(date), max(date) FROM events").fetchone()
    else:
        table = events_table(events)
        lo, hi = table.date.min().execute(), table.date.max().execute()
    if lo is None or lo != lo:
        raise EventDataError("the event table is empty; ingest files with `upheaval events ingest FILE`")
    return _as_date(lo), _as_date(hi)


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@accepts_system("system")
def track(
    system: Any,
    events: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: str = "1m",
    prior: Any = None,
    floor: float | None = None,
    alerts: Any = (),
    random_state: int = 0,
) -> Tracking:
    """Track ``system`` over ``events`` (a DuckDB connection or an Ibis event table) period by period.

    In each period every indicator is evaluated (see ``evaluate_indicators``); the variants
    signalled are the observations. The CIB engine then searches the consistent scenarios
    with the observed variants fixed. Where observations conflict (two variants of one
    descriptor signalled, or no consistent scenario with all of them fixed) the consistent
    scenarios are ranked by how many observations they satisfy, the best kept, and the
    conflict reported. ``start`` and ``end`` default to the first day of the first event's
    month and the day after the last event.

    Each period also gets the probability of every consistent scenario: ``prior`` (``uniform``,
    ``basins`` or weights; default the model's ``tracking.prior``) updated by Bayes' rule with
    each measured indicator's likelihoods, kept within ``floor`` (default the model's
    ``tracking.floor``); see :mod:`upheaval.events._probability`. ``alerts`` are
    :class:`~upheaval.events._alerts.AlertRule` (or their text); the model's
    ``tracking.alerts`` are added to them.
    """
    from upheaval.events._alerts import alerts_in, parse_alert

    if not system.indicators:
        raise EventDataError(f"model {system.id} defines no indicators; add an `indicators:` section to track it")
    if start is None or end is None:
        lo, hi = data_range(events)
        start = start or lo.replace(day=1)
        end = end or hi + dt.timedelta(days=1)
    periods = make_periods(start, end, every)
    table = events_table(events)
    values = evaluate_indicators(table, system, periods)
    cim = compile_system(system)
    every_consistent = _find_consistent(cim)
    settings = system.tracking
    floor = settings.floor if floor is None else float(floor)
    if not 0 < floor < 0.5:
        raise EventDataError(f"the likelihood floor must be between 0 and 0.5, got {floor}")
    prior_spec = settings.prior if prior is None else prior
    base = prior_weights(system, every_consistent, prior_spec, random_state=random_state)
    behind = indicator_events(table, system, periods)
    inds = list(system.indicators)
    spans = [parse_span(i.window) for i in inds]
    cache: dict[frozenset, Any] = {}
    out = []
    for k, (period, vals) in enumerate(zip(periods, values, strict=True)):
        belief = posterior(
            base,
            every_consistent,
            inds,
            vals,
            floor,
            events={i: behind[(i, k)] for i in range(len(inds)) if (i, k) in behind},
            windows=[(_add(period.end, n, unit, -1), period.end) for n, unit in spans],
        )
        signalled: dict[str, list[tuple[str, str]]] = {}
        for v in vals:
            if v.signals:
                d, _, var = v.signals.partition(".")
                signalled.setdefault(d, []).append((var, v.id))
        observed = {d: vs[0][0] for d, vs in signalled.items() if len({x for x, _ in vs}) == 1}
        conflicts = [
            {
                "kind": "two-variants",
                "descriptor": d,
                "variants": sorted({x for x, _ in vs}),
                "indicators": [i for _, i in vs],
            }
            for d, vs in signalled.items()
            if len({x for x, _ in vs}) > 1
        ]
        satisfied = None
        if not conflicts:
            key = frozenset(observed.items())
            if key not in cache:
                cache[key] = _find_consistent(cim, observed)
            scen = cache[key]
            if len(scen) == 0 and observed:
                conflicts.append({"kind": "no-consistent-scenario", "observed": dict(observed)})
        if conflicts:
            scen, satisfied = _best_matches(cim, every_consistent, signalled)
        out.append(PeriodTrack(period, vals, observed, scen, conflicts, satisfied, belief))
    result = Tracking(
        system,
        out,
        len(every_consistent),
        every_consistent,
        scenario_labels(system, every_consistent),
        base,
        prior_spec if isinstance(prior_spec, str) else "weights",
        floor,
    )
    rules = [parse_alert(a) if isinstance(a, str) else a for a in alerts]
    rules += [parse_alert(a.when, a.label) for a in settings.alerts]
    for p, raised in zip(out, alerts_in(result, rules), strict=True):
        p.alerts = raised
    return result


def _best_matches(cim: Any, consistent: Any, signalled: dict[str, list[tuple[str, str]]]) -> tuple[Any, list[int]]:
    """The consistent scenarios satisfying the most observations, and how many each satisfies."""
    from upheaval.cib import ScenarioSet

    pairs = [(cim.index_of(d, v)) for d, vs in signalled.items() for v in sorted({x for x, _ in vs})]
    if len(consistent) == 0:
        return consistent, []
    scores = np.zeros(len(consistent), dtype=np.int64)
    for i, j in pairs:
        scores += consistent.indices[:, i] == j
    best = scores == scores.max()
    keep = ScenarioSet(
        consistent.cim,
        consistent.indices[best],
        consistent.inconsistency[best],
        consistent.consistency_value[best],
        consistent.total_impact_score[best],
        consistent.complete,
        consistent.seconds,
    )
    return keep, [int(s) for s in scores[best]]


INDEPENDENCE = (
    "indicators are taken as conditionally independent given the scenario (naive Bayes); "
    "each period starts from the prior"
)


def update_json(u: Any) -> dict[str, Any]:
    """One evidence entry: indicator, value, whether its rule holds, likelihoods, ratio and the events behind it."""
    return {
        "indicator": u.indicator,
        "signals": u.signals,
        "value": None if u.value is None else round(u.value, 6),
        "holds": u.holds,
        "likelihood": {v: round(p, 6) for v, p in u.likelihood.items()},
        "likelihood_ratio": None if u.ratio is None else round(u.ratio, 6),
        "window": None if u.window is None else [u.window[0].isoformat(), u.window[1].isoformat()],
        "n_events": u.n_events,
        "events": u.events,
    }


def probabilities_json(result: Tracking, probabilities: Any) -> list[dict[str, Any]]:
    """``[{"label", "name", "probability"}]`` over the consistent scenarios (summing to 1)."""
    return [
        {"label": label, "name": name, "probability": round(float(p), 6)}
        for (label, name), p in zip(result.labels, probabilities, strict=True)
    ]


def tracking_json(result: Tracking) -> dict[str, Any]:
    """The tracking as JSON: the futures, the prior, and per period the probabilities and their evidence.

    ``{"model", "consistent", "futures": [{"label", "name", "variants"}], "prior": {"kind",
    "floor", "independence", "probabilities"}, "periods": [...]}``; each period has ``start``,
    ``end``, ``indicators``, ``probabilities`` (:func:`probabilities_json`, summing to 1),
    ``variant_probabilities`` (``{descriptor: {variant: p}}``), ``evidence`` (one
    :func:`update_json` per measured indicator), ``alerts``, and the hard-filter reading:
    ``observed``, ``scenarios`` (the shape of ``upheaval scenarios --json``; under a conflict
    each also says how many observations it ``satisfies``) and ``conflicts``.
    """
    periods = []
    for p in result.periods:
        scen = scenario_set_json(p.scenarios, result.system)["scenarios"]
        if p.satisfied is not None:
            for s, n in zip(scen, p.satisfied, strict=True):
                s["satisfies"] = n
        probs = p.belief.probabilities
        periods.append(
            {
                "start": p.period.start.isoformat(),
                "end": p.period.end.isoformat(),
                "indicators": [
                    {"id": v.id, "value": None if v.value is None else round(v.value, 6), "signals": v.signals}
                    for v in p.indicators
                ],
                "probabilities": probabilities_json(result, probs),
                "variant_probabilities": {
                    d: {v: round(x, 6) for v, x in vs.items()}
                    for d, vs in variant_probabilities(result.consistent, probs).items()
                },
                "evidence": [update_json(u) for u in p.belief.updates],
                "alerts": [
                    {
                        "alert": a["alert"],
                        "label": a["label"],
                        "value": round(a["value"], 6),
                        "evidence": [u.indicator for u in a["evidence"]],
                    }
                    for a in p.alerts
                ],
                "observed": dict(p.observed),
                "scenarios": scen,
                "conflicts": p.conflicts,
            }
        )
    return {
        "model": result.system.id,
        "consistent": result.n_consistent,
        "futures": [
            {"label": label, "name": name, "variants": result.consistent.names(k)}
            for k, (label, name) in enumerate(result.labels)
        ],
        "prior": {
            "kind": result.prior_kind,
            "floor": result.floor,
            "independence": INDEPENDENCE,
            "probabilities": probabilities_json(result, result.prior),
        },
        "periods": periods,
    }


def changes_since(result: Tracking, since: dt.date, *, threshold: float = 0.05) -> dict[str, Any]:
    """What changed from the last period that starts before ``since`` to the latest period.

    ``{"since", "from", "to", "scenarios": [{"label", "name", "before", "now", "change"}],
    "variants": [{"variant", "before", "now", "change"}] (those moving by ``threshold`` or more),
    "indicators": [{"indicator", "before", "now"}] (whose rule began or stopped holding),
    "alerts": [...] raised in the periods starting on or after ``since``}``.
    """
    before = [p for p in result.periods if p.period.start < since]
    if not before or len(result.periods) < 2:
        raise EventDataError(f"--since {since}: no tracked period starts before it; pick a later date")
    old, new = before[-1], result.periods[-1]
    po, pn = old.belief.probabilities, new.belief.probabilities
    vo = variant_probabilities(result.consistent, po)
    vn = variant_probabilities(result.consistent, pn)
    holds_old = {v.id: v.signals is not None for v in old.indicators}
    return {
        "since": since.isoformat(),
        "from": old.period.start.isoformat(),
        "to": new.period.start.isoformat(),
        "scenarios": [
            {"label": label, "name": name, "before": float(a), "now": float(b), "change": float(b - a)}
            for (label, name), a, b in zip(result.labels, po, pn, strict=True)
        ],
        "variants": [
            {"variant": f"{d}.{v}", "before": vo[d][v], "now": vn[d][v], "change": vn[d][v] - vo[d][v]}
            for d in vn
            for v in vn[d]
            if abs(vn[d][v] - vo[d][v]) >= threshold
        ],
        "indicators": [
            {"indicator": v.id, "before": holds_old.get(v.id), "now": v.signals is not None}
            for v in new.indicators
            if holds_old.get(v.id) != (v.signals is not None)
        ],
        "alerts": [
            {"period": p.period.start.isoformat(), "alert": a["alert"], "value": a["value"]}
            for p in result.periods
            if p.period.start >= since
            for a in p.alerts
        ],
    }
