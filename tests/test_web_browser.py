"""The workbench as a person uses it: a real headless Chromium, driven by Playwright, against a live server.

Needs Debian's chromium at /usr/bin/chromium, which ``bash scripts/test`` installs when run as root
(``apt-get install -y chromium``); without it these tests are skipped, saying why (the ``chromium``
fixture of conftest.py). Screenshots go to /tmp/upheaval-*.png.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from upheaval import load
from upheaval.web import create_app
from upheaval.web._state import Workspace

# Every edit re-checks the built-in model's claims (a few seconds on a loaded machine): the
# assertions wait as long as the page's own default timeout.
expect.set_options(timeout=20_000)

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A live workbench on a free loopback port, its working folder empty."""
    import uvicorn

    root = tmp_path_factory.mktemp("work")
    app = create_app(root=root)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started:
        if time.time() > deadline:
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.05)
    import urllib.request

    with contextlib.suppress(OSError):  # warm the engine up; a failure shows again, with its message, in the tests
        urllib.request.urlopen(f"http://127.0.0.1:{port}/scenarios", timeout=120).read()
    yield f"http://127.0.0.1:{port}", root
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()


def _wait_images(page, timeout: float = 30) -> None:
    """Wait until every figure on the page has loaded (figures are drawn on demand)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate("[...document.querySelectorAll('img.figure')].every(i => i.complete && i.naturalWidth > 0)"):
            return
        time.sleep(0.2)
    raise AssertionError("a figure did not load")


def _row_texts(page, descriptor: str) -> list[str]:
    return page.locator(f'tr[data-descriptor="{descriptor}"] button.var').all_inner_texts()


def test_open_builtin_and_intervene(page, server) -> None:
    base, _ = server
    page.goto(f"{base}/open")
    page.click('button[data-model="dprk-ukraine-2024"]')
    page.wait_for_url(f"{base}/system")
    page.wait_for_selector("#cy[data-loaded]")
    page.click("#cy")  # a click on the canvas must not break anything
    page.screenshot(path=str(SHOTS / "upheaval-system.png"), full_page=False)
    assert page.locator("#actors tbody tr").count() == len(load().actors)

    page.goto(f"{base}/scenarios")
    before = _row_texts(page, "china_west")
    assert "Competition" in before, before
    n_before = int(page.inner_text("#count"))
    page.screenshot(path=str(SHOTS / "upheaval-scenarios.png"))

    page.locator('tr[data-descriptor="front"] button[data-variant="destabilises"]').first.click()
    page.wait_for_selector('a.chip.fixed:has-text("front.destabilises")')
    after = _row_texts(page, "china_west")
    # With the front given way, whether China is held complicit depends on the rest: both occur.
    assert {"Competition", "Confrontation"} <= set(after), after
    assert all(t == "Front destabilises" for t in _row_texts(page, "front"))
    assert int(page.inner_text("#count")) >= 1  # an intervention: the set may be larger than without it
    assert "fix=front.destabilises" in page.url  # the intervention is in the address: shareable, reloadable
    page.screenshot(path=str(SHOTS / "upheaval-intervention.png"))

    page.reload()
    assert set(_row_texts(page, "china_west")) == set(after)
    page.click("a.chip.fixed")  # release
    expect(page.locator("a.chip.fixed")).to_have_count(0)
    assert int(page.inner_text("#count")) == n_before

    page.click('a.scn[data-scenario]:has-text("S1")')
    page.wait_for_selector("ol.story li")
    assert page.locator("ol.story .cite").count() > 0  # storyline steps carry citations
    if page.locator("#cy").count():
        page.wait_for_selector("#cy[data-loaded]")
    _wait_images(page)  # the impact diagram
    page.screenshot(path=str(SHOTS / "upheaval-scenario.png"), full_page=True)
    assert not page.errors and not page.dialogs


def _claim_flipping_cell() -> tuple[str, str, str, str, int, str]:
    """A matrix cell of the built-in model whose reversal changes a claim's verdict."""
    ws = Workspace(Path("."))
    ws.open("dprk-ukraine-2024")
    base = {r.id: r.passed for r in ws.claims()}
    for sec in ws.doc().system.impacts:
        for a, row in sec.values.items():
            for b, v in row.items():
                new = -3 if v > 0 else 3
                ws.set_impact(sec.source, a, sec.target, b, new)
                res = {r.id: r.passed for r in ws.claims()}
                ws.undo()
                flipped = [k for k in res if res[k] != base[k]]
                if flipped:
                    return sec.source, a, sec.target, b, new, flipped[0]
    raise AssertionError("no single judgement changes a claim of the built-in model")


