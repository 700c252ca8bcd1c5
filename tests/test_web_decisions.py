"""The decision pages and their API: levers (a click applies one), picks, shocks, disagreement and the Delphi form;
and, in a real headless Chromium, clicking a lever in the lever map."""

from __future__ import annotations

import re
import shutil
import threading
import time
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from upheaval import analysis, cib, load  # noqa: E402
from upheaval.web import create_app  # noqa: E402

DATA = Path(__file__).parent / "data"
STRAIT = DATA / "decisions" / "strait.yaml"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    shutil.copy(STRAIT, tmp_path / "strait.yaml")
    (tmp_path / "bo.yaml").write_text(
        STRAIT.read_text().replace(
            "cut: {held: -2, stalled: 0, collapse: 2}", "cut: {held: -2, stalled: 2, collapse: 0}"
        )
    )
    return TestClient(create_app(root=tmp_path, trusted_hosts=("testserver",)))


def _open(client: TestClient, name: str) -> None:
    assert client.post("/ui/open", data={"name": name}).status_code in (200, 303)


def test_levers_page_links_every_lever_to_its_intervention(client: TestClient) -> None:
    _open(client, "strait.yaml")
    page = client.get("/levers")
    assert page.status_code == 200
    res = analysis.levers(load(STRAIT))
    hrefs = set(re.findall(r'xlink:href="([^"]+)"', page.text))  # the lever map's links, inline SVG
    for lv in res.levers:
        ((i, v),) = lv.changes
        href = f"/scenarios?fix={res.cim.descriptor_ids[i]}.{res.cim.variant_ids[i][v]}"
        assert f'href="{href}"' in page.text  # the table's link
        assert href in hrefs  # and the map's
    assert 'target="_blank"' not in page.text
    applied = client.get("/scenarios?fix=relations.calm")
    assert applied.status_code == 200 and "relations.calm" in applied.text


def test_levers_to_a_future_and_a_wrong_one(client: TestClient) -> None:
    _open(client, "strait.yaml")
    assert "What it takes to reach" in client.get("/levers?to=settlement").text
    wrong = client.get("/levers?to=nowhere")
    assert wrong.status_code == 200 and "neither a future" in wrong.text
    assert client.get("/levers?radius=3").status_code == 422  # bounded: singles and pairs only


def test_levers_api_is_the_command_lines_json(client: TestClient) -> None:
    _open(client, "strait.yaml")
    got = client.get("/api/levers?to=settlement&radius=2").json()
    want = analysis.levers(load(STRAIT), to="settlement", radius=2).to_json()
    got.pop("seconds"), want.pop("seconds")
    assert got == want


def test_pick_and_shocks_pages(client: TestClient) -> None:
    _open(client, "strait.yaml")
    page = client.get("/pick?k=2")
    assert page.status_code == 200 and "<svg" in page.text
    res = analysis.pick(load(STRAIT), 2)
    for p in res.picks:
        assert res.label(p) in page.text
    assert client.get("/pick?k=9").status_code == 422
    shocks = client.get("/shocks?name=mediator-leaves")
    assert shocks.status_code == 200 and "2 of 3 consistent scenarios survive" in shocks.text
    assert client.get("/api/shocks/collision").json()["shock"]["fix"] == {"relations": ["crisis"]}
    assert client.get("/api/shocks/storm").status_code == 422
    _open(client, "dprk-ukraine-2024")
    assert client.get("/shocks").status_code == 200


def test_disagreement_and_the_delphi_form(client: TestClient) -> None:
    _open(client, "strait.yaml")
    _open(client, "bo.yaml")
    keys = ["file:strait.yaml", "file:bo.yaml"]
    page = client.get("/disagreement", params={"m": keys})
    assert page.status_code == 200 and "trade.cut → talks.stalled" in page.text
    data = client.get("/api/disagreement", params={"m": keys}).json()
    assert data["experts"] == ["strait.yaml", "bo.yaml"] and data["cells"][0]["effect"] > 0
    # bo answers with the other expert's values on every cell of the form
    answers = {f"cell:{c['row']}|{c['column']}": str(c["values"]["strait.yaml"]) for c in data["cells"]}
    done = client.post("/ui/delphi", data={"expert": "file:bo.yaml", "m": keys, **answers}, follow_redirects=False)
    assert done.status_code == 303 and "edited=bo.yaml" in done.headers["location"]
    assert "applied to bo.yaml" in client.get(done.headers["location"]).text
    after = client.get("/api/disagreement", params={"m": keys}).json()
    assert after["cells"] == []
    bad = client.post("/ui/delphi", data={"expert": "file:bo.yaml", "cell:trade.cut|talks.held": "nine"})
    assert bad.status_code == 422
    assert client.get("/api/disagreement", params={"m": keys[:1]}).status_code == 422


def test_the_experts_page_compares_the_open_models_alike_by_default(client: TestClient) -> None:
    _open(client, "dprk-ukraine-2024")  # another structure, open beside the two experts
    _open(client, "strait.yaml")
    _open(client, "bo.yaml")
    page = client.get("/disagreement")
    assert page.status_code == 200 and "differ in structure" not in page.text
    assert "trade.cut → talks.stalled" in page.text
    _open(client, "dprk-ukraine-2024")  # alone in its structure: nothing chosen, the page says what to do
    alone = client.get("/disagreement")
    assert "Choose two or more open models with the same descriptors" in alone.text


def test_clicking_a_lever_in_the_map_applies_it(tmp_path: Path, chromium: Path) -> None:
    """In headless Chromium: the lever map's labels are links; a click opens the scenarios with that lever fixed."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    shutil.copy(STRAIT, tmp_path / "strait.yaml")
    app = create_app(["strait.yaml"], root=tmp_path)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        assert time.time() < deadline, "the workbench did not start"
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--headless"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{port}/levers")
            page.screenshot(path=str(tmp_path / "levers.png"), full_page=True)
            link = page.locator('.decision-figure svg a[*|href="/scenarios?fix=relations.calm"]').first
            link.click()
            page.wait_for_url("**/scenarios?fix=relations.calm")
            assert "relations.calm" in page.inner_text("main")
            found = cib.find_consistent(cib.compile_system(app.state.workspace.doc().system), fix={"relations": "calm"})
            assert int(page.inner_text("#count")) == len(found)
            browser.close()
    finally:
        srv.should_exit = True
        thread.join(10)
