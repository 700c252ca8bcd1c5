"""Tests of upheaval.analysis against brute force, the engine and ScenarioWizard's solution lists."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from upheaval import analysis, load
from upheaval.cib import (
    CrossImpactMatrix,
    all_scenarios,
    brute_force_consistent,
    compile_system,
    find_consistent,
    is_consistent,
    succession,
)
from upheaval.errors import EngineError
from upheaval.formats import read_sl
from upheaval.model import PeriodPlan, ScheduledChange

ORACLES = Path(__file__).parent / "data" / "scenariowizard"
DATA = Path(__file__).parent / "data"
SW_DATA = DATA / "scenariowizard"


def _scw(name: str) -> Path:
    for base in (SW_DATA, ORACLES):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(name)


def _random_cim(seed: int, sizes=(2, 3, 2, 3, 2), density=0.7) -> CrossImpactMatrix:
    rng = np.random.default_rng(seed)
    v = sum(sizes)
    values = rng.integers(-3, 4, size=(v, v)) * (rng.random((v, v)) < density)
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for o, s in zip(off, sizes, strict=True):
        values[o : o + s, o : o + s] = 0
    return CrossImpactMatrix(values, tuple(sizes))


# --- basins -----------------------------------------------------------------------------


def test_basins_match_scenariowizard_weights_cib_global():
    cim = compile_system(load(_scw("CIB_global.scw")))
    b = analysis.succession_basins(cim)
    assert b.exact and b.n_starts == 36 and b.unresolved == 0
    expected = read_sl(_scw("CIB_global.sl"))
    assert len(expected) == int((b.kind == 0).sum())
    for rec in expected:
        assert b.count_of(list(rec.indices)) == rec.weight
    assert b.counts.sum() == 36  # the rest (17) run into a cycle


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["global", "local"])
def test_basins_equal_engine_succession_from_every_start(seed, mode):
    cim = _random_cim(seed)
    b = analysis.succession_basins(cim, mode)
    expected: dict[tuple, int] = {}
    for z in all_scenarios(cim):
        r = succession(cim, z, mode=mode)
        key = (0, *r.scenario.tolist()) if r.end_kind == "consistent" else (1, *min(tuple(c) for c in r.cycle.tolist()))
        expected[key] = expected.get(key, 0) + 1
    got = {(int(k), *e.tolist()): int(c) for k, e, c in zip(b.kind, b.ends, b.counts, strict=True)}
    assert got == expected
    # the consistent ends are exactly the consistent scenarios reachable; all are consistent
    for k, e in zip(b.kind, b.ends, strict=True):
        assert is_consistent(cim, e) == (k == 0)
    for k, cyc in zip(b.kind, b.cycles, strict=True):
        if k == 1:
            assert len(cyc) >= 2 and not any(is_consistent(cim, c) for c in cyc)


def test_sampled_basins_reproducible_and_cover_exact_share():
    cim = compile_system(load(_scw("CIB_global.scw")))
    exact = analysis.succession_basins(cim)
    a = analysis.succession_basins(cim, max_exact=0, n_samples=30_000, random_state=7, confidence=0.999)
    b = analysis.succession_basins(cim, max_exact=0, n_samples=30_000, random_state=7, confidence=0.999, n_jobs=2)
    assert not a.exact and a.n_starts == 30_000
    np.testing.assert_array_equal(a.ends, b.ends)
    np.testing.assert_array_equal(a.counts, b.counts)
    for k in range(len(exact)):
        j = np.flatnonzero((a.ends == exact.ends[k]).all(axis=1))[0]
        assert a.low[j] <= exact.share[k] <= a.high[j]


def test_parallel_exact_sweep_equals_serial():
    cim = _random_cim(3, sizes=(3,) * 9)
    from upheaval.analysis import _basins

    old = _basins._CHUNK
    _basins._CHUNK = 1000  # force several chunks
    try:
        a = analysis.succession_basins(cim, n_jobs=2)
        b = analysis.succession_basins(cim)
    finally:
        _basins._CHUNK = old
    np.testing.assert_array_equal(a.ends, b.ends)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert a.counts.sum() == 3**9


def test_wilson_interval_is_scipys():
    """The vectorised interval equals scipy's Wilson interval (``binomtest(...).proportion_ci``) to two
    units in the last place, for every count of 1 to 12 trials and of 40 and 97, at two confidence levels
    (scipy takes one count at a time and computes a test on the way: far slower, so it is the oracle)."""
    from scipy.stats import binomtest

    for confidence in (0.95, 0.999):
        for n in [*range(1, 13), 40, 97]:
            lo, hi = analysis.wilson_interval(np.arange(n + 1), n, confidence)
            ci = [binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson") for k in range(n + 1)]
            np.testing.assert_allclose(lo, [c.low for c in ci], rtol=0, atol=5e-16)
            np.testing.assert_allclose(hi, [c.high for c in ci], rtol=0, atol=5e-16)
            assert lo[0] == 0 and hi[-1] == 1


# --- landscape --------------------------------------------------------------------------


def test_distances_and_mds_recover_euclidean_layout():
    pts = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [3.0, 4.0]])
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    got, _ = analysis.classical_mds(d)
    d2 = np.sqrt(((got[:, None] - got[None]) ** 2).sum(-1))
    np.testing.assert_allclose(d2, d, atol=1e-9)
    w = analysis.scenario_distances([[0, 1, 2]], [[1, 1, 0]], weights=[1, 5, 2])
    assert w.tolist() == [[3.0]]
    with pytest.raises(EngineError):
        analysis.scenario_distances([[0, 1]], weights=[-1, 1])


def test_mds_of_many_points_takes_the_lanczos_route_and_agrees():
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(analysis._landscape.LANCZOS_FROM + 50, 2))
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    got, vals = analysis.classical_mds(d)
    np.testing.assert_allclose(np.sqrt(((got[:, None] - got[None]) ** 2).sum(-1)), d, atol=1e-8)
    small, small_vals = analysis.classical_mds(d[:40, :40])
    np.testing.assert_allclose(np.sqrt(((small[:, None] - small[None]) ** 2).sum(-1)), d[:40, :40], atol=1e-8)
    assert vals[0] >= vals[1] > 0 and small_vals[0] >= small_vals[1] > 0


def test_landscape_holds_near_consistent_scenarios():
    cim = compile_system(load(_scw("CIB_global.scw")))
    land = analysis.landscape(cim, tolerance=2)
    sc, _inc, _ = brute_force_consistent(cim, 2)
    assert {tuple(r) for r in land.indices.tolist()} == {tuple(r) for r in sc.tolist()}
    assert land.points.shape == (len(sc), 2)
    assert (land.inconsistency <= 2).all() and (land.inconsistency == 0).sum() == 4
    assert 0 < land.explained <= 1


# --- robustness -------------------------------------------------------------------------


def test_robustness_against_brute_force_per_sample():
    cim = _random_cim(11)
    u = np.where(cim.values != 0, 1, 0)
    res = analysis.robustness(cim, u, 60, candidate_tolerance=3, random_state=5)
    # the same draws, replayed, and each sampled matrix searched by brute force
    seed = analysis.spawn_seeds(5, 1)[0]
    rng = np.random.default_rng(seed)
    counts: dict[tuple, int] = {}
    for _ in range(60):
        m = CrossImpactMatrix(analysis.sample_matrix(cim.values, u, rng), cim.sizes)
        for row in brute_force_consistent(m)[0].tolist():
            counts[tuple(row)] = counts.get(tuple(row), 0) + 1
    for row, hits in zip(res.indices.tolist(), res.hits.tolist(), strict=True):
        assert counts.get(tuple(row), 0) == hits
    assert (res.low <= res.share).all() and (res.share <= res.high).all()


def test_robustness_reproducible_and_parallel_identical():
    cim = compile_system(load(_scw("CIB_global.scw")))
    a = analysis.robustness(cim, 1, 600, random_state=3)
    b = analysis.robustness(cim, 1, 600, random_state=3, n_jobs=2)
    np.testing.assert_array_equal(a.hits, b.hits)
    zero = analysis.robustness(cim, 0, 50, random_state=0)
    assert ((zero.share == 1) == (zero.nominal_inconsistency == 0)).all()


def test_uncertainty_from_model_and_default():
    system = load(DATA / "tiny.yaml")
    assert not analysis.uncertainty_matrix(system, default=0).any()
    assert (analysis.uncertainty_matrix(system) == analysis.uncertainty_matrix(system, default=1)).all()
    assert analysis.DEFAULT_UNCERTAINTY == 1
    u = analysis.uncertainty_matrix(system, default=2)
    assert u[0, 2] == 2 and u[0, 0] == 0


# --- sensitivity ------------------------------------------------------------------------


def _flips_by_brute_force(cim, z, tolerance, max_change):
    """Smallest flipping change per cell (active rows only matter), by re-evaluation.

    Cells of the (empty) diagonal blocks are left out: the model format forbids judgements there."""
    before = is_consistent(cim, z, tolerance)
    owner = np.repeat(np.arange(cim.n_descriptors), cim.sizes)
    out = {}
    for r in range(cim.values.shape[0]):
        for c in range(cim.values.shape[1]):
            if owner[r] == owner[c]:
                continue
            for mag in range(1, max_change + 1):
                hit = None
                for delta in (-mag, mag):
                    new = cim.values[r, c] + delta
                    if not -3 <= new <= 3:
                        continue
                    v = cim.values.copy()
                    v[r, c] = new
                    if is_consistent(CrossImpactMatrix(v, cim.sizes), z, tolerance) != before:
                        hit = int(new)
                if hit is not None:
                    out[(r, c)] = hit
                    break
    return out


def test_sensitivity_equals_brute_force():
    effects = set()
    for seed in range(8):
        cim = _random_cim(seed, sizes=(2, 3, 2, 2))
        found = find_consistent(cim, 3)
        res = analysis.sensitivity(cim, found.indices, max_change=2)
        labels = [f"{d}.{v}" for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True) for v in vs]
        for k, z in enumerate(found.indices):
            brute = _flips_by_brute_force(cim, z, 0, 2)
            got = {(labels.index(ch.row), labels.index(ch.column)): ch.new for ch in res[k]}
            assert got.keys() == brute.keys()
            for key, new in got.items():
                # where both directions flip at the same magnitude, either is right
                assert abs(new - cim.values[key]) == abs(brute[key] - cim.values[key])
            for ch in res[k]:
                assert ch.effect == ("breaks" if found.inconsistency[k] == 0 else "makes")
                effects.add(ch.effect)
                assert (ch.margin >= 0) != (ch.margin_after >= 0)
    assert effects == {"breaks", "makes"}


# --- ensembles --------------------------------------------------------------------------


def test_ensemble_support_and_combined():
    members = [_random_cim(s, sizes=(2, 3, 2, 2)) for s in (1, 2, 3)]
    e = analysis.ensemble(members, ["a", "b", "c"], n_jobs=2)
    for m, cim in enumerate(members):
        sc = {tuple(r) for r in brute_force_consistent(cim)[0].tolist()}
        for k, row in enumerate(e.indices.tolist()):
            assert e.members[k, m] == (tuple(row) in sc)
    total = CrossImpactMatrix(sum(c.values for c in members), members[0].sizes)
    comb = {tuple(r) for r in brute_force_consistent(total)[0].tolist()}
    assert comb == {tuple(r) for r, hit in zip(e.indices.tolist(), e.in_combined, strict=True) if hit}
    assert (np.diff(e.support) <= 0).all()


def test_ensemble_structure_mismatch_names_files():
    a = compile_system(load(DATA / "tiny.yaml"))
    b = CrossImpactMatrix(np.zeros((5, 5)), (2, 3), a.descriptor_ids, (("lo", "hi"), ("lo", "mid", "hi")))
    with pytest.raises(EngineError, match=r"b\.yaml, descriptor 'y' has variants lo, mid, hi where a\.yaml has lo, hi"):
        analysis.ensemble([a, b], ["a.yaml", "b.yaml"])


# --- pathways ---------------------------------------------------------------------------


def test_pathways_follow_brute_force_with_inertia_and_fixes():
    cim = _random_cim(5, sizes=(2, 3, 2, 2))
    d = cim.descriptor_ids
    plan = PeriodPlan(
        labels=["p1", "p2", "p3"],
        inertia={d[0]: 2, d[2]: 1},
        irreversible=[f"{d[1]}.v3"],
        scheduled=[ScheduledChange(period="p2", fix={d[3]: "v2"})],
    )
    start = [0, 0, 0, 0]
    pw = analysis.pathways(cim, plan, start)
    by_id = {n.id: n for n in pw.nodes}
    for node in pw.nodes[1:]:
        for p in node.parents:
            prev = by_id[p].scenario
            v = cim.values.copy()
            v[0:2, int(prev[0])] += 2
            v[5:7, 5 + int(prev[2])] += 1
            sc = brute_force_consistent(CrossImpactMatrix(v, cim.sizes))[0]
            if prev[1] == 2:
                sc = sc[sc[:, 1] == 2]
            if node.label == "p2":
                sc = sc[sc[:, 3] == 1]
            assert any((sc == node.scenario).all(axis=1))
            kids = {tuple(by_id[c].scenario.tolist()) for c in by_id[p].children}
            assert kids == {tuple(r) for r in sc.tolist()}
            for t in node.changes[p]:
                assert t.balance_new >= t.balance_old
    assert all(len(path) >= 2 for path in pw.paths())


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (PeriodPlan(labels=["a"], irreversible=["x.mid"]), "has no variant 'mid'"),
        (PeriodPlan(labels=["a"], inertia={"z": 1}), "unknown descriptor 'z'"),
        (PeriodPlan(labels=["a"], scheduled=[ScheduledChange(period="b", fix={"x": "lo"})]), "unknown period 'b'"),
    ],
)
def test_pathways_bad_plans_raise_clear_errors(plan, message):
    """Plans built in code (not loaded, so not checked against the model) are checked on entry."""
    cim = compile_system(load(DATA / "tiny.yaml"))
    with pytest.raises(EngineError, match=message):
        analysis.pathways(cim, plan, [0, 0])


# --- split search -----------------------------------------------------------------------


def test_split_search_equals_find_consistent(monkeypatch):
    """Every space split into subtrees (no first pass of the whole), searched on two threads: the engine's
    set, row for row."""
    import upheaval.cib._search as search_mod

    monkeypatch.setattr(search_mod, "_SPLIT_MIN", 0)
    monkeypatch.setattr(search_mod, "_WHOLE_FIRST", 0)
    cim = _random_cim(8, sizes=(3, 2, 3, 2, 3, 2, 3))
    for tol in (0, 1):
        a = find_consistent(cim, tol, _kernel="kernels")
        seen = []
        b = analysis.split_search(cim, tol, n_jobs=2, progress=seen.append)
        np.testing.assert_array_equal(a.indices, b.indices)
        assert b.complete and len(seen) > 1 and seen[-1] == 1.0
    c = analysis.split_search(cim, 0, {"D1": "v2"})
    assert (c.indices[:, 0] == 1).all()


def test_bad_parameters():
    cim = _random_cim(0)
    with pytest.raises(EngineError, match="mode"):
        analysis.succession_basins(cim, "sideways")
    with pytest.raises(EngineError, match="n_jobs"):
        analysis.check_n_jobs(0)
    with pytest.raises(EngineError, match="random_state"):
        analysis.spawn_seeds("x", 2)


# --- CLI --------------------------------------------------------------------------------

runner = CliRunner()


def _cli(*args):
    from upheaval.cli import app

    return runner.invoke(app, list(args))


def test_cli_basins_json_matches_oracle():
    r = _cli("basins", str(_scw("CIB_global.scw")), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    weights = sorted(a["count"] for a in out["attractors"] if a["kind"] == "consistent")
    assert weights == [1, 2, 4, 12] and out["exact"]


def test_cli_commands_run(tmp_path):
    tiny = str(DATA / "tiny.yaml")
    for args in (
        ("robustness", tiny, "--samples", "50", "--default-uncertainty", "1", "--json", "--n-jobs", "2"),
        ("sensitivity", tiny, "--max-change", "2", "--json"),
        ("basins", tiny, "--local", "--max-exact", "0", "--samples", "500", "--seed", "1", "--json"),
    ):
        r = _cli(*args)
        assert r.exit_code == 0, r.output
        json.loads(r.stdout)
    r = _cli("robustness", tiny, "--samples", "50", "--default-uncertainty", "1", "--seed", "2")
    assert r.exit_code == 0 and "Robustness" in r.stdout
    plan_model = tmp_path / "plan.yaml"
    plan_model.write_text(
        (DATA / "tiny.yaml").read_text()
        + "present:\n  scenario: {x: lo, y: hi}\n  cites: []\n"
        + "periods:\n  labels: ['2025', '2026']\n  inertia: {x: 1}\n  irreversible: [y.hi]\n"
    )
    r = _cli("pathways", str(plan_model), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["periods"] == ["2025", "2026"] and out["nodes"][0]["scenario"] == {"x": "lo", "y": "hi"}
    r = _cli("pathways", str(plan_model))
    assert r.exit_code == 0 and "2025" in r.stdout


def test_cli_errors_are_clear():
    tiny = str(DATA / "tiny.yaml")
    r = _cli("ensemble", tiny, str(_scw("CIB_global.scw")))
    assert r.exit_code == 1 and "differ in structure" in r.output and "Traceback" not in r.output
    r = _cli("pathways", tiny)
    assert r.exit_code == 2 and "no `periods` plan" in r.output
    r = _cli("ensemble", tiny, tiny, "--json")
    assert r.exit_code == 0 and all(s["support"] == 2 for s in json.loads(r.stdout)["scenarios"])


def test_period_plan_rejects_repeated_labels_and_negative_inertia():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="unique"):
        PeriodPlan(labels=["a", "a"])
    with pytest.raises(ValidationError):
        PeriodPlan(labels=["a"], inertia={"x": -1})
