"""The JSON shape of results (a scenario set), shared by the CLI's --json, the web API and tracking.

It lives outside the engine, which knows no JSON, and below the views, which all print it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["scenario_json", "scenario_set_json"]


def _condition(cim: Any, cond: dict[int, tuple[int, ...]]) -> dict[str, list[str]]:
    return {cim.descriptor_ids[i]: [cim.variant_ids[i][v] for v in vs] for i, vs in cond.items()}


def scenario_set_json(result: Any, system: Any, labels: Any = None) -> dict[str, Any]:
    """``{"model", "descriptors", "scenarios", "fix", "where", "complete", "seconds"}`` for a ScenarioSet.

    ``fix`` is the intervention and ``where`` the restriction the set was found under.

    Each scenario carries its variant ids in descriptor order, their 0-based indices,
    total impact score, inconsistency and consistency value; given ``labels`` (a
    :class:`upheaval.analysis.ScenarioLabels`), first its ``label`` (``S4``) and ``future`` (its future's
    name, '' for none).
    """
    cim = result.cim
    named: list[dict[str, Any]] = [{} for _ in range(len(result))]
    if labels is not None:
        named = [
            {"label": k, "future": f}
            for k, f in zip(labels.keys(result.indices), labels.names(result.indices), strict=True)
        ]
    return {
        "model": system.id,
        "descriptors": [
            {"id": d.id, "label": d.label, "variants": [v.id for v in d.variants]} for d in system.descriptors
        ],
        "scenarios": [
            {
                **named[n],
                "variants": [cim.variant_ids[i][int(k)] for i, k in enumerate(row)],
                "indices": [int(k) for k in row],
                "total_impact_score": int(result.total_impact_score[n]),
                "inconsistency": int(result.inconsistency[n]),
                "consistency_value": int(result.consistency_value[n]),
            }
            for n, row in enumerate(result.indices)
        ],
        "fix": _condition(cim, result.fix),
        "where": _condition(cim, result.where),
        "complete": bool(result.complete),
        "seconds": round(float(result.seconds), 6),
    }


def scenario_json(cim: Any, row: Any, labels: Any, measures: tuple[int, int, int]) -> dict[str, Any]:
    """One scenario as an entry of :func:`scenario_set_json`'s ``scenarios``: its ``label`` (``S4``, ``X1``)
    and ``future`` (its future's name, '' for none) from ``labels`` (a
    :class:`upheaval.analysis.ScenarioLabels`; None leaves both out), then its variants, indices and
    ``measures``: total impact score, inconsistency and consistency value.
    """
    z = [int(k) for k in row]
    named = {"label": labels.key(z), "future": labels.name(z)} if labels is not None else {}
    tis, inc, cval = measures
    return {
        **named,
        "variants": [cim.variant_ids[i][k] for i, k in enumerate(z)],
        "indices": z,
        "total_impact_score": int(tis),
        "inconsistency": int(inc),
        "consistency_value": int(cval),
    }
