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


def _svg(fig: Any) -> Markup:
    """A figure as inline SVG (its links work in the page), without the XML prologue."""
    from upheaval.report._figures import figure_bytes

    text = figure_bytes(fig, "svg").decode("utf-8")
    return Markup(text[text.index("<svg") :].replace(' target="_blank"', ""))  # a lever opens in the page


def _drawn(make: Any) -> Markup:
    from upheaval.web._figures import _LOCK  # matplotlib draws one figure at a time

    with _LOCK:
        return _svg(make())


def _levers(ws: Workspace, to: str | None, radius: int, held: bool) -> Any:
    from upheaval import analysis

    doc = ws.doc()
    return ws._cached(("levers", doc.key, doc.version, to, radius, held),
                      lambda: analysis.levers(doc.system, to=to or None, radius=radius, held_only=held))  # fmt: skip


def lever_href(res: Any, lever: Any) -> str:
    """The scenarios page with the lever applied (an intervention), so a click shows what it does."""
    from urllib.parse import urlencode

    cim = res.cim
    return "/scenarios?" + urlencode(
        [("fix", f"{cim.descriptor_ids[i]}.{cim.variant_ids[i][v]}") for i, v in lever.changes]
    )


@router.get("/levers", response_class=HTMLResponse, include_in_schema=False)
def levers_page(request: Request, to: Text = None, radius: Radius = 1, held: bool = False) -> HTMLResponse:
    """Where each lever from the present leads; click a lever to apply it on the scenarios page."""
    from upheaval.report._decisions import lever_figure
    from upheaval.web._pages import render

    ws = _ws(request)
    error = ""
    try:
        res = _levers(ws, to, radius, held)
    except EngineError as exc:
        res, error = _levers(ws, None, radius, held), str(exc)
    doc = ws.doc()
    shares, note = ws._cached(("basins", doc.key, doc.version, res.mode), lambda: res.basin_shares())
    figure = _drawn(lambda: lever_figure(res, shares, link=lambda lv: lever_href(res, lv), basin_note=note))
    shown = res.reaching if res.target is not None else [lv for g in res.by_destination().values() for lv in g]
    rows = [
        {"lever": res.change_text(lv), "href": lever_href(res, lv), "actors": " ".join(lv.actors) or "—",
         "settles": res.end_label(lv), "kind": res.kind(lv), "steps": lv.steps,
         "released": res.labels.label(lv.released) if lv.released is not None else "",
         "robust": f"{lv.absorbed}/{lv.perturbations}" if lv.perturbations else "—"}
        for lv in shown
    ]  # fmt: skip
    return render(request, "levers.html", res=res, rows=rows, figure=figure, to=to or "", radius=radius, held=held,
                  error=error, futures=doc.system.futures)  # fmt: skip


@router.get("/pick", response_class=HTMLResponse, include_in_schema=False)
def pick_page(request: Request, k: K = 4, must: Names = []) -> HTMLResponse:  # noqa: B006
    """The k consistent scenarios most different from each other, and how they cover the rest."""
    from upheaval import analysis
    from upheaval.report._decisions import pick_figure
    from upheaval.web._pages import render
    from upheaval.web._views import scenario_code

    ws = _ws(request)
    doc = ws.doc()
    res = ws._cached(("pick", doc.key, doc.version, k, tuple(must)),
                     lambda: analysis.pick(doc.system, k, must=must))  # fmt: skip
    figure = _drawn(lambda: pick_figure(res))
    picks = [{"label": res.label(p), "href": f"/scenario/{scenario_code(res.cim, res.scenarios[p])}"}
             for p in res.picks]  # fmt: skip
    return render(request, "pick.html", res=res, picks=picks, figure=figure, k=k)


