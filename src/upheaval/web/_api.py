"""The JSON API under ``/api``: models, scenarios, succession, claims, network, figures and edits."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from upheaval import cib
from upheaval._json import jsonable, scenario_set_json, succession_json
from upheaval.errors import UpheavalError
from upheaval.web._state import OpenModel, Workspace, fix_from_pairs
from upheaval.web._views import cytoscape_elements, parse_scenario

__all__ = ["router"]

_JSON_DEPTH = 32
_JSON_VALUES = 5_000  # values in one body: the API's requests hold a few dozen (an edit, a start scenario)


def _json_problem(raw: bytes) -> dict[str, Any] | None:
    """Why a request body cannot be a JSON value any endpoint accepts, as a FastAPI-style error; None if it can.

    Refused: text that is not JSON (or not UTF-8), nesting deeper than 32, more than 5,000
    values (FastAPI would validate them, and echo them in its answer, on the event loop), numbers that are
    not finite (``1e999`` parses as infinity; ``NaN`` and ``Infinity`` are not JSON) and
    strings or keys holding a lone surrogate (``"\\ud800"``), which no text can store.
    """

    def refuse(loc: list[Any], msg: str, kind: str) -> dict[str, Any]:
        return {"loc": ["body", *loc], "msg": msg, "type": kind}

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    # JSON separates values by commas and colons: counted at C speed, they bound the parse before it starts
    # (one json.loads of 125,000 numbers holds the interpreter for a tenth of a second)
    if raw.count(b",") + raw.count(b":") > 4 * _JSON_VALUES:
        return refuse([], f"more than {_JSON_VALUES:,} JSON values; a request holds a few dozen", "json_size")
    try:
        data = json.loads(raw, parse_constant=constant)
    except RecursionError:
        return refuse([], f"JSON nested deeper than {_JSON_DEPTH} levels", "json_depth")
    except ValueError as exc:
        return refuse([], f"not valid JSON: {str(exc)[:200]}", "json_invalid")
    stack: list[tuple[list[Any], Any]] = [([], data)]
    seen = 0
    while stack:
        loc, value = stack.pop()
        seen += 1
        if seen > _JSON_VALUES:
            return refuse([], f"more than {_JSON_VALUES:,} JSON values; a request holds a few dozen", "json_size")
        if len(loc) > _JSON_DEPTH:
            return refuse(loc[:_JSON_DEPTH], f"JSON nested deeper than {_JSON_DEPTH} levels", "json_depth")
        if isinstance(value, float) and not math.isfinite(value):
            return refuse(loc, "a number too large to be finite", "finite_number")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return refuse(
                    loc, "text holding a lone surrogate (such as \\ud800), which is not a character", "string_unicode"
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                try:
                    key.encode("utf-8")
                except UnicodeEncodeError:
                    return refuse(loc, "a key holding a lone surrogate (such as \\ud800)", "string_unicode")
                stack.append(([*loc, key], item))
        elif isinstance(value, list):
            stack.extend(([*loc, i], item) for i, item in enumerate(value))
    return None


class _StrictJSONRoute(APIRoute):
    """A route whose JSON body is checked by :func:`_json_problem` before FastAPI validates it.

    FastAPI's own 422 answer echoes the input, and an input holding infinity or a lone
    surrogate cannot be written back as JSON: the answer would be a 500.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            kind = request.headers.get("content-type", "")
            if request.method == "POST" and not kind.startswith(("multipart/", "application/x-www-form-urlencoded")):
                raw = await request.body()  # at most MAX_BODY bytes (web._bounded.BodyLimit)
                if len(raw) > 4096:  # a walk over a big body would hold the event loop: a worker thread does it
                    problem = await run_in_threadpool(_json_problem, raw)
                else:
                    problem = _json_problem(raw) if raw else None
                if problem is not None:
                    return JSONResponse({"detail": [problem]}, status_code=422)
            return await handler(request)

        return strict


router = APIRouter(prefix="/api", tags=["api"], route_class=_StrictJSONRoute)

IdStr = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]
Text = Annotated[str, Field(max_length=20_000)]
FixQuery = Annotated[
    list[str], Query(description="Variants fixed before the search, as DESCRIPTOR.VARIANT; repeatable.", max_length=60)
]
TolQuery = Annotated[int, Query(ge=0, le=20, description="Accept scenarios whose inconsistency is at most this.")]


class OpenRequest(BaseModel):
    """A model to open: a built-in name or a model file's path inside the working folder."""

    name: Annotated[str, Field(min_length=1, max_length=400)]


class CitationIn(BaseModel):
    """A citation: source id, section (left out for a source without sections) and paragraph (1-based), optionally a short quote."""

    source: IdStr
    section: Annotated[str | None, Field(min_length=1, max_length=400)] = None
    paragraph: Annotated[int, Field(ge=1, le=100_000)]
    quote: Annotated[str | None, Field(max_length=160)] = None


