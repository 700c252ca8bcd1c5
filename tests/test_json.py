"""One JSON per result: the command line's --json and the web API print the same objects."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import upheaval
from upheaval._json import dumps, jsonable
from upheaval.cli import app

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from upheaval.web import create_app  # noqa: E402

runner = CliRunner()
BUILTIN = Path(upheaval.__file__).parent / "systems" / "dprk-ukraine-2024.yaml"


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("json")
    shutil.copy(BUILTIN, root / "model.yaml")
    return root / "model.yaml"


@pytest.fixture(scope="module")
def web(model: Path) -> TestClient:
    return TestClient(create_app([model.name], root=model.parent, trusted_hosts=("testserver",)))


def cli(*args: str) -> dict:
    res = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output  # check exits 1 when a claim fails
    return json.loads(res.stdout)


def test_scenarios_are_the_same_object(model, web):
    ours, theirs = cli("scenarios", str(model)), web.get("/api/scenarios").json()
    assert ours["scenarios"] and ours["scenarios"] == theirs["scenarios"]
    assert ours["descriptors"] == theirs["descriptors"]


def test_claims_are_the_same_object(model, web):
    ours, theirs = cli("check", str(model)), web.get("/api/claims").json()
    assert ours["claims"] and ours["claims"] == theirs["claims"]


def test_camps_are_the_same_object(model, web):
    ours, theirs = cli("network", str(model)), web.get("/api/network").json()["partition"]
    assert set(theirs) <= set(ours) and {"camps", "frustration", "balance", "disagreements"} <= set(theirs)
    assert {k: ours[k] for k in theirs} == theirs
    assert sum(len(m) for m in theirs["camps"].values()) == len(upheaval.load(str(model)).actors)


def test_succession_is_the_same_object(model, web):
    system = upheaval.load(str(model))
    start = {d.id: d.variants[-1].id for d in system.descriptors}
    text = ",".join(f"{d}={v}" for d, v in start.items())
    ours = cli("succession", str(model), "--start", text)
    theirs = web.post("/api/succession", json={"start": start}).json()
    assert len(ours["path"]) > 1 and ours["path"][0] == start
    assert {k: v for k, v in ours.items() if k != "model"} == theirs


def test_the_encoder_takes_what_results_hold():
    class Result:
        def to_json(self):
            return {"share": np.float64(0.25), "rows": np.arange(3).reshape(1, 3)}

    assert jsonable([Result(), (np.int32(2), {"a"}), Path("x/y")]) == [
        {"share": 0.25, "rows": [[0, 1, 2]]},
        [2, ["a"]],
        "x/y",
    ]
    assert json.loads(dumps({"name": "Kyïv", "n": np.int64(1)})) == {"name": "Kyïv", "n": 1}
    assert "Kyïv" in dumps("Kyïv")  # characters kept, not escaped
    with pytest.raises(TypeError, match="cannot encode object"):
        jsonable(object())
