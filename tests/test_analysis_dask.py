"""Analyses on a real dask.distributed cluster (loopback) give the single-process results."""

from __future__ import annotations

import json
from pathlib import Path

import distributed
import numpy as np
import pytest
from typer.testing import CliRunner

from upheaval import analysis, load
from upheaval.cib import CrossImpactMatrix, compile_system, find_consistent
from upheaval.cli import app
from upheaval.errors import EngineError
from upheaval.formats import read_scw, read_sl

ORACLES = Path(__file__).parent / "data" / "scenariowizard"
SW_DATA = Path(__file__).parent / "data" / "scenariowizard"


def _scw(name: str) -> Path:
    return SW_DATA / name if (SW_DATA / name).exists() else ORACLES / name


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_cluster_results_equal_single_process(cluster):
    cim = compile_system(load(_scw("CIB_global.scw")))
    address = cluster.scheduler_address
    # Monte Carlo robustness: same seed, same counts
    a = analysis.robustness(cim, 1, 700, random_state=9)
    b = analysis.robustness(cim, 1, 700, random_state=9, scheduler=address)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.hits, b.hits)
    # sampled basins
    a = analysis.succession_basins(cim, max_exact=0, n_samples=50_000, random_state=2)
    b = analysis.succession_basins(cim, max_exact=0, n_samples=50_000, random_state=2, scheduler=address)
    np.testing.assert_array_equal(a.ends, b.ends)
    np.testing.assert_array_equal(a.counts, b.counts)
    # exact basins
    b = analysis.succession_basins(cim, scheduler=address)
    assert sorted(b.counts.tolist()) == [1, 2, 4, 12, 17]
    # ensembles and split searches
    rng = np.random.default_rng(0)
    members = [CrossImpactMatrix(cim.values + rng.integers(-1, 2, cim.values.shape), cim.sizes) for _ in range(3)]
    a = analysis.ensemble(members)
    b = analysis.ensemble(members, scheduler=address)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.members, b.members)


def test_unreachable_scheduler_is_a_clear_error():
    cim = compile_system(load(_scw("CIB_global.scw")))
    with pytest.raises(EngineError, match="cannot reach"):
        analysis.robustness(cim, 1, 10, scheduler="tcp://127.0.0.1:1")


# --- the engine's split search on the cluster --------------------------------------------


def _split_model() -> CrossImpactMatrix:
    """24 descriptors of 3 variants (2.8e11 scenarios), sparse random impacts: the engine splits the space
    into 81 subtrees and needs about 320,000 nodes, far more than its first short pass of the whole."""
    rng = np.random.default_rng(1)
    v = rng.integers(-3, 4, size=(72, 72))
    v[rng.random(v.shape) < 0.6] = 0
    return CrossImpactMatrix(v, (3,) * 24)


def _subtree_tasks(stream) -> list[dict]:
    return [t for t in stream.data if str(t["key"]).startswith("_call-")]


def test_split_search_runs_its_subtrees_on_the_cluster(cluster):
    """The subtrees run as the cluster's tasks (the plan sent to each worker once), the progress counts
    them as they finish, and the set is the single thread's, row for row, with the same node count."""
    cim = _split_model()
    serial = find_consistent(cim)
    threads = analysis.split_search(cim, n_jobs=2)
    seen: list[float] = []
    with distributed.Client(cluster.scheduler_address) as client, distributed.get_task_stream(client) as stream:
        remote = analysis.split_search(cim, scheduler=client, progress=seen.append)
    tasks = _subtree_tasks(stream)
    assert len(tasks) > 1 and {t["worker"] for t in tasks} <= set(cluster.scheduler_info["workers"])
    assert len(seen) == len(tasks) and seen == sorted(seen) and seen[-1] == 1.0
    assert len(serial) > 0
    for res in (threads, remote):
        np.testing.assert_array_equal(res.indices, serial.indices)
        assert res.n_nodes == serial.n_nodes and res.complete


def test_cluster_map_keeps_the_order_and_raises_a_failed_item(cluster):
    """The cluster's map returns results in the items' order whatever order they finish in, calls ``done``
    once per item, and raises an item's error here (the others cancelled)."""
    from upheaval.analysis._parallel import cluster_map

    def slow_first(item, stop):
        import time

        time.sleep(0.2 if item == 0 else 0.0)
        return item * 10

    finished: list[int] = []
    run = cluster_map(cluster.scheduler_address)
    assert run(slow_first, list(range(6)), None, finished.append) == [0, 10, 20, 30, 40, 50]
    assert sorted(finished) == list(range(6))
    assert run(slow_first, [], None, finished.append) == []  # nothing to run: no connection either

    def failing(item, stop):
        if item == 2:
            raise ValueError(f"subtree {item} failed")
        return item

    with pytest.raises(ValueError, match="subtree 2 failed"):
        run(failing, list(range(4)))


@pytest.fixture
def split_always(monkeypatch):
    """The engine's split search without its first pass of the whole (which finishes ScenarioWizard's
    examples at once): every subtree is searched, here on the cluster."""
    import upheaval.cib._search as search_mod

    monkeypatch.setattr(search_mod, "_WHOLE_FIRST", 0)


def test_split_search_on_the_cluster_gives_scenariowizards_list(cluster, split_always):
    """CIB_nested (408 million scenarios) split into subtrees on two workers: ScenarioWizard's own solution
    list; under an intervention too, the same as on one thread."""
    cim = compile_system(read_scw(SW_DATA / "CIB_nested.scw"))
    want = {r.indices for r in read_sl(SW_DATA / "CIB_nested.sl")}
    address = cluster.scheduler_address
    with distributed.Client(address) as client, distributed.get_task_stream(client) as stream:
        remote = analysis.split_search(cim, scheduler=client)
        fixed = analysis.split_search(cim, 1, {0: 1}, scheduler=client)
    assert len(_subtree_tasks(stream)) > 2 * 32  # two searches of at least 32 subtrees each
    assert {tuple(int(x) for x in row) for row in remote.indices} == want
    np.testing.assert_array_equal(remote.indices, find_consistent(cim).indices)
    local = find_consistent(cim, 1, {0: 1})
    np.testing.assert_array_equal(fixed.indices, local.indices)
    assert fixed.fix == local.fix and (fixed.indices[:, 0] == 1).all()


def test_commands_take_the_scheduler(cluster, split_always):
    """`scenarios`, `analyze` and `check` with --scheduler print what they print without it."""
    runner = CliRunner()
    address = cluster.scheduler_address
    model = str(SW_DATA / "CIB_nested.scw")

    def run(*args: str) -> str:
        res = runner.invoke(app, list(args), catch_exceptions=False)
        assert res.exit_code == 0, res.output
        return res.stdout

    local, remote = (json.loads(run("scenarios", model, "--json", *more)) for more in ([], ["--scheduler", address]))
    assert local.pop("seconds") >= 0 and remote.pop("seconds") >= 0
    assert local == remote and len(local["scenarios"]) == 20
    assert run("check", "--json", "--scheduler", address) == run("check", "--json")
    local, remote = run("analyze", "-t", "1"), run("analyze", "-t", "1", "--scheduler", address)
    assert "claims" in local.lower() and local == remote
    res = runner.invoke(app, ["scenarios", model, "--scheduler", "tcp://127.0.0.1:1"])
    assert res.exit_code == 1 and "cannot reach the dask scheduler" in res.stderr