Version = Annotated[
    str | None,
    Field(
        max_length=64,
        pattern=r"^[0-9a-f]+$",
        description="The judgement section's version as read (GET /api/section); if it changed since, 409.",
    ),
]


class ImpactEdit(BaseModel):
    """Set one cell of the matrix: the impact of ``source.source_variant`` on ``target.target_variant``."""

    source: IdStr
    source_variant: IdStr
    target: IdStr
    target_variant: IdStr
    value: Annotated[int, Field(ge=-99, le=99)]
    version: Version = None


class SectionEdit(BaseModel):
    """Set the rationale and citations of the judgements from descriptor ``source`` on ``target``."""

    source: IdStr
    target: IdStr
    rationale: Text = ""
    cites: Annotated[list[CitationIn], Field(max_length=50)] = []
    version: Version = None


class VariantIn(BaseModel):
    """A new variant."""

    id: IdStr
    label: Annotated[str, Field(min_length=1, max_length=400)]
    description: Text = ""


class DescriptorAdd(BaseModel):
    """A new descriptor with its variants."""

    id: IdStr
    label: Annotated[str, Field(min_length=1, max_length=400)]
    description: Text = ""
    variants: Annotated[list[VariantIn], Field(min_length=2, max_length=9)]


class VariantAdd(BaseModel):
    """A variant to add to descriptor ``descriptor``."""

    descriptor: IdStr
    variant: VariantIn


class SaveRequest(BaseModel):
    """Save the model: to its own file (``as_name`` empty) or as a new file inside the working folder."""

    as_name: Annotated[str | None, Field(max_length=400)] = None


class SuccessionRequest(BaseModel):
    """A succession: the start scenario (one variant per descriptor) and the mode."""

    start: Annotated[dict[str, str], Field(max_length=200)]
    mode: Literal["global", "local"] = "global"


def _ws(request: Request) -> Workspace:
    return request.app.state.workspace


def model_summary(ws: Workspace, doc: OpenModel) -> dict[str, Any]:
    """What the pages' status bar shows about the current model."""
    s = doc.system
    return {
        "key": doc.key,
        "id": s.id,
        "title": s.title,
        "origin": doc.origin,
        "file": str(doc.path.relative_to(ws.root)) if doc.path is not None and doc.writable else None,
        "writable": doc.writable,
        "dirty": doc.dirty,
        "version": doc.version,
        "undo_depth": ws.undo_depth(doc),
        "last_edit": doc.last_edit,
        "changed_on_disk": ws.on_disk_changed(doc),
        "descriptors": len(s.descriptors),
        "scenarios": s.n_scenarios,
        "claims": len(s.claims),
    }


def _changed(ws: Workspace, doc: OpenModel) -> JSONResponse:
    """An edit's answer: the new model summary, and an htmx event so every panel refreshes."""
    return JSONResponse(model_summary(ws, doc), headers={"HX-Trigger": "modelChanged"})


@router.get("/models", summary="List the models that can be opened, and the open ones")
def list_models(request: Request) -> dict[str, Any]:
    """Built-in models, model files in the working folder, and the models open in this session."""
    ws = _ws(request)
    with ws.lock:
        open_docs = [{"key": d.key, "origin": d.origin, "id": d.system.id, "dirty": d.dirty} for d in ws.docs.values()]
    return {**ws.available(), "open": open_docs, "current": ws.current}


async def open_bounded(ws: Workspace, name: str) -> OpenModel:
    """Open a model by name (see :meth:`Workspace.open`), a file being read in a bounded worker process."""
    from upheaval.web._bounded import load_model_file

    key, path = await run_in_threadpool(ws.locate, name)
    system = None
    if path is not None and key not in ws.docs:
        system = await load_model_file(path, key.removeprefix("file:"))
    return await run_in_threadpool(ws.open, name, system)


async def reload_bounded(ws: Workspace) -> OpenModel:
    """Reload the current model from its file (see :meth:`Workspace.reload`), read in a bounded worker process."""
    from upheaval.web._bounded import load_model_file

    doc = ws.doc()
    system = await load_model_file(doc.path, doc.origin) if doc.path is not None else None
    return await run_in_threadpool(ws.reload, system)


async def open_upload(ws: Workspace, file: UploadFile) -> OpenModel:
    """Read, check and open an upload: size-limited, UTF-8, parsed in a bounded worker process."""
    from upheaval.web._bounded import parse_model_text, upload_name

    name = upload_name(file.filename)
    text = await read_upload(ws, file, name)
    system = await parse_model_text(text, name)
    return await run_in_threadpool(ws.open_text, text, name, system)


