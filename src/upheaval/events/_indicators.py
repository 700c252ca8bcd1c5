"""Indicators over the event table: one portable Ibis query per indicator, evaluated per period."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from upheaval._countries import resolve_actor
from upheaval._system_arg import accepts_system
from upheaval.errors import EventDataError

__all__ = [
    "IndicatorValue",
    "Period",
    "actor_codes",
    "evaluate_indicators",
    "events_table",
    "indicator_events",
    "indicator_query",
    "indicators_query",
    "make_periods",
    "parse_span",
    "window_totals_query",
]


@dataclass(frozen=True)
class Period:
    """A tracking period ``[start, end)``."""

    start: dt.date
    end: dt.date


@dataclass
class IndicatorValue:
    """One indicator's measure in one period, and the variant it signals there (``None`` if it does not)."""

    id: str
    value: float | None
    signals: str | None
    baseline: float | None = None
    note: str = ""
    cites: list[dict[str, Any]] = field(default_factory=list)


def parse_span(text: str) -> tuple[int, str]:
    """``"30d"`` → (30, "d"); units d (days), w (weeks), m (months), y (years)."""
    text = text.strip().lower()
    if len(text) < 2 or not text[:-1].isdigit() or text[-1] not in "dwmy" or int(text[:-1]) < 1:
        raise EventDataError(f"{text!r} is not a span; write a number and d, w, m or y, e.g. 30d or 1m")
    return int(text[:-1]), text[-1]


def _add(day: dt.date, n: int, unit: str, sign: int = 1) -> dt.date:
    if unit == "d":
        return day + dt.timedelta(days=sign * n)
    if unit == "w":
        return day + dt.timedelta(weeks=sign * n)
    months = sign * n * (12 if unit == "y" else 1)
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def make_periods(start: dt.date, end: dt.date, every: str = "1m") -> list[Period]:
    """Consecutive periods of length ``every`` from ``start`` until ``end`` (the last one may be shorter)."""
    if end <= start:
        raise EventDataError(f"the tracking range is empty: {start} is not before {end}")
    n, unit = parse_span(every)
    out, day = [], start
    while day < end:
        nxt = min(_add(day, n, unit), end)
        out.append(Period(day, nxt))
        day = nxt
    return out


def events_table(con: Any) -> ir.Table:
    """The event table as an Ibis table, from a DuckDB connection or an Ibis backend (PySpark...)."""
    import duckdb

    if isinstance(con, ir.Table):
        return con
    if isinstance(con, duckdb.DuckDBPyConnection):
        return ibis.duckdb.from_connection(con).table("events")
    if hasattr(con, "table"):
        return con.table("events")
    raise EventDataError(f"cannot find an event table in {type(con).__name__}; pass a DuckDB connection")


def actor_codes(system: Any, code: str) -> list[str]:
    """The event-table codes that stand for the model actor ``code``: itself, its CAMEO code, its aliases."""
    out = {code}
    try:
        actor = system.actor(code)
    except (KeyError, AttributeError):
        actor = None
    if actor is not None:
        for name in [actor.name, *(actor.aliases or []), *([actor.cameo] if actor.cameo else [])]:
            r = resolve_actor(name)
            if r:
                out.add(r)
        if actor.cameo:
            out.add(actor.cameo)
    return sorted(out)


def _windows(periods: Sequence[Period], window: str, baseline: str | None, inline: bool = False) -> ir.Table:
    """The windows each period looks at: the measure window and the baseline before it.

    A memtable (the backend loads it as a table), or with ``inline`` an array literal unnested in
    the query itself, so that the query compiled to SQL runs on its own (slower to compile).
    """
    n, unit = parse_span(window)
    rows = []
    for k, p in enumerate(periods):
        lo = _add(p.end, n, unit, -1)
        rows.append({"period": k, "kind": "w", "lo": lo, "hi": p.end})
        if baseline:
            bn, bunit = parse_span(baseline)
            rows.append({"period": k, "kind": "b", "lo": _add(lo, bn, bunit, -1), "hi": lo})
    if inline:
        rows_type = "array<struct<period: int64, kind: string, lo: date, hi: date>>"
        return ibis.literal(rows, type=rows_type).name("window").as_table().unnest("window").unpack("window")
    return ibis.memtable(rows, schema={"period": "int64", "kind": "string", "lo": "date", "hi": "date"})


def _pattern_filter(events: ir.Table, indicator: Any, system: Any) -> ir.BooleanValue:
    pat = indicator.pattern
    src = sorted({c for a in pat.source for c in actor_codes(system, a)})
    tgt = sorted({c for a in pat.target for c in actor_codes(system, a)})

    def dyad(s: list[str], t: list[str]) -> ir.BooleanValue:
        cond = ibis.literal(True)
        if s:
            cond &= events.source.isin(s)
        if t:
            cond &= events.target.isin(t)
        return cond

    cond = dyad(src, tgt)
    if pat.both_directions:
        cond |= dyad(tgt, src)
    kinds = []
    if pat.codes:
        kinds.append(ibis.or_(*[events.event_code.startswith(c) for c in pat.codes]))
    if pat.roots:
        kinds.append(events.event_root.isin(list(pat.roots)))
    if kinds:
        cond &= ibis.or_(*kinds)
    if pat.quad_class:
        cond &= events.quad_class.isin([int(q) for q in pat.quad_class])
    if getattr(pat, "datasets", None):
        cond &= events.dataset.isin(list(pat.datasets))
    return cond