def test_edit_judgement_claim_changes_save_and_reload(page, server) -> None:
    base, root = server
    src, sv, tgt, tv, value, claim = _claim_flipping_cell()
    page.goto(f"{base}/open")
    page.click('button[data-model="dprk-ukraine-2024"]')
    page.wait_for_url(f"{base}/system")
    # the built-in model is read-only: keep a copy in the working folder
    page.fill('input[name="as_name"]', "mine.yaml")
    page.click("#save-as")
    page.wait_for_selector("#saved")
    assert (root / "mine.yaml").exists()
    assert (root / "mine.yaml").read_text().startswith("# Built-in model")

    page.goto(f"{base}/matrix")
    summary = page.inner_text("#claims-summary")
    page.click(f'button[data-cell="{src}.{sv}:{tgt}.{tv}"]')
    page.wait_for_selector("#edit-impact")
    assert page.locator("#cell-panel .rationale").count() >= 1
    page.screenshot(path=str(SHOTS / "upheaval-matrix-cell.png"))
    page.select_option("#impact-value", str(value))
    page.click("#set-impact")
    expect(page.locator("#claims-summary")).not_to_have_text(summary)  # the claims follow the edit
    assert page.locator("#dirty").is_visible()
    cell = page.locator(f'button[data-cell="{src}.{sv}:{tgt}.{tv}"]')
    expect(cell).to_have_text(f"{value:+d}")  # the grid follows the edit
    page.screenshot(path=str(SHOTS / "upheaval-matrix-edited.png"))

    page.goto(f"{base}/claims")
    assert page.get_attribute(f'tr[data-claim="{claim}"]', "data-passed") == "false"
    page.screenshot(path=str(SHOTS / "upheaval-claims.png"), full_page=True)

    page.click("#save")
    page.wait_for_selector("#saved")
    saved = load(root / "mine.yaml")
    assert saved.impact_sections(src, tgt)[0].values[sv][tv] == value
    assert (root / "mine.yaml").read_text().startswith("# Built-in model")  # comments kept

    # someone else edits the file: saving must not overwrite it
    page.goto(f"{base}/matrix")
    page.click(f'button[data-cell="{src}.{sv}:{tgt}.{tv}"]')
    page.select_option("#impact-value", "0")
    page.click("#set-impact")
    page.wait_for_selector("#dirty")
    theirs = (root / "mine.yaml").read_text().replace("title: North Korea", "title: Edited elsewhere, North Korea", 1)
    (root / "mine.yaml").write_text(theirs)
    page.click("#save")
    page.wait_for_selector("#conflict")
    page.screenshot(path=str(SHOTS / "upheaval-conflict.png"))
    assert (root / "mine.yaml").read_text() == theirs
    page.click("#keep-both")
    page.wait_for_selector("#saved")
    assert (root / "mine.yaml").read_text() == theirs
    assert load(root / "mine.edited.yaml").impact_sections(src, tgt)[0].values[sv].get(tv, 0) == 0

    # reload from disk: the other person's version comes back, and the browser shows it
    page.goto(f"{base}/open")
    page.click('button[data-file="mine.yaml"]')
    page.wait_for_url(f"{base}/system")
    assert "Edited elsewhere" in page.inner_text("h1")
    page.goto(f"{base}/claims")
    assert page.get_attribute(f'tr[data-claim="{claim}"]', "data-passed") == "false"  # the saved judgement
    # undo: an edit made by mistake goes away with one click
    page.goto(f"{base}/matrix")
    cell = page.locator(f'button[data-cell="{src}.{sv}:{tgt}.{tv}"]')
    cell.click()
    page.select_option("#impact-value", "1")
    page.click("#set-impact")
    expect(cell).to_have_text("+1")
    page.click("#undo")
    expect(cell).to_have_text(f"{value:+d}")
    assert not page.errors and not page.dialogs


