"""Interventions (``fix``) and restrictions (``where``): hand-computed systems and a literal brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upheaval.cib import (
    CrossImpactMatrix,
    brute_force_consistent,
    consistency_value,
    find_consistent,
    heuristic_search,
    inconsistency,
    is_consistent,
    succession,
    total_impact_score,
)
from upheaval.errors import EngineError

KERNELS = [None, "numpy", "tables", "forward", "propagate", "gac", "plain"]


def follower() -> CrossImpactMatrix:
    """B follows A; A always prefers a1 (its diagonal block says so)."""
    values = np.array(
        [
            # a1  a2  b1  b2
            [2, -2, 2, -2],  # a1
            [2, -2, -2, 2],  # a2
            [0, 0, 0, 0],  # b1
            [0, 0, 0, 0],  # b2
        ]
    )
    return CrossImpactMatrix(values, (2, 2), ("a", "b"), (("a1", "a2"), ("b1", "b2")))


def test_intervention_exempts_the_fixed_descriptor():
    cim = follower()
    assert find_consistent(cim).indices.tolist() == [[0, 0]]
    # restriction: a=a2 is not consistent (a prefers a1), so nothing is left
    assert len(find_consistent(cim, where={"a": "a2"})) == 0
    # intervention: a is set to a2 from outside; b follows it
    res = find_consistent(cim, fix={"a": "a2"})
    assert res.indices.tolist() == [[1, 1]]
    assert res.fix == {0: (1,)} and res.where == {}
    assert res.inconsistency.tolist() == [0]
    # a takes no part in the consistency value: b's margin is b2 (2) over b1 (-2)
    assert res.consistency_value.tolist() == [4]
    assert res.total_impact_score.tolist() == [-2 + 2]
    assert inconsistency(cim, [1, 1]) == 4 and inconsistency(cim, [1, 1], fix={"a": "a2"}) == 0
    assert consistency_value(cim, [1, 1], fix={"a": "a2"}) == 4
    assert total_impact_score(cim, [1, 1], fix={"a": "a2"}) == 0
    assert is_consistent(cim, [1, 1], fix={"a": "a2"}) and not is_consistent(cim, [1, 1])


def test_intervention_with_a_set_must_be_best_within_the_set():
    # a has three variants; its own balance prefers a1 > a3 > a2; b follows whichever a takes
    values = np.zeros((5, 5), dtype=np.int64)
    values[0:3, 0:3] = [[3, -3, 1], [3, -3, 1], [3, -3, 1]]  # a's diagonal block, same row for every variant
    values[0, 3:5] = [2, -2]
    values[1, 3:5] = [-2, 2]
    values[2, 3:5] = [-2, 2]
    cim = CrossImpactMatrix(values, (3, 2), ("a", "b"), (("a1", "a2", "a3"), ("b1", "b2")))
    # among {a2, a3}, a3 wins (1 > -3): only (a3, b2)
    assert find_consistent(cim, fix={"a": ["a2", "a3"]}).indices.tolist() == [[2, 1]]
    # the restriction to {a2, a3} keeps a's test against a1 as well: nothing is consistent
    assert len(find_consistent(cim, where={"a": ["a2", "a3"]})) == 0
    # within tolerance 4 a2 is within reach of a3 (gap 4)
    got = find_consistent(cim, 4, fix={"a": ["a2", "a3"]})
    assert {tuple(r) for r in got.indices.tolist()} == {(1, 0), (1, 1), (2, 0), (2, 1)}
    # restriction and intervention together: a fixed to the set, filtered to a2
    assert find_consistent(cim, fix={"a": ["a2", "a3"]}, where={"a": "a2"}).indices.tolist() == []
    assert find_consistent(cim, 4, fix={"a": ["a2", "a3"]}, where={"a": "a2", "b": "b2"}).indices.tolist() == [[1, 1]]
    # a restriction asking for a variant the intervention excludes leaves nothing
    assert len(find_consistent(cim, 9, fix={"a": "a2"}, where={"a": "a1"})) == 0


def test_succession_under_an_intervention_keeps_the_fixed_descriptor():
    cim = follower()
    r = succession(cim, [0, 0], fix={"a": "a2"})  # the start takes the intervention's variant
    assert r.end_kind == "consistent" and r.scenario.tolist() == [1, 1]
    assert all(row[0] == 1 for row in r.path)
    r = succession(cim, [1, 0])
    assert r.scenario.tolist() == [0, 0]  # without the intervention a falls back to a1
    with pytest.raises(EngineError, match="outside the intervention"):
        succession(CrossImpactMatrix(np.zeros((5, 5)), (3, 2)), [0, 0], fix={0: [1, 2]})


def test_bad_conditions_name_the_option():
    cim = follower()
    with pytest.raises(EngineError, match="fix: unknown descriptor"):
        find_consistent(cim, fix={"x": "a1"})
    with pytest.raises(EngineError, match="where: descriptor 'a' has no variant"):
        find_consistent(cim, where={"a": "zz"})
    with pytest.raises(EngineError, match="no variant"):
        find_consistent(cim, fix={"a": []})


def literal(cim: CrossImpactMatrix, tolerance: int, fix: dict, where: dict):
    """Every scenario and the definitions, in plain Python (Weimer-Jehle 2006, intervention analysis)."""
    v = cim.values.tolist()
    off = [int(o) for o in cim.offsets]
    out = {}
    for z in itertools.product(*[range(s) for s in cim.sizes]):
        if any(z[i] not in vs for i, vs in fix.items()) or any(z[i] not in vs for i, vs in where.items()):
            continue
        bal = [sum(v[off[i] + z[i]][c] for i in range(len(z))) for c in range(len(v))]
        inc, margins, tis = 0, [], 0
        for j, size in enumerate(cim.sizes):
            rivals = fix.get(j, range(size))
            chosen = bal[off[j] + z[j]]
            inc = max(inc, max(bal[off[j] + r] for r in rivals) - chosen)
            others = [bal[off[j] + r] for r in rivals if r != z[j]]
            if others:
                margins.append(chosen - max(others))
            tis += chosen
        if inc <= tolerance:
            out[z] = (inc, min(margins) if margins else None, tis)
    return out


@st.composite
def systems(draw, max_desc=5, max_var=4):
    """Random matrices with ties, optional diagonal blocks, and random interventions and restrictions."""
    n = draw(st.integers(2, max_desc))
    sizes = tuple(draw(st.lists(st.integers(2, max_var), min_size=n, max_size=n)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    total = sum(sizes)
    values = rng.integers(-3, 4, size=(total, total))
    values[rng.random((total, total)) < draw(st.sampled_from([0.0, 0.4, 0.8]))] = 0
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for i, s in enumerate(sizes):
        if not draw(st.booleans()):
            values[off[i] : off[i] + s, off[i] : off[i] + s] = 0
    fix, where = {}, {}
    for i, s in enumerate(sizes):
        pick = draw(st.sampled_from(["none", "none", "fix", "where", "both"]))
        if pick in ("fix", "both"):
            fix[i] = sorted(draw(st.sets(st.integers(0, s - 1), min_size=1, max_size=s)))
        if pick in ("where", "both"):
            where[i] = sorted(draw(st.sets(st.integers(0, s - 1), min_size=1, max_size=s)))
    return CrossImpactMatrix(values, sizes), fix, where


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=systems(), tolerance=st.integers(0, 3), kernel=st.sampled_from(KERNELS))
def test_find_consistent_equals_the_literal_definition(case, tolerance, kernel):
    cim, fix, where = case
    expect = literal(cim, tolerance, fix, where)
    res = find_consistent(cim, tolerance, fix, where, _kernel=kernel)
    got = {}
    for row, inc, cv, tis in zip(
        res.indices.tolist(), res.inconsistency, res.consistency_value, res.total_impact_score, strict=True
    ):
        got[tuple(row)] = (int(inc), int(cv), int(tis))
    assert set(got) == set(expect)
    for z, (inc, cv, tis) in expect.items():
        assert got[z][0] == inc and got[z][2] == tis
        if cv is not None:
            assert got[z][1] == cv
        assert inconsistency(cim, z, fix) == inc and total_impact_score(cim, z, fix) == tis
    sc, inc, tis = brute_force_consistent(cim, tolerance, fix, where)
    assert {tuple(r): (int(a), int(b)) for r, a, b in zip(sc.tolist(), inc, tis, strict=True)} == {
        z: (e[0], e[2]) for z, e in expect.items()
    }
    assert res.fix == {i: tuple(v) for i, v in fix.items()}
    assert res.where == {i: tuple(v) for i, v in where.items()}


def literal_step(cim: CrossImpactMatrix, z: tuple[int, ...], fix: dict) -> tuple[int, ...] | None:
    """One global succession step under an intervention, literally: every descriptor to its best allowed variant."""
    v = cim.values.tolist()
    off = [int(o) for o in cim.offsets]
    bal = [sum(v[off[i] + z[i]][c] for i in range(len(z))) for c in range(len(v))]
    nxt, moved = list(z), False
    for j, size in enumerate(cim.sizes):
        allowed = list(fix.get(j, range(size)))
        top = max(bal[off[j] + r] for r in allowed)
        if bal[off[j] + z[j]] < top:
            nxt[j] = next(r for r in allowed if bal[off[j] + r] == top)
            moved = True
    return tuple(nxt) if moved else None


@settings(max_examples=150, deadline=None)
@given(case=systems(), data=st.data())
def test_succession_under_intervention_equals_the_literal_steps(case, data):
    cim, fix, _ = case
    start = tuple(
        data.draw(st.sampled_from(fix[i])) if i in fix else data.draw(st.integers(0, s - 1))
        for i, s in enumerate(cim.sizes)
    )
    r = succession(cim, start, fix=fix)
    path = [start]
    seen = {start}
    while True:
        nxt = literal_step(cim, path[-1], fix)
        if nxt is None:
            assert r.end_kind == "consistent" and tuple(r.scenario.tolist()) == path[-1]
            assert literal(cim, 0, fix, {}).get(path[-1]) is not None
            break
        path.append(nxt)
        if nxt in seen:
            assert r.end_kind == "cycle"
            break
        seen.add(nxt)
    assert [tuple(p) for p in r.path.tolist()] == path


@settings(max_examples=40, deadline=None)
@given(case=systems())
def test_heuristic_under_intervention_finds_a_subset(case):
    cim, fix, where = case
    exact = {tuple(r) for r in find_consistent(cim, 0, fix, where).indices.tolist()}
    h = heuristic_search(cim, 0, fix, where, n_starts=50, random_state=0)
    assert {tuple(r) for r in h.indices.tolist()} <= exact


@settings(max_examples=30, deadline=None)
@given(case=systems(max_desc=4, max_var=3))
def test_basins_under_intervention_count_the_allowed_starts(case):
    from upheaval.analysis import succession_basins

    cim, fix, _ = case
    b = succession_basins(cim, fix=fix)
    allowed = literal(cim, 0, fix, {})
    assert b.n_starts == int(np.prod([len(fix.get(i, range(s))) for i, s in enumerate(cim.sizes)]))
    assert int(b.counts.sum()) + b.unresolved == b.n_starts
    consistent_ends = {tuple(r) for r, k in zip(b.ends.tolist(), b.kind.tolist(), strict=True) if k == 0}
    assert consistent_ends == set(allowed)  # every consistent scenario is its own attractor
    for row in b.ends.tolist():
        assert all(row[i] in vs for i, vs in fix.items())
    # each start ends where succession under the intervention takes it
    for start in itertools.islice(itertools.product(*[fix.get(i, range(s)) for i, s in enumerate(cim.sizes)]), 20):
        r = succession(cim, start, fix=fix)
        if r.end_kind == "consistent":
            assert b.count_of(r.scenario) > 0


def test_web_clicks_are_interventions(tmp_path):
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    from upheaval.web import create_app

    shutil.copy(Path(__file__).parent / "data" / "follow.yaml", tmp_path / "follow.yaml")
    client = TestClient(create_app(["follow.yaml"], root=tmp_path, trusted_hosts=("testserver",)))
    got = client.get("/api/scenarios", params={"fix": "a.a2"}).json()
    assert [s["variants"] for s in got["scenarios"]] == [["a2", "b2"]]
    page = client.get("/scenarios", params={"fix": "a.a2"}).text
    assert "exempt from the consistency test" in page


def test_a_restriction_the_intervention_excludes_leaves_nothing_everywhere():
    from upheaval.analysis import split_search
    from upheaval.cib import estimate_search

    cim = follower()
    fix, where = {"a": "a2"}, {"a": "a1"}
    for search in (find_consistent, heuristic_search, split_search):
        found = search(cim, 0, fix, where)
        assert len(found) == 0 and found.cim is cim
        assert (found.fix, found.where) == ({0: (1,)}, {0: (0,)})  # in the full matrix's numbering
    assert estimate_search(cim, 0, fix, where).n_subtrees == 0
    # one variant of the restriction is left: the search runs within it
    assert find_consistent(cim, 0, fix, {"a": ["a1", "a2"]}).indices.tolist() == [[1, 1]]
