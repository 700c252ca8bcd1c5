"""The exact search against the numpy brute force, on random matrices (property tests)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upheaval.cib import (
    CrossImpactMatrix,
    ScenarioSet,
    brute_force_consistent,
    check_random_state,
    consistency_value,
    estimate_search,
    find_consistent,
    heuristic_search,
    impact_balances,
    inconsistency,
    is_consistent,
    total_impact_score,
)
from upheaval.errors import EngineError, SearchBudgetExceeded

KERNELS = [None, "numpy", "kernels", "tables", "forward", "propagate", "gac", "plain"]  # None: numpy for small spaces


@st.composite
def matrices(draw, max_desc=6, max_var=4):
    """Random cross-impact matrices: 2..6 descriptors of 2..4 variants, many zeros (ties), optional diagonal."""
    n = draw(st.integers(2, max_desc))
    sizes = tuple(draw(st.lists(st.integers(2, max_var), min_size=n, max_size=n)))
    v = int(sum(sizes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    lo, hi = draw(st.sampled_from([(-3, 3), (-1, 1), (-2, 2)]))
    values = rng.integers(lo, hi + 1, size=(v, v))
    values[rng.random((v, v)) < draw(st.sampled_from([0.0, 0.3, 0.6, 0.9]))] = 0
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keep_diag = draw(st.booleans())
    for i, s in enumerate(sizes):
        if not (keep_diag and i == 0):
            values[off[i] : off[i] + s, off[i] : off[i] + s] = 0
    # sometimes cut whole blocks, so the influence graph is sparse or falls apart
    if draw(st.booleans()):
        for i in range(n):
            for j in range(n):
                if i != j and rng.random() < 0.5:
                    values[off[i] : off[i] + sizes[i], off[j] : off[j] + sizes[j]] = 0
    return CrossImpactMatrix(values, sizes)


@st.composite
def standardized_sparse(draw, max_desc=6):
    """Sparse matrices whose judgement sections have rows summing to zero (workshop shape), diagonal optional."""
    n = draw(st.integers(2, max_desc))
    sizes = tuple(draw(st.lists(st.integers(2, 3), min_size=n, max_size=n)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    v = np.zeros((sum(sizes), sum(sizes)), dtype=np.int64)
    density = draw(st.sampled_from([0.2, 0.4, 0.7]))
    for i in range(n):
        for j in range(n):
            if (i == j and not draw(st.booleans())) or (i != j and rng.random() > density):
                continue
            block = rng.integers(-3, 4, size=(sizes[i], sizes[j]))
            block[:, -1] = -block[:, :-1].sum(axis=1)
            v[off[i] : off[i] + sizes[i], off[j] : off[j] + sizes[j]] = block
    return CrossImpactMatrix(v, sizes)


@settings(max_examples=120, deadline=None)
@given(
    cim=standardized_sparse(),
    tolerance=st.integers(0, 2),
    kernel=st.sampled_from(["gac", "propagate", "numpy", None]),
    budget=st.sampled_from([0, 1, 7]),
    data=st.data(),
)
def test_standardized_sparse_systems_equal_brute_force(cim, tolerance, kernel, budget, data):
    """Generalized arc consistency (and the other kernels) on workshop-shaped sparse systems."""
    fixed = {}
    for i, s in enumerate(cim.sizes):
        if data.draw(st.booleans()):
            fixed[i] = sorted(data.draw(st.sets(st.integers(0, s - 1), min_size=1, max_size=s)))
    res = find_consistent(cim, tolerance, where=fixed, _kernel=kernel, _node_budget=budget)
    assert found_map(res) == brute(cim, tolerance, fixed)


def brute(cim: CrossImpactMatrix, tolerance: int, fixed: dict[int, list[int]] | None = None):
    sc, inc, tis = brute_force_consistent(cim, tolerance)
    keep = np.ones(len(sc), dtype=bool)
    for i, vs in (fixed or {}).items():
        keep &= np.isin(sc[:, i], vs)
    return {
        tuple(int(x) for x in row): (int(a), int(b)) for row, a, b in zip(sc[keep], inc[keep], tis[keep], strict=True)
    }


def found_map(res: ScenarioSet):
    return {
        tuple(int(x) for x in row): (int(a), int(b))
        for row, a, b in zip(res.indices, res.inconsistency, res.total_impact_score, strict=True)
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cim=matrices(), tolerance=st.integers(0, 2), kernel=st.sampled_from(KERNELS))
def test_search_equals_brute_force(cim, tolerance, kernel):
    res = find_consistent(cim, tolerance, _kernel=kernel)
    assert found_map(res) == brute(cim, tolerance)
    assert res.complete


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cim=matrices(max_desc=5, max_var=6), tolerance=st.integers(0, 2), kernel=st.sampled_from(["tables", "forward"]))
def test_dense_kernels_with_many_variants_equal_brute_force(cim, tolerance, kernel):
    """Descriptors of up to six variants: the tabulated kernel's general row layout, against brute force."""
    res = find_consistent(cim, tolerance, _kernel=kernel)
    assert found_map(res) == brute(cim, tolerance)


