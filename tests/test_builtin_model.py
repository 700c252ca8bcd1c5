"""The built-in model `dprk-ukraine-2024` (Thompson, RSIS Commentary, November 2024)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from _seed import ABSENT, SEED
from upheaval import load
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
    return load()


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


def test_modelling_judgements_are_marked_few_and_weak(system):
    """Rows whose link the text does not state open with "Modelling judgement:" and stay within +-2."""
    acting = judged = 0
    for imp in system.impacts:
        for a, row in imp.values.items():
            if not any(row.values()):
                continue
            acting += 1
            rationale, _ = imp.reason(a)
            if rationale.startswith("Modelling judgement:"):
                judged += 1
                assert max(abs(v) for v in row.values()) <= 2, f"{imp.source}.{a} -> {imp.target} is a strong guess"
    assert judged <= acting * 0.6, f"{judged} of {acting} acting rows are modelling judgements"


def test_present_is_consistent_on_a_margin(system, cim, consistent):
    from upheaval.analysis import explain

    present = cim.scenario_indices(system.present.scenario)
    assert system.present.tolerance == 0
    assert (consistent == present).all(axis=1).any()
    view = explain(system, present, cim)
    assert min(d.margin for d in view.descriptors) >= 2, [(d.descriptor, d.margin) for d in view.descriptors]


def test_present_survives_most_of_the_audits_samples(system, cim):
    from upheaval.analysis import audit_claims

    (audit,) = [a for a in audit_claims(system, cim, n_samples=200, random_state=0) if a.id == "C8"]
    assert audit.share >= 0.5, audit.share


def test_consistent_scenarios_are_few_varied_and_stand_on_margins(cim, consistent):
    from upheaval.cib import consistency_value

    assert 4 <= len(consistent) <= 12
    names = [cim.scenario_names(r) for r in consistent]
    assert {n["war_path"] for n in names} == {"grinding", "escalation", "peace", "flawed_deal"}
    assert {n["china_west"] for n in names} == {"competition", "confrontation"}
    for d in cim.descriptor_ids:
        assert len({n[d] for n in names}) > 1, f"{d} never changes: within the model it is not uncertain"
    assert all(consistency_value(cim, r) >= 1 for r in consistent)


def _words(text: str) -> list[str]:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links: keep the anchor text
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))


def test_no_sentence_copied_from_the_commentary():
    if not SEED.exists():
        pytest.skip(ABSENT)
    seed = SEED.read_text(encoding="utf-8", errors="replace")
    assert TITLE_MARK in seed, f"{SEED} is not the seed commentary"
    n = 12
    src = _words(seed)
    grams = {tuple(src[i : i + n]) for i in range(len(src) - n + 1)}
    text = _model_path().read_text(encoding="utf-8")
    # The source's title is a bibliographic reference, not copied prose.
    text = text.replace(load().sources[0].title, "")
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
        rows = self.find(c.fix, c.tolerance)
        if c.kind == "implies":
            sel = rows[self.mask(rows, c.where)]
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


def _share(literal, fix, outcome=None) -> tuple[int, float]:
    rows = literal.find(fix)
    hit = literal.mask(rows, outcome or {"china_west": "confrontation"})
    return len(rows), float(hit.mean()) if len(rows) else float("nan")


def test_the_synopsis_route_exists_with_the_west_quiet(literal):
    rows = literal.find()
    route = {"west_response": "statements", "front": "destabilises", "china_support": "expanded",
             "beijing_dprk": "acquiesces", "china_west": "confrontation"}  # fmt: skip
    assert literal.mask(rows, route).any()


@pytest.mark.parametrize(
    "fix",
    [
        {"front": "holds"},
        {"beijing_dprk": "restrains"},
        {"china_support": "balancing"},
        {"war_path": "peace"},
        {"front": "holds", "china_support": "expanded", "beijing_dprk": "acquiesces", "dprk_role": "combat"},
    ],
    ids=lambda f: ",".join(f"{d}={v}" for d, v in f.items()),
)
def test_the_contrasts_avoid_confrontation_under_intervention(literal, fix):
    n, share = _share(literal, fix)
    assert n >= 1 and share == 0, f"{fix}: {share:.0%} of {n} futures in confrontation"


def test_a_satisfactory_peace_lowers_the_risk_more_than_a_flawed_deal(literal):
    n_peace, peace = _share(literal, {"war_path": "peace"})
    n_flawed, flawed = _share(literal, {"war_path": "flawed_deal"})
    _, unforced = _share(literal, None)
    assert n_peace and n_flawed
    assert peace < flawed and peace < unforced, (peace, flawed, unforced)


def test_peace_comes_through_the_us_push(literal):
    i, (backs,) = literal.allowed("us_deal", "backs_ukraine")
    p, (peace,) = literal.allowed("war_path", "peace")
    unforced = literal.find()
    assert not ((unforced[:, i] == backs) & (unforced[:, p] == peace)).any()
    assert not (literal.find({"us_deal": "backs_ukraine"})[:, p] == peace).any()
    assert (literal.find({"us_deal": "pushes_deal"})[:, p] == peace).any()


def test_no_future_undoes_the_deployment_without_a_settlement(literal):
    """North Korea's soldiers go home only once a deal stops the fighting, and a row says so."""
    d, (munitions,) = literal.allowed("dprk_role", "munitions")
    w, settled = literal.allowed("war_path", ["peace", "flawed_deal"])
    rows = literal.find()
    home = rows[rows[:, d] == munitions]
    assert len(home) and np.isin(home[:, w], settled).all()


