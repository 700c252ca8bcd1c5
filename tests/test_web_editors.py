"""The part editors' API: every edit validated as a model file is, refused edits change nothing, undo and save."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app as cli
from upheaval.web import create_app

BRIEF = "# Brief\n\n## Summary\n\nOne.\n\nTwo.\n\n## Analysis\n\nThree.\n\nFour.\n\nTariffs hurt exporters.\n"


@pytest.fixture
def client(tmp_path: Path) -> tuple[TestClient, Path]:
    path = tmp_path / "m.yaml"
    assert CliRunner().invoke(cli, ["init", str(path)]).exit_code == 0
    text = path.read_text().replace("    # path: brief.md ", "    path: brief.md   ")
    assert "    path: brief.md" in text
    path.write_text(text)
    (tmp_path / "brief.md").write_text(BRIEF)
    c = TestClient(create_app(["m.yaml"], root=tmp_path, trusted_hosts=("testserver",)))
    return c, path


def _edit(c: TestClient, **body):
    return c.post("/api/edit/part", json=body)


def test_add_change_remove_and_undo(client) -> None:
    c, path = client
    r = _edit(c, section="actors", item={"code": "CCC", "name": "Country C"})
    assert r.status_code == 200, r.text
    assert r.headers["HX-Trigger"] == "modelChanged"
    r = _edit(
        c,
        section="ties",
        item={
            "id": "c-aids-a",
            "from": "CCC",
            "to": "AAA",
            "kind": "aid",
            "amount": 5,
            "unit": "tonnes",
            "rate": "month",
            "cites": [{"source": "brief", "section": "Analysis", "paragraph": 3}],
        },
    )
    assert r.status_code == 200, r.text
    r = _edit(
        c, section="actors", key="CCC", item={"code": "CCC", "name": "Country C", "kind": "group", "own_code": True}
    )
    assert r.status_code == 200
    data = c.get("/api/model/data").json()
    ccc = next(a for a in data["actors"] if a["code"] == "CCC")
    assert ccc["kind"] == "group" and ccc["own_code"] is True
    # an actor a tie still uses cannot go: the tie would name an unknown actor
    r = _edit(c, section="actors", key="CCC", delete=True)
    assert r.status_code == 422 and "unknown actor `CCC`" in r.json()["detail"]
    assert _edit(c, section="ties", key="c-aids-a", delete=True).status_code == 200
    assert _edit(c, section="actors", key="CCC", delete=True).status_code == 200
    assert c.post("/api/undo").status_code == 200
    assert any(a["code"] == "CCC" for a in c.get("/api/model/data").json()["actors"])
    assert c.post("/api/save", json={}).status_code == 200
    saved = load(path)
    assert saved.actor("CCC").own_code and path.read_text().startswith("# A new upheaval model")


def test_citations_are_checked_against_the_source_text(client) -> None:
    c, _ = client
    tie = {
        "id": "a-pressures-b",
        "from": "AAA",
        "to": "BBB",
        "kind": "sanctions",
        "cites": [{"source": "brief", "section": "Analysis", "paragraph": 9}],
    }
    r = _edit(c, section="ties", key="a-pressures-b", item=tie)
    assert r.status_code == 422
    assert "ties[0].cites[0].paragraph" in r.json()["detail"] and "has 3 paragraphs" in r.json()["detail"]
    tie["cites"] = [{"source": "brief", "section": "Analysis", "paragraph": 3, "quote": "Tariffs help exporters"}]
    r = _edit(c, section="ties", key="a-pressures-b", item=tie)
    assert r.status_code == 422 and "quote is not in paragraph 3" in r.json()["detail"]
    # the judgement sections' editor checks the same way
    r = c.post(
        "/api/edit/section",
        json={
            "source": "talks",
            "target": "relations",
            "rationale": "x",
            "cites": [{"source": "brief", "section": "Summary", "paragraph": 7}],
        },
    )
    assert r.status_code == 422 and "has 2 paragraphs" in r.json()["detail"]
    assert c.get("/api/model").json()["undo_depth"] == 0  # refused edits changed nothing


def test_fields_sent_empty_are_removed(client) -> None:
    c, _ = client
    r = _edit(
        c,
        section="ties",
        key="a-pressures-b",
        item={"id": "a-pressures-b", "from": "AAA", "to": "BBB", "kind": "sanctions", "label": "", "since": ""},
    )
    assert r.status_code == 200, r.text
    tie = c.get("/api/model/data").json()["ties"][0]
    assert "since" not in tie and tie.get("label", "") == ""


def test_unknown_tie_kind_is_refused_with_a_hint(client) -> None:
    c, _ = client
    tie = {"id": "t2", "from": "BBB", "to": "AAA", "kind": "piracy"}
    r = _edit(c, section="ties", item=tie)
    assert (
        r.status_code == 422 and "unknown tie kind `piracy`" in r.json()["detail"] and "tie_kinds" in r.json()["detail"]
    )


def test_editor_forms_render_for_every_part(client) -> None:
    c, _ = client
    for section, key in [
        ("actors", "AAA"),
        ("ties", "a-pressures-b"),
        ("sources", "brief"),
        ("claims", "collapse-means-crisis"),
        ("indicators", "tariff-threats"),
    ]:
        r = c.get("/ui/editor", params={"section": section, "key": key})
        assert r.status_code == 200 and f'id="edit-{section}"' in r.text
        assert c.get("/ui/editor", params={"section": section}).status_code == 200
    assert c.get("/ui/editor", params={"section": "actors", "key": "ZZZ"}).status_code == 422
    assert c.get("/ui/editor", params={"section": "descriptors"}).status_code == 422
    panel = c.get("/ui/coverage").text
    assert 'id="coverage-ok"' in panel
