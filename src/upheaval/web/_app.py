"""The FastAPI application: security checks on every request, error handling, pages and API."""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from upheaval.errors import EngineError, EventDataError, ModelError, SearchBudgetExceeded
from upheaval.web._bounded import BodyLimit
from upheaval.web._paths import PathNotAllowed
from upheaval.web._state import CLIENT, Conflict, EditConflict, EditRefused, Workspace

__all__ = ["TOKEN_COOKIE", "create_app", "is_loopback"]

TOKEN_COOKIE = "upheaval_token"
CLIENT_COOKIE = "upheaval_client"  # which browser made an edit: undo is per client
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address) only accepts connections from this machine."""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def query_string(t: int, fix: list[str]) -> str:
    """The scenarios query (tolerance and fixed variants), URL-encoded."""
    return urlencode([("t", int(t)), *(("fix", f) for f in fix)])


def toggle_fix(fix: list[str], pair: str) -> list[str]:
    """``fix`` with ``pair`` (``D.V``) released if fixed, else fixed in place of D's other variants."""
    if pair in fix:
        return [f for f in fix if f != pair]
    d = pair.partition(".")[0]
    return [f for f in fix if f.partition(".")[0] != d] + [pair]


_AUTHORITY = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)(?::([0-9]{1,5}))?")


