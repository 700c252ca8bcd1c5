"""The web workbench through its HTTP interface: pages, API, edits, saving, safety."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from upheaval import load  # noqa: E402
from upheaval.web import create_app  # noqa: E402
from upheaval.web._paths import PathNotAllowed, resolve_inside  # noqa: E402

DATA = Path(__file__).parent / "data"


def make_app(*args, **kwargs):
    """The workbench as the test client reaches it (Host: testserver)."""
    return create_app(*args, trusted_hosts=("testserver",), **kwargs)


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

HOSTILE_YAML = f"""\
# a model whose every text field tries to inject markup
id: hostile
title: 'Title {SCRIPT}'
as_of: 2024-11
description: 'Description {IMG}'
sources:
  - id: doc
    title: 'Source {SCRIPT}'
    author: 'Author {IMG}'
    sections: ['Sec {SCRIPT}', 'Sec {IMG}']
actors:
  - code: AAA
    name: 'Alpha {SCRIPT}'
    bloc: 'bloc {IMG}'
  - code: BBB
    name: 'Beta {IMG}'
ties:
  - id: t1
    from: AAA
    to: BBB
    kind: aid
    label: 'Tie {SCRIPT}'
    cites:
      - source: doc
        section: 'Sec {SCRIPT}'
        paragraph: 1
descriptors:
  - id: x
    label: 'X {SCRIPT}'
    description: 'about X {IMG}'
    variants:
      - {{id: lo, label: 'Low {IMG}'}}
      - {{id: hi, label: 'High {SCRIPT}'}}
  - id: y
    label: 'Y {IMG}'
    variants:
      - {{id: lo, label: 'Low {SCRIPT}'}}
      - {{id: hi, label: 'High {IMG}'}}
impacts:
  - from: x
    to: y
    values:
      lo: {{lo: 2, hi: -2}}
      hi: {{lo: -1, hi: 1}}
    rationale: 'Because {SCRIPT} and {IMG}'
    cites:
      - source: doc
        section: 'Sec {SCRIPT}'
        paragraph: 2
        quote: 'quote {IMG}'
  - from: y
    to: x
    values:
      lo: {{lo: 1}}
      hi: {{hi: 1}}
