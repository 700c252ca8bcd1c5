"""Succession (global and local): invariants on random matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_cib_search import matrices
from upheaval.cib import CrossImpactMatrix, find_consistent, inconsistency, succession, succession_weights
from upheaval.cib._brute import all_scenarios
from upheaval.errors import EngineError


@settings(max_examples=80, deadline=None)
@given(cim=matrices(max_desc=5), mode=st.sampled_from(["global", "local"]), data=st.data())
def test_succession_ends_consistent_or_in_a_cycle(cim, mode, data):
    start = [data.draw(st.integers(0, s - 1)) for s in cim.sizes]
    r = succession(cim, start, mode=mode)
    assert r.path[0].tolist() == start
    consistent = {tuple(row) for row in find_consistent(cim).indices.tolist()}
    if r.end_kind == "consistent":
        assert inconsistency(cim, r.scenario) == 0
        assert tuple(r.scenario.tolist()) in consistent
        assert r.path[-1].tolist() == r.scenario.tolist()
        assert len({row.tobytes() for row in r.path}) == len(r.path)
    else:
        assert len(r.cycle) >= 2
        assert all(tuple(row) not in consistent for row in r.cycle.tolist())
        assert r.path[-1].tolist() in r.cycle.tolist()
    if mode == "local":
        steps = np.abs(np.diff(r.path, axis=0)).astype(bool).sum(axis=1)
        assert (steps == 1).all()


@settings(max_examples=40, deadline=None)
@given(cim=matrices(max_desc=4))
def test_consistent_start_stays_and_weights_count_every_start_once(cim):
    found = find_consistent(cim)
    for z in found.indices:
        r = succession(cim, z)
        assert r.end_kind == "consistent" and len(r.path) == 1
    w = succession_weights(cim, found.indices)
    assert (w >= 1).all()
    assert w.sum() <= cim.n_scenarios
    ends = [succession(cim, s) for s in all_scenarios(cim)]
    assert w.sum() == sum(e.end_kind == "consistent" for e in ends)


def test_bad_mode_and_max_steps():
    cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    with pytest.raises(EngineError, match="mode"):
        succession(cim, [0, 0], mode="sideways")
    with pytest.raises(EngineError, match="max_steps"):
        succession(cim, [1, 0], max_steps=1)


def _steps_by_numpy(cim: CrossImpactMatrix, starts: np.ndarray, local: bool, max_steps: int):
    """Where each start stands after ``max_steps`` succession steps, and whether it was consistent one step
    earlier (then it stays): every start stepped at once, no cycle detection."""
    z = starts.copy()
    rows = np.arange(len(z))
    consistent = np.zeros(len(z), dtype=bool)
    for _ in range(max_steps):
        bal = sum(cim.values[cim.offsets[i] + z[:, i]] for i in range(cim.n_descriptors))
        blocks = [bal[:, o : o + s] for o, s in zip(cim.offsets, cim.sizes, strict=True)]
        best = np.stack([b.argmax(axis=1) for b in blocks], axis=1)
        gap = np.stack([b.max(axis=1) - b[rows, z[:, j]] for j, b in enumerate(blocks)], axis=1)
        consistent = (gap == 0).all(axis=1)
        if local:
            j = gap.argmax(axis=1)
            move = ~consistent
            z[rows[move], j[move]] = best[rows[move], j[move]]
        else:
            z = np.where(gap > 0, best, z)
    return z, consistent


@pytest.mark.parametrize("local", [False, True])
@pytest.mark.parametrize("max_steps", [1, 6, 7, 100, 101])
def test_the_succession_kernel_stands_where_plain_stepping_stands(local, max_steps):
    """Cycles are closed early by the kernel; where it reports a run to stand after ``max_steps`` steps is
    where stepping every start ``max_steps`` times puts it, on a matrix where most starts cycle."""
    from upheaval.cib._kernel_succession import succession_kernel

    rng = np.random.default_rng(1)
    values = rng.integers(-3, 4, size=(18, 18))
    for i in range(6):
        values[3 * i : 3 * i + 3, 3 * i : 3 * i + 3] = 0
    cim = CrossImpactMatrix(values, (3,) * 6)
    starts = np.asarray(all_scenarios(cim), dtype=np.int64)
    ends, kind = succession_kernel(cim.values, np.asarray(cim.sizes, np.int64), cim.offsets, starts, local, max_steps)
    expected, consistent = _steps_by_numpy(cim, starts, local, max_steps)
    assert (kind == 1).sum() > len(starts) // 4  # cycles are common here
    np.testing.assert_array_equal(kind == 0, consistent)
    np.testing.assert_array_equal(ends, expected)
