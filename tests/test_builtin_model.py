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
    assert 5 <= len(consistent) <= 60
    names = [cim.scenario_names(r) for r in consistent]
    assert {n["war_path"] for n in names} == {"grinding", "escalation", "peace", "flawed_deal"}
    assert {n["china_west"] for n in names} == {"competition", "confrontation"}
    assert {n["front"] for n in names} == {"holds", "destabilises"}
    # Destabilisation comes in more than one package, not only with China complicit.
    assert {n["china_seen"] for n in names if n["front"] == "destabilises"} == {"rival", "complicit"}
    # A peace in which North Korea keeps what it gained.
    assert any(n["war_path"] == "peace" and n["dprk_gains"] == "substantial" for n in names)
    # A quick deal pushed while Europe steps up (the two parts of US policy move apart).
    assert any(n["us_deal"] == "pushes_deal" and n["west_response"] == "stepped_up" for n in names)


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


# --------------------------------------------------------------------------- interventions, claims, audit
#
# An intervention (Weimer-Jehle 2006; ScenarioWizard's intervention analysis) sets descriptor D
# to V and exempts D from the consistency test; every other descriptor must take a variant
# whose impact balance is maximal. With a set of variants, D takes one of them and must be
# best among them only. The helper below applies that definition literally over every
# scenario of the model (196,608), independent of the engine's search.


class _Literal:
    def __init__(self, system) -> None:
        self.system = system
        self.cim = cim = compile_system(system)
        sizes = np.array(cim.sizes)
        n = int(np.prod(sizes))
        self.sc = np.stack(np.unravel_index(np.arange(n), sizes), axis=1).astype(np.int16)
        vals = cim.values.astype(np.int16)
        self.bal = np.zeros((n, vals.shape[0]), dtype=np.int16)
        for i, off in enumerate(cim.offsets):
            self.bal += vals[off + self.sc[:, i]]
        self.gap = np.zeros((n, len(sizes)), dtype=np.int16)  # best balance minus the chosen one
        for i, (off, size) in enumerate(zip(cim.offsets, cim.sizes, strict=True)):
            block = self.bal[:, off : off + size]
            self.gap[:, i] = block.max(axis=1) - block[np.arange(n), self.sc[:, i]]

    def allowed(self, d: str, vs) -> tuple[int, list[int]]:
        i = self.cim.descriptor_ids.index(d)
        vs = [vs] if isinstance(vs, str) else list(vs)
        return i, [self.cim.variant_ids[i].index(v) for v in vs]

    def find(self, fix=None, tolerance: int = 0) -> np.ndarray:
        keep = np.ones(len(self.sc), dtype=bool)
        exempt = set()
        for d, vs in (fix or {}).items():
            i, allowed = self.allowed(d, vs)
            exempt.add(i)
            keep &= np.isin(self.sc[:, i], allowed)
            if len(allowed) > 1:
                off = int(self.cim.offsets[i])
                best = self.bal[:, [off + a for a in allowed]].max(axis=1)
                keep &= best - self.bal[np.arange(len(self.sc)), off + self.sc[:, i]] <= tolerance
        others = [i for i in range(self.gap.shape[1]) if i not in exempt]
        keep &= (self.gap[:, others] <= tolerance).all(axis=1)
        return self.sc[keep]

    def mask(self, rows: np.ndarray, condition) -> np.ndarray:
        m = np.ones(len(rows), dtype=bool)
        for d, vs in condition.items():
            i, allowed = self.allowed(d, vs)
            m &= np.isin(rows[:, i], allowed)
        return m

    def claim(self, claim) -> tuple[bool, int, str]:
        """(passes, how many scenarios it rests on, detail) under interventions, per the claim kinds."""
        c = claim.check
        if c.kind == "consistent":
            flat = np.ravel_multi_index(self.cim.scenario_indices(c.scenario), self.cim.sizes)
            worst = int(self.gap[flat].max())
            return worst <= c.tolerance, 1, f"inconsistency {worst}"
        rows = self.find(c.given, c.tolerance)
        if c.kind == "implies":
            sel = rows[self.mask(rows, c.if_)]
            bad = int((~self.mask(sel, c.then)).sum())
            return len(sel) > 0 and bad == 0, len(sel), f"{len(sel) - bad} of {len(sel)} have `then`"
        if c.kind in ("exists", "never"):
            hits = int(self.mask(rows, c.match).sum())
            return (hits > 0) == (c.kind == "exists"), hits, f"{hits} of {len(rows)} match"
        base = self.find(c.baseline, c.tolerance)
        if len(rows) == 0 or len(base) == 0:
            return False, 0, "nothing to compare"
        share, share0 = self.mask(rows, c.outcome).mean(), self.mask(base, c.outcome).mean()
        support = min(int(self.mask(base, c.outcome).sum()), len(rows))
        ok = bool(share0 > 0 and share <= c.at_most * share0)
        return ok, support, f"{share:.0%} of {len(rows)} against {share0:.0%} of {len(base)}"


