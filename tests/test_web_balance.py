"""The balance view in the web workbench: the cell panel, the scenario page, and modelling warnings in the
coverage panel."""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from upheaval import cib, load  # noqa: E402
from upheaval.analysis import explain  # noqa: E402
from upheaval.web import create_app  # noqa: E402

DATA = Path(__file__).parent / "data"


def _client(models, root: Path) -> TestClient:
    return TestClient(create_app(models, root=root, trusted_hosts=("testserver",)))


@pytest.fixture
def builtin(tmp_path: Path) -> TestClient:
    return _client(None, tmp_path)


def _balances(html: str) -> list[int]:
    block = html.split('class="data balances"', 1)[1].split("</table>", 1)[0]
    return [int(x) for x in re.findall(r'<td class="num">([+-]?\d+)</td>', block)]


def test_cell_panel_shows_the_targets_balance_in_the_present_and_in_any_consistent_scenario(builtin) -> None:
    system = load()
    cim = cib.compile_system(system)
    params = {"source": "front", "sv": "holds", "target": "china_seen", "tv": "rival"}
    r = builtin.get("/matrix/cell", params=params)
    assert r.status_code == 200
    view = explain(system, system.present.scenario, cim)
    (seen,) = [d for d in view.descriptors if d.descriptor == "china_seen"]
    assert _balances(r.text) == list(seen.balances)
    assert 'value="present" selected' in r.text and "This cell's row acts" in r.text
    rows = cib.find_consistent(cim).indices
    for k, row in enumerate(rows, 1):
        page = builtin.get("/matrix/cell", params={**params, "scenario": f"S{k}"})
        assert f'value="S{k}" selected' in page.text
        (d,) = [d for d in explain(system, row, cim).descriptors if d.descriptor == "china_seen"]
        assert _balances(page.text) == list(d.balances)
        acts = cim.scenario_names(row)["front"] == "holds"
        assert ("This cell's row acts" in page.text) == acts
    # an unknown scenario falls back to the first choice rather than failing
    assert builtin.get("/matrix/cell", params={**params, "scenario": "S99"}).status_code == 200


def test_scenario_page_has_the_balance_view(builtin) -> None:
    system = load()
    code = ",".join(system.present.scenario[d.id] for d in system.descriptors)
    r = builtin.get(f"/scenario/{code}")
    assert r.status_code == 200 and 'id="balance-view"' in r.text
    assert r.text.count('class="balance"') == len(system.descriptors)
    assert "tie with" not in r.text  # the present stands on margins


def test_coverage_panel_lists_modelling_warnings(tmp_path: Path, builtin) -> None:
    assert 'id="coverage-ok"' in builtin.get("/ui/coverage").text
    shutil.copy(DATA / "rigged.yaml", tmp_path / "rigged.yaml")
    panel = _client(["rigged.yaml"], tmp_path).get("/ui/coverage").text
    assert 'data-code="restates-judgement"' in panel and "restates its judgement" in panel