@accepts_system("system", optional=True)
def indicator_query(
    events: ir.Table, indicator: Any, periods: Sequence[Period], system: Any = None, *, inline_windows: bool = False
) -> ir.Table:
    """The Ibis query for one indicator: per period and window kind (``w`` measure, ``b`` baseline), the
    matching events' count, intensity sum and mean, mean tone and mentions.

    Written once with Ibis, it runs unchanged on DuckDB and PySpark (or any backend with the
    event table); with ``inline_windows`` the periods' windows are written into the query, which
    then compiles to SQL that runs on its own (see :mod:`upheaval.events._gdelt` for BigQuery).
    """
    windows = _windows(periods, indicator.window, indicator.rule.baseline, inline_windows)
    matched = events.filter(_pattern_filter(events, indicator, system))
    joined = windows.join(matched, [matched.date >= windows.lo, matched.date < windows.hi])
    return joined.group_by([joined.period, joined.kind]).aggregate(
        n=joined.count(),
        intensity_sum=joined.intensity.sum(),
        mean_intensity=joined.intensity.mean(),
        mean_tone=joined.tone.mean(),
        mentions=joined.mentions.fill_null(1).sum(),
    )


def indicator_events(
    events: ir.Table | Any,
    system: Any,
    periods: Sequence[Period],
    indicator_list: Sequence[Any] | None = None,
    *,
    limit: int = 10,
) -> dict[tuple[int, int], dict[str, Any]]:
    """The events behind each indicator's measure: ``{(indicator index, period index): {"n", "events"}}``.

    ``n`` is how many events match in the window; ``events`` the first ``limit`` of them by date
    then id, each ``{"id", "dataset", "date"}`` (its id in its dataset). One query for all
    indicators and periods.
    """
    table = events if isinstance(events, ir.Table) else events_table(events)
    inds = list(system.indicators if indicator_list is None else indicator_list)
    if not inds or not periods:
        return {}
    parts = []
    for k, ind in enumerate(inds):
        windows = _windows(periods, ind.window, None)
        matched = table.filter(_pattern_filter(table, ind, system))
        joined = windows.join(matched, [matched.date >= windows.lo, matched.date < windows.hi])
        parts.append(
            joined.select(
                part=ibis.literal(k, "int64"),
                period=joined.period,
                id=joined.original_id.cast("string"),
                dataset=joined.dataset,
                date=joined.date,
            )
        )
    union = ibis.union(*parts, distinct=False)
    group = ibis.window(group_by=[union.part, union.period], order_by=[union.date, union.id])
    ranked = union.mutate(
        rank=ibis.row_number().over(group), n=union.id.count().over(ibis.window(group_by=[union.part, union.period]))
    )
    frame = ranked.filter(ranked.rank < limit).order_by(["part", "period", "date", "id"]).execute()
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        day = rec["date"]
        day = day.date() if hasattr(day, "date") and callable(day.date) else day
        entry = out.setdefault((int(rec["part"]), int(rec["period"])), {"n": int(rec["n"]), "events": []})
        entry["events"].append({"id": str(rec["id"]), "dataset": str(rec["dataset"]), "date": day.isoformat()})
    return out


def window_totals_query(
    events: ir.Table,
    periods: Sequence[Period],
    window: str,
    baseline: str | None = None,
    *,
    inline_windows: bool = False,
) -> ir.Table:
    """All events (whatever their pattern) per period window: how many, and their mentions.

    A window with no events at all is not covered by the data, and indicators say nothing there.
    """
    windows = _windows(periods, window, baseline, inline_windows)
    joined = windows.join(events, [events.date >= windows.lo, events.date < windows.hi])
    return joined.group_by([joined.period, joined.kind]).aggregate(
        n=joined.count(), mentions=joined.mentions.fill_null(1).sum()
    )


@accepts_system("system")
def indicators_query(
    events: ir.Table,
    system: Any,
    periods: Sequence[Period],
    indicators: Sequence[Any],
    *,
    inline_windows: bool = False,
) -> ir.Table:
    """One query for many indicators: the union of every :func:`indicator_query` (``part`` = its index)
    and of the window totals (``part`` = -1 - index of the distinct (window, baseline) pair).

    A single query keeps distributed backends to one job instead of one per indicator.
    """
    keys = sorted({(i.window, i.rule.baseline or "") for i in indicators})
    parts = []
    for k, ind in enumerate(indicators):
        query = indicator_query(events, ind, periods, system, inline_windows=inline_windows)
        parts.append(query.mutate(part=ibis.literal(k, "int64")))
    for j, (window, baseline) in enumerate(keys):
        totals = window_totals_query(events, periods, window, baseline or None, inline_windows=inline_windows)
        parts.append(
            totals.mutate(
                intensity_sum=ibis.null("float64"),
                mean_intensity=ibis.null("float64"),
                mean_tone=ibis.null("float64"),
                part=ibis.literal(-1 - j, "int64"),
            ).select("period", "kind", "n", "intensity_sum", "mean_intensity", "mean_tone", "mentions", "part")
        )
    cols = ["period", "kind", "n", "intensity_sum", "mean_intensity", "mean_tone", "mentions", "part"]
    parts = [p.select(*cols).cast({"n": "int64", "mentions": "int64", "intensity_sum": "float64"}) for p in parts]
    return ibis.union(*parts, distinct=False)


