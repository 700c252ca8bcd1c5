"""The self-contained HTML report, and the HTML views that notebooks show for systems, scenarios and networks."""

from __future__ import annotations

import base64
import html
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from upheaval import cib
from upheaval._system_arg import accepts_system
from upheaval.model import System
from upheaval.network import tie_quantity

__all__ = [
    "REPORT_SECTIONS",
    "ReportSection",
    "add_report_section",
    "build_context",
    "camps_html",
    "diff_html",
    "network_html",
    "render_report",
    "scenario_set_html",
    "system_html",
]

_env: Environment | None = None


def _environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(
            loader=PackageLoader("upheaval.report", "templates"),
            autoescape=select_autoescape(["html"], default_for_string=True, default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _env


def _svg(fig, alt: str) -> Markup:
    """A matplotlib figure as inline SVG, drawn once: text stays text, the drawing scales with the page."""
    import re

    import matplotlib

    from upheaval.report._figures import figure_bytes

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": alt}):
        text = figure_bytes(fig, "svg").decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="figure" role="img"', text, count=1)
    return Markup(text.replace("<svg", f'<svg aria-label="{html.escape(alt)}"', 1))


def _img(fig, alt: str, dpi: int = 100) -> Markup:
    """A figure as an ``<img>`` with an inline base64 PNG (no file, no URL), for the notebook views."""
    from upheaval.report._figures import figure_bytes

    data = base64.b64encode(figure_bytes(fig, "png", dpi)).decode("ascii")
    return Markup('<img class="figure" alt="{}" src="data:image/png;base64,{}">').format(alt, data)


def _anchor(*parts: str) -> str:
    return "-".join(p.replace(" ", "_") for p in parts)


def _tie_row(system: System, tie, note: str = "") -> dict[str, Any]:
    def name(code: str) -> str:
        try:
            return system.actor(code).name
        except KeyError:
            return code

    return {
        "id": tie.id,
        "source": name(tie.source),
        "target": name(tie.target),
        "kind": tie.kind.replace("_", " "),
        "label": tie.label,
        "quantity": tie_quantity(tie.amount, tie.unit, tie.rate),
        "status": tie.status,
        "dates": " – ".join(x for x in (tie.since, tie.until) if x),
        "cites": [c.label() for c in tie.cites],
        "note": note,
        "hostile": tie.polarity < 0,
    }


@dataclass
class _Section:
    anchor: str
    source: str
    source_label: str
    target: str
    target_label: str
    rationale: str
    cites: list[str]
    rows: list[str]
    cols: list[str]
    cells: list[list[int | None]]
    diagonal: bool = False
    uncertainty: int = 0
    row_reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _ScenarioView:
    number: int
    anchor: str
    name: str
    summary: str
    choices: list[dict[str, str]]
    steps: list[dict[str, Any]]
    measures: dict[str, int]
    impact_figure: Markup | None
    diff: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def descriptions(self) -> dict[str, str]:
        """Each descriptor's chosen variant's description, by the descriptor's label (as the steps name it)."""
        return {c["descriptor"]: c["description"] for c in self.choices}

    @property
    def label(self) -> str:
        """``S4 · Name``, as every view labels the scenario."""
        return f"S{self.number} · {self.name}" if self.name else f"S{self.number}"


def _judgement_sections(system: System) -> tuple[list[_Section], dict[tuple[str, str], str]]:
    sections = []
    first: dict[tuple[str, str], str] = {}
    count: dict[tuple[str, str], int] = {}
    for imp in system.impacts:
        key = (imp.source, imp.target)
        count[key] = count.get(key, 0) + 1
        anchor = _anchor("j", imp.source, imp.target) + (f"-{count[key]}" if count[key] > 1 else "")
        first.setdefault(key, anchor)
        src, tgt = system.descriptor(imp.source), system.descriptor(imp.target)
        cells = [[imp.values.get(a.id, {}).get(b.id) for b in tgt.variants] for a in src.variants]
        own = [
            {"variant": a.label, "rationale": imp.reason(a.id)[0], "cites": [c.label() for c in imp.reason(a.id)[1]]}
            for a in src.variants
            if a.id in imp.rows
        ]
        sections.append(
            _Section(
                anchor, src.id, src.label, tgt.id, tgt.label, imp.rationale.strip(), [c.label() for c in imp.cites],
                [v.label for v in src.variants], [v.label for v in tgt.variants], cells, imp.diagonal, imp.uncertainty,
                own,
            )
        )  # fmt: skip
    return sections, first


def _matrix_table(system: System, cim, first: dict[tuple[str, str], str]) -> dict[str, Any]:
    """The cross-impact matrix as table data: every non-zero cell links to its judgement section."""
    heads, rows = [], []
    for i, d in enumerate(system.descriptors):
        for k, v in enumerate(d.variants):
            heads.append({"code": f"{i + 1}.{k + 1}", "title": f"{d.label}: {v.label}", "first": k == 0})
    for i, d in enumerate(system.descriptors):
        for k, v in enumerate(d.variants):
            r = int(cim.offsets[i] + k)
            cells = []
            for j, e in enumerate(system.descriptors):
                for m, _w in enumerate(e.variants):
                    x = int(cim.values[r, cim.offsets[j] + m])
                    cells.append(
                        {
                            "value": f"{x:+d}" if x else "",
                            "sign": (x > 0) - (x < 0),
                            "href": "#" + first[(d.id, e.id)] if (d.id, e.id) in first else "",
                            "first": m == 0,
                            "diag": i == j,
                        }
                    )
            rows.append({"code": f"{i + 1}.{k + 1}", "title": f"{d.label}: {v.label}", "first": k == 0, "cells": cells})
    return {"heads": heads, "rows": rows}


def _steps(system: System, z, cim, first) -> list[dict[str, Any]]:
    from upheaval.report._storyline import storyline

    story = storyline(system, z, cim)
    out = []

    def influence(inf) -> dict[str, Any]:
        src = system.descriptor(inf.source_descriptor)
        label = next(v.label for v in src.variants if v.id == inf.source_variant)
        return {
            "source": src.label,
            "variant": label,
            "score": f"{inf.score:+d}",
            "rationale": inf.rationale,
            "cites": inf.cites,
            "href": "#" + first.get((inf.source_descriptor, inf.target_descriptor), "judgements"),
        }

    for step in story.steps:
        out.append(
            {
                "descriptor": step.descriptor_label,
                "variant": step.variant_label,
                "balance": f"{step.balance:+d}",
                "margin": step.margin,
                "balances": " · ".join(
                    f"{lab} {b:+d}" for lab, b in zip(step.variant_labels, step.balances, strict=True)
                ),
                "tie": "tie" if step.tie else "near tie" if step.near_tie else "",
                "promoted": [influence(i) for i in step.promoted_by],
                "hindered": [influence(i) for i in step.hindered_by],
            }
        )
    return out


def _diff_view(system: System, diff) -> dict[str, Any]:
    return {
        "added": [_tie_row(system, t, diff.by_variant.get(t.id, "")) for t in diff.added],
        "removed": [_tie_row(system, t, diff.by_variant.get(t.id, "")) for t in diff.removed],
        "changed": [_tie_row(system, new, diff.by_variant.get(new.id, "")) for _old, new in diff.changed],
        "frustration_before": diff.frustration_before,
        "frustration_after": diff.frustration_after,
        "empty": diff.empty,
    }


INFERENCE_MARK = "Modelling judgement:"


def _paragraphs(system: System, cites) -> str:
    """Citations as ``section ¶n, ¶m; section ¶k`` in the order of the source's sections."""
    by_section: dict[str, set[int]] = {}
    for c in cites:
        by_section.setdefault(c.section, set()).add(c.paragraph)
    order = [sec for src in system.sources for sec in src.sections]
    keys = sorted(by_section, key=lambda sec: (order.index(sec) if sec in order else len(order), sec))
    return "; ".join(f"{sec} " + ", ".join(f"¶{n}" for n in sorted(by_section[sec])) for sec in keys)


def _reading_of(text: str) -> str:
    """How a rationale reads its source: ``read`` from the text, ``inferred`` (it opens with the
    inference mark), or ``read, with an inference`` (the mark comes later in it)."""
    text = text.strip()
    if text.startswith(INFERENCE_MARK):
        return "inferred"
    return "read, with an inference" if INFERENCE_MARK in text or "(Modelling judgement" in text else "read"


def _reading(system: System, cim) -> dict[str, Any]:
    """How the model reads its sources: the paragraphs behind each descriptor, whether each acting
    row of each judgement section is read from the text or inferred ("Modelling judgement:"),
    and how the sections each claim rests on (as the claims' audit takes them,
    :func:`upheaval.analysis.claim_sections`) were read."""
    descriptors = []
    for d in system.descriptors:
        cites = [c for v in d.variants if v.ties for t in v.ties.add for c in t.cites]
        for imp in system.impacts:
            if d.id in (imp.source, imp.target):
                cites += imp.cites + [c for r in imp.rows.values() for c in r.cites]
        descriptors.append({"label": d.label, "id": d.id, "paragraphs": _paragraphs(system, cites)})
    sections, counts = [], {"read": 0, "read, with an inference": 0, "inferred": 0}
    reading_of_pair: dict[tuple[str, str], str] = {}
    for imp in system.impacts:
        src = system.descriptor(imp.source)
        rows = []
        for v in src.variants:
            if not any(imp.values.get(v.id, {}).values()):
                continue
            text, cites = imp.reason(v.id)
            how = _reading_of(text)
            counts[how] += 1
            rows.append({"variant": v.label, "reading": how, "cites": _paragraphs(system, cites)})
        kinds = {r["reading"] for r in rows}
        reading_of_pair[(imp.source, imp.target)] = (
            kinds.pop() if len(kinds) == 1 else "partly inferred" if kinds else "no acting row"
        )
        sections.append(
            {"source": src.label, "target": system.descriptor(imp.target).label, "rows": rows,
             "reading": reading_of_pair[(imp.source, imp.target)]}
        )  # fmt: skip
    from upheaval.analysis import claim_sections

    claims = []
    for claim in system.claims:
        pairs, basis = claim_sections(cim, claim.check)
        named = [(cim.descriptor_ids[i], cim.descriptor_ids[j]) for i, j in pairs]
        claims.append(
            {
                "id": claim.id,
                "basis": basis,
                "sections": [
                    f"{system.descriptor(a).label} → {system.descriptor(b).label} "
                    f"({reading_of_pair.get((a, b), 'read')})"
                    for a, b in named
                ],
                "inferred": sum(reading_of_pair.get(p) == "inferred" for p in named),
            }
        )
    return {"descriptors": descriptors, "sections": sections, "counts": counts, "claims": claims}


def _robustness(system: System, result, n_samples: int, default_uncertainty: int) -> dict[str, Any] | None:
    """Robustness of the consistent scenarios and of their futures (None: nothing to sample).

    Monte Carlo over the judgements: each cell moves by up to its section's stated
    ``uncertainty`` (``default_uncertainty`` where a section states none, the same rule as
    ``upheaval robustness``); each scenario's share of sampled matrices in which it stays
    consistent, and each future's share of samples in which one of its scenarios does, with
    their 95 % intervals.
    """
    if n_samples <= 0 or len(result) == 0:
        return None
    from upheaval.analysis import future_index, robustness, uncertainty_matrix

    try:
        u = uncertainty_matrix(system, result.cim, default=default_uncertainty)
        rob = robustness(
            result.cim, u, n_samples, tolerance=result.tolerance, candidate_tolerance=result.tolerance + 2,
            random_state=0, n_jobs=1,
            groups=(lambda idx: future_index(system, result.cim, idx)) if system.futures else None,
        )  # fmt: skip
    except Exception as exc:  # an optional section must not sink the report
        return {"error": f"{type(exc).__name__}: {exc}", "rows": [], "futures": [], "note": ""}
    number = {tuple(int(x) for x in row): k + 1 for k, row in enumerate(result.indices)}
    names = [f.name for f in system.futures] + ["(no named future)"]
    rows = []
    for k in range(len(rob.indices)):
        n = number.get(tuple(int(x) for x in rob.indices[k]))
        if n is None:  # a near-consistent candidate: it counts for its future only
            continue
        rows.append({"number": n, "share": f"{rob.share[k]:.0%}", "interval": f"{rob.low[k]:.0%} – {rob.high[k]:.0%}",
                     "hits": int(rob.hits[k])})  # fmt: skip
    futures = []
    if rob.group_hits is not None:
        for g in np.argsort(-rob.group_share, kind="stable"):
            keys = (tuple(int(x) for x in rob.indices[k]) for k in np.flatnonzero(rob.groups == g))
            members = sorted(number[key] for key in keys if key in number)
            futures.append({"name": names[g], "anchor": _future_anchor(system, int(g)), "members": members,
                            "share": f"{rob.group_share[g]:.0%}",
                            "interval": f"{rob.group_low[g]:.0%} – {rob.group_high[g]:.0%}"})  # fmt: skip
    return {
        "error": "",
        "rows": rows,
        "futures": futures,
        "note": f"{n_samples} sampled matrices (seed 0); each judgement moves by up to its stated uncertainty "
        f"(±{default_uncertainty} where none is stated: --default-uncertainty {default_uncertainty}), clipped to "
        f"the model's scale, −{result.cim.scale}..{result.cim.scale}. A future survives a sampled matrix when one "
        f"of its scenarios is consistent in it: one of its consistent scenarios, or one within inconsistency "
        f"{result.tolerance + 2} of consistent that the sample makes consistent, as upheaval robustness counts.",
    }


def _future_anchor(system: System, g: int) -> str:
    """The anchor of future number ``g`` of the system (``len(system.futures)``: the scenarios none names)."""
    return f"future-{system.futures[g].id}" if g < len(system.futures) else "future-unnamed"


def cited_passages(system: System) -> list[dict[str, str]]:
    """Every distinct citation whose source has its text (``path``), with the paragraph it points at."""
    from upheaval.model import cited_paragraph

    cites = [c for t in system.all_ties() for c in t.cites]
    for imp in system.impacts:
        cites += list(imp.cites) + [c for row in imp.rows.values() for c in row.cites]
    for part in (*system.claims, *system.indicators, *([system.present] if system.present else [])):
        cites += part.cites
    out, seen = [], set()
    for c in cites:
        key = (c.source, c.section, c.paragraph)
        if key in seen:
            continue
        seen.add(key)
        text = cited_paragraph(system, c)
        if text is not None:
            out.append({"label": c.label(), "text": text})
    return out


def _audit(system: System, cim, n_samples: int, default_uncertainty: int) -> dict[str, Any] | None:
    """The claims' audit (:func:`upheaval.analysis.audit_claims`) as rows for the report (None: no claims)."""
    if not system.claims:
        return None
    from upheaval.analysis import audit_claims, audit_note

    try:
        audits = audit_claims(system, cim, n_samples=n_samples, default_uncertainty=default_uncertainty)
    except Exception as exc:  # an optional section must not sink the report
        return {"error": f"{type(exc).__name__}: {exc}", "rows": [], "note": ""}
    rows = []
    for a in audits:
        sections = "; ".join(
            f"{s.source} → {s.target} (reversed: {'passes' if s.reversed_passes else 'fails'}, "
            f"removed: {'passes' if s.removed_passes else 'fails'})"
            for s in a.sections[:6]
        ) + (f"; and {len(a.sections) - 6} more" if len(a.sections) > 6 else "")
        robust = f"{a.share:.0%} ({a.low:.0%} – {a.high:.0%})" if a.n_samples else "not sampled"
        rows.append({"id": a.id, "ok": a.tested, "verdict": a.verdict, "sections": sections, "robustness": robust})
    return {"error": "", "rows": rows, "note": audit_note(default_uncertainty, n_samples, 0) if n_samples else ""}


def _scenario_view(
    system: System, result, k: int, first, present_frustration, figures: bool, frustrations: dict | None = None
) -> _ScenarioView:
    """Scenario ``k`` of the consistent set (S-number ``k + 1``): its choices, storyline, measures, impact
    diagram and network difference."""
    from upheaval.network import network_difference
    from upheaval.report._svg import impact_svg

    cim = result.cim
    z = result.indices[k]
    names = cim.scenario_names(z)
    choices = []
    for d in system.descriptors:
        v = next(v for v in d.variants if v.id == names[d.id])
        choices.append({"descriptor": d.label, "variant": v.label, "description": v.description})
    diff = (
        network_difference(system, names, present_frustration=present_frustration, frustrations=frustrations)
        if system.actors
        else None
    )
    future = system.future_of(names)
    view = _ScenarioView(
        k + 1,
        f"scenario-{k + 1}",
        future.name if future else "",
        future.summary.strip() if future else "",
        choices,
        _steps(system, z, cim, first),
        {
            "total impact score": int(result.total_impact_score[k]),
            "consistency value": int(result.consistency_value[k]),
            "inconsistency": int(result.inconsistency[k]),
        },
        None,
        _diff_view(system, diff) if diff is not None else {"empty": True, "no_actors": True},
    )
    if figures:
        view.impact_figure = Markup(impact_svg(system, z, cim, title=f"Impact diagram of {view.label}"))
    return view


def _futures(system: System, result, views: list[_ScenarioView]) -> list[dict[str, Any]]:
    """Every future of the consistent scenarios, in the order of the system's futures (then the scenarios no
    future names): its anchor, name, summary, its scenarios' numbers, and the views of those with a section."""
    from upheaval.analysis import future_index

    codes = future_index(system, result.cim, result.indices)
    shown = {v.number for v in views}
    out = []
    for g in range(len(system.futures) + 1):
        numbers = [k + 1 for k in np.flatnonzero(codes == g)]
        if not numbers:
            continue
        named = g < len(system.futures)
        out.append(
            {
                "anchor": _future_anchor(system, g),
                "name": system.futures[g].name if named else "Scenarios no future names",
                "summary": system.futures[g].summary.strip() if named else "",
                "numbers": numbers,
                "scenarios": sorted((v for v in views if v.number in numbers), key=lambda v: v.number),
                "appendix": [n for n in numbers if n not in shown],
            }
        )
    return out


def build_context(
    system: System,
    *,
    tolerance: int = 0,
    max_scenarios: int = 60,
    figures: bool = True,
    robustness_samples: int = 200,
    default_uncertainty: int | None = None,
    tracking: Any = None,
) -> dict[str, Any]:
    """Everything the report shows, computed once: the HTML template and the PDF both read it.

    Every consistent scenario gets a section of its own, grouped under its future, up to
    ``max_scenarios`` of them; the rest (the least consistent, then lowest total impact score)
    are listed in an appendix, and the page says so. ``figures=False`` leaves the figures out
    (fast, for previews and tests of the text); ``robustness_samples`` sets the Monte Carlo
    samples of the robustness section and the claims' audit (0: none); ``default_uncertainty``
    is the uncertainty of judgement sections that state none
    (:data:`upheaval.analysis.DEFAULT_UNCERTAINTY` unless given); ``tracking`` (a result of
    :func:`upheaval.events.track`) adds the probabilities over time to the signposts section.
    The sections are :data:`REPORT_SECTIONS`, in order; ``context["sections"]`` lists those the
    model has.
    """
    from upheaval.analysis import DEFAULT_UNCERTAINTY
    from upheaval.claims import check_claims
    from upheaval.network import brokers, camps, derived_flows

    default_u = DEFAULT_UNCERTAINTY if default_uncertainty is None else int(default_uncertainty)
    t0 = time.perf_counter()
    cim = cib.compile_system(system)
    result = cib.find_consistent(cim, tolerance)
    sections, first = _judgement_sections(system)
    part = camps(system) if system.actors else None
    picks = report_picks(system) if tolerance == 0 else None
    decisions = decisions_context(system, cim, figures, picks=picks) if picks is not None else None
    audit = _audit(system, cim, robustness_samples, default_u)
    claims = check_claims(system, cim) if system.claims else []
    shown = min(len(result), max_scenarios)
    picked = [] if picks is None or isinstance(picks, Exception) else list(picks.picks)  # their storylines first
    order = [*picked, *(k for k in range(len(result)) if k not in picked)][:shown]
    present = part.frustration if part is not None else None
    frustrations: dict = {}  # scenarios with the same network share its frustration
    scenarios = [_scenario_view(system, result, k, first, present, figures, frustrations) for k in order]
    for v in scenarios:
        v.extra["pick"] = v.number - 1 in picked
    figs: dict[str, Markup | None] = dict.fromkeys(("network", "landscape"))
    if figures:
        if system.actors:
            from upheaval.report._svg import network_svg

            figs["network"] = Markup(network_svg(system))
        from upheaval.report._data import landscape_points
        from upheaval.report._svg import landscape_svg

        figs["landscape"] = Markup(landscape_svg(*landscape_points(system, 2, cim=cim), 2))
    tableau_rows = []
    if system.futures:
        named = [system.future_of(cim.scenario_names(result.indices[k])) for k in range(len(result))]
        tableau_rows.append(
            {"descriptor": "named future", "cells": [{"label": f.name if f else "", "tint": 6} for f in named]}
        )
    for i, d in enumerate(system.descriptors):
        tableau_rows.append(
            {
                "descriptor": d.label,
                "cells": [
                    {"label": d.variants[int(result.indices[k, i])].label, "tint": int(result.indices[k, i]) % 6}
                    for k in range(len(result))
                ],
            }
        )
    context = {
        "system": system,
        "passages": cited_passages(system),
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author or "",
                "publisher": s.publisher or "",
                "date": s.date or "",
                "url": s.url or "",
                "sections": s.sections,
            }
            for s in system.sources
        ],
        "actors": [
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "declared": a.camp or "",
                "camp": part.camp_of.get(a.code, "") if part else "",
            }
            for a in system.actors
        ],
        "ties": [_tie_row(system, t) for t in system.ties],
        "flows": derived_flows(system) if system.ties else [],
        "camps": part,
        "brokers": brokers(system, partition=part) if part else [],
        "sections": sections,
        "matrix": _matrix_table(system, cim, first),
        "result": result,
        "tolerance": tolerance,
        "tableau": tableau_rows,
        "n_consistent": len(result),
        "scenarios": scenarios,
        "shown_numbers": {v.number for v in scenarios},
        "picks_shown": bool(picked),
        "futures": _futures(system, result, scenarios),
        "appendix": _appendix(system, result, {v.number for v in scenarios}),
        "scenarios_left_out": len(result) - shown,
        "claims": claims,
        "claims_passed": sum(c.passed for c in claims),
        "robustness": _robustness(system, result, robustness_samples, default_u),
        "audit": audit,
        "reading": _reading(system, cim),
        "tracking": _tracking_section(system, cim, tracking, figures, result if tolerance == 0 else None),
        "decisions": decisions,
        "figures": figs,
        "n_scenarios": system.n_scenarios,
    }
    context["report_sections"] = [sec for sec in REPORT_SECTIONS if sec.shown(context)]
    context["contents"] = [(sec, sec.contents(context) if sec.contents else []) for sec in context["report_sections"]]
    context["seconds"] = time.perf_counter() - t0
    return context


