"""Sensitivity a modeller can act on: allowed cells only, inert descriptors named once, ranked effects in words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from upheaval import analysis, cib, load
from upheaval.claims import evaluate
from upheaval.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _owner(cim, name: str) -> str:
    return name.partition(".")[0]


def test_rigged_system_flags_the_inert_descriptor_and_keeps_to_allowed_cells():
    system = load(DATA / "rigged.yaml")
    cim = cib.compile_system(system)
    assert analysis.inert_descriptors(cim) == [0]  # nothing acts on a
    cells = analysis.editable_impacts(cim, system)
    assert not cells[2:4, 2:4].any()  # b's diagonal block: no `diagonal: true` section
    assert cells[4:6, 4:6].all()  # c's diagonal block is judged with `diagonal: true`
    res = analysis.judgement_effects(system, cim, near=1, max_change=6)
    assert res.inert == ["a"]
    assert res.inert_notes() == ["nothing acts on a: every scenario is indifferent to it"]
    assert res.effects
    for e in res.effects:
        src, dst = _owner(cim, e.row), _owner(cim, e.column)
        assert dst != "a"
        assert src != dst or dst == "c"
    for per in res.per_scenario:
        assert all(_owner(cim, c.column) != "a" for c in per)


def test_effects_are_exact_ranked_claims_first_and_in_words():
    system = load(DATA / "rigged.yaml")
    cim = cib.compile_system(system)
    res = analysis.judgement_effects(system, cim, near=2, max_change=6)
    flat = [f"{d}.{v}" for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True) for v in vs]
    nominal = {
        c.id: r.passed for c, r in zip(system.claims, __import__("upheaval").claims.check_claims(system), strict=True)
    }
    keys = [e.rank for e in res.effects]
    assert keys == sorted(keys)
    assert any(e.claims_broken for e in res.effects)
    first_plain = next((k for k, e in enumerate(res.effects) if not (e.claims_broken or e.claims_made)), len(keys))
    assert all(not (e.claims_broken or e.claims_made) for e in res.effects[first_plain:])
    for e in res.effects:
        values = cim.values.copy()
        values[flat.index(e.row), flat.index(e.column)] = e.new
        changed = cim.with_values(values)
        for claim in system.claims:
            now = evaluate(changed, claim.check).passed
            assert (claim.id in e.claims_broken) == (nominal[claim.id] and not now)
            assert (claim.id in e.claims_made) == (not nominal[claim.id] and now)
        for k, label in enumerate(res.labels):
            was = cib.is_consistent(cim, res.scenarios.indices[k])
            now = cib.is_consistent(changed, res.scenarios.indices[k])
            assert (label in e.breaks) == (was and not now) and (label in e.makes) == (not was and now)
    e = res.effects[0]
    assert e.text.startswith(f"moving {e.row} → {e.column} from ")
    assert " breaks " in e.text or " makes " in e.text


def test_builtin_model_lists_no_forbidden_cell_and_starts_with_claims():
    system = load()
    cim = cib.compile_system(system)
    res = analysis.judgement_effects(system, cim, max_change=2)
    allowed = analysis.editable_impacts(cim, system)
    flat = [f"{d}.{v}" for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True) for v in vs]
    assert all(allowed[flat.index(e.row), flat.index(e.column)] for e in res.effects)
    assert all(_owner(cim, e.row) != _owner(cim, e.column) for e in res.effects)
    assert res.effects[0].claims_broken or res.effects[0].claims_made
    labels = analysis.scenario_labels(system, cim, 1, res.scenarios)
    assert res.labels == [labels.key(r) for r in res.scenarios.indices]
    assert np.all(res.scenarios.inconsistency <= 1)


def test_cli_prints_the_note_once_and_ranked_rows():
    out = runner.invoke(app, ["sensitivity", str(DATA / "rigged.yaml"), "--max-change", "6"])
    assert out.exit_code == 0, out.output
    assert out.output.count("nothing acts on a") == 1
    assert re.search(r"^ 1\. (fails|passes|breaks|makes) ", out.output, re.M)  # one line per distinct effect
    assert re.search(r"^    \S+ → \S+ from ", out.output, re.M)  # with a change that has it
    data = json.loads(runner.invoke(app, ["sensitivity", str(DATA / "rigged.yaml"), "--json"]).stdout)
    assert data["inert"] == ["a"] and all("text" in c for c in data["changes"])
