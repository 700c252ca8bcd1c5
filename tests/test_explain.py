"""The balance view (`upheaval explain`, `uh.explain`): balances, margins and rows, checked by brute force."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import upheaval as uh
from upheaval import cib, load
from upheaval.analysis import explain, resolve_scenario
from upheaval.cli import app
from upheaval.errors import EngineError

runner = CliRunner()
DATA = Path(__file__).parent / "data"
SCW = sorted((DATA / "scenariowizard").glob("*.scw"))


def _literal(cim, z):
    """Each variant's balance as the definition reads: the sum, over every descriptor's chosen variant, of
    its cell into that variant (Weimer-Jehle 2006), one descriptor at a time, no arrays shared with the engine."""
    out = []
    for j, size in enumerate(cim.sizes):
        col = [0] * size
        for i in range(cim.n_descriptors):
            r = int(cim.offsets[i]) + int(z[i])
            for k in range(size):
                col[k] += int(cim.values[r, int(cim.offsets[j]) + k])
        out.append(col)
    return out


def _check_view(cim, view, z):
    literal = _literal(cim, z)
    for j, d in enumerate(view.descriptors):
        assert list(d.balances) == literal[j]
        assert d.chosen == int(z[j])
        others = [b for k, b in enumerate(literal[j]) if k != d.chosen]
        if others and not d.exempt:
            assert d.margin == literal[j][d.chosen] - max(others)
            assert literal[j][d.rival] == max(others)
        # the rows add up to the balances, and each row's effect is its cells' difference
        summed = [sum(r.values[k] for r in d.rows) for k in range(len(d.balances))]
        assert summed == list(d.balances)
        for r in d.rows:
            assert any(r.values)
            if d.rival is not None:
                assert r.effect == r.values[d.chosen] - r.values[d.rival]
        effects = [abs(r.effect) for r in d.rows]
        assert effects == sorted(effects, reverse=True)


@pytest.mark.parametrize("seed", range(6))
def test_balance_view_matches_the_definition_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    sizes = tuple(int(x) for x in rng.integers(2, 4, size=4))
    n = sum(sizes)
    values = rng.integers(-3, 4, size=(n, n))
    cim = cib.CrossImpactMatrix(values, sizes)
    system = _system_of(cim)
    for z in itertools.islice(itertools.product(*(range(s) for s in sizes)), 0, None, 3):
        z = np.array(z)
        view = explain(system, z, cim)
        _check_view(cim, view, z)
        if view.inconsistency == 0:
            assert view.consistency_value == cib.consistency_value(cim, z)
        assert view.inconsistency == cib.inconsistency(cim, z)


def _system_of(cim):
    """A System with the matrix's descriptors and one judgement section per nonzero block."""
    from upheaval.model import System

    descriptors = [
        {"id": d, "label": d, "variants": [{"id": v, "label": v} for v in vs]}
        for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True)
    ]
    impacts = []
    for i, j in itertools.product(range(cim.n_descriptors), repeat=2):
        oi, oj = int(cim.offsets[i]), int(cim.offsets[j])
        block = cim.values[oi : oi + cim.sizes[i], oj : oj + cim.sizes[j]]
        if block.any():
            impacts.append(
                {
                    "from": cim.descriptor_ids[i],
                    "to": cim.descriptor_ids[j],
                    "diagonal": i == j,
                    "rationale": f"{cim.descriptor_ids[i]} acts on {cim.descriptor_ids[j]}",
                    "values": {
                        a: {b: int(block[x, y]) for y, b in enumerate(cim.variant_ids[j])}
                        for x, a in enumerate(cim.variant_ids[i])
                    },
                }
            )
    return System.model_validate({"id": "random", "title": "random", "as_of": "2024", "descriptors": descriptors,
                                  "impacts": impacts})  # fmt: skip


def test_balance_view_of_the_builtin_model_carries_rationales_and_agrees_with_storylines():
    system = load()
    cim = cib.compile_system(system)
    for row in cib.find_consistent(cim).indices:
        view = uh.explain(system, row, cim)
        _check_view(cim, view, row)
        assert view.inconsistency == 0
        for d in view.descriptors:
            for r in d.rows:
                assert r.rationale, f"{r.source}={r.variant} -> {d.descriptor} has no rationale"
                assert r.cites
        story = uh.storyline(system, row, cim)
        by_id = {d.descriptor: d for d in view.descriptors}
        for step in story.steps:
            d = by_id[step.descriptor]
            assert (step.balance, step.margin, step.balances) == (d.balances[d.chosen], d.margin, d.balances)