@router.post("/models/open", summary="Open a built-in model or a model file")
async def open_model(request: Request, body: OpenRequest) -> JSONResponse:
    """Open a model by built-in name or by its path inside the working folder; it becomes current."""
    ws = _ws(request)
    doc = await open_bounded(ws, body.name)
    return _changed(ws, doc)


@router.post("/models/upload", summary="Upload a YAML model")
async def upload_model(
    request: Request, file: Annotated[UploadFile, File(description="A YAML model file")]
) -> JSONResponse:
    """Validate an uploaded YAML model (size-limited) and open it; problems come back with line numbers."""
    ws = _ws(request)
    doc = await open_upload(ws, file)
    return _changed(ws, doc)


async def read_upload(ws: Workspace, file: UploadFile, name: str) -> str:
    """The upload's text, refusing files over the size limit or not in UTF-8."""
    data = await file.read(ws.max_upload + 1)
    if len(data) > ws.max_upload:
        raise HTTPException(413, f"upload too large: the limit is {ws.max_upload:,} bytes")
    from upheaval.model import decode_text

    # an undecodable byte is a ModelError with its offset, line and column (a worker thread finds it)
    return await run_in_threadpool(decode_text, data, name)


@router.get("/model", summary="The current model: summary")
def current_model(request: Request) -> dict[str, Any]:
    """Id, title, file, whether it has unsaved edits or changed on disk, undo depth."""
    ws = _ws(request)
    return model_summary(ws, ws.doc())


@router.get("/model/data", summary="The current model as JSON")
def model_data(request: Request) -> dict[str, Any]:
    """The whole system as JSON (field names as in the YAML format)."""
    return _ws(request).doc().system.model_dump(by_alias=True, exclude_none=True, mode="json")


@router.get("/model/yaml", summary="The current model as YAML", response_class=Response)
def model_yaml(request: Request) -> Response:
    """The YAML the model would be saved as (comments and order of the loaded file kept)."""
    from upheaval.model import dump_yaml

    return Response(dump_yaml(_ws(request).doc().system), media_type="text/plain; charset=utf-8")


@router.get("/scenarios", summary="Consistent scenarios")
def scenarios(request: Request, tolerance: TolQuery = 0, fix: FixQuery = []) -> dict[str, Any]:  # noqa: B006
    """Every scenario whose inconsistency is at most ``tolerance``, with ``fix`` variants fixed (intervention)."""
    ws = _ws(request)
    doc = ws.doc()
    result = ws.scenarios(tolerance, fix_from_pairs(fix), doc)
    from upheaval.analysis import scenario_labels

    reference = ws.scenarios(tolerance, None, doc) if fix else result  # cached, within the search budget
    labels = scenario_labels(doc.system, reference.cim, tolerance, reference)
    out = scenario_set_json(result, doc.system, labels)
    out["tolerance"] = tolerance
    out["fix"] = fix
    out["version"] = doc.version
    return out


@router.post("/succession", summary="Run a succession")
def run_succession(request: Request, body: SuccessionRequest) -> dict[str, Any]:
    """From a start scenario, re-choose variants by impact balance until a consistent scenario or a cycle."""
    ws = _ws(request)
    cim = ws.matrix()
    z = cim.scenario_indices(body.start)
    res = cib.succession(cim, z, mode=body.mode)
    from upheaval.analysis import scenario_labels

    doc = ws.doc()
    try:  # the scenarios' labels, as the command line gives them, when the search is within its budget
        consistent = ws.scenarios(0, None, doc)
        labels = scenario_labels(doc.system, consistent.cim, 0, consistent)
    except UpheavalError:
        labels = None
    return succession_json(res, cim, body.mode, labels)


@router.get("/claims", summary="Check the claims")
def claims(request: Request) -> dict[str, Any]:
    """Every claim of the model, checked against the current judgements."""
    ws = _ws(request)
    doc = ws.doc()
    results = ws.claims(doc)
    return {
        "model": doc.system.id,
        "version": doc.version,
        "claims": jsonable(results),
        "passed": sum(r.passed for r in results),
    }


@router.get("/network", summary="The actor network (Cytoscape.js elements)")
def network(
    request: Request,
    scenario: Annotated[
        str | None, Query(max_length=4000, description="Variant ids in descriptor order, comma-separated")
    ] = None,
) -> dict[str, Any]:
    """Actors, ties (classed by polarity and status), declared camps, camps by structural balance and derived flows; under a scenario if given."""
    system = _ws(request).doc().system
    choice = parse_scenario(system, scenario) if scenario else None
    return cytoscape_elements(system, choice)


FIGURES = ("matrix", "tableau", "impact", "landscape", "network")