def test_tables_kernel_with_single_variant_descriptors():
    """A descriptor with one variant has no rival: it never prunes, and every scenario it is in is judged on the others."""
    rng = np.random.default_rng(5)
    sizes = (1, 3, 1, 4, 2)
    values = rng.integers(-3, 4, size=(sum(sizes), sum(sizes)))
    cim = CrossImpactMatrix(values, sizes)
    res = find_consistent(cim, 1, _kernel="tables")
    assert found_map(res) == brute(cim, 1)
    assert len(res) > 0


@settings(max_examples=100, deadline=None)
@given(cim=matrices(), tolerance=st.integers(0, 2), data=st.data(), kernel=st.sampled_from(KERNELS))
def test_search_with_fixed_variants(cim, tolerance, data, kernel):
    fixed = {}
    for i, s in enumerate(cim.sizes):
        if data.draw(st.booleans()):
            fixed[i] = sorted(data.draw(st.sets(st.integers(0, s - 1), min_size=1, max_size=s)))
    res = find_consistent(cim, tolerance, where=fixed, _kernel=kernel)
    assert found_map(res) == brute(cim, tolerance, fixed)
    assert res.where == {i: tuple(v) for i, v in fixed.items()}


@settings(max_examples=80, deadline=None)
@given(
    cim=matrices(),
    tolerance=st.integers(0, 2),
    kernel=st.sampled_from(KERNELS),
    budget=st.integers(1, 40),
    data=st.data(),
)
def test_search_resumed_in_small_steps_equals_brute_force(cim, tolerance, kernel, budget, data):
    """Kernel calls stopped after a few nodes and resumed (replaying the path) lose and repeat nothing."""
    fixed = {}
    for i, s in enumerate(cim.sizes):
        if data.draw(st.booleans()):
            fixed[i] = sorted(data.draw(st.sets(st.integers(0, s - 1), min_size=1, max_size=s)))
    res = find_consistent(cim, tolerance, where=fixed, _kernel=kernel, _node_budget=budget)
    assert len(res) == len({tuple(r) for r in res.indices.tolist()})
    assert found_map(res) == brute(cim, tolerance, fixed)


@settings(max_examples=60, deadline=None)
@given(cim=matrices(max_desc=4), tolerance=st.integers(0, 2))
def test_measures_agree_with_scalar_functions(cim, tolerance):
    res = find_consistent(cim, tolerance)
    for k in range(len(res)):
        z = res.indices[k]
        assert res.inconsistency[k] == inconsistency(cim, z) <= tolerance
        assert res.total_impact_score[k] == total_impact_score(cim, z)
        assert res.consistency_value[k] == consistency_value(cim, z)
        assert is_consistent(cim, z, tolerance)
        b = impact_balances(cim, z)
        assert res.total_impact_score[k] == sum(b[o + zi] for o, zi in zip(cim.offsets, z, strict=True))


