"""Forecasts you can score: dated, pre-registered scenario and variant probabilities, and their scores.

A forecast states, on the day it is issued, the probability of every consistent scenario and of
every variant at a horizon date; it is written once (atomically, never over an existing file)
so that it cannot be revised after the outcome is known. Outcomes are recorded later
(``{date, variants: {descriptor: variant}}``); each forecast is scored against the first outcome
recorded on or after its horizon.

Scoring rules (lower is better for both):

- **Brier score** (Brier 1950, "Verification of forecasts expressed in terms of probability",
  *Monthly Weather Review* 78(1): 1-3): for one descriptor with forecast ``f_k`` over its variants
  and outcome indicator ``o_k`` (1 for the variant that happened), ``BS = Σ_k (f_k - o_k)²``;
  0 is perfect, 2 the worst.
- **Logarithmic score** (Good 1952, "Rational decisions", *J. Royal Statistical Society B*
  14(1): 107-114): ``LS = -ln f_outcome``, the natural log of the probability given to what
  happened; 0 is perfect, infinite when it was given probability 0.
- **Calibration table**: every (forecast probability, happened?) pair of every variant, in
  ten bins of width 0.1: how many, the mean forecast, the observed frequency.
- **Murphy decomposition** (Murphy 1973, "A new vector partition of the probability score",
  *J. Applied Meteorology* 12: 595-600) of the same pairs' binary Brier score
  ``(1/N) Σ (f - o)²`` into reliability - resolution + uncertainty, grouping the pairs by their
  distinct forecast values, so the identity is exact.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from upheaval._json import dumps
from upheaval.errors import EventDataError

__all__ = [
    "brier_score",
    "calibration_table",
    "forecast_from_tracking",
    "log_score",
    "murphy_decomposition",
    "read_forecast",
    "read_outcomes",
    "score_forecasts",
    "write_forecast",
]

KIND = "upheaval-forecast"
METHOD = (
    "persistence: the scenario probabilities of the last tracked period (Bayes' rule from the "
    "indicators, see `upheaval track`), stated for the horizon date"
)


def brier_score(forecast: dict[str, float], outcome: str) -> float:
    """``Σ_k (f_k - o_k)²`` over the categories of ``forecast`` (Brier 1950); ``outcome`` is the one
    that happened (a category the forecast does not list counts with probability 0)."""
    total = sum((p - (1.0 if k == outcome else 0.0)) ** 2 for k, p in forecast.items())
    if outcome not in forecast:
        total += 1.0
    return float(total)


def log_score(forecast: dict[str, float], outcome: str) -> float:
    """``-ln f_outcome`` (Good 1952); ``inf`` when the outcome was given probability 0."""
    p = float(forecast.get(outcome, 0.0))
    return math.inf if p <= 0 else -math.log(p)


def calibration_table(pairs: list[tuple[float, int]], bins: int = 10) -> list[dict[str, Any]]:
    """Bins of width ``1/bins`` over (forecast probability, happened 0/1) pairs: ``{"bin", "n",
    "mean_forecast", "observed"}`` for each non-empty bin (the last bin includes 1)."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(f, o) for f, o in pairs if lo <= f < hi or (b == bins - 1 and f == 1.0)]
        if inside:
            out.append(
                {
                    "bin": [round(lo, 6), round(hi, 6)],
                    "n": len(inside),
                    "mean_forecast": sum(f for f, _ in inside) / len(inside),
                    "observed": sum(o for _, o in inside) / len(inside),
                }
            )
    return out


def murphy_decomposition(pairs: list[tuple[float, int]]) -> dict[str, float]:
    """The binary Brier score of the pairs and its partition (Murphy 1973):
    ``BS = reliability - resolution + uncertainty``, grouping the pairs by distinct forecast value."""
    n = len(pairs)
    if n == 0:
        raise EventDataError("no forecast-outcome pairs to decompose")
    base = sum(o for _, o in pairs) / n
    groups: dict[float, list[int]] = {}
    for f, o in pairs:
        groups.setdefault(round(f, 12), []).append(o)
    rel = sum(len(os) * (f - sum(os) / len(os)) ** 2 for f, os in groups.items()) / n
    res = sum(len(os) * (sum(os) / len(os) - base) ** 2 for os in groups.values()) / n
    unc = base * (1 - base)
    bs = sum((f - o) ** 2 for f, o in pairs) / n
    return {"brier": bs, "reliability": rel, "resolution": res, "uncertainty": unc}