def test_every_consistent_scenario_is_named_and_every_future_matches(system, literal):
    names = set()
    for row in literal.find():
        future = system.future_of(literal.cim.scenario_names(row))
        assert future is not None, literal.cim.scenario_names(row)
        names.add(future.id)
    assert names == {f.id for f in system.futures}
    present = system.future_of(system.present.scenario)
    assert present is not None and present.id == "attrition"


def test_every_claim_passes_under_interventions(system, literal):
    problems = []
    for claim in system.claims:
        ok, support, detail = literal.claim(claim)
        if not ok:
            problems.append(f"{claim.id} fails: {detail}")
        elif claim.check.kind in ("implies",) and support < 2:
            problems.append(f"{claim.id} rests on {support} scenario: {detail}")
    assert not problems, "\n".join(problems)


def _own_sections(system, claim) -> list[int]:
    """The judgement sections a claim's reasoning runs through (as `check --audit` takes them).

    Those from its premise descriptors (`given`, `if`, `baseline`) into its conclusion
    descriptors (`then`, `match`, `outcome`, a `consistent` claim's whole scenario); where
    there are none, every section into the conclusion descriptors.
    """
    c = claim.check
    premise = set(c.fix) | set(c.where) | set(c.baseline)
    conclusion = set(c.then) | set(c.match) | set(c.outcome) | set(c.scenario)
    direct = [k for k, imp in enumerate(system.impacts) if imp.source in premise and imp.target in conclusion]
    return direct or [k for k, imp in enumerate(system.impacts) if imp.target in conclusion]


def _reversed(system, sections: list[int]):
    out = system.model_copy(deep=True)
    for k in sections:
        imp = out.impacts[k]
        imp.values = {a: {b: -v for b, v in row.items()} for a, row in imp.values.items()}
    return out


def test_every_claim_fails_when_its_own_judgements_are_reversed(system):
    for claim in system.claims:
        sections = _own_sections(system, claim)
        assert sections, f"{claim.id} runs through no judgement section"
        ok, _, detail = _Literal(_reversed(system, sections)).claim(claim)
        names = [f"{system.impacts[k].source}->{system.impacts[k].target}" for k in sections]
        assert not ok, f"{claim.id} still passes with {names} reversed: {detail}"


def test_no_claim_restates_its_judgement(system, cim):
    """Each claim's premise leaves its conclusion open by dominance: the consistent futures decide it."""
    from upheaval.analysis import dominance

    for claim in system.claims:
        dom = dominance(cim, claim.check)
        assert not dom.restates, f"{claim.id}: {dom.reason}"


def test_the_claims_are_the_authors_conditionals_and_contrasts(system):
    checks = {c.id: c.check for c in system.claims}
    premises = {cid: {**c.fix, **c.where} for cid, c in checks.items()}
    assert any(c.kind == "exists" and c.match.get("west_response") == "statements"
               and c.match.get("china_west") == "confrontation" for c in checks.values())  # fmt: skip
    assert {"front": "holds"} in premises.values()
    assert {"beijing_dprk": "restrains"} in premises.values()
    assert any(
        c.kind == "lowers" and "flawed_deal" in str(c.fix) and "peace" in str(c.baseline) for c in checks.values()
    )


def test_check_audit_passes_every_claim(system, cim):
    """`upheaval check --audit`: every claim passes, fails once its own judgements are reversed, and does not
    restate its judgement."""
    from upheaval.analysis import audit_claims

    audits = audit_claims(system, cim, n_samples=0)
    assert [a.id for a in audits] == [c.id for c in system.claims]
    bad = [f"{a.id}: {a.verdict}" for a in audits if not a.sound]
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- storylines

