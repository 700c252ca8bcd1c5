"""Disagreement that matters against a literal brute force that applies each cell change, and the Delphi round."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from brute_cib import random_matrix
from upheaval.analysis import apply_answers, delphi_sheet, disagreement, movement
from upheaval.cib import CrossImpactMatrix, compile_system
from upheaval.errors import EngineError
from upheaval.model import dump_yaml, parse_yaml

STRAIT = Path(__file__).parent / "data" / "decisions" / "strait.yaml"


def _consistent_mean(mean: np.ndarray, sizes) -> set[tuple[int, ...]]:
    """Scenarios consistent in a real-valued matrix, every scenario tried."""
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = set()
    for z in itertools.product(*(range(s) for s in sizes)):
        b = mean[[off[i] + z[i] for i in range(len(sizes))]].sum(axis=0)
        if all(b[off[j] + z[j]] >= b[off[j] : off[j] + sizes[j]].max() - 1e-9 for j in range(len(sizes))):
            out.add(z)
    return out


def _brute(matrices, sizes):
    """[(effect, spread, r, c)] for every cell the experts differ on, ranked, by applying each value to the mean."""
    stack = np.stack(matrices).astype(float)
    mean = stack.mean(axis=0)
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    block = np.zeros(mean.shape, dtype=bool)
    for i, s in enumerate(sizes):
        block[off[i] : off[i] + s, off[i] : off[i] + s] = True
    out = []
    for r, c in itertools.product(range(mean.shape[0]), repeat=2):
        vals = {int(x) for x in stack[:, r, c]}
        if len(vals) < 2 or block[r, c]:
            continue
        sets = []
        for v in sorted(vals):
            m = mean.copy()
            m[r, c] = v
            sets.append(_consistent_mean(m, sizes))
        effect = len(set.union(*sets) - set.intersection(*sets))
        out.append((effect, max(vals) - min(vals), r, c))
    return sorted(out, key=lambda x: (-x[0], -x[1], x[2], x[3]))


@pytest.mark.parametrize("seed", range(8))
def test_the_ranking_equals_a_brute_force_that_applies_each_cell_change(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = tuple(int(s) for s in rng.integers(2, 4, size=4))
    base = random_matrix(rng, sizes)
    experts = []
    for _ in range(2 + seed % 2):
        m = base.copy()
        mask = rng.random(m.shape) < 0.15
        m[mask] = np.clip(m[mask] + rng.choice([-2, -1, 1, 2], size=int(mask.sum())), -3, 3)
        off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        for i, s in enumerate(sizes):
            m[off[i] : off[i] + s, off[i] : off[i] + s] = 0
        experts.append(m)
    res = disagreement([CrossImpactMatrix(m, sizes) for m in experts])
    expected = _brute(experts, sizes)
    assert [(c.effect, c.spread, c.r, c.c) for c in res.cells] == expected
    for cell in res.cells:
        assert cell.values == tuple(int(m[cell.r, cell.c]) for m in experts)
        assert len(cell.changed) == cell.effect


def test_the_example_experts_files_rank_as_the_brute_force_does() -> None:
    """The two experts' files of examples/ (the README's Delphi round): each disputed cell applied literally."""
    examples = Path(__file__).parent.parent / "examples"
    systems = [parse_yaml((examples / f"expert-{x}.yaml").read_text()) for x in "ab"]
    cims = [compile_system(s) for s in systems]
    res = disagreement(systems, ["a", "b"])
    expected = _brute([c.values for c in cims], cims[0].sizes)
    assert [(c.effect, c.spread, c.r, c.c) for c in res.cells] == expected
    assert any(e[0] > 0 for e in expected) and any(e[0] == 0 for e in expected)  # some cells matter, some do not


def _expert(text: str, changes: dict[str, str]) -> str:
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_delphi_round_sheets_answers_and_movement(tmp_path: Path) -> None:
    text = STRAIT.read_text()
    a = parse_yaml(text)
    b = parse_yaml(_expert(text, {"cut: {held: -2, stalled: 0, collapse: 2}": "cut: {held: -2, stalled: 2, collapse: 0}",
                                  "crisis: {restrained: -2, aggressive: 2}": "crisis: {restrained: -1, aggressive: 1}"}))  # fmt: skip
    first = disagreement([a, b], ["a", "b"])
    assert {(c.row, c.column) for c in first.cells} == {
        ("trade.cut", "talks.stalled"), ("trade.cut", "talks.collapse"),
        ("relations.crisis", "patrols.restrained"), ("relations.crisis", "patrols.aggressive"),
    }  # fmt: skip
    mattering = first.mattering
    assert mattering and all(c.effect > 0 for c in mattering)
    sheet = delphi_sheet(first, 1)
    assert [(r["row"], r["column"]) for r in sheet] == [(c.row, c.column) for c in mattering]
    assert all(
        r["yours"] == c.values[1] and r["others"] == [c.values[0]] for r, c in zip(sheet, mattering, strict=True)
    )
    # expert b comes round to a's view on every cell of the sheet
    answers = {(r["row"], r["column"]): r["others"][0] for r in sheet}
    b2 = apply_answers(b, answers)
    saved = dump_yaml(b2)
    assert "# A made-up strait dispute" in saved  # comments survive
    b2 = parse_yaml(saved)
    cim_a, cim_b2 = compile_system(a), compile_system(b2)
    for c in mattering:
        assert cim_b2.values[c.r, c.c] == cim_a.values[c.r, c.c]
    moved = movement([a, b], [a, b2], ["a", "b"])
    assert {(c.row, c.column) for c in moved.converged} == {(c.row, c.column) for c in mattering}
    assert not moved.after.mattering


def test_apply_answers_refuses_what_the_model_would_refuse() -> None:
    a = parse_yaml(STRAIT.read_text())
    with pytest.raises(EngineError, match="outside"):
        apply_answers(a, {("trade.cut", "talks.stalled"): 4})
    with pytest.raises(EngineError, match="no such variant"):
        apply_answers(a, {("trade.cutt", "talks.stalled"): 1})
    # a new section where none was judged, and a zero there adds nothing
    b = apply_answers(a, {("mediator.active", "trade.open"): 2, ("mediator.absent", "trade.cut"): 0})
    sec = b.impact_sections("mediator", "trade")
    assert len(sec) == 1 and sec[0].values == {"active": {"open": 2}}


def test_experts_of_another_structure_are_refused() -> None:
    a = CrossImpactMatrix(np.zeros((4, 4), dtype=int), (2, 2))
    b = CrossImpactMatrix(np.zeros((5, 5), dtype=int), (2, 3))
    with pytest.raises(EngineError, match="differ in structure"):
        disagreement([a, b])
    with pytest.raises(EngineError, match="two or more"):
        disagreement([a])
