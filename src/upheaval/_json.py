"""Results as JSON: the one encoder, and the shape of the results the engine hands out.

Every JSON the project writes for a result (the CLI's --json, the web API, forecast and network
files) goes through :func:`dumps` / :func:`jsonable`: a result's own ``to_json()`` where it has
one, numpy arrays and numbers as lists and numbers, tuples and sets as lists, paths as text.
The engine's results (scenario sets, successions) know no JSON; their shapes are here, below
the views, so that the CLI, the web API and the report print the same object.
"""

from __future__ import annotations

import datetime
import json
from pathlib import PurePath
from typing import Any

__all__ = ["dumps", "jsonable", "scenario_json", "scenario_set_json", "succession_json"]


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values (dict, list, str, int, float, bool, None).

    >>> import numpy as np
    >>> jsonable({"n": np.int64(3), "xs": np.array([1.5, 2.0]), "pair": ("a", 1), "tags": {"b"}})
    {'n': 3, 'xs': [1.5, 2.0], 'pair': ['a', 1], 'tags': ['b']}
    """
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(jsonable(v) for v in obj)
    if hasattr(obj, "to_json"):
        return jsonable(obj.to_json())
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return obj.tolist()
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, (datetime.date, datetime.time)):
        return obj.isoformat()
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def dumps(obj: Any, *, indent: int | None = 2) -> str:
    """``obj`` as JSON text (UTF-8 characters kept; :func:`jsonable` first)."""
    return json.dumps(jsonable(obj), ensure_ascii=False, indent=indent)


def succession_json(result: Any, cim: Any, mode: str, labels: Any = None) -> dict[str, Any]:
    """``{"mode", "path", "end", "cycle"}`` for a succession (:class:`upheaval.cib.SuccessionResult`).

    ``path`` and ``cycle`` name each scenario's variants (``{descriptor: variant}``); given ``labels``
    (a :class:`upheaval.analysis.ScenarioLabels`), also the end's ``label`` (``S4``; '' for a cycle), its
    ``future`` and the ``futures`` of every step.
    """
    cycle = result.cycle if result.cycle is not None else []
    out: dict[str, Any] = {
        "mode": mode,
        "path": [cim.scenario_names(p) for p in result.path],
        "end": result.end_kind,
        "cycle": [cim.scenario_names(p) for p in cycle],
    }
    if labels is not None:
        out["label"] = labels.key(result.path[-1]) if result.end_kind != "cycle" else ""
        out["future"] = labels.name(result.path[-1])
        out["futures"] = [labels.name(p) for p in result.path]
    return out


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