def report_picks(system: System) -> Any:
    """The report's diverse few (:func:`upheaval.analysis.pick` of 4), or the UpheavalError that refused them."""
    from upheaval.analysis import pick
    from upheaval.errors import UpheavalError

    try:
        return pick(system, 4)
    except UpheavalError as exc:
        return exc


def decisions_context(system: System, cim, figures: bool = True, *, picks: Any = None) -> dict[str, Any]:
    """The report's decision sections: levers from the present, a diverse few to write up, and each shock.

    ``figures`` adds the lever map, the picks' map and each shock's flow as inline SVG. ``picks``
    lists the picks' positions in the consistent set, so that the report tells their storylines
    first; a part that cannot be computed carries ``error`` instead of failing the report. The
    picks (:func:`report_picks`) are computed here unless given.
    """
    from upheaval import analysis
    from upheaval.errors import UpheavalError
    from upheaval.report._svg import lever_svg, pick_svg, shock_svg

    out: dict[str, Any] = {"levers": None, "picks": None, "pick_positions": [], "shocks": []}
    names = {a.code: a.name for a in system.actors}
    try:
        res = analysis.levers(system, held_only=any(h.actors for h in analysis.lever_holders(system).values()))
        rows = []
        for group in res.by_destination().values():
            for lv in group:
                kind = res.kind(lv)
                rows.append({
                    "lever": res.change_text(lv),
                    "actors": ", ".join(f"{names.get(a, a)} ({a})" for a in lv.actors) or "—",
                    "settles": res.end_label(lv),
                    "kind": {"lasting": "stays", "tipping": f"tips into {res.labels.label(lv.released)}",
                             "held": "returns", "cycle": "cycles"}[kind],
                    "steps": lv.steps,
                    "robust": f"{lv.absorbed}/{lv.perturbations}" if lv.perturbations else "—",
                })  # fmt: skip
        base = res.baseline
        shares, note = res.basin_shares()
        out["levers"] = {
            "start": f"{res.start_text} ({res.labels.label(res.start)})",
            "alone": res.labels.label(base.scenario) if base.end_kind == "consistent" else "a cycle",
            "held_only": res.held_only,
            "rows": rows,
            "basins": note,
            "figure": Markup(lever_svg(res, shares, basin_note=note)) if figures else None,
        }
    except UpheavalError as exc:
        out["levers"] = {"error": str(exc)}
    try:
        p = report_picks(system) if picks is None else picks
        if isinstance(p, UpheavalError):
            raise p
        out["pick_positions"] = list(p.picks)
        out["picks"] = {
            "labels": [p.label(s) for s in p.picks],
            "k": p.k,
            "n": len(p.scenarios),
            "min_distance": f"{p.min_distance:g}",
            "radius": f"{p.radius:g}",
            "mean": f"{p.mean:.2f}",
            "how": "exact (every subset accounted for)" if p.exact else p.method,
            "figure": Markup(pick_svg(p)) if figures else None,
        }
    except UpheavalError as exc:
        out["picks"] = {"error": str(exc)}
    for s in system.shocks:
        try:
            r = analysis.shock(system, s.id)
        except UpheavalError as exc:
            out["shocks"].append({"id": s.id, "label": s.label, "error": str(exc)})
            continue
        out["shocks"].append({
            "id": s.id, "label": s.label, "description": s.description, "rationale": s.rationale,
            "cites": [c.label() for c in s.cites],
            "survive": len(r.survivors), "of": len(r.baseline), "new": [r.label(x) for x in r.new],
            "rows": [{"start": r.label(pth.start) + (" (the present)" if k == r.present else ""),
                      "survives": pth.survives, "during": r.label(pth.during), "after": r.label(pth.after)}
                     for k, pth in enumerate(r.paths)],
            "figure": Markup(shock_svg(r)) if figures else None,
        })  # fmt: skip
    return out