def test_hostile_model_runs_no_script(page, server) -> None:
    from test_web import HOSTILE_YAML

    base, root = server
    (root / "hostile.yaml").write_text(HOSTILE_YAML)
    page.goto(f"{base}/open")
    page.click('button[data-file="hostile.yaml"]')
    page.wait_for_url(f"{base}/system")
    page.wait_for_selector("#cy[data-loaded]")
    page.click("#cy")
    urls = ["/system", "/matrix", "/scenarios", "/claims", "/scenario/lo,lo"]
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, url
        assert page.evaluate("[...document.scripts].every(s => s.src)"), url  # no inline script got in
    page.goto(f"{base}/matrix")
    page.click('button[data-cell="x.lo:y.hi"]')
    page.wait_for_selector("#cell-panel .rationale")
    assert "<script>alert(1)</script>" in page.inner_text("#cell-panel .rationale")  # shown as text
    page.screenshot(path=str(SHOTS / "upheaval-hostile.png"))
    page.goto(f"{base}/system")
    page.wait_for_selector("#cy[data-loaded]")
    assert "<script>alert(1)</script>" in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "upheaval-hostile-system.png"))
    assert page.dialogs == [], page.dialogs
    assert not page.errors


def test_forms_add_descriptor_and_edit_rationale(page, server) -> None:
    """The page forms send nested JSON to the API (variants, citations) and the grid follows."""
    base, root = server
    shutil.copy(Path(__file__).parent / "data" / "tiny.yaml", root / "tiny.yaml")
    page.goto(f"{base}/open")
    page.click('button[data-file="tiny.yaml"]')
    page.wait_for_url(f"{base}/system")
    page.goto(f"{base}/matrix")
    form = page.locator("#add-descriptor")
    form.locator('input[name="id"]').fill("z")
    form.locator('input[name="label"]').fill("Factor <b>Z</b>")
    form.locator('input[name="variants.0.id"]').fill("a")
    form.locator('input[name="variants.0.label"]').fill("A")
    form.locator('input[name="variants.1.id"]').fill("b")
    form.locator('input[name="variants.1.label"]').fill("B")
    form.locator('button[type="submit"]').click()
    expect(page.locator('button[data-cell="x.lo:z.a"]')).to_have_count(1)
    assert page.locator("th.dhead", has_text="z").count() == 1
    page.click('button[data-cell="z.a:x.hi"]')
    page.wait_for_selector("#edit-section")
    page.locator("#cell-panel details").evaluate("d => { d.open = true; }")
    page.fill('#edit-section textarea[name="rationale"]', "Z pushes X up.")
    page.select_option('#edit-section select[name="cites.0.source"]', "doc")
    page.fill('#edit-section input[name="cites.0.section"]', "Body")
    page.fill('#edit-section input[name="cites.0.paragraph:int"]', "7")
    page.click("#set-section")
    expect(page.locator("#cell-panel .rationale")).to_have_text("Z pushes X up.")
    expect(page.locator("#cell-panel ul.cites")).to_contain_text("doc §Body ¶7")
    page.select_option("#impact-value", "2")
    page.click("#set-impact")
    expect(page.locator('button[data-cell="z.a:x.hi"]')).to_have_text("+2")
    # a refused edit shows the server's reason and changes nothing
    form.locator('input[name="id"]').fill("z")
    form.locator('input[name="label"]').fill("again")
    form.locator('input[name="variants.0.id"]').fill("a")
    form.locator('input[name="variants.0.label"]').fill("A")
    form.locator('input[name="variants.1.id"]').fill("b")
    form.locator('input[name="variants.1.label"]').fill("B")
    form.locator('button[type="submit"]').click()
    expect(page.locator("#toast")).to_contain_text("already a descriptor")
    page.screenshot(path=str(SHOTS / "upheaval-forms.png"))

    # the file changes on disk; saving refuses, and "reload" brings the other version in
    path = root / "tiny.yaml"
    path.write_text(path.read_text().replace("title: Tiny test system", "title: Tiny, changed on disk"))
    page.click("#save")
    page.wait_for_selector("#conflict")
    assert "Tiny, changed on disk" in path.read_text()
    page.click("#reload")
    page.wait_for_selector("#saved")
    expect(page.locator("#dirty")).to_have_count(0)
    expect(page.locator("th.dhead", has_text="z")).to_have_count(0)  # our descriptor went with our edits
    page.click("#undo")  # ... and comes back with Undo
    expect(page.locator("th.dhead", has_text="z")).to_have_count(1)
    assert not page.errors