@settings(max_examples=60, deadline=None)
@given(cim=matrices(max_desc=5), data=st.data())
def test_numpy_measures_equal_the_kernel(cim, data):
    """The numpy measures (used for up to 100,000 scenarios) equal the compiled kernel's on any scenarios,
    consistent or not, in any order (neighbouring rows too), including descriptors with a single variant."""
    from upheaval.cib._kernel_measures import measures_kernel
    from upheaval.cib._small import measures_numpy

    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    rows = np.column_stack([rng.integers(0, s, size=50) for s in cim.sizes]).astype(np.int64)
    near = rows.copy()  # each row followed by a neighbour (one descriptor changed): the kernel's update path
    near[:, -1] = (near[:, -1] + 1) % cim.sizes[-1]
    rows = np.stack([rows, near], axis=1).reshape(-1, cim.n_descriptors)
    want = measures_kernel(cim.values, np.asarray(cim.sizes, dtype=np.int64), cim.offsets, rows)
    for got, exp in zip(measures_numpy(cim, rows), want, strict=True):
        assert got.tolist() == exp.tolist()
    single = CrossImpactMatrix(np.zeros((3, 3), dtype=np.int64), (1, 2))
    rows = np.array([[0, 0], [0, 1]])
    for got, exp in zip(
        measures_numpy(single, rows),
        measures_kernel(single.values, np.array([1, 2]), single.offsets, rows),
        strict=True,
    ):
        assert got.tolist() == exp.tolist()


def test_small_spaces_never_load_the_kernels():
    """A search of a small space (and its measures) runs with numpy alone: numba is not even imported."""
    import subprocess
    import sys

    code = (
        "import sys; from upheaval.cib import compile_system, find_consistent; from upheaval import load;"
        "r = find_consistent(compile_system(load(None)), 1); assert len(r) > 0;"
        "print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=40, deadline=None)
@given(cim=matrices(), tolerance=st.integers(0, 2))
def test_sorted_by_inconsistency_then_score_then_indices(cim, tolerance):
    res = find_consistent(cim, tolerance)
    keys = [
        (int(i), -int(t), tuple(int(x) for x in row))
        for i, t, row in zip(res.inconsistency, res.total_impact_score, res.indices, strict=True)
    ]
    assert keys == sorted(keys)


@pytest.mark.parametrize(("n", "size"), [(70, 2), (40, 4), (9, 9), (3, 1)])
def test_scenarios_given_in_parts_sort_as_one_array(n, size, monkeypatch):
    """Rows packed into several sort words (70 binary, 40 four-variant descriptors), ties in every measure."""
    monkeypatch.setattr("upheaval.cib._search._GATHER_CELLS", 0)  # parts as large ones are: never stacked
    rng = np.random.default_rng(n)
    v = n * size
    cim = CrossImpactMatrix(rng.integers(-1, 2, size=(v, v)) * (rng.random((v, v)) < 0.05), (size,) * n)
    rows = rng.integers(0, size, size=(300, n))
    rows[150:] = rows[:150] ^ (rng.random((150, n)) < 0.02)  # near neighbours: rows differ in a few columns
    rows[150:] %= size
    one = ScenarioSet.from_indices(cim, rows, complete=True, seconds=0.0, unique=False)
    parts = ScenarioSet.from_indices(
        cim, [rows[:7], rows[7:7], rows[7:200], rows[200:]], complete=True, seconds=0.0, unique=False
    )
    keys = [
        (int(i), -int(t), tuple(r))
        for i, t, r in zip(one.inconsistency, one.total_impact_score, one.indices.tolist(), strict=True)
    ]
    assert keys == sorted(keys)
    for a, b in zip(
        (one.indices, one.inconsistency, one.consistency_value, one.total_impact_score),
        (parts.indices, parts.inconsistency, parts.consistency_value, parts.total_impact_score),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_two_descriptor_example_and_names():
    cim = CrossImpactMatrix(
        np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]),
        (2, 2),
        ("x", "y"),
        (("lo", "hi"), ("lo", "hi")),
    )
    res = find_consistent(cim)
    assert res.indices.tolist() == [[0, 0], [1, 1]]
    assert res.names(0) == {"x": "lo", "y": "lo"}
    assert res.signatures().tolist() == [0, 3]
    assert find_consistent(cim, where={"x": "hi"}).indices.tolist() == [[1, 1]]
    assert find_consistent(cim, where={"x": ["hi", "lo"]}).indices.tolist() == [[0, 0], [1, 1]]
    assert len(find_consistent(cim, tolerance=10)) == 4