@pytest.fixture(scope="module")
def literal(system):
    return _Literal(system)


def test_literal_search_agrees_with_the_engine_without_interventions(literal, consistent):
    assert sorted(map(tuple, literal.find().tolist())) == sorted(map(tuple, consistent.tolist()))


def test_present_is_among_the_unforced_futures(system, literal):
    present = literal.cim.scenario_indices(system.present.scenario)
    assert (literal.find() == present).all(axis=1).any()


@pytest.mark.parametrize(
    "fix",
    [
        {"front": "destabilises", "china_support": "balancing"},
        {"front": "destabilises", "beijing_dprk": "restrains"},
        {"front": "destabilises", "west_response": "statements"},
        {"front": "destabilises", "us_allies": "presses_spending"},
        {"front": "destabilises", "us_allies": "usual"},
        {"front": "destabilises", "us_deal": "pushes_deal"},
        {"front": "destabilises", "us_deal": "backs_ukraine"},
        {"us_deal": "pushes_deal", "west_response": "stepped_up"},
        {"war_path": "flawed_deal"},
        {"war_path": "peace", "dprk_gains": "substantial"},
    ],
    ids=lambda f: ",".join(f"{d}={v}" for d, v in f.items()),
)
def test_the_futures_the_author_contrasts_exist_under_intervention(literal, fix):
    found = literal.find(fix)
    assert len(found) >= 1, f"no consistent future with {fix}"


def test_destabilisation_without_acquiescence_or_with_balancing_spares_china(literal):
    cw, rival = literal.allowed("china_seen", "rival")
    for fix in (
        {"front": "destabilises", "beijing_dprk": "restrains"},
        {"front": "destabilises", "china_support": "balancing"},
    ):
        found = literal.find(fix)
        assert (found[:, cw] == rival[0]).all(), fix


def test_every_consistent_scenario_is_named(system, literal):
    names = set()
    for row in literal.find():
        future = system.future_of(literal.cim.scenario_names(row))
        assert future is not None, literal.cim.scenario_names(row)
        names.add(future.id)
    assert {"rupture", "collapse_china_balances", "peace_dprk_keeps_gains", "flawed_deal", "attrition"} <= names
    present = system.future_of(system.present.scenario)
    assert present is not None and present.id == "attrition"


def test_every_claim_passes_under_interventions_and_rests_on_several_scenarios(system, literal):
    ids = [c.id for c in system.claims]
    assert {f"C{i}" for i in range(1, 11)} | {"C4b"} <= set(ids)
    problems = []
    for claim in system.claims:
        ok, support, detail = literal.claim(claim)
        if not ok:
            problems.append(f"{claim.id} fails: {detail}")
        elif claim.check.kind != "consistent" and support < 2:
            problems.append(f"{claim.id} rests on {support} scenario: {detail}")
    assert not problems, "\n".join(problems)


def _own_sections(system, claim) -> list[int]:
    """The judgement sections a claim's reasoning runs through (as `check --audit` takes them).

    Those from its premise descriptors (`given`, `if`, `baseline`) into its conclusion
    descriptors (`then`, `match`, `outcome`, a `consistent` claim's whole scenario); where
    there are none, every section into the conclusion descriptors.
    """
    c = claim.check
    premise = set(c.given) | set(c.if_) | set(c.baseline)
    conclusion = set(c.then) | set(c.match) | set(c.outcome) | set(c.scenario)
    direct = [k for k, imp in enumerate(system.impacts) if imp.source in premise and imp.target in conclusion]
    return direct or [k for k, imp in enumerate(system.impacts) if imp.target in conclusion]


def _reversed(system, sections: list[int]):
    out = system.model_copy(deep=True)
    for k in sections:
        imp = out.impacts[k]
        imp.values = {a: {b: -v for b, v in row.items()} for a, row in imp.values.items()}
    return out


@pytest.mark.parametrize("claim_id", ["C1", "C2", "C3", "C4", "C4b", "C5", "C6", "C7", "C8", "C9", "C10"])
def test_claim_fails_when_its_own_judgements_are_reversed(system, claim_id):
    claim = next(c for c in system.claims if c.id == claim_id)
    sections = _own_sections(system, claim)
    assert sections, f"{claim_id} runs through no judgement section"
    ok, _, detail = _Literal(_reversed(system, sections)).claim(claim)
    names = [f"{system.impacts[k].source}->{system.impacts[k].target}" for k in sections]
    assert not ok, f"{claim_id} still passes with {names} reversed: {detail}"


