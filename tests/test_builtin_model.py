"""The built-in model `dprk-ukraine-2024` (Thompson, RSIS Commentary, November 2024)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import numpy as np
import pytest

from upheaval import load_system
from upheaval.cib import brute_force_consistent, compile_system
from upheaval.model import builtin_models

TITLE_MARK = "North Korea in the Ukraine War Presages"
SECTIONS = [
    "Synopsis",
    "Commentary",
    "DPRK Deploys Troops to Russia",
    "Geopolitical Implications for NATO, South Korea, and China",
    "Conclusion",
]
# Paragraphs per section (a paragraph split by a page break counts once).
PARAGRAPHS = {SECTIONS[0]: 1, SECTIONS[1]: 2, SECTIONS[2]: 7, SECTIONS[3]: 10, SECTIONS[4]: 4}


@pytest.fixture(scope="module")
def system():
    return load_system()


@pytest.fixture(scope="module")
def cim(system):
    return compile_system(system)


@pytest.fixture(scope="module")
def consistent(cim):
    sc, _, _ = brute_force_consistent(cim, 0)
    return sc


def _model_path() -> Path:
    return builtin_models()["dprk-ukraine-2024"]


def test_loads_as_default(system):
    assert system.id == "dprk-ukraine-2024"
    assert system.as_of.startswith("2024-11")
    assert system.n_scenarios <= 2_000_000
    assert 30 <= len(system.impacts) <= 80


def test_source_and_sections(system):
    (src,) = system.sources
    assert src.author == "Drew Thompson"
    assert src.publisher == "S. Rajaratnam School of International Studies (RSIS), NTU"
    assert src.date == "2024-11"
    assert src.sections == SECTIONS


def test_required_actors(system):
    codes = {a.code for a in system.actors}
    assert {"RUS", "UKR", "PRK", "CHN", "IRN", "USA", "NATO", "EU", "KOR", "JPN"} <= codes
    assert system.actor("NATO").kind == "alliance"
    assert system.actor("EU").kind == "organisation"


def _all_ties(system):
    ties = list(system.ties)
    for d in system.descriptors:
        for v in d.variants:
            if v.ties:
                ties.extend(v.ties.add)
    return ties


def test_tie_figures(system):
    ties = {t.id: t for t in system.ties}
    troops = [t for t in ties.values() if t.kind == "troops" and (t.source, t.target) == ("PRK", "RUS")]
    assert any(t.amount == 10000 and (t.since or "").startswith("2024-10") for t in troops)
    assert any("uniform" in t.label.lower() and "identification" in t.label.lower() for t in troops)
    pay = [t for t in ties.values() if t.kind == "payment" and (t.source, t.target) == ("RUS", "PRK")]
    assert any(t.amount == 2000 and t.unit == "USD per soldier" and t.rate == "month" for t in pay)
    cas = [t for t in ties.values() if t.kind == "casualties" and (t.source, t.target) == ("UKR", "RUS")]
    assert any(t.amount == 1500 and t.unit == "casualties" and t.rate == "day" for t in cas)
    deal = [
        t
        for t in ties.values()
        if t.kind == "agreement" and {t.source, t.target} == {"RUS", "PRK"} and t.since == "2024-06"
    ]
    assert deal
    kinds = {(t.source, t.target, t.kind, t.status) for t in ties.values()}
    assert ("USA", "PRK", "targeting", "reported") in kinds
    assert ("NATO", "JPN", "liaison", "planned") in kinds
    assert ("KOR", "UKR", "munitions", "option") in kinds
    assert ("NATO", "KOR", "liaison", "option") in kinds
    assert ("RUS", "PRK", "technology", "option") in kinds
    assert {("CHN", "RUS", "alignment"), ("IRN", "RUS", "alignment"), ("PRK", "RUS", "alignment")} <= {
        (s, t, k) for s, t, k, _ in kinds
    }


def test_variant_tie_changes(system):
    peace = next(v for v in system.descriptor("war_path").variants if v.id == "peace")
    assert "rus_ukr_war" in peace.ties.remove
    arms = next(v for v in system.descriptor("rok_response").variants if v.id == "supports_ukraine")
    assert any(t.kind == "munitions" and t.status == "reported" for t in arms.ties.add)
    conf = next(v for v in system.descriptor("china_west").variants if v.id == "confrontation")
    assert any(t.target == "CHN" and t.polarity < 0 for t in conf.ties.add)


def _all_citations(system):
    out = []
    for t in _all_ties(system):
        out.append((f"tie {t.id}", t.cites))
    for i in system.impacts:
        out.append((f"impact {i.source}->{i.target}", i.cites))
    for c in system.claims:
        out.append((f"claim {c.id}", c.cites))
    out.append(("present", system.present.cites))
    return out


def test_everything_is_cited(system):
    for what, cites in _all_citations(system):
        assert cites, f"{what} has no citation"
    for i in system.impacts:
        assert i.rationale.strip(), f"impact {i.source}->{i.target} has no rationale"


def test_citations_point_to_listed_sections(system):
    sections = set(system.sources[0].sections)
    for what, cites in _all_citations(system):
        for c in cites:
            assert c.source == "thompson2024", what
            assert c.section in sections, f"{what}: unknown section {c.section!r}"
            assert 1 <= c.paragraph <= PARAGRAPHS[c.section], f"{what}: no paragraph {c.paragraph} in {c.section}"
            if c.quote:
                assert len(c.quote.split()) <= 8, f"{what}: quote too long"


def test_impact_rows_are_standardised(system):
    for imp in system.impacts:
        for a, row in imp.values.items():
            assert sum(row.values()) == 0, f"{imp.source}->{imp.target} row {a}"


def test_present_is_consistent(system, cim, consistent):
    present = cim.scenario_indices(system.present.scenario)
    assert system.present.tolerance == 0
    assert (consistent == present).all(axis=1).any()


def test_consistent_scenarios_are_few_and_varied(cim, consistent):
    assert 3 <= len(consistent) <= 12
    names = [cim.scenario_names(r) for r in consistent]
    assert {n["war_path"] for n in names} == {"grinding", "escalation", "peace"}
    assert {n["china_west"] for n in names} == {"competition", "confrontation"}


@pytest.mark.skipif(importlib.util.find_spec("upheaval.claims") is None, reason="upheaval.claims not available")
def test_every_claim_passes(system, cim):
    from upheaval.claims import check_claims

    ids = {c.id for c in system.claims}
    assert {f"C{i}" for i in range(1, 11)} <= ids
    results = check_claims(system, cim)
    failed = [f"{r.id}: {r.detail}" for r in results if not r.passed]
    assert not failed, "\n".join(failed)


def _seed_text() -> str | None:
    candidates = []
    env = os.environ.get("UPHEAVAL_SEED")
    if env:
        candidates.append(Path(env))
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "seed")
    candidates.append(Path("/work/shared/seed"))
    for c in candidates:
        files = [c] if c.is_file() else sorted(c.glob("*.txt")) if c.is_dir() else []
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            if TITLE_MARK in text:
                return text
    return None


def _words(text: str) -> list[str]:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links: keep the anchor text
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def test_no_sentence_copied_from_the_commentary():
    seed = _seed_text()
    if seed is None:
        pytest.skip("the commentary text is not shipped; set UPHEAVAL_SEED to the seed file or directory")
    n = 12
    src = _words(seed)
    grams = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    text = _model_path().read_text(encoding="utf-8")
    # The source's title is a bibliographic reference, not copied prose.
    text = text.replace(load_system().sources[0].title, "")
    mine = _words(text)
    copied = [" ".join(mine[i : i + n]) for i in range(len(mine) - n + 1) if tuple(mine[i : i + n]) in grams]
    assert not copied, f"verbatim runs of {n}+ words from the commentary: {copied[:3]}"


def test_consistent_rows_are_integers(consistent):
    assert consistent.dtype.kind == "i" and np.all(consistent >= 0)