def _appendix(system: System, result, shown: set[int]) -> list[dict[str, Any]]:
    """The consistent scenarios whose S-numbers are not ``shown``: label and variants, one row each."""
    cim = result.cim
    rows = []
    for k in (k for k in range(len(result)) if k + 1 not in shown):
        names = cim.scenario_names(result.indices[k])
        future = system.future_of(names)
        rows.append({"number": k + 1, "name": future.name if future else "",
                     "variants": [d.variants[int(result.indices[k, i])].label for i, d in enumerate(system.descriptors)]})  # fmt: skip
    return rows


@dataclass(frozen=True)
class ReportSection:
    """One numbered section of the report: its anchor, its title, the template that draws it (in
    ``report/templates``), and when it is shown (``when(context)``; always by default). The template
    reads the report's context (:func:`build_context`); a section with data of its own adds a key to it.
    ``contents(context)`` gives its entries in the table of contents, as ``(anchor, text)`` pairs."""

    id: str
    title: str
    template: str
    when: Callable[[dict[str, Any]], Any] | None = None
    contents: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    def shown(self, context: dict[str, Any]) -> bool:
        return self.when is None or bool(self.when(context))


REPORT_SECTIONS: list[ReportSection] = [
    ReportSection("system", "The system", "_system.html"),
    ReportSection("judgements", "The judgements", "_judgements.html"),
    ReportSection("reading", "How this model reads its sources", "_reading.html"),
    ReportSection(
        "scenarios",
        "The consistent scenarios and their futures",
        "_scenarios.html",
        contents=lambda c: [(f["anchor"], f["name"]) for f in c["futures"]],
    ),
    ReportSection("claims", "The claims and their results", "_claims.html"),
    ReportSection("robustness", "Robustness", "_robustness.html"),
    ReportSection("levers", "Levers from the present", "_levers.html", when=lambda c: c["decisions"]),
    ReportSection(
        "shocks",
        "Shocks",
        "_shocks.html",
        when=lambda c: c["decisions"] and c["decisions"]["shocks"],
        contents=lambda c: [(f"shock-{s['id']}", s["label"]) for s in c["decisions"]["shocks"]],
    ),
    ReportSection("tracking", "Signposts and tracking", "_tracking.html", when=lambda c: c["tracking"]),
    ReportSection(
        "appendix", "Appendix: the other consistent scenarios", "_appendix.html", when=lambda c: c["appendix"]
    ),
]
"""The report's sections, in order. A view adds one with :func:`add_report_section`."""


