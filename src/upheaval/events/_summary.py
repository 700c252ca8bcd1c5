"""A dyad's event series: counts by quad class and mean intensity per period, and its plot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from upheaval._countries import resolve_actor
from upheaval.errors import EventDataError
from upheaval.events._indicators import make_periods
from upheaval.events._track import data_range

__all__ = ["QUADS", "dyad_series", "parse_dyad"]

QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


def parse_dyad(text: str) -> tuple[str, str]:
    """``"RUS-PRK"`` → ("RUS", "PRK"); names and CAMEO codes resolve to model codes."""
    a, sep, b = text.partition("-")
    if not sep or not a.strip() or not b.strip():
        raise EventDataError(f"a dyad is written A-B, e.g. RUS-PRK; got {text!r}")
    return tuple(resolve_actor(x.strip()) or x.strip().upper() for x in (a, b))  # type: ignore[return-value]


def dyad_series(
    con: Any,
    a: str,
    b: str,
    *,
    every: str = "1m",
    start: dt.date | None = None,
    end: dt.date | None = None,
    directed: bool = False,
) -> list[dict[str, Any]]:
    """Per period: events between ``a`` and ``b`` (both directions unless ``directed``) by quad class,
    their total and mean intensity.
    """
    if start is None or end is None:
        lo, hi = data_range(con)
        start, end = start or lo.replace(day=1), end or hi + dt.timedelta(days=1)
    periods = make_periods(start, end, every)
    values = ", ".join(f"({k}, DATE '{p.start}', DATE '{p.end}')" for k, p in enumerate(periods))
    where = "(e.source = $a AND e.target = $b)" + ("" if directed else " OR (e.source = $b AND e.target = $a)")
    rows = con.execute(
        f"""
        WITH p(k, lo, hi) AS (VALUES {values})
        SELECT p.k, count(e.date), {", ".join(f"count(e.date) FILTER (WHERE e.quad_class = {q + 1})" for q in range(4))},
               avg(e.intensity)
        FROM p LEFT JOIN events e ON e.date >= p.lo AND e.date < p.hi AND ({where})
        GROUP BY p.k ORDER BY p.k
        """,
        {"a": a, "b": b},
    ).fetchall()
    out = []
    for (k, n, q1, q2, q3, q4, mean), p in zip(rows, periods, strict=True):
        out.append(
            {
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "events": int(n),
                **dict(zip(QUADS, (int(q1), int(q2), int(q3), int(q4)), strict=True)),
                "mean_intensity": None if mean is None else round(float(mean), 4),
            }
        )
        del k
    return out
