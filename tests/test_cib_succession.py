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
