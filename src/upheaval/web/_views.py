"""What the pages and the API show, computed from the model and the engine: plain data, no HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from upheaval import cib
from upheaval.errors import EngineError
from upheaval.model import System

__all__ = [
    "MAX_SHOWN",
    "citations_json",
    "cytoscape_elements",
    "fix_pairs",
    "matrix_view",
    "parse_scenario",
    "scenario_code",
    "tableau_view",
]

MAX_SHOWN = 200  # scenarios shown in a tableau; the rest are counted


def parse_scenario(system: System, code: str) -> dict[str, str]:
    """A scenario written as variant ids in descriptor order, comma-separated, as ``{descriptor: variant}``."""
    parts = [p.strip() for p in str(code).split(",")]
    if len(parts) != len(system.descriptors):
        raise EngineError(
            f"a scenario names one variant per descriptor ({len(system.descriptors)}), comma-separated; got {len(parts)}"
        )
    out = {}
    for d, v in zip(system.descriptors, parts, strict=True):
        if v not in d.variant_ids():
            raise EngineError(f"descriptor {d.id!r} has no variant {v!r}; it has {', '.join(d.variant_ids())}")
        out[d.id] = v
    return out


def scenario_code(cim: cib.CrossImpactMatrix, row: Sequence[int]) -> str:
    """The URL form of a scenario: its variant ids in descriptor order, comma-separated."""
    return ",".join(cim.variant_ids[i][int(k)] for i, k in enumerate(row))


def fix_pairs(fixed: Mapping[str, Sequence[str]]) -> list[str]:
    """``{"front": ["destabilises"]}`` as ``["front.destabilises"]`` (the query form)."""
    return [f"{d}.{v}" for d, vs in fixed.items() for v in vs]


def tableau_view(
    system: System,
    result: cib.ScenarioSet,
    fixed: Mapping[str, Sequence[str]],
    reference: cib.ScenarioSet | None = None,
) -> dict[str, Any]:
    """Rows (one per descriptor) and columns (one per scenario) of a scenario tableau.

    Each cell carries the variant id, label and index (``k``, which colours it) and whether it is fixed.
    Columns are labelled as every view labels scenarios (:func:`upheaval.analysis.scenario_labels`:
    the place in the unrestricted consistent set, ``reference`` when it has been searched already).
    """
    from upheaval.analysis import scenario_labels

    shown = min(len(result), MAX_SHOWN)
    cim = result.cim
    labels = scenario_labels(system, cim, result.tolerance, reference)
    columns = [
        {
            "n": n + 1,
            "key": labels.key(result.indices[n]),
            "code": scenario_code(cim, result.indices[n]),
            "tis": int(result.total_impact_score[n]),
            "inconsistency": int(result.inconsistency[n]),
            "consistency": int(result.consistency_value[n]),
            "name": getattr(system.future_of(cim.scenario_names(result.indices[n])), "name", ""),
        }
        for n in range(shown)
    ]
    rows = []
    for i, d in enumerate(system.descriptors):
        fixed_here = set(fixed.get(d.id, []))
        cells = []
        for n in range(shown):
            k = int(result.indices[n][i])
            v = d.variants[k]
            cells.append({"variant": v.id, "label": v.label, "fixed": v.id in fixed_here, "k": k})
        counts = {v.id: 0 for v in d.variants}
        for n in range(len(result)):
            counts[d.variants[int(result.indices[n][i])].id] += 1
        uniform = len(result) > 0 and max(counts.values()) == len(result)
        rows.append(
            {
                "id": d.id,
                "label": d.label,
                "cells": cells,
                "uniform": uniform,
                "variants": [
                    {"id": v.id, "label": v.label, "count": counts[v.id], "fixed": v.id in fixed_here}
                    for v in d.variants
                ],
            }
        )
    return {"rows": rows, "columns": columns, "total": len(result), "shown": shown}


def matrix_view(system: System, cim: cib.CrossImpactMatrix) -> dict[str, Any]:
    """The cross-impact matrix as nested rows for a grid: descriptor blocks of variant rows and columns."""
    judged = {(s.source, s.target) for s in system.impacts if s.rationale or s.cites or s.rows}
    blocks = []
    for i, d in enumerate(system.descriptors):
        rows = []
        for a, v in enumerate(d.variants):
            r = int(cim.offsets[i]) + a
            cells = []
            for j, e in enumerate(system.descriptors):
                group = []
                for b, w in enumerate(e.variants):
                    c = int(cim.offsets[j]) + b
                    group.append({"target": e.id, "tv": w.id, "value": int(cim.values[r, c]), "self": i == j})
                cells.append({"target": e.id, "cells": group, "explained": (d.id, e.id) in judged})
            rows.append({"variant": v.id, "label": v.label, "groups": cells, "first": a == 0, "span": len(d.variants)})
        blocks.append({"id": d.id, "label": d.label, "rows": rows})
    columns = [
        {"id": e.id, "label": e.label, "variants": [{"id": w.id, "label": w.label} for w in e.variants]}
        for e in system.descriptors
    ]
    return {"blocks": blocks, "columns": columns}


def citations_json(system: System, cites: Sequence[Any]) -> list[dict[str, Any]]:
    """Citations as shown in the workbench: label, quote, and the cited paragraph when the source has its text."""
    from upheaval.model import cited_paragraph

    return [{"label": c.label(), "quote": c.quote or "", "passage": cited_paragraph(system, c) or ""} for c in cites]


def _cluster_positions(groups: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Place each camp's actors on a circle of their own, camps side by side (unaligned actors last)."""
    import math

    out: dict[str, dict[str, float]] = {}
    x = 0.0
    for name in sorted(groups, key=lambda g: (g == "", g)):
        members = groups[name]
        r = 0.0 if len(members) == 1 else 70.0 + 22.0 * len(members)
        x += r + 110
        for k, n in enumerate(members):
            angle = 2 * math.pi * k / max(len(members), 1) - math.pi / 2
            out[n] = {"x": round(x + r * math.cos(angle), 1), "y": round(r * math.sin(angle), 1)}
        x += r + 110
    return out


