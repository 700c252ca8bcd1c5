"""The workbench's pages: server-rendered HTML (jinja2, autoescaped) with htmx fragments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upheaval.errors import ModelError, UpheavalError
from upheaval.web._api import model_summary, open_bounded, open_upload, reload_bounded
from upheaval.web._figures import figures_available
from upheaval.web._state import Conflict, Workspace, fix_from_pairs, section_version
from upheaval.web._views import fix_pairs, matrix_view, parse_scenario, tableau_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Fix = Annotated[list[str], Query(max_length=60)]
Tol = Annotated[int, Query(ge=0, le=20)]


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the current model's summary available as ``model``."""
    ws = _ws(request)
    doc = ws.doc()
    try:
        claims = ws.claims(doc) if doc.system.claims else []
        claims_error = ""
    except UpheavalError as exc:  # e.g. a search too large to run here: the pages still show
        claims, claims_error = [], str(exc)
    context.setdefault("model", model_summary(ws, doc))
    context.setdefault("claims_passed", sum(r.passed for r in claims))
    context.setdefault("claims_total", len(claims))
    context.setdefault("claims_error", claims_error)
    context.setdefault("system", doc.system)
    context.setdefault("figures", figures_available())
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/")
def home(request: Request) -> Response:
    """The system page of the current model."""
    return RedirectResponse("/system", status_code=303)


@router.get("/open", response_class=HTMLResponse)
def open_page(request: Request) -> HTMLResponse:
    """Choose a model: built-in, a file in the working folder, or an upload."""
    ws = _ws(request)
    return render(request, "open.html", available=ws.available(), root=str(ws.root), problems=None, limit=ws.max_upload)


@router.post("/ui/open")
async def open_model(request: Request, name: Annotated[str, Form(max_length=400)]) -> Response:
    """Open a model and show its system page."""
    await open_bounded(_ws(request), name)
    return RedirectResponse("/system", status_code=303)


@router.post("/ui/upload")
async def upload(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    """Validate an uploaded model (parsed in a bounded worker process); open it, or show its problems."""
    ws = _ws(request)
    try:
        await open_upload(ws, file)
    except ModelError as exc:
        return await run_in_threadpool(
            render,
            request,
            "open.html",
            status_code=422,
            available=ws.available(),
            root=str(ws.root),
            problems=exc,
            limit=ws.max_upload,
        )
    return RedirectResponse("/system", status_code=303)


@router.get("/system", response_class=HTMLResponse)
def system_page(request: Request) -> HTMLResponse:
    """Actors, the interactive network with camps and derived flows, ties and sources."""
    from upheaval.network import derived_flows

    system = _ws(request).doc().system
    return render(request, "system.html", flows=derived_flows(system))


@router.get("/matrix", response_class=HTMLResponse)
def matrix_page(request: Request) -> HTMLResponse:
    """The cross-impact matrix as an editable grid."""
    ws = _ws(request)
    return render(request, "matrix.html", grid=matrix_view(ws.doc().system, ws.matrix()))


@router.get("/matrix/grid", response_class=HTMLResponse)
def matrix_grid(request: Request) -> HTMLResponse:
    """The grid alone (refreshed after each edit)."""
    ws = _ws(request)
    return render(request, "_grid.html", grid=matrix_view(ws.doc().system, ws.matrix()))


@router.get("/matrix/forms", response_class=HTMLResponse)
def matrix_forms(request: Request) -> HTMLResponse:
    """The add-descriptor and add-variant forms (refreshed when descriptors change)."""
    return render(request, "_forms.html")


@router.get("/matrix/cell", response_class=HTMLResponse)
def matrix_cell(
    request: Request,
    source: Annotated[str, Query(max_length=80)],
    sv: Annotated[str, Query(max_length=80)],
    target: Annotated[str, Query(max_length=80)],
    tv: Annotated[str, Query(max_length=80)],
    scenario: Annotated[str | None, Query(max_length=400)] = None,
) -> HTMLResponse:
    """One cell: its value, the rationale and citations of its judgement section, and the balance view of its
    target descriptor in a scenario (the present by default, else S1)."""
    ws = _ws(request)
    doc = ws.doc()
    system = doc.system
    cim = ws.matrix()
    i, a = cim.index_of(source, sv)
    j, b = cim.index_of(target, tv)
    value = int(cim.values[int(cim.offsets[i]) + a, int(cim.offsets[j]) + b])
    sections = system.impact_sections(source, target)
    cell = {
        "source": system.descriptor(source),
        "target": system.descriptor(target),
        "sv": system.descriptor(source).variants[a],
        "tv": system.descriptor(target).variants[b],
        "value": value,
        "sections": sections,
        "version": section_version(system, source, target),  # sent back with edits: a stale one gets 409
        "self": source == target,
        **_cell_balance(ws, doc, cim, source, sv, target, scenario),
    }
    return render(request, "_cell.html", cell=cell, sources=system.sources, scale=system.scale)


def _cell_balance(ws: Workspace, doc, cim, source: str, sv: str, target: str, scenario: str | None) -> dict[str, Any]:
    """The balance view of ``target`` in the scenario the cell panel shows, and the scenarios it offers."""
    from upheaval.analysis import explain, resolve_scenario, scenario_labels
    from upheaval.errors import EngineError

    system = doc.system
    result = ws.scenarios(0, None, doc)
    labels = scenario_labels(system, cim, 0, result)
    choices = ([("present", "the present")] if system.present is not None else []) + [
        (labels.key(r), labels.label(r)) for r in result.indices
    ]
    if not choices:
        return {"balance": None, "choices": [], "scenario": "", "acts": False}
    code = scenario if scenario in {c for c, _ in choices} else choices[0][0]
    try:
        names, _note = resolve_scenario(system, code, cim)
    except EngineError:
        return {"balance": None, "choices": choices, "scenario": code, "acts": False}
    view = explain(system, names, cim)
    d = next(x for x in view.descriptors if x.descriptor == target)
    return {"balance": d, "choices": choices, "scenario": code, "acts": names[source] == sv}


def _scenario_context(request: Request, t: int, fix: list[str]) -> dict[str, Any]:
    ws = _ws(request)
    doc = ws.doc()
    fixed = fix_from_pairs(fix)
    result = ws.scenarios(t, fixed, doc)
    base = ws.scenarios(t, None, doc) if fixed else result
    view = tableau_view(doc.system, result, fixed, base)
    return {
        "tab": view,
        "t": t,
        "fix": fix_pairs(fixed),
        "fixed": fixed,
        "base_total": len(base),
        "seconds": result.seconds,
    }


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, t: Tol = 0, fix: Fix = []) -> HTMLResponse:  # noqa: B006
    """The consistent scenarios as a tableau; click a variant to fix it (an intervention)."""
    return render(request, "scenarios.html", **_scenario_context(request, t, fix))