@router.get("/figures/{kind}", summary="A figure as SVG", response_class=Response)
def figure(
    request: Request,
    kind: Literal["matrix", "tableau", "impact", "landscape", "network"],
    scenario: Annotated[str | None, Query(max_length=4000)] = None,
    tolerance: TolQuery = 0,
    fix: FixQuery = [],  # noqa: B006
) -> Response:
    """Render one of the report's figures as SVG (the impact diagram and network take a scenario)."""
    from upheaval.web._figures import render_figure

    ws = _ws(request)
    doc = ws.doc()
    fixed = fix_from_pairs(fix)
    svg = render_figure(ws, doc, kind, scenario, tolerance, fixed)
    return Response(svg, media_type="image/svg+xml")


@router.get("/tracking", summary="Track the model through the event database")
def tracking(request: Request) -> dict[str, Any]:
    """Per period: every consistent scenario's probability and the evidence behind it; the hard-filter reading."""
    from upheaval.web._tracking import tracking_data

    return tracking_data(_ws(request), request.app.state.events)


@router.get("/tracking/figure/{kind}", summary="A tracking figure as SVG", response_class=Response)
def tracking_figure(request: Request, kind: Literal["probabilities", "signposts"]) -> Response:
    """The probability of each future over time with the evidence marked, or the signpost matrix."""
    from upheaval.web._tracking import tracking_figure_svg

    return Response(tracking_figure_svg(_ws(request), request.app.state.events, kind), media_type="image/svg+xml")


def _if_match(request: Request, stated: str | None) -> str | None:
    """The section version an edit is based on: the body's ``version``, else the ``If-Match`` header."""
    header = request.headers.get("if-match", "").strip().strip('"')
    return stated or (header if header and header != "*" else None)


@router.get("/section", summary="A judgement section with its version")
def get_section(
    request: Request,
    source: Annotated[str, Query(max_length=80)],
    target: Annotated[str, Query(max_length=80)],
) -> JSONResponse:
    """The judgement section(s) from ``source`` to ``target`` and their version (also the ``ETag``), to send back
    with an edit: an edit based on a version another client has changed since is refused with 409."""
    from upheaval.web._state import section_version

    system = _ws(request).doc().system
    sections = [
        s.model_dump(by_alias=True, exclude_none=True, mode="json") for s in system.impact_sections(source, target)
    ]
    version = section_version(system, source, target)
    body = {"source": source, "target": target, "version": version, "sections": sections}
    return JSONResponse(body, headers={"ETag": f'"{version}"'})


@router.post("/edit/impact", summary="Set one judgement (a matrix cell)")
def edit_impact(request: Request, body: ImpactEdit) -> JSONResponse:
    """Set the impact of one variant on another (within the model's scale, -3..+3 by default); scenarios and
    claims follow at once. With ``version`` (or ``If-Match``), refused with 409 if the section changed since."""
    ws = _ws(request)
    doc = ws.set_impact(
        body.source, body.source_variant, body.target, body.target_variant, body.value, _if_match(request, body.version)
    )
    return _changed(ws, doc)


@router.post("/edit/section", summary="Set a judgement section's rationale and citations")
def edit_section(request: Request, body: SectionEdit) -> JSONResponse:
    """Set why descriptor ``source`` acts on ``target`` as it does, and where the source says so. With
    ``version`` (or ``If-Match``), refused with 409 if the section changed since."""
    ws = _ws(request)
    cites = [c.model_dump() for c in body.cites]
    doc = ws.set_section(body.source, body.target, body.rationale, cites, _if_match(request, body.version))
    return _changed(ws, doc)


@router.post("/edit/descriptor", summary="Add a descriptor")
def add_descriptor(request: Request, body: DescriptorAdd) -> JSONResponse:
    """Add a descriptor with two or more variants; judge its impacts next."""
    ws = _ws(request)
    doc = ws.add_descriptor(body.model_dump())
    return _changed(ws, doc)


@router.post("/edit/variant", summary="Add a variant")
def add_variant(request: Request, body: VariantAdd) -> JSONResponse:
    """Add a variant to an existing descriptor."""
    ws = _ws(request)
    doc = ws.add_variant(body.descriptor, body.variant.model_dump())
    return _changed(ws, doc)


@router.post("/undo", summary="Undo your last edit")
def undo(request: Request) -> JSONResponse:
    """Undo this client's last edit (each browser has its own); 409 if another client edited since."""
    ws = _ws(request)
    return _changed(ws, ws.undo())


@router.post("/save", summary="Save the model")
def save(request: Request, body: SaveRequest) -> JSONResponse:
    """Save atomically, keeping comments and order; 409 if the file changed on disk since it was loaded."""
    ws = _ws(request)
    ws.save(body.as_name or None)
    return _changed(ws, ws.doc())


@router.post("/reload", summary="Reload the model from its file")
async def reload(request: Request) -> JSONResponse:
    """Read the model's file again; unsaved edits are dropped (and stay undoable)."""
    ws = _ws(request)
    return _changed(ws, await reload_bounded(ws))
