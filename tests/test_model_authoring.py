"""Authoring aids in the model layer: sources checked against their text, tie kinds, coverage warnings."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from _seed import ABSENT, SEED
from upheaval import load
from upheaval.errors import ModelError
from upheaval.model import (
    builtin_models,
    cited_paragraph,
    coverage,
    parse_source_text,
    parse_yaml,
)

BRIEF_MD = """\
# A brief on the strait

The strait carries a tenth of the world's trade.

## Attacks

Armed boats attacked **three** merchant ships in March.
The navy says it intercepted most drones.

Insurers raised premiums after the attacks.

## Outlook

Shipping may return if the attacks stop.
"""


def _model(sources: str, cites: str) -> str:
    """A small valid model; ``sources`` is the YAML list of sources, ``cites`` the first tie's citations."""
    head = "id: strait\ntitle: The strait\nas_of: 2024-03\nsources:\n" + textwrap.indent(sources, "  ")
    return head + textwrap.dedent(
        f"""\
        actors:
          - {{code: HTH, name: Armed group, kind: group, own_code: true}}
          - {{code: USA, name: United States}}
        ties:
          - id: t1
            from: HTH
            to: USA
            kind: attack
            cites: [{cites}]
        descriptors:
          - id: a
            label: A
            variants: [{{id: x, label: X}}, {{id: y, label: Y}}]
          - id: b
            label: B
            variants: [{{id: x, label: X}}, {{id: y, label: Y}}]
        impacts:
          - from: a
            to: b
            values: {{x: {{x: 1, y: -1}}, y: {{x: -1, y: 1}}}}
          - from: b
            to: a
            values: {{x: {{x: 1, y: -1}}, y: {{x: -1, y: 1}}}}
        """
    )


def _load(tmp_path: Path, text: str, files: dict[str, str] | None = None):
    for name, body in (files or {}).items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    return load(tmp_path / "m.yaml")


def _problems(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> list:
    with pytest.raises(ModelError) as info:
        _load(tmp_path, text, files)
    return info.value.problems


SOURCE = """\
- id: brief
  title: A brief
  path: brief.md
"""


def test_markdown_text_numbers_sections_and_paragraphs() -> None:
    text = parse_source_text(BRIEF_MD, ".md")
    assert text.headings() == ["A brief on the strait", "Attacks", "Outlook"]
    assert len(text.paragraphs("Attacks")) == 2
    assert text.paragraphs("attacks")[0].startswith("Armed boats")  # headings compare without case
    assert text.paragraphs("Missing") is None


def test_plain_text_without_headings_numbers_paragraphs_through_the_text() -> None:
    text = parse_source_text("One.\n\nTwo,\nstill two.\n\n\nThree.\n", ".txt")
    assert not text.headed
    assert text.paragraphs(None) == ["One.", "Two, still two.", "Three."]  # line breaks inside a paragraph are spaces


def test_plain_text_block_starting_lower_case_continues_the_paragraph() -> None:
    text = parse_source_text("Intro\n\nA sentence broken across\n\na page.\n\nNext one.", ".txt", ["Intro"])
    assert text.paragraphs("Intro") == ["A sentence broken across a page.", "Next one."]


def test_html_headings_and_paragraphs() -> None:
    html = (
        "<html><body><h1>Title</h1><p>First <b>one</b>.</p><h2>Part</h2><p>Second.</p><p>Third<br>line.</p>"
        "<script>var p = '<p>no</p>';</script></body></html>"
    )
    text = parse_source_text(html, ".html")
    assert text.paragraphs("Title") == ["First one."]
    assert text.paragraphs("Part") == ["Second.", "Third line."]


def test_citations_check_out_against_the_text(tmp_path: Path) -> None:
    cite = '{source: brief, section: Attacks, paragraph: 1, quote: "attacked three merchant ships"}'
    system = _load(tmp_path, _model(SOURCE, cite), {"brief.md": BRIEF_MD})
    paragraph = cited_paragraph(system, system.ties[0].cites[0])
    assert paragraph is not None and paragraph.startswith("Armed boats attacked")


def test_paragraph_out_of_range_is_located(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, _model(SOURCE, "{source: brief, section: Attacks, paragraph: 12}"), {"brief.md": BRIEF_MD}
    )
    (p,) = problems
    assert p.code == "paragraph-out-of-range"
    assert "has 2 paragraphs" in p.message and "paragraph 12" in p.message
    assert p.field == "ties[0].cites[0].paragraph" and p.line > 0
    assert "1 to 2" in p.help


def test_quote_not_found_says_where_it_is(tmp_path: Path) -> None:
    cite = '{source: brief, section: Attacks, paragraph: 2, quote: "intercepted most drones"}'
    (p,) = _problems(tmp_path, _model(SOURCE, cite), {"brief.md": BRIEF_MD})
    assert p.code == "quote-not-found" and p.field.endswith("quote")
    assert "paragraph 1" in p.help  # where the quote really is
    cite = '{source: brief, section: Attacks, paragraph: 1, quote: "attacked four ships"}'
    (p,) = _problems(tmp_path, _model(SOURCE, cite), {"brief.md": BRIEF_MD})
    assert p.code == "quote-not-found" and "word for word" in p.help


def test_quote_matches_across_line_breaks_and_emphasis(tmp_path: Path) -> None:
    cite = '{source: brief, section: Attacks, paragraph: 1, quote: "in  March. The navy"}'
    _load(tmp_path, _model(SOURCE, cite), {"brief.md": BRIEF_MD})


def test_unknown_section_in_text_has_a_suggestion(tmp_path: Path) -> None:
    (p,) = _problems(tmp_path, _model(SOURCE, "{source: brief, section: Atacks, paragraph: 1}"), {"brief.md": BRIEF_MD})
    assert p.code == "unknown-section" and "Attacks" in p.help


def test_source_without_sections_cites_by_paragraph_alone(tmp_path: Path) -> None:
    src = "- id: brief\n  title: A brief\n  path: notes.txt\n"
    system = _load(tmp_path, _model(src, "{source: brief, paragraph: 2}"), {"notes.txt": "One.\n\nTwo.\n"})
    assert system.ties[0].cites[0].label() == "brief ¶2"
    (p,) = _problems(tmp_path, _model(src, "{source: brief, paragraph: 3}"), {"notes.txt": "One.\n\nTwo.\n"})
    assert p.code == "paragraph-out-of-range" and "the text of `brief` has 2 paragraphs" in p.message


def test_declared_sections_need_a_section_in_citations(tmp_path: Path) -> None:
    src = "- id: brief\n  title: A brief\n  sections: [Attacks]\n"
    (p,) = _problems(tmp_path, _model(src, "{source: brief, paragraph: 1}"))
    assert p.code == "missing-section"


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("../outside.md", "outside the model's folder"),
        ("/etc/passwd.txt", "outside"),
        ("brief.pdf", ".txt, .md or .html"),
        ("missing.md", "no file"),
    ],
)
def test_source_path_is_confined_to_the_model_folder(tmp_path: Path, path: str, needle: str) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "outside.md").write_text(BRIEF_MD)
    src = f"- id: brief\n  title: A brief\n  path: {path}\n"
    problems = _problems(tmp_path / "sub", _model(src, "{source: brief, paragraph: 1}"))
    assert any(p.code == "source-path" and needle in p.message and p.field == "sources[0].path" for p in problems), (
        problems
    )


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "secret.md").write_text(BRIEF_MD)
    (tmp_path / "sub" / "brief.md").symlink_to(tmp_path / "secret.md")
    problems = _problems(tmp_path / "sub", _model(SOURCE, "{source: brief, paragraph: 1}"))
    assert [p.code for p in problems] == ["source-path"]


