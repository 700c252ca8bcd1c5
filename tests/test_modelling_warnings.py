"""Modelling warnings (ties, unmatched futures, claims that restate their judgement, constant descriptors),
the dominance check behind "restates its judgement", context descriptors, and declared camps."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from upheaval import camps, cib, load
from upheaval.analysis import audit_claims, dominance, modelling_warnings, tie_descriptors
from upheaval.analysis._audit import _strike
from upheaval.cli import app
from upheaval.model import ClaimCheck, coverage, parse_yaml

runner = CliRunner()
DATA = Path(__file__).parent / "data"

HEAD = """\
id: warn
title: Warnings
as_of: "2024"
descriptors:
  - {id: a, label: A, variants: [{id: a1, label: a one}, {id: a2, label: a two}]}
  - {id: b, label: B, variants: [{id: b1, label: b one}, {id: b2, label: b two}]}
  - {id: c, label: C, variants: [{id: c1, label: c one}, {id: c2, label: c two}]}
"""


def _model(*parts: str):
    return parse_yaml(HEAD + "".join(textwrap.dedent(p).rstrip(" ") for p in parts))


def _codes(system) -> list[str]:
    return [f.code for f in modelling_warnings(system)]


# --------------------------------------------------------------------------- the dominance check


def _brute(cim, given: dict[int, set[int]], where: dict[int, set[int]]) -> np.ndarray:
    """Every scenario consistent under the intervention `given` and the restriction `where`, by enumeration."""
    found, _, _ = cib.brute_force_consistent(
        cim,
        0,
        fix={i: sorted(v) for i, v in given.items()} or None,
        where={i: sorted(v) for i, v in where.items()} or None,
    )
    return found


@pytest.mark.parametrize("seed", range(40))
def test_struck_variants_are_in_no_consistent_scenario(seed):
    """Soundness of the dominance relaxation: what it strikes out, the literal search never finds."""
    rng = np.random.default_rng(seed)
    sizes = tuple(int(x) for x in rng.integers(2, 4, size=5))
    n = sum(sizes)
    values = rng.integers(-3, 4, size=(n, n)) * (rng.random((n, n)) < 0.5)
    cim = cib.CrossImpactMatrix(values, sizes)
    i, j = rng.choice(len(sizes), size=2, replace=False)
    given = {int(i): {int(rng.integers(sizes[i]))}}
    where = {int(j): {int(rng.integers(sizes[j]))}}
    domains = [set(range(s)) for s in sizes]
    for k, v in {**given, **where}.items():
        domains[k] = set(v)
    start = [set(d) for d in domains]
    _strike(cim, domains, {k: sorted(v) for k, v in given.items()}, start)
    found = _brute(cim, given, where)
    for row in found:
        for k, v in enumerate(row):
            assert int(v) in domains[k], (seed, k, v, domains)


@pytest.mark.parametrize("seed", range(40))
def test_a_claim_that_restates_its_judgement_is_decided_whatever_the_system(seed):
    """When the check says the premise decides the conclusion, every consistent scenario under the premise
    agrees with it, in the nominal matrix and in matrices that differ only outside the sections it used."""
    rng = np.random.default_rng(100 + seed)
    sizes = (2, 2, 2, 3)
    n = sum(sizes)
    values = rng.integers(-3, 4, size=(n, n)) * (rng.random((n, n)) < 0.6)
    cim = cib.CrossImpactMatrix(values, sizes, ("a", "b", "c", "d"))
    check = ClaimCheck.model_validate({"kind": "implies", "fix": {"a": "v1"}, "then": {"d": "v1"}})
    dom = dominance(cim, check)
    found = _brute(cim, {0: {0}}, {})
    if dom.restates:
        assert all(int(r[3]) == 0 for r in found)
    else:
        assert "d" not in dom.decided or dom.decided["d"] != ("v1",)


def test_dominance_flags_claims_read_back_from_their_cells():
    rigged = load(DATA / "rigged.yaml")
    cim = cib.compile_system(rigged)
    flags = [dominance(cim, c.check) for c in rigged.claims]
    assert [f.restates for f in flags] == [True, True]
    assert "b=b1 (rows of a, c)" in flags[0].reason  # c pulls b to b1 whatever c is
    # a claim across a feedback loop is not decided by its premise: the system decides it
    loop = _model(
        """\
        impacts:
          - {from: a, to: b, values: {a1: {b1: 1, b2: -1}}, rationale: r}
          - {from: c, to: b, values: {c1: {b1: 1, b2: -1}, c2: {b1: -2, b2: 2}}, rationale: r}
          - {from: b, to: c, values: {b1: {c1: 2, c2: -2}, b2: {c1: -2, c2: 2}}, rationale: r}
        claims:
          - id: L
            text: with a1, b settles at b1
            check: {kind: exists, fix: {a: a1}, match: {b: b1}}
        """
    )
    assert not dominance(cib.compile_system(loop), loop.claims[0].check).restates


def test_check_audit_reports_restating_claims_and_exits_1():
    res = runner.invoke(app, ["check", str(DATA / "rigged.yaml"), "--audit", "--samples", "0"], env={"COLUMNS": "100"})
    assert res.exit_code == 1
    assert "restate their judgement" in res.output and "C2" in res.output.split("restate their judgement")[-1]
    audits = audit_claims(load(DATA / "rigged.yaml"), n_samples=0)
    assert all(a.restates and not a.sound for a in audits)
    assert audits[1].verdict.startswith("restates its judgement")


# --------------------------------------------------------------------------- the warnings


def test_tie_warning_names_the_scenario_and_the_descriptors_that_tie():
    system = _model(
        """\
        impacts:
          - {from: a, to: b, values: {a1: {b1: 2, b2: -2}, a2: {b1: -2, b2: 2}}, rationale: r}
          - {from: b, to: a, values: {b1: {a1: 2, a2: -2}, b2: {a1: -2, a2: 2}}, rationale: r}
          - {from: a, to: c, values: {a1: {c1: 1, c2: -1}, a2: {c1: 1, c2: 1}}, rationale: r}
        """
    )
    cim = cib.compile_system(system)
    rows = cib.find_consistent(cim).indices
    ties = tie_descriptors(cim, rows)
    # a2 gives c1 and c2 the same +1: c ties wherever a is a2, and only there
    assert [t for t in ties] == [[2] if row[0] == 1 else [] for row in rows]
    for row, t in zip(rows, ties, strict=True):
        assert bool(t) == (cib.consistency_value(cim, row) == 0)
    found = [f for f in modelling_warnings(system) if f.code == "tie"]
    assert len(found) == sum(1 for t in ties if t) == 2
    assert all("c (c" in f.message and "upheaval explain S" in f.help for f in found)


def test_unmatched_future_is_warned_unless_a_declared_intervention_produces_it():
    body = """\
        impacts:
          - {from: a, to: b, values: {a1: {b1: 2, b2: -2}, a2: {b1: -2, b2: 2}}, rationale: r}
          - {from: b, to: a, values: {b1: {a1: 2, a2: -2}, b2: {a1: -2, a2: 2}}, rationale: r}
          - {from: b, to: c, values: {b1: {c1: 2, c2: -2}, b2: {c1: 2, c2: -2}}, rationale: r}
        futures:
          - {id: never, name: Never seen, match: {c: c2}}
          - {id: mixed, name: Mixed, match: {a: a1, b: b2}}
        """
    system = _model(body)
    found = [f for f in modelling_warnings(system) if f.code == "unmatched-future"]
    assert {f.message.split("`")[1] for f in found} == {"never", "mixed"}
    claimed = _model(
        body,
        """\
        claims:
          - id: K
            text: forced, a1 goes with b1
            check: {kind: implies, fix: {a: a1, b: b2}, then: {c: c1}}
        """,
    )
    still = [f.message.split("`")[1] for f in modelling_warnings(claimed) if f.code == "unmatched-future"]
    assert still == ["never"]  # `mixed` is what the claim's intervention produces


def test_constant_descriptor_is_warned():
    system = _model(
        """\
        impacts:
          - {from: a, to: b, values: {a1: {b1: 2, b2: -2}, a2: {b1: -2, b2: 2}}, rationale: r}
          - {from: b, to: a, values: {b1: {a1: 2, a2: -2}, b2: {a1: -2, a2: 2}}, rationale: r}
          - {from: b, to: c, values: {b1: {c1: 2, c2: -2}, b2: {c1: 2, c2: -2}}, rationale: r}
        """
    )
    found = [f for f in modelling_warnings(system) if f.code == "constant-descriptor"]
    assert [f.field for f in found] == ["descriptors[2]"] and "`c1`" in found[0].message


def test_warnings_are_printed_by_validate_analyze_and_check(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text((DATA / "rigged.yaml").read_text())
    for cmd in (["validate", str(path)], ["analyze", str(path)], ["check", str(path)]):
        res = runner.invoke(app, cmd, env={"COLUMNS": "120"})
        assert "warning[restates-judgement]" in res.output, (cmd, res.output)


def test_the_init_model_and_the_builtin_model_have_no_modelling_warning(tmp_path):
    path = tmp_path / "new.yaml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    assert modelling_warnings(load(path)) == []
    assert coverage(load(path)) == []
    builtin = modelling_warnings(load())
    assert builtin == [], [f.message for f in builtin]


# --------------------------------------------------------------------------- context descriptors


def test_context_descriptors_silence_the_unjudged_warning_and_are_exempt():
    body = """\
        impacts:
          - {from: a, to: b, values: {a1: {b1: 2, b2: -2}, a2: {b1: -2, b2: 2}}, rationale: r}
          - {from: b, to: c, values: {b1: {c1: 2, c2: -2}, b2: {c1: -2, c2: 2}}, rationale: r}
        """
    plain = _model(body)
    assert [f.field for f in coverage(plain) if f.code == "unjudged-descriptor"] == ["descriptors[0]"]
    ctx = parse_yaml(HEAD.replace("{id: a, label: A,", "{id: a, label: A, context: true,") + textwrap.dedent(body))
    assert not [f for f in coverage(ctx) if f.code == "unjudged-descriptor"]
    assert "tie" not in _codes(ctx)  # a's two variants tie by construction: it is set from outside
    from upheaval.analysis import explain

    view = explain(ctx, {"a": "a1", "b": "b1", "c": "c1"})
    assert view.descriptors[0].exempt == "context" and view.descriptors[0].margin is None
    assert view.consistency_value == 4
    wrong = parse_yaml(HEAD.replace("{id: b, label: B,", "{id: b, label: B, context: true,") + textwrap.dedent(body))
    assert [f.code for f in coverage(wrong) if f.code == "context-acted-on"] == ["context-acted-on"]


# --------------------------------------------------------------------------- camps

CAMPS = """\
id: strike
title: A strike talked down
as_of: "2024"
sources:
  - {id: s, title: A commentary}
