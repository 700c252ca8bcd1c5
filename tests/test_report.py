"""Tests of the report: a self-contained HTML file with every section, escaped text, working anchors, and a PDF."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from upheaval import analysis, cib, load_system
from upheaval.cli import app
from upheaval.report import (
    _notebook,  # noqa: F401 (attaches _repr_html_ to the core classes)
    scenario_set_html,
    system_html,
    write_pdf,
    write_report,
)
from upheaval.report._pdf import pdf_engine

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
    system = load_system(None)
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
    # network, matrix, tableau, landscape, claims, an impact diagram per scenario, the signpost matrix, the picks'
    # coverage, the lever map and one figure per shock
    assert page.tags.count("img") == 10 + len(system.shocks)
    assert [f"shock-{s.id}" in page.ids for s in system.shocks] == [True] * len(system.shocks)
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
    picks = analysis.pick(system, 4).picks  # the picks' storylines come first
    shown = [*picks, *(k for k in range(len(found)) if k not in picks)][:2]
    for k in range(len(found)):
        assert (f"scenario-{k + 1}" in page.ids) == (k in shown)
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
    system = load_system(NESTED)
    write_report(system, path, max_scenarios=2, figures=False)
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    first = [f"scenario-{k + 1}" for k in analysis.pick(system, 4).picks[:2]]  # the picks' storylines first
    for section in (*SECTIONS, *first):
        assert section in page.ids, section
    assert sum(i.startswith("scenario-") for i in page.ids) == 2
    assert "no actors" in "".join(page.text)
    assert "18 more consistent scenarios" in "".join(page.text)
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
    path = write_report(load_system(model), tmp_path / "r.html", figures=False)
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    assert "script" not in page.tags and "iframe" not in page.tags and "u" not in page.tags
    assert "&lt;script&gt;" in text
    _check_self_contained(text, page)
    _check_links_resolve(page)
    # The source's address is shown as text, never as a link.
    assert "https://example.org/doc" in "".join(page.text)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_pdf_with_matplotlib_pages(tmp_path):
    system = load_system("tests/data/tiny.yaml")
    path = write_pdf(system, tmp_path / "r.pdf", engine="matplotlib")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert _pages(data) >= 6  # text pages, network, matrix, judgements, tableau, landscape, scenarios, claims


def test_pdf_auto_engine_and_report_option(tmp_path):
    system = load_system("tests/data/tiny.yaml")
    html_path = write_report(system, tmp_path / "tiny.html", pdf=True, figures=False)
    data = html_path.with_suffix(".pdf").read_bytes()
    # WeasyPrint (when usable) compresses its page tree, so the pages are counted only on the matplotlib route.
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert pdf_engine("auto") in ("weasyprint", "matplotlib")
    with pytest.raises(Exception, match="unknown PDF engine"):
        pdf_engine("latex")


def test_cli_report(tmp_path):
    out = tmp_path / "out.html"
    res = runner.invoke(app, ["report", "tests/data/tiny.yaml", "-o", str(out), "--pdf", "--pdf-engine", "matplotlib"])
    assert res.exit_code == 0, res.output
    page = _parse(out.read_text(encoding="utf-8"))
    assert set(SECTIONS) <= page.ids
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # atomic: no temporary left


def test_cli_analyze_report_option(tmp_path):
    out = tmp_path / "a.html"
    res = runner.invoke(app, ["analyze", "tests/data/tiny.yaml", "--report", str(out)])
    assert res.exit_code == 0, res.output
    assert "judgements" in _parse(out.read_text(encoding="utf-8")).ids


def test_notebook_views():
    system = load_system("tests/data/tiny.yaml")
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
    assert 'alt="Probability of each future"' in text and 'alt="Signpost matrix"' in text
    assert "dprk_troops_deployed" in text and "gdelt2:" in text  # the evidence cites event ids