def test_text_parsed_without_a_folder_does_not_read_files(tmp_path: Path) -> None:
    (tmp_path / "brief.md").write_text(BRIEF_MD)
    # an upload: no folder, so the path is not read and paragraph 99 cannot be checked
    system = parse_yaml(_model(SOURCE, "{source: brief, section: Attacks, paragraph: 99}"), "upload.yaml")
    assert cited_paragraph(system, system.ties[0].cites[0]) is None


@pytest.mark.skipif(not SEED.exists(), reason=ABSENT)
def test_builtin_model_citations_check_out_against_the_seed_commentary(tmp_path: Path) -> None:
    """Every section, paragraph and quote the built-in model cites, checked against the commentary itself."""
    shutil.copy(SEED, tmp_path / "commentary.txt")
    text = builtin_models()["dprk-ukraine-2024"].read_text(encoding="utf-8")
    text, n = re.subn(r"(\n  - id: thompson2024\n)", r"\1    path: commentary.txt\n", text, count=1)
    assert n == 1
    system = _load(tmp_path, text)
    cites = [c for t in system.ties for c in t.cites] + [c for i in system.impacts for c in i.cites]
    assert cites and all(cited_paragraph(system, c) for c in cites)
    # and the check bites: a paragraph past the end of its section is refused
    bad = text.replace("section: Conclusion, paragraph: 1", "section: Conclusion, paragraph: 40", 1)
    assert bad != text
    problems = _problems(tmp_path, bad)
    assert {p.code for p in problems} == {"paragraph-out-of-range"}


# ---- tie kinds ----------------------------------------------------------------------------------


def test_common_kinds_are_built_in(tmp_path: Path) -> None:
    for kind in ("attack", "blockade", "interception", "sanctions", "recruitment", "coercion"):
        _load(tmp_path, _model("- {id: s, title: S}\n", "").replace("kind: attack", f"kind: {kind}"))


def test_unknown_kind_suggests_a_built_in_one_or_a_declaration(tmp_path: Path) -> None:
    (p,) = _problems(tmp_path, _model("- {id: s, title: S}\n", "").replace("kind: attack", "kind: atack"))
    assert p.code == "unknown-tie-kind" and "did you mean `attack`" in p.help and "tie_kinds" in p.help