def parse_authority(value: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a Host header value (RFC 9110 §7.2: ``host[:port]``), host lower-cased.

    None for anything else: userinfo (``127.0.0.1:8799@evil.com``), a path, spaces, an
    empty value. ``[::1]:8000`` gives ``("[::1]", 8000)``; ``localhost`` gives ``("localhost", None)``.
    """
    m = _AUTHORITY.fullmatch(value)
    if m is None:
        return None
    return m.group(1).lower(), int(m.group(2)) if m.group(2) else None


def same_origin(origin: str, host: tuple[str, int | None], scheme: str) -> bool:
    """Whether an Origin header names the site the request reached (``host`` from the Host header).

    Ports left out are the scheme's default; the loopback names (``localhost``, ``127.0.0.1``,
    ``[::1]``) are one origin, since each reaches the same server on this machine.
    """
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.query or parts.fragment:
        return False
    theirs = parse_authority(parts.netloc)
    if theirs is None:
        return False
    default = {"http": 80, "https": 443}
    if (theirs[1] or default[parts.scheme]) != (host[1] or default.get(scheme, 80)):
        return False
    return theirs[0] == host[0] or (is_loopback(theirs[0]) and is_loopback(host[0]))


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("upheaval.web") / name))


def create_app(
    models: list[str] | None = None,
    *,
    root: str | Path = ".",
    token: str | None = None,
    max_upload: int = 2_000_000,
    events: str | Path | None = None,
    trusted_hosts: tuple[str, ...] = (),
) -> FastAPI:
    """Build the workbench app.

    Parameters
    ----------
    models : list of str, optional
        Models to open at start (built-in names or files inside ``root``); the first is
        shown. None opens the built-in default model.
    root : path, default "."
        The working folder: the only folder whose files can be listed, read and written.
    token : str, optional
        When set, every request must carry it (``?token=``, once, which sets a cookie; or
        the cookie; or ``Authorization: Bearer``). ``upheaval serve`` sets one whenever it
        binds to an address other than loopback.
    max_upload : int
        Largest accepted upload, in bytes.
    events : path, optional
        An event database (``upheaval events ingest``); enables the tracking page.
    trusted_hosts : tuple of str
        Host names accepted besides the loopback ones when no token is set (Host headers
        naming anything else are refused, against DNS rebinding). Tests pass ``"testserver"``.
    """
    from upheaval.web import _api, _decisions, _editors, _pages

    workspace = Workspace(Path(root), max_upload=max_upload)
    for name in models or []:
        workspace.open(name)
    if models:
        workspace.open(models[0])

    app = FastAPI(
        title="upheaval workbench",
        version="0.1.0",
        description="The JSON API of the upheaval web workbench: models, scenarios, succession, claims, "
        "network, figures and edits. The workbench's own pages use it.",
        docs_url=None,  # FastAPI's Swagger page loads from a CDN; /api/docs is served from the package instead
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.workspace = workspace
    app.state.token = token
    app.state.events = Path(events) if events is not None else None
    app.state.templates = Jinja2Templates(directory=str(_package_dir("templates")))
    env = app.state.templates.env
    env.autoescape = True
    env.globals["qs"] = query_string
    env.globals["tracking_enabled"] = events is not None
    env.filters["toggle"] = toggle_fix
    app.mount("/static", StaticFiles(directory=str(_package_dir("static"))), name="static")

    # every body counted as it arrives, chunked or not, against its route's limit (inside the guard below)
    app.add_middleware(BodyLimit, max_upload=max_upload)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        authority = parse_authority(request.headers.get("host") or "")
        if authority is None:
            return PlainTextResponse("a Host header of the form host[:port] is required", status_code=400)
        host = authority[0]
        if token is None and not (is_loopback(host) or host in trusted_hosts):
            # bound to loopback without a token: refuse other Host names (DNS rebinding)
            return PlainTextResponse("this workbench answers only on localhost", status_code=403)
        origin = request.headers.get("origin")
        cross_site = origin is not None and not same_origin(origin, authority, request.url.scheme)
        if request.method not in ("GET", "HEAD", "OPTIONS") and cross_site:
            return PlainTextResponse("cross-site request refused", status_code=403)
        set_cookie = False
        if token is not None:
            given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("bearer "):
                given = auth[7:].strip()
            if not hmac.compare_digest(given.encode(), token.encode()):
                return PlainTextResponse(
                    "this workbench needs its access token: open the address `upheaval serve` printed "
                    "(it ends in ?token=...)",
                    status_code=401,
                )
            set_cookie = request.query_params.get("token") is not None
        client = request.cookies.get(CLIENT_COOKIE, "")
        new_client = not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", client)
        if new_client:
            client = secrets.token_urlsafe(16)
        CLIENT.set(client)
        response = await call_next(request)
        if new_client:
            response.set_cookie(CLIENT_COOKIE, client, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if set_cookie:
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    def _error(request: Request, status: int, message: str, extra: dict[str, Any] | None = None) -> Response:
        """JSON for the API and for htmx requests (the page shows it as a message); a page otherwise."""
        if request.url.path.startswith("/api/") or request.headers.get("hx-request"):
            return JSONResponse({"detail": message, **(extra or {})}, status_code=status)
        from upheaval.web._pages import render

        try:
            return render(request, "error.html", status_code=status, message=message, extra=extra or {}, status=status)
        except Exception:  # the model itself may be what fails; still answer plainly
            return PlainTextResponse(f"{status}: {message}", status_code=status)

    @app.exception_handler(ModelError)
    async def _model_error(request: Request, exc: ModelError) -> Response:
        problems = [
            {
                "code": p.code,
                "message": p.message,
                "field": p.field,
                "line": p.line,
                "column": p.column,
                "help": p.help,
                "source_line": p.source_line,
            }
            for p in exc.problems
        ]
        n = len(problems)
        return _error(
            request,
            422,
            f"{n} problem{'s' if n != 1 else ''} in {exc.path or 'the model'}",
            {"problems": problems, "path": exc.path},
        )

    @app.exception_handler(PathNotAllowed)
    async def _path(request: Request, exc: PathNotAllowed) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return _error(request, 409, str(exc), {"conflict": {"file": exc.path.name, "suggestion": exc.suggestion}})

    @app.exception_handler(EditConflict)
    async def _edit_conflict(request: Request, exc: EditConflict) -> Response:
        return _error(request, 409, str(exc), {"current": exc.current} if exc.current else None)

    @app.exception_handler(SearchBudgetExceeded)
    async def _budget(request: Request, exc: SearchBudgetExceeded) -> Response:
        return _error(request, 422, f"the search would take too long here: {exc}")

    @app.exception_handler(EngineError)
    async def _engine(request: Request, exc: EngineError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(EventDataError)
    async def _events(request: Request, exc: EventDataError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(EditRefused)
    async def _refused(request: Request, exc: EditRefused) -> Response:
        return _error(request, 422, str(exc))

    app.include_router(_api.router)
    app.include_router(_editors.api)
    app.include_router(_pages.router)
    app.include_router(_editors.pages)
    app.include_router(_decisions.router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    return app