# --------------------------------------------------------------------------- storylines quote the acting row


def _acting_rows(imp) -> list[str]:
    return [a for a, row in imp.values.items() if any(row.values())]


def test_sections_whose_rows_differ_give_each_acting_row_its_own_rationale(system):
    for imp in system.impacts:
        acting = _acting_rows(imp)
        if len(acting) > 1:
            missing = [a for a in acting if not (a in imp.rows and imp.rows[a].rationale.strip())]
            assert not missing, f"{imp.source}->{imp.target}: rows {missing} have no rationale of their own"
        for a, row in imp.rows.items():
            assert row.rationale.strip(), f"{imp.source}->{imp.target} row {a}"


def test_no_storyline_bullet_quotes_a_rationale_written_for_another_row(system, literal):
    from upheaval.report import storyline

    own = {}
    for imp in system.impacts:
        for a, row in imp.rows.items():
            own.setdefault((imp.source, imp.target), {})[a] = row.rationale.strip()
    scenarios = {tuple(r) for r in literal.find().tolist()}
    for fix in ({"front": "destabilises", "beijing_dprk": "restrains"}, {"war_path": "flawed_deal"}):
        scenarios |= {tuple(r) for r in literal.find(fix).tolist()}
    checked = 0
    for row in sorted(scenarios):
        story = storyline(system, np.array(row), literal.cim)
        for step in story.steps:
            for inf in step.promoted_by + step.hindered_by:
                rows = own.get((inf.source_descriptor, inf.target_descriptor), {})
                others = {text for a, text in rows.items() if a != inf.source_variant}
                assert inf.rationale not in others, (
                    f"{inf.source_descriptor}={inf.source_variant} -> {inf.target_descriptor}: quotes another row"
                )
                if inf.source_variant in rows:
                    assert inf.rationale == rows[inf.source_variant]
                checked += 1
    assert checked > 500


# --------------------------------------------------------------------------- the reading of the commentary


def test_the_conclusions_conditional_runs_through_the_western_view_of_china(system):
    into = {i.source for i in system.impacts if i.target == "china_seen"}
    assert {"front", "china_support", "dprk_role", "beijing_dprk"} <= into
    pairs = {(i.source, i.target) for i in system.impacts}
    # Being an adjacent belligerent "in the eyes of" the West is not the war spreading.
    assert not pairs & {
        ("front", "spread"),
        ("china_support", "spread"),
        ("china_west", "spread"),
        ("china_seen", "spread"),
    }
    # US policy is two descriptors, neither locked to Europe's response alone.
    assert [i.source for i in system.impacts if i.target == "us_deal"] == ["war_path"]
    assert [i.source for i in system.impacts if i.target == "us_allies"] == ["west_response"]


@pytest.mark.parametrize(
    "pair",
    [("china_support", "front"), ("west_response", "front"), ("spread", "peninsula"), ("dprk_role", "front"),
     ("beijing_dprk", "dprk_role"), ("front", "west_response")],
)  # fmt: skip
def test_inferred_links_are_marked(system, pair):
    (imp,) = system.impact_sections(*pair)
    texts = [imp.rationale] + [imp.rows[a].rationale for a in _acting_rows(imp) if a in imp.rows]
    assert all("Modelling judgement:" in t for t in texts if t), pair


def test_minor_readings(system):
    ties = {t.id: t for t in _all_ties(system)}
    assert ties["usa_prk_targeting"].until is None
    assert ties["rus_prk_payment"].since is None
    assert not any(t.kind == "sanctions" for t in ties.values())
    labels = " ".join(t.label for t in ties.values()).lower()
    assert "treaty" not in labels and "collective defence" not in labels  # the text's words: agreement, security
    assert "collective security" in ties["nato_kor_liaison"].label
    rationales = " ".join(i.rationale + " ".join(r.rationale for r in i.rows.values()) for i in system.impacts)
    assert "signature management" in rationales and "logistics" in rationales
    (gains,) = system.impact_sections("dprk_gains", "peninsula")
    assert any(c.section == SECTIONS[2] and c.paragraph == 5 for c in gains.reason("substantial")[1])


def test_check_audit_passes_every_claim(system, cim):
    """`upheaval check --audit`: every claim passes and fails once its own judgements are reversed."""
    from upheaval.analysis import audit_claims

    audits = audit_claims(system, cim, n_samples=0)
    assert [a.id for a in audits] == [c.id for c in system.claims]
    bad = [f"{a.id}: {a.verdict}" for a in audits if not (a.passed and a.tested)]
    assert not bad, "\n".join(bad)
    thin = [f"{a.id}: {w}" for a in audits for w in a.warnings]
    assert not thin, "\n".join(thin)
