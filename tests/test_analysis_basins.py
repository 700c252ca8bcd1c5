"""Exact and sampled succession basins against the definition applied literally, start by start."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upheaval import analysis, load
from upheaval.analysis import _basins
from upheaval.cib import CrossImpactMatrix, all_scenarios, brute_force_consistent, compile_system, succession

SW_DATA = Path(__file__).parent / "data" / "scenariowizard"


def _literal(cim: CrossImpactMatrix, mode: str) -> dict[tuple, int]:
    """``{(kind, *attractor): starts}`` by running succession from every start (cycles by their smallest member)."""
    out: dict[tuple, int] = {}
    for z in all_scenarios(cim):
        r = succession(cim, z, mode=mode, max_steps=10_000)
        key = (0, *r.scenario.tolist()) if r.end_kind == "consistent" else (1, *min(tuple(c) for c in r.cycle.tolist()))
        out[key] = out.get(key, 0) + 1
    return out


def _got(b) -> dict[tuple, int]:
    return {(int(k), *e.tolist()): int(c) for k, e, c in zip(b.kind, b.ends, b.counts, strict=True)}


@st.composite
def systems(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    v = sum(sizes)
    cells = draw(st.lists(st.integers(-3, 3), min_size=v * v, max_size=v * v))
    values = np.array(cells, dtype=np.int64).reshape(v, v)
    return CrossImpactMatrix(values, tuple(sizes))  # diagonal blocks kept: balances count them


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cim=systems(),
    mode=st.sampled_from(["global", "local"]),
    block=st.sampled_from([1, 3, 8, 256]),
    chunk=st.sampled_from([1, 7, 4_000_000]),
    n_jobs=st.sampled_from([1, 2]),
)
def test_exact_basins_equal_literal_succession(cim, mode, block, chunk, n_jobs):
    old = _basins._BLOCK, _basins._CHUNK
    _basins._BLOCK, _basins._CHUNK = block, chunk  # suffix blocks of every width, one or many chunks
    try:
        b = analysis.succession_basins(cim, mode, n_jobs=n_jobs)
    finally:
        _basins._BLOCK, _basins._CHUNK = old
    assert b.exact and b.unresolved == 0 and b.counts.sum() == cim.n_scenarios
    assert _got(b) == _literal(cim, mode)
    for k, cyc in zip(b.kind, b.cycles, strict=True):
        if k == 1:  # members in succession order, the smallest first
            assert len(cyc) >= 2 and tuple(cyc[0]) == min(tuple(c) for c in cyc.tolist())


@pytest.mark.parametrize("mode", ["global", "local"])
def test_exact_basins_with_long_prefix(mode):
    """Nine descriptors: a suffix block of 243 combinations and a prefix odometer that carries."""
    rng = np.random.default_rng(11)
    sizes = (3, 2, 3, 3, 3, 3, 3, 2, 3)
    v = sum(sizes)
    cim = CrossImpactMatrix(rng.integers(-2, 3, (v, v)) * (rng.random((v, v)) < 0.6), sizes)
    assert _got(analysis.succession_basins(cim, mode, n_jobs=2)) == _literal(cim, mode)


def test_sampled_basins_list_every_consistent_scenario():
    """A consistent scenario that no sampled start reaches keeps a share of 0 with an upper bound above 0."""
    cim = compile_system(load(SW_DATA / "CIB_global.scw"))
    consistent = {tuple(r) for r in brute_force_consistent(cim)[0].tolist()}
    b = analysis.succession_basins(cim, max_exact=0, n_samples=3, random_state=1)
    listed = {tuple(e) for e, k in zip(b.ends.tolist(), b.kind.tolist(), strict=True) if k == 0}
    assert listed == consistent and b.complete
    never = b.counts == 0
    assert never.any() and (b.high[never] > 0).all() and (b.low[never] == 0).all()
    assert b.counts.sum() == 3


def test_sampled_basins_same_for_any_thread_count():
    cim = compile_system(load(SW_DATA / "CIB_global.scw"))
    runs = [
        analysis.succession_basins(cim, "local", max_exact=0, n_samples=45_000, random_state=5, n_jobs=j)
        for j in (1, 2)
    ]
    np.testing.assert_array_equal(runs[0].ends, runs[1].ends)
    np.testing.assert_array_equal(runs[0].counts, runs[1].counts)


def test_balances_too_wide_for_the_table_are_sampled():
    values = np.array([[0, 0, 2**30, -(2**30)], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]])
    b = analysis.succession_basins(CrossImpactMatrix(values, (2, 2)), n_samples=500, random_state=0)
    assert not b.exact and b.counts.sum() == 500