def test_declared_kind_with_its_sign(tmp_path: Path) -> None:
    text = _model("- {id: s, title: S}\n", "").replace("kind: attack", "kind: piracy")
    text = "tie_kinds:\n  - {id: piracy, label: Piracy, sign: hostile, style: dotted}\n" + text
    system = _load(tmp_path, text)
    assert system.ties[0].polarity == -1 and system.tie_kind("piracy").style == "dotted"
    from upheaval.network import actor_network, camps

    part = camps(actor_network(system))
    assert part.camp_of["HTH"] != part.camp_of["USA"]  # the declared sign decides the camps
    cooperative = text.replace("sign: hostile", "sign: cooperative")
    assert _load(tmp_path, cooperative).ties[0].polarity == 1


def test_declared_kind_may_not_shadow_a_built_in_one(tmp_path: Path) -> None:
    text = "tie_kinds:\n  - {id: attack, label: Attack, sign: cooperative}\n" + _model("- {id: s, title: S}\n", "")
    (p,) = _problems(tmp_path, text)
    assert p.code == "duplicate-id" and p.field == "tie_kinds[0].id"


# ---- coverage -----------------------------------------------------------------------------------


def _codes(system) -> list[str]:
    return [f.code for f in coverage(system)]


def test_coverage_of_a_complete_model_is_quiet(tmp_path: Path) -> None:
    assert _codes(_load(tmp_path, _model("- {id: s, title: S}\n", ""))) == []


def test_coverage_finds_unjudged_descriptor_empty_section_and_flat_row(tmp_path: Path) -> None:
    text = _model("- {id: s, title: S}\n", "")
    text = text.replace(
        "  - id: b\n", "  - id: c\n    label: C\n    variants: [{id: p, label: P}, {id: q, label: Q}]\n  - id: b\n"
    )
    text += "  - {from: a, to: c, values: {}}\n  - {from: b, to: c, values: {x: {p: 2, q: 2}}}\n"
    system = _load(tmp_path, text)
    found = {f.code: f for f in coverage(system)}
    assert found["empty-section"].field == "impacts[2].values"
    assert found["no-discrimination"].field == "impacts[3].values.x"
    assert found["unjudged-descriptor"].field == "descriptors[1]"  # c: only a flat row and an empty section
    assert "c" in found["unjudged-descriptor"].message
    assert all(f.level == "warning" for f in found.values())


def test_coverage_finds_isolated_actor_draft_tie_unchecked_descriptor_and_own_code(tmp_path: Path) -> None:
    text = _model("- {id: s, title: S}\n", "")
    text = text.replace(
        "  - {code: USA, name: United States}\n",
        "  - {code: USA, name: United States}\n  - {code: FRA, name: France}\n"
        "  - {code: NATO, name: NATO, kind: alliance}\n",
    )
    text = text.replace("kind: attack\n", "kind: attack\n    status: draft\n")
    text += "claims:\n  - id: c1\n    text: B can be X.\n    check: {kind: exists, match: {b: x}}\n"
    found = {(f.code, f.field) for f in coverage(_load(tmp_path, text))}
    assert ("isolated-actor", "actors[2]") in found and ("isolated-actor", "actors[3]") in found
    assert ("draft-tie", "ties[0].status") in found
    assert ("unchecked-descriptor", "descriptors[0]") in found  # a: no claim or indicator
    assert ("unchecked-descriptor", "descriptors[1]") not in found  # b: the claim mentions it
    assert ("own-code", "actors[3].code") in found  # NATO, no cameo
    assert not any(code == "own-code" and field == "actors[0].code" for code, field in found)  # declared own_code


def test_builtin_model_has_no_coverage_warnings() -> None:
    assert [f for f in coverage(load()) if f.level == "warning"] == []


def test_every_built_in_kind_has_a_figure_style() -> None:
    from upheaval.model._schema import TIE_KINDS
    from upheaval.report._figures import TIE_GROUPS

    grouped = [k for kinds, *_ in TIE_GROUPS.values() for k in kinds]
    assert sorted(grouped) == sorted(TIE_KINDS)


def test_network_figure_legend_shows_a_declared_kind(tmp_path: Path) -> None:
    from upheaval.report._figures import network_figure

    text = _model("- {id: s, title: S}\n", "").replace("kind: attack", "kind: piracy")
    text = "tie_kinds:\n  - {id: piracy, label: Piracy at sea, sign: hostile, style: dotted}\n" + text
    fig = network_figure(_load(tmp_path, text))
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "Piracy at sea" in labels and "other" not in labels


def test_report_shows_the_cited_paragraphs(tmp_path: Path) -> None:
    from upheaval.report import render_report

    cite = "{source: brief, section: Attacks, paragraph: 2}"
    system = _load(tmp_path, _model(SOURCE, cite), {"brief.md": BRIEF_MD})
    html = render_report(system)
    assert 'id="passages"' in html and "brief §Attacks ¶2" in html and "Insurers raised premiums" in html