def add_report_section(section: ReportSection, *, after: str | None = None) -> None:
    """Add a section to the report, after the section with id ``after`` (default: before the appendix);
    a section with the same id is replaced."""
    REPORT_SECTIONS[:] = [s for s in REPORT_SECTIONS if s.id != section.id]
    ids = [s.id for s in REPORT_SECTIONS]
    at = ids.index(after) + 1 if after in ids else ids.index("appendix") if "appendix" in ids else len(ids)
    REPORT_SECTIONS.insert(at, section)


def _tracking_section(
    system: System, cim, tracking: Any, figures: bool, consistent: Any = None
) -> dict[str, Any] | None:
    """The signposts (over the unfixed consistent set, ``consistent`` when already found) and, given a
    tracking, the probabilities over time."""
    if not system.indicators:
        return None
    from upheaval.report._tracking import tracking_context

    if tracking is not None:
        consistent = tracking.consistent
    elif consistent is None:
        consistent = cib.find_consistent(cim, 0)
    ctx = tracking_context(system, consistent, tracking, figures=figures)
    if ctx.get("probability_figure") is not None:
        ctx["probability_figure"] = _svg(ctx["probability_figure"], "Probability of each future")
    return ctx


@accepts_system("system")
def render_report(system: System, **options: Any) -> str:
    """The report as one self-contained HTML document (no external URL, no script); see :func:`build_context`."""
    context = build_context(system, **options)
    return _environment().get_template("report.html").render(**context)