def _horizon(base: dt.date, horizon: str | dt.date) -> dt.date:
    if isinstance(horizon, dt.date):
        return horizon
    try:
        return dt.date.fromisoformat(horizon)
    except ValueError:
        from upheaval.events._indicators import _add, parse_span

        n, unit = parse_span(horizon)
        return _add(base, n, unit)


def forecast_from_tracking(
    tracking: Any, horizon: str | dt.date, *, issued: dt.datetime | None = None, events: str = ""
) -> dict[str, Any]:
    """The forecast of the last tracked period's probabilities for ``horizon`` (a date, or a span
    such as ``3m`` after that period's end)."""
    from upheaval.events._probability import variant_probabilities

    if not tracking.periods:
        raise EventDataError("nothing tracked: no period to forecast from")
    last = tracking.periods[-1]
    when = _horizon(last.period.end, horizon)
    if when < last.period.end:
        raise EventDataError(f"the horizon {when} is before the end of the evidence ({last.period.end})")
    issued = issued or dt.datetime.now(dt.UTC).replace(microsecond=0)
    probs = last.belief.probabilities
    return {
        "kind": KIND,
        "version": 1,
        "model": tracking.system.id,
        "issued": issued.isoformat(),
        "horizon": when.isoformat(),
        "evidence": {"events": events, "period": [last.period.start.isoformat(), last.period.end.isoformat()]},
        "method": METHOD,
        "prior": tracking.prior_kind,
        "floor": tracking.floor,
        "scenarios": [
            {"label": label, "name": name, "variants": tracking.consistent.names(k), "probability": float(p)}
            for k, ((label, name), p) in enumerate(zip(tracking.labels, probs, strict=True))
        ],
        "variants": variant_probabilities(tracking.consistent, probs),
    }


def write_forecast(forecast: dict[str, Any], path: str | Path, *, overwrite: bool = False) -> None:
    """Write the forecast as JSON atomically; an existing file is kept (a forecast is not revised)."""
    from upheaval._io import write_text_atomic

    target = Path(path)
    if target.exists() and not overwrite:
        raise EventDataError(f"{target} exists: a forecast is written once; choose a new file name")
    write_text_atomic(target, dumps(forecast) + "\n")


def read_forecast(path: str | Path) -> dict[str, Any]:
    """A forecast file written by :func:`write_forecast`, checked for its shape."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EventDataError(f"{p}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise EventDataError(f"{p}:{exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise EventDataError(f"{p}: not an upheaval forecast (no `kind: {KIND}`); write one with `upheaval forecast`")
    for key in ("horizon", "variants", "scenarios", "model"):
        if key not in data:
            raise EventDataError(f"{p}: field `{key}` is missing; the file is not a complete forecast")
    try:
        dt.date.fromisoformat(data["horizon"])
    except (TypeError, ValueError):
        raise EventDataError(f"{p}: `horizon` must be a date YYYY-MM-DD, got {data['horizon']!r}") from None
    return data


def read_outcomes(path: str | Path) -> list[dict[str, Any]]:
    """Recorded outcomes from a YAML or JSON file: a list of ``{date: YYYY-MM-DD, variants: {d: v}}``."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventDataError(f"{p}: cannot read ({exc})") from None
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:  # its message carries the line
        raise EventDataError(f"{p}: not YAML or JSON ({' '.join(str(exc).split())[:200]})") from None
    if isinstance(data, dict) and "outcomes" in data:
        data = data["outcomes"]
    if not isinstance(data, list):
        raise EventDataError(f"{p}: write a list of outcomes, e.g. `- {{date: 2025-03-01, variants: {{d: v}}}}`")
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("variants"), dict):
            raise EventDataError(f"{p}: outcome {i}: needs `date` and `variants: {{descriptor: variant}}`")
        try:
            day = item.get("date")
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        except ValueError:
            raise EventDataError(f"{p}: outcome {i}: `date` must be YYYY-MM-DD, got {item.get('date')!r}") from None
        out.append({"date": day, "variants": {str(k): str(v) for k, v in item["variants"].items()}})
    return out