def _span_days(span: str) -> float:
    n, unit = parse_span(span)
    return n * {"d": 1, "w": 7, "m": 30.4375, "y": 365.25}[unit]


def _measure(row: Mapping[str, Any] | None, measure: str, total_mentions: float | None) -> float | None:
    if measure == "count":
        return float(row["n"]) if row else 0.0
    if measure == "intensity_sum":
        return float(row["intensity_sum"] or 0.0) if row else 0.0
    if measure == "mention_share":
        if not total_mentions:
            return None
        return float(row["mentions"]) / float(total_mentions) if row else 0.0
    key = {"mean_intensity": "mean_intensity", "mean_tone": "mean_tone"}[measure]
    if not row or row[key] is None:
        return None
    return float(row[key])


_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@accepts_system("system")
def evaluate_indicators(
    events: ir.Table | Any,
    system: Any,
    periods: Sequence[Period],
    indicator_list: Sequence[Any] | None = None,
) -> list[list[IndicatorValue]]:
    """Each indicator's value in each period and whether its rule signals its variant.

    ``events`` is the event table (an Ibis table, or a DuckDB connection holding one).
    The measure is taken over the indicator's ``window`` ending at the period's end. The rule
    holds when the value passes ``threshold`` (with ``op``) and, if a ``baseline`` span is
    given, when it is at least (``op`` ``>=``/``>``) or at most ``factor`` times the value over
    the baseline span before the window (counts and sums scaled to the window's length); a
    baseline span that starts before the first event in the table is not covered, and the
    rule does not hold there.
    Where the window holds no events at all the data do not cover it: the value is ``None``
    and nothing is signalled.

    All indicators run as one query (:func:`indicators_query`). Returns one list per period,
    in the order of ``indicator_list`` (the system's indicators by default).
    """
    table = events if isinstance(events, ir.Table) else events_table(events)
    inds = list(system.indicators if indicator_list is None else indicator_list)
    out: list[list[IndicatorValue]] = [[] for _ in periods]
    if not inds or not periods:
        return out
    first = table.date.min().execute() if any(i.rule.baseline for i in inds) else None
    if isinstance(first, dt.datetime):
        first = first.date()
    keys = sorted({(i.window, i.rule.baseline or "") for i in inds})
    frame = indicators_query(table, system, periods, inds).execute()
    by_part: dict[int, dict[tuple[int, str], dict[str, Any]]] = {}
    for rec in frame.to_dict("records"):
        clean = {k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in rec.items()}
        by_part.setdefault(int(clean["part"]), {})[(int(clean["period"]), str(clean["kind"]))] = clean
    for n, ind in enumerate(inds):
        totals = by_part.get(-1 - keys.index((ind.window, ind.rule.baseline or "")), {})
        rows = by_part.get(n, {})
        cites = [c.model_dump(exclude_none=True) for c in ind.cites]
        for k in range(len(periods)):
            tw = totals.get((k, "w"))
            if not tw:
                out[k].append(IndicatorValue(ind.id, None, None, note="no events in the window", cites=cites))
                continue
            value = _measure(rows.get((k, "w")), ind.measure, tw["mentions"])
            base = None
            if ind.rule.baseline and first is not None and _baseline_start(periods[k], ind) >= first:
                tb = totals.get((k, "b"))
                base = _measure(rows.get((k, "b")), ind.measure, tb["mentions"] if tb else None) if tb else None
                if base is not None and ind.measure in ("count", "intensity_sum"):
                    base *= _span_days(ind.window) / _span_days(ind.rule.baseline)
            signals = ind.signals if _holds(ind.rule, value, base) else None
            out[k].append(IndicatorValue(ind.id, value, signals, base, cites=cites))
    return out


def _baseline_start(period: Period, indicator: Any) -> dt.date:
    n, unit = parse_span(indicator.window)
    bn, bunit = parse_span(indicator.rule.baseline)
    return _add(_add(period.end, n, unit, -1), bn, bunit, -1)


def _holds(rule: Any, value: float | None, base: float | None) -> bool:
    """Whether ``rule`` holds for ``value`` against ``base`` (see :func:`evaluate_indicators`)."""
    if value is None:
        return False
    op = _OPS[rule.op]
    checked = False
    if rule.threshold is not None:
        if not op(value, rule.threshold):
            return False
        checked = True
    if rule.baseline and rule.factor is not None:
        if base is None:
            return False
        if rule.op in (">=", ">") and base == 0:
            if value <= 0:
                return False
        elif not op(value, rule.factor * base):
            return False
        checked = True
    return checked or value > 0
