"""Routes of the part editors (actors, ties, sources, claims, indicators) and of the coverage panel."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from upheaval.model import HOSTILE_KINDS, TIE_KINDS, TIE_STATUSES
from upheaval.web._api import _changed, _StrictJSONRoute
from upheaval.web._parts import PART_KEYS, edit_part, part_item
from upheaval.web._state import EditRefused, Workspace

__all__ = ["api", "pages"]

api = APIRouter(prefix="/api", tags=["api"], route_class=_StrictJSONRoute)
pages = APIRouter(include_in_schema=False)

Section = Literal["actors", "ties", "sources", "claims", "indicators"]
Key = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class PartEdit(BaseModel):
    """Add, change or remove one actor, tie, source, claim or indicator.

    ``key`` names the item to change or remove (its code or id); left out, ``item`` is added.
    ``item`` has the fields of the model format (e.g. a tie's ``from``, ``to``, ``kind``,
    ``cites``); a field sent empty is removed. The model is then validated as a model file is.
    """

    section: Section
    key: Key | None = None
    item: Annotated[dict[str, Any] | None, Field(max_length=40)] = None
    delete: bool = False


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


@api.post("/edit/part", summary="Add, change or remove an actor, tie, source, claim or indicator")
def edit(request: Request, body: PartEdit) -> JSONResponse:
    """Validated as a model file is (references, citations against the source's text); undoable."""
    ws = _ws(request)
    if not body.delete and body.item is None:
        raise EditRefused("send the item's fields in `item`, or `delete: true`")
    doc = edit_part(ws, body.section, body.key, body.item, delete=body.delete)
    return _changed(ws, doc)


def cond_text(cond: dict[str, Any] | None) -> str:
    """A condition as the editors write it: ``front=destabilises, china=grows|steady``."""
    return ", ".join(f"{d}={'|'.join(v) if isinstance(v, list) else v}" for d, v in (cond or {}).items())


@pages.get("/ui/editor", response_class=HTMLResponse)
def editor(
    request: Request,
    section: Section,
    key: Annotated[str | None, Query(max_length=80)] = None,
) -> HTMLResponse:
    """The form that edits one item (or adds one, without ``key``)."""
    from upheaval.web._pages import render

    system = _ws(request).doc().system
    item = part_item(system, section, key) if key else None
    if key and item is None:
        raise EditRefused(f"there is no {section[:-1]} {key!r}")
    kinds = list(TIE_KINDS) + [k.id for k in system.tie_kinds]
    return render(
        request,
        "_editor.html",
        section=section,
        key=key,
        item=item or {},
        field=PART_KEYS[section],
        tie_kinds=kinds,
        hostile=set(HOSTILE_KINDS) | {k.id for k in system.tie_kinds if k.sign == "hostile"},
        statuses=TIE_STATUSES,
        cond_text=cond_text,
    )


@pages.get("/system/parts", response_class=HTMLResponse)
def system_parts(request: Request) -> HTMLResponse:
    """The system page's tables of actors, ties, sources, claims and indicators (refreshed after each edit)."""
    from upheaval.web._pages import render

    return render(request, "_parts.html")


@pages.get("/ui/coverage", response_class=HTMLResponse)
def coverage_panel(request: Request) -> HTMLResponse:
    """What still needs judgement: coverage and modelling warnings of the current model."""
    from upheaval.analysis import modelling_warnings
    from upheaval.model import coverage
    from upheaval.web._pages import render

    ws = _ws(request)
    doc = ws.doc()
    system = doc.system
    found = coverage(system) + modelling_warnings(system, ws.matrix(doc), ws.scenarios(0, None, doc))
    return render(request, "_coverage.html", findings=sorted(found, key=lambda f: f.level != "warning"))
