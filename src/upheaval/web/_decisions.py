"""The decision pages: levers (click one to apply it), a diverse few, shocks, and the experts' disagreement with
its Delphi form; and their JSON under ``/api``. Results are cached per model version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from upheaval.errors import EngineError
from upheaval.web._state import EditRefused, Workspace

__all__ = ["router"]

router = APIRouter()

Text = Annotated[str | None, Query(max_length=200)]
Radius = Annotated[int, Query(ge=1, le=2)]
K = Annotated[int, Query(ge=1, le=8)]
Names = Annotated[list[str], Query(max_length=8)]


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def _svg(fig: Any) -> str:
    """A figure as inline SVG text (its links work in the page), without the XML prologue."""
    from upheaval.report import figure_bytes

    text = figure_bytes(fig, "svg").decode("utf-8")
    return text[text.index("<svg") :].replace(' target="_blank"', "")  # a lever opens in the page


def lever_href(res: Any, lever: Any) -> str:
    """The scenarios page with the lever applied (an intervention), so a click shows what it does."""
    from urllib.parse import urlencode

    cim = res.cim
    return "/scenarios?" + urlencode(
        [("fix", f"{cim.descriptor_ids[i]}.{cim.variant_ids[i][v]}") for i, v in lever.changes]
    )


# ---- the work, done in a bounded worker process (module-level functions of picklable arguments) ----------------


def levers_view(system: Any, to: str | None, radius: int, held: bool) -> dict[str, Any]:
    """The levers page's content: the lever map (SVG), one row per lever, and the JSON of ``upheaval levers``."""
    from upheaval import analysis
    from upheaval.report import lever_figure

    res = analysis.levers(system, to=to or None, radius=radius, held_only=held)
    shares, note = res.basin_shares()
    svg = _svg(lever_figure(res, shares, link=lambda lv: lever_href(res, lv), basin_note=note))
    shown = res.reaching if res.target is not None else [lv for g in res.by_destination().values() for lv in g]
    rows = [
        {"lever": res.change_text(lv), "href": lever_href(res, lv), "actors": " ".join(lv.actors) or "—",
         "settles": res.end_label(lv), "kind": res.kind(lv), "steps": lv.steps,
         "released": res.labels.label(lv.released) if lv.released is not None else "",
         "robust": f"{lv.absorbed}/{lv.perturbations}" if lv.perturbations else "—"}
        for lv in shown
    ]  # fmt: skip
    target = res.target.description if res.target is not None else None
    return {"json": res.to_json(), "svg": svg, "rows": rows, "start": res.start_text, "target": target,
            "reached": bool(res.reaching), "radius": res.radius}  # fmt: skip


def pick_view(system: Any, k: int, must: list[str]) -> dict[str, Any]:
    """The picks page's content: the coverage figure (SVG), the picks with their pages, and the JSON."""
    from upheaval import analysis
    from upheaval.report import pick_figure
    from upheaval.web._views import scenario_code

    res = analysis.pick(system, k, must=must)
    picks = [
        {"label": res.label(p), "href": f"/scenario/{scenario_code(res.cim, res.scenarios[p])}"} for p in res.picks
    ]
    return {"json": res.to_json(), "svg": _svg(pick_figure(res)), "picks": picks}


def shock_view(system: Any, name: str) -> dict[str, Any]:
    """A shock's page content: its figure (SVG) and the JSON of ``upheaval shock NAME``."""
    from upheaval import analysis
    from upheaval.report import shock_figure

    res = analysis.shock(system, name)
    return {
        "json": res.to_json(),
        "svg": _svg(shock_figure(res)),
        "survive": len(res.survivors),
        "of": len(res.baseline),
    }


def disagreement_view(systems: list[Any], names: list[str]) -> dict[str, Any]:
    """The experts' page content: the ranking's figure (SVG), each expert's Delphi sheet, and the JSON."""
    from upheaval import analysis
    from upheaval.report import disagreement_figure

    res = analysis.disagreement(systems, names)
    sheets = [analysis.delphi_sheet(res, k) for k in range(len(names))]
    return {"json": res.to_json(), "svg": _svg(disagreement_figure(res)), "sheets": sheets,
            "cells": len(res.cells), "mattering": len(res.mattering), "group": len(res.group_set)}  # fmt: skip


