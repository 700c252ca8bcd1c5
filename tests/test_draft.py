"""Drafting a model from a commentary: the seed text, Markdown and HTML inputs, the CLI end to end."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from _seed import ABSENT, SEED
from upheaval.draft import draft, draft_yaml, read_document, sentences
from upheaval.model import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "draft"
TEXTS = [SEED, DATA / "bradford-2024-paraphrase.md", DATA / "red-sea-brief.html"]
DPRK = "DPRK Deploys Troops to Russia"
GEO = "Geopolitical Implications for NATO, South Korea, and China"

needs_seed = pytest.mark.skipif(not SEED.exists(), reason=ABSENT)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upheaval", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@needs_seed
def test_seed_sections_follow_the_citation_convention():
    doc = read_document(SEED)
    assert doc.title == "North Korea in the Ukraine War Presages an Era of Confrontation With China"
    assert doc.author == "Drew Thompson"
    assert "Rajaratnam" in doc.publisher
    # the built-in model's sections and paragraph counts (page-broken paragraphs joined)
    assert [(s.title, len(s.paragraphs)) for s in doc.sections] == [
        ("Synopsis", 1),
        ("Commentary", 2),
        (DPRK, 7),
        (GEO, 10),
        ("Conclusion", 4),
    ]
    assert doc.sections[2].paragraphs[1].text.endswith("reports of North Korean soldiers killed.")


@needs_seed
def test_seed_draft_has_actors_figures_and_dates_cited():
    d = draft(SEED, as_of="2024-11")
    codes = {e.code for e, _c, _f in d.actors}
    assert {"RUS", "PRK", "CHN", "IRN", "UKR", "NATO", "EU", "USA", "KOR", "JPN"} <= codes
    ties = {(t.source, t.target, t.kind): t for t in d.ties}
    troops = ties[("PRK", "RUS", "troops")]
    assert (troops.amount, troops.unit, troops.rate) == (10000, "soldiers", None)
    pay = ties[("RUS", "PRK", "payment")]
    assert (pay.amount, pay.unit, pay.rate) == (2000, "USD per soldier", "month")
    losses = next(t for t in d.ties if t.kind == "casualties")
    assert (losses.target, losses.amount, losses.unit, losses.rate) == ("RUS", 1500, "casualties", "day")
    # each figure cited to its section and paragraph, with the figure in the quote
    where = {(f.amount, c.section, c.paragraph) for f, c, _t in d.figures}
    assert {(10000, DPRK, 2), (1500, DPRK, 3), (2000, DPRK, 4)} <= where
    dates = {(dm.text, c.section, c.paragraph, v) for dm, c, v in d.dates}
    assert ("in June", DPRK, 1, "2024-06") in dates
    assert ("In October", DPRK, 2, "2024-10") in dates
    assert ("at the end of October", GEO, 9, "2024-10") in dates
    assert ("in February 2022", GEO, 8, "2022-02") in dates
    assert ties[("PRK", "RUS", "agreement")].since == "2024-06"  # "signed ... in June"


@needs_seed
def test_without_a_date_months_stay_unplaced_and_the_draft_says_so():
    d = draft(SEED)
    assert not d.as_of_given
    assert all(v is None for dm, _c, v in d.dates if dm.year is None)
    assert any(u.kind == "date" and u.what == "in June" for u in d.unplaced)
    text = draft_yaml(d)
    assert "the text gives no date" in text
    assert re.search(r"# when: in June", text)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_every_citation_is_verbatim_and_in_range(path):
    if not path.exists():
        pytest.skip(ABSENT)
    d = draft(path)
    doc = d.document
    paras = {(p.section, p.number): p.text for p in doc.paragraphs()}
    cites = [c for item in d.items() for c in item.cites]
    assert cites
    for c in cites:
        assert (c.section, c.paragraph) in paras, c
        assert c.quote and c.quote in paras[(c.section, c.paragraph)], c
        assert len(c.quote) <= 150
    system = parse_yaml(draft_yaml(d), "draft.yaml")
    assert all(not imp.values for imp in system.impacts)  # no judgement invented
    assert all(t.status == "draft" for t in system.ties)
    section_of = {s.title: len(s.paragraphs) for s in doc.sections}
    for t in system.ties:
        for c in t.cites:
            assert 1 <= c.paragraph <= section_of[c.section]


@needs_seed
def test_markdown_and_html_inputs_give_the_same_draft(tmp_path):
    base = draft(SEED)
    md = tmp_path / "seed.md"
    md.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    doc = read_document(SEED)
    body = [f"<h1>{html.escape(doc.title)}</h1>", f"<p>By {html.escape(doc.author)}</p>"]
    for s in doc.sections:
        body.append(f"<h2>{html.escape(s.title)}</h2>")
        body += [f"<p>{html.escape(p.text)}</p>" for p in s.paragraphs]
    page = tmp_path / "seed.html"
    page.write_text(
        "<html><head><title>x</title><script>var s = 'Russia pays Ukraine';</script></head><body><nav>Home</nav>"
        + "\n".join(body)
        + "</body></html>",
        encoding="utf-8",
    )
    for other in (draft(md), draft(page)):
        assert [(s.title, len(s.paragraphs)) for s in other.document.sections] == [
            (s.title, len(s.paragraphs)) for s in base.document.sections
        ]
        assert {(t.source, t.target, t.kind) for t in other.ties} == {(t.source, t.target, t.kind) for t in base.ties}
        assert other.document.author == "Drew Thompson"


def test_conditionals_give_descriptors_and_modal_should_does_not():
    d = draft(DATA / "bradford-2024-paraphrase.md")
    assert not any("expect" in x.candidate.id for x in d.descriptors)  # "Asia should expect": a modal
    r = draft(DATA / "red-sea-brief.html")
    ids = {x.candidate.id: x.candidate.variants for x in r.descriptors}
    assert ids["war_gaza_ends"] == [("ends", "Ends"), ("not_end", "Does not end")]
    assert ids["washington"] == [
        ("escorting_convoys", "Escorting convoys"),
        ("striking_launch_sites", "Striking launch sites"),
    ]


def test_sentences_respect_abbreviations_and_initials():
    text = "S. Rajaratnam School studies the U.S. approach. Mr. Kim met Dr. Lee in 2024. It ended."
    assert sentences(text) == [
        "S. Rajaratnam School studies the U.S. approach.",
        "Mr. Kim met Dr. Lee in 2024.",
        "It ended.",
    ]


def test_same_text_same_draft():
    a = draft_yaml(draft(DATA / "red-sea-brief.html", as_of="2024-03"))
    b = draft_yaml(draft(DATA / "red-sea-brief.html", as_of="2024-03"))
    assert a == b


def test_a_text_with_nothing_to_draft_still_validates(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("A quiet week.\n\nNothing much happened, and no one did anything to anyone.\n", encoding="utf-8")
    system = parse_yaml(draft_yaml(draft(p)), "plain.yaml")
    # one descriptor named from the text (its title), never "First variant"
    (only,) = system.descriptors
    assert only.label == "plain" and [v.label for v in only.variants] == [
        "As the text describes it",
        "Otherwise (write how)",
    ]
    assert system.actors == [] and system.ties == []


@needs_seed
def test_cli_draft_validate_analyze(tmp_path):
    r = _cli("draft", str(SEED), "-o", "d.yaml", "--report", "d.md", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "wrote d.yaml" in r.stdout
    report = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert "## Seen but not placed" in report and "US$2,000 per month per soldier" in report
    assert _cli("validate", "d.yaml", cwd=tmp_path).returncode == 0
    a = _cli("analyze", "d.yaml", cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    again = _cli("draft", str(SEED), "-o", "d.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    html_report = _cli("draft", str(DATA / "red-sea-brief.html"), "--report", "r.html", cwd=tmp_path)
    assert html_report.returncode == 0 and html_report.stdout.startswith("# Draft model")
    assert "<h2>Ties (status: draft)" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_a_draft_beside_its_text_passes_the_source_checks(tmp_path, path):
    """With the text beside the model, the draft's source points at it and loading checks every
    citation against it (section, paragraph in range, quote found): the drafter's numbering and
    the source checker's agree."""
    if not path.exists():
        pytest.skip(ABSENT)
    text = tmp_path / path.name
    text.write_bytes(path.read_bytes())
    r = _cli("draft", text.name, "-o", "d.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"path: {text.name}  # citations are checked against this text" in (tmp_path / "d.yaml").read_text(
        encoding="utf-8"
    )
    v = _cli("validate", "d.yaml", cwd=tmp_path)
    assert v.returncode == 0, v.stderr
    from upheaval import load
    from upheaval.model._sources import cited_paragraph, normalise

    system = load(tmp_path / "d.yaml")
    cites = [c for t in system.ties for c in t.cites]
    assert cites and all(normalise(c.quote) in normalise(cited_paragraph(system, c)) for c in cites)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the text is empty"),
        (b"  \n\n\t ", "the text is empty"),
        (b"\xff\xfe\x00broken", "does not decode as utf-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "byte 8 is NUL"),
        (bytes(range(1, 32)) * 20, "control characters"),
    ],
)
def test_cli_input_that_is_not_text_exits_2_with_a_message(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    r = _cli("draft", str(p), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "bad.txt" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Russia’s war: Ukraine fought on in Kyiv.\n\nRussia attacked Ukraine.", "cp1252"),
        ("Russia attacked Ukraine; Україна тримається.\n\nСША допомагають.", "utf-16"),
        ("\ufeffRussia attacked Ukraine.\n", "utf-8"),
        ("Russia attacked Ukraine. Müller said so.\n", "latin-1"),
    ],
)
def test_any_encoding_gives_a_draft_that_validates(tmp_path, content, encoding):
    p = tmp_path / "t.txt"
    p.write_bytes(content.encode(encoding))
    r = _cli("draft", p.name, "-o", "d.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert _cli("validate", "d.yaml", cwd=tmp_path).returncode == 0
    ties = {(t.source, t.target, t.kind) for t in draft(p).ties}
    assert ("RUS", "UKR", "combat") in ties


def test_cli_missing_text_and_bad_options_exit_2(tmp_path):
    r = _cli("draft", "missing.txt", cwd=tmp_path)
    assert r.returncode == 2 and "cannot read" in r.stderr
    r = _cli("draft", str(DATA / "red-sea-brief.html"), "--as-of", "March", cwd=tmp_path)
    assert r.returncode == 2 and "--as-of" in r.stderr
    r = _cli("draft", str(DATA / "red-sea-brief.html"), "-o", "d.json", cwd=tmp_path)
    assert r.returncode == 2