# --------------------------------------------------------------------------- notebook views


def _table(columns: list[str], rows: list[list[Any]], caption: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in r) + "</tr>" for r in rows)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="upheaval">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


@accepts_system("system", optional=True)
def scenario_set_html(result, system: System | None = None, *, limit: int = 30) -> str:
    """A scenario set as an HTML tableau (descriptors as rows, scenarios as columns) with its measures."""
    cim = result.cim
    n = min(len(result), limit)
    cols = ["descriptor"] + [f"S{k + 1}" for k in range(n)]
    rows = []
    for i, d in enumerate(cim.descriptor_ids):
        label = system.descriptor(d).label if system is not None else d
        cells = []
        for k in range(n):
            j = int(result.indices[k, i])
            cells.append(system.descriptor(d).variants[j].label if system is not None else cim.variant_ids[i][j])
        rows.append([label, *cells])
    rows.append(["total impact score", *(int(x) for x in result.total_impact_score[:n])])
    rows.append(["inconsistency", *(int(x) for x in result.inconsistency[:n])])
    caption = f"{len(result)} scenarios (tolerance {result.tolerance})" + (
        f", first {n} shown" if n < len(result) else ""
    )
    return _table(cols, rows, caption)


def network_html(G, *, figure: bool = True) -> str:
    """An actor network as HTML: the network figure inline, its actors, and its ties with quantities."""
    actors = [[n, d.get("name", n), d.get("kind", ""), d.get("camp") or ""] for n, d in G.nodes(data=True)]
    ties = [
        [
            k,
            u,
            v,
            d.get("kind", ""),
            d.get("label", ""),
            tie_quantity(d.get("amount"), d.get("unit"), d.get("rate")),
            d.get("status", ""),
        ]
        for u, v, k, d in G.edges(keys=True, data=True)
    ]
    title = f"{G.graph.get('title', 'Actor network')}" + (
        f" — scenario {G.graph['scenario']}" if G.graph.get("scenario") else ""
    )
    return (
        f"<div><strong>{html.escape(title)}</strong>: {G.number_of_nodes()} actors, {G.number_of_edges()} ties"
        + (str(_img(_network_figure(G), "Actor network", dpi=70)) if figure and G.number_of_nodes() else "")
        + _table(["code", "name", "kind", "declared camp"], actors)
        + _table(["tie", "from", "to", "kind", "label", "quantity", "status"], ties)
        + "</div>"
    )