def test_independent_components_give_a_product():
    rng = np.random.default_rng(3)
    a = rng.integers(-3, 4, size=(6, 6))
    b = rng.integers(-3, 4, size=(5, 5))
    for m, sizes in ((a, (3, 3)), (b, (2, 3))):
        m[: sizes[0], : sizes[0]] = 0
        m[sizes[0] :, sizes[0] :] = 0
    values = np.zeros((11, 11), dtype=np.int64)
    values[:6, :6] = a
    values[6:, 6:] = b
    cim = CrossImpactMatrix(values, (3, 3, 2, 3))
    res = find_consistent(cim, 1)
    assert found_map(res) == brute(cim, 1)


def test_bad_arguments_raise_engine_errors():
    cim = CrossImpactMatrix(np.zeros((4, 4), dtype=np.int64), (2, 2))
    with pytest.raises(EngineError, match="tolerance"):
        find_consistent(cim, -1)
    with pytest.raises(EngineError, match="out of range"):
        find_consistent(cim, where={0: [5]})
    with pytest.raises(EngineError, match="unknown descriptor"):
        find_consistent(cim, where={"nope": "v1"})
    with pytest.raises(EngineError, match="one variant index per descriptor"):
        inconsistency(cim, [0])
    with pytest.raises(EngineError, match="random_state"):
        check_random_state("seed")


def test_progress_is_reported_up_to_one():
    rng = np.random.default_rng(5)
    sizes = (3,) * 14
    v = rng.integers(-2, 3, size=(42, 42))
    cim = CrossImpactMatrix(v, sizes)
    seen: list[float] = []
    res = find_consistent(cim, progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0)
    assert seen == sorted(seen)
    assert res.complete