def test_two_tabs_editing_one_section_get_a_conflict(browser, page, server) -> None:
    """Two browsers edit the rationale of one judgement section: the second, based on what it read before
    the first saved, is refused (409) and the page says so; the first edit stays."""
    base, root = server
    shutil.copy(Path(__file__).parent / "data" / "tiny.yaml", root / "twotabs.yaml")
    page.goto(f"{base}/open")
    page.click('button[data-file="twotabs.yaml"]')
    page.wait_for_url(f"{base}/system")
    other_ctx = browser.new_context(viewport={"width": 1500, "height": 1000})  # its own client cookie
    other = other_ctx.new_page()
    try:
        for tab in (page, other):
            tab.goto(f"{base}/matrix")
            tab.click('button[data-cell="x.lo:y.hi"]')
            tab.wait_for_selector("#edit-section", state="attached")
            tab.locator("#cell-panel details").evaluate("d => { d.open = true; }")
        version = page.input_value('#edit-section input[name="version"]')
        assert version and version == other.input_value('#edit-section input[name="version"]')
        page.fill('#edit-section textarea[name="rationale"]', "First tab's reason.")
        page.click("#set-section")
        expect(page.locator("#cell-panel .rationale")).to_have_text("First tab's reason.")
        expect(page.locator('#edit-section input[name="version"]')).not_to_have_value(version)  # the panel's is new
        current = page.input_value('#edit-section input[name="version"]')
        other.fill('#edit-section textarea[name="rationale"]', "Second tab's reason.")
        other.click("#set-section")
        expect(other.locator("#toast")).to_contain_text("changed since you read it")
        other.screenshot(path=str(SHOTS / "upheaval-section-conflict.png"))
        other.select_option("#impact-value", "3")  # a cell of the same section (-2 in the file), from the stale panel
        other.click("#set-impact")
        expect(other.locator("#toast")).to_contain_text("changed since you read it")
        page.reload()
        page.click('button[data-cell="x.lo:y.hi"]')
        expect(page.locator("#cell-panel .rationale")).to_have_text("First tab's reason.")  # not overwritten
        expect(page.locator('button[data-cell="x.lo:y.hi"]')).to_have_text("-2")
        # read again, the second tab's edit goes through
        other.click('button[data-cell="x.lo:y.hi"]')
        expect(other.locator('#edit-section input[name="version"]')).to_have_value(current)  # the panel read again
        other.locator("#cell-panel details").evaluate("d => { d.open = true; }")
        other.fill('#edit-section textarea[name="rationale"]', "Second tab's reason.")
        other.click("#set-section")
        expect(other.locator("#cell-panel .rationale")).to_have_text("Second tab's reason.")
        assert not page.errors
    finally:
        other_ctx.close()