def _network_figure(G):
    from upheaval.report._figures import network_figure

    return network_figure(G)


def camps_html(part) -> str:
    """A camp partition as HTML: each camp's members, the frustration and the frustrated pairs."""
    rows = [[camp, ", ".join(members)] for camp, members in part.camps.items()]
    frustrated = ", ".join(f"{a}–{b} ({'cooperative' if s > 0 else 'hostile'})" for a, b, s in part.frustrated)
    disagree = "".join(f"<p>disagreement: {html.escape(d.sentence())}</p>" for d in part.disagreements)
    return (
        _table(["camp", "actors"], rows, f"frustration {part.frustration} of {part.signed_pairs} signed pairs")
        + (f"<p>frustrated: {html.escape(frustrated)}</p>" if frustrated else "")
        + disagree
    )


def diff_html(diff) -> str:
    """A network difference as HTML: ties added, removed and changed by the scenario."""
    rows = [["added", t.id, t.source, t.target, t.kind, diff.by_variant.get(t.id, "")] for t in diff.added]
    rows += [["removed", t.id, t.source, t.target, t.kind, diff.by_variant.get(t.id, "")] for t in diff.removed]
    rows += [["changed", t.id, t.source, t.target, t.kind, diff.by_variant.get(t.id, "")] for _, t in diff.changed]
    return _table(["change", "tie", "from", "to", "kind", "because of"], rows, "network difference vs the present")


@accepts_system("system")
def system_html(system: System, *, figure: bool = True) -> str:
    """A system as HTML for notebooks: summary, actors, descriptors and (optionally) the network figure inline."""
    parts = [
        f"<div><h3>{html.escape(system.title)}</h3><p>{html.escape(system.id)}{', as of ' + html.escape(system.as_of) if system.as_of else ''}: "
        f"{len(system.actors)} actors, {len(system.ties)} ties, {len(system.descriptors)} descriptors, "
        f"{len(system.impacts)} judgement sections, {system.n_scenarios:,} scenarios, {len(system.claims)} claims</p>"
    ]
    if system.actors:
        parts.append(
            _table(
                ["code", "name", "kind", "declared camp"],
                [[a.code, a.name, a.kind, a.camp or ""] for a in system.actors],
            )
        )
    parts.append(
        _table(
            ["descriptor", "label", "variants"],
            [[d.id, d.label, ", ".join(v.label for v in d.variants)] for d in system.descriptors],
        )
    )
    if figure and system.actors:
        from upheaval.report._figures import network_figure

        parts.append(str(_img(network_figure(system), "Actor network", dpi=70)))
    parts.append("</div>")
    return "".join(parts)
