"""Claims that must be able to fail: validation per kind, vacuity, thin support, and the audit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from upheaval import cib, load
from upheaval.analysis import audit_claims, change_sections, claim_sections
from upheaval.claims import check_claims
from upheaval.cli import app
from upheaval.errors import ModelError
from upheaval.model import parse_yaml

DATA = Path(__file__).parent / "data"
runner = CliRunner()

HEAD = """\
id: t
title: Claims under test
as_of: "2024"
descriptors:
  - id: a
    label: A
    variants: [{id: a1, label: a one}, {id: a2, label: a two}]
  - id: b
    label: B
    variants: [{id: b1, label: b one}, {id: b2, label: b two}]
impacts:
  - from: a
    to: b
    values: {a1: {b1: 2, b2: -2}, a2: {b1: -2, b2: 2}}
  - from: b
    to: a
    values: {b1: {a1: 1}, b2: {a2: 1}}
claims:
  - id: C1
    text: the claim
    check:
"""


def problems(check_yaml: str) -> list:
    text = HEAD + "".join(f"      {line}\n" for line in check_yaml.strip().splitlines())
    with pytest.raises(ModelError) as exc:
        parse_yaml(text, "t.yaml")
    return exc.value.problems


@pytest.mark.parametrize(
    ("check", "field", "words"),
    [
        ("kind: implies\nfix: {a: a1}\nthen: {}", "then", "needs a non-empty `then`"),
        ("kind: implies\nfix: {a: a1}", "then", "needs a non-empty `then`"),
        ("kind: implies\nfix: {a: a1}\nthen: {a: a1}", "then", "follows from `fix`/`where` alone"),
        ("kind: implies\nwhere: {a: [a1]}\nthen: {a: [a1, a2]}", "then", "follows from `fix`/`where` alone"),
        ("kind: implies\nfix: {a: a1}\nwhere: {a: a2}\nthen: {b: b1}", "where", "`fix` excludes"),
        ("kind: exists\nmatch: {}", "match", "needs a non-empty `match`"),
        ("kind: exists\nfix: {a: a1}\nmatch: {a: a1}", "match", "follows from `fix` alone"),
        ("kind: never\nfix: {a: a1}\nmatch: {a: a2, b: b1}", "match", "excludes"),
        ("kind: never\nmatch: {b: []}", "match", "no variant"),
        ("kind: lowers\nfix: {a: a1}\noutcome: {b: b1}", "at_most", "below 1"),
        ("kind: lowers\nfix: {a: a1}\noutcome: {b: b1}\nat_most: 1", "at_most", "less than 1"),
        ("kind: lowers\nfix: {a: a1}\noutcome: {a: a1}\nat_most: 0.5", "outcome", "decided by the intervention"),
        ("kind: lowers\noutcome: {b: b1}\nat_most: 0.5", "fix", "non-empty `fix`"),
        ("kind: consistent", "scenario", "non-empty `scenario`"),
        ("kind: exists\nmatch: {b: b1}\nthen: {b: b1}", "then", "does not use `then`"),
        # the old names of fix and where are still read, and named as written
        ("kind: implies\ngiven: {a: a1}\nif: {a: a2}\nthen: {b: b1}", "if", "`given` excludes"),
        ("kind: implies\ngiven: {a: a1}\nthen: {a: a1}", "then", "follows from `given`/`where` alone"),
        ("kind: implies\ngiven: {a: a1}\nfix: {a: a1}\nthen: {b: b1}", "given", "keep `fix`"),
        ("kind: exists\nif: {a: a1}\nmatch: {b: b1}", "if", "does not use `if`"),
    ],
)
def test_malformed_claims_are_refused_at_their_line(check, field, words):
    found = problems(check)
    assert len(found) == 1, found
    p = found[0]
    assert words in p.message
    assert p.field == f"claims[0].check.{field}" or (field == "then" and "then" not in check)
    lines = (HEAD + check).splitlines()
    assert p.line > HEAD.count("\n") - 1 and p.line <= len(lines) + 1


def test_line_points_at_the_offending_field():
    p = problems("kind: implies\ngiven: {a: a1}\nthen: {a: a1}")[0]
    assert p.line == HEAD.count("\n") + 3 and "then" in p.source_line


def test_validate_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "      kind: exists\n      match: {}\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:{HEAD.count(chr(10)) + 2}" in res.stderr
    assert "Traceback" not in res.output + res.stderr


def system_with(check_yaml: str):
    return parse_yaml(HEAD + "".join(f"      {line}\n" for line in check_yaml.strip().splitlines()))


def test_vacuous_sides_fail_for_every_kind():
    # a and b chase each other round a cycle: no scenario is consistent
    cycle = HEAD.replace("values: {b1: {a1: 1}, b2: {a2: 1}}", "values: {b1: {a1: -1, a2: 1}, b2: {a1: 1, a2: -1}}")
    for check in (
        "kind: never\nmatch: {a: a2}",
        "kind: exists\nmatch: {a: a2}",
        "kind: implies\nthen: {a: a2}",
        "kind: lowers\ngiven: {b: b1}\noutcome: {a: a1}\nat_most: 0.5",
    ):
        system = parse_yaml(cycle + "".join(f"      {line}\n" for line in check.splitlines()))
        assert len(cib.find_consistent(cib.compile_system(system))) == 0
        r = check_claims(system)[0]
        assert not r.passed and r.vacuous and "vacuous" in r.detail, (check, r.detail)


def test_equal_shares_no_longer_pass_and_thin_support_is_warned():
    s = system_with("kind: lowers\ngiven: {a: a1}\nbaseline: {a: a1}\noutcome: {b: b1}\nat_most: 0.9")
    r = check_claims(s)[0]
    assert not r.passed  # same intervention on both sides: equal shares
    assert r.support == {"intervention": 1, "baseline": 1}
    assert r.warnings and all("thin support" in w for w in r.warnings)
    res = runner.invoke(app, ["check", str(DATA / "rigged.yaml")])
    assert "thin support" in res.output


def test_audit_flags_a_claim_rigged_to_pass():
    system = load(DATA / "rigged.yaml")
    audits = {a.id: a for a in audit_claims(system, n_samples=30, random_state=0)}
    rigged, honest = audits["C1"], audits["C2"]
    assert rigged.passed and not rigged.tested and rigged.all_reversed_passes
    assert "not tested by its own judgements" in rigged.verdict
    assert [(s.source, s.target) for s in rigged.sections] == [("a", "b")]
    assert honest.tested and not honest.all_reversed_passes
    assert [(s.source, s.target) for s in honest.sections] == [("c", "c")]  # none from a into c: those into c
    assert 0 <= rigged.share <= 1 and rigged.n_samples == 30
    again = {a.id: a for a in audit_claims(system, n_samples=30, random_state=0)}
    assert again["C1"].hits == rigged.hits  # seeded


def test_audit_reversal_really_changes_the_matrix():
    system = load(DATA / "rigged.yaml")
    cim = cib.compile_system(system)
    sections, _ = claim_sections(cim, system.claims[0].check)
    rev = change_sections(cim, sections, "reverse")
    rem = change_sections(cim, sections, "remove")
    block = np.s_[0:2, 2:4]  # a -> b
    assert (rev.values[block] == -cim.values[block]).all() and cim.values[block].any()
    assert not rem.values[block].any()
    rest = np.ones_like(cim.values, dtype=bool)
    rest[block] = False
    assert (rev.values[rest] == cim.values[rest]).all() and (rem.values[rest] == cim.values[rest]).all()
    assert rev.scale == cim.scale


def test_check_audit_cli_exits_1_and_prints_json():
    res = runner.invoke(app, ["check", str(DATA / "rigged.yaml"), "--audit", "--samples", "20", "--json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    by_id = {a["id"]: a for a in data["audit"]["claims"]}
    assert not by_id["C1"]["tested"] and by_id["C2"]["tested"]
    assert by_id["C1"]["robustness"]["n_samples"] == 20
    assert data["audit"]["default_uncertainty"] == 1 and "±1" in data["audit"]["note"]
    text = runner.invoke(app, ["check", str(DATA / "rigged.yaml"), "--audit", "--samples", "0"])
    assert text.exit_code == 1 and "not tested by their own judgements: C1" in text.output


@pytest.mark.parametrize("scw", sorted((DATA / "scenariowizard").glob("*.scw")), ids=lambda p: p.stem)
def test_check_audit_runs_on_every_oracle_file(scw):
    res = runner.invoke(app, ["check", str(scw), "--audit", "--samples", "5"])
    assert res.exit_code == 0, res.output
    assert "states no claims" in res.output


def test_report_shows_thin_support_the_audit_and_the_default_uncertainty():
    from upheaval.report._html import render_report

    text = render_report(load(DATA / "rigged.yaml"), figures=False, robustness_samples=10)
    assert 'id="audit"' in text
    assert "not tested by its own judgements" in text
    assert "thin support" in text
    assert "±1 where none is stated" in text
    two = render_report(load(DATA / "rigged.yaml"), figures=False, robustness_samples=10, default_uncertainty=2)
    assert "±2 where none is stated" in two


def _random_check(rng, cim):
    """A claim check of a random kind over random descriptors of ``cim`` (unvalidated: any shape evaluate reads)."""
    from upheaval.model import ClaimCheck

    def cond(k, multi=False):
        out = {}
        for i in rng.choice(cim.n_descriptors, size=k, replace=False):
            names = cim.variant_ids[i]
            n = int(rng.integers(1, len(names) + 1)) if multi else 1
            picked = [names[v] for v in sorted(rng.choice(len(names), size=n, replace=False))]
            out[cim.descriptor_ids[i]] = picked if multi else picked[0]
        return out

    kind = str(rng.choice(["implies", "exists", "never", "consistent", "lowers"]))
    tol = int(rng.integers(0, 3))
    fix = cond(int(rng.integers(0, 3)), multi=True)
    if kind == "consistent":
        return ClaimCheck.model_construct(kind=kind, scenario=cond(cim.n_descriptors), tolerance=tol)
    if kind == "implies":
        return ClaimCheck.model_construct(kind=kind, fix=fix, where=cond(int(rng.integers(0, 2))), then=cond(1), tolerance=tol)  # fmt: skip
    if kind in ("exists", "never"):
        return ClaimCheck.model_construct(kind=kind, fix=fix, match=cond(int(rng.integers(1, 3))), tolerance=tol)
    return ClaimCheck.model_construct(kind=kind, fix=fix, baseline=cond(int(rng.integers(0, 2))), outcome=cond(1),
                                      at_most=[None, 0.5, 0.9][int(rng.integers(0, 3))], tolerance=tol)  # fmt: skip


def test_audit_table_gives_evaluates_verdict_for_every_sample():
    """The audit judges small spaces' samples on one table of every scenario (analysis._audit._SpaceTable): its
    verdicts must be evaluate's, sample by sample, for every kind, tolerance and intervention (several variants
    held too), on random matrices whose scores tie often."""
    from upheaval.analysis._audit import _SpaceTable
    from upheaval.claims import evaluate, matrix_search, verdicts

    rng = np.random.default_rng(5)
    for _ in range(25):
        sizes = tuple(int(x) for x in rng.integers(1, 5, size=int(rng.integers(2, 6))))
        n_var = sum(sizes)
        ids = tuple(f"d{i}" for i in range(len(sizes)))
        variants = tuple(tuple(f"d{i}v{v}" for v in range(s)) for i, s in enumerate(sizes))
        samples = rng.integers(-3, 4, size=(7, n_var, n_var)) * (rng.random((7, n_var, n_var)) < 0.6)
        cim = cib.CrossImpactMatrix(samples[0], sizes, ids, variants, 3)
        table = _SpaceTable(cim)
        consistent = table.judge(samples)
        for _ in range(12):
            check = _random_check(rng, cim)
            fast = verdicts(cim, check, table.scenarios, consistent)
            slow = [evaluate(cim.with_values(v), check, matrix_search()).passed for v in samples]
            assert fast.tolist() == slow, (sizes, check)


def test_audit_samples_agree_on_the_table_and_by_search(monkeypatch):
    """The built-in model's and the rigged model's audits are the same whether the samples are judged on the
    table or searched one by one (as spaces too large for a table are)."""
    from upheaval.analysis._audit import _SpaceTable

    systems = [load(None), load(DATA / "rigged.yaml")]
    fast = [[a.to_json() for a in audit_claims(s, n_samples=40, random_state=3)] for s in systems]
    monkeypatch.setattr(_SpaceTable, "CELLS", 0)
    slow = [[a.to_json() for a in audit_claims(s, n_samples=40, random_state=3)] for s in systems]
    assert fast == slow
    assert any(0 < a["robustness"]["holds_in"] < 40 for a in fast[0])  # the samples do move some claim