@router.get("/shocks", response_class=HTMLResponse, include_in_schema=False)
def shocks_page(request: Request, name: Text = None) -> HTMLResponse:
    """The model's shocks: which futures survive one, and where succession goes while it lasts and after."""
    from upheaval import analysis
    from upheaval.report._decisions import shock_figure
    from upheaval.web._pages import render

    ws = _ws(request)
    doc = ws.doc()
    system = doc.system
    chosen = name or (system.shocks[0].id if system.shocks else None)
    res = figure = None
    if chosen is not None:
        res = ws._cached(("shock", doc.key, doc.version, chosen), lambda: analysis.shock(system, chosen))
        figure = _drawn(lambda: shock_figure(res))
    return render(request, "shocks.html", res=res, figure=figure, chosen=chosen)


def _experts(ws: Workspace, keys: list[str]) -> list[Any]:
    docs = [ws.docs[k] for k in keys if k in ws.docs]
    if len(docs) < 2:
        raise HTTPException(422, "choose two or more open models, one per expert (open them first)")
    return docs


def _disagreement(ws: Workspace, docs: list[Any]) -> Any:
    from upheaval import analysis

    key = ("disagreement", *((d.key, d.version) for d in docs))
    return ws._cached(key, lambda: analysis.disagreement([d.system for d in docs], [d.origin for d in docs]))


@router.get("/disagreement", response_class=HTMLResponse, include_in_schema=False)
def disagreement_page(request: Request, m: Names = []) -> HTMLResponse:  # noqa: B006
    """The judgements open models (one per expert) differ on, ranked by how much they change the consistent set;
    each expert's Delphi form for the next round."""
    from upheaval.report._decisions import disagreement_figure
    from upheaval.web._pages import render

    ws = _ws(request)
    open_docs = list(ws.docs.values())
    chosen = m or ([d.key for d in open_docs] if len(open_docs) >= 2 else [])
    res = figure = None
    error = ""
    if len(chosen) >= 2:
        try:
            res = _disagreement(ws, _experts(ws, chosen))
            figure = _drawn(lambda: disagreement_figure(res))
        except (EngineError, HTTPException) as exc:
            error = getattr(exc, "detail", None) or str(exc)
    forms = []
    if res is not None:
        from upheaval.analysis import delphi_sheet

        forms = [{"key": key, "name": name, "rows": delphi_sheet(res, k)}
                 for k, (key, name) in enumerate(zip(chosen, res.names, strict=True))]  # fmt: skip
    return render(request, "disagreement.html", res=res, figure=figure, error=error, docs=open_docs, chosen=chosen,
                  forms=forms)  # fmt: skip


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
    back = "/disagreement?" + "&".join(f"m={k}" for k in form.getlist("m"))
    return RedirectResponse(back, status_code=303)


# --------------------------------------------------------------------------- JSON


@router.get("/api/levers", tags=["decisions"])
def levers_json(request: Request, to: Text = None, radius: Radius = 1, held: bool = False) -> JSONResponse:
    """Every lever from the present of the current model (or the smallest ones to ``to``), as ``upheaval levers --json``."""
    return JSONResponse(_levers(_ws(request), to, radius, held).to_json())


@router.get("/api/pick", tags=["decisions"])
def pick_json(request: Request, k: K = 4, must: Names = []) -> JSONResponse:  # noqa: B006
    """The k most different consistent scenarios and their coverage, as ``upheaval pick --json``."""
    from upheaval import analysis

    return JSONResponse(analysis.pick(_ws(request).doc().system, k, must=must).to_json())


@router.get("/api/shocks/{name}", tags=["decisions"])
def shock_json(request: Request, name: str) -> JSONResponse:
    """A shock's effect on the current model's futures, as ``upheaval shock NAME --json``."""
    from upheaval import analysis

    return JSONResponse(analysis.shock(_ws(request).doc().system, name[:200]).to_json())


@router.get("/api/disagreement", tags=["decisions"])
def disagreement_json(request: Request, m: Names = []) -> JSONResponse:  # noqa: B006
    """The disputed cells of two or more open models (their keys), ranked, as ``ensemble --disagreement --json``."""
    ws = _ws(request)
    return JSONResponse(_disagreement(ws, _experts(ws, m)).to_json())
