"""Tests of the report: a self-contained HTML file with every section, escaped text, working anchors, and a PDF."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from upheaval import analysis, cib, load
from upheaval.cli import app
from upheaval.report import (
    _notebook,  # noqa: F401 (attaches _repr_html_ to the core classes)
    scenario_set_html,
    system_html,
    write_pdf,
    write_report,
)

runner = CliRunner()
NESTED = "tests/data/scenariowizard/CIB_nested.scw"
SECTIONS = ("system", "judgements", "scenarios", "claims", "robustness", "levers")


class _Page(HTMLParser):
    """Collects ids, links, image sources and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("href", "src", "action", "srcset", "poster", "data"):
                self.refs.append((tag, name, value or ""))

    def handle_data(self, data):
        self.text.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _check_self_contained(text: str, page: _Page) -> None:
    for tag, name, value in page.refs:
        assert value.startswith(("#", "data:image/")), f"<{tag} {name}={value[:60]!r}> points outside the file"
    assert "<script" not in text and "<link" not in text
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), "the style sheet loads something"
    assert "@import" not in text


def _check_links_resolve(page: _Page) -> None:
    for _tag, name, value in page.refs:
        if name == "href":
            assert value[1:] in page.ids, f"link {value} has no target"


@pytest.fixture(scope="module")
def builtin_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    system = load(None)
    write_report(system, path, pdf=False, max_scenarios=2, robustness_samples=100)
    return system, path.read_text(encoding="utf-8")


def test_builtin_report_is_self_contained_html_with_every_section(builtin_report):
    system, text = builtin_report
    page = _parse(text)
    for section in SECTIONS:
        assert section in page.ids, section
    _check_self_contained(text, page)
    _check_links_resolve(page)
    assert "tracking" in page.ids  # the signposts of the model's indicators
    assert "picks" in page.ids  # more consistent scenarios than four: a diverse few to write up
    assert [f"shock-{s.id}" in page.ids for s in system.shocks] == [True] * len(system.shocks)
    # the network, the landscape, an impact diagram per scenario with a section, the picks' coverage, the lever
    # map and one figure per shock, drawn once as inline SVG; the matrix, the tableau, the claims and the
    # signposts are tables, each shown once
    assert page.tags.count("img") == 0 and page.tags.count("svg") == 2 + 2 + 2 + len(system.shocks)
    assert text.count('id="matrix"') == 1 and text.count('class="tableau"') == 3  # tableau, appendix, signposts
    body = "".join(page.text)
    assert "240,000,000 USD a year" in body and "≈ 6.7 days" in body
    assert "Storyline" in body and "Network difference" in body
    assert system.title in body
    # Robustness comes from upheaval.analysis: each scenario's share of sampled matrices.
    assert "consistent in" in body and "sampled matrices" in body


def test_builtin_report_reaches_every_judgement_and_scenario(builtin_report):
    system, text = builtin_report
    page = _parse(text)
    found = cib.find_consistent(cib.compile_system(system))
    picks = analysis.pick(system, 4).picks  # the picks' sections come first
    shown = [*picks, *(k for k in range(len(found)) if k not in picks)][:2]
    for k in range(len(found)):
        assert (f"scenario-{k + 1}" in page.ids) == (k in shown)
        assert (f"appendix-{k + 1}" in page.ids) == (k not in shown)  # the others in the appendix, said so
    assert f"the other {len(found) - 2} are listed in the appendix" in " ".join("".join(page.text).split())
    for k in range(len(found)):  # every consistent scenario is in the tableau, sections or not
        assert f"S{k + 1}" in "".join(page.text)
    judged = {(i.source, i.target) for i in system.impacts}
    for source, target in judged:
        anchor = f"j-{source}-{target}"
        assert anchor in page.ids
        assert ("a", "href", f"#{anchor}") in page.refs, f"no matrix cell links to {anchor}"
    for imp in system.impacts:
        if imp.rationale:
            assert imp.rationale.strip()[:40] in "".join(page.text).replace("\n", " ")
    for claim in system.claims:
        assert f"claim-{claim.id}" in page.ids


