"""Tracking: which variants the event data show, period by period, and the consistent scenarios they leave."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import numpy as np

from upheaval.cib import compile_system
from upheaval.cib._json import scenario_set_json
from upheaval.errors import EventDataError
from upheaval.events._indicators import IndicatorValue, Period, evaluate_indicators, events_table, make_periods

__all__ = ["PeriodTrack", "Tracking", "data_range", "track", "tracking_json"]


def _find_consistent(cim: Any, observed: dict[str, str] | None = None) -> Any:
    """The consistent scenarios that have the observed variants (a restriction: observations
    are facts about the world, not interventions, so each keeps its own consistency test)."""
    from upheaval.cib._search import find_consistent

    return find_consistent(cim, 0, where=observed or None)


@dataclass
class PeriodTrack:
    """One tracking period: indicator values, observed variants, compatible scenarios and conflicts.

    ``scenarios`` is a ScenarioSet; when observations conflict it holds the consistent
    scenarios that satisfy the most observations, and ``satisfied`` how many each satisfies.
    """

    period: Period
    indicators: list[IndicatorValue]
    observed: dict[str, str]
    scenarios: Any
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    satisfied: list[int] | None = None


@dataclass
class Tracking:
    """The tracking of a system over an event table: one :class:`PeriodTrack` per period."""

    system: Any
    periods: list[PeriodTrack]
    n_consistent: int


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


def track(
    system: Any,
    events: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: str = "1m",
) -> Tracking:
    """Track ``system`` over ``events`` (a DuckDB connection or an Ibis event table) period by period.

    In each period every indicator is evaluated (see ``evaluate_indicators``); the variants
    signalled are the observations. The CIB engine then searches the consistent scenarios
    with the observed variants fixed. Where observations conflict (two variants of one
    descriptor signalled, or no consistent scenario with all of them fixed) the consistent
    scenarios are ranked by how many observations they satisfy, the best kept, and the
    conflict reported. ``start`` and ``end`` default to the first day of the first event's
    month and the day after the last event.
    """
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
    cache: dict[frozenset, Any] = {}
    out = []
    for period, vals in zip(periods, values, strict=True):
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
        out.append(PeriodTrack(period, vals, observed, scen, conflicts, satisfied))
    return Tracking(system, out, len(every_consistent))


def _best_matches(cim: Any, consistent: Any, signalled: dict[str, list[tuple[str, str]]]) -> tuple[Any, list[int]]:
    """The consistent scenarios satisfying the most observations, and how many each satisfies."""
    from upheaval.cib._search import ScenarioSet

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


def tracking_json(result: Tracking) -> dict[str, Any]:
    """``{"model", "periods": [{"start", "end", "indicators", "observed", "scenarios", "conflicts"}]}``.

    Scenarios have the shape of ``upheaval scenarios --json``; under a conflict each also says
    how many observations it ``satisfies``.
    """
    periods = []
    for p in result.periods:
        scen = scenario_set_json(p.scenarios, result.system)["scenarios"]
        if p.satisfied is not None:
            for s, n in zip(scen, p.satisfied, strict=True):
                s["satisfies"] = n
        periods.append(
            {
                "start": p.period.start.isoformat(),
                "end": p.period.end.isoformat(),
                "indicators": [
                    {"id": v.id, "value": None if v.value is None else round(v.value, 6), "signals": v.signals}
                    for v in p.indicators
                ],
                "observed": dict(p.observed),
                "scenarios": scen,
                "conflicts": p.conflicts,
            }
        )
    return {"model": result.system.id, "consistent": result.n_consistent, "periods": periods}