def test_upload_errors_shown_with_line_numbers(page, server) -> None:
    base, _ = server
    bad = Path(__file__).parent / "data" / "tiny.yaml"
    text = bad.read_text().replace("lo: {lo: 2, hi: -2}", "lo: {lo: 9, hi: -2}")
    tmp = Path(shutil.os.environ.get("TMPDIR", "/tmp")) / "upheaval-bad-upload.yaml"
    tmp.write_text(text)
    page.goto(f"{base}/open")
    page.set_input_files('input[type="file"]', str(tmp))
    page.click("#upload")
    page.wait_for_selector("#upload-problems")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "lo: 9" in t)
    assert f"line {line}" in page.inner_text("#upload-problems")
    page.screenshot(path=str(SHOTS / "upheaval-upload-error.png"))


# ---- the part editors: actors, ties, sources, claims, indicators -----------------------------------

BRIEF = """# A brief on the border dispute

## Summary

Country A has put a 25 percent tariff on goods crossing the border.

If the talks collapse, relations will slide into a crisis.

## Analysis

Talks give both sides a channel to settle incidents.

Without talks, each incident at the crossing escalates.

Tariffs hurt Country B's exporters, who press their government to retaliate.
"""


def _open_new_model(page, server, name: str) -> Path:
    """A model written by `upheaval init` (with its source's text beside it), opened on the system page."""
    from typer.testing import CliRunner

    from upheaval.cli import app

    base, root = server
    path = root / name
    assert CliRunner().invoke(app, ["init", str(path)]).exit_code == 0
    (root / "brief.md").write_text(BRIEF)
    page.goto(f"{base}/open")
    page.click(f'button[data-file="{name}"]')
    page.wait_for_url(f"{base}/system")
    page.wait_for_selector("#cy[data-loaded]")
    page.wait_for_selector("#coverage-ok")
    return path


def _edit(page, section: str, key: str) -> None:
    page.click(f'button[data-edit="{section}:{key}"]')
    page.wait_for_selector(f"#edit-{section}")


def _apply(page) -> None:
    page.click("#editor-save")
    page.wait_for_selector("#editor-done")


def test_edit_actor_save_reload_undo(page, server) -> None:
    path = _open_new_model(page, server, "actors.yaml")
    _edit(page, "actors", "AAA")
    page.fill('#edit-actors input[name="item.name"]', "Atlantis")
    page.fill('#edit-actors textarea[name="item.aliases:lines"]', "Republic of Atlantis\nthe Isle")
    _apply(page)
    expect(page.locator('tr[data-actor="AAA"]')).to_contain_text("Atlantis")
    expect(page.locator('tr[data-actor="AAA"]')).to_contain_text("Republic of Atlantis, the Isle")
    # a new actor with no tie: the coverage panel says so at once
    page.click("#add-actors")
    page.wait_for_selector("#edit-actors")
    page.fill('#edit-actors input[name="item.code"]', "HTH")
    page.fill('#edit-actors input[name="item.name"]', "A militia")
    page.select_option('#edit-actors select[name="item.kind"]', "group")
    _apply(page)
    expect(page.locator('#coverage li[data-code="isolated-actor"]')).to_contain_text("HTH")
    expect(page.locator('#coverage li[data-code="own-code"]')).to_contain_text("HTH")
    _edit(page, "actors", "HTH")
    page.check('#edit-actors input[type="checkbox"][name="item.own_code:bool"]')
    _apply(page)
    expect(page.locator('#coverage li[data-code="own-code"]')).to_have_count(0)
    # a refused edit: a code the format does not allow
    _edit(page, "actors", "HTH")
    page.locator('#edit-actors input[name="item.code"]').evaluate("e => e.removeAttribute('pattern')")
    page.fill('#edit-actors input[name="item.code"]', "hth")
    page.click("#editor-save")
    expect(page.locator("#toast")).to_contain_text("code")
    page.screenshot(path=str(SHOTS / "upheaval-edit-actor.png"), full_page=True)
    page.click("#save")
    page.wait_for_selector("#saved")
    saved = load(path)
    assert saved.actor("AAA").name == "Atlantis" and saved.actor("AAA").aliases == ["Republic of Atlantis", "the Isle"]
    assert saved.actor("HTH").own_code and saved.actor("HTH").kind == "group"
    assert path.read_text().startswith("# A new upheaval model")  # comments kept
    page.reload()
    expect(page.locator('tr[data-actor="AAA"]')).to_contain_text("Atlantis")
    page.click("#undo")  # the last edit (own_code) goes back
    expect(page.locator('#coverage li[data-code="own-code"]')).to_contain_text("HTH")
    page.click("#undo")
    expect(page.locator('tr[data-actor="HTH"]')).to_have_count(0)
    page.click("#undo")
    expect(page.locator('tr[data-actor="AAA"]')).to_contain_text("Country A")
    assert not page.errors and not page.dialogs