def test_nested_scw_report(tmp_path):
    path = tmp_path / "nested.html"
    # Its figures are drawn in test_figures; here the text, sections and links.
    system = load(NESTED)
    write_report(system, path, max_scenarios=2, figures=False)
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    first = [f"scenario-{k + 1}" for k in analysis.pick(system, 4).picks[:2]]  # the picks' storylines first
    for section in (*SECTIONS, *first):
        assert section in page.ids, section
    assert sum(i.startswith("scenario-") for i in page.ids) == 2
    assert "no actors" in "".join(page.text)
    assert "the other 18 are listed in the appendix" in " ".join("".join(page.text).split())
    _check_self_contained(text, page)
    _check_links_resolve(page)


HOSTILE = """\
id: hostile
title: "<script>alert('t')</script> & friends"
as_of: 2024-01
description: 'An <img src="https://example.org/x.png"> description'
sources:
  - {id: doc, title: "Doc <b>bold</b>", url: "https://example.org/doc", sections: [A]}
actors:
  - {code: AAA, name: "A <i>", bloc: one}
  - {code: BBB, name: B, bloc: two}
ties:
  - {id: t1, from: AAA, to: BBB, kind: hostility, label: "<a href='https://evil.example'>x</a>"}
descriptors:
  - id: x
    label: "X <em>"
    variants:
      - {id: lo, label: "Low <u>"}
      - {id: hi, label: High}
  - id: y
    label: Y
    variants:
      - {id: lo, label: Low}
      - {id: hi, label: High}
impacts:
  - from: x
    to: y
    values: {lo: {lo: 2, hi: -2}, hi: {lo: -2, hi: 2}}
    rationale: "Because <script>bad()</script> and 'quotes' & <iframe src=//evil.example>"
    cites: [{source: doc, section: A, paragraph: 1}]
  - from: y
    to: x
    values: {lo: {lo: 1}, hi: {hi: 1}}
claims:
  - id: C1
    text: "A claim with <b>markup</b>"
    check: {kind: exists, match: {x: lo}}
"""


def test_model_text_is_escaped(tmp_path):
    model = tmp_path / "hostile.yaml"
    model.write_text(HOSTILE, encoding="utf-8")
    path = write_report(load(model), tmp_path / "r.html", figures=False)
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    assert "script" not in page.tags and "iframe" not in page.tags and "u" not in page.tags
    assert "&lt;script&gt;" in text
    _check_self_contained(text, page)
    _check_links_resolve(page)
    # The source's address is shown as text, never as a link.
    assert "https://example.org/doc" in "".join(page.text)


def test_every_consistent_scenario_has_a_section_under_its_future(tmp_path):
    """By default every consistent scenario gets its storyline, grouped under its future; nothing is left out."""
    system = load()
    path = write_report(system, tmp_path / "r.html", figures=False, robustness_samples=20)
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    found = cib.find_consistent(cib.compile_system(system))
    for k, row in enumerate(found.indices):
        assert f"scenario-{k + 1}" in page.ids
        future = system.future_of(found.cim.scenario_names(row))
        if future is not None:
            assert f"future-{future.id}" in page.ids
            head = f'id="future-{future.id}"'
            assert f"S{k + 1}" in text[text.index(head) : text.index("</h3>", text.index(head))]
    assert "appendix" not in page.ids
    assert text.count("<h5>Storyline</h5>") == len(found)
    _check_links_resolve(page)


def test_report_sections_can_be_added(tmp_path, monkeypatch):
    """A view adds a numbered section (in the table of contents too) by registering it."""
    from upheaval.report import _html

    monkeypatch.setattr(_html, "REPORT_SECTIONS", list(_html.REPORT_SECTIONS))
    (tmp_path / "templates").mkdir()
    _html.add_report_section(
        _html.ReportSection("extra", "An extra section", "_claims.html", when=lambda c: c["claims"]), after="claims"
    )
    text = _html.render_report(load("tests/data/tiny.yaml"), figures=False, robustness_samples=0)
    ids = [s.id for s in _html.REPORT_SECTIONS]
    assert ids.index("extra") == ids.index("claims") + 1
    assert '<a href="#extra">An extra section</a>' in text and '<section id="extra">' in text
    assert re.search(r"<h2>(\d+)\. An extra section</h2>", text).group(1) == str(
        [s for s in ids if s not in ("tracking", "appendix")].index("extra") + 1
    )