actors:
  - {code: USA, name: United States, camp: {usa}}
  - {code: ISR, name: Israel, camp: west}
  - {code: GBR, name: United Kingdom, camp: west}
  - {code: IRN, name: Iran, camp: axis}
  - {code: HEZ, name: Hezbollah, kind: group, own_code: true, camp: axis}
ties:
  - {id: talk-down, from: USA, to: ISR, kind: pressure, {sign}cites: [{source: s, paragraph: 2}]}
  - {id: talks, from: USA, to: IRN, kind: mediation, cites: [{source: s, paragraph: 3}]}
  - {id: uk, from: GBR, to: ISR, kind: intelligence, cites: [{source: s, paragraph: 3}]}
  - {id: proxy, from: IRN, to: HEZ, kind: munitions, cites: [{source: s, paragraph: 4}]}
  - {id: war, from: ISR, to: HEZ, kind: combat, cites: [{source: s, paragraph: 5}]}
  - {id: threat, from: IRN, to: ISR, kind: threat, cites: [{source: s, paragraph: 6}]}
descriptors:
  - {id: d, label: D, variants: [{id: x, label: x}, {id: y, label: y}]}
"""


def test_declared_camps_win_and_the_balance_derived_ones_are_shown_beside(tmp_path):
    text = CAMPS.replace("{usa}", "west").replace("{sign}", "")
    system = parse_yaml(text)
    part = camps(system)
    assert part.camp_of["USA"] == "west"  # declared, whatever the pressure ties say
    assert part.structural["USA"] == "axis"  # a `pressure` tie counts as hostile: balance puts it with Iran
    (d,) = part.disagreements
    assert d.actor == "USA" and d.declared == "west" and sorted(d.ties) == [("IRN", 1), ("ISR", -1)]
    assert "USA–ISR (hostile)" in d.sentence()
    path = tmp_path / "strike.yaml"
    path.write_text(text)
    res = runner.invoke(app, ["network", str(path)], env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    assert "declared camps" in res.output and "disagreement: USA is declared `west`" in res.output


def test_a_tie_may_set_its_own_sign():
    signed = parse_yaml(CAMPS.replace("{usa}", "west").replace("{sign}", "sign: cooperative, "))
    assert all(t.polarity == 1 for t in signed.ties if t.kind == "pressure")
    part = camps(signed)
    assert part.structural["USA"] == "west" and not part.disagreements


def test_bloc_is_still_read_with_a_warning_and_camp_wins():
    old = parse_yaml(CAMPS.replace("camp: {usa}", "bloc: west").replace("{sign}", ""))
    assert old.actor("USA").camp == "west"
    (f,) = [f for f in coverage(old) if f.code == "bloc-key"]
    assert "USA" in f.message and "camp: west" in f.help
    from upheaval.errors import ModelError

    with pytest.raises(ModelError, match="keep `camp`"):
        parse_yaml(CAMPS.replace("camp: {usa}", "camp: west, bloc: axis").replace("{sign}", ""))