def _issued_day(value: Any) -> dt.date | None:
    """The day a forecast was issued (its ``issued`` timestamp), None when missing or unreadable."""
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except (TypeError, ValueError):
        return None


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


def score_forecasts(forecasts: list[tuple[str, dict[str, Any]]], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Score each ``(name, forecast)`` against the first outcome dated on or after its horizon.

    Per forecast and descriptor in the outcome: the Brier and log scores of the variant
    probabilities; when the outcome names every descriptor, the scenario probabilities are scored
    too. Returns the items, the mean scores, the calibration table and Murphy decomposition over
    every variant's (probability, happened) pair, the forecasts still unresolved, each forecast's
    method, and the forecasts that were not pre-registered (``late``): issued after their horizon
    (or with no issue date), when the outcome could already be known. Their items carry
    ``late: true``; they are scored, and marked, never silently mixed in.
    """
    items, pairs, unresolved, late, methods = [], [], [], [], {}
    for name, fc in forecasts:
        horizon = dt.date.fromisoformat(fc["horizon"])
        methods[name] = fc.get("method") or "(not stated)"
        issued = _issued_day(fc.get("issued"))
        is_late = issued is None or issued > horizon
        if is_late:
            late.append({"forecast": name, "issued": fc.get("issued"), "horizon": fc["horizon"]})
        due = sorted((o for o in outcomes if o["date"] >= horizon), key=lambda o: o["date"])
        if not due:
            unresolved.append(name)
            continue
        outcome = due[0]
        for did, happened in outcome["variants"].items():
            probs = fc["variants"].get(did)
            if probs is None:
                raise EventDataError(f"{name}: the outcome names descriptor `{did}`, which the forecast does not have")
            if happened not in probs:
                raise EventDataError(
                    f"outcome of {outcome['date']}: descriptor `{did}` has no variant `{happened}` "
                    f"(variants: {', '.join(probs)})"
                )
            b, lg = brier_score(probs, happened), log_score(probs, happened)
            items.append(
                {
                    "forecast": name,
                    "horizon": fc["horizon"],
                    "outcome_date": outcome["date"].isoformat(),
                    "target": did,
                    "happened": happened,
                    "probability": probs[happened],
                    "brier": b,
                    "log": _finite(lg),
                    "late": is_late,
                }
            )
            pairs += [(float(p), int(v == happened)) for v, p in probs.items()]
        if set(outcome["variants"]) >= set(fc["variants"]):
            scen = {s["label"]: s["probability"] for s in fc["scenarios"]}
            hit = next(
                (
                    s["label"]
                    for s in fc["scenarios"]
                    if all(outcome["variants"][d] == v for d, v in s["variants"].items())
                ),
                "(outside the consistent scenarios)",
            )
            items.append(
                {
                    "forecast": name,
                    "horizon": fc["horizon"],
                    "outcome_date": outcome["date"].isoformat(),
                    "target": "scenario",
                    "happened": hit,
                    "probability": scen.get(hit, 0.0),
                    "brier": brier_score(scen, hit),
                    "log": _finite(log_score(scen, hit)),
                    "late": is_late,
                }
            )
    variant_items = [i for i in items if i["target"] != "scenario"]
    summary: dict[str, Any] = {"items": items, "unresolved": unresolved, "late": late, "methods": methods}
    if variant_items:
        logs = [log_score({"x": i["probability"]}, "x") for i in variant_items]
        summary["mean_brier"] = sum(i["brier"] for i in variant_items) / len(variant_items)
        summary["mean_log"] = _finite(sum(logs) / len(logs))
        summary["calibration"] = calibration_table(pairs)
        summary["murphy"] = murphy_decomposition(pairs)
    return summary