def test_keyboard_interrupt_propagates():
    cim = CrossImpactMatrix(np.random.default_rng(1).integers(-2, 3, size=(42, 42)), (3,) * 14)

    def stop(_fraction: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        find_consistent(cim, progress=stop)


def test_budget_exceeded_names_the_estimate_and_the_heuristic():
    cim = CrossImpactMatrix(np.random.default_rng(2).integers(-3, 4, size=(60, 60)), (4,) * 15)
    est = estimate_search(cim, sample_seconds=0.05)
    assert est.n_scenarios == 4**15 and est.estimated_seconds > 0 and est.sampled >= 1
    with pytest.raises(SearchBudgetExceeded, match=r"estimated to take .*heuristic_search"):
        find_consistent(cim, budget_seconds=1e-9)


def test_estimate_of_a_hard_search_returns_within_its_sample_time():
    """A subtree far too big to finish is stopped after capped kernel steps and extrapolated."""
    import time

    rng = np.random.default_rng(3)
    v = rng.integers(-3, 4, size=(88, 88))
    v[rng.random(v.shape) < 0.5] = 0
    cim = CrossImpactMatrix(v, (4,) * 22)
    t0 = time.perf_counter()
    est = estimate_search(cim, sample_seconds=0.3)
    assert time.perf_counter() - t0 < 3.0
    assert est.sampled >= 1 and est.estimated_seconds > 0.3


def test_keyboard_interrupt_is_seen_between_kernel_steps(monkeypatch):
    """A long subtree runs in capped kernel calls; an interrupt raised between two calls stops the search."""
    import upheaval.cib._search as search_mod

    rng = np.random.default_rng(3)
    v = rng.integers(-3, 4, size=(88, 88))
    v[rng.random(v.shape) < 0.5] = 0
    cim = CrossImpactMatrix(v, (4,) * 22)
    calls = []
    real = search_mod._Plan.call

    def counting(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(search_mod._Plan, "call", counting)
    with pytest.raises(KeyboardInterrupt):
        find_consistent(cim, _node_budget=2_000)
    assert len(calls) == 3


def test_heuristic_finds_a_subset_and_is_reproducible():
    rng = np.random.default_rng(9)
    cim = CrossImpactMatrix(rng.integers(-3, 4, size=(24, 24)), (3,) * 8)
    exact = found_map(find_consistent(cim))
    h1 = heuristic_search(cim, n_starts=300, random_state=4)
    h2 = heuristic_search(cim, n_starts=300, random_state=4)
    assert not h1.complete
    assert set(found_map(h1)) <= set(exact)
    assert h1.indices.tolist() == h2.indices.tolist()
    hf = heuristic_search(cim, where={0: [1]}, n_starts=300, random_state=np.random.default_rng(1))
    assert all(row[0] == 1 for row in hf.indices)


def test_interrupt_wrapped_by_numba_is_raised_as_keyboard_interrupt():
    from upheaval.cib._search import _reraise_interrupt

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ki:
            raise SystemError("returned a result with an exception set") from ki
    except SystemError as exc:
        with pytest.raises(KeyboardInterrupt):
            _reraise_interrupt(exc)
    _reraise_interrupt(SystemError("unrelated"))  # nothing to re-raise


def test_kernel_load_runs_under_the_notice_and_outside_the_clock(monkeypatch):
    """Loading or compiling the kernels happens before the search's clock starts, under the registered notice."""
    import contextlib
    import time

    from upheaval import _notice
    from upheaval.cib import _warm

    monkeypatch.setattr(_warm, "_warm", set())
    calls = []

    @contextlib.contextmanager
    def notice(what):
        calls.append(what)
        time.sleep(0.3)  # stands for a compile
        yield

    monkeypatch.setattr(_notice, "compile_notice", notice)
    cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    res = find_consistent(cim, _kernel="kernels")
    assert calls == ["search kernels"]
    assert res.seconds < 0.3
    assert find_consistent(cim, _kernel="kernels").seconds < 0.3 and calls == ["search kernels"]  # once


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(cim=matrices(), tolerance=st.integers(0, 2), kernel=st.sampled_from(["tables", "forward", "propagate", "gac"]))
def test_threads_over_subtrees_give_the_same_result(cim, tolerance, kernel, monkeypatch_split):
    """Every space split into subtrees, searched on two threads: the same set as brute force, in the same order."""
    one = find_consistent(cim, tolerance, _kernel=kernel)
    two = find_consistent(cim, tolerance, _kernel=kernel, n_jobs=2)
    np.testing.assert_array_equal(one.indices, two.indices)
    assert one.n_nodes == two.n_nodes
    expected = {tuple(r) for r in brute_force_consistent(cim, tolerance)[0].tolist()}
    assert {tuple(r) for r in two.indices.tolist()} == expected


@pytest.fixture
def monkeypatch_split():
    """Every space split into subtrees, and searched by them (no first search of the whole)."""
    import upheaval.cib._search as search_mod

    old = search_mod._SPLIT_MIN, search_mod._WHOLE_FIRST
    search_mod._SPLIT_MIN, search_mod._WHOLE_FIRST = 0, 0
    yield
    search_mod._SPLIT_MIN, search_mod._WHOLE_FIRST = old


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    cim=matrices(),
    tolerance=st.integers(0, 2),
    kernel=st.sampled_from(["tables", "forward", "propagate", "gac"]),
    first=st.sampled_from([1, 3, 2_000]),
)
def test_a_split_space_searched_whole_first_gives_the_same_set(cim, tolerance, kernel, first, monkeypatch):
    """A split component is first searched whole for a few nodes: finished there or not (then by its
    subtrees), the set is brute force's and the node count the same on one and two threads."""
    import upheaval.cib._search as search_mod

    monkeypatch.setattr(search_mod, "_SPLIT_MIN", 0)
    monkeypatch.setattr(search_mod, "_WHOLE_FIRST", first)
    one = find_consistent(cim, tolerance, _kernel=kernel)
    two = find_consistent(cim, tolerance, _kernel=kernel, n_jobs=2)
    np.testing.assert_array_equal(one.indices, two.indices)
    assert one.n_nodes == two.n_nodes
    assert found_map(one) == brute(cim, tolerance)


def test_interrupt_stops_every_thread(monkeypatch):
    """An interrupt in one subtree sets the others' stop event; they stop at their next kernel step."""
    import upheaval.cib._search as search_mod

    rng = np.random.default_rng(3)
    v = rng.integers(-3, 4, size=(88, 88))
    v[rng.random(v.shape) < 0.5] = 0
    cim = CrossImpactMatrix(v, (4,) * 22)
    real = search_mod._Plan.call
    calls = []
    failed = []

    def failing(self, part, subtree, *args):
        calls.append(subtree)
        if len(calls) == 6:
            failed.append(len(calls))
            raise KeyboardInterrupt
        return real(self, part, subtree, *args)

    monkeypatch.setattr(search_mod._Plan, "call", failing)
    with pytest.raises(KeyboardInterrupt):
        find_consistent(cim, _node_budget=2_000, n_jobs=2)
    assert len(calls) - failed[0] <= 1  # the other thread finished the kernel step under way, then stopped


def test_n_jobs_is_checked():
    cim = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    with pytest.raises(EngineError, match="n_jobs"):
        find_consistent(cim, n_jobs=0)


def test_the_plan_says_how_the_search_ran(monkeypatch):
    """The result's plan names the engine, the kernel, the split and the threads, and keeps no tables."""
    import upheaval.cib._search as search_mod

    dense = CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
    assert find_consistent(dense, _kernel="numpy").plan.engine == "numpy"
    plan = find_consistent(dense, _kernel="kernels").plan
    assert (plan.engine, plan.kernel, plan.components, plan.subtrees, plan.threads) == ("kernels", "tables", 1, 1, 1)
    assert plan.layout is None and "tables" in plan.explain() and "100% of descriptor pairs judged" in plan.why
    assert find_consistent(dense, _kernel="plain").plan.kernel == "forward"
    # a chain a -> b -> c is sparse: propagation, with arc consistency unless "propagate" is forced
    chain = np.zeros((6, 6), dtype=np.int64)
    chain[0:2, 2:4] = [[2, -2], [-2, 2]]
    chain[2:4, 4:6] = [[1, -1], [-1, 1]]
    sparse = CrossImpactMatrix(chain, (2, 2, 2))
    assert (
        find_consistent(sparse, _kernel="kernels").plan.kernel,
        find_consistent(sparse, _kernel="gac").plan.gac,
    ) == (
        "propagate",
        True,
    )
    assert not find_consistent(sparse, _kernel="propagate").plan.gac
    # split: subtrees run on at most as many threads as asked
    monkeypatch.setattr(search_mod, "_SPLIT_MIN", 0)
    plan = find_consistent(sparse, _kernel="kernels", n_jobs=2).plan
    assert plan.subtrees > 1 and plan.threads == 2 and "on 2 threads" in plan.explain()
    # subtrees mapped elsewhere (analysis.split_search's dask cluster): the plan says so
    from upheaval.cib._parallel import map_threads

    plan = find_consistent(sparse, _kernel="kernels", _map_subtrees=map_threads).plan
    assert plan.cluster and "on a dask cluster" in plan.explain()
    # a restriction an intervention leaves nothing of: nothing to search
    none = find_consistent(dense, fix={0: 0}, where={0: 1})
    assert none.plan.engine == "none" and len(none) == 0
