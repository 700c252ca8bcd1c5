"""Levers against a literal brute force: every lever set, its succession under the intervention, its robustness."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from brute_cib import consistent, random_matrix, succession
from upheaval.analysis import lever_holders, levers
from upheaval.cib import CrossImpactMatrix, compile_system
from upheaval.errors import EngineError
from upheaval.model import parse_yaml

STRAIT = Path(__file__).parent / "data" / "decisions" / "strait.yaml"


def _brute_lever(values, sizes, start, changes):
    """(end kind, end, released end, absorbed, total, steps, released kind) of one lever set, literally."""
    fix = {i: [v] for i, v in changes}
    z = list(start)
    for i, v in changes:
        z[i] = v
    kind, end, path = succession(values, sizes, z, fix)
    if kind != "consistent":
        return kind, None, None, 0, 0, len(path) - 1, ""
    r_kind, released, _ = succession(values, sizes, list(end))
    if r_kind == "cycle":
        released = released[0]  # a cycle is shown by its first member
    absorbed = total = 0
    for i, s in enumerate(sizes):
        if i in fix:
            continue
        for v in range(s):
            if v == end[i]:
                continue
            w = list(end)
            w[i] = v
            total += 1
            k2, e2, _ = succession(values, sizes, w, fix)
            absorbed += k2 == "consistent" and tuple(e2) == tuple(end)
    return kind, tuple(end), tuple(released), absorbed, total, len(path) - 1, r_kind


@pytest.mark.parametrize("path", ["numpy", "compiled"])
@pytest.mark.parametrize("seed", range(8))
def test_every_lever_and_pair_equals_the_brute_force(seed: int, path: str, monkeypatch) -> None:
    if path == "compiled":  # as a space too large for numpy would: the compiled succession kernel
        import upheaval.cib._small

        monkeypatch.setattr(upheaval.cib._small, "numpy_suffices", lambda n: False)
    rng = np.random.default_rng(seed)
    sizes = tuple(int(s) for s in rng.integers(2, 4, size=4))
    values = random_matrix(rng, sizes)
    start = [int(rng.integers(s)) for s in sizes]
    res = levers(CrossImpactMatrix(values, sizes), start, radius=2)
    expected, paths, cycles = {}, {}, {}
    for r in (1, 2):
        for ds in itertools.combinations(range(len(sizes)), r):
            for vs in itertools.product(*[[v for v in range(sizes[i]) if v != start[i]] for i in ds]):
                changes = tuple(zip(ds, vs, strict=True))
                expected[changes] = _brute_lever(values, sizes, start, changes)
                z = list(start)
                for i, v in changes:
                    z[i] = v
                k, members, paths[changes] = succession(values, sizes, z, {i: [v] for i, v in changes})
                if k == "cycle":
                    cycles[changes] = min(tuple(m) for m in members)
    assert set(expected) == {lv.changes for lv in res.levers}
    for lv in res.levers:
        kind, end, released, absorbed, total, steps, _ = expected[lv.changes]
        assert lv.end_kind == kind and lv.steps == steps
        assert [tuple(r) for r in res.path(lv)] == [tuple(r) for r in paths[lv.changes]]
        if kind == "cycle":
            assert tuple(lv.cycle) == cycles[lv.changes]  # a cycle is shown by its smallest member
        if kind == "consistent":
            assert tuple(lv.end) == end and tuple(lv.released) == released
            assert (lv.absorbed, lv.perturbations) == (absorbed, total)
            assert lv.lasting == consistent(values, sizes, list(end))
    b_kind, _, _ = succession(values, sizes, start)
    assert res.baseline.end_kind == b_kind


@pytest.mark.parametrize("seed", range(8))
def test_the_smallest_lever_sets_to_a_target_equal_the_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    sizes = (3, 2, 3, 2, 2)
    values = random_matrix(rng, sizes)
    start = [int(rng.integers(s)) for s in sizes]
    d, v = int(rng.integers(len(sizes))), None
    v = int(rng.integers(sizes[d]))
    res = levers(CrossImpactMatrix(values, sizes), start, radius=3, to=f"D{d + 1}=v{v + 1}")
    reaching = []
    for r in (1, 2, 3):
        for ds in itertools.combinations(range(len(sizes)), r):
            for vs in itertools.product(*[[x for x in range(sizes[i]) if x != start[i]] for i in ds]):
                changes = tuple(zip(ds, vs, strict=True))
                kind, end, released, *_, r_kind = _brute_lever(values, sizes, start, changes)
                # into the target while the lever is held, or once it is let go
                if kind == "consistent" and (end[d] == v or (r_kind == "consistent" and released[d] == v)):
                    reaching.append(changes)
        if reaching:
            break
    assert sorted(lv.changes for lv in res.reaching) == sorted(reaching)
    assert res.exact


def test_beyond_max_sets_a_seeded_sample_with_a_stated_bound() -> None:
    rng = np.random.default_rng(7)
    sizes = (3,) * 8
    cim = CrossImpactMatrix(random_matrix(rng, sizes), sizes)
    a = levers(cim, [0] * 8, radius=2, to="D1=v1,D2=v2,D3=v3,D4=v1", max_sets=20, random_state=3)
    b = levers(cim, [0] * 8, radius=2, to="D1=v1,D2=v2,D3=v3,D4=v1", max_sets=20, random_state=3)
    assert [lv.changes for lv in a.levers] == [lv.changes for lv in b.levers]
    assert a.n_sets == {1: 16, 2: 112}
    assert a.sampled == {2: 20} and not a.exact
    if not a.reaching:
        assert a.bound[2] == pytest.approx(1 - 0.05 ** (1 / 20))
    # every lever set drawn is a valid one, and no set is drawn twice
    pairs = [lv.changes for lv in a.levers if len(lv.changes) == 2]
    assert len(set(pairs)) == len(pairs) == 20
    assert all(i != j and v != 0 and w != 0 for (i, v), (j, w) in pairs)


def test_only_held_levers_when_asked() -> None:
    system = parse_yaml(STRAIT.read_text())
    every = levers(system, radius=2)
    held = levers(system, radius=2, held_only=True)
    holders = lever_holders(system)
    kept = {lv.changes for lv in every.levers if all(holders[system.descriptors[i].id].actors for i, _ in lv.changes)}
    assert {lv.changes for lv in held.levers} == kept and len(kept) < len(every.levers)


def test_holders_declared_derived_or_open() -> None:
    system = parse_yaml(STRAIT.read_text())
    h = lever_holders(system)
    assert (h["talks"].actors, h["talks"].how) == (("AAA", "BBB"), "declared")
    # trade's variants add ties that all run from BBB: derived, and the note names the ties
    assert (h["trade"].actors, h["trade"].how) == (("BBB",), "derived") and "b-a-curbs" in h["trade"].note
    assert h["relations"].actors == ()
    res = levers(system, radius=1)
    for lv in res.levers:
        ((i, _),) = lv.changes
        assert lv.actors == h[system.descriptors[i].id].actors


def test_to_a_future_from_the_present_and_its_labels() -> None:
    system = parse_yaml(STRAIT.read_text())
    res = levers(system, to="settlement", radius=2)
    assert res.start_text == "the present" and res.start_words == "the present (S3 · Standoff)"
    assert res.labels.label(res.baseline.scenario) == "S3 · Standoff"
    bare = levers(compile_system(system))  # a matrix states no present: S1, its label said once
    assert bare.start_words == "S1 (the model states no present)"
    assert levers(system, "S1").start_words == "scenario S1 · Settlement"
    assert res.reaching and all(res.end_label(lv).endswith("Settlement") for lv in res.reaching)
    assert min(len(lv.changes) for lv in res.reaching) == 1


def test_bad_arguments_are_refused_with_a_reason() -> None:
    cim = CrossImpactMatrix(np.zeros((4, 4), dtype=int), (2, 2))
    with pytest.raises(EngineError, match="radius"):
        levers(cim, [0, 0], radius=4)
    with pytest.raises(EngineError, match="neither a future"):
        levers(cim, [0, 0], to="nowhere")
    with pytest.raises(EngineError, match="no scenario S9"):
        levers(cim, [0, 0], to="S9")
