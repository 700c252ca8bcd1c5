"""The model's scale everywhere: matrix, Monte Carlo sampling, sensitivity bounds, web editor, .scw round trip.

CIB_global.scw (ScenarioWizard's own example) is judged on -6..+6 and has one -6 cell
(WECO.RpdGr on WTRD.Ntl).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from upheaval import analysis, cib, save_system
from upheaval.errors import EngineError
from upheaval.formats import read_scw, write_scw
from upheaval.web import create_app

GLOBAL = Path(__file__).parent / "data" / "scenariowizard" / "CIB_global.scw"  # same file as the shared oracle


def _global():
    system = read_scw(GLOBAL)
    return system, cib.compile_system(system)


def test_matrix_carries_the_scale():
    system, cim = _global()
    assert system.scale == 6 and cim.scale == 6
    r, c = cim.index_of("WECO", "RpdGr"), cim.index_of("WTRD", "Ntl")
    assert cim.values[cim.offsets[r[0]] + r[1], cim.offsets[c[0]] + c[1]] == -6
    assert cib.intervene(cim, {"WTRD": "FT"}).cim.scale == 6
    assert cim.with_values(cim.values).scale == 6


def test_sampling_keeps_cells_beyond_three():
    system, cim = _global()
    u = analysis.uncertainty_matrix(system, cim, default=1)
    rng = np.random.default_rng(0)
    samples = np.stack([analysis.sample_matrix(cim.values, u, rng, cim.scale) for _ in range(200)])
    judged = u > 0
    assert samples[:, judged].min() == -6  # -6 moved by -1 is clipped to -6, never to -3
    assert samples.min() >= -6 and samples.max() <= 6
    cell = samples[:, 9, 1]
    assert set(cell.tolist()) == {-6, -5}
    # the robustness of a scenario under a ±1 uncertainty uses the same clipping
    res = analysis.robustness(cim, u, 200, random_state=1)
    assert res.n_samples == 200 and (res.share >= 0).all()
    # a wider default than the scale is refused
    with pytest.raises(EngineError, match="scale"):
        analysis.uncertainty_matrix(system, cim, default=7)


def test_sensitivity_bounds_follow_the_scale():
    _, cim = _global()
    found = cib.find_consistent(cim)
    changes = [c for row in analysis.sensitivity(cim, found, max_change=12) for c in row]
    assert changes and all(-6 <= c.new <= 6 for c in changes)
    assert any(abs(c.new) > 3 for c in changes)  # a scale of 3 would have cut these
    three = cim.with_values(cim.values)
    object.__setattr__(three, "scale", 3)
    assert all(-3 <= c.new <= 3 for row in analysis.sensitivity(three, found, max_change=12) for c in row)


def test_scw_round_trip_keeps_the_scale(tmp_path: Path):
    system, cim = _global()
    write_scw(system, tmp_path / "again.scw")
    back = read_scw(tmp_path / "again.scw")
    assert back.scale == 6
    assert (cib.compile_system(back).values == cim.values).all()


def test_web_editor_offers_and_accepts_the_whole_scale(tmp_path: Path):
    system, _ = _global()
    save_system(system.model_copy(update={"as_of": "2018"}), tmp_path / "global.yaml")  # YAML needs a date
    client = TestClient(create_app(["global.yaml"], root=tmp_path, trusted_hosts=("testserver",)))
    page = client.get("/matrix/cell", params={"source": "WECO", "sv": "RpdGr", "target": "WTRD", "tv": "Ntl"}).text
    assert 'value="-6"' in page and 'value="6"' in page and 'value="-7"' not in page
    body = {"source": "WECO", "source_variant": "RpdGr", "target": "WTRD", "target_variant": "FT", "value": -5}
    assert client.post("/api/edit/impact", json=body).status_code == 200
    assert client.post("/api/edit/impact", json=body | {"value": -7}).status_code in (400, 409, 422)