def test_edit_tie_with_figure_and_citations_checked_against_the_text(page, server) -> None:
    path = _open_new_model(page, server, "ties.yaml")
    # the source points at its text: citations are now checked against brief.md
    _edit(page, "sources", "brief")
    page.fill('#edit-sources input[name="item.path"]', "brief.md")
    _apply(page)
    _edit(page, "ties", "a-pressures-b")
    page.fill('#edit-ties input[name="item.amount:num"]', "30")
    page.select_option('#edit-ties select[name="item.status"]', "draft")
    page.select_option('#edit-ties select[name="item.cites.1.source"]', "brief")
    page.fill('#edit-ties input[name="item.cites.1.section"]', "Analysis")
    page.fill('#edit-ties input[name="item.cites.1.paragraph:int"]', "9")
    page.click("#editor-save")
    expect(page.locator("#toast")).to_contain_text("has 3 paragraphs")  # refused: paragraph out of range
    page.fill('#edit-ties input[name="item.cites.1.paragraph:int"]', "3")
    page.fill('#edit-ties input[name="item.cites.1.quote"]', "press their government")
    _apply(page)
    row = page.locator('tr[data-tie="a-pressures-b"]')
    expect(row).to_contain_text("30")
    expect(row).to_contain_text("draft")
    expect(row).to_contain_text("brief §Analysis ¶3")
    expect(page.locator('#coverage li[data-code="draft-tie"]')).to_contain_text("a-pressures-b")
    # click the tie in the network: its details, citations and the cited paragraph
    page.wait_for_selector("#cy[data-loaded]")
    page.evaluate("() => { document.getElementById('cy').cy.edges()[0].emit('tap'); }")  # returns nothing to serialise
    detail = page.locator("#cy-detail")
    expect(detail).to_contain_text("30 percent tariff")
    expect(detail).to_contain_text("brief §Analysis ¶3 — “press their government”")
    expect(detail.locator("blockquote.passage").nth(1)).to_contain_text("Tariffs hurt Country B's exporters")
    page.evaluate("() => { document.getElementById('cy').cy.nodes('.actor')[0].emit('tap'); }")
    expect(detail).to_contain_text("ties, with their citations")
    page.screenshot(path=str(SHOTS / "upheaval-edit-tie.png"), full_page=True)
    page.click("#save")
    page.wait_for_selector("#saved")
    tie = load(path).ties[0]
    assert tie.amount == 30 and tie.status == "draft" and tie.cites[1].paragraph == 3
    page.reload()
    expect(page.locator('tr[data-tie="a-pressures-b"]')).to_contain_text("draft")
    page.click("#undo")
    expect(page.locator('tr[data-tie="a-pressures-b"]')).not_to_contain_text("draft")
    expect(page.locator('#coverage li[data-code="draft-tie"]')).to_have_count(0)
    assert not page.errors and not page.dialogs