def _bounded(ws: Workspace, key: tuple, fn: Any, *args: Any, what: str) -> dict[str, Any]:
    """``fn(*args)`` in a worker process bounded in time and memory, cached per model version."""
    from upheaval.web._bounded import run_bounded

    return ws._cached(key, lambda: run_bounded(fn, *args, what=what))


def _levers(ws: Workspace, to: str | None, radius: int, held: bool) -> dict[str, Any]:
    doc = ws.doc()
    return _bounded(ws, ("levers", doc.key, doc.version, to, radius, held), levers_view, doc.system, to, radius, held,
                    what="the levers")  # fmt: skip


def _pick(ws: Workspace, k: int, must: list[str]) -> dict[str, Any]:
    doc = ws.doc()
    return _bounded(ws, ("pick", doc.key, doc.version, k, tuple(must)), pick_view, doc.system, k, list(must),
                    what="the picks")  # fmt: skip


def _shock(ws: Workspace, name: str) -> dict[str, Any]:
    doc = ws.doc()
    return _bounded(ws, ("shock", doc.key, doc.version, name), shock_view, doc.system, name, what="the shock")


def _disagreement(ws: Workspace, docs: list[Any]) -> dict[str, Any]:
    key = ("disagreement", *((d.key, d.version) for d in docs))
    return _bounded(ws, key, disagreement_view, [d.system for d in docs], [d.origin for d in docs],
                    what="the disagreement")  # fmt: skip


@router.get("/levers", response_class=HTMLResponse, include_in_schema=False)
def levers_page(request: Request, to: Text = None, radius: Radius = 1, held: bool = False) -> HTMLResponse:
    """Where each lever from the present leads; click a lever to apply it on the scenarios page."""
    from upheaval.web._pages import render

    ws = _ws(request)
    error = ""
    try:
        view = _levers(ws, to, radius, held)
    except EngineError as exc:
        error = str(exc)
        view = _levers(ws, None, radius, held)
    return render(request, "levers.html", view=view, figure=Markup(view["svg"]), to=to or "", radius=radius,
                  held=held, error=error, futures=ws.doc().system.futures)  # fmt: skip


@router.get("/pick", response_class=HTMLResponse, include_in_schema=False)
def pick_page(request: Request, k: K = 4, must: Names = []) -> HTMLResponse:  # noqa: B006
    """The k consistent scenarios most different from each other, and how they cover the rest."""
    from upheaval.web._pages import render

    view = _pick(_ws(request), k, must)
    return render(request, "pick.html", view=view, res=view["json"], figure=Markup(view["svg"]), k=k)


@router.get("/shocks", response_class=HTMLResponse, include_in_schema=False)
def shocks_page(request: Request, name: Text = None) -> HTMLResponse:
    """The model's shocks: which futures survive one, and where succession goes while it lasts and after."""
    from upheaval.web._pages import render

    ws = _ws(request)
    system = ws.doc().system
    chosen = name or (system.shocks[0].id if system.shocks else None)
    view = _shock(ws, chosen) if chosen is not None else None
    figure = Markup(view["svg"]) if view is not None else None
    return render(request, "shocks.html", view=view, figure=figure, chosen=chosen)


def _structure(system: Any) -> list[tuple[str, list[str]]]:
    """A model's descriptors and variants: experts' models are compared only when theirs are the same."""
    return [(d.id, [v.id for v in d.variants]) for d in system.descriptors]


def _experts(ws: Workspace, keys: list[str]) -> list[Any]:
    docs = [ws.docs[k] for k in keys if k in ws.docs]
    if len(docs) < 2:
        raise HTTPException(422, "choose two or more open models, one per expert (open them first)")
    return docs