# Phrases by which a rationale asserts a variant of another descriptor. A storyline bullet (the
# rationale of the row that does most for its step) must assert only variants its scenario has.
ASSERTS = {
    ("dprk_role", "munitions"): ["soldiers go home", "soldiers home", "soldiers gone", "no north korean soldiers at"],
    ("dprk_role", "combat"): ["fighting at scale", "fight at scale", "larger combat role"],
    ("front", "holds"): ["lines hold", "front holds", "stalemate"],
    ("front", "destabilises"): ["giving way", "faltering"],
    ("west_response", "statements"): [
        "weak response",
        "reaction of nothing",
        "lack of a response",
        "settle for statements",
        "restraint shown by nato",
    ],
    ("west_response", "stepped_up"): ["steps up", "imposes costs", "visibly backed", "tangible western support"],
    ("us_deal", "pushes_deal"): ["bent on a quick deal"],
    ("us_deal", "backs_ukraine"): ["keeps backing kyiv", "only backs kyiv"],
    ("china_support", "expanded"): ["expands its own support", "expanded chinese"],
    ("china_support", "balancing"): ["intent on keeping it", "within a balance", "within the balance"],
    ("beijing_dprk", "acquiesces"): ["beijing goes along", "stayed quiet"],
    ("beijing_dprk", "restrains"): ["reining pyongyang in", "presses pyongyang"],
    ("china_seen", "complicit"): ["china held complicit"],
    ("china_west", "confrontation"): ["ties with the west are irreparably harmed"],
    ("war_path", "peace"): ["satisfactory peace ends"],
    ("war_path", "flawed_deal"): ["deal on poor terms for kyiv is one"],
    ("war_path", "escalation"): ["worsens and widens", "is widening"],
    ("rok_response", "supports_ukraine"): ["seoul arming ukraine"],
}


def _storyline_futures(system, literal):
    """Every consistent scenario, unforced and under each claim's intervention, with the descriptors it fixes."""
    out = {tuple(r): frozenset() for r in literal.find().tolist()}
    for claim in system.claims:
        for cond in (claim.check.fix, claim.check.baseline):
            if cond:
                for r in literal.find(cond).tolist():
                    out.setdefault(tuple(r), frozenset(cond))
    return sorted(out.items())


def test_every_bullet_has_a_rationale_that_asserts_only_its_own_future(system, literal):
    from upheaval.report import storyline

    checked = 0
    for row, fixed in _storyline_futures(system, literal):
        story = storyline(system, np.array(row), literal.cim)
        names = story.scenario
        for step in story.steps:
            if step.descriptor in fixed:
                continue  # set by the intervention: no row has to hold it
            assert step.reason is not None and step.reason.rationale, f"{names}: no reason for {step.descriptor}"
            text = step.reason.rationale.lower()
            for (d, v), phrases in ASSERTS.items():
                if any(p in text for p in phrases):
                    assert names[d] == v, (
                        f"the bullet for {step.descriptor}={step.variant} ({step.reason.source_descriptor}="
                        f"{step.reason.source_variant}) asserts {d}={v} in a future with {d}={names[d]}"
                    )
            checked += 1
    assert checked >= 12 * 5


def test_sections_whose_rows_differ_give_each_acting_row_its_own_rationale(system):
    for imp in system.impacts:
        acting = [a for a, row in imp.values.items() if any(row.values())]
        if len(acting) > 1:
            missing = [a for a in acting if not (a in imp.rows and imp.rows[a].rationale.strip())]
            assert not missing, f"{imp.source}->{imp.target}: rows {missing} have no rationale of their own"


def test_the_conclusions_conditional_runs_through_the_western_view_of_china(system):
    into = {i.source for i in system.impacts if i.target == "china_seen"}
    assert {"front", "china_support", "dprk_role", "beijing_dprk"} <= into
    # the Western view, China's own support (the Synopsis) and the war's course move the relationship itself
    assert {i.source for i in system.impacts if i.target == "china_west"} == {"china_seen", "china_support", "war_path"}
    # a satisfactory peace and a flawed deal have rows and drivers of their own
    (into_war,) = [i for i in system.impacts if (i.source, i.target) == ("front", "war_path")]
    assert into_war.values["destabilises"]["flawed_deal"] > 0 > into_war.values["destabilises"]["peace"]
    (onto_west,) = [i for i in system.impacts if (i.source, i.target) == ("war_path", "china_west")]
    assert onto_west.values["peace"]["competition"] > 0 and "flawed_deal" not in onto_west.values


def test_nato_has_its_cameo_code_and_camps_are_declared(system):
    assert system.actor("NATO").cameo == "IGONAT"
    assert {a.camp for a in system.actors} == {"axis", "west"}
    from upheaval import camps

    part = camps(system)
    assert not part.disagreements and part.frustration == 0