def test_edit_claim_save_reload_undo(page, server) -> None:
    base, _ = server
    path = _open_new_model(page, server, "claims.yaml")
    expect(page.locator("#claims-summary")).to_have_text("claims 1/1 pass")
    _edit(page, "claims", "collapse-means-crisis")
    match = "talks=collapse, relations=crisis"
    assert page.input_value('#edit-claims input[name="item.check.match:cond"]') == match
    refuted = "talks=collapse, relations=calm"  # what the model refutes
    page.fill('#edit-claims input[name="item.check.match:cond"]', refuted)
    page.fill('#edit-claims textarea[name="item.text"]', "Once the talks collapse, relations can stay calm.")
    _apply(page)
    expect(page.locator("#claims-summary")).to_have_text("claims 0/1 pass")
    expect(page.locator('tr[data-claim="collapse-means-crisis"]')).to_contain_text("stay calm")
    # a condition naming a variant that does not exist is refused with the loader's message
    _edit(page, "claims", "collapse-means-crisis")
    page.fill('#edit-claims input[name="item.check.match:cond"]', "talks=collapse, relations=calmish")
    page.click("#editor-save")
    expect(page.locator("#toast")).to_contain_text("no variant `calmish`")
    page.click("#save")
    page.wait_for_selector("#saved")
    assert load(path).claims[0].check.match == {"talks": "collapse", "relations": "calm"}
    page.reload()
    expect(page.locator("#claims-summary")).to_have_text("claims 0/1 pass")
    page.click("#undo")
    expect(page.locator("#claims-summary")).to_have_text("claims 1/1 pass")
    page.goto(f"{base}/claims")
    assert page.get_attribute('tr[data-claim="collapse-means-crisis"]', "data-passed") == "true"
    assert not page.errors and not page.dialogs


def test_edit_indicator_save_reload_undo(page, server) -> None:
    path = _open_new_model(page, server, "indicators.yaml")
    _edit(page, "indicators", "tariff-threats")
    page.select_option('#edit-indicators select[name="item.signals"]', "relations.crisis")
    page.fill('#edit-indicators input[name="item.rule.threshold:num"]', "8")
    page.fill('#edit-indicators input[name="item.pattern.quad_class:ints"]', "3, 4")
    page.check('#edit-indicators input[type="checkbox"][name="item.pattern.both_directions:bool"]')
    _apply(page)
    row = page.locator('tr[data-indicator="tariff-threats"]')
    expect(row).to_contain_text("relations.crisis")
    expect(row).to_contain_text(">= 8")
    # pressure is now mentioned by no claim or indicator
    expect(page.locator('#coverage li[data-code="unchecked-descriptor"]')).to_contain_text("pressure")
    page.screenshot(path=str(SHOTS / "upheaval-edit-indicator.png"), full_page=True)
    page.click("#save")
    page.wait_for_selector("#saved")
    ind = load(path).indicators[0]
    assert ind.signals == "relations.crisis" and ind.rule.threshold == 8
    assert ind.pattern.quad_class == [3, 4] and ind.pattern.both_directions and ind.pattern.roots == ["13", "16"]
    page.reload()
    expect(page.locator('tr[data-indicator="tariff-threats"]')).to_contain_text("relations.crisis")
    page.click("#undo")
    expect(page.locator('tr[data-indicator="tariff-threats"]')).to_contain_text("pressure.high")
    # remove it, then bring it back
    _edit(page, "indicators", "tariff-threats")
    page.click("#editor-delete")
    expect(page.locator('tr[data-indicator="tariff-threats"]')).to_have_count(0)
    page.click("#undo")
    expect(page.locator('tr[data-indicator="tariff-threats"]')).to_have_count(1)
    assert not page.errors and not page.dialogs


def test_tableau_variant_labels_are_readable(page, server) -> None:
    """Dark text on the pale variant colours (the matrix's white-on-blue cell rules stay in the matrix)."""
    base, _ = server
    page.goto(f"{base}/open")
    page.click('button[data-model="dprk-ukraine-2024"]')
    page.goto(f"{base}/scenarios")
    colours = page.eval_on_selector_all(
        "button.var", "bs => bs.map(b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor])"
    )
    assert colours and all(c == "rgb(29, 39, 51)" for c, _ in colours), set(map(tuple, colours))
    assert len({bg for _, bg in colours}) >= 2  # variants are told apart by colour
    header = page.inner_text("#status .model")
    assert header.count("dprk-ukraine-2024") == 1, header
