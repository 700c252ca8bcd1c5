"""The numpy search (small spaces, nothing to compile) against the literal brute force, and the size rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from upheaval.cib import CrossImpactMatrix, brute_force_consistent
from upheaval.cib._small import SMALL_LIMIT, numpy_suffices, search_numpy


@st.composite
def restricted_matrices(draw):
    """Random matrices with descriptors of 1..5 variants (diagonal blocks kept), and a random restriction."""
    n = draw(st.integers(1, 6))
    sizes = tuple(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    v = sum(sizes)
    values = rng.integers(-3, 4, size=(v, v))
    values[rng.random((v, v)) < draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))] = 0
    fixed = {}
    for i, size in enumerate(sizes):
        if size > 1 and draw(st.booleans()) and draw(st.booleans()):
            fixed[i] = tuple(sorted(draw(st.sets(st.integers(0, size - 1), min_size=1, max_size=size))))
    return CrossImpactMatrix(values, sizes), fixed


def _rows(a) -> list[tuple[int, ...]]:
    return sorted(tuple(int(x) for x in row) for row in a)


@settings(max_examples=200, deadline=None)
@given(case=restricted_matrices(), tolerance=st.integers(0, 4))
def test_numpy_search_is_the_literal_definition(case, tolerance):
    """Every scenario within the tolerance, judged against all variants (a restricted descriptor too)."""
    cim, fixed = case
    want, _, _ = brute_force_consistent(cim, tolerance, where=fixed or None)
    assert _rows(search_numpy(cim, tolerance, fixed)) == _rows(want)


def test_a_space_where_everything_holds_is_listed_whole_with_its_progress():
    cim = CrossImpactMatrix(np.zeros((24, 24), dtype=np.int64), (2,) * 12)
    seen: list[float] = []
    found = search_numpy(cim, 0, {}, seen.append)
    assert len(_rows(found)) == len(set(_rows(found))) == 2**12
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_progress_counts_pruned_scenarios_and_ends_at_one():
    rng = np.random.default_rng(3)
    cim = CrossImpactMatrix(rng.integers(-3, 4, size=(30, 30)), (3,) * 10)
    seen: list[float] = []
    search_numpy(cim, 0, {0: (1,)}, seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == 1.0


def test_the_size_rule_is_one_boundary():
    assert numpy_suffices(SMALL_LIMIT) and not numpy_suffices(SMALL_LIMIT + 1)


def test_a_search_at_the_size_limit_imports_no_compiler():
    """2**20 scenarios (the limit) are searched without numba; one more descriptor and the kernels are used."""
    code = (
        "import sys, numpy as np; from upheaval.cib import CrossImpactMatrix, find_consistent;"
        "n = int(sys.argv[1]); rng = np.random.default_rng(0);"
        "cim = CrossImpactMatrix(rng.integers(-3, 4, size=(2 * n, 2 * n)), (2,) * n);"
        "find_consistent(cim); print('numba' in sys.modules)"
    )
    assert SMALL_LIMIT == 2**20
    out = [
        subprocess.run([sys.executable, "-c", code, str(n)], capture_output=True, text=True, check=True).stdout.strip()
        for n in (20, 21)
    ]
    assert out == ["False", "True"]