def _pdf_objects(data: bytes) -> bytes:
    """A PDF's objects with their compressed streams inflated (where its metadata may sit)."""
    import zlib

    out = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[m.end() :]))
        except zlib.error:
            continue
    return b"\n".join(out)


def _needs_pdf() -> None:
    from upheaval.report._pdf import PDF_HELP, pdf_unavailable

    why = pdf_unavailable()
    if why:
        pytest.skip(f"{why}: {PDF_HELP} (`bash scripts/test` installs Pango when run as root)")


def test_pdf_is_the_html_report_laid_out(tmp_path):
    _needs_pdf()
    system = load("tests/data/tiny.yaml")
    html_path = write_report(system, tmp_path / "tiny.html", pdf=True, figures=False, robustness_samples=0)
    data = html_path.with_suffix(".pdf").read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert b"WeasyPrint" in _pdf_objects(data)  # laid out from the HTML by an HTML-to-PDF engine
    assert system.title.encode() in _pdf_objects(data)  # the page's title, as the PDF's
    path = write_pdf(system, tmp_path / "alone.pdf", figures=False, robustness_samples=0)
    assert path.read_bytes().startswith(b"%PDF")


def test_cli_report(tmp_path):
    _needs_pdf()
    out = tmp_path / "out.html"
    res = runner.invoke(app, ["report", "tests/data/tiny.yaml", "-o", str(out), "--pdf"])
    assert res.exit_code == 0, res.output
    page = _parse(out.read_text(encoding="utf-8"))
    assert set(SECTIONS) <= page.ids
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # atomic: no temporary left


def test_cli_pdf_without_weasyprint_says_what_to_install(tmp_path, monkeypatch):
    from upheaval.report import _pdf

    monkeypatch.setattr(_pdf, "pdf_unavailable", lambda: "WeasyPrint cannot load the Pango library (test)")
    out = tmp_path / "out.html"
    res = runner.invoke(app, ["report", "tests/data/tiny.yaml", "-o", str(out), "--pdf"])
    assert res.exit_code == 1
    assert "Pango" in res.stderr and "apt-get install libpango-1.0-0" in " ".join(res.stderr.split())
    assert not out.exists() and not out.with_suffix(".pdf").exists()  # nothing else written in its place


def test_cli_analyze_report_option(tmp_path):
    out = tmp_path / "a.html"
    res = runner.invoke(app, ["analyze", "tests/data/tiny.yaml", "--report", str(out)])
    assert res.exit_code == 0, res.output
    assert "judgements" in _parse(out.read_text(encoding="utf-8")).ids


def test_notebook_views():
    system = load("tests/data/tiny.yaml")
    html = system._repr_html_()
    assert "<table" in html and "data:image/png;base64," in html
    assert "<table" in system_html(system, figure=False)
    found = cib.find_consistent(cib.compile_system(system))
    view = scenario_set_html(found, system)
    page = _parse(view)
    assert "table" in page.tags and "Low" in "".join(page.text) and "S2" in "".join(page.text)
    assert "total impact score" in scenario_set_html(found)


