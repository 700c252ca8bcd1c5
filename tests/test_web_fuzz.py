"""Fuzz the workbench's JSON API against its own OpenAPI schema: no input may cause a server error."""

from __future__ import annotations

import re
import shutil
import tempfile
import warnings
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from upheaval.web import create_app

warnings.filterwarnings("ignore", category=DeprecationWarning)


def make_app(*args, **kwargs):
    """The workbench as the in-process client reaches it (Host: testserver)."""
    return create_app(*args, trusted_hosts=("testserver",), **kwargs)


_ROOT = Path(tempfile.mkdtemp(prefix="upheaval-fuzz-"))
shutil.copy(Path(__file__).parent / "data" / "tiny.yaml", _ROOT / "tiny.yaml")
app = make_app(["tiny.yaml"], root=_ROOT)
TestClient(app).get("/api/scenarios", params={"tolerance": 1})  # compile the engine before the clock runs
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_fails_with_a_server_error(case) -> None:
    case.call_and_validate(checks=[not_a_server_error], timeout=60)


def test_fuzzing_wrote_nothing_outside_the_root() -> None:
    assert all(p.resolve().is_relative_to(_ROOT.resolve()) for p in _ROOT.rglob("*"))


# Hostile bodies the generated cases rarely reach: a number past float range (1e999 parses as
# infinity), lone surrogates, wrong types and deep nesting, on every JSON POST operation.
HOSTILE_BODIES = [
    b'{"value": 1e999}',
    b'{"x": "\\ud800"}',
    b'{"name": "\\ud800"}',
    b'{"start": {"x": -1e999}}',
    b'{"\\udfff": 1}',
    b'{"value": NaN}',
    b'{"value": "3", "source": 1, "start": []}',
    b"[" * 3000 + b"]" * 3000,
    b"\xff\xfe",
    b"[1]",
    b'"text"',
    b"null",
]
POST_OPERATIONS = [
    op
    for path, methods in schema.items()
    for method, op in methods.items()
    if method.upper() == "POST" and "upload" not in path
]


def test_every_json_post_is_covered() -> None:
    paths = {op.path for op in POST_OPERATIONS}
    assert {"/api/models/open", "/api/succession", "/api/edit/impact", "/api/edit/section"} <= paths


def test_hostile_json_bodies_get_a_422_naming_the_field() -> None:
    client = TestClient(app)
    for op in POST_OPERATIONS:
        for body in HOSTILE_BODIES:
            r = client.post(op.path, content=body, headers={"content-type": "application/json"})
            assert r.status_code < 500, (op.path, body, r.text)
            if body not in (b'{"value": "3", "source": 1, "start": []}',) and op.path not in (
                "/api/undo",
                "/api/reload",
            ):
                assert r.status_code == 422, (op.path, body, r.status_code, r.text)
                assert r.json()["detail"][0]["loc"][0] == "body"
    r = client.post("/api/edit/impact", content=b'{"value": 1e999}', headers={"content-type": "application/json"})
    assert r.json()["detail"][0]["loc"] == ["body", "value"]
    r = client.post(
        "/api/edit/section", content=b'{"rationale": "\\ud800"}', headers={"content-type": "application/json"}
    )
    assert r.json()["detail"][0]["loc"] == ["body", "rationale"]


def test_schemathesis_cases_with_lone_surrogates() -> None:
    for op in POST_OPERATIONS:
        for body in ({"x": "\ud800"}, {"name": "a\udfffb", "value": "\ud800"}, {"\ud800": ["\udc00"]}):
            case = op.Case(body=body, media_type="application/json")
            case.call_and_validate(checks=[not_a_server_error], timeout=60)


def _every_route() -> list[tuple[str, str]]:
    """(method, path) of every route of the app, pages included, path parameters filled in."""
    out = []

    def routes(items):
        for route in items:
            inner = getattr(route, "original_router", None)  # an included router
            yield from routes(inner.routes) if inner is not None else [route]

    for route in routes(app.routes):
        for method in sorted(getattr(route, "methods", None) or []):
            if method in ("HEAD", "OPTIONS"):
                continue
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            out.append((method, path))
    return out


def test_body_limits_hold_on_every_route_with_or_without_a_length() -> None:
    """An oversized body gets 413 on every route, stated (Content-Length) or chunked; never a 5xx."""
    from upheaval.web._bounded import MAX_BODY

    client = TestClient(app)
    routes = _every_route()
    assert len(routes) >= 40
    for method, path in routes:
        limit = 2_000_000 + 64_000 if path.endswith("/upload") else MAX_BODY
        stated = client.request(method, path, content=b"x" * (limit + 1), headers={"content-type": "application/json"})
        assert stated.status_code == 413, (method, path, stated.status_code)

        def chunks(total: int = limit + 70_000):
            for _ in range(total // 65_536 + 1):
                yield b"0" * 65_536

        chunked = client.request(method, path, content=chunks(), headers={"content-type": "application/json"})
        # read past the limit: 413; a route that never reads a JSON body answers as without one
        assert chunked.status_code < 500, (method, path, chunked.status_code)
        if path.startswith("/api/edit") or path in ("/api/succession", "/api/models/open"):
            assert chunked.status_code == 413, (method, path, chunked.status_code, chunked.text[:200])