def test_intervened_descriptors_are_exempt_and_compared_within_their_allowed_variants():
    system = load()
    cim = cib.compile_system(system)
    fix = {"front": "destabilises"}
    row = cib.find_consistent(cim, fix=fix).indices[0]
    view = explain(system, row, cim, fix=fix)
    front = next(d for d in view.descriptors if d.descriptor == "front")
    assert front.exempt == "intervention" and front.margin is None
    assert view.inconsistency == 0
    with pytest.raises(EngineError, match="does not allow"):
        explain(system, row, cim, fix={"front": "holds"})


def test_resolve_scenario_reads_present_labels_futures_and_pairs():
    system = load()
    cim = cib.compile_system(system)
    present, note = resolve_scenario(system, "present", cim)
    assert present == dict(system.present.scenario) and note == "the present"
    rows = cib.find_consistent(cim).indices
    s2, _ = resolve_scenario(system, "S2", cim)
    assert s2 == cim.scenario_names(rows[1])
    (front,) = [d for d in system.descriptors if d.id == "front"]
    other = next(v.id for v in front.variants if v.id != system.present.scenario["front"])
    changed, note = resolve_scenario(system, f"front={other}", cim)
    assert changed == {**system.present.scenario, "front": other} and "present with" in note
    for future in system.futures:
        names, note = resolve_scenario(system, future.name, cim)
        assert future.matches(names) and future.id in note
    with pytest.raises(EngineError, match="S1"):
        resolve_scenario(system, "S999", cim)
    with pytest.raises(EngineError, match="present"):
        resolve_scenario(system, "nonsense", cim)
    with pytest.raises(EngineError, match="no variant"):
        resolve_scenario(system, "front=sideways", cim)


def test_explain_present_cli_shows_every_descriptor_with_its_margin():
    res = runner.invoke(app, ["explain", "present"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert res.output.startswith("dprk-ukraine-2024: present (the present) · S")  # what present resolved to
    system = load()
    for d in system.descriptors:
        assert f"({d.id})" in res.output
    data = json.loads(runner.invoke(app, ["explain", "present", "--json"]).stdout)
    assert [d["descriptor"] for d in data["descriptors"]] == [d.id for d in system.descriptors]
    assert data["label"].startswith("S")
    # the present holds on a margin: no descriptor ties
    assert all(d["margin"] >= 1 for d in data["descriptors"]), [
        (d["descriptor"], d["margin"]) for d in data["descriptors"]
    ]


@pytest.mark.parametrize("scw", SCW, ids=lambda p: p.stem)
def test_explain_runs_on_scenariowizard_files(scw):
    res = runner.invoke(app, ["explain", str(scw), "S1", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    system = load(scw)
    cim = cib.compile_system(system)
    row = cib.find_consistent(cim).indices[0]
    assert data["asked"] == "S1" and data["label"].startswith("S1") and data["inconsistency"] == 0
    assert data["consistency_value"] == cib.consistency_value(cim, row)


def test_explain_runs_on_the_init_model(tmp_path):
    path = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    res = runner.invoke(app, ["explain", str(path), "S1"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "Relations between A and B" in res.output and "margin" in res.output
    assert res.output.splitlines()[0] == "mine: S1"  # a label asked for is named once
    pairs = runner.invoke(app, ["explain", str(path), "talks=collapse,pressure=low,relations=calm"])
    assert pairs.exit_code == 0 and "not consistent" in pairs.output


def test_explain_flags_ties_and_refuses_bad_input(tmp_path):
    model = tmp_path / "tie.yaml"
    model.write_text(
        "id: tie\ntitle: A tie\nas_of: '2024'\n"
        "descriptors:\n"
        "  - {id: a, label: A, variants: [{id: a1, label: a one}, {id: a2, label: a two}]}\n"
        "  - {id: b, label: B, variants: [{id: b1, label: b one}, {id: b2, label: b two}]}\n"
        "impacts:\n"
        "  - {from: a, to: b, values: {a1: {b1: 1, b2: -1}, a2: {b1: 1, b2: 1}}, rationale: A pulls B.}\n"
        "  - {from: b, to: a, values: {b1: {a1: 2, a2: -2}, b2: {a1: -2, a2: 2}}, rationale: B pulls A.}\n"
    )
    res = runner.invoke(app, ["explain", str(model), "a=a2,b=b1"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "ties" in res.output and "TIE with" in res.output
    for args, message in (
        (["explain", str(model), "S9"], "S1"),
        (["explain", str(model), "x=y"], "unknown descriptor"),
        (["explain", "a", "b", "c"], "[MODEL] SCENARIO"),
    ):
        bad = runner.invoke(app, args)
        assert bad.exit_code == 2 and message in bad.output, bad.output
