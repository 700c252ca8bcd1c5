"""Succession basins of small spaces swept with numpy: the same attractors, cycles and counts as the compiled sweep."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upheaval.analysis import succession_basins
from upheaval.cib import CrossImpactMatrix, succession


@st.composite
def matrices(draw):
    """Random matrices of 1..6 descriptors of 1..4 variants; coarse values make ties (and so cycles) common."""
    n = draw(st.integers(1, 6))
    sizes = tuple(draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    v = sum(sizes)
    lo = draw(st.sampled_from([1, 2, 3]))
    values = rng.integers(-lo, lo + 1, size=(v, v))
    values[rng.random((v, v)) < draw(st.sampled_from([0.0, 0.4, 0.8]))] = 0
    return CrossImpactMatrix(values, sizes)


def _same(a, b) -> None:
    assert a.ends.tolist() == b.ends.tolist()
    assert a.kind.tolist() == b.kind.tolist()
    assert a.counts.tolist() == b.counts.tolist()
    assert [c.tolist() for c in a.cycles] == [c.tolist() for c in b.cycles]
    assert (a.n_starts, a.exact, a.unresolved) == (b.n_starts, b.exact, b.unresolved)
    assert np.allclose(a.low, b.low) and np.allclose(a.high, b.high)


@settings(max_examples=150, deadline=None)
@given(cim=matrices(), mode=st.sampled_from(["global", "local"]))
def test_exact_sweep_matches_the_compiled_sweep(cim, mode):
    _same(succession_basins(cim, mode, _kernel="numpy"), succession_basins(cim, mode, _kernel="kernels"))


@settings(max_examples=60, deadline=None)
@given(cim=matrices(), mode=st.sampled_from(["global", "local"]), max_steps=st.integers(1, 6), seed=st.integers(0, 9))
def test_sampled_starts_match_the_compiled_runs(cim, mode, max_steps, seed):
    """Starts drawn as the compiled runs draw them, their ends (and the runs cut off at max_steps) read from the table."""
    kw = {"max_exact": 0, "n_samples": 300, "max_steps": max_steps, "random_state": seed}
    _same(succession_basins(cim, mode, _kernel="numpy", **kw), succession_basins(cim, mode, _kernel="kernels", **kw))


def test_every_start_ends_where_its_own_succession_ends():
    """Against the literal succession, start by start, on a matrix with cycles under global succession."""
    cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    for mode in ("global", "local"):
        b = succession_basins(cim, mode, _kernel="numpy")
        ends = {}
        for start in np.ndindex(*cim.sizes):
            r = succession(cim, list(start), mode)
            end = r.scenario if r.end_kind == "consistent" else min(map(tuple, r.cycle.tolist()))
            ends[tuple(end)] = ends.get(tuple(end), 0) + 1
        assert {tuple(e): int(c) for e, c in zip(b.ends.tolist(), b.counts, strict=True)} == ends


@pytest.mark.parametrize("fix", [None, {"front": "destabilises"}])
def test_builtin_model_basins_need_no_compiler(fix):
    """The built-in model's basins (every start) with numpy alone, as the compiled sweep counts them."""
    import subprocess
    import sys

    code = (
        "import sys, json; from upheaval import load; from upheaval.cib import compile_system;"
        "from upheaval.analysis import succession_basins;"
        f"b = succession_basins(compile_system(load(None)), fix={fix!r});"
        "print(json.dumps([b.counts.tolist(), b.ends.tolist(), 'numba' in sys.modules]))"
    )
    import json

    counts, ends, numba = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert not numba
    from upheaval import load
    from upheaval.cib import compile_system

    cim = compile_system(load(None))
    compiled = succession_basins(cim, fix=fix, _kernel="kernels")
    assert counts == compiled.counts.tolist() and ends == compiled.ends.tolist()
    front = cim.descriptor_ids.index("front")
    assert sum(counts) == cim.n_scenarios // (cim.sizes[front] if fix else 1)
