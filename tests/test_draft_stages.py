"""The drafter's stages one by one: reading a document's date and byline, decoding, actor names and
codes, figures, dates, ties and their direction, conditionals and the descriptors they give, the
argument's sections and claims, and the YAML writer."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from upheaval.draft import draft, draft_yaml, read_document
from upheaval.draft._build import argument, place_casualties, reference_date, scan
from upheaval.draft._conditionals import find_conditionals
from upheaval.draft._document import decode_text, page_metadata, publication_date
from upheaval.draft._figures import find_dates, find_figures, place_dates
from upheaval.draft._gazetteer import CODE, find_mentions, fit_code, gazetteer
from upheaval.draft._relations import find_relations
from upheaval.errors import ModelError
from upheaval.model import parse_yaml

# ---------------------------------------------------------------------------------------------- document


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("24 January 2024", "2024-01-24"),
        ("March 12, 2024", "2024-03-12"),
        ("Sept 28 2023", "2023-09-28"),
        ("21 Mar 2024", "2024-03-21"),
        ("16 | 02 | 2024", "2024-02-16"),
        ("2023-08-11 | 04:27", "2023-08-11"),
        ("9 January, 2024 Tuesday", "2024-01-09"),
        ("Posted: March 28th, 2024", "2024-03-28"),
        ("Published on: 2025-03-16", "2025-03-16"),
        ("Date: Monday, 07 October 2024", "2024-10-07"),
        ("*November 2024*", "2024-11"),
        ("The war began in March 2022 and has not ended.", None),
        ("13 | 13 | 2024", None),
    ],
)
def test_publication_date_reads_the_forms_publishers_use(line, value):
    assert publication_date(line) == value


def test_page_metadata_gives_the_date_and_author():
    page = '<html><head><meta property="article:published_time" content="2024-06-19T05:00:00Z"><meta name="author" content="A. Writer"></head>'
    assert page_metadata(page) == ("2024-06-19", "A. Writer")
    assert page_metadata('<time datetime="2023-09-28">Sept 28</time>') == ("2023-09-28", None)
    assert page_metadata("<p>no date</p>") == (None, None)


def test_a_date_line_under_the_title_dates_the_document_and_is_still_counted(tmp_path):
    p = tmp_path / "brief.md"
    p.write_text("# A brief\n\nBy Jane Roe\n\n21 Mar 2024\n\nRussia attacked Ukraine on March 3.\n", encoding="utf-8")
    doc = read_document(p)
    assert (doc.author, doc.date) == ("Jane Roe", "2024-03-21")
    assert reference_date(doc, None) == ("2024-03-21", True)
    assert reference_date(doc, "2024-01") == ("2024-01", True)  # --as-of wins
    d = draft(p)
    assert d.as_of == "2024-03-21"
    assert ("on March 3", "2024-03-03") in {(m.text, v) for m, _c, v in d.dates}


@pytest.mark.parametrize("dateline", ["3 February 2021", "February 3, 2021"])
def test_a_plain_texts_headline_and_the_dateline_under_it_are_read_without_a_blank_line_between(tmp_path, dateline):
    p = tmp_path / "file_name.txt"
    p.write_text(
        f"The Fleet Would Scramble: What If Ruritania Closed the Strait?\n{dateline}\n\n"
        "Ruritania has drilled near the strait for years. If Ruritania closes it, prices will rise.\n",
        encoding="utf-8",
    )
    doc = read_document(p)
    assert (doc.title, doc.date) == ("The Fleet Would Scramble: What If Ruritania Closed the Strait?", "2021-02-03")
    assert [p.text[:9] for p in doc.paragraphs()] == ["Ruritania"]  # the headline gives no paragraph (no descriptor)
    assert draft(p).as_of == "2021-02-03"


def test_a_short_first_line_before_a_blank_line_is_the_title_and_a_sentence_is_not(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Can the Ceasefire Hold?\n\nThe ceasefire was signed in May. Both sides rearm.\n", encoding="utf-8")
    assert read_document(p).title == "Can the Ceasefire Hold?"
    p.write_text("The ceasefire was signed in May.\n\nBoth sides rearm. Neither trusts the other.\n", encoding="utf-8")
    doc = read_document(p)
    assert doc.title == "notes" and len(list(doc.paragraphs())) == 2
    p.write_text("Both sides rearm\nwhile the talks stall.\n\nNeither trusts the other.\n", encoding="utf-8")
    assert read_document(p).title == "notes"  # a paragraph broken over lines is no headline


def test_decode_text_reads_any_encoding_and_refuses_binary(tmp_path):
    p = tmp_path / "x.txt"
    assert decode_text("Hizbullah’s".encode("cp1252"), p) == ("Hizbullah’s", "cp1252")
    assert decode_text("Ансар Аллах".encode("utf-16"), p) == ("Ансар Аллах", "utf-16")
    assert decode_text(b"\xef\xbb\xbfplain", p) == ("plain", "utf-8")
    with pytest.raises(ModelError, match="NUL"):
        decode_text(b"GIF89a\x00\x01", p)


# ---------------------------------------------------------------------------------------------- actors


def test_every_actor_code_fits_the_model_format_and_names_are_unique_codes():
    codes = [e.code for e in gazetteer()]
    assert all(CODE.match(c) for c in codes)
    assert len(codes) == len(set(codes))
    assert fit_code("Hezbollah") == "HEZBOLLA"
    assert fit_code("Rapid Support Forces") == "RSF"
    assert fit_code("x") == "XX"
    assert fit_code("1st Brigade") == "A1STBRIG"
    assert fit_code("RSF", {"RSF", "RSF2"}) == "RSF3"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hizbullah", "HEZBOLAH"),
        ("Hezbollah", "HEZBOLAH"),
        ("Hizballah", "HEZBOLAH"),
        ("Ansar Allah", "HOUTHI"),
        ("the Huthis", "HOUTHI"),
        ("the U.K.", "GBR"),
        ("Britain", "GBR"),
        ("British", "GBR"),
        ("the U.S.", "USA"),
        ("Rwanda-backed", "RWA"),
        ("eastern Congo", "COD"),
        ("the Rapid Support Forces", "RSF"),
        ("Ecowas", "ECOWAS"),
    ],
)
def test_transliterations_and_variants_name_their_actor(text, code):
    assert [m.code for m in find_mentions(text)] == [code]


def test_places_are_not_actors():
    assert find_mentions("laying waste to most of Gaza and the West Bank") == []


# ---------------------------------------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rwanda had three to four thousand of its own troops in the DRC.", [(3000, 4000, "troops")]),
        ("Hezbollah has 50,000 to 100,000 fighters.", [(50000, 100000, "fighters")]),
        ("the 16-day war and the 28-drone barrage", [(16, None, "day"), (28, None, "drone")]),
        ("hundreds of ships now sail around Africa", [(100, None, "ships")]),
        (
            "at least 3,900 people have been killed, over four million have been displaced",
            [(3900, None, "people"), (4e6, None, "displaced")],
        ),
        (
            "up to 150,000 rockets - enough to fire up to 1,500 per day",
            [(150000, None, "rockets"), (1500, None, "rockets")],
        ),
        ("bids for eight of 14 maritime blocks", [(8, None, "blocks"), (14, None, "blocks")]),
        ("a third of its launchers destroyed", [(1 / 3, None, "launchers")]),
        ("a Fateh 110 missile under Resolution 1701 on the 63rd anniversary", []),
        ("Tigran, 19, holds up a poster; a 21-year-old student", []),
        ("the 1990s and the year 2006", []),
    ],
)
def test_figures_in_words_ranges_compounds_and_not_names(sentence, expected):
    got = [(round(f.amount, 6), f.high, f.unit) for f in find_figures(sentence)]
    assert got == [(round(a, 6), h, u) for a, h, u in expected]


def test_a_rate_without_a_noun_takes_the_unit_before_it():
    (_, second) = find_figures("up to 150,000 rockets - enough to fire up to 1,500 per day")
    assert (second.unit, second.rate, second.qualifier) == ("rockets", "day", "up to")


# ---------------------------------------------------------------------------------------------- dates


def test_day_month_dates_take_the_sentence_then_the_paragraph_then_the_reference_year():
    assert place_dates(find_dates("between 13 July and 11 August 2006"), None, "2024-02") == [
        "2006-07-13",
        "2006-08-11",
    ]
    assert place_dates(find_dates("on 13 July"), 2006, "2024-02") == ["2006-07-13"]
    assert place_dates(find_dates("since November 19"), None, "2024-03-21") == ["2023-11-19"]
    assert place_dates(find_dates("the 26th of July"), None, None) == [None]


def test_the_paragraph_year_carries_to_the_next_sentence(tmp_path):
    p = tmp_path / "t.md"
    p.write_text(
        "# T\n\n21 Mar 2024\n\nThe war began on 12 July 2006. Israel struck Lebanon on 13 July.\n\n"
        "Israel struck Lebanon again on 2 March.\n",
        encoding="utf-8",
    )
    values = {(m.text, v) for m, _c, v in draft(p).dates}
    assert ("on 13 July", "2006-07-13") in values  # the paragraph's own year
    assert ("on 2 March", "2024-03-02") in values  # a new paragraph: the text's date


# ---------------------------------------------------------------------------------------------- ties


def _ties(sentence: str) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.kind) for r in find_relations(sentence, find_mentions(sentence), None)}


@pytest.mark.parametrize(
    ("sentence", "tie"),
    [
        ("A Rwandan minister was sanctioned Thursday by the United States.", ("USA", "RWA", "sanctions")),
        ("Russian peacekeepers were killed by Azerbaijani shelling.", ("AZE", "RUS", "casualties")),
        ("Kagame accuses the DRC of backing FDLR.", ("RWA", "COD", "hostility")),
        ("Kagame accuses the DRC of backing FDLR.", ("COD", "FDLR", "aid")),
        ("the fighters of the Rwanda-backed M23 advanced", ("RWA", "M23", "aid")),
        ("as long as the Israel-Hamas conflict persists", ("HAMAS", "ISR", "combat")),
        ("a war erupted between the Sudanese Army and the Rapid Support Forces", ("RSF", "SDN", "combat")),
        ("the US, which has a mutual defence treaty with the Philippines", ("PHL", "USA", "agreement")),
        ("The junta was met with support from Mali and Burkina Faso.", ("BFA", "NER", "diplomatic_support")),
    ],
)
def test_direction_comes_from_the_grammar(sentence, tie):
    sentence = sentence.replace("The junta", "The Nigerien junta")
    assert tie in _ties(sentence)


@pytest.mark.parametrize(
    ("sentence", "wrong"),
    [
        ("the DRC and the UN say the fighters are armed and supported by Rwanda", ("RWA", "UN", "munitions")),
        ("the American invasion of Iraq, the Houthis embraced the slogan", ("USA", "HOUTHI", "combat")),
        ("the United Kingdom then struck Houthi targets in Yemen", ("HOUTHI", "YEM", "combat")),
        ("the conflict between Israel and Palestinian groups in Yemen", ("YEM", "ISR", "combat")),
        ("the clash was worst, according to Manila", ("CHN", "PHL", "combat")),
    ],
)
def test_speakers_sources_and_lists_are_not_parties(sentence, wrong):
    assert wrong not in _ties(sentence)


# ---------------------------------------------------------------------------------------------- conditionals


@pytest.mark.parametrize(
    ("sentence", "label", "variants"),
    [
        (
            "Should the military situation in Ukraine destabilise, China loses.",
            "Military situation in Ukraine destabilises",
            ["Destabilises", "Does not destabilise"],
        ),
        (
            "It will not cease its attacks until Israel ends its bombardment of Gaza.",
            "Israel ends its bombardment of Gaza",
            ["Ends its bombardment of Gaza", "Does not end its bombardment of Gaza"],
        ),
        (
            "A strike is unlikely unless Iran's behavior becomes far more egregious.",
            "Iran's behavior",
            ["Becomes far more egregious", "Does not become far more egregious"],
        ),
        (
            "Sanctions follow in the event of a nuclear test by Pyongyang.",
            "Nuclear test by Pyongyang",
            ["Nuclear test by Pyongyang", "No nuclear test by Pyongyang"],
        ),
        (
            "The more extensive an Israeli attack is, the larger the Iranian response will be.",
            "Israeli attack",
            ["More extensive", "Less extensive"],
        ),
        (
            "Options range from escorting convoys to striking launch sites.",
            "Options",
            ["Escorting convoys", "Striking launch sites"],
        ),
        (
            "Ukraine cannot sustain the war without these support packages.",
            "These support packages",
            ["With these support packages", "Without these support packages"],
        ),
        (
            "It is unclear whether Hezbollah will join the war.",
            "Hezbollah joins the war",
            ["Joins the war", "Does not join the war"],
        ),
        (
            "Shipping stays disrupted as long as the Houthis keep attacking.",
            "Houthis keep attacking",
            ["Keeps attacking", "Does not keep attacking"],
        ),
    ],
)
def test_each_form_gives_a_descriptor_with_variants_named_from_the_text(sentence, label, variants):
    cands = [k for c in find_conditionals(sentence) for k in c.candidates]
    assert (cands[0].label, [v for _, v in cands[0].variants]) == (label, variants)
    assert all("variant" not in v.lower() for _, v in cands[0].variants)


@pytest.mark.parametrize(
    ("sentence", "label", "variants"),
    [
        (  # the negation is in the subject: the clause without it, and the clause as the text words it
            "If no missiles are launched, the talks go on.",
            "Missiles are launched",
            ["No missiles are launched", "Missiles are launched"],
        ),
        (
            "If no agreement is reached, prices rise.",
            "An agreement is reached",
            ["No agreement is reached", "An agreement is reached"],
        ),
        ("If Serbia is attacked, its allies respond.", "Serbia is attacked", ["Is attacked", "Is not attacked"]),
        (  # an emphatic "does": the verb after it, and no inflected infinitive
            "If the EU does decide to sanction Minsk, trade will fall.",
            "EU decides to sanction Minsk",
            ["Decides to sanction Minsk", "Does not decide to sanction Minsk"],
        ),
    ],
)
def test_negated_passive_and_emphatic_conditions_give_grammatical_variants(sentence, label, variants):
    cand = find_conditionals(sentence)[0].candidates[0]
    assert (cand.label, [v for _, v in cand.variants]) == (label, variants)


def test_a_question_as_consequence_is_read_as_a_statement_and_a_headline_lead_in_is_none():
    c = find_conditionals("If no missiles are launched, would the alliance still feel obliged to respond?")[0]
    assert (c.outcome.label, [v for _, v in c.outcome.variants]) == (
        "Alliance feels obliged to respond",
        ["Feels obliged to respond", "Does not feel obliged to respond"],
    )
    assert find_conditionals("If the court does veto it, talks end.")[0].candidates[0].label == "Court vetoes it"
    c = find_conditionals("The Fleet Would Scramble: What If Ruritania Closed the Strait?")[0]
    assert c.outcome is None and c.candidates[0].label == "Ruritania Closed the Strait"
    c = find_conditionals(
        "Ruritania takes the port, leaving the city without the fuel to keep its plants going if talks fail."
    )
    assert c[0].candidates[0].label == "Talks fail" and c[0].outcome is None  # a participle's clause has no subject


def test_concessions_times_and_modals_are_not_conditions():
    assert find_conditionals("Even if destroyed, they can be rebuilt.") == []
    assert find_conditionals("Until recently, my whole family was pro-Russia.") == []
    assert find_conditionals("Asia should expect shipping to stay disrupted.") == []


def test_a_conditional_links_its_condition_to_its_consequence(tmp_path):
    p = tmp_path / "t.md"
    p.write_text(
        "# T\n\n## Outlook\n\nIf Israel attacks Iran, the Iranians will respond. "
        "Hezbollah says it will not cease its attacks until Israel ends its bombardment of Gaza.\n",
        encoding="utf-8",
    )
    doc = read_document(p)
    found = scan(doc, "2024-01")
    place_casualties(found)
    arg = argument(found, doc)
    assert set(arg.sections) == {
        ("israel_attacks_iran", "iranians_respond"),
        ("israel_ends_bombardment_gaza", "hezbollah_ceases_attacks"),
    }
    for s in arg.sections.values():
        assert s.cites[0].section == "Outlook" and s.cites[0].paragraph == 1
    # candidate claims are the conditionals, not the paragraph
    assert [c[0] for c in arg.claims] == [
        "If Israel attacks Iran, the Iranians will respond",
        "until Israel ends its bombardment of Gaza, Hezbollah says it will not cease its attacks",
    ]


def test_a_list_of_scenarios_gives_a_descriptor_with_the_scenarios_as_variants(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text(
        "Three scenarios\n\nThere are three key scenarios for Iran:\n\n1. Iran Strikes Back\n\nIt might.\n\n"
        "2. Iran Negotiates\n\nIt may.\n\n3. Nothing Changes\n\nPerhaps.\n",
        encoding="utf-8",
    )
    (k,) = [x.candidate for x in draft(p).descriptors if x.candidate.id.startswith("scenarios")]
    assert (k.label, [v for _, v in k.variants]) == (
        "Scenarios for Iran",
        ["Iran Strikes Back", "Iran Negotiates", "Nothing Changes"],
    )


def test_casualties_with_one_actor_take_the_opponent_from_a_combat_tie(tmp_path):
    p = tmp_path / "t.md"
    p.write_text(
        "# T\n\nRussia attacked Ukraine in May 2024.\n\nUkraine suffered 1,500 casualties.\n", encoding="utf-8"
    )
    d = draft(p)
    assert any((t.source, t.target, t.kind, t.amount) == ("RUS", "UKR", "casualties", 1500) for t in d.ties)


# ---------------------------------------------------------------------------------------------- YAML


def test_the_yaml_is_written_by_ruamel_with_comments_and_round_trips(tmp_path):
    p = tmp_path / "t.md"
    p.write_text("# T\n\n## Outlook\n\nIf Israel attacks Iran, the Iranians will respond.\n", encoding="utf-8")
    text = draft_yaml(draft(p, as_of="2024-05"))
    data = YAML().load(text)
    assert data["as_of"] == "2024-05" and data["descriptors"][0]["id"] == "israel_attacks_iran"
    assert "# first named §Outlook ¶1" in text and "# Candidate claims" in text
    assert "# Empty judgement sections" in text
    system = parse_yaml(text, "d.yaml")
    assert [(i.source, i.target) for i in system.impacts] == [("israel_attacks_iran", "iranians_respond")]
