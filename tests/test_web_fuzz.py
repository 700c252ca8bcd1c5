"""Fuzz the workbench's JSON API against its own OpenAPI schema: no input may cause a server error."""

from __future__ import annotations

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