@router.get("/disagreement", response_class=HTMLResponse, include_in_schema=False)
def disagreement_page(
    request: Request,
    m: Names = [],  # noqa: B006
    edited: Text = None,
    answers: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """The judgements open models (one per expert) differ on, ranked by how much they change the consistent set;
    each expert's Delphi form for the next round."""
    from upheaval.web._pages import render

    ws = _ws(request)
    open_docs = list(ws.docs.values())
    alike = [d.key for d in open_docs if _structure(d.system) == _structure(ws.doc().system)]
    chosen = m or (alike if len(alike) >= 2 else [])
    view = None
    error = ""
    if len(chosen) >= 2:
        try:
            view = _disagreement(ws, _experts(ws, chosen))
        except (EngineError, HTTPException) as exc:
            error = getattr(exc, "detail", None) or str(exc)
    forms = []
    if view is not None:
        forms = [{"key": key, "name": name, "rows": rows}
                 for key, name, rows in zip(chosen, view["json"]["experts"], view["sheets"], strict=True)]  # fmt: skip
    figure = Markup(view["svg"]) if view is not None else None
    return render(request, "disagreement.html", view=view, figure=figure, error=error, docs=open_docs,
                  chosen=chosen, forms=forms, edited=edited, answers=answers)  # fmt: skip


@router.post("/ui/delphi", include_in_schema=False)
async def delphi_answers(request: Request) -> Response:
    """One expert's answers from the Delphi form, applied to their open model as an edit (undo and save as usual)."""
    from upheaval.analysis import apply_answers

    ws = _ws(request)
    form = await request.form()
    key = str(form.get("expert", ""))
    if key not in ws.docs:
        raise HTTPException(422, "that expert's model is not open")
    answers: dict[tuple[str, str], int] = {}
    for name, value in form.multi_items():
        if not name.startswith("cell:") or not str(value).strip():
            continue
        row, _, column = name[5:].partition("|")
        try:
            answers[(row, column)] = int(str(value).strip().lstrip("+"))
        except ValueError:
            raise HTTPException(422, f"the answer for {row} → {column} is not a whole number") from None
    with ws.lock:
        doc = ws.docs[key]
        try:
            new = apply_answers(doc.system, answers)
        except EngineError as exc:
            raise EditRefused(str(exc)) from None
        ws._commit(doc, new, f"Delphi answers ({len(answers)})")
    from urllib.parse import urlencode

    query = [("m", str(k)) for k in form.getlist("m")] + [("edited", doc.origin), ("answers", str(len(answers)))]
    return RedirectResponse("/disagreement?" + urlencode(query), status_code=303)


# --------------------------------------------------------------------------- JSON


@router.get("/api/levers", tags=["decisions"])
def levers_json(request: Request, to: Text = None, radius: Radius = 1, held: bool = False) -> JSONResponse:
    """Every lever from the present of the current model (or the smallest ones to ``to``), as ``upheaval levers --json``."""
    return JSONResponse(_levers(_ws(request), to, radius, held)["json"])


@router.get("/api/pick", tags=["decisions"])
def pick_json(request: Request, k: K = 4, must: Names = []) -> JSONResponse:  # noqa: B006
    """The k most different consistent scenarios and their coverage, as ``upheaval pick --json``."""
    return JSONResponse(_pick(_ws(request), k, must)["json"])


@router.get("/api/shocks/{name}", tags=["decisions"])
def shock_json(request: Request, name: str) -> JSONResponse:
    """A shock's effect on the current model's futures, as ``upheaval shock NAME --json``."""
    return JSONResponse(_shock(_ws(request), name[:200])["json"])


@router.get("/api/disagreement", tags=["decisions"])
def disagreement_json(request: Request, m: Names = []) -> JSONResponse:  # noqa: B006
    """The disputed cells of two or more open models (their keys), ranked, as ``ensemble --disagreement --json``."""
    ws = _ws(request)
    return JSONResponse(_disagreement(ws, _experts(ws, m))["json"])