def cytoscape_elements(system: System, scenario: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The actor network as Cytoscape.js elements, with declared camps as compound nodes.

    With a scenario, the network under it: ties it adds carry the class ``added``, ties it
    removes are kept with the class ``removed``. Also returns the derived flows and the
    two-camp partition (structural balance).
    """
    from upheaval.network import actor_network, camps, derived_flows, network_difference, tie_quantity

    G = actor_network(system, scenario or None)
    diff = network_difference(system, scenario) if scenario else None
    added = {t.id for t in diff.added} if diff else set()
    nodes, edges = [], []
    camp_ids = sorted({d.get("camp") for _, d in G.nodes(data=True) if d.get("camp")})
    for b in camp_ids:
        nodes.append({"data": {"id": f"camp:{b}", "label": b}, "classes": "camp"})
    try:
        part = camps(G)
        camp_of = part.camp_of
        partition = part.to_json()
    except Exception:  # the partition is a decoration; never let it break the page
        camp_of, partition = {}, None
    groups: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        groups.setdefault(d.get("camp") or "", []).append(n)
    position = _cluster_positions(groups)
    actors = {a.code: a for a in system.actors}
    for n, d in G.nodes(data=True):
        data = {"id": n, "label": f"{d.get('name') or n}", "kind": d.get("kind") or "", "camp": camp_of.get(n, "")}
        if n in actors:
            a = actors[n]
            data |= {
                "declared": a.camp or "",
                "cameo": a.cameo or "",
                "aliases": list(a.aliases),
                "own_code": a.own_code,
            }
        if d.get("camp"):
            data["parent"] = f"camp:{d['camp']}"
        nodes.append({"data": data, "classes": f"actor {d.get('kind') or ''}", "position": position[n]})

    ties = {t.id: t for t in system.all_ties()}

    def edge(u: str, v: str, k: str, d: dict[str, Any], extra: str) -> dict[str, Any]:
        cls = ["hostile" if d.get("polarity", 1) < 0 else "cooperative", d.get("status") or "reported", extra]
        if d.get("kind_style"):
            cls.append(f"style-{d['kind_style']}")
        tie = ties.get(k)
        return {
            "data": {
                "id": f"tie:{k}:{extra}",
                "source": u,
                "target": v,
                "tie": k,
                "kind": d.get("kind") or "",
                "label": d.get("label") or "",
                "status": d.get("status") or "",
                "cites": list(d.get("cites") or []),
                "kind_label": d.get("kind_label") or "",
                "figure": tie_quantity(d.get("amount"), d.get("unit"), d.get("rate")) or "",
                "dates": " – ".join(x for x in (d.get("since") or "", d.get("until") or "") if x),
                "citations": citations_json(system, tie.cites) if tie is not None else [],
            },
            "classes": " ".join(c for c in cls if c),
        }

    for u, v, k, d in G.edges(keys=True, data=True):
        edges.append(edge(u, v, k, d, "added" if k in added else ""))
    if diff:
        from upheaval.network import tie_attributes

        for t in diff.removed:
            if t.source in G and t.target in G:
                edges.append(edge(t.source, t.target, t.id, tie_attributes(t), "removed"))
    flows = [f.to_json() for f in derived_flows(system, scenario or None)]
    return {"nodes": nodes, "edges": edges, "flows": flows, "partition": partition}