claims:
  - id: C1
    text: 'Claim {SCRIPT} {IMG}'
    check: {{kind: implies, where: {{x: lo}}, then: {{y: lo}}}}
    cites:
      - source: doc
        section: 'Sec {IMG}'
        paragraph: 3
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A working folder holding a copy of the tiny model."""
    shutil.copy(DATA / "tiny.yaml", tmp_path / "tiny.yaml")
    return tmp_path


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(make_app(["tiny.yaml"], root=root))


def edit(client: TestClient, value: int, sv: str = "lo", tv: str = "lo"):
    return client.post(
        "/api/edit/impact",
        json={"source": "x", "source_variant": sv, "target": "y", "target_variant": tv, "value": value},
    )


# ---- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/system", "/matrix", "/scenarios", "/claims", "/open", "/scenario/lo,lo", "/tracking", "/api/docs"]
)
def test_pages_render(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert "Tiny test system" in r.text or "tiny" in r.text
    assert "Content-Security-Policy" in r.headers
    assert "cdn" not in r.text.lower() and "https://" not in r.text


def test_builtin_model_pages(tmp_path: Path) -> None:
    c = TestClient(make_app(root=tmp_path))
    for url in ["/system", "/matrix", "/scenarios", "/claims", "/api/network"]:
        assert c.get(url).status_code == 200
    j = c.get("/api/scenarios").json()
    assert j["model"] == "dprk-ukraine-2024" and j["scenarios"]


def test_root_redirects_and_static_assets(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).status_code == 303
    for asset in ["/static/vendor/htmx.min.js", "/static/vendor/cytoscape.min.js", "/static/app.js", "/static/app.css"]:
        assert client.get(asset).status_code == 200


def test_matrix_cell_shows_rationale_and_citations(client: TestClient) -> None:
    r = client.get("/matrix/cell", params={"source": "x", "sv": "lo", "target": "y", "tv": "hi"})
    assert r.status_code == 200
    assert "X drags Y along." in r.text and "doc §Body ¶2" in r.text
    assert 'value="-2" selected' in r.text


def test_tableau_fix_toggles(client: TestClient) -> None:
    r = client.get("/scenarios/tableau", params={"fix": "x.hi"})
    assert r.status_code == 200
    assert 'id="count">1<' in r.text
    # labelled as every view labels it: S2 of the unfixed set, not S1 of the shown one
    assert ">S2</a>" in r.text and ">S1</a>" not in r.text
    assert client.get("/scenarios/tableau", params={"fix": "x.nope"}).status_code == 422
    assert client.get("/scenarios/tableau", params={"fix": "garbage"}).status_code == 422


# ---- API and edits ------------------------------------------------------------------------------


def test_api_scenarios_and_fixed(client: TestClient) -> None:
    j = client.get("/api/scenarios").json()
    assert [s["variants"] for s in j["scenarios"]] == [["lo", "lo"], ["hi", "hi"]]
    j = client.get("/api/scenarios", params={"fix": "x.hi"}).json()
    assert [s["variants"] for s in j["scenarios"]] == [["hi", "hi"]]
    assert client.get("/api/scenarios", params={"tolerance": -1}).status_code == 422


def test_edit_changes_claims_then_undo(client: TestClient) -> None:
    before = {c["id"]: c["passed"] for c in client.get("/api/claims").json()["claims"]}
    assert before == {"C1": True, "C2": True}
    r = edit(client, -3)
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "modelChanged"
    assert r.json()["dirty"] and r.json()["undo_depth"] == 1
    after = {c["id"]: c["passed"] for c in client.get("/api/claims").json()["claims"]}
    assert after["C1"] is False
    assert 'data-passed="false"' in client.get("/claims/table").text
    assert client.post("/api/undo").status_code == 200
    assert {c["id"]: c["passed"] for c in client.get("/api/claims").json()["claims"]} == before
    assert client.post("/api/undo").status_code == 422  # nothing left to undo


def test_edit_validation(client: TestClient) -> None:
    assert edit(client, 4).status_code == 422
    r = client.post(
        "/api/edit/impact",
        json={"source": "x", "source_variant": "zz", "target": "y", "target_variant": "lo", "value": 1},
    )
    assert r.status_code == 422 and "no variant" in r.json()["detail"]
    r = client.post(
        "/api/edit/impact",
        json={"source": "x", "source_variant": "lo", "target": "x", "target_variant": "hi", "value": 1},
    )
    assert r.status_code == 422


def test_section_descriptor_and_variant_edits(client: TestClient) -> None:
    r = client.post(
        "/api/edit/section",
        json={
            "source": "y",
            "target": "x",
            "rationale": "Y pulls X.",
            "cites": [{"source": "doc", "section": "Intro", "paragraph": 4}],
        },
    )
    assert r.status_code == 200
    cell = client.get("/matrix/cell", params={"source": "y", "sv": "lo", "target": "x", "tv": "lo"}).text
    assert "Y pulls X." in cell and "doc §Intro ¶4" in cell
    bad = client.post(
        "/api/edit/section",
        json={"source": "y", "target": "x", "cites": [{"source": "nope", "section": "s", "paragraph": 1}]},
    )
    assert bad.status_code == 422
    bad = client.post(
        "/api/edit/section",
        json={"source": "y", "target": "x", "cites": [{"source": "doc", "section": "Epilogue", "paragraph": 1}]},
    )
    assert bad.status_code == 422 and "Intro, Body" in bad.json()["detail"]
    r = client.post(
        "/api/edit/descriptor",
        json={"id": "z", "label": "Factor Z", "variants": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
    )
    assert r.status_code == 200 and r.json()["descriptors"] == 3
    assert (
        client.post("/api/edit/variant", json={"descriptor": "z", "variant": {"id": "c", "label": "C"}}).status_code
        == 200
    )
    j = client.get("/api/scenarios").json()
    assert len(j["scenarios"]) == 6  # z is free: three variants times the two scenarios
    assert (
        client.post("/api/edit/variant", json={"descriptor": "z", "variant": {"id": "c", "label": "C"}}).status_code
        == 422
    )
    assert "Factor Z" in client.get("/matrix").text


def test_succession_and_network(client: TestClient) -> None:
    r = client.post("/api/succession", json={"start": {"x": "lo", "y": "hi"}})
    assert r.status_code == 200 and r.json()["end"] in ("consistent", "cycle")
    assert client.post("/api/succession", json={"start": {"x": "lo"}}).status_code == 422
    net = client.get("/api/network").json()
    assert {n["data"]["id"] for n in net["nodes"]} >= {"AAA", "BBB"}
    assert client.get("/api/network", params={"scenario": "lo"}).status_code == 422


def test_figure_svg(client: TestClient) -> None:
    r = client.get("/api/figures/matrix")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/api/figures/impact").status_code == 422
    assert client.get("/api/figures/impact", params={"scenario": "lo,lo"}).status_code == 200


# ---- saving ---------------------------------------------------------------------------------------


def test_save_keeps_comments_and_reload(client: TestClient, root: Path) -> None:
    assert edit(client, 3).status_code == 200
    r = client.post("/api/save", json={})
    assert r.status_code == 200 and not r.json()["dirty"]
    text = (root / "tiny.yaml").read_text()
    assert text.startswith("# A two-descriptor system used by the tests.")
    assert "# five of them" in text
    assert load(root / "tiny.yaml").impacts[0].values["lo"]["lo"] == 3
    assert not [p for p in root.iterdir() if p.name.startswith(".tiny.yaml.")]  # no temp file left


def test_save_conflict_offers_reload_or_keep_both(client: TestClient, root: Path) -> None:
    edit(client, 3)
    path = root / "tiny.yaml"
    theirs = path.read_text().replace("Tiny test system", "Tiny test system, edited elsewhere")
    path.write_text(theirs)
    os.utime(path, (1, 1))
    r = client.post("/api/save", json={})
    assert r.status_code == 409 and r.json()["conflict"]["suggestion"] == "tiny.edited.yaml"
    assert path.read_text() == theirs  # never overwritten
    page = client.post("/ui/save")
    assert 'id="conflict"' in page.text and 'id="reload"' in page.text and "tiny.edited.yaml" in page.text
    assert client.get("/api/model").json()["changed_on_disk"] is True
    r = client.post("/api/save", json={"as_name": "tiny.edited.yaml"})
    assert r.status_code == 200
    assert path.read_text() == theirs
    assert load(root / "tiny.edited.yaml").impacts[0].values["lo"]["lo"] == 3
    # reload: back to what is on disk
    client.post("/api/models/open", json={"name": "tiny.yaml"})
    r = client.post("/api/reload")
    assert r.status_code == 200 and client.get("/api/model").json()["title"] == "Tiny test system, edited elsewhere"


def test_builtin_model_saves_only_as_new_file(tmp_path: Path) -> None:
    c = TestClient(make_app(root=tmp_path))
    assert c.post("/api/save", json={}).status_code == 403
    r = c.post("/api/save", json={"as_name": "mine.yaml"})
    assert r.status_code == 200 and (tmp_path / "mine.yaml").exists()
    assert c.post("/api/save", json={"as_name": "mine.yaml"}).status_code == 403  # never replaces a file
    assert load(tmp_path / "mine.yaml").id == "dprk-ukraine-2024"
    assert (tmp_path / "mine.yaml").read_text().startswith("# Built-in model")


# ---- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../outside.yaml", "/etc/passwd.yaml", "sub/../../outside.yaml", "a\x00.yaml", "~/x.yaml", "notes.txt"]
)
def test_paths_outside_root_refused(root: Path, name: str) -> None:
    with pytest.raises(PathNotAllowed):
        resolve_inside(root, name)


def test_api_refuses_paths_outside_root(client: TestClient, root: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(DATA / "tiny.yaml", outside / "secret.yaml")
    (root / "link.yaml").symlink_to(outside / "secret.yaml")
    (root / "linkdir").symlink_to(outside)
    for name in ["../secret.yaml", str(outside / "secret.yaml"), "link.yaml", "linkdir/secret.yaml"]:
        r = client.post("/api/models/open", json={"name": name})
        assert r.status_code == 403, (name, r.text)
        assert client.post("/api/save", json={"as_name": name}).status_code == 403
    assert not (outside / "tiny.yaml").exists()
    listed = client.get("/api/models").json()["files"]
    assert listed == ["tiny.yaml"]


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_text(HOSTILE_YAML)
    (tmp_path / f"{IMG}.yaml").write_text("id: [")  # a hostile file name, listed on the open page
    c = TestClient(make_app(["hostile.yaml"], root=tmp_path))
    pages = ["/system", "/matrix", "/scenarios", "/claims", "/scenario/lo,lo", "/open"]
    pages.append("/matrix/cell?source=x&sv=lo&target=y&tv=hi")
    for url in pages:
        html = c.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in c.get("/system").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in c.get("/matrix/cell?source=x&sv=lo&target=y&tv=hi").text
    for kind in ("matrix", "tableau", "network"):  # figures are SVG: their text must be escaped too
        svg = c.get(f"/api/figures/{kind}").text
        assert "<script>" not in svg and "<img" not in svg, kind
    # JSON stays JSON
    assert c.get("/api/network").headers["content-type"].startswith("application/json")


def test_upload_validates_with_line_numbers(client: TestClient) -> None:
    bad = (DATA / "tiny.yaml").read_text().replace("lo: {lo: 2, hi: -2}", "lo: {lo: 7, hi: -2}")
    r = client.post("/ui/upload", files={"file": ("bad.yaml", bad, "application/x-yaml")})
    assert r.status_code == 422
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if "lo: 7" in text)
    assert f"line {line}" in r.text and "impacts run from -3 to +3" in r.text
    r = client.post("/api/models/upload", files={"file": ("bad.yaml", bad, "application/x-yaml")})
    assert r.status_code == 422 and r.json()["problems"][0]["line"] == line
    good = (DATA / "tiny.yaml").read_text()
    r = client.post("/ui/upload", files={"file": ("good.yaml", good, "application/x-yaml")}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/model").json()["origin"] == "upload good.yaml"
    r = client.post("/api/models/upload", files={"file": ("x.yaml", b"\xff\xfe", "application/x-yaml")})
    assert r.status_code == 422


def test_upload_size_limit(root: Path) -> None:
    c = TestClient(make_app(root=root, max_upload=1000))
    r = c.post("/api/models/upload", files={"file": ("big.yaml", "#" * 200_000, "application/x-yaml")})
    assert r.status_code == 413
    r = c.post("/api/models/upload", files={"file": ("big.yaml", "#" * 5000, "application/x-yaml")})
    assert r.status_code == 413


def test_token_required_when_set(root: Path) -> None:
    c = TestClient(make_app(root=root, token="s3cret"))
    assert c.get("/system").status_code == 401
    assert c.get("/api/model").status_code == 401
    assert c.get("/static/app.js").status_code == 401
    assert c.get("/api/model", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/api/model", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    r = c.get("/system?token=s3cret")
    assert r.status_code == 200 and "upheaval_token" in r.headers["set-cookie"]
    assert c.get("/matrix").status_code == 200  # the cookie carries it from now on


def test_loopback_refuses_foreign_hosts_and_cross_site_posts(client: TestClient, root: Path) -> None:
    strict = create_app(root=root)  # no trusted extra host names
    assert TestClient(strict).get("/api/model").status_code == 403
    assert TestClient(strict, base_url="http://localhost:8000").get("/api/model").status_code == 200
    assert client.get("/api/model", headers={"host": "evil.example:8000"}).status_code == 403
    assert client.get("/api/model", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/api/model", headers={"host": "localhost:8000"}).status_code == 200
    r = client.post("/api/undo", headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/undo", headers={"origin": "null"})
    assert r.status_code == 403


def test_serve_help_and_bad_model() -> None:
    from typer.testing import CliRunner

    from upheaval.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--root" in r.output and "token" in r.output
    r = runner.invoke(app, ["serve", "/etc/passwd.yaml", "--root", str(DATA)])
    assert r.exit_code == 2


def test_serve_binds_elsewhere_only_with_a_token(tmp_path: Path) -> None:
    """``upheaval serve --host 0.0.0.0`` prints a token and refuses requests without it."""
    import re
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    shutil.copy(DATA / "tiny.yaml", tmp_path / "tiny.yaml")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "upheaval",
            "serve",
            "tiny.yaml",
            "--host",
            "0.0.0.0",
            "--port",
            str(port),
            "--root",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    try:
        line = proc.stdout.readline()
        token = re.search(r"\?token=([\w\-]+)", line).group(1)
        url = f"http://127.0.0.1:{port}/api/model"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                raise AssertionError("answered without a token")
            except urllib.error.HTTPError as exc:
                assert exc.code == 401
                break
            except urllib.error.URLError:
                assert time.time() < deadline, "server did not start"
                time.sleep(0.2)
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        import json

        assert json.load(urllib.request.urlopen(req, timeout=10))["id"] == "tiny"
    finally:
        proc.terminate()
        proc.wait(10)


def test_tracking_page_over_the_demo_events(tmp_path: Path) -> None:
    from upheaval.events import demo_events_path, ingest

    db = tmp_path / "events.duckdb"
    ingest([demo_events_path()], db, format="gdelt2")
    c = TestClient(make_app(root=tmp_path, events=db))
    j = c.get("/api/tracking").json()
    assert j["model"] == "dprk-ukraine-2024" and j["periods"]
    html = c.get("/tracking").text
    assert html.count("data-period=") == len(j["periods"])
    assert "/scenarios?t=0&amp;fix=" in html  # each period links to its scenarios
    for p in j["periods"]:
        assert abs(sum(x["probability"] for x in p["probabilities"]) - 1) < 1e-5 and "evidence" in p
    assert "dprk_troops_deployed ×4" in html  # the October evidence, with its likelihood ratio
    for kind in ("probabilities", "signposts"):
        r = c.get(f"/api/tracking/figure/{kind}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg") and b"<svg" in r.content
    assert c.get("/api/tracking/figure/nonsense").status_code == 422
    assert 'href="/tracking"' in c.get("/system").text
    plain = TestClient(make_app(root=tmp_path))
    assert plain.get("/api/tracking").status_code == 404
    assert "serve --events" in plain.get("/tracking").text
    assert 'href="/tracking"' not in plain.get("/system").text