def test_storyline_quotes_the_acting_row_and_names_the_future() -> None:
    from tests.test_model_load import _ROWS_AND_FUTURES

    from upheaval.model import parse_yaml
    from upheaval.report import render_report, storyline

    system = parse_yaml(_ROWS_AND_FUTURES)
    story = storyline(system, {"front": "destabilises", "cw": "conf"})
    step = next(s for s in story.steps if s.descriptor == "cw")
    assert step.promoted_by[0].rationale == "The collapse row's reason."
    assert step.promoted_by[0].cites == ["r §B ¶2"]
    assert story.name == "Rupture" and story.text().startswith("Rupture. Confrontation.")
    story = storyline(system, {"front": "holds", "cw": "comp"})
    step = next(s for s in story.steps if s.descriptor == "cw")
    assert step.promoted_by[0].rationale == "The section's reason." and story.name == "Calm"
    page = render_report(system, figures=False, robustness_samples=0)
    assert "The collapse row&#39;s reason." in page and "· Calm" in page
    reading = page[page.index('<section id="reading">') :]
    reading = reading[: reading.index("</section>")]
    assert "2 are read from the text" in reading and "0 inferred" in reading
    assert "r §A" not in reading and "A ¶1" in reading and "B ¶2" in reading  # paragraphs by section


def test_report_with_events_shows_probabilities_over_time(tmp_path):
    from typer.testing import CliRunner

    from upheaval.cli import app
    from upheaval.events import demo_events_path, ingest

    db = tmp_path / "events.duckdb"
    ingest([demo_events_path()], db)
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "--events", str(db), "-o", str(out), "--max-scenarios", "1"])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    page = _parse(text)
    assert "tracking" in page.ids and "Probabilities over time" in text
    assert 'aria-label="Probability of each future"' in text and 'id="signpost-matrix"' in text
    assert "dprk_troops_deployed" in text and "gdelt2:" in text  # the evidence cites event ids


def test_report_page_fits_a_1280_pixel_window(tmp_path, chromium):
    """In headless Chromium at 1,280 px the page needs no sideways scrolling: only a table too wide for the
    column (the tableau of many scenarios) scrolls, inside its own box."""
    from playwright.sync_api import sync_playwright

    path = write_report(load(), tmp_path / "r.html", robustness_samples=20)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            outside = page.evaluate(
                """Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.wide')
                   && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"""
            )
            assert outside == 0
            widths = page.evaluate("Array.from(document.querySelectorAll('svg.impact')).map(e => e.clientWidth)")
            assert widths and all(0 < w <= 1180 for w in widths)  # the diagrams scale with the page
        finally:
            browser.close()


def test_decision_figures_are_written_as_svg_without_matplotlib(builtin_report, tmp_path):
    """The lever map, the picks' map and each shock's flow are SVG text the report writes itself: well-formed,
    saying what the matplotlib figures say (the levers, the picks' labels, each shock's survivors), and writing
    the report loads no matplotlib (its import alone cost the report more than `analyze` takes)."""
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    from upheaval.report._svg import lever_svg, pick_svg, shock_svg

    system, text = builtin_report
    res = analysis.levers(system, held_only=any(h.actors for h in analysis.lever_holders(system).values()))
    shares, note = res.basin_shares()
    p = analysis.pick(system, 4)
    shocks = [analysis.shock(system, s.id) for s in system.shocks]
    drawn = [lever_svg(res, shares, basin_note=note), pick_svg(p), *(shock_svg(r) for r in shocks)]
    for k, svg in enumerate(drawn):
        ET.fromstring(svg)  # well-formed
        # the report shows them (a shock's X-labels number the scenarios outside the set as the page asks for them)
        assert svg in text if k < 2 else svg[: svg.index("<title>")] in text
    words = [" ".join(ET.fromstring(svg).itertext()) for svg in drawn]
    assert all(res.change_text(lv) in words[0] for lv in res.levers[:3])
    assert all(p.label(k) in words[1] or p.label(k)[:20] in words[1] for k in p.picks)
    for r, w in zip(shocks, words[2:], strict=True):
        assert f"{len(r.survivors)} of {len(r.baseline)} futures survive" in w
    script = (
        "import sys; from upheaval import load; from upheaval.report import write_report; "
        f"write_report(load(None), {str(tmp_path / 'r.html')!r}, robustness_samples=5); "
        "assert 'matplotlib' not in sys.modules, 'the report imported matplotlib'"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
