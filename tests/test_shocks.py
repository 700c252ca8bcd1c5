"""Shocks against a literal brute force: survival under the shocked matrix, succession during and after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from brute_cib import all_consistent, offsets, random_matrix, succession
from upheaval.analysis import shock
from upheaval.cib import CrossImpactMatrix
from upheaval.errors import EngineError
from upheaval.model import Shock, parse_yaml

STRAIT = Path(__file__).parent / "data" / "decisions" / "strait.yaml"


def _ids(sizes):
    return tuple(f"d{i}" for i in range(len(sizes))), tuple(tuple(f"v{j}" for j in range(s)) for s in sizes)


@pytest.mark.parametrize("seed", range(12))
def test_survival_and_succession_equal_the_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = tuple(int(s) for s in rng.integers(2, 4, size=5))
    values = random_matrix(rng, sizes)
    d_ids, v_ids = _ids(sizes)
    cim = CrossImpactMatrix(values, sizes, d_ids, v_ids)
    forced = int(rng.integers(len(sizes)))
    several = seed % 3 == 0 and sizes[forced] > 2
    fixed = [0, 2] if several else [int(rng.integers(sizes[forced]))]
    src, tgt = (int(x) for x in rng.choice([i for i in range(len(sizes)) if i != forced], size=2, replace=False))
    a, b, score = int(rng.integers(sizes[src])), int(rng.integers(sizes[tgt])), int(rng.integers(1, 4))
    spec = {
        "id": "s",
        "label": "A shock",
        "fix": {d_ids[forced]: [v_ids[forced][v] for v in fixed]},
        "impacts": [{"from": d_ids[src], "to": d_ids[tgt], "values": {v_ids[src][a]: {v_ids[tgt][b]: score}}}],
    }
    res = shock(cim, Shock.model_validate(spec))
    shocked = values.copy()
    shocked[offsets(sizes)[src] + a, offsets(sizes)[tgt] + b] += score
    fix = {forced: fixed}
    base = all_consistent(values, sizes)
    under = all_consistent(shocked, sizes, fix)
    assert sorted(map(list, res.baseline.indices)) == sorted(base)
    assert sorted(map(list, res.under.indices)) == sorted(under)
    assert len(res.paths) == len(base)
    for path in res.paths:
        start = list(path.start)
        assert path.survives == (start in under)
        z = list(start)
        if z[forced] not in fixed:
            z[forced] = fixed[0]
        kind, end, steps = succession(shocked, sizes, z, fix)
        during = end if kind == "consistent" else end[0]
        assert path.during_kind == kind and tuple(path.during) == tuple(during)
        assert path.during_steps == len(steps) - 1
        kind2, end2, _ = succession(values, sizes, list(during))
        assert path.after_kind == kind2 and tuple(path.after) == tuple(end2 if kind2 == "consistent" else end2[0])
    assert {tuple(r) for r in res.new} == {tuple(r) for r in under} - {tuple(r) for r in base}
    assert len(res.survivors) + len(res.broken) == len(base)


def test_a_declared_shock_from_the_present_of_a_model() -> None:
    system = parse_yaml(STRAIT.read_text())
    res = shock(system, "mediator-leaves")
    labels = [res.label(p.start) for p in res.paths]
    assert labels == ["S1 · Settlement", "S2 · Rupture", "S3 · Standoff"]
    assert res.present == 2  # the present is S3
    settlement = res.paths[0]
    assert not settlement.survives  # the mediator's absence breaks the settlement...
    assert res.label(settlement.during).startswith("X1")  # ...into a scenario that holds only while it lasts
    assert res.label(settlement.after) == "S1 · Settlement"  # and the settlement returns once it lifts
    assert [res.label(r) for r in res.new] == ["X1 · Standoff"]


def test_unknown_shocks_name_the_known_ones() -> None:
    system = parse_yaml(STRAIT.read_text())
    with pytest.raises(EngineError, match="`collision`, `mediator-leaves`"):
        shock(system, "storm")