@router.get("/scenarios/tableau", response_class=HTMLResponse)
def scenarios_tableau(request: Request, t: Tol = 0, fix: Fix = []) -> HTMLResponse:  # noqa: B006
    """The tableau alone (swapped in by htmx when variants are fixed or the model changes)."""
    return render(request, "_tableau.html", **_scenario_context(request, t, fix))


@router.get("/scenario/{code}", response_class=HTMLResponse)
def scenario_page(request: Request, code: str) -> HTMLResponse:
    """One scenario: its storyline with citations, impact diagram and network difference."""
    from upheaval import cib
    from upheaval.network import network_difference
    from upheaval.report import storyline

    ws = _ws(request)
    system = ws.doc().system
    cim = ws.matrix()
    choice = parse_scenario(system, code)
    z = cim.scenario_indices(choice)
    story = storyline(system, z, cim)
    inc = int(cib.inconsistency(cim, z))
    tis = int(cib.total_impact_score(cim, z))
    diff = network_difference(system, choice)
    from upheaval.analysis import explain

    view = explain(system, z, cim)
    return render(
        request,
        "scenario.html",
        code=code,
        story=story,
        inconsistency=inc,
        tis=tis,
        diff=diff,
        choice=choice,
        view=view,
    )


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """The model's claims, re-checked whenever the model changes."""
    return render(request, "claims.html", results=_ws(request).claims())


@router.get("/claims/table", response_class=HTMLResponse)
def claims_table(request: Request) -> HTMLResponse:
    """The claims table alone."""
    return render(request, "_claims.html", results=_ws(request).claims())


@router.get("/ui/status", response_class=HTMLResponse)
def status(request: Request) -> HTMLResponse:
    """The status bar: model, unsaved edits, claims passing, undo."""
    return render(request, "_status.html")


@router.post("/ui/save", response_class=HTMLResponse)
def save(request: Request, as_name: Annotated[str | None, Form(max_length=400)] = None) -> HTMLResponse:
    """Save; on a conflict, offer to reload or keep both (never overwrite silently)."""
    ws = _ws(request)
    try:
        path = ws.save(as_name or None)
    except Conflict as exc:
        return render(request, "_conflict.html", conflict=exc)
    resp = render(request, "_saved.html", path=str(path.relative_to(ws.root)))
    resp.headers["HX-Trigger"] = "modelChanged"
    return resp


@router.post("/ui/reload", response_class=HTMLResponse)
async def reload(request: Request) -> HTMLResponse:
    """Reload from disk, dropping unsaved edits (they stay undoable)."""
    ws = _ws(request)
    doc = await reload_bounded(ws)
    resp = await run_in_threadpool(render, request, "_saved.html", path=doc.origin, reloaded=True)
    resp.headers["HX-Trigger"] = "modelChanged"
    return resp


def _log(x: float | None) -> float:
    import math

    return 0.0 if not x else math.log(x)


@router.get("/tracking", response_class=HTMLResponse)
def tracking_page(request: Request) -> HTMLResponse:
    """The model followed through the event database, period by period."""
    from fastapi import HTTPException

    from upheaval.web._tracking import tracking_data

    events = request.app.state.events
    try:
        data = tracking_data(_ws(request), events)
    except HTTPException as exc:
        return render(request, "tracking.html", data=None, reason=exc.detail, events=str(events or ""))
    periods = []
    for p in data["periods"]:
        fix = [f"{d}.{v}" for d, v in p["observed"].items()]
        best = max(p["probabilities"], key=lambda x: x["probability"]) if p["probabilities"] else None
        periods.append(
            {
                **p,
                "fix": fix,
                "signalled": [i["id"] for i in p["indicators"] if i["signals"]],
                "best": best,
                "moved": [
                    e
                    for e in sorted(p["evidence"], key=lambda e: -abs(_log(e["likelihood_ratio"])))
                    if e["holds"] and e["likelihood_ratio"] is not None
                ][:3],
            }
        )
    return render(request, "tracking.html", data=data, periods=periods, reason="", events=str(events))


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The JSON API's operations, read from its OpenAPI schema (served locally, no CDN)."""
    schema = request.app.openapi()
    ops = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            params = [p["name"] for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {})
            ref = next(iter(body.values()), {}).get("schema", {}).get("$ref", "") if body else ""
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": ref.rsplit("/", 1)[-1],
                }
            )
    return render(
        request,
        "apidocs.html",
        ops=ops,
        title=schema["info"]["title"],
        description=schema["info"].get("description", ""),
    )
